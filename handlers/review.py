"""Staff review of registered projects: the 通过 / 退回 buttons, the reason dialog, /review.

Every admin gets a card for each new project (queued in the outbox with the project and
worded by ``renderers`` when sent, so a crash cannot lose it). 通过 decides at once; 退回 opens
a short dialog (per admin, so two admins can return two projects at the same time) asking for
the reason.
Each button is checked on the server: a non-admin is refused, logged and audited by
``staff_guard``; a project already decided is left alone and the admin told politely. The
applicant (and an approved project's referrer) hears of the decision in their own language,
through the outbox too.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CommandHandler,
)

from bot.buttons import ApproveButton, ResubmitButton, ReturnButton
from bot.context import Context
from bot.services import Services
from bot.services.base import Changed
from bot.services.delivery import Outbound
from bot.services.draft import Field
from bot.services.names import village_label
from bot.services.outbox import Payload, Renderer
from bot.services.registration import (
    DECISION,
    REASON_MAX_CHARS,
    REFERRER_TOLD,
    REVIEW_CARD,
    DecisionOutcome,
    ReviewItem,
)
from bot.services.text import clean_text
from bot.settings import TownSettings
from bot.texts import Html, Texts, fmt, status_label
from bot.vocabulary import TextProblem
from db.models import ANSWER_FIELDS, Project, ProjectField, ProjectStatus
from handlers import forms
from handlers.staff_guard import send_safely, texts_of
from handlers.ui import (
    Press,
    answer_lines,
    channel_note,
    contact_block,
    inline_rows,
    message_of,
    on_button,
)

_LOGGER = logging.getLogger(__name__)

RETURNING = "returning_project"
REVIEW_LIST_SIZE = 10


def resubmit_row(t: Texts, project_id: int, ref_no: str) -> list[InlineKeyboardButton]:
    """The applicant's button that opens a returned project for correction."""
    label = str(fmt(t.registration.btn_resubmit, ref_no=ref_no))
    data = ResubmitButton(project_id).pack()
    return [InlineKeyboardButton(label, callback_data=data)]


def card(t: Texts, item: ReviewItem, town: TownSettings) -> Html:
    """The staff's view of a project (full phone number: staff call applicants).

    A resubmitted project says so, with the reason it was last returned for and the
    applicant's 补充说明, on top.
    """
    p, r = item.project, t.registration
    header = (
        fmt(r.staff_resubmitted_header, ref_no=p.ref_no, reason=item.last_return)
        if item.last_return is not None and item.submission > 1
        else fmt(r.staff_new_header, ref_no=p.ref_no)
    )
    if item.changed is not None:  # the card sent as the project is resubmitted
        if item.changed:
            names = t.common.list_separator.join(r.field_labels[f] for f in item.changed)
            change = fmt(r.staff_changed, fields=names)
        else:
            change = fmt(r.staff_unchanged)
        header = Html(f"{header}\n{change}")
    if item.note:  # the applicant's 补充说明 to this submission
        header = Html(f"{header}\n{fmt(r.staff_resubmit_note, note=item.note)}")
    if item.lookalikes:  # registered again from another account? (not refused: staff judge)
        refs = t.common.list_separator.join(item.lookalikes)
        header = Html(f"{header}\n{fmt(r.staff_lookalikes, refs=refs)}")
    return Html(f"{header}\n{_answers(t, item, town)}")


def _answers(t: Texts, item: ReviewItem, town: TownSettings) -> Html:
    p, r = item.project, t.registration
    values: dict[ProjectField, object] = {f: getattr(p, f.value) for f in ANSWER_FIELDS}
    values |= {
        ProjectField.NAME: p.name or r.name_erased,
        ProjectField.VILLAGE: village_label(t, town, p.village),  # 其他村: flagged
        ProjectField.INDUSTRY: town.label(p.industry, t.lang),  # the configured English name
        ProjectField.APPLICANT_TYPE: town.label(p.applicant_type, t.lang),
        ProjectField.PHONE: p.phone or r.name_erased,
        ProjectField.REFERRER: item.referrer or r.referrer_none,
    }
    name = " · ".join(
        part for part in (item.applicant_name or r.name_erased, channel_note(t, p.user_id)) if part
    )
    applicant = fmt(r.staff_applicant, name=name, id=p.user_id or "-")
    return Html(f"{answer_lines(t, values)}\n{applicant}")


def buttons(t: Texts, item: ReviewItem) -> InlineKeyboardMarkup:
    """通过 / 退回 for one submission of a project (see ``ReviewItem.submission``)."""
    r, ident = t.registration, item.project.id
    return inline_rows(
        [
            (r.btn_approve, ApproveButton(ident, item.submission).pack()),
            (r.btn_return, ReturnButton(ident, item.submission).pack()),
        ]
    )


