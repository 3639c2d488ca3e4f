"""Staff's attendee list, Excel sign-in sheet and attendance marking for a training session.

Reached from ``/attendance`` and from the 👥 / 📄 / ✅ buttons of a session's 🛠 view
(``handlers.trainings`` draws them; the buttons are declared in ``bot.buttons``). Every
handler here is staff-only, guarded where it is registered (``bot.shell.app``).
The list and the sheet can be had any time; who came is marked once the session has started,
one tap per name (⬜ → ✅ came → ❌ did not → ✅ ...), a page of names at a time.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.buttons import (
    AttendanceButton,
    AttendeeListButton,
    MarkAttendeeButton,
    MarkingButton,
    OpenSessionButton,
    RestAbsentButton,
    SignInSheetButton,
)
from bot.context import Context
from bot.services.attendance import AttendanceError, Attendee, Roster, session_line
from bot.services.stats import clip
from bot.texts import Html, Texts, fmt, status_label
from bot.texts.markup import escape
from db.models import SignupStatus, TrainingStatus
from handlers.ui import pressed, reply_in_chunks, stale_button

PAGE_SIZE = 10
NAME_COLUMNS = 24


def _button(label: str, button: AttendanceButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=button.pack())


def _mark(t: Texts, attended: bool | None) -> str:
    a = t.attendance
    return a.mark_unmarked if attended is None else (a.mark_came if attended else a.mark_absent)


def _line(t: Texts, n: int, person: Attendee, *, marked: bool) -> str:
    a, sep = t.attendance, t.common.field_separator
    # A tg:// link opens the resident's chat in Telegram (where their privacy settings allow).
    name = f'<a href="tg://user?id={person.user_id}">{escape(person.name or person.user_id)}</a>'
    details = sep + sep.join(
        (escape(person.village or a.no_village), escape(person.phone or a.no_phone))
    )
    mark = _mark(t, person.attended) if marked else ""
    return a.list_line.format(n=n, mark=mark, name=name, details=details)


def roster_blocks(t: Texts, roster: Roster, when: str) -> list[str]:
    """The list as HTML blocks: a header, the signed-up, then the waitlist."""
    a, tr = t.attendance, roster.training
    signed = [p for p in roster.attendees if p.status is SignupStatus.SIGNED]
    waiting = [p for p in roster.attendees if p.status is SignupStatus.WAITLISTED]
    header = fmt(
        a.list_header,
        title=tr.title,
        when=when,
        signed=len(signed),
        capacity=tr.capacity,
        waitlisted=len(waiting),
    )
    blocks: list[str] = [header]
    if not roster.attendees:
        return [header + "\n\n" + escape(a.list_empty)]
    for title, people in ((a.list_signed, signed), (a.list_waitlisted, waiting)):
        if not people:
            continue
        lines = [_line(t, n, p, marked=roster.started) for n, p in enumerate(people, start=1)]
        # One block per ~20 lines lets a long list break between messages.
        for i in range(0, len(lines), 20):
            blocks.append("\n".join(([title] if i == 0 else []) + lines[i : i + 20]))
    return blocks


def mark_view(t: Texts, roster: Roster, page: int) -> tuple[Html, InlineKeyboardMarkup]:
    """One page of the marking view: counts, then a button per name."""
    a, tid = t.attendance, roster.training.id
    people = roster.attendees
    pages = max(1, -(-len(people) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    unmarked = sum(1 for p in roster.signed if p.attended is None)
    text = fmt(
        a.mark_header,
        title=roster.training.title,
        came=roster.came,
        absent=roster.absent,
        unmarked=unmarked,
        page=page,
        pages=pages,
    )
    rows: list[list[InlineKeyboardButton]] = []
    first = (page - 1) * PAGE_SIZE
    for n, person in enumerate(people[first : first + PAGE_SIZE], start=first + 1):
        waiting = (
            t.common.field_separator + status_label(t, person.status)
            if person.status is SignupStatus.WAITLISTED
            else ""
        )
        label = f"{_mark(t, person.attended)}{n}. {clip(person.name, NAME_COLUMNS)}{waiting}"
        rows.append([_button(label, MarkAttendeeButton(tid, person.user_id, page))])
    nav: list[InlineKeyboardButton] = []
    if page > 1:
        nav.append(_button(a.btn_prev, MarkingButton(tid, page - 1)))
    if page < pages:
        nav.append(_button(a.btn_next, MarkingButton(tid, page + 1)))
    if nav:
        rows.append(nav)
    if unmarked:
        rows.append([_button(a.btn_rest_absent, RestAbsentButton(tid, page))])
    return text, InlineKeyboardMarkup(rows)


def session_keyboard(t: Texts, tid: int) -> InlineKeyboardMarkup:
    """👥 list, 📄 sheet, ✅ marking for one session."""
    a = t.attendance
    return InlineKeyboardMarkup(
        [
            [
                _button(a.btn_list, AttendeeListButton(tid)),
                _button(a.btn_sheet, SignInSheetButton(tid)),
                _button(a.btn_mark, MarkingButton(tid)),
            ]
        ]
    )


async def attendance_menu(update: Update, context: Context) -> None:
    """/attendance: the sessions of the last two weeks and the upcoming ones, as buttons."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update.effective_user)
    a, tz = t.attendance, context.services.settings.timezone
    sessions = await context.services.attendance.sessions()
    if not sessions:
        await message.reply_text(a.menu_none)
        return
    rows = [
        [
            _button(
                a.menu_button.format(
                    date=s.starts_at.astimezone(tz).date().isoformat(),
                    title=clip(s.title, NAME_COLUMNS),
                    count=s.listed,
                ),
                OpenSessionButton(s.id),
            )
        ]
        for s in sessions
    ]
    await message.reply_text(a.menu_header, reply_markup=InlineKeyboardMarkup(rows))


