"""The emulator rejects what Telegram rejects, with Telegram's error descriptions."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.shell.emulator import BotApiEmulator, EmulatorRequest, SimUser
from bot.shell.emulator.html import EntityParseError, parse_html


@pytest.fixture
async def bot_and_emu() -> tuple[Bot, BotApiEmulator]:
    emulator = BotApiEmulator()
    emulator.ensure_chat(42, first_name="Li")
    bot = Bot(emulator.token, request=EmulatorRequest(emulator))
    await bot.initialize()
    return bot, emulator


@pytest.mark.parametrize(
    ("html_text", "plain"),
    [
        ("<b>粗</b> &lt;tag&gt; &amp; &quot;", '粗 <tag> & "'),
        ('<a href="https://t.me/x">链接</a>', "链接"),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy"),
        ('<pre><code class="language-python">1</code></pre>', "1"),
        ("<blockquote expandable>q</blockquote>", "q"),
        ("&#20013;&#x6587;", "中文"),
        ("a > b", "a > b"),
    ],
)
def test_valid_html_is_accepted(html_text: str, plain: str) -> None:
    assert parse_html(html_text) == plain


@pytest.mark.parametrize(
    ("html_text", "fragment"),
    [
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ("1 < 2", "Unexpected start tag"),
        ("R&D", "Character '&' is reserved"),
        ("&nbsp;", "Character '&' is reserved"),
        ("<span>x</span>", "tg-spoiler"),
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
    ],
)
def test_invalid_html_is_refused(html_text: str, fragment: str) -> None:
    with pytest.raises(EntityParseError, match="can't parse entities") as info:
        parse_html(html_text)
    assert fragment in str(info.value)


async def test_text_limits(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, emulator = bot_and_emu
    await bot.send_message(42, "字" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(42, "字" * 4097)
    # Telegram counts UTF-16 code units: an emoji is two.
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(42, "😀" * 2049)
    with pytest.raises(BadRequest, match="text is empty"):
        await bot.send_message(42, "   ")
    # Tags do not count towards the limit, their content does.
    await bot.send_message(42, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert emulator.chats[42].messages[-1].text == "a" * 4096


async def test_bad_html_through_ptb(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, _ = bot_and_emu
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(42, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(42, "Tom & Jerry", parse_mode="HTML")
    # Without parse mode the same text is fine.
    await bot.send_message(42, "Tom & Jerry <b>")


async def test_callback_data_limit(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, _ = bot_and_emu
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(42, "fits", reply_markup=ok)
    too_big = InlineKeyboardMarkup([[InlineKeyboardButton("big", callback_data="字" * 22)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(42, "66 bytes", reply_markup=too_big)


async def test_edit_not_modified(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, _ = bot_and_emu
    message = await bot.send_message(42, "hello")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("hello", chat_id=42, message_id=message.message_id)
    await bot.edit_message_text("changed", chat_id=42, message_id=message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=999)


async def test_blocked_user_is_forbidden(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, emulator = bot_and_emu
    emulator.block(42)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(42, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(7, "nobody")


async def test_flood_limit_answers_429(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, emulator = bot_and_emu
    emulator.flood_per_second = 3
    for _ in range(3):
        await bot.send_message(42, "ok")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(42, "one too many")
    assert info.value.retry_after.total_seconds() == 1
    assert emulator.flood_hits == 1


async def test_commands_are_validated(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, _emulator = bot_and_emu
    await bot.set_my_commands([("start", "开始")])
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start", "upper case is not allowed")])
    with pytest.raises(BadRequest, match=r"(?i)bot_command_description_invalid"):
        await bot.set_my_commands([("ok", "x" * 257)])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]


async def test_callback_query_answered_once(bot_and_emu: tuple[Bot, BotApiEmulator]) -> None:
    bot, emulator = bot_and_emu
    message = await bot.send_message(42, "x")
    stored = emulator.chats[42].messages[-1]
    assert stored.message_id == message.message_id
    _, query_id = emulator.press_button(42, stored, "v1:x")
    await bot.answer_callback_query(query_id, "ok")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id, "again")


async def test_wrong_token_is_unauthorized() -> None:
    emulator = BotApiEmulator()
    bot = Bot("1234567:wrong-token-wrong-token-wrong-token", request=EmulatorRequest(emulator))
    with pytest.raises(Exception, match=r"Unauthorized|Invalid"):
        await bot.get_me()


async def test_deep_link_payload_rules() -> None:
    emulator = BotApiEmulator()
    user = SimUser(emulator, 5)
    with pytest.raises(ValueError, match="deep-link"):
        await user.open_deep_link("bad payload!")
    with pytest.raises(ValueError, match="deep-link"):
        await user.open_deep_link("x" * 65)
    assert emulator.pending_updates == 0


async def test_processed_ids_stay_few_however_many_updates_finish() -> None:
    emulator = BotApiEmulator()
    emulator.ensure_chat(42, first_name="Li")
    ids = [emulator.user_message(42, {"text": str(i)})[0] for i in range(5000)]
    for ident in reversed(ids[:100]):  # finished out of order: remembered until the gap closes
        emulator.mark_processed(ident)
    assert len(emulator._processed) == 0
    for ident in ids[101:]:
        emulator.mark_processed(ident)
    assert len(emulator._processed) == len(ids) - 101  # id 101 is still running
    assert not emulator.is_processed(ids[100])
    emulator.mark_processed(ids[100])
    assert len(emulator._processed) == 0
    assert all(emulator.is_processed(i) for i in ids)
    await emulator.wait_processed(ids[0], within=0.01)  # long done: no wait
    later = emulator.user_message(42, {"text": "later"})[0]
    assert not emulator.is_processed(later)
    with pytest.raises(TimeoutError):
        await emulator.wait_processed(later, within=0.01)


def test_an_update_that_never_finishes_does_not_hold_memory_for_ever() -> None:
    from bot.shell.emulator.memory import MAX_PROCESSED_AHEAD

    emulator = BotApiEmulator()
    emulator.ensure_chat(42, first_name="Li")
    lost = emulator.user_message(42, {"text": "dropped while the bot was down"})[0]
    for i in range(MAX_PROCESSED_AHEAD + 50):
        emulator.mark_processed(emulator.user_message(42, {"text": str(i)})[0])
    assert len(emulator._processed) <= MAX_PROCESSED_AHEAD
    assert emulator.is_processed(lost)  # counted as done after that many later ones


async def test_old_callback_queries_are_forgotten_and_too_old_to_answer(
    bot_and_emu: tuple[Bot, BotApiEmulator],
) -> None:
    from bot.shell.emulator.core import MAX_CALLBACK_QUERIES

    bot, emulator = bot_and_emu
    message = emulator.user_message(42, {"text": "x"})[1]
    first = emulator.press_button(42, message, "v1:a")[1]
    for _ in range(MAX_CALLBACK_QUERIES):
        newest = emulator.press_button(42, message, "v1:a")[1]
    assert len(emulator.callback_answers) == MAX_CALLBACK_QUERIES
    with pytest.raises(BadRequest, match="uery is too old"):
        await bot.answer_callback_query(first)
    assert await bot.answer_callback_query(newest, text="ok")
    assert emulator.callback_answers[newest] == {"text": "ok", "show_alert": False}


async def test_forgotten_messages_are_gone_for_users_and_the_bot(
    bot_and_emu: tuple[Bot, BotApiEmulator],
) -> None:
    bot, emulator = bot_and_emu
    emulator.ensure_chat(43, first_name="Wang")
    sent = await bot.send_message(42, "旧消息")
    await bot.send_message(43, "留着")
    emulator.forget_messages([42])
    assert emulator.chats[42].messages == []
    assert [m.text for m in emulator.chats[43].messages] == ["留着"]
    with pytest.raises(BadRequest, match="essage to edit not found"):
        await bot.edit_message_text("新", chat_id=42, message_id=sent.message_id)
    emulator.forget_messages()
    assert emulator.chats[43].messages == []
