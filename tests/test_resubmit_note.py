"""Returned projects (issue 15.9): the correction asks for an optional 补充说明 under the return
reason, staff read it on the resubmitted card, in /review and the export; the export shows a
return reason as current only while the project is returned, and every return in its own
column with dates."""

from __future__ import annotations

from datetime import datetime

from bot.services.export import ExportKind
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.models import Project, ProjectStatus
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.export_sheets import export_sheet
from tests.registration_flow import (
    audit,
    correct,
    erase_and_find_nowhere,
    fill,
    returned,
    stored,
)

ZH = get_texts("zh")
EN = get_texts("en")
R = ZH.registration
REASON = "厂址在哪个组？"
NOTE = "厂址在东关村三组，靠近村委会"


async def export_row(harness: BotHarness) -> dict[str, object]:
    sheet = await export_sheet(harness.running.services, ExportKind.PROJECTS, ZH)
    [row] = sheet.rows
    return dict(zip(sheet.headers, row, strict=True))


def today(harness: BotHarness) -> str:
    now: datetime = harness.running.services.clock()
    return f"{now.astimezone(harness.settings.timezone):%Y-%m-%d}"


async def test_the_note_reaches_staff_on_the_card_in_review_and_the_export(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 6101, reason=REASON)
    applicant, staff = harness.user(6101), harness.user(ADMIN_ID)
    asked = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    assert f"退回原因：{REASON}" in asked.last.text  # the step sits under the reason
    assert "补充说明" in asked.last.text
    summary = await applicant.send(NOTE)
    assert f"补充说明：{NOTE}" in summary.last.text
    done = await applicant.press(ZH.form.btn_submit)
    assert "项目已重新提交" in done.text
    card = next(m for m in reversed(staff.bot_messages) if m.text.startswith("🔁"))
    assert f"上次退回原因：{REASON}" in card.text
    assert f"📎 申请人补充说明：{NOTE}" in card.text
    review = await staff.send("/review")
    assert f"📎 申请人补充说明：{NOTE}" in review.text
    row = await export_row(harness)
    assert row["状态"] == "待审核"
    # Resubmitted: no decision is in force, the old reason is not shown as if current.
    assert row["当前处理意见"] is None
    assert row["处理人"] is None
    assert row["补充说明"] == NOTE
    day = today(harness)
    assert row["退回记录"] == f"{day} 退回：{REASON}；{day} 重新提交（补充说明：{NOTE}）"
    history = (await applicant.send("/myprojects")).text
    assert NOTE in history  # the resident's own record shows what they added


async def test_a_second_return_is_current_and_both_are_in_the_record(
    harness: BotHarness,
) -> None:
    project = await returned(harness, 6102, reason=REASON)
    applicant, staff = harness.user(6102), harness.user(ADMIN_ID, first_name="王主任")
    await correct(applicant, project, note=NOTE)
    await applicant.press(ZH.form.btn_submit)
    card = next(m for m in reversed(staff.bot_messages) if m.text.startswith("🔁"))
    await staff.press_data(card.inline_buttons[0][1]["callback_data"], card)
    await staff.send("请补充营业执照")
    row = await export_row(harness)
    assert row["状态"] == "已退回"
    assert row["当前处理意见"] == "请补充营业执照"
    assert row["处理人"] == "王主任"
    day = today(harness)
    assert row["退回记录"] == (
        f"{day} 退回：{REASON}；{day} 重新提交（补充说明：{NOTE}）；{day} 退回：请补充营业执照"
    )
    # The next correction starts without a note: it answers the new reason.
    asked = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    assert "退回原因：请补充营业执照" in asked.last.text
    summary = await applicant.press(R.btn_resubmit_note_none)
    assert "补充说明：无" in summary.last.text
    await applicant.press(ZH.form.btn_submit)
    newest = next(m for m in reversed(staff.bot_messages) if m.text.startswith("🔁"))
    assert "补充说明" not in newest.text
    assert (await export_row(harness))["补充说明"] is None


async def test_the_note_is_bounded_optional_and_can_be_changed(harness: BotHarness) -> None:
    project = await returned(harness, 6103)
    applicant = harness.user(6103)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    refused = await applicant.send("长" * 301)
    assert "最多 300 个字，您输入了 301 个字" in refused.last.text
    assert refused.last.button_labels == [R.btn_resubmit_note_none]  # asked again
    sticker = await applicant.send_sticker()
    assert "补充说明" in sticker.last.text
    await applicant.send("第一行\n第二行")  # an address over two lines stays two lines
    await applicant.press(ZH.form.btn_edit)
    await applicant.press(R.resubmit_note_label)
    assert "请输入新的补充说明" in applicant.last.text
    summary = await applicant.press(R.btn_resubmit_note_none)  # none after all
    assert "补充说明：无" in summary.last.text
    await applicant.press(ZH.form.btn_edit)
    await applicant.press(R.resubmit_note_label)
    await applicant.send("第一行\n第二行")
    await applicant.press(ZH.form.btn_submit)
    async with harness.running.services.db.read() as conn:
        from db import projects as projects_repo

        history = await projects_repo.list_status_history(conn, project.id)
    assert history[-1].status == ProjectStatus.SUBMITTED
    assert history[-1].note == "第一行\n第二行"


async def test_a_new_registration_has_no_note_step(harness: BotHarness) -> None:
    user = harness.user(6104)
    await fill(user, name="新项目")
    assert "补充说明" not in user.last.text  # the summary
    await user.press(ZH.form.btn_edit)
    assert R.resubmit_note_label not in user.last.button_labels


async def test_erasure_blanks_the_note_and_the_audit_never_had_it(harness: BotHarness) -> None:
    project: Project = await returned(harness, 6105)
    applicant = harness.user(6105)
    await correct(applicant, project, note="私人说明内容")
    await applicant.press(ZH.form.btn_submit)
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    [entry] = await audit(harness, "project.submitted")
    assert "私人说明内容" not in (entry.detail or "")
    await erase_and_find_nowhere(harness, applicant, "私人说明内容")


async def test_english_residents_and_staff_read_the_note_in_english(harness: BotHarness) -> None:
    staff = harness.user(OTHER_ADMIN_ID, first_name="Wang", language_code="en")
    await staff.send("/start")
    project = await returned(harness, 6106, reason=REASON)
    applicant = harness.user(6106)
    await applicant.send("/language")
    await applicant.press(ZH.common.btn_lang_en)
    asked = await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")  # the notice of before
    assert f"Reason it was returned: {REASON}" in asked.last.text
    assert asked.last.button_labels == [EN.registration.btn_resubmit_note_none]
    summary = await applicant.send("Site is in group 3")
    assert "Additional note: Site is in group 3" in summary.last.text
    await applicant.press(EN.form.btn_submit)
    card = next(m for m in reversed(staff.bot_messages) if project.ref_no in m.text)
    assert "The applicant's additional note: Site is in group 3" in card.text
    sheet = await export_sheet(harness.running.services, ExportKind.PROJECTS, EN)
    row = dict(zip(sheet.headers, sheet.rows[0], strict=True))
    assert row["Additional note"] == "Site is in group 3"
    assert f"returned: {REASON}" in str(row["Returns"])
    assert row["Current decision note"] is None
