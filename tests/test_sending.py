"""``reply_unread``: the same message as ``reply_text``, without parsing the sent copy back."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import MessageHandler, filters

from bot.context import Context
from bot.sending import reply_unread
from bot.shell.harness import BotHarness

HTML = "<b>税收返还</b> &amp; 出处：<i>材料</i>"
BUTTONS = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data="v1:x")]])


async def test_a_reply_sent_unread_arrives_as_reply_text_would_send_it(
    harness: BotHarness,
) -> None:
    sent: dict[str, int] = {}

    async def both(update: Update, context: Context) -> None:
        """Send the same HTML answer both ways."""
        assert update.effective_message is not None
        read = await update.effective_message.reply_text(HTML, reply_markup=BUTTONS)
        sent["read"] = read.message_id
        sent["unread"] = await reply_unread(update.effective_message, HTML, BUTTONS)

    harness.running.app.add_handler(MessageHandler(filters.Regex("^both$"), both), group=-5)
    replies = await harness.user(801).send("both")  # (the bot's Q&A answers it as well)
    by_id = {m.message_id: m for m in replies.messages}
    read, unread = by_id[sent["read"]], by_id[sent["unread"]]
    assert sent["unread"] == sent["read"] + 1
    assert unread.text == read.text == "税收返还 & 出处：材料"  # HTML by the bot's defaults
    assert unread.data.get("entities") == read.data.get("entities")
    assert unread.reply_markup == read.reply_markup == BUTTONS.to_dict()
