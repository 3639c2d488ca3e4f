"""/deletemydata by someone with a training seat works like a cancellation (tester3 #2): the
head of the waitlist moves up and is told, in their language, and a newcomer cannot jump the
queue into the freed seat."""

from __future__ import annotations

import re

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.models import SignupStatus
from handlers.trainings import dispatch
from tests.seed import publish_training

ZH = get_texts("zh")


async def _card(h: BotHarness, tid: int, user_id: int):  # type: ignore[no-untyped-def]
    card = await h.running.services.trainings.card(tid, user_id)
    assert card is not None
    return card


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_erasing_a_seat_holder_promotes_the_waitlist(bot: BotHarness, lang: str) -> None:
    t = get_texts(lang)
    tid = await publish_training(bot, capacity=1)
    holder, head, next_ = (bot.user(n, language_code=lang) for n in (3101, 3102, 3103))
    await holder.send("/trainings")
    assert (await holder.press(t.trainings.btn_join)).toast == t.trainings.toast_signed
    for user in (head, next_):
        await user.send("/trainings")
        await user.press(t.trainings.btn_join_waitlist)

    asked = await holder.send("/deletemydata")
    assert t.privacy.erase_seats.format(count=1) in asked.last.text  # told before confirming
    erased = await holder.press(t.privacy.btn_confirm_delete)
    assert erased.last.text.startswith(t.privacy.deleted)

    # The head of the waitlist has the seat, with reminders, and is told in their language.
    assert (await _card(bot, tid, head.id)).my_status is SignupStatus.SIGNED
    service = bot.running.services.trainings
    assert {s for _, s, _ in await service.reminder_states(tid, head.id)} == {"pending"}
    await dispatch(bot.running.app)
    heading = re.sub("<[^>]+>", "", t.trainings.notice_promoted.strip().splitlines()[0])
    assert heading in head.last.text
    assert "模板加工培训" in head.last.text
    assert heading not in next_.last.text
    assert (await _card(bot, tid, next_.id)).my_position == 1

    # A newcomer joins the waitlist behind them instead of taking the seat.
    newcomer = bot.user(3104, language_code=lang)
    await newcomer.send("/trainings")
    joined = await newcomer.press(t.trainings.btn_join_waitlist)
    assert joined.toast == t.trainings.toast_waitlisted.format(position=2)
    overview = await service.overview(tid)
    assert overview is not None
    assert (overview.signed, overview.waitlisted) == (1, 2)


async def test_erasure_gives_up_only_seats_still_ahead(bot: BotHarness) -> None:
    """A waitlist place just goes; a cancelled session promotes nobody; the holder's other
    open sessions each promote their own head."""
    one = await publish_training(bot, capacity=1)
    two = await publish_training(bot, capacity=1, title="电商直播入门")
    gone = await publish_training(bot, capacity=1, title="已取消的培训")
    service = bot.running.services.trainings
    holder, waiting = 3201, 3202
    for uid in (holder, waiting, 3203):
        await bot.user(uid).send("/start")
    for tid in (one, two, gone):
        await service.signup(tid, holder)
        await service.signup(tid, waiting)
    await service.signup(one, 3203)  # second on the waitlist of the first session
    await service.cancel(gone, actor=None)

    erased = await bot.running.services.privacy.erase(holder)

    assert sorted(erased.promoted) == [waiting, waiting]
    for tid in (one, two):
        assert (await _card(bot, tid, waiting)).my_status is SignupStatus.SIGNED
    assert (await _card(bot, gone, waiting)).my_status is SignupStatus.WAITLISTED
    assert (await _card(bot, one, 3203)).my_position == 1
    # Erased means erased: no sign-up row of the holder is left anywhere.
    for tid in (one, two, gone):
        assert (await _card(bot, tid, holder)).my_status is None
