"""Trainings through the real bot: publishing, signing up, waitlist, subscriptions, staff tools."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.services.training_rules import TrainingError
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.models import SignupStatus
from handlers.trainings import dispatch
from tests.conftest import ADMIN_ID
from tests.seed import START, publish_training

ZH = get_texts("zh")
T = ZH.trainings


async def service_card(h: BotHarness, tid: int, user_id: int):  # type: ignore[no-untyped-def]
    card = await h.running.services.trainings.card(tid, user_id)
    assert card is not None
    return card


async def test_newtraining_dialog_publishes_and_announces(bot: BotHarness) -> None:
    subscriber = bot.user(501)
    await subscriber.send("/subscribe")
    await subscriber.press("建筑模板")
    other = bot.user(502)
    await other.send("/subscribe")
    await other.press("食用菌")
    admin = bot.user(ADMIN_ID)
    assert "标题" in (await admin.send("/newtraining")).last.text
    await admin.send("<模板>加工技术培训")
    await admin.send("跳过")  # no English title
    await admin.send("建筑模板，经营管理")
    await admin.send("返乡创业人员")
    assert "没看懂" in (await admin.send("下个月吧")).last.text
    await admin.send("12月5日 14:00")
    await admin.send("2小时")
    await admin.send("镇政府三楼会议室")
    assert T.bad_capacity in (await admin.send("很多")).last.text
    await admin.send("３０")
    summary = (await admin.send("无")).last
    assert "12月5日（周六）14:00–16:00" in summary.text
    assert "<模板>加工技术培训" in summary.text  # escaped, shown as typed
    replies = await admin.press(T.btn_publish)
    assert "已发布培训" in replies.text
    assert "1 位订阅者" in replies.text
    await dispatch(bot.running.app)
    announced = subscriber.last
    assert "新培训发布" in announced.text
    assert "<模板>加工技术培训" in announced.text
    assert "新培训发布" not in other.last.text
    [training] = await bot.running.services.trainings.list_sessions()
    assert training.capacity == 30
    assert training.starts_at == START
    assert set(training.tags) == {"建筑模板", "经营管理"}


async def test_residents_cannot_publish(bot: BotHarness) -> None:
    user = bot.user(503)
    assert (await user.send("/newtraining")).last.text == ZH.common.not_allowed
    assert await bot.running.services.trainings.list_sessions() == []


async def test_sign_up_waitlist_withdraw_and_promotion(bot: BotHarness) -> None:
    tid = await publish_training(bot, capacity=1)
    first, second, third = bot.user(511), bot.user(512), bot.user(513)
    await first.send("/start")
    listing = await first.press(ZH.common.btn_trainings)
    assert "剩余名额 1 / 共 1" in listing.text
    replies = await first.press(T.btn_join)
    assert replies.toast == T.toast_signed
    assert T.you_signed in replies.edited[0].text
    await second.send("/trainings")
    assert (await second.press(T.btn_join_waitlist)).toast == "名额已满，您已进入候补第 1 位。"
    await third.send("/trainings")
    waiting = await third.press(T.btn_join_waitlist)
    assert "候补第 2 位" in third.last.text
    # A waitlisted card offers 取消报名 only, not a second 报名候补 (issue 15.10).
    assert waiting.edited[0].button_labels.count(T.btn_join_waitlist) == 0
    assert T.btn_leave in waiting.edited[0].button_labels
    # The first one withdraws: the head of the waitlist gets the seat and is told.
    # Withdrawing asks first: the seat is still held until confirmed (issue 15.10).
    asked = await first.press(T.btn_leave)
    assert asked.toast == T.toast_confirm_leave
    assert (await service_card(bot, tid, 511)).my_status is SignupStatus.SIGNED
    kept = await first.press(T.btn_keep_seat)
    assert T.btn_leave in kept.edited[-1].button_labels
    await first.press(T.btn_leave)
    assert (await first.press(T.btn_confirm_leave)).toast == T.toast_withdrawn
    await dispatch(bot.running.app)
    assert "候补成功" in second.last.text
    service = bot.running.services.trainings
    assert (await service.card(tid, 512)).my_status is SignupStatus.SIGNED  # type: ignore[union-attr]
    card = await service.card(tid, 513)
    assert card is not None
    assert card.my_position == 1
    # The promoted resident now has reminders; the one who left has none pending.
    assert {s for _, s, _ in await service.reminder_states(tid, 512)} == {"pending"}
    assert {s for _, s, _ in await service.reminder_states(tid, 511)} == {"skipped"}
    mine = await second.send("/mytrainings")
    assert "模板加工培训" in mine.text


async def test_fifty_residents_race_for_the_last_seat(bot: BotHarness) -> None:
    tid = await publish_training(bot, capacity=1)
    users = [bot.user(2000 + i) for i in range(50)]
    for user in users:
        await user.send("/trainings")
    results = await asyncio.gather(*(u.press(T.btn_join) for u in users))
    toasts = [r.toast or "" for r in results]
    assert toasts.count(T.toast_signed) == 1
    positions = sorted(int(t.split("第 ")[1].split(" 位")[0]) for t in toasts if "候补" in t)
    assert positions == list(range(1, 50))
    overview = await bot.running.services.trainings.overview(tid)
    assert overview is not None
    assert (overview.signed, overview.waitlisted) == (1, 49)
    # Promotion follows the waitlist order exactly.
    service = bot.running.services.trainings
    order = {u.id: (await service.card(tid, u.id)).my_position for u in users}  # type: ignore[union-attr]
    winner = next(u for u in users if order[u.id] is None)
    head = min((p, uid) for uid, p in order.items() if p is not None)[1]
    result = await service.withdraw(tid, winner.id)
    assert result.promoted == (head,)


async def test_more_seats_promote_the_head_of_the_waitlist_in_order(bot: BotHarness) -> None:
    tid = await publish_training(bot, capacity=1)
    users = [bot.user(2100 + i) for i in range(5)]
    for user in users:  # one at a time: 2100 takes the seat, the rest queue in this order
        await user.send("/trainings")
        await user.press(T.btn_join)
    service = bot.running.services.trainings
    result = await service.edit(tid, "capacity", 4, actor=ADMIN_ID)
    assert result.promoted == (2101, 2102, 2103)
    cards = [await service_card(bot, tid, u.id) for u in users]
    assert [c.my_status for c in cards] == [SignupStatus.SIGNED] * 4 + [SignupStatus.WAITLISTED]
    assert cards[4].my_position == 1


async def test_calendar_file_for_a_signed_up_session(bot: BotHarness) -> None:
    await publish_training(bot)
    user = bot.user(521)
    await user.send("/trainings")
    forged = await user.press_data("v1:tr:ics:1")
    assert forged.toast == T.toast_not_signed
    await user.press(T.btn_join)
    await user.press(T.btn_calendar)
    [doc] = user.documents
    assert doc.document is not None
    name, content, _ = doc.document
    assert name.endswith(".ics")
    ics = content.decode()
    assert "DTSTART:20261205T060000Z" in ics
    assert "SUMMARY:模板加工培训" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


async def test_subscribe_toggles_and_unsubscribe(bot: BotHarness) -> None:
    user = bot.user(531)
    await user.send("/subscribe")
    replies = await user.press(T.subscribe_everything)
    assert f"✅ {T.subscribe_everything}" in replies.edited[0].button_labels
    await user.press("建筑模板")
    await user.press(f"✅ {T.subscribe_everything}")
    assert await bot.running.services.trainings.subscriptions(531) == {"建筑模板"}
    assert "建筑模板" in (await user.press(T.btn_done)).text
    assert "1 项" in (await user.send("/unsubscribe")).text
    assert (await user.send("/unsubscribe")).last.text == T.unsubscribe_none
    stale = await user.press_data("v1:tr:sub:999")
    assert stale.toast == ZH.common.stale_button


async def _one_seat_taken_and_one_waiting(
    bot: BotHarness, first: int, second: int
) -> tuple[int, SimUser, SimUser, SimUser]:
    """A session of one seat: ``first`` signed up, ``second`` on the waitlist, and the admin
    looking at the session's 🛠 view. The session id, the two residents and the admin."""
    tid = await publish_training(bot, capacity=1)
    signed, waiting = bot.user(first), bot.user(second)
    for user in (signed, waiting):
        await user.send("/trainings")
        await user.press(T.btn_join)
    admin = bot.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    return tid, signed, waiting, admin


