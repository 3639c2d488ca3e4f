"""Human handoff: ``/contact`` (and the Q&A's "leave a message" button) and the staff's reply.

A resident writes one message; every admin gets it with a 回复 button. Replying is a short
staff dialog keyed per staff member, so two admins can answer two residents at the same time;
the service claims the message and queues the reply in one transaction, so one message gets
one answer and a crash cannot lose it. Both messages go out through the outbox (``renderers``
word them when sent); the staff member is told whether the reply arrived, or that it is queued.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
)

from bot.buttons import LeaveMessageButton, ReplyMessageButton
from bot.context import Context
from bot.services import Services
from bot.services.contact import (
    MAX_MESSAGE_CHARS,
    MAX_REPLY_CHARS,
    MIN_MESSAGE_CHARS,
    REPLY,
    STAFF_NOTICE,
    clean_message,
    clean_reply,
)
from bot.services.delivery import Outbound
from bot.services.outbox import Payload, Renderer, Undelivered
from bot.services.text import normalize_lines, utf16_len
from bot.texts import Html, Texts, fmt, menu_labels
from db.models import User
from handlers import forms
from handlers.ui import Press, contact_block, inline_rows, main_menu, person_label, reply_in_chunks

SNIPPET_CHARS = 80
MENU_LABELS = menu_labels("btn_contact")


def _who(t: Texts, person: User | None, fallback_id: int | None) -> Html:
    if person is None:
        return fmt("{id}", id=fallback_id)
    return person_label(t, person.first_name, person.username, person.id)


async def _say(update: Update, context: Context, text: str) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


# ------------------------------------------------------------------ the resident
async def _open(start: forms.Start) -> forms.Opening | None:
    """Ask for the message (unless the user starts dialogs too fast)."""
    if start.query is not None:
        await start.query.answer()
    if (wait := start.context.services.dialog_allowance(start.user.id)) > 0:
        await _say(start.update, start.context, fmt(start.t.common.slow_down, seconds=wait))
        return None
    return forms.Opening({})


def _ask_message(ask: forms.Ask) -> str:
    """The question, with the office's contact details."""
    office = contact_block(ask.t, ask.settings.office)
    limits = {"min": MIN_MESSAGE_CHARS, "max": MAX_MESSAGE_CHARS}
    return fmt(ask.t.contact.ask_message, contact=office, **limits)


async def _message(a: forms.Answer) -> forms.Outcome:
    text = clean_message(a.text or "")
    if text is None:
        length = utf16_len(normalize_lines(a.text or ""))
        limits = {"min": MIN_MESSAGE_CHARS, "max": MAX_MESSAGE_CHARS, "length": length}
        return forms.Refuse(fmt(a.t.contact.message_length, **limits))
    if await a.context.services.complaints.reveals_anonymous(text):
        # Staff would read it under the resident's name: the complaint would be theirs.
        return forms.Refuse(a.t.contact.names_complaint)
    return forms.Accept({"text": text})


async def _leave(a: forms.Answer) -> forms.Outcome:
    """Store the message (queued for every admin in the outbox), and confirm."""
    message, user, context, t = a.update.effective_message, a.update.effective_user, a.context, a.t
    if message is None or user is None:
        return forms.Finish()
    stored = await context.services.contact.leave(user.id, str(a.draft["text"]))
    await message.reply_text(fmt(t.contact.sent, id=stored.id), reply_markup=main_menu(t))
    return forms.Finish()


def form() -> forms.Form:
    """The resident's dialog: /contact, the ☎️ menu button, and the Q&A's ``v1:contact``."""
    return forms.Form(
        name="contact",
        key="ctmsg",
        steps=(forms.Step("text", _ask_message, _message),),
        entries=(
            forms.on_command("contact", _open),
            forms.on_menu(MENU_LABELS, _open),
            forms.on_press(LeaveMessageButton.pattern(), _open),
        ),
        submit=_leave,
    )


