"""A dialog's deadline is kept with the dialog: restored after a restart, it still ends on time.

PTB does not persist conversation timeouts; the form engine stores the deadline in the dialog's
state. A dialog whose deadline passed while the bot was down ends at start-up; one that runs
out after a restart ends at the user's next update; both say so as a live timeout does and drop
the draft (a phone number included).
"""

from __future__ import annotations

import json
import sqlite3

from bot.clock import FakeClock
from bot.settings import Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from handlers.forms import FORM
from tests.dialog_state import dialog_of

ZH = get_texts("zh")
PHONE = "13912345678"


async def _half_registered(bot: BotHarness, user_id: int) -> None:
    user = bot.user(user_id)
    await user.send("/register")
    await user.send("香菇大棚")
    for label in ("食用菌", "示例一村", "党员"):
        await user.press(label)
    await user.send("50")
    await user.send("8")
    await user.send(PHONE)
    assert dialog_of(bot, user_id) == "registration"


def _stored_user_data(settings: Settings, user_id: int) -> str:
    with sqlite3.connect(settings.db_path) as conn:
        row = conn.execute("SELECT data FROM ptb_user_data WHERE user_id = ?", (user_id,))
        found = row.fetchone()
    return "" if found is None else str(found[0])


def _timed_out_text() -> str:
    doing = dict(ZH.common.dialog_names)["registration"]
    return ZH.form.timed_out.format(dialog=doing, minutes=30, again="/register")


async def test_a_deadline_passed_while_down_ends_the_dialog_at_start_up(
    bot: BotHarness, clock: FakeClock
) -> None:
    await _half_registered(bot, 4101)
    await bot.stop()
    clock.advance(minutes=31)
    await bot.start()
    user = bot.user(4101)
    assert user.last.text == _timed_out_text()  # sent at start-up, before any update
    assert dialog_of(bot, 4101) is None
    await bot.stop()  # flush: the phone number is gone from the stored dialog
    assert PHONE not in _stored_user_data(bot.settings, 4101)
    assert FORM not in json.loads(_stored_user_data(bot.settings, 4101) or "{}")


async def _restarted(bot: BotHarness, clock: FakeClock, user_id: int, minutes: int) -> SimUser:
    """``user_id`` half-registered, then the bot restarted and ``minutes`` passed."""
    await _half_registered(bot, user_id)
    await bot.restart()
    clock.advance(minutes=minutes)
    return bot.user(user_id)


async def test_a_deadline_passing_after_a_restart_ends_the_dialog_at_the_next_update(
    bot: BotHarness, clock: FakeClock
) -> None:
    user = await _restarted(bot, clock, 4102, minutes=31)
    replies = await user.send("税收返还怎么办")
    # The same words as a live timeout, then the message is handled as outside a dialog.
    assert replies.messages[0].text == _timed_out_text()
    assert "税收" in replies.last.text
    assert dialog_of(bot, 4102) is None
    assert (await user.send("/cancel")).last.text == ZH.common.nothing_to_cancel


async def test_a_restored_dialog_within_its_deadline_goes_on(
    bot: BotHarness, clock: FakeClock
) -> None:
    user = await _restarted(bot, clock, 4103, minutes=29)
    replies = await user.press(ZH.registration.btn_no_referrer)
    assert "请核对" in replies.last.text or ZH.form.btn_submit in replies.last.button_labels
    # Each answer moves the deadline: another 29 minutes later the dialog is still open.
    clock.advance(minutes=29)
    await user.press(ZH.form.btn_submit)
    assert dialog_of(bot, 4103) is None
    assert "项目已提交" in "".join(m.text for m in user.bot_messages[-3:])
