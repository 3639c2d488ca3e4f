"""The staff's view of a session (🛠): counts, and the buttons that edit, move or cancel it.

Editing and moving are dialogs (``handlers.trainings.change``); cancelling is two presses here.
Registered as staff handlers (``handlers.staff_guard``).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks
from bot.buttons import AttendeeListButton, MarkingButton, SignInSheetButton
from bot.context import Context
from bot.services.training_wording import button, card_text, error_text
from bot.services.trainings import TrainingError
from bot.texts import Texts, fmt
from db.models import TrainingStatus
from handlers.trainings.cards import STAFF, query_training_id
from handlers.trainings.timers import kick


def _staff_keyboard(t: Texts, tid: int) -> InlineKeyboardMarkup:
    tt, a = t.trainings, t.attendance
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(a.btn_list, callback_data=AttendeeListButton(tid).pack()),
                InlineKeyboardButton(a.btn_sheet, callback_data=SignInSheetButton(tid).pack()),
                InlineKeyboardButton(a.btn_mark, callback_data=MarkingButton(tid).pack()),
            ],
            [
                button(tt.btn_move, STAFF, "move", tid),
                button(tt.btn_edit_place, STAFF, "edit", tid, "place"),
            ],
            [
                button(tt.btn_edit_capacity, STAFF, "edit", tid, "capacity"),
                button(tt.btn_edit_title, STAFF, "edit", tid, "title"),
            ],
            [
                button(tt.btn_edit_target, STAFF, "edit", tid, "target_group"),
                button(tt.btn_edit_tags, STAFF, "edit", tid, "tags"),
            ],
            [
                button(tt.btn_edit_description, STAFF, "edit", tid, "description"),
                button(tt.btn_cancel_training, STAFF, "cancel", tid),
            ],
        ]
    )


async def manage(update: Update, context: Context) -> None:
    """Show a session's staff view: counts and the edit, move and cancel buttons."""
    query, user = update.callback_query, update.effective_user
    tid = await query_training_id(update, context, "adm")
    if query is None or user is None or tid is None:
        return
    await query.answer()
    await _send_staff_view(update, context, tid)


async def _send_staff_view(update: Update, context: Context, tid: int) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    t = context.texts(user)
    tt = t.trainings
    service = context.services.trainings
    card = await service.overview(tid)
    if card is None:
        await message.reply_text(error_text(tt, "not_found"))
        return
    text = fmt(
        tt.staff_view,
        card=card_text(t, card, context.services.settings.timezone, with_seats=False),
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
        await query.edit_message_text(error_text(tt, "not_found"))
        return
    if action == "cancel":
        text = fmt(
            tt.confirm_cancel, title=card.training.title, count=card.signed + card.waitlisted
        )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(tt.btn_confirm_cancel, STAFF, "cancelok", tid),
                    button(tt.btn_keep, STAFF, "keep", tid),
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


async def confirm_new_stale(update: Update, context: Context) -> None:
    """A 发布 button from a finished /newtraining dialog: say it has expired."""
    if update.callback_query is not None:
        t = context.texts(update.effective_user)
        await update.callback_query.answer(t.common.stale_button, show_alert=True)
