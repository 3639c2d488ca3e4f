"""A project's typed answers: what a resident types becomes a clean value or a ``Problem``.

Pure functions (no I/O): amounts in 万元 (Arabic, full-width or Chinese numerals, ``万``/``亿``
units), job counts, mainland mobile numbers, a choice among the offered options; and how
amounts and phone numbers are shown back. Digits of other scripts are refused
(``bot.services.numbers``). The handler picks the text that explains a ``Problem``.
"""

from __future__ import annotations

import math
import re
import unicodedata

from bot.services.numbers import (
    NumberProblem,
    chinese_number,
    has_foreign_digits,
    normalized,
    parse_index,
    parse_number,
)
from bot.vocabulary import Problem

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def _problem(problem: NumberProblem) -> Problem:
    return Problem(problem.value)


def _chinese_wan(plain: str) -> float | None:
    """An investment in Chinese numerals, in 万元: 五十万 -> 50, 五千元 -> 0.5, 两千 -> 2000."""
    text = plain.removesuffix("元")
    value = chinese_number(text)
    if value is None:
        return None
    if text != plain or "万" in text or "亿" in text:
        return value / 10_000
    return value  # a bare number means 万元, as "50" does


# Spoken and written names of the yuan: 块 is how most people say it ("5000块", "20万块钱").
_YUAN_WORDS = {"块钱": "元", "元钱": "元", "块": "元", "人民币": "", "rmb": "元", "yuan": "元"}


def _in_yuan_words(plain: str) -> str:
    """``plain`` with 块 / 块钱 / 元钱 / yuan / RMB written 元, and ¥5000 as 5000元."""
    text = plain.lower()
    for word, written in _YUAN_WORDS.items():
        text = text.replace(word, written)
    if text.startswith("¥"):
        text = text[1:] if text.endswith("元") else text[1:] + "元"
    return text


def parse_investment(text: str, maximum_wan: float) -> float | Problem:
    """Planned investment in 万元: "50", "50万", "50万元", "５０", "1.5", "300000元", "1亿",
    "5000块", "20万块钱", "¥5000", and simple Chinese numerals ("五十万", "一百二十万",
    "两千万元", "一万五千元")."""
    if has_foreign_digits(text):
        return Problem.BAD_DIGITS
    plain = _in_yuan_words(normalized(text))
    chinese = _chinese_wan(plain)
    if chinese is not None:
        return _checked_wan(chinese, maximum_wan)
    scale = 1.0
    if plain.endswith("亿元") or plain.endswith("亿"):
        scale = 10_000.0
    elif plain.endswith("元") and not plain.endswith("万元"):
        scale = 0.0001
    value = parse_number(plain, ("万元", "亿元", "万", "亿", "元", "wan", "w"))
    if isinstance(value, NumberProblem):
        return _problem(value)
    if value < 0:
        return Problem.NEGATIVE
    return _checked_wan(value * scale, maximum_wan)


_NUMERAL = "0-9.零〇一二两三四五六七八九十百千"
# "二十来万", "20多万", "一百余万", "5000多块": about a round number (来/多/余 after it).
_ABOUT_SUFFIX = re.compile(rf"(?<=[{_NUMERAL}])[来多余](?=[万亿千百元]|$)")
_ABOUT_WORDS = re.compile(r"^(?:大概|大约|约莫|约|差不多|将近|接近|估计)|(?:左右|上下|出头)$")
# "十几万", "二三十万", "20-30万", "20到30万": no one number to file.
_RANGE = re.compile(rf"几|[一二两三四五六七八九]{{2}}|[{_NUMERAL}][-~～至到][{_NUMERAL}]")


def rough_investment(text: str, maximum_wan: float) -> float | Problem | None:
    """An investment said roughly: the round number in 万元 for "二十来万" / "20万左右" /
    "大概50万", ``Problem.ROUGH`` for a range ("十几万", "二三十万", "20-30万"), None when
    ``text`` says nothing rough."""
    if has_foreign_digits(text):
        return None
    plain = _in_yuan_words(normalized(text))
    if _RANGE.search(plain):
        return Problem.ROUGH
    round_number = _ABOUT_WORDS.sub("", _ABOUT_SUFFIX.sub("", plain))
    if round_number == plain or not round_number:
        return None
    value = parse_investment(round_number, maximum_wan)
    return None if value is Problem.NOT_A_NUMBER else value


def _checked_wan(value: float, maximum_wan: float) -> float | Problem:
    if not math.isfinite(value) or value > maximum_wan:
        return Problem.TOO_LARGE
    value = round(value, 4)
    if value <= 0:
        return Problem.ZERO
    return value


def parse_jobs(text: str, maximum: int) -> int | Problem:
    """Expected new jobs: a whole number, "5", "5人", "5个", "５", "三十", "两千"; 0 is allowed
    (sole trader)."""
    value = parse_number(text, ("个岗位", "个人", "人", "个", "jobs", "job"))
    if isinstance(value, NumberProblem):
        return _problem(value)
    if value < 0:
        return Problem.NEGATIVE
    if not value.is_integer():
        return Problem.NOT_WHOLE
    if value > maximum:
        return Problem.TOO_LARGE
    return int(value)


def parse_phone(text: str) -> str | Problem:
    """A mainland mobile number as 11 ASCII digits; accepts +86/0086, spaces, dashes, full
    width; digits of other scripts are refused (a number is stored as ASCII)."""
    if has_foreign_digits(text):
        return Problem.BAD_DIGITS
    digits = unicodedata.normalize("NFKC", text).strip()
    digits = re.sub(r"[\s\-()（）.]", "", digits)
    if not digits:
        return Problem.EMPTY
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if _MOBILE.match(digits) else Problem.BAD_PHONE


def choose(text: str, options: tuple[str, ...]) -> str | Problem:
    """The option the resident typed (exactly, or by its 1-based number in any numerals)."""
    typed = " ".join(unicodedata.normalize("NFKC", text).split())
    for option in options:
        if typed == unicodedata.normalize("NFKC", option):
            return option
    index = parse_index(typed, len(options))
    if index is NumberProblem.FOREIGN_DIGITS:
        return Problem.BAD_DIGITS
    return options[index] if isinstance(index, int) else Problem.NOT_A_CHOICE


def format_wan(value: float) -> str:
    """``50``, ``1.5``, ``0.0035``: no trailing zeros, never scientific notation."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def mask_phone(phone: str) -> str:
    """``138****8000``: enough for the resident to recognise, not enough to copy."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else phone
