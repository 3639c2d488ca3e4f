"""Property: every free text a person types is stored exactly as ``bot.services.text`` cleans it.

Hostile text (random Unicode, RTL and zero-width marks, NUL and other control characters,
HTML and SQL fragments, long runs) as a resident's ``/contact`` message, a staff reply, a
complaint's resolution note, a 退回 reason, the /newtraining fields after the title, a
session's edited title, place or description, and a broadcast. Each goes through the real
Application, one running bot per test. The cleaning functions say whether an answer can be
stored; if not, the bot must ask again (the test then answers validly), so a bot that stores
what it should refuse (or the reverse) ends with a different row. No error may reach the
error handler, and the stored text equals the cleaning of what was typed.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import aiosqlite
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot import callbacks
from bot.buttons import FormButton
from bot.services.broadcast import clean_broadcast
from bot.services.complaints import clean_note
from bot.services.contact import clean_message, clean_reply
from bot.services.registration import REASON_MAX_CHARS
from bot.services.text import clean_text
from bot.services.training_rules import clean_field, split_tags
from bot.settings import Limits, Settings
from bot.shell.emulator.users import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from bot.vocabulary import TextProblem
from db import contact_messages as contact_repo
from db import privacy
from db import projects as projects_repo
from db.models import ProjectStatus
from tests.conftest import ADMIN_ID
from tests.hostile_text import hostile_text, watching
from tests.seed import add_complaint, add_project, publish_training

T = TypeVar("T")

ZH = get_texts("zh")
_IDS = itertools.count(7_700_000)
TEXT = hostile_text(max_size=60).filter(lambda s: not s.startswith("/"))
# Found by review: each of these crashed at least one input (SQLite's length() stops at NUL).
NUL = "\x00\x00hello"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No per-user flood limit: one resident may open many dialogs here."""
    limits = dataclasses.replace(Limits(), dialogs_per_hour=1_000_000)
    return dataclasses.replace(settings, limits=limits)


async def _resident(harness: BotHarness) -> int:
    """A resident who has started the bot (so the bot may write to them)."""
    user_id = next(_IDS)
    assert (await harness.user(user_id).send("/start")).messages
    return user_id


async def _seeded(
    harness: BotHarness, add: Callable[[aiosqlite.Connection, int, datetime], Awaitable[T]]
) -> T:
    """What ``add`` stores for a new resident (who has opened the bot), now."""
    resident = await _resident(harness)
    async with harness.running.services.db.write() as conn:
        return await add(conn, resident, harness.running.services.clock())


async def _admin(harness: BotHarness) -> SimUser:
    """The admin, with a message from the bot to press buttons under."""
    admin = harness.user(ADMIN_ID)
    assert (await admin.send("/start")).messages
    return admin


async def _staff_type(
    admin: SimUser, button: str, text: str, kept: object, instead: str
) -> object:
    """Staff press ``button`` and type ``text``; when the bot refuses it (``kept``, what the
    cleaner makes of it, is None or a problem) they type ``instead``. What must be stored."""
    with watching() as watch:
        assert (await admin.press_data(button)).messages
        assert (await admin.send(text)).messages
        if kept is None or isinstance(kept, TextProblem):
            kept = instead
            assert (await admin.send(instead)).messages
    watch.assert_clean(text)
    return kept


@given(text=TEXT)
@example(text=NUL)
async def test_contact_message_is_stored_cleaned(harness: BotHarness, text: str) -> None:
    resident = harness.user(next(_IDS))
    with watching() as watch:
        assert (await resident.send("/contact")).messages
        assert (await resident.send(text)).messages
        expected = clean_message(text)
        if expected is None:
            expected = "我想问问联保贷款"
            assert (await resident.send(expected)).messages
    watch.assert_clean(text)
    async with harness.running.services.db.read() as conn:
        data = await privacy.collect(conn, resident.id)
    assert data is not None
    [stored] = data.messages  # as /mydata shows it
    assert stored.text == expected


@given(text=TEXT)
@example(text=NUL)
async def test_staff_reply_is_stored_cleaned(harness: BotHarness, text: str) -> None:
    message = await _seeded(
        harness,
        lambda conn, resident, now: contact_repo.add_message(
            conn, resident, "联保贷款怎么办？", now=now
        ),
    )
    admin = await _admin(harness)
    expected = await _staff_type(
        admin,
        callbacks.encode("ctreply", message.id),
        text,
        clean_reply(text),
        "带上身份证到镇创业办办理。",
    )
    stored = await harness.running.services.contact.get(message.id)
    assert stored is not None
    assert stored.reply_text == expected


@given(text=TEXT)
@example(text=NUL)
async def test_resolution_note_is_stored_cleaned(harness: BotHarness, text: str) -> None:
    async with harness.running.services.db.write() as conn:
        filed = await add_complaint(
            conn,
            ADMIN_ID,
            anonymous=True,
            what="办执照被多收了三百元",
            happened_at_text="上周三",
            now=harness.running.services.clock(),
        )
    admin = await _admin(harness)
    expected = await _staff_type(
        admin,
        callbacks.encode("cpres", filed.complaint.id),
        text,
        clean_note(text),
        "已退还多收的费用。",
    )
    stored = await harness.running.services.complaints.get(filed.complaint.id)
    assert stored is not None
    assert stored.resolution_note == expected


