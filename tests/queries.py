"""Queries only tests need: what the bot itself never asks the store (moved out of db/)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from db._sql import execute, fetch_all, fetch_one, time_range
from db.models import Project, ProjectStats, ProjectStatus, StatusChange
from db.rows import from_row
from db.training_delivery import _TABLES  # which table holds each kind of delivery


async def active_user_ids(conn: aiosqlite.Connection) -> list[int]:
    """Ids of everyone who has not blocked the bot, ascending (broadcast audience)."""
    rows = await fetch_all(conn, "SELECT id FROM users WHERE is_active = 1 ORDER BY id")
    return [int(row[0]) for row in rows]


async def mark_active(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Record that the user can be messaged again; return whether they were inactive."""
    sql = "UPDATE users SET is_active = 1, blocked_at = NULL WHERE id = ? AND is_active = 0"
    return await execute(conn, sql, (user_id,)) == 1


async def get_project_by_ref(conn: aiosqlite.Connection, ref_no: str) -> Project | None:
    """The project with this reference number (``XM-2026-0001``)."""
    rows = await fetch_all(conn, "SELECT * FROM projects WHERE ref_no = ?", (ref_no,))
    return next((from_row(Project, row) for row in rows), None)


async def list_complaint_history(
    conn: aiosqlite.Connection, complaint_id: int
) -> list[StatusChange]:
    """Every status the complaint has had, oldest first."""
    sql = "SELECT * FROM complaint_status_history WHERE complaint_id = ? ORDER BY id"
    return [from_row(StatusChange, r) for r in await fetch_all(conn, sql, (complaint_id,))]


async def status_counts(conn: aiosqlite.Connection, kind: str) -> dict[str, int]:
    """How many rows are in each status (benchmarks, health)."""
    rows = await fetch_all(conn, f"SELECT status, count(*) FROM {_TABLES[kind]} GROUP BY status")
    return {str(r[0]): int(r[1]) for r in rows}


def rows_in(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the database file at ``path`` as another process would see them right now."""
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


async def project_stats(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    statuses: Collection[ProjectStatus] | None = None,
) -> ProjectStats:
    """Counts by status, village, industry and applicant type, and investment and job sums,
    recounted the plain way (one query per grouping): what ``db.stats.project_counts`` must
    equal. Over projects created in ``[since, until)``, optionally only those in ``statuses``
    (``by_status`` always counts every status in the range)."""
    lo, hi = time_range(since, until)
    where = "created_at >= ? AND created_at < ?"
    params: list[object] = [lo, hi]
    by_status = await _group_count(conn, "status", where, params)
    if statuses is not None:
        values = sorted(ProjectStatus(s).value for s in statuses)
        where += f" AND status IN ({', '.join('?' * len(values))})"
        params = [*params, *values]
    totals = await fetch_one(
        conn,
        f"SELECT count(*), coalesce(sum(investment_wan), 0.0), coalesce(sum(jobs), 0) "
        f"FROM projects WHERE {where}",
        params,
    )
    total, investment, jobs = (0, 0.0, 0) if totals is None else tuple(totals)
    return ProjectStats(
        total=int(total),
        by_status=by_status,
        by_village=await _group_count(conn, "village", where, params),
        by_industry=await _group_count(conn, "industry", where, params),
        by_applicant_type=await _group_count(conn, "applicant_type", where, params),
        investment_wan=float(investment),
        jobs=int(jobs),
    )


async def _group_count(
    conn: aiosqlite.Connection, column: str, where: str, params: list[object]
) -> tuple[tuple[str, int], ...]:
    # ``column`` is one of our own literals, never user input.
    rows = await fetch_all(
        conn,
        f"SELECT {column}, count(*) AS n FROM projects WHERE {where} "
        f"GROUP BY {column} ORDER BY n DESC, {column}",
        params,
    )
    return tuple((str(r[0]), int(r[1])) for r in rows)
