"""One way to build a dialog: persistent, named, one at a time, ending politely after silence.

Every ConversationHandler of the bot is made by ``conversation()``: ``persistent=True`` (the
SQLite persistence keeps its state across restarts), ``conversation_timeout`` from settings with
a ``TIMEOUT`` handler that drops the dialog's draft and tells the user, and PTB's per-message
warning silenced because tracking buttons per user, not per message, is what these dialogs want
(one draft per resident or staff member).

The main-menu keyboard stays under the text field during a dialog, and its buttons send their
label as text. So every state first catches the menu labels (all languages) and answers "you
are in the middle of …; answer the question above or /cancel first", keeping the state; a label
is never stored as an answer. One dialog at a time: ``user_data[DIALOG]`` names the dialog the
user is in (set whenever a callback of a dialog returns a state, dropped when one returns END,
on timeout and by ``/cancel`` outside a dialog). PTB tries the handlers in order, so an earlier
dialog's entry point would see a message before a later, active dialog does; entry points are
therefore wrapped to refuse, with the same polite answer, while the user is in another dialog.
A marker is believed only if that dialog really holds a state for the user, so a stale one can
never lock anybody out.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import warnings
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, TypeHandler, filters
from telegram.warnings import PTBUserWarning

from bot.context import Context
from bot.settings import Settings
from bot.texts import LANGUAGES, Texts, fmt, get_texts
from handlers.ui import main_menu

Handlers = Sequence[BaseHandler[Update, Context, Any]]
TimeoutCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]
Callback = Callable[[Update, Context], Coroutine[Any, Any, object]]

DIALOG = "dialog"  # user_data key: the name of the dialog the user is in
_DRAFTS: dict[str, tuple[str, ...]] = {}  # each dialog's draft keys, by dialog name


def end_dialog(context: Context, name: str) -> None:
    """Forget dialog ``name``'s drafts and marker (its conversation state ends with END)."""
    if context.user_data is not None:
        for key in _DRAFTS.get(name, ()):
            context.user_data.pop(key, None)
    forget_dialog(context, name)


def menu_labels() -> list[str]:
    """Every main-menu button's label, in every language."""
    return [
        button.text
        for lang in LANGUAGES
        for row in main_menu(get_texts(lang)).keyboard
        for button in row
    ]


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


def _cancelled(t: Texts) -> str:
    return t.common.cancelled


def cancel_for(
    drafts: Sequence[str],
    text: Callable[[Texts], str] = _cancelled,
    *,
    strip_buttons: bool = False,
) -> Callable[[Update, Context], Coroutine[Any, Any, int]]:
    """A /cancel (or cancel button) callback: forget ``drafts``, say ``text``, show the menu."""

    async def cancel(update: Update, context: Context) -> int:
        """Drop the draft, leave the dialog and bring the main menu back."""
        query = update.callback_query
        if context.user_data is not None:
            for key in drafts:
                context.user_data.pop(key, None)
        forget_dialog(context)
        if query is not None:
            await query.answer()
            if strip_buttons:
                # The buttons may already be gone (or the message too old to edit): the
                # dialog is over either way.
                with contextlib.suppress(BadRequest):
                    await query.edit_message_reply_markup(None)
        t = context.texts(update.effective_user)
        if update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, text(t), reply_markup=main_menu(t)
            )
        return ConversationHandler.END

    return cancel


def busy_text(t: Texts, dialog: str) -> str:
    """ "You are in the middle of <dialog>; answer the question above or /cancel first"."""
    doing = dict(t.common.dialog_names).get(dialog, t.common.dialog_other)
    return t.common.busy_in_dialog.format(dialog=doing)


async def tell_busy(update: Update, context: Context, dialog: str) -> None:
    """Say the user is in ``dialog`` (an alert for a button press)."""
    text = busy_text(context.texts(update.effective_user), dialog)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(fmt("{text}", text=text))


