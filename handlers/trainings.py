"""Trainings: browse and sign up, /mytrainings, subscriptions, staff dialogs, and the dispatcher.

Residents see session cards with 报名 / 取消报名 / 日历 buttons, keep a list of their sessions
and choose which announcements they get. Staff publish sessions with ``/newtraining`` and
edit, move or cancel them from a session's 🛠 view. Reminders and notices are not sent from
here directly: the service writes them as rows and ``bot.services.dispatcher`` -- run by the
JobQueue at the next due time, every minute, right after a change, and once at startup --
sends whatever is due; this module only words them (``render_outgoing``) and pokes it.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.context import BotData, Context
from bot.dates import DateParseError, parse_end, parse_when
from bot.services.delivery import DeliveryReport, Outbound
from bot.services.text import TextProblem
from bot.services.trainings import (
    EVERYTHING,
    MAX_SESSION,
    Outgoing,
    SignupOutcome,
    TrainingDraft,
    TrainingError,
    calendar_file,
    clean_field,
    split_tags,
    window_problem,
)
from bot.settings import Settings
from bot.texts import Html, Texts, fmt, get_texts, status_label
from bot.texts.sections import TrainingTexts
from db.models import NoticeKind, SessionCard, SignupStatus, TrainingStatus
from handlers.dialogs import cancel_for, conversation

_LOGGER = logging.getLogger(__name__)

RES = "tr"  # resident buttons
STAFF = "trs"  # staff buttons
NEW = "trn"  # the /newtraining confirmation
DRAFT = "new_training"
MANAGE = "training_manage"

AnyApp = Application[Any, Any, Any, Any, BotData, Any]


class NewTrainingStep(IntEnum):
    """What the /newtraining dialog waits for."""

    TITLE = 1
    TAGS = 2
    TARGET = 3
    START = 4
    END = 5
    PLACE = 6
    CAPACITY = 7
    DESCRIPTION = 8
    CONFIRMATION = 9


class ManageStep(IntEnum):
    """What the staff edit/move dialog waits for."""

    NEW_START = 1
    MOVE_CONFIRMATION = 2
    FIELD_VALUE = 3


# ---------------------------------------------------------------------- rendering
def when_text(tt: TrainingTexts, start: datetime, end: datetime, tz: Any) -> str:
    """ "12月5日（周六）14:00–16:00" in the town's time zone; an end on another day is
    shown with its date ("12月2日（周三）09:00 – 12月5日（周六）14:00")."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    values = {
        "month": s.month,
        "day": s.day,
        "weekday": tt.weekdays[s.weekday()],
        "start": s.strftime("%H:%M"),
        "end": e.strftime("%H:%M"),
    }
    if e.date() == s.date():
        return tt.when.format(**values)
    return tt.when_span.format(
        **values, end_month=e.month, end_day=e.day, end_weekday=tt.weekdays[e.weekday()]
    )


def moment_text(tt: TrainingTexts, moment: datetime, tz: Any) -> str:
    """ "12月5日（周六）14:00": one point in time, as the start of ``when_text``."""
    return when_text(tt, moment, moment, tz).rsplit("–", 1)[0]


def card_text(t: Texts, card: SessionCard, tz: Any, *, with_seats: bool = True) -> Html:
    """A session as a resident sees it: what, when, where, seats and their own place."""
    tt, tr = t.trainings, card.training
    status = (
        fmt(tt.status_note, status=status_label(t, tr.status))
        if tr.status is not TrainingStatus.SCHEDULED
        else ""
    )
    lines: list[str] = [
        fmt(tt.card_title, title=tr.title, status=status),
        fmt(tt.line_when, when=when_text(tt, tr.starts_at, tr.ends_at, tz)),
        fmt(tt.line_place, place=tr.place),
    ]
    if tr.target_group:
        lines.append(fmt(tt.line_target, target=tr.target_group))
    if tr.tags:
        lines.append(fmt(tt.line_tags, tags=tt.tag_separator.join(tr.tags)))
    if tr.description:
        lines.append(fmt(tt.line_description, description=tr.description))
    if with_seats:
        if card.seats_left:
            lines.append(fmt(tt.seats_left, left=card.seats_left, capacity=tr.capacity))
        else:
            lines.append(fmt(tt.seats_full, capacity=tr.capacity, waitlisted=card.waitlisted))
    if card.my_status is SignupStatus.SIGNED:
        lines.append(tt.you_signed)
    elif card.my_status is SignupStatus.WAITLISTED:
        lines.append(fmt(tt.you_waitlisted, position=card.my_position or 0))
    return Html("\n".join(lines))


def card_keyboard(tt: TrainingTexts, card: SessionCard, *, staff: bool) -> InlineKeyboardMarkup:
    """报名 or 取消报名 (+ calendar) for residents, plus 🛠 for staff."""
    tid = card.training.id
    row: list[InlineKeyboardButton] = []
    if card.training.status is not TrainingStatus.CANCELLED:
        if card.my_status in (SignupStatus.SIGNED, SignupStatus.WAITLISTED):
            row.append(_button(tt.btn_leave, RES, "leave", tid))
        if card.my_status is SignupStatus.SIGNED:  # a waitlist place is no date to keep
            row.append(_button(tt.btn_calendar, RES, "ics", tid))
        else:
            label = tt.btn_join if card.seats_left else tt.btn_join_waitlist
            row.append(_button(label, RES, "join", tid))
    rows = [row] if row else []
    if staff:
        rows.append([_button(tt.btn_manage, RES, "adm", tid)])
    return InlineKeyboardMarkup(rows)


