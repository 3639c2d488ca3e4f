"""Small shared helpers: the search's normalised key, category titles, the audience count and
the common cancel of a dialog."""

from __future__ import annotations

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from knowledge.loader import load_knowledge_base
from knowledge.normalize import Analyzer
from knowledge.search import Searcher, result_to_json

KB = load_knowledge_base()
SEARCHER = Searcher(KB)
ZH = get_texts("zh")


@pytest.mark.parametrize("text", ["怎么申请创业担保贷款", "你好", "👍", "", "loan", "政策"])
def test_search_returns_the_normalised_key(text: str) -> None:
    result = SEARCHER.search(text)
    assert result.normalized == SEARCHER.analyzer.analyze(text).key
    assert "normalized" not in result_to_json(text, result, KB, "zh", {})


async def test_a_question_is_analysed_once_and_its_key_stored(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    analyze = Analyzer.analyze

    def counting(self: Analyzer, text: str) -> object:
        calls.append(text)
        return analyze(self, text)

    monkeypatch.setattr(Analyzer, "analyze", counting)
    text = "创业担保贷款怎么申请？"
    await harness.user(7001).send("/start")
    asked = await harness.running.services.qa.ask(7001, text, "zh")
    assert calls == [text]
    assert asked.result.normalized
    async with harness.running.services.db.read() as conn:
        cursor = await conn.execute(
            "SELECT normalized FROM questions WHERE id = ?", (asked.question_id,)
        )
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] == asked.result.normalized


def test_category_title_for_language() -> None:
    category = KB.categories[0]
    assert category.title_for("en") == category.title_en
    assert category.title_for("zh") == category.title


async def test_broadcast_count_matches_the_audience(harness: BotHarness) -> None:
    for uid in (7101, 7102, 7103):
        await harness.user(uid).send("/start")
    service = harness.running.services.trainings
    await service.toggle(7101, "建筑模板")
    await service.toggle(7102, "*")
    broadcast = harness.running.services.broadcasts
    for tag in (None, "建筑模板", "食用菌"):
        assert await broadcast.count(tag) == len(await broadcast.audience(tag))
    assert await broadcast.count("建筑模板") == 2
    assert await broadcast.count(None) >= 3


async def test_cancel_drops_the_draft_and_brings_the_menu_back(harness: BotHarness) -> None:
    user = harness.user(7201)
    await user.send("/start")
    await user.send("/register")
    replies = await user.send("/cancel")
    assert replies.last.text == ZH.form.cancelled.format(dialog="登记项目")
    assert user.reply_keyboard is not None
    assert ZH.common.btn_register in str(user.reply_keyboard)
    again = await user.send("/cancel")
    assert again.last.text == ZH.common.nothing_to_cancel
