"""Find the topic a resident's question is about, say when it is outside what we know, or abstain.

``Searcher`` is built once per knowledge base. Each question goes through two matchers:

* the evidence search (``knowledge.evidence``): greetings, thanks and emoji are answered
  socially; a bare generic word ("政策") gets the category menu; a question naming a service
  the report does not cover (a mortgage, a permit) that the best topic does not list is not
  answered from a topic;
* the learned classifier (``knowledge.classifier``), trained on every topic's examples
  (staff additions included) and on ordinary questions the report does not cover
  (``_out_of_scope.toml``), ranks the topics and the out-of-scope groups.

The classifier decides: when the out-of-scope groups together have ``OUT_OF_SCOPE_THRESHOLD``
or more and more than any topic, the question is outside what the bot knows (reason
"out_of_scope", with the group whose "who can help" to show; a bare generic word such as "政策"
still gets the category menu) - unless the best topic is likelier than every single group and
the evidence search points at it too, or it is far ahead of every group (``Thresholds.rescue``):
then it is offered in the choice, since 21 groups each a little likely add up without any of
them being what the resident asked. Otherwise the topics' probabilities are read given that the
question is in scope (divided by the topics' share, so that many out-of-scope groups do not
dilute them): a topic at ``ANSWER_THRESHOLD`` or more with a lead of ``ANSWER_MARGIN`` is
answered; a spread over a few topics becomes the "您是想问…" choice; anything else abstains.
The thresholds were chosen on the dev sets (the last one: dev8, as a curve of out-of-scope
abstention against in-scope direct/wrong; README, "Policy Q&A: how well it answers"). Results
are deterministic: the classifier's weights and every sum run in a fixed order, never in hash
order.

A message asking two things ("税能返吗？另外介绍人有奖金吗") is cut at its punctuation and joining
words; when two pieces are confidently about different topics, each request goes through the
search on its own and both are answered (``SearchResult.also``) or offered first in the choice
(``Searcher._two_requests``).

Knowledge bases with more than ``MAX_LEARNED_TOPICS`` topics use the evidence search alone (a
dense weight per feature and topic would not fit; the shipped base has 20 topics).
Pure and synchronous; no ``telegram``, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge.classifier import OOS_PREFIX, Classifier, FloatArray, Hyper, training_samples
from knowledge.evidence import EvidenceSearch
from knowledge.features import FeatureConfig, Featurizer
from knowledge.model import KnowledgeBase, Topic
from knowledge.normalize import Analysis, is_cjk
from knowledge.render import render_answer, render_choices, render_text
from knowledge.result import SOCIAL_REASONS, Decision, Reason, SearchResult

__all__ = [
    "ANSWER_MARGIN",
    "ANSWER_THRESHOLD",
    "Decision",
    "Reason",
    "SearchResult",
    "Searcher",
    "Thresholds",
    "answer_text",
    "result_to_json",
]

ANSWER_THRESHOLD = 0.50
ANSWER_MARGIN = 0.20
OUT_OF_SCOPE_THRESHOLD = 0.40
MAX_LEARNED_TOPICS = 500
# Where a message may ask a second thing: sentence punctuation, spaces, and the words that
# join a second question on ("……？另外……", "……，顺便问下……").
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_REQUEST_BREAK = re.compile(
    rf"[，,。？?！!；;、]+\s*|(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])|另外|顺便|再问一下|还想问|再就是|对了"
)
# A piece that asks something (rather than telling circumstances: "我开板厂的").
_ASKS = re.compile(
    r"[吗嘛呢么啥咋怎哪谁几？?]|什么|如何|多少|能不能|可不可以|是不是|有没有|行不|[不没]\s*$"
    r"|^\s*(how|what|where|who|when|which|can|could|is|are|do|does|will)\b",
    re.IGNORECASE,
)
# A piece shorter than this (characters) joins the one before it; at most this many pieces
# are read one by one (the rest stays with the last), which bounds the cost per message.
_MIN_PIECE = 4
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_MAX_PIECES = 6


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the classifier's probabilities turn into decisions (see the module docstring)."""

    answer: float = ANSWER_THRESHOLD
    margin: float = ANSWER_MARGIN
    out_of_scope: float = OUT_OF_SCOPE_THRESHOLD
    # A choice when the best three topics together have this much; each offered topic
    # needs ``floor``.
    choice: float = 0.50
    floor: float = 0.08
    # ... or when the best topic alone has ``lead`` and more than all out-of-scope classes.
    lead: float = 1.0
    # A bare generic word ("全民创业", "政策") is answered only when one topic is this sure.
    generic: float = 0.80
    # When the out-of-scope classes win but the evidence search answers a topic confidently
    # (its own checks passed), "choice": offer that topic; "answer": answer it; "": abstain.
    # Shipped off: it answered bank, phone-number and exam questions from policy topics
    # because they share a word with one (measured in README, "Policy Q&A").
    evidence_over_oos: str = ""
    # ... only when the classifier's best topic is that topic too, and the out-of-scope
    # classes have less than this.
    overrule: float = 0.9
    # Answer and choice read the topics' probabilities given that the question is in scope
    # (divided by the topics' share), so many out-of-scope groups do not dilute them.
    conditional: bool = True
    # A direct answer also needs a second opinion: the evidence search answers the same
    # topic and the classifier has ``agreed``, or the classifier alone has ``alone``.
    # Otherwise the question gets the choice of the best topics. Chosen on the pooled dev
    # sets (qa3 notes): it halves the confidently wrong answers for ~7 points of direct.
    agreed: float = 0.65
    alone: float = 0.80
    # When the out-of-scope groups together win but the best topic has ``rescue`` or more,
    # more than any single group, and the evidence search points at it too, offer it.
    rescue: float = 0.20
    # ... or, without the evidence search, when it has ``rescue_alone`` and
    # ``rescue_ratio`` times the likeliest group.
    rescue_alone: float = 0.25
    rescue_ratio: float = 3.0


