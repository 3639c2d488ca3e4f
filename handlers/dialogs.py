"""What every dialog shares outside the form engine: the menu labels and the "busy" answer.

The main-menu keyboard stays under the text field during a dialog and its buttons send their
label as text; the form router (``handlers.form_router``) answers a label, or another dialog's
entry, with "you are in the middle of …; answer the question above or /cancel first" and keeps
the dialog where it was. A label is never stored as an answer.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.texts import LANGUAGES, Texts, fmt, get_texts
from handlers.ui import main_menu

DIALOG = "dialog"  # an old user_data key (a marker of the dialog the user was in): now unused


def menu_labels() -> list[str]:
    """Every main-menu button's label, in every language."""
    return [
        button.text
        for lang in LANGUAGES
        for row in main_menu(get_texts(lang)).keyboard
        for button in row
    ]


def busy_text(t: Texts, dialog: str) -> str:
    """ "You are in the middle of <dialog>; answer the question above or /cancel first"."""
    doing = dict(t.common.dialog_names).get(dialog, t.common.dialog_other)
    return t.common.busy_in_dialog.format(dialog=doing)


async def tell_busy(update: Update, context: Context, dialog: str) -> None:
    """Say the user is in ``dialog`` (an alert for a button press)."""
    text = busy_text(context.texts(update.effective_user), dialog)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(fmt("{text}", text=text))
