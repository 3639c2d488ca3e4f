"""Services: the bot's use cases, between handlers (Telegram) and ``db``/``knowledge``.

A service owns its transactions (``async with db.write()``), validates input and returns plain
results; it never imports ``telegram`` or ``handlers``. ``Services`` bundles them for the
handlers, which reach it as ``context.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.services.users import UserService
from bot.settings import Settings
from db.database import Database


@dataclass
class Services:
    """Everything a handler may call, opened once per process."""

    settings: Settings
    db: Database
    clock: Clock
    users: UserService

    async def close(self) -> None:
        """Close what the services opened (the database)."""
        await self.db.close()


async def open_services(settings: Settings, *, clock: Clock) -> Services:
    """Open the database (applying migrations) and build every service."""
    db = await Database.open(settings.db_path, clock=clock)
    try:
        return Services(
            settings=settings,
            db=db,
            clock=clock,
            users=UserService(db, clock),
        )
    except BaseException:
        await db.close()
        raise
