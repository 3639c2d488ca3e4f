"""Every staff command of the office tooling: refused to residents and audited, open to staff."""

from __future__ import annotations

import logging

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.audit import list_audit
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID

ZH = get_texts("zh")
COMMANDS = ("/stats", "/stats 本月", "/export", "/unanswered", "/kbreload", "/broadcast")


@pytest.mark.parametrize("command", COMMANDS)
async def test_resident_gets_only_the_polite_refusal(
    harness: BotHarness, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    resident = harness.user(700)
    with caplog.at_level(logging.WARNING):
        replies = await resident.send(command)
    assert replies.texts == [ZH.common.not_allowed]
    assert all(not m.inline_buttons for m in replies.messages)
    assert any("refused" in r.getMessage() for r in caplog.records)
    name = command.split()[0].removeprefix("/")
    async with harness.running.services.db.read() as conn:
        denied = await list_audit(conn, action=f"denied:{name}")
    assert [e.actor_id for e in denied] == [700]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("admin_id", [ADMIN_ID, OTHER_ADMIN_ID])
async def test_staff_are_served(harness: BotHarness, command: str, admin_id: int) -> None:
    admin = harness.user(admin_id)
    replies = await admin.send(command)
    assert replies.messages
    assert ZH.common.not_allowed not in replies.texts
    await admin.send("/cancel")
    async with harness.running.services.db.read() as conn:
        assert await list_audit(conn, actor_id=admin_id, action=f"denied:{command[1:]}") == []


async def test_staff_commands_are_in_the_admins_menu_only(harness: BotHarness) -> None:
    emulator = harness.emulator
    staff = {
        c["command"]
        for (scope, lang), cmds in emulator.commands.items()
        if str(ADMIN_ID) in scope and lang == ""
        for c in cmds
    }
    public = {
        c["command"]
        for (scope, lang), cmds in emulator.commands.items()
        if '"default"' in scope and lang == ""
        for c in cmds
    }
    mine = {"stats", "export", "unanswered", "kbreload", "broadcast"}
    assert mine <= staff
    assert not mine & public
