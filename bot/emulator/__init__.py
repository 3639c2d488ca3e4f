"""A local Telegram Bot API emulator: the heart of the offline chat and of the tests.

``BotApiEmulator`` keeps the simulated Telegram (users, chats, messages) and answers Bot API
methods with Telegram's limits and errors; ``EmulatorRequest`` plugs it into
python-telegram-bot in-process; ``SimUser`` lets a test or the terminal act as a user.
"""

from bot.emulator.core import ApiError, BotApiEmulator, StoredMessage
from bot.emulator.transport import EmulatorRequest
from bot.emulator.users import Replies, SimUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "EmulatorRequest",
    "Replies",
    "SimUser",
    "StoredMessage",
]
