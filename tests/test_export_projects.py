"""The project export names the applicant (until they erase their data) and the last decision."""

from __future__ import annotations

from bot.services.export import ExportKind
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.export_sheets import export_sheet
from tests.registration_flow import fill

ZH = get_texts("zh")
R = ZH.registration
APPLICANT = 4301
REASON = "材料不全，请补充营业执照"


async def project_row(harness: BotHarness) -> dict[str, object]:
    sheet = await export_sheet(harness.running.services, ExportKind.PROJECTS, ZH)
    assert sheet.headers == ZH.export.project_headers
    [row] = sheet.rows
    return dict(zip(sheet.headers, row, strict=True))


async def test_applicant_and_latest_decision_are_exported(harness: BotHarness) -> None:
    staff = harness.user(ADMIN_ID, first_name="王主任")
    await staff.send("/start")
    applicant = harness.user(APPLICANT, first_name="李四", username="lisi_farm")
    await fill(applicant)
    await applicant.press(ZH.form.btn_submit)

    row = await project_row(harness)
    assert row["申报人"] == "李四 @lisi_farm"
    assert row["申报人ID"] == APPLICANT
    assert row["当前处理意见"] is None
    assert row["处理人"] is None
    assert row["处理时间"] is None

    await staff.press(R.btn_return)
    await staff.send(REASON)
    row = await project_row(harness)
    assert row["状态"] == "已退回"
    assert row["当前处理意见"] == REASON
    assert row["处理人"] == "王主任"
    assert row["处理时间"] is not None

    await applicant.send("/deletemydata")
    await applicant.press(ZH.privacy.btn_confirm_delete)
    row = await project_row(harness)
    assert row["申报人"] is None
    assert row["申报人ID"] is None
    assert row["联系电话"] is None
    # Erasure withdrew the returned project (issue 15.2): the latest decision is that
    # withdrawal, made by nobody on the staff and with no note.
    assert row["状态"] == "已撤回"
    assert row["当前处理意见"] is None
    assert row["处理人"] is None
    assert row["处理时间"] is not None
