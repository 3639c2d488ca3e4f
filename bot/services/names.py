"""Is a typed name something a person can recognise, or a question typed in the wrong place?

Used by the registration form for the project name, a typed industry and a typed village
(issue 15.6): "😀😀😀" and "。。。" name nothing, and "返税怎么申请？" is a question for the policy
Q&A, not a project. Pure functions; no ``telegram``, no database. A village typed under
其他村 is stored as typed and shown flagged wherever staff read it (``village_label``) for as
long as it is missing from the town's list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.settings import TownSettings
from bot.texts import Texts

MIN_LETTERS = 2  # letters or CJK characters in a name: one character identifies nothing

# A question mark at the end, or the words Chinese questions are made of.
_QUESTION = re.compile(
    r"[?？]\s*$|怎么|怎样|如何|为什么|能不能|可不可以|是不是|有没有|是否|多少钱|哪里|"
    r"什么时候|吗\s*[。.!！]?\s*$|呢\s*[。.!！]?\s*$"
)


def letters(text: str) -> int:
    """How many letters (any script, CJK included) ``text`` has."""
    return sum(unicodedata.category(ch).startswith("L") for ch in text)


def recognisable(text: str, minimum: int = MIN_LETTERS) -> bool:
    """Whether ``text`` has enough letters to name something (not only emoji, digits or
    punctuation)."""
    return letters(text) >= minimum


def looks_like_question(text: str) -> bool:
    """Whether ``text`` reads as a question rather than a name."""
    return bool(_QUESTION.search(unicodedata.normalize("NFKC", text)))


# ------------------------------------------------------------------ villages (issue 15.6)
VILLAGE_MAX_CHARS = 20  # the longest administrative village names are well under this


def _village_key(name: str) -> str:
    """A village name compared loosely: NFKC, no spaces, no trailing 村 ("东关" = "东关村")."""
    plain = "".join(unicodedata.normalize("NFKC", name).split())
    return plain.removesuffix("村") or plain


def listed_village(typed: str, villages: Sequence[str]) -> str | None:
    """The village of the list that ``typed`` names (with or without 村), if any."""
    key = _village_key(typed)
    return next((v for v in villages if _village_key(v) == key), None)


def village_label(t: Texts, town: TownSettings, village: str) -> str:
    """A stored village as ``t``'s language shows it; one typed by the resident that is not
    on the town's list is flagged ("王家庄（未在名单中）"), so the office can add it."""
    if village in town.villages:
        return town.label(village, t.lang)
    return t.registration.village_unlisted.format(village=village)
