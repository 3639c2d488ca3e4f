"""Who signed up for a session, with what staff need to reach them, and who came.

The attendee list joins a session's sign-ups (signed or waitlisted, in queue order) with the
resident's Telegram name and the village and phone of their latest registered project (the
only place a resident shares a phone with the office). Attendance is stored on the sign-up
row. Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db._sql import execute, fetch_all, fetch_objects, fetch_one, time_range
from db.models import SignupStatus
from db.rows import counts, from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class Attendee:
    """One resident on a session's list."""

    user_id: int
    name: str  # Telegram first name (and @username)
    village: str | None  # from their latest project, if they registered one
    phone: str | None  # likewise: shared with the office when registering
    status: SignupStatus  # SIGNED or WAITLISTED
    attended: bool | None  # None: not marked yet


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    """Attendance at the sessions that started in a range."""

    sessions: int  # sessions held (started, not cancelled)
    marked_sessions: int  # of those, how many had attendance marked
    attended: int
    absent: int
    unmarked: int  # signed up for a held session, not marked either way


async def attendees(conn: aiosqlite.Connection, training_id: int) -> list[Attendee]:
    """The signed-up, then the waitlisted residents of a session, each in queue order."""
    return await fetch_objects(
        conn,
        Attendee,
        "SELECT s.user_id, s.status, s.attended, "
        "trim(coalesce(u.first_name, '') || coalesce(' @' || u.username, '')) AS name, "
        "(SELECT p.village FROM projects p WHERE p.user_id = s.user_id "
        " ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS village, "
        "(SELECT p.phone FROM projects p WHERE p.user_id = s.user_id AND p.phone IS NOT NULL "
        " ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS phone "
        "FROM training_signups s JOIN users u ON u.id = s.user_id "
        "WHERE s.training_id = ? AND s.status IN ('signed', 'waitlisted') "
        "ORDER BY s.status = 'waitlisted', s.queue_no, s.rowid",
        (training_id,),
    )


async def set_attended(
    conn: aiosqlite.Connection,
    training_id: int,
    user_id: int,
    attended: bool | None,
    *,
    now: datetime,
) -> bool:
    """Mark one resident as came / did not come (None: unmark); False if not on the list."""
    changed = await execute(
        conn,
        "UPDATE training_signups SET attended = ?, attendance_marked_at = ? "
        "WHERE training_id = ? AND user_id = ? AND status IN ('signed', 'waitlisted')",
        (
            None if attended is None else int(attended),
            None if attended is None else to_db_time(now),
            training_id,
            user_id,
        ),
    )
    return changed > 0


async def mark_unmarked_absent(
    conn: aiosqlite.Connection, training_id: int, *, now: datetime
) -> int:
    """Everyone signed up and not marked yet did not come; returns how many."""
    return await execute(
        conn,
        "UPDATE training_signups SET attended = 0, attendance_marked_at = ? "
        "WHERE training_id = ? AND status = 'signed' AND attended IS NULL",
        (to_db_time(now), training_id),
    )


async def attendance_counts(
    conn: aiosqlite.Connection,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AttendanceCounts:
    """Attendance at sessions starting in ``[since, until)`` that have started by ``now``."""
    low, high = time_range(since, until)
    high = min(high, to_db_time(now))
    row = await fetch_one(
        conn,
        "SELECT count(DISTINCT t.id), "
        "count(DISTINCT CASE WHEN s.attended IS NOT NULL THEN t.id END), "
        "coalesce(sum(s.attended = 1), 0), coalesce(sum(s.attended = 0), 0), "
        "coalesce(sum(s.status = 'signed' AND s.attended IS NULL), 0) "
        "FROM trainings t LEFT JOIN training_signups s ON s.training_id = t.id "
        "AND s.status IN ('signed', 'waitlisted') "
        "WHERE t.status != 'cancelled' AND t.starts_at >= ? AND t.starts_at < ?",
        (low, high),
    )
    return counts(AttendanceCounts, row)


async def sessions_around(
    conn: aiosqlite.Connection, *, since: datetime, limit: int
) -> list[tuple[int, str, datetime, int]]:
    """``(id, title, starts_at, people listed)`` of the sessions starting from ``since``, not
    cancelled, the soonest first: the ones whose list or attendance staff may want."""
    rows = await fetch_all(
        conn,
        "SELECT t.id, t.title, t.starts_at, (SELECT count(*) FROM training_signups s "
        "WHERE s.training_id = t.id AND s.status IN ('signed', 'waitlisted')) "
        "FROM trainings t WHERE t.status != 'cancelled' AND t.starts_at >= ? "
        "ORDER BY t.starts_at, t.id LIMIT ?",
        (to_db_time(since), limit),
    )
    return [(int(r[0]), str(r[1]), from_db_time(r[2]), int(r[3])) for r in rows]
