"""/deletemydata and projects: what it says before confirming, and what it does to projects
under review, approved projects and referral credits (issue 15.2)."""

from __future__ import annotations

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import projects as projects_repo
from db import referrals as referrals_repo
from db.models import Project, ProjectStatus
from tests.conftest import ADMIN_ID
from tests.registration_flow import card_of, registered

ZH = get_texts("zh")
P, R = ZH.privacy, ZH.registration
REFERRER = 3101


async def refer(harness: BotHarness, project: Project) -> None:
    await harness.user(REFERRER, first_name="老张").send("/start")
    async with harness.running.services.db.write() as conn:
        await referrals_repo.credit_referral(
            conn,
            project_id=project.id,
            referrer_user_id=REFERRER,
            now=harness.running.services.clock(),
        )


async def stored(harness: BotHarness, project_id: int) -> Project:
    async with harness.running.services.db.read() as conn:
        project = await projects_repo.get_project(conn, project_id)
    assert project is not None
    return project


async def test_erasing_withdraws_a_pending_project_and_tells_the_referrer(
    harness: BotHarness,
) -> None:
    admin = harness.user(ADMIN_ID)
    await admin.send("/start")
    project = await registered(harness, 3001, name="竹编工坊")
    await refer(harness, project)
    applicant = harness.user(3001)
    warning = (await applicant.send("/deletemydata")).last.text
    # Said plainly before the button: the project is withdrawn, the referrer loses the reward.
    assert f"1 个项目还在审核中或等您修改（{project.ref_no}）" in warning
    assert "撤回" in warning
    assert "引荐人会收到" in warning
    done = await applicant.press(P.btn_confirm_delete)
    assert f"已撤回 1 个未审核完的项目：{project.ref_no}" in done.last.text
    assert (await stored(harness, project.id)).status is ProjectStatus.WITHDRAWN
    referrer = harness.user(REFERRER)
    assert referrer.last.text.startswith(f"ℹ️ 您引荐的项目 {project.ref_no} 已撤回")
    assert "申报人删除了自己的个人数据" in referrer.last.text
    # The referral record stays with the referrer, showing the truth.
    mine = (await referrer.send("/myreferrals")).text
    assert project.ref_no in mine
    assert "已撤回" in mine
    # Staff can no longer review it: /review does not list it, the old card refuses.
    assert (await admin.send("/review")).last.text == R.review_none
    card = card_of(admin, project)
    approve, give_back = (b["callback_data"] for b in card.inline_buttons[0])
    refused = await admin.press_data(approve, card)
    assert refused.toast == R.withdrawn_erased.format(ref_no=project.ref_no)
    assert (await stored(harness, project.id)).status is ProjectStatus.WITHDRAWN
    assert card.inline_buttons == []  # the stale card's buttons are gone
    back = await admin.press_data(give_back, card)
    assert (await stored(harness, project.id)).status is ProjectStatus.WITHDRAWN
    assert R.withdrawn_erased.format(ref_no=project.ref_no) in (back.toast or back.text)
    stats = (await admin.send("/stats")).texts[0]
    assert "已撤回" in stats


async def test_an_approved_project_stays_counted_anonymised(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID)
    await admin.send("/start")
    project = await registered(harness, 3002, name="香菇大棚")
    await admin.press(R.btn_approve)
    applicant = harness.user(3002)
    warning = (await applicant.send("/deletemydata")).last.text
    assert f"已通过的 1 个项目（{project.ref_no}）继续计入全镇统计" in warning
    assert "审核中" not in warning
    done = await applicant.press(P.btn_confirm_delete)
    assert done.last.text == P.deleted
    kept = await stored(harness, project.id)
    assert kept.status is ProjectStatus.APPROVED
    assert (kept.name, kept.phone, kept.user_id) == (None, None, None)


async def test_a_referrer_is_told_what_happens_to_their_referrals(harness: BotHarness) -> None:
    project = await registered(harness, 3003)
    await refer(harness, project)
    referrer = harness.user(REFERRER)
    warning = (await referrer.send("/deletemydata")).last.text
    assert "您引荐过 1 个项目" in warning
    assert "无法再凭本账号向创业办申请引荐奖励" in warning
    await referrer.press(P.btn_confirm_delete)
    # The applicant's project is untouched and the credit is still counted, anonymously.
    assert (await stored(harness, project.id)).status is ProjectStatus.SUBMITTED
    async with harness.running.services.db.read() as conn:
        credit = await referrals_repo.get_referral(conn, project.id)
    assert credit is not None
    assert credit.referrer_user_id is None


async def test_nothing_about_projects_is_said_to_someone_without_any(harness: BotHarness) -> None:
    user = harness.user(3004)
    await user.send("/start")
    warning = (await user.send("/deletemydata")).last.text
    assert warning.startswith("⚠️ 确定要删除")
    assert "项目还在审核中" not in warning
    assert "引荐过" not in warning
