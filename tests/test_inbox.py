"""The durable inbox (issue 13.3): stored before acknowledged, handled once, resumed after a crash.

In process, over the emulator: the emulator's getUpdates offset is Telegram's acknowledgement,
``redeliver`` is Telegram sending an unconfirmed update again, and a row written to the inbox
while the emulator already counts the update confirmed is what a kill -9 between the two
leaves behind. ``tests/test_e2e_inbox.py`` does the same with a real SIGKILL.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.services.inbox import MAX_ATTEMPTS, Admission, Inbox
from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db.database import Database
from db.inbox import Incoming

ZH = get_texts("zh")


def inbox_rows(settings: Settings) -> dict[int, tuple[str | None, int]]:
    """update_id -> (outcome, attempts), read as another process would."""
    with closing(sqlite3.connect(settings.db_path)) as conn:
        rows = conn.execute("SELECT update_id, outcome, attempts FROM inbox").fetchall()
    return {int(r[0]): (r[1], int(r[2])) for r in rows}


def command(text: str) -> dict[str, Any]:
    """A message's content for the command ``text``, with its entity, as Telegram sends it."""
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}


def greetings(harness: BotHarness, user_id: int) -> int:
    """How many /start greetings the user has received."""
    chat = harness.emulator.chats[user_id]
    return sum(1 for m in chat.messages if m.from_bot and "测试镇创业助手" in m.text)


async def store_as_received(settings: Settings, update: dict[str, Any]) -> None:
    """Write ``update`` to the inbox as a poll does, with the bot not running."""
    db = await Database.open(settings.db_path)
    try:
        inbox = Inbox(db, db.now)
        sender = next(v["from"]["id"] for k, v in update.items() if k != "update_id")
        incoming = Incoming(update["update_id"], sender, json.dumps(update))
        received = await inbox.receive([incoming])
        assert received == {update["update_id"]: Admission.NEW}
    finally:
        await db.close()


async def test_a_polled_update_is_on_disk_before_its_offset_confirms_it(
    harness: BotHarness, settings: Settings
) -> None:
    emulator = harness.emulator
    pushed: list[int] = []
    stored_when_confirmed: dict[int, bool] = {}
    emulator.update_listeners.append(lambda u: pushed.append(int(u["update_id"])))
    take = emulator.take_updates

    def confirming(offset: int | None, limit: int) -> list[Any]:
        for update_id in pushed:
            if offset is not None and update_id < offset:
                stored_when_confirmed.setdefault(update_id, update_id in inbox_rows(settings))
        return take(offset, limit)

    emulator.take_updates = confirming  # type: ignore[method-assign]  # spy on the offset
    user = harness.user(701)
    await user.send("/start")
    await user.send("/help")
    await user.send("税收返还怎么申请")
    await user.send("/help")  # its poll confirms the question
    assert len(stored_when_confirmed) >= 3
    assert all(stored_when_confirmed.values()), stored_when_confirmed
    rows = inbox_rows(settings)
    assert [rows[i][0] for i in pushed] == ["handled"] * len(pushed)
    # A handled row keeps its id only: neither what the resident wrote nor who they are.
    with closing(sqlite3.connect(settings.db_path)) as conn:
        kept = conn.execute(
            "SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL OR user_id IS NOT NULL"
        ).fetchone()
    assert kept == (0,)


async def test_an_update_left_unhandled_by_a_crash_is_handled_after_the_restart(
    settings: Settings,
) -> None:
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator) as harness:
        user = harness.user(702)
        await user.send("/start")
        before = len(emulator.chats[702].messages)
        await harness.stop()
        # The bot fetched /help, stored it, confirmed it to Telegram, and was killed.
        update_id, _ = emulator.user_message(702, command("/help"))
        (update,) = emulator.take_updates(None, 100)
        emulator.take_updates(update_id + 1, 0)
        assert emulator.pending_updates == 0
        await store_as_received(settings, update)

        await harness.start()
        await emulator.wait_processed(update_id, 30)
        replies = [m for m in emulator.chats[702].messages[before:] if m.from_bot]
        assert len(replies) == 1
        assert "/register" in replies[0].text  # the help text
        assert inbox_rows(settings)[update_id] == ("handled", 1)

        await harness.restart()  # handled: never again
        await user.send("/menu")
        assert len([m for m in emulator.chats[702].messages[before:] if m.from_bot]) == 2


