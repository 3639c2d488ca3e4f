"""Personal data (PIPL): show a user everything stored about them, and erase it on request.

``erase`` commits the erasure (``db.privacy.erase``) and then checkpoints the WAL, so neither
the database file (``secure_delete``) nor its ``-wal`` file keeps the erased bytes. The caller
(the handler) must also drop the user's in-memory PTB ``user_data``/``chat_data``. What is
kept, without anything personal: projects' village, industry, applicant type, investment, jobs
and status; questions' decision, topic and feedback; named complaints' status and staff note.
A project still under review is withdrawn (it cannot be reviewed without its applicant), and
``impact`` tells the user so, and what happens to their referrals, before they confirm. A seat
in a session still ahead is given up as a cancellation would (``TrainingService.release_seats``,
same transaction): the head of its waitlist moves up and gets the usual notice.
Imports no ``telegram``.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.trainings import TrainingService
from bot.texts import language_for
from db import privacy as repo
from db.database import Database
from db.models import PersonalData
from db.privacy import ErasureImpact

_LOGGER = logging.getLogger(__name__)

__all__ = ["Erasure", "ErasureImpact", "PrivacyService", "Withdrawn"]


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A project withdrawn because its applicant erased their data, and its referrer."""

    ref_no: str
    referrer_id: int | None
    referrer_lang: str


@dataclass(frozen=True, slots=True)
class Erasure:
    """The outcome of an erasure request."""

    erased: bool  # anything was stored
    withdrawn: tuple[Withdrawn, ...]
    promoted: tuple[int, ...] = ()  # moved up into the seats they held (notices are queued)


class PrivacyService:
    """Access and erasure requests."""

    def __init__(self, db: Database, clock: Clock, trainings: TrainingService) -> None:
        self._db = db
        self._clock = clock
        self._trainings = trainings

    async def collect(self, user_id: int) -> PersonalData | None:
        """Everything stored about ``user_id`` (one consistent snapshot)."""
        async with self._db.write() as conn:
            return await repo.collect(conn, user_id)

    async def impact(self, user_id: int) -> ErasureImpact:
        """What erasing ``user_id`` would do to their projects, referrals and training seats
        (to warn them)."""
        async with self._db.read() as conn:
            return await repo.impact(conn, user_id, now=self._clock())

    async def erase(self, user_id: int) -> Erasure:
        """Erase ``user_id``'s personal data; say whether anything was stored and which
        projects under review were withdrawn (with their referrers, to tell) and who moved up
        into the training seats they held."""
        now = self._clock()
        async with self._db.write() as conn:
            promoted = await self._trainings.release_seats(conn, user_id, now=now)
            erased, withdrawn = await repo.erase(conn, user_id, now=now)
        try:
            await self._db.checkpoint()
        except sqlite3.OperationalError:
            # The erasure is committed; the old bytes leave the -wal file at the next
            # automatic checkpoint instead. Never fail the user's request over it.
            _LOGGER.warning("WAL checkpoint after an erasure was busy; it will happen later")
        return Erasure(
            erased,
            tuple(
                Withdrawn(
                    w.ref_no,
                    w.referrer_id,
                    language_for(w.referrer_language_code, w.referrer_lang_override),
                )
                for w in withdrawn
            ),
            promoted,
        )
