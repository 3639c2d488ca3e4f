"""Issue 12, round 10: a message asking two things, typed pinyin, and in-scope questions the
out-of-scope groups would swallow (through the real bot where residents see it)."""

from __future__ import annotations

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import questions as questions_repo
from knowledge.loader import load_knowledge_base
from knowledge.render import render_answer
from knowledge.search import Searcher, Thresholds, result_to_json

ZH = get_texts("zh")
KB = load_knowledge_base()
SEARCHER = Searcher(KB)
CONTACT = {"office_name": "测试镇创业办", "office_phone": "0000-1234567", "town_name": "测试镇"}
TWO = "新厂子头一年的税能返吗？顺便问一下，拉个老板来投资有奖金没"


async def test_two_requests_get_two_answers_each_with_feedback(harness: BotHarness) -> None:
    user = harness.user(1301)
    replies = await user.send(TWO)
    answers = [m for m in replies.messages if ZH.qa.btn_up in m.button_labels]
    assert len(answers) == 2
    assert "全部予以返还" in answers[0].text  # the tax rebate first: the whole message's topic
    assert KB.by_id["referral-reward"].title in answers[1].text
    # Both answers vote on the one question asked (the newest button: the second answer's).
    vote = await user.press(ZH.qa.btn_up)
    assert vote.toast == ZH.qa.feedback_thanks
    async with harness.running.services.db.read() as conn:
        logged = await questions_repo.list_questions(conn)
    assert len(logged) == 1
    assert logged[0].topic_id == "tax-rebate"


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        (TWO, "tax-rebate", "referral-reward"),
        ("木业协会能帮着卖货不？另外检疫站在哪", "wood-association", "timber-quarantine"),
        ("想问问培训啥时候开班，还有创业办电话多少", "contact", "training"),
    ],
)
def test_two_requests_are_both_answered(question: str, first: str, second: str) -> None:
    result = SEARCHER.search(question)
    assert (result.decision, result.topic_id, result.also) == ("answer", first, (second,))
    shown = result_to_json(question, result, KB, "zh", CONTACT)
    assert shown["also"] == [second]
    both = [render_answer(KB.by_id[t], "zh", CONTACT) for t in (first, second)]
    assert shown["answer"] == "\n\n".join(both)


def test_one_request_with_its_circumstances_gets_one_answer() -> None:
    # "俺是做板材的" tells who asks, it asks nothing: one answer, no second one.
    for question in ("俺是做板材的 入木业协会有啥好处", "我在外面打工 回来想开个厂 有啥扶持"):
        result = SEARCHER.search(question)
        assert (result.decision, result.also) == ("answer", ()), question


def test_the_choice_offers_both_requests_when_neither_is_sure() -> None:
    # Without the second opinion nothing is answered directly: both requests are offered.
    strict = Searcher(KB, thresholds=Thresholds(agreed=1.1, alone=1.1))
    result = strict.search(TWO)
    assert result.decision == "ambiguous"
    assert result.alternatives[:2] == ("tax-rebate", "referral-reward")


@pytest.mark.parametrize(
    ("question", "topic_id"),
    [("xiang canjia chuangye peixun", "training"), ("shuishou fanhuan zenme ban", "tax-rebate")],
)
def test_typed_pinyin_reaches_its_topic(question: str, topic_id: str) -> None:
    result = SEARCHER.search(question)
    assert result.decision in ("answer", "ambiguous")
    assert result.topic_id == topic_id


def test_a_topic_the_out_of_scope_groups_outweigh_together_is_still_offered() -> None:
    question = "交完税多长时间返到户头上"
    result = SEARCHER.search(question)
    assert (result.decision, result.topic_id) == ("ambiguous", "tax-rebate")
    # Without the rescue the groups' summed mass wins and the bot would say "not covered".
    no_rescue = Searcher(KB, thresholds=Thresholds(rescue=0.0)).search(question)
    assert no_rescue.reason == "out_of_scope"


async def test_the_rescued_question_gets_the_choice_in_the_bot(harness: BotHarness) -> None:
    reply = (await harness.user(1302).send("交完税多长时间返到户头上")).last
    assert reply.text == ZH.qa.ambiguous
    assert KB.by_id["tax-rebate"].title in reply.button_labels[0]


def test_a_long_message_is_read_in_a_few_pieces_and_still_offers_both() -> None:
    # Past six pieces the rest stays with the last one (one join, not a piece each), so a
    # long story costs a few classifications; its two requests are still both offered.
    text = TWO + "，俺家就在镇东头" * 40
    result = SEARCHER.search(text)
    assert result.decision in ("answer", "ambiguous")
    offered = (result.topic_id, *result.also, *result.alternatives)
    assert {"tax-rebate", "referral-reward"} <= set(offered)
