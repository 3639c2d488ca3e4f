"""What most services hold: the database, the injected clock and the deployment's settings.

``StoreService`` keeps them; ``NotifyingService`` also tells the outbox, after a commit, that a
change queued notifications (``Outbox.queued``). No ``telegram``.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import Clock
from bot.settings import Settings
from db.database import Database


class StoreService:
    """A service over the bot's database, on the injected clock, with the settings."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings


class NotifyingService(StoreService):
    """A ``StoreService`` whose changes queue notifications in the outbox."""

    def __init__(
        self, db: Database, clock: Clock, settings: Settings, queued: Callable[[], None]
    ) -> None:
        super().__init__(db, clock, settings)
        self._queued = queued  # the outbox's "something was queued" (after a commit)
