"""Keyboards and small rendering helpers shared by the handler modules."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.settings import OfficeContact
from bot.texts import Html, Texts, fmt


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
    return fmt(
        t.common.contact_block,
        office=office.name,
        phone=office.phone or missing,
        address=office.address or missing,
        hours=office.hours or missing,
    )
