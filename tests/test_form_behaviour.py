"""The same /back, edit, cancel, timeout and stray-input behaviour, checked once per dialog.

Every form the built bot serves (enumerated from its router, so a new dialog without a way to
open it here fails ``test_every_dialog_is_covered``) is opened as a user would, then:
a sticker and an old button are answered by asking the current question again with the common
wording; /back at the first question says so; /back keeps the answer given; 修改 offers every
answer and leads back to the summary; /cancel ends the dialog with the common wording (or the
dialog's own assurance) and the main menu; a timeout does the same with the restart command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.shell.app import forms_router_of
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from handlers.form_timeout import JOB_NAME
from handlers.forms import Form
from tests.conftest import ADMIN_ID
from tests.dialog_state import dialog_of, draft_of
from tests.registration_flow import registered, staff_members
from tests.seed import publish_training

ZH = get_texts("zh")
RESIDENT = 4701
WHAT = "镇上收费站乱收费，每车多收五十元"


async def _resident(harness: BotHarness, command: str, user_id: int = RESIDENT) -> SimUser:
    user = harness.user(user_id)
    await user.send(command)
    return user


async def _return_reason(harness: BotHarness) -> SimUser:
    admin, _ = await staff_members(harness)
    await registered(harness, RESIDENT + 1)
    await admin.press(ZH.registration.btn_return)
    return admin


async def _complaint_note(harness: BotHarness) -> SimUser:
    admin, _ = await staff_members(harness)
    resident = await _resident(harness, "/complaint", RESIDENT + 2)
    for answer in (WHAT, "收费站", "昨天", "跳过"):
        await resident.send(answer)
    await resident.press(ZH.complaints.btn_named)
    await resident.press(ZH.form.btn_submit)
    await admin.press(ZH.complaints.btn_resolve)
    return admin


async def _contact_reply(harness: BotHarness) -> SimUser:
    admin, _ = await staff_members(harness)
    resident = await _resident(harness, "/contact", RESIDENT + 3)
    await resident.send("请问创业担保贷款的利息怎么算？")
    await admin.press(ZH.contact.btn_reply)
    return admin


async def _training_change(harness: BotHarness) -> SimUser:
    await publish_training(harness)
    admin = harness.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(ZH.trainings.btn_manage)
    await admin.press(ZH.trainings.btn_edit_place)
    return admin


async def _admin(harness: BotHarness, command: str) -> SimUser:
    admin = harness.user(ADMIN_ID)
    await admin.send(command)
    return admin


Opener = Callable[[BotHarness], Awaitable[SimUser]]
OPENERS: dict[str, Opener] = {
    "registration": lambda h: _resident(h, "/register"),
    "complaint": lambda h: _resident(h, "/complaint"),
    "contact": lambda h: _resident(h, "/contact"),
    "review_return": _return_reason,
    "complaint_resolve": _complaint_note,
    "contact_reply": _contact_reply,
    "new_training": lambda h: _admin(h, "/newtraining"),
    "training_manage": _training_change,
    "broadcast": lambda h: _admin(h, "/broadcast"),
}
# A first answer for the dialogs with more than one question, and one answer per question up
# to the summary for those with one.
FIRST_ANSWERS = {"registration": "香菇大棚", "complaint": WHAT, "new_training": "电商直播入门"}
TO_SUMMARY: dict[str, list[str]] = {
    "registration": ["香菇大棚", "食用菌", "示例一村", "党员", "50", "8", "13800138000", "无"],
    "complaint": [WHAT, "收费站", "昨天", "跳过", "按钮:" + ZH.complaints.btn_named],
    "new_training": [
        "电商直播入门",
        "跳过",  # the optional English title
        "电子商务",
        "返乡创业人员",
        "12月5日 14:00",
        "2小时",
        "镇政府三楼会议室",
        "30",
        "无",
    ],
}
FORM_NAMES = sorted(OPENERS)


def form_named(harness: BotHarness, name: str) -> Form:
    return forms_router_of(harness.running.app).forms[name]


def doing(name: str) -> str:
    return dict(ZH.common.dialog_names)[name]


def step_of(harness: BotHarness, user_id: int) -> str:
    state = harness.running.app.user_data[user_id]["form"]
    return str(state["step"])


async def opened(harness: BotHarness, name: str) -> SimUser:
    assert name in forms_router_of(harness.running.app).forms, f"{name} is not a form"
    user = await OPENERS[name](harness)
    assert dialog_of(harness, user.id) == name, name
    return user


async def at_first_question(harness: BotHarness, name: str) -> tuple[SimUser, str, str]:
    """Open ``name``: the user, the step they are at and its question as they read it."""
    user = await opened(harness, name)
    return user, step_of(harness, user.id), user.last.text


async def answer(user: SimUser, typed: str) -> None:
    if typed.startswith("按钮:"):
        await user.press(typed.removeprefix("按钮:"))
    else:
        await user.send(typed)


def test_every_dialog_is_covered(harness: BotHarness) -> None:
    assert set(forms_router_of(harness.running.app).forms) <= set(OPENERS)


@pytest.mark.parametrize("name", FORM_NAMES)
async def test_a_sticker_or_an_old_button_asks_the_same_question_again(
    harness: BotHarness, name: str
) -> None:
    user, step, question = await at_first_question(harness, name)
    replies = await user.send_sticker()
    assert replies.last.text.startswith(ZH.form.reprompt_non_text.format(dialog=doing(name)))
    assert replies.last.text.endswith(question)
    replies = await user.press_data("v1:zz:old", user.last)
    assert replies.toast == ZH.form.reprompt_other.format(dialog=doing(name))
    assert replies.last.text == question
    assert (dialog_of(harness, user.id), step_of(harness, user.id)) == (name, step)


@pytest.mark.parametrize("name", FORM_NAMES)
async def test_back_at_the_first_question_says_so(harness: BotHarness, name: str) -> None:
    user, step, question = await at_first_question(harness, name)
    replies = await user.send("/back")
    assert replies.last.text == f"{ZH.form.back_at_first}\n\n{question}"
    assert step_of(harness, user.id) == step


@pytest.mark.parametrize("name", sorted(FIRST_ANSWERS))
async def test_back_keeps_the_answer_given(harness: BotHarness, name: str) -> None:
    user = await opened(harness, name)
    first_step = step_of(harness, user.id)
    await user.send(FIRST_ANSWERS[name])
    assert step_of(harness, user.id) != first_step
    await user.send("/back")
    assert step_of(harness, user.id) == first_step
    assert draft_of(harness, user.id, name)[first_step] == FIRST_ANSWERS[name]


@pytest.mark.parametrize("name", sorted(TO_SUMMARY))
async def test_change_from_the_summary_returns_to_it(harness: BotHarness, name: str) -> None:
    user = await opened(harness, name)
    for typed in TO_SUMMARY[name]:
        await answer(user, typed)
    assert step_of(harness, user.id) == "summary", name
    form = form_named(harness, name)
    await user.press(ZH.form.btn_edit)
    draft = draft_of(harness, user.id, name)
    labels = [  # every field the form says this draft may change (a correction's 补充说明 not)
        s.label(ZH)
        for s in form.steps
        if s.label is not None and form.step_editable(draft, s.name)
    ]
    offered = user.last.button_labels
    assert set(labels) <= set(offered) | {form.steps[-1].label(ZH) if form.steps[-1].label else ""}
    first = next(s for s in form.steps if s.label is not None)
    assert first.label is not None
    await user.press(first.label(ZH))
    assert step_of(harness, user.id) == first.name
    await user.send("改过的内容")
    assert step_of(harness, user.id) == "summary"
    assert "改过的内容" in user.last.text


@pytest.mark.parametrize("name", FORM_NAMES)
async def test_cancel_ends_the_dialog_and_brings_the_menu_back(
    harness: BotHarness, name: str
) -> None:
    user = await opened(harness, name)
    form, draft = form_named(harness, name), draft_of(harness, user.id, name)
    replies = await user.send("/cancel")
    assert dialog_of(harness, user.id) is None
    own = form.cancelled(ZH, draft) if form.cancelled is not None else None
    assert replies.last.text == (own or ZH.form.cancelled.format(dialog=doing(name)))
    assert ZH.common.btn_register in user.reply_keyboard
    assert (await user.send("/cancel")).last.text == ZH.common.nothing_to_cancel


@pytest.mark.parametrize("name", FORM_NAMES)
async def test_a_timeout_ends_the_dialog_with_the_restart_command(
    harness: BotHarness, name: str
) -> None:
    user = await opened(harness, name)
    app = harness.running.app
    assert app.job_queue is not None
    (job,) = [j for j in app.job_queue.jobs() if j.name == JOB_NAME and j.user_id == user.id]
    await job.run(app)
    form = form_named(harness, name)
    assert user.last.text == ZH.form.timed_out.format(
        dialog=doing(name), minutes=30, again=form.again
    )
    assert dialog_of(harness, user.id) is None
    assert ZH.common.btn_register in user.reply_keyboard


# ------------------------------------------------------------------ words typed to steer
# tester3 #3: a phone user types 返回 / 取消 / 修改 / 提交 instead of a command or a button.


@pytest.mark.parametrize("name", FORM_NAMES)
async def test_typed_control_words_steer_and_are_never_stored(
    harness: BotHarness, name: str
) -> None:
    user, step, question = await at_first_question(harness, name)
    draft = draft_of(harness, user.id, name)
    said = {
        "提交": ZH.form.control_not_here.format(word="提交"),  # no summary yet
        "修改": ZH.form.control_not_here.format(word="修改"),
        "返回": ZH.form.back_at_first,  # as /back
    }
    for word, note in said.items():
        replies = await user.send(word)
        assert replies.last.text == f"{note}\n\n{question}"
        assert (step_of(harness, user.id), draft_of(harness, user.id, name)) == (step, draft)
    form = form_named(harness, name)
    replies = await user.send("取消")  # as /cancel
    assert dialog_of(harness, user.id) is None
    own = form.cancelled(ZH, draft) if form.cancelled is not None else None
    assert replies.last.text == (own or ZH.form.cancelled.format(dialog=doing(name)))


@pytest.mark.parametrize("name", sorted(FIRST_ANSWERS))
async def test_a_back_word_after_an_answer_goes_back_and_stores_nothing(
    harness: BotHarness, name: str
) -> None:
    user = await opened(harness, name)
    first_step = step_of(harness, user.id)
    await user.send(FIRST_ANSWERS[name])
    second_step = step_of(harness, user.id)
    await user.send("上一步")
    assert step_of(harness, user.id) == first_step
    draft = draft_of(harness, user.id, name)
    assert draft[first_step] == FIRST_ANSWERS[name]
    assert "上一步" not in draft.values()
    assert draft.get(second_step) is None


@pytest.mark.parametrize("name", sorted(TO_SUMMARY))
async def test_the_summary_buttons_work_when_their_words_are_typed(
    harness: BotHarness, name: str
) -> None:
    user = await opened(harness, name)
    for typed in TO_SUMMARY[name]:
        await answer(user, typed)
    assert step_of(harness, user.id) == "summary"
    replies = await user.send("啊这")  # neither a button nor a control word
    assert "/back" in replies.last.text
    assert "/cancel" in replies.last.text
    await user.send("修改")
    assert step_of(harness, user.id) == "fields"
    assert ZH.form.btn_back_to_summary in user.last.button_labels
    await user.send("返回核对")  # the label of the field list's way back
    assert step_of(harness, user.id) == "summary"
    summary = draft_of(harness, user.id, name)
    await user.send("提交")
    assert dialog_of(harness, user.id) is None, name
    assert all(str(v) != "提交" for v in summary.values())


async def test_a_typed_label_at_a_button_step_is_a_press_and_a_refusal_says_how_to_leave(
    harness: BotHarness,
) -> None:
    user = await opened(harness, "registration")
    await user.send("养羊场")
    await user.send("返回")  # tester3: was filed as the industry
    assert step_of(harness, user.id) == "name"
    assert "industry" not in {
        k for k, v in draft_of(harness, user.id, "registration").items() if v
    }
    await user.send("养羊场")
    await user.send("✅ 食用菌")  # the button's label, typed (with its emoji or without)
    assert step_of(harness, user.id) == "village"
    assert draft_of(harness, user.id, "registration")["industry"] == "食用菌"
    replies = await user.send("好的")
    assert "名单里没有" in replies.last.text
    assert ZH.form.buttons_hint in replies.last.text
    assert step_of(harness, user.id) == "village"
    await user.send("其他村")  # the 其他村 button, typed
    assert step_of(harness, user.id) == "village_other"


async def test_english_control_words_and_labels(harness: BotHarness) -> None:
    en = get_texts("en")
    user = harness.user(RESIDENT, language_code="en")
    await user.send("/register")
    question = user.last.text
    replies = await user.send("Back")
    assert replies.last.text == f"{en.form.back_at_first}\n\n{question}"
    await user.send("Mushroom sheds")
    replies = await user.send("submit")
    assert replies.last.text.startswith(en.form.control_not_here.format(word="submit"))
    await user.send("go back")
    assert step_of(harness, user.id) == "name"
    replies = await user.send("Cancel")
    assert dialog_of(harness, user.id) is None
    assert replies.last.text == en.form.cancelled.format(
        dialog=dict(en.common.dialog_names)["registration"]
    )
