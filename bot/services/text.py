"""Cleaning what people type before it is stored: one set of rules for every feature.

Every service that stores typed text cleans it here (one line: ``clean_text``; several lines:
``clean_multiline``), so a stored value never holds a control character, always has a visible
one, and fits its table's CHECK and Telegram's limits, counted in UTF-16 units as Telegram
counts; a text out of bounds is refused with a ``TextProblem``, never silently cut. The rules
are listed in docs/architecture.md, "Typed text". Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import unicodedata

from bot.vocabulary import TextProblem

# Categories that show nothing by themselves: format marks, separators, combining marks.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


def utf16_len(text: str) -> int:
    """The length of ``text`` as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _controls_to_spaces(text: str, keep: str = "") -> str:
    return "".join(
        " " if ch not in keep and unicodedata.category(ch) == "Cc" else ch for ch in text
    )


def normalize_line(text: str) -> str:
    """``text`` as one clean line (rules in the module docstring); may be empty."""
    text = _controls_to_spaces(unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def normalize_lines(text: str) -> str:
    """``text`` cleaned line by line, keeping its line breaks (rules in the module docstring)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in _controls_to_spaces(text, "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def check(text: str, max_len: int, *, min_len: int = 1) -> str | TextProblem:
    """``text`` (already normalised) if it is visible and ``min_len``-``max_len`` long."""
    if not text:
        return TextProblem.EMPTY
    if all(unicodedata.category(ch) in _INVISIBLE for ch in text):
        return TextProblem.INVISIBLE
    if utf16_len(text) < min_len:
        return TextProblem.TOO_SHORT
    if utf16_len(text) > max_len:
        return TextProblem.TOO_LONG
    return text


def clean_text(text: str, max_len: int, *, min_len: int = 1) -> str | TextProblem:
    """One line of typed text, cleaned and checked, or why it cannot be stored."""
    return check(normalize_line(text), max_len, min_len=min_len)


def clean_multiline(text: str, max_len: int, *, min_len: int = 1) -> str | TextProblem:
    """Typed free text with its line breaks, cleaned and checked, or why it cannot be stored."""
    return check(normalize_lines(text), max_len, min_len=min_len)
