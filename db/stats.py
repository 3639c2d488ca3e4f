"""Queries behind the staff tools that no feature's own repository answers: statistics and exports.

Training sign-up counts, project creation times (for the by-month chart), and the rows the
export lists (projects with their referrer, sessions with their sign-ups, complaints without
an anonymous complainant's identity). Parameterised SQL, never a commit. Imports no
``telegram``.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from db._sql import fetch_all, fetch_one, time_range
from db.models import (
    ComplaintExportRow,
    ComplaintStatus,
    Project,
    ProjectExportRow,
    SignupCounts,
    TrainingStatus,
    TrainingSummary,
    from_db_time,
    from_row,
)


async def count_signups(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SignupCounts:
    """Sign-ups first made in ``[since, until)`` by their current status."""
    row = await fetch_one(
        conn,
        "SELECT coalesce(sum(status = 'signed'), 0), coalesce(sum(status = 'waitlisted'), 0), "
        "coalesce(sum(status = 'cancelled'), 0), count(DISTINCT training_id), "
        "count(DISTINCT user_id) FROM training_signups WHERE created_at >= ? AND created_at < ?",
        time_range(since, until),
    )
    if row is None:  # pragma: no cover - an aggregate always yields a row
        return SignupCounts(0, 0, 0, 0, 0)
    return SignupCounts(*(int(v) for v in row))


async def project_created_times(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[datetime]:
    """When each project in ``[since, until)`` was registered, oldest first (for by-month)."""
    rows = await fetch_all(
        conn,
        "SELECT created_at FROM projects WHERE created_at >= ? AND created_at < ? "
        "ORDER BY created_at",
        time_range(since, until),
    )
    return [from_db_time(r[0]) for r in rows]


async def projects_for_export(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ProjectExportRow]:
    """Projects registered in ``[since, until)``, oldest first, each with its applicant (as
    stored in ``users``: nothing once erased), referrer and latest decision (note, staff, time).
    """
    rows = await fetch_all(
        conn,
        "SELECT p.*, CASE WHEN u.id IS NOT NULL THEN "
        "u.first_name || coalesce(' @' || u.username, '') END AS referrer_name, "
        "a.id AS applicant_id, CASE WHEN a.id IS NOT NULL THEN "
        "trim(coalesce(a.first_name, '') || coalesce(' @' || a.username, '')) "
        "END AS applicant_name, "
        "h.note AS decision_note, h.created_at AS decided_at, "
        "coalesce(s.first_name, CAST(h.actor_id AS TEXT)) AS decided_by "
        "FROM projects p LEFT JOIN referrals r ON r.project_id = p.id "
        "LEFT JOIN users u ON u.id = r.referrer_user_id "
        "LEFT JOIN users a ON a.id = p.user_id "
        "LEFT JOIN project_status_history h ON h.id = (SELECT max(id) "
        "FROM project_status_history WHERE project_id = p.id AND status != 'submitted') "
        "LEFT JOIN users s ON s.id = h.actor_id "
        "WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at, p.id",
        time_range(since, until),
    )
    return [
        ProjectExportRow(
            from_row(Project, r),
            r["referrer_name"] or r["referrer_note"],
            applicant=r["applicant_name"] or None,
            applicant_id=r["applicant_id"],
            decision_note=r["decision_note"],
            decided_by=r["decided_by"],
            decided_at=None if r["decided_at"] is None else from_db_time(r["decided_at"]),
        )
        for r in rows
    ]


async def trainings_for_export(conn: aiosqlite.Connection) -> list[TrainingSummary]:
    """Every training session with its tags and sign-up counts, by start time."""
    rows = await fetch_all(
        conn,
        "SELECT t.*, "
        "(SELECT group_concat(tag, ',') FROM training_tags g WHERE g.training_id = t.id) "
        "AS tag_list, "
        "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
        "AND s.status = 'signed') AS n_signed, "
        "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
        "AND s.status = 'waitlisted') AS n_waitlisted, "
        "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
        "AND s.status = 'cancelled') AS n_cancelled "
        "FROM trainings t ORDER BY t.starts_at, t.id",
    )
    return [
        TrainingSummary(
            id=int(r["id"]),
            title=str(r["title"]),
            tags=str(r["tag_list"] or ""),
            target_group=str(r["target_group"]),
            starts_at=from_db_time(r["starts_at"]),
            ends_at=from_db_time(r["ends_at"]),
            place=str(r["place"]),
            capacity=int(r["capacity"]),
            status=TrainingStatus(r["status"]),
            signed=int(r["n_signed"]),
            waitlisted=int(r["n_waitlisted"]),
            cancelled=int(r["n_cancelled"]),
            created_at=from_db_time(r["created_at"]),
        )
        for r in rows
    ]


async def complaints_for_export(conn: aiosqlite.Connection) -> list[ComplaintExportRow]:
    """Every complaint, oldest first; an anonymous one carries no identity at all.

    The complainant's name is selected only for complaints that are not anonymous, so an
    anonymous complainant's id or name cannot reach the file even if a row were inconsistent.
    """
    rows = await fetch_all(
        conn,
        "SELECT c.ref_no, c.anonymous, c.what, c.department, c.happened_at_text, "
        "c.photo_file_id IS NOT NULL AS has_photo, c.status, c.resolution_note, "
        "c.created_at, c.updated_at, "
        "CASE WHEN c.anonymous = 0 THEN (SELECT u.first_name || coalesce(' @' || u.username, '') "
        "FROM users u WHERE u.id = c.user_id) END AS complainant "
        "FROM complaints c ORDER BY c.created_at, c.id",
    )
    return [
        ComplaintExportRow(
            ref_no=str(r["ref_no"]),
            anonymous=bool(r["anonymous"]),
            complainant=None if r["anonymous"] else r["complainant"],
            what=r["what"],
            department=r["department"],
            happened_at_text=r["happened_at_text"],
            has_photo=bool(r["has_photo"]),
            status=ComplaintStatus(r["status"]),
            resolution_note=r["resolution_note"],
            created_at=from_db_time(r["created_at"]),
            updated_at=from_db_time(r["updated_at"]),
        )
        for r in rows
    ]