def _decision_mark(t: Texts, decided: Changed) -> Html:
    """The line under a card saying who decided what (通过, or 退回 and why)."""
    if decided.status == ProjectStatus.APPROVED:
        return fmt(t.registration.decided_approved, actor=decided.by)
    return fmt(t.registration.decided_returned, actor=decided.by, reason=decided.note or "")


async def _already(
    update: Update, context: Context, project: Project | None, *, outdated: bool = False
) -> None:
    """Tell the admin the project was handled before, was resubmitted since (``outdated``) or
    does not exist; change nothing but the stale card, which now says so: who decided what,
    or why it is out of date (and has no buttons)."""
    query, t = update.callback_query, context.texts(update.effective_user)
    if query is None:
        return
    if project is None:
        await query.answer(t.registration.not_found, show_alert=True)
        return
    decided = None if outdated else await context.services.registration.decision(project)
    if outdated:
        text = fmt(t.registration.card_outdated, ref_no=project.ref_no)
    elif project.status is ProjectStatus.WITHDRAWN and project.user_id is None:
        text = fmt(t.registration.withdrawn_erased, ref_no=project.ref_no)
    else:
        text = fmt(t.registration.already_decided, status=status_label(t, project.status))
    await query.answer(text, show_alert=True)
    mark = text if decided is None else _decision_mark(t, decided)
    await _redraw_pressed(query.message, mark)


async def _redraw_pressed(message: object, mark: Html) -> None:
    """Write ``mark`` under the pressed card and take its buttons away."""
    if not isinstance(message, Message) or message.text is None:
        return
    text = f"{message.text_html}\n\n{mark}"
    with contextlib.suppress(BadRequest):  # an old message, or unchanged
        await message.edit_text(Html(text), reply_markup=None)


async def approve(update: Update, context: Context, press: Press[ApproveButton]) -> None:
    """通过: approve the project, mark the card, and tell the applicant."""
    query, user, t = press.query, press.user, press.t
    project_id, round_ = press.button.project_id, press.button.submission
    registration = context.services.registration
    decided = await registration.decide(project_id, user.id, approve=True, submission=round_)
    if decided.outcome is not DecisionOutcome.DONE:
        outdated = decided.outcome is DecisionOutcome.OUTDATED
        await _already(update, context, decided.project, outdated=outdated)
        return
    await query.answer()
    await _redraw_pressed(
        query.message, fmt(t.registration.decided_approved, actor=user.first_name)
    )
    # The applicant and the referrer were queued in the decision's transaction (the outbox).


async def _open_return(start: forms.Start, press: Press[ReturnButton]) -> forms.Opening | None:
    """退回: check the card is current and ask for the reason (another card's 退回 switches)."""
    update, context, query, user = start.update, start.context, press.query, press.user
    project_id, round_ = press.button.project_id, press.button.submission
    registration = context.services.registration
    item = await registration.review_item(project_id)
    if item is None:
        await _already(update, context, None)
        return None
    project = item.project
    if project.status is not ProjectStatus.SUBMITTED or item.submission != round_:
        outdated = project.status is ProjectStatus.SUBMITTED
        detail = (
            f"returned refused: card of submission {round_}, now {item.submission}"
            if outdated
            else f"returned refused: already {project.status.value}"
        )
        await registration.refuse_review(project, user.id, detail)
        await _already(update, context, project, outdated=outdated)
        return None
    message = query.message if isinstance(query.message, Message) else None
    # Ids only: this admin's dialog is stored, and a copy of the card's text (the applicant's
    # name and phone) would outlive the applicant's /deletemydata.
    pending = {
        "project": project_id,
        "round": round_,
        "message": None if message is None else message.message_id,
        "ref_no": project.ref_no,
    }
    return forms.Opening(pending)


def _clean_reason(text: str) -> str | None:
    reason = clean_text(text, REASON_MAX_CHARS)
    return None if isinstance(reason, TextProblem) else reason


async def _return_project(a: forms.Answer, reason: str) -> str:
    """Return the project with the typed reason, mark the card and tell the applicant."""
    context, t, user, pending = a.context, a.t, a.user, a.draft
    decided = await context.services.registration.decide(
        int(pending["project"]),
        user.id,
        approve=False,
        reason=reason,
        submission=int(pending.get("round", 1)),
    )
    gone = decided.project
    if decided.outcome is DecisionOutcome.OUTDATED and gone is not None:
        return fmt(t.registration.card_outdated, ref_no=gone.ref_no)
    if decided.outcome is not DecisionOutcome.DONE or gone is None:
        if gone is not None and gone.status is ProjectStatus.WITHDRAWN and gone.user_id is None:
            withdrawn = fmt(t.registration.withdrawn_erased, ref_no=gone.ref_no)
            await _mark_card(context, user.id, pending, withdrawn)
            return withdrawn
        label = "" if gone is None else status_label(t, gone.status)
        decision = None if gone is None else await context.services.registration.decision(gone)
        if decision is not None:  # decided by someone else meanwhile: the card says by whom
            await _mark_card(context, user.id, pending, _decision_mark(t, decision))
        return fmt(t.registration.already_decided, status=label)
    mark = fmt(t.registration.decided_returned, actor=user.first_name, reason=reason)
    await _mark_card(context, user.id, pending, mark)  # the applicant: queued (the outbox)
    return mark


