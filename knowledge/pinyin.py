"""Toneless pinyin of Chinese characters, so input-method slips match by sound.

Residents type with pinyin input methods and pick the wrong character of the right sound
(退睡 for 退税, 带款 for 贷款, 检疫战 for 检疫站). Reading each character as its toneless
syllable makes those the same word in general, not pair by pair. The readings come from
``pypinyin``'s single-character table (its most common reading first); we read that table
file directly instead of ``import pypinyin``, which also loads the phrase dictionary and
costs ~150 ms of start-up for nothing we use (the table alone: ~20 ms, loaded on first use).
Latin pinyin typed without tones ("daikuan", "tui shui") is split into syllables too.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import cache
from pathlib import Path

from knowledge.normalize import split_longest_first

_MAX_SYLLABLE = 6


@cache
def _table() -> dict[int, str]:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pypinyin is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    raw: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {int(code): _toneless(readings.split(",")[0]) for code, readings in raw.items()}


def _toneless(reading: str) -> str:
    # "lǜ" -> "lv", "shuì" -> "shui": drop the tone marks, keep ü apart as v.
    plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in plain if not unicodedata.combining(c))


def syllable(char: str) -> str | None:
    """The toneless syllable of one Chinese character ("税" -> "shui"), None if unknown."""
    return _table().get(ord(char))


@cache
def _syllables() -> frozenset[str]:
    return frozenset(_table().values())


def split_latin(word: str) -> list[str] | None:
    """Split latin pinyin into syllables ("daikuan" -> ["dai", "kuan"]), None if it is not.

    Longest syllable first with backtracking; English words that happen to split ("man",
    "hang") are returned too, so callers use the result as extra evidence only.
    """
    if not (word.isascii() and word.isalpha()):
        return None
    return split_longest_first(word, _syllables().__contains__, _MAX_SYLLABLE)
