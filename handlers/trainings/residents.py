"""The residents' side of trainings: the list, /mytrainings, 报名 / 取消报名, the calendar file."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from bot.buttons import SessionAction, SessionButton
from bot.context import Context
from bot.services.training_calendar import calendar_file
from bot.services.training_wording import card_text, reminders_text, tag_labels, when_text
from bot.services.trainings import SignupOutcome, SignupResult
from bot.texts import fmt
from db.models import SessionCard, SignupStatus
from handlers.trainings.cards import card_keyboard, send_cards
from handlers.trainings.timers import arm_timer, kick
from handlers.ui import Press, button, message_of

Card = Press[SessionButton]  # a press on a session card's button


async def list_trainings(update: Update, context: Context) -> None:
    """Show upcoming sessions, one card each, with sign-up buttons."""
    await _send_list(update, context, mine=False)


async def my_trainings(update: Update, context: Context) -> None:
    """Show the sessions the user signed up or is waitlisted for."""
    await _send_list(update, context, mine=True)


async def _send_list(update: Update, context: Context, *, mine: bool) -> None:
    if (said := message_of(update, context)) is None:
        return
    service, tt = context.services.trainings, said.t.trainings
    cards = await (service.mine if mine else service.upcoming)(said.user.id)
    if not cards:
        await said.message.reply_text(tt.mine_none if mine else tt.none_upcoming)
        return
    header = tt.mine_header if mine else tt.list_header
    await said.message.reply_text(fmt(header, count=len(cards)))
    await send_cards(update, context, cards)


async def join(update: Update, context: Context, press: Card) -> None:
    """Sign the user up (or waitlist them) and refresh the card."""
    query, user, tid = press.query, press.user, press.button.training_id
    tt = press.t.trainings
    result = await context.services.trainings.signup(tid, user.id)
    toast = {
        # Only what will happen: a sign-up too late for any reminder is not promised one.
        SignupOutcome.SIGNED: tt.toast_signed if result.reminders else tt.toast_signed_late,
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
        await _confirm_signup(update, context, card, result)


async def _confirm_signup(
    update: Update, context: Context, card: SessionCard, result: SignupResult
) -> None:
    """Say in the chat what the sign-up means: the reminders to expect, or the waitlist place."""
    chat = update.effective_chat
    if chat is None:
        return
    t = context.texts(update.effective_user)
    tt, tr = t.trainings, card.training
    if card.my_status is SignupStatus.WAITLISTED:
        title = tr.title_for(t.lang)
        position = card.my_position or result.position
        text = fmt(tt.waitlist_confirm, title=title, position=position)
    else:
        tz = context.services.settings.timezone
        # Only the reminders planned: signing up 63 minutes before, no "24 hours" promise.
        reminders = reminders_text(tt, result.reminders, t.common.list_separator)
        when = when_text(tt, tr.starts_at, tr.ends_at, tz)
        text = fmt(
            tt.signed_confirm,
            title=tr.title_for(t.lang),
            when=when,
            place=tr.place,
            reminders=reminders,
        )
    await context.bot.send_message(chat.id, text)


async def ask_leave(update: Update, context: Context, press: Card) -> None:
    """取消报名: ask first on the card itself (the seat goes to the waitlist at once)."""
    query, user, tid = press.query, press.user, press.button.training_id
    tt = press.t.trainings
    await query.answer(tt.toast_confirm_leave)  # the card itself shows the two choices
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(tt.btn_confirm_leave, SessionButton(SessionAction.CONFIRM_LEAVE, tid)),
                button(tt.btn_keep_seat, SessionButton(SessionAction.KEEP_SEAT, tid)),
            ]
        ]
    )
    card = await context.services.trainings.card(tid, user.id)
    settings = context.services.settings
    if card is not None:
        await _edit_card(
            query, card_text(press.t, card, settings.timezone, settings.town), keyboard
        )


async def keep_seat(update: Update, context: Context, press: Card) -> None:
    """保留报名: the card as it was."""
    await press.query.answer()
    await _refresh_card(update, context, press.button.training_id)


async def leave(update: Update, context: Context, press: Card) -> None:
    """Withdraw the user's seat or waitlist place (confirmed); whoever moves up is told."""
    query, user, tid = press.query, press.user, press.button.training_id
    tt = press.t.trainings
    result = await context.services.trainings.withdraw(tid, user.id)
    await query.answer(tt.toast_withdrawn if result.withdrawn else tt.toast_not_signed)
    if result.promoted:
        kick(context.application)
    card = await _refresh_card(update, context, tid)
    if result.withdrawn and card is not None and update.effective_chat is not None:
        text = fmt(tt.withdrawn_confirm, title=card.training.title_for(press.t.lang))
        await context.bot.send_message(update.effective_chat.id, text)


async def _refresh_card(update: Update, context: Context, tid: int) -> SessionCard | None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return None
    card = await context.services.trainings.card(tid, user.id)
    if card is None or query.message is None:
        return card
    t = context.texts(user)
    tt = t.trainings
    staff = context.services.roles.is_staff(user.id)
    settings = context.services.settings
    text = card_text(t, card, settings.timezone, settings.town)
    await _edit_card(query, text, card_keyboard(tt, card, staff=staff))
    return card


async def _edit_card(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # pressing 报名 twice changes nothing on the card
        if "not modified" not in exc.message:
            raise


async def send_calendar(update: Update, context: Context, press: Card) -> None:
    """Send an .ics file for a session the user has a seat in (not a waitlist place)."""
    chat = update.effective_chat
    if chat is None:
        return
    query, user, tid = press.query, press.user, press.button.training_id
    tt = press.t.trainings
    card = await context.services.trainings.card(tid, user.id)
    if card is None or card.my_status is not SignupStatus.SIGNED:
        waiting = card is not None and card.my_status is SignupStatus.WAITLISTED
        await query.answer(
            tt.calendar_signed_only if waiting else tt.toast_not_signed, show_alert=True
        )
        return
    await query.answer()
    now = context.services.trainings.now()
    town = context.services.settings.town
    tags = tag_labels(press.t, town, card.training.tags)
    data = calendar_file(card.training, now=now, lang=press.t.lang, tags=tags)
    await context.bot.send_document(
        chat.id,
        InputFile(data, filename=f"training-{tid}.ics"),
        caption=fmt(tt.calendar_caption, title=card.training.title_for(press.t.lang)),
    )
