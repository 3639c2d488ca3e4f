"""Staff review of registered projects: approve, return with a reason, replays and forgeries."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.buttons import FormButton
from bot.shell.emulator import SimUser, StoredMessage
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import audit as audit_repo
from db import projects as projects_repo
from db.models import AuditEntry, Project, ProjectStatus
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.test_registration import fill, projects_of

ZH = get_texts("zh")
R = ZH.registration
DOING = dict(ZH.common.dialog_names)["registration"]
REPROMPT_OTHER = ZH.form.reprompt_other.format(dialog=DOING)
REPROMPT_NON_TEXT = ZH.form.reprompt_non_text.format(dialog=DOING)
CANCELLED = ZH.form.cancelled.format(dialog=DOING)


async def registered(harness: BotHarness, user_id: int, name: str = "香菇大棚") -> Project:
    user = harness.user(user_id, first_name=f"居民{user_id}")
    await fill(user, name=name)
    await user.press(ZH.form.btn_submit)
    async with harness.running.services.db.read() as conn:
        return (await projects_repo.list_projects_by_user(conn, user_id))[-1]


async def staff_members(harness: BotHarness) -> tuple[SimUser, SimUser]:
    first = harness.user(ADMIN_ID, first_name="王主任")
    second = harness.user(OTHER_ADMIN_ID, first_name="刘干事")
    await first.send("/start")
    await second.send("/start")
    return first, second


async def stored(harness: BotHarness, project_id: int) -> Project:
    async with harness.running.services.db.read() as conn:
        project = await projects_repo.get_project(conn, project_id)
    assert project is not None
    return project


async def audit(harness: BotHarness, action: str) -> list[AuditEntry]:
    async with harness.running.services.db.read() as conn:
        return await audit_repo.list_audit(conn, action=action)


def card_of(staff: SimUser, project: Project) -> StoredMessage:
    """The newest review card for ``project`` in the admin's chat."""
    return next(
        m
        for m in reversed(staff.bot_messages)
        if project.ref_no in m.text and m.text.startswith("🆕")
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


# ------------------------------------------------------------------ resubmitting a return
async def returned(harness: BotHarness, user_id: int, reason: str = "投资额填错了") -> Project:
    """A project of ``user_id`` that an admin returned with ``reason``."""
    first, _ = await staff_members(harness)
    project = await registered(harness, user_id)
    await first.press(R.btn_return)
    await first.send(reason)
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED
    return project


async def count_projects(harness: BotHarness) -> int:
    async with harness.running.services.db.read() as conn:
        return len(await projects_repo.list_projects(conn))


async def test_a_returned_project_is_corrected_and_resubmitted(harness: BotHarness) -> None:
    project = await returned(harness, 320)
    applicant, first = harness.user(320), harness.user(ADMIN_ID)
    before = await count_projects(harness)
    replies = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    assert project.ref_no in replies.text
    assert "香菇大棚" in replies.last.text  # the summary of what was filed
    assert replies.last.button_labels == [ZH.form.btn_submit, ZH.form.btn_edit, ZH.form.btn_cancel]
    await applicant.press(ZH.form.btn_edit)
    labels = applicant.last.button_labels
    assert dict(R.field_labels)["referrer"] not in labels  # the referral stays as it was
    await applicant.press(dict(R.field_labels)["investment_wan"])
    await applicant.send("80")
    assert "80" in applicant.last.text
    replies = await applicant.press(ZH.form.btn_submit)
    assert "项目已重新提交" in replies.text
    assert project.ref_no in replies.text
    again = await stored(harness, project.id)
    assert again.status is ProjectStatus.SUBMITTED
    assert again.investment_wan == 80
    assert again.ref_no == project.ref_no
    assert await count_projects(harness) == before  # no second project
    # Staff get a fresh card that says it was returned before, and why; they can decide again.
    card = next(m for m in reversed(first.bot_messages) if project.ref_no in m.text)
    assert card.text.startswith("🔁 退回后重新提交，待审核")
    assert "这次修改了：计划投资\n" in card.text
    assert "80" in card.text
    assert "上次退回原因：投资额填错了" in card.text
    await first.press(R.btn_approve)
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED
    history = (await applicant.send("/myprojects")).text
    assert history.count("待审核") == 1
    assert "重新提交" in history
    assert "已退回" in history
    assert "已通过" in history
    [entry] = await audit(harness, "project.submitted")
    assert entry.actor_id == 320


async def test_the_resubmit_button_works_once_and_only_for_the_applicant(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 321)
    applicant = harness.user(321)
    notice = applicant.last
    stranger = harness.user(322, first_name="路人")
    await stranger.send("/start")
    data = notice.inline_buttons[0][0]["callback_data"]
    replies = await stranger.press_data(data, notice)
    assert replies.toast == dict(R.resubmit_refused)["not_found"]
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    staff_card = harness.user(ADMIN_ID).last
    assert "这次没有修改登记内容。" in staff_card.text
    replies = await applicant.press_data(data, notice)  # the old button again
    assert replies.toast == dict(R.resubmit_refused)["not_returned"]
    for forged in ("v1:reg:again:999999", "v1:reg:again:abc", "v1:reg:again:"):
        replies = await applicant.press_data(forged, notice)
        assert replies.toast == dict(R.resubmit_refused)["not_found"]


async def test_resubmitting_survives_a_restart_and_is_refused_if_approved_meanwhile(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 323)
    applicant = harness.user(323)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_edit)
    await applicant.press(dict(R.field_labels)["jobs"])
    await harness.restart()
    await applicant.send("12")
    assert "12" in applicant.last.text
    # Staff settle the project another way meanwhile (withdrawn on the applicant's request).
    async with harness.running.services.db.write() as conn:
        await projects_repo.set_project_status(
            conn, project.id, ProjectStatus.WITHDRAWN, actor_id=ADMIN_ID, now=project.created_at
        )
    replies = await applicant.press(ZH.form.btn_submit)
    assert dict(R.resubmit_refused)["not_returned"] in replies.text
    assert (await stored(harness, project.id)).jobs == 8  # nothing was changed


