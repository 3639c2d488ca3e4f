"""Project registration through the real Application: the dialog, referrals, lists, restarts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.buttons import FormButton
from bot.clock import FakeClock
from bot.settings import Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import projects as projects_repo
from db import referrals as referrals_repo
from db import users as users_repo
from db.models import Project
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")
R = ZH.registration
DOING = dict(ZH.common.dialog_names)["registration"]
REPROMPT_OTHER = ZH.form.reprompt_other.format(dialog=DOING)
REPROMPT_NON_TEXT = ZH.form.reprompt_non_text.format(dialog=DOING)
CANCELLED = ZH.form.cancelled.format(dialog=DOING)
ERR = dict(R.errors)
TOPICS = Path(__file__).resolve().parents[1] / "knowledge" / "topics"


async def fill(
    user: SimUser,
    *,
    name: str = "香菇大棚",
    industry: str = "食用菌",
    village: str = "示例三村",
    applicant: str = "返乡创业人员",
    investment: str = "50",
    jobs: str = "8",
    phone: str | None = None,
) -> None:
    """Drive the dialog from /register to the summary."""
    await user.send("/register")
    await user.send(name)
    await user.press(industry)
    await user.press(village)
    await user.press(applicant)
    await user.send(investment)
    await user.send(jobs)
    if phone is None:
        await user.press(R.btn_share_phone)
    else:
        await user.send(phone)
    if R.btn_referrer_keep in user.last.button_labels:
        await user.press(R.btn_referrer_keep)
    else:
        await user.press(R.btn_no_referrer)


async def projects_of(harness: BotHarness, user_id: int) -> list[Project]:
    async with harness.running.services.db.read() as conn:
        return await projects_repo.list_projects_by_user(conn, user_id)


def admin(harness: BotHarness) -> SimUser:
    return harness.user(ADMIN_ID, first_name="王主任")


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
    assert [len(row) for row in village_rows] == [3] * 5  # 15 villages, 3 per row
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
        ("abc", ERR["not_a_number"]),
        ("-5", ERR["negative"]),
        ("0", R.error_zero_investment),
        ("0万元", R.error_zero_investment),
        ("99999999", "太大"),
        ("五十块", ERR["not_a_number"]),
    ],
)
async def test_bad_investment_is_asked_again_keeping_earlier_answers(
    harness: BotHarness, typed: str, expected: str
) -> None:
    user = harness.user(103)
    await user.send("/register")
    await user.send("项目甲")
    await user.press("食用菌")
    await user.press("示例一村")
    await user.press("党员")
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
    await user.send("/register")
    await user.send("项目乙")
    await user.press("食用菌")
    await user.press("示例一村")
    await user.press("党员")
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


async def fill_until_phone(user: SimUser) -> None:
    await user.send("/register")
    await user.send("项目丙")
    await user.press("食用菌")
    await user.press("示例一村")
    await user.press("党员")
    await user.send("10")
    await user.send("2")


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
    assert ERR["not_a_choice"] in (await user.send("火星村")).last.text
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


@pytest.mark.parametrize(
    "name",
    [
        "'); DROP TABLE projects;--",
        '<b>粗体</b><script>alert("x")</script> & <a href="x">',
        "\u202eabc\u202c 右到左",
        "零\u200b宽\u200d字符",
        "🚀🌾 项目 👨‍👩‍👧",
        "1 < 2 && 3 > 2 模板厂",  # a name needs words (issue 15.6); the signs stay
    ],
)
async def test_hostile_names_are_stored_as_typed_and_shown_safely(
    harness: BotHarness, name: str
) -> None:
    staff = admin(harness)
    await staff.send("/start")
    user = harness.user(112)
    await fill(user, name=name)
    assert name in user.last.text  # the emulator parsed the HTML: it was escaped
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 112)
    assert project.name == name
    assert name in staff.last.text
    assert name in (await user.send("/myprojects")).text


async def test_names_are_trimmed_and_limited(harness: BotHarness) -> None:
    user = harness.user(113)
    await user.send("/register")
    replies = await user.send("长" * 4000)
    assert "4000" in replies.last.text
    assert "60" in replies.last.text
    assert "第 1/8 步" in replies.last.text
    assert ERR["invisible"] in (await user.send("\u200b\u200b")).last.text
    assert ERR["empty"] in (await user.send("\x00\x07")).last.text
    await user.send("  农家\x00乐\t\t民宿\n项目  ")
    await user.press("食用菌")
    await user.send("/cancel")
    await fill(user, name="长" * 60)
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 113)
    assert project.name == "长" * 60


async def test_control_characters_become_spaces(harness: BotHarness) -> None:
    user = harness.user(114)
    await fill(user, name="  农家\x00乐\t\t民宿\n项目  ")
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 114)
    assert project.name == "农家 乐 民宿 项目"


async def test_same_name_twice_in_a_day_asks_first(harness: BotHarness) -> None:
    user = harness.user(115)
    await fill(user, name="重复项目")
    await user.press(ZH.form.btn_submit)
    await fill(user, name="重复项目")
    replies = await user.press(ZH.form.btn_submit)
    assert "XM-" in replies.last.text
    assert R.btn_duplicate_confirm in replies.last.button_labels
    assert len(await projects_of(harness, 115)) == 1
    await user.press(ZH.form.btn_cancel)
    assert len(await projects_of(harness, 115)) == 1
    await fill(user, name="重复项目")
    await user.press(ZH.form.btn_submit)
    replies = await user.press(R.btn_duplicate_confirm)
    assert "XM-" in replies.text
    assert "0002" in replies.text
    assert [p.name for p in await projects_of(harness, 115)] == ["重复项目", "重复项目"]
    await fill(user, name="另一个名字")
    assert "0003" in (await user.press(ZH.form.btn_submit)).text


async def test_duplicate_check_is_within_a_day(settings: Settings) -> None:
    clock = FakeClock()
    async with bot_harness(settings, clock=clock) as harness:
        user = harness.user(116)
        await fill(user, name="隔天项目")
        await user.press(ZH.form.btn_submit)
        clock.advance(hours=25)
        await fill(user, name="隔天项目")
        replies = await user.press(ZH.form.btn_submit)
        assert "0002" in replies.text
        assert len(await projects_of(harness, 116)) == 2


async def test_my_projects_lists_history(harness: BotHarness) -> None:
    user = harness.user(117)
    assert R.my_projects_none in (await user.send("/myprojects")).text
    await fill(user, name="第一个")
    await user.press(ZH.form.btn_submit)
    await fill(user, name="第二个")
    await user.press(ZH.form.btn_submit)
    text = (await user.send("/myprojects")).text
    assert "第一个" in text
    assert "第二个" in text
    assert text.index("第二个") < text.index("第一个")
    assert "共 2 个" in text
    assert text.count("待审核") >= 2  # the one label of a submitted project


async def test_referral_link_prefills_and_credits_the_referrer(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    referrer = harness.user(201, first_name="老张")
    replies = await referrer.send("/invite")
    photo = replies.last
    assert photo.photo is not None
    assert photo.photo[1].startswith(b"\x89PNG")
    match = re.search(r"https://t\.me/chuangye_local_bot\?start=ref_([A-Za-z0-9_-]+)", photo.text)
    assert match is not None
    code = match[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,60}", code)
    again = await referrer.send("/invite")
    assert code in again.last.text  # the same code every time
    friend = harness.user(202, first_name="小王")
    opened = await friend.open_deep_link(f"ref_{code}")
    # Told at once whose link it was, not only at the referrer step.
    assert "您是通过 老张 的引荐链接来的" in opened.text
    await fill(friend)
    assert "老张（引荐链接）" in friend.last.text
    replies = await friend.press(ZH.form.btn_submit)
    assert "已记 老张 为本项目的引荐人" in replies.text
    mine = (await referrer.send("/myreferrals")).text
    assert "共 1 个" in mine
    assert "其中 0 个" in mine
    assert R.reward_pending in mine
    assert "老张" in staff.last.text
    await staff.press(R.btn_approve)
    assert "已通过审核" in friend.last.text
    # The referrer hears what the report says and who decides, never a promise (issue 15.3).
    told = referrer.last.text
    assert "每新上一个项目对引荐人给予一定的现金奖励" in told
    assert "由镇创业办确定" in told
    assert "符合奖励条件" not in told
    mine = (await referrer.send("/myreferrals")).text
    assert "其中 1 个" in mine
    assert R.reward_eligible in mine
    assert "通过审核不等于一定有奖励" in mine
    assert "可获" not in mine


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_promises_a_reward_on_approval(lang: str) -> None:
    """Every reward wording quotes the report and leaves amount and conditions to the office."""
    r = get_texts(lang).registration
    for text in (r.invite, r.referrer_approved, r.my_referrals_header):
        assert "每新上一个项目对引荐人给予一定的现金奖励" in text
        assert ("创业办确定" in text) if lang == "zh" else ("office decides" in text)
    forbidden = (
        ("符合奖励条件", "可获") if lang == "zh" else ("is eligible", "reward-eligible", "you may")
    )
    for text in (r.invite, r.referrer_approved, r.my_referrals_header, r.reward_eligible):
        assert not any(word in text for word in forbidden)


async def test_referral_link_can_be_declined_or_replaced(harness: BotHarness) -> None:
    referrer = harness.user(203, first_name="老李")
    code = re.findall(r"ref_([A-Za-z0-9_-]+)", (await referrer.send("/invite")).last.text)[0]
    friend = harness.user(204)
    await friend.open_deep_link(f"ref_{code}")
    await fill_until_phone(friend)
    await friend.press(R.btn_share_phone)
    assert "老李" in friend.last.text
    await friend.press(R.btn_no_referrer)
    assert "引荐人：无" in friend.last.text
    await friend.press(ZH.form.btn_submit)
    async with harness.running.services.db.read() as conn:
        [project] = await projects_repo.list_projects_by_user(conn, 204)
        assert await referrals_repo.get_referral(conn, project.id) is None
    assert R.my_referrals_none in (await referrer.send("/myreferrals")).text


async def test_own_referral_link_is_refused_with_a_reason(harness: BotHarness) -> None:
    user = harness.user(205)
    code = re.findall(r"ref_([A-Za-z0-9_-]+)", (await user.send("/invite")).last.text)[0]
    assert (await user.open_deep_link(f"ref_{code}")).last.text == R.link_self  # told at once
    await fill_until_phone(user)
    replies = await user.press(R.btn_share_phone)
    assert R.referrer_self in replies.text
    assert R.btn_referrer_keep not in user.last.button_labels
    await user.press(R.btn_no_referrer)
    await user.press(ZH.form.btn_submit)
    assert R.my_referrals_none in (await user.send("/myreferrals")).text


async def test_unknown_referral_code_is_explained(harness: BotHarness) -> None:
    user = harness.user(206)
    # Told at once (issue 15.12), not only at the referrer step of a later registration.
    assert (await user.open_deep_link("ref_nosuchcode")).last.text == R.link_unknown
    assert (await user.open_deep_link("ref_")).last.text == R.link_unknown
    await user.open_deep_link("ref_nosuchcode")
    await fill_until_phone(user)
    assert R.referrer_unknown in (await user.press(R.btn_share_phone)).text


async def test_referrer_who_left_is_refused_at_submit_with_a_reason(harness: BotHarness) -> None:
    referrer = harness.user(207, first_name="老赵")
    code = re.findall(r"ref_([A-Za-z0-9_-]+)", (await referrer.send("/invite")).last.text)[0]
    friend = harness.user(208)
    await friend.open_deep_link(f"ref_{code}")
    await fill(friend)
    async with harness.running.services.db.write() as conn:
        await users_repo.erase_user(conn, 207)
    replies = await friend.press(ZH.form.btn_submit)
    assert dict(R.referral_refused)["unknown_referrer"] in replies.text
    assert len(await projects_of(harness, 208)) == 1


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
    await user.send("/register")
    await user.send("Mushroom farm")
    await user.press("食用菌")
    await user.press("示例一村")
    await user.press("党员")
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


async def test_the_referrer_hears_of_the_approval_in_their_language(harness: BotHarness) -> None:
    staff = admin(harness)
    await staff.send("/start")
    referrer = harness.user(221, first_name="Old Zhang", language_code="en")
    code = re.findall(r"ref_([A-Za-z0-9_-]+)", (await referrer.send("/invite")).last.text)[0]
    friend = harness.user(222, first_name="小王")
    await friend.open_deep_link(f"ref_{code}")
    await fill(friend, name="竹编工坊")
    await friend.press(ZH.form.btn_submit)
    before = len(referrer.bot_messages)
    await staff.press(R.btn_approve)
    [told] = referrer.bot_messages[before:]
    assert "The project you referred" in told.text
    assert "竹编工坊" in told.text
    assert "the entrepreneurship office decides the amount" in told.text
    assert "0000-1234567" in told.text  # where to ask about the reward
    assert "已通过审核" in friend.last.text


async def test_a_project_without_a_referrer_tells_only_the_applicant(
    harness: BotHarness,
) -> None:
    staff = admin(harness)
    await staff.send("/start")
    bystander = harness.user(223)
    await bystander.send("/invite")
    before = len(bystander.bot_messages)
    user = harness.user(224)
    await fill(user)
    await user.press(ZH.form.btn_submit)
    await staff.press(R.btn_approve)
    assert "已通过审核" in user.last.text
    assert len(bystander.bot_messages) == before


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


async def test_going_back_from_the_duplicate_warning_keeps_the_answers(
    harness: BotHarness,
) -> None:
    user = harness.user(116)
    await fill(user, name="重复项目")
    await user.press(ZH.form.btn_submit)
    await fill(user, name="重复项目", investment="80")
    await user.press(ZH.form.btn_submit)
    back = await user.press(R.btn_duplicate_back)
    # The summary again, every answer of the eight steps still there, nothing filed.
    assert "重复项目" in back.last.text
    assert "80" in back.last.text
    assert ZH.form.btn_submit in back.last.button_labels
    assert len(await projects_of(harness, 116)) == 1
    await user.press(ZH.form.btn_edit)
    await user.press(dict(R.field_labels)["name"])
    await user.send("重复项目二号")
    await user.press(ZH.form.btn_submit)
    assert [p.name for p in await projects_of(harness, 116)] == ["重复项目", "重复项目二号"]


async def test_an_implausible_investment_is_asked_again_in_full(harness: BotHarness) -> None:
    user = harness.user(117)
    await user.send("/register")
    await user.send("模板加工厂")
    await user.press("食用菌")
    await user.press("示例一村")
    await user.press("党员")
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
