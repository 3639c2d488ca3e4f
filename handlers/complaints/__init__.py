"""Complaints (投诉反映): the resident's dialog, the 查询码 check, and the staff's status buttons.

The dialog asks what happened, who, when, an optional photo and named or anonymous, shows a
summary to submit, change or cancel, then forwards the complaint to every admin with 受理中 /
已办结 buttons (queued in the outbox with the complaint and worded by ``renderers`` when sent,
as is a named complainant's notice of a status change, so a crash cannot lose them). For
anonymous complaints nothing identifying reaches staff; see ``bot.services.complaints`` for
the design. Staff callbacks are guarded by ``staff_guard``.

Modules: ``dialog`` (the resident's form), ``status`` (the check), ``staff`` (the staff's
list, card buttons and note dialog, and the outbox's wording), ``cards`` (the staff card).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.buttons import CheckComplaintButton, HandlingButton, ViewComplaintButton
from bot.context import Context
from handlers.complaints.dialog import form
from handlers.complaints.staff import mark_handling, open_list, renderers, resolve_form, view
from handlers.complaints.status import TYPED_CHECK, check_button, status_command, typed_status
from handlers.ui import on_button

__all__ = ["commands", "form", "renderers", "resolve_form", "staff_commands"]


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The commands and buttons outside the dialogs."""
    return [
        CommandHandler("complaint_status", status_command),
        CallbackQueryHandler(check_button, pattern=CheckComplaintButton.pattern()),
        MessageHandler(TYPED_CHECK, typed_status),
    ]


def staff_commands() -> list[BaseHandler[Update, Context, Any]]:
    """The staff's /complaints and its buttons outside the dialogs."""
    return [
        CommandHandler("complaints", open_list),
        on_button(ViewComplaintButton, view),
        on_button(HandlingButton, mark_handling),
    ]
