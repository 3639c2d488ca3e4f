"""Keyboards and small rendering helpers shared by the handler modules.

``reply_in_chunks`` is the one way a handler sends a list that may outgrow one message:
Telegram refuses a text longer than 4096 UTF-16 units after HTML parsing ("Message is too
long"), so lists are rendered as blocks and packed into as few messages as fit.
``echo`` bounds what a handler quotes back of the user's own input.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
    User,
)
from telegram.constants import MessageLimit
from telegram.ext import CallbackQueryHandler

from bot.callbacks import CallbackData
from bot.channels import is_web_user, web_number
from bot.context import Context
from bot.services.answers import format_wan
from bot.services.stats import clip
from bot.services.text import utf16_len
from bot.settings import OfficeContact
from bot.texts import Html, Texts, fmt
from db.models import ProjectField

MESSAGE_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
_Button = TypeVar("_Button", bound=CallbackData)
ECHO_COLUMNS = 60
_TAG = re.compile(r"<[^>]*>")


def channel_note(t: Texts, user_id: int | None) -> str:
    """How staff see that a resident uses the web page ("" for a Telegram user)."""
    if user_id is None or not is_web_user(user_id):
        return ""
    return f"{t.web.channel_web} W{web_number(user_id)}"


def person_label(t: Texts, name: str, username: str | None, user_id: int) -> Html:
    """A resident as staff see them: name, @username (or the web channel), id."""
    handle = f"@{username}" if username else channel_note(t, user_id) or t.privacy.none_value
    return fmt(t.complaints.named_label, name=name, username=handle, id=user_id)


def main_menu(t: Texts) -> ReplyKeyboardMarkup:
    """The persistent main menu shown under the text field."""
    c = t.common
    rows = [
        [KeyboardButton(c.btn_policies), KeyboardButton(c.btn_register)],
        [KeyboardButton(c.btn_trainings), KeyboardButton(c.btn_complaint)],
        [KeyboardButton(c.btn_contact), KeyboardButton(c.btn_help)],
    ]
    return ReplyKeyboardMarkup(
        rows, resize_keyboard=True, is_persistent=True, input_field_placeholder=c.input_placeholder
    )


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    """One inline button carrying a typed button's data."""
    return InlineKeyboardButton(label, callback_data=data.pack())


