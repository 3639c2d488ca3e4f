"""Sending a reply whose sent copy nobody reads, without parsing it back.

PTB's ``reply_text`` returns the sent message as a ``Message``: Telegram's answer is parsed
into objects (the text's entities, the keyboard's buttons, the chat, the bot as sender). For an
answer with six buttons that parse costs about as much as building and sending it, and most
handlers never look at the result. ``reply_unread`` sends exactly what ``reply_text`` would
(same Bot API call, same defaults such as the HTML parse mode, same rate limiter and error
handling) and returns only the message id. Use ``reply_text`` where the sent message is used.
"""

from __future__ import annotations

from typing import Any

from telegram import Message
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ReplyMarkup


async def reply_unread(
    message: Message, text: str, reply_markup: ReplyMarkup | None = None
) -> int:
    """Send ``text`` to ``message``'s chat as ``message.reply_text`` would; the new id."""
    data: dict[str, Any] = {
        "chat_id": message.chat_id,
        "text": text,
        "reply_markup": reply_markup,
        # Placeholders that the bot's Defaults fill in, exactly as in Bot.send_message.
        "parse_mode": DEFAULT_NONE,
        "disable_notification": DEFAULT_NONE,
        "protect_content": DEFAULT_NONE,
        "link_preview_options": DEFAULT_NONE,
    }
    # Bot._post is what every send method ends in: defaults, rate limiter, request, errors.
    result = await message.get_bot()._post("sendMessage", data)
    return int(result["message_id"])
