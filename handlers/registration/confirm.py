"""What a resident hears once their project is filed, and the staff card that goes out.

Whatever happens to the resident's confirmation, staff still get the card: the project is
stored by then.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.buttons import TopicButton
from bot.context import Context
from bot.services.draft import Draft
from bot.services.registration import Submitted
from bot.texts import Html, fmt, status_label
from handlers.staff_guard import send_safely
from handlers.ui import main_menu

_LOGGER = logging.getLogger(__name__)
TAX_REBATE_TOPIC = "tax-rebate"


async def submitted(update: Update, context: Context, result: Submitted, draft: Draft) -> None:
    """Confirm to the resident and send staff the card (the project is stored: both go)."""
    try:
        await _confirm(update, context, result, draft)
    except TelegramError as exc:
        _LOGGER.error(
            "error while handling update %s: the confirmation of %s was not delivered (%s)",
            update.update_id,
            result.project.ref_no,
            exc.message,
        )
        chat_id = update.effective_chat.id if update.effective_chat else 0
        await send_safely(
            context,
            chat_id,
            lambda: context.bot.send_message(
                chat_id, context.texts(update.effective_user).common.error
            ),
        )
    # Staff get the card from the outbox (queued with the project, sent after this update).


async def _confirm(update: Update, context: Context, result: Submitted, draft: Draft) -> None:
    t = context.texts(update.effective_user)
    r = t.registration
    status = status_label(t, result.project.status)
    done = r.submitted if draft.resubmit_id is None else r.resubmitted
    lines = [fmt(done, ref_no=result.project.ref_no, status=status)]
    if result.referral is not None and result.referral.credited:
        lines.append(fmt(r.referral_credited, name=draft.referrer_name))
    elif result.referral is not None and result.referral.refused is not None:
        lines.append(fmt(r.referral_refused[result.referral.refused]))
    data = TopicButton(TAX_REBATE_TOPIC).pack()
    tax = [[InlineKeyboardButton(r.btn_tax_rebate, callback_data=data)]]
    if update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    text = Html("\n\n".join(lines))
    await context.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(tax))
    await context.bot.send_message(chat_id, t.common.menu_prompt, reply_markup=main_menu(t))
