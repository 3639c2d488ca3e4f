"""Staff ``/broadcast``: text -> audience -> preview -> confirm, then a rate-limited send.

A persistent dialog (``name="broadcast"``): the draft lives in ``user_data["broadcast"]`` so a
restart mid-dialog resumes it. The text is sent HTML-escaped inside the office's notice
header; the preview is that very message. After 确认发送 the sending runs in a background task
(``bot.services.delivery``: Telegram's flood limits, 403 marks a user inactive) and ends with
a delivered / blocked / failed count to the staff member. Admins only at every step.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import Bot, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import Context
from bot.services import Services
from bot.services.broadcast import MAX_BROADCAST_CHARS, clean_broadcast
from bot.services.text import TextProblem, normalize_lines, utf16_len
from bot.settings import Settings
from bot.texts import Html, Texts, fmt, get_texts
from db.models import Addressee, Broadcast
from handlers.dialogs import cancel_for, conversation
from handlers.ui import inline_rows, stale_button

FEATURE = "bc"
DRAFT = "broadcast"


class BroadcastStep(IntEnum):
    """What the broadcast dialog waits for."""

    WAITING_TEXT = 0
    WAITING_AUDIENCE = 1
    WAITING_CONFIRMATION = 2


def notice(t: Texts, office: str, text: str) -> Html:
    """The message residents get: the office's header and the staff text, escaped."""
    return fmt(t.broadcast.message, office=office, text=text)


def _draft(context: Context) -> dict[str, Any]:
    if context.user_data is None:
        return {}
    draft = context.user_data.setdefault(DRAFT, {})
    return draft if isinstance(draft, dict) else {}


def _drop_draft(context: Context) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


async def begin(update: Update, context: Context) -> BroadcastStep | None:
    """Start a broadcast: ask for the text."""
    message = update.effective_message
    if message is None:
        return None
    _drop_draft(context)
    t = context.texts(update.effective_user)
    await message.reply_text(fmt(t.broadcast.ask_text, limit=MAX_BROADCAST_CHARS))
    return BroadcastStep.WAITING_TEXT


async def receive_text(update: Update, context: Context) -> BroadcastStep | None:
    """Take the text and offer the audiences with their sizes."""
    message = update.effective_message
    if message is None or message.text is None:
        return None
    t = context.texts(update.effective_user)
    text = clean_broadcast(message.text)
    if isinstance(text, TextProblem):
        length = utf16_len(normalize_lines(message.text))
        await message.reply_text(
            fmt(t.broadcast.too_long, length=length, limit=MAX_BROADCAST_CHARS)
        )
        return BroadcastStep.WAITING_TEXT
    service = context.services.broadcasts
    tags = await service.tags()
    draft = _draft(context)
    draft.update(text=text, tags=[tag for tag, _ in tags])
    buttons = [(t.broadcast.btn_all.format(count=await service.count(None)), _data("all"))]
    buttons += [
        (t.broadcast.btn_tag.format(tag=tag, count=n), _data("tag", i))
        for i, (tag, n) in enumerate(tags)
    ]
    await message.reply_text(t.broadcast.ask_audience, reply_markup=inline_rows(buttons, 1))
    return BroadcastStep.WAITING_AUDIENCE


def _data(*args: str | int) -> str:
    return callbacks.encode(FEATURE, *args)


def _chosen_tag(context: Context, args: list[str] | None) -> tuple[bool, str | None]:
    """Whether the pressed audience button is valid, and its tag (None: everyone)."""
    if args == ["all"]:
        return True, None
    tags = _draft(context).get("tags") or []
    if args and len(args) == 2 and args[0] == "tag" and args[1].isdigit():
        index = int(args[1])
        if index < len(tags):
            return True, str(tags[index])
    return False, None


