"""Staff /unanswered and /kbreload: grouping, attaching an example, reloading, refusals."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.callbacks import encode
from bot.services.unanswered import group_questions
from bot.settings import Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import questions as questions_repo
from db.audit import list_audit
from db.models import Decision, Feedback, Question
from knowledge.loader import DEFAULT_DIR
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")
LAMP = "村里的路灯坏了找谁"
T0 = datetime(2026, 11, 20, tzinfo=UTC)


def q(i: int, text: str, key: str, feedback: Feedback | None = None) -> Question:
    return Question(
        id=i,
        user_id=1,
        text=text,
        normalized=key,
        decision=Decision.ABSTAIN,
        reason="no_match",
        topic_id=None,
        confidence=0.0,
        lang="zh",
        created_at=T0 - timedelta(minutes=i),
        feedback=feedback,
        feedback_at=None if feedback is None else T0,
    )


def test_group_questions_merges_similar_ones_most_frequent_first() -> None:
    groups = group_questions(
        [
            q(1, "路灯坏了", "路灯坏"),
            q(2, "火星上能种土豆吗", "火星上种土豆"),
            q(3, "火星上可以种土豆吗？", "火星上可以种土豆"),
            q(4, "火星上能种土豆吗", "火星上种土豆", Feedback.DOWN),
            q(5, "完全不同的事情", "完全不同事情"),
        ]
    )
    assert [g.count for g in groups] == [3, 1, 1]
    top = groups[0]
    assert top.downvoted == 1
    assert [e.text for e in top.examples] == ["火星上能种土豆吗", "火星上可以种土豆吗？"]
    assert top.lead.id == 2
    assert groups[1].lead.id == 1  # equal counts: the newest group first
    assert group_questions([]) == []


async def _press_topic(admin: SimUser, title: str) -> None:
    """Press ``title`` among the candidates, else page through all topics until it shows."""
    for _ in range(20):
        labels = [label for m in admin.bot_messages[-1:] for label in m.button_labels]
        if title in labels:
            await admin.press(title)
            return
        if ZH.unanswered.btn_browse_all in labels:
            await admin.press(ZH.unanswered.btn_browse_all)
        else:
            await admin.press(ZH.unanswered.btn_next)
    raise AssertionError(f"topic {title!r} never offered")


async def test_attach_example_then_kbreload_makes_it_answerable(harness: BotHarness) -> None:
    resident = harness.user(501)
    await resident.send("火星上能种土豆吗")
    await resident.send("火星上可以种土豆吗")
    await resident.send(LAMP)
    await resident.send("你好")  # a greeting is not an unanswered question
    admin = harness.user(ADMIN_ID)
    listing = await admin.send("/unanswered")
    text = listing.last.text
    assert "共 2 组" in text
    assert text.index("×2") < text.index("×1")
    assert "火星上能种土豆吗" in text
    assert LAMP in text
    assert "你好" not in text
    # Group 2 is the lamp question.
    await admin.press("➕ 2")
    assert LAMP in admin.last.text
    contact = harness.running.services.qa.topic("contact")
    assert contact is not None
    await _press_topic(admin, contact.title)
    assert (
        admin.last.text
        == f"✅ 已把「{LAMP}」加为「{contact.title}」的例句。发送 /kbreload 后生效。"
    )
    # Stored, but not used before the reload.
    async with harness.running.services.db.read() as conn:
        extra = await questions_repo.list_extra_examples(conn, "contact")
    assert [e.text for e in extra] == [LAMP]
    assert harness.running.services.qa.search(LAMP).decision == "abstain"
    reloaded = await admin.send("/kbreload")
    assert "知识库已重新加载" in reloaded.text
    assert f"{len(harness.running.services.qa.kb.topics)} 个主题" in reloaded.text
    answer = await resident.send(LAMP)
    assert contact.title in answer.last.text
    # Pressing the same button again (replayed) adds nothing twice.
    add = encode("uaa", extra_question_id(harness, LAMP), "contact")
    again = await admin.press_data(add, message=admin.last)
    assert "已经是" in again.text
    async with harness.running.services.db.read() as conn:
        assert len(await questions_repo.list_extra_examples(conn, "contact")) == 1
        audit = await list_audit(conn, action="kb.example_added")
    assert [(e.actor_id, e.target_id) for e in audit] == [(ADMIN_ID, "contact")]


def extra_question_id(harness: BotHarness, text: str) -> int:
    # The emulator shows callback data; the first ➕ press carried the question id.
    for message in harness.user(ADMIN_ID).bot_messages:
        for row in message.inline_buttons:
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("v1:uap:"):
                    last = int(data.rsplit(":", 1)[1])
    return last


async def test_unanswered_since_a_date_and_nothing_to_show(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID)
    none = await admin.send("/unanswered 2026-11-01")
    assert none.text == ZH.unanswered.none.format(since="2026-11-01")
    bad = await admin.send("/unanswered 昨天的昨天")
    assert "看不懂这个日期" in bad.text


async def test_unanswered_and_kbreload_refused_to_residents(harness: BotHarness) -> None:
    resident = harness.user(502)
    await resident.send(LAMP)
    for command in ("/unanswered", "/kbreload"):
        assert (await resident.send(command)).texts == [ZH.common.not_allowed]
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    forged = await resident.press_data(encode("uaa", logged[0].id, "contact"), resident.last)
    assert forged.toast == ZH.common.not_allowed
    for data in (encode("uap", logged[0].id), encode("uat", logged[0].id, 0)):
        assert (await resident.press_data(data, resident.last)).toast == ZH.common.not_allowed
    async with harness.running.services.db.read() as conn:
        assert await questions_repo.list_extra_examples(conn) == []
        actions = {e.action for e in await list_audit(conn, actor_id=502)}
    assert actions == {
        "denied:unanswered",
        "denied:kbreload",
        "denied:uaa",
        "denied:uap",
        "denied:uat",
    }


async def test_kbreload_with_a_broken_kb_keeps_the_old_one(
    settings: Settings, tmp_path: Path
) -> None:
    topics = tmp_path / "topics"
    shutil.copytree(DEFAULT_DIR, topics)
    async with bot_harness(replace(settings, knowledge_dir=topics)) as harness:
        before = len(harness.running.services.qa.kb.topics)
        (topics / "loan.toml").write_text('id = "loan"\ntitle = 3\n', encoding="utf-8")
        admin = harness.user(ADMIN_ID)
        replies = await admin.send("/kbreload")
        assert "没有重新加载" in replies.text
        assert "loan.toml" in replies.text
        assert len(harness.running.services.qa.kb.topics) == before
        answer = await harness.user(503).send("联保贷款怎么办理")
        assert "贷款" in answer.last.text
