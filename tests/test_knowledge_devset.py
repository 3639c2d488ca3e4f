"""Accuracy on labelled questions the topics' examples were not written from.

``devset.toml`` was written after the topics' example questions and used to improve the
search (lexicon, scoring, thresholds; never by pasting its questions into topics); its test
asserts the issue's targets. ``holdout.toml`` was written after that first tuning and not
tuned on then, but was used as development data by the second round (context rewrites,
answer checks). ``holdout2.toml`` was written before the second round and held out through
it; the third round (after a QA tester's report: permits, mortgages, business nouns,
English, thanks and emoji) tuned on it, so it is development data now and no longer an
honest estimate. ``holdout3.toml`` was written before that third round, without looking at
any failure, and held out through it; the fourth round (lexicon: levies, cash-flow trouble,
courses, "come back and open a factory", home loans) tuned on it. ``holdout4.toml`` was
written blind (from the report and the topic list, without the topics' examples, the other
sets or the search) before the fourth round and never tuned on: its figures are the honest
estimate for new questions. The fifth round added example questions to the topics, written
the same blind way, and kept held-out 4 out of every decision.
The sixth round replaced the ranking with a classifier learned from the examples (knowledge.
classifier) and added out-of-scope classes; ``holdout5.toml`` (blind set 5, written from the
report and the topic list only, with ``[[multi]]`` questions about two topics) chose between
the alternatives and set the thresholds, and its misses were then read: it is development data
now, and the honest figures come from the final blind set, which nobody on the team has seen.
The held-out tests assert regression bounds a little below the figures measured when they
were last measured, not targets: tuning until they pass would turn them into dev sets.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.loader import load_knowledge_base
from knowledge.normalize import compact
from knowledge.search import Searcher

DATA = Path(__file__).resolve().parent / "data"
KB = load_knowledge_base()
SEARCHER = Searcher(KB)


@dataclass(frozen=True)
class Figures:
    """How the search did on one labelled set."""

    in_scope: int
    strict: float  # decision "answer" with the right topic
    answer_or_choice: float  # ... or "ambiguous" with the right topic first
    wrong_answers: float  # decision "answer" with a wrong topic
    out_of_scope: int
    abstained: float

    def line(self, name: str) -> str:
        return (
            f"{name}: in-scope n={self.in_scope} strict top-1 {self.strict:.1%}, "
            f"answer-or-top-of-choice {self.answer_or_choice:.1%}, "
            f"confident wrong answers {self.wrong_answers:.1%}; "
            f"out-of-scope n={self.out_of_scope} abstained {self.abstained:.1%}"
        )


def load(name: str) -> tuple[list[tuple[str, str]], list[str]]:
    with (DATA / name).open("rb") as fh:
        data = tomllib.load(fh)
    labelled = [(q, tid) for tid, qs in data["in_scope"].items() for q in qs]
    return labelled, list(data["out_of_scope"]["questions"])


def evaluate(name: str) -> Figures:
    labelled, unrelated = load(name)
    outcome: Counter[str] = Counter()
    for question, topic_id in labelled:
        result = SEARCHER.search(question)
        right = result.topic_id == topic_id
        if result.decision == "answer":
            outcome["strict" if right else "wrong"] += 1
        elif result.decision == "ambiguous" and right:
            outcome["choice"] += 1
    abstained = sum(SEARCHER.search(q).decision == "abstain" for q in unrelated)
    n = len(labelled)
    return Figures(
        in_scope=n,
        strict=outcome["strict"] / n,
        answer_or_choice=(outcome["strict"] + outcome["choice"]) / n,
        wrong_answers=outcome["wrong"] / n,
        out_of_scope=len(unrelated),
        abstained=abstained / len(unrelated),
    )


SETS = (
    "devset.toml",
    "holdout.toml",
    "holdout2.toml",
    "holdout3.toml",
    "holdout4.toml",
    "holdout5.toml",
    "dev8.toml",
)


@pytest.mark.parametrize("name", SETS)
def test_labels_are_real_topics(name: str) -> None:
    labelled, _ = load(name)
    assert {tid for _, tid in labelled} <= set(KB.by_id)


@pytest.mark.parametrize(
    ("name", "labelled_min", "unrelated_min", "english_min"),
    [
        ("devset.toml", 170, 40, 0),
        ("holdout2.toml", 80, 25, 0),
        ("holdout3.toml", 80, 30, 12),
        ("holdout4.toml", 110, 25, 15),
    ],
    ids=["devset", "holdout2", "holdout3", "holdout4"],
)
def test_set_size(name: str, labelled_min: int, unrelated_min: int, english_min: int) -> None:
    """Enough questions, about every topic, and out of scope; the later sets some in English."""
    labelled, unrelated = load(name)
    assert len(labelled) >= labelled_min
    assert len(unrelated) >= unrelated_min
    assert {tid for _, tid in labelled} == set(KB.by_id)
    english = [q for q, _ in labelled if q.isascii()]
    assert len(english) >= english_min


def _questions(name: str) -> set[str]:
    labelled, unrelated = load(name)
    with (DATA / name).open("rb") as fh:
        multi = [m["question"] for m in tomllib.load(fh).get("multi", [])]
    texts = (*(q for q, _ in labelled), *unrelated, *multi)
    return {c for c in (compact(q) for q in texts) if c}


# Blind set 5 was written without seeing the examples, yet these common questions came out
# word for word like examples the topics already had (set 5 has them; none was copied).
SET5_SAME_AS_EXAMPLES = frozenset(
    {
        "howcanicontacttheoffice",
        "whatdoesthewoodassociationdo",
        "whatisthiscampaignabout",
        "whereisthetimberquarantinestation",
        "全民创业是啥",
        "创业办电话多少",
        "引荐人奖励多少钱",
        "木业协会啥时候成立的",
        "洼地崛起全民创业啥意思",
    }
)
# ... and these like questions of earlier sets.
SET5_SAME_AS_EARLIER = frozenset(
    {
        "123456",
        "8888",
        "whatstheweathertomorrow",
        "中国建筑模板之乡是咋回事",
        "为啥选模板做主导产业",
        "今天天气咋样",
        "明天下雨不",
        "残疾证怎么办",
        "结婚证在哪办",
        "给我讲个笑话",
        "身份证丢了咋补办",
        "镇上主打啥产业",
    }
)


# Dev set 8 was written blind too; these of its questions were already examples before it was
# written (none was added since: round 8 checked its new examples against it).
DEV8_SAME_AS_EXAMPLES = frozenset(
    {
        "全民创业是啥",
        "全民创业谁负责",
        "医保一年交多少钱",
        "失业金怎么领",
        "引荐人奖励多少钱",
        "木业协会是干啥的",
        "现在全镇有多少个体户",
        "电费怎么在手机上交",
        "镇上有哪些创业典型",
    }
)


def test_labelled_questions_are_not_the_topics_examples() -> None:
    # Nor the out-of-scope examples the classifier is trained on.
    examples = {compact(e) for t in KB.topics for e in t.examples}
    examples |= {compact(e) for g in KB.out_of_scope for e in g.examples}
    for name in SETS:
        known = {"holdout5.toml": SET5_SAME_AS_EXAMPLES, "dev8.toml": DEV8_SAME_AS_EXAMPLES}.get(
            name, frozenset()
        )
        overlap = (_questions(name) & examples) - known
        assert not overlap, f"{name} repeats example questions: {sorted(overlap)}"


def test_the_second_held_out_set_repeats_no_earlier_question() -> None:
    earlier = _questions("devset.toml") | _questions("holdout.toml")
    assert not _questions("holdout2.toml") & earlier


def test_the_third_held_out_set_repeats_no_earlier_question() -> None:
    earlier = _questions("devset.toml") | _questions("holdout.toml") | _questions("holdout2.toml")
    assert not _questions("holdout3.toml") & earlier


def test_the_fourth_held_out_set_repeats_no_earlier_question() -> None:
    earlier = set().union(*(_questions(name) for name in SETS[:4]))
    assert not _questions("holdout4.toml") & earlier


def test_the_fifth_held_out_set_repeats_no_earlier_question() -> None:
    earlier = set().union(*(_questions(name) for name in SETS[:5]))
    assert _questions("holdout5.toml") & earlier == SET5_SAME_AS_EARLIER


@pytest.mark.parametrize(
    ("name", "sizes", "bounds"),
    [
        # Blind set 5. The evidence search scored helpful 90.7%, direct 75.0%, wrong 0.7%,
        # out-of-scope abstained 91.1%; the classifier as chosen on it 95.0%, 90.7%, 0.0%,
        # 95.6%; after its misses were read (pinyin-only training copies, digits read as
        # Chinese numerals): 97.9%, 92.9%, 0.0%, 95.6%; after round 8: 97.9%, 95.0%, 0.0%, 100%;
        # after the second-opinion rule (qa3: a direct answer needs the evidence search to
        # agree or the classifier to be very sure, else the choice): 97.9%, 87.9%, 0.0%, 100%.
        ("holdout5.toml", (130, 40), (0.95, 0.85, 0.01, 0.93)),
        # Blind dev set 8 (round 8: out-of-scope abstention). Session 1's matcher scored
        # 97.4%, 95.9%, 0.0%, 90.2%; with the broadened out-of-scope classes before its misses
        # were read 96.9%, 94.3%, 0.0%, 95.1%; after (spent): 99.0%, 95.9%, 0.0%, 100%; with the
        # second-opinion rule (qa3): 99.0%, 85.6%, 0.0%, 100%.
        ("dev8.toml", (190, 120), (0.97, 0.83, 0.01, 0.97)),
    ],
)
def test_spent_blind_sets_stay_above_their_bounds(
    name: str, sizes: tuple[int, int], bounds: tuple[float, float, float, float]
) -> None:
    # Through ``python -m benchmarks.qa_eval`` (multi-topic questions count when any of their
    # topics is answered or offered); regression bounds below the figures above.
    from benchmarks.qa_eval import evaluate as run
    from benchmarks.qa_eval import load_set

    figures = run(SEARCHER, load_set(DATA / name))
    print(f"\n{name} (spent): {figures.row()}")
    helpful, direct, wrong, abstained = bounds
    assert figures.n_in >= sizes[0]
    assert figures.n_out >= sizes[1]
    assert figures.helpful >= helpful * figures.n_in
    assert figures.direct >= direct * figures.n_in
    assert figures.wrong <= wrong * figures.n_in
    assert figures.abstained >= abstained * figures.n_out


def test_devset_accuracy() -> None:
    # The targets: top-1 (an answer, or a choice with the right topic first) >= 95%,
    # out-of-scope abstention >= 90%, and confident wrong answers <= 2%. After the third
    # round: strict 89.8%, top-1 97.3%, confident wrong 0.5%, abstained 97.7%; after the
    # fifth: 91.4%, 97.9%, 0.5%, 97.7%.
    figures = evaluate("devset.toml")
    print("\n" + figures.line("dev set (tuned on)"))
    assert figures.answer_or_choice >= 0.95
    assert figures.abstained >= 0.90
    assert figures.wrong_answers <= 0.02
    assert figures.strict >= 0.88


def test_answers_are_right_at_least_98_percent_of_the_time_on_the_dev_data() -> None:
    # What ANSWER_THRESHOLD and the answer checks are calibrated for (knowledge.search).
    answered = right = 0
    for name in ("devset.toml", "holdout.toml", "holdout2.toml", "holdout3.toml"):
        labelled, _ = load(name)
        for question, topic_id in labelled:
            result = SEARCHER.search(question)
            if result.decision == "answer":
                answered += 1
                right += result.topic_id == topic_id
    print(f"\nanswers right on the dev data: {right}/{answered}")
    assert right >= 0.98 * answered


# Each held-out set's history, and regression bounds below its latest figures:
# (file, label, answer-or-choice, strict, abstained at least; confident wrong at most 2%).
HOLDOUTS = [
    # Held out from the first tuning round, development data of the second and third.
    # Measured after the second: strict 89.8%, answer-or-choice 94.9%, confident wrong 0.0%,
    # abstained 100%; after the third: 89.8%, 96.6%, 0.0%, 100%; after the fifth: 89.8%,
    # 98.3%, 0.0%, 100%.
    pytest.param(
        "holdout.toml", "held-out set 1 (dev data since round 2)", 0.92, 0.86, 0.93, id="holdout1"
    ),
    # Held out through the second round: measured before it (strict 82.4%, answer-or-choice
    # 88.2%, confident wrong 3.9%, abstained 85.7%) and after it (84.3%, 91.2%, 2.0%, 91.4%,
    # the last honest figures). Development data of the third round, after which: strict
    # 90.2%, answer-or-choice 98.0%, confident wrong 0.0%, abstained 94.3%. Bounds below that.
    pytest.param(
        "holdout2.toml", "held-out set 2 (dev data since round 3)", 0.95, 0.87, 0.91, id="holdout2"
    ),
    # Held out through the third round: measured before it (strict 81.0%, answer-or-choice
    # 86.0%, confident wrong 3.0%, abstained 75.8%) and after it (82.0%, 89.0%, 1.0%, 90.9%,
    # the last honest figures). Development data of the fourth round, after which: strict
    # 88.0%, answer-or-choice 93.0%, confident wrong 0.0%, abstained 90.9%; after the fifth:
    # 89.0%, 96.0%, 1.0%, 90.9%. Bounds below that.
    pytest.param(
        "holdout3.toml", "held-out set 3 (dev data since round 4)", 0.90, 0.85, 0.87, id="holdout3"
    ),
    # Held out: written blind before the fourth round, never tuned on. Measured once before
    # that round (strict 81.7%, answer-or-choice 88.7%, confident wrong 0.9%, abstained
    # 100%) and once after it: strict 82.6%, answer-or-choice 89.6%, confident wrong 0.9%,
    # abstained 100% (the same again after a review took back three of the round's changes
    # that broke in-scope questions outside the sets). The fifth round added eight example
    # questions per topic written blind (from the report and the topic list only, like this
    # set) and three stop words (俺, 天天, 直接) for dev-set failures; after it: strict 89.6%,
    # answer-or-choice 94.8%, confident wrong 0.0%, abstained 100%. This set was read three
    # times during that round (after the examples, after each of two fixes chosen on the dev
    # data); nothing was kept or dropped for its effect here. Regression bounds below the
    # latest figures; a failure here means re-measure, not re-tune.
    pytest.param(
        "holdout4.toml", "held-out set 4 (never tuned on)", 0.92, 0.86, 0.93, id="holdout4"
    ),
]


@pytest.mark.parametrize(("name", "label", "answer_or_choice", "strict", "abstained"), HOLDOUTS)
def test_holdout_accuracy(
    name: str, label: str, answer_or_choice: float, strict: float, abstained: float
) -> None:
    figures = evaluate(name)
    print("\n" + figures.line(label))
    assert figures.answer_or_choice >= answer_or_choice
    assert figures.strict >= strict
    assert figures.wrong_answers <= 0.02
    assert figures.abstained >= abstained
