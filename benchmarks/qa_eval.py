"""How well the policy Q&A answers labelled sets: ``python -m benchmarks.qa_eval PATH...``.

Each PATH is a TOML set: ``[in_scope]`` maps a topic id to questions whose right answer is that
topic; optional ``[[multi]]`` entries ``{question = "...", topics = ["a", "b"]}`` are questions
about several topics, where any listed topic counts as right; ``[out_of_scope] questions`` are
questions nothing in the knowledge base answers. Per set it prints:

* helpful: in-scope questions answered with a right topic, or given a choice (the "您是想问…"
  buttons, or the topic buttons a bare keyword gets) that contains a right topic;
* direct: answered directly with a right topic;
* wrong: answered directly with a wrong topic (the worst outcome: the bot is trusted);
* abstain: out-of-scope questions that got no policy answer and no choice of topics.

``--matcher NAME`` evaluates one of the alternatives measured side by side (see
``knowledge.matchers``); the default is what the bot ships. ``--kb DIR`` evaluates another
topic directory; ``--misses`` lists every miss; ``--curve`` prints the pooled figures of the
shipped classifier at other operating points (out-of-scope threshold, whether the evidence
search may overrule the out-of-scope classes, whether topics are read given in-scope), to choose
the operating point on a dev set; ``--cv K`` adds the abstention on the out-of-scope examples
themselves, each K-th left out of training in turn. Imports no ``telegram``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from knowledge.loader import load_knowledge_base
from knowledge.search import SearchResult


class Matcher(Protocol):
    def search(self, text: str) -> SearchResult: ...


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """One evaluation set: (question, right topics) pairs and out-of-scope questions."""

    name: str
    in_scope: tuple[tuple[str, frozenset[str]], ...]
    out_of_scope: tuple[str, ...]


def load_set(path: Path) -> LabelledSet:
    """Read a set in the format of the module docstring."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    pairs = [(q, frozenset({tid})) for tid, qs in data.get("in_scope", {}).items() for q in qs]
    pairs += [(m["question"], frozenset(m["topics"])) for m in data.get("multi", [])]
    oos = tuple(data.get("out_of_scope", {}).get("questions", []))
    return LabelledSet(path.stem, tuple(pairs), oos)


def shown_topics(result: SearchResult) -> tuple[str, ...]:
    """The topics a user is offered (answered, or as buttons), in the order shown."""
    if result.decision == "answer":
        return (result.topic_id,) if result.topic_id else ()
    if result.decision == "ambiguous":
        ids = (result.topic_id, *result.alternatives) if result.topic_id else result.alternatives
        return tuple(dict.fromkeys(ids))[:3]
    if result.reason == "keyword_menu":
        return result.alternatives[:3]
    return ()


@dataclass
class Figures:
    """Counts for one set."""

    name: str
    n_in: int = 0
    helpful: int = 0
    direct: int = 0
    wrong: int = 0
    n_out: int = 0
    abstained: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:5.1f}%" if whole else "    -"

    def row(self) -> str:
        return (
            f"| {self.name:<14} | {self.n_in:>4} | {self.pct(self.helpful, self.n_in)} "
            f"| {self.pct(self.direct, self.n_in)} | {self.pct(self.wrong, self.n_in)} "
            f"| {self.n_out:>4} | {self.pct(self.abstained, self.n_out)} |"
        )


HEADER = (
    "| set            | in   | helpful | direct | wrong  | out  | abstain |\n"
    "|----------------|------|---------|--------|--------|------|---------|"
)


def evaluate(matcher: Matcher, labelled: LabelledSet) -> Figures:
    """Run every question of ``labelled`` through ``matcher`` and count the outcomes."""
    fig = Figures(labelled.name)
    for question, right in labelled.in_scope:
        result = matcher.search(question)
        shown = shown_topics(result)
        fig.n_in += 1
        if result.decision == "answer":
            if result.topic_id in right:
                fig.direct += 1
                fig.helpful += 1
                continue
            fig.wrong += 1
            fig.misses.append(f"WRONG  {question!r} -> {result.topic_id} (want {sorted(right)})")
            continue
        if right & set(shown):
            fig.helpful += 1
            continue
        fig.misses.append(
            f"MISS   {question!r} -> {result.decision}/{result.reason} {list(shown)} "
            f"(want {sorted(right)})"
        )
    for question in labelled.out_of_scope:
        result = matcher.search(question)
        fig.n_out += 1
        if result.decision == "abstain" and not shown_topics(result):
            fig.abstained += 1
        else:
            fig.misses.append(
                f"OOS    {question!r} -> {result.decision}/{result.reason} "
                f"{list(shown_topics(result))}"
            )
    return fig


