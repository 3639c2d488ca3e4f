"""Q&A throughput work: questions asked together share a transaction; questions skip persistence.

The group commit of the question log must keep every guarantee of one transaction per question
(each asker gets the id of their own row, a refused row fails only its asker, nothing is
answered before it is stored), and skipping ``update_persistence()`` after updates that changed
nothing must never skip one that did (a dialog step is in the database right after it).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest
from telegram.ext import Application

from bot.services.qa import _QuestionLog
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import questions as questions_repo
from db.database import Database
from db.models import Decision, Feedback
from handlers.forms import FORM
from tests.seed import add_question

ZH = get_texts("zh")
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
QUESTIONS = [
    "联保贷款怎么办",
    "新上的项目，头一年的税能返还吗？",
    "木材检疫站在哪",
    "引荐项目有奖励吗",
]


def _question(
    text: str, decision: Decision = Decision.ABSTAIN, topic: str | None = None
) -> questions_repo.NewQuestion:
    return questions_repo.NewQuestion(
        user_id=None,
        text=text,
        normalized=text,
        decision=decision,
        reason="test",
        topic_id=topic,
        confidence=0.5,
        lang="zh",
        now=T0,
    )


def _count_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count ``Database.write()`` transactions from now on (one list entry per transaction)."""
    calls: list[int] = []
    original = Database.write

    def counting(self: Database) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Database, "write", counting)
    return calls


async def test_questions_asked_together_share_transactions_and_keep_their_own_ids(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = [harness.user(uid) for uid in range(7000, 7040)]
    for user in users:  # known users: the round below writes nothing but the question log
        await user.send("/start")
    writes = _count_writes(monkeypatch)
    replies = await asyncio.gather(
        *(user.send(QUESTIONS[i % len(QUESTIONS)]) for i, user in enumerate(users))
    )
    assert all(r.last.text for r in replies)
    assert 0 < len(writes) < len(users) // 2  # 40 questions, a handful of transactions
    monkeypatch.undo()
    answered = [u for u in users if ZH.qa.btn_up in u.last.button_labels]
    assert len(answered) >= len(users) // 2
    for user in answered:  # each 👍 button carries the id of that user's own question
        assert (await user.press(ZH.qa.btn_up)).toast == ZH.qa.feedback_thanks
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert len(logged) == len(users)
    assert len({q.id for q in logged}) == len(users)
    liked = {q.user_id for q in logged if q.feedback == Feedback.UP}
    assert liked == {u.id for u in answered}


async def test_a_refused_row_fails_only_its_asker(db: Database) -> None:
    log = _QuestionLog(db)
    texts = ["一", "二", "坏", "四", "五"]
    # An answer without a topic breaks the table's CHECK: only that asker may fail.
    rows = [
        _question(t, Decision.ANSWER, None) if t == "坏" else _question(t, Decision.ABSTAIN)
        for t in texts
    ]
    results = await asyncio.gather(*(log.log(row) for row in rows), return_exceptions=True)
    assert isinstance(results[2], sqlite3.IntegrityError)
    ids = [r for r in results if isinstance(r, int)]
    assert len(ids) == 4
    async with db.read() as conn:
        stored = {q.id: q.text for q in await questions_repo.list_questions(conn)}
    assert stored == dict(zip(ids, ["一", "二", "四", "五"], strict=True))


async def test_ids_follow_rows_written_by_anyone_else(db: Database) -> None:
    async with db.write() as conn:
        await add_question(conn, "先来的", reason="", now=T0)
    log = _QuestionLog(db)
    first, second = await asyncio.gather(log.log(_question("甲")), log.log(_question("乙")))
    async with db.read() as conn:
        one = await questions_repo.get_question(conn, first)
        two = await questions_repo.get_question(conn, second)
    assert first > 1
    assert (one and one.text, two and two.text) == ("甲", "乙")


async def test_a_cancelled_asker_leaves_the_others_answered(db: Database) -> None:
    log = _QuestionLog(db)
    cancelled = asyncio.create_task(log.log(_question("不等了")))
    others = [asyncio.create_task(log.log(_question(t))) for t in ("甲", "乙")]
    await asyncio.sleep(0)
    cancelled.cancel()
    ids = await asyncio.gather(*others)
    assert len(set(ids)) == 2
    async with db.read() as conn:
        texts = {q.text for q in await questions_repo.list_questions(conn)}
    assert {"甲", "乙"} <= texts  # the cancelled one may be stored too: it was asked


def _count_flushes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original: Callable[[Any], Awaitable[None]] = Application.update_persistence

    async def counting(self: Any) -> None:
        calls.append(1)
        await original(self)

    monkeypatch.setattr(Application, "update_persistence", counting)
    return calls


async def _stored(harness: BotHarness, sql: str, *params: object) -> list[tuple[Any, ...]]:
    async with harness.running.services.db.read() as conn, conn.execute(sql, params) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_a_question_costs_no_persistence_run_but_a_dialog_step_is_saved_at_once(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushes = _count_flushes(monkeypatch)
    user = harness.user(7101)
    await user.send(QUESTIONS[0])
    await user.send(QUESTIONS[1])
    assert flushes == []  # nothing to save: empty user_data, no dialog
    assert await _stored(harness, "SELECT * FROM ptb_user_data WHERE user_id = ?", 7101) == []

    await user.send("/register")  # a dialog starts: its state must be stored right away
    assert flushes
    (data,) = (await _stored(harness, "SELECT data FROM ptb_user_data WHERE user_id = ?", 7101))[0]
    assert json.loads(data)[FORM]["form"] == "registration"
    await user.send("/cancel")
    (data,) = (await _stored(harness, "SELECT data FROM ptb_user_data WHERE user_id = ?", 7101))[0]
    assert FORM not in json.loads(data)

    await user.send("/language")
    await user.press(get_texts("en").common.btn_lang_en)
    (data,) = (await _stored(harness, "SELECT data FROM ptb_user_data WHERE user_id = ?", 7101))[0]
    assert json.loads(data)["lang"] == "en"
    flushes.clear()
    await user.send(QUESTIONS[2])  # changes nothing stored: no run
    assert flushes == []


async def test_ptb_keeps_the_bookkeeping_the_skip_relies_on(harness: BotHarness) -> None:
    # ``bot.processing`` reads these private attributes and flushes whenever one is missing,
    # so a PTB upgrade that renames them would quietly cost throughput: fail here instead.
    app = harness.running.app
    for name in (
        "_conversation_handler_conversations",
        "_user_ids_to_be_updated_in_persistence",
        "_chat_ids_to_be_updated_in_persistence",
        "_user_ids_to_be_deleted_in_persistence",
        "_chat_ids_to_be_deleted_in_persistence",
    ):
        assert hasattr(app, name), name
    conversations = app._conversation_handler_conversations
    # Every dialog is a form now (its state in user_data): no ConversationHandler is left, but
    # one added later must keep the bookkeeping the skip reads.
    assert all(hasattr(states, "_write_access_keys") for states in conversations.values())