def _button(label: str, feature: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.encode(feature, *args))


def _error_text(tt: TrainingTexts, code: str) -> str:
    if code == "too_long":
        return tt.too_long.format(days=MAX_SESSION.days)
    return dict(tt.errors).get(code, dict(tt.errors)["field"])


def _time_left(tt: TrainingTexts, delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if (minutes >= 60 and minutes % 60 == 0) or minutes >= 180:
        return tt.hours.format(n=round(minutes / 60))
    return tt.minutes.format(n=minutes)


# ------------------------------------------------------------------ residents
async def list_trainings(update: Update, context: Context) -> None:
    """Show upcoming sessions, one card each, with sign-up buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    cards = await context.services.trainings.upcoming(user.id)
    if not cards:
        await message.reply_text(t.trainings.none_upcoming)
        return
    await message.reply_text(fmt(t.trainings.list_header, count=len(cards)))
    await _send_cards(update, context, cards)


async def my_trainings(update: Update, context: Context) -> None:
    """Show the sessions the user signed up or is waitlisted for."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    cards = await context.services.trainings.mine(user.id)
    if not cards:
        await message.reply_text(t.trainings.mine_none)
        return
    await message.reply_text(fmt(t.trainings.mine_header, count=len(cards)))
    await _send_cards(update, context, cards)


async def _send_cards(update: Update, context: Context, cards: list[SessionCard]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    t = context.texts(user)
    tt = t.trainings
    tz = context.services.settings.timezone
    staff = context.services.roles.is_staff(user.id)
    for card in cards:
        await message.reply_text(
            card_text(t, card, tz), reply_markup=card_keyboard(tt, card, staff=staff)
        )


async def _query_training_id(update: Update, context: Context, action: str) -> int | None:
    """Decode ``v1:tr:<action>:<id>``; answer a stale or forged button politely."""
    query = update.callback_query
    if query is None:
        return None
    tid = callbacks.decode_id(query.data, RES, action)
    if tid is None:
        await query.answer(context.texts(update.effective_user).common.stale_button, True)
    return tid


async def join(update: Update, context: Context) -> None:
    """Sign the user up (or waitlist them) and refresh the card."""
    query, user = update.callback_query, update.effective_user
    tid = await _query_training_id(update, context, "join")
    if query is None or user is None or tid is None:
        return
    tt = context.texts(user).trainings
    result = await context.services.trainings.signup(tid, user.id)
    toast = {
        SignupOutcome.SIGNED: tt.toast_signed,
        SignupOutcome.WAITLISTED: tt.toast_waitlisted,
        SignupOutcome.ALREADY_SIGNED: tt.toast_already_signed,
        SignupOutcome.ALREADY_WAITLISTED: tt.toast_already_waitlisted,
        SignupOutcome.CLOSED: tt.toast_closed,
        SignupOutcome.NOT_FOUND: tt.toast_not_found,
    }[result.outcome]
    await query.answer(toast.format(position=result.position))
    if result.outcome is SignupOutcome.SIGNED:
        await arm_timer(context.application)
    card = await _refresh_card(update, context, tid)
    if card is not None and result.outcome in (SignupOutcome.SIGNED, SignupOutcome.WAITLISTED):
        await _confirm_signup(update, context, card, result.position)


def reminders_text(tt: TrainingTexts, offsets: tuple[timedelta, ...], separator: str) -> str:
    """When the reminders come ("开课前 24小时、2小时会提醒您。"); empty without reminders."""
    if not offsets:
        return ""
    times = separator.join(_time_left(tt, o) for o in sorted(offsets, reverse=True))
    return tt.reminders_line.format(offsets=times)


async def _confirm_signup(
    update: Update, context: Context, card: SessionCard, position: int
) -> None:
    """Say in the chat what the sign-up means: the reminders to expect, or the waitlist place."""
    chat = update.effective_chat
    if chat is None:
        return
    t = context.texts(update.effective_user)
    tt, tr = t.trainings, card.training
    if card.my_status is SignupStatus.WAITLISTED:
        text = fmt(tt.waitlist_confirm, title=tr.title, position=card.my_position or position)
    else:
        tz = context.services.settings.timezone
        reminders = reminders_text(tt, context.services.trainings.offsets, t.common.list_separator)
        when = when_text(tt, tr.starts_at, tr.ends_at, tz)
        text = fmt(
            tt.signed_confirm, title=tr.title, when=when, place=tr.place, reminders=reminders
        )
    await context.bot.send_message(chat.id, text)


async def leave(update: Update, context: Context) -> None:
    """Withdraw the user's seat or waitlist place; whoever moves up is told."""
    query, user = update.callback_query, update.effective_user
    tid = await _query_training_id(update, context, "leave")
    if query is None or user is None or tid is None:
        return
    tt = context.texts(user).trainings
    result = await context.services.trainings.withdraw(tid, user.id)
    await query.answer(tt.toast_withdrawn if result.withdrawn else tt.toast_not_signed)
    if result.promoted:
        kick(context.application)
    card = await _refresh_card(update, context, tid)
    if result.withdrawn and card is not None and update.effective_chat is not None:
        text = fmt(tt.withdrawn_confirm, title=card.training.title)
        await context.bot.send_message(update.effective_chat.id, text)


async def _refresh_card(update: Update, context: Context, tid: int) -> SessionCard | None:
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    card = await context.services.trainings.card(tid, user.id)
    if card is None or query.message is None:
        return card
    t = context.texts(user)
    tt = t.trainings
    staff = context.services.roles.is_staff(user.id)
    text = card_text(t, card, context.services.settings.timezone)
    markup = card_keyboard(tt, card, staff=staff)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # pressing 报名 twice changes nothing on the card
        if "not modified" not in exc.message:
            raise
    return card


async def send_calendar(update: Update, context: Context) -> None:
    """Send an .ics file for a session the user has a seat in (not a waitlist place)."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    tid = await _query_training_id(update, context, "ics")
    if query is None or user is None or chat is None or tid is None:
        return
    tt = context.texts(user).trainings
    card = await context.services.trainings.card(tid, user.id)
    if card is None or card.my_status is not SignupStatus.SIGNED:
        waiting = card is not None and card.my_status is SignupStatus.WAITLISTED
        await query.answer(
            tt.calendar_signed_only if waiting else tt.toast_not_signed, show_alert=True
        )
        return
    await query.answer()
    data = calendar_file(card.training, now=context.services.trainings.now())
    await context.bot.send_document(
        chat.id,
        InputFile(data, filename=f"training-{tid}.ics"),
        caption=fmt(tt.calendar_caption, title=card.training.title),
    )


# -------------------------------------------------------------- subscriptions
def _subscription_keyboard(t: Texts, tags: tuple[str, ...], on: set[str]) -> InlineKeyboardMarkup:
    tt = t.trainings

    def mark(active: bool, label: str) -> str:
        return (tt.subscribed_mark if active else tt.unsubscribed_mark) + label

    buttons = [_button(mark(EVERYTHING in on, tt.subscribe_everything), RES, "sub", "all")]
    buttons += [_button(mark(tag in on, tag), RES, "sub", i) for i, tag in enumerate(tags)]
    rows = [buttons[:1]] + [buttons[i : i + 2] for i in range(1, len(buttons), 2)]
    rows.append([_button(tt.btn_done, RES, "sub", "done")])
    return InlineKeyboardMarkup(rows)


def _subscription_summary(t: Texts, on: set[str]) -> str:
    if not on:
        return t.trainings.subscribed_nothing
    names = [t.trainings.subscribe_everything if tag == EVERYTHING else tag for tag in on]
    return t.common.list_separator.join(sorted(names))


async def subscribe(update: Update, context: Context) -> None:
    """Offer tag toggles for training announcements."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    service = context.services.trainings
    on = await service.subscriptions(user.id)
    text = fmt(t.trainings.subscribe_prompt, current=_subscription_summary(t, on))
    await message.reply_text(text, reply_markup=_subscription_keyboard(t, service.tags(), on))


async def toggle_subscription(update: Update, context: Context) -> None:
    """Flip one tag (or 'everything'), or close the picker with a summary."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = context.texts(user)
    service = context.services.trainings
    args = callbacks.decode(query.data, RES, 2)
    tags = service.tags()
    choice = args[1] if args else ""
    if choice == "done":
        await query.answer()
        summary = _subscription_summary(t, await service.subscriptions(user.id))
        await query.edit_message_text(fmt(t.trainings.subscribe_saved, current=summary))
        return
    if choice != "all" and not (choice.isdigit() and int(choice) < len(tags)):
        await query.answer(t.common.stale_button, show_alert=True)
        return
    await query.answer()
    on = await service.toggle(user.id, EVERYTHING if choice == "all" else tags[int(choice)])
    text = fmt(t.trainings.subscribe_prompt, current=_subscription_summary(t, on))
    await query.edit_message_text(text, reply_markup=_subscription_keyboard(t, tags, on))


async def unsubscribe(update: Update, context: Context) -> None:
    """Drop every training subscription."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    tt = context.texts(user).trainings
    count = await context.services.trainings.unsubscribe_all(user.id)
    await message.reply_text(fmt(tt.unsubscribed, count=count) if count else tt.unsubscribe_none)


# -------------------------------------------------------------------- staff view
def _staff_keyboard(tt: TrainingTexts, tid: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(tt.btn_move, STAFF, "move", tid),
                _button(tt.btn_edit_place, STAFF, "edit", tid, "place"),
            ],
            [
                _button(tt.btn_edit_capacity, STAFF, "edit", tid, "capacity"),
                _button(tt.btn_edit_title, STAFF, "edit", tid, "title"),
            ],
            [
                _button(tt.btn_edit_target, STAFF, "edit", tid, "target_group"),
                _button(tt.btn_edit_tags, STAFF, "edit", tid, "tags"),
            ],
            [
                _button(tt.btn_edit_description, STAFF, "edit", tid, "description"),
                _button(tt.btn_cancel_training, STAFF, "cancel", tid),
            ],
        ]
    )


