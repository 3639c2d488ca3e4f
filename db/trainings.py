"""Training sessions, sign-ups with a waitlist and tag subscriptions.

Repository functions: they take the connection from ``Database.write()``/``read()``, run
parameterised SQL (lists travel as one JSON parameter read with ``json_each``) and never
commit. The seat check and the insert of a sign-up must run in the same ``write()``
transaction (``BEGIN IMMEDIATE``), which is what makes capacity hold under concurrency.
The reminders and notices of sessions are in ``db.training_delivery``. Imports no ``telegram``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, TypeGuard, get_args

import aiosqlite

from db._sql import execute, fetch_all, fetch_count, fetch_one, returning
from db.models import (
    SessionCard,
    SignupStatus,
    Training,
    TrainingStatus,
)
from db.rows import from_row, to_db_time


# ---------------------------------------------------------------------------- sessions
@dataclass(frozen=True, slots=True)
class TrainingDraft:
    """What staff fill in for a new session; ``insert_training`` stores it."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    tags: tuple[str, ...] = ()
    target_group: str = ""
    description: str = ""
    title_en: str = ""  # optional: for residents who use the bot in English


async def insert_training(
    conn: aiosqlite.Connection, draft: TrainingDraft, *, created_by: int | None, now: datetime
) -> Training:
    """Store a new scheduled session with its tags."""
    ts = to_db_time(now)
    row = await returning(
        conn,
        "INSERT INTO trainings (title, title_en, target_group, starts_at, ends_at, place, "
        "description, capacity, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            draft.title,
            draft.title_en,
            draft.target_group,
            to_db_time(draft.starts_at),
            to_db_time(draft.ends_at),
            draft.place,
            draft.description,
            draft.capacity,
            created_by,
            ts,
            ts,
        ),
    )
    unique_tags = tuple(dict.fromkeys(draft.tags))
    await conn.executemany(
        "INSERT INTO training_tags (training_id, tag) VALUES (?, ?)",
        [(row["id"], tag) for tag in unique_tags],
    )
    return from_row(Training, row, tags=unique_tags)


