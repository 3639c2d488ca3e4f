"""Reading the numbers people type: one parser for every number and choice step.

Accepted: ASCII digits, full-width digits (５０, turned into ASCII by NFKC) and simple Chinese
numerals (五十万, 一百二十, 两千, 一点五). Digits of any other script (the Ethiopic ፩, the
Arabic-Indic ٨, Devanagari, superscripts that NFKC does not map ...) are refused with
``NumberProblem.FOREIGN_DIGITS`` so the step can say which digits to use: Python would turn
some into numbers (``int('٨')`` is 8) and choke on others (``int('፩')`` raises), and a phone
number must be stored in ASCII digits. Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

ASCII_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"^([+-]?)([0-9]+(?:\.[0-9]+)?|\.[0-9]+)$")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERALS = set(_CN_DIGITS) | set(_CN_SMALL_UNITS) | {"半", "点"}
_CN_NUMBER = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿半点])+$")


class NumberProblem(StrEnum):
    """Why typed text is not a number."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    FOREIGN_DIGITS = "bad_digits"  # digits of a script other than ASCII / full width


def normalized(text: str) -> str:
    """NFKC (full-width digits, dots and signs become ASCII), without spaces and commas."""
    text = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    return text.replace("−", "-").replace("－", "-")


def has_foreign_digits(text: str) -> bool:
    """Whether ``text`` holds a digit that is neither ASCII nor full width."""
    return any(
        ch.isdigit() and ch not in ASCII_DIGITS for ch in unicodedata.normalize("NFKC", text)
    )


def parse_number(text: str, units: tuple[str, ...] = ()) -> float | NumberProblem:
    """A number typed in ASCII, full-width or Chinese numerals, with one of ``units`` after it.

    A sign is kept (-5 is -5.0): whether a negative number makes sense is the step's to say.
    """
    if has_foreign_digits(text):
        return NumberProblem.FOREIGN_DIGITS
    number = normalized(text)
    for unit in units:
        if number.lower().endswith(unit):
            number = number[: -len(unit)]
            break
    if not number:
        return NumberProblem.EMPTY
    chinese = chinese_number(number)
    if chinese is not None:
        return chinese
    match = _NUMBER.match(number)
    if match is None:
        return NumberProblem.NOT_A_NUMBER
    value = float(match[2])
    return -value if match[1] == "-" else value


def parse_index(text: str, count: int) -> int | NumberProblem | None:
    """The 0-based index of a choice typed by its 1-based number; None if out of range."""
    value = parse_number(text)
    if isinstance(value, NumberProblem):
        return value
    if not value.is_integer() or not 1 <= value <= count:
        return None
    return int(value) - 1


def chinese_number(text: str) -> float | None:
    """A number in simple Chinese numerals: 三十, 一百二十, 五十万, 两千, 一万五, 两万半, 一点五.

    Arabic digits may stand for a digit (5千, 1.5万). None if ``text`` is not such a number.
    """
    if not _CN_NUMBER.match(text) or not set(text) & (_CN_NUMERALS | {"万", "亿"}):
        return None
    whole, dot, fraction = text.partition("点")
    if dot:
        return _with_fraction(whole, fraction)
    total = section = 0.0
    digit: float | None = None
    unit = 1.0  # the unit just passed: a digit after it, with no unit of its own, is a tenth
    for token in re.findall(r"[0-9]+(?:\.[0-9]+)?|.", text):
        if token in _CN_DIGITS or token[0] in ASCII_DIGITS:
            if digit is not None:
                return None  # 一二, 5五: digits without a unit between them
            digit = float(_CN_DIGITS[token]) if token in _CN_DIGITS else float(token)
            if token in ("零", "〇"):
                digit, unit = None, 10.0  # 一百零五: the digit after 零 is a unit digit
        elif token in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[token]
            section += (1.0 if digit is None else digit) * unit
            digit = None
        elif token == "万":
            total, section = total + (section + (digit or 0)) * 10_000, 0
            digit, unit = None, 10_000
        elif token == "亿":
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit, unit = 0, None, 100_000_000
        elif token == "半":
            if digit is not None:
                return None
            section += unit / 2 if unit > 1 else 0.5
    if digit is not None:
        section += digit * (unit / 10 if unit >= 10 else 1)
    return total + section


def _with_fraction(whole: str, fraction: str) -> float | None:
    """一点五, 1点5, 一点五万: a whole part, 点, fraction digits and an optional 万/亿."""
    scale = {"万": 10_000.0, "亿": 100_000_000.0}.get(fraction[-1:], 1.0)
    fraction = fraction[:-1] if scale > 1 else fraction
    if not fraction or any(ch not in _CN_DIGITS and ch not in ASCII_DIGITS for ch in fraction):
        return None
    digits = "".join(str(_CN_DIGITS[ch]) if ch in _CN_DIGITS else ch for ch in fraction)
    all_ascii = bool(whole) and all(ch in ASCII_DIGITS for ch in whole)
    head = float(whole) if all_ascii else chinese_number(whole)
    return None if head is None else (head + float("0." + digits)) * scale
