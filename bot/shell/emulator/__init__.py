"""A local Telegram Bot API emulator: the heart of the offline chat and of the tests.

``BotApiEmulator`` keeps the simulated Telegram (users, chats, messages) and answers Bot API
methods with Telegram's limits and errors; ``EmulatorRequest`` plugs it into
python-telegram-bot in-process; ``SimUser`` lets a test or the terminal act as a user.
"""

from bot.shell.emulator.core import ManualClock
from bot.shell.emulator.limits import ApiError
from bot.shell.emulator.memory import BotApiEmulator
from bot.shell.emulator.store import StoredMessage
from bot.shell.emulator.transport import EmulatorRequest
from bot.shell.emulator.users import Replies, SimUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "EmulatorRequest",
    "ManualClock",
    "Replies",
    "SimUser",
    "StoredMessage",
]