async def _tags_for(conn: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    rows = await fetch_all(
        conn,
        "SELECT training_id, tag FROM training_tags "
        "WHERE training_id IN (SELECT value FROM json_each(?)) ORDER BY training_id, tag",
        (json.dumps(list(ids)),),
    )
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(int(row[0]), []).append(str(row[1]))
    return {k: tuple(v) for k, v in out.items()}


async def _with_tags(conn: aiosqlite.Connection, rows: list[sqlite3.Row]) -> list[Training]:
    tags = await _tags_for(conn, (int(r["id"]) for r in rows))
    return [from_row(Training, r, tags=tags.get(int(r["id"]), ())) for r in rows]


async def get_training(conn: aiosqlite.Connection, training_id: int) -> Training | None:
    """The session with this id, if any."""
    row = await fetch_one(conn, "SELECT * FROM trainings WHERE id = ?", (training_id,))
    return None if row is None else (await _with_tags(conn, [row]))[0]


async def list_trainings(
    conn: aiosqlite.Connection, *, now: datetime, include_past: bool = False, limit: int = 200
) -> list[Training]:
    """Sessions by start time: upcoming and not cancelled, or (``include_past``) all of them."""
    if include_past:
        sql = "SELECT * FROM trainings ORDER BY starts_at, id LIMIT ?"
        params: tuple[object, ...] = (limit,)
    else:
        sql = (
            "SELECT * FROM trainings WHERE status != 'cancelled' AND starts_at > ? "
            "ORDER BY starts_at, id LIMIT ?"
        )
        params = (to_db_time(now), limit)
    return await _with_tags(conn, await fetch_all(conn, sql, params))


async def update_training(
    conn: aiosqlite.Connection,
    training_id: int,
    *,
    now: datetime,
    capacity: int | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    status: TrainingStatus | None = None,
) -> Training | None:
    """Change the given fields (None = keep); return the session as stored, None if unknown."""
    row = await fetch_one(
        conn,
        "UPDATE trainings SET capacity = coalesce(?, capacity), "
        "starts_at = coalesce(?, starts_at), ends_at = coalesce(?, ends_at), "
        "status = coalesce(?, status), updated_at = ? WHERE id = ? RETURNING *",
        (
            capacity,
            None if starts_at is None else to_db_time(starts_at),
            None if ends_at is None else to_db_time(ends_at),
            None if status is None else status.value,
            to_db_time(now),
            training_id,
        ),
    )
    return None if row is None else (await _with_tags(conn, [row]))[0]


# The text columns staff edit one at a time (the column names are SQL, so only these).
TextColumn = Literal["title", "title_en", "place", "description", "target_group"]
TEXT_COLUMNS: Final[tuple[str, ...]] = get_args(TextColumn)


def is_text_column(name: str) -> TypeGuard[TextColumn]:
    """Whether ``name`` is one of ``TEXT_COLUMNS``."""
    return name in TEXT_COLUMNS


async def set_text(
    conn: aiosqlite.Connection, training_id: int, column: TextColumn, text: str, *, now: datetime
) -> Training | None:
    """Change one text column; return the session as stored, None if unknown."""
    if not is_text_column(column):
        raise ValueError(f"not a text column: {column!r}")
    row = await fetch_one(
        conn,
        f"UPDATE trainings SET {column} = ?, updated_at = ? WHERE id = ? RETURNING *",
        (text, to_db_time(now), training_id),
    )
    return None if row is None else (await _with_tags(conn, [row]))[0]


async def set_tags(conn: aiosqlite.Connection, training_id: int, tags: Iterable[str]) -> None:
    """Replace a session's tags."""
    await conn.execute("DELETE FROM training_tags WHERE training_id = ?", (training_id,))
    await conn.executemany(
        "INSERT INTO training_tags (training_id, tag) VALUES (?, ?)",
        [(training_id, tag) for tag in dict.fromkeys(tags)],
    )


_CARD_SQL = """
SELECT t.*,
  (SELECT count(*) FROM training_signups s
    WHERE s.training_id = t.id AND s.status = 'signed') AS signed,
  (SELECT count(*) FROM training_signups s
    WHERE s.training_id = t.id AND s.status = 'waitlisted') AS waitlisted,
  me.status AS my_status,
  CASE WHEN me.status = 'waitlisted' THEN
    (SELECT count(*) FROM training_signups w WHERE w.training_id = t.id
      AND w.status = 'waitlisted' AND w.queue_no <= me.queue_no) END AS my_position
FROM trainings t
LEFT JOIN training_signups me ON me.training_id = t.id AND me.user_id = :user
"""


async def _cards(
    conn: aiosqlite.Connection, where: str, params: dict[str, object]
) -> list[SessionCard]:
    async with conn.execute(_CARD_SQL + where, params) as cur:
        rows = list(await cur.fetchall())
    trainings = await _with_tags(conn, rows)
    return [
        from_row(SessionCard, row, training=training)
        for training, row in zip(trainings, rows, strict=True)
    ]


async def upcoming_cards(
    conn: aiosqlite.Connection, user_id: int, *, now: datetime, limit: int
) -> list[SessionCard]:
    """Upcoming, not cancelled sessions as ``user_id`` sees them, soonest first."""
    return await _cards(
        conn,
        "WHERE t.status != 'cancelled' AND t.starts_at > :now "
        "ORDER BY t.starts_at, t.id LIMIT :limit",
        {"user": user_id, "now": to_db_time(now), "limit": limit},
    )


async def my_cards(
    conn: aiosqlite.Connection, user_id: int, *, now: datetime
) -> list[SessionCard]:
    """Sessions ``user_id`` is signed up or waitlisted for that have not ended."""
    return await _cards(
        conn,
        "WHERE me.status IN ('signed', 'waitlisted') AND t.ends_at > :now "
        "ORDER BY t.starts_at, t.id",
        {"user": user_id, "now": to_db_time(now)},
    )


async def card(conn: aiosqlite.Connection, training_id: int, user_id: int) -> SessionCard | None:
    """One session as ``user_id`` sees it."""
    cards = await _cards(conn, "WHERE t.id = :id", {"user": user_id, "id": training_id})
    return cards[0] if cards else None


# ----------------------------------------------------------------------------- sign-ups
async def signup_status(
    conn: aiosqlite.Connection, training_id: int, user_id: int
) -> SignupStatus | None:
    """The user's sign-up status for the session, if they ever signed up."""
    row = await fetch_one(
        conn,
        "SELECT status FROM training_signups WHERE training_id = ? AND user_id = ?",
        (training_id, user_id),
    )
    return None if row is None else SignupStatus(row[0])


async def count_signed(conn: aiosqlite.Connection, training_id: int) -> int:
    """How many seats are taken."""
    return await fetch_count(
        conn,
        "SELECT count(*) FROM training_signups WHERE training_id = ? AND status = 'signed'",
        (training_id,),
    )


async def enqueue(
    conn: aiosqlite.Connection,
    training_id: int,
    user_id: int,
    status: SignupStatus,
    *,
    now: datetime,
) -> None:
    """Sign the user up (or waitlist them) at the back of the queue; use inside ``write()``."""
    ts = to_db_time(now)
    await conn.execute(
        "INSERT INTO training_signups "
        "(training_id, user_id, status, queued_at, created_at, updated_at, queue_no) "
        "VALUES (?1, ?2, ?3, ?4, ?4, ?4, (SELECT coalesce(max(queue_no), 0) + 1 "
        "FROM training_signups WHERE training_id = ?1)) "
        "ON CONFLICT (training_id, user_id) DO UPDATE SET status = excluded.status, "
        "queued_at = excluded.queued_at, updated_at = excluded.updated_at, "
        "queue_no = excluded.queue_no",
        (training_id, user_id, status.value, ts),
    )


async def cancel_signup(
    conn: aiosqlite.Connection, training_id: int, user_id: int, *, now: datetime
) -> None:
    """Cancel the user's sign-up (their row keeps its place in the queue)."""
    await conn.execute(
        "UPDATE training_signups SET status = 'cancelled', updated_at = ? "
        "WHERE training_id = ? AND user_id = ?",
        (to_db_time(now), training_id, user_id),
    )


async def promote(
    conn: aiosqlite.Connection, training_id: int, seats: int, *, now: datetime
) -> list[int]:
    """Give the first ``seats`` people on the waitlist a seat; who they are, in queue order."""
    rows = await fetch_all(
        conn,
        "UPDATE training_signups SET status = 'signed', updated_at = ? WHERE rowid IN "
        "(SELECT rowid FROM training_signups WHERE training_id = ? AND status = 'waitlisted' "
        "ORDER BY queue_no, rowid LIMIT ?) RETURNING user_id, queue_no, rowid",
        (to_db_time(now), training_id, seats),
    )
    return [int(r[0]) for r in sorted(rows, key=lambda r: (r[1], r[2]))]


async def seats_held(conn: aiosqlite.Connection, user_id: int, *, now: datetime) -> list[int]:
    """Sessions still ahead (not cancelled) in which ``user_id`` holds a seat, soonest first."""
    rows = await fetch_all(
        conn,
        "SELECT t.id FROM training_signups s JOIN trainings t ON t.id = s.training_id "
        "WHERE s.user_id = ? AND s.status = 'signed' AND t.status != 'cancelled' "
        "AND t.starts_at > ? ORDER BY t.starts_at, t.id",
        (user_id, to_db_time(now)),
    )
    return [int(r[0]) for r in rows]


async def waitlist_position(conn: aiosqlite.Connection, training_id: int, user_id: int) -> int:
    """1-based position on the waitlist (0 if the user is not waitlisted)."""
    return await fetch_count(
        conn,
        "SELECT count(*) FROM training_signups w JOIN training_signups me "
        "ON me.training_id = w.training_id AND me.user_id = ? AND me.status = 'waitlisted' "
        "WHERE w.training_id = ? AND w.status = 'waitlisted' AND w.queue_no <= me.queue_no",
        (user_id, training_id),
    )


async def participants(
    conn: aiosqlite.Connection, training_id: int, statuses: Sequence[SignupStatus]
) -> list[int]:
    """Users with one of ``statuses`` for the session, in queue order."""
    rows = await fetch_all(
        conn,
        "SELECT user_id FROM training_signups WHERE training_id = ? "
        "AND status IN (SELECT value FROM json_each(?)) ORDER BY queue_no, rowid",
        (training_id, json.dumps([s.value for s in statuses])),
    )
    return [int(r[0]) for r in rows]


# ------------------------------------------------------------------------ subscriptions
async def subscriptions_of(conn: aiosqlite.Connection, user_id: int) -> set[str]:
    """Tags the user subscribed to ('*' = everything)."""
    rows = await fetch_all(conn, "SELECT tag FROM subscriptions WHERE user_id = ?", (user_id,))
    return {str(r[0]) for r in rows}


async def set_subscribed(
    conn: aiosqlite.Connection, user_id: int, tag: str, on: bool, *, now: datetime
) -> None:
    """Subscribe the user to ``tag`` or unsubscribe them."""
    if on:
        await conn.execute(
            "INSERT INTO subscriptions (user_id, tag, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (user_id, tag, to_db_time(now)),
        )
    else:
        await conn.execute(
            "DELETE FROM subscriptions WHERE user_id = ? AND tag = ?", (user_id, tag)
        )


async def unsubscribe_all(conn: aiosqlite.Connection, user_id: int) -> int:
    """Drop every subscription of the user; return how many there were."""
    return await execute(conn, "DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
