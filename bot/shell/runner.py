"""Running the bot: open services, build the Application, start polling, stop cleanly.

``running_bot`` is shared by the terminal chat, the tests and ``python -m bot run``: the same
code path whether the transport is the in-process emulator or Telegram itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from telegram import Update
from telegram.request import BaseRequest, HTTPXRequest

from bot.clock import Clock, system_clock
from bot.context import App
from bot.processing import UserOrderedProcessor, resume_unhandled
from bot.services import Services, open_services
from bot.services.delivery import Sleep
from bot.settings import Settings
from bot.shell.app import build_application
from bot.shell.emulator import BotApiEmulator, EmulatorRequest
from bot.shell.emulator.store import JSON
from bot.shell.web.gateway import WebGateway
from bot.shell.web.transport import ChannelRequest

_LOGGER = logging.getLogger(__name__)


@dataclass
class RunningBot:
    """A started bot: its Application and services."""

    app: App
    services: Services
    gateway: WebGateway | None = None


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    emulator: BotApiEmulator | None = None,
    request: BaseRequest | None = None,
    clock: Clock = system_clock,
    rate_limit: bool = True,
    poll: bool = True,
    web: bool = False,
    telegram: bool = True,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[RunningBot]:
    """Start the bot (polling) and stop it, flushing persistence and closing the database.

    ``web``: also serve web residents through a ``WebGateway`` on the same database (its HTTP
    server is the caller's); with ``telegram=False`` (or no token) the web is the only channel.
    """
    services = await open_services(settings, clock=clock, sleep=sleep)
    gateway: WebGateway | None = None
    try:
        if web:
            idle = timedelta(days=settings.web.session_idle_days)
            gateway = WebGateway(services.db, session_idle=idle)
            await gateway.open()
        telegram = telegram and (emulator is not None or settings.token is not None)
        token, request = _transport(settings, emulator, gateway, request, telegram=telegram)
        app = build_application(
            services,
            token=token,
            request=request,
            base_url=settings.network.base_url or None,
            rate_limit=rate_limit,
        )
        processor = app.update_processor
        if isinstance(processor, UserOrderedProcessor):
            if emulator is not None:
                processor.listeners.append(emulator.mark_processed)
            if gateway is not None:
                processor.listeners.append(gateway.handled)
        async with app:
            await _start(app)
            if gateway is not None:
                await gateway.connect(_update_sink(app))
            if poll and telegram and app.updater is not None:
                await app.updater.start_polling(timeout=10 if emulator is None else 1)
            try:
                yield RunningBot(app=app, services=services, gateway=gateway)
            finally:
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                await app.stop()
                # A burst's background outbox sends finish while the bot can still send.
                await services.outbox.wait_idle()
    finally:
        if gateway is not None:
            await gateway.close()
        await services.close()


async def _start(app: App) -> None:
    """Start ``app`` and queue what a crash left unhandled, before polling or a webhook adds
    more."""
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    await resume_unhandled(app)


def _transport(
    settings: Settings,
    emulator: BotApiEmulator | None,
    gateway: WebGateway | None,
    request: BaseRequest | None,
    *,
    telegram: bool,
) -> tuple[str, BaseRequest | None]:
    """The token and the transport for the channels this run serves."""
    if emulator is not None:
        token = emulator.token
        request = EmulatorRequest(emulator)
    elif settings.token is not None and telegram:
        token = settings.token.reveal()
        if gateway is not None:
            proxy = settings.network.proxy or None
            request = HTTPXRequest(connection_pool_size=256, proxy=proxy)
    elif gateway is not None:
        token = gateway.token
    else:
        raise ValueError("a token or an emulator is required")
    if gateway is not None:
        # Web residents' calls go to the gateway, the rest to Telegram (if it is a channel).
        request = ChannelRequest(gateway, request if telegram else None)
    return token, request


def _update_sink(app: App) -> Callable[[JSON], Awaitable[None]]:
    """Hand web updates to the Application as if they had been fetched from Telegram."""

    async def sink(update: JSON) -> None:
        await app.update_queue.put(Update.de_json(update, app.bot))

    return sink
