"""Human handoff: ``/contact`` (and the Q&A's "leave a message" button) and the staff's reply.

A resident writes one message; every admin gets it with a 回复 button. Replying is a short
staff dialog keyed per staff member, so two admins can answer two residents at the same time;
the service claims the message before the reply is sent, so one message gets one answer.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.buttons import LeaveMessageButton
from bot.context import Context
from bot.services.contact import (
    MAX_MESSAGE_CHARS,
    MAX_REPLY_CHARS,
    MIN_MESSAGE_CHARS,
    clean_message,
    clean_reply,
)
from bot.services.text import normalize_lines, utf16_len
from bot.settings import Settings
from bot.texts import Html, Texts, fmt
from db.models import ContactMessage, User
from handlers.dialogs import cancel_for, conversation
from handlers.staff_guard import tell_staff, tell_user
from handlers.ui import contact_block, inline_rows, main_menu, person_label, reply_in_chunks

REPLYING = "replying_to"
SNIPPET_CHARS = 80


class ContactStep(IntEnum):
    """What the resident's message dialog waits for."""

    MESSAGE = 0


class ReplyStep(IntEnum):
    """What the staff's reply dialog waits for."""

    REPLY = 0


def _who(t: Texts, person: User | None, fallback_id: int) -> Html:
    if person is None:
        return fmt("{id}", id=fallback_id)
    return person_label(t, person.first_name, person.username, person.id)


async def _say(update: Update, context: Context, text: str) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


# ------------------------------------------------------------------ the resident
async def start(update: Update, context: Context) -> int:
    """Ask for the message and show the office's contact details."""
    user = update.effective_user
    if update.callback_query is not None:
        await update.callback_query.answer()
    if user is None:
        return ConversationHandler.END
    t = context.texts(user)
    if (wait := context.services.dialog_allowance(user.id)) > 0:
        await _say(update, context, fmt(t.common.slow_down, seconds=wait))
        return ConversationHandler.END
    office = contact_block(t, context.services.settings.office)
    prompt = fmt(
        t.contact.ask_message, min=MIN_MESSAGE_CHARS, max=MAX_MESSAGE_CHARS, contact=office
    )
    await _say(update, context, prompt)
    return ContactStep.MESSAGE


async def got_message(update: Update, context: Context) -> int:
    """Store the message, forward it to every admin, and confirm."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return ContactStep.MESSAGE
    t = context.texts(user)
    text = clean_message(message.text)
    if text is None:
        length = utf16_len(normalize_lines(message.text))
        limits = {"min": MIN_MESSAGE_CHARS, "max": MAX_MESSAGE_CHARS, "length": length}
        await message.reply_text(fmt(t.contact.message_length, **limits))
        return ContactStep.MESSAGE
    stored = await context.services.contact.leave(user.id, text)
    await tell_staff(context, lambda admin, st: _send_notice(context, admin, st, stored))
    await message.reply_text(fmt(t.contact.sent, id=stored.id), reply_markup=main_menu(t))
    return ConversationHandler.END


async def _send_notice(context: Context, chat_id: int, t: Texts, stored: ContactMessage) -> None:
    who = _who(t, await context.services.contact.sender(stored), stored.user_id)
    text = fmt(t.contact.staff_notice, id=stored.id, who=who, text=stored.text)
    button = [(t.contact.btn_reply, callbacks.encode("ctreply", stored.id))]
    await context.bot.send_message(chat_id, text, reply_markup=inline_rows(button))


async def text_only(update: Update, context: Context) -> int:
    """Ask for the message as text."""
    await _say(update, context, context.texts(update.effective_user).contact.text_only)
    return ContactStep.MESSAGE


cancel = cancel_for([REPLYING])


async def stale_in_dialog(update: Update, context: Context) -> None:
    """Answer an unrelated button inside a dialog politely (the state stays)."""
    if update.callback_query is not None:
        t = context.texts(update.effective_user)
        await update.callback_query.answer(t.common.stale_button)


# ------------------------------------------------------------------ staff
async def inbox(update: Update, context: Context) -> None:
    """List unanswered messages with a reply button for each (staff)."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    waiting = await context.services.contact.inbox()
    if not waiting:
        await update.effective_message.reply_text(t.contact.inbox_none)
        return
    tz = context.services.settings.timezone
    items = []
    for m in waiting:
        who = _who(t, await context.services.contact.sender(m), m.user_id)
        when = m.created_at.astimezone(tz).strftime("%m-%d %H:%M")
        snippet = m.text[:SNIPPET_CHARS]
        items.append(fmt(t.contact.inbox_item, id=m.id, when=when, who=who, text=snippet))
    title = fmt(t.contact.inbox_title, count=len(waiting))
    buttons = [
        (t.contact.btn_reply_item.format(id=m.id), callbacks.encode("ctreply", m.id))
        for m in waiting
    ]
    await reply_in_chunks(
        update.effective_message, [title, *items], reply_markup=inline_rows(buttons, 3)
    )