async def test_my_projects_offers_to_resubmit_returned_projects(harness: BotHarness) -> None:
    project = await returned(harness, 324)
    applicant = harness.user(324)
    replies = await applicant.send("/myprojects")
    assert "已退回" in replies.text
    assert replies.last.text == R.my_projects_returned
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    summary_buttons = [ZH.form.btn_submit, ZH.form.btn_edit, ZH.form.btn_cancel]
    assert applicant.last.button_labels == summary_buttons
    await applicant.press(ZH.form.btn_cancel)
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED


async def test_a_card_of_an_earlier_submission_cannot_decide(harness: BotHarness) -> None:
    first, second = await staff_members(harness)
    project = await registered(harness, 325)
    old = card_of(second, project)
    old_approve, old_return = (b["callback_data"] for b in old.inline_buttons[0])
    await first.press(R.btn_return)
    await first.send("投资额填错了")
    applicant = harness.user(325)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    outdated = R.card_outdated.format(ref_no=project.ref_no)
    before = len(await audit(harness, "project.review_replayed"))
    for n, data in enumerate((old_approve, old_return), 1):  # not the answers of now
        replies = await second.press_data(data, old)
        assert replies.toast == outdated
        assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
        entries = await audit(harness, "project.review_replayed")
        assert len(entries) == before + n  # each refusal is audited
        assert "card of submission 1, now 2" in (entries[-1].detail or "")
    new = next(m for m in reversed(second.bot_messages) if m.text.startswith("🔁"))
    assert new.message_id != old.message_id
    await second.press_data(new.inline_buttons[0][0]["callback_data"], new)
    assert (await stored(harness, project.id)).status is ProjectStatus.APPROVED


async def test_a_correction_cannot_reach_the_referrer(harness: BotHarness) -> None:
    project = await returned(harness, 326)
    applicant = harness.user(326)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    replies = await applicant.send("/back")  # back from the summary stays at the summary
    assert replies.last.button_labels == [ZH.form.btn_submit, ZH.form.btn_edit, ZH.form.btn_cancel]
    await applicant.press(ZH.form.btn_edit)
    replies = await applicant.press_data(
        FormButton("reg", "field", "referrer").pack()
    )  # forged: not offered
    assert replies.toast == REPROMPT_OTHER
    assert not any(m.text == ZH.common.error for m in replies.messages)
    await applicant.send("/back")
    await applicant.press(ZH.form.btn_submit)
    again = await stored(harness, project.id)
    assert again.status is ProjectStatus.SUBMITTED
    assert again.referrer_note == project.referrer_note


