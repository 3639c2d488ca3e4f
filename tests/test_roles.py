"""The staff guard (applied where handlers are registered) through the real Application: admins
pass, residents and forgers are refused."""

from __future__ import annotations

import logging

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.context import Context
from bot.services.roles import denied_action
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.audit import list_audit
from handlers.staff_guard import staff
from tests.conftest import ADMIN_ID

ZH = get_texts("zh").common


async def _probe(update: Update, context: Context) -> None:
    """Answer a staff-only probe command with a button."""
    assert update.effective_message is not None
    button = InlineKeyboardButton("staff", callback_data=callbacks.encode("probe", 1))
    await update.effective_message.reply_text(
        "staff ok", reply_markup=InlineKeyboardMarkup([[button]])
    )


async def _probe_button(update: Update, context: Context) -> None:
    """Answer the staff-only probe button."""
    assert update.callback_query is not None
    await update.callback_query.answer("pressed")


@pytest.fixture
async def probed(harness: BotHarness) -> BotHarness:
    """The harness with a staff-only command and button registered ahead of the others."""
    group = harness.running.app.handlers[0]
    group.insert(0, staff(CommandHandler("probe", _probe)))
    group.insert(0, staff(CallbackQueryHandler(_probe_button, pattern=callbacks.pattern("probe"))))
    return harness


async def _denials(harness: BotHarness) -> list[tuple[int | None, str]]:
    async with harness.running.services.db.read() as conn:
        entries = await list_audit(conn)
    return [(e.actor_id, e.action) for e in entries if e.action.startswith("denied:")]


async def test_admin_passes_the_guard(probed: BotHarness) -> None:
    admin = probed.user(ADMIN_ID)
    assert (await admin.send("/probe")).last.text == "staff ok"
    assert (await admin.press("staff")).toast == "pressed"
    assert await _denials(probed) == []


async def test_resident_is_refused_logged_and_audited(
    probed: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    resident = probed.user(31337, first_name="张三", username="zhangsan")
    with caplog.at_level(logging.WARNING, logger="handlers.staff_guard"):
        replies = await resident.send("/probe")
    assert replies.last.text == ZH.not_allowed
    assert "staff ok" not in replies.text
    assert any("refused denied:probe" in r.getMessage() for r in caplog.records)
    assert all("31337" not in r.getMessage() for r in caplog.records)
    assert await _denials(probed) == [(31337, "denied:probe")]


async def test_forged_staff_button_is_refused_with_an_alert(probed: BotHarness) -> None:
    admin, resident = probed.user(ADMIN_ID), probed.user(31338)
    await admin.send("/probe")
    await resident.send("/start")  # the resident needs a message to press "on"
    replies = await resident.press_data(callbacks.encode("probe", 1))
    assert replies.toast == ZH.not_allowed
    assert await _denials(probed) == [(31338, "denied:probe")]


def test_denied_action_is_bounded_and_clean() -> None:
    assert denied_action("Stats") == "denied:stats"
    assert denied_action("x" * 100) == "denied:" + "x" * 40
    assert denied_action("<b>drop table</b>") == "denied:bdroptableb"
    assert denied_action("!!!") == "denied:unknown"
