"""Trainings after the QA round: /back and 修改 in /newtraining, dated ends, more staff edits,
the calendar only for a seat, sign-up confirmations, and one time zone in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.audit import list_audit
from tests.conftest import ADMIN_ID
from tests.dialog_state import draft_of as dialog_draft
from tests.seed import publish_training

ZH = get_texts("zh")
T = ZH.trainings


def draft_of(bot: BotHarness) -> dict[str, object]:
    return dialog_draft(bot, ADMIN_ID, "new_training")


async def up_to_start(admin: SimUser) -> None:
    await admin.send("/newtraining")
    await admin.send("电商直播入门")
    await admin.send("跳过")  # no English title
    await admin.send("电子商务")
    await admin.send("返乡创业人员")


async def test_back_goes_to_the_previous_step_and_keeps_the_answers(bot: BotHarness) -> None:
    admin = bot.user(ADMIN_ID)
    assert (await admin.send("/newtraining")).text.startswith("发布培训 1/8")
    assert (await admin.send("/back")).text.startswith(ZH.form.back_at_first)
    await admin.send("电商直播入门")
    await admin.send("跳过")
    await admin.send("电子商务")
    await admin.send("返乡创业人员")
    await admin.send("12月5日 14:00")
    # At step 5 (end), /back asks step 4 again, showing the start already given.
    replies = await admin.send("/back")
    assert replies.text.startswith("4/8")
    assert "12月5日（周六）14:00" in replies.text
    replies = await admin.send("/back")
    assert replies.text.startswith("3/8")
    assert "返乡创业人员" in replies.text
    await admin.send("退役军人")
    assert (await admin.send("12月5日 15:00")).text.startswith("5/8")
    draft = draft_of(bot)
    assert (draft["title"], draft["tags"], draft["target"]) == (
        "电商直播入门",
        ["电子商务"],
        "退役军人",
    )
    await admin.send("2小时")
    await admin.send("镇政府三楼会议室")
    await admin.send("30")
    summary = await admin.send("无")
    assert "12月5日（周六）15:00–17:00" in summary.text
    # From the summary, /back returns to the description.
    assert (await admin.send("/back")).text.startswith("8/8")


async def test_an_end_with_a_date_keeps_its_date(bot: BotHarness) -> None:
    admin = bot.user(ADMIN_ID)
    await up_to_start(admin)
    await admin.send("12月2日 09:00")
    assert "结束时间要晚于开始时间" in (await admin.send("12/1 14:00")).text
    too_long = await admin.send("12/20 14:00")
    assert too_long.text.startswith(T.too_long.format(days=14))
    await admin.send("12/5 14:00")
    await admin.send("镇政府三楼会议室")
    await admin.send("30")
    summary = await admin.send("无")
    assert "12月2日（周三）09:00 – 12月5日（周六）14:00" in summary.text
    await admin.press(T.btn_publish)
    [training] = await bot.running.services.trainings.list_sessions()
    assert training.starts_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert training.ends_at == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


async def test_change_a_field_from_the_summary(bot: BotHarness) -> None:
    admin = bot.user(ADMIN_ID)
    await up_to_start(admin)
    for answer in ("12月5日 14:00", "2小时", "镇政府三楼会议室", "30", "无"):
        await admin.send(answer)
    assert admin.last.button_labels == [T.btn_publish, ZH.form.btn_edit, ZH.form.btn_cancel]
    await admin.press(ZH.form.btn_edit)
    asked = await admin.press("对象")
    assert asked.last.text.startswith("3/8")
    assert "返乡创业人员" in asked.last.text
    summary = await admin.send("退役军人")
    assert "退役军人" in summary.text
    assert "请核对" in summary.text
    # Moving the start past the old end asks for the end too, then shows the summary.
    await admin.press(ZH.form.btn_edit)
    await admin.press("开始时间")
    assert (await admin.send("12月6日 09:00")).text.startswith("5/8")
    assert "12月6日（周日）09:00–11:00" in (await admin.send("2小时")).text
    await admin.press(T.btn_publish)
    [training] = await bot.running.services.trainings.list_sessions()
    assert training.target_group == "退役军人"
    assert training.starts_at == datetime(2026, 12, 6, 1, 0, tzinfo=UTC)


async def test_staff_change_target_group_and_tags(bot: BotHarness) -> None:
    tid = await publish_training(bot)
    admin = bot.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    asked = await admin.press(T.btn_edit_target)
    assert "培训对象" in asked.last.text
    await admin.send("退役军人")
    await admin.press(T.btn_edit_tags)
    assert "建筑模板" in admin.last.text  # the current tags are shown
    await admin.send("电子商务，技能培训")
    training = await bot.running.services.trainings.get(tid)
    assert training is not None
    assert training.target_group == "退役军人"
    assert set(training.tags) == {"电子商务", "技能培训"}
    card = (await admin.send("/trainings")).last.text
    assert "退役军人" in card
    assert "电子商务" in card


async def test_calendar_only_for_a_seat_and_confirmations_in_the_chat(bot: BotHarness) -> None:
    tid = await publish_training(bot, capacity=1)
    seated, waiting = bot.user(581), bot.user(582)
    await seated.send("/trainings")
    joined = await seated.press(T.btn_join)
    assert T.btn_calendar in joined.edited[0].button_labels
    confirmation = joined.last.text
    assert "已报名" in confirmation
    assert "开课前 24小时、1小时会提醒您" in confirmation
    await waiting.send("/trainings")
    queued = await waiting.press(T.btn_join_waitlist)
    assert T.btn_calendar not in queued.edited[0].button_labels
    assert "候补第 1 位" in queued.last.text
    forged = await waiting.press_data(f"v1:tr:ics:{tid}", queued.edited[0])
    assert forged.toast == T.calendar_signed_only
    assert waiting.documents == []
    await seated.press(T.btn_leave)
    left = await seated.press(T.btn_confirm_leave)
    assert left.last.text == "已取消 模板加工培训 的报名，不会再收到这场培训的提醒。"


async def test_move_is_audited_in_one_time_zone(bot: BotHarness) -> None:
    tid = await publish_training(bot)
    await bot.running.services.trainings.move(
        tid, datetime(2026, 12, 6, 1, 0, tzinfo=UTC), actor=ADMIN_ID
    )
    async with bot.running.services.db.read() as conn:
        [entry] = await list_audit(conn, action="training.move")
    assert entry.detail == "2026-12-05T14:00:00+08:00 -> 2026-12-06T09:00:00+08:00"


async def test_every_staff_change_of_a_session_is_audited_with_its_actor(
    bot: BotHarness,
) -> None:
    service = bot.running.services.trainings
    tid = await publish_training(bot)
    await service.edit(tid, "place", "村委会活动室", actor=ADMIN_ID)
    await service.edit(tid, "capacity", 9, actor=ADMIN_ID)
    await service.cancel(tid, actor=ADMIN_ID)
    async with bot.running.services.db.read() as conn:
        entries = await list_audit(conn, target_type="training", target_id=tid)
    assert [(e.action, e.actor_id, e.detail) for e in reversed(entries)] == [
        ("training.create", ADMIN_ID, None),
        ("training.edit.place", ADMIN_ID, None),
        ("training.edit.capacity", ADMIN_ID, None),
        ("training.cancel", ADMIN_ID, None),
    ]


async def test_a_late_sign_up_promises_only_the_reminders_still_ahead(
    bot: BotHarness, clock: FakeClock
) -> None:
    tid = await publish_training(bot, capacity=5)
    training = await bot.running.services.trainings.get(tid)
    assert training is not None
    clock.now = training.starts_at - timedelta(minutes=63)
    late = bot.user(591)
    await late.send("/trainings")
    confirmation = (await late.press(T.btn_join)).last.text
    assert "1小时" in confirmation
    assert "24小时" not in confirmation  # 63 minutes before: no 24-hour reminder is coming