async def manage(update: Update, context: Context) -> None:
    """Show a session's staff view: counts and the edit, move and cancel buttons."""
    query, user = update.callback_query, update.effective_user
    tid = await _query_training_id(update, context, "adm")
    if query is None or user is None or tid is None:
        return
    await query.answer()
    await _send_staff_view(update, context, tid)


async def _send_staff_view(update: Update, context: Context, tid: int) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    t = context.texts(user)
    tt = t.trainings
    service = context.services.trainings
    card = await service.overview(tid)
    if card is None:
        await message.reply_text(_error_text(tt, "not_found"))
        return
    text = fmt(
        tt.staff_view,
        card=card_text(t, card, context.services.settings.timezone, with_seats=False),
        signed=card.signed,
        capacity=card.training.capacity,
        waitlisted=card.waitlisted,
        pending=await service.pending_notice_count(tid),
    )
    cancelled = card.training.status is TrainingStatus.CANCELLED
    await message.reply_text(text, reply_markup=None if cancelled else _staff_keyboard(tt, tid))


def _staff_args(update: Update, action: str, arity: int) -> list[str] | None:
    query = update.callback_query
    args = callbacks.decode(query.data if query else None, STAFF, arity + 1)
    if args is None or args[0] != action or not args[1].isdigit():
        return None
    return args[1:]


