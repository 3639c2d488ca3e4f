"""Project repository functions: reference numbers, status history, refusals, stats, duplicates
and hostile text stored exactly."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db import audit, projects, questions, users
from db.database import Database
from db.models import ProjectStatus, TransitionError
from tests import queries
from tests.seed import MARCH_1 as T0
from tests.seed import add_project, add_question, add_user

HOSTILE = [
    "Robert'); DROP TABLE projects;--",
    "<script>alert('x')</script> &amp; <b>粗体</b>",
    "长" * 4000,
    "\u202eالعربية\u202c mixed \u200b\u200c\u200d\ufeff zero-width",
    "🧅👨‍👩‍👧‍👦🇨🇳 emoji",
    "  leading and trailing spaces  \n\ttabs\r\n",
    "NUL-free but quotes \" ' ` and backslash \\ and % _ wildcards",
]


async def test_create_get_and_list_projects(db: Database) -> None:
    await add_user(db, 1)
    await add_user(db, 2)
    async with db.write() as conn:
        a = await add_project(conn, 1, now=T0)
        b = await add_project(conn, 1, name="木耳", now=T0 + timedelta(hours=1))
        await add_project(conn, 2, now=T0)
    assert (a.ref_no, b.ref_no) == ("XM-2026-0001", "XM-2026-0002")
    assert a.status is ProjectStatus.SUBMITTED
    async with db.read() as conn:
        assert await projects.get_project(conn, a.id) == a
        assert await queries.get_project_by_ref(conn, "XM-2026-0002") == b
        assert await queries.get_project_by_ref(conn, "XM-2026-9999") is None
        assert [p.name for p in await projects.list_projects(conn, user_id=1)] == [
            "香菇种植基地",
            "木耳",
        ]
        history = await projects.list_status_history(conn, a.id)
    assert [(h.status, h.actor_id) for h in history] == [("submitted", 1)]


async def test_reference_year_is_the_local_year_of_now(db: Database) -> None:
    await add_user(db, 1)
    # 2026-12-31 17:00 UTC is already 2027 in the town.
    local = datetime(2026, 12, 31, 17, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    async with db.write() as conn:
        project = await add_project(conn, 1, now=local)
    assert project.ref_no == "XM-2027-0001"
    assert project.created_at == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


async def test_status_changes_write_history_and_audit(db: Database) -> None:
    await add_user(db, 1)
    async with db.write() as conn:
        project = await add_project(conn, 1, now=T0)
        returned = await projects.set_project_status(
            conn,
            project.id,
            ProjectStatus.RETURNED,
            actor_id=900,
            note="请补充投资明细",
            expected=ProjectStatus.SUBMITTED,
            now=T0 + timedelta(hours=1),
        )
        resubmitted = await projects.set_project_status(
            conn, project.id, ProjectStatus.SUBMITTED, actor_id=1, now=T0 + timedelta(hours=2)
        )
        approved = await projects.set_project_status(
            conn, project.id, ProjectStatus.APPROVED, actor_id=900, now=T0 + timedelta(hours=3)
        )
        missing = await projects.set_project_status(
            conn, 999, ProjectStatus.APPROVED, actor_id=900, now=T0
        )
    assert returned is not None
    assert returned.status is ProjectStatus.RETURNED
    assert resubmitted is not None
    assert approved is not None
    assert approved.status is ProjectStatus.APPROVED
    assert approved.updated_at == T0 + timedelta(hours=3)
    assert missing is None
    async with db.read() as conn:
        history = await projects.list_status_history(conn, project.id)
        entries = await audit.list_audit(conn, target_type="project", target_id=project.ref_no)
    assert [(h.status, h.note, h.actor_id) for h in history] == [
        ("submitted", None, 1),
        ("returned", "请补充投资明细", 900),
        ("submitted", None, 1),
        ("approved", None, 900),
    ]
    assert [e.action for e in entries] == [
        "project.approved",
        "project.submitted",
        "project.returned",
    ]
    assert entries[-1].detail == "submitted -> returned: 请补充投资明细"


async def test_replayed_or_invalid_status_change_changes_nothing(db: Database) -> None:
    await add_user(db, 1)
    async with db.write() as conn:
        project = await add_project(conn, 1, now=T0)
        await projects.set_project_status(
            conn, project.id, ProjectStatus.APPROVED, actor_id=900, now=T0
        )

    async def press(status: ProjectStatus, expected: ProjectStatus | None) -> None:
        async with db.write() as conn:
            await projects.set_project_status(
                conn, project.id, status, actor_id=900, note="原因", expected=expected, now=T0
            )

    with pytest.raises(TransitionError, match="is approved"):
        await press(ProjectStatus.APPROVED, ProjectStatus.SUBMITTED)  # the old button again
    with pytest.raises(TransitionError):
        await press(ProjectStatus.RETURNED, None)  # approved is settled
    with pytest.raises(ValueError, match="needs a reason"):
        async with db.write() as conn:
            await projects.set_project_status(
                conn, project.id, ProjectStatus.RETURNED, actor_id=900, note="  ", now=T0
            )
    async with db.read() as conn:
        assert len(await projects.list_status_history(conn, project.id)) == 2
        assert len(await audit.list_audit(conn)) == 1


async def test_database_refuses_a_return_without_reason_and_bad_numbers(db: Database) -> None:
    await add_user(db, 1)
    async with db.write() as conn:
        project = await add_project(conn, 1, now=T0)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await conn.execute(
                "INSERT INTO project_status_history (project_id, status, created_at) "
                "VALUES (?, 'returned', 'x')",
                (project.id,),
            )
        for bad in ({"investment_wan": 0.0}, {"jobs": -1}, {"name": ""}):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                await add_project(conn, 1, **bad, now=T0)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await add_project(conn, 404, now=T0)


async def test_project_stats_in_a_date_range(db: Database) -> None:
    for uid in (1, 2, 3):
        await add_user(db, uid)
    async with db.write() as conn:
        p1 = await add_project(conn, 1, applicant_type="党员", now=T0)
        for uid, days, changes in (
            (2, 1, {"village": "示例二村", "investment_wan": 1.5, "jobs": 2}),
            (3, 40, {"industry": "畜禽养殖", "investment_wan": 100.0, "jobs": 20}),
        ):
            await add_project(conn, uid, now=T0 + timedelta(days=days), **changes)
        await projects.set_project_status(
            conn, p1.id, ProjectStatus.APPROVED, actor_id=900, now=T0
        )
    async with db.read() as conn:
        march = await queries.project_stats(conn, since=T0, until=T0 + timedelta(days=30))
        approved = await queries.project_stats(conn, statuses=[ProjectStatus.APPROVED])
        everything = await queries.project_stats(conn)
        empty = await queries.project_stats(conn, since=T0 + timedelta(days=400))
        listed = await projects.list_projects(conn, status=ProjectStatus.SUBMITTED)
    assert march.total == 2
    assert march.by_status == (("approved", 1), ("submitted", 1))
    assert march.by_village == (("示例一村", 1), ("示例二村", 1))
    assert march.by_applicant_type == (("党员", 1), ("返乡创业人员", 1))  # ties by value
    assert (march.investment_wan, march.jobs) == (51.5, 10)
    assert (approved.total, approved.investment_wan, approved.jobs) == (1, 50.0, 8)
    assert approved.by_status == everything.by_status == (("submitted", 2), ("approved", 1))
    assert everything.by_industry == (("食用菌", 2), ("畜禽养殖", 1))
    assert (empty.total, empty.by_village, empty.investment_wan) == (0, (), 0.0)
    assert [p.jobs for p in listed] == [2, 20]


async def test_recent_duplicate_name(db: Database) -> None:
    await add_user(db, 1)
    async with db.write() as conn:
        project = await add_project(conn, 1, now=T0)
    async with db.read() as conn:
        since = T0 + timedelta(hours=2) - timedelta(days=1)
        assert await projects.find_duplicate(conn, 1, "香菇种植基地", since=since) == project
        assert await projects.find_duplicate(conn, 1, "木耳", since=since) is None
        assert (
            await projects.find_duplicate(conn, 1, "香菇种植基地", since=T0 + timedelta(hours=1))
            is None
        )
    async with db.write() as conn:  # returned: a duplicate however old (to be corrected)
        await projects.set_project_status(
            conn, project.id, ProjectStatus.RETURNED, actor_id=900, note="补材料", now=T0
        )
        later = T0 + timedelta(days=30)
        returned = await projects.find_duplicate(conn, 1, "香菇种植基地", since=later)
        assert returned is not None
        assert (returned.id, returned.status) == (project.id, ProjectStatus.RETURNED)
        assert await projects.find_duplicate(conn, 1, "木耳", since=later) is None


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_round_trips_exactly(db: Database, text: str) -> None:
    await add_user(db, 1, name=text)
    async with db.write() as conn:
        project = await add_project(conn, 1, name=text, referrer_note=text, now=T0)
        question = await add_question(conn, text, user_id=1, reason=text, now=T0)
    async with db.read() as conn:
        user = await users.get_user(conn, 1)
        stored = await projects.get_project(conn, project.id)
        asked = await questions.get_question(conn, question.id)
        by_name = await projects.find_duplicate(conn, 1, text, since=T0)
    assert user is not None
    assert user.first_name == text
    assert stored is not None
    assert (stored.name, stored.referrer_note) == (text, text)
    assert asked is not None
    assert (asked.text, asked.reason) == (text, text)
    assert by_name == stored
    async with db.read() as conn:
        assert await projects.get_project(conn, 1) is not None  # the tables are all still there
