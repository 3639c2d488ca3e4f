"""The reminders and notices of training sessions: queued, due, claimed and settled.

A notice (announcement, move, change, cancellation, promotion) and a reminder are rows that
``bot.services.training_delivery`` sends at most once across restarts: ``claim`` marks a row
'sending' with a token before it goes out, ``finish`` records what became of it, and after a
crash ``release_interrupted`` and ``mark_overdue_late`` put interrupted and missed rows back as
late. Parameterised SQL (lists as one JSON parameter read with ``json_each``), never a commit.
Imports no ``telegram``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from db._sql import Params, execute, fetch_all, fetch_count, fetch_one
from db.models import (
    Addressee,
    DeliveryStatus,
    DueReminder,
    NoticeKind,
    PendingNotice,
)
from db.rows import from_db_time, from_row, to_db_time


async def queue_announcements(
    conn: aiosqlite.Connection, training_id: int, *, now: datetime
) -> int:
    """Queue an announcement to every active subscriber of the session's tags (or of '*')."""
    return await execute(
        conn,
        "INSERT INTO training_notices (training_id, user_id, kind, created_at) "
        "SELECT DISTINCT ?1, s.user_id, 'announce', ?2 FROM subscriptions s "
        "JOIN users u ON u.id = s.user_id WHERE u.is_active = 1 AND (s.tag = '*' OR s.tag IN "
        "(SELECT tag FROM training_tags WHERE training_id = ?1))",
        (training_id, to_db_time(now)),
    )


async def queue_notices(
    conn: aiosqlite.Connection,
    training_id: int,
    user_ids: Sequence[int],
    kind: NoticeKind,
    *,
    now: datetime,
    old_starts_at: datetime | None = None,
) -> int:
    """Queue one notice of ``kind`` for each user."""
    old = None if old_starts_at is None else to_db_time(old_starts_at)
    ts = to_db_time(now)
    await conn.executemany(
        "INSERT INTO training_notices (training_id, user_id, kind, old_starts_at, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(training_id, uid, kind.value, old, ts) for uid in user_ids],
    )
    return len(user_ids)


def _addressee(row: sqlite3.Row) -> Addressee:
    return from_row(Addressee, row)


async def pending_notices(conn: aiosqlite.Connection, *, limit: int) -> list[PendingNotice]:
    """The oldest pending notices with their addressees."""
    rows = await fetch_all(
        conn,
        "SELECT n.*, u.language_code, u.lang_override, u.is_active FROM training_notices n "
        "JOIN users u ON u.id = n.user_id WHERE n.status = 'pending' ORDER BY n.id LIMIT ?",
        (limit,),
    )
    return [from_row(PendingNotice, r, to=_addressee(r)) for r in rows]


async def count_pending_notices(conn: aiosqlite.Connection, training_id: int) -> int:
    """Notices about the session not yet sent."""
    return await fetch_count(
        conn,
        "SELECT count(*) FROM training_notices WHERE training_id = ? "
        "AND status IN ('pending', 'sending')",
        (training_id,),
    )


# ----------------------------------------------------------------------------- reminders
async def plan_reminders(
    conn: aiosqlite.Connection,
    training_id: int,
    user_ids: Sequence[int],
    starts_at: datetime,
    offsets: Sequence[timedelta],
    *,
    now: datetime,
) -> int:
    """Create (or re-arm) one reminder per user and offset whose time is still ahead.

    A row already sent (or being sent) for the same due time is left alone: re-signing up
    must not repeat a reminder. A row whose due time changed (the session moved) is re-armed.
    """
    ts = to_db_time(now)
    params: list[Params] = []
    for offset in offsets:
        due = starts_at - offset
        if due <= now:
            continue
        seconds = int(offset.total_seconds())
        params.extend((training_id, uid, seconds, to_db_time(due), ts) for uid in user_ids)
    await conn.executemany(
        "INSERT INTO reminders (training_id, user_id, offset_seconds, due_at, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (training_id, user_id, offset_seconds) DO UPDATE "
        "SET due_at = excluded.due_at, status = 'pending', late = 0, attempted_at = NULL, "
        "sent_at = NULL WHERE reminders.status NOT IN ('sent', 'sending') "
        "OR reminders.due_at != excluded.due_at",
        params,
    )
    return len(params)


