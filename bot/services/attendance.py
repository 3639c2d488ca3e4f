"""Attendee lists, printable sign-in sheets and attendance marking for training sessions.

Staff see who signed up (and who waits) with the village and phone the resident shared when
registering a project, download an Excel sign-in sheet to print (one row per resident and an
empty column to sign), and after the session has started mark who came. Marking is audited
under the resident (so erasing them clears it). Imports no ``telegram``.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from bot.services.base import StoreService
from bot.settings import Settings
from bot.texts import Texts, status_label
from bot.vocabulary import AttendanceProblem
from db import attendance as repo
from db import trainings as trainings_repo
from db.attendance import AttendanceCounts, Attendee
from db.audit import append_audit
from db.models import SignupStatus, Training, TrainingStatus

__all__ = [
    "AttendanceCounts",
    "AttendanceError",
    "AttendanceService",
    "Attendee",
    "Roster",
    "SessionEntry",
]

# /attendance offers the sessions of the last two weeks (attendance is marked afterwards)
# and the upcoming ones, up to a screenful of buttons.
RECENT = timedelta(days=14)
SESSIONS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """A session in the /attendance menu."""

    id: int
    title: str
    starts_at: datetime
    listed: int  # signed up + waitlisted


class AttendanceError(ValueError):
    """Attendance cannot be marked, for ``problem``."""

    def __init__(self, problem: AttendanceProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _mark_problem(training: Training, started: bool) -> AttendanceProblem | None:
    """Why names cannot be marked at ``training`` now (None: they can)."""
    if training.status is TrainingStatus.CANCELLED:
        return AttendanceProblem.CANCELLED
    return None if started else AttendanceProblem.NOT_STARTED


@dataclass(frozen=True, slots=True)
class Roster:
    """A session and everyone on its list: signed up first, then the waitlist."""

    training: Training
    attendees: tuple[Attendee, ...]
    started: bool  # attendance can be marked

    @property
    def problem(self) -> AttendanceProblem | None:
        """Why names cannot be marked now (None: they can)."""
        return _mark_problem(self.training, self.started)

    @property
    def signed(self) -> tuple[Attendee, ...]:
        """Those with a seat."""
        return tuple(a for a in self.attendees if a.status is SignupStatus.SIGNED)

    @property
    def came(self) -> int:
        """How many were marked as having come."""
        return sum(1 for a in self.attendees if a.attended is True)

    @property
    def absent(self) -> int:
        """How many were marked as not having come."""
        return sum(1 for a in self.attendees if a.attended is False)


class AttendanceService(StoreService):
    """Lists, sign-in sheets and attendance for the staff's training view."""

    async def sessions(self) -> list[SessionEntry]:
        """Sessions of the last ``RECENT`` days and the upcoming ones, soonest first."""
        async with self._db.read() as conn:
            rows = await repo.sessions_around(
                conn, since=self._clock() - RECENT, limit=SESSIONS_SHOWN
            )
        return [SessionEntry(*row) for row in rows]

    async def roster(self, training_id: int) -> Roster | None:
        """The session's list, or None if there is no such session."""
        async with self._db.read() as conn:
            training = await trainings_repo.get_training(conn, training_id)
            if training is None:
                return None
            people = await repo.attendees(conn, training_id)
        return Roster(training, tuple(people), training.starts_at <= self._clock())

    async def mark(
        self, training_id: int, user_id: int, attended: bool | None, *, actor: int
    ) -> Roster:
        """Record whether ``user_id`` came (None: not marked); raises ``AttendanceError``."""

        async def change(conn: aiosqlite.Connection, now: datetime) -> str:
            if not await repo.set_attended(conn, training_id, user_id, attended, now=now):
                raise AttendanceError(AttendanceProblem.NOT_LISTED)
            state = "unmarked" if attended is None else ("came" if attended else "absent")
            return f"training {training_id}: {state}"

        target = ("user", user_id)
        return await self._marking(training_id, actor, "training.attendance", target, change)

    async def mark_rest_absent(self, training_id: int, *, actor: int) -> tuple[Roster, int]:
        """Everyone signed up and not marked did not come; returns the list and how many."""
        count = 0

        async def change(conn: aiosqlite.Connection, now: datetime) -> str:
            nonlocal count
            count = await repo.mark_unmarked_absent(conn, training_id, now=now)
            return f"{count} marked absent"

        action, target = "training.attendance_rest_absent", ("training", training_id)
        return await self._marking(training_id, actor, action, target, change), count

    async def _marking(
        self,
        training_id: int,
        actor: int,
        action: str,
        target: tuple[str, int],
        change: Callable[[aiosqlite.Connection, datetime], Awaitable[str]],
    ) -> Roster:
        """Make ``change`` (it returns the audit's detail) where marking is allowed, audit it as
        ``action`` on ``target``, and return the list as it is now."""
        now = self._clock()
        async with self._db.write() as conn:
            await self._markable(conn, training_id, now)
            detail = await change(conn, now)
            await append_audit(
                conn, actor_id=actor, action=action, target=target, detail=detail, now=now
            )
        roster = await self.roster(training_id)
        assert roster is not None
        return roster

    @staticmethod
    async def _markable(conn: aiosqlite.Connection, training_id: int, now: datetime) -> None:
        training = await trainings_repo.get_training(conn, training_id)
        if training is None:
            raise AttendanceError(AttendanceProblem.NOT_FOUND)
        if problem := _mark_problem(training, training.starts_at <= now):
            raise AttendanceError(problem)

    async def counts(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> AttendanceCounts:
        """Attendance at the sessions held in ``[since, until)`` (for /stats)."""
        async with self._db.read() as conn:
            return await repo.attendance_counts(conn, now=self._clock(), since=since, until=until)

    def sheet_filename(self, training: Training) -> str:
        """``signin-12-2026-12-05.xlsx``: the session's number and its local date."""
        day = training.starts_at.astimezone(self._settings.timezone).date().isoformat()
        return f"signin-{training.id}-{day}.xlsx"

    async def sign_in_sheet(self, roster: Roster, t: Texts) -> bytes:
        """The printable Excel sign-in sheet of ``roster`` in ``t``'s language."""
        return await asyncio.to_thread(sign_in_xlsx, roster, t, self._settings)


def session_line(training: Training, t: Texts, settings: Settings) -> str:
    """ "2026-12-05（周六）14:00–16:00 · 镇政府三楼会议室": unambiguous in every language."""
    tz = settings.timezone
    s, e = training.starts_at.astimezone(tz), training.ends_at.astimezone(tz)
    weekday = t.trainings.weekdays[s.weekday()]
    end = e.strftime("%H:%M") if e.date() == s.date() else e.strftime("%Y-%m-%d %H:%M")
    return t.attendance.sheet_when.format(
        date=s.date().isoformat(),
        weekday=weekday,
        start=s.strftime("%H:%M"),
        end=end,
        place=training.place,
    )


def sign_in_xlsx(roster: Roster, t: Texts, settings: Settings) -> bytes:
    """A sheet to print: title, when and where, then one bordered row per resident with an
    empty column to sign; the header row repeats on every printed page."""
    a = t.attendance
    wb = Workbook()
    ws = wb.active
    if ws is None:  # pragma: no cover - a new workbook always has a sheet
        ws = wb.create_sheet()
    ws.title = a.sheet_name
    widths = (6, 22, 14, 16, 10, 24, 14)
    columns = len(widths)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + c)].width = width
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    title = ws.cell(row=1, column=1, value=a.sheet_title.format(title=roster.training.title))
    title.data_type = "s"
    title.font = Font(bold=True, size=14)
    info = ws.cell(row=2, column=1, value=session_line(roster.training, t, settings))
    info.data_type = "s"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, header in enumerate(a.sheet_headers, start=1):
        cell = ws.cell(row=4, column=c, value=header)
        cell.font = Font(bold=True)
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for n, person in enumerate(roster.attendees, start=1):
        row = 4 + n
        values: tuple[object, ...] = (
            n,
            person.name,
            person.village or "",
            person.phone or "",
            status_label(t, person.status),
            "",
            "" if person.attended is None else (a.came if person.attended else a.absent),
        )
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a name starting with "=" is text, not a formula
            cell.border = box
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = 28  # room for a signature
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
