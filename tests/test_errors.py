"""The error handler: a resident who blocked the bot is routine, a real failure is an error."""

from __future__ import annotations

import logging

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts

ZH = get_texts("zh")


async def test_a_blocked_user_is_logged_at_info_without_a_traceback(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    resident = harness.user(6100)
    await resident.send("/start")
    harness.emulator.fail_next(
        "sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=resident.id
    )
    with caplog.at_level(logging.INFO):
        await resident.send("/help")
    ours = [r for r in caplog.records if r.name == "handlers.errors"]
    assert [r.levelno for r in ours] == [logging.INFO], [r.getMessage() for r in ours]
    assert ours[0].exc_info is None
    assert "403" in ours[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    stored = await harness.running.services.users.get(resident.id)
    assert stored is not None
    assert not stored.is_active  # still marked unreachable


async def test_any_other_failure_is_still_an_error_with_its_traceback(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    resident = harness.user(6101)
    harness.emulator.fail_next("sendMessage", 500, "Internal Server Error", chat_id=resident.id)
    with caplog.at_level(logging.INFO):
        replies = await resident.send("/help")
    assert ZH.common.error in replies.text
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
