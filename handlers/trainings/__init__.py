"""Trainings: browse and sign up, /mytrainings, subscriptions, the staff's tools: the wiring.

One module per concern: ``residents`` (the list, 报名, the calendar), ``subscriptions``,
``staff`` (the 🛠 view, cancelling), ``publish`` (/newtraining, a form), ``change`` (edit and
move, a form), ``cards`` (the card's buttons) and ``timers`` (poking the dispatcher). Reminders
and notices are not sent from here: the service writes them as rows and
``bot.services.dispatcher`` sends whatever is due, worded by ``bot.services.training_wording``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.buttons import (
    SessionAction,
    SessionButton,
    SubscriptionButton,
    TrainingStaffButton,
)
from handlers.forms import Form
from handlers.trainings import change, publish
from handlers.trainings.residents import (
    ask_leave,
    join,
    keep_seat,
    leave,
    list_trainings,
    my_trainings,
    send_calendar,
)
from handlers.trainings.staff import manage, staff_button
from handlers.trainings.subscriptions import subscribe, toggle_subscription, unsubscribe
from handlers.trainings.timers import AnyApp, arm_timer, dispatch, kick
from handlers.ui import on_button

__all__ = ["arm_timer", "commands_and_buttons", "dispatch", "forms", "kick", "staff_buttons"]


def forms() -> list[Form]:
    """The staff's training dialogs: /newtraining, and changing a published session."""
    return [publish.form(), change.form()]


# What each button on a resident's session card runs (🛠 is the staff's: ``staff_buttons``).
CARD_BUTTONS = {
    SessionAction.JOIN: join,
    SessionAction.LEAVE: ask_leave,
    SessionAction.CONFIRM_LEAVE: leave,
    SessionAction.KEEP_SEAT: keep_seat,
    SessionAction.CALENDAR: send_calendar,
}


def commands_and_buttons(menu_labels: list[str]) -> list[BaseHandler[Any, Any, Any]]:
    """Resident commands, the main-menu button, and the session buttons."""
    return [
        CommandHandler("trainings", list_trainings),
        MessageHandler(filters.Text(menu_labels), list_trainings),
        CommandHandler("mytrainings", my_trainings),
        CommandHandler("subscribe", subscribe),
        CommandHandler("unsubscribe", unsubscribe),
        *(on_button(SessionButton, handler, action=a) for a, handler in CARD_BUTTONS.items()),
        on_button(SubscriptionButton, toggle_subscription),
    ]


def staff_buttons() -> list[BaseHandler[Any, Any, Any]]:
    """The staff's session view and its cancel buttons outside a dialog."""
    return [
        on_button(SessionButton, manage, action=SessionAction.MANAGE),
        CallbackQueryHandler(staff_button, pattern=TrainingStaffButton.pattern()),
    ]


async def start_dispatcher(app: AnyApp) -> None:
    """At startup: reconcile interrupted and missed deliveries, then start the dispatcher."""
    await app.bot_data.dispatcher.start(app.job_queue)
