"""Complaints (投诉反映): the resident's dialog, the 查询码 check, and the staff's status buttons.

The dialog asks what happened, who, when, an optional photo and named or anonymous, shows a
summary to submit, change or cancel, then forwards the complaint to every admin with 受理中 /
已办结 buttons (queued in the outbox with the complaint and worded by ``renderers`` when sent,
as is a named complainant's notice of a status change, so a crash cannot lose them). For
anonymous complaints nothing identifying reaches staff; see ``bot.services.complaints`` for
the design. Staff callbacks are guarded by ``staff_guard``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
)

from bot.buttons import (
    CheckComplaintButton,
    HandlingButton,
    OfComplaint,
    ResolveComplaintButton,
    ViewComplaintButton,
)
from bot.context import Context
from bot.services import Services
from bot.services.complaints import (
    MAX_FIELD_CHARS,
    MAX_WHAT_CHARS,
    MIN_WHAT_CHARS,
    STAFF_CARD,
    STAFF_PHOTO,
    STATUS_NOTICE,
    Advance,
    ComplaintDraft,
    TooManyGuessesError,
    WhatProblem,
    clean_field,
    clean_note,
    clean_what,
    what_problem,
)
from bot.services.delivery import Outbound
from bot.services.outbox import Payload, Renderer
from bot.services.text import normalize_lines, utf16_len
from bot.texts import Html, Texts, fmt, get_texts, menu_labels, status_label
from db.models import Complaint, ComplaintStatus
from handlers import forms
from handlers.staff_guard import (
    send_safely,
)
from handlers.ui import inline_rows, main_menu, person_label, reply_in_chunks

FEATURE = "cpl"
MENU_LABELS = menu_labels("btn_complaint")


# ------------------------------------------------------------------ rendering
def _day(context: Context | Services, complaint: Complaint) -> str:
    services = context if isinstance(context, Services) else context.services
    return complaint.created_at.astimezone(services.settings.timezone).date().isoformat()


def _staff_buttons(t: Texts, complaint: Complaint) -> InlineKeyboardMarkup | None:
    buttons = []
    if complaint.status is ComplaintStatus.RECEIVED:
        buttons.append((t.complaints.btn_handling, HandlingButton(complaint.id).pack()))
    if complaint.status is not ComplaintStatus.RESOLVED:
        buttons.append((t.complaints.btn_resolve, ResolveComplaintButton(complaint.id).pack()))
    return inline_rows(buttons) if buttons else None


async def _staff_card(context: Context | Services, t: Texts, complaint: Complaint) -> Html:
    """The complaint as staff see it: an anonymous one never names anyone."""
    services = context if isinstance(context, Services) else context.services
    who: str | Html = t.complaints.anonymous_label
    person = await services.complaints.complainant(complaint)
    if person is not None:
        who = person_label(t, person.first_name, person.username, person.id)
    return fmt(
        t.complaints.staff_notice,
        ref=complaint.ref_no,
        filed=_day(services, complaint),
        who=who,
        department=complaint.department or t.privacy.none_value,
        when=complaint.happened_at_text or t.privacy.none_value,
        what=complaint.what or t.privacy.none_value,
        status=status_label(t, complaint.status),
    )


async def _send_card(context: Context, chat_id: int, t: Texts, complaint: Complaint) -> bool:
    """Send a complaint and then its photo (by file id) to one staff chat, each sent once."""
    text = await _staff_card(context, t, complaint)
    markup = _staff_buttons(t, complaint)
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


def _summary(ask: forms.Ask) -> Html:
    c, draft = ask.t.complaints, ask.draft
    return fmt(
        c.summary,
        what=draft["what"],
        department=draft["department"],
        when=draft["when"],
        photo=c.photo_yes if draft["photo"] else c.photo_no,
        mode=c.mode_anonymous if draft["anonymous"] else c.mode_named,
    )


# ------------------------------------------------------------------ the resident's dialog
async def _open(start: forms.Start) -> forms.Opening | None:
    """Start a complaint (unless the user starts dialogs too fast)."""
    message = start.update.effective_message
    if message is None:
        return None
    if (wait := start.context.services.dialog_allowance(start.user.id)) > 0:
        await message.reply_text(fmt(start.t.common.slow_down, seconds=wait))
        return None
    return forms.Opening({})


async def _what(a: forms.Answer) -> forms.Outcome:
    """Take the description of what happened (5-2000 characters, with some words)."""
    text = a.text or ""
    what = clean_what(text)
    if what is not None:
        return forms.Accept({"what": what})
    c = a.t.complaints
    if what_problem(text) is WhatProblem.NO_WORDS:
        return forms.Refuse(c.what_no_words)
    length = utf16_len(normalize_lines(text))
    return forms.Refuse(fmt(c.what_length, min=MIN_WHAT_CHARS, max=MAX_WHAT_CHARS, length=length))


def _short(field: str) -> forms.Parser:
    async def parse(a: forms.Answer) -> forms.Outcome:
        value = clean_field(a.text or "")
        if value is None:
            return forms.Refuse(fmt(a.t.complaints.field_length, max=MAX_FIELD_CHARS))
        return forms.Accept({field: value})

    return parse


async def _photo(a: forms.Answer) -> forms.Outcome:
    """A photo (kept by its file id), or 跳过 (button or typed)."""
    if a.photo is not None:
        return forms.Accept({"photo": a.photo})
    skip_words = {w for lang in ("zh", "en") for w in get_texts(lang).complaints.skip_words}
    if a.choice == "skip" or (a.text or "").strip().lower() in skip_words:
        return forms.Accept({"photo": ""})
    return forms.Refuse(a.t.complaints.photo_expected)


async def _mode(a: forms.Answer) -> forms.Outcome:
    if a.choice not in ("named", "anonymous"):
        return forms.Refuse(a.t.complaints.ask_anonymity)
    return forms.Accept({"anonymous": a.choice == "anonymous"})


async def _file(a: forms.Answer) -> forms.Outcome:
    """File the complaint, tell staff, and give the resident the number (and 查询码)."""
    user, chat, context, t = a.update.effective_user, a.update.effective_chat, a.context, a.t
    if user is None or chat is None:
        return forms.Finish()
    filed = await context.services.complaints.file(user.id, _to_draft(a.draft))
    complaint = filed.complaint
    # The resident hears first; staff cards may wait out flood limits after that.
    if filed.check_code is None:
        text, markup = fmt(t.complaints.filed_named, ref=complaint.ref_no), main_menu(t)
        await context.bot.send_message(chat.id, text, reply_markup=markup)
    else:
        check = CheckComplaintButton(complaint.ref_no, filed.check_code).pack()
        text = fmt(t.complaints.filed_anonymous, ref=complaint.ref_no, code=filed.check_code)
        keyboard = inline_rows([(t.complaints.btn_check, check)])
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    # Staff get the card from the outbox (queued with the complaint, sent after this update).
    return forms.Finish()


def _to_draft(draft: dict[str, Any]) -> ComplaintDraft:
    return ComplaintDraft(
        what=str(draft["what"]),
        department=str(draft["department"]),
        happened_at_text=str(draft["when"]),
        photo_file_id=str(draft["photo"]) or None,
        anonymous=bool(draft["anonymous"]),
    )


STEPS = (
    forms.Step(
        "what",
        lambda ask: fmt(ask.t.complaints.ask_what, min=MIN_WHAT_CHARS, max=MAX_WHAT_CHARS),
        _what,
        label=lambda t: t.complaints.btn_edit_what,
    ),
    forms.Step(
        "department",
        lambda ask: ask.t.complaints.ask_department,
        _short("department"),
        label=lambda t: t.complaints.btn_edit_department,
    ),
    forms.Step(
        "when",
        lambda ask: ask.t.complaints.ask_when,
        _short("when"),
        label=lambda t: t.complaints.btn_edit_when,
    ),
    forms.Step(
        "photo",
        lambda ask: ask.t.complaints.ask_photo,
        _photo,
        widget=forms.Widget.PHOTO,
        options=lambda ask: [(ask.t.complaints.btn_skip, "skip")],
        label=lambda t: t.complaints.btn_edit_photo,
    ),
    forms.Step(
        "anonymous",
        lambda ask: ask.t.complaints.ask_anonymity,
        _mode,
        widget=forms.Widget.BUTTONS,
        options=lambda ask: [
            (ask.t.complaints.btn_named, "named"),
            (ask.t.complaints.btn_anonymous, "anonymous"),
        ],
        label=lambda t: t.complaints.btn_edit_mode,
    ),
)


def form() -> forms.Form:
    """The resident's complaint dialog (entry: /complaint and the 📣 menu button)."""
    return forms.Form(
        name="complaint",
        key=FEATURE,
        steps=STEPS,
        entries=(forms.on_command("complaint", _open), forms.on_menu(MENU_LABELS, _open)),
        submit=_file,
        summary=_summary,
    )