def _dialog_named(context: Context, name: str) -> ConversationHandler[Context] | None:
    for group in context.application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name == name:
                return handler
    return None


def holds_state(dialog: ConversationHandler[Context], update: Update) -> bool:
    """Whether ``dialog`` is waiting for an answer from the sender of ``update``."""
    # PTB offers no public way to read one conversation's state; check_update() itself looks it
    # up by _get_key() in _conversations, so this asks exactly what PTB will ask.
    try:
        key = dialog._get_key(update)
    except RuntimeError:  # no chat or user: no conversation either
        return False
    return dialog._conversations.get(key) is not None


def other_dialog(update: Update, context: Context, name: str) -> str | None:
    """The dialog other than ``name`` the user is really in, if any (a stale marker is dropped)."""
    data = context.user_data
    marker = data.get(DIALOG) if data is not None else None
    if not isinstance(marker, str) or marker == name:
        return None
    dialog = _dialog_named(context, marker)
    if dialog is not None and holds_state(dialog, update):
        return marker
    if data is not None:
        data.pop(DIALOG, None)
    return None


def forget_dialog(context: Context, name: str | None = None) -> None:
    """Drop the marker (only if it names ``name``, when given)."""
    data = context.user_data
    if data is not None and (name is None or data.get(DIALOG) == name):
        data.pop(DIALOG, None)


def _note(context: Context, name: str, state: object) -> None:
    if state == ConversationHandler.END:
        forget_dialog(context, name)
    elif state is not None and context.user_data is not None:
        context.user_data[DIALOG] = name


def _tracked(name: str, callback: Callback) -> Callback:
    @functools.wraps(callback)
    async def tracked(update: Update, context: Context) -> object:
        state = await callback(update, context)
        _note(context, name, state)
        return state

    return tracked


def _one_at_a_time(name: str, callback: Callback) -> Callback:
    @functools.wraps(callback)
    async def entry(update: Update, context: Context) -> object:
        other = other_dialog(update, context, name)
        if other is None:
            state = await callback(update, context)
            _note(context, name, state)
            return state
        await tell_busy(update, context, other)
        own = _dialog_named(context, name)
        # END, not None, unless this dialog is running: PTB arms the timeout for any other
        # result, and a timeout of a dialog that never started would tell the user it ended.
        return None if own is not None and holds_state(own, update) else ConversationHandler.END

    return entry


def _wrapped(
    handlers: Handlers, wrap: Callable[[Callback], Callback]
) -> list[BaseHandler[Update, Context, Any]]:
    """Copies of ``handlers`` with wrapped callbacks (a handler object may be shared)."""
    out: list[BaseHandler[Update, Context, Any]] = []
    for handler in handlers:
        twin = copy.copy(handler)
        twin.callback = wrap(handler.callback)
        out.append(twin)
    return out


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
    _DRAFTS[name] = tuple(drafts)

    async def menu_pressed(update: Update, context: Context) -> None:
        """Answer a main-menu button mid-dialog politely and keep waiting for the answer."""
        await tell_busy(update, context, name)

    async def ended_by_silence(update: Update, context: Context) -> None:
        """Forget which dialog the user was in, then run the dialog's timeout callback."""
        forget_dialog(context, name)
        await timeout(update, context)

    guard: BaseHandler[Update, Context, Any] = MessageHandler(
        filters.Text(menu_labels()), menu_pressed
    )
    tracked = functools.partial(_tracked, name)
    all_states: dict[object, list[BaseHandler[Update, Context, Any]]] = {
        state: [guard, *_wrapped(handlers, tracked)] for state, handlers in states.items()
    }
    all_states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, ended_by_silence)]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=_wrapped(entry_points, functools.partial(_one_at_a_time, name)),
            states=all_states,
            fallbacks=_wrapped(fallbacks, tracked),
            name=name,
            persistent=True,
            conversation_timeout=settings.conversation_timeout,
            allow_reentry=allow_reentry,
        )