async def _mark_card(context: Context, chat_id: int, pending: dict[str, Any], mark: Html) -> None:
    """Write the decision under the card the admin pressed 退回 on and take its buttons away."""
    if not isinstance(pending.get("message"), int):
        return
    item = await context.services.registration.review_item(int(pending["project"]))
    if item is None:
        return
    t, town = await texts_of(context, chat_id), context.services.settings.town
    shown = card(t, item, town)  # re-rendered: erasure shows

    def sending() -> Awaitable[object]:
        text = Html(f"{shown}\n\n{mark}")
        return context.bot.edit_message_text(text, chat_id=chat_id, message_id=pending["message"])

    await send_safely(context, chat_id, sending)


def renderers(services: Services) -> dict[str, Renderer]:
    """How the outbox words the staff card and the decision notices (``bot.services.outbox``).

    Rendered when sent, from the project as it is then: a card whose project was decided or
    resubmitted meanwhile is not sent (a newer card or the decision says it all), and an
    erased applicant's name shows as erased.
    """
    registration, office = services.registration, services.settings.office

    async def staff_card(payload: Payload, t: Texts) -> Outbound | None:
        item = await registration.review_item(int(payload["project"]))
        if (
            item is None
            or item.project.status is not ProjectStatus.SUBMITTED
            or item.submission != int(payload["submission"])
        ):
            return None
        changed = payload.get("changed")
        if changed is not None:
            item = replace(item, changed=tuple(Field(f) for f in changed))
        return Outbound(card(t, item, services.settings.town), buttons(t, item))

    async def decided(payload: Payload, t: Texts) -> tuple[Project, str] | None:
        """The project a decision is about and its name as told (None: it is gone)."""
        item = await registration.review_item(int(payload["project"]))
        return (
            None
            if item is None
            else (item.project, item.project.name or t.registration.name_erased)
        )

    async def to_applicant(payload: Payload, t: Texts) -> Outbound | None:
        if (found := await decided(payload, t)) is None:
            return None
        (project, name), r = found, t.registration
        if payload["approved"]:
            return Outbound(fmt(r.applicant_approved, ref_no=project.ref_no, name=name))
        reason = str(payload.get("reason") or "")
        text = fmt(r.applicant_returned, ref_no=project.ref_no, name=name, reason=reason)
        if project.status is not ProjectStatus.RETURNED:  # resubmitted meanwhile: no button
            return Outbound(text)
        return Outbound(text, InlineKeyboardMarkup([resubmit_row(t, project.id, project.ref_no)]))

    async def to_referrer(payload: Payload, t: Texts) -> Outbound | None:
        if (found := await decided(payload, t)) is None:
            return None
        (project, name), r = found, t.registration
        block = contact_block(t, office)
        return Outbound(fmt(r.referrer_approved, ref_no=project.ref_no, name=name, office=block))

    return {REVIEW_CARD: staff_card, DECISION: to_applicant, REFERRER_TOLD: to_referrer}


async def review_list(update: Update, context: Context) -> None:
    """/review: the oldest projects awaiting a decision, each with its buttons."""
    if (said := message_of(update, context)) is None:
        return
    message, t = said.message, said.t
    count, items = await context.services.registration.awaiting_review(REVIEW_LIST_SIZE)
    if not items:
        await message.reply_text(t.registration.review_none)
        return
    await message.reply_text(fmt(t.registration.review_header, count=count, shown=len(items)))
    for item in items:
        town = context.services.settings.town
        await message.reply_text(card(t, item, town), reply_markup=buttons(t, item))


# ------------------------------------------------------------------ wiring
def return_form() -> forms.Form:
    """The staff's 退回 dialog: press the button, then type the reason."""
    return forms.press_then_type(
        "review_return",
        ReturnButton,
        _open_return,
        question=lambda ask: fmt(
            ask.t.registration.ask_reason, ref_no=ask.draft.get("ref_no"), limit=REASON_MAX_CHARS
        ),
        clean=_clean_reason,
        refused=lambda t: fmt(t.registration.reason_invalid, limit=REASON_MAX_CHARS),
        submit=_return_project,
        again="/review",
        cancelled=lambda t, _: t.registration.review_cancelled,  # the project stays as it was
        # 通过 on another card works meanwhile.
        besides=(on_button(ApproveButton, approve),),
        staff_action="review",
    )


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """/review and the 通过 button outside the 退回 dialog."""
    return [
        CommandHandler("review", review_list),
        on_button(ApproveButton, approve),
    ]
