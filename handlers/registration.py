"""Project registration (登记项目): the guided dialog, /myprojects, /myreferrals and /invite.

The dialog asks name → industry → village → applicant type → investment → jobs → phone →
referrer, then shows a summary to submit, change a field or cancel. Every answer lives in
``user_data[DRAFT]`` (JSON-shaped) and the state in the persistent ConversationHandler, so a
restart mid-dialog loses nothing. Choice steps use inline buttons (typing the option works
too); number steps remove every keyboard so that nothing can be pressed by accident. Staff
review of submitted projects is in ``handlers.review``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import Context
from bot.services.registration import (
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    Draft,
    Duplicate,
    Field,
    Incomplete,
    Problem,
    ReferrerRefusal,
    ResubmitRefusal,
    Submitted,
    choose,
    format_wan,
    mask_phone,
    parse_investment,
    parse_jobs,
    parse_phone,
)
from bot.services.text import TextProblem, clean_text, normalize_line, utf16_len
from bot.settings import Settings
from bot.texts import Html, Texts, fmt, menu_labels, status_label
from db.models import ProjectStatus
from handlers import review
from handlers.dialogs import cancel_for, conversation
from handlers.staff_guard import send_safely
from handlers.ui import inline_rows, main_menu, reply_in_chunks

_LOGGER = logging.getLogger(__name__)

DRAFT = "registration"
FEATURE = review.REGISTRATION_FEATURE
TAX_REBATE_TOPIC = "tax-rebate"


class Waiting(IntEnum):
    """What the registration dialog waits for."""

    NAME = 1
    INDUSTRY = 2
    INDUSTRY_OTHER = 3
    VILLAGE = 4
    APPLICANT_TYPE = 5
    INVESTMENT = 6
    JOBS = 7
    PHONE = 8
    REFERRER = 9
    CONFIRMATION = 10
    FIELD_TO_CHANGE = 11
    DUPLICATE_CONFIRMATION = 12


_ORDER = (
    Waiting.NAME,
    Waiting.INDUSTRY,
    Waiting.VILLAGE,
    Waiting.APPLICANT_TYPE,
    Waiting.INVESTMENT,
    Waiting.JOBS,
    Waiting.PHONE,
    Waiting.REFERRER,
    Waiting.CONFIRMATION,
)
_PREVIOUS = {
    **{later: earlier for earlier, later in itertools.pairwise(_ORDER)},
    Waiting.INDUSTRY_OTHER: Waiting.INDUSTRY,
    Waiting.FIELD_TO_CHANGE: Waiting.CONFIRMATION,
    Waiting.DUPLICATE_CONFIRMATION: Waiting.CONFIRMATION,
}
_STATE_OF_FIELD = {
    Field.NAME: Waiting.NAME,
    Field.INDUSTRY: Waiting.INDUSTRY,
    Field.VILLAGE: Waiting.VILLAGE,
    Field.APPLICANT_TYPE: Waiting.APPLICANT_TYPE,
    Field.INVESTMENT: Waiting.INVESTMENT,
    Field.JOBS: Waiting.JOBS,
    Field.PHONE: Waiting.PHONE,
    Field.REFERRER: Waiting.REFERRER,
}
# Choice steps: callback key, the draft field, and the options offered by the settings.
_CHOICES: dict[Waiting, tuple[str, Field, Callable[[Settings], tuple[str, ...]]]] = {
    Waiting.INDUSTRY: ("ind", Field.INDUSTRY, lambda s: s.town.industries),
    Waiting.VILLAGE: ("vil", Field.VILLAGE, lambda s: s.town.villages),
    Waiting.APPLICANT_TYPE: ("app", Field.APPLICANT_TYPE, lambda s: s.town.applicant_types),
}
# Each state's button handlers, for presses that reach the catch-all (see ``reprompt``).
_BUTTONS: dict[Waiting, list[CallbackQueryHandler[Context, Any]]] = {}
_PER_ROW = {Waiting.INDUSTRY: 2, Waiting.VILLAGE: 3, Waiting.APPLICANT_TYPE: 2}
OTHER = "other"


# ------------------------------------------------------------------ draft and prompts
def _draft(context: Context) -> Draft:
    data = context.user_data.get(DRAFT) if context.user_data is not None else None
    return Draft.from_json(data)


def _save(context: Context, draft: Draft) -> None:
    if context.user_data is not None:
        context.user_data[DRAFT] = draft.to_json()


def _drop(context: Context) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _label(t: Texts, field: Field) -> str:
    return dict(t.registration.field_labels)[field.value]


def _problem(t: Texts, problem: Problem | TextProblem, **values: object) -> Html:
    return fmt(dict(t.registration.errors)[problem.value], **values)


def _referrer_text(t: Texts, draft: Draft) -> str | Html:
    r = t.registration
    if draft.referrer_id is not None and draft.referrer_name is not None:
        return fmt(r.referrer_linked, name=draft.referrer_name)
    return draft.referrer_note or r.referrer_none


def summary(t: Texts, draft: Draft) -> Html:
    """The summary the resident checks before submitting."""
    r = t.registration
    return fmt(
        r.summary,
        name=draft.name,
        industry=draft.industry,
        village=draft.village,
        applicant_type=draft.applicant_type,
        investment=format_wan(draft.investment_wan or 0),
        jobs=draft.jobs,
        phone=mask_phone(draft.phone or ""),
        referrer=_referrer_text(t, draft),
        privacy=r.privacy,
    )


def _button(label: str, *args: str | int) -> tuple[str, str]:
    return label, callbacks.encode(FEATURE, *args)


def _summary_buttons(t: Texts) -> InlineKeyboardMarkup:
    r = t.registration
    return inline_rows(
        [_button(r.btn_submit, "submit"), _button(r.btn_edit, "edit"), _button(r.btn_cancel, "x")],
        per_row=3,
    )


def _changeable(draft: Draft) -> tuple[Field, ...]:
    """The fields the resident may change: a resubmission keeps its referrer."""
    fields = tuple(Field)
    return (
        fields
        if draft.resubmit_id is None
        else tuple(f for f in fields if f is not Field.REFERRER)
    )


def _field_buttons(t: Texts, draft: Draft) -> InlineKeyboardMarkup:
    allowed = {f.value for f in _changeable(draft)}
    pairs = [
        _button(label, "field", key)
        for key, label in t.registration.field_labels
        if key in allowed
    ]
    return inline_rows([*pairs, _button(t.registration.btn_back_to_summary, "sum")], per_row=2)


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def _prompt(t: Texts, settings: Settings, state: Waiting, draft: Draft) -> tuple[str, Markup]:
    """The question for ``state`` and the keyboard that goes with it."""
    r = t.registration
    if state in _CHOICES:
        key, _, options = _CHOICES[state]
        pairs = [_button(o, key, i) for i, o in enumerate(options(settings))]
        if state is Waiting.INDUSTRY:
            pairs.append(_button(r.btn_other, key, OTHER))
        text = {
            Waiting.INDUSTRY: r.step_industry,
            Waiting.VILLAGE: r.step_village,
            Waiting.APPLICANT_TYPE: r.step_applicant_type,
        }[state]
        return text, inline_rows(pairs, per_row=_PER_ROW[state])
    if state is Waiting.PHONE:
        button = KeyboardButton(r.btn_share_phone, request_contact=True)
        return r.step_phone, ReplyKeyboardMarkup(
            [[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if state is Waiting.REFERRER:
        return _referrer_prompt(t, draft)
    if state is Waiting.CONFIRMATION:
        return summary(t, draft), _summary_buttons(t)
    if state is Waiting.FIELD_TO_CHANGE:
        return Html(summary(t, draft) + "\n\n" + fmt(r.choose_field)), _field_buttons(t, draft)
    if state is Waiting.DUPLICATE_CONFIRMATION:
        returned = draft.duplicate_returned_id
        text = fmt(
            r.duplicate if returned is None else r.duplicate_returned,
            when=draft.duplicate_at,
            name=draft.name,
            ref_no=draft.duplicate_ref,
        )
        buttons = [_button(r.btn_duplicate_confirm, "dup"), _button(r.btn_cancel, "x")]
        markup = inline_rows(buttons, per_row=1)
        if returned is not None and draft.duplicate_ref is not None:
            # Correcting the returned one is what the resident most likely wants: first.
            again = review.resubmit_row(t, returned, draft.duplicate_ref)
            markup = InlineKeyboardMarkup([again, *markup.inline_keyboard])
        return text, markup
    text = {
        Waiting.NAME: fmt(
            r.step_name_edit if draft.editing else r.step_name, limit=NAME_MAX_CHARS
        ),
        Waiting.INDUSTRY_OTHER: fmt(r.step_industry_other, limit=NOTE_MAX_CHARS),
        Waiting.INVESTMENT: r.step_investment,
        Waiting.JOBS: r.step_jobs,
    }[state]
    # Free-text and number steps show no buttons at all (nothing to press by accident).
    return text, ReplyKeyboardRemove()


def _referrer_prompt(t: Texts, draft: Draft) -> tuple[str, Markup]:
    r = t.registration
    no = _button(r.btn_no_referrer, "ref", "none")
    if draft.link_referrer_id is not None:
        text = fmt(r.step_referrer_linked, name=draft.link_referrer_name)
        return text, inline_rows([_button(r.btn_referrer_keep, "ref", "keep"), no])
    note = {
        ReferrerRefusal.SELF.value: r.referrer_self,
        ReferrerRefusal.UNKNOWN.value: r.referrer_unknown,
    }.get(draft.link_refusal or "")
    text = fmt(r.step_referrer, limit=NOTE_MAX_CHARS)
    return (Html(f"{text}\n{note}") if note else text), inline_rows([no])


async def ask(
    update: Update, context: Context, state: Waiting, note: str | None = None
) -> Waiting:
    """Send the question for ``state`` (after ``note``, if any) and wait for its answer."""
    draft = _draft(context)
    draft.step = int(state)
    _save(context, draft)
    t = context.texts(update.effective_user)
    text, markup = _prompt(t, context.services.settings, state, draft)
    if note:
        text = Html(f"{note}\n\n{text}")
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return state


async def _answered(update: Update, context: Context, draft: Draft, state: Waiting) -> Waiting:
    """Store the draft and move on: to the next step, or back to the summary when changing."""
    if draft.editing:
        draft.editing = False
        _save(context, draft)
        return await ask(update, context, Waiting.CONFIRMATION)
    _save(context, draft)
    if state is Waiting.INDUSTRY_OTHER:
        state = Waiting.INDUSTRY
    return await ask(update, context, _ORDER[_ORDER.index(state) + 1])


def _text(update: Update) -> str:
    message = update.effective_message
    return message.text or "" if message is not None else ""


def _typed_length(update: Update) -> int:
    """How long the answer is once cleaned, as the limits count it."""
    return utf16_len(normalize_line(_text(update)))


# ------------------------------------------------------------------ entry, back, cancel
async def start(update: Update, context: Context) -> Waiting | int:
    """Start a new registration, pre-filling the referrer from a referral link."""
    user = update.effective_user
    if user is None or update.effective_message is None:
        return ConversationHandler.END
    t = context.texts(user)
    if (wait := context.services.dialog_allowance(user.id)) > 0:
        await update.effective_message.reply_text(fmt(t.common.slow_down, seconds=wait))
        return ConversationHandler.END
    draft = Draft()
    code = context.user_data.get("referral_code") if context.user_data is not None else None
    if isinstance(code, str):
        referrer = await context.services.registration.resolve_referrer(code, user.id)
        if referrer.refused is None:
            draft.link_referrer_id, draft.link_referrer_name = (
                referrer.user_id,
                referrer.first_name,
            )
        else:
            draft.link_refusal = referrer.refused.value
    _save(context, draft)
    return await ask(update, context, Waiting.NAME)


async def start_resubmit(update: Update, context: Context) -> Waiting | int | None:
    """Open the resident's returned project at its summary, to correct and submit again.

    Pressed at the duplicate prompt of a new registration of that project, the answers just
    typed replace the stored ones (they are the corrections). A refused press inside a dialog
    already under way leaves that dialog where it was.
    """
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return ConversationHandler.END
    t = context.texts(user)
    in_dialog = context.user_data is not None and DRAFT in context.user_data
    stay = None if in_dialog else ConversationHandler.END
    project_id = callbacks.decode_id(query.data, FEATURE, "again")
    found = (
        ResubmitRefusal.NOT_FOUND
        if project_id is None
        else await context.services.registration.returned_draft(user.id, project_id)
    )
    if isinstance(found, ResubmitRefusal):
        await query.answer(dict(t.registration.resubmit_refused)[found.value], show_alert=True)
        return stay
    if not in_dialog and (wait := context.services.dialog_allowance(user.id)) > 0:
        await query.answer(fmt(t.common.slow_down, seconds=wait), show_alert=True)
        return stay
    await query.answer()
    typed = _draft(context)
    if in_dialog and typed.duplicate_returned_id == project_id:
        for field in _changeable(found):
            setattr(found, field.value, getattr(typed, field.value))
    _save(context, found)
    note = fmt(t.registration.resubmit_intro, ref_no=found.resubmit_ref)
    return await ask(update, context, Waiting.CONFIRMATION, note)


async def back(update: Update, context: Context) -> Waiting:
    """Go back one step (or to the summary while changing a field)."""
    draft = _draft(context)
    current = Waiting(draft.step) if draft.step in Waiting._value2member_map_ else Waiting.NAME
    if draft.editing or draft.resubmit_id is not None:
        # Changing one field, or correcting a returned project: back means the summary (the
        # steps before it hold answers already given, and a resubmission keeps its referrer).
        draft.editing = False
        _save(context, draft)
        return await ask(update, context, Waiting.CONFIRMATION)
    if current is Waiting.NAME:
        t = context.texts(update.effective_user)
        return await ask(update, context, Waiting.NAME, t.registration.back_at_first)
    return await ask(update, context, _PREVIOUS[current])


def _cancelled(t: Texts) -> str:
    return t.registration.cancelled


_cancel_new = cancel_for([DRAFT], _cancelled, strip_buttons=True)


async def cancel(update: Update, context: Context) -> int:
    """Drop the draft; a correction of a returned project says the project is unchanged."""
    ref_no = _draft(context).resubmit_ref
    if ref_no is None:
        return await _cancel_new(update, context)
    text = cancel_for(
        [DRAFT],
        lambda t: str(fmt(t.registration.resubmit_cancelled, ref_no=ref_no)),
        strip_buttons=True,
    )
    return await text(update, context)


async def reprompt(update: Update, context: Context, *, redispatch: bool = True) -> Waiting | int:
    """Answer anything unexpected mid-dialog by asking the current question again.

    A button press is first handed to the current step's button handlers (``redispatch``);
    those call back here with ``redispatch=False`` when the press is not valid for them, so
    an old or forged button is answered instead of bouncing between the two for ever.
    """
    t = context.texts(update.effective_user)
    draft = _draft(context)
    state = Waiting(draft.step) if draft.step in Waiting._value2member_map_ else Waiting.NAME
    message = update.effective_message
    if update.callback_query is not None:
        # A button of the step the resident last saw, although the conversation missed that
        # step (its prompt was delivered but the send timed out): the draft knows best.
        for handler in _BUTTONS.get(state, ()) if redispatch else ():
            if handler.check_update(update):
                outcome = await handler.callback(update, context)
                return outcome if isinstance(outcome, int) else state
        await update.callback_query.answer(t.registration.reprompt_other)
        return await ask(update, context, state)
    readable = message is not None and message.text is not None
    note = t.registration.reprompt_other if readable else t.registration.reprompt_non_text
    return await ask(update, context, state, note)


async def timed_out(update: Update, context: Context) -> None:
    """Tell the resident the dialog ended after the configured silence."""
    ref_no = _draft(context).resubmit_ref
    _drop(context)
    if update.effective_chat is None:
        return
    t = context.texts(update.effective_user)
    minutes = int(context.services.settings.conversation_timeout.total_seconds() // 60)
    text = (
        fmt(t.registration.timed_out, minutes=minutes)
        if ref_no is None
        else fmt(t.registration.resubmit_timed_out, minutes=minutes, ref_no=ref_no)
    )
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=main_menu(t))


# ------------------------------------------------------------------ the answers
async def got_name(update: Update, context: Context) -> Waiting:
    """Store the project name, trimmed; refuse empty, invisible or over-long names."""
    t = context.texts(update.effective_user)
    name = clean_text(_text(update), NAME_MAX_CHARS)
    if name is TextProblem.TOO_LONG:
        length = _typed_length(update)
        note = fmt(t.registration.error_name_too_long, limit=NAME_MAX_CHARS, length=length)
        return await ask(update, context, Waiting.NAME, note)
    if isinstance(name, TextProblem):
        return await ask(update, context, Waiting.NAME, _problem(t, name))
    draft = _draft(context)
    draft.name = name
    return await _answered(update, context, draft, Waiting.NAME)


async def chose_option(update: Update, context: Context) -> Waiting | int:
    """Store the industry, village or applicant type pressed on an inline button."""
    query, t = update.callback_query, context.texts(update.effective_user)
    args = callbacks.decode(query.data if query else None, FEATURE, 2)
    draft = _draft(context)
    state = Waiting(draft.step) if draft.step in _CHOICES else None
    if query is None or args is None or state is None or args[0] != _CHOICES[state][0]:
        return await reprompt(update, context, redispatch=False)
    _, field, options = _CHOICES[state]
    offered = options(context.services.settings)
    if args[1] == OTHER and state is Waiting.INDUSTRY:
        await query.answer()
        await query.edit_message_text(
            fmt(t.registration.chosen, label=_label(t, field), value=t.registration.btn_other)
        )
        return await ask(update, context, Waiting.INDUSTRY_OTHER)
    if not args[1].isdigit() or int(args[1]) >= len(offered):
        return await reprompt(update, context, redispatch=False)
    await query.answer()
    value = offered[int(args[1])]
    await query.edit_message_text(fmt(t.registration.chosen, label=_label(t, field), value=value))
    setattr(draft, field.value, value)
    return await _answered(update, context, draft, state)


async def typed_option(update: Update, context: Context) -> Waiting:
    """Accept a typed choice (its text or number); a typed industry may be anything."""
    t, draft = context.texts(update.effective_user), _draft(context)
    state = Waiting(draft.step) if draft.step in _CHOICES else Waiting.INDUSTRY
    _, field, options = _CHOICES[state]
    value = choose(_text(update), options(context.services.settings))
    if state is Waiting.INDUSTRY and value is Problem.NOT_A_CHOICE:
        if choose(_text(update), (t.registration.btn_other,)) == t.registration.btn_other:
            return await ask(update, context, Waiting.INDUSTRY_OTHER)
        value = clean_text(_text(update), NOTE_MAX_CHARS)
    if isinstance(value, Problem | TextProblem):
        return await ask(
            update,
            context,
            state,
            _problem(t, value, limit=NOTE_MAX_CHARS, length=_typed_length(update)),
        )
    setattr(draft, field.value, value)
    return await _answered(update, context, draft, state)


async def got_other_industry(update: Update, context: Context) -> Waiting:
    """Store an industry typed after pressing 其他."""
    t = context.texts(update.effective_user)
    value = clean_text(_text(update), NOTE_MAX_CHARS)
    if isinstance(value, TextProblem):
        note = _problem(t, value, limit=NOTE_MAX_CHARS, length=_typed_length(update))
        return await ask(update, context, Waiting.INDUSTRY_OTHER, note)
    draft = _draft(context)
    draft.industry = value
    return await _answered(update, context, draft, Waiting.INDUSTRY_OTHER)


async def got_investment(update: Update, context: Context) -> Waiting:
    """Store the planned investment in 万元."""
    t, limits = context.texts(update.effective_user), context.services.settings.limits
    value = parse_investment(_text(update), limits.max_investment_wan)
    if value is Problem.ZERO:
        return await ask(update, context, Waiting.INVESTMENT, t.registration.error_zero_investment)
    if isinstance(value, Problem):
        note = _problem(t, value, maximum=format_wan(limits.max_investment_wan))
        return await ask(update, context, Waiting.INVESTMENT, note)
    draft = _draft(context)
    draft.investment_wan = value
    return await _answered(update, context, draft, Waiting.INVESTMENT)


async def got_jobs(update: Update, context: Context) -> Waiting:
    """Store the expected number of new jobs."""
    t, limits = context.texts(update.effective_user), context.services.settings.limits
    value = parse_jobs(_text(update), limits.max_jobs)
    if isinstance(value, Problem):
        return await ask(
            update, context, Waiting.JOBS, _problem(t, value, maximum=limits.max_jobs)
        )
    draft = _draft(context)
    draft.jobs = value
    return await _answered(update, context, draft, Waiting.JOBS)


async def got_contact(update: Update, context: Context) -> Waiting:
    """Store a shared contact's number, if it is the resident's own."""
    message, user, t = (
        update.effective_message,
        update.effective_user,
        context.texts(update.effective_user),
    )
    contact = message.contact if message is not None else None
    if contact is None or user is None or contact.user_id != user.id:
        return await ask(update, context, Waiting.PHONE, t.registration.error_foreign_contact)
    return await _got_phone(update, context, contact.phone_number)


async def typed_phone(update: Update, context: Context) -> Waiting:
    """Store a typed mainland mobile number."""
    return await _got_phone(update, context, _text(update))


async def _got_phone(update: Update, context: Context, text: str) -> Waiting:
    t = context.texts(update.effective_user)
    phone = parse_phone(text)
    if isinstance(phone, Problem):
        return await ask(update, context, Waiting.PHONE, _problem(t, phone))
    draft = _draft(context)
    draft.phone = phone
    if update.effective_message is not None:
        # The confirmation also takes the share-contact keyboard away.
        await update.effective_message.reply_text(
            fmt(t.registration.phone_saved, phone=mask_phone(phone)),
            reply_markup=ReplyKeyboardRemove(),
        )
    return await _answered(update, context, draft, Waiting.PHONE)


async def chose_referrer(update: Update, context: Context) -> Waiting | int:
    """Keep the referrer from the link, or record that there is none."""
    query, t = update.callback_query, context.texts(update.effective_user)
    args = callbacks.decode(query.data if query else None, FEATURE, 2)
    draft = _draft(context)
    if query is None or args is None or (args[1] == "keep" and draft.link_referrer_id is None):
        return await reprompt(update, context, redispatch=False)
    await query.answer()
    keep = args[1] == "keep"
    draft.referrer_id = draft.link_referrer_id if keep else None
    draft.referrer_name = draft.link_referrer_name if keep else None
    draft.referrer_note, draft.referrer_asked = None, True
    value = _referrer_text(t, draft)
    await query.edit_message_text(
        fmt(t.registration.chosen, label=_label(t, Field.REFERRER), value=value)
    )
    return await _answered(update, context, draft, Waiting.REFERRER)


async def typed_referrer(update: Update, context: Context) -> Waiting:
    """Record a referrer typed by name (kept as a note for staff, not a credited link)."""
    t = context.texts(update.effective_user)
    note = clean_text(_text(update), NOTE_MAX_CHARS)
    if isinstance(note, TextProblem):
        problem = _problem(t, note, limit=NOTE_MAX_CHARS, length=_typed_length(update))
        return await ask(update, context, Waiting.REFERRER, problem)
    draft = _draft(context)
    draft.referrer_id, draft.referrer_name = None, None
    draft.referrer_note, draft.referrer_asked = note, True
    return await _answered(update, context, draft, Waiting.REFERRER)


# ------------------------------------------------------------------ summary
async def change(update: Update, context: Context) -> Waiting | int:
    """Show which field to change."""
    query, t = update.callback_query, context.texts(update.effective_user)
    if query is None:
        return await reprompt(update, context, redispatch=False)
    await query.answer()
    draft = _draft(context)
    draft.step = int(Waiting.FIELD_TO_CHANGE)
    _save(context, draft)
    text = Html(summary(t, draft) + "\n\n" + fmt(t.registration.choose_field))
    await query.edit_message_text(text, reply_markup=_field_buttons(t, draft))
    return Waiting.FIELD_TO_CHANGE


async def change_field(update: Update, context: Context) -> Waiting | int:
    """Ask the chosen field again; its answer leads back to the summary."""
    query = update.callback_query
    args = callbacks.decode(query.data if query else None, FEATURE, 2)
    draft = _draft(context)
    if (
        query is None
        or args is None
        or args[1] not in Field._value2member_map_
        or Field(args[1]) not in _changeable(draft)
    ):
        return await reprompt(update, context, redispatch=False)
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft.editing = True
    _save(context, draft)
    return await ask(update, context, _STATE_OF_FIELD[Field(args[1])])


async def back_to_summary(update: Update, context: Context) -> Waiting:
    """Leave the field choice without changing anything."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)
    return await ask(update, context, Waiting.CONFIRMATION)


