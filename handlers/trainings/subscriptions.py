"""Which training announcements a resident gets: /subscribe (tag toggles) and /unsubscribe."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.buttons import SubscriptionButton
from bot.context import Context
from bot.services.training_rules import EVERYTHING
from bot.services.training_wording import tag_label, tag_labels
from bot.settings import TownSettings
from bot.texts import Texts, fmt
from handlers.ui import Press, button, message_of


def _subscription_keyboard(
    t: Texts, town: TownSettings, tags: tuple[str, ...], on: set[str]
) -> InlineKeyboardMarkup:
    tt = t.trainings

    def mark(active: bool, label: str) -> str:
        return (tt.subscribed_mark if active else tt.unsubscribed_mark) + label

    everything = mark(EVERYTHING in on, tt.subscribe_everything)
    buttons = [button(everything, SubscriptionButton("all"))]
    buttons += [
        button(mark(tag in on, tag_label(t, town, tag)), SubscriptionButton(i))
        for i, tag in enumerate(tags)
    ]
    rows = [buttons[:1]] + [buttons[i : i + 2] for i in range(1, len(buttons), 2)]
    rows.append([button(tt.btn_done, SubscriptionButton("done"))])
    return InlineKeyboardMarkup(rows)


def _subscription_summary(t: Texts, town: TownSettings, on: set[str]) -> str:
    if not on:
        return t.trainings.subscribed_nothing
    return t.common.list_separator.join(sorted(tag_labels(t, town, on)))


async def subscribe(update: Update, context: Context) -> None:
    """Offer tag toggles for training announcements."""
    if (said := message_of(update, context)) is None:
        return
    service = context.services.trainings
    on = await service.subscriptions(said.user.id)
    town = context.services.settings.town
    text = fmt(said.t.trainings.subscribe_prompt, current=_subscription_summary(said.t, town, on))
    keyboard = _subscription_keyboard(said.t, town, service.tags(), on)
    await said.message.reply_text(text, reply_markup=keyboard)


async def toggle_subscription(
    update: Update, context: Context, press: Press[SubscriptionButton]
) -> None:
    """Flip one tag (or 'everything'), or close the picker with a summary."""
    query, user, t, choice = press.query, press.user, press.t, press.button.choice
    service, town = context.services.trainings, context.services.settings.town
    tags = service.tags()
    if choice == "done":
        await query.answer()
        summary = _subscription_summary(t, town, await service.subscriptions(user.id))
        await query.edit_message_text(fmt(t.trainings.subscribe_saved, current=summary))
        return
    if isinstance(choice, int) and choice >= len(tags):
        await query.answer(t.common.stale_button, show_alert=True)
        return
    await query.answer()
    on = await service.toggle(user.id, tags[choice] if isinstance(choice, int) else EVERYTHING)
    text = fmt(t.trainings.subscribe_prompt, current=_subscription_summary(t, town, on))
    await query.edit_message_text(text, reply_markup=_subscription_keyboard(t, town, tags, on))


async def unsubscribe(update: Update, context: Context) -> None:
    """Drop every training subscription."""
    if (said := message_of(update, context)) is None:
        return
    tt = said.t.trainings
    count = await context.services.trainings.unsubscribe_all(said.user.id)
    await said.message.reply_text(
        fmt(tt.unsubscribed, count=count) if count else tt.unsubscribe_none
    )