# ------------------------------------------------------------------ checking progress
async def _show_status(update: Update, context: Context, complaint: Complaint | None) -> None:
    t = context.texts(update.effective_user)
    if complaint is None:
        text: str | Html = t.complaints.check_unknown
    else:
        note = complaint.resolution_note
        text = fmt(
            t.complaints.check_result,
            ref=complaint.ref_no,
            status=status_label(t, complaint.status),
            filed=_day(context, complaint),
            note=fmt(t.complaints.note_line, note=note) if note else "",
        )
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


async def status_command(update: Update, context: Context) -> None:
    """Show a complaint's progress: ``/complaint_status TS-2026-0001 [查询码]``, or list mine."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    args = context.args or []
    if args:
        # "ABCD EFGH" typed with a space arrives as two words: one code.
        code = "".join(args[1:]) or None
        await _check(update, context, args[0], code)
        return
    t = context.texts(user)
    mine = await context.services.complaints.mine(user.id)
    lines = [
        fmt("{text}", text=t.complaints.check_usage),
        "",
        fmt("{text}", text=t.complaints.mine_title if mine else t.complaints.mine_none),
    ]
    lines += [
        fmt("{text}", text=t.common.field_separator.join((c.ref_no, status_label(t, c.status))))
        for c in mine
    ]
    await reply_in_chunks(message, lines, separator="\n")


async def check_button(update: Update, context: Context) -> None:
    """Show an anonymous complaint's progress from the button that carries its 查询码."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = CheckComplaintButton.unpack(query.data)
    await query.answer()
    if pressed is None:
        await _show_status(update, context, None)
        return
    await _check(update, context, pressed.ref_no, pressed.check_code)


