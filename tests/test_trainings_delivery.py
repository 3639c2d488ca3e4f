"""Reminders and notices: on time, at most once, across restarts and crashes, at scale."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from bot.clock import FakeClock, system_clock
from bot.services.delivery import Outcome
from bot.services.users import Person
from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator, ManualClock
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import trainings as repo
from handlers.trainings import dispatch
from tests import queries
from tests.seed import START, publish_training

T = get_texts("zh").trainings


async def publish(h: BotHarness, start: datetime = START, capacity: int = 10) -> int:
    return await publish_training(
        h, start, title="养殖技术培训", place="村委会", capacity=capacity, tags=()
    )


async def sign_up(h: BotHarness, tid: int, *uids: int) -> None:
    for uid in uids:
        await h.running.services.users.touch(
            Person(uid, f"用户{uid}", None, "zh-hans"), force=True
        )
        h.user(uid)  # the chat exists in the simulated Telegram
        await h.running.services.trainings.signup(tid, uid)


def reminders_seen(h: BotHarness, uid: int) -> list[str]:
    return [m.text for m in h.user(uid).bot_messages if "培训提醒" in m.text]


async def test_each_reminder_is_sent_once_at_its_time(bot: BotHarness, clock: FakeClock) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 601)
    await dispatch(bot.running.app)
    assert reminders_seen(bot, 601) == []
    clock.now = START - timedelta(hours=24)
    await dispatch(bot.running.app)
    await dispatch(bot.running.app)  # a second run finds nothing new
    [first] = reminders_seen(bot, 601)
    assert "24小时后开始" in first
    assert T.late_prefix not in first
    clock.now = START - timedelta(minutes=59)
    await dispatch(bot.running.app)
    assert len(reminders_seen(bot, 601)) == 2
    assert "1小时后开始" in reminders_seen(bot, 601)[1]
    states = await bot.running.services.trainings.reminder_states(tid, 601)
    assert [(s, late) for _, s, late in states] == [("sent", False), ("sent", False)]


async def test_restart_between_scheduling_and_sending(bot: BotHarness, clock: FakeClock) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 611)
    await bot.restart()  # the reminders live in the database, not in the old JobQueue
    clock.now = START - timedelta(hours=24)
    await dispatch(bot.running.app)
    assert len(reminders_seen(bot, 611)) == 1
    await bot.restart()
    await dispatch(bot.running.app)
    assert len(reminders_seen(bot, 611)) == 1  # not repeated after a restart


async def test_bot_down_across_a_reminder_time_sends_it_late(
    bot: BotHarness, clock: FakeClock
) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 621, 622)
    await bot.stop()
    clock.now = START - timedelta(hours=20)  # the 24 h reminder fell due 4 h ago
    await bot.start()
    await dispatch(bot.running.app)
    for uid in (621, 622):
        [late] = reminders_seen(bot, uid)
        assert late.startswith(T.late_prefix)
        assert "20小时后开始" in late  # the real time left, not the planned offset
    # Down across both reminder times: only the nearest one is sent, once.
    tid2 = await publish(bot, start=START + timedelta(days=1))
    await sign_up(bot, tid2, 623)
    await bot.stop()
    clock.now = START + timedelta(days=1) - timedelta(minutes=30)
    await bot.start()
    await dispatch(bot.running.app)
    [only] = reminders_seen(bot, 623)
    assert "30分钟后开始" in only
    states = await bot.running.services.trainings.reminder_states(tid2, 623)
    assert [s for _, s, _ in states] == ["skipped", "sent"]


async def test_missed_reminder_of_a_started_session_is_skipped(
    bot: BotHarness, clock: FakeClock
) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 631)
    await bot.stop()
    clock.now = START + timedelta(minutes=5)
    await bot.start()
    await dispatch(bot.running.app)
    assert reminders_seen(bot, 631) == []
    states = await bot.running.services.trainings.reminder_states(tid, 631)
    assert {s for _, s, _ in states} == {"skipped"}


async def test_crash_while_sending_is_resent_marked_late(
    bot: BotHarness, clock: FakeClock
) -> None:
    """A row left 'sending' (crash after deciding, before recording) is resent, marked late."""
    tid = await publish(bot)
    await sign_up(bot, tid, 641, 642)
    clock.now = START - timedelta(hours=24)
    service = bot.running.services.trainings
    due = [i for i in await service.due() if i.kind == "reminder"]
    claimed = next(i for i in due if i.to.user_id == 641)
    assert await service.claim(claimed) is not None  # ... and the process dies here
    await bot.stop()
    await bot.start()
    await dispatch(bot.running.app)
    [resent] = reminders_seen(bot, 641)
    assert resent.startswith(T.late_prefix)
    assert "如已收到请忽略" in resent
    [normal] = reminders_seen(bot, 642)
    assert not normal.startswith(T.late_prefix)
    # A crash-interrupted reminder whose session has started is dropped, not sent.
    tid2 = await publish(bot, start=START + timedelta(hours=30))
    await sign_up(bot, tid2, 643)
    clock.now = START + timedelta(hours=6)
    [item] = [i for i in await bot.running.services.trainings.due() if i.to.user_id == 643]
    await bot.running.services.trainings.claim(item)
    await bot.stop()
    clock.now = START + timedelta(hours=31)
    await bot.start()
    await dispatch(bot.running.app)
    assert reminders_seen(bot, 643) == []


async def test_a_claimed_row_is_never_claimed_twice(bot: BotHarness, clock: FakeClock) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 651)
    clock.now = START - timedelta(hours=24)
    service = bot.running.services.trainings
    [item] = [i for i in await service.due() if i.kind == "reminder"]
    tokens = await asyncio.gather(*(service.claim(item) for _ in range(10)))
    assert sum(t is not None for t in tokens) == 1
    await dispatch(bot.running.app)
    assert reminders_seen(bot, 651) == []  # still 'sending': only startup reconciles it


async def test_blocked_user_is_marked_inactive_and_skipped(
    bot: BotHarness, clock: FakeClock
) -> None:
    tid = await publish(bot)
    await sign_up(bot, tid, 661)
    blocker = bot.user(661)
    blocker.block_bot()
    clock.now = START - timedelta(hours=24)
    report = await dispatch(bot.running.app)
    assert report[Outcome.BLOCKED] == 1
    stored = await bot.running.services.users.get(661)
    assert stored is not None
    assert not stored.is_active
    clock.now = START - timedelta(hours=1)
    report = await dispatch(bot.running.app)
    assert report[Outcome.BLOCKED] == 0  # skipped from then on, not tried again
    assert bot.emulator.calls.get("sendMessage", 0) >= 1
    await blocker.send("/start")  # active again
    stored = await bot.running.services.users.get(661)
    assert stored is not None
    assert stored.is_active


async def test_cancel_from_the_cli_is_delivered_by_the_bot(
    bot: BotHarness, clock: FakeClock
) -> None:
    """The CLI only records notices; the running bot's dispatcher sends them."""
    tid = await publish(bot)
    await sign_up(bot, tid, 671)
    db = bot.running.services.db
    from bot.services.trainings import TrainingService

    cli_side = TrainingService(db, clock, bot.settings)
    result = await cli_side.cancel(tid, actor=None)
    assert result.notified == 1
    await dispatch(bot.running.app)
    assert "培训取消" in bot.user(671).last.text
    async with db.read() as conn:
        assert await queries.status_counts(conn, "notice") == {"sent": 1}


