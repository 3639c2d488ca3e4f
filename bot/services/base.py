"""What most services hold: the database, the injected clock and the deployment's settings.

``StoreService`` keeps them; ``NotifyingService`` also tells the outbox, after a commit, that a
change queued notifications (``Outbox.queued``). No ``telegram``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.settings import Settings
from db import users as users_repo
from db.database import Database
from db.lifecycle import Lifecycle


@dataclass(frozen=True, slots=True)
class Changed:
    """Who moved a record to its status, when, and their note (a staff card shows it)."""

    status: str
    by: str  # the staff member's first name (their id if they are unknown)
    note: str | None
    at: datetime


class StoreService:
    """A service over the bot's database, on the injected clock, with the settings."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings

    async def _last_change(self, lifecycle: Lifecycle[Any, Any], record_id: int) -> Changed | None:
        """The newest status change of a record and who made it (None: nobody yet)."""
        async with self._db.read() as conn:
            change = await lifecycle.last_change(conn, record_id)
            if change is None or change.actor_id is None:
                return None
            user = await users_repo.get_user(conn, change.actor_id)
        by = user.first_name if user is not None and user.first_name else str(change.actor_id)
        return Changed(change.status, by, change.note, change.created_at)


class NotifyingService(StoreService):
    """A ``StoreService`` whose changes queue notifications in the outbox."""

    def __init__(
        self, db: Database, clock: Clock, settings: Settings, queued: Callable[[], None]
    ) -> None:
        super().__init__(db, clock, settings)
        self._queued = queued  # the outbox's "something was queued" (after a commit)
