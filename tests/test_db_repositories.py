"""Repository functions for users, questions and the audit log: the rows a user's actions leave
behind, and what refuses to happen."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from db import audit, questions, users
from db.database import Database
from db.models import Decision, Feedback
from tests import queries
from tests.seed import MARCH_1 as T0
from tests.seed import add_question, add_user


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


async def test_audit_append_and_filtered_list(db: Database) -> None:
    async with db.write() as conn:
        await audit.append_audit(conn, actor_id=9, action="kb.reload", now=T0)
        await audit.append_audit(
            conn,
            actor_id=77,
            action="forged.callback",
            target=("project", 5),
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