async def staff_button(update: Update, context: Context) -> None:
    """Handle the staff buttons outside a dialog: cancel (ask, confirm, keep); else stale."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = context.texts(user)
    tt = t.trainings
    service = context.services.trainings
    for action in ("cancel", "cancelok", "keep"):
        tid = callbacks.decode_id(query.data, STAFF, action)
        if tid is not None:
            break
    else:
        await query.answer(t.common.stale_button, show_alert=True)
        return
    await query.answer()
    if action == "keep":
        await query.edit_message_text(tt.cancel_kept)
        return
    card = await service.overview(tid)
    if card is None:
        await query.edit_message_text(_error_text(tt, "not_found"))
        return
    if action == "cancel":
        text = fmt(
            tt.confirm_cancel, title=card.training.title, count=card.signed + card.waitlisted
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    _button(tt.btn_confirm_cancel, STAFF, "cancelok", tid),
                    _button(tt.btn_keep, STAFF, "keep", tid),
                ]
            ]
        )
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    try:
        result = await service.cancel(tid, actor=user.id)
    except TrainingError as exc:
        await query.edit_message_text(_error_text(tt, exc.code))
        return
    await query.edit_message_text(fmt(tt.cancelled_done, notified=result.notified))
    kick(context.application)


# ------------------------------------------------------------ /newtraining dialog
def _draft(context: Context) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _prompt(t: Texts, step: NewTrainingStep, context: Context) -> str:
    tt = t.trainings
    if step is NewTrainingStep.TAGS:
        known = t.common.list_separator.join(context.services.trainings.tags())
        return fmt(tt.ask_tags, known=known)
    return {
        NewTrainingStep.TITLE: tt.ask_title,
        NewTrainingStep.TARGET: tt.ask_target,
        NewTrainingStep.START: tt.ask_start,
        NewTrainingStep.END: tt.ask_end,
        NewTrainingStep.PLACE: tt.ask_place,
        NewTrainingStep.CAPACITY: tt.ask_capacity,
        NewTrainingStep.DESCRIPTION: tt.ask_description,
    }.get(step, tt.summary)


# The draft key each /newtraining question fills (also the keys of the 修改 picker).
_STEP_FIELD = {
    NewTrainingStep.TITLE: "title",
    NewTrainingStep.TAGS: "tags",
    NewTrainingStep.TARGET: "target",
    NewTrainingStep.START: "start",
    NewTrainingStep.END: "end",
    NewTrainingStep.PLACE: "place",
    NewTrainingStep.CAPACITY: "capacity",
    NewTrainingStep.DESCRIPTION: "description",
}


def _given(t: Texts, step: NewTrainingStep, draft: dict[str, Any], tz: Any) -> str | None:
    """The answer already in the draft for ``step``, as shown to staff; None if none yet."""
    tt, key = t.trainings, _STEP_FIELD.get(step)
    if key is None or key not in draft:
        return None
    value = draft[key]
    if key == "tags":
        return tt.tag_separator.join(value) or tt.none_value
    if key in ("start", "end"):
        return moment_text(tt, datetime.fromisoformat(value), tz)
    return str(value) or tt.none_value


async def _ask(update: Update, context: Context, step: NewTrainingStep) -> NewTrainingStep:
    assert update.effective_message is not None
    draft = _draft(context)
    draft["step"] = int(step)
    t = context.texts(update.effective_user)
    text = _prompt(t, step, context)
    given = _given(t, step, draft, context.services.settings.timezone)
    if given is not None:
        text = Html(f"{text}\n{fmt(t.trainings.current_value, value=given)}")
    await update.effective_message.reply_text(text)
    return step


async def _advance(update: Update, context: Context, step: NewTrainingStep) -> NewTrainingStep:
    """After an answer: the next question, or the summary (last step, or changing one field)."""
    draft = _draft(context)
    if draft.pop("editing", False) or step is NewTrainingStep.DESCRIPTION:
        return await _show_summary(update, context)
    return await _ask(update, context, NewTrainingStep(step + 1))


def _typed(update: Update, tt: TrainingTexts, *, optional: bool = False) -> str:
    message = update.effective_message
    text = (message.text or "").strip() if message else ""
    if optional and text.lower() in tt.skip_words:
        return ""
    return text


async def new_training(update: Update, context: Context) -> NewTrainingStep | int:
    """Start the /newtraining dialog (staff only) by asking for the title."""
    if context.user_data is None:
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await _ask(update, context, NewTrainingStep.TITLE)


async def _got_field(update: Update, context: Context, field: str) -> bool:
    """Store the typed ``field`` cleaned; if it cannot be stored, say why and return False."""
    tt = context.texts(update.effective_user).trainings
    value = clean_field(field, _typed(update, tt, optional=field in ("target", "description")))
    if isinstance(value, TextProblem):
        if update.effective_message is not None:
            await update.effective_message.reply_text(_error_text(tt, field))
        return False
    _draft(context)[field] = value
    return True


async def got_title(update: Update, context: Context) -> NewTrainingStep:
    """Store the title and ask for tags (a bad title is asked again)."""
    if not await _got_field(update, context, "title"):
        return NewTrainingStep.TITLE
    return await _advance(update, context, NewTrainingStep.TITLE)


async def got_tags(update: Update, context: Context) -> NewTrainingStep:
    """Store the tags and ask for the target group."""
    tt = context.texts(update.effective_user).trainings
    _draft(context)["tags"] = list(split_tags(_typed(update, tt, optional=True)))
    return await _advance(update, context, NewTrainingStep.TAGS)


async def got_target(update: Update, context: Context) -> NewTrainingStep:
    """Store the target group and ask for the start (a too long one is asked again)."""
    if not await _got_field(update, context, "target"):
        return NewTrainingStep.TARGET
    return await _advance(update, context, NewTrainingStep.TARGET)


async def got_start(update: Update, context: Context) -> NewTrainingStep:
    """Parse the start as typed; ask again if it is not understood or in the past."""
    assert update.effective_message is not None
    tt = context.texts(update.effective_user).trainings
    service = context.services.trainings
    try:
        start = parse_when(
            _typed(update, tt), now=service.now(), tz=context.services.settings.timezone
        )
    except DateParseError:
        await update.effective_message.reply_text(tt.bad_date)
        return NewTrainingStep.START
    if start <= service.now():
        await update.effective_message.reply_text(_error_text(tt, "past"))
        return NewTrainingStep.START
    draft = _draft(context)
    draft["start"] = start.isoformat()
    end = datetime.fromisoformat(draft["end"]) if "end" in draft else None
    if draft.get("editing") and (end is None or window_problem(start, end)):
        return await _ask(update, context, NewTrainingStep.END)  # the old end no longer fits
    return await _advance(update, context, NewTrainingStep.START)


async def got_end(update: Update, context: Context) -> NewTrainingStep:
    """Parse the end (a time, a date and time, or a length) and ask for the place."""
    assert update.effective_message is not None
    tt = context.texts(update.effective_user).trainings
    service = context.services.trainings
    start = datetime.fromisoformat(_draft(context)["start"])
    try:
        end = parse_end(
            _typed(update, tt),
            start=start,
            now=service.now(),
            tz=context.services.settings.timezone,
        )
    except DateParseError:
        await update.effective_message.reply_text(tt.bad_date)
        return NewTrainingStep.END
    if problem := window_problem(start, end):
        await update.effective_message.reply_text(_error_text(tt, problem))
        return NewTrainingStep.END
    _draft(context)["end"] = end.isoformat()
    return await _advance(update, context, NewTrainingStep.END)


async def got_place(update: Update, context: Context) -> NewTrainingStep:
    """Store the place and ask for the number of seats (a bad place is asked again)."""
    if not await _got_field(update, context, "place"):
        return NewTrainingStep.PLACE
    return await _advance(update, context, NewTrainingStep.PLACE)


async def got_capacity(update: Update, context: Context) -> NewTrainingStep:
    """Store the number of seats (digits, full-width too) and ask for a description."""
    assert update.effective_message is not None
    tt = context.texts(update.effective_user).trainings
    digits = unicodedata.normalize("NFKC", _typed(update, tt)).removesuffix("人").strip()
    if not digits.isdigit() or not 1 <= int(digits) <= 100_000:
        await update.effective_message.reply_text(tt.bad_capacity)
        return NewTrainingStep.CAPACITY
    _draft(context)["capacity"] = int(digits)
    return await _advance(update, context, NewTrainingStep.CAPACITY)


def _draft_object(draft: dict[str, Any]) -> TrainingDraft:
    return TrainingDraft(
        title=str(draft.get("title", "")),
        tags=tuple(draft.get("tags", ())),
        target_group=str(draft.get("target", "")),
        starts_at=datetime.fromisoformat(draft["start"]),
        ends_at=datetime.fromisoformat(draft["end"]),
        place=str(draft.get("place", "")),
        capacity=int(draft.get("capacity", 0)),
        description=str(draft.get("description", "")),
    )


async def got_description(update: Update, context: Context) -> NewTrainingStep:
    """Store the description and show the summary with 发布 / 修改 / 放弃."""
    if not await _got_field(update, context, "description"):
        return NewTrainingStep.DESCRIPTION
    return await _advance(update, context, NewTrainingStep.DESCRIPTION)


async def _show_summary(update: Update, context: Context) -> NewTrainingStep:
    """Show the draft to check, with 发布 / 修改 / 放弃."""
    assert update.effective_message is not None
    tt = context.texts(update.effective_user).trainings
    draft = _draft(context)
    draft["step"] = int(NewTrainingStep.CONFIRMATION)
    d = _draft_object(draft)
    text = fmt(
        tt.summary,
        title=d.title,
        tags=tt.tag_separator.join(d.tags) or tt.none_value,
        target=d.target_group or tt.none_value,
        when=when_text(tt, d.starts_at, d.ends_at, context.services.settings.timezone),
        place=d.place,
        capacity=d.capacity,
        description=d.description or tt.none_value,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(tt.btn_publish, NEW, "publish"),
                _button(tt.btn_change, NEW, "change"),
                _button(tt.btn_discard, NEW, "discard"),
            ]
        ]
    )
    await update.effective_message.reply_text(text, reply_markup=keyboard)
    return NewTrainingStep.CONFIRMATION


async def choose_new_field(update: Update, context: Context) -> NewTrainingStep:
    """Offer the fields of the draft that can be changed before publishing."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    tt = context.texts(update.effective_user).trainings
    buttons = [_button(label, NEW, "field", key) for key, label in tt.new_fields]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([_button(tt.btn_back_to_summary, NEW, "sum")])
    await query.edit_message_reply_markup(None)
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            tt.choose_field, reply_markup=InlineKeyboardMarkup(rows)
        )
    return NewTrainingStep.CONFIRMATION


