"""其他村 (issue 15.6): a village missing from the list is typed, filed as typed and flagged
wherever staff read it (card, /review, export, /stats) until the office adds it to the list;
a forged or stale button value is still refused."""

from __future__ import annotations

from dataclasses import replace

from bot.buttons import FormButton
from bot.services.export import ExportKind
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.export_sheets import export_sheet
from tests.registration_flow import projects_of

ZH = get_texts("zh")
EN = get_texts("en")
R = ZH.registration
DOING = dict(ZH.common.dialog_names)["registration"]
REPROMPT_OTHER = ZH.form.reprompt_other.format(dialog=DOING)


async def to_village_step(user: SimUser, name: str = "香菇大棚") -> None:
    await user.send("/register")
    await user.send(name)
    await user.press("食用菌")


async def after_village(user: SimUser) -> None:
    """From the applicant type to the summary."""
    await user.press("返乡创业人员")
    await user.send("50")
    await user.send("8")
    await user.press(R.btn_share_phone)
    await user.press(R.btn_no_referrer)


async def typed_village(user: SimUser, village: str, name: str = "香菇大棚") -> None:
    """Register up to the summary with ``village`` typed under 其他村."""
    await to_village_step(user, name)
    await user.press(R.btn_other_village)
    await user.send(village)
    await after_village(user)


async def export_villages(harness: BotHarness) -> list[object]:
    sheet = await export_sheet(harness.running.services, ExportKind.PROJECTS, ZH)
    column = sheet.headers.index("村")
    return [row[column] for row in sheet.rows]


async def test_a_typed_village_is_filed_and_flagged_for_staff(harness: BotHarness) -> None:
    staff = harness.user(ADMIN_ID, first_name="王主任")
    await staff.send("/start")
    user = harness.user(5101)
    await to_village_step(user)
    asked = await user.press(R.btn_other_village)
    assert "请输入村名" in asked.last.text
    for bad, why in (
        ("😀😀😀", R.error_village_unrecognisable),
        ("。。。", R.error_village_unrecognisable),
        ("王家庄在哪里？", R.error_village_unrecognisable),  # a question, not a name
        ("王" * 21, "最多 20 个字，您输入了 21 个字"),
    ):
        refused = await user.send(bad)
        assert why in refused.last.text, bad
        assert "请输入村名" in refused.last.text  # asked again, nothing lost
    moved = await user.send("王家庄")
    assert "第 4/8 步" in moved.last.text
    await after_village(user)
    assert "所在村：王家庄（未在名单中）" in user.last.text  # the resident sees it, too
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 5101)
    assert project.village == "王家庄"  # stored as typed, no flag in the data itself
    card = next(m for m in reversed(staff.bot_messages) if project.ref_no in m.text)
    assert "所在村：王家庄（未在名单中）" in card.text
    review = await staff.send("/review")
    assert "所在村：王家庄（未在名单中）" in review.text
    assert await export_villages(harness) == ["王家庄（未在名单中）"]
    stats = (await staff.send("/stats")).text
    assert "其他村（名单外）" in stats
    assert "名单外的村（可加入村名单）：王家庄 1" in stats


async def test_the_flag_goes_once_the_office_adds_the_village(harness: BotHarness) -> None:
    staff = harness.user(ADMIN_ID, first_name="王主任")
    await staff.send("/start")
    user = harness.user(5102)
    await typed_village(user, "王家庄")
    await user.press(ZH.form.btn_submit)
    town = harness.settings.town
    harness.settings = replace(
        harness.settings, town=replace(town, villages=(*town.villages, "王家庄"))
    )
    await harness.restart()
    review = await staff.send("/review")
    assert "所在村：王家庄\n" in review.text
    assert "未在名单中" not in review.text
    assert await export_villages(harness) == ["王家庄"]
    stats = (await staff.send("/stats")).text
    assert "其他村（名单外）" not in stats


async def test_stats_put_every_typed_village_in_one_row_and_name_them(
    harness: BotHarness,
) -> None:
    staff = harness.user(ADMIN_ID, first_name="王主任")
    await staff.send("/start")
    for uid, village in ((5111, "王家庄"), (5112, "王家庄"), (5113, "李家湾")):
        user = harness.user(uid)
        await typed_village(user, village, name=f"项目{uid}")
        await user.press(ZH.form.btn_submit)
    stats = (await staff.send("/stats")).text
    row = next(line for line in stats.splitlines() if line.startswith("其他村（名单外）"))
    assert row.split()[1:] == ["3", "(100.0%)"]
    assert "名单外的村（可加入村名单）：王家庄 2、李家湾 1" in stats


