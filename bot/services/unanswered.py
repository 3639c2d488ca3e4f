"""``/unanswered``: which questions the knowledge base could not answer, grouped, and fixing them.

``groups`` takes the abstained and 👎 questions since a date and groups similar ones (rapidfuzz
over the analyzer's normalised key stored with each question), most frequent first, so staff
see which topics to add or improve. ``attach`` stores a question as a new example of an
existing topic (audited); it takes effect at the next ``KnowledgeService.reload`` (/kbreload).
Greetings, thanks, menu words, staff's own typing and topics opened from a menu are not
unanswered questions and are left out (``db.questions.NOT_QUESTION_REASONS``); a question
answered through the choice it was offered is no longer abstained. Imports no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.clock import Clock
from bot.services.qa import KnowledgeService
from db import questions as questions_repo
from db.audit import append_audit
from db.database import Database
from db.models import Decision, Feedback, Question
from knowledge.model import Topic
from knowledge.normalize import compact

# Two normalised questions at least this similar (0-100) are "the same question".
SIMILARITY = 70.0
# How many logged questions one /unanswered looks at (the newest).
SCAN_LIMIT = 2000
_NOT_QUESTIONS = frozenset(questions_repo.NOT_QUESTION_REASONS)


class AttachOutcome(StrEnum):
    """What became of a request to attach a question to a topic."""

    ATTACHED = "attached"
    ALREADY = "already"
    NO_QUESTION = "no_question"
    NO_TOPIC = "no_topic"


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Similar unanswered questions: how many, how many got 👎, and a few examples."""

    count: int
    downvoted: int
    examples: tuple[Question, ...]  # newest first, distinct texts

    @property
    def lead(self) -> Question:
        """The question that stands for the group (the newest)."""
        return self.examples[0]


def _key(question: Question) -> str:
    return question.normalized or compact(question.text or "")


def group_questions(
    questions: Sequence[Question], *, similarity: float = SIMILARITY, examples: int = 3
) -> list[QuestionGroup]:
    """Group similar questions (newest first in, most frequent group first out)."""
    if not questions:
        return []
    leaders: list[int] = []
    leader_keys: list[str] = []
    members: dict[int, list[int]] = {}
    for i, question in enumerate(questions):
        key = _key(question)
        best = process.extractOne(key, leader_keys, scorer=fuzz.ratio, score_cutoff=similarity)
        if best is None:
            leaders.append(i)
            leader_keys.append(key)
            members[i] = [i]
        else:
            members[leaders[best[2]]].append(i)
    groups = []
    for lead in leaders:
        indices = members[lead]
        seen: set[str] = set()
        shown: list[Question] = []
        for i in indices:
            text = (questions[i].text or "").strip()
            if text and text not in seen and len(shown) < examples:
                seen.add(text)
                shown.append(questions[i])
        downvoted = sum(1 for i in indices if questions[i].feedback is Feedback.DOWN)
        groups.append(QuestionGroup(len(indices), downvoted, tuple(shown)))
    # Stable sort: equal counts keep the newest group first.
    groups.sort(key=lambda g: g.count, reverse=True)
    return [g for g in groups if g.examples]


class UnansweredService:
    """Finds what residents asked in vain, and teaches the knowledge base new examples."""

    def __init__(self, db: Database, clock: Clock, qa: KnowledgeService) -> None:
        self._db = db
        self._clock = clock
        self._qa = qa

    async def groups(self, since: datetime | None, *, limit: int = 10) -> list[QuestionGroup]:
        """The ``limit`` most frequent groups of abstained or 👎 questions since ``since``."""
        async with self._db.read() as conn:
            questions = await questions_repo.list_questions(
                conn,
                since=since,
                decisions=(Decision.ABSTAIN,),
                feedback=Feedback.DOWN,
                limit=SCAN_LIMIT,
            )
        wanted = [q for q in questions if q.reason not in _NOT_QUESTIONS and q.text]
        return group_questions(wanted)[:limit]

    async def question(self, question_id: int) -> Question | None:
        """A logged question (None if unknown or erased)."""
        async with self._db.read() as conn:
            question = await questions_repo.get_question(conn, question_id)
        return question if question is not None and question.text else None

    def candidates(self, text: str, *, limit: int = 3) -> list[Topic]:
        """The topics the question most likely belongs to, best first."""
        qa = self._qa
        result = qa.search(text)
        ids = [i for i in (result.topic_id, *result.alternatives) if i]
        if len(ids) < limit:
            # The search found too little (it abstained): fall back to fuzzy title/example match.
            choices = {
                t.id: " ".join(compact(s) for s in (t.title, *t.examples)) for t in qa.kb.topics
            }
            for _, _, topic_id in process.extract(
                compact(text), choices, scorer=fuzz.partial_ratio, limit=limit * 2
            ):
                ids.append(str(topic_id))
        topics = [qa.topic(i) for i in dict.fromkeys(ids)]
        return [t for t in topics if t is not None][:limit]

    def topics(self) -> tuple[Topic, ...]:
        """Every topic of the knowledge base in use, in file order."""
        return self._qa.kb.topics

    async def attach(self, question_id: int, topic_id: str, *, staff_id: int) -> AttachOutcome:
        """Store the question as a new example of the topic (used from the next reload)."""
        if self._qa.topic(topic_id) is None:
            return AttachOutcome.NO_TOPIC
        now = self._clock()
        async with self._db.write() as conn:
            question = await questions_repo.get_question(conn, question_id)
            if question is None or not question.text:
                return AttachOutcome.NO_QUESTION
            added = await questions_repo.add_extra_example(
                conn, topic_id, question.text.strip()[:500], added_by=staff_id, now=now
            )
            if added is None:
                return AttachOutcome.ALREADY
            await append_audit(
                conn,
                actor_id=staff_id,
                action="kb.example_added",
                target=("topic", topic_id),
                detail=f"question {question_id}",
                now=now,
            )
        return AttachOutcome.ATTACHED
