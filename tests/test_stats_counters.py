"""Property: the counts /stats reads from trigger-kept counters equal a recount of the rows.

A random sequence of what the bot does to questions and projects (ask, rate, withdraw a
rating, erase a resident, delete a question, register, approve or return a project), at
random times around month boundaries, then random periods: ``db.stats.count_questions`` must
equal ``db.questions.count_by_decision`` (a plain count over the rows), ``project_counts``
must equal ``db.projects.project_stats``, and ``projects_by_month`` a recount by the town's
months. The counters are also right in a database migrated with questions already in it.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.stats import ALL_TIME, StatsReport, StatsService, parse_period
from bot.settings import Settings
from db import projects as projects_repo
from db import questions as questions_repo
from db import stats as stats_repo
from db import users as users_repo
from db.database import Database, load_migrations
from db.models import Decision, Feedback, ProjectStatus
from db.rows import from_db_time
from tests import queries
from tests.seed import add_project, add_question

TZ = ZoneInfo("Asia/Shanghai")
# 2026-01-31 20:00 UTC is already February in the town: the edges are where mistakes hide.
BASE = datetime(2026, 1, 31, 20, 0, tzinfo=UTC)
USERS = (101, 102, 103, 104)
# A question's reason: real questions, and each kind of logged message that is not one.
REASONS = ("", "match", "chosen", *questions_repo.NOT_QUESTION_REASONS)
STAFF = 900

# sampled_from, not integers(): hypothesis favours small integers, and the days far from BASE
# are where the other month edges are.
moments = st.builds(
    lambda days, minutes: BASE + timedelta(days=days, minutes=minutes),
    st.sampled_from(range(-40, 71)),
    st.sampled_from(range(0, 24 * 60, 7)),
)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("ask"),
            st.sampled_from(USERS),
            moments,
            st.sampled_from(list(Decision)),
            st.sampled_from(REASONS),
        ),
        st.tuples(
            st.just("rate"),
            st.integers(0, 40),
            st.sampled_from([Feedback.UP, Feedback.DOWN, None]),
        ),
        st.tuples(st.just("erase"), st.sampled_from(USERS)),
        st.tuples(st.just("delete"), st.integers(0, 40)),
        st.tuples(
            st.just("register"),
            st.sampled_from(USERS),
            moments,
            st.sampled_from(("东村", "西村")),
            st.sampled_from(("木材加工", "养殖")),
        ),
        st.tuples(
            st.just("decide"),
            st.integers(0, 20),
            st.sampled_from([ProjectStatus.APPROVED, ProjectStatus.RETURNED]),
        ),
    ),
    max_size=40,
)
# Always checked: all time, a month of the town, and periods with one or two partial months.
FIXED_PERIODS: list[object] = [
    (None, None),
    "2月",
    (BASE - timedelta(days=25), BASE + timedelta(days=45)),
    (BASE - timedelta(days=25), None),
    (None, BASE + timedelta(days=45)),
]
periods = st.one_of(
    st.just((None, None)),
    st.tuples(st.one_of(st.none(), moments), st.one_of(st.none(), moments)),
    st.sampled_from(["本月", "上月", "1月", "2月", "3月", "2026-02-01", "2026-01-31 2026-02-01"]),
)


@dataclass
class _Applied:
    """What the operations so far created: (question id, asker) and project ids."""

    asked: list[tuple[int, int]] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)


async def _ask(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    uid, when, decision, reason = op
    assert isinstance(reason, str)
    assert isinstance(uid, int)
    assert isinstance(when, datetime)
    assert isinstance(decision, Decision)
    q = await add_question(
        conn,
        "贷款怎么申请",
        user_id=uid,
        decision=decision,
        reason=reason,
        topic_id=None if decision is Decision.ABSTAIN else "loans",
        confidence=0.5,
        now=when,
    )
    done.asked.append((q.id, uid))


async def _rate(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    index, feedback = op
    assert isinstance(index, int)
    assert feedback is None or isinstance(feedback, Feedback)
    if done.asked:
        qid, uid = done.asked[index % len(done.asked)]
        await questions_repo.set_feedback(conn, qid, user_id=uid, feedback=feedback, now=BASE)


async def _erase(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    (uid,) = op
    assert isinstance(uid, int)
    await users_repo.erase_user(conn, uid)


async def _delete(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    (index,) = op
    assert isinstance(index, int)
    if done.asked:
        qid, _ = done.asked[index % len(done.asked)]
        await conn.execute("DELETE FROM questions WHERE id = ?", (qid,))


async def _register(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    uid, when, village, industry = op
    assert isinstance(uid, int)
    assert isinstance(when, datetime)
    project = await add_project(
        conn,
        uid,
        name="项目",
        industry=str(industry),
        village=str(village),
        applicant_type="其他群众",
        investment_wan=1.5,
        jobs=2,
        now=when.astimezone(TZ),
    )
    done.projects.append(project.id)


async def _decide(conn: aiosqlite.Connection, done: _Applied, *op: object) -> None:
    index, status = op
    assert isinstance(index, int)
    assert isinstance(status, ProjectStatus)
    if not done.projects:
        return
    pid = done.projects[index % len(done.projects)]
    current = await projects_repo.get_project(conn, pid)
    if current is not None and current.status is ProjectStatus.SUBMITTED:
        note = "请补充材料" if status is ProjectStatus.RETURNED else None
        await projects_repo.set_project_status(
            conn, pid, status, actor_id=STAFF, note=note, now=BASE
        )


_OPERATIONS: dict[object, Callable[..., Awaitable[None]]] = {
    "ask": _ask,
    "rate": _rate,
    "erase": _erase,
    "delete": _delete,
    "register": _register,
    "decide": _decide,
}


async def _apply(db: Database, ops: list[tuple[object, ...]]) -> None:
    done = _Applied()
    for op in ops:
        async with db.write() as conn:
            for uid in USERS:
                if await users_repo.get_user(conn, uid) is None:
                    await users_repo.upsert_user(
                        conn, uid, first_name="u", username=None, language_code="zh", now=BASE
                    )
            await _OPERATIONS[op[0]](conn, done, *op[1:])


def _period(raw: object) -> tuple[datetime | None, datetime | None]:
    if isinstance(raw, str):
        period = parse_period([raw], now=BASE + timedelta(days=20), tz=TZ)
        return period.since, period.until
    assert isinstance(raw, tuple)
    since, until = raw
    return since, until


async def _check(db: Database, since: datetime | None, until: datetime | None) -> None:
    async with db.read() as conn:
        counted = await stats_repo.count_questions(conn, since=since, until=until)
        recounted = await questions_repo.count_by_decision(conn, since=since, until=until)
        assert counted == recounted, (since, until)
        assert await stats_repo.project_counts(
            conn, since=since, until=until
        ) == await queries.project_stats(conn, since=since, until=until)
        by_month = await stats_repo.projects_by_month(conn, TZ, since=since, until=until)
        rows = await conn.execute_fetchall("SELECT created_at FROM projects")
    expected = Counter(
        from_db_time(str(r[0])).astimezone(TZ).strftime("%Y-%m")
        for r in rows
        if (since is None or from_db_time(str(r[0])) >= since)
        and (until is None or from_db_time(str(r[0])) < until)
    )
    assert by_month == dict(expected)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, checks=st.lists(periods, min_size=1, max_size=4))
async def test_counters_equal_a_recount_after_any_changes(
    ops: list[tuple[object, ...]], checks: list[object]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "stats.sqlite3", clock=lambda: BASE)
        try:
            await _apply(db, ops)
            for raw in [*FIXED_PERIODS, *checks]:
                await _check(db, *_period(raw))
        finally:
            await db.close()


async def test_counters_start_right_in_a_database_that_already_has_questions(
    tmp_path: Path,
) -> None:
    before = [m for m in load_migrations() if m.name != "stats_counters"]
    before = before[
        : next(i for i, m in enumerate(load_migrations()) if m.name == "stats_counters")
    ]
    path = tmp_path / "old.sqlite3"
    db = await Database.open(path, clock=lambda: BASE, migrations=before)
    ops: list[tuple[object, ...]] = [
        ("ask", 101, BASE + timedelta(days=d), decision, reason)
        for d in range(-40, 40, 7)
        for decision in Decision
        for reason in ("", "greeting", "staff")
    ]
    ops.append(("rate", 3, Feedback.UP))
    await _apply(db, ops)
    await db.close()
    db = await Database.open(path, clock=lambda: BASE)  # applies the counters' migration
    try:
        await _check(db, None, None)
        await _check(db, *_period("2月"))
        async with db.read() as conn:
            total = (await stats_repo.count_questions(conn)).total
        assert total == sum(1 for op in ops if op[0] == "ask" and op[4] == "")
    finally:
        await db.close()


def test_the_counters_leave_out_what_db_questions_says_is_not_a_question() -> None:
    """The triggers spell NOT_QUESTION_REASONS in SQL: the two lists must not drift apart."""
    [migration] = [m for m in load_migrations() if m.name == "questions_counted"]
    lists = re.findall(r"reason NOT IN \(([^)]*)\)", migration.sql)
    assert len(lists) == 5  # the recount, insert, delete, and update (old row, new row)
    for spelled in lists:
        assert tuple(re.findall(r"'([^']+)'", spelled)) == questions_repo.NOT_QUESTION_REASONS


async def test_the_report_kept_for_a_period_follows_every_change(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "kept.sqlite3", clock=lambda: BASE)
    service = StatsService(db, lambda: BASE, Settings(db_path=tmp_path / "kept.sqlite3"))
    try:

        async def matches_a_recount() -> StatsReport:
            report = await service.report(ALL_TIME)
            async with db.read() as conn:
                assert report.projects == await queries.project_stats(conn)
                assert report.questions == await questions_repo.count_by_decision(conn)
                assert report.signups == await stats_repo.count_signups(conn)
            return report

        await _apply(db, [("register", 101, BASE, "东村", "养殖")])
        assert (await matches_a_recount()).projects.total == 1
        await _apply(db, [("ask", 102, BASE, Decision.ANSWER, "match")])
        assert (await matches_a_recount()).questions.answer == 1
        async with db.write() as conn:
            await projects_repo.set_project_status(
                conn, 1, ProjectStatus.APPROVED, actor_id=STAFF, now=BASE
            )
        report = await matches_a_recount()
        assert dict(report.projects.by_status) == {"approved": 1}
        await _apply(db, [("register", 103, BASE, "西村", "养殖"), ("erase", 101)])
        assert (await matches_a_recount()).projects.total == 2
    finally:
        await db.close()
