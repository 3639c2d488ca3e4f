"""A returned project corrected and resubmitted: once, only by its applicant, across restarts,
and never past a decision made meanwhile."""

from __future__ import annotations

import pytest

from bot.buttons import FormButton
from bot.shell.harness import BotHarness
from db import projects as projects_repo
from db.models import ProjectStatus
from tests.conftest import ADMIN_ID
from tests.registration_flow import (
    REPROMPT_OTHER,
    ZH,
    R,
    audit,
    card_of,
    correct,
    correct_button,
    correcting,
    count_projects,
    erase_and_find_nowhere,
    fill,
    projects_of,
    registered,
    returned,
    staff_members,
    stored,
)


async def test_a_returned_project_is_corrected_and_resubmitted(harness: BotHarness) -> None:
    project = await returned(harness, 320)
    applicant, first = harness.user(320), harness.user(ADMIN_ID)
    before = await count_projects(harness)
    replies = await applicant.press(correct_button(project))
    assert project.ref_no in replies.text
    assert "退回原因：投资额填错了" in replies.last.text  # the 补充说明 step, under the reason
    assert replies.last.button_labels == [R.btn_resubmit_note_none]
    replies = await applicant.press(R.btn_resubmit_note_none)
    assert "香菇大棚" in replies.last.text  # the summary of what was filed
    assert "补充说明：无" in replies.last.text
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
    await correct(applicant, project)
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
    project, applicant, _ = await correcting(harness, 323)
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
    await correct(applicant, project)
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
    await correct(applicant, project)
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
    project, applicant, _ = await correcting(harness, 326)
    replies = await applicant.send("/back")  # back from the summary: to the 补充说明
    assert replies.last.button_labels == [R.btn_resubmit_note_none]
    replies = await applicant.press(R.btn_resubmit_note_none)
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
    project, applicant, _ = await correcting(harness, 328)
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
    assert replies.last.button_labels[0] == correct_button(project)
    replies = await correct(applicant, project)
    assert "补充说明：无" in replies.last.text  # the correction's summary
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    assert len(await projects_of(harness, 329)) == 1  # corrected, not registered twice


async def test_pressing_the_button_again_mid_correction_starts_it_again(
    harness: BotHarness,
) -> None:
    project, applicant, notice = await correcting(harness, 330)
    await applicant.press(ZH.form.btn_edit)
    replies = await applicant.press_data(notice.inline_buttons[0][0]["callback_data"], notice)
    assert f"您正在修改被退回的项目 {project.ref_no}" in replies.text
    await applicant.press(R.btn_resubmit_note_none)
    replies = await applicant.press(ZH.form.btn_edit)
    await applicant.press(dict(R.field_labels)["name"])
    assert applicant.last.text.startswith("请输入新的项目名称")


async def test_a_resubmission_leaves_no_trace_of_the_applicant_after_erasure(
    harness: BotHarness,
) -> None:
    _, applicant, _ = await correcting(harness, 408123)
    await applicant.press(ZH.form.btn_submit)
    await erase_and_find_nowhere(harness, applicant, "408123")


async def test_a_refused_correction_press_mid_registration_keeps_the_dialog(
    harness: BotHarness,
) -> None:
    _, applicant, notice = await correcting(harness, 332)
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
    await correct(applicant, project)
    await applicant.press(ZH.form.btn_submit)
    card = next(m for m in reversed(first.bot_messages) if m.text.startswith("🔁"))
    await first.press_data(card.inline_buttons[0][1]["callback_data"], card)
    await first.send("第二次原因")
    marked = next(m for m in first.bot_messages if m.message_id == card.message_id)
    assert "上次退回原因：第一次原因" in marked.text  # the card as it was decided
    assert "已退回（操作人：王主任）：第二次原因" in marked.text
    await correct(applicant, project)
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
    replies = await correct(applicant, project)
    assert "计划投资：80 万元" in replies.last.text
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).investment_wan == 80
