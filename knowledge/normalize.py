"""Text normalisation for Chinese (and some English) questions, shared by index and queries.

``fold`` makes width, case and traditional characters uniform; ``Analyzer`` then rewrites
colloquial words to canonical ones (``knowledge.lexicon``; a few only when the question has the
right context, so "孩子上学报名" does not become a project registration), drops question words,
and cuts the rest into content chunks from which the search takes character bigrams. English
words are stemmed and mapped onto canonical English keywords ("sign up" -> register). The
same analyzer runs over the topics' examples and the residents' questions, so whatever it
does to one it does to the other. Pure functions and precomputed tables only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from knowledge.lexicon import (
    CONTEXT_REWRITES,
    ENGLISH_REWRITES,
    ENGLISH_STOP,
    REWRITES,
    STOP_PHRASES,
    T2S,
)

SPLIT_TERMS = True
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
_COMPACT_DROP_RE = re.compile(rf"[^{_CJK}a-z0-9]+")
# A doubled two-character verb ("指导指导", "研究研究") means the verb once.
_REDUPLICATED_RE = re.compile(rf"([{_CJK}]{{2}})\1+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width), lower case, traditional to simplified characters."""
    return unicodedata.normalize("NFKC", text).lower().translate(T2S)


def compact(text: str) -> str:
    """Folded text with everything but CJK characters, letters and digits removed."""
    return _COMPACT_DROP_RE.sub("", fold(text))


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph."""
    return bool(_CJK_RE.match(char))


def stem(word: str) -> str:
    """A crude English stemmer: "loans" -> "loan", "taxes" -> "tax", "started" -> "start"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    # "-ing" and "-ed" only on longer words whose stem stays a word ("starting", "started"),
    # not "bring", "need" or "coming".
    if len(word) > 6 and word.endswith("ing") and word[-4] not in "aeiou":
        return word[:-3]
    if len(word) > 5 and word.endswith("ed") and word[-3] not in "aeiou":
        return word[:-2]
    return word


@dataclass(frozen=True, slots=True)
class Analysis:
    """A question after normalisation: content chunks (CJK) and English words, in order."""

    folded: str
    chunks: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def key(self) -> str:
        """The content as one string, for fuzzy matching."""
        cjk = "".join(self.chunks)
        return f"{cjk} {' '.join(self.words)}".strip()

    @property
    def empty(self) -> bool:
        """Nothing left to match after removing question words."""
        return not self.chunks and not self.words


