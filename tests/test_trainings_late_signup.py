"""A sign-up shortly before the start is promised only the reminders still ahead (tester3 #6):
the pop-up and the confirmation in the chat say the same, and no reminder row is written for
a time already past."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from handlers.trainings import dispatch
from tests.seed import publish_training

PROMISE = {"zh": "提醒", "en": "remind"}
ONE_HOUR = {"zh": "开课前 1小时会提醒您", "en": "reminded 1 h before"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("lead", "planned"),
    [(timedelta(minutes=7), []), (timedelta(hours=3), [3600])],
    ids=["too-late-for-any", "between-reminders"],
)
async def test_a_late_sign_up_is_promised_only_the_reminders_ahead(
    bot: BotHarness, lang: str, lead: timedelta, planned: list[int]
) -> None:
    tt = get_texts(lang).trainings
    tid = await publish_training(bot, bot.running.services.clock() + lead)
    user = bot.user(3301, language_code=lang)
    await user.send("/trainings")
    joined = await user.press(tt.btn_join)
    states = await bot.running.services.trainings.reminder_states(tid, user.id)
    assert [offset for offset, _, _ in states] == planned
    if planned:
        assert joined.toast == tt.toast_signed
        assert ONE_HOUR[lang] in joined.last.text  # the confirmation in the chat
    else:
        assert joined.toast == tt.toast_signed_late
        assert PROMISE[lang] not in (joined.toast or "")
        assert PROMISE[lang] not in joined.last.text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("lead", [timedelta(minutes=30), timedelta(hours=3)], ids=["30m", "3h"])
async def test_a_late_promotion_is_promised_only_the_reminders_ahead(
    bot: BotHarness, lang: str, lead: timedelta
) -> None:
    service = bot.running.services.trainings
    tid = await publish_training(bot, bot.running.services.clock() + lead, capacity=1)
    holder, head = bot.user(3311), bot.user(3312, language_code=lang)
    for user in (holder, head):
        await user.send("/start")
        await service.signup(tid, user.id)
    promoted = await service.withdraw(tid, holder.id)
    assert promoted.promoted == (head.id,)
    await dispatch(bot.running.app)
    notice = head.last.text
    assert get_texts(lang).trainings.btn_calendar in head.last.button_labels  # the notice
    if lead > timedelta(hours=1):
        assert ONE_HOUR[lang] in notice
    else:
        assert PROMISE[lang] not in notice
