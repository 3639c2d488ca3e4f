"""The staff's view of a session (🛠): counts, and the buttons that edit, move or cancel it.

Editing and moving are dialogs (``handlers.trainings.change``); cancelling is two presses here.
Registered as staff handlers (``handlers.staff_guard``).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.buttons import (
    AttendeeListButton,
    EditTrainingButton,
    MarkingButton,
    SessionButton,
    SignInSheetButton,
    StaffAction,
    StaffSessionButton,
)
from bot.context import Context
from bot.services.training_rules import TrainingError
from bot.services.training_wording import card_text, error_text
from bot.texts import Texts, fmt
from db.models import TrainingStatus
from handlers.trainings.timers import kick
from handlers.ui import Press, button


def _staff_keyboard(t: Texts, tid: int) -> InlineKeyboardMarkup:
    tt, a = t.trainings, t.attendance
    return InlineKeyboardMarkup(
        [
            [
                button(a.btn_list, AttendeeListButton(tid)),
                button(a.btn_sheet, SignInSheetButton(tid)),
                button(a.btn_mark, MarkingButton(tid)),
            ],
            [
                button(tt.btn_move, StaffSessionButton(StaffAction.MOVE, tid)),
                button(tt.btn_edit_place, EditTrainingButton(tid, "place")),
            ],
            [
                button(tt.btn_edit_capacity, EditTrainingButton(tid, "capacity")),
                button(tt.btn_edit_title, EditTrainingButton(tid, "title")),
            ],
            [
                button(tt.btn_edit_target, EditTrainingButton(tid, "target_group")),
                button(tt.btn_edit_tags, EditTrainingButton(tid, "tags")),
            ],
            [
                button(tt.btn_edit_description, EditTrainingButton(tid, "description")),
                button(tt.btn_edit_title_en, EditTrainingButton(tid, "title_en")),
            ],
            [button(tt.btn_cancel_training, StaffSessionButton(StaffAction.CANCEL, tid))],
        ]
    )


async def manage(update: Update, context: Context, press: Press[SessionButton]) -> None:
    """Show a session's staff view: counts and the edit, move and cancel buttons."""
    query, tid = press.query, press.button.training_id
    await query.answer()
    await _send_staff_view(update, context, tid)


async def _send_staff_view(update: Update, context: Context, tid: int) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    t = context.texts(user)
    tt = t.trainings
    service, settings = context.services.trainings, context.services.settings
    card = await service.overview(tid)
    if card is None:
        await message.reply_text(error_text(tt, "not_found"))
        return
    text = fmt(
        tt.staff_view,
        card=card_text(t, card, settings.timezone, settings.town, with_seats=False),
        signed=card.signed,
        capacity=card.training.capacity,
        waitlisted=card.waitlisted,
        pending=await service.pending_notice_count(tid),
    )
    keyboard = _staff_keyboard(t, tid)
    if card.training.status is TrainingStatus.CANCELLED:  # only the list is left to see
        keyboard = InlineKeyboardMarkup(keyboard.inline_keyboard[:1])
    await message.reply_text(text, reply_markup=keyboard)


async def staff_button(update: Update, context: Context) -> None:
    """Handle the staff buttons outside a dialog: cancel (ask, confirm, keep); else stale."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = context.texts(user)
    tt = t.trainings
    service = context.services.trainings
    pressed = StaffSessionButton.unpack(query.data)
    if pressed is None or pressed.action is StaffAction.MOVE:  # 改期 outside its dialog
        await query.answer(t.common.stale_button, show_alert=True)
        return
    await query.answer()
    tid = pressed.training_id
    if pressed.action is StaffAction.KEEP:
        await query.edit_message_text(tt.cancel_kept)
        return
    card = await service.overview(tid)
    if card is None:
        await query.edit_message_text(error_text(tt, "not_found"))
        return
    if pressed.action is StaffAction.CANCEL:
        text = fmt(
            tt.confirm_cancel,
            title=card.training.title_for(t.lang),
            count=card.signed + card.waitlisted,
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(
                        tt.btn_confirm_cancel, StaffSessionButton(StaffAction.CONFIRM_CANCEL, tid)
                    ),
                    button(tt.btn_keep, StaffSessionButton(StaffAction.KEEP, tid)),
                ]
            ]
        )
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    try:
        result = await service.cancel(tid, actor=user.id)
    except TrainingError as exc:
        await query.edit_message_text(error_text(tt, exc.code))
        return
    await query.edit_message_text(fmt(tt.cancelled_done, notified=result.notified))
    kick(context.application)
