"""The evidence search: which topics' own words a question uses, and how sure that makes us.

This was the whole matcher until the learned classifier (``knowledge.classifier``) took over
ranking; ``knowledge.search.Searcher`` still runs it on every question for what it does well:
greetings, thanks, emoji, bare generic words (the menu), and the check that a question naming
a service the report does not cover (mortgages, permits) is not answered; and alone on very
large knowledge bases, where a classifier per topic would not fit. Its results are kept
exact: the benchmarks compare against it.

``EvidenceSearch`` is built once per knowledge base and precomputes everything: an inverted index
from character bigrams (and English words) to topics, their IDF weights, and the normalised
example questions. A search scores candidate topics on three signals and combines them into
a confidence in [0, 1]:

* evidence: the IDF mass of the question's grams that the topic's vocabulary contains
  (saturating, so one distinctive word counts and a pile of common ones does not);
* coverage: the share of the question's IDF mass that the topic explains (words that no
  topic knows, such as "身份证" or "天气", pull it down);
* similarity: the best rapidfuzz score against the topic's example questions.

A confident wrong answer is worse than "I don't know", so the answer threshold is strict and
an answer must also pass checks that generalise beyond the questions the weights were tuned
on (``Searcher._sure``): a lead over the runner-up, most of the question explained, evidence
from the topic's own words, no near-duplicate example in another topic, and no runner-up
that explains as much of the question the winner cannot. Close calls become "ambiguous" (the
bot offers a choice); a match on single characters alone, a question naming a service the
report does not cover (permits, mortgages: ``lexicon.OUT_OF_SCOPE_TERMS``, unless the best
topic lists the word), and everything else, abstains. Greetings, thanks and emoji-only
messages (reasons "greeting"/"thanks", which staff tools skip), one- or two-character
questions and bare generic words never reach the ranking; a question in generic words
only that no topic wins gets the menu. Pure Python plus rapidfuzz; no ``telegram``, no
jieba, no I/O.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz, process

from knowledge.lexicon import (
    ACK_EMOJI,
    GENERIC_TERMS,
    GREETINGS,
    MENU_WORDS,
    NOT_PERMITS,
    OUT_OF_SCOPE_TERMS,
    SOCIAL_FILLERS,
    THANKS,
    WEAK_TERMS,
    word_set,
)
from knowledge.model import KnowledgeBase, Topic
from knowledge.normalize import (
    Analysis,
    Analyzer,
    char_grams,
    compact,
    fold,
    is_cjk,
    split_longest_first,
)
from knowledge.result import Reason, SearchResult

# Field weights: what a topic is about (title, keywords, examples) counts fully; words that
# merely occur in its answer or source count a little, to catch questions about details.
_W_CORE = 1.0
_W_BODY = 0.2
# Single characters of a topic's words, matched only by one-character leftovers of a question
# ("头年的税怎么返" leaves "税" and "返"): weaker evidence than a whole word.
_W_CHAR = 0.5
# IDF multiplier for words every office request uses (lexicon.WEAK_TERMS).
_WEAK = 0.3
# Score = weighted sum of the three signals (see module docstring).
_W_EVIDENCE = 0.50
_W_COVERAGE = 0.30
_W_SIMILARITY = 0.20
# Evidence saturates: one word that only this topic uses gives 1 - e^-1.5 = 0.78 of it.
_SATURATION = 1.5
# rapidfuzz scores below this are noise between unrelated Chinese strings of similar length.
_FUZZ_FLOOR = 35.0
_FUZZ_SPAN = 60.0
# Decision thresholds on the calibrated confidence (see ``calibrate``).
ANSWER_THRESHOLD = 0.50
AMBIGUOUS_THRESHOLD = 0.30
# Raw score -> confidence, piecewise linear. On the dev data (devset.toml and holdout.toml to
# holdout3.toml), answers at or above the answer threshold that pass ``Searcher._sure`` are
# right >= 98% of the time (tests/test_knowledge_devset.py checks it), and out-of-scope
# questions almost never reach it.
_CALIBRATION = ((0.0, 0.0), (0.30, 0.30), (0.45, 0.50), (0.75, 0.85), (1.0, 1.0))
# A runner-up closer than this to the best costs confidence: two topics that fit equally
# well are a choice.
_MARGIN = 0.15
# What an answer needs besides its confidence (``Searcher._sure``): a raw lead of _MIN_GAP;
# _ANSWER_COVERAGE of the question's IDF mass explained; topic words (not single characters,
# not answer text) worth _SPECIFIC of one unique word; no runner-up with a near-duplicate
# example (similarity >= _SIMILAR and within _SIMILARITY_TIE of the winner's) while the lead
# is under _SIMILAR_GAP; and no runner-up whose own words outweigh _RIVAL times the winner's.
_MIN_GAP = 0.03
_ANSWER_COVERAGE = 0.2
_SPECIFIC = 0.3
_SIMILAR = 0.4
_SIMILARITY_TIE = 0.1
_SIMILAR_GAP = 0.15
_RIVAL = 0.7
# Confidence reported when those checks turn an answer into a choice, or a match on single
# characters into an abstention: just below the line it failed.
_BELOW_ANSWER = 0.49
_BELOW_CHOICE = 0.29
_CANDIDATES = 8
_PARTICLES = frozenset("啊呀呢吧哈啦嘛哦噢喔嗯了的")
_GREET_EN = word_set("hi hello hey yo hiya there all guys bot morning evening good")
_THANK_EN = word_set("thanks thank you thx ty so much very a lot ok okay cheers")


@dataclass(frozen=True, slots=True)
class _Scored:
    index: int
    score: float
    coverage: float
    similarity: float


class EvidenceSearch:
    """Ranks a knowledge base's topics for free-text questions. Build once, search often."""

    def __init__(self, kb: KnowledgeBase, *, candidates: int = _CANDIDATES) -> None:
        self.kb = kb
        self._topics = kb.topics
        self._index = {t.id: i for i, t in enumerate(kb.topics)}
        self._candidates = candidates
        protected = [t for topic in kb.topics for t in (*topic.keywords, *topic.synonyms)]
        self.analyzer = Analyzer(protected=protected)
        vocab = [self._topic_vocab(topic) for topic in kb.topics]
        examples = [self._example_keys(topic) for topic in kb.topics]
        n = len(kb.topics)
        # Document frequency weighted like the fields: a word in one topic's keywords that
        # many answers merely mention ("登记项目") stays distinctive of that topic.
        df: dict[str, float] = {}
        for v in vocab:
            for g, w in v.items():
                df[g] = df.get(g, 0.0) + w
        weak: set[str] = set()
        for term in WEAK_TERMS:
            t = self.analyzer.rewrite(fold(term))
            weak.update(char_grams(t) if is_cjk(t[0]) else [t])
        self._weak = frozenset(weak)
        self._idf = {
            g: math.log(1.0 + n / d) * (_WEAK if self._is_weak(g) else 1.0) for g, d in df.items()
        }
        # A word no topic knows weighs like the rarest known one: it is unexplained content.
        self._idf_unseen = math.log(1.0 + n)
        self._postings = _postings(vocab, df, cap=max(64, n // 20))
        self._vocab = vocab
        self._examples = examples
        self._generic = frozenset(self.analyzer.rewrite(fold(t)) for t in GENERIC_TERMS)
        # What each topic says it covers (title, keywords, synonyms): an out-of-scope word
        # such as 执照 is in scope for a topic that lists it.
        self._covers = [
            tuple(compact(x) for x in (t.title, t.title_en, *t.keywords, *t.synonyms))
            for t in kb.topics
        ]

    def _topic_vocab(self, topic: Topic) -> dict[str, float]:
        """A topic's grams weighted by where they come from: title, keywords, synonyms and
        examples (core), single characters of those, then answer and source (body)."""
        v: dict[str, float] = {}
        core = (topic.title, topic.title_en, *topic.keywords, *topic.synonyms, *topic.examples)
        for text in core:
            analysis = self.analyzer.analyze(text)
            for g in self._grams(analysis):
                # A one-character chunk ("领" of "奖励怎么领") is a fragment, not a word.
                v[g] = _W_CORE if len(g) > 1 else max(v.get(g, 0.0), _W_CHAR)
            for chunk in analysis.chunks:
                for char in chunk:
                    v.setdefault(char, _W_CHAR)
        for text in (topic.answer, topic.answer_en, *topic.source):
            for g in self._grams(self.analyzer.analyze(text)):
                v.setdefault(g, _W_BODY)
        return v

    def _example_keys(self, topic: Topic) -> list[str]:
        keys = [self.analyzer.analyze(e).key for e in (topic.title, *topic.examples)]
        return list(dict.fromkeys(k for k in keys if k))

    def _is_weak(self, gram: str) -> bool:
        # Two weak characters side by side ("有人来厂里" gives "人来") are a seam between
        # words, not a word.
        weak = self._weak
        return gram in weak or (len(gram) == 2 and gram[0] in weak and gram[1] in weak)

    @staticmethod
    def _grams(analysis: Analysis) -> list[str]:
        # Sorted, so float sums run in the same order in every process: a set's order follows
        # the per-process string hash, which could break a tie differently after a restart.
        grams: set[str] = set()
        for chunk in analysis.chunks:
            grams.update(char_grams(chunk))
        grams.update(analysis.words)
        return sorted(grams)

    def search(self, text: str) -> SearchResult:
        """Decide whether to answer ``text`` with a topic, offer a choice, or abstain."""
        return self.search_analysed(text, self.analyzer.analyze(text))

    def search_analysed(self, text: str, analysis: Analysis) -> SearchResult:
        """``search`` for a question already analysed (``analysis`` is ``analyze(text)``)."""
        return replace(self._search(text, analysis), normalized=analysis.key)

    def _search(self, text: str, analysis: Analysis) -> SearchResult:
        squeezed = compact(text)
        if not squeezed:
            emoji = _emoji_only(text)
            return SearchResult("abstain", None, 0.0, (), emoji or "empty")
        social = _social(text, squeezed)
        if social is not None:
            return SearchResult("abstain", None, 0.0, (), social)
        if squeezed in MENU_WORDS or squeezed.isdigit():
            return SearchResult("abstain", None, 0.0, (), "menu_word")
        if analysis.empty:
            return SearchResult("abstain", None, 0.0, (), "too_short")
        grams = self._grams(analysis)  # once: ranking, the checks below and _sure use them
        ranked = self._rank(analysis, grams)
        cjk_chars = sum(1 for c in squeezed if is_cjk(c))
        # "loan" is a bare keyword; "how do I get a loan" is a question about loans.
        tokens = len(re.findall(r"[a-z0-9]+", analysis.folded))
        bare_word = cjk_chars == 0 and len(analysis.words) == 1 and tokens <= 2
        # A bare generic word ("政策", "创业") with no question around it gets the menu; with
        # one ("全民创业是啥") it is a real question about the campaign. English has no
        # campaign name among its generic words: "can you help me" is always the menu.
        generic = self._is_generic(analysis) and (
            cjk_chars == 0 or analysis.key == self.analyzer.rewrite(squeezed)
        )
        if (cjk_chars and len(squeezed) <= 2) or bare_word or generic:
            # A keyword some topics are about ("贷款") names them; a generic word ("政策")
            # is about all of them, and the best few would be noise: the category menu only.
            menu = (
                ()
                if generic
                else tuple(self._topics[s.index].id for s in ranked[:3] if s.score >= 0.25)
            )
            reason: Reason = "keyword_menu" if menu or generic else "too_short"
            top = ranked[0].score if ranked else 0.0
            return SearchResult("abstain", None, round(min(calibrate(top), 0.3), 3), menu, reason)
        if not ranked:
            return SearchResult("abstain", None, 0.0, (), "no_match")
        # A question in generic words only ("创业有啥好处") that no topic wins is about the
        # policies in general: the menu, not a choice among topics that merely say 创业.
        if self._is_generic(analysis) and (
            len(ranked) == 1 or ranked[0].score - ranked[1].score < _MIN_GAP
        ):
            top = calibrate(ranked[0].score)
            return SearchResult("abstain", None, round(min(top, 0.3), 3), (), "keyword_menu")
        # Single characters alone ("公积金怎么取" shares only "取" with "取得成效") are chance.
        vocab = self._vocab[ranked[0].index]
        if not any(len(g) > 1 and g in vocab for g in grams) or any(
            not any(term in c for c in self._covers[ranked[0].index])
            for term in _out_of_scope_terms(analysis)
        ):
            top = calibrate(ranked[0].score)
            return SearchResult("abstain", None, round(min(top, _BELOW_CHOICE), 3), (), "no_match")
        return self._decide(ranked, grams)

    def names_uncovered_service(self, analysis: Analysis, topic_id: str) -> bool:
        """Whether the analysed question names a service the report does not cover (a
        mortgage, a permit) that the topic ``topic_id`` does not list among its words."""
        index = self._index[topic_id]
        return any(
            not any(term in c for c in self._covers[index])
            for term in _out_of_scope_terms(analysis)
        )

    def _decide(self, ranked: list[_Scored], grams: list[str]) -> SearchResult:
        best = ranked[0]
        second = ranked[1] if len(ranked) > 1 else None
        gap = best.score - (second.score if second else 0.0)
        # A close runner-up costs confidence: two topics that fit equally well are a choice.
        confidence = calibrate(best.score - max(0.0, _MARGIN - gap))
        topic = self._topics[best.index]
        if confidence >= ANSWER_THRESHOLD and self._sure(grams, best, second, gap):
            return SearchResult(
                "answer", topic.id, round(confidence, 3), topic.related[:3], "match"
            )
        confidence = min(confidence, _BELOW_ANSWER)
        if calibrate(best.score) >= AMBIGUOUS_THRESHOLD:
            floor = max(0.25, best.score - 0.2)
            alts = tuple(self._topics[s.index].id for s in ranked[:3] if s.score >= floor)
            return SearchResult("ambiguous", topic.id, round(confidence, 3), alts, "ambiguous")
        return SearchResult("abstain", None, round(confidence, 3), (), "no_match")

    def _sure(self, grams: list[str], best: _Scored, second: _Scored | None, gap: float) -> bool:
        """Whether the best topic is clearly the one: the checks an answer must pass.

        A calibrated score alone is not enough: a near-duplicate example in another topic, a
        question half of which no topic explains, or a win on words both topics share all make
        a confident answer a gamble, so they turn it into a choice.
        """
        if gap < _MIN_GAP or best.coverage < _ANSWER_COVERAGE:
            return False
        # The win must rest on words of the topic itself (title, keywords, examples), not on
        # single characters or words its answer merely mentions.
        words = [g for g in grams if len(g) > 1]
        win = self._vocab[best.index]
        core = sum(self._idf.get(g, 0.0) for g in words if win.get(g, 0.0) >= _W_CORE)
        if core < _SPECIFIC * self._idf_unseen:
            return False
        if second is None:
            return True
        # A near-duplicate example in the runner-up: the examples cannot tell them apart.
        if (
            second.similarity >= _SIMILAR
            and second.similarity >= best.similarity - _SIMILARITY_TIE
            and gap < _SIMILAR_GAP
        ):
            return False
        # The runner-up explains words the winner does not, as much as the other way round:
        # the question is about both ("项目可不可行" + "帮我看看项目").
        run = self._vocab[second.index]
        own = other = 0.0
        for g in words:
            w = self._idf.get(g, 0.0)
            own += w * max(0.0, win.get(g, 0.0) - run.get(g, 0.0))
            other += w * max(0.0, run.get(g, 0.0) - win.get(g, 0.0))
        return other <= _RIVAL * own

    def similar_examples(self, min_score: float = 80.0) -> list[tuple[str, str, str, str]]:
        """Example questions of different topics that read almost the same after normalising.

        Returns (topic id, example, other topic id, other example) pairs. Such pairs make the
        search offer a choice instead of answering; ``kb check`` lists them so staff can
        reword one of the two.
        """
        keyed = [
            (topic.id, example, key)
            for topic in self._topics
            for example in topic.examples
            if (key := self.analyzer.analyze(example).key)
        ]
        pairs: list[tuple[str, str, str, str]] = []
        for (tid, example, key), (oid, other, okey) in itertools.combinations(keyed, 2):
            if tid != oid and fuzz.ratio(key, okey) >= min_score:
                pairs.append((tid, example, oid, other))
        return pairs

    def _is_generic(self, analysis: Analysis) -> bool:
        parts = [*analysis.chunks, *analysis.words]
        return bool(parts) and all(p in self._generic for p in parts)

    def _rank(self, analysis: Analysis, grams: list[str]) -> list[_Scored]:
        if not grams:
            return []
        idf = self._idf
        unseen = self._idf_unseen
        mass = sum(idf.get(g, unseen * (_WEAK if self._is_weak(g) else 1.0)) for g in grams)
        partial: dict[int, float] = {}
        for g in grams:
            posting = self._postings.get(g)
            if posting is None:
                continue
            weight = idf[g]
            for i, w in posting:
                partial[i] = partial.get(i, 0.0) + weight * w
        if not partial:
            return []
        shortlist = heapq.nlargest(self._candidates, partial, key=partial.__getitem__)
        key = analysis.key
        scored: list[_Scored] = []
        for i in shortlist:
            vocab = self._vocab[i]
            evidence = sum(idf[g] * vocab[g] for g in grams if g in vocab)
            coverage = evidence / mass
            saturated = 1.0 - math.exp(-_SATURATION * evidence / unseen)
            similarity = 0.0
            if key and self._examples[i]:
                hit = process.extractOne(key, self._examples[i], scorer=fuzz.ratio)
                if hit is not None:
                    similarity = _clip((hit[1] - _FUZZ_FLOOR) / _FUZZ_SPAN)
            score = _W_EVIDENCE * saturated + _W_COVERAGE * coverage + _W_SIMILARITY * similarity
            scored.append(_Scored(i, score, coverage, similarity))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored


def calibrate(raw: float) -> float:
    """Map a raw score in [0, 1] to the reported confidence (piecewise linear, monotone)."""
    raw = _clip(raw)
    for (x0, y0), (x1, y1) in itertools.pairwise(_CALIBRATION):
        if raw <= x1:
            return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return 1.0


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


_OUT_OF_SCOPE_RE = re.compile("|".join(re.escape(t) for t in sorted(OUT_OF_SCOPE_TERMS)))


def _out_of_scope_terms(analysis: Analysis) -> list[str]:
    """Words of ``analysis`` naming a service the report does not cover (permits, mortgages)."""
    found: list[str] = []
    # As typed, or as the lexicon rewrote it ("房子贷款" is 房贷). One regular-expression pass
    # finds whether any term occurs; most questions have none.
    text = "|".join((analysis.folded, *analysis.chunks))
    if _OUT_OF_SCOPE_RE.search(text) or not OUT_OF_SCOPE_TERMS.isdisjoint(analysis.words):
        found = [t for t in OUT_OF_SCOPE_TERMS if t in text or t in analysis.words]
    found += [c for c in analysis.chunks if c.endswith("证") and c not in NOT_PERMITS]
    return found


def _emoji_only(text: str) -> Literal["greeting", "thanks"] | None:
    """A message of emoji alone ("👍", "🙂🙂") is social: thanks if it acknowledges."""
    symbols = [c for c in text if unicodedata.category(c) == "So"]
    if not symbols:
        return None
    return "thanks" if all(c in ACK_EMOJI for c in symbols) else "greeting"


def _social(text: str, squeezed: str) -> Literal["greeting", "thanks"] | None:
    """Recognise a message that is only a greeting and/or thanks ("你好", "谢谢啦", "hi")."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    cjk = "".join(c for c in squeezed if is_cjk(c)).rstrip("".join(_PARTICLES))
    has_thanks = False
    if words:
        if not all(w in _GREET_EN or w in _THANK_EN for w in words):
            return None
        has_thanks = any(w in {"thanks", "thank", "thx", "ty", "cheers"} for w in words)
    if cjk:
        parts = _split_social(cjk)
        if parts is None:
            return None
        has_thanks = has_thanks or any(p in THANKS for p in parts)
    if not words and not cjk:
        return None
    return "thanks" if has_thanks else "greeting"


_SOCIAL_VOCAB: frozenset[str] = GREETINGS | THANKS
_SOCIAL_LONGEST = max(len(v) for v in _SOCIAL_VOCAB | SOCIAL_FILLERS)
# Every character a greeting or thanks can be made of: anything else rules the split out.
_SOCIAL_CHARS = frozenset("".join(_SOCIAL_VOCAB | SOCIAL_FILLERS | _PARTICLES))


def _split_social(text: str) -> list[str] | None:
    """Split ``text`` into greeting/thanks phrases and particles, or None if it has more."""
    if len(text) > 40 or not _SOCIAL_CHARS.issuperset(text):
        return None
    parts = split_longest_first(text, _social_piece, _SOCIAL_LONGEST)
    return parts if parts is not None and any(p in _SOCIAL_VOCAB for p in parts) else None


def _social_piece(piece: str) -> bool:
    return (
        piece in _SOCIAL_VOCAB
        or piece in SOCIAL_FILLERS
        or (len(piece) == 1 and piece in _PARTICLES)
    )


def _postings(
    vocab: list[dict[str, float]], df: dict[str, float], cap: float
) -> dict[str, tuple[tuple[int, float], ...]]:
    """Gram -> (topic, weight) pairs. Very common grams (in more than ``cap`` topics' worth)
    have tiny IDF; leaving them out keeps candidate generation fast on large bases. They
    still count when the candidates are scored."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, v in enumerate(vocab):
        for g, w in v.items():
            if df[g] <= cap:
                postings.setdefault(g, []).append((i, w))
    return {g: tuple(p) for g, p in postings.items()}