async def change_new_field(update: Update, context: Context) -> NewTrainingStep:
    """Ask the chosen field again; its answer leads back to the summary."""
    query = update.callback_query
    assert query is not None
    args = callbacks.decode(query.data, NEW, 2)
    steps = {key: step for step, key in _STEP_FIELD.items()}
    if args is None or args[1] not in steps:
        await query.answer(context.texts(update.effective_user).common.stale_button, True)
        return NewTrainingStep.CONFIRMATION
    await query.answer()
    await query.edit_message_reply_markup(None)
    _draft(context)["editing"] = True
    return await _ask(update, context, steps[args[1]])


async def summary_again(update: Update, context: Context) -> NewTrainingStep:
    """Go back from the field picker to the summary."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _show_summary(update, context)


async def back_new(update: Update, context: Context) -> NewTrainingStep:
    """Go back one question (or from changing a field to the summary); answers are kept."""
    draft = _draft(context)
    step = NewTrainingStep(int(draft.get("step", NewTrainingStep.TITLE)))
    if draft.pop("editing", False):
        return await _show_summary(update, context)
    if step is NewTrainingStep.TITLE:
        if update.effective_message is not None:
            tt = context.texts(update.effective_user).trainings
            await update.effective_message.reply_text(tt.back_at_first)
        return await _ask(update, context, step)
    return await _ask(update, context, NewTrainingStep(step - 1))


async def confirm_new(update: Update, context: Context) -> NewTrainingStep | int:
    """Publish the session (and queue its announcement) or discard the draft."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or context.user_data is None:
        return ConversationHandler.END
    tt = context.texts(user).trainings
    args = callbacks.decode(query.data, NEW, 1)
    await query.answer()
    if args is None or args[0] != "publish":
        context.user_data.pop(DRAFT, None)
        await query.edit_message_text(tt.discarded)
        return ConversationHandler.END
    try:
        result = await context.services.trainings.create(
            _draft_object(_draft(context)), actor=user.id
        )
    except TrainingError as exc:
        await query.edit_message_text(_error_text(tt, exc.code))
        step = {
            "past": NewTrainingStep.START,
            "order": NewTrainingStep.START,
            "too_long": NewTrainingStep.END,
        }.get(exc.code, NewTrainingStep.TITLE)
        return await _ask(update, context, step)
    context.user_data.pop(DRAFT, None)
    await query.edit_message_text(
        fmt(tt.published, id=result.training.id, announced=result.notified)
    )
    kick(context.application)
    return ConversationHandler.END


