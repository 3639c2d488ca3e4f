"""The sending policy: bounded flood waits for interactive sends, unbounded for bulk."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from telegram.error import RetryAfter

from bot.services.delivery import Outbound, Outcome, Recipient, attempt, deliver
from bot.shell.harness import BotHarness


async def test_interactive_send_gives_up_instead_of_waiting_out_a_long_flood(
    harness: BotHarness,
) -> None:
    calls = 0

    async def flooded() -> None:
        nonlocal calls
        calls += 1
        raise RetryAfter(timedelta(seconds=60))

    users = harness.running.services.users
    outcome = await attempt(flooded, 42, users=users, max_flood_wait=30)
    assert outcome is Outcome.DEFERRED  # the outbox tries again later
    assert calls == 1  # no 60-second sleep was started


async def test_a_short_flood_is_waited_out(harness: BotHarness) -> None:
    calls = 0

    async def once_flooded() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(timedelta(seconds=0.01))

    users = harness.running.services.users
    assert await attempt(once_flooded, 42, users=users, max_flood_wait=30) is Outcome.DELIVERED
    assert calls == 2


async def test_a_failed_claim_skips_one_recipient_and_the_batch_goes_on(
    harness: BotHarness,
) -> None:
    users = [harness.user(uid) for uid in (61, 62, 63)]
    for user in users:
        await user.send("/start")

    async def claim(recipient: Recipient) -> bool:
        if recipient.user_id == 62:
            raise sqlite3.OperationalError("database is locked")
        return True

    report = await deliver(
        harness.running.app.bot,
        [Recipient(u.id) for u in users],
        lambda r: Outbound(f"提醒 {r.user_id}"),
        users=harness.running.services.users,
        before_send=claim,
    )
    assert report[Outcome.DELIVERED] == 2
    assert report[Outcome.SKIPPED] == 1
    assert users[0].last.text == "提醒 61"
    assert users[2].last.text == "提醒 63"