class Analyzer:
    """Rewrites, segments and filters text; built once, reused for every question."""

    def __init__(
        self,
        protected: Iterable[str] = (),
        rewrites: Mapping[str, str] = REWRITES,
        stop_phrases: Iterable[str] = STOP_PHRASES,
        context_rewrites: Mapping[str, tuple[str, str, Iterable[str]]] = CONTEXT_REWRITES,
        english_rewrites: Mapping[str, str] = ENGLISH_REWRITES,
    ) -> None:
        # Canonical forms rewrite to themselves, so a longer canonical term that contains a
        # shorter variant ("支部书记" contains "书记") is matched first and left alone.
        table = {fold(k): fold(v) for k, v in rewrites.items()}
        for value in list(table.values()):
            table.setdefault(value, value)
        # Context-dependent variants: (canonical with context, canonical without, context).
        self._context = {
            fold(k): (fold(yes), fold(no), tuple(fold(c) for c in ctx))
            for k, (yes, no, ctx) in context_rewrites.items()
        }
        for key, (yes, no, _) in self._context.items():
            table[key] = yes
            table.setdefault(yes, yes)
            table.setdefault(no, no)
        self._rewrites = table
        english: dict[tuple[str, ...], str] = {}
        for phrase, canonical in english_rewrites.items():
            english[tuple(stem(w) for w in fold(phrase).split())] = stem(fold(canonical))
        self._english = english
        self._english_longest = max((len(k) for k in english), default=1)
        keys = sorted(table, key=len, reverse=True)
        self._rewrite_re = re.compile("|".join(map(re.escape, keys))) if keys else None
        # Forward maximum matching over stop phrases and protected domain terms: a protected
        # term (a keyword such as "个体工商户") wins over a stop phrase inside it ("个").
        self._stop = frozenset(fold(s) for s in stop_phrases)
        terms: dict[str, bool] = dict.fromkeys(self._stop, True)
        for term in protected:
            t = compact(term)
            if len(t) >= 2 and all(is_cjk(c) for c in t):
                terms[t] = False
        for value in table.values():
            if len(value) >= 2 and all(is_cjk(c) for c in value):
                terms[value] = False
        self._by_first: dict[str, list[tuple[str, bool]]] = {}
        for term, is_stop in terms.items():
            self._by_first.setdefault(term[0], []).append((term, is_stop))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)

    def rewrite(self, folded: str) -> str:
        """Replace colloquial variants with canonical words, longest match first."""
        if self._rewrite_re is None:
            return folded

        def replace(match: re.Match[str]) -> str:
            found = match.group(0)
            context = self._context.get(found)
            if context is None:
                return self._rewrites[found]
            yes, no, needed = context
            return yes if any(c in folded for c in needed) else no

        return self._rewrite_re.sub(replace, folded)

    def analyze(self, text: str) -> Analysis:
        """Fold, rewrite and segment ``text`` into content chunks and English words."""
        folded = fold(text)
        rewritten = _REDUPLICATED_RE.sub(r"\1", self.rewrite(folded))
        chunks: list[str] = []
        raw: list[str] = []
        for run in _RUN_RE.findall(rewritten):
            if is_cjk(run[0]):
                chunks.extend(self._segment(run))
            else:
                raw.append(run)
        words = tuple(self._english_words(raw)) if raw else ()
        return Analysis(folded=folded, chunks=tuple(chunks), words=words)

    def _english_words(self, raw: list[str]) -> list[str]:
        """Stem, map phrases and words to canonical keywords (longest first), drop stop words."""
        stems = [stem(w) for w in raw]
        out: list[str] = []
        i = 0
        while i < len(stems):
            for size in range(min(self._english_longest, len(stems) - i), 0, -1):
                canonical = self._english.get(tuple(stems[i : i + size]))
                if canonical is not None:
                    out.append(canonical)
                    i += size
                    break
            else:
                if len(raw[i]) > 1 and raw[i] not in ENGLISH_STOP:
                    out.append(stems[i])
                i += 1
        return out

    def _segment(self, run: str) -> list[str]:
        out: list[str] = []
        current: list[str] = []
        i = 0
        while i < len(run):
            match: tuple[str, bool] | None = None
            for term, is_stop in self._by_first.get(run[i], ()):
                if run.startswith(term, i):
                    match = (term, is_stop)
                    break
            if match is None:
                current.append(run[i])
                i += 1
                continue
            term, is_stop = match
            if is_stop:
                if current:
                    out.append("".join(current))
                    current = []
            elif SPLIT_TERMS:
                if current:
                    out.append("".join(current))
                    current = []
                out.append(term)
            else:
                current.append(term)
            i += len(term)
        if current:
            out.append("".join(current))
        return out


def split_longest_first(text: str, takes: Callable[[str], bool], longest: int) -> list[str] | None:
    """Split ``text`` into pieces that ``takes`` accepts (none longer than ``longest``),
    trying the longest piece first and backtracking ("谢谢你们" is 谢谢 + 你们, not 谢 +
    谢你...); None if no split covers the whole text."""
    memo: dict[int, list[str] | None] = {}

    def split_from(i: int) -> list[str] | None:
        if i == len(text):
            return []
        if i in memo:
            return memo[i]
        memo[i] = None
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if takes(piece):
                rest = split_from(i + size)
                if rest is not None:
                    memo[i] = [piece, *rest]
                    break
        return memo[i]

    return split_from(0)


def char_grams(chunk: str) -> list[str]:
    """Bigrams of a CJK chunk; a one-character chunk is its own gram."""
    if len(chunk) == 1:
        return [chunk]
    return [chunk[i : i + 2] for i in range(len(chunk) - 1)]
