"""Project registration through the real Application: the dialog step by step, bad input, /back,
edits, cancel, timeout and restarts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.buttons import FormButton
from bot.services.draft import Field
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.dialog_state import draft_of
from tests.registration_flow import (
    CANCELLED,
    ERR,
    REPROMPT_NON_TEXT,
    REPROMPT_OTHER,
    ZH,
    R,
    admin,
    fill,
    fill_until_phone,
    projects_of,
    start_registration,
)

TOPICS = Path(__file__).resolve().parents[1] / "knowledge" / "topics"


async def test_full_dialog_files_the_project_and_tells_everyone(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    user = harness.user(101, first_name="李四")
    await fill(user)
    summary = user.last
    assert "香菇大棚" in summary.text
    assert "50 万元" in summary.text
    assert "8 个" in summary.text
    assert "138****8000" in summary.text
    assert "/deletemydata" in summary.text
    replies = await user.press(ZH.form.btn_submit)
    confirmation = replies.messages[0]
    assert re.search(r"XM-\d{4}-0001", confirmation.text)
    assert "已提交" in confirmation.text
    assert "税收" in confirmation.text
    tax = confirmation.inline_buttons[0][0]
    assert tax["callback_data"] == "v1:topic:tax-rebate"
    assert ZH.common.btn_register in user.reply_keyboard  # main menu is back
    [project] = await projects_of(harness, 101)
    assert (project.name, project.industry, project.village) == ("香菇大棚", "食用菌", "示例三村")
    assert (project.investment_wan, project.jobs, project.phone) == (50.0, 8, "13800138000")
    assert project.status.value == "submitted"
    assert project.ref_no in staff.last.text
    assert "13800138000" in staff.last.text
    assert staff.last.button_labels == [R.btn_approve, R.btn_return]


async def test_tax_rebate_button_is_labelled_with_the_topic_title() -> None:
    topic = tomllib.loads((TOPICS / "tax-rebate.toml").read_text(encoding="utf-8"))
    assert R.btn_tax_rebate == topic["title"]
    assert get_texts("en").registration.btn_tax_rebate == topic["title_en"]


async def test_number_steps_show_no_buttons_and_choice_steps_do(harness: BotHarness) -> None:
    user = harness.user(102)
    await user.send("/start")
    assert user.reply_keyboard  # the main menu
    await user.send("/register")
    assert user.reply_keyboard == []  # the name step removes the menu
    await user.send("项目")
    assert len(user.last.button_labels) == len(harness.settings.town.industries) + 1
    await user.press("食用菌")
    village_rows = user.last.inline_buttons
    # 15 villages, 3 per row, then 其他村 for a village missing from the list
    assert [len(row) for row in village_rows] == [3] * 5 + [1]
    assert village_rows[-1][0]["text"] == R.btn_other_village
    await user.press("示例一村")
    await user.press("党员")
    for answer in ("50", "8"):
        assert user.reply_keyboard == []
        assert user.last.inline_buttons == []
        await user.send(answer)
    assert user.reply_keyboard == [R.btn_share_phone]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abc", R.error_investment_number),  # says what it reads, not just "a number"
        ("-5", ERR["negative"]),
        ("0", R.error_zero_investment),
        ("0万元", R.error_zero_investment),
        ("99999999", "太大"),
        ("十几万", ERR["rough"]),  # a range: asked for one number
        ("二三十万", ERR["rough"]),
    ],
)
async def test_bad_investment_is_asked_again_keeping_earlier_answers(
    harness: BotHarness, typed: str, expected: str
) -> None:
    user = harness.user(103)
    await start_registration(user, "项目甲")
    replies = await user.send(typed)
    assert expected in replies.last.text
    assert "第 5/8 步" in replies.last.text
    await user.send("1.5万")
    await user.send("0")  # no new jobs is a valid answer
    await user.send("+86 138-0013-8000")
    await user.press(R.btn_no_referrer)
    assert "1.5 万元" in user.last.text
    assert "项目甲" in user.last.text
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 103)
    assert (project.investment_wan, project.jobs, project.phone) == (1.5, 0, "13800138000")


async def test_numbers_and_phones_in_the_forms_people_type(harness: BotHarness) -> None:
    user = harness.user(104)
    await start_registration(user, "项目乙")
    assert "第 6/8 步" in (await user.send("５０万元")).last.text
    # The jobs step's hint shows what it accepts (whole numbers), never "e.g. 50 or 1.5".
    assert R.error_jobs_number in (await user.send("1.5")).last.text
    hint = (await user.send("十几个")).last.text
    assert R.error_jobs_number in hint
    assert "1.5" not in hint
    assert ERR["negative"] in (await user.send("-3")).last.text
    await user.send("１２人")
    assert ERR["bad_phone"] in (await user.send("12345")).last.text
    assert ERR["bad_phone"] in (await user.send("23800138000")).last.text
    await user.send("１３９ ００１３ ９０００")
    await user.press(R.btn_no_referrer)
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 104)
    assert (project.investment_wan, project.jobs, project.phone) == (50.0, 12, "13900139000")


async def test_someone_elses_contact_is_refused(harness: BotHarness) -> None:
    user = harness.user(105)
    await fill_until_phone(user)
    replies = await user.share_contact("+8613700137000", own=False)
    assert R.error_foreign_contact in replies.last.text
    assert user.reply_keyboard == [R.btn_share_phone]
    replies = await user.share_contact("+86 137 0013 7000")
    assert "137****7000" in replies.messages[0].text
    assert user.reply_keyboard == []


async def test_back_goes_to_the_previous_step(harness: BotHarness) -> None:
    user = harness.user(106)
    await user.send("/register")
    assert ZH.form.back_at_first in (await user.send("/back")).last.text
    await user.send("旧名字")
    await user.press("食用菌")
    assert "第 2/8 步" in (await user.send("/back")).last.text
    assert "第 1/8 步" in (await user.send("/back")).last.text
    await user.send("新名字")
    await user.press("其他")
    assert "行业名称" in user.last.text
    assert "第 2/8 步" in (await user.send("/back")).last.text
    await user.press("其他")
    await user.send("  竹编\n工艺  ")
    await user.press("示例二村")
    await user.press("企业")
    await user.send("30")
    await user.send("3")
    await user.send("13800138000")
    await user.press(R.btn_no_referrer)
    assert "新名字" in user.last.text
    assert "竹编 工艺" in user.last.text


async def test_typed_choices_are_accepted(harness: BotHarness) -> None:
    user = harness.user(107)
    await user.send("/register")
    await user.send("项目丁")
    await user.send("养蜂")  # an industry not on the list is taken as typed
    refused = (await user.send("火星村")).last
    assert "名单里没有“火星村”这个村" in refused.text  # points at 其他村 for such a village
    assert R.btn_other_village in refused.button_labels
    await user.send("示例二村")
    await user.send("2")  # the second applicant type
    await user.send("5")
    await user.send("1")
    await user.send("13800138000")
    await user.send("张三")  # a referrer typed by name
    summary = user.last.text
    assert "养蜂" in summary
    assert "示例二村" in summary
    assert "机关干部" in summary
    assert "张三" in summary
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 107)
    assert project.referrer_note == "张三"


async def test_a_typed_industry_is_echoed_and_a_non_answer_is_refused(harness: BotHarness) -> None:
    # tester3 #3: any text at step 2 used to be filed silently as a custom industry.
    user = harness.user(1071)
    await user.send("/register")
    await user.send("养羊场")
    for typed in ("好的", "不知道", "养羊要什么手续？"):
        refused = (await user.send(typed)).last
        assert refused.text.startswith(R.error_industry_typed.format(text=typed)), typed
        assert R.btn_other in refused.button_labels
        assert ZH.form.buttons_hint in refused.text  # and how to step back or out
    replies = await user.send("养羊")
    label = R.field_labels[Field.INDUSTRY]
    assert replies.texts[0] == R.typed_choice.format(label=label, value="养羊").replace(
        "<b>", ""
    ).replace("</b>", "")
    assert draft_of(harness, user.id, "registration")["industry"] == "养羊"
    await user.send("/back")  # the way back the echo names
    await user.press("食用菌")
    assert draft_of(harness, user.id, "registration")["industry"] == "食用菌"


async def test_media_mid_dialog_reprompts_and_keeps_everything(harness: BotHarness) -> None:
    user = harness.user(108)
    await user.send("/register")
    await user.send("项目戊")
    await user.press("食用菌")
    for action in (user.send_sticker, user.send_photo, user.send_voice, user.send_location):
        replies = await action()
        assert REPROMPT_NON_TEXT in replies.last.text
        assert "第 3/8 步" in replies.last.text
    replies = await user.send("/help")
    assert REPROMPT_OTHER in replies.last.text
    replies = await user.press_data(
        FormButton("reg", "c", "industry", "0").pack(), user.bot_messages[1]
    )  # an old button
    assert replies.toast == REPROMPT_OTHER
    await user.press("示例一村")
    await user.press("党员")
    await user.send_sticker()
    await user.send("10")
    await user.send_document()
    await user.send("2")
    await user.send_voice()
    await user.press(R.btn_share_phone)
    await user.press(R.btn_no_referrer)
    await user.send_photo()
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 108)
    assert (project.name, project.industry, project.jobs) == ("项目戊", "食用菌", 2)


async def test_dialog_survives_a_restart(harness: BotHarness) -> None:
    user = harness.user(109)
    await user.send("/register")
    await user.send("重启项目")
    await user.press("食用菌")
    await user.press("示例一村")
    await harness.restart()
    await user.press("党员")
    await user.send("20")
    await harness.restart()
    await user.send("4")
    await user.press(R.btn_share_phone)
    await harness.restart()
    await user.press(R.btn_no_referrer)
    assert "重启项目" in user.last.text
    assert "20 万元" in user.last.text
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 109)
    assert (project.name, project.investment_wan, project.jobs) == ("重启项目", 20.0, 4)


async def test_change_a_field_from_the_summary(harness: BotHarness) -> None:
    user = harness.user(110)
    await fill(user, investment="50")
    await user.press(ZH.form.btn_edit)
    await user.press("计划投资")
    assert "第 5/8 步" in user.last.text
    replies = await user.send("80")
    assert "80 万元" in replies.last.text
    assert ZH.form.btn_submit in replies.last.button_labels
    await user.press(ZH.form.btn_edit)
    await user.press("行业")
    await user.press("其他")
    await user.send("光伏")
    assert "光伏" in user.last.text
    await user.press(ZH.form.btn_edit)
    await user.press(ZH.form.btn_back_to_summary)
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 110)
    assert (project.investment_wan, project.industry, project.jobs) == (80.0, "光伏", 8)


async def test_cancel_from_summary_and_mid_dialog_saves_nothing(harness: BotHarness) -> None:
    user = harness.user(111)
    await fill(user)
    replies = await user.press(ZH.form.btn_cancel)
    assert CANCELLED in replies.text
    assert ZH.common.btn_register in user.reply_keyboard
    await user.send("/register")
    await user.send("另一个项目")
    await user.press("食用菌")
    replies = await user.send("/cancel")
    assert CANCELLED in replies.text
    assert ZH.common.btn_register in user.reply_keyboard
    assert await projects_of(harness, 111) == []
    # After cancelling, /cancel is the front door's again.
    assert (await user.send("/cancel")).last.text == ZH.common.nothing_to_cancel


async def test_timeout_ends_the_dialog_politely(harness: BotHarness) -> None:
    user = harness.user(118)
    await user.send("/register")
    await user.send("超时项目")
    app = harness.running.app
    assert app.job_queue is not None
    jobs = [j for j in app.job_queue.jobs() if "timeout" in j.name.lower()]
    assert len(jobs) == 1
    await jobs[0].run(app)
    assert "30 分钟" in user.last.text
    assert "/register" in user.last.text
    assert ZH.common.btn_register in user.reply_keyboard
    # The dialog is over: text goes to the front door, not to the registration.
    await user.send("/cancel")
    assert user.last.text == ZH.common.nothing_to_cancel
    assert await projects_of(harness, 118) == []


async def test_english_dialog(harness: BotHarness) -> None:
    user = harness.user(119, language_code="en")
    en = get_texts("en").registration
    await start_registration(user, "Mushroom farm")
    assert "10,000 CNY" in user.last.text
    await user.send("12.5")
    await user.send("3")
    await user.press(en.btn_share_phone)
    await user.press(en.btn_no_referrer)
    assert "Please check" in user.last.text
    replies = await user.press(get_texts("en").form.btn_submit)
    assert "Project submitted" in replies.text
    assert replies.messages[0].inline_buttons[0][0]["text"] == en.btn_tax_rebate


async def test_a_lost_confirmation_still_ends_the_dialog(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    user = harness.user(120)
    await fill(user)
    harness.emulator.fail_next("sendMessage", 500, "Internal Server Error", chat_id=user.id)
    replies = await user.press(ZH.form.btn_submit)
    assert ZH.common.error in replies.text
    [project] = await projects_of(harness, 120)
    assert project.ref_no in staff.last.text  # staff still hear of it
    assert project.ref_no in (await user.send("/myprojects")).text  # the dialog is over
    await user.press_data(
        FormButton("reg", "submit").pack(), user.bot_messages[-3]
    )  # a second press
    assert len(await projects_of(harness, 120)) == 1


async def test_chinese_numerals_for_investment_and_jobs(harness: BotHarness) -> None:
    user = harness.user(131)
    await fill(user, investment="一百二十万", jobs="三十")
    assert "120 万元" in user.last.text
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 131)
    assert (project.investment_wan, project.jobs) == (120.0, 30)


async def test_a_choice_the_settings_no_longer_offer_is_asked_again_with_a_reason(
    harness: BotHarness,
) -> None:
    user = harness.user(331)
    await fill(user, village="示例三村")
    town = harness.settings.town
    villages = tuple(v for v in town.villages if v != "示例三村")
    harness.settings = replace(harness.settings, town=replace(town, villages=villages))
    await harness.restart()
    replies = await user.press(ZH.form.btn_submit)
    assert "“所在村”的选项有变化" in replies.last.text
    assert "项目在哪个村？" in replies.last.text
    assert "示例三村" not in replies.last.button_labels
    await user.press(villages[0])
    replies = await user.press(ZH.form.btn_submit)
    assert "项目已提交" in replies.text


async def test_investment_in_kuai_and_a_rough_amount(harness: BotHarness) -> None:
    # tester3 #10: 5000块 and 二十来万 were refused with "请输入数字".
    user = harness.user(118)
    await start_registration(user, "养羊场")
    assert "第 6/8 步" in (await user.send("5000块")).last.text
    assert draft_of(harness, user.id, "registration")["investment_wan"] == 0.5
    await user.send("/back")
    replies = await user.send("二十来万")
    assert replies.texts[0] == "“二十来万”按 20 万元登记 ✓ 不准的话发送 /back 重填。"
    assert "第 6/8 步" in replies.last.text
    assert draft_of(harness, user.id, "registration")["investment_wan"] == 20


async def test_investment_help_in_english(harness: BotHarness) -> None:
    en = get_texts("en")
    user = harness.user(119, language_code="en")
    await user.send("/register")
    await user.send("Sheep farm")
    for _ in range(3):  # the first option of the industry, village and applicant type
        await user.press(user.last.button_labels[0])
    assert (await user.send("lots")).last.text.startswith(en.registration.error_investment_number)
    rough = (await user.send("十几万")).last.text
    assert rough.startswith(dict(en.registration.errors)["rough"])
    replies = await user.send("20万左右")
    assert replies.texts[0].startswith("“20万左右” is filed as 20 × 10,000 yuan ✓")
    assert draft_of(harness, user.id, "registration")["investment_wan"] == 20


async def test_an_implausible_investment_is_asked_again_in_full(harness: BotHarness) -> None:
    user = harness.user(117)
    await start_registration(user, "模板加工厂")
    asked = await user.send("100000")  # yuan, typed where 万元 are asked
    assert "您填的是 100000 万元，也就是 10 亿元，对吗？" in asked.last.text
    again = await user.press(R.btn_investment_no)
    assert "第 5/8 步" in again.last.text
    assert "第 6/8 步" in (await user.send("10")).last.text  # 10 万元: nothing to confirm
    await user.send("/back")
    asked = await user.send("5000")
    assert "也就是 5 千万元" in asked.last.text
    assert "第 6/8 步" in (await user.press(R.btn_investment_yes)).last.text
    await user.send("8")
    await user.press(R.btn_share_phone)
    await user.press(R.btn_no_referrer)
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 117)
    assert project.investment_wan == 5000
