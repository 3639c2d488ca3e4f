"""Human handoff through the real Application: /contact, the abstain button, staff replies."""

from __future__ import annotations

import asyncio

from bot import callbacks
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.audit import list_audit
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID

ZH = get_texts("zh")
T = ZH.contact


async def test_message_reaches_staff_and_the_reply_reaches_the_resident(
    harness: BotHarness,
) -> None:
    admin, other = harness.user(ADMIN_ID), harness.user(OTHER_ADMIN_ID)
    resident = harness.user(6001, first_name="赵六", username="zhaoliu")
    prompt = await resident.send("/contact")
    assert "给工作人员留言" in prompt.last.text
    assert "0000-1234567" in prompt.last.text  # the office's contact block comes with it
    assert (await resident.send("好")).last.text.startswith("请用 2–2000 个字")
    sent = await resident.send("我想问问联保贷款要准备哪些材料？")
    assert sent.last.text == "✅ 留言已转给工作人员（#1），回复会发到这里。"
    for staff in (admin, other):
        notice = staff.last
        assert "#1" in notice.text
        assert "赵六" in notice.text
        assert "联保贷款" in notice.text
        assert notice.button_labels == [T.btn_reply]

    assert "赵六" in (await admin.press(T.btn_reply)).last.text
    done = await admin.send("带上身份证、营业执照和项目计划书，到镇创业办办理。")
    assert done.last.text == "✅ 已回复留言 #1。"
    assert "带上身份证" in resident.last.text
    assert "联保贷款" in resident.last.text
    stored = await harness.running.services.contact.get(1)
    assert stored is not None
    assert stored.answered_by == ADMIN_ID
    assert stored.answered_at is not None
    assert stored.reply_text is not None

    # The second admin's button is stale now: no second answer reaches the resident.
    before = len(resident.bot_messages)
    assert (await other.press(T.btn_reply)).toast == "留言 #1 已经有工作人员回复过了。"
    assert len(resident.bot_messages) == before
    assert (await admin.send("/inbox")).last.text == T.inbox_none


async def test_the_abstain_button_starts_the_dialog(harness: BotHarness) -> None:
    resident = harness.user(6002)
    await resident.send("/start")
    replies = await resident.press_data(callbacks.encode("contact"))
    assert "给工作人员留言" in replies.last.text
    doing = dict(ZH.common.dialog_names)["contact"]
    asked_again = (await resident.send_sticker()).last.text
    assert asked_again.startswith(ZH.form.reprompt_non_text.format(dialog=doing))
    assert "给工作人员留言" in asked_again
    cancelled = (await resident.send("/cancel")).last.text
    assert cancelled == ZH.form.cancelled.format(dialog=doing)
    assert await harness.running.services.contact.inbox() == []
    assert "给工作人员留言" in (await resident.press(ZH.common.btn_contact)).last.text


async def test_two_admins_answer_two_residents_at_once(harness: BotHarness) -> None:
    admin, other = harness.user(ADMIN_ID), harness.user(OTHER_ADMIN_ID)
    first, second = harness.user(6003), harness.user(6004)
    for resident, text in ((first, "第一个人的留言内容"), (second, "第二个人的留言内容")):
        await resident.send("/contact")
        await resident.send(text)
    inbox = await admin.send("/inbox")
    assert "未回复的留言（2 条）" in inbox.last.text
    await admin.press("回复 #1")
    await other.send("/inbox")
    await other.press("回复 #2")
    await asyncio.gather(admin.send("给第一位的回复"), other.send("给第二位的回复"))
    assert "给第一位的回复" in first.last.text
    assert "给第二位的回复" in second.last.text
    assert "给第二位" not in first.last.text
    m1 = await harness.running.services.contact.get(1)
    m2 = await harness.running.services.contact.get(2)
    assert m1 is not None
    assert m2 is not None
    assert (m1.answered_by, m2.answered_by) == (ADMIN_ID, OTHER_ADMIN_ID)


async def test_undeliverable_reply_stays_unanswered(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID)
    resident = harness.user(6005)
    await resident.send("/contact")
    await resident.send("请帮我看看项目登记的进度")
    resident.block_bot()
    await admin.press(T.btn_reply)
    result = await admin.send("已通过审核")
    assert result.last.text == T.reply_undeliverable.format(id=1)
    stored = await harness.running.services.contact.get(1)
    assert stored is not None
    assert stored.answered_at is None
    assert len(await harness.running.services.contact.inbox()) == 1


async def test_residents_cannot_use_the_staff_side(harness: BotHarness) -> None:
    resident, writer = harness.user(6006), harness.user(6007)
    await writer.send("/contact")
    await writer.send("一条留言，别人不该能回复")
    assert (await resident.send("/inbox")).last.text == ZH.common.not_allowed
    await resident.send("/start")
    forged = await resident.press_data(callbacks.encode("ctreply", 1))
    assert forged.toast == ZH.common.not_allowed
    # The forger is not in a reply dialog: their next text is a question, not a reply.
    await resident.send("这不是回复")
    stored = await harness.running.services.contact.get(1)
    assert stored is not None
    assert stored.answered_at is None
    async with harness.running.services.db.read() as conn:
        denied = [e.action for e in await list_audit(conn) if e.actor_id == 6006]
    assert sorted(denied) == ["denied:ctreply", "denied:inbox"]


async def test_a_reply_telegram_did_not_take_is_kept_and_arrives_after_a_restart(
    harness: BotHarness,
) -> None:
    admin, resident = harness.user(ADMIN_ID), harness.user(6008)
    # Telegram fails the admins' notices: the message is kept for them, not dropped.
    for staff in (ADMIN_ID, OTHER_ADMIN_ID):
        harness.emulator.fail_next("sendMessage", 502, "Bad Gateway", count=50, chat_id=staff)
    await resident.send("/contact")
    await resident.send("营业执照什么时候能办好？")
    assert not any("营业执照" in m.text for m in admin.bot_messages)
    harness.emulator.faults.clear()
    await harness.restart()  # as after a kill -9: the outbox sends what is waiting
    await harness.running.services.outbox.drain(harness.running.app.bot)
    notices = [m for m in admin.bot_messages if "营业执照" in m.text]
    assert len(notices) == 1
    assert notices[0].button_labels == [T.btn_reply]

    # Now Telegram is down for the resident when the staff member presses send.
    await admin.press(T.btn_reply)
    harness.emulator.fail_next("sendMessage", 502, "Bad Gateway", count=50, chat_id=6008)
    done = await admin.send("下周一就能办好，请带身份证来取。")
    assert done.last.text == T.reply_queued.format(id=1)
    assert not any("下周一" in m.text for m in resident.bot_messages)
    stored = await harness.running.services.contact.get(1)
    assert stored is not None
    assert stored.answered_by == ADMIN_ID  # answered, so no colleague answers it twice
    harness.emulator.faults.clear()
    await harness.restart()
    await harness.running.services.outbox.drain(harness.running.app.bot)
    await harness.running.services.outbox.drain(harness.running.app.bot)
    replies = [m for m in resident.bot_messages if "下周一" in m.text]
    assert len(replies) == 1  # arrived, once
    assert "营业执照" in replies[0].text
    assert await harness.running.services.contact.reply_status(1) == "sent"
