"""The guard in front of every staff command and staff button: admins pass, others are refused.

Use ``await require_staff(update, context)`` as the first line of a staff callback (it returns
whether to go on), or decorate the callback with ``@staff_only``. The check runs on the server
for every update, so a forged, replayed or forwarded staff button is refused like a typed
command. A refusal answers ``common.not_allowed`` (as an alert for buttons), logs a warning
without the user's id, and writes an ``audit_log`` row ``denied:<what>``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update

from bot.context import Context
from bot.services.roles import denied_action

_LOGGER = logging.getLogger(__name__)

R = TypeVar("R")
Callback = Callable[[Update, Context], Awaitable[R]]


def _what(update: Update) -> str:
    """Name the attempted action: the command (``stats``) or the button's feature."""
    query = update.callback_query
    if query is not None:
        parts = (query.data or "").split(":")
        return parts[1] if len(parts) > 1 else "button"
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        return message.text.split()[0].removeprefix("/").split("@")[0]
    return "message"


async def require_staff(update: Update, context: Context, what: str | None = None) -> bool:
    """Return True for an admin; otherwise refuse politely, log, audit and return False."""
    user = update.effective_user
    roles = context.services.roles
    if user is not None and roles.is_staff(user.id):
        return True
    action = denied_action(what or _what(update))
    _LOGGER.warning("refused %s to a non-admin", action)
    await roles.record_denied(None if user is None else user.id, what or _what(update))
    t = context.texts(user)
    if update.callback_query is not None:
        await update.callback_query.answer(t.common.not_allowed, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t.common.not_allowed)
    return False


def staff_only(callback: Callback[R]) -> Callback[R | None]:
    """Decorate a staff callback so non-admins are refused before it runs (returns None)."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: Context) -> R | None:
        if not await require_staff(update, context):
            return None
        return await callback(update, context)

    return guarded
