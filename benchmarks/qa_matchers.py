"""The alternatives measured side by side: ``python -m benchmarks.qa_eval --matcher NAME``.

``shipped`` is ``knowledge.search.Searcher`` as the bot runs it; ``evidence`` is the search the
bot shipped before the classifier (``knowledge.evidence``). The ``clf-*`` variants rebuild the
classifier with one thing changed (a feature family, the out-of-scope class, the training or
the decision gate), so each row of the README's comparison can be re-run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from knowledge.classifier import Hyper
from knowledge.evidence import EvidenceSearch
from knowledge.features import FeatureConfig
from knowledge.model import KnowledgeBase
from knowledge.result import SearchResult
from knowledge.search import SHIPPED_FEATURES, SHIPPED_HYPER, Searcher, Thresholds


@dataclass(frozen=True)
class Variant:
    """One change against the shipped matcher."""

    config: FeatureConfig = SHIPPED_FEATURES
    hyper: Hyper = SHIPPED_HYPER
    thresholds: Thresholds = Thresholds()  # noqa: RUF009 - frozen, so sharing it is safe
    with_oos: bool = True
    agree: bool = False  # answer only when the evidence search's best topic agrees
    union: bool = False  # a choice also offers the evidence search's topics


class VariantSearcher(Searcher):
    """The shipped searcher with one variant applied."""

    def __init__(self, kb: KnowledgeBase, variant: Variant) -> None:
        self.variant = variant
        if not variant.with_oos:
            kb = replace(kb, out_of_scope=())
        super().__init__(
            kb, features=variant.config, hyper=variant.hyper, thresholds=variant.thresholds
        )

    def search(self, text: str) -> SearchResult:
        result = super().search(text)
        base = self.evidence.search(text)
        sure = result.decision == "answer" and result.confidence >= 0.85
        if self.variant.agree and result.decision == "answer" and not sure:  # noqa: SIM102
            if base.topic_id != result.topic_id or base.decision == "abstain":
                alts = tuple(dict.fromkeys((result.topic_id or "", *result.alternatives)))
                result = replace(result, decision="ambiguous", alternatives=alts[:3])
        if self.variant.union and result.decision != "answer" and result.reason != "out_of_scope":
            from benchmarks.qa_eval import shown_topics

            extra = shown_topics(base)
            if extra:
                alts = tuple(dict.fromkeys((*shown_topics(result), *extra)))[:3]
                result = replace(result, decision="ambiguous", topic_id=alts[0], alternatives=alts)
        return result


def _variant(**kwargs: Any) -> Callable[[KnowledgeBase], Any]:
    return lambda kb: VariantSearcher(kb, Variant(**kwargs))


MATCHERS: dict[str, Callable[[KnowledgeBase], Any]] = {
    "shipped": Searcher,
    "evidence": EvidenceSearch,
    "clf-no-pinyin": _variant(config=FeatureConfig(pinyin=False), hyper=Hyper(sound_copy=0)),
    "clf-no-sound-copy": _variant(hyper=Hyper(sound_copy=0)),
    "clf-no-rewrite": _variant(config=FeatureConfig(rewritten=False)),
    "clf-rewrite-only": _variant(config=FeatureConfig(chars=False)),
    "clf-no-cues": _variant(config=FeatureConfig(cues=False)),
    "clf-trigrams": _variant(config=FeatureConfig(max_n=3)),
    "clf-no-oos-class": _variant(with_oos=False),
    "clf-agree": _variant(agree=True),
    "clf-union": _variant(union=True),
    "clf-l2-3e-5": _variant(hyper=Hyper(l2=3e-5)),
    "clf-steps-50": _variant(hyper=Hyper(steps=50, rate=0.5)),
    "clf-steps-60": _variant(hyper=Hyper(steps=60, rate=0.4)),
    "clf-answer-0.4": _variant(thresholds=Thresholds(answer=0.4)),
    "clf-oos-0.3": _variant(thresholds=Thresholds(out_of_scope=0.3)),
    "clf-oos-0.5": _variant(thresholds=Thresholds(out_of_scope=0.5)),
    "clf-oos-0.7": _variant(thresholds=Thresholds(out_of_scope=0.7)),
    "clf-unconditional": _variant(thresholds=Thresholds(conditional=False, answer=0.4)),
    # The decision rule of session 1 (over today's data and classes).
    "clf-rule-1": _variant(
        thresholds=Thresholds(
            answer=0.4,
            out_of_scope=0.5,
            conditional=False,
            evidence_over_oos="answer",
            overrule=0.9,
        )
    ),
    "clf-choice-min": _variant(thresholds=Thresholds(choice=0.25)),
    "clf-lead-0.25": _variant(thresholds=Thresholds(lead=0.25)),
    "clf-lead-0.3": _variant(thresholds=Thresholds(lead=0.3)),
    "clf-evidence-over-oos-answer": _variant(thresholds=Thresholds(evidence_over_oos="answer")),
    "clf-evidence-over-oos-0.7": _variant(
        thresholds=Thresholds(evidence_over_oos="answer", overrule=0.7)
    ),
    "clf-evidence-over-oos-choice": _variant(thresholds=Thresholds(evidence_over_oos="choice")),
}


def build(name: str, kb: KnowledgeBase) -> Any:
    """The matcher called ``name`` over ``kb``."""
    if name not in MATCHERS:
        raise SystemExit(f"unknown matcher {name!r}; known: {', '.join(MATCHERS)}")
    return MATCHERS[name](kb)