async def reprompt_new(update: Update, context: Context) -> None:
    """Answer anything unexpected in the dialog by asking the current question again."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    if update.effective_message is None:
        return
    step = NewTrainingStep(int(_draft(context).get("step", NewTrainingStep.TITLE)))
    t = context.texts(update.effective_user)
    if step is NewTrainingStep.CONFIRMATION:
        await update.effective_message.reply_text(t.common.stale_button)
        return
    await update.effective_message.reply_text(_prompt(t, step, context))


cancel_dialog = cancel_for([DRAFT, MANAGE])  # leave a training dialog without saving anything


# ------------------------------------------------------------- staff edit / move dialog
def _drop(context: Context, key: str) -> None:
    if context.user_data is not None:
        context.user_data.pop(key, None)


def _manage_state(context: Context) -> dict[str, Any]:
    assert context.user_data is not None
    state: dict[str, Any] = context.user_data.setdefault(MANAGE, {})
    return state


async def ask_move(update: Update, context: Context) -> ManageStep | int | None:
    """Ask staff for a session's new start time."""
    query, user = update.callback_query, update.effective_user
    tid = callbacks.decode_id(query.data if query else None, STAFF, "move")
    if query is None or user is None:
        return ConversationHandler.END
    tt = context.texts(user).trainings
    training = await context.services.trainings.get(tid) if tid is not None else None
    if training is None or training.status is TrainingStatus.CANCELLED:
        await query.answer(_error_text(tt, "cancelled" if training else "not_found"), True)
        return ConversationHandler.END
    await query.answer()
    state = _manage_state(context)
    state.clear()
    state.update(id=training.id, step=int(ManageStep.NEW_START))
    current = when_text(
        tt, training.starts_at, training.ends_at, context.services.settings.timezone
    )
    await context.bot.send_message(user.id, fmt(tt.ask_new_start, current=current))
    return ManageStep.NEW_START


async def got_new_start(update: Update, context: Context) -> ManageStep:
    """Parse the new start and ask staff to confirm the move."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    tt = context.texts(user).trainings
    service, tz = context.services.trainings, context.services.settings.timezone
    state = _manage_state(context)
    training = await service.get(int(state.get("id", 0)))
    try:
        start = parse_when(message.text or "", now=service.now(), tz=tz)
    except DateParseError:
        await message.reply_text(tt.bad_date)
        return ManageStep.NEW_START
    if training is None or start <= service.now():
        await message.reply_text(_error_text(tt, "past" if training else "not_found"))
        return ManageStep.NEW_START
    state.update(start=start.isoformat(), step=int(ManageStep.MOVE_CONFIRMATION))
    card = await service.overview(training.id)
    count = (card.signed + card.waitlisted) if card else 0
    end = start + (training.ends_at - training.starts_at)
    text = fmt(
        tt.confirm_move,
        title=training.title,
        old=when_text(tt, training.starts_at, training.ends_at, tz),
        new=when_text(tt, start, end, tz),
        count=count,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(tt.btn_confirm_move, STAFF, "moveok", training.id),
                _button(tt.btn_abort, STAFF, "moveno", training.id),
            ]
        ]
    )
    await message.reply_text(text, reply_markup=keyboard)
    return ManageStep.MOVE_CONFIRMATION


async def confirm_move(update: Update, context: Context) -> int:
    """Move the session (re-planning reminders and notifying) or drop the change."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return ConversationHandler.END
    tt = context.texts(user).trainings
    state = _manage_state(context)
    ok = callbacks.decode_id(query.data, STAFF, "moveok")
    await query.answer()
    if ok is None or ok != state.get("id") or "start" not in state:
        _drop(context, MANAGE)
        await query.edit_message_text(tt.move_aborted)
        return ConversationHandler.END
    try:
        result = await context.services.trainings.move(
            ok, datetime.fromisoformat(state["start"]), actor=user.id
        )
    except TrainingError as exc:
        await query.edit_message_text(_error_text(tt, exc.code))
        return ConversationHandler.END
    finally:
        _drop(context, MANAGE)
    await query.edit_message_text(fmt(tt.moved_done, notified=result.notified))
    kick(context.application)
    await arm_timer(context.application)
    return ConversationHandler.END


