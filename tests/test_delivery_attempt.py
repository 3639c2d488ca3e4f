"""The sending policy: bounded flood waits for interactive sends, unbounded for bulk."""

from __future__ import annotations

from datetime import timedelta

from telegram.error import RetryAfter

from bot.harness import BotHarness
from bot.services.delivery import Outcome, attempt


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
    assert outcome is Outcome.FAILED
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
