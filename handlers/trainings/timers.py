"""Poking the reminder dispatcher from the handlers: send what is due now, soon, or re-arm.

Reminders and notices are rows written by ``bot.services.trainings``; the dispatcher
(``bot.services.dispatcher``) sends them. These helpers only reach it through the application.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.context import BotData
from bot.services.delivery import DeliveryReport

AnyApp = Application[Any, Any, Any, Any, BotData, Any]


async def dispatch(app: AnyApp) -> DeliveryReport:
    """Send every reminder and notice that is due (``bot.services.dispatcher``)."""
    return await app.bot_data.dispatcher.dispatch(app.bot, app.job_queue)


async def arm_timer(app: AnyApp) -> None:
    """(Re)schedule the dispatcher for the earliest pending reminder."""
    await app.bot_data.dispatcher.arm_timer(app.job_queue)


def kick(app: AnyApp) -> None:
    """Run the dispatcher soon (a change queued notices), unless a run is already queued."""
    app.bot_data.dispatcher.kick(app.job_queue)
