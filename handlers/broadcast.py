"""Staff ``/broadcast``, declared as a form: text -> audience -> preview -> confirm, then a send.

The form engine keeps the draft (text, the audiences offered, the one chosen) with the dialog,
so a restart mid-dialog resumes it. The text is sent HTML-escaped inside the office's notice
header; the preview is that very message. After 确认发送 the broadcast is queued in the
outbox for its audience (one row each) and sent from there in the background
(``bot.services.outbox``: Telegram's flood limits, 403 marks a user inactive, resumed after a
restart without second copies); it ends with a delivered / blocked / failed count to the staff
member. A staff form: admins only, at every step.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.services import Services
from bot.services.broadcast import BROADCAST, MAX_BROADCAST_CHARS, clean_broadcast
from bot.services.delivery import Outbound
from bot.services.outbox import BROADCAST_DONE, Payload, Renderer
from bot.services.text import normalize_lines, utf16_len
from bot.services.training_wording import tag_label
from bot.texts import Html, Texts, fmt
from bot.vocabulary import TextProblem
from db.models import Broadcast
from handlers import forms
from handlers.ui import stale_button

FEATURE = "bc"
EVERYONE = "all"


def notice(t: Texts, office: str, text: str) -> Html:
    """The message residents get: the office's header and the staff text, escaped."""
    return fmt(t.broadcast.message, office=office, text=text)


async def _text(a: forms.Answer) -> forms.Outcome:
    """Take the text and note the audiences to offer (everyone, or a tag's subscribers)."""
    text = clean_broadcast(a.text or "")
    if isinstance(text, TextProblem):
        length = utf16_len(normalize_lines(a.text or ""))
        return forms.Refuse(fmt(a.t.broadcast.too_long, length=length, limit=MAX_BROADCAST_CHARS))
    service = a.context.services.broadcasts
    tags = await service.tags()
    audiences = [[EVERYONE, await service.count(None)], *([tag, n] for tag, n in tags)]
    return forms.Accept({"text": text, "audiences": audiences})


def _audiences(ask: forms.Ask) -> list[tuple[str, str]]:
    b = ask.t.broadcast
    return [
        (
            b.btn_all.format(count=n)
            if i == 0
            else b.btn_tag.format(tag=tag_label(ask.t, ask.settings.town, tag), count=n),
            str(i),
        )
        for i, (tag, n) in enumerate(ask.draft.get("audiences", []))
    ]


async def _audience(a: forms.Answer) -> forms.Outcome:
    """Show the preview exactly as residents will see it; the next question asks to confirm."""
    offered = a.draft.get("audiences", [])
    if a.choice is None or not a.choice.isdigit() or int(a.choice) >= len(offered):
        return forms.Refuse(
            fmt(a.t.form.reprompt_other, dialog=forms.dialog_name(a.t, "broadcast"))
        )
    index = int(a.choice)
    tag = None if index == 0 else str(offered[index][0])
    count = await a.context.services.broadcasts.count(tag)
    chat = a.update.effective_chat
    if count == 0 or chat is None:
        if chat is not None:
            await a.context.bot.send_message(chat.id, a.t.broadcast.nobody)
        return forms.Finish()
    office = a.context.services.settings.office.for_lang(a.t.lang).name
    await a.context.bot.send_message(chat.id, notice(a.t, office, str(a.draft["text"])))
    return forms.Accept({"tag": tag, "count": count}, echo=a.t.broadcast.preview_intro)


def _confirm_question(ask: forms.Ask) -> str:
    b, tag = ask.t.broadcast, ask.draft.get("tag")
    if tag is None:
        audience = b.audience_all
    else:
        audience = fmt(b.audience_tag, tag=tag_label(ask.t, ask.settings.town, str(tag)))
    return fmt(b.confirm, audience=audience, count=ask.draft.get("count", 0))


async def _confirm(a: forms.Answer) -> forms.Outcome:
    if a.choice == "send":
        return forms.Accept()
    if a.choice == "no":
        return forms.Cancel()
    return forms.Refuse(fmt(a.t.form.reprompt_other, dialog=forms.dialog_name(a.t, "broadcast")))


async def _start(a: forms.Answer) -> forms.Outcome:
    """Queue the broadcast in the outbox for its audience and say how many it goes to."""
    user, message = a.update.effective_user, a.update.effective_message
    if user is None or message is None:
        return forms.Finish()
    services, draft = a.context.services, a.draft
    tag = None if draft.get("tag") is None else str(draft["tag"])
    _broadcast, count = await services.broadcasts.start(user.id, str(draft["text"]), tag)
    await message.reply_text(fmt(a.t.broadcast.started, count=count))
    # Queued with the broadcast itself; sent in the background from there.
    task = a.context.application.create_task(services.outbox.drain(a.context.bot), update=a.update)
    services.broadcasts.track(task)
    return forms.Finish()


def renderers(services: Services) -> dict[str, Renderer]:
    """How the outbox words a broadcast and its author's summary (``bot.services.outbox``)."""
    office = services.settings.office
    texts: dict[int, Broadcast | None] = {}  # a broadcast's text never changes

    async def stored(payload: Payload) -> Broadcast | None:
        ident = int(payload["broadcast"])
        if ident not in texts:
            texts[ident] = await services.broadcasts.get(ident)
        return texts[ident]

    async def to_resident(payload: Payload, t: Texts) -> Outbound | None:
        broadcast = await stored(payload)
        if broadcast is None:
            return None
        return Outbound(notice(t, office.for_lang(t.lang).name, broadcast.text))

    async def to_author(payload: Payload, t: Texts) -> Outbound | None:
        done = await services.broadcasts.get(int(payload["broadcast"]))  # with its totals
        if done is None:
            return None
        text = fmt(
            t.broadcast.done,
            id=done.id,
            delivered=done.delivered,
            blocked=done.blocked,
            failed=done.failed,
        )
        return Outbound(text)

    return {BROADCAST: to_resident, BROADCAST_DONE: to_author}


async def stale(update: Update, context: Context) -> None:
    """Answer a broadcast button outside the dialog (replayed or forged): it has expired."""
    await stale_button(update, context)


def form() -> forms.Form:
    """The staff's /broadcast dialog."""
    steps = (
        forms.Step(
            "text",
            lambda ask: fmt(ask.t.broadcast.ask_text, limit=MAX_BROADCAST_CHARS),
            _text,
        ),
        forms.Step(
            "audience",
            lambda ask: ask.t.broadcast.ask_audience,
            _audience,
            widget=forms.Widget.BUTTONS,
            options=_audiences,
            per_row=1,
        ),
        forms.Step(
            "confirm",
            _confirm_question,
            _confirm,
            widget=forms.Widget.BUTTONS,
            options=lambda ask: [
                (ask.t.broadcast.btn_send, "send"),
                (ask.t.broadcast.btn_cancel, "no"),
            ],
        ),
    )
    return forms.Form(
        name="broadcast",
        key=FEATURE,
        steps=steps,
        entries=(forms.on_command("broadcast"),),
        submit=_start,
        staff=True,
    )