async def open_session(update: Update, context: Context) -> None:
    """A session picked in /attendance: its time and place with the three buttons."""
    button = await pressed(update, context, OpenSessionButton)
    message = update.effective_message
    if button is None or message is None or update.callback_query is None:
        return
    roster = await _roster_or_say(update, context, button.training_id)
    if roster is None:
        return
    await update.callback_query.answer()
    t = context.texts(update.effective_user)
    when = session_line(roster.training, t, context.services.settings)
    await message.reply_text(
        fmt(t.attendance.session_header, title=roster.training.title, when=when),
        reply_markup=session_keyboard(t, roster.training.id),
    )


def _error(t: Texts, code: str) -> str:
    errors = dict(t.attendance.errors)
    return errors.get(code, errors["not_found"])


async def _roster_or_say(update: Update, context: Context, tid: int) -> Roster | None:
    query = update.callback_query
    assert query is not None
    roster = await context.services.attendance.roster(tid)
    if roster is None:
        await query.answer(_error(context.texts(update.effective_user), "not_found"), True)
    return roster


async def show_list(update: Update, context: Context) -> None:
    """Send the session's attendee list: name, village, phone, signed up or waitlisted."""
    button = await pressed(update, context, AttendeeListButton)
    message = update.effective_message
    if button is None or message is None or update.callback_query is None:
        return
    roster = await _roster_or_say(update, context, button.training_id)
    if roster is None:
        return
    await update.callback_query.answer()
    t = context.texts(update.effective_user)
    when = session_line(roster.training, t, context.services.settings)
    await reply_in_chunks(message, roster_blocks(t, roster, when))


async def send_sheet(update: Update, context: Context) -> None:
    """Send the session's printable Excel sign-in sheet."""
    button = await pressed(update, context, SignInSheetButton)
    message = update.effective_message
    if button is None or message is None or update.callback_query is None:
        return
    roster = await _roster_or_say(update, context, button.training_id)
    if roster is None:
        return
    await update.callback_query.answer()
    t = context.texts(update.effective_user)
    service = context.services.attendance
    data = await service.sign_in_sheet(roster, t)
    await message.reply_document(
        InputFile(data, filename=service.sheet_filename(roster.training)),
        caption=fmt(
            t.attendance.sheet_caption,
            title=roster.training.title,
            count=len(roster.attendees),
            signed=len(roster.signed),
            waitlisted=len(roster.attendees) - len(roster.signed),
        ),
    )


async def show_marking(update: Update, context: Context) -> None:
    """Open (or page through) the marking view: a button per name."""
    query = update.callback_query
    button = await pressed(update, context, MarkingButton)
    if button is None or query is None:
        return
    roster = await _roster_or_say(update, context, button.training_id)
    if roster is None:
        return
    t = context.texts(update.effective_user)
    problem = (
        "cancelled"
        if roster.training.status is TrainingStatus.CANCELLED
        else (None if roster.started else "not_started")
    )
    if problem:
        await query.answer(_error(t, problem), show_alert=True)
        return
    await query.answer()
    text, keyboard = mark_view(t, roster, max(button.page, 1))
    if button.page == 0:  # from the 🛠 view: a new message; paging edits it in place
        if update.effective_message is not None:
            await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    await query.edit_message_text(text, reply_markup=keyboard)


async def toggle(update: Update, context: Context) -> None:
    """Mark one resident: came, or (tapped again) did not come."""
    query, user = update.callback_query, update.effective_user
    button = await pressed(update, context, MarkAttendeeButton)
    if button is None or query is None or user is None:
        return
    tid, uid, page = button.training_id, button.user_id, button.page
    t = context.texts(user)
    service = context.services.attendance
    roster = await _roster_or_say(update, context, tid)
    if roster is None:
        return
    current = next((p.attended for p in roster.attendees if p.user_id == uid), None)
    try:
        roster = await service.mark(tid, uid, current is not True, actor=user.id)
    except AttendanceError as exc:
        await query.answer(_error(t, exc.code), show_alert=True)
        return
    await query.answer()
    text, keyboard = mark_view(t, roster, page)
    await query.edit_message_text(text, reply_markup=keyboard)


async def rest_absent(update: Update, context: Context) -> None:
    """Mark everyone signed up and not yet marked as not having come."""
    query, user = update.callback_query, update.effective_user
    button = await pressed(update, context, RestAbsentButton)
    if button is None or query is None or user is None:
        return
    t = context.texts(user)
    service = context.services.attendance
    try:
        roster, count = await service.mark_rest_absent(button.training_id, actor=user.id)
    except AttendanceError as exc:
        await query.answer(_error(t, exc.code), show_alert=True)
        return
    await query.answer(t.attendance.rest_absent_done.format(count=count))
    text, keyboard = mark_view(t, roster, button.page)
    await query.edit_message_text(text, reply_markup=keyboard)


async def stale(update: Update, context: Context) -> None:
    """Any other (old or forged) attendance button."""
    await stale_button(update, context)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The attendance buttons."""
    return [
        CommandHandler("attendance", attendance_menu),
        CallbackQueryHandler(open_session, pattern=OpenSessionButton.pattern()),
        CallbackQueryHandler(show_list, pattern=AttendeeListButton.pattern()),
        CallbackQueryHandler(send_sheet, pattern=SignInSheetButton.pattern()),
        CallbackQueryHandler(show_marking, pattern=MarkingButton.pattern()),
        CallbackQueryHandler(toggle, pattern=MarkAttendeeButton.pattern()),
        CallbackQueryHandler(rest_absent, pattern=RestAbsentButton.pattern()),
        CallbackQueryHandler(stale, pattern=AttendanceButton.pattern()),
    ]
