"""Is a typed name something a person can recognise, or a question typed in the wrong place?

Used by the registration form for the project name and a typed industry (issue 15.6): "😀😀😀"
and "。。。" name nothing, and "返税怎么申请？" is a question for the policy Q&A, not a project.
Pure functions; no ``telegram``, no database.
"""

from __future__ import annotations

import re
import unicodedata

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
