"""Queries behind the staff tools that no feature's own repository answers: statistics and exports.

Question counts from the trigger-kept ``stats_counters`` (whole UTC months) plus a recount of
the partial months at a period's edges; project counts in one pass over the projects;
training sign-up counts; project creation months (for the by-month chart); and the rows the
export lists (projects with their referrer, sessions with their sign-ups, complaints without
an anonymous complainant's identity). Parameterised SQL, never a commit. Imports no
``telegram``.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, tzinfo

import aiosqlite

from db import questions as questions_repo
from db._sql import fetch_all, fetch_one, time_range
from db.models import (
    ComplaintExportRow,
    ComplaintStatus,
    DecisionCounts,
    Project,
    ProjectExportRow,
    ProjectStats,
    SignupCounts,
    TrainingStatus,
    TrainingSummary,
    from_db_time,
    from_row,
    to_db_time,
)


def _month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UTC)


def whole_months(
    since: datetime | None, until: datetime | None
) -> tuple[str, str, list[tuple[datetime | None, datetime | None]]]:
    """The UTC months wholly inside ``[since, until)`` as a half-open ``[first, after)`` pair
    of ``'YYYY-MM'`` texts ('' and '~' for open ends), and the edge ranges outside them.

    When no whole month fits, the pair is empty (first >= after) and the one edge is the
    whole period.
    """
    first, after = "", "~"
    lo_start: datetime | None = None
    hi_start: datetime | None = None
    if since is not None:
        s = since.astimezone(UTC)
        lo_start = _month_start(s.year, s.month)
        if lo_start < s:
            lo_start = _month_start(s.year, s.month + 1)
        first = lo_start.strftime("%Y-%m")
    if until is not None:
        u = until.astimezone(UTC)
        hi_start = _month_start(u.year, u.month)
        after = hi_start.strftime("%Y-%m")
    if first >= after:
        return first, first, [(since, until)]
    edges: list[tuple[datetime | None, datetime | None]] = []
    if since is not None and lo_start is not None and since < lo_start:
        edges.append((since, lo_start))
    if until is not None and hi_start is not None and hi_start < until:
        edges.append((hi_start, until))
    return first, after, edges


async def _counters(
    conn: aiosqlite.Connection, metric: str, first: str, after: str
) -> Counter[str]:
    rows = await fetch_all(
        conn,
        "SELECT key, sum(n) FROM stats_counters WHERE metric = ? AND month >= ? AND month < ? "
        "GROUP BY key",
        (metric, first, after),
    )
    return Counter({str(r[0]): int(r[1]) for r in rows})


async def count_questions(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> DecisionCounts:
    """What ``db.questions.count_by_decision`` counts, from the counters where it can.

    Whole months come from ``stats_counters`` (a few rows a month, kept by triggers); the
    partial months at the edges are counted from the questions themselves (indexed by time).
    """
    first, after, edges = whole_months(since, until)
    decisions: Counter[str] = Counter()
    feedback: Counter[str] = Counter()
    if first < after:
        decisions = await _counters(conn, "questions.decision", first, after)
        feedback = await _counters(conn, "questions.feedback", first, after)
    for lo, hi in edges:
        edge = await questions_repo.count_by_decision(conn, since=lo, until=hi)
        decisions.update(answer=edge.answer, ambiguous=edge.ambiguous, abstain=edge.abstain)
        feedback.update(up=edge.up, down=edge.down)
    return DecisionCounts(
        answer=decisions["answer"],
        ambiguous=decisions["ambiguous"],
        abstain=decisions["abstain"],
        up=feedback["up"],
        down=feedback["down"],
    )


async def project_counts(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> ProjectStats:
    """What ``db.projects.project_stats`` counts (every status), in one pass over the rows."""
    rows = await fetch_all(
        conn,
        "SELECT status, village, industry, applicant_type, count(*), "
        "coalesce(sum(investment_wan), 0.0), coalesce(sum(jobs), 0) FROM projects "
        "WHERE created_at >= ? AND created_at < ? "
        "GROUP BY status, village, industry, applicant_type",
        time_range(since, until),
    )
    by: tuple[Counter[str], ...] = (Counter(), Counter(), Counter(), Counter())
    total, investment, jobs = 0, 0.0, 0
    for r in rows:
        n = int(r[4])
        for counter, value in zip(by, r[:4], strict=True):
            counter[str(value)] += n
        total += n
        investment += float(r[5])
        jobs += int(r[6])

    def ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    return ProjectStats(
        total=total,
        by_status=ranked(by[0]),
        by_village=ranked(by[1]),
        by_industry=ranked(by[2]),
        by_applicant_type=ranked(by[3]),
        investment_wan=investment,
        jobs=jobs,
    )


async def projects_by_month(
    conn: aiosqlite.Connection,
    tz: tzinfo,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, int]:
    """Projects registered in ``[since, until)`` per month of the town (``'2026-11'``).

    One indexed range count per local month between the first and the last project, in one
    statement: no row is read into Python, whatever the time zone's offset or DST.
    """
    lo, hi = time_range(since, until)
    bounds = await fetch_one(
        conn,
        "SELECT min(created_at), max(created_at) FROM projects "
        "WHERE created_at >= ? AND created_at < ?",
        (lo, hi),
    )
    if bounds is None or bounds[0] is None:
        return {}
    first = from_db_time(bounds[0]).astimezone(tz)
    last = from_db_time(bounds[1]).astimezone(tz)
    months: list[tuple[str, str, str]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = datetime(year, month, 1, tzinfo=tz)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = datetime(year, month, 1, tzinfo=tz)
        months.append((start.strftime("%Y-%m"), to_db_time(start), to_db_time(end)))
    values = ", ".join("(?, ?, ?)" for _ in months)
    rows = await fetch_all(
        conn,
        f"WITH m(label, lo, hi) AS (VALUES {values}) SELECT label, (SELECT count(*) "
        "FROM projects WHERE created_at >= max(m.lo, ?) AND created_at < min(m.hi, ?)) FROM m",
        [*(v for m in months for v in m), lo, hi],
    )
    return {str(r[0]): int(r[1]) for r in rows if int(r[1])}


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
