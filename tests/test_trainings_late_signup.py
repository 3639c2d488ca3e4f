"""A sign-up shortly before the start is promised only the reminders still ahead (tester3 #6):
the pop-up and the confirmation in the chat say the same, and no reminder row is written for
a time already past."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.seed import publish_training


async def _sign_up(bot: BotHarness, lead: timedelta, user_id: int, lang: str):  # type: ignore[no-untyped-def]
    start = bot.running.services.clock() + lead
    tid = await publish_training(bot, start)
    user = bot.user(user_id, language_code=lang)
    await user.send("/trainings")
    joined = await user.press(get_texts(lang).trainings.btn_join)
    planned = await bot.running.services.trainings.reminder_states(tid, user_id)
    return joined, planned


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_sign_up_too_late_for_any_reminder_is_promised_none(
    bot: BotHarness, lang: str
) -> None:
    tt = get_texts(lang).trainings
    joined, planned = await _sign_up(bot, timedelta(minutes=7), 3301, lang)
    assert joined.toast == tt.toast_signed_late
    remind = "提醒" if lang == "zh" else "remind"
    assert remind not in (joined.toast or "")
    assert remind not in joined.last.text  # the confirmation in the chat
    assert planned == []


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_sign_up_between_reminders_is_promised_the_ones_ahead(
    bot: BotHarness, lang: str
) -> None:
    tt = get_texts(lang).trainings
    joined, planned = await _sign_up(bot, timedelta(hours=3), 3302, lang)
    assert joined.toast == tt.toast_signed
    one_hour = "开课前 1小时会提醒您" if lang == "zh" else "reminded 1 h before"
    assert one_hour in joined.last.text
    assert [offset for offset, _, _ in planned] == [3600]
