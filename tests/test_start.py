"""The front door through the real Application: /start, /help, /menu, /cancel and fallbacks."""

from __future__ import annotations

import asyncio

from bot.shell.harness import BotHarness
from bot.texts import get_texts

ZH = get_texts("zh").common
EN = get_texts("en").common


async def test_start_greets_with_menu(harness: BotHarness) -> None:
    user = harness.user(42, first_name="王<b>")
    replies = await user.send("/start")
    assert len(replies) == 1
    assert "测试镇创业助手" in replies.last.text
    assert "王<b>" in replies.last.text  # the name is escaped, so it shows as typed
    assert ZH.btn_register in user.reply_keyboard
    stored = await harness.running.services.users.get(42)
    assert stored is not None
    assert stored.first_name == "王<b>"


async def test_help_menu_cancel_and_unknown(harness: BotHarness) -> None:
    user = harness.user(43)
    assert "/register" in (await user.send("/help")).last.text
    assert (await user.send("/menu")).last.text == ZH.menu_prompt
    assert (await user.send("/cancel")).last.text == ZH.nothing_to_cancel
    assert "/nosuchcommand" in (await user.send("/nosuchcommand")).last.text
    assert (await user.press(ZH.btn_help)).last.text.startswith("怎么用创业助手")


async def test_english_users_get_english(harness: BotHarness) -> None:
    user = harness.user(44, language_code="en-US", first_name="Ann")
    assert "Hello Ann" in (await user.send("/start")).last.text
    assert EN.btn_register in user.reply_keyboard


async def test_language_choice_is_remembered(harness: BotHarness) -> None:
    user = harness.user(45)
    await user.send("/language")
    replies = await user.press("English")
    assert replies.edited
    assert replies.edited[0].text == EN.language_set
    assert (await user.send("/menu")).last.text == EN.menu_prompt
    await harness.restart()
    assert (await user.send("/menu")).last.text == EN.menu_prompt


async def test_unreadable_messages_get_a_polite_answer(harness: BotHarness) -> None:
    user = harness.user(46)
    office = harness.settings.office
    for action in (user.send_sticker, user.send_photo, user.send_voice, user.send_location):
        replies = await action()
        # A voice message says "I'd rather talk": the office's phone comes with the answer.
        call = ZH.non_text_call.format(office=office.name, phone=office.phone)
        assert replies.last.text == f"{ZH.non_text}\n{call}"
        assert "0000-1234567" in replies.last.text


async def test_stale_and_forged_buttons(harness: BotHarness) -> None:
    user = harness.user(47)
    await user.send("/start")
    for data in ("v0:old", "garbage", "v1:lang:xx", "v1:lang:zh:extra"):
        replies = await user.press_data(data)
        assert replies.toast == ZH.stale_button or ZH.stale_button in replies.text
    assert all(answer is not None for answer in harness.emulator.callback_answers.values())


async def test_fifty_users_at_once_get_exactly_their_own_replies(harness: BotHarness) -> None:
    async def session(uid: int) -> None:
        user = harness.user(uid, first_name=f"用户{uid}")
        start = await user.send("/start")
        assert len(start) == 1
        assert f"用户{uid}" in start.last.text
        assert len(await user.send("/help")) == 1
        assert (await user.send("/cancel")).last.text == ZH.nothing_to_cancel
        assert f"/x{uid}" in (await user.send(f"/x{uid}")).last.text
        # Everything in this chat was addressed to this user and nobody else.
        texts = [m.text for m in user.bot_messages]
        assert len(texts) == 4
        assert not any(
            f"用户{other}" in t for t in texts for other in range(1000, 1050) if other != uid
        )

    await asyncio.gather(*(session(uid) for uid in range(1000, 1050)))


async def test_commands_are_published_in_both_languages(harness: BotHarness) -> None:
    commands = harness.emulator.commands
    zh = commands[('{"type": "default"}', "")]
    en = commands[('{"type": "default"}', "en")]
    assert {"start", "help", "menu", "cancel", "language"} <= {c["command"] for c in zh}
    assert [c["command"] for c in zh] == [c["command"] for c in en]
    assert any(c["description"] == "Main menu" for c in en)