async def ask_reply(update: Update, context: Context) -> int:
    """Start answering a message: remember which, and ask for the reply (staff)."""
    query = update.callback_query
    if query is None or context.user_data is None:
        return ConversationHandler.END
    t = context.texts(update.effective_user)
    message_id = callbacks.decode_id(query.data, "ctreply")
    found = None if message_id is None else await context.services.contact.get(message_id)
    if found is None or found.answered_at is not None:
        text = t.contact.missing if found is None else fmt(t.contact.already_answered, id=found.id)
        await query.answer(text, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[REPLYING] = found.id
    who = _who(t, await context.services.contact.sender(found), found.user_id)
    await _say(update, context, fmt(t.contact.ask_reply, id=found.id, who=who))
    return ReplyStep.REPLY


async def got_reply(update: Update, context: Context) -> int:
    """Claim the message, send the reply to the resident, and report back (staff)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return ConversationHandler.END
    t = context.texts(user)
    reply = clean_reply(message.text or "")
    if reply is None:
        await message.reply_text(fmt(t.contact.reply_length, max=MAX_REPLY_CHARS))
        return ReplyStep.REPLY
    message_id = int(context.user_data.pop(REPLYING, 0))
    await message.reply_text(await _deliver(context, t, message_id, user.id, reply))
    return ConversationHandler.END


async def _deliver(context: Context, t: Texts, message_id: int, staff_id: int, reply: str) -> str:
    """Claim, send and, if the resident cannot be reached, release again; word the result."""
    service = context.services.contact
    claimed = await service.claim_reply(message_id, staff_id=staff_id, reply=reply)
    if claimed is None:
        return str(fmt(t.contact.already_answered, id=message_id))
    snippet = claimed.message.text[:SNIPPET_CHARS]

    def compose(rt: Texts) -> str:
        return fmt(rt.contact.reply_to_resident, message=snippet, reply=reply)

    if not await tell_user(context, claimed.message.user_id, claimed.lang, compose):
        await service.release_reply(message_id, staff_id=staff_id)
        return str(fmt(t.contact.reply_undeliverable, id=message_id))
    return str(fmt(t.contact.reply_sent, id=message_id))


async def reply_reprompt(update: Update, context: Context) -> int:
    """Ask again for the reply text."""
    await stale_in_dialog(update, context)
    if update.callback_query is None:
        t = context.texts(update.effective_user)
        await _say(update, context, fmt(t.contact.reply_length, max=MAX_REPLY_CHARS))
    return ReplyStep.REPLY


# ------------------------------------------------------------------ wiring
def dialog(menu_labels: list[str], settings: Settings) -> ConversationHandler[Context]:
    """The resident's dialog: /contact, the ☎️ menu button, and the Q&A's ``v1:contact``."""
    return conversation(
        settings=settings,
        entry_points=[
            CommandHandler("contact", start),
            MessageHandler(filters.Text(menu_labels), start),
            CallbackQueryHandler(start, pattern=LeaveMessageButton.pattern()),
        ],
        states={
            ContactStep.MESSAGE: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, got_message),
                MessageHandler(~filters.TEXT & ~filters.COMMAND, text_only),
            ]
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(filters.ALL, text_only),
            CallbackQueryHandler(_stale_then_wait),
        ],
        name="contact",
    )


async def _stale_then_wait(update: Update, context: Context) -> int:
    """Answer a stray button while the bot waits for the message."""
    await stale_in_dialog(update, context)
    return ContactStep.MESSAGE


def reply_dialog(settings: Settings) -> ConversationHandler[Context]:
    """The staff's reply: press 回复, then write the answer."""
    return conversation(
        settings=settings,
        drafts=(REPLYING,),
        entry_points=[CallbackQueryHandler(ask_reply, pattern=callbacks.pattern("ctreply"))],
        states={ReplyStep.REPLY: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_reply)]},
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(filters.ALL, reply_reprompt),
            CallbackQueryHandler(reply_reprompt),
        ],
        name="contact_reply",
        allow_reentry=True,  # another 回复 button switches to that message
    )


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The staff's ``/inbox``."""
    return [CommandHandler("inbox", inbox)]