async def test_the_jobqueue_fires_a_reminder_on_its_own(settings: Settings) -> None:
    """Real time, sub-second: a reminder due in 0.3 s arrives without calling dispatch."""
    offsets = (timedelta(hours=1),)
    async with bot_harness(replace(settings, reminder_offsets=offsets)) as h:
        arrived = asyncio.Event()
        h.emulator.message_listeners.append(
            lambda m: arrived.set() if "培训提醒" in m.text else None
        )
        start = system_clock() + timedelta(hours=1, seconds=0.3)
        tid = await publish(h, start=start)
        await h.user(681).send("/start")
        await h.user(681).send("/trainings")
        await h.user(681).press(T.btn_join)
        await asyncio.wait_for(arrived.wait(), 120)  # a safety net, not a speed claim
        assert len(reminders_seen(h, 681)) == 1
        assert tid


async def test_announcement_to_2000_subscribers_under_a_flood_limit(settings: Settings) -> None:
    """Every active subscriber gets it exactly once; blocked ones are marked inactive.

    The flood limit counts sends on the emulator's manual clock, which moves only when the bot
    waits out a 429: it bites after 400 sends however fast or slow the machine is. How long
    such a delivery takes is measured in ``benchmarks.bench_trainings``, not here.
    """
    clock, telegram = FakeClock(), ManualClock()
    emulator = BotApiEmulator(clock=telegram)
    async with bot_harness(settings, clock=clock, emulator=emulator, sleep=telegram.sleep) as h:
        db, users = h.running.services.db, h.running.services.users
        ids = list(range(100_000, 102_000))
        async with db.write() as conn:
            for uid in ids:
                await conn.execute(
                    "INSERT INTO users (id, first_name, created_at, last_seen_at) "
                    "VALUES (?, 'x', ?, ?)",
                    (uid, "2026-11-01T00:00:00.000000Z", "2026-11-01T00:00:00.000000Z"),
                )
                await repo.set_subscribed(conn, uid, "*", True, now=clock())
        blocked = set(ids[::100])
        for uid in ids:
            h.user(uid)
        for uid in blocked:
            h.emulator.block(uid)
        h.emulator.flood_per_second = 400
        await publish(h)
        report = await dispatch(h.running.app)
        got = [uid for uid in ids if any("新培训" in m.text for m in h.user(uid).bot_messages)]
        assert sorted(got) == sorted(set(ids) - blocked)
        assert all(len(h.user(uid).bot_messages) == 1 for uid in got)  # never twice
        assert report[Outcome.DELIVERED] == 2000 - len(blocked)
        assert report[Outcome.BLOCKED] == len(blocked)
        assert h.emulator.flood_hits > 0  # the flood limit really bit
        assert report.flood_waits == h.emulator.flood_hits  # each 429 waited out, none dropped
        assert telegram.slept >= 1  # on the emulator's clock, not the wall clock
        for uid in list(blocked)[:3]:
            stored = await users.get(uid)
            assert stored is not None
            assert not stored.is_active