async def submit(update: Update, context: Context) -> Waiting | int:
    """File the project (after a duplicate check), tell the resident and notify staff."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return ConversationHandler.END
    await query.answer()
    allow = callbacks.decode(query.data, FEATURE, 1) == ["dup"]
    draft = _draft(context)
    registration = context.services.registration
    result: Submitted | Duplicate | Incomplete | ResubmitRefusal
    if draft.resubmit_id is not None:
        result = await registration.resubmit(user.id, draft)
    else:
        result = await registration.submit(user.id, draft, allow_duplicate=allow)
    await query.edit_message_reply_markup(None)
    if isinstance(result, ResubmitRefusal):  # resubmitted meanwhile, or erased
        _drop(context)
        t = context.texts(user)
        text = dict(t.registration.resubmit_refused)[result.value]
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        await context.bot.send_message(chat_id, text, reply_markup=main_menu(t))
        return ConversationHandler.END
    if isinstance(result, Duplicate):
        when = result.existing.created_at.astimezone(context.services.settings.timezone)
        draft.duplicate_ref, draft.duplicate_at = result.existing.ref_no, f"{when:%Y-%m-%d %H:%M}"
        draft.duplicate_returned_id = (
            result.existing.id if result.existing.status is ProjectStatus.RETURNED else None
        )
        _save(context, draft)
        return await ask(update, context, Waiting.DUPLICATE_CONFIRMATION)
    if isinstance(result, Incomplete):
        draft.editing = True
        _save(context, draft)
        t = context.texts(user)
        gone = getattr(draft, result.field.value, None) is not None  # no longer offered
        note = fmt(t.registration.choice_gone, label=_label(t, result.field)) if gone else None
        return await ask(update, context, _STATE_OF_FIELD[result.field], note)
    # The project is stored: whatever happens to the messages below, the dialog is over.
    _drop(context)
    try:
        await _confirm(update, context, result, draft)
    except TelegramError as exc:
        _LOGGER.error(
            "error while handling update %s: the confirmation of %s was not delivered (%s)",
            update.update_id,
            result.project.ref_no,
            exc.message,
        )
        t = context.texts(user)
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        await send_safely(
            context, chat_id, lambda: context.bot.send_message(chat_id, t.common.error)
        )
    await review.notify_staff(context, result.review)
    return ConversationHandler.END


async def _confirm(update: Update, context: Context, result: Submitted, draft: Draft) -> None:
    t = context.texts(update.effective_user)
    r = t.registration
    status = status_label(t, result.project.status)
    done = r.submitted if draft.resubmit_id is None else r.resubmitted
    lines = [fmt(done, ref_no=result.project.ref_no, status=status)]
    if result.referral is not None and result.referral.credited:
        lines.append(fmt(r.referral_credited, name=draft.referrer_name))
    elif result.referral is not None and result.referral.refused is not None:
        lines.append(fmt(dict(r.referral_refused)[result.referral.refused.value]))
    tax = [[InlineKeyboardButton(r.btn_tax_rebate, callback_data=_tax_rebate_data())]]
    if update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    text = Html("\n\n".join(lines))
    await context.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(tax))
    await context.bot.send_message(chat_id, t.common.menu_prompt, reply_markup=main_menu(t))


def _tax_rebate_data() -> str:
    return callbacks.encode("topic", TAX_REBATE_TOPIC)


# ------------------------------------------------------------------ outside the dialog
async def my_projects(update: Update, context: Context) -> None:
    """List the resident's projects with their status history."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    r, tz = t.registration, context.services.settings.timezone
    records = await context.services.registration.projects_of(user.id)
    if not records:
        await message.reply_text(r.my_projects_none)
        return
    statuses = dict(t.statuses.projects)
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
                    else statuses.get(c.status, c.status)
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
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    r = t.registration
    referred = await context.services.registration.referred_by(user.id)
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
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    result = await context.services.registration.invite(user.id, context.bot.username)
    await message.reply_photo(
        result.qr_png,
        caption=fmt(t.registration.invite, link=result.link),
        filename="invite.png",
    )