async def ask_edit(update: Update, context: Context) -> ManageStep | int:
    """Ask staff for the new value of one field of a session."""
    query, user = update.callback_query, update.effective_user
    args = _staff_args(update, "edit", 2)
    if query is None or user is None:
        return ConversationHandler.END
    tt = context.texts(user).trainings
    names = dict(tt.field_names)
    training = await context.services.trainings.get(int(args[0])) if args else None
    if args is None or args[1] not in names or training is None:
        await query.answer(context.texts(user).common.stale_button, True)
        return ConversationHandler.END
    if training.status is TrainingStatus.CANCELLED:
        await query.answer(_error_text(tt, "cancelled"), True)
        return ConversationHandler.END
    await query.answer()
    field = args[1]
    state = _manage_state(context)
    state.clear()
    state.update(id=training.id, field=field, step=int(ManageStep.FIELD_VALUE))
    value = getattr(training, field)
    current = (tt.tag_separator.join(value) if field == "tags" else str(value)) or tt.none_value
    await context.bot.send_message(user.id, fmt(tt.ask_field, field=names[field], current=current))
    return ManageStep.FIELD_VALUE


async def got_field_value(update: Update, context: Context) -> ManageStep | int:
    """Save the new value; a bad one is explained and asked again."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    tt = context.texts(user).trainings
    state = _manage_state(context)
    field = str(state.get("field", ""))
    raw = (message.text or "").strip()
    value: str | int = raw
    if field == "capacity":
        digits = unicodedata.normalize("NFKC", raw).removesuffix("人").strip()
        value = int(digits) if digits.isdigit() else 0
    elif field in ("description", "target_group", "tags") and raw.lower() in tt.skip_words:
        value = ""
    try:
        result = await context.services.trainings.edit(
            int(state.get("id", 0)), field, value, actor=user.id
        )
    except TrainingError as exc:
        await message.reply_text(_error_text(tt, exc.code))
        if exc.code in ("not_found", "cancelled", "field"):
            _drop(context, MANAGE)
            return ConversationHandler.END
        return ManageStep.FIELD_VALUE
    _drop(context, MANAGE)
    names = dict(tt.field_names)
    await message.reply_text(
        fmt(tt.edited, field=names[field], notified=result.notified, promoted=len(result.promoted))
    )
    if result.notified or result.promoted:
        kick(context.application)
    return ConversationHandler.END


async def reprompt_manage(update: Update, context: Context) -> None:
    """Answer anything unexpected in the staff dialog by repeating what it waits for."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update.effective_user)
    state = _manage_state(context)
    step = state.get("step")
    if step == ManageStep.FIELD_VALUE:
        names = dict(t.trainings.field_names)
        field = str(state.get("field", "title"))
        await message.reply_text(
            fmt(t.trainings.ask_field, field=names.get(field, field), current=t.common.ellipsis)
        )
    elif step == ManageStep.NEW_START:
        await message.reply_text(t.trainings.bad_date)
    else:
        await message.reply_text(t.common.stale_button)


# ---------------------------------------------------------------- the dispatcher
def render_outgoing(item: Outgoing, lang: str, tz: Any, now: datetime) -> Outbound:
    """The message for one reminder or notice, in the addressee's language."""
    t = get_texts(lang)
    tt = t.trainings
    tr = item.training
    when = when_text(tt, tr.starts_at, tr.ends_at, tz)
    markup = None
    if item.kind == "reminder":
        left = item.offset if item.offset and not item.late else tr.starts_at - now
        text = fmt(
            tt.reminder, title=tr.title, when=when, place=tr.place, left=_time_left(tt, left)
        )
    elif item.notice is NoticeKind.ANNOUNCE:
        card = SessionCard(tr, 0, 0, None, None)
        text = fmt(tt.announce, card=card_text(t, card, tz, with_seats=False))
        markup = InlineKeyboardMarkup([[_button(tt.btn_join, RES, "join", tr.id)]])
    elif item.notice is NoticeKind.MOVED:
        old = when_text(
            tt, item.old_starts_at or tr.starts_at, item.old_starts_at or tr.starts_at, tz
        )
        old = old.rsplit("–", 1)[0]
        text = fmt(tt.notice_moved, title=tr.title, old=old, when=when, place=tr.place)
    elif item.notice is NoticeKind.CHANGED:
        text = fmt(tt.notice_changed, title=tr.title, when=when, place=tr.place)
    elif item.notice is NoticeKind.CANCELLED:
        text = fmt(tt.notice_cancelled, title=tr.title, when=when)
    else:
        text = fmt(tt.notice_promoted, title=tr.title, when=when, place=tr.place)
        markup = InlineKeyboardMarkup([[_button(tt.btn_calendar, RES, "ics", tr.id)]])
    if item.late:
        text = Html(tt.late_prefix + text + tt.late_note)
    return Outbound(text, markup)