SHIPPED_FEATURES = FeatureConfig()
SHIPPED_HYPER = Hyper()


@dataclass(frozen=True, slots=True)
class _Ranking:
    """The classifier's view of one question."""

    p: FloatArray  # every class's probability
    ranked: tuple[int, ...]  # the topics' rows, likeliest first
    outside: float  # the out-of-scope groups together
    share: float  # what topic probabilities are divided by (1 - outside when conditional)

    def raw(self, n: int) -> float:
        """The ``n``-th likeliest topic's probability among all classes."""
        return float(self.p[self.ranked[n]]) if n < len(self.ranked) else 0.0

    def topic(self, n: int) -> float:
        """The ``n``-th likeliest topic's probability as the decisions read it."""
        return self.raw(n) / self.share

    def leads(self, limits: Thresholds) -> bool:
        """Whether the likeliest topic clears the answer bar: ``answer`` or more, ``margin``
        ahead of the next."""
        p1 = self.topic(0)
        return p1 >= limits.answer and p1 - self.topic(1) >= limits.margin


def _asks(piece: str) -> bool:
    return _ASKS.search(piece) is not None


def _size(piece: str) -> int:
    """How much a piece of a message says: its characters, a latin word counting as two."""
    return sum(1 if is_cjk(c) else 0 for c in piece) + 2 * len(_LATIN_WORD.findall(piece))


def _abstain(base: SearchResult, reason: Reason, confidence: float) -> SearchResult:
    return replace(
        base,
        decision="abstain",
        topic_id=None,
        alternatives=(),
        reason=reason,
        confidence=confidence,
    )


