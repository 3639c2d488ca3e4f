"""The session card's buttons, and sending cards: shared by the resident and staff views."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.buttons import SessionAction, SessionButton
from bot.context import Context
from bot.services.training_wording import card_text
from bot.texts.sections import TrainingTexts
from db.models import SessionCard, SignupStatus, TrainingStatus
from handlers.ui import button


def card_keyboard(tt: TrainingTexts, card: SessionCard, *, staff: bool) -> InlineKeyboardMarkup:
    """报名 or 取消报名 (+ calendar) for residents, plus 🛠 for staff."""
    tid = card.training.id
    row: list[InlineKeyboardButton] = []
    if card.training.status is not TrainingStatus.CANCELLED:
        if card.my_status in (SignupStatus.SIGNED, SignupStatus.WAITLISTED):
            row.append(button(tt.btn_leave, SessionButton(SessionAction.LEAVE, tid)))
        if card.my_status is SignupStatus.SIGNED:  # a waitlist place is no date to keep
            row.append(button(tt.btn_calendar, SessionButton(SessionAction.CALENDAR, tid)))
        elif card.my_status is not SignupStatus.WAITLISTED:  # waiting: no second 报名候补
            label = tt.btn_join if card.seats_left else tt.btn_join_waitlist
            row.append(button(label, SessionButton(SessionAction.JOIN, tid)))
    rows = [row] if row else []
    if staff:
        rows.append([button(tt.btn_manage, SessionButton(SessionAction.MANAGE, tid))])
    return InlineKeyboardMarkup(rows)


async def send_cards(update: Update, context: Context, cards: list[SessionCard]) -> None:
    """Send one card per session, with 🛠 for staff."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts(user)
    tz = context.services.settings.timezone
    staff = context.services.roles.is_staff(user.id)
    for card in cards:
        await message.reply_text(
            card_text(t, card, tz, context.services.settings.town),
            reply_markup=card_keyboard(t.trainings, card, staff=staff),
        )
