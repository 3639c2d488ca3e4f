"""How a complaint looks to staff: the card, its status buttons, the day it was filed."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.buttons import (
    HandlingButton,
    ResolveComplaintButton,
)
from bot.context import Context
from bot.services import Services
from bot.texts import Html, Texts, fmt, status_label
from db.models import Complaint, ComplaintStatus
from handlers.staff_guard import (
    send_safely,
)
from handlers.ui import inline_rows, person_label


def day(context: Context | Services, complaint: Complaint) -> str:
    services = context if isinstance(context, Services) else context.services
    return complaint.created_at.astimezone(services.settings.timezone).date().isoformat()


def staff_buttons(t: Texts, complaint: Complaint) -> InlineKeyboardMarkup | None:
    buttons = []
    if complaint.status is ComplaintStatus.RECEIVED:
        buttons.append((t.complaints.btn_handling, HandlingButton(complaint.id).pack()))
    if complaint.status is not ComplaintStatus.RESOLVED:
        buttons.append((t.complaints.btn_resolve, ResolveComplaintButton(complaint.id).pack()))
    return inline_rows(buttons) if buttons else None


async def staff_card(context: Context | Services, t: Texts, complaint: Complaint) -> Html:
    """The complaint as staff see it: an anonymous one never names anyone."""
    services = context if isinstance(context, Services) else context.services
    who: str | Html = t.complaints.anonymous_label
    person = await services.complaints.complainant(complaint)
    if person is not None:
        who = person_label(t, person.first_name, person.username, person.id)
    status = status_label(t, complaint.status)
    changed = await services.complaints.changed_by(complaint)
    if changed is not None:  # who moved it on, so a second staff member sees it
        when = changed.at.astimezone(services.settings.timezone)
        status = fmt(
            t.complaints.status_by, status=status, actor=changed.by, at=f"{when:%m-%d %H:%M}"
        )
    return fmt(
        t.complaints.staff_notice,
        ref=complaint.ref_no,
        filed=day(services, complaint),
        who=who,
        department=complaint.department or t.privacy.none_value,
        when=complaint.happened_at_text or t.privacy.none_value,
        what=complaint.what or t.privacy.none_value,
        status=status,
    )


async def redraw(
    context: Context, chat_id: int, message_id: int, t: Texts, complaint: Complaint | None
) -> None:
    """Show the complaint as it stands now on a staff card: status, who, and the buttons it
    still has (a complaint that is gone: the card only loses its buttons)."""
    markup = None if complaint is None else staff_buttons(t, complaint)
    with contextlib.suppress(BadRequest):  # too old to edit, or already showing this
        if complaint is None:
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            return
        text = await staff_card(context, t, complaint)
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


async def send_card(context: Context, chat_id: int, t: Texts, complaint: Complaint) -> bool:
    """Send a complaint and then its photo (by file id) to one staff chat, each sent once."""
    text = await staff_card(context, t, complaint)
    markup = staff_buttons(t, complaint)
    # Two requests, two attempts: a retried photo must not send the card (and buttons) again.
    sent = await send_safely(
        context, chat_id, lambda: context.bot.send_message(chat_id, text, reply_markup=markup)
    )
    photo = complaint.photo_file_id
    if sent and photo:
        caption = fmt(t.complaints.photo_caption, ref=complaint.ref_no)
        await send_safely(
            context, chat_id, lambda: context.bot.send_photo(chat_id, photo, caption=caption)
        )
    return sent
