"""What counts as a question (tester3 #7, issue 12 "Feedback everywhere"): greetings, thanks,
filler, menu words, staff's own typing and topics opened from a menu are neither exported nor
counted in /stats (also for whole months, read from the counters); the export's 主题 column
names each topic by its title in the export's language."""

from __future__ import annotations

from bot.services.export import ExportKind
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.export_sheets import export_sheet
from tests.test_export import export_in_bot, sheet_of
from tests.test_stats import _row

ZH, EN = get_texts("zh"), get_texts("en")
QUESTION = "新项目的税收能返还吗"
NOT_QUESTIONS = ("你好", "嗯", "？", "谢谢", "菜单", "我想问一下", "2")


async def _chat(harness: BotHarness) -> None:
    resident = harness.user(7101)
    await resident.send(QUESTION)
    for text in NOT_QUESTIONS:
        await resident.send(text)
    await resident.send("/policies")  # a topic opened from the menu is not a question
    await resident.press(resident.last.button_labels[0])
    await resident.press(resident.last.button_labels[0])
    await harness.user(ADMIN_ID).send("贷款怎么申请")  # staff trying the bot


async def test_only_questions_are_exported_with_topic_titles(harness: BotHarness) -> None:
    await _chat(harness)
    kb = harness.running.services.qa
    asked = kb.search(QUESTION)
    assert asked.topic_id is not None
    topic = kb.topic(asked.topic_id)
    assert topic is not None
    ws = sheet_of(await export_in_bot(harness, "问题", "Excel"))
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == [QUESTION]
    assert rows[0][4] == topic.title_for("zh")  # 主题: the title, not the id
    assert rows[0][4] != topic.id
    sheet = await export_sheet(harness.running.services, ExportKind.QUESTIONS, EN)
    [row] = sheet.rows
    assert row[4] == topic.title_for("en")


async def test_stats_count_only_questions(harness: BotHarness) -> None:
    await _chat(harness)
    admin = harness.user(ADMIN_ID)
    # All time is read from the monthly counters, this month from the rows: the same numbers.
    for period in ("", " 本月"):
        text = (await admin.send("/stats" + period)).messages[0].text
        assert _row(text, ZH.stats.asked).split()[1] == "1", text
        assert _row(text, ZH.stats.abstained).split()[1:] == ["0", "(0.0%)"], text
    unanswered = (await admin.send("/unanswered")).text
    assert not any(word in unanswered for word in ("你好", "我想问一下", "嗯"))