# ------------------------------------------------------------------ wiring
def dialog(settings: Settings) -> ConversationHandler[Context]:
    """The registration dialog (entry: /register and the 📝 menu button)."""
    text = filters.TEXT & ~filters.COMMAND
    # The 修改并重新提交 button (see handlers.review) also works at the summary of a dialog
    # already under way: it reopens that returned project from what is stored.
    again = CallbackQueryHandler(start_resubmit, pattern=callbacks.pattern(FEATURE, "again"))
    states: dict[object, list[BaseHandler[Update, Context, Any]]] = {
        Waiting.NAME: [MessageHandler(text, got_name)],
        Waiting.INDUSTRY_OTHER: [MessageHandler(text, got_other_industry)],
        Waiting.INVESTMENT: [MessageHandler(text, got_investment)],
        Waiting.JOBS: [MessageHandler(text, got_jobs)],
        Waiting.PHONE: [
            MessageHandler(filters.CONTACT, got_contact),
            MessageHandler(text, typed_phone),
        ],
        Waiting.REFERRER: [
            CallbackQueryHandler(chose_referrer, pattern=callbacks.pattern(FEATURE, "ref")),
            MessageHandler(text, typed_referrer),
        ],
        Waiting.CONFIRMATION: [
            again,
            CallbackQueryHandler(submit, pattern=callbacks.pattern(FEATURE, "submit")),
            CallbackQueryHandler(change, pattern=callbacks.pattern(FEATURE, "edit")),
            CallbackQueryHandler(cancel, pattern=callbacks.pattern(FEATURE, "x")),
        ],
        Waiting.FIELD_TO_CHANGE: [
            again,
            CallbackQueryHandler(change_field, pattern=callbacks.pattern(FEATURE, "field")),
            CallbackQueryHandler(back_to_summary, pattern=callbacks.pattern(FEATURE, "sum")),
        ],
        Waiting.DUPLICATE_CONFIRMATION: [
            again,
            CallbackQueryHandler(submit, pattern=callbacks.pattern(FEATURE, "dup")),
            CallbackQueryHandler(cancel, pattern=callbacks.pattern(FEATURE, "x")),
        ],
    }
    for state, (key, _, _) in _CHOICES.items():
        states[state] = [
            CallbackQueryHandler(chose_option, pattern=callbacks.pattern(FEATURE, key)),
            MessageHandler(text, typed_option),
        ]
    _BUTTONS.clear()
    for waiting, handlers in states.items():
        if isinstance(waiting, Waiting):
            _BUTTONS[waiting] = [h for h in handlers if isinstance(h, CallbackQueryHandler)]
    return conversation(
        settings=settings,
        entry_points=[
            CommandHandler("register", start),
            MessageHandler(filters.Text(menu_labels("btn_register")), start),
            again,
        ],
        states=states,
        fallbacks=[
            CommandHandler("cancel", cancel),
            CommandHandler("back", back),
            MessageHandler(filters.ALL, reprompt),
            CallbackQueryHandler(reprompt),
        ],
        name="registration",
        on_timeout=timed_out,
    )


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The resident's registration commands outside the dialog."""
    return [
        CommandHandler("myprojects", my_projects),
        CommandHandler("myreferrals", my_referrals),
        CommandHandler("invite", invite),
    ]
