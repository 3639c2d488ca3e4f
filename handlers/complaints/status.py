"""Checking a complaint's progress: /complaint_status, with a 查询码 for an anonymous one."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.buttons import (
    CheckComplaintButton,
)
from bot.context import Context
from bot.services.complaints import (
    TooManyGuessesError,
    typed_check,
)
from bot.texts import Html, fmt, status_label
from db.models import Complaint
from handlers.complaints.cards import day
from handlers.ui import message_of, reply_in_chunks


async def _show_status(update: Update, context: Context, complaint: Complaint | None) -> None:
    t = context.texts(update.effective_user)
    if complaint is None:
        text: str | Html = t.complaints.check_unknown
    else:
        note = complaint.resolution_note
        text = fmt(
            t.complaints.check_result,
            ref=complaint.ref_no,
            status=status_label(t, complaint.status),
            filed=day(context, complaint),
            note=fmt(t.complaints.note_line, note=note) if note else "",
        )
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


async def status_command(update: Update, context: Context) -> None:
    """Show a complaint's progress: ``/complaint_status TS-2026-0001 [查询码]``, or list mine."""
    if (said := message_of(update, context)) is None:
        return
    message, user, t, args = said.message, said.user, said.t, context.args or []
    if args:
        # "ABCD EFGH" typed with a space arrives as two words: one code.
        code = "".join(args[1:]) or None
        await _check(update, context, args[0], code)
        return
    mine = await context.services.complaints.mine(user.id)
    lines = [
        fmt("{text}", text=t.complaints.check_usage),
        "",
        fmt("{text}", text=t.complaints.mine_title if mine else t.complaints.mine_none),
    ]
    lines += [
        fmt("{text}", text=t.common.field_separator.join((c.ref_no, status_label(t, c.status))))
        for c in mine
    ]
    await reply_in_chunks(message, lines, separator="\n")


class _TypedCheck(filters.MessageFilter):
    """A plain message with a complaint's number (and its 查询码), or a 查询码 on its own."""

    def filter(self, message: Message) -> bool:
        return message.text is not None and typed_check(message.text) is not None


# Typed anywhere outside a dialog, such a message is a status check, never a policy question:
# the Q&A would log it under the sender's id and tie them to an anonymous complaint.
TYPED_CHECK = filters.TEXT & ~filters.COMMAND & _TypedCheck()


async def typed_status(update: Update, context: Context) -> None:
    """Show a complaint's progress from its number and 查询码 sent as a plain message."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if (typed := typed_check(message.text)) is not None:
        await _check(update, context, typed.ref_no, typed.code)


async def check_button(update: Update, context: Context) -> None:
    """Show an anonymous complaint's progress from the button that carries its 查询码."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = CheckComplaintButton.unpack(query.data)
    await query.answer()
    if pressed is None:
        await _show_status(update, context, None)
        return
    await _check(update, context, pressed.ref_no, pressed.check_code)


async def _check(update: Update, context: Context, ref_no: str | None, code: str | None) -> None:
    """Look the complaint up and show it, or say to wait after too many wrong codes."""
    user = update.effective_user
    if user is None:
        return
    try:
        complaint = await context.services.complaints.check(user.id, ref_no, code)
    except TooManyGuessesError as exc:
        t = context.texts(user)
        minutes = max(1, -(-exc.seconds // 60))
        if update.effective_chat is not None:
            text = fmt(t.complaints.check_too_many, minutes=minutes)
            await context.bot.send_message(update.effective_chat.id, text)
        return
    await _show_status(update, context, complaint)
