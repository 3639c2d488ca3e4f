"""Personal data (PIPL): ``/mydata`` shows everything stored about the user, ``/deletemydata``
erases it after an inline confirmation.

``/mydata`` answers in messages that fit Telegram's limit, split between lines
(``handlers.ui.chunk_html``); when that would take more than a few messages it sends one text
file instead. After an erasure the
handler drops the user's in-memory PTB ``user_data`` and ``chat_data`` so they are not written
back, and forgets the user in the touch cache so their next update records them afresh.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.buttons import EraseButton
from bot.context import Context
from bot.services.training_wording import tag_labels
from bot.settings import TownSettings
from bot.texts import Html, Texts, fmt, status_label
from db.models import PersonalData, ProjectStatus
from handlers.staff_guard import tell_user
from handlers.ui import Press, chunk_html, inline_rows, message_of, on_button, visible_text

MAX_MESSAGES = 3


def _blocks(t: Texts, data: PersonalData, context: Context) -> list[str]:
    """The user's data as HTML blocks, one per line of the answer."""
    p, none, settings = t.privacy, t.privacy.none_value, context.services.settings

    def day(value: datetime) -> str:
        return value.astimezone(settings.timezone).strftime("%Y-%m-%d")

    tags = t.common.list_separator.join(tag_labels(t, settings.town, data.subscriptions))
    tags = tags or p.nothing
    referrals = [
        fmt(
            p.referral_made if r.made else p.referral_received,
            when=day(r.created_at),
            ref=r.ref_no,
        )
        for r in data.referrals
    ]
    questions = [
        fmt(p.question_item, when=day(q.created_at), text=q.text or none) for q in data.questions
    ]
    trainings = [
        fmt(
            p.training_item, when=day(s.starts_at), title=s.title, status=status_label(t, s.status)
        )
        for s in data.signups
    ]
    messages = [
        fmt(p.message_item, when=day(m.created_at), text=m.text)
        + (fmt(p.message_reply, reply=m.reply_text) if m.reply_text else "")
        for m in data.messages
    ]
    return [
        p.header,
        _profile(t, data, day),
        *_section(p.projects_title, _projects(t, data, settings.town, day), len(data.projects)),
        *_section(p.referrals_title, referrals),
        *_section(p.questions_title, questions),
        *_section(p.trainings_title, trainings),
        fmt(p.subscriptions_title, tags=tags),
        *_section(p.complaints_title, _complaints(t, data), len(data.complaints)),
        p.anonymous_note,
        *_section(p.messages_title, messages),
    ]


def _profile(t: Texts, data: PersonalData, day: Callable[[datetime], str]) -> str:
    u, none = data.user, t.privacy.none_value
    return fmt(
        t.privacy.profile,
        id=u.id,
        name=u.first_name or none,
        username=f"@{u.username}" if u.username else none,
        lang=u.lang_override or u.language_code or none,
        created=day(u.created_at),
        seen=day(u.last_seen_at),
        code=u.referral_code or none,
    )


def _projects(
    t: Texts, data: PersonalData, town: TownSettings, day: Callable[[datetime], str]
) -> list[str]:
    """Each project, then who they named as referrer and every note on it (why staff returned
    it, the 补充说明 they wrote), one line each."""
    p = t.privacy
    lines: list[str] = []
    for x in data.projects:
        lines.append(
            fmt(
                p.project_item,
                ref=x.ref_no,
                name=x.name or p.erased_name,
                village=town.label(x.village, t.lang),
                industry=town.label(x.industry, t.lang),
                investment=f"{x.investment_wan:g}",
                jobs=x.jobs,
                phone=x.phone or p.none_value,
                status=status_label(t, x.status),
            )
        )
        if x.referrer_note:
            lines.append(fmt(p.project_referrer, referrer=x.referrer_note))
        for n in (n for n in data.notes if n.ref_no == x.ref_no):
            template = {
                ProjectStatus.RETURNED: p.project_return_reason,
                ProjectStatus.SUBMITTED: p.project_resubmit_note,
            }.get(n.status, p.project_status_note)
            status = status_label(t, n.status)
            lines.append(fmt(template, when=day(n.created_at), status=status, note=n.note))
    return lines


def _complaints(t: Texts, data: PersonalData) -> list[str]:
    """Each named complaint with what they answered, and the note it was resolved with."""
    p, none = t.privacy, t.privacy.none_value
    lines: list[str] = []
    for c in data.complaints:
        status = status_label(t, c.status)
        lines.append(
            fmt(p.complaint_item, ref=c.ref_no, status=status, what=c.what or p.erased_name)
        )
        photo = t.complaints.photo_yes if c.photo_file_id else t.complaints.photo_no
        when = c.happened_at_text or none
        lines.append(
            fmt(p.complaint_details, department=c.department or none, when=when, photo=photo)
        )
        if c.resolution_note:
            lines.append(fmt(p.complaint_note, note=c.resolution_note))
    return lines


