"""Policy Q&A: the loaded knowledge base, its search, and the question log.

``KnowledgeService`` holds the current knowledge base and ``Searcher``; ``reload()`` swaps both
atomically (staff-added example questions from the database are merged in and become training
data of the classifier, so paraphrases of them are answered too), so ``/kbreload`` needs no
restart. ``ask()`` searches and logs every question with its decision, topic and confidence
(questions asked at the same moment are committed together, see ``_QuestionLog``); staff's
own questions are logged as "staff", which /stats and /unanswered leave out. ``choose()``
records the topic a resident picked from the choice offered for their question, and
``opened()`` logs a topic opened from a menu, so 👍/👎 works under every answer;
``feedback()`` records 👍/👎 only from the person who asked.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.services.complaints import carries_code, complaint_refs
from bot.settings import Settings
from bot.texts import get_texts
from db import questions as questions_repo
from db.database import Database
from db.models import Decision, Feedback
from knowledge.classifier import default_cache_dir
from knowledge.loader import load_knowledge_base
from knowledge.model import Category, KnowledgeBase, Topic
from knowledge.render import render_answer, render_source
from knowledge.result import SOCIAL_REASONS
from knowledge.search import Searcher, SearchResult

_LOGGER = logging.getLogger(__name__)

# Questions longer than this are not searched (no resident's policy question is this long);
# the bot asks for a shorter one instead.
MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Asked:
    """A logged question and what the search decided."""

    question_id: int | None  # None: not logged (it named a complaint, see ``ask``)
    result: SearchResult


class KnowledgeService:
    """The knowledge base in use, its search, and the log of questions."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._kb: KnowledgeBase | None = None
        self._searcher: Searcher | None = None
        self._cache = _SearchCache()
        self._log = _QuestionLog(db)

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
        self._kb, self._searcher, self._cache = kb, searcher, _SearchCache()
        _LOGGER.info("knowledge base loaded: %d topics", len(kb.topics))
        return kb

    def search(self, text: str) -> SearchResult:
        """Search without logging (for previews and tests).

        Residents ask the same questions over and over, and the search is a pure function of
        the question and the knowledge base, so recent results are kept (``_SearchCache``);
        ``reload()`` starts a fresh cache with the new knowledge base.
        """
        if self._searcher is None:
            raise RuntimeError("the knowledge base is not loaded")
        return self._cache.get(self._searcher, text)

    async def ask(self, user_id: int, text: str, lang: str, *, staff: bool = False) -> Asked:
        """Search ``text`` and log the question with the decision (committed on return).

        ``staff``: the asker is staff, whose typing (testing the bot, a stray "2") is not a
        resident's question; it is logged with the reason "staff".
        """
        result = self.search(text)
        if complaint_refs(text) or await carries_code(self._db, text):
            # Never logged: under the asker's id it would tie them to an anonymous complaint
            # (in /mydata, /unanswered and the export) and show staff its 查询码.
            return Asked(question_id=None, result=result)
        question_id = await self._log.log(
            questions_repo.NewQuestion(
                user_id=user_id,
                text=text,
                normalized=result.normalized,
                decision=Decision(result.decision),
                reason="staff" if staff else _logged_reason(result),
                topic_id=result.topic_id,
                confidence=result.confidence,
                lang=lang,
                now=self._clock(),
            )
        )
        return Asked(question_id=question_id, result=result)

    async def choose(self, question_id: int, user_id: int, topic_id: str) -> bool:
        """The asker picked ``topic_id`` from the choice offered for their question; False if
        the question is not theirs (or was answered directly)."""
        async with self._db.write() as conn:
            return await questions_repo.record_choice(
                conn, question_id, user_id=user_id, topic_id=topic_id
            )

    async def opened(self, user_id: int, topic_id: str, lang: str) -> int:
        """Log a topic opened from a menu or a related-topic button; its id (for 👍/👎)."""
        return await self._log.log(
            questions_repo.NewQuestion(
                user_id=user_id,
                text="",
                normalized="",
                decision=Decision.ANSWER,
                reason="menu",
                topic_id=topic_id,
                confidence=1.0,
                lang=lang,
                now=self._clock(),
            )
        )

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

    def out_of_scope_help(self, group_id: str | None, lang: str) -> str:
        """Who can help with a question of this out-of-scope group ("" if none is known)."""
        group = next((g for g in self.kb.out_of_scope if g.id == group_id), None)
        return group.help_for(lang) if group is not None else ""

    def categories(self) -> tuple[Category, ...]:
        """Categories that have topics, in menu order."""
        cats = [c for c in self.kb.categories if self.kb.topics_in(c.id)]
        return tuple(sorted(cats, key=lambda c: c.order))

    def contact_values(self, lang: str = "zh") -> Mapping[str, str]:
        """Values for the answers' placeholders in ``lang``, from settings."""
        s = self._settings
        office = s.office.for_lang(lang)
        return {
            "office_name": office.name,
            "office_phone": office.phone,
            "office_address": office.address,
            "office_hours": office.hours,
            "town_name": s.town.name_for(lang),
        }

    def answer_text(self, topic: Topic, lang: str) -> str:
        """The topic's answer in ``lang`` with the office's details filled in.

        An unpublished detail reads as the bot's own ``common.not_configured`` wording, the same
        as in the contact block, rather than the knowledge package's developer note.
        """
        missing = get_texts(lang).common.not_configured
        return render_answer(topic, lang, self.contact_values(lang), missing)

    def source_text(self, topic: Topic, lang: str) -> str:
        """The report sentences the topic rests on and its review date."""
        return render_source(topic, lang)


