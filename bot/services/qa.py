"""Policy Q&A: the loaded knowledge base, its search, and the question log.

``KnowledgeService`` holds the current knowledge base and ``Searcher``; ``reload()`` swaps both
atomically (staff-added example questions from the database are merged in), so ``/kbreload``
needs no restart. ``ask()`` searches and logs every question with its decision, topic and
confidence; ``feedback()`` records 👍/👎 only from the person who asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.settings import Settings
from db import questions as questions_repo
from db.database import Database
from db.models import Decision, Feedback
from knowledge.loader import load_knowledge_base
from knowledge.model import Category, KnowledgeBase, Topic
from knowledge.render import render_answer, render_source
from knowledge.search import Searcher, SearchResult

_LOGGER = logging.getLogger(__name__)

# Questions longer than this are not searched (no resident's policy question is this long);
# the bot asks for a shorter one instead.
MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Asked:
    """A logged question and what the search decided."""

    question_id: int
    result: SearchResult


class KnowledgeService:
    """The knowledge base in use, its search, and the log of questions."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._kb: KnowledgeBase | None = None
        self._searcher: Searcher | None = None

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base in use."""
        if self._kb is None:
            raise RuntimeError("the knowledge base is not loaded")
        return self._kb

    @property
    def loaded(self) -> bool:
        """Whether a knowledge base is loaded (for health checks)."""
        return self._kb is not None

    async def reload(self) -> KnowledgeBase:
        """Load the topic files plus staff-added examples; raises ``KnowledgeBaseError``."""
        async with self._db.read() as conn:
            extra = await questions_repo.list_extra_examples(conn)
        by_topic: dict[str, list[str]] = {}
        for example in extra:
            by_topic.setdefault(example.topic_id, []).append(example.text)
        directory: Path | None = self._settings.knowledge_dir
        # Parsing and indexing are CPU work; keep the event loop answering meanwhile.
        kb, searcher = await asyncio.to_thread(_build, directory, by_topic)
        self._kb, self._searcher = kb, searcher
        _LOGGER.info("knowledge base loaded: %d topics", len(kb.topics))
        return kb

    def search(self, text: str) -> SearchResult:
        """Search without logging (for previews and tests)."""
        if self._searcher is None:
            raise RuntimeError("the knowledge base is not loaded")
        return self._searcher.search(text)

    async def ask(self, user_id: int, text: str, lang: str) -> Asked:
        """Search ``text`` and log the question with the decision."""
        result = self.search(text)
        normalized = self._searcher.analyzer.analyze(text).key if self._searcher else ""
        async with self._db.write() as conn:
            question = await questions_repo.log_question(
                conn,
                user_id=user_id,
                text=text,
                normalized=normalized,
                decision=Decision(result.decision),
                reason=result.reason,
                topic_id=result.topic_id,
                confidence=result.confidence,
                lang=lang,
                now=self._clock(),
            )
        return Asked(question_id=question.id, result=result)

    async def feedback(self, question_id: int, user_id: int, up: bool) -> bool:
        """Record 👍/👎 on the user's own question; False if it is not theirs."""
        async with self._db.write() as conn:
            return await questions_repo.set_feedback(
                conn,
                question_id,
                user_id=user_id,
                feedback=Feedback.UP if up else Feedback.DOWN,
                now=self._clock(),
            )

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, if it exists."""
        return self.kb.by_id.get(topic_id)

    def categories(self) -> tuple[Category, ...]:
        """Categories that have topics, in menu order."""
        cats = [c for c in self.kb.categories if self.kb.topics_in(c.id)]
        return tuple(sorted(cats, key=lambda c: c.order))

    def contact_values(self) -> Mapping[str, str]:
        """Values for the answers' placeholders, from settings."""
        s = self._settings
        return {
            "office_name": s.office.name,
            "office_phone": s.office.phone,
            "office_address": s.office.address,
            "office_hours": s.office.hours,
            "town_name": s.town.name,
        }

    def answer_text(self, topic: Topic, lang: str) -> str:
        """The topic's answer in ``lang`` with the office's details filled in."""
        return render_answer(topic, lang, self.contact_values())

    def source_text(self, topic: Topic, lang: str) -> str:
        """The report sentences the topic rests on and its review date."""
        return render_source(topic, lang)


def _build(
    directory: Path | None, extra: Mapping[str, list[str]]
) -> tuple[KnowledgeBase, Searcher]:
    kb = load_knowledge_base(directory, extra_examples=extra)
    return kb, Searcher(kb)
