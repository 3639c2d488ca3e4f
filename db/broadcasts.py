"""Broadcasts staff send to many residents: the record, its audience and its outcome.

The audience is every active user except the staff, or the active subscribers of a training
tag (subscribers of '*' want every training notice, so they are included). Parameterised SQL,
never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

import aiosqlite

from db._sql import fetch_all, fetch_count, fetch_object, returning
from db.models import Addressee, Broadcast
from db.rows import from_row, to_db_time


async def create_broadcast(
    conn: aiosqlite.Connection, *, created_by: int, text: str, tag: str | None, now: datetime
) -> Broadcast:
    """Record a broadcast about to be sent."""
    row = await returning(
        conn,
        "INSERT INTO broadcasts (created_by, text, tag, created_at) VALUES (?, ?, ?, ?) "
        "RETURNING *",
        (created_by, text, tag, to_db_time(now)),
    )
    return from_row(Broadcast, row)


async def finish_broadcast(
    conn: aiosqlite.Connection,
    broadcast_id: int,
    *,
    delivered: int,
    blocked: int,
    failed: int,
    now: datetime,
) -> Broadcast | None:
    """Store the outcome of a broadcast; None if there is no such broadcast."""
    return await fetch_object(
        conn,
        Broadcast,
        "UPDATE broadcasts SET delivered = ?, blocked = ?, failed = ?, finished_at = ? "
        "WHERE id = ? RETURNING *",
        (delivered, blocked, failed, to_db_time(now), broadcast_id),
    )


async def get_broadcast(conn: aiosqlite.Connection, broadcast_id: int) -> Broadcast | None:
    """The broadcast with this id."""
    return await fetch_object(
        conn, Broadcast, "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)
    )


async def audience(
    conn: aiosqlite.Connection, tag: str | None, *, staff: Collection[int] = ()
) -> list[Addressee]:
    """Active residents (``tag`` None: every active user but ``staff``) or active subscribers
    of ``tag`` or of '*', by id."""
    columns = "u.id AS user_id, u.language_code, u.lang_override, u.is_active"
    if tag is None:
        rows = await fetch_all(
            conn,
            f"SELECT {columns} FROM users u WHERE u.is_active = 1 "
            "AND u.id NOT IN (SELECT value FROM json_each(?)) ORDER BY u.id",
            (json.dumps(sorted(staff)),),
        )
    else:
        rows = await fetch_all(
            conn,
            f"SELECT DISTINCT {columns} FROM subscriptions s JOIN users u ON u.id = s.user_id "
            "WHERE u.is_active = 1 AND s.tag IN (?, '*') ORDER BY u.id",
            (tag,),
        )
    return [from_row(Addressee, r) for r in rows]


async def audience_size(
    conn: aiosqlite.Connection, tag: str | None, *, staff: Collection[int] = ()
) -> int:
    """How many users ``audience(conn, tag, staff=staff)`` would return, counted by SQLite."""
    if tag is None:
        return await fetch_count(
            conn,
            "SELECT count(*) FROM users WHERE is_active = 1 "
            "AND id NOT IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(staff)),),
        )
    return await fetch_count(
        conn,
        "SELECT count(DISTINCT u.id) FROM subscriptions s JOIN users u ON u.id = s.user_id "
        "WHERE u.is_active = 1 AND s.tag IN (?, '*')",
        (tag,),
    )


async def subscription_tags(conn: aiosqlite.Connection) -> list[tuple[str, int]]:
    """Tags with active subscribers and how many, most subscribed first ('*' left out)."""
    rows = await fetch_all(
        conn,
        "SELECT s.tag, count(*) AS n FROM subscriptions s JOIN users u ON u.id = s.user_id "
        "WHERE u.is_active = 1 AND s.tag != '*' GROUP BY s.tag ORDER BY n DESC, s.tag",
    )
    return [(str(r[0]), int(r[1])) for r in rows]
