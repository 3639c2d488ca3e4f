"""Running the bot: open services, build the Application, start polling, stop cleanly.

``running_bot`` is shared by the terminal chat, the tests and ``python -m bot run``: the same
code path whether the transport is the in-process emulator or Telegram itself.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram.request import BaseRequest

from bot.clock import Clock, system_clock
from bot.context import App
from bot.processing import UserOrderedProcessor, resume_unhandled
from bot.services import Services, open_services
from bot.settings import Settings
from bot.shell.app import build_application
from bot.shell.emulator import BotApiEmulator, EmulatorRequest

_LOGGER = logging.getLogger(__name__)


@dataclass
class RunningBot:
    """A started bot: its Application and services."""

    app: App
    services: Services


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    emulator: BotApiEmulator | None = None,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    poll: bool = True,
) -> AsyncIterator[RunningBot]:
    """Start the bot (polling) and stop it, flushing persistence and closing the database."""
    services = await open_services(settings, clock=clock)
    try:
        if emulator is not None:
            token = emulator.token
            request = EmulatorRequest(emulator)
        elif settings.token is not None:
            token = settings.token.reveal()
        else:
            raise ValueError("a token or an emulator is required")
        app = build_application(
            services,
            token=token,
            request=request,
            base_url=settings.network.base_url or None,
            rate_limit=rate_limit,
        )
        if emulator is not None and isinstance(app.update_processor, UserOrderedProcessor):
            app.update_processor.listeners.append(emulator.mark_processed)
        async with app:
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            # What a crash left unhandled goes first, before polling or a webhook adds more.
            await resume_unhandled(app)
            if poll and app.updater is not None:
                await app.updater.start_polling(timeout=10 if emulator is None else 1)
            try:
                yield RunningBot(app=app, services=services)
            finally:
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                await app.stop()
    finally:
        await services.close()
