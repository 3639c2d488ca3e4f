"""The pure parts of registration: reading numbers and phones, the draft.

Trimming names is ``bot.services.text`` (tests/test_text.py).
"""

from __future__ import annotations

import pytest

from bot.services import registration
from bot.services.registration import (
    Draft,
    Field,
    choose,
    format_wan,
    mask_phone,
    referral_link,
)
from bot.vocabulary import Problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("50", 50.0),
        ("50万", 50.0),
        ("50万元", 50.0),
        ("５０", 50.0),
        ("５０．５万", 50.5),
        ("1.5", 1.5),
        (" 1,200 ", 1200.0),
        ("300000元", 30.0),
        ("1亿", 10000.0),
        ("0.5W", 0.5),
        ("-5", Problem.NEGATIVE),
        ("－5", Problem.NEGATIVE),
        ("0", Problem.ZERO),
        ("0.00001", Problem.ZERO),
        ("1e3", Problem.NOT_A_NUMBER),
        ("nan", Problem.NOT_A_NUMBER),
        ("五十", 50.0),  # a bare number means 万元, in Chinese numerals too
        ("五十万", 50.0),
        ("五十万元", 50.0),
        ("一百二十万", 120.0),
        ("两千", 2000.0),
        ("两千万", 2000.0),
        ("两万半", 2.5),
        ("一万五千元", 1.5),
        ("一亿五千万", 15000.0),
        ("一点五万", 1.5),
        ("一二万", Problem.NOT_A_NUMBER),
        ("五十块", Problem.NOT_A_NUMBER),
        ("二十亿", Problem.TOO_LARGE),
        ("零", Problem.ZERO),
        ("", Problem.EMPTY),
        ("100001", Problem.TOO_LARGE),
        ("20亿", Problem.TOO_LARGE),
    ],
)
def test_parse_investment(typed: str, expected: float | Problem) -> None:
    assert registration.parse_investment(typed, 100_000) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8", 8),
        ("８", 8),
        ("8人", 8),
        ("8个", 8),
        ("0", 0),
        ("1.0", 1),
        ("1.5", Problem.NOT_WHOLE),
        ("-1", Problem.NEGATIVE),
        ("100001", Problem.TOO_LARGE),
        ("很多", Problem.NOT_A_NUMBER),
        ("三十", 30),
        ("三十人", 30),
        ("十五个", 15),
        ("一百二十", 120),
        ("两千", 2000),
        ("一百零五", 105),
        ("零", 0),
        ("半", Problem.NOT_WHOLE),
        ("二十万", Problem.TOO_LARGE),
    ],
)
def test_parse_jobs(typed: str, expected: int | Problem) -> None:
    assert registration.parse_jobs(typed, 100_000) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("(138) 0013-8000", "13800138000"),
        ("12800138000", Problem.BAD_PHONE),
        ("1380013800", Problem.BAD_PHONE),
        ("010-12345678", Problem.BAD_PHONE),
        ("abc", Problem.BAD_PHONE),
        ("", Problem.EMPTY),
    ],
)
def test_parse_phone(typed: str, expected: str | Problem) -> None:
    assert registration.parse_phone(typed) == expected


def test_choose_by_text_or_number() -> None:
    options = ("党员", "企业")
    assert choose(" 企业 ", options) == "企业"
    assert choose("2", options) == "企业"
    assert choose("3", options) is Problem.NOT_A_CHOICE
    assert choose("个人", options) is Problem.NOT_A_CHOICE


def test_small_formatters() -> None:
    assert format_wan(50.0) == "50"
    assert format_wan(1.5) == "1.5"
    assert format_wan(100000.0) == "100000"
    assert mask_phone("13800138000") == "138****8000"


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
