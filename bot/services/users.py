"""Users: who has talked to the bot, their language, and whether they can be reached.

``users.created_at`` and ``last_seen_at`` keep only the town's calendar day (local midnight):
a precise "last seen" would line up with the moment staff hear of an anonymous complaint
(see ``bot.services.complaints``), and nothing needs more than the day.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.clock import Clock
from bot.services.base import StoreService
from bot.settings import Settings
from db import users as users_repo
from db.database import Database
from db.models import User

_LOGGER = logging.getLogger(__name__)

# Refresh a user's row at most this often; every update would otherwise cost a write.
_TOUCH_INTERVAL_S = 300.0


@dataclass(frozen=True, slots=True)
class Person:
    """The Telegram-side identity of whoever sent an update."""

    id: int
    first_name: str
    username: str | None
    language_code: str | None


class UserService(StoreService):
    """Record users, their language choice and whether they blocked the bot."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        super().__init__(db, clock, settings)
        self._touched: dict[int, float] = {}

    async def touch(self, person: Person, *, force: bool = False) -> None:
        """Remember that ``person`` wrote to us (and so is reachable again)."""
        now = time.monotonic()
        last = self._touched.get(person.id)
        if not force and last is not None and now - last < _TOUCH_INTERVAL_S:
            return
        try:
            async with self._db.write() as conn:
                await users_repo.upsert_user(
                    conn,
                    person.id,
                    first_name=person.first_name,
                    username=person.username,
                    language_code=person.language_code,
                    now=local_day(self._clock(), self._settings.timezone),
                )
        except sqlite3.OperationalError as exc:
            # Best effort: a locked, full or read-only database must not cost the resident a
            # second apology (and a second busy timeout) before the update's real work starts.
            _LOGGER.warning("could not record that a user wrote: %s", exc)
            return
        self._touched[person.id] = now
        if len(self._touched) > 50_000:
            self._touched.clear()  # bounded memory; the next touch of each user just writes

    async def get(self, user_id: int) -> User | None:
        """The stored user, if any."""
        async with self._db.read() as conn:
            return await users_repo.get_user(conn, user_id)

    async def set_language(self, user_id: int, lang: str) -> None:
        """Store an explicit language choice (used for messages sent outside a reply)."""
        async with self._db.write() as conn:
            await users_repo.set_lang_override(conn, user_id, lang)

    def forget(self, user_id: int) -> None:
        """Forget having seen ``user_id`` (after erasure): their next update records them."""
        self._touched.pop(user_id, None)

    async def mark_unreachable(self, user_id: int) -> None:
        """The user blocked the bot: skip them until they write again."""
        self._touched.pop(user_id, None)
        async with self._db.write() as conn:
            await users_repo.mark_inactive(conn, user_id, now=self._clock())


def local_day(moment: datetime, tz: tzinfo) -> datetime:
    """Midnight at the start of ``moment``'s calendar day in ``tz``."""
    return moment.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
