"""Project names: registration catches names nobody can recognise and questions typed as names
(issue 15.6); hostile, long and control-character names are stored as typed and shown safely."""

from __future__ import annotations

import pytest

from bot.services.names import looks_like_question, recognisable
from bot.shell.harness import BotHarness
from tests.registration_flow import (
    ERR,
    ZH,
    R,
    admin,
    fill,
    projects_of,
)


@pytest.mark.parametrize("name", ["😀😀😀", "。。。", "123", "!!", "  ✨  "])
def test_no_letters_is_no_name(name: str) -> None:
    assert not recognisable(name)


@pytest.mark.parametrize("name", ["香菇大棚", "模板厂", "Mushroom sheds", "2号模板厂"])
def test_names_people_give_are_recognisable(name: str) -> None:
    assert recognisable(name)
    assert not looks_like_question(name)


@pytest.mark.parametrize(
    "text", ["返税怎么申请？", "贷款能不能办", "培训什么时候开始", "有补贴吗", "How do I apply?"]
)
def test_questions_are_recognised(text: str) -> None:
    assert looks_like_question(text)


async def test_the_name_step_asks_again(harness: BotHarness) -> None:
    user = harness.user(8201)
    await user.send("/register")
    assert R.error_name_unrecognisable in (await user.send("😀😀😀")).text
    assert R.error_name_unrecognisable in (await user.send("。。。")).text
    assert R.error_name_question in (await user.send("返税怎么申请？")).text
    # A real name goes on to the industry question.
    assert "第 2/8 步" in (await user.send("东关村香菇大棚")).last.text


async def test_a_typed_industry_needs_words(harness: BotHarness) -> None:
    user = harness.user(8202)
    await user.send("/register")
    await user.send("竹编工坊")
    assert R.error_other_unrecognisable in (await user.send("😀")).text
    await user.press(R.btn_other)
    assert R.error_other_unrecognisable in (await user.send("👍👍")).text
    assert "第 3/8 步" in (await user.send("竹编")).last.text


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
