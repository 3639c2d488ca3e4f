"""Personal data (PIPL): show a user everything stored about them, and erase it on request.

``erase`` commits the erasure (``db.privacy.erase``) and then checkpoints the WAL, so neither
the database file (``secure_delete``) nor its ``-wal`` file keeps the erased bytes. The caller
(the handler) must also drop the user's in-memory PTB ``user_data``/``chat_data``. What is
kept, without anything personal: projects' village, industry, applicant type, investment, jobs
and status; questions' decision, topic and feedback; named complaints' status and staff note.
Imports no ``telegram``.
"""

from __future__ import annotations

import logging
import sqlite3

from bot.clock import Clock
from db import privacy as repo
from db.database import Database
from db.models import PersonalData

_LOGGER = logging.getLogger(__name__)


class PrivacyService:
    """Access and erasure requests."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def collect(self, user_id: int) -> PersonalData | None:
        """Everything stored about ``user_id`` (one consistent snapshot)."""
        async with self._db.write() as conn:
            return await repo.collect(conn, user_id)

    async def erase(self, user_id: int) -> bool:
        """Erase ``user_id``'s personal data; False if nothing was stored."""
        async with self._db.write() as conn:
            erased = await repo.erase(conn, user_id, now=self._clock())
        try:
            await self._db.checkpoint()
        except sqlite3.OperationalError:
            # The erasure is committed; the old bytes leave the -wal file at the next
            # automatic checkpoint instead. Never fail the user's request over it.
            _LOGGER.warning("WAL checkpoint after an erasure was busy; it will happen later")
        return erased
