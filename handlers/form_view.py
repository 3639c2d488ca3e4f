"""How a form looks: each step's question and keyboard, the summary and its 修改 list.

Pure rendering for ``handlers.form_router`` (plus the small acknowledgements of a pressed
button); the router decides what to ask, this module how it reads.
"""

from __future__ import annotations

import contextlib
import inspect

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest

from bot.buttons import FormButton
from bot.texts import Html, fmt
from handlers.forms import FIELDS, SUMMARY, Ask, Draft, Form, Markup, Widget
from handlers.ui import inline_rows


def editable(form: Form, draft: Draft) -> list[str]:
    """The steps the 修改 list offers for ``draft``."""
    return [
        s.name for s in form.steps if s.label is not None and form.step_editable(draft, s.name)
    ]


async def render(form: Form, ask: Ask, step_name: str) -> tuple[str, Markup]:
    """The question of step ``step_name`` and the keyboard that goes with it."""
    if step_name in (SUMMARY, FIELDS) and form.summary is not None:
        return _summary(form, ask, step_name)
    step = form.step(step_name)
    if step is None:
        raise LookupError(f"form {form.name} has no step {step_name}")
    asked = step.question(ask)
    text = await asked if inspect.isawaitable(asked) else asked
    if step.options is not None:
        pairs = [(label, button.pack()) for label, button in shown_buttons(form, ask, step_name)]
        markup = inline_rows(pairs, per_row=step.per_row)
        extra = step.extra_rows(ask) if step.extra_rows is not None else []
        return text, InlineKeyboardMarkup([*extra, *markup.inline_keyboard])
    if step.widget is Widget.PHONE and step.phone_button is not None:
        button = KeyboardButton(step.phone_button(ask.t), request_contact=True)
        return text, ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    return text, ReplyKeyboardRemove()


def shown_buttons(form: Form, ask: Ask, step_name: str) -> list[tuple[str, FormButton]]:
    """The form's own buttons (label, button) under step ``step_name``'s question."""
    t = ask.t
    if step_name == FIELDS:
        offered = editable(form, ask.draft)
        fields = [
            (s.label(t), FormButton(form.key, "field", s.name))
            for s in form.steps
            if s.label is not None and s.name in offered
        ]
        return [*fields, (t.form.btn_back_to_summary, FormButton(form.key, "sum"))]
    if step_name == SUMMARY:
        submit = form.submit_label(t) if form.submit_label else t.form.btn_submit
        buttons = [(submit, FormButton(form.key, "submit"))]
        if form.editable(ask.draft):
            buttons.append((t.form.btn_edit, FormButton(form.key, "edit")))
        return [*buttons, (t.form.btn_cancel, FormButton(form.key, "x"))]
    step = form.step(step_name)
    if step is None or step.options is None:
        return []
    return [(label, FormButton(form.key, "c", step.name, v)) for label, v in step.options(ask)]


def _summary(form: Form, ask: Ask, step_name: str) -> tuple[str, Markup]:
    assert form.summary is not None  # checked by the caller
    text = form.summary(ask)
    pairs = [(label, button.pack()) for label, button in shown_buttons(form, ask, step_name)]
    if step_name == FIELDS:
        return Html(f"{text}\n\n{fmt(ask.t.form.choose_field)}"), inline_rows(pairs, per_row=2)
    return text, inline_rows(pairs, per_row=3)


async def answer_query(update: Update) -> None:
    """Acknowledge a pressed button (a press already answered is fine)."""
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()


async def strip_buttons(update: Update) -> None:
    """Take the buttons off the pressed message (it may be too old to edit)."""
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)


async def replace_text(update: Update, text: str) -> None:
    """Replace the pressed message with ``text`` (the answer chosen)."""
    query = update.callback_query
    if query is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(text)


async def reply_removing_keyboard(update: Update, text: str) -> None:
    """Reply ``text`` and take a reply keyboard (share my number) away."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=ReplyKeyboardRemove())
