"""Greeting, help, main menu, language choice and the polite fallbacks.

These callbacks are the bot's front door: ``/start`` (with deep-link payloads), ``/help``,
``/menu``, ``/cancel`` outside a dialog, ``/language``, and friendly answers to unknown
commands and to messages the bot cannot read.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.buttons import LanguageButton
from bot.context import Context
from bot.services.invites import REFERRAL_PREFIX, ReferrerRefusal
from bot.services.users import Person
from bot.texts import Texts, fmt, get_texts
from handlers.dialogs import DIALOG
from handlers.ui import Press, inline_rows, main_menu


def person_of(update: Update) -> Person | None:
    """The sender of ``update`` as the services see them."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    return Person(user.id, user.first_name, user.username, user.language_code)


async def track_user(update: Update, context: Context) -> None:
    """Remember every user who writes (runs before all other handlers)."""
    person = person_of(update)
    if person is not None:
        await context.services.users.touch(person)


async def start(update: Update, context: Context) -> None:
    """Greet the user, remember a referral deep link, and show the main menu."""
    # track_user (group -1) has already recorded the user and made them reachable again.
    message, person = update.effective_message, person_of(update)
    if message is None or person is None:
        return
    t = context.texts(update.effective_user)
    town = context.services.settings.town.name_for(t.lang)
    text = fmt(t.common.start, name=person.first_name, town=town)
    await message.reply_text(text, reply_markup=main_menu(t))
    if context.args and context.args[0].startswith(REFERRAL_PREFIX):
        await _note_referral(message, context, person.id, t)


async def _note_referral(message: Message, context: Context, user_id: int, t: Texts) -> None:
    """Remember the referral link's code for /register and say whose link it was."""
    assert context.args is not None
    code = context.args[0].removeprefix(REFERRAL_PREFIX)
    if context.user_data is not None:
        context.user_data["referral_code"] = code
    referrer = await context.services.registration.resolve_referrer(code, user_id)
    if referrer.refused is None and referrer.first_name:
        await message.reply_text(fmt(t.registration.invited_by, name=referrer.first_name))
    elif referrer.refused is ReferrerRefusal.SELF:
        await message.reply_text(t.registration.link_self)
    elif referrer.refused is ReferrerRefusal.UNKNOWN:
        await message.reply_text(t.registration.link_unknown)


async def help_command(update: Update, context: Context) -> None:
    """Explain what the bot can do and list the commands."""
    if update.effective_message is None:
        return
    user, t = update.effective_user, context.texts(update.effective_user)
    text = t.common.help
    if user is not None and context.services.roles.is_staff(user.id):
        text += "\n\n" + t.common.help_staff
    await update.effective_message.reply_text(text, reply_markup=main_menu(t))


async def menu(update: Update, context: Context) -> None:
    """Show the main menu keyboard."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    await update.effective_message.reply_text(t.common.menu_prompt, reply_markup=main_menu(t))


async def cancel_idle(update: Update, context: Context) -> None:
    """Answer ``/cancel`` when no dialog is running."""
    if context.user_data is not None:
        context.user_data.pop(DIALOG, None)  # a marker left by an older version
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    await update.effective_message.reply_text(
        t.common.nothing_to_cancel, reply_markup=main_menu(t)
    )


async def language(update: Update, context: Context) -> None:
    """Offer the language choice."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    keyboard = inline_rows(
        [
            (t.common.btn_lang_zh, LanguageButton("zh").pack()),
            (t.common.btn_lang_en, LanguageButton("en").pack()),
        ]
    )
    await update.effective_message.reply_text(t.common.language_prompt, reply_markup=keyboard)


async def choose_language(update: Update, context: Context, press: Press[LanguageButton]) -> None:
    """Store the chosen language and confirm in it."""
    query, button = press.query, press.button
    await query.answer()
    if context.user_data is not None:
        context.user_data["lang"] = button.lang
    await context.services.users.set_language(press.user.id, button.lang)
    t = get_texts(button.lang)
    await query.edit_message_text(t.common.language_set)
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, t.common.menu_prompt, reply_markup=main_menu(t)
        )


async def unknown_command(update: Update, context: Context) -> None:
    """Say politely that a command does not exist."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0][:40]
    t = context.texts(update.effective_user)
    await message.reply_text(fmt(t.common.unknown_command, command=command))


async def unreadable(update: Update, context: Context) -> None:
    """Answer stickers, photos, voice and the like outside a dialog."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    text: str = t.common.non_text
    office = context.services.settings.office.for_lang(t.lang)
    if office.phone:  # a voice message says "I'd rather talk": give them the number
        text += "\n" + fmt(t.common.non_text_call, office=office.name, phone=office.phone)
    await update.effective_message.reply_text(text, reply_markup=main_menu(t))
