"""The question log: what residents asked, what the knowledge base decided, their 👍/👎.

Also the extra examples staff attach to topics from ``/unanswered``. Repository functions:
parameterised SQL on the connection they are given, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db._sql import (
    execute,
    fetch_object,
    fetch_objects,
    fetch_one,
    returning,
    time_range,
)
from db.models import Decision, DecisionCounts, ExtraExample, Feedback, Question
from db.rows import counts, from_row, to_db_time

# Logged messages that are not questions to the knowledge base: greetings, thanks, empty or
# emoji-only messages, menu words ("菜单", a stray "2"), filler with nothing to search ("嗯",
# "我想问一下"), anything staff type (they test the bot), and topics opened from a menu or a
# related-topic button (logged so 👍/👎 has a row). /stats does not count them as questions,
# /unanswered does not list them, the questions export leaves them out. The stats counters'
# triggers (migration 0014) spell the same list: change both together.
NOT_QUESTION_REASONS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "empty",
    "menu_word",
    "filler",
    "staff",
    "menu",
)
# The same as an SQL condition on a ``questions`` row (constants only, no user input).
IS_QUESTION_SQL = "reason NOT IN ({})".format(", ".join(f"'{r}'" for r in NOT_QUESTION_REASONS))
# A question answered through the choice it was offered: the topic the asker picked.
CHOSEN = "chosen"


@dataclass(frozen=True, slots=True)
class NewQuestion:
    """A question to log: the columns ``log_questions`` inserts."""

    user_id: int | None
    text: str
    normalized: str
    decision: Decision
    reason: str
    topic_id: str | None
    confidence: float
    lang: str
    now: datetime


async def log_questions(conn: aiosqlite.Connection, batch: Sequence[NewQuestion]) -> list[int]:
    """Record several questions with one statement; their ids, in order.

    The ids follow the largest id in the table, read in the caller's (write) transaction, so
    no other writer can take them in between.
    """
    if not batch:
        return []
    row = await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM questions")
    first = 1 + (int(row[0]) if row is not None else 0)
    ids = list(range(first, first + len(batch)))
    await conn.executemany(
        "INSERT INTO questions (id, user_id, text, normalized, decision, reason, topic_id, "
        "confidence, lang, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                ident,
                q.user_id,
                q.text,
                q.normalized,
                Decision(q.decision).value,
                q.reason,
                q.topic_id,
                q.confidence,
                q.lang,
                to_db_time(q.now),
            )
            for ident, q in zip(ids, batch, strict=True)
        ],
    )
    return ids


async def get_question(conn: aiosqlite.Connection, question_id: int) -> Question | None:
    """The logged question with this id."""
    return await fetch_object(
        conn, Question, "SELECT * FROM questions WHERE id = ?", (question_id,)
    )


async def set_feedback(
    conn: aiosqlite.Connection,
    question_id: int,
    *,
    user_id: int,
    feedback: Feedback | None,
    now: datetime,
) -> bool:
    """Record (or with None, withdraw) the asker's 👍/👎; False if not their question."""
    return (
        await execute(
            conn,
            "UPDATE questions SET feedback = ?, feedback_at = ? WHERE id = ? AND user_id = ?",
            (
                None if feedback is None else Feedback(feedback).value,
                None if feedback is None else to_db_time(now),
                question_id,
                user_id,
            ),
        )
        == 1
    )


async def record_choice(
    conn: aiosqlite.Connection, question_id: int, *, user_id: int, topic_id: str
) -> bool:
    """The asker picked ``topic_id`` from the choice offered for their question: it was
    answered through that choice. False if the question is not theirs or was answered
    directly (a pick from the same choice again replaces the first)."""
    return (
        await execute(
            conn,
            "UPDATE questions SET decision = 'answer', topic_id = ?, reason = ? "
            "WHERE id = ? AND user_id = ? AND (decision != 'answer' OR reason = ?)",
            (topic_id, CHOSEN, question_id, user_id, CHOSEN),
        )
        == 1
    )


async def count_by_decision(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> DecisionCounts:
    """Questions per decision and feedback asked in ``[since, until)`` (open ends allowed).

    Messages that are not questions (``NOT_QUESTION_REASONS``) are not counted per decision;
    their 👍/👎 (on a topic opened from the menu) are counted with the rest.
    """
    row = await fetch_one(
        conn,
        "SELECT "
        f"coalesce(sum(decision = 'answer' AND {IS_QUESTION_SQL}), 0), "
        f"coalesce(sum(decision = 'ambiguous' AND {IS_QUESTION_SQL}), 0), "
        f"coalesce(sum(decision = 'abstain' AND {IS_QUESTION_SQL}), 0), "
        "coalesce(sum(feedback = 'up'), 0), coalesce(sum(feedback = 'down'), 0) "
        "FROM questions WHERE created_at >= ? AND created_at < ?",
        time_range(since, until),
    )
    return counts(DecisionCounts, row)


async def list_questions(
    conn: aiosqlite.Connection,
    *,
    since: datetime | None = None,
    decisions: tuple[Decision, ...] = (),
    feedback: Feedback | None = None,
    limit: int = 1000,
) -> list[Question]:
    """Questions since a time, newest first, matching any of ``decisions`` or ``feedback``.

    With neither filter, every question. Erased questions (text NULL) are left out.
    """
    clauses = []
    params: list[object] = [time_range(since, None)[0]]
    if decisions:
        clauses.append(f"decision IN ({', '.join('?' * len(decisions))})")
        params.extend(Decision(d).value for d in decisions)
    if feedback is not None:
        clauses.append("feedback = ?")
        params.append(Feedback(feedback).value)
    match = f" AND ({' OR '.join(clauses)})" if clauses else ""
    params.append(limit)
    return await fetch_objects(
        conn,
        Question,
        f"SELECT * FROM questions WHERE created_at >= ? AND text IS NOT NULL{match} "
        "ORDER BY created_at DESC, id DESC LIMIT ?",
        params,
    )


async def add_extra_example(
    conn: aiosqlite.Connection, topic_id: str, text: str, *, added_by: int, now: datetime
) -> ExtraExample | None:
    """Attach ``text`` as an example of ``topic_id``; None if it is already there."""
    try:
        row = await returning(
            conn,
            "INSERT INTO kb_extra_examples (topic_id, text, added_by, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING *",
            (topic_id, text, added_by, to_db_time(now)),
        )
    except sqlite3.IntegrityError:
        if await fetch_one(
            conn,
            "SELECT 1 FROM kb_extra_examples WHERE topic_id = ? AND text = ?",
            (topic_id, text),
        ):
            return None
        raise
    return from_row(ExtraExample, row)


async def list_extra_examples(
    conn: aiosqlite.Connection, topic_id: str | None = None
) -> list[ExtraExample]:
    """Extra examples of one topic, or of all topics, in the order they were added."""
    if topic_id is None:
        return await fetch_objects(
            conn, ExtraExample, "SELECT * FROM kb_extra_examples ORDER BY id"
        )
    return await fetch_objects(
        conn,
        ExtraExample,
        "SELECT * FROM kb_extra_examples WHERE topic_id = ? ORDER BY id",
        (topic_id,),
    )