class _SearchCache:
    """The latest ``MAX_ENTRIES`` search results, by question text (least recently used out).

    Results are frozen, so a hit hands out the same object. Keyed by the text as asked: the
    normalised key is made by the search itself, which is what a hit saves.
    """

    MAX_ENTRIES = 2048

    def __init__(self) -> None:
        self._results: OrderedDict[str, SearchResult] = OrderedDict()

    def get(self, searcher: Searcher, text: str) -> SearchResult:
        """The result of ``searcher.search(text)``, from the cache when asked recently."""
        result = self._results.get(text)
        if result is not None:
            self._results.move_to_end(text)
            return result
        result = searcher.search(text)
        self._results[text] = result
        if len(self._results) > self.MAX_ENTRIES:
            self._results.popitem(last=False)
        return result


class _QuestionLog:
    """Group commit for the question log: questions asked at the same time share a transaction.

    ``log()`` queues the row and returns its id once the transaction holding it has committed,
    so a question is on disk before it is answered, and a failing database fails the asker
    (who gets the usual apology) just as one transaction per question did. One drain task at a
    time writes everything queued so far in one transaction; rows queued meanwhile form the
    next batch, so an idle bot adds no delay. Under load this turns N transactions (each four
    hops to aiosqlite's thread and a turn at the write lock) into one: the Q&A benchmark went
    from ~0.16 to ~0.21 of the echo bot's rate from this alone. A row that breaks a constraint
    sends the batch round again one row per transaction, so only its asker fails.

    Not write-behind (answer first, write later): that would be only ~7% faster in the same
    benchmark, but a crash would lose the latest questions, a full or read-only disk would go
    unnoticed by the resident, and feedback, /unanswered and /mydata would have to wait for or
    look past a queue. One transaction per batch keeps every one of those guarantees.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: list[_Entry] = []
        self._drain: asyncio.Task[None] | None = None

    async def log(self, question: questions_repo.NewQuestion) -> int:
        """Queue ``question``; its id once it is committed."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append((question, future))
        if self._drain is None or self._drain.done():
            # A fresh context: the drain must not inherit the first asker's read() or trace.
            self._drain = asyncio.create_task(self._run(), context=contextvars.Context())
        return await future

    async def _run(self) -> None:
        batch: list[_Entry] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                await self._commit(batch)
        except BaseException:  # cancelled at shutdown: nobody may wait for ever
            for _, future in (*batch, *self._queue):
                future.cancel()
            self._queue = []
            raise

    async def _commit(self, batch: list[_Entry]) -> None:
        try:
            async with self._db.write() as conn:
                ids = await questions_repo.log_questions(conn, [q for q, _ in batch])
        except sqlite3.IntegrityError as exc:
            if len(batch) == 1:
                _fail(batch, exc)
                return
            for entry in batch:  # only the asker whose row is refused fails
                await self._commit([entry])
            return
        except Exception as exc:  # full, read-only, locked: every asker in the batch hears it
            _fail(batch, exc)
            return
        for (_, future), ident in zip(batch, ids, strict=True):
            if not future.done():  # the asker may have been cancelled meanwhile
                future.set_result(ident)


_Entry = tuple[questions_repo.NewQuestion, "asyncio.Future[int]"]


def _fail(batch: list[_Entry], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)


def _logged_reason(result: SearchResult) -> str:
    """The reason a question is logged with: a message with nothing to search once filler is
    taken out ("嗯", "我想问一下") is "filler", which /stats and /unanswered leave out."""
    if (
        result.decision == "abstain"
        and not result.normalized
        and result.reason not in SOCIAL_REASONS
    ):
        return "filler"
    return result.reason


def _build(
    directory: Path | None, extra: Mapping[str, list[str]]
) -> tuple[KnowledgeBase, Searcher]:
    kb = load_knowledge_base(directory, extra_examples=extra)
    return kb, Searcher(kb, cache_dir=default_cache_dir())