async def dispatch(app: AnyApp) -> DeliveryReport:
    """Send every reminder and notice that is due (``bot.services.dispatcher``)."""
    return await app.bot_data.dispatcher.dispatch(app.bot, app.job_queue)


async def arm_timer(app: AnyApp) -> None:
    """(Re)schedule the dispatcher for the earliest pending reminder."""
    await app.bot_data.dispatcher.arm_timer(app.job_queue)


def kick(app: AnyApp) -> None:
    """Run the dispatcher soon (a change queued notices), unless a run is already queued."""
    app.bot_data.dispatcher.kick(app.job_queue)


async def start_dispatcher(app: AnyApp) -> None:
    """At startup: reconcile interrupted and missed deliveries, then start the dispatcher."""
    await app.bot_data.dispatcher.start(app.job_queue)


# --------------------------------------------------------------------- registration
def dialogs(settings: Settings) -> list[BaseHandler[Any, Any, Any]]:
    """The /newtraining dialog and the staff edit/move dialog."""
    text = filters.TEXT & ~filters.COMMAND
    new_fallbacks: list[BaseHandler[Update, Context, Any]] = [
        CommandHandler("cancel", cancel_dialog),
        CommandHandler("back", back_new),
        MessageHandler(filters.ALL, reprompt_new),
    ]
    manage_fallbacks: list[BaseHandler[Update, Context, Any]] = [
        CommandHandler("cancel", cancel_dialog),
        MessageHandler(filters.ALL, reprompt_manage),
    ]
    manage_entry: list[BaseHandler[Update, Context, Any]] = [
        CallbackQueryHandler(ask_move, pattern=callbacks.pattern(STAFF, "move")),
        CallbackQueryHandler(ask_edit, pattern=callbacks.pattern(STAFF, "edit")),
    ]
    new = conversation(
        settings=settings,
        drafts=(DRAFT,),
        entry_points=[CommandHandler("newtraining", new_training)],
        states={
            NewTrainingStep.TITLE: [MessageHandler(text, got_title)],
            NewTrainingStep.TAGS: [MessageHandler(text, got_tags)],
            NewTrainingStep.TARGET: [MessageHandler(text, got_target)],
            NewTrainingStep.START: [MessageHandler(text, got_start)],
            NewTrainingStep.END: [MessageHandler(text, got_end)],
            NewTrainingStep.PLACE: [MessageHandler(text, got_place)],
            NewTrainingStep.CAPACITY: [MessageHandler(text, got_capacity)],
            NewTrainingStep.DESCRIPTION: [MessageHandler(text, got_description)],
            NewTrainingStep.CONFIRMATION: [
                CallbackQueryHandler(
                    confirm_new, pattern=callbacks.pattern(NEW, "publish", "discard")
                ),
                CallbackQueryHandler(choose_new_field, pattern=callbacks.pattern(NEW, "change")),
                CallbackQueryHandler(change_new_field, pattern=callbacks.pattern(NEW, "field")),
                CallbackQueryHandler(summary_again, pattern=callbacks.pattern(NEW, "sum")),
            ],
        },
        fallbacks=new_fallbacks,
        name="new_training",
    )
    manage_dialog = conversation(
        settings=settings,
        drafts=(MANAGE,),
        entry_points=manage_entry,
        states={
            ManageStep.NEW_START: [MessageHandler(text, got_new_start)],
            ManageStep.MOVE_CONFIRMATION: [
                CallbackQueryHandler(
                    confirm_move, pattern=callbacks.pattern(STAFF, "moveok", "moveno")
                )
            ],
            ManageStep.FIELD_VALUE: [MessageHandler(text, got_field_value)],
        },
        fallbacks=manage_fallbacks,
        name="training_manage",
    )
    return [new, manage_dialog]


def commands_and_buttons(menu_labels: list[str]) -> list[BaseHandler[Any, Any, Any]]:
    """Resident commands, the main-menu button, and the session buttons."""
    return [
        CommandHandler("trainings", list_trainings),
        MessageHandler(filters.Text(menu_labels), list_trainings),
        CommandHandler("mytrainings", my_trainings),
        CommandHandler("subscribe", subscribe),
        CommandHandler("unsubscribe", unsubscribe),
        CallbackQueryHandler(join, pattern=callbacks.pattern(RES, "join")),
        CallbackQueryHandler(leave, pattern=callbacks.pattern(RES, "leave")),
        CallbackQueryHandler(send_calendar, pattern=callbacks.pattern(RES, "ics")),
        CallbackQueryHandler(toggle_subscription, pattern=callbacks.pattern(RES, "sub")),
        CallbackQueryHandler(confirm_new_stale, pattern=callbacks.pattern(NEW)),
    ]


def staff_buttons() -> list[BaseHandler[Any, Any, Any]]:
    """The staff's session view and its cancel buttons outside a dialog."""
    return [
        CallbackQueryHandler(manage, pattern=callbacks.pattern(RES, "adm")),
        CallbackQueryHandler(staff_button, pattern=callbacks.pattern(STAFF)),
    ]


async def confirm_new_stale(update: Update, context: Context) -> None:
    """A 发布 button from a finished /newtraining dialog: say it has expired."""
    if update.callback_query is not None:
        t = context.texts(update.effective_user)
        await update.callback_query.answer(t.common.stale_button, show_alert=True)
