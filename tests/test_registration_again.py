"""A resident who registers again: the same name within a day asks first, /myprojects lists
every submission newest first."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.settings import Settings
from bot.shell.harness import BotHarness, bot_harness
from tests.registration_flow import (
    ZH,
    R,
    fill,
    projects_of,
)


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