async def test_a_listed_village_typed_under_other_is_filed_as_listed(harness: BotHarness) -> None:
    user = harness.user(5103)
    await to_village_step(user)
    await user.press(R.btn_other_village)
    await user.send("示例二")  # the list's 示例二村, without 村
    await after_village(user)
    assert "所在村：示例二村\n" in user.last.text
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 5103)
    assert project.village == "示例二村"
    assert await export_villages(harness) == ["示例二村"]


async def test_typing_an_unknown_village_at_the_buttons_points_to_other(
    harness: BotHarness,
) -> None:
    user = harness.user(5104)
    await to_village_step(user)
    refused = await user.send("好的")  # not a village: not filed as one
    assert "名单里没有“好的”这个村" in refused.last.text
    assert "请点“其他村”" in refused.last.text
    typed = await user.send("示例一")  # a listed village typed without 村
    assert "第 4/8 步" in typed.last.text
    assert "第 3/8 步" in (await user.send("/back")).last.text
    assert "请输入村名" in (await user.send("其他村")).last.text  # the button's label, typed


async def test_choosing_from_the_list_after_typing_drops_the_flag(harness: BotHarness) -> None:
    user = harness.user(5105)
    await typed_village(user, "王家庄")
    await user.press(ZH.form.btn_edit)
    await user.press(dict(R.field_labels)["village"])
    await user.press("示例一村")
    assert "所在村：示例一村\n" in user.last.text
    await user.press(ZH.form.btn_submit)
    [project] = await projects_of(harness, 5105)
    assert project.village == "示例一村"


async def test_a_typed_village_survives_a_restart_and_a_changed_list(
    harness: BotHarness,
) -> None:
    user = harness.user(5106)
    await typed_village(user, "王家庄")
    town = harness.settings.town
    harness.settings = replace(harness.settings, town=replace(town, villages=town.villages[1:]))
    await harness.restart()
    replies = await user.press(ZH.form.btn_submit)  # the typed answer stands
    assert "项目已提交" in replies.text
    [project] = await projects_of(harness, 5106)
    assert project.village == "王家庄"


async def test_forged_and_stale_village_buttons_are_still_refused(harness: BotHarness) -> None:
    user = harness.user(5107)
    await to_village_step(user)
    question = user.last
    for value in ("99", "-1", "other2"):
        replies = await user.press_data(FormButton("reg", "c", "village", value).pack(), question)
        assert replies.toast == REPROMPT_OTHER, value
    for data in ("v1:f:reg:c:village:王家庄", "v1:f:reg:c:village:1:2"):  # not even packable
        replies = await user.press_data(data, question)
        assert replies.toast == REPROMPT_OTHER, data
    assert await projects_of(harness, 5107) == []
    # A 其他村 button pressed at another step (an old message) is a stray, too.
    await user.press("示例一村")
    replies = await user.press_data(FormButton("reg", "c", "village", "other").pack(), question)
    assert replies.toast == REPROMPT_OTHER
    assert "第 4/8 步" in user.last.text
    # A list choice whose village the office removed is asked again at submit.
    await after_village(user)
    town = harness.settings.town
    harness.settings = replace(harness.settings, town=replace(town, villages=town.villages[1:]))
    await harness.restart()
    replies = await user.press(ZH.form.btn_submit)
    assert "“所在村”的选项有变化" in replies.last.text
    assert await projects_of(harness, 5107) == []


async def test_english_residents_get_other_village_in_english(harness: BotHarness) -> None:
    user = harness.user(5108, language_code="en")
    await user.send("/register")
    await user.send("Mushroom sheds")
    await user.press("食用菌")
    assert EN.registration.btn_other_village in user.last.button_labels
    asked = await user.press(EN.registration.btn_other_village)
    assert "Please type the <b>village</b>" in asked.last.html
    refused = await user.send("🙂🙂")
    assert EN.registration.error_village_unrecognisable in refused.last.text
    await user.send("Wangjiazhuang")
    await user.press("返乡创业人员")
    await user.send("50")
    await user.send("8")
    await user.press(EN.registration.btn_share_phone)
    await user.press(EN.registration.btn_no_referrer)
    assert "Wangjiazhuang (not on the list)" in user.last.text
