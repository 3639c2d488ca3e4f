"""The registration dialog (登记项目) declared as a ``Form``, with its returned-project correction.

The questions are ``handlers.registration.steps``; then the summary to submit, change a field
or cancel. The engine (``handlers.form_router``) asks, goes back, edits, re-asks and times
out; this module says how the dialog opens, what the summary shows, what submitting does and
what a duplicate asks. A returned project (修改并重新提交) opens at its optional 补充说明 for
staff, under the return reason, then its summary; it keeps its referrer.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.buttons import RegistrationButton, ResubmitButton
from bot.services.answers import mask_phone
from bot.services.draft import Draft, Field
from bot.services.names import village_label
from bot.services.registration import Duplicate, Incomplete, Submitted
from bot.settings import TownSettings
from bot.texts import Html, Texts, fmt, menu_labels
from bot.vocabulary import ResubmitRefusal
from db.models import ANSWER_FIELDS, ProjectStatus
from handlers import forms, review
from handlers.registration.confirm import submitted
from handlers.registration.steps import (
    ANSWER_STEPS,
    CONFIRM_INVESTMENT_WAN,
    RESUBMIT_NOTE,
    field_label,
    referrer_text,
)
from handlers.ui import answer_lines, main_menu

FEATURE = RegistrationButton.prefix[-1]
REGISTER_LABELS = menu_labels("btn_register")


__all__ = ["CONFIRM_INVESTMENT_WAN", "form", "summary"]


def summary(t: Texts, draft: Draft, town: TownSettings | None = None) -> Html:
    """The summary the resident checks before submitting: one line per field, in order
    (choices in their language)."""
    r = t.registration
    values: dict[Field, object] = {f: getattr(draft, f.value) for f in ANSWER_FIELDS}
    if town is not None:
        for f in (Field.INDUSTRY, Field.APPLICANT_TYPE):
            if isinstance(values[f], str):
                values[f] = town.label(str(values[f]), t.lang)
        if draft.village is not None:
            values[Field.VILLAGE] = village_label(t, town, draft.village)
    values |= {
        Field.PHONE: mask_phone(draft.phone or ""),
        Field.REFERRER: referrer_text(t, draft),
    }
    lines = answer_lines(t, values)
    if draft.resubmit_id is not None:  # a correction: the 补充说明 for staff, too
        note = draft.resubmit_note or r.referrer_none
        lines = Html(f"{lines}\n{fmt(r.summary_line, label=r.resubmit_note_label, value=note)}")
    privacy = fmt("{text}", text=r.privacy)
    return Html("\n\n".join((r.summary_title, lines, privacy)))


def _duplicate_question(ask: forms.Ask) -> str:
    r, draft = ask.t.registration, Draft.from_json(ask.draft)
    returned = draft.duplicate_returned_id
    return fmt(
        r.duplicate if returned is None else r.duplicate_returned,
        when=draft.duplicate_at,
        name=draft.name,
        ref_no=draft.duplicate_ref,
    )


def _duplicate_rows(ask: forms.Ask) -> list[list[InlineKeyboardButton]]:
    draft = Draft.from_json(ask.draft)
    if draft.duplicate_returned_id is None or draft.duplicate_ref is None:
        return []
    # Correcting the returned one is what the resident most likely wants: first.
    return [review.resubmit_row(ask.t, draft.duplicate_returned_id, draft.duplicate_ref)]


async def _duplicate(a: forms.Answer) -> forms.Outcome:
    if a.choice == "x":
        return forms.Cancel()
    if a.choice == "back":  # keep the eight answers: back to the summary to change or cancel
        return forms.Accept(goto=forms.SUMMARY, edit=True)
    if a.choice != "dup":
        return forms.Refuse("")
    return await _submit(a, allow_duplicate=True)


STEPS = (
    *ANSWER_STEPS,
    forms.Step(
        "duplicate",
        _duplicate_question,
        _duplicate,
        widget=forms.Widget.BUTTONS,
        options=lambda ask: [
            (ask.t.registration.btn_duplicate_confirm, "dup"),
            (ask.t.registration.btn_duplicate_back, "back"),
            (ask.t.form.btn_cancel, "x"),
        ],
        per_row=1,
        ordered=False,
        extra_rows=_duplicate_rows,
    ),
)


# ------------------------------------------------------------------ submitting
async def _submit(a: forms.Answer, *, allow_duplicate: bool = False) -> forms.Outcome:
    """File the project (after a duplicate check), tell the resident and notify staff."""
    user = a.update.effective_user
    if user is None:
        return forms.Finish()
    draft = Draft.from_json(a.draft)
    registration = a.context.services.registration
    result: Submitted | Duplicate | Incomplete | ResubmitRefusal
    if draft.resubmit_id is not None:
        result = await registration.resubmit(user.id, draft)
    else:
        result = await registration.submit(user.id, draft, allow_duplicate=allow_duplicate)
    if isinstance(result, ResubmitRefusal):  # resubmitted meanwhile, or erased
        text = a.t.registration.resubmit_refused[result]
        await a.context.bot.send_message(user.id, text, reply_markup=main_menu(a.t))
        return forms.Finish()
    if isinstance(result, Duplicate):
        when = result.existing.created_at.astimezone(a.ask.settings.timezone)
        returned = result.existing.status is ProjectStatus.RETURNED
        values = {
            "duplicate_ref": result.existing.ref_no,
            "duplicate_at": f"{when:%Y-%m-%d %H:%M}",
            "duplicate_returned_id": result.existing.id if returned else None,
        }
        return forms.Accept(values, goto="duplicate")
    if isinstance(result, Incomplete):
        gone = getattr(draft, result.field.value, None) is not None  # no longer offered
        label = field_label(a.t, result.field)
        note = fmt(a.t.registration.choice_gone, label=label) if gone else None
        return forms.Accept(goto=result.field.value, edit=True, note=note)
    await submitted(a.update, a.context, result, draft)
    return forms.Finish()


# ------------------------------------------------------------------ opening
async def _open_new(start: forms.Start) -> forms.Opening | None:
    """Start a new registration, pre-filling the referrer from a referral link."""
    context, user, message = start.context, start.user, start.update.effective_message
    if message is None:
        return None
    if (wait := context.services.dialog_allowance(user.id)) > 0:
        await message.reply_text(fmt(start.t.common.slow_down, seconds=wait))
        return None
    draft = Draft()
    code = context.user_data.get("referral_code") if context.user_data is not None else None
    if isinstance(code, str):
        referrer = await context.services.registration.resolve_referrer(code, user.id)
        if referrer.refused is None:
            draft.link_referrer_id = referrer.user_id
            draft.link_referrer_name = referrer.first_name
        else:
            draft.link_refusal = referrer.refused.value
    return forms.Opening(draft.to_json())


async def _open_returned(start: forms.Start) -> forms.Opening | None:
    """Open the resident's returned project at its 补充说明 step, to correct and submit again.

    Pressed at the duplicate prompt of a new registration of that project, the answers just
    typed replace the stored ones (they are the corrections). A refused press inside a dialog
    already under way leaves that dialog where it was.
    """
    context, query, user, t, state = start.context, start.query, start.user, start.t, start.state
    if query is None:
        return None
    button = ResubmitButton.unpack(query.data)
    project_id = None if button is None else button.project_id
    found = (
        ResubmitRefusal.NOT_FOUND
        if project_id is None
        else await context.services.registration.returned_draft(user.id, project_id)
    )
    if isinstance(found, ResubmitRefusal):
        await query.answer(t.registration.resubmit_refused[found], show_alert=True)
        return None
    if state is None and (wait := context.services.dialog_allowance(user.id)) > 0:
        await query.answer(fmt(t.common.slow_down, seconds=wait), show_alert=True)
        return None
    await query.answer()
    typed = Draft.from_json(state.draft) if state is not None else Draft()
    if state is not None and typed.duplicate_returned_id == project_id:
        for field in Field:
            if field is not Field.REFERRER:
                setattr(found, field.value, getattr(typed, field.value))
        found.village_unlisted = typed.village_unlisted
    # The 补充说明 first, under the reason: what a return asks for often has no field.
    return forms.Opening(found.to_json(), RESUBMIT_NOTE)


def _cancelled(t: Texts, draft: dict[str, object]) -> str | None:
    ref_no = Draft.from_json(draft).resubmit_ref
    return None if ref_no is None else fmt(t.registration.resubmit_cancelled, ref_no=ref_no)


def _timed_out(t: Texts, draft: dict[str, object], minutes: int) -> str | None:
    ref_no = Draft.from_json(draft).resubmit_ref
    if ref_no is None:
        return None
    return fmt(t.registration.resubmit_timed_out, minutes=minutes, ref_no=ref_no)


def form() -> forms.Form:
    """The registration form (entry: /register, the 📝 menu button, 修改并重新提交)."""
    return forms.Form(
        name="registration",
        key=FEATURE,
        steps=STEPS,
        entries=(
            forms.on_command("register", _open_new),
            forms.on_menu(REGISTER_LABELS, _open_new),
            # Also at the summary of a dialog under way: reopen the project from what is stored.
            forms.on_press(
                ResubmitButton.pattern(),
                _open_returned,
                (forms.SUMMARY, forms.FIELDS, "duplicate"),
            ),
        ),
        submit=_submit,
        summary=lambda ask: summary(ask.t, Draft.from_json(ask.draft), ask.settings.town),
        # A resubmission keeps its referrer; only a resubmission has a 补充说明.
        step_editable=lambda draft, step: (
            step not in (Field.REFERRER.value, RESUBMIT_NOTE)
            or (draft.get("resubmit_id") is None) == (step == Field.REFERRER.value)
        ),
        cancelled=_cancelled,
        timed_out=_timed_out,
    )
