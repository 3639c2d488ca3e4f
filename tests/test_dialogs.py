"""Every dialog is persistent, named and ends politely after the configured silence."""

from __future__ import annotations

from telegram.ext import ConversationHandler

from bot.shell.app import forms_router_of as forms_router
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")


def conversations(harness: BotHarness) -> list[ConversationHandler[object]]:
    app = harness.running.app
    return [
        h for group in app.handlers.values() for h in group if isinstance(h, ConversationHandler)
    ]


def form_names(harness: BotHarness) -> list[str]:
    return list(forms_router(harness.running.app).forms)


async def test_every_dialog_is_persistent_named_and_times_out(harness: BotHarness) -> None:
    dialogs = conversations(harness)
    # Forms keep their state (deadline included) in the persisted user_data by construction.
    names = [d.name for d in dialogs] + form_names(harness)
    assert len(names) >= 9
    assert len(set(names)) == len(names)
    for dialog in dialogs:
        assert dialog.persistent, dialog.name
        assert dialog.conversation_timeout == harness.settings.conversation_timeout, dialog.name
        assert ConversationHandler.TIMEOUT in dialog.states, dialog.name


async def run_timeout(harness: BotHarness) -> None:
    app = harness.running.app
    assert app.job_queue is not None
    jobs = [j for j in app.job_queue.jobs() if "timeout" in j.name.lower()]
    assert len(jobs) == 1
    await jobs[0].run(app)


async def test_complaint_dialog_times_out_and_forgets_the_draft(harness: BotHarness) -> None:
    user = harness.user(7001)
    await user.send("/complaint")
    await user.send("收费站乱收费，每车多收五十元")
    await run_timeout(harness)
    assert "30 分钟" in user.last.text
    assert ZH.common.btn_complaint in user.reply_keyboard
    assert "complaint" not in harness.running.app.user_data[7001]
    await user.send("/cancel")
    assert user.last.text == ZH.common.nothing_to_cancel


async def test_staff_broadcast_dialog_times_out(harness: BotHarness) -> None:
    staff = harness.user(ADMIN_ID)
    await staff.send("/broadcast")
    await run_timeout(harness)
    assert "30 分钟" in staff.last.text
    await staff.send("/cancel")
    assert staff.last.text == ZH.common.nothing_to_cancel