class Searcher:
    """Decides, for free-text questions, between an answer, a choice and an abstention."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        cache_dir: Path | None = None,
        features: FeatureConfig = SHIPPED_FEATURES,
        hyper: Hyper = SHIPPED_HYPER,
        thresholds: Thresholds | None = None,
    ) -> None:
        """Index ``kb`` and train its classifier (``cache_dir``: where trained weights are
        kept between processes). ``features``, ``hyper`` and ``thresholds`` are the shipped
        choices; the benchmarks pass others to compare alternatives."""
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.evidence = EvidenceSearch(kb)
        self.analyzer = self.evidence.analyzer
        self._classifier: Classifier | None = None
        if 1 < len(kb.topics) <= MAX_LEARNED_TOPICS:
            featurizer = Featurizer(self.analyzer, features)
            self._classifier = Classifier.fit(
                featurizer,
                training_samples(kb, out_of_scope_weight=hyper.out_of_scope),
                hyper,
                cache_dir=cache_dir,
            )
            labels = self._classifier.labels
            self._labels = labels
            self._topic_rows = [i for i, x in enumerate(labels) if not x.startswith(OOS_PREFIX)]
            self._oos_rows = [i for i, x in enumerate(labels) if x.startswith(OOS_PREFIX)]

    def search(self, text: str) -> SearchResult:
        """Decide whether to answer ``text`` with a topic, offer a choice, or abstain; a
        message asking about two topics gets both answered, or both offered first."""
        whole = self._search(text)
        if whole.reason in SOCIAL_REASONS or self._classifier is None:
            return whole
        return self._two_requests(text, whole)

    def _search(self, text: str) -> SearchResult:
        analysis = self.analyzer.analyze(text)
        base = self.evidence.search_analysed(text, analysis)
        clf = self._classifier
        if clf is None or base.reason in SOCIAL_REASONS:
            return base
        features = clf.featurizer(text, analysis)
        if not clf.known(features):
            reason: Reason = "too_short" if base.reason == "too_short" else "no_match"
            return _abstain(base, reason, 0.0)
        return self._decide(base, analysis, self._rank(clf.scores(features)))

    def _rank(self, p: FloatArray) -> _Ranking:
        # Ties broken by file order, never by hash order.
        ranked = tuple(sorted(self._topic_rows, key=lambda i: (-p[i], i)))
        outside = sum(float(p[i]) for i in self._oos_rows)
        share = max(1.0 - outside, 1e-9) if self.thresholds.conditional else 1.0
        return _Ranking(p, ranked, outside, share)

    def _decide(self, base: SearchResult, analysis: Analysis, ranking: _Ranking) -> SearchResult:
        limits = self.thresholds
        labels = self._labels
        topic_id = labels[ranking.ranked[0]]
        generic = base.reason == "keyword_menu" and not base.alternatives
        if ranking.outside >= limits.out_of_scope and ranking.outside > ranking.raw(0):
            if generic:
                return base  # a generic word ("政策"): the category menu
            if self._evidence_overrules(base, topic_id, ranking.outside):
                if limits.evidence_over_oos == "answer":
                    return base
                return replace(base, decision="ambiguous", alternatives=(topic_id,))
            if self._rescued(base, topic_id, ranking):
                return self._choice(base, ranking, force=True)
            return self._out_of_scope(base, ranking)
        p1 = ranking.topic(0)
        agree = base.decision == "answer" and base.topic_id == topic_id
        sure = p1 >= limits.alone or (agree and p1 >= limits.agreed)
        answer = ranking.leads(limits) and sure
        if generic and not (answer and p1 >= limits.generic):
            return base
        if self.evidence.names_uncovered_service(analysis, topic_id):
            return self._out_of_scope(base, ranking)
        confidence = round(p1, 3)
        if answer:
            related = self.kb.by_id[topic_id].related[:3]
            return replace(
                base,
                decision="answer",
                topic_id=topic_id,
                confidence=confidence,
                alternatives=related,
                reason="match",
            )
        return self._choice(base, ranking)

    def _choice(self, base: SearchResult, ranking: _Ranking, force: bool = False) -> SearchResult:
        limits = self.thresholds
        labels = self._labels
        p1 = ranking.topic(0)
        confidence = round(p1, 3)
        top = [(labels[i], ranking.topic(n)) for n, i in enumerate(ranking.ranked[:3])]
        offered = tuple(label for label, q in top if q >= limits.floor)
        spread = sum(q for _, q in top)
        if offered and (
            force
            or ranking.leads(limits)
            or spread >= limits.choice
            or (p1 >= limits.lead and p1 > ranking.outside)
        ):
            return replace(
                base,
                decision="ambiguous",
                topic_id=offered[0],
                confidence=confidence,
                alternatives=offered,
                reason="ambiguous",
            )
        return _abstain(base, "no_match", confidence)

    def _rescued(self, base: SearchResult, topic_id: str, ranking: _Ranking) -> bool:
        """Whether a question the out-of-scope groups win only together is offered its best
        topic (see ``Thresholds.rescue``)."""
        limits = self.thresholds
        p1 = ranking.raw(0)
        group = max((float(ranking.p[i]) for i in self._oos_rows), default=0.0)
        if not limits.rescue or p1 < limits.rescue or group >= p1:
            return False
        if p1 >= limits.rescue_alone and p1 >= limits.rescue_ratio * group:
            return True
        offered = base.decision == "ambiguous" and topic_id in base.alternatives
        return base.decision != "abstain" and (base.topic_id == topic_id or offered)

    def _two_requests(self, text: str, whole: SearchResult) -> SearchResult:
        """``whole`` unless ``text`` asks two things that two different topics answer.

        The message is cut at its punctuation, spaces between Chinese words and joining words
        ("另外", "顺便") into pieces; each is classified alone. When one piece is confidently
        about topic A and a later one about topic B, the message is read as two requests
        (before and after B's piece), and each goes through the full search on its own:

        * the whole message answered with one of them, the other answered on its own and
          asked as a question ("……能贷款不"): both are answered;
        * the whole message not answered, both requests answered on their own and both asked
          as questions: both are answered, in the order asked;
        * the whole message not answered, otherwise: both are offered first in the choice.

        A statement of circumstances ("我开板厂的") is not a request of its own.
        """
        if whole.reason == "out_of_scope":
            return whole
        pair = self._request_pair(text)
        if pair is None:
            return whole
        parts = [(piece, self._search(piece)) for piece in pair]
        answered = [(piece, r.topic_id) for piece, r in parts if r.decision == "answer"]
        topics = [topic for _, topic in answered if topic]
        if whole.decision == "answer":
            others = [t for piece, t in answered if t and t != whole.topic_id and _asks(piece)]
            if len(topics) == 2 and whole.topic_id in topics and others:
                return replace(whole, also=(others[0],))
            return whole
        if len(set(topics)) == 2 and all(_asks(piece) for piece, _ in answered):
            return replace(
                whole,
                decision="answer",
                topic_id=topics[0],
                alternatives=self.kb.by_id[topics[0]].related[:3],
                reason="match",
                confidence=min(r.confidence for _, r in parts),
                also=(topics[1],),
            )
        wanted = [
            r.topic_id
            for piece, r in parts
            if r.decision != "abstain" and r.topic_id and _asks(piece)
        ]
        if len(set(wanted)) < 2:
            return whole
        kept = (whole.topic_id, *whole.alternatives) if whole.decision == "ambiguous" else ()
        if set(wanted) <= set(kept[:3]):
            return replace(whole, also=tuple(t for t in wanted if t != whole.topic_id)[:1])
        offered = tuple(dict.fromkeys(t for t in (*wanted, *kept) if t))[:3]
        return replace(
            whole,
            decision="ambiguous",
            topic_id=offered[0],
            alternatives=offered,
            reason="ambiguous",
            also=offered[1:2],
        )

    def _request_pair(self, text: str) -> tuple[str, str] | None:
        """``text`` cut into two requests about different topics, or None (see
        ``_two_requests``)."""
        raw = [piece for piece in _REQUEST_BREAK.split(text) if piece]
        pieces: list[str] = []
        for n, piece in enumerate(raw):
            if len(pieces) == _MAX_PIECES:
                pieces[-1] = " ".join((pieces[-1], *raw[n:]))
                break
            if pieces and _size(pieces[-1]) < _MIN_PIECE:
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        if len(pieces) > 1 and _size(pieces[-1]) < _MIN_PIECE:
            last = pieces.pop()
            pieces[-1] += " " + last
        if len(pieces) < 2:
            return None
        seen: str | None = None
        for n, piece in enumerate(pieces):
            topic = self._confident_topic(piece)
            if topic is None:
                continue
            if seen is not None and topic != seen:
                return " ".join(pieces[:n]), " ".join(pieces[n:])
            seen = topic
        return None

    def _confident_topic(self, text: str) -> str | None:
        """The topic the classifier alone would answer ``text`` with (in scope, usual bar)."""
        clf = self._classifier
        assert clf is not None
        ranking = self._rank(clf.scores(clf.featurizer(text)))
        if ranking.outside >= self.thresholds.out_of_scope or not ranking.leads(self.thresholds):
            return None
        return self._labels[ranking.ranked[0]]

    def _evidence_overrules(self, base: SearchResult, topic_id: str, outside: float) -> bool:
        """Whether the evidence search's confident answer stands against the out-of-scope
        classes (off in the shipped settings: see ``Thresholds.evidence_over_oos``)."""
        limits = self.thresholds
        agree = base.decision == "answer" and base.topic_id == topic_id
        return agree and outside < limits.overrule and bool(limits.evidence_over_oos)

    def _out_of_scope(self, base: SearchResult, ranking: _Ranking) -> SearchResult:
        group = None
        if self._oos_rows:
            row = max(self._oos_rows, key=lambda i: (ranking.p[i], -i))
            group = self._labels[row].removeprefix(OOS_PREFIX)
        return replace(
            _abstain(base, "out_of_scope", round(ranking.raw(0), 3)), out_of_scope=group
        )

    def similar_examples(self, min_score: float = 80.0) -> list[tuple[str, str, str, str]]:
        """Example questions of different topics that read almost the same (for ``kb check``)."""
        return self.evidence.similar_examples(min_score)


def answer_text(
    result: SearchResult, kb: KnowledgeBase, lang: str, contact: Mapping[str, str]
) -> str:
    """The plain-text reply: the answer (both answers when a message asks two things), a
    choice, a menu prompt or an honest "I don't know"."""
    if result.decision == "answer" and result.topic_id is not None:
        ids = (result.topic_id, *(i for i in result.also if i in kb.by_id))
        return "\n\n".join(render_answer(kb.by_id[i], lang, contact) for i in ids)
    if result.decision == "ambiguous":
        ids = result.alternatives or ((result.topic_id,) if result.topic_id else ())
        topics: list[Topic] = [kb.by_id[i] for i in ids if i in kb.by_id]
        return render_choices(topics, lang, contact)
    if result.reason in ("greeting", "thanks"):
        return render_text(result.reason, lang, contact)
    if result.reason == "out_of_scope":
        group = next((g for g in kb.out_of_scope if g.id == result.out_of_scope), None)
        help_text = group.help_for(lang) if group else ""
        return render_text("out_of_scope", lang, contact, help=help_text)
    if result.reason in ("keyword_menu", "too_short", "menu_word"):
        titles = [kb.by_id[i].title_for(lang) for i in result.alternatives if i in kb.by_id]
        sep = "、" if lang != "en" else ", "
        listing = ""
        if titles:
            listing = f"（相关：{sep.join(titles)}）" if lang != "en" else f" ({sep.join(titles)})"
        return render_text("menu", lang, contact, topics=listing)
    return render_text("abstain", lang, contact)


def result_to_json(
    question: str,
    result: SearchResult,
    kb: KnowledgeBase,
    lang: str,
    contact: Mapping[str, str],
) -> dict[str, Any]:
    """The stable JSON shape of ``python -m bot ask --json`` (one object per question);
    ``also``: the second request's topics when a message asks two things."""
    return {
        "question": question,
        "topic": result.topic_id if result.decision != "abstain" else None,
        "decision": result.decision,
        "confidence": result.confidence,
        "alternatives": list(result.alternatives),
        "answer": answer_text(result, kb, lang, contact),
        "also": list(result.also),
    }
