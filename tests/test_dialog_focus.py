"""Inside a dialog, menu buttons and other dialogs' entries are answered politely, not obeyed.

The main-menu keyboard stays under the text field during text steps and its buttons send their
label as text: a label must never be stored as an answer (``handlers.dialogs``: every state
catches the labels first). And one dialog at a time: an earlier-registered dialog's entry point
must not start while the user is in a later one.
"""

from __future__ import annotations

from telegram.ext import ConversationHandler

from bot.shell.app import forms_router_of
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from handlers.dialogs import DIALOG, busy_text
from handlers.forms import FORM
from tests.conftest import ADMIN_ID
from tests.dialog_state import dialog_of, draft_of
from tests.registration_flow import card_of, registered, staff_members, stored

ZH, EN = get_texts("zh"), get_texts("en")
C = ZH.common
R = ZH.registration


def dialog_named(harness: BotHarness, name: str) -> ConversationHandler[object]:
    app = harness.running.app
    return next(
        h
        for group in app.handlers.values()
        for h in group
        if isinstance(h, ConversationHandler) and h.name == name
    )


def timeout_jobs(harness: BotHarness) -> list[object]:
    app = harness.running.app
    assert app.job_queue is not None
    return [j for j in app.job_queue.jobs() if "timeout" in j.name.lower()]


async def test_a_menu_button_in_contact_is_not_sent_to_staff(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID)
    await admin.send("/start")
    resident = harness.user(8101)
    await resident.send("/contact")
    replies = await resident.send(C.btn_trainings)
    assert replies.text == busy_text(ZH, "contact")
    assert "给工作人员留言" in replies.text
    assert "/cancel" in replies.text
    assert await harness.running.services.contact.get(1) is None
    assert C.btn_trainings not in admin.last.text
    # Still waiting for the message: the real one goes through.
    await resident.send("请问创业担保贷款的利息怎么算？")
    stored_message = await harness.running.services.contact.get(1)
    assert stored_message is not None
    assert "利息" in stored_message.text


async def test_a_menu_button_at_newtraining_step_3_is_not_the_target_group(
    harness: BotHarness,
) -> None:
    admin = harness.user(ADMIN_ID)
    await admin.send("/newtraining")
    await admin.send("电商直播入门")
    await admin.send("跳过")
    await admin.send("电子商务")
    replies = await admin.send(C.btn_policies)
    assert replies.text == busy_text(ZH, "new_training")
    assert "target" not in draft_of(harness, ADMIN_ID, "new_training")
    await admin.send("返乡青年")
    assert draft_of(harness, ADMIN_ID, "new_training")["target"] == "返乡青年"


async def test_a_menu_label_is_not_a_project_name_in_either_language(
    harness: BotHarness,
) -> None:
    user = harness.user(8102)
    await user.send("/register")
    for label in (C.btn_trainings, EN.common.btn_trainings, C.btn_help):
        replies = await user.send(label)
        assert replies.text == busy_text(ZH, "registration")
    assert draft_of(harness, 8102, "registration").get("name") in (None, "")
    await user.send("香菇大棚")
    assert draft_of(harness, 8102, "registration")["name"] == "香菇大棚"


async def test_english_users_get_the_notice_in_english(harness: BotHarness) -> None:
    user = harness.user(8103, language_code="en")
    await user.send("/complaint")
    replies = await user.send(EN.common.btn_policies)
    assert replies.text == busy_text(EN, "complaint")
    assert "filing a complaint" in replies.text


async def test_register_button_during_a_complaint_does_not_start_a_registration(
    harness: BotHarness,
) -> None:
    user = harness.user(8104)
    await user.send("/complaint")
    for entry in (C.btn_register, "/register"):
        replies = await user.send(entry)
        assert replies.text == busy_text(ZH, "complaint")
    assert draft_of(harness, 8104, "registration") == {}
    assert dialog_of(harness, 8104) == "complaint"
    # The refused registration armed no timeout of its own: only the complaint's is pending.
    assert len(timeout_jobs(harness)) == 1
    # The complaint dialog is still there and goes on.
    replies = await user.send("村口修路一直没完工，晚上没有路灯很危险")
    assert replies.text.startswith("第 2 步")
    assert draft_of(harness, 8104, "complaint")["what"].startswith("村口修路")


async def test_after_cancel_the_other_dialog_starts(harness: BotHarness) -> None:
    user = harness.user(8105)
    await user.send("/complaint")
    await user.send("/cancel")
    assert DIALOG not in harness.running.app.user_data[8105]
    replies = await user.send("/register")
    assert "项目名称" in replies.text
    assert dialog_of(harness, 8105) == "registration"


async def test_a_damaged_or_unknown_dialog_state_locks_nobody_out(harness: BotHarness) -> None:
    user = harness.user(8106)
    await user.send("/start")
    # A stored dialog that is malformed, or of a dialog this version no longer has.
    for kept in ({"form": "registration"}, "garbage", {**_state("no_such_dialog")}):
        harness.running.app.user_data[8106][FORM] = kept
        replies = await user.send("/register")
        assert "项目名称" in replies.text
        assert dialog_of(harness, 8106) == "registration"
        await user.send("/cancel")
        assert dialog_of(harness, 8106) is None


def _state(name: str) -> dict[str, object]:
    return {"form": name, "step": "x", "draft": {}, "deadline": 4102444800.0, "behind": []}


async def test_the_marker_survives_a_restart(harness: BotHarness) -> None:
    user = harness.user(8107)
    await user.send("/complaint")
    await harness.restart()
    user = harness.user(8107)
    replies = await user.send("/register")
    assert replies.text == busy_text(ZH, "complaint")


async def test_timeout_forgets_the_dialog(harness: BotHarness) -> None:
    user = harness.user(8108)
    await user.send("/complaint")
    (job,) = timeout_jobs(harness)
    await job.run(harness.running.app)  # type: ignore[attr-defined]
    assert DIALOG not in harness.running.app.user_data[8108]
    replies = await user.send("/register")
    assert "项目名称" in replies.text


async def test_staff_button_entry_is_refused_with_an_alert_while_in_another_dialog(
    harness: BotHarness,
) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 8109)
    await first.send("/newtraining")
    card = card_of(first, project)
    (back,) = [b for row in card.inline_buttons for b in row if b["text"] == R.btn_return]
    replies = await first.press_data(str(back["callback_data"]), card)
    assert replies.toast == busy_text(ZH, "new_training")
    assert "return" not in str(harness.running.app.user_data[ADMIN_ID])
    assert dialog_of(harness, ADMIN_ID) == "new_training"
    # The new-training dialog still waits for the title.
    await first.send("电商直播入门")
    assert draft_of(harness, ADMIN_ID, "new_training")["title"] == "电商直播入门"
    # After /cancel the same 退回 button works.
    await first.send("/cancel")
    replies = await first.press_data(str(back["callback_data"]), card)
    assert replies.toast in (None, "")
    assert project.ref_no in replies.text
    await first.send("材料不全，请补充营业执照")
    assert (await stored(harness, project.id)).status.value == "returned"


async def test_every_dialog_is_named_in_both_languages(harness: BotHarness) -> None:
    app = harness.running.app
    names = {
        h.name
        for group in app.handlers.values()
        for h in group
        if isinstance(h, ConversationHandler)
    } | set(forms_router_of(app).forms)
    for texts in (ZH, EN):
        assert names <= dict(texts.common.dialog_names).keys()
