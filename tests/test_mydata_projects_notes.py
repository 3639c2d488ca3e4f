"""/mydata shows everything stored about a resident's projects (tester3 #9): the referrer they
typed, why staff returned a project and the 补充说明 they wrote when resubmitting it, in the
resident's language; the details of a named complaint too."""

from __future__ import annotations

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.registration_flow import correct, fill_until_phone, returned
from tests.test_complaints import _file

ZH, EN = get_texts("zh"), get_texts("en")
REASON = "厂址在哪个组？"
NOTE = "厂址在王家庄三组，村东头"


async def test_return_reason_and_note_are_in_mydata(harness: BotHarness) -> None:
    project = await returned(harness, 6301, reason=REASON)
    applicant = harness.user(6301)
    before = (await applicant.send("/mydata")).text
    assert f"退回原因：{REASON}" in before
    assert NOTE not in before
    await correct(applicant, project, note=NOTE)
    await applicant.press(ZH.form.btn_submit)
    shown = (await applicant.send("/mydata")).text
    assert f"退回原因：{REASON}" in shown
    assert f"您的补充说明：{NOTE}" in shown
    # Under its project, reason before note; the count still counts projects.
    assert shown.index(project.ref_no) < shown.index(REASON) < shown.index(NOTE)
    assert "登记的项目（1）" in shown
    # A stranger's /mydata shows none of it.
    assert NOTE not in (await harness.user(6302).send("/mydata")).text


async def test_in_english(harness: BotHarness) -> None:
    project = await returned(harness, 6303, reason=REASON)
    applicant = harness.user(6303)
    await applicant.send("/language")
    await applicant.press(ZH.common.btn_lang_en)
    await applicant.press(f"✏️ 修改并重新提交 {project.ref_no}")
    await applicant.send("The site is in group 3, next to the school")
    await applicant.press(EN.form.btn_submit)
    shown = (await applicant.send("/mydata")).text
    assert f"returned, reason: {REASON}" in shown
    assert "your note when resubmitting: The site is in group 3, next to the school" in shown


async def test_typed_referrer_and_complaint_details_are_in_mydata(harness: BotHarness) -> None:
    user = harness.user(6304)
    await fill_until_phone(user)
    await user.press(ZH.registration.btn_share_phone)
    await user.send("李四（村会计）")  # a referrer without Telegram, by name
    await user.press(ZH.form.btn_submit)
    await _file(user, anonymous=False)
    shown = (await user.send("/mydata")).text
    assert "引荐人：李四（村会计）" in shown
    assert "镇市场监管所" in shown  # whom the complaint is about
    assert "上周三上午" in shown  # and when it happened
