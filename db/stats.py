"""Queries behind /stats that no feature's own repository answers (the exports' rows are in
``db.exports``).

Question counts from the trigger-kept ``stats_counters`` (whole UTC months) plus a recount of
the partial months at a period's edges; project counts in one pass over the projects;
projects per month of the town (for the by-month chart); training sign-up counts; and the
table versions (``stats_versions``) that tell when counted numbers may be kept.
Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, tzinfo

import aiosqlite

from db import questions as questions_repo
from db._sql import fetch_all, fetch_one, time_range
from db.models import DecisionCounts, ProjectStats, SignupCounts
from db.rows import counts, from_db_time, to_db_time


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


async def versions(conn: aiosqlite.Connection) -> tuple[tuple[str, int], ...]:
    """The change counters of the tables /stats counts directly (kept by triggers)."""
    rows = await fetch_all(conn, "SELECT name, version FROM stats_versions ORDER BY name")
    return tuple((str(r[0]), int(r[1])) for r in rows)


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
    """Projects created in ``[since, until)`` by status, village, industry and applicant type,
    with their investment and job sums, in one pass over the rows."""
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
    return counts(SignupCounts, row)
