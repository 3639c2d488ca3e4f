"""What the search decides for the kinds of messages residents actually send."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import load_knowledge_base
from knowledge.search import ANSWER_THRESHOLD, Searcher, calibrate, result_to_json

KB = load_knowledge_base()
SEARCHER = Searcher(KB)
CONTACT = {"office_name": "测试镇创业办", "office_phone": "0000-1234567", "town_name": "测试镇"}
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("question", "topic_id"),
    [
        ("税收返还", "tax-rebate"),
        ("新上项目的税能返还吗", "tax-rebate"),
        ("新上項目的稅能返還嗎", "tax-rebate"),  # traditional characters
        ("新上项目的税能反还吗？？", "tax-rebate"),  # homophone typo, full-width punctuation
        ("ＴＡＸ　ＲＥＢＡＴＥ for new projects", "tax-rebate"),  # full-width Latin
        ("引荐人的现金奖励有多少", "referral-reward"),
        ("木材检疫站在哪", "timber-quarantine"),
        ("乱收费去哪投诉", "complaint"),
        ("在这里怎么登记项目", "register-project"),
        ("how can i contact the office", "contact"),
    ],
)
def test_clear_questions_are_answered(question: str, topic_id: str) -> None:
    result = SEARCHER.search(question)
    assert (result.decision, result.topic_id, result.reason) == ("answer", topic_id, "match")
    assert result.confidence >= ANSWER_THRESHOLD
    assert result.alternatives == KB.by_id[topic_id].related[: len(result.alternatives)]


@pytest.mark.parametrize("text", ["你好", "您好！", "在吗", "hi", "Hello there", "你好在吗"])
def test_greetings_get_a_friendly_reply_not_a_policy(text: str) -> None:
    result = SEARCHER.search(text)
    assert (result.decision, result.reason, result.topic_id) == ("abstain", "greeting", None)


@pytest.mark.parametrize("text", ["谢谢", "谢谢啦！", "好的谢谢", "thanks", "Thank you so much"])
def test_thanks(text: str) -> None:
    assert SEARCHER.search(text).reason == "thanks"


def test_a_greeting_in_front_of_a_question_does_not_hide_it() -> None:
    result = SEARCHER.search("你好，请问木材检疫站在哪")
    assert (result.decision, result.topic_id) == ("answer", "timber-quarantine")


@pytest.mark.parametrize("text", ["贷款", "培训", "返税", "税", "loan"])
def test_bare_keywords_get_the_menu_never_a_guess(text: str) -> None:
    result = SEARCHER.search(text)
    assert result.decision == "abstain"
    assert result.topic_id is None
    assert result.reason in ("keyword_menu", "too_short")
    assert result.confidence < ANSWER_THRESHOLD


def test_a_bare_keyword_offers_its_topics_in_the_menu() -> None:
    result = SEARCHER.search("贷款")
    assert result.reason == "keyword_menu"
    assert result.alternatives[0] == "loan"


@pytest.mark.parametrize("text", ["政策", "扶持政策", "创业"])
def test_generic_words_get_the_menu(text: str) -> None:
    result = SEARCHER.search(text)
    assert (result.decision, result.reason) == ("abstain", "keyword_menu")


def test_a_question_about_a_generic_word_is_still_answered() -> None:
    result = SEARCHER.search("全民创业是什么意思")
    assert (result.decision, result.topic_id) == ("answer", "campaign-overview")


@pytest.mark.parametrize(("text", "reason"), [("", "empty"), ("   ", "empty"), ("😀🎉", "empty")])
def test_nothing_to_search(text: str, reason: str) -> None:
    result = SEARCHER.search(text)
    assert (result.decision, result.reason) == ("abstain", reason)


@pytest.mark.parametrize(
    "text",
    [
        "身份证过期了怎么换",
        "下周会不会降温",
        "医保卡丢了",
        "jkdfhgkjdfhg",
        "你喜欢吃什么",
        "请问一下",
        "what time is the football match on tv tonight",
    ],
)
def test_out_of_scope_abstains(text: str) -> None:
    result = SEARCHER.search(text)
    assert result.decision == "abstain"
    assert result.topic_id is None


def test_two_topics_in_one_question_is_a_choice() -> None:
    result = SEARCHER.search("贷款和培训")
    assert result.decision == "ambiguous"
    assert set(result.alternatives) >= {"training", "loan"}
    assert result.topic_id == result.alternatives[0]


def test_confidence_is_in_range_and_calibration_is_monotone() -> None:
    points = [calibrate(x / 100) for x in range(-10, 111)]
    assert points == sorted(points)
    assert points[0] == 0.0
    assert points[-1] == 1.0
    for text in ["税收返还", "天气", "hi", "乱收费", "a" * 500, "创业" * 200]:
        assert 0.0 <= SEARCHER.search(text).confidence <= 1.0


def test_long_input_is_handled() -> None:
    result = SEARCHER.search("新上项目的税收能返还吗" * 300)
    assert result.decision in ("answer", "ambiguous")


def test_json_shape_is_the_public_interface() -> None:
    answer = result_to_json("返税怎么办", SEARCHER.search("返税怎么办"), KB, "zh", CONTACT)
    assert list(answer) == [
        "question",
        "topic",
        "decision",
        "confidence",
        "alternatives",
        "answer",
    ]
    assert answer["topic"] == "tax-rebate"
    assert "0000-1234567" in answer["answer"]
    assert "{" not in answer["answer"]

    abstain = result_to_json("天气", SEARCHER.search("明天天气怎么样"), KB, "zh", CONTACT)
    assert abstain["topic"] is None
    assert abstain["alternatives"] == []
    assert "测试镇创业办" in abstain["answer"]
    assert "0000-1234567" in abstain["answer"]

    choice = result_to_json("q", SEARCHER.search("贷款和培训"), KB, "zh", CONTACT)
    assert choice["answer"].startswith("您是想问")
    assert KB.by_id["loan"].title in choice["answer"]
    assert choice["topic"] == choice["alternatives"][0]

    english = result_to_json("q", SEARCHER.search("tax rebate"), KB, "en", {})
    assert "not configured" in english["answer"]


def test_importing_the_search_does_not_import_telegram() -> None:
    code = (
        "import sys, knowledge.search, knowledge.loader, bot.cli_kb;"
        "sys.exit(any(m == 'telegram' or m.startswith('telegram.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False, timeout=60)
    assert done.returncode == 0