async def test_an_update_delivered_again_is_skipped(
    harness: BotHarness, settings: Settings
) -> None:
    emulator = harness.emulator
    delivered: list[dict[str, Any]] = []
    emulator.update_listeners.append(delivered.append)
    user = harness.user(703)
    await user.send("/start")
    assert greetings(harness, 703) == 1
    # Telegram sends /start again (as after a crash between storing and confirming it).
    await harness.stop()
    emulator.redeliver(delivered[0])
    await harness.start()
    await user.send("/help")
    assert greetings(harness, 703) == 1
    assert emulator.pending_updates == 0
    assert inbox_rows(settings)[delivered[0]["update_id"]] == ("handled", 0)


async def test_resumed_updates_keep_each_users_order(settings: Settings) -> None:
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator) as harness:
        for uid in (704, 705):
            await harness.user(uid).send("/start")
        await harness.stop()
        texts = {704: ["/help", "/menu", "/language"], 705: ["/menu", "/help"]}
        for i in range(3):
            for uid, sent in texts.items():
                if i < len(sent):
                    emulator.user_message(uid, command(sent[i]))
        stored = emulator.take_updates(None, 100)
        emulator.take_updates(stored[-1]["update_id"] + 1, 0)
        for update in stored:
            await store_as_received(settings, update)
        await harness.start()
        for update in stored:
            await emulator.wait_processed(update["update_id"], 30)
        help_start = "/register"
        replies_704 = [m.text for m in emulator.chats[704].messages if m.from_bot][1:]
        assert len(replies_704) == 3
        assert help_start in replies_704[0]
        assert replies_704[1] == ZH.common.menu_prompt
        assert replies_704[2] == ZH.common.language_prompt
        replies_705 = [m.text for m in emulator.chats[705].messages if m.from_bot][1:]
        assert replies_705[0] == ZH.common.menu_prompt
        assert help_start in replies_705[1]
        assert len(replies_705) == 2


async def test_an_update_that_keeps_killing_the_bot_is_given_up(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator) as harness:
        await harness.user(706).send("/start")
        await harness.stop()
        update_id, _ = emulator.user_message(706, command("/help"))
        (update,) = emulator.take_updates(None, 100)
        emulator.take_updates(update_id + 1, 0)
        await store_as_received(settings, update)
        # Three replays alone died on it (tests/test_e2e_inbox.py has real deaths).
        with closing(sqlite3.connect(settings.db_path)) as conn, conn:
            conn.execute(
                "UPDATE inbox SET attempts = ? WHERE update_id = ?", (MAX_ATTEMPTS, update_id)
            )
        before = len(emulator.chats[706].messages)
        caplog.set_level(logging.ERROR, logger="bot.services.inbox")
        await harness.start()
        await harness.user(706).send("/menu")
        replies = [m.text for m in emulator.chats[706].messages[before:] if m.from_bot]
        # Not handled (no help text); the resident is asked to send it again, through the
        # outbox; /menu is answered as usual.
        assert len(replies) == 2, replies
        assert "没能处理" in replies[0]
        assert "请再发一次" in replies[0]
        assert replies[1] == ZH.common.menu_prompt
        assert inbox_rows(settings)[update_id] == ("abandoned", MAX_ATTEMPTS)
        assert any(f"update {update_id} abandoned" in r.getMessage() for r in caplog.records)
        with closing(sqlite3.connect(settings.db_path)) as conn:
            sent = conn.execute("SELECT kind, status FROM outbox WHERE recipient = 706").fetchall()
        assert sent == [("inbox.abandoned", "sent")]