async def test_staff_moves_a_session_and_everyone_is_told(bot: BotHarness) -> None:
    tid, signed, waiting, admin = await _one_seat_taken_and_one_waiting(bot, 541, 542)
    assert "已报名 1 / 1，候补 1 人" in admin.last.text
    await admin.press(T.btn_move)
    assert "没看懂" in (await admin.send("改天")).last.text
    await admin.send("12月6日 9:00")
    replies = await admin.press(T.btn_confirm_move)
    assert "2 人将收到通知" in replies.text
    await dispatch(bot.running.app)
    for user in (signed, waiting):
        assert "培训改期" in user.last.text
        assert "12月6日（周日）09:00–11:00" in user.last.text
    service = bot.running.services.trainings
    training = await service.get(tid)
    assert training is not None
    assert training.starts_at == datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
    # Reminders follow the new time; the waitlisted resident has none.
    assert [(o, s) for o, s, _ in await service.reminder_states(tid, 541)] == [
        (86400, "pending"),
        (3600, "pending"),
    ]
    assert await service.reminder_states(tid, 542) == []


async def test_staff_edits_place_and_capacity(bot: BotHarness) -> None:
    tid, signed, waiting, admin = await _one_seat_taken_and_one_waiting(bot, 551, 552)
    await admin.press(T.btn_edit_capacity)
    assert "名额" in (await admin.send("0")).last.text
    assert "候补递补 1 人" in (await admin.send("5")).last.text
    await admin.press(T.btn_edit_place)
    await admin.send("村委会活动室")
    await dispatch(bot.running.app)
    assert "培训地点变更" in signed.last.text
    assert "村委会活动室" in signed.last.text
    assert "候补成功" in " ".join(m.text for m in waiting.bot_messages)
    overview = await bot.running.services.trainings.overview(tid)
    assert overview is not None
    assert (overview.training.capacity, overview.signed, overview.waitlisted) == (5, 2, 0)


