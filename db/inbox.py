"""The inbox table: updates as received, and which of them have been handled.

Repository functions for ``bot.services.inbox``: parameterised SQL on the connection they are
given, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db._sql import execute, fetch_all, fetch_one
from db.rows import from_db_time, to_db_time

# SQLite allows 32,766 parameters a statement; Telegram sends at most 100 updates a poll.
_ROWS_PER_INSERT = 1000


@dataclass(frozen=True, slots=True)
class Received:
    """An update not yet handled: its id, its JSON, how many replays alone died on it, its
    sender, and when it arrived (the store's UTC text)."""

    update_id: int
    payload: str
    attempts: int
    user_id: int | None = None
    received_at: str = ""


@dataclass(frozen=True, slots=True)
class Incoming:
    """An update as it arrives: its id, its sender (if any) and its JSON."""

    update_id: int
    user_id: int | None
    payload: str


async def insert_new(
    conn: aiosqlite.Connection, updates: Sequence[Incoming], *, now: datetime
) -> set[int]:
    """Store the updates not stored yet; the ids that were new."""
    new: set[int] = set()
    received = to_db_time(now)
    for start in range(0, len(updates), _ROWS_PER_INSERT):
        chunk = updates[start : start + _ROWS_PER_INSERT]
        values = ", ".join("(?, ?, ?, ?)" for _ in chunk)
        params = [v for u in chunk for v in (u.update_id, u.user_id, u.payload, received)]
        rows = await conn.execute_fetchall(
            f"INSERT INTO inbox (update_id, user_id, payload, received_at) VALUES {values} "
            "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            params,
        )
        new.update(int(row[0]) for row in rows)
    return new


async def mark(
    conn: aiosqlite.Connection, update_ids: Sequence[int], *, outcome: str, now: datetime
) -> int:
    """Mark these updates handled (or abandoned), dropping content and sender; how many."""
    changed = 0
    for start in range(0, len(update_ids), _ROWS_PER_INSERT):
        chunk = update_ids[start : start + _ROWS_PER_INSERT]
        marks = ", ".join("?" for _ in chunk)
        changed += await execute(
            conn,
            f"UPDATE inbox SET handled_at = ?, outcome = ?, payload = NULL, user_id = NULL "
            f"WHERE update_id IN ({marks}) AND handled_at IS NULL",
            (to_db_time(now), outcome, *chunk),
        )
    return changed


async def forget_user(conn: aiosqlite.Connection, user_id: int, *, now: datetime) -> int:
    """Drop what ``user_id`` sent that is still in flight (marked handled); how many rows.

    For an erasure: the request to erase is itself in flight, and so marked handled in the
    erasure's own transaction, so a crash right after it does not run the erasure again.
    """
    return await execute(
        conn,
        "UPDATE inbox SET handled_at = ?, outcome = 'handled', payload = NULL, user_id = NULL "
        "WHERE handled_at IS NULL AND user_id = ?",
        (to_db_time(now), user_id),
    )


async def unhandled(conn: aiosqlite.Connection) -> list[Received]:
    """Every update not handled yet, oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT update_id, payload, attempts, user_id, received_at FROM inbox "
        "WHERE handled_at IS NULL ORDER BY update_id",
    )
    return [
        Received(int(r[0]), str(r[1]), int(r[2]), None if r[3] is None else int(r[3]), str(r[4]))
        for r in rows
    ]


async def count_attempt(conn: aiosqlite.Connection, update_id: int, *, by: int = 1) -> None:
    """Add ``by`` to the update's attempts (a replay alone begins; -1: it outlived its window)."""
    await conn.execute(
        "UPDATE inbox SET attempts = max(0, attempts + ?) WHERE update_id = ?", (by, update_id)
    )


async def abandoned_since(
    conn: aiosqlite.Connection, since: datetime
) -> tuple[int, datetime | None]:
    """How many updates were abandoned since ``since``, and when the last one was."""
    row = await fetch_one(
        conn,
        "SELECT COUNT(*), MAX(handled_at) FROM inbox WHERE outcome = 'abandoned' "
        "AND handled_at >= ?",
        (to_db_time(since),),
    )
    if row is None or not row[0]:
        return 0, None
    return int(row[0]), from_db_time(str(row[1]))


async def prune(conn: aiosqlite.Connection, *, handled_before: datetime) -> int:
    """Delete rows handled before ``handled_before``; how many."""
    return await execute(
        conn,
        "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ?",
        (to_db_time(handled_before),),
    )


async def counts(conn: aiosqlite.Connection) -> tuple[int, int]:
    """(unhandled, handled) rows."""
    rows = await fetch_all(
        conn, "SELECT handled_at IS NULL, COUNT(*) FROM inbox GROUP BY handled_at IS NULL"
    )
    by_kind = {bool(r[0]): int(r[1]) for r in rows}
    return by_kind.get(True, 0), by_kind.get(False, 0)