def build_matcher(name: str, kb_dir: Path | None) -> Matcher:
    """The matcher called ``name`` over the topics in ``kb_dir`` (default: shipped)."""
    from benchmarks.qa_matchers import build

    matcher: Matcher = build(name, load_knowledge_base(kb_dir))
    return matcher


# The operating points ``--curve`` tries: the out-of-scope threshold, with the evidence search
# allowed to overrule the out-of-scope classes below a mass (or not), topics read given
# in-scope (or not).
CURVE_OOS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)
CURVE_OVERRULE = (0.0, 0.7, 0.9)


def curve(labelled: Sequence[LabelledSet], kb_dir: Path | None) -> list[str]:
    """Pooled figures of the shipped classifier at other operating points, one row each:
    out-of-scope abstention against in-scope helpful/direct/wrong (choose on a dev set)."""
    from dataclasses import replace

    from knowledge.search import Searcher, Thresholds

    kb = load_knowledge_base(kb_dir)
    rows = []
    for conditional in (True, False):
        for overrule in CURVE_OVERRULE:
            for oos in CURVE_OOS:
                limits = replace(
                    Thresholds(),
                    out_of_scope=oos,
                    conditional=conditional,
                    answer=0.5 if conditional else 0.4,
                    evidence_over_oos="answer" if overrule else "",
                    overrule=overrule,
                )
                total = pooled(evaluate(Searcher(kb, thresholds=limits), s) for s in labelled)
                total.name = f"{oos:.2f} {overrule or '-':<3} {'c' if conditional else 'u'}"
                rows.append(total.row())
    return rows


def cross_validate(name: str, kb_dir: Path | None, folds: int) -> Figures:
    """Out-of-scope abstention on the knowledge base's own out-of-scope examples: each
    ``folds``-th of every group's examples is left out of training and asked in turn."""
    from dataclasses import replace

    from benchmarks.qa_matchers import build

    kb = load_knowledge_base(kb_dir)
    figures = []
    for fold in range(folds):
        kept = tuple(
            replace(g, examples=tuple(e for i, e in enumerate(g.examples) if i % folds != fold))
            for g in kb.out_of_scope
        )
        asked = tuple(e for g in kb.out_of_scope for e in g.examples[fold::folds])
        matcher: Matcher = build(name, replace(kb, out_of_scope=kept))
        figures.append(evaluate(matcher, LabelledSet(f"fold {fold + 1}", (), asked)))
    total = pooled(figures)
    total.name = f"{folds}-fold OOS"
    return total


def pooled(figures: Iterable[Figures]) -> Figures:
    """The sum of several sets' counts."""
    total = Figures("(all)")
    for fig in figures:
        for name in ("n_in", "helpful", "direct", "wrong", "n_out", "abstained"):
            setattr(total, name, getattr(total, name) + getattr(fig, name))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.qa_eval", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, help="TOML sets to evaluate")
    parser.add_argument("--matcher", default="shipped", help="which alternative to evaluate")
    parser.add_argument("--kb", type=Path, default=None, help="topic directory")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument(
        "--curve",
        action="store_true",
        help="pooled figures at other operating points (out-of-scope threshold, evidence "
        "overrule, topics given in-scope: c/u)",
    )
    parser.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="also K-fold cross-validated abstention on the out-of-scope examples",
    )
    args = parser.parse_args(argv)
    if args.curve:
        print("operating point: out-of-scope threshold, evidence overrule below, c/u")
        print(HEADER)
        print("\n".join(curve([load_set(p) for p in args.paths], args.kb)))
        return 0
    matcher = build_matcher(args.matcher, args.kb)
    print(f"matcher: {args.matcher}")
    print(HEADER)
    figures = [evaluate(matcher, load_set(p)) for p in args.paths]
    for fig in figures:
        print(fig.row())
    if len(figures) > 1:
        print(pooled(figures).row())
    if args.cv:
        print(cross_validate(args.matcher, args.kb, args.cv).row())
    if args.misses:
        for fig in figures:
            print(f"\n{fig.name}:")
            print("\n".join(f"  {m}" for m in fig.misses) or "  (none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
