"""The guard in front of every staff command, button and dialog step: admins pass, others not.

Staff-only is a property of the registration: ``bot.shell.app`` wraps every staff command and
button with ``staff(handler)``, and a staff ``Form`` says ``staff=True`` (the form router checks
every step of it); no callback checks the role itself. The role is read from the settings at every
update, so a forged, replayed or forwarded staff button is refused like a typed command, and an
admin removed from ``admin_ids`` is refused at the next press inside a dialog restored after a
restart, which then ends. A refusal answers ``common.not_allowed`` (as an alert for buttons),
logs a warning without the user's id, and writes an ``audit_log`` row ``denied:<what>``.
``tell_user`` reaches a resident outside a reply in their own language; it and ``send_safely``
send through ``bot.services.delivery``, so a flood limit is waited out and a blocked chat is
marked, never raised (notifications caused by a change go through the outbox instead).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.services.delivery import Outcome, attempt
from bot.services.roles import denied_action
from bot.texts import Texts, get_texts, language_for

_LOGGER = logging.getLogger(__name__)


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


STAFF_ONLY = "staff_only"  # marks a guarded callback (functools.wraps keeps it on wrappers)


def is_guarded(handler: BaseHandler[Any, Any, Any]) -> bool:
    """Whether ``handler`` answers staff only."""
    return getattr(handler.callback, STAFF_ONLY, False) is True


H = TypeVar("H", bound=BaseHandler[Any, Any, Any])


def staff(handler: H, what: str | None = None) -> H:
    """``handler`` answering staff only; ``what`` names a refusal in the audit (default: the
    command or button). Staff dialogs are forms with ``staff=True`` (``handlers.form_router``
    checks the role at every step the same way)."""
    if is_guarded(handler):
        return handler
    callback = handler.callback

    @functools.wraps(callback)
    async def guarded(update: Update, context: Context) -> object:
        if await require_staff(update, context, what):
            return await callback(update, context)
        return None

    setattr(guarded, STAFF_ONLY, True)
    handler.callback = guarded
    return handler


async def texts_of(context: Context, user_id: int) -> Texts:
    """The texts in the language stored for ``user_id`` (Chinese if unknown)."""
    stored = await context.services.users.get(user_id)
    if stored is None:
        return get_texts("zh")
    return get_texts(language_for(stored.language_code, stored.lang_override))


# A notice sent while someone waits for the bot's answer waits out Telegram's flood limit for at
# most this long (PTB's rate limiter has already retried); bulk deliveries wait without bound.
INTERACTIVE_FLOOD_WAIT_S = 30.0


async def send_safely(
    context: Context, chat_id: int, sending: Callable[[], Awaitable[object]]
) -> bool:
    """Run ``sending()`` to ``chat_id`` under the one sending policy; say whether it arrived."""
    users = context.services.users
    outcome = await attempt(
        sending,
        chat_id,
        users=users,
        max_flood_wait=INTERACTIVE_FLOOD_WAIT_S,
        sleep=context.services.sleep,
    )
    return outcome is Outcome.DELIVERED


async def tell_user(
    context: Context,
    user_id: int,
    lang: str | None,
    compose: Callable[[Texts], str],
    markup: Callable[[Texts], InlineKeyboardMarkup | None] | None = None,
) -> bool:
    """Send ``compose(texts)`` (with ``markup(texts)``) to ``user_id`` in ``lang``.

    Returns whether it arrived.
    """
    t = get_texts(lang or "zh")
    text, buttons = compose(t), None if markup is None else markup(t)
    return await send_safely(
        context, user_id, lambda: context.bot.send_message(user_id, text, reply_markup=buttons)
    )
