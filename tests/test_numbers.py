"""One number parser for every number and choice step (bot.services.numbers), through the bot.

ASCII, full-width and Chinese numerals are read; digits of other scripts are refused with a
clear message, never a crash and never stored as typed.
"""

from __future__ import annotations

import pytest

from bot.services.answers import choose, parse_jobs, parse_phone
from bot.services.numbers import NumberProblem, parse_index, parse_number
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from bot.vocabulary import Problem
from tests.dialog_state import draft_of

ZH = get_texts("zh")
BAD_DIGITS = dict(ZH.registration.errors)["bad_digits"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("50", 50.0),
        ("５０", 50.0),
        ("五十", 50.0),
        ("一百二十", 120.0),
        ("两千", 2000.0),
        ("1.5", 1.5),
        ("-3", -3.0),
        ("", NumberProblem.EMPTY),
        ("很多", NumberProblem.NOT_A_NUMBER),
        ("፩", NumberProblem.FOREIGN_DIGITS),  # Ethiopic: isdigit() but int() raises
        ("٨٠", NumberProblem.FOREIGN_DIGITS),  # Arabic-Indic: int() would read 80
        ("५", NumberProblem.FOREIGN_DIGITS),  # Devanagari
    ],
)
def test_parse_number(typed: str, expected: float | NumberProblem) -> None:
    assert parse_number(typed) == expected


def test_choices_by_number_in_any_accepted_numerals() -> None:
    options = ("甲", "乙", "丙")
    assert [parse_index(t, 3) for t in ("2", "２", "二")] == [1, 1, 1]
    assert parse_index("4", 3) is None
    assert choose("፩", options) is Problem.BAD_DIGITS
    assert choose("三", options) == "丙"


def test_phones_are_stored_in_ascii_digits_or_refused() -> None:
    assert parse_phone("１３８００１３８０００") == "13800138000"
    assert parse_phone("13٨٠٠١٣٨٠٠٠") is Problem.BAD_DIGITS
    assert parse_jobs("٣", 100) is Problem.BAD_DIGITS


async def test_odd_digits_at_every_registration_number_step(harness: BotHarness) -> None:
    user = harness.user(4201)
    await user.send("/register")
    await user.send("香菇大棚")
    await user.press("食用菌")
    replies = await user.send("፩")  # the village step, typed by number: was a crash
    assert replies.last.text.startswith(BAD_DIGITS)
    assert "第 3/8 步" in replies.last.text
    await user.send("１")  # full width works
    await user.send("二")  # and Chinese numerals
    assert draft_of(harness, 4201, "registration")["applicant_type"]
    assert (await user.send("٥٠")).last.text.startswith(BAD_DIGITS)  # investment
    await user.send("五十万")
    assert (await user.send("٨")).last.text.startswith(BAD_DIGITS)  # jobs
    await user.send("８")
    assert (await user.send("13٨٠٠١٣٨٠٠٠")).last.text.startswith(BAD_DIGITS)  # phone
    assert "phone" not in draft_of(harness, 4201, "registration") or (
        draft_of(harness, 4201, "registration")["phone"] is None
    )
    await user.send("13800138000")
    assert draft_of(harness, 4201, "registration")["phone"] == "13800138000"