async def choose_audience(update: Update, context: Context) -> BroadcastStep | int | None:
    """Show the preview exactly as residents will see it, and ask to confirm."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return None
    valid, tag = _chosen_tag(context, callbacks.decode(query.data, FEATURE))
    draft = _draft(context)
    if not valid or "text" not in draft:
        await stale_button(update, context)
        return None
    await query.answer()
    t = context.texts(update.effective_user)
    count = await context.services.broadcasts.count(tag)
    if count == 0:
        _drop_draft(context)
        await query.edit_message_text(t.broadcast.nobody)
        return ConversationHandler.END
    draft["tag"] = tag
    audience = t.broadcast.audience_all if tag is None else fmt(t.broadcast.audience_tag, tag=tag)
    await query.edit_message_text(t.broadcast.preview_intro)
    office = context.services.settings.office.name
    await context.bot.send_message(chat.id, notice(t, office, str(draft["text"])))
    buttons = [(t.broadcast.btn_send, _data("send")), (t.broadcast.btn_cancel, _data("no"))]
    await context.bot.send_message(
        chat.id,
        fmt(t.broadcast.confirm, audience=audience, count=count),
        reply_markup=inline_rows(buttons),
    )
    return BroadcastStep.WAITING_CONFIRMATION


async def confirm(update: Update, context: Context) -> BroadcastStep | int | None:
    """Send the broadcast in the background (确认发送) or drop it (取消)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return None
    args = callbacks.decode(query.data, FEATURE, 1)
    draft = _draft(context)
    if args not in (["send"], ["no"]) or "text" not in draft or "tag" not in draft:
        await stale_button(update, context)
        return None
    await query.answer()
    t = context.texts(user)
    _drop_draft(context)
    if args == ["no"]:
        await query.edit_message_text(t.broadcast.cancelled)
        return ConversationHandler.END
    services = context.services
    tag = None if draft["tag"] is None else str(draft["tag"])
    broadcast = await services.broadcasts.start(user.id, str(draft["text"]), tag)
    recipients = await services.broadcasts.audience(tag)
    await query.edit_message_text(fmt(t.broadcast.started, count=len(recipients)))
    task = context.application.create_task(
        _send(context.bot, services, broadcast, recipients, user.id, t.lang), update=update
    )
    services.broadcasts.track(task)
    return ConversationHandler.END


async def _send(
    bot: Bot,
    services: Services,
    broadcast: Broadcast,
    audience: list[Addressee],
    staff_id: int,
    staff_lang: str,
) -> None:
    office = services.settings.office.name

    def render(lang: str) -> str:
        return notice(get_texts(lang), office, broadcast.text)

    report = await services.broadcasts.send(bot, broadcast, audience, render, users=services.users)
    t = get_texts(staff_lang)
    await bot.send_message(
        staff_id,
        fmt(
            t.broadcast.done,
            id=broadcast.id,
            delivered=report.delivered,
            blocked=report.blocked,
            failed=report.failed,
        ),
    )


def _cancelled(t: Texts) -> str:
    return t.broadcast.cancelled


cancel = cancel_for([DRAFT], _cancelled)


async def reprompt(update: Update, context: Context) -> None:
    """Say again what the dialog waits for (anything unexpected lands here)."""
    t = context.texts(update.effective_user)
    draft = _draft(context)
    text = (
        t.broadcast.reprompt_confirm
        if "tag" in draft
        else t.broadcast.reprompt_audience
        if "text" in draft
        else t.broadcast.not_text
    )
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def stale(update: Update, context: Context) -> None:
    """Answer a broadcast button outside the dialog (replayed or forged): refuse or expire."""
    await stale_button(update, context)


def dialog(settings: Settings) -> ConversationHandler[Context]:
    """The broadcast dialog."""
    text_only = filters.TEXT & ~filters.COMMAND
    return conversation(
        settings=settings,
        drafts=(DRAFT,),
        entry_points=[CommandHandler("broadcast", begin)],
        states={
            BroadcastStep.WAITING_TEXT: [MessageHandler(text_only, receive_text)],
            BroadcastStep.WAITING_AUDIENCE: [
                CallbackQueryHandler(choose_audience, pattern=callbacks.pattern(FEATURE))
            ],
            BroadcastStep.WAITING_CONFIRMATION: [
                CallbackQueryHandler(confirm, pattern=callbacks.pattern(FEATURE))
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(filters.ALL, reprompt),
            CallbackQueryHandler(reprompt),
        ],
        name="broadcast",
        allow_reentry=True,
    )
