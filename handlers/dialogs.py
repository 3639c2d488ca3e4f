"""One way to build a dialog: persistent, named, ending politely after the configured silence.

Every ConversationHandler of the bot is made by ``conversation()``: ``persistent=True`` (the
SQLite persistence keeps its state across restarts), ``conversation_timeout`` from settings with
a ``TIMEOUT`` handler that drops the dialog's draft and tells the user, and PTB's per-message
warning silenced because tracking buttons per user, not per message, is what these dialogs want
(one draft per resident or staff member).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler, TypeHandler
from telegram.warnings import PTBUserWarning

from bot.context import Context
from bot.settings import Settings
from bot.texts import fmt
from handlers.ui import main_menu

Handlers = Sequence[BaseHandler[Update, Context, Any]]
TimeoutCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]


def timed_out_for(drafts: Sequence[str]) -> TimeoutCallback:
    """A TIMEOUT callback that forgets ``drafts`` (user_data keys) and tells the user."""

    async def timed_out(update: Update, context: Context) -> None:
        """Tell the user the dialog ended after the configured silence."""
        if context.user_data is not None:
            for key in drafts:
                context.user_data.pop(key, None)
        if update.effective_chat is None:
            return
        t = context.texts(update.effective_user)
        minutes = int(context.services.settings.conversation_timeout.total_seconds() // 60)
        await context.bot.send_message(
            update.effective_chat.id,
            fmt(t.common.timed_out, minutes=minutes),
            reply_markup=main_menu(t),
        )

    return timed_out


def conversation(
    *,
    name: str,
    settings: Settings,
    entry_points: Handlers,
    states: Mapping[object, Handlers],
    fallbacks: Handlers,
    drafts: Sequence[str] = (),
    on_timeout: TimeoutCallback | None = None,
    allow_reentry: bool = False,
) -> ConversationHandler[Context]:
    """A persistent dialog ``name`` that times out after ``settings.conversation_timeout``."""
    timeout = on_timeout or timed_out_for(drafts)
    all_states: dict[object, list[BaseHandler[Update, Context, Any]]] = {
        state: list(handlers) for state, handlers in states.items()
    }
    all_states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, timeout)]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=list(entry_points),
            states=all_states,
            fallbacks=list(fallbacks),
            name=name,
            persistent=True,
            conversation_timeout=settings.conversation_timeout,
            allow_reentry=allow_reentry,
        )