def inline_rows(buttons: list[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    """Lay ``(label, callback_data)`` pairs out ``per_row`` to a row."""
    rows = [
        [
            InlineKeyboardButton(label, callback_data=data)
            for label, data in buttons[i : i + per_row]
        ]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)


def contact_block(t: Texts, office: OfficeContact) -> Html:
    """The office's contact details, with "not published" for what is not configured."""
    missing = t.common.not_configured
    office = office.for_lang(t.lang)
    return fmt(
        t.common.contact_block,
        office=office.name,
        phone=office.phone or missing,
        address=office.address or missing,
        hours=office.hours or missing,
    )


def visible_text(text: str) -> str:
    """What Telegram shows of our HTML ``text``: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def _split_plain(text: str, limit: int) -> list[str]:
    """Cut plain ``text`` into pieces of at most ``limit`` UTF-16 units, at a line break
    when one falls in the second half of a piece."""
    pieces: list[str] = []
    while text:
        end = units = 0
        for char in text:
            units += utf16_len(char)
            if units > limit:
                break
            end += 1
        end = max(end, 1)  # a limit below one character still makes progress
        piece, rest = text[:end], text[end:]
        if rest and (cut := piece.rfind("\n")) > end // 2:
            piece, rest = piece[:cut], piece[cut + 1 :] + rest
        if piece.strip():
            pieces.append(piece)
        text = rest
    return pieces


def chunk_html(
    blocks: Sequence[str], *, separator: str = "\n\n", limit: int = MESSAGE_LIMIT
) -> list[Html]:
    """Pack HTML ``blocks`` into messages of at most ``limit`` UTF-16 units once parsed.

    Messages break only between blocks, so no tag or entity is ever cut. A block too long for
    a message on its own is sent as plain escaped text, cut into pieces that fit; a message
    that would show nothing is left out.
    """
    pieces: list[str] = []
    for block in blocks:
        shown = visible_text(block)
        if utf16_len(shown) <= limit:
            pieces.append(block)
        else:
            pieces += [html.escape(p, quote=False) for p in _split_plain(shown, limit)]
    messages: list[Html] = []
    current, size, gap = "", 0, utf16_len(visible_text(separator))
    for piece in [*pieces, None]:
        length = 0 if piece is None else utf16_len(visible_text(piece))
        if piece is not None and current and size + gap + length <= limit:
            current, size = current + separator + piece, size + gap + length
            continue
        if visible_text(current).strip():
            messages.append(Html(current))
        current, size = piece or "", length
    return messages


async def reply_in_chunks(
    message: Message,
    blocks: Sequence[str],
    *,
    separator: str = "\n\n",
    reply_markup: InlineKeyboardMarkup | None = None,
) -> int:
    """Reply with ``blocks`` in as few messages as fit (``chunk_html``); the keyboard goes
    under the last one. Returns how many messages were sent."""
    chunks = chunk_html(blocks, separator=separator)
    for n, text in enumerate(chunks, start=1):
        await message.reply_text(text, reply_markup=reply_markup if n == len(chunks) else None)
    return len(chunks)


def echo(typed: str, columns: int = ECHO_COLUMNS) -> str:
    """What the user typed, cut to ``columns`` display columns, to quote back in a reply."""
    return clip(typed, columns)


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button press no handler recognises (old, forged or from a finished dialog)."""
    query = update.callback_query
    if query is None:
        return
    t = context.texts(update.effective_user)
    await query.answer(t.common.stale_button, show_alert=True)


@dataclass(frozen=True)
class Said:
    """A message from a user, with the user's texts: what a command handler works from."""

    message: Message
    user: User
    t: Texts


def message_of(update: Update, context: Context) -> Said | None:
    """The message in ``update``, its sender and their texts (None for an update without)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    return Said(message, user, context.texts(user))


@dataclass(frozen=True)
class Press(Generic[_Button]):
    """A typed button pressed by a user, with the user's texts: what a button handler works
    from (answer ``query`` once the press is handled)."""

    query: CallbackQuery
    user: User
    t: Texts
    button: _Button


async def press_of(update: Update, context: Context, kind: type[_Button]) -> Press[_Button] | None:
    """The ``kind`` button pressed in ``update``; a stale or forged one is answered politely
    and gives None (as does an update without a press)."""
    query, user = update.callback_query, update.effective_user
    button = None if query is None else kind.unpack(query.data)
    if button is None:
        await stale_button(update, context)
    if query is None or user is None or button is None:
        return None
    return Press(query, user, context.texts(user), button)


def on_button(
    kind: type[_Button],
    handler: Callable[[Update, Context, Press[_Button]], Awaitable[None]],
    **fixed: Any,
) -> CallbackQueryHandler[Context, Any]:
    """The handler of ``kind``'s presses (those whose leading fields hold ``fixed``): ``handler``
    gets the typed press; a stale or forged one is answered politely instead."""

    @functools.wraps(handler)
    async def pressed(update: Update, context: Context) -> None:
        if (press := await press_of(update, context, kind)) is not None:
            await handler(update, context, press)

    return CallbackQueryHandler(pressed, pattern=kind.pattern(**fixed))


def answer_lines(t: Texts, values: Mapping[ProjectField, object]) -> Html:
    """A project's answers, one ``label: value`` line per field in the dialog's order (the
    resident's summary and the staff's card), with the units the texts give numbers."""
    r = t.registration

    def shown(field: ProjectField) -> object:
        value = values[field]
        if field is ProjectField.INVESTMENT and isinstance(value, int | float):
            return fmt(r.investment_value, value=format_wan(value))
        if field is ProjectField.JOBS:
            return fmt(r.jobs_value, value=value)
        return value

    lines = (fmt(r.summary_line, label=r.field_labels[f], value=shown(f)) for f in ProjectField)
    return Html("\n".join(lines))