async def _check(update: Update, context: Context, ref_no: str, code: str | None) -> None:
    """Look the complaint up and show it, or say to wait after too many wrong codes."""
    user = update.effective_user
    if user is None:
        return
    try:
        complaint = await context.services.complaints.check(user.id, ref_no, code)
    except TooManyGuessesError as exc:
        t = context.texts(user)
        minutes = max(1, -(-exc.seconds // 60))
        if update.effective_chat is not None:
            text = fmt(t.complaints.check_too_many, minutes=minutes)
            await context.bot.send_message(update.effective_chat.id, text)
        return
    await _show_status(update, context, complaint)


# ------------------------------------------------------------------ staff
async def open_list(update: Update, context: Context) -> None:
    """List unresolved complaints with a button to open each (staff)."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    open_ = await context.services.complaints.open_complaints()
    if not open_:
        await update.effective_message.reply_text(t.complaints.open_none)
        return
    items = [
        fmt(
            t.complaints.open_item,
            ref=c.ref_no,
            status=status_label(t, c.status),
            filed=_day(context, c),
            department=c.department or t.privacy.none_value,
            what=(c.what or t.privacy.none_value)[:60],
        )
        for c in open_
    ]
    title = fmt(t.complaints.open_title, count=len(open_))
    buttons = [(c.ref_no, ViewComplaintButton(c.id).pack()) for c in open_]
    await reply_in_chunks(
        update.effective_message, [title, *items], reply_markup=inline_rows(buttons, 3)
    )


def _complaint_id(
    update: Update,
    kind: type[OfComplaint],
) -> int | None:
    query = update.callback_query
    pressed = kind.unpack(query.data if query else None)
    return None if pressed is None else pressed.complaint_id


async def view(update: Update, context: Context) -> None:
    """Send one complaint's card with its status buttons (staff)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    t = context.texts(update.effective_user)
    found = await context.services.complaints.get(_complaint_id(update, ViewComplaintButton) or 0)
    if found is None:
        await query.answer(t.complaints.missing, show_alert=True)
        return
    await query.answer()
    await _send_card(context, chat.id, t, found)


async def mark_handling(update: Update, context: Context) -> None:
    """Move a complaint to 处理中 and tell a named complainant (staff)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    complaint_id = _complaint_id(update, HandlingButton) or 0
    outcome = await context.services.complaints.advance(
        complaint_id, ComplaintStatus.HANDLING, actor_id=user.id
    )
    await query.answer(await _report(context, context.texts(user), outcome), show_alert=True)


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
        return Outbound(await _staff_card(services, t, found), _staff_buttons(t, found))

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


async def _open_note(start: forms.Start) -> forms.Opening | None:
    """已办结: check the complaint is still open, then ask for the note (staff)."""
    query, t = start.query, start.t
    if query is None:
        return None
    complaint_id = _complaint_id(start.update, ResolveComplaintButton) or 0
    found = await start.context.services.complaints.get(complaint_id)
    if found is None or found.status is ComplaintStatus.RESOLVED:
        text = (
            t.complaints.missing if found is None else fmt(t.complaints.settled, ref=found.ref_no)
        )
        await query.answer(text, show_alert=True)
        return None
    await query.answer()
    return forms.Opening({"complaint": found.id, "ref": found.ref_no})


async def _resolve(a: forms.Answer, note: str) -> str:
    """Resolve the complaint with the note and tell a named complainant (staff)."""
    outcome = await a.context.services.complaints.advance(
        int(a.draft["complaint"]), ComplaintStatus.RESOLVED, actor_id=a.user.id, note=note
    )
    return await _report(a.context, a.t, outcome)


def resolve_form() -> forms.Form:
    """The staff's 已办结 step: press the button, then write the note."""
    return forms.press_then_type(
        name="complaint_resolve",
        key="cpnote",
        button=ResolveComplaintButton.pattern(),
        open=_open_note,
        question=lambda ask: fmt(ask.t.complaints.ask_note, ref=ask.draft.get("ref")),
        clean=clean_note,
        refused=lambda t: fmt(t.complaints.note_length, max=MAX_FIELD_CHARS),
        submit=_resolve,
        again="/complaints",
    )


# ------------------------------------------------------------------ wiring
def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The commands and buttons outside the dialogs."""
    return [
        CommandHandler("complaint_status", status_command),
        CallbackQueryHandler(check_button, pattern=CheckComplaintButton.pattern()),
    ]


def staff_commands() -> list[BaseHandler[Update, Context, Any]]:
    """The staff's /complaints and its buttons outside the dialogs."""
    return [
        CommandHandler("complaints", open_list),
        CallbackQueryHandler(view, pattern=ViewComplaintButton.pattern()),
        CallbackQueryHandler(mark_handling, pattern=HandlingButton.pattern()),
    ]
