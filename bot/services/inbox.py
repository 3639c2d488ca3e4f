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
must not repeat can tell a rerun by ``bot.processing.current_update_id()``.

Poison updates. An update that kills the process every time it is handled (a crash in C code,
the OOM killer) would keep the bot in a restart loop, so it must be given up; an update that
merely happened to be in flight when the operator, systemd or a power cut killed the bot must
not be. Counting deaths per start cannot tell the two apart: any update in flight at three
unrelated kills in a row would be abandoned, and with many residents typing, some always is.
So a start first replays the updates that may have been in flight when the process died
(each sender's oldest unhandled one: a sender's updates run one at a time) ONE AT A TIME,
alone, before anything else runs (``resume`` sorts them out, ``bot.processing`` replays them).
Before each such replay its attempt is charged and committed (``isolate``): the count is the
marker of an isolated replay begun. The replay either finishes, and the update is handled, or
the process dies with only that update running, which is what a poison update does and a
random kill almost never does (it must land inside the few milliseconds of the same update's
replay four starts in a row). A replay still running after ``ISOLATION_WINDOW_S`` (a handler
waiting out a flood limit) is uncharged (``release``) and left to finish alongside the rest, so
a later death is not blamed on it. Deaths during normal concurrent processing charge nothing.
At ``MAX_ATTEMPTS`` charged deaths the update is abandoned: logged as an error, counted in the
health report (``abandoned_recently``), and its sender is sent an apology asking them to send
it again, queued in the outbox in the same transaction so that it is not lost either.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bot.clock import Clock
from db import inbox as inbox_repo
from db import outbox as outbox_repo
from db.database import Database
from db.inbox import Incoming, Received
from db.rows import from_db_time

_LOGGER = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; a handled row must outlive any redelivery.
RETAIN = timedelta(days=2)
PRUNE_EVERY_S = 3600.0
# Replays alone that died on an update before it is given up. Four, not three: the crash test
# (kills at every N-th message, a third of them during a start) put 2 kills on one update's
# replays in a row; at 3 about 1-2 % of its 50-round runs would abandon a healthy update, at 4
# about 0.1 %, for one more restart of a real poison update's crash loop.
MAX_ATTEMPTS = 4
# A replay alone still running after this long no longer counts as alone (see the docstring).
ISOLATION_WINDOW_S = 60.0
# The outbox message telling a sender their update was given up (worded by handlers.errors).
ABANDONED_NOTICE = "inbox.abandoned"
# How far back the health report counts abandoned updates.
ABANDONED_REPORT = timedelta(days=1)
# Decisions taken for updates fetched but not (yet) queued: PTB drops a fetched batch when it
# is stopping, so these are forgotten past this size.
_MAX_DECISIONS = 10_000


class Admission(Enum):
    """What becomes of a received update."""

    NEW = "new"  # stored: handle it, then mark it
    REPEATED = "repeated"  # stored before (a redelivery): skip it
    UNSTORED = "unstored"  # the database refused it: handle it anyway, unprotected


@dataclass(frozen=True, slots=True)
class Resumption:
    """What a start must do with the updates the last run left unhandled."""

    alone: list[Received]  # may have been in flight at the death: replay each alone, first
    behind: list[Received]  # queued behind those, never started: handle as usual afterwards
    abandoned: list[int]  # given up (``MAX_ATTEMPTS`` replays alone died on each)


class Inbox:
    """Store received updates, tell new from redelivered, mark handled ones, resume the rest."""

    def __init__(
        self, db: Database, clock: Clock, queued: Callable[[], None] = lambda: None
    ) -> None:
        self._db = db
        self._clock = clock
        self._queued = queued  # the outbox's: an apology was queued
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

    async def resume(self) -> Resumption:
        """Sort the updates stored but never handled, oldest first, for this start.

        Those ``MAX_ATTEMPTS`` replays alone died on are abandoned instead (logged, and their
        senders' apologies queued in the outbox in the same transaction). Old handled rows are
        pruned here too. Charges nothing: see ``isolate``.
        """
        now = self._db.now()
        async with self._db.write() as conn:
            await inbox_repo.prune(conn, handled_before=now - RETAIN)
            pending = await inbox_repo.unhandled(conn)
            dead = [r for r in pending if r.attempts >= MAX_ATTEMPTS]
            live = [r for r in pending if r.attempts < MAX_ATTEMPTS]
            if dead:
                ids = [r.update_id for r in dead]
                await inbox_repo.mark(conn, ids, outcome="abandoned", now=now)
                for row in dead:
                    if row.user_id is not None:
                        received = from_db_time(row.received_at).isoformat()
                        payload = {"received_at": received}
                        await outbox_repo.enqueue(
                            conn, [row.user_id], ABANDONED_NOTICE, payload, now=now
                        )
        self._pruned_at = time.monotonic()
        if dead:
            self._queued()
        for row in dead:
            _LOGGER.error(
                "update %d abandoned: %d replays alone died handling it (its sender is told "
                "to send it again)",
                row.update_id,
                MAX_ATTEMPTS,
            )
        started = set(_maybe_started(live))
        alone = [r for r in live if r.update_id in started]
        behind = [r for r in live if r.update_id not in started]
        if live:
            _LOGGER.warning(
                "resuming %d update(s) received but not handled (%d replayed one at a time "
                "first: they may have been in flight when the bot stopped)",
                len(live),
                len(alone),
            )
        return Resumption(alone, behind, [r.update_id for r in dead])

    async def isolate(self, update_id: int) -> None:
        """Charge an attempt, committed, before ``update_id`` is replayed alone."""
        async with self._db.write() as conn:
            await inbox_repo.count_attempt(conn, update_id)

    async def release(self, update_id: int) -> None:
        """Uncharge a replay alone that outlived ``ISOLATION_WINDOW_S`` (it is not alone now)."""
        async with self._db.write() as conn:
            await inbox_repo.count_attempt(conn, update_id, by=-1)

    async def abandoned_recently(self) -> tuple[int, datetime | None]:
        """Updates abandoned in the last ``ABANDONED_REPORT``, and when the last one was."""
        async with self._db.read() as conn:
            return await inbox_repo.abandoned_since(conn, self._db.now() - ABANDONED_REPORT)

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
    """The updates that may have been running when the process died: replayed alone.

    Updates run one at a time per sender, in update_id order, so only each sender's oldest
    unhandled update can have started; the ones queued behind it never ran. Updates without a
    sender are not ordered against each other: any of them may have started.
    """
    seen: set[int] = set()
    started: list[int] = []
    for row in pending:
        if row.user_id is None or row.user_id not in seen:
            started.append(row.update_id)
        if row.user_id is not None:
            seen.add(row.user_id)
    return started