# Lines of one section per block: a blank line only between sections (a phone's screen holds
# more), and a long section still splits between messages rather than inside an item.
SECTION_LINES = 15


def _section(title: str, items: Sequence[str], count: int | None = None) -> list[str]:
    """A section's title (``{count}``: how many items, unless given) and its items, one per
    line, in blocks of at most SECTION_LINES."""
    lines = [fmt(title, count=len(items) if count is None else count), *items]
    return ["\n".join(lines[i : i + SECTION_LINES]) for i in range(0, len(lines), SECTION_LINES)]


def as_plain_text(blocks: list[str]) -> bytes:
    """The blocks as a UTF-8 text file (tags removed, entities decoded)."""
    return "\n\n".join(visible_text(b) for b in blocks).encode("utf-8")


async def my_data(update: Update, context: Context) -> None:
    """Show the user everything stored about them."""
    if (said := message_of(update, context)) is None:
        return
    message, t = said.message, said.t
    data = await context.services.privacy.collect(said.user.id)
    if data is None:
        await message.reply_text(t.privacy.nothing)
        return
    blocks = _blocks(t, data, context)
    messages = chunk_html(blocks)
    if len(messages) > MAX_MESSAGES:
        await message.reply_document(
            as_plain_text(blocks), filename=t.privacy.document_name, caption=t.privacy.as_document
        )
        return
    for text in messages:
        await message.reply_text(text)


async def ask_delete(update: Update, context: Context) -> None:
    """Explain what erasure removes and keeps, and ask for confirmation."""
    if update.effective_message is None:
        return
    user = update.effective_user
    t = context.texts(user)
    p, sep = t.privacy, t.common.list_separator
    blocks = [p.confirm_delete]
    if user is not None:
        impact = await context.services.privacy.impact(user.id)
        if impact.pending:
            refs = sep.join(impact.pending)
            blocks.append(fmt(p.erase_pending, count=len(impact.pending), refs=refs))
        if impact.approved:
            refs = sep.join(impact.approved)
            blocks.append(fmt(p.erase_approved, count=len(impact.approved), refs=refs))
        if impact.referred:
            blocks.append(fmt(p.erase_referrer, count=impact.referred))
        if impact.seats:
            blocks.append(fmt(p.erase_seats, count=impact.seats))
    buttons = [
        (p.btn_confirm_delete, EraseButton("erase").pack()),
        (p.btn_keep, EraseButton("keep").pack()),
    ]
    # The consequences come before the irreversible button, in the same message.
    await update.effective_message.reply_text(
        Html("\n\n".join(blocks)), reply_markup=inline_rows(buttons)
    )


async def confirm_delete(update: Update, context: Context, press: Press[EraseButton]) -> None:
    """Erase the presser's own data (or keep it), then say so."""
    chat = update.effective_chat
    if chat is None:
        return
    query, user, t = press.query, press.user, press.t  # the texts: read before the erasure
    await query.answer()
    if press.button.choice == "keep":
        await query.edit_message_text(t.privacy.kept)
        return
    erasure = await context.services.privacy.erase(user.id)
    context.application.drop_user_data(user.id)
    context.application.drop_chat_data(chat.id)
    context.services.users.forget(user.id)
    if erasure.promoted:  # their seats went to the waitlist: send the notices now
        context.bot_data.dispatcher.kick(context.job_queue)
    done = t.privacy.deleted
    if erasure.withdrawn:
        refs = t.common.list_separator.join(w.ref_no for w in erasure.withdrawn)
        done += "\n" + fmt(t.privacy.erase_done_withdrawn, count=len(erasure.withdrawn), refs=refs)
    await query.edit_message_text(done)
    for item in erasure.withdrawn:
        if item.referrer_id is not None:
            await tell_user(
                context,
                item.referrer_id,
                item.referrer_lang,
                functools.partial(_withdrawn_notice, ref_no=item.ref_no),
            )


def _withdrawn_notice(t: Texts, *, ref_no: str) -> str:
    return fmt(t.privacy.referrer_withdrawn, ref_no=ref_no)


def commands() -> list[BaseHandler[Update, Context, object]]:
    """``/mydata``, ``/deletemydata`` and its confirmation buttons."""
    return [
        CommandHandler("mydata", my_data),
        CommandHandler("deletemydata", ask_delete),
        on_button(EraseButton, confirm_delete),
    ]
