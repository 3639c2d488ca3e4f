"""The shipped topics say only what the town's report supports."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.loader import load_knowledge_base
from knowledge.model import Topic
from knowledge.render import PLACEHOLDER_RE, PLACEHOLDERS

DATA = Path(__file__).resolve().parent / "data"
# A verbatim copy of the article in ../shared/seed (without the web page's first line and
# footer), committed so the tests do not depend on the shared directory being present.
REPORT = (DATA / "report.txt").read_text(encoding="utf-8")
SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"

KB = load_knowledge_base()
REQUIRED = {
    "tax-rebate",
    "referral-reward",
    "training",
    "loan",
    "wood-association",
    "timber-quarantine",
    "one-on-one-support",
    "leading-industry",
    "returnee",
    "cadre-entrepreneurship",
    "complaint",
    "study-tour",
    "role-models",
    "startup-services",
    "agriculture",
    "register-project",
    "contact",
}
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
YI_RE = re.compile(r"(\d+(?:\.\d+)?)亿")


def by_topic() -> list[Topic]:
    return list(KB.topics)


def test_required_topics_exist() -> None:
    assert set(KB.by_id) >= REQUIRED


def test_committed_report_is_the_seed_article() -> None:
    if not SEED_DIR.is_dir():
        pytest.skip("shared seed directory not present")
    seed = "".join(p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt")))
    assert REPORT.strip() in seed


@pytest.mark.parametrize("topic", by_topic(), ids=lambda t: t.id)
def test_every_source_sentence_is_verbatim_in_the_report(topic: Topic) -> None:
    assert topic.source
    for sentence in topic.source:
        assert sentence in REPORT, f"{topic.id}: not in the report: {sentence}"


@pytest.mark.parametrize("topic", by_topic(), ids=lambda t: t.id)
def test_no_number_in_an_answer_that_its_sources_do_not_contain(topic: Topic) -> None:
    sources = " ".join(topic.source)
    source_numbers = set(NUMBER_RE.findall(sources))
    # English writes an amount in 亿 (hundred millions) as millions or billions: 1.1亿 is
    # "110 million", 10.6亿 "1.06 billion" -- the same number, converted.
    for yi in YI_RE.findall(sources):
        source_numbers |= {f"{Decimal(yi) * 100:f}".rstrip("0").rstrip(".")}
        source_numbers |= {f"{Decimal(yi) / 10:f}".rstrip("0").rstrip(".")}
    for answer in (topic.answer, topic.answer_en):
        template = PLACEHOLDER_RE.sub("", answer)
        invented = set(NUMBER_RE.findall(template)) - source_numbers
        assert not invented, f"{topic.id}: numbers not in its source: {sorted(invented)}"


@pytest.mark.parametrize("topic", by_topic(), ids=lambda t: t.id)
def test_answers_use_only_known_placeholders_and_no_phone_numbers(topic: Topic) -> None:
    for answer in (topic.answer, topic.answer_en):
        assert {m.group(1) for m in PLACEHOLDER_RE.finditer(answer)} <= set(PLACEHOLDERS)
        assert not re.search(r"\d{3,4}-\d{6,8}|1\d{10}", answer)


def test_vague_policies_are_called_vague() -> None:
    assert "一定的现金奖励" in KB.by_id["referral-reward"].answer
    assert "没有写具体金额" in KB.by_id["referral-reward"].answer
    assert "适当途径" in KB.by_id["tax-rebate"].answer
    assert "{office_name}" in KB.by_id["tax-rebate"].answer


@pytest.mark.parametrize(
    ("topic_id", "command"),
    [
        ("register-project", "/register"),
        ("training", "/trainings"),
        ("complaint", "/complaint"),
        ("contact", "/contact"),
    ],
)
def test_answers_point_to_bot_commands(topic_id: str, command: str) -> None:
    assert command in KB.by_id[topic_id].answer
    assert command in KB.by_id[topic_id].answer_en


def test_every_category_has_topics_and_ids_fit_callback_data() -> None:
    for cat in KB.categories:
        assert KB.topics_in(cat.id), cat.id
    for topic in KB.topics:
        # "v1:topic:<id>" must stay within Telegram's 64-byte callback data.
        assert len(f"v1:topic:{topic.id}".encode()) <= 64


@pytest.mark.parametrize("topic", by_topic(), ids=lambda t: t.id)
def test_english_answers_write_amounts_in_english(topic: Topic) -> None:
    """No "1.1 yi yuan (yi = a hundred million)": an English reader gets "110 million yuan"."""
    assert not re.search(r"\byi\b", topic.answer_en)
