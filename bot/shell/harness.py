"""Run the real bot against the in-process emulator: for tests, benchmarks and the local chat.

``BotHarness`` starts the full Application (handlers, conversations, JobQueue, SQLite
persistence) over ``EmulatorRequest`` and hands out ``SimUser`` objects. ``restart()`` stops
the Application and builds a new one on the same database and the same simulated Telegram, as a
process restart would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from bot.clock import Clock, system_clock
from bot.services.delivery import Sleep
from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator, SimUser
from bot.shell.runner import RunningBot, running_bot


@dataclass
class BotHarness:
    """A running bot plus the simulated Telegram it talks to."""

    settings: Settings
    emulator: BotApiEmulator
    clock: Clock = system_clock
    rate_limit: bool = False
    sleep: Sleep = asyncio.sleep
    _stack: AsyncExitStack | None = None
    _running: RunningBot | None = None
    _users: dict[int, SimUser] = field(default_factory=dict)

    @property
    def running(self) -> RunningBot:
        """The current Application and services."""
        if self._running is None:
            raise RuntimeError("the bot is not running")
        return self._running

    async def start(self) -> None:
        """Start the bot."""
        self._stack = AsyncExitStack()
        self._running = await self._stack.enter_async_context(
            running_bot(
                self.settings,
                emulator=self.emulator,
                clock=self.clock,
                rate_limit=self.rate_limit,
                sleep=self.sleep,
            )
        )

    async def stop(self) -> None:
        """Stop the bot gracefully (flush persistence, close the database)."""
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._running = None

    async def restart(self) -> None:
        """Stop and start again on the same database, as after a process restart."""
        await self.stop()
        await self.start()

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "测试用户",
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> SimUser:
        """The simulated user ``user_id`` (created on first use)."""
        if user_id not in self._users:
            self._users[user_id] = SimUser(
                self.emulator,
                user_id,
                first_name=first_name,
                language_code=language_code,
                username=username,
            )
        return self._users[user_id]


@asynccontextmanager
async def bot_harness(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    emulator: BotApiEmulator | None = None,
    rate_limit: bool = False,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[BotHarness]:
    """A started ``BotHarness`` that is stopped on exit."""
    harness = BotHarness(
        settings=settings,
        emulator=emulator or BotApiEmulator(),
        clock=clock,
        rate_limit=rate_limit,
        sleep=sleep,
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
