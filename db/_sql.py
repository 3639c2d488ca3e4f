"""Small helpers shared by the repository modules: fetch one row or all rows (as rows, or as
``db.models`` objects built by ``from_row``), a count, or a RETURNING row."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import aiosqlite

from db.rows import from_row, to_db_time

Params = Sequence[Any]
_T = TypeVar("_T")


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: Params = ()
) -> sqlite3.Row | None:
    """The first row of a query (meant for queries of one row), or None."""
    rows = await fetch_all(conn, sql, params)
    return rows[0] if rows else None


async def fetch_all(
    conn: aiosqlite.Connection, sql: str, params: Params = ()
) -> list[sqlite3.Row]:
    """Every row of a query.

    One trip to the connection's thread (``execute_fetchall``) instead of three (execute,
    fetch, close): under load each trip waits for the event loop and the thread to be
    scheduled, and a write transaction holds the one writer for all its trips.
    """
    rows: list[sqlite3.Row] = list(await conn.execute_fetchall(sql, params))
    return rows


async def fetch_object(
    conn: aiosqlite.Connection, cls: type[_T], sql: str, params: Params = ()
) -> _T | None:
    """The first row of a query as a ``cls``, or None."""
    row = await fetch_one(conn, sql, params)
    return None if row is None else from_row(cls, row)


async def fetch_objects(
    conn: aiosqlite.Connection, cls: type[_T], sql: str, params: Params = ()
) -> list[_T]:
    """Every row of a query as a ``cls``, in the query's order."""
    return [from_row(cls, row) for row in await fetch_all(conn, sql, params)]


async def fetch_count(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """The number a ``SELECT count(*) ...`` query gives (0 if it gives no row)."""
    row = await fetch_one(conn, sql, params)
    return 0 if row is None else int(row[0])


async def returning(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> sqlite3.Row:
    """The row an ``INSERT/UPDATE ... RETURNING`` statement produced; it must produce one."""
    row = await fetch_one(conn, sql, params)
    if row is None:
        raise RuntimeError("statement with RETURNING produced no row")
    return row


async def execute(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """Run a statement and return how many rows it changed."""
    async with conn.execute(sql, params) as cur:
        return cur.rowcount


def time_range(since: datetime | None, until: datetime | None) -> tuple[str, str]:
    """Bounds for ``created_at >= ? AND created_at < ?``; None means open-ended."""
    # '' sorts before every timestamp and '~' after, so open ends need no separate SQL.
    return (
        "" if since is None else to_db_time(since),
        "~" if until is None else to_db_time(until),
    )
