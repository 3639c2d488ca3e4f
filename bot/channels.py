"""Which channel a resident uses: Telegram, or the web page (``bot.shell.web``).

Web residents get user ids from 2^52 up (``db.web.WEB_ID_BASE``); Telegram documents its user
ids as at most 52 significant bits, so an id alone tells the channel. Staff cards, exports and
the rate limiter ask here. Pure: no ``telegram`` import.
"""

from __future__ import annotations

from enum import StrEnum

from db.web import WEB_ID_BASE


class Channel(StrEnum):
    """Where a resident talks to the bot."""

    TELEGRAM = "telegram"
    WEB = "web"


def is_web_user(user_id: int | None) -> bool:
    """Whether ``user_id`` (or a private chat id) belongs to a web resident."""
    return user_id is not None and user_id >= WEB_ID_BASE


def channel_of(user_id: int | None) -> Channel:
    """The channel of ``user_id``."""
    return Channel.WEB if is_web_user(user_id) else Channel.TELEGRAM


def web_number(user_id: int) -> int:
    """A web resident's short number (1, 2, ...), as the page and staff cards show it."""
    return user_id - WEB_ID_BASE + 1