def renderers(services: Services) -> dict[str, Renderer]:
    """How the outbox words contact messages, from the stored message when sent: the staff's
    notice with its 回复 button, and the reply to the resident (nothing once it is unclaimed)."""
    contact = services.contact

    async def notice(payload: Payload, t: Texts) -> Outbound | None:
        stored = await contact.get(int(payload["message"]))
        if stored is None:
            return None  # erased
        who = _who(t, await contact.sender(stored), stored.user_id)
        text = fmt(t.contact.staff_notice, id=stored.id, who=who, text=stored.text)
        button = [(t.contact.btn_reply, ReplyMessageButton(stored.id).pack())]
        return Outbound(text, inline_rows(button))

    async def reply(payload: Payload, t: Texts) -> Outbound | None:
        stored = await contact.get(int(payload["message"]))
        if stored is None or stored.reply_text is None:
            return None  # erased, or released meanwhile
        snippet = stored.text[:SNIPPET_CHARS]
        return Outbound(fmt(t.contact.reply_to_resident, message=snippet, reply=stored.reply_text))

    return {STAFF_NOTICE: notice, REPLY: reply}


def undelivered(services: Services) -> dict[str, Undelivered]:
    """A reply that cannot reach the resident (blocked the bot) leaves the message unanswered."""

    async def release(payload: Payload) -> None:
        message_id, staff_id = int(payload["message"]), int(payload["staff"])
        await services.contact.release_reply(message_id, staff_id=staff_id)

    return {REPLY: release}


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
        (t.contact.btn_reply_item.format(id=m.id), ReplyMessageButton(m.id).pack())
        for m in waiting
    ]
    await reply_in_chunks(
        update.effective_message, [title, *items], reply_markup=inline_rows(buttons, 3)
    )


async def _open_reply(
    start: forms.Start, press: Press[ReplyMessageButton]
) -> forms.Opening | None:
    """Start answering a message: check it still waits for an answer (staff)."""
    t = press.t
    found = await start.context.services.contact.get(press.button.message_id)
    if found is None or found.answered_at is not None:
        text = t.contact.missing if found is None else fmt(t.contact.already_answered, id=found.id)
        await press.query.answer(text, show_alert=True)
        return None
    return forms.Opening({"message": found.id})  # the id only: the words stay in one place


async def _reply_question(ask: forms.Ask) -> str:
    """Ask for the reply to the message, naming who sent it (looked up, not kept)."""
    assert ask.services is not None  # the router always passes them
    message_id = int(ask.draft["message"])
    found = await ask.services.contact.get(message_id)
    sender = None if found is None else await ask.services.contact.sender(found)
    who = _who(ask.t, sender, None if found is None else found.user_id)
    return fmt(ask.t.contact.ask_reply, id=message_id, who=who)


async def _send_reply(a: forms.Answer, reply: str) -> str:
    """Claim the message, queue and send the reply to the resident, and report back (staff)."""
    return await _deliver(a.context, a.t, int(a.draft["message"]), a.user.id, reply)


async def _deliver(context: Context, t: Texts, message_id: int, staff_id: int, reply: str) -> str:
    """Claim (the reply is queued with the claim), send now, and word what became of it."""
    services = context.services
    if await services.contact.claim_reply(message_id, staff_id=staff_id, reply=reply) is None:
        return str(fmt(t.contact.already_answered, id=message_id))
    await services.outbox.flush(context.bot)  # the resident gets it before staff hear back
    status = await services.contact.reply_status(message_id)
    if status == "sent":
        return str(fmt(t.contact.reply_sent, id=message_id))
    if status in ("pending", "sending"):  # Telegram unreachable or flood-limited: later
        return str(fmt(t.contact.reply_queued, id=message_id))
    return str(fmt(t.contact.reply_undeliverable, id=message_id))


# ------------------------------------------------------------------ wiring
def reply_form() -> forms.Form:
    """The staff's reply: press 回复 on an inbox item, then type the answer."""
    return forms.press_then_type(
        "contact_reply",
        ReplyMessageButton,
        _open_reply,
        question=_reply_question,
        clean=clean_reply,
        refused=lambda t: fmt(t.contact.reply_length, max=MAX_REPLY_CHARS),
        submit=_send_reply,
        again="/inbox",
    )


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The staff's ``/inbox``."""
    return [CommandHandler("inbox", inbox)]
