"""Update processing: persistence is written after every update, not only at shutdown."""

from __future__ import annotations

import json
import logging

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts


async def test_user_data_is_in_the_database_right_after_the_update(harness: BotHarness) -> None:
    user = harness.user(501)
    await user.send("/language")
    await user.press(get_texts("en").common.btn_lang_en)
    # No stop, no flush: a crash right now must not lose the choice.
    async with (
        harness.running.services.db.read() as conn,
        conn.execute("SELECT data FROM ptb_user_data WHERE user_id = ?", (501,)) as cursor,
    ):
        row = await cursor.fetchone()
    assert row is not None
    assert json.loads(row[0])["lang"] == "en"


async def test_every_update_is_logged_with_kind_handler_and_outcome(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.processing")
    user = harness.user(987654321, first_name="秘密名字")
    await user.send("/help")
    await user.send("我的电话13800138000，税收返还怎么办")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.processing"]
    assert any("kind=command handler=start.help_command outcome=ok" in line for line in lines)
    assert any("kind=text handler=qa.ask outcome=ok" in line for line in lines)
    joined = "\n".join(lines)
    assert "13800138000" not in joined
    assert "秘密名字" not in joined
    assert "987654321" not in joined  # no user id either