@given(text=TEXT)
@example(text=NUL)
async def test_return_reason_is_stored_cleaned(harness: BotHarness, text: str) -> None:
    project = await _seeded(
        harness, lambda conn, resident, now: add_project(conn, resident, now=now)
    )
    admin = await _admin(harness)
    expected = await _staff_type(
        admin,
        callbacks.encode("rev", "ret", project.id),
        text,
        clean_text(text, REASON_MAX_CHARS),
        "材料不全",
    )
    async with harness.running.services.db.read() as conn:
        history = await projects_repo.list_status_history(conn, project.id)
    assert history[-1].status == ProjectStatus.RETURNED.value
    assert history[-1].note == expected


def _training_answer(field: str, typed: str) -> str | None:
    """What the dialog stores for ``typed`` (None: it asks again)."""
    if field in ("target", "description") and typed.strip().lower() in ZH.trainings.skip_words:
        return ""
    value = clean_field(field, typed)
    return None if isinstance(value, TextProblem) else value


@given(tags=TEXT, target=TEXT, place=TEXT, description=TEXT)
@example(tags=NUL, target=NUL, place="\x00培训", description=NUL)
async def test_training_fields_are_stored_cleaned(
    harness: BotHarness, tags: str, target: str, place: str, description: str
) -> None:
    admin = harness.user(ADMIN_ID)
    expected: dict[str, object] = {}
    with watching() as watch:
        assert (await admin.send("/newtraining")).messages
        assert (await admin.send("创业培训")).messages
        assert (await admin.send("跳过")).messages  # no English title
        assert (await admin.send(tags)).messages
        skipped = tags.strip().lower() in ZH.trainings.skip_words
        expected["tags"] = set() if skipped else set(split_tags(tags)[:10])
        for field, typed, fallback in (
            ("target_group", target, "返乡创业人员"),
            (None, "明天 14:00", None),  # within the two years a session may be ahead
            (None, "16:00", None),
            ("place", place, "镇政府三楼会议室"),
            (None, "30", None),
            ("description", description, "讲解联保贷款"),
        ):
            assert (await admin.send(typed)).messages
            if field is None:
                continue
            value = _training_answer("target" if field == "target_group" else field, typed)
            if value is None:
                assert (await admin.send(fallback or "")).messages
                value = fallback
            expected[field] = value
        done = await admin.press(ZH.trainings.btn_publish)
    watch.assert_clean(expected)
    assert "已发布培训" in done.text, done.text
    trainings = await harness.running.services.trainings.list_sessions()
    training = max(trainings, key=lambda t: t.id)
    stored = {
        "tags": set(training.tags),
        "target_group": training.target_group,
        "place": training.place,
        "description": training.description,
    }
    assert stored == expected


@given(text=TEXT)
@example(text=NUL)
@example(text="\x00")
async def test_broadcast_text_is_stored_cleaned(harness: BotHarness, text: str) -> None:
    admin = harness.user(ADMIN_ID)
    await harness.user(ADMIN_ID + 7).send("/start")  # a resident to send to (staff are not)
    b = ZH.broadcast
    with watching() as watch:
        assert (await admin.send("/broadcast")).messages
        assert (await admin.send(text)).messages
        expected = clean_broadcast(text)
        if isinstance(expected, TextProblem):
            expected = "明天上午九点培训"
            assert (await admin.send(expected)).messages
        assert (await admin.press_data(FormButton("bc", "c", "audience", "0").pack())).messages
        await admin.press(b.btn_send)
        await harness.running.services.broadcasts.wait_idle()
    watch.assert_clean(text)
    broadcasts, latest = harness.running.services.broadcasts, 1
    while await broadcasts.get(latest + 1) is not None:
        latest += 1
    stored = await broadcasts.get(latest)
    assert stored is not None
    assert stored.text == expected
    assert stored.delivered >= 1


@given(field=st.sampled_from(["title", "place", "description"]), text=TEXT)
@example(field="place", text="\x00培训")
@example(field="title", text="\x00培训")
async def test_training_edit_stores_cleaned_text(
    harness: BotHarness, field: str, text: str
) -> None:
    start = harness.running.services.clock() + timedelta(days=30)
    tid = await publish_training(
        harness, start, title="创业培训", place="三楼", capacity=5, tags=()
    )
    admin = await _admin(harness)
    with watching() as watch:
        assert (await admin.press_data(callbacks.encode("trs", "edit", tid, field))).messages
        assert (await admin.send(text)).messages
        skipped = field == "description" and text.strip().lower() in ZH.trainings.skip_words
        expected = "" if skipped else clean_field(field, text)
        if isinstance(expected, TextProblem):
            expected = "镇政府三楼会议室"
            assert (await admin.send(expected)).messages
    watch.assert_clean(text)
    stored = await harness.running.services.trainings.get(tid)
    assert stored is not None
    assert getattr(stored, field) == expected