async def test_each_text_field_is_edited_alone_and_the_optional_ones_can_be_cleared(
    bot: BotHarness,
) -> None:
    tid = await publish_training(bot)
    service = bot.running.services.trainings
    edits = {
        "title": "食用菌种植培训",
        "title_en": "Mushroom growing",
        "place": "村委会活动室",
        "description": "请带身份证\n和笔记本",
        "target_group": "返乡青年",
    }
    before = await service.overview(tid)
    assert before is not None
    for field, value in edits.items():
        changed = (await service.edit(tid, field, value, actor=ADMIN_ID)).training
        assert getattr(changed, field) == value
    assert (changed.starts_at, changed.capacity) == (
        before.training.starts_at,
        before.training.capacity,
    )
    assert {f: getattr(changed, f) for f in edits} == edits  # no edit undid another
    for optional in ("title_en", "description", "target_group"):
        cleared = (await service.edit(tid, optional, " ", actor=ADMIN_ID)).training
        assert getattr(cleared, optional) == ""
    for field, value, code in (
        ("title", " ", "title"),
        ("place", "", "place"),
        ("id", "7", "field"),
    ):
        with pytest.raises(TrainingError) as refused:
            await service.edit(tid, field, value, actor=ADMIN_ID)
        assert refused.value.code == code
    after = await service.overview(tid)
    assert after is not None
    assert after.training.title == edits["title"]


async def test_staff_cancels_and_forged_staff_buttons_are_refused(bot: BotHarness) -> None:
    tid = await publish_training(bot)
    user = bot.user(561)
    await user.send("/trainings")
    await user.press(T.btn_join)
    refused = await user.press_data(f"v1:trs:cancelok:{tid}")
    assert refused.toast == ZH.common.not_allowed
    admin = bot.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    await admin.press(T.btn_cancel_training)
    assert "1 人将收到通知" in (await admin.press(T.btn_confirm_cancel)).text
    await dispatch(bot.running.app)
    assert "培训取消" in user.last.text
    assert (await user.send("/trainings")).last.text == T.none_upcoming
    assert {s for _, s, _ in await bot.running.services.trainings.reminder_states(tid, 561)} == {
        "skipped"
    }
    stale = await admin.press_data(f"v1:trs:cancelok:{tid}")
    assert stale.toast is None or "已经取消" in stale.text or stale.toast == ""
