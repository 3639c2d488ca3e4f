"""Telegram misbehaving, injected through the emulator: 429, 500, timeouts and 403.

The bot must keep answering everyone else, retry what is retryable (429 after retry_after,
a 500 when delivering reminders), and lose no registration, complaint or reminder: the stored
rows are exactly right even when the reply about them never reached the resident.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.services.delivery import Outcome
from bot.services.users import Person
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import projects as projects_repo
from handlers.trainings import dispatch
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.hostile_text import watching
from tests.registration_flow import answer_after_name, fill
from tests.seed import START, publish_training

ZH = get_texts("zh")
C = ZH.complaints
QUESTION = "新上的项目，头一年的税能返还吗？"


async def _everyone_answered(users: list[SimUser]) -> None:
    replies = await asyncio.gather(*(u.send(QUESTION) for u in users))
    for user, reply in zip(users, replies, strict=True):
        assert "税" in reply.text, f"user {user.id} got {reply.text!r}"


async def _projects(harness: BotHarness, user_id: int) -> list[str]:
    async with harness.running.services.db.read() as conn:
        projects = await projects_repo.list_projects(conn, user_id=user_id)
    return [p.name or "" for p in projects]


async def test_429_with_retry_after_is_waited_out_and_every_answer_arrives(
    harness: BotHarness,
) -> None:
    users = [harness.user(3000 + i) for i in range(8)]
    harness.emulator.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", count=3, retry_after=1
    )
    with watching() as watch:
        await _everyone_answered(users)
    assert not harness.emulator.faults  # all three 429s were met, and retried
    watch.assert_clean("429")


async def test_403_for_some_users_does_not_stop_the_others(harness: BotHarness) -> None:
    blocked = [harness.user(3100 + i) for i in range(3)]
    others = [harness.user(3200 + i) for i in range(6)]
    for user in blocked:
        harness.emulator.fail_next(
            "sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=user.id
        )
    await asyncio.gather(*(u.send(QUESTION) for u in blocked), _everyone_answered(others))
    for user in blocked:
        stored = await harness.running.services.users.get(user.id)
        assert stored is not None
        assert not stored.is_active  # skipped by announcements until they write again
    await _everyone_answered(blocked)  # writing again makes them reachable


async def test_500_on_the_confirmation_keeps_the_registration_stored_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    user, bystander = harness.user(3300), harness.user(3301)
    await fill(user, name="香菇大棚")
    harness.emulator.fail_next("sendMessage", 500, "Internal Server Error", chat_id=user.id)
    with caplog.at_level(logging.ERROR):
        done = await user.press(ZH.form.btn_submit)
    assert ZH.common.error in done.text  # the polite apology, no traceback
    assert "XM-" not in done.text  # the confirmation itself was lost on the wire ...
    assert await _projects(harness, user.id) == ["香菇大棚"]  # ... the project was not
    assert any("error while handling update" in r.getMessage() for r in caplog.records)
    await _everyone_answered([bystander])


async def test_after_a_lost_confirmation_the_dialog_is_over(harness: BotHarness) -> None:
    user = harness.user(3310)
    await fill(user, name="木耳基地")
    harness.emulator.fail_next("sendMessage", 500, "Internal Server Error", chat_id=user.id)
    await user.press(ZH.form.btn_submit)
    assert "XM-" in (await user.send("/myprojects")).text


async def test_a_timeout_on_a_reply_loses_no_registration_and_others_go_on(
    harness: BotHarness,
) -> None:
    harness.emulator.read_timeout = 0.3
    user, others = harness.user(3400), [harness.user(3401 + i) for i in range(4)]
    await user.send("/register")
    harness.emulator.fail_next(
        "sendMessage", 500, "never answered", chat_id=user.id, count=1, delay=2.0
    )
    # The name step's reply hangs past the read timeout: PTB raises TimedOut.
    await asyncio.gather(user.send("香菇大棚"), _everyone_answered(others))
    assert not harness.emulator.faults
    # The resident saw the apology instead of the next question, so answers again.
    assert ZH.common.error in user.last.text
    assert "食用菌" in (await user.send("香菇大棚")).last.button_labels
    await answer_after_name(user)
    assert "XM-" in (await user.press(ZH.form.btn_submit)).text
    assert await _projects(harness, user.id) == ["香菇大棚"]


async def test_a_complaint_survives_a_500_on_the_staff_card(harness: BotHarness) -> None:
    admin, other = harness.user(ADMIN_ID), harness.user(OTHER_ADMIN_ID)
    await admin.send("/start")
    await other.send("/start")
    resident = harness.user(3500, first_name="李明")
    await resident.send("/complaint")
    await resident.send("办营业执照时被要求另交服务费三百元")
    await resident.send("镇市场监管所")
    await resident.send("上周三上午")
    await resident.press(C.btn_skip)
    await resident.press(C.btn_named)
    harness.emulator.fail_next("sendMessage", 500, "Internal Server Error", chat_id=ADMIN_ID)
    done = await resident.press(get_texts("zh").form.btn_submit)
    ref = re.search(r"TS-\d{4}-\d{4}", done.text)
    assert ref, done.text
    # One admin's card was lost on the wire; the complaint is stored and the other admin has it.
    assert any(ref[0] in m.text for m in other.bot_messages)
    listing = await admin.send("/complaints")
    assert ref[0] in listing.text
    db = harness.running.services.db
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM complaints") as cur:
        row = await cur.fetchone()
    assert row is not None
    assert row[0] == 1


async def test_reminders_are_retried_through_500s_and_429s_and_none_is_lost(
    bot: BotHarness, clock: FakeClock
) -> None:
    services = bot.running.services
    tid = await publish_training(
        bot, START, title="养殖技术培训", place="村委会", capacity=20, tags=()
    )
    residents = list(range(3600, 3612))
    for uid in residents:
        await services.users.touch(Person(uid, f"用户{uid}", None, "zh-hans"), force=True)
        bot.user(uid)
        await services.trainings.signup(tid, uid)
    blocked = residents[-1]
    bot.user(blocked).block_bot()
    bot.emulator.fail_next("sendMessage", 500, "Internal Server Error", count=3)
    bot.emulator.fail_next("sendMessage", 429, "Too Many Requests", count=2, retry_after=1)
    clock.now = START - timedelta(hours=24)
    report = await dispatch(bot.running.app)
    assert not bot.emulator.faults
    assert report[Outcome.DELIVERED] == len(residents) - 1
    assert report[Outcome.BLOCKED] == 1
    for uid in residents[:-1]:
        seen = [m.text for m in bot.user(uid).bot_messages if "培训提醒" in m.text]
        assert len(seen) == 1, (uid, seen)  # delivered exactly once despite the retries
        states = await services.trainings.reminder_states(tid, uid)
        assert [s for _, s, _ in states] == ["sent", "pending"]
