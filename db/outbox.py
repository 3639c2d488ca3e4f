"""The outbox table: notifications written with the change that causes them, then delivered.

``enqueue`` is called by a service inside its own write transaction (never commits), so the
message exists exactly when the change does. The deliverer (``bot.services.outbox``) lists
open rows, ``claim``s one ('sending', committed) right before sending it and ``settle``s it
after; ``release_interrupted`` turns rows a crash left 'sending' back into pending ones marked
late. Parameterised SQL only; imports no ``telegram``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db._sql import fetch_all, fetch_object, fetch_one
from db.models import Broadcast
from db.rows import to_db_time

Payload = dict[str, Any]
SETTLED = ("sent", "blocked", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One message to send: to whom, what kind, and what the renderer needs."""

    id: int
    recipient: int
    kind: str
    payload: Payload
    broadcast_id: int | None
    late: bool
    attempts: int


async def enqueue(
    conn: aiosqlite.Connection,
    recipients: Iterable[int],
    kind: str,
    payload: Payload,
    *,
    now: datetime,
    broadcast_id: int | None = None,
) -> int:
    """Queue one ``kind`` message per recipient (each at most once per broadcast)."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    rows = [(r, kind, body, broadcast_id, to_db_time(now)) for r in dict.fromkeys(recipients)]
    await conn.executemany(
        "INSERT INTO outbox (recipient, kind, payload, broadcast_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _row(row: Any) -> OutboxRow:
    return OutboxRow(
        id=int(row["id"]),
        recipient=int(row["recipient"]),
        kind=str(row["kind"]),
        payload=json.loads(row["payload"]),
        broadcast_id=None if row["broadcast_id"] is None else int(row["broadcast_id"]),
        late=bool(row["late"]),
        attempts=int(row["attempts"]),
    )


async def pending(
    conn: aiosqlite.Connection, *, limit: int, after: int = 0, direct_only: bool = False
) -> list[OutboxRow]:
    """Pending rows in the order they were queued (``direct_only``: no broadcast rows)."""
    where = " AND broadcast_id IS NULL" if direct_only else ""
    rows = await fetch_all(
        conn,
        f"SELECT * FROM outbox WHERE status = 'pending' AND id > ?{where} ORDER BY id LIMIT ?",
        (after, limit),
    )
    return [_row(r) for r in rows]


async def claim(conn: aiosqlite.Connection, row_id: int, *, now: datetime) -> bool:
    """Mark a pending row 'sending' right before it goes out; False: someone else has it."""
    row = await fetch_one(
        conn,
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, attempted_at = ? "
        "WHERE id = ? AND status = 'pending' RETURNING id",
        (to_db_time(now), row_id),
    )
    return row is not None


async def settle(conn: aiosqlite.Connection, row_id: int, status: str, *, now: datetime) -> None:
    """Record what became of a claimed row ('pending' again: try later)."""
    if status not in (*SETTLED, "pending"):
        raise ValueError(f"not an outbox status: {status}")
    sent_at = to_db_time(now) if status == "sent" else None
    await conn.execute(
        "UPDATE outbox SET status = ?, sent_at = ? WHERE id = ? AND status = 'sending'",
        (status, sent_at, row_id),
    )


async def release_interrupted(conn: aiosqlite.Connection) -> int:
    """Rows a crash left 'sending' become pending again, marked late; return how many."""
    cur = await conn.execute(
        "UPDATE outbox SET status = 'pending', late = 1 WHERE status = 'sending'"
    )
    return cur.rowcount


async def broadcast_counts(conn: aiosqlite.Connection, broadcast_id: int) -> dict[str, int]:
    """How many of a broadcast's rows are in each status."""
    rows = await fetch_all(
        conn,
        "SELECT status, count(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
        (broadcast_id,),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def open_broadcasts(conn: aiosqlite.Connection) -> list[int]:
    """Broadcasts not yet recorded as finished."""
    rows = await fetch_all(conn, "SELECT id FROM broadcasts WHERE finished_at IS NULL")
    return [int(r[0]) for r in rows]


async def status_counts(conn: aiosqlite.Connection) -> dict[str, int]:
    """How many rows are in each status (health, benchmarks, the chaos test)."""
    rows = await fetch_all(conn, "SELECT status, count(*) FROM outbox GROUP BY status")
    return {str(r[0]): int(r[1]) for r in rows}


async def latest_status(conn: aiosqlite.Connection, kind: str, key: str, value: int) -> str | None:
    """The status of the newest ``kind`` row whose payload has ``key`` = ``value``."""
    row = await fetch_one(
        conn,
        "SELECT status FROM outbox WHERE kind = ? AND json_extract(payload, '$.' || ?) = ? "
        "ORDER BY id DESC LIMIT 1",
        (kind, key, value),
    )
    return None if row is None else str(row[0])


async def forget_recipient(conn: aiosqlite.Connection, user_id: int) -> int:
    """Drop every message to an erased user, sent or not (their data is gone)."""
    cur = await conn.execute("DELETE FROM outbox WHERE recipient = ?", (user_id,))
    return cur.rowcount


@dataclass(frozen=True, slots=True)
class Person:
    """What the deliverer needs of a recipient: language and whether they are reachable."""

    language_code: str | None
    lang: str | None
    active: bool


async def recipients(conn: aiosqlite.Connection, user_ids: set[int]) -> dict[int, Person]:
    """The stored users among ``user_ids`` (admins who never wrote may be missing)."""
    found: dict[int, Person] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await fetch_all(
            conn,
            f"SELECT id, language_code, lang_override, is_active FROM users WHERE id IN ({marks})",
            chunk,
        )
        for r in rows:
            found[int(r[0])] = Person(r[1], r[2], bool(r[3]))
    return found


async def finish_broadcast(
    conn: aiosqlite.Connection, broadcast_id: int, counts: dict[str, int], *, now: datetime
) -> Broadcast | None:
    """Record a broadcast's totals from its rows, once; None if already recorded."""
    return await fetch_object(
        conn,
        Broadcast,
        "UPDATE broadcasts SET delivered = ?, blocked = ?, failed = ?, finished_at = ? "
        "WHERE id = ? AND finished_at IS NULL RETURNING *",
        (
            counts.get("sent", 0),
            counts.get("blocked", 0) + counts.get("skipped", 0),  # skipped: blocked earlier
            counts.get("failed", 0),
            to_db_time(now),
            broadcast_id,
        ),
    )
