"""The rows of the staff exports, streamed in chunks: projects, trainings, questions, complaints.

Each export is one ``SELECT`` whose columns are the file's columns in order, as stored (times
as the store's UTC text, statuses as their codes); ``bot.services.export`` turns codes into
labels and writes the file. ``chunks`` yields lists of plain tuples, so 500,000 questions
never sit in memory at once and no row object is built per row; run it on a
``Database.snapshot()`` connection so the file is one consistent state (``chunks_sync`` is
the same on a plain ``sqlite3`` connection, for the export worker process). Anonymous complaints
carry no identity: the complainant is selected only for complaints that are not anonymous.
Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncGenerator, Iterator, Mapping
from typing import Any

import aiosqlite

from db._sql import fetch_count
from db.questions import IS_QUESTION_SQL

Row = tuple[Any, ...]

_PROJECTS = (
    "SELECT p.ref_no, p.name, p.industry, p.village, p.applicant_type, p.investment_wan, "
    "p.jobs, CASE WHEN a.id IS NOT NULL THEN "
    "trim(coalesce(a.first_name, '') || coalesce(' @' || a.username, '')) END, a.id, p.phone, "
    "coalesce(CASE WHEN u.id IS NOT NULL THEN u.first_name || coalesce(' @' || u.username, '') "
    "END, p.referrer_note), p.status, h.note, coalesce(s.first_name, CAST(h.actor_id AS TEXT)), "
    "h.created_at, "
    # The applicant's 补充说明 of the latest resubmission, then every return and resubmission
    # (time, status, note; fields split by \x1f, entries by \x1e) for the 退回记录 column.
    "(SELECT note FROM project_status_history WHERE project_id = p.id AND status = 'submitted' "
    "ORDER BY id DESC LIMIT 1), "
    "(SELECT group_concat(entry, char(30)) FROM (SELECT created_at || char(31) || status || "
    "char(31) || coalesce(note, '') AS entry FROM project_status_history "
    "WHERE project_id = p.id AND status IN ('returned', 'submitted') ORDER BY id)), "
    "p.created_at, p.updated_at "
    "FROM projects p LEFT JOIN referrals r ON r.project_id = p.id "
    "LEFT JOIN users u ON u.id = r.referrer_user_id "
    "LEFT JOIN users a ON a.id = p.user_id "
    # The decision in force: none while the project awaits review (new or resubmitted), so a
    # resubmitted project does not show the reason of its old return as if current.
    "LEFT JOIN project_status_history h ON h.id = (SELECT max(id) "
    "FROM project_status_history WHERE project_id = p.id) AND h.status != 'submitted' "
    "LEFT JOIN users s ON s.id = h.actor_id "
    "ORDER BY p.created_at, p.id"
)
_TRAININGS = (
    "SELECT t.id, t.title, "
    "(SELECT group_concat(tag, ',') FROM training_tags g WHERE g.training_id = t.id), "
    "t.target_group, t.starts_at, t.ends_at, t.place, t.capacity, "
    "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
    "AND s.status = 'signed'), "
    "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
    "AND s.status = 'waitlisted'), "
    "(SELECT count(*) FROM training_signups s WHERE s.training_id = t.id "
    "AND s.status = 'cancelled'), t.status, "
    # Came / did not come: blank until staff mark attendance for the session.
    "(SELECT sum(s.attended = 1) FROM training_signups s WHERE s.training_id = t.id "
    "AND s.attended IS NOT NULL), "
    "(SELECT sum(s.attended = 0) FROM training_signups s WHERE s.training_id = t.id "
    "AND s.attended IS NOT NULL) "
    "FROM trainings t ORDER BY t.starts_at, t.id"
)
# Erased questions (text NULL) are listed too, with no text: their counts are in /stats.
# Messages that are not questions (greetings, menu words, staff's typing, topics opened from a
# menu: db.questions.NOT_QUESTION_REASONS) are left out, as /stats leaves them out.
_QUESTIONS = (
    "SELECT id, created_at, text, decision, topic_id, confidence, feedback, lang "
    f"FROM questions WHERE {IS_QUESTION_SQL} ORDER BY created_at, id"
)
_COMPLAINTS = (
    "SELECT c.ref_no, c.created_at, c.anonymous, "
    "CASE WHEN c.anonymous = 0 THEN (SELECT u.first_name || coalesce(' @' || u.username, '') "
    "FROM users u WHERE u.id = c.user_id) END, c.what, c.department, c.happened_at_text, "
    "c.photo_file_id IS NOT NULL, c.status, c.resolution_note, c.updated_at "
    "FROM complaints c ORDER BY c.created_at, c.id"
)

QUERIES: Mapping[str, str] = {
    "projects": _PROJECTS,
    "trainings": _TRAININGS,
    "questions": _QUESTIONS,
    "complaints": _COMPLAINTS,
}
# How many rows each export has (our own literals, looked up from ``kind``).
_COUNTS: Mapping[str, str] = {
    **{name: f"SELECT count(*) FROM {name}" for name in QUERIES},
    "questions": f"SELECT count(*) FROM questions WHERE {IS_QUESTION_SQL}",
}


async def count(conn: aiosqlite.Connection, kind: str) -> int:
    """How many rows the export of ``kind`` has."""
    return await fetch_count(conn, _COUNTS[kind])


async def chunks(
    conn: aiosqlite.Connection, kind: str, *, size: int = 2_000
) -> AsyncGenerator[list[Row], None]:
    """The rows of the export of ``kind`` in order, ``size`` at a time."""
    async with conn.execute(QUERIES[kind]) as cur:
        while batch := await cur.fetchmany(size):
            yield [tuple(r) for r in batch]


def count_sync(conn: sqlite3.Connection, kind: str) -> int:
    """``count`` on a plain ``sqlite3`` connection (the export worker process)."""
    return int(conn.execute(_COUNTS[kind]).fetchone()[0])


def chunks_sync(conn: sqlite3.Connection, kind: str, *, size: int = 2_000) -> Iterator[list[Row]]:
    """``chunks`` on a plain ``sqlite3`` connection (the export worker process)."""
    cur = conn.execute(QUERIES[kind])
    try:
        while batch := cur.fetchmany(size):
            yield batch
    finally:
        cur.close()
