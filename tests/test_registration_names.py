"""Registration catches names nobody can recognise and questions typed as names (issue 15.6)."""

from __future__ import annotations

import pytest

from bot.services.names import looks_like_question, recognisable
from bot.shell.harness import BotHarness
from bot.texts import get_texts

R = get_texts("zh").registration


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