async def stored_backlog(settings: Settings, user_id: int, texts: list[str]) -> list[int]:
    """Three updates of one resident stored and confirmed, the bot stopped before any ran."""
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator) as harness:
        await harness.user(user_id).send("/start")
        await harness.stop()
        for text in texts:
            emulator.user_message(user_id, command(text))
        stored = emulator.take_updates(None, 100)
        emulator.take_updates(stored[-1]["update_id"] + 1, 0)
        for update in stored:
            await store_as_received(settings, update)
    return [int(u["update_id"]) for u in stored]


async def test_deaths_while_updates_run_side_by_side_charge_nothing(settings: Settings) -> None:
    ids = await stored_backlog(settings, 709, ["/help", "/menu", "/language"])
    # Starts killed (by the operator, a power cut) before or after their replays alone: only a
    # replay alone that died is charged, so however many such deaths, nothing is given up.
    db = await Database.open(settings.db_path)
    try:
        inbox = Inbox(db, db.now)
        for _ in range(3 * MAX_ATTEMPTS):
            resumption = await inbox.resume()
            assert [r.update_id for r in resumption.alone] == ids[:1]
            assert [r.update_id for r in resumption.behind] == ids[1:]
            assert resumption.abandoned == []
    finally:
        await db.close()
    assert {inbox_rows(settings)[u] for u in ids} == {(None, 0)}


async def test_a_backlog_queued_behind_a_poison_update_is_not_given_up(
    settings: Settings,
) -> None:
    first, *behind = await stored_backlog(settings, 708, ["/help", "/menu", "/language"])
    # Starts that die on the first update while it is replayed alone, as often as allowed.
    db = await Database.open(settings.db_path)
    try:
        inbox = Inbox(db, db.now)
        for _ in range(MAX_ATTEMPTS):
            resumption = await inbox.resume()
            assert [r.update_id for r in resumption.alone] == [first]
            await inbox.isolate(first)
        resumption = await inbox.resume()
        assert resumption.abandoned == [first]
        # The next one has become the first to run alone; none behind it was charged.
        assert [r.update_id for r in resumption.alone] == behind[:1]
    finally:
        await db.close()
    rows = inbox_rows(settings)
    assert rows[first] == ("abandoned", MAX_ATTEMPTS)
    assert [rows[u] for u in behind] == [(None, 0), (None, 0)]


async def test_a_replay_alone_that_outlives_its_window_is_uncharged(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await stored_backlog(settings, 710, ["/help", "/menu"])
    # A window of 0 s: every replay alone is still running when the window closes (as one
    # waiting out a long flood limit would be), so the others start beside it.
    monkeypatch.setattr("bot.processing.ISOLATION_WINDOW_S", 0.0)
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator):
        for update_id in ids:
            await emulator.wait_processed(update_id, 30)
    assert [inbox_rows(settings)[u] for u in ids] == [("handled", 0), ("handled", 0)]


async def test_handled_rows_are_pruned_after_two_days(settings: Settings) -> None:
    clock = FakeClock()
    emulator = BotApiEmulator()
    async with bot_harness(settings, emulator=emulator, clock=clock) as harness:
        user = harness.user(707)
        await user.send("/start")
        old = set(inbox_rows(settings))
        clock.advance(days=1)
        await user.send("/help")
        recent = set(inbox_rows(settings)) - old
        clock.advance(days=1, minutes=1)
        await harness.restart()
        assert set(inbox_rows(settings)) == recent
        clock.advance(days=2)
        await harness.restart()
        assert inbox_rows(settings) == {}


def test_retention_outlives_telegrams_redelivery_window() -> None:
    from bot.services.inbox import RETAIN

    assert timedelta(hours=24) < RETAIN
