"""Rows tests put straight into the store through the repositories, with typical values.

Each helper takes only what a test cares about; everything else is a plausible resident's
answer, so a test names the values it asserts on and nothing more.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite

from bot.shell.harness import BotHarness
from db import complaints as complaints_repo
from db import projects as projects_repo
from db import questions as questions_repo
from db import users as users_repo
from db.complaints import ComplaintDraft, FiledComplaint
from db.database import Database
from db.models import Decision, Project, ProjectAnswers, Question
from db.trainings import TrainingDraft
from tests.conftest import ADMIN_ID

# When sessions start unless a test says otherwise: Sat 5 Dec 14:00 in Shanghai, four days
# after the FakeClock's start (2026-12-01 10:00 there).
START = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)

# When the rows of the repository tests are written.
MARCH_1 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

# A resident's typical answers to the registration form.
TYPICAL = ProjectAnswers(
    name="香菇种植基地",
    industry="食用菌",
    village="示例一村",
    applicant_type="返乡创业人员",
    investment_wan=50.0,
    jobs=8,
    phone="13912345678",
)


def answers(**changes: Any) -> ProjectAnswers:
    """The typical answers but for ``changes`` (field name -> value)."""
    return dataclasses.replace(TYPICAL, **changes)


async def add_user(db: Database, uid: int, name: str = "居民", *, now: datetime = MARCH_1) -> None:
    """A Chinese-speaking user ``uid`` who has written to the bot."""
    async with db.write() as conn:
        await users_repo.upsert_user(
            conn, uid, first_name=name, username=None, language_code="zh-hans", now=now
        )


async def add_project(
    conn: aiosqlite.Connection,
    user_id: int,
    *,
    now: datetime,
    referrer_note: str | None = None,
    **changes: Any,
) -> Project:
    """Store a submitted project of ``user_id`` with the typical answers but for ``changes``."""
    return await projects_repo.create_project(
        conn, user_id=user_id, answers=answers(**changes), referrer_note=referrer_note, now=now
    )


# A question the bot could not answer, and a named complaint: tests override what they check.
QUESTION: dict[str, Any] = {
    "user_id": None,
    "decision": Decision.ABSTAIN,
    "reason": "no_match",
    "topic_id": None,
    "confidence": 0.0,
    "lang": "zh",
}
COMPLAINT: dict[str, Any] = {
    "anonymous": False,
    "what": "乱收费的问题",
    "department": "某单位",
    "happened_at_text": "上周",
    "photo_file_id": None,
}


async def add_question(
    conn: aiosqlite.Connection, text: str, *, now: datetime, **columns: Any
) -> Question:
    """Log ``text`` as asked (normalized: the text itself), ``columns`` over ``QUESTION``."""
    row = QUESTION | {"normalized": text} | columns
    [ident] = await questions_repo.log_questions(
        conn, [questions_repo.NewQuestion(text=text, now=now, **row)]
    )
    question = await questions_repo.get_question(conn, ident)
    assert question is not None
    return question


async def add_complaint(
    conn: aiosqlite.Connection, user_id: int, *, now: datetime, **columns: Any
) -> FiledComplaint:
    """File a complaint of ``user_id``, ``columns`` over ``COMPLAINT``."""
    row = COMPLAINT | columns
    return await complaints_repo.create_complaint(
        conn, ComplaintDraft(**row), user_id=user_id, now=now
    )


def training(
    start: datetime,
    *,
    title: str = "模板加工培训",
    place: str = "镇政府三楼会议室",
    capacity: int = 2,
    tags: tuple[str, ...] = ("建筑模板",),
) -> TrainingDraft:
    """A two-hour session starting at ``start``."""
    return TrainingDraft(
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place=place,
        capacity=capacity,
        tags=tags,
    )


async def publish_training(h: BotHarness, start: datetime = START, **draft: Any) -> int:
    """Publish ``training(start, **draft)`` as staff would; the new session's id."""
    created = await h.running.services.trainings.create(training(start, **draft), actor=ADMIN_ID)
    return created.training.id
