"""Referral credits: who brought in which project, refused with a reason when not allowed.

One credit per project (``referrals.project_id`` is UNIQUE), never to the applicant themself
(a CHECK); a credit is reward-eligible while its project is approved. Parameterised SQL,
never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from db._sql import fetch_all, fetch_object, fetch_one, returning, time_range
from db.models import (
    ProjectStatus,
    Referral,
    ReferralCounts,
    ReferralOutcome,
    ReferralRefusal,
    ReferredProject,
)
from db.projects import get_project
from db.rows import counts, from_db_time, from_row, to_db_time


async def credit_referral(
    conn: aiosqlite.Connection, *, project_id: int, referrer_user_id: int, now: datetime
) -> ReferralOutcome:
    """Credit ``referrer_user_id`` with bringing in the project, or say why not.

    Refusals: the project or referrer is unknown, the referrer is the applicant, or the
    project already has a credit. Use inside ``Database.write()``.
    """
    project = await get_project(conn, project_id)
    if project is None:
        return ReferralOutcome(None, ReferralRefusal.UNKNOWN_PROJECT)
    if await fetch_one(conn, "SELECT 1 FROM users WHERE id = ?", (referrer_user_id,)) is None:
        return ReferralOutcome(None, ReferralRefusal.UNKNOWN_REFERRER)
    if referrer_user_id == project.user_id:
        return ReferralOutcome(None, ReferralRefusal.SELF_REFERRAL)
    if await get_referral(conn, project_id) is not None:
        return ReferralOutcome(None, ReferralRefusal.ALREADY_CREDITED)
    try:
        row = await returning(
            conn,
            "INSERT INTO referrals (project_id, referrer_user_id, referred_user_id, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING *",
            (project_id, referrer_user_id, project.user_id, to_db_time(now)),
        )
    except sqlite3.IntegrityError:
        # Only reachable if a second writer bypassed Database.write(); the UNIQUE holds anyway.
        return ReferralOutcome(None, ReferralRefusal.ALREADY_CREDITED)
    return ReferralOutcome(from_row(Referral, row), None)


async def get_referral(conn: aiosqlite.Connection, project_id: int) -> Referral | None:
    """The credit for a project, if any."""
    return await fetch_object(
        conn, Referral, "SELECT * FROM referrals WHERE project_id = ?", (project_id,)
    )


async def list_referred_projects(
    conn: aiosqlite.Connection, referrer_user_id: int
) -> list[ReferredProject]:
    """The projects this user referred, oldest credit first (for /myreferrals)."""
    rows = await fetch_all(
        conn,
        "SELECT p.id, p.ref_no, p.name, p.status, r.created_at FROM referrals r "
        "JOIN projects p ON p.id = r.project_id WHERE r.referrer_user_id = ? "
        "ORDER BY r.created_at, r.id",
        (referrer_user_id,),
    )
    return [
        ReferredProject(
            project_id=r[0],
            ref_no=r[1],
            name=r[2],
            status=ProjectStatus(r[3]),
            credited_at=from_db_time(r[4]),
        )
        for r in rows
    ]


async def count_referrals(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    no_one: frozenset[str] = frozenset(),
) -> ReferralCounts:
    """Referred projects in ``[since, until)``: credited through an invite link (when the
    credit was given) and with a referrer typed by name (when the project was registered;
    a typed ``no_one`` word such as 无 is no referrer), and how many are approved."""
    nobody = sorted(no_one)
    marks = "".join(", ?" for _ in nobody)
    row = await fetch_one(
        conn,
        "SELECT count(*), coalesce(sum(status = 'approved'), 0), coalesce(sum(linked), 0), "
        "coalesce(sum(NOT linked), 0) FROM ("
        "SELECT p.status, 1 AS linked FROM referrals r JOIN projects p ON p.id = r.project_id "
        "WHERE r.created_at >= ? AND r.created_at < ? "
        "UNION ALL SELECT p.status, 0 FROM projects p "
        "WHERE p.created_at >= ? AND p.created_at < ? "
        f"AND lower(trim(coalesce(p.referrer_note, ''))) NOT IN (''{marks}) "
        "AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.project_id = p.id))",
        (*time_range(since, until), *time_range(since, until), *nobody),
    )
    return counts(ReferralCounts, row)
