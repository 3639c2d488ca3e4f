"""What the learned matcher sees of a question: character n-grams, pinyin, words and cues.

Features generalise from the topics' example questions instead of a list of words: character
n-grams (1-3) of the question as typed and after the lexicon's rewrites, toneless pinyin
syllable pairs (so a character typed by sound, 退睡 for 退税, still matches), stemmed English
words and latin pinyin ("daikuan"), and a few question-type cues (how to apply / how much /
where / whom to ask) that tell a request for procedure from one for figures. Pure functions;
no ``telegram``, no numpy.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.normalize import Analysis, Analyzer, compact, fold, is_cjk, stem
from knowledge.pinyin import split_latin, syllable

_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
_CJK_DIGIT_RE = re.compile(r"[\u4e00-\u9fff]\d(?!\d)|(?<!\d)\d[\u4e00-\u9fff]")
_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
# Question-type cues: what kind of answer the resident wants, whatever the topic.
CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("how", ("怎么", "咋", "如何", "怎样", "啥手续", "流程", "how")),
    ("much", ("多少", "几成", "几个", "多大", "how much", "how many")),
    ("where", ("在哪", "哪里", "哪儿", "去哪", "地址", "where")),
    ("whom", ("找谁", "谁管", "哪个部门", "谁负责", "who")),
    ("when", ("什么时候", "啥时候", "几时", "多久", "when")),
    ("can", ("能不能", "可以", "能否", "行不行", "吗", "不", "can ")),
)


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Which feature families to extract (the alternatives measured side by side)."""

    chars: bool = True  # n-grams of the text as typed
    rewritten: bool = True  # n-grams after the lexicon's rewrites and stop phrases
    pinyin: bool = True
    cues: bool = True
    max_n: int = 2


class Featurizer:
    """Turns a text into a sorted list of distinct feature strings."""

    def __init__(self, analyzer: Analyzer, config: FeatureConfig = FeatureConfig()) -> None:
        self.analyzer = analyzer
        self.config = config

    def __call__(self, text: str, analysis: Analysis | None = None) -> list[str]:
        """The features of ``text`` (sorted, so every process sums them in one order);
        ``analysis``: the analyzer's result for ``text`` if the caller has it already."""
        cfg = self.config
        out: set[str] = set()
        folded = fold(text)
        if _CJK_DIGIT_RE.search(folded):
            folded = folded.translate(_DIGITS)  # "1对1" reads as 一对一
        squeezed = compact(text)
        runs = _RUN_RE.findall(folded)
        if cfg.chars:
            for run in runs:
                if is_cjk(run[0]):
                    _grams(out, "c", run, cfg.max_n)
                else:
                    out.add("w:" + stem(run))
            if cfg.pinyin:
                _sounds(out, folded)
        if cfg.rewritten:
            if analysis is None:
                analysis = self.analyzer.analyze(text)
            for chunk in analysis.chunks:
                _grams(out, "a", chunk, 2)
            out.update("e:" + w for w in analysis.words)
        if cfg.cues:
            for name, needles in CUES:
                if any(n in folded for n in needles):
                    out.add("q:" + name)
        if not out and squeezed:
            out.add("c:" + squeezed[:8])
        return sorted(out)


def typed_pinyin(text: str) -> list[str]:
    """The features ``text`` would have if its Chinese were typed as latin pinyin: each
    character's syllable and each pair of neighbours as a word ("贷款" -> dai, kuan, daikuan),
    and the syllable pairs. Trained as an extra copy of every example, so a question typed in
    pinyin ("dai kuan", "peixun") meets the examples as words too, not only by sound pairs."""
    out: set[str] = set()
    for run in _RUN_RE.findall(fold(text)):
        if not is_cjk(run[0]):
            continue
        sounds = [s for s in (syllable(c) for c in run) if s]
        for word in (*sounds, *(a + b for a, b in itertools.pairwise(sounds))):
            out.add("w:" + stem(word))
            out.add("e:" + stem(word))
        _syllable_pairs(out, sounds)
    return sorted(out)


def _grams(out: set[str], prefix: str, run: str, max_n: int) -> None:
    for n in range(1, max_n + 1):
        for i in range(len(run) - n + 1):
            out.add(f"{prefix}:{run[i : i + n]}")


def _sounds(out: set[str], folded: str) -> None:
    """Pairs of toneless syllables along each phrase, whether typed in characters or pinyin.

    A phrase runs across spaces and across characters next to pinyin ("tui shui", "贷kuan",
    "fanxiang chuangye"), so typed pinyin meets the examples' characters by sound; punctuation,
    digits and words that are not pinyin end it.
    """
    phrase: list[str] = []
    end = 0
    for match in _RUN_RE.finditer(folded):
        if folded[end : match.start()].strip():
            _syllable_pairs(out, phrase)
            phrase = []
        end = match.end()
        run = match.group()
        if is_cjk(run[0]):
            phrase.extend(s for s in (syllable(c) for c in run) if s)
            continue
        syllables = split_latin(run)
        if syllables:
            phrase.extend(syllables)
        else:
            _syllable_pairs(out, phrase)
            phrase = []
    _syllable_pairs(out, phrase)


def _syllable_pairs(out: set[str], syllables: Iterable[str]) -> None:
    seq = list(syllables)
    for a, b in itertools.pairwise(seq):
        out.add(f"p:{a}_{b}")