@pytest.mark.parametrize(
    ("steps", "data"),
    [
        (1, FormButton("reg", "c", "industry", "99").pack()),  # an option no longer offered
        (
            7,
            FormButton("reg", "c", "referrer", "keep").pack(),
        ),  # keep a link referrer there is none of
        (9, FormButton("reg", "field", "nonsense").pack()),  # at the summary's field list
    ],
)
async def test_an_old_or_forged_dialog_button_is_answered_not_crashed(
    harness: BotHarness, steps: int, data: str
) -> None:
    user = harness.user(327)
    answers = ["/register", "香菇大棚", "食用菌", "示例三村", "返乡创业人员", "50", "8"]
    for i, answer in enumerate(answers[: steps + 1]):
        if i in (2, 3, 4):
            await user.press(answer)
        else:
            await user.send(answer)
    if steps >= 7:
        await user.press(R.btn_share_phone)
    if steps >= 9:
        await user.press(R.btn_no_referrer)
        await user.press(ZH.form.btn_edit)
    replies = await user.press_data(data)
    assert replies.toast == REPROMPT_OTHER
    assert not any(m.text == ZH.common.error for m in replies.messages)


async def test_cancelling_a_correction_says_the_project_is_unchanged(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 328)
    applicant = harness.user(328)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    replies = await applicant.send("/cancel")
    assert replies.last.text.startswith(f"好的，已放弃这次修改：项目 {project.ref_no} 没有改动")
    assert (await stored(harness, project.id)).status is ProjectStatus.RETURNED


async def test_registering_a_returned_projects_name_again_offers_the_correction(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 329)
    applicant = harness.user(329)
    await fill(applicant, name="香菇大棚")
    replies = await applicant.press(ZH.form.btn_submit)
    assert "被退回了" in replies.last.text
    assert replies.last.button_labels[0] == f"✏️ 修改并重新提交 {project.ref_no}"
    replies = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    assert project.ref_no in replies.text
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    assert len(await projects_of(harness, 329)) == 1  # corrected, not registered twice


async def test_pressing_the_button_again_mid_correction_shows_the_summary_again(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 330)
    applicant = harness.user(330)
    notice = applicant.last
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_edit)
    replies = await applicant.press_data(notice.inline_buttons[0][0]["callback_data"], notice)
    assert f"您正在修改被退回的项目 {project.ref_no}" in replies.text
    replies = await applicant.press(ZH.form.btn_edit)
    await applicant.press(dict(R.field_labels)["name"])
    assert applicant.last.text.startswith("请输入新的项目名称")


async def test_a_resubmission_leaves_no_trace_of_the_applicant_after_erasure(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 408123)
    applicant = harness.user(408123)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    await applicant.send("/deletemydata")
    await applicant.press(ZH.privacy.btn_confirm_delete)
    with sqlite3.connect(harness.settings.db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                assert not any("408123" in str(v) for v in row), (table, row)


async def test_a_refused_correction_press_mid_registration_keeps_the_dialog(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 332)
    applicant = harness.user(332)
    notice = applicant.last
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    await fill(applicant, name="新的项目")
    summary = applicant.last
    replies = await applicant.press_data(notice.inline_buttons[0][0]["callback_data"], notice)
    assert replies.toast == dict(R.resubmit_refused)["not_returned"]
    replies = await applicant.press_data(FormButton("reg", "submit").pack(), summary)
    assert "项目已提交" in replies.text
    assert len(await projects_of(harness, 332)) == 2


async def test_the_last_reason_is_the_one_that_led_to_the_resubmission(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 333, reason="第一次原因")
    applicant, first = harness.user(333), harness.user(ADMIN_ID)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    card = next(m for m in reversed(first.bot_messages) if m.text.startswith("🔁"))
    await first.press_data(card.inline_buttons[0][1]["callback_data"], card)
    await first.send("第二次原因")
    marked = next(m for m in first.bot_messages if m.message_id == card.message_id)
    assert "上次退回原因：第一次原因" in marked.text  # the card as it was decided
    assert "已退回（操作人：王主任）：第二次原因" in marked.text
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.press(ZH.form.btn_submit)
    newest = next(m for m in reversed(first.bot_messages) if m.text.startswith("🔁"))
    assert "上次退回原因：第二次原因" in newest.text


async def test_correcting_from_the_duplicate_prompt_keeps_what_was_just_typed(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 334)
    applicant = harness.user(334)
    await fill(applicant, name="香菇大棚", investment="80")
    await applicant.press(ZH.form.btn_submit)
    replies = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    assert "计划投资：80 万元" in replies.last.text
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).investment_wan == 80
