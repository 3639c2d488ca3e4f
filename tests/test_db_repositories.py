"""Repository functions: the rows a user's actions leave behind, and what refuses to happen."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db import audit, projects, questions, referrals, users
from db.database import Database
from db.models import Decision, Feedback, ProjectStatus, ReferralRefusal
from tests import queries
from tests.seed import add_project, add_question

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HOSTILE = [
    "Robert'); DROP TABLE projects;--",
    "<script>alert('x')</script> &amp; <b>粗体</b>",
    "长" * 4000,
    "\u202eالعربية\u202c mixed \u200b\u200c\u200d\ufeff zero-width",
    "🧅👨‍👩‍👧‍👦🇨🇳 emoji",
    "  leading and trailing spaces  \n\ttabs\r\n",
    "NUL-free but quotes \" ' ` and backslash \\ and % _ wildcards",
]


async def add_user(db: Database, uid: int, name: str = "居民") -> None:
    async with db.write() as conn:
        await users.upsert_user(
            conn, uid, first_name=name, username=None, language_code="zh-hans", now=T0
        )


# ---------------------------------------------------------------------------- users
async def test_upsert_keeps_created_at_and_refreshes_the_rest(db: Database) -> None:
    async with db.write() as conn:
        first = await users.upsert_user(
            conn, 42, first_name="小王", username="wang", language_code="zh-hans", now=T0
        )
        later = await users.upsert_user(
            conn,
            42,
            first_name="王老板",
            username=None,
            language_code="en",
            now=T0 + timedelta(hours=2),
        )
    assert first.created_at == later.created_at == T0
    assert later.last_seen_at == T0 + timedelta(hours=2)
    assert (later.first_name, later.username, later.language_code) == ("王老板", None, "en")
    async with db.read() as conn:
        assert await users.get_user(conn, 42) == later
        assert await users.get_user(conn, 43) is None


async def test_blocked_user_is_inactive_until_they_write_again(db: Database) -> None:
    await add_user(db, 1)
    await add_user(db, 2)
    async with db.write() as conn:
        assert await users.mark_inactive(conn, 1, now=T0)
        assert not await users.mark_inactive(conn, 1, now=T0)  # already inactive
    async with db.read() as conn:
        blocked = await users.get_user(conn, 1)
        assert blocked is not None
        assert not blocked.is_active
        assert blocked.blocked_at == T0
        assert await queries.active_user_ids(conn) == [2]
    await add_user(db, 1)  # they /start again
    async with db.read() as conn:
        assert await queries.active_user_ids(conn) == [1, 2]
    async with db.write() as conn:
        await users.mark_inactive(conn, 2, now=T0)
        assert await queries.mark_active(conn, 2)
        assert not await queries.mark_active(conn, 2)


async def test_lang_override(db: Database) -> None:
    await add_user(db, 1)
    async with db.write() as conn:
        assert await users.set_lang_override(conn, 1, "en")
        assert not await users.set_lang_override(conn, 99, "en")
        with pytest.raises(sqlite3.IntegrityError):
            await users.set_lang_override(conn, 1, "fr")
    async with db.read() as conn:
        user = await users.get_user(conn, 1)
    assert user is not None
    assert user.lang_override == "en"


async def test_referral_code_is_created_once_and_finds_its_owner(db: Database) -> None:
    await add_user(db, 1)
    await add_user(db, 2)
    async with db.write() as conn:
        code = await users.get_or_create_referral_code(conn, 1)
        again = await users.get_or_create_referral_code(conn, 1)
        other = await users.get_or_create_referral_code(conn, 2)
        with pytest.raises(LookupError):
            await users.get_or_create_referral_code(conn, 3)
    assert code == again
    assert code != other
    assert len(code) == users.REFERRAL_CODE_LENGTH
    assert code.isascii()
    assert code.isalnum()
    async with db.read() as conn:
        owner = await users.find_user_by_referral_code(conn, code)
        assert owner is not None
        assert owner.id == 1
        assert await users.find_user_by_referral_code(conn, code.swapcase()) is None


# ---------------------------------------------------------------------------- questions
async def test_question_log_feedback_and_counts(db: Database) -> None:
    await add_user(db, 1)
    await add_user(db, 2)
    async with db.write() as conn:
        logged = []
        for i, decision in enumerate(
            [Decision.ANSWER, Decision.ANSWER, Decision.AMBIGUOUS, Decision.ABSTAIN]
        ):
            logged.append(
                await add_question(
                    conn,
                    f"问题{i}",
                    user_id=1,
                    decision=decision,
                    reason="score",
                    topic_id="tax-rebate" if decision is Decision.ANSWER else None,
                    confidence=0.5,
                    now=T0 + timedelta(days=i),
                )
            )
        assert await questions.set_feedback(
            conn, logged[0].id, user_id=1, feedback=Feedback.UP, now=T0
        )
        assert await questions.set_feedback(
            conn, logged[1].id, user_id=1, feedback=Feedback.DOWN, now=T0
        )
        # Someone else pressing the asker's button changes nothing.
        assert not await questions.set_feedback(
            conn, logged[1].id, user_id=2, feedback=Feedback.UP, now=T0
        )
    async with db.read() as conn:
        counts = await questions.count_by_decision(conn)
        assert (counts.answer, counts.ambiguous, counts.abstain, counts.total) == (2, 1, 1, 4)
        assert (counts.up, counts.down) == (1, 1)
        recent = await questions.count_by_decision(conn, since=T0 + timedelta(days=2))
        assert (recent.answer, recent.ambiguous, recent.abstain) == (0, 1, 1)
        window = await questions.count_by_decision(conn, since=T0, until=T0 + timedelta(days=1))
        assert window.total == 1
        stored = await questions.get_question(conn, logged[1].id)
        assert stored is not None
        assert stored.feedback is Feedback.DOWN
        unanswered = await questions.list_questions(
            conn, decisions=(Decision.ABSTAIN,), feedback=Feedback.DOWN
        )
        assert [q.text for q in unanswered] == ["问题3", "问题1"]


async def test_extra_examples_are_unique_per_topic(db: Database) -> None:
    async with db.write() as conn:
        first = await questions.add_extra_example(conn, "tax-rebate", "免税吗", added_by=9, now=T0)
        dup = await questions.add_extra_example(conn, "tax-rebate", "免税吗", added_by=9, now=T0)
        await questions.add_extra_example(conn, "loans", "免税吗", added_by=9, now=T0)
    assert first is not None
    assert dup is None
    async with db.read() as conn:
        assert [e.topic_id for e in await questions.list_extra_examples(conn)] == [
            "tax-rebate",
            "loans",
        ]
        assert len(await questions.list_extra_examples(conn, "loans")) == 1


# ---------------------------------------------------------------------------- audit
async def test_audit_append_and_filtered_list(db: Database) -> None:
    async with db.write() as conn:
        await audit.append_audit(conn, actor_id=9, action="kb.reload", now=T0)
        await audit.append_audit(
            conn,
            actor_id=77,
            action="forged.callback",
            target_type="project",
            target_id=5,
            detail="v1:approve:5",
            now=T0 + timedelta(minutes=1),
        )
    async with db.read() as conn:
        everything = await audit.list_audit(conn)
        forged = await audit.list_audit(conn, action="forged.callback")
        by_target = await audit.list_audit(conn, target_type="project", target_id="5")
        later = await audit.list_audit(conn, since=T0 + timedelta(seconds=30))
    assert [e.action for e in everything] == ["forged.callback", "kb.reload"]
    assert [(e.actor_id, e.target_id, e.detail) for e in forged] == [(77, "5", "v1:approve:5")]
    assert by_target == forged == later


# ---------------------------------------------------------------------------- projects
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
        assert [p.name for p in await projects.list_projects_by_user(conn, 1)] == [
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

    with pytest.raises(projects.StatusTransitionError, match="is approved"):
        await press(ProjectStatus.APPROVED, ProjectStatus.SUBMITTED)  # the old button again
    with pytest.raises(projects.StatusTransitionError):
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
        await add_project(
            conn,
            2,
            village="示例二村",
            investment_wan=1.5,
            jobs=2,
            now=T0 + timedelta(days=1),
        )
        await add_project(
            conn,
            3,
            industry="畜禽养殖",
            investment_wan=100.0,
            jobs=20,
            now=T0 + timedelta(days=40),
        )
        await projects.set_project_status(
            conn, p1.id, ProjectStatus.APPROVED, actor_id=900, now=T0
        )
    async with db.read() as conn:
        march = await projects.project_stats(conn, since=T0, until=T0 + timedelta(days=30))
        approved = await projects.project_stats(conn, statuses=[ProjectStatus.APPROVED])
        everything = await projects.project_stats(conn)
        empty = await projects.project_stats(conn, since=T0 + timedelta(days=400))
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
        assert (
            await projects.find_recent_duplicate(conn, 1, "香菇种植基地", since=since) == project
        )
        assert await projects.find_recent_duplicate(conn, 1, "木耳", since=since) is None
        assert (
            await projects.find_recent_duplicate(
                conn, 1, "香菇种植基地", since=T0 + timedelta(hours=1)
            )
            is None
        )


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
        by_name = await projects.find_recent_duplicate(conn, 1, text, since=T0)
    assert user is not None
    assert user.first_name == text
    assert stored is not None
    assert (stored.name, stored.referrer_note) == (text, text)
    assert asked is not None
    assert (asked.text, asked.reason) == (text, text)
    assert by_name == stored
    async with db.read() as conn:
        assert await projects.get_project(conn, 1) is not None  # the tables are all still there


# ---------------------------------------------------------------------------- referrals
async def test_referral_credit_and_refusals(db: Database) -> None:
    for uid in (1, 2, 3):
        await add_user(db, uid)
    async with db.write() as conn:
        project = await add_project(conn, 2, now=T0)
        own = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=2, now=T0
        )
        unknown_user = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=404, now=T0
        )
        unknown_project = await referrals.credit_referral(
            conn, project_id=999, referrer_user_id=1, now=T0
        )
        credited = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=1, now=T0
        )
        twice = await referrals.credit_referral(
            conn, project_id=project.id, referrer_user_id=3, now=T0
        )
    assert own.refused is ReferralRefusal.SELF_REFERRAL
    assert unknown_user.refused is ReferralRefusal.UNKNOWN_REFERRER
    assert unknown_project.refused is ReferralRefusal.UNKNOWN_PROJECT
    assert twice.refused is ReferralRefusal.ALREADY_CREDITED
    assert credited.credited
    assert credited.referral is not None
    assert (credited.referral.referrer_user_id, credited.referral.referred_user_id) == (1, 2)

    async with db.read() as conn:
        mine = await referrals.list_referred_projects(conn, 1)
        counts = await referrals.count_referrals(conn)
    assert [(p.ref_no, p.reward_eligible) for p in mine] == [(project.ref_no, False)]
    assert (counts.total, counts.eligible) == (1, 0)

    async with db.write() as conn:
        await projects.set_project_status(
            conn, project.id, ProjectStatus.APPROVED, actor_id=900, now=T0
        )
    async with db.read() as conn:
        assert [p.reward_eligible for p in await referrals.list_referred_projects(conn, 1)] == [
            True
        ]
        assert (await referrals.count_referrals(conn)).eligible == 1
        assert (await referrals.count_referrals(conn, since=T0 + timedelta(days=1))).total == 0


async def test_schema_itself_refuses_self_referral_and_double_credit(db: Database) -> None:
    for uid in (1, 2):
        await add_user(db, uid)
    async with db.write() as conn:
        project = await add_project(conn, 2, now=T0)
        insert = (
            "INSERT INTO referrals (project_id, referrer_user_id, referred_user_id, created_at) "
            "VALUES (?, ?, ?, 't')"
        )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await conn.execute(insert, (project.id, 2, 2))
        await conn.execute(insert, (project.id, 1, 2))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            await conn.execute(insert, (project.id, 1, 2))


# ---------------------------------------------------------------------------- erasure
async def test_erase_user_leaves_no_personal_field_but_keeps_counts(db: Database) -> None:
    phone = "13987654321"
    await add_user(db, 1, name="张三丰")
    await add_user(db, 2, name="referrer")
    async with db.write() as conn:
        project = await add_project(conn, 1, name="张三丰养殖场", phone=phone, now=T0)
        await referrals.credit_referral(conn, project_id=project.id, referrer_user_id=2, now=T0)
        await add_question(
            conn, f"我的电话{phone}能办吗", user_id=1, reason="", confidence=0.1, now=T0
        )
        await conn.execute(
            "INSERT INTO ptb_user_data (user_id, data, updated_at) VALUES (1, ?, 't')",
            (f'{{"phone": "{phone}"}}',),
        )
        await conn.execute(
            "INSERT INTO ptb_conversations (name, key, state, updated_at) "
            "VALUES ('register', '[1,1]', '3', 't')"
        )
        await users.get_or_create_referral_code(conn, 1)
    async with db.write() as conn:
        assert await users.erase_user(conn, 1)
        assert not await users.erase_user(conn, 1)

    async with db.read() as conn:
        assert await users.get_user(conn, 1) is None
        kept = await projects.get_project(conn, project.id)
        stats = await projects.project_stats(conn)
        counts = await questions.count_by_decision(conn)
        referral = await referrals.get_referral(conn, project.id)
    assert kept is not None
    assert (kept.user_id, kept.name, kept.phone) == (None, None, None)
    assert (stats.total, stats.investment_wan, stats.by_village) == (1, 50.0, (("示例一村", 1),))
    assert counts.abstain == 1
    assert referral is not None
    assert (referral.referrer_user_id, referral.referred_user_id) == (2, None)

    # Nothing identifying is left anywhere in the file, WAL included.
    await db.checkpoint()
    raw = _file_bytes(db)
    for needle in (phone, "张三丰"):
        assert needle.encode() not in raw, needle


def _file_bytes(db: Database) -> bytes:
    return b"".join(
        p.read_bytes() for p in sorted(db.path.parent.iterdir()) if p.name.startswith(db.path.name)
    )


async def test_without_erasure_the_phone_is_in_the_file(db: Database) -> None:
    # The control for the test above: the byte search does find a stored phone number.
    await add_user(db, 1)
    async with db.write() as conn:
        await add_project(conn, 1, phone="13987654321", now=T0)
    await db.checkpoint()
    assert b"13987654321" in _file_bytes(db)
