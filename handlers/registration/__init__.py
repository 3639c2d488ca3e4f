"""Project registration outside the dialog: /myprojects, /myreferrals and /invite.

The registration dialog itself is a form (``handlers.registration.form``); staff review of
submitted projects is in ``handlers.review``.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.texts import Html, fmt, status_label
from db.models import ProjectStatus
from handlers import review
from handlers.ui import message_of, reply_in_chunks


# ------------------------------------------------------------------ outside the dialog
async def my_projects(update: Update, context: Context) -> None:
    """List the resident's projects with their status history."""
    if (said := message_of(update, context)) is None:
        return
    message, t = said.message, said.t
    r, tz = t.registration, context.services.settings.timezone
    records = await context.services.registration.projects_of(said.user.id)
    if not records:
        await message.reply_text(r.my_projects_none)
        return
    blocks = [fmt(r.my_projects_header, count=len(records))]
    returned = [rec.project for rec in records if rec.project.status is ProjectStatus.RETURNED]
    for record in records:
        history = "\n".join(
            fmt(
                r.history_line,
                time=f"{c.created_at.astimezone(tz):%Y-%m-%d %H:%M}",
                status=(
                    r.history_resubmitted
                    if i > 0 and c.status == ProjectStatus.SUBMITTED
                    else status_label(t, ProjectStatus(c.status))
                ),
                note=fmt(r.history_note, note=c.note) if c.note else Html(""),
            )
            for i, c in enumerate(record.history)
        )
        p = record.project
        blocks.append(
            fmt(
                r.my_project,
                ref_no=p.ref_no,
                name=p.name or r.name_erased,
                status=status_label(t, p.status),
                history=Html(history),
            )
        )
    await reply_in_chunks(message, blocks)
    if returned:
        rows = [review.resubmit_row(t, p.id, p.ref_no) for p in returned]
        await message.reply_text(r.my_projects_returned, reply_markup=InlineKeyboardMarkup(rows))


async def my_referrals(update: Update, context: Context) -> None:
    """List the projects the user referred and whether each earns the reward."""
    if (said := message_of(update, context)) is None:
        return
    message, t, r = said.message, said.t, said.t.registration
    referred = await context.services.registration.referred_by(said.user.id)
    if not referred:
        await message.reply_text(r.my_referrals_none)
        return
    eligible = sum(1 for p in referred if p.reward_eligible)
    blocks = [fmt(r.my_referrals_header, count=len(referred), eligible=eligible)]
    blocks += [
        fmt(
            r.my_referral,
            ref_no=p.ref_no,
            name=p.name or r.name_erased,
            status=status_label(t, p.status),
            reward=r.reward_eligible if p.reward_eligible else r.reward_pending,
        )
        for p in referred
    ]
    await reply_in_chunks(message, blocks, separator="\n")


async def invite(update: Update, context: Context) -> None:
    """Send the user's personal referral link and its QR code."""
    if (said := message_of(update, context)) is None:
        return
    result = await context.services.registration.invite(said.user.id, context.bot.username)
    r = said.t.registration
    if result.web_address_missing:
        caption = fmt(r.invite_web_unset, command=result.start_command, link=result.link)
    else:
        caption = fmt(r.invite, link=result.link)
        if result.web_link is not None:
            caption = Html(caption + fmt(r.invite_web_too, link=result.web_link))
    await said.message.reply_photo(result.qr_png, caption=caption, filename="invite.png")


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The resident's registration commands outside the dialog."""
    return [
        CommandHandler("myprojects", my_projects),
        CommandHandler("myreferrals", my_referrals),
        CommandHandler("invite", invite),
    ]
