"""Staff review of registered projects: approve, return with a reason, replays and forgeries."""

from __future__ import annotations

import asyncio

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import projects as projects_repo
from db.models import ProjectStatus
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.registration_flow import (
    ZH,
    R,
    audit,
    card_of,
    fill,
    projects_of,
    registered,
    staff_members,
    stored,
)


async def test_both_admins_get_a_card_and_approval_is_recorded(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    project = await registered(harness, 301)
    applicant = harness.user(301)
    assert project.ref_no in first.last.text
    assert project.ref_no in second.last.text
    replies = await first.press(R.btn_approve)
    assert "已通过（操作人：王主任）" in replies.text
    assert first.last.inline_buttons == []
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED
    assert project.ref_no in applicant.last.text
    assert "已通过审核" in applicant.last.text
    [entry] = await audit(harness, "project.approved")
    assert entry.actor_id == ADMIN_ID
    assert entry.target_id == project.ref_no
    history = (await applicant.send("/myprojects")).text
    assert "待审核" in history
    assert "已通过" in history


async def test_replayed_buttons_change_nothing(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    project = await registered(harness, 302)
    await first.press(R.btn_approve)
    # The other admin's card still has buttons; pressing one is a replay now.
    replies = await second.press(R.btn_approve)
    assert replies.toast is not None
    assert "已经处理过了（已通过）" in replies.toast
    assert second.last.inline_buttons == []  # the stale buttons are taken away
    assert second.last.text.endswith("已通过（操作人：王主任）")  # and the card says by whom
    # Pressing the first admin's old button data again (a replayed callback).
    replies = await first.press_data(f"v1:rev:ret:{project.id}", first.last)
    assert replies.toast is not None
    assert "已经处理过了" in replies.toast
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED
    async with harness.running.services.db.read() as conn:
        history = await projects_repo.list_status_history(conn, project.id)
    assert [h.status for h in history] == ["submitted", "approved"]
    # Both refusals are audited: the second 通过 and the replayed 退回.
    assert len(await audit(harness, "project.review_replayed")) == 2
    assert len(await audit(harness, "project.approved")) == 1


async def test_non_admin_pressing_forged_buttons_changes_nothing(harness: BotHarness) -> None:
    await staff_members(harness)
    project = await registered(harness, 303)
    intruder = harness.user(304)
    await intruder.send("/start")
    for data in (f"v1:rev:ok:{project.id}", f"v1:rev:ret:{project.id}", "v1:rev:ok:x"):
        replies = await intruder.press_data(data)
        assert replies.toast == ZH.common.not_allowed
    assert ZH.common.not_allowed in (await intruder.send("/review")).text
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    denied = await audit(harness, "denied:review")
    assert len(denied) == 4
    assert {e.actor_id for e in denied} == {304}
    assert await audit(harness, "project.approved") == []


async def test_malformed_review_buttons_get_a_polite_answer(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 305)
    for data in ("v1:rev:ok:abc", "v1:rev:ok", "v1:rev:ok:99999"):
        replies = await first.press_data(data)
        assert replies.toast in (ZH.common.stale_button, R.not_found)
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED


async def test_return_needs_a_reason_and_tells_the_applicant(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 306)
    applicant = harness.user(306)
    replies = await first.press(R.btn_return)
    assert project.ref_no in replies.last.text
    doing = dict(ZH.common.dialog_names)["review_return"]
    asked_again = (await first.send_sticker()).last.text
    assert asked_again.startswith(ZH.form.reprompt_non_text.format(dialog=doing))
    assert project.ref_no in asked_again
    assert (await first.send("   ")).last.text.startswith("原因不能为空")
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    replies = await first.send("材料不全，<请补充>营业执照")
    assert "已退回（操作人：王主任）" in replies.text
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED
    assert "材料不全，<请补充>营业执照" in applicant.last.text
    assert applicant.last.button_labels == [f"✏️ 修改并重新提交 {project.ref_no}"]
    card = card_of(first, project)
    assert "已退回" in card.text
    assert card.inline_buttons == []
    [entry] = await audit(harness, "project.returned")
    assert entry.detail is not None
    assert "材料不全" in entry.detail


async def test_cancelling_a_return_keeps_the_project_waiting(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 307)
    await first.press(R.btn_return)
    assert R.review_cancelled in (await first.send("/cancel")).text
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    await first.press(R.btn_approve)
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED


async def test_two_admins_return_different_projects_at_once(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    one = await registered(harness, 308, "项目一")
    two = await registered(harness, 309, "项目二")
    await first.press_data(f"v1:rev:ret:{one.id}", card_of(first, one))
    await second.press_data(f"v1:rev:ret:{two.id}", card_of(second, two))
    await asyncio.gather(first.send("一的原因"), second.send("二的原因"))
    async with harness.running.services.db.read() as conn:
        first_history = await projects_repo.list_status_history(conn, one.id)
        second_history = await projects_repo.list_status_history(conn, two.id)
    assert (first_history[-1].note, first_history[-1].actor_id) == ("一的原因", ADMIN_ID)
    assert (second_history[-1].note, second_history[-1].actor_id) == ("二的原因", OTHER_ADMIN_ID)
    assert "一的原因" in harness.user(308).last.text
    assert "二的原因" in harness.user(309).last.text


async def test_return_switches_project_and_approve_works_meanwhile(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    one = await registered(harness, 310, "项目甲")
    two = await registered(harness, 311, "项目乙")
    three = await registered(harness, 312, "项目丙")
    await first.press_data(f"v1:rev:ret:{one.id}", card_of(first, one))
    await first.press_data(f"v1:rev:ok:{three.id}", card_of(first, three))
    await first.press_data(f"v1:rev:ret:{two.id}", card_of(first, two))
    await first.send("改成退回乙")
    assert (await stored(harness, one.id)).status is ProjectStatus.SUBMITTED
    assert (await stored(harness, two.id)).status is ProjectStatus.RETURNED
    assert (await stored(harness, three.id)).status is ProjectStatus.APPROVED


async def test_return_after_the_other_admin_decided_is_refused(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    project = await registered(harness, 313)
    await first.press(R.btn_return)
    await second.press(R.btn_approve)
    replies = await first.send("太晚了的原因")
    assert "已经处理过了（已通过）" in replies.text
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED
    # tester3 #14: the card the reason was typed for now shows the other admin's decision.
    card = card_of(first, project)
    assert card.text.endswith("已通过（操作人：刘干事）")
    assert card.inline_buttons == []


async def test_a_card_another_admin_returned_shows_who_and_why(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    project = await registered(harness, 314)
    await first.press(R.btn_return)
    await first.send("电话号码打不通")
    replies = await second.press(R.btn_approve)
    assert replies.toast is not None
    assert "已经处理过了（已退回）" in replies.toast
    card = card_of(second, project)
    assert card.text.endswith("已退回（操作人：王主任）：电话号码打不通")
    assert card.inline_buttons == []


async def test_a_decided_card_in_english_says_by_whom(harness: BotHarness) -> None:
    en = get_texts("en")
    first, _ = await staff_members(harness)
    second = harness.user(OTHER_ADMIN_ID, language_code="en")
    await second.send("/language")
    await second.press("English")
    project = await registered(harness, 315)
    await first.press(R.btn_approve)
    await second.press(en.registration.btn_approve)
    card = next(m for m in reversed(second.bot_messages) if project.ref_no in m.text)
    assert card.text.endswith(en.registration.decided_approved.format(actor="王主任"))
    assert card.inline_buttons == []


async def test_review_lists_waiting_projects_with_buttons(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    assert R.review_none in (await first.send("/review")).text
    one = await registered(harness, 314, "等待一")
    two = await registered(harness, 315, "等待二")
    await first.press_data(f"v1:rev:ok:{two.id}", card_of(first, two))
    replies = await first.send("/review")
    assert "共 1 个" in replies.messages[0].text
    assert len(replies.messages) == 2
    assert one.ref_no in replies.last.text
    assert replies.last.button_labels == [R.btn_approve, R.btn_return]
    await first.press(R.btn_approve)
    assert (await stored(harness, one.id)).status is ProjectStatus.APPROVED


async def test_return_dialog_survives_a_restart(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 316)
    await first.press(R.btn_return)
    await harness.restart()
    await first.send("重启后的原因")
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED
    assert "重启后的原因" in harness.user(316).last.text


async def test_the_same_project_from_another_account_is_flagged_on_the_staff_card(
    harness: BotHarness,
) -> None:
    # tester3 #15: the same name, village and phone from two accounts were two unrelated cards.
    first, _ = await staff_members(harness)
    for user_id, name, phone in (
        (321, "蔬菜大棚", "13800138009"),
        (322, "蔬菜大棚", "13800138009"),  # the same project from a second account
        (323, "蔬菜大棚", "13900139000"),  # the same name in the same village
        (324, "香菇大棚", "13700137000"),  # another project: not flagged
    ):
        await fill(harness.user(user_id), name=name, phone=phone)
        await harness.user(user_id).press(ZH.form.btn_submit)
    one, two, three, four = [(await projects_of(harness, u))[0] for u in (321, 322, 323, 324)]
    assert "可能重复" not in card_of(first, one).text  # nothing like it before
    assert f"⚠️ 可能重复：{one.ref_no} 与本项目" in card_of(first, two).text
    assert f"⚠️ 可能重复：{one.ref_no}、{two.ref_no} 与本项目" in card_of(first, three).text
    assert "可能重复" not in card_of(first, four).text
    # /review shows every card as it stands now: the first is flagged too.
    await first.send("/review")
    assert f"⚠️ 可能重复：{two.ref_no}、{three.ref_no} 与本项目" in card_of(first, one).text
    assert "可能重复" not in card_of(first, four).text
    assert (await stored(harness, two.id)).status is ProjectStatus.SUBMITTED  # not blocked


async def test_a_second_project_of_the_same_resident_is_not_flagged(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    user = harness.user(325)
    await fill(user, name="蔬菜大棚", phone="13800138009")
    await user.press(ZH.form.btn_submit)
    await fill(user, name="养鸡场", phone="13800138009")
    await user.press(ZH.form.btn_submit)
    assert "可能重复" not in first.last.text


async def test_a_possible_duplicate_in_english(harness: BotHarness) -> None:
    en = get_texts("en")
    staff = harness.user(ADMIN_ID, language_code="en")
    await staff.send("/start")
    for user_id in (326, 327):
        await fill(harness.user(user_id), name="蔬菜大棚", phone="13800138009")
        await harness.user(user_id).press(ZH.form.btn_submit)
    ref = (await projects_of(harness, 326))[0].ref_no
    assert en.registration.staff_lookalikes.format(refs=ref) in staff.last.text