async def skip_reminders(
    conn: aiosqlite.Connection, training_id: int, user_id: int | None = None
) -> int:
    """Withdraw the pending reminders of a session (or of one user for it)."""
    if user_id is None:
        sql = (
            "UPDATE reminders SET status = 'skipped' WHERE training_id = ? AND status = 'pending'"
        )
        return await execute(conn, sql, (training_id,))
    return await execute(
        conn,
        "UPDATE reminders SET status = 'skipped' "
        "WHERE training_id = ? AND user_id = ? AND status = 'pending'",
        (training_id, user_id),
    )


async def due_reminders(
    conn: aiosqlite.Connection, *, now: datetime, limit: int
) -> list[DueReminder]:
    """Pending reminders due at ``now`` or before, oldest first, with session and addressee."""
    rows = await fetch_all(
        conn,
        "SELECT r.id, r.training_id, r.user_id, r.offset_seconds, r.due_at, r.late, "
        "t.starts_at, t.status AS training_status, u.language_code, u.lang_override, "
        "u.is_active FROM reminders r JOIN trainings t ON t.id = r.training_id "
        "JOIN users u ON u.id = r.user_id WHERE r.status = 'pending' AND r.due_at <= ? "
        "ORDER BY r.due_at, r.id LIMIT ?",
        (to_db_time(now), limit),
    )
    return [from_row(DueReminder, r, to=_addressee(r)) for r in rows]


async def next_due(conn: aiosqlite.Connection) -> datetime | None:
    """When the earliest pending reminder is due (an index seek, however many are pending)."""
    row = await fetch_one(conn, "SELECT min(due_at) FROM reminders WHERE status = 'pending'")
    return None if row is None or row[0] is None else from_db_time(row[0])


async def reminders_for(
    conn: aiosqlite.Connection, training_id: int, user_id: int
) -> list[tuple[int, str, bool]]:
    """``(offset_seconds, status, late)`` of a user's reminders for a session (tests, CLI)."""
    rows = await fetch_all(
        conn,
        "SELECT offset_seconds, status, late FROM reminders "
        "WHERE training_id = ? AND user_id = ? ORDER BY offset_seconds DESC",
        (training_id, user_id),
    )
    return [(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


# ------------------------------------------------- at-most-once bookkeeping (both kinds)
_TABLES = {"reminder": "reminders", "notice": "training_notices"}


async def claim(
    conn: aiosqlite.Connection, kind: str, row_id: int, *, now: datetime
) -> str | None:
    """Mark a pending row 'sending' before its message goes out; return the attempt token.

    None means someone else claimed it or it was withdrawn meanwhile: do not send.
    """
    row = await fetch_one(
        conn,
        f"UPDATE {_TABLES[kind]} SET status = 'sending', attempted_at = ? "
        "WHERE id = ? AND status = 'pending' RETURNING attempted_at",
        (to_db_time(now), row_id),
    )
    return None if row is None else str(row[0])


async def finish(
    conn: aiosqlite.Connection,
    kind: str,
    row_id: int,
    token: str,
    status: DeliveryStatus,
    *,
    now: datetime,
) -> bool:
    """Record the outcome of the attempt ``token``; False if the row was re-armed meanwhile."""
    sent_at = to_db_time(now) if status is DeliveryStatus.SENT else None
    return (
        await execute(
            conn,
            f"UPDATE {_TABLES[kind]} SET status = ?, sent_at = ? "
            "WHERE id = ? AND status = 'sending' AND attempted_at = ?",
            (status.value, sent_at, row_id, token),
        )
        == 1
    )


async def set_status(
    conn: aiosqlite.Connection, kind: str, row_ids: Sequence[int], status: DeliveryStatus
) -> int:
    """Settle pending rows without sending them (skipped: session over, user unreachable)."""
    return await execute(
        conn,
        f"UPDATE {_TABLES[kind]} SET status = ? "
        "WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'",
        (status.value, json.dumps(list(row_ids))),
    )


async def release_interrupted(conn: aiosqlite.Connection, kind: str) -> int:
    """Turn rows left 'sending' by a crash back into pending ones marked late; return how many."""
    return await execute(
        conn,
        f"UPDATE {_TABLES[kind]} SET status = 'pending', late = 1, attempted_at = NULL "
        "WHERE status = 'sending'",
    )


async def mark_overdue_late(conn: aiosqlite.Connection, *, before: datetime) -> int:
    """Flag pending reminders due before ``before`` as late (missed while the bot was down)."""
    return await execute(
        conn,
        "UPDATE reminders SET late = 1 WHERE status = 'pending' AND due_at < ? AND late = 0",
        (to_db_time(before),),
    )
