"""Policy Q&A in the bot, through the real Application: answers, choices, honesty, logging."""

from __future__ import annotations

import asyncio

from bot.settings import Limits, Settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import questions as questions_repo
from db.models import Decision, Feedback

ZH = get_texts("zh")
EN = get_texts("en")


async def test_answer_with_buttons_and_log(harness: BotHarness) -> None:
    user = harness.user(301)
    replies = await user.send("新上的项目，头一年的税能返还吗？")
    answer = replies.last
    assert "税收" in answer.text
    assert answer.html is not None
    assert "<b>" in answer.html
    labels = answer.button_labels
    assert ZH.qa.btn_up in labels
    assert ZH.qa.btn_source in labels
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert len(logged) == 1
    assert logged[0].decision == Decision.ANSWER
    assert logged[0].topic_id == "tax-rebate"
    assert logged[0].user_id == 301


async def test_feedback_is_recorded_once_and_only_for_the_asker(harness: BotHarness) -> None:
    user, other = harness.user(302), harness.user(303)
    await user.send("联保贷款怎么办理")
    answer = user.last
    down = next(
        b["callback_data"]
        for row in answer.inline_buttons
        for b in row
        if b["text"] == ZH.qa.btn_down
    )
    # Someone else pressing a forged copy of the button changes nothing.
    await other.send("/start")
    forged = await other.press_data(down, message=other.last)
    assert forged.toast == ZH.qa.feedback_not_yours
    replies = await user.press(ZH.qa.btn_down)
    assert replies.toast == ZH.qa.feedback_thanks
    assert ZH.qa.btn_down not in answer.button_labels  # feedback buttons are gone
    assert ZH.qa.btn_source in answer.button_labels
    assert ZH.qa.feedback_sorry in replies.text
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert logged[0].feedback == Feedback.DOWN


async def test_source_and_review_date_are_shown(harness: BotHarness) -> None:
    user = harness.user(304)
    await user.send("引荐人有什么奖励")
    replies = await user.press(ZH.qa.btn_source)
    assert "一定的现金奖励" in replies.last.text  # the report's own words
    assert "审核" in replies.last.text


async def test_out_of_scope_gets_an_honest_abstain_with_contact(harness: BotHarness) -> None:
    user = harness.user(305)
    replies = await user.send("明天天气怎么样，会下雨吗")
    text = replies.last.text
    assert "不在本镇全民创业政策的范围内" in text
    assert "0000-1234567" in text  # the office phone from settings
    assert ZH.qa.btn_browse in replies.last.button_labels
    browse = await user.press(ZH.qa.btn_browse)
    assert browse.last.text == ZH.qa.categories_prompt
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert logged[0].decision == Decision.ABSTAIN


async def test_greeting_thanks_and_bare_keyword(harness: BotHarness) -> None:
    user = harness.user(306)
    assert "测试镇创业助手" in (await user.send("你好")).last.text
    assert (await user.send("谢谢")).last.text == ZH.qa.thanks
    answer = await user.send("贷款")  # a keyword of one topic: that topic's answer
    assert "大联保" in answer.last.text
    assert ZH.qa.btn_up in answer.last.button_labels
    menu = await user.send("政策")  # a generic word no topic is about: the category menu
    assert menu.last.text == ZH.qa.menu_hint
    assert menu.last.inline_buttons


async def test_browse_categories_and_topics(harness: BotHarness) -> None:
    user = harness.user(307)
    await user.send("/start")
    await user.press(ZH.common.btn_policies)
    menu = user.last
    assert menu.text == ZH.qa.categories_prompt
    first_category = menu.inline_buttons[0][0]["text"]
    listed = await user.press(first_category)
    assert listed.edited
    assert first_category in listed.edited[0].text
    topic_label = listed.edited[0].inline_buttons[0][0]["text"]
    shown = await user.press(topic_label)
    assert topic_label in shown.last.text
    back = await user.press(ZH.qa.btn_back_categories)
    assert back.edited[0].text == ZH.qa.categories_prompt


async def test_forged_topic_and_category_buttons(harness: BotHarness) -> None:
    user = harness.user(308)
    await user.send("/policies")
    for data in ("v1:topic:no-such-topic", "v1:cat:nothing", "v1:src:../../etc", "v1:fb:x:u"):
        replies = await user.press_data(data)
        assert replies.toast == ZH.common.stale_button


async def test_hostile_and_long_questions(harness: BotHarness) -> None:
    user = harness.user(309)
    for text in (
        "<script>alert(1)</script> 税收返还？",
        "'; DROP TABLE questions; --",
        "\u202e\u200b贷款怎么申请\u200d",
        "😀😀😀",
        "&amp; <b>",
    ):
        replies = await user.send(text)
        assert len(replies) == 1  # answered, and the emulator accepted the HTML
    long = await user.send("长" * 5000)
    assert "5000" in long.last.text
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert "'; DROP TABLE questions; --" in {q.text for q in logged}


async def test_english_question_gets_english_answer(harness: BotHarness) -> None:
    user = harness.user(310, language_code="en")
    replies = await user.send("Is there a cash reward for referring a project?")
    assert "reward" in replies.last.text.lower()
    assert EN.qa.btn_source in replies.last.button_labels


async def test_flood_limit_is_polite_and_staff_are_exempt(settings: Settings) -> None:
    from dataclasses import replace

    from tests.conftest import ADMIN_ID

    limited = replace(settings, limits=Limits(questions_per_minute=3))
    async with bot_harness(limited) as h:
        user, admin = h.user(311), h.user(ADMIN_ID)
        for _ in range(3):
            assert "税" in (await user.send("税收返还怎么申请")).last.text
        assert "秒后再试" in (await user.send("税收返还怎么申请")).last.text
        for _ in range(5):
            assert "税" in (await admin.send("税收返还怎么申请")).last.text


async def test_many_users_ask_at_once(harness: BotHarness) -> None:
    questions = ["联保贷款怎么办", "木材检疫站在哪", "引荐项目有奖励吗", "培训什么时候"]

    async def one(uid: int) -> str:
        user = harness.user(uid)
        return (await user.send(questions[uid % 4])).last.text

    texts = await asyncio.gather(*(one(uid) for uid in range(2000, 2100)))
    assert len(texts) == 100
    async with harness.running.services.db.read() as conn:
        counts = await questions_repo.count_by_decision(conn)
    assert counts.total == 100
