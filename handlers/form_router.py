"""The one handler serving every ``Form``: routes each update of a user in a dialog to it.

``FormRouter`` runs in its own handler group, before the features: a user in a dialog has every
update (text, buttons, stickers, commands, menu labels) answered by that dialog and nothing
else, which is what "one dialog at a time" means. Outside a dialog it only looks for a form's
entry (/register, a 退回 button...) and otherwise lets the update through to the features.
Timeouts are jobs named ``form timeout`` (one per user) re-armed at every step; the deadline
itself is stored with the dialog, so ``resume`` at start-up ends the dialogs whose time ran out
while the bot was down and re-arms the others, and ``route`` ends an overdue one at the user's
next update.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.buttons import FormButton
from bot.context import Context
from bot.processing import note_handler
from bot.services.dialog_words import Control, control_word, same_label
from bot.texts import Html, Texts, fmt
from handlers.dialogs import menu_labels as all_menu_labels
from handlers.dialogs import tell_busy
from handlers.form_timeout import AnyApp, Timeouts, disarm
from handlers.form_view import (
    answer_query,
    editable,
    render,
    replace_text,
    reply_removing_keyboard,
    shown_buttons,
    strip_buttons,
)
from handlers.forms import (
    FIELDS,
    FORM,
    SUMMARY,
    Accept,
    Answer,
    Ask,
    Cancel,
    Entry,
    Finish,
    Form,
    Markup,
    Opener,
    Outcome,
    Refuse,
    Start,
    State,
    Stay,
    Widget,
    current,
    dialog_name,
    now,
)
from handlers.staff_guard import require_staff
from handlers.ui import main_menu

_LOGGER = logging.getLogger(__name__)

BACK, CANCEL = "/back", "/cancel"
_MENU_LABELS = frozenset(all_menu_labels())


class FormRouter:
    """Every form of the bot, and the handler that serves them."""

    def __init__(self, forms: Sequence[Form]) -> None:
        self.forms = {form.name: form for form in forms}
        if len(self.forms) != len(forms):
            raise ValueError("two forms share a name")
        self.timeouts = Timeouts(self.forms)

    def handler(self) -> TypeHandler[Update, Context, None]:
        """The handler to register in a group of its own, before the features."""
        return TypeHandler(Update, self.route)

    # ------------------------------------------------------------------ routing
    async def route(self, update: Update, context: Context) -> None:
        """Serve the user's open dialog, or open one whose entry this update is."""
        user = update.effective_user
        if user is None or context.user_data is None:
            return
        state = current(context)
        form = None if state is None else self.forms.get(state.form)
        if state is not None and (form is None or state.deadline <= now(context).timestamp()):
            await self.timeouts.expire(context.application, user.id, state)
            state = None
        if state is not None and form is not None:
            await self._answering(update, context, form, state)
        for form in self.forms.values():
            for entry in form.entries:
                if entry.handler.check_update(update):
                    await self._answering(update, context, form, None, entry)

    async def _answering(
        self,
        update: Update,
        context: Context,
        form: Form,
        state: State | None,
        entry: Entry | None = None,
    ) -> None:
        """Serve the update in ``form``; nothing after this group sees it, even after an error."""
        note_handler(f"form.{form.name}")
        try:
            user_id = _uid(update)
            if state is None and entry is not None:
                await self._open(update, context, form, entry.open, None)
            elif form.staff and not context.services.roles.is_staff(user_id or 0):
                await self._withdrawn(update, context, form)
            elif state is not None:
                await self._serve(update, context, form, state)
        except Exception as exc:
            await context.application.process_error(update, exc)
        raise ApplicationHandlerStop

    async def _open(
        self, update: Update, context: Context, form: Form, opener: Opener, state: State | None
    ) -> None:
        """Open ``form`` (or, from inside it, reopen it on another item) as ``opener`` says."""
        user = update.effective_user  # route() serves only updates that have one
        if user is None or (
            form.staff and not await require_staff(update, context, form.staff_action)
        ):
            return
        opening = await opener(Start(update, context, user, context.texts(user), state))
        if opening is None:
            return
        first = opening.step or next(s.name for s in form.steps if s.ordered)
        fresh = State(form.name, first, dict(opening.draft), 0.0)
        await self.ask(update, context, form, fresh, opening.note)

    async def _serve(self, update: Update, context: Context, form: Form, state: State) -> None:
        message, query = update.effective_message, update.callback_query
        text = message.text if message is not None and query is None else None
        for entry in form.entries:
            if state.step in entry.inside and entry.handler.check_update(update):
                await self._open(update, context, form, entry.open, state)
                return
        command = text.split()[0].split("@")[0] if text is not None and text.split() else ""
        if command == BACK:
            await self.back(update, context, form, state)
            return
        if command == CANCEL:
            await self.cancel(update, context, form, state)
            return
        for handler in form.besides:
            if handler.check_update(update):
                await handler.callback(update, context)
                self._store(context, state, _uid(update))
                return
        if (text is not None and text in _MENU_LABELS) or self._other_entry(form, update):
            await tell_busy(update, context, form.name)
            self._store(context, state, _uid(update))
            return
        if query is not None:
            button = FormButton.unpack(query.data)
            await self._pressed(update, context, form, state, button)
            return
        if text is not None and await self._steered(update, context, form, state, text):
            return
        await self._message(update, context, form, state)

    async def _steered(
        self, update: Update, context: Context, form: Form, state: State, text: str
    ) -> bool:
        """Typed text that steers instead of answering: a shown button's label (as if
        pressed), 返回 / 取消 (as /back, /cancel), 提交 / 修改 (its button, or a note)."""
        t = context.texts(update.effective_user)
        shown = shown_buttons(form, _ask(context, t, state), state.step)
        control = control_word(text)
        actions = {Control.SUBMIT: "submit", Control.EDIT: "edit"}
        for label, button in shown:
            if same_label(text, label) or (control and button.action == actions.get(control)):
                await self._pressed(update, context, form, state, button)
                return True
        if control is Control.BACK:
            await self.back(update, context, form, state)
        elif control is Control.CANCEL:
            await self.cancel(update, context, form, state)
        elif control is not None:  # 提交 / 修改 before the summary: never stored as an answer
            await self.ask(update, context, form, state, fmt(t.form.control_not_here, word=text))
        return control is not None

    async def _message(self, update: Update, context: Context, form: Form, state: State) -> None:
        """A message at a step: typed text, a shared contact or a photo, or a stray."""
        message, step = update.effective_message, form.step(state.step)
        text = message.text if message is not None else None
        contact = message.contact if message is not None else None
        photo = message.photo[-1].file_id if message is not None and message.photo else None
        if step is not None and text is not None and not text.startswith("/"):
            await self._answer(update, context, form, state, text=text)
        elif step is not None and contact is not None and step.widget is Widget.PHONE:
            await self._answer(update, context, form, state, contact=contact)
        elif step is not None and photo is not None and step.widget is Widget.PHOTO:
            await self._answer(update, context, form, state, photo=photo)
        else:
            t = context.texts(update.effective_user)
            note = t.form.reprompt_other if text is not None else t.form.reprompt_non_text
            doing = dialog_name(t, form.name)
            await self.ask(update, context, form, state, fmt(note, dialog=doing))

    def _other_entry(self, form: Form, update: Update) -> bool:
        return any(
            entry.handler.check_update(update)
            for other in self.forms.values()
            if other is not form
            for entry in other.entries
        )

    async def _pressed(
        self, update: Update, context: Context, form: Form, state: State, button: FormButton | None
    ) -> None:
        """A button pressed (or its label typed) in the dialog: this step's option, the
        summary's, or a stray one."""
        if button is None or button.form != form.key:
            await self.stray_press(update, context, form, state)
            return
        step = form.step(state.step)
        if button.action == "c" and button.step == state.step and step and step.options:
            await self._answer(update, context, form, state, choice=button.value)
        elif button.action == "x":
            await self.cancel(update, context, form, state)
        elif button.action in ("submit", "edit", "sum") and state.step in (SUMMARY, FIELDS):
            await self._summary_action(update, context, form, state, button.action)
        elif (
            button.action == "field"
            and state.step == FIELDS
            and button.step in editable(form, state.draft)
        ):
            await answer_query(update)
            await strip_buttons(update)
            state.editing, state.behind = True, [*state.behind, FIELDS]
            await self.ask(update, context, form, _at(state, button.step))
        else:
            await self.stray_press(update, context, form, state)

    async def stray_press(
        self, update: Update, context: Context, form: Form, state: State
    ) -> None:
        """An old, forged or foreign button mid-dialog: say so and ask again."""
        t = context.texts(update.effective_user)
        note = fmt(t.form.reprompt_other, dialog=dialog_name(t, form.name))
        if update.callback_query is not None:
            await update.callback_query.answer(note)
        await self.ask(update, context, form, state)

    async def _summary_action(
        self, update: Update, context: Context, form: Form, state: State, action: str
    ) -> None:
        await answer_query(update)
        if action == "submit" and state.step == SUMMARY:
            await strip_buttons(update)
            await self._submit(update, context, form, state)
        elif action == "edit" and state.step == SUMMARY and form.editable(state.draft):
            state.behind = [*state.behind, SUMMARY]
            await self._edit_in_place(update, context, form, _at(state, FIELDS))
        elif action == "sum" and state.step == FIELDS:
            await strip_buttons(update)
            state.behind = [s for s in state.behind if s not in (SUMMARY, FIELDS)]
            await self.ask(update, context, form, _at(state, SUMMARY))
        else:
            await self.stray_press(update, context, form, state)

    async def _edit_in_place(
        self, update: Update, context: Context, form: Form, state: State
    ) -> None:
        """Show the field list in the summary's own message."""
        query = update.callback_query
        t = context.texts(update.effective_user)
        text, markup = await render(form, _ask(context, t, state), state.step)
        self._store(context, state, _uid(update))
        if query is not None:
            with contextlib.suppress(BadRequest):
                inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
                await query.edit_message_text(text, reply_markup=inline)
                return
        await self._send(update, context, text, markup)

    async def _submit(self, update: Update, context: Context, form: Form, state: State) -> None:
        t = context.texts(update.effective_user)
        ask = _ask(context, t, state)
        outcome = await form.submit(Answer(ask, update, context))
        await self._apply(update, context, form, state, outcome)

    async def _answer(
        self, update: Update, context: Context, form: Form, state: State, **given: Any
    ) -> None:
        step = form.step(state.step)
        if step is None:
            return
        t = context.texts(update.effective_user)
        ask = _ask(context, t, state)
        outcome = await step.parse(Answer(ask, update, context, **given))
        if isinstance(outcome, Accept) and given.get("choice") is not None:
            await answer_query(update)
            echo = outcome.echo
            if echo is None and step.label is not None:
                offered = step.options(ask) if step.options else ()
                label = {value: shown for shown, value in offered}.get(given["choice"])
                echo = fmt(t.form.chosen, label=step.label(t), value=label or "")
            if echo is not None:
                await replace_text(update, echo)
        elif isinstance(outcome, Accept) and outcome.echo is not None:
            await reply_removing_keyboard(update, outcome.echo)
        elif isinstance(outcome, Refuse) and update.callback_query is not None:
            # A press the step refuses (an option no longer offered, a forged value) is a stray.
            await self.stray_press(update, context, form, state)
            return
        elif isinstance(outcome, Refuse) and step.options and "/cancel" not in outcome.note:
            # Typed text a button step refuses: say how to step back or out, too.
            said = outcome.note if isinstance(outcome.note, Html) else fmt("{n}", n=outcome.note)
            outcome = Refuse(Html(f"{said}\n{fmt(t.form.buttons_hint)}".strip()))
        await self._apply(update, context, form, state, outcome)

    async def _apply(
        self, update: Update, context: Context, form: Form, state: State, outcome: Outcome
    ) -> None:
        if isinstance(outcome, Finish):
            self.end(context, update.effective_user.id if update.effective_user else None)
            return
        if isinstance(outcome, Cancel):
            await self.cancel(update, context, form, state)
            return
        if isinstance(outcome, Stay):
            self._store(context, state, _uid(update))
            return
        if isinstance(outcome, Refuse):
            await self.ask(update, context, form, state, outcome.note)
            return
        state.draft.update(outcome.values)
        if outcome.goto is not None:
            if not outcome.edit:
                state.behind = [*state.behind, state.step]
            state.editing = state.editing or outcome.edit
            await self.ask(update, context, form, _at(state, outcome.goto), outcome.note)
            return
        step = form.step(state.step)
        base = step.then if step is not None and step.then else state.step
        following = None if state.editing else form.after(base)
        if following is None and form.summary is None:
            await self._submit(update, context, form, state)
            return
        if following is None:
            if not state.editing:
                state.behind = [*state.behind, state.step]
            state.editing = False
            state.behind = [s for s in state.behind if s not in (SUMMARY, FIELDS)]
            await self.ask(update, context, form, _at(state, SUMMARY), outcome.note)
            return
        state.behind = [*state.behind, state.step]
        await self.ask(update, context, form, _at(state, following), outcome.note)

    # ------------------------------------------------------------------ back, cancel, end
    async def back(self, update: Update, context: Context, form: Form, state: State) -> None:
        """Go back one step keeping every answer (from a correction: to the summary)."""
        t = context.texts(update.effective_user)
        if state.editing or state.step == FIELDS:
            state.editing = False
            state.behind = [s for s in state.behind if s not in (SUMMARY, FIELDS)]
            await self.ask(update, context, form, _at(state, SUMMARY))
            return
        if not state.behind:
            await self.ask(update, context, form, state, t.form.back_at_first)
            return
        previous = state.behind.pop()
        await self.ask(update, context, form, _at(state, previous))

    async def cancel(self, update: Update, context: Context, form: Form, state: State) -> None:
        """Drop the draft, leave the dialog and bring the main menu back."""
        await answer_query(update)
        await strip_buttons(update)
        t = context.texts(update.effective_user)
        self.end(context, update.effective_user.id if update.effective_user else None)
        own = form.cancelled(t, state.draft) if form.cancelled is not None else None
        text = own or fmt(t.form.cancelled, dialog=dialog_name(t, form.name))
        if update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, text, reply_markup=main_menu(t)
            )

    def end(self, context: Context, user_id: int | None) -> None:
        """Forget the dialog and its timeout."""
        if context.user_data is not None:
            context.user_data.pop(FORM, None)
        if user_id is not None:
            disarm(context.application, user_id)

    async def _withdrawn(self, update: Update, context: Context, form: Form) -> None:
        """The staff role was withdrawn mid-dialog: refuse and end the dialog."""
        await require_staff(update, context, form.staff_action)
        t = context.texts(update.effective_user)
        self.end(context, update.effective_user.id if update.effective_user else None)
        if update.effective_chat is not None:
            text = fmt(t.form.staff_only_ended, dialog=dialog_name(t, form.name))
            await context.bot.send_message(
                update.effective_chat.id, text, reply_markup=main_menu(t)
            )

    # ------------------------------------------------------------------ timeout
    async def resume(self, app: AnyApp) -> None:
        """At start-up: end the dialogs whose deadline passed while down, re-arm the others."""
        await self.timeouts.resume(app)

    # ------------------------------------------------------------------ asking
    def _store(self, context: Context, state: State, user_id: int | None) -> None:
        timeout = context.services.settings.conversation_timeout
        state.deadline = (now(context) + timeout).timestamp()
        if context.user_data is not None:
            context.user_data[FORM] = state.dump()
        if user_id is not None:
            self.timeouts.arm(context.application, user_id, state)

    async def ask(
        self,
        update: Update,
        context: Context,
        form: Form,
        state: State,
        note: str | None = None,
    ) -> None:
        """Store the state (with a fresh deadline) and ask the current question."""
        t = context.texts(update.effective_user)
        text, markup = await render(form, _ask(context, t, state), state.step)
        if note:
            text = Html(f"{fmt('{n}', n=note) if not isinstance(note, Html) else note}\n\n{text}")
        # Sent first: if the question is lost, the user answers the previous one again.
        await self._send(update, context, text, markup)
        self._store(context, state, _uid(update))

    async def _send(self, update: Update, context: Context, text: str, markup: Markup) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


def _at(state: State, step: str) -> State:
    state.step = step
    return state


def _ask(context: Context, t: Texts, state: State) -> Ask:
    services = context.services
    return Ask(t, services.settings, state.draft, state.editing, services)


def _uid(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user is not None else None
