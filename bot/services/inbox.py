"""The durable inbox: every update is on disk before Telegram is told it arrived.

Telegram forgets an update once the bot acknowledges it (the next ``getUpdates`` offset in
polling mode, the HTTP 200 in webhook mode), and PTB acknowledges before it handles. So
``bot.processing`` stores each update here first (``receive``: one row per ``update_id``, the
JSON as received), lets the acknowledgement go out, hands the update to the handlers, and
marks it handled afterwards (``handled``). After a crash, ``resume`` returns what was stored but
never marked, oldest first, to be handled before anything new; an update delivered again (it
was stored, but the crash came before the acknowledgement) is recognised by its id and
skipped.

Semantics, honestly: an update is handled at least once, and exactly once unless the process
dies after the handler's first effect (a write, a message sent) and before the mark, a window
of milliseconds per update. A kill -9 in that window makes the next start run the update
again from the beginning: a question may be logged and answered twice, a dialog step repeats
from the dialog state last saved (it is saved just before the mark). Services whose effect
must not repeat can tell a rerun by ``bot.processing.current_update_id()``. Updates that kill
the process every time they are handled are given up after ``MAX_ATTEMPTS`` starts.

A handled row keeps only its id, enough to recognise a redelivery: the message itself (a
resident's words, a phone number) and its sender are dropped when it is handled, so the inbox
holds personal data only while an update is in flight (or until the next start after a
crash); an erasure (``db.privacy.erase``) drops the erased user's in-flight updates too.

Writes are group-committed: everything received or finished while the previous transaction
was committing goes into the next one, so a busy bot pays one transaction per batch, not per
update. Handled rows are pruned after ``RETAIN``. No ``telegram`` import.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import time
from collections.abc import Sequence
from datetime import timedelta
from enum import Enum
from typing import Any

from bot.clock import Clock
from db import inbox as inbox_repo
from db.database import Database
from db.inbox import Incoming, Received

_LOGGER = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; a handled row must outlive any redelivery.
RETAIN = timedelta(days=2)
PRUNE_EVERY_S = 3600.0
# Starts that tried an update and died before finishing it; then it is given up.
MAX_ATTEMPTS = 3
# Decisions taken for updates fetched but not (yet) queued: PTB drops a fetched batch when it
# is stopping, so these are forgotten past this size.
_MAX_DECISIONS = 10_000


class Admission(Enum):
    """What becomes of a received update."""

    NEW = "new"  # stored: handle it, then mark it
    REPEATED = "repeated"  # stored before (a redelivery): skip it
    UNSTORED = "unstored"  # the database refused it: handle it anyway, unprotected


class Inbox:
    """Store received updates, tell new from redelivered, mark handled ones, resume the rest."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._receives: list[tuple[list[Incoming], asyncio.Future[set[int]]]] = []
        self._marks: list[tuple[int, asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None
        self._decided: dict[int, Admission] = {}
        self._admitted: set[int] = set()
        self._pruned_at: float | None = None
        self.received = 0
        self.duplicates = 0
        self.handled_count = 0

    # ------------------------------------------------------------------ receiving
    async def receive(self, updates: Sequence[Incoming]) -> dict[int, Admission]:
        """Store the updates durably; for each update_id, whether it is new.

        Returns once the rows are committed. If the database cannot take them (read-only,
        full, locked past the busy timeout) every update is ``UNSTORED``: it is handled all
        the same, so residents get an answer (or the apology) rather than silence, but without
        the inbox's protection, which is logged.
        """
        if not updates:
            return {}
        future: asyncio.Future[set[int]] = asyncio.get_running_loop().create_future()
        self._receives.append((list(updates), future))
        self._kick()
        try:
            new = await future
        except sqlite3.Error as exc:
            _LOGGER.error(
                "could not store %d update(s) in the inbox, handling them without: %s",
                len(updates),
                exc,
            )
            return {u.update_id: Admission.UNSTORED for u in updates}
        self.received += len(new)
        self.duplicates += len(updates) - len(new)
        return {
            u.update_id: Admission.NEW if u.update_id in new else Admission.REPEATED
            for u in updates
        }

    def remember(self, admissions: dict[int, Admission]) -> None:
        """Keep a fetched batch's admissions until ``take_admission`` as each is queued."""
        if len(self._decided) > _MAX_DECISIONS:
            self._decided.clear()
        self._decided.update(admissions)

    def take_admission(self, update_id: int) -> Admission | None:
        """What ``receive`` decided for a fetched update; None if it was not fetched by a poll."""
        return self._decided.pop(update_id, None)

    def admit(self, update_id: int) -> None:
        """Note that ``update_id`` goes to the handlers and must be marked when done."""
        self._admitted.add(update_id)

    # ------------------------------------------------------------------- handling
    async def finished(self, update_id: int) -> bool:
        """Mark an admitted update handled (committed on return); False if it was not admitted.

        A failure to write is logged, not raised: the update will run again after a restart.
        """
        if update_id not in self._admitted:
            return False
        self._admitted.discard(update_id)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._marks.append((update_id, future))
        self._kick()
        try:
            await future
        except Exception as exc:  # at-least-once: a lost mark means a rerun
            _LOGGER.warning("could not mark update %d handled: %s", update_id, exc)
            return True
        self.handled_count += 1
        return True

    async def resume(self) -> list[Received]:
        """Updates stored but never handled, oldest first; charges this start as an attempt.

        Those tried ``MAX_ATTEMPTS`` times already are marked abandoned (and logged) instead:
        an update that kills the process every time must not keep the bot in a crash loop.
        Old handled rows are pruned here too.
        """
        now = self._db.now()
        async with self._db.write() as conn:
            await inbox_repo.prune(conn, handled_before=now - RETAIN)
            pending = await inbox_repo.unhandled(conn)
            dead = [r.update_id for r in pending if r.attempts >= MAX_ATTEMPTS]
            retry = [r for r in pending if r.attempts < MAX_ATTEMPTS]
            if dead:
                await inbox_repo.mark(conn, dead, outcome="abandoned", now=now)
            await inbox_repo.count_attempt(conn, _maybe_started(retry))
        self._pruned_at = time.monotonic()
        for update_id in dead:
            _LOGGER.error(
                "update %d abandoned: %d starts died handling it", update_id, MAX_ATTEMPTS
            )
        if retry:
            _LOGGER.warning("resuming %d update(s) received but not handled", len(retry))
        return retry

    async def abandon(self, update_id: int) -> None:
        """Give up an update that cannot be handled at all (unreadable JSON)."""
        async with self._db.write() as conn:
            await inbox_repo.mark(conn, [update_id], outcome="abandoned", now=self._db.now())

    async def counts(self) -> tuple[int, int]:
        """(unhandled, handled) rows in the inbox."""
        async with self._db.read() as conn:
            return await inbox_repo.counts(conn)

    # --------------------------------------------------------------- group commit
    def _kick(self) -> None:
        if self._drain is None or self._drain.done():
            # A fresh context: the drain must not inherit the first caller's read() or trace.
            self._drain = asyncio.create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        receives: list[tuple[list[Incoming], asyncio.Future[set[int]]]] = []
        marks: list[tuple[int, asyncio.Future[None]]] = []
        try:
            while self._receives or self._marks:
                receives, self._receives = self._receives, []
                marks, self._marks = self._marks, []
                await self._commit(receives, marks)
        except BaseException:  # cancelled at shutdown: nobody may wait for ever
            waiting: list[asyncio.Future[Any]] = [f for _, f in (*receives, *self._receives)]
            waiting += [f for _, f in (*marks, *self._marks)]
            for future in waiting:
                future.cancel()
            self._receives, self._marks = [], []
            raise

    async def _commit(
        self,
        receives: list[tuple[list[Incoming], asyncio.Future[set[int]]]],
        marks: list[tuple[int, asyncio.Future[None]]],
    ) -> None:
        rows = [row for batch, _ in receives for row in batch]
        prune = self._pruned_at is None or time.monotonic() - self._pruned_at > PRUNE_EVERY_S
        try:
            now = self._db.now()
            async with self._db.write() as conn:
                new = await inbox_repo.insert_new(conn, rows, now=now) if rows else set()
                if marks:
                    ids = [update_id for update_id, _ in marks]
                    await inbox_repo.mark(conn, ids, outcome="handled", now=now)
                if prune:
                    await inbox_repo.prune(conn, handled_before=now - RETAIN)
        except Exception as exc:  # every waiter gets the error
            failed: list[asyncio.Future[Any]] = [f for _, f in receives]
            failed += [f for _, f in marks]
            for future in failed:
                if not future.done():
                    future.set_exception(exc)
            return
        if prune:
            self._pruned_at = time.monotonic()
        claimed: set[int] = set()
        for batch, receive in receives:
            # The same id twice in one transaction (a webhook retry racing the original) is
            # new for the first receiver only.
            mine = {u.update_id for u in batch if u.update_id in new} - claimed
            claimed |= mine
            if not receive.done():
                receive.set_result(mine)
        for _, finished in marks:
            if not finished.done():
                finished.set_result(None)


def _maybe_started(pending: list[Received]) -> list[int]:
    """The updates a start runs first, so the ones charged an attempt.

    Updates run one at a time per sender, in update_id order: a start runs each sender's oldest
    unhandled update first, and the ones queued behind it never ran when a start died on it. They
    are not charged, or a backlog spanning a few quick restarts would be abandoned as poison.
    Updates without a sender are not ordered against each other and are all charged.
    """
    seen: set[int] = set()
    started: list[int] = []
    for row in pending:
        if row.user_id is None or row.user_id not in seen:
            started.append(row.update_id)
        if row.user_id is not None:
            seen.add(row.user_id)
    return started
