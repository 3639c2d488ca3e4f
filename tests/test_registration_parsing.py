"""The pure parts of registration: reading numbers and phones, the draft.

Trimming names is ``bot.services.text`` (tests/test_text.py).
"""

from __future__ import annotations

import pytest

from bot.services import answers
from bot.services.draft import Draft, Field
from bot.services.invites import referral_link
from bot.vocabulary import Problem


def cases(table: list[tuple[object, tuple[str, ...]]]) -> list[tuple[str, object]]:
    """(typed, expected) for each way of typing in a table of expected -> typings."""
    return [(typed, expected) for expected, typings in table for typed in typings]


# What the investment step stores (万元) for what people type; a bare number means 万元.
INVESTMENTS: list[tuple[object, tuple[str, ...]]] = [
    (50.0, ("50", "50万", "50万元", "５０", "五十", "五十万", "五十万元")),
    (50.5, ("５０．５万",)),
    (1.5, ("1.5", "一万五千元", "一点五万")),
    (1200.0, (" 1,200 ",)),
    (30.0, ("300000元",)),
    (10000.0, ("1亿",)),
    (0.5, ("0.5W",)),
    (120.0, ("一百二十万",)),
    (2000.0, ("两千", "两千万")),
    (2.5, ("两万半",)),
    (15000.0, ("一亿五千万",)),
    (Problem.NEGATIVE, ("-5", "－5")),
    (Problem.ZERO, ("0", "0.00001", "零")),
    (
        0.5,
        ("5000块", "5000块钱", "五千块", "5000元钱", "¥5000", "￥5000元", "5000 yuan", "5000RMB"),
    ),
    (20.0, ("20万块", "二十万块钱", "人民币20万")),
    (0.005, ("五十块",)),
    (Problem.NOT_A_NUMBER, ("1e3", "nan", "一二万", "二十来万", "很多")),
    (Problem.TOO_LARGE, ("二十亿", "100001", "20亿")),
    (Problem.EMPTY, ("",)),
]
JOBS: list[tuple[object, tuple[str, ...]]] = [
    (8, ("8", "８", "8人", "8个")),
    (0, ("0", "零")),
    (1, ("1.0",)),
    (30, ("三十", "三十人")),
    (15, ("十五个",)),
    (120, ("一百二十",)),
    (2000, ("两千",)),
    (105, ("一百零五",)),
    (Problem.NOT_WHOLE, ("1.5", "半")),
    (Problem.NEGATIVE, ("-1",)),
    (Problem.TOO_LARGE, ("100001", "二十万")),
    (Problem.NOT_A_NUMBER, ("很多",)),
]
PHONES: list[tuple[object, tuple[str, ...]]] = [
    (
        "13800138000",
        (
            "13800138000",
            "+86 138 0013 8000",
            "+8613800138000",
            "8613800138000",
            "0086-138-0013-8000",
            "１３８００１３８０００",
            "(138) 0013-8000",
        ),
    ),
    (Problem.BAD_PHONE, ("12800138000", "1380013800", "010-12345678", "abc")),
    (Problem.EMPTY, ("",)),
]


@pytest.mark.parametrize(("typed", "expected"), cases(INVESTMENTS))
def test_parse_investment(typed: str, expected: float | Problem) -> None:
    assert answers.parse_investment(typed, 100_000) == expected


# An amount said roughly (tester3 #10): its round number, or "type one number" for a range.
ROUGH: list[tuple[object, tuple[str, ...]]] = [
    (20.0, ("二十来万", "20多万", "20来万块", "20万左右", "大概20万", "约20万", "差不多二十万")),
    (0.5, ("5000多块", "五千来块钱")),
    (100.0, ("一百余万", "100万上下")),
    (Problem.ROUGH, ("十几万", "几万", "二三十万", "20-30万", "20到30万", "几十万块")),
    (None, ("50", "很多", "", "多少")),
]


@pytest.mark.parametrize(("typed", "expected"), cases(ROUGH))
def test_rough_investment(typed: str, expected: float | Problem | None) -> None:
    assert answers.rough_investment(typed, 100_000) == expected


@pytest.mark.parametrize(("typed", "expected"), cases(JOBS))
def test_parse_jobs(typed: str, expected: int | Problem) -> None:
    assert answers.parse_jobs(typed, 100_000) == expected


@pytest.mark.parametrize(("typed", "expected"), cases(PHONES))
def test_parse_phone(typed: str, expected: str | Problem) -> None:
    assert answers.parse_phone(typed) == expected


def test_choose_by_text_or_number() -> None:
    options = ("党员", "企业")
    assert answers.choose(" 企业 ", options) == "企业"
    assert answers.choose("2", options) == "企业"
    assert answers.choose("3", options) is Problem.NOT_A_CHOICE
    assert answers.choose("个人", options) is Problem.NOT_A_CHOICE


def test_small_formatters() -> None:
    assert answers.format_wan(50.0) == "50"
    assert answers.format_wan(1.5) == "1.5"
    assert answers.format_wan(100000.0) == "100000"
    assert answers.mask_phone("13800138000") == "138****8000"


def test_referral_link_refuses_codes_telegram_would_drop() -> None:
    assert referral_link("bot", "Ab_-9") == "https://t.me/bot?start=ref_Ab_-9"
    for bad in ("", "a b", "x" * 61, "码"):
        with pytest.raises(ValueError, match="deep-link"):
            referral_link("bot", bad)


def test_draft_round_trips_and_distrusts_bad_json() -> None:
    draft = Draft(name="项目", investment_wan=1.5, jobs=2, referrer_id=7)
    assert Draft.from_json(draft.to_json()) == draft
    forged = Draft.from_json({"name": 5, "jobs": True, "investment_wan": "x"})
    assert forged == Draft()
    assert Draft.from_json(None) == Draft()
    assert Draft().missing() is Field.NAME
    full = Draft("n", "i", "v", "a", 1.0, 0, "13800138000")
    assert full.missing() is Field.REFERRER
    assert full.answers() is not None
