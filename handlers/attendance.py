"""Staff's attendee list, Excel sign-in sheet and attendance marking for a training session.

Reached from ``/attendance`` and from the 👥 / 📄 / ✅ buttons of a session's 🛠 view
(``handlers.trainings`` draws them; the buttons are declared in ``bot.buttons``). Every
handler here is staff-only, guarded where it is registered (``bot.shell.app``).
The list and the sheet can be had any time; who came is marked once the session has started,
one tap per name (⬜ → ✅ came → ❌ did not → ✅ ...), a page of names at a time.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
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
from bot.vocabulary import AttendanceProblem
from db.models import SignupStatus
from handlers.ui import Press, button, message_of, on_button, reply_in_chunks, stale_button

PAGE_SIZE = 10
_Kind = TypeVar("_Kind", bound=AttendanceButton)
NAME_COLUMNS = 24


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
        rows.append([button(label, MarkAttendeeButton(tid, person.user_id, page))])
    nav: list[InlineKeyboardButton] = []
    if page > 1:
        nav.append(button(a.btn_prev, MarkingButton(tid, page - 1)))
    if page < pages:
        nav.append(button(a.btn_next, MarkingButton(tid, page + 1)))
    if nav:
        rows.append(nav)
    if unmarked:
        rows.append([button(a.btn_rest_absent, RestAbsentButton(tid, page))])
    return text, InlineKeyboardMarkup(rows)


def session_keyboard(t: Texts, tid: int) -> InlineKeyboardMarkup:
    """👥 list, 📄 sheet, ✅ marking for one session."""
    a = t.attendance
    return InlineKeyboardMarkup(
        [
            [
                button(a.btn_list, AttendeeListButton(tid)),
                button(a.btn_sheet, SignInSheetButton(tid)),
                button(a.btn_mark, MarkingButton(tid)),
            ]
        ]
    )


async def attendance_menu(update: Update, context: Context) -> None:
    """/attendance: the sessions of the last two weeks and the upcoming ones, as buttons."""
    if (said := message_of(update, context)) is None:
        return
    a, tz = said.t.attendance, context.services.settings.timezone
    sessions = await context.services.attendance.sessions()
    if not sessions:
        await said.message.reply_text(a.menu_none)
        return
    rows = [
        [
            button(
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
    await said.message.reply_text(a.menu_header, reply_markup=InlineKeyboardMarkup(rows))


async def _roster(context: Context, press: Press[Any]) -> Roster | None:
    """The list of the session a button is for (a session gone is answered)."""
    roster = await context.services.attendance.roster(press.button.training_id)
    if roster is None:
        await press.query.answer(press.t.attendance.errors[AttendanceProblem.NOT_FOUND], True)
    return roster


async def _replying(
    update: Update, context: Context, press: Press[Any]
) -> tuple[Message, Roster, str] | None:
    """A press answered by a new message: where to reply, the list and the session's time."""
    roster = await _roster(context, press)
    if roster is None or update.effective_message is None:
        return None
    await press.query.answer()
    when = session_line(roster.training, press.t, context.services.settings)
    return update.effective_message, roster, when


async def open_session(update: Update, context: Context, press: Press[OpenSessionButton]) -> None:
    """A session picked in /attendance: its time and place with the three buttons."""
    if (found := await _replying(update, context, press)) is None:
        return
    (message, roster, when), t = found, press.t
    await message.reply_text(
        fmt(t.attendance.session_header, title=roster.training.title, when=when),
        reply_markup=session_keyboard(t, roster.training.id),
    )


async def show_list(update: Update, context: Context, press: Press[AttendeeListButton]) -> None:
    """Send the session's attendee list: name, village, phone, signed up or waitlisted."""
    if (found := await _replying(update, context, press)) is None:
        return
    message, roster, when = found
    await reply_in_chunks(message, roster_blocks(press.t, roster, when))


async def send_sheet(update: Update, context: Context, press: Press[SignInSheetButton]) -> None:
    """Send the session's printable Excel sign-in sheet."""
    if (found := await _replying(update, context, press)) is None:
        return
    (message, roster, _), t = found, press.t
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


async def show_marking(update: Update, context: Context, press: Press[MarkingButton]) -> None:
    """Open (or page through) the marking view: a button per name."""
    if (roster := await _roster(context, press)) is None:
        return
    if roster.problem is not None:
        await press.query.answer(press.t.attendance.errors[roster.problem], show_alert=True)
        return
    await press.query.answer()
    text, keyboard = mark_view(press.t, roster, max(press.button.page, 1))
    if press.button.page == 0:  # from the 🛠 view: a new message; paging edits it in place
        if update.effective_message is not None:
            await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    await press.query.edit_message_text(text, reply_markup=keyboard)


async def toggle(update: Update, context: Context, press: Press[MarkAttendeeButton]) -> None:
    """Mark one resident: came, or (tapped again) did not come."""
    if (roster := await _roster(context, press)) is None:
        return
    uid = press.button.user_id
    current = next((p.attended for p in roster.attendees if p.user_id == uid), None)
    service = context.services.attendance
    await _marked(
        press,
        press.button.page,
        service.mark(roster.training.id, uid, current is not True, actor=press.user.id),
    )


async def rest_absent(update: Update, context: Context, press: Press[RestAbsentButton]) -> None:
    """Mark everyone signed up and not yet marked as not having come."""
    service = context.services.attendance
    marking = service.mark_rest_absent(press.button.training_id, actor=press.user.id)
    await _marked(press, press.button.page, marking)


async def _marked(
    press: Press[Any], page: int, marking: Awaitable[Roster | tuple[Roster, int]]
) -> None:
    """Show the marking page again once ``marking`` is done (or say why it was refused)."""
    try:
        result = await marking
    except AttendanceError as exc:
        await press.query.answer(press.t.attendance.errors[exc.problem], show_alert=True)
        return
    if isinstance(result, tuple):
        roster, count = result
        await press.query.answer(press.t.attendance.rest_absent_done.format(count=count))
    else:
        roster = result
        await press.query.answer()
    text, keyboard = mark_view(press.t, roster, page)
    await press.query.edit_message_text(text, reply_markup=keyboard)


async def stale(update: Update, context: Context) -> None:
    """Any other (old or forged) attendance button."""
    await stale_button(update, context)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The attendance buttons."""
    return [
        CommandHandler("attendance", attendance_menu),
        on_button(OpenSessionButton, open_session),
        on_button(AttendeeListButton, show_list),
        on_button(SignInSheetButton, send_sheet),
        on_button(MarkingButton, show_marking),
        on_button(MarkAttendeeButton, toggle),
        on_button(RestAbsentButton, rest_absent),
        CallbackQueryHandler(stale, pattern=AttendanceButton.pattern()),
    ]
