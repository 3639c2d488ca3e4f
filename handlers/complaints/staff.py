"""The staff's side of complaints: /complaints, a complaint's card, 受理中 and 已办结 (a note
dialog), and the outbox's wording of the card and of the complainant's notices."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import Message, Update

from bot.buttons import (
    HandlingButton,
    ResolveComplaintButton,
    ViewComplaintButton,
)
from bot.context import Context
from bot.services import Services
from bot.services.complaints import (
    MAX_FIELD_CHARS,
    STAFF_CARD,
    STAFF_PHOTO,
    STATUS_NOTICE,
    Advance,
    clean_note,
)
from bot.services.delivery import Outbound
from bot.services.outbox import Payload, Renderer
from bot.texts import Html, Texts, fmt, status_label
from db.models import Complaint, ComplaintStatus
from handlers import forms
from handlers.complaints.cards import day, redraw, send_card, staff_buttons, staff_card
from handlers.ui import Press, inline_rows, message_of, reply_in_chunks


async def open_list(update: Update, context: Context) -> None:
    """List unresolved complaints with a button to open each (staff)."""
    if (said := message_of(update, context)) is None:
        return
    t = said.t
    open_ = await context.services.complaints.open_complaints()
    if not open_:
        await said.message.reply_text(t.complaints.open_none)
        return
    items = [
        fmt(
            t.complaints.open_item,
            ref=c.ref_no,
            status=status_label(t, c.status),
            filed=day(context, c),
            department=c.department or t.privacy.none_value,
            what=(c.what or t.privacy.none_value)[:60],
        )
        for c in open_
    ]
    title = fmt(t.complaints.open_title, count=len(open_))
    buttons = [(c.ref_no, ViewComplaintButton(c.id).pack()) for c in open_]
    await reply_in_chunks(said.message, [title, *items], reply_markup=inline_rows(buttons, 3))


async def view(update: Update, context: Context, press: Press[ViewComplaintButton]) -> None:
    """Send one complaint's card with its status buttons (staff)."""
    chat = update.effective_chat
    if chat is None:
        return
    query, t = press.query, press.t
    found = await context.services.complaints.get(press.button.complaint_id)
    if found is None:
        await query.answer(t.complaints.missing, show_alert=True)
        return
    await query.answer()
    await send_card(context, chat.id, t, found)


async def mark_handling(update: Update, context: Context, press: Press[HandlingButton]) -> None:
    """Move a complaint to 处理中, tell a named complainant and redraw the card (staff)."""
    outcome = await context.services.complaints.advance(
        press.button.complaint_id, ComplaintStatus.HANDLING, actor_id=press.user.id
    )
    await press.query.answer(await _report(context, press.t, outcome), show_alert=True)
    message = press.query.message
    if isinstance(message, Message):
        await redraw(context, message.chat_id, message.message_id, press.t, outcome.complaint)


async def _report(context: Context, t: Texts, outcome: Any) -> str:
    """Tell the complainant about a change (named only) and word the result for staff."""
    c, complaint = t.complaints, outcome.complaint
    if complaint is None:
        return c.missing
    status = status_label(t, complaint.status)
    if outcome.result is Advance.ALREADY:
        return str(fmt(c.already, ref=complaint.ref_no, status=status))
    if outcome.result is Advance.SETTLED:
        return str(fmt(c.settled, ref=complaint.ref_no))
    if outcome.notify is None:
        return str(fmt(c.changed_anonymous, ref=complaint.ref_no, status=status))
    # The complainant's notice was queued with the change (the outbox sends it after this).
    return str(fmt(c.changed, ref=complaint.ref_no, status=status))


def renderers(services: Services) -> dict[str, Renderer]:
    """How the outbox words complaint messages (``bot.services.outbox``), from the stored
    complaint when sent: the staff card with its buttons for the status now, its photo, and the
    complainant's notice of the status it was changed to."""
    complaints = services.complaints

    async def card(payload: Payload, t: Texts) -> Outbound | None:
        found = await complaints.get(int(payload["complaint"]))
        if found is None:
            return None
        return Outbound(await staff_card(services, t, found), staff_buttons(t, found))

    async def photo(payload: Payload, t: Texts) -> Outbound | None:
        found = await complaints.get(int(payload["complaint"]))
        if found is None or found.photo_file_id is None:
            return None
        caption = fmt(t.complaints.photo_caption, ref=found.ref_no)
        return Outbound(caption, photo=found.photo_file_id)

    async def status(payload: Payload, t: Texts) -> Outbound | None:
        found = await complaints.get(int(payload["complaint"]))
        if found is None or found.anonymous:
            return None
        then = replace(found, status=ComplaintStatus(payload["status"]))
        return Outbound(_update_text(t, then))

    return {STAFF_CARD: card, STAFF_PHOTO: photo, STATUS_NOTICE: status}


def _update_text(t: Texts, complaint: Complaint) -> str:
    """The complainant's notice of a status change (with the note, once resolved)."""
    status = status_label(t, complaint.status)
    text = fmt(t.complaints.update_for_complainant, ref=complaint.ref_no, status=status)
    if complaint.resolution_note:
        return Html(text + fmt(t.complaints.note_line, note=complaint.resolution_note))
    return text


async def _open_note(
    start: forms.Start, press: Press[ResolveComplaintButton]
) -> forms.Opening | None:
    """已办结: check the complaint is still open, then ask for the note (staff)."""
    t = press.t
    found = await start.context.services.complaints.get(press.button.complaint_id)
    card = press.query.message
    card_id = card.message_id if isinstance(card, Message) else None
    if found is None or found.status is ComplaintStatus.RESOLVED:
        text = (
            t.complaints.missing if found is None else fmt(t.complaints.settled, ref=found.ref_no)
        )
        await press.query.answer(text, show_alert=True)
        if card_id is not None:  # resolved by someone else: the card shows it now
            await redraw(start.context, press.user.id, card_id, t, found)
        return None
    # The card's message id, to redraw it once resolved (an id: no copy of the complaint).
    return forms.Opening({"complaint": found.id, "ref": found.ref_no, "card": card_id})


async def _resolve(a: forms.Answer, note: str) -> str:
    """Resolve the complaint with the note and tell a named complainant (staff)."""
    outcome = await a.context.services.complaints.advance(
        int(a.draft["complaint"]), ComplaintStatus.RESOLVED, actor_id=a.user.id, note=note
    )
    card = a.draft.get("card")
    if isinstance(card, int):
        await redraw(a.context, a.user.id, card, a.t, outcome.complaint)
    return await _report(a.context, a.t, outcome)


def resolve_form() -> forms.Form:
    """The staff's 已办结 step: press the button, then write the note."""
    return forms.press_then_type(
        "complaint_resolve",
        ResolveComplaintButton,
        _open_note,
        question=lambda ask: fmt(ask.t.complaints.ask_note, ref=ask.draft.get("ref")),
        clean=clean_note,
        refused=lambda t: fmt(t.complaints.note_length, max=MAX_FIELD_CHARS),
        submit=_resolve,
        again="/complaints",
    )
