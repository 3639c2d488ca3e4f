"""The error handler: log the failure with the update id, apologise to the user, no traceback.

Also the wording of the apology for an update the inbox gave up on (``renderers``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import Context
from bot.processing import note_outcome
from bot.services import Services
from bot.services.delivery import Outbound
from bot.services.inbox import ABANDONED_NOTICE
from bot.services.outbox import Payload, Renderer
from bot.texts import Texts, fmt, get_texts

_LOGGER = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the exception with the update id and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # A resident who blocked the bot is routine, not a fault: no traceback, no alarm.
        note_outcome("blocked")
        _LOGGER.info("update %s: Telegram refused to deliver (403): %s", update_id, context.error)
        if isinstance(update, Update) and update.effective_user is not None:
            await context.services.users.mark_unreachable(update.effective_user.id)
        return
    note_outcome("error")
    _LOGGER.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    t = context.texts(user) if context.user_data is not None else get_texts("zh")
    try:
        await context.bot.send_message(update.effective_chat.id, t.common.error)
    except TelegramError:
        _LOGGER.warning("could not send the error notice for update %s", update_id)


def renderers(services: Services) -> dict[str, Renderer]:
    """How the outbox words the apology for an update the inbox abandoned (a poison update)."""
    tz = services.settings.timezone

    async def abandoned(payload: Payload, t: Texts) -> Outbound | None:
        received = datetime.fromisoformat(str(payload["received_at"])).astimezone(tz)
        return Outbound(fmt(t.common.update_abandoned, time=f"{received:%m-%d %H:%M}"))

    return {ABANDONED_NOTICE: abandoned}
