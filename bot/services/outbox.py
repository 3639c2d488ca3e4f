"""Deliver the outbox: notifications written with the change that caused them (issue 13.4).

A service that changes something someone must hear about (a project submitted, decided, a
broadcast) queues the message with ``db.outbox.enqueue`` inside its own write transaction and
calls ``queued()`` after the commit. This deliverer sends them under the one sending policy
(``bot.services.delivery``: flood waits, blocked users marked, each recipient's language):

- ``flush`` runs at the end of every update (``UserOrderedProcessor.after_update``), so what
  an update caused arrives before the update counts as handled, as when handlers sent it. It sends
  only direct messages (not broadcasts) and waits out at most ``INTERACTIVE_FLOOD_WAIT_S`` of
  flood limits; what it gives up on stays pending for the background run.
- ``drain`` runs in the background (a JobQueue poll every minute, started with a pass at
  start-up, and kicked when a broadcast is queued): everything pending, one run at a time,
  flood waits unbounded, then records finished broadcasts and tells their author.

Each row is claimed ('sending', committed) right before it goes out and settled after, so no
row is sent twice in normal operation, across concurrent flushes, or after a restart. The one
duplicate possible: the process dies after Telegram accepted a message and before its row was
settled. Telegram cannot tell us whether it arrived, so ``reconcile`` at start-up resends such
rows (at most one per concurrent send in flight) with the 补发 marker ("ignore if you already
have it"), as training reminders do: a lost approval or staff card costs more than a second
glance. A broadcast is one row per recipient, so after a restart it resumes where it stopped.

Messages are rendered when sent, by the renderer registered for their ``kind`` (the handlers
own the wording; ``bot.app`` registers them), from ids in the payload, so an erasure shows.
A kind may also register what to do when its message cannot be delivered (``undelivered``:
blocked, skipped, failed), e.g. a staff reply to a resident who blocked the bot is unclaimed.
Like ``delivery`` it imports ``telegram``: sending is its job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.ext import CallbackContext, JobQueue

from bot.clock import Clock
from bot.services.delivery import (
    DeliveryReport,
    Outbound,
    Outcome,
    Recipient,
    Sleep,
    deliver,
)
from bot.services.users import UserService
from bot.texts import Html, Texts, get_texts, language_for
from db import outbox as repo
from db.database import Database
from db.outbox import OutboxRow
from db.outbox import Payload as Payload  # re-exported: renderers take it

_LOGGER = logging.getLogger(__name__)

POLL_JOB = "outbox.poll"
KICK_JOB = "outbox.kick"
POLL_INTERVAL_S = 60.0
BATCH = 500
# A flush sends at most this many (an update's own are a few); more left: a background drain.
FLUSH_LIMIT = 20
# A message sent while someone waits for the bot's answer waits out flood limits this long.
INTERACTIVE_FLOOD_WAIT_S = 30.0
BROADCAST_DONE = "broadcast.done"
# A message deferred this many times (Telegram down, or refusing it with 5xx) is given up.
MAX_ATTEMPTS = 50

Renderer = Callable[[Payload, Texts], Awaitable[Outbound | None]]
Undelivered = Callable[[Payload], Awaitable[object]]
Jobs = JobQueue[Any] | None

_STATUS = {
    Outcome.DELIVERED: "sent",
    Outcome.BLOCKED: "blocked",
    Outcome.FAILED: "failed",
    Outcome.DEFERRED: "pending",
}


@dataclass(frozen=True, slots=True)
class _Ready:
    row: OutboxRow
    message: Outbound


class Outbox:
    """Send what the outbox holds, each row at most once per attempt, resuming after a crash."""

    def __init__(self, db: Database, users: UserService, clock: Clock, sleep: Sleep) -> None:
        self._db = db
        self._users = users
        self._clock = clock
        self._sleep = sleep
        self.renderers: dict[str, Renderer] = {}
        self.undelivered: dict[str, Undelivered] = {}
        self._drain_lock = asyncio.Lock()
        self._hint = True  # something may be pending (at start-up: maybe)
        # Rows a flush or drain of this process is sending: the others leave them alone (the
        # claim would refuse them anyway, but each refusal costs a write transaction).
        self._taken: set[int] = set()
        self._draining: asyncio.Future[DeliveryReport] | None = None

    def queued(self) -> None:
        """A transaction that queued messages has committed: the next flush looks."""
        self._hint = True

    async def reconcile(self) -> int:
        """At start-up: rows a crash left 'sending' go out again, marked 补发."""
        async with self._db.write() as conn:
            released = await repo.release_interrupted(conn)
        if released:
            _LOGGER.warning(
                "outbox: %d messages were being sent when the bot stopped; they are sent "
                "again, marked as resent",
                released,
            )
        self._hint = True
        return released

    async def flush(self, bot: Bot) -> DeliveryReport:
        """Send the direct messages waiting now (the end of an update)."""
        if not self._hint:
            return DeliveryReport()
        self._hint = False
        async with self._db.read() as conn:
            found = await repo.pending(conn, limit=2 * FLUSH_LIMIT, direct_only=True)
        rows = [r for r in found if r.id not in self._taken][:FLUSH_LIMIT]
        if len(found) > len(rows):
            # A burst (many updates at once): the rest goes out in the background, so one
            # resident's update does not carry everyone's messages.
            self._hint = True
            self._background(self.drain(bot))
        return await self._send(bot, rows, INTERACTIVE_FLOOD_WAIT_S)

    def _background(self, run: Coroutine[Any, Any, DeliveryReport]) -> None:
        if self._draining is not None and not self._draining.done():
            run.close()  # one background drain at a time sends everything pending
            return
        self._draining = asyncio.ensure_future(run)

    async def wait_idle(self) -> None:
        """Wait for a background drain started by a flush (tests, shutdown)."""
        if self._draining is not None:
            await asyncio.gather(self._draining, return_exceptions=True)

    async def drain(self, bot: Bot) -> DeliveryReport:
        """Send everything pending (broadcasts too), then record finished broadcasts."""
        total = DeliveryReport()
        async with self._drain_lock:
            after = 0
            while True:
                async with self._db.read() as conn:
                    rows = await repo.pending(conn, limit=BATCH, after=after)
                if not rows:
                    if not await self._finish_broadcasts():
                        break
                    continue  # their authors' summaries were queued: send those too
                after = rows[-1].id
                total.merge(await self._send(bot, rows, None))
        if total.total:
            _LOGGER.info("outbox: %s", total.summary())
        return total

    async def _finish_broadcasts(self) -> int:
        """Record each broadcast whose rows are all settled and queue its author's summary."""
        finished = 0
        async with self._db.write() as conn:
            for broadcast_id in await repo.open_broadcasts(conn):
                counts = await repo.broadcast_counts(conn, broadcast_id)
                if counts.get("pending") or counts.get("sending"):
                    continue
                now = self._clock()
                broadcast = await repo.finish_broadcast(conn, broadcast_id, counts, now=now)
                if broadcast is not None and counts:
                    await repo.enqueue(
                        conn,
                        [broadcast.created_by],
                        BROADCAST_DONE,
                        {"broadcast": broadcast_id},
                        now=now,
                    )
                    finished += 1
        return finished

    async def _send(
        self, bot: Bot, rows: list[OutboxRow], max_flood_wait: float | None
    ) -> DeliveryReport:
        rows = [r for r in rows if r.id not in self._taken]
        ids = {r.id for r in rows}
        self._taken |= ids
        try:
            return await self._send_rows(bot, rows, max_flood_wait)
        finally:
            self._taken -= ids

    async def _send_rows(
        self, bot: Bot, rows: list[OutboxRow], max_flood_wait: float | None
    ) -> DeliveryReport:
        if not rows:
            return DeliveryReport()
        ready, skipped = await self._render(rows)
        if skipped:
            settled = []
            async with self._db.write() as conn:
                for row in skipped:
                    if await repo.claim(conn, row.id, now=self._clock()):
                        await repo.settle(conn, row.id, "skipped", now=self._clock())
                        settled.append(row)
            for row in settled:
                await self._undelivered(row)
        by_id = {r.row.id: r for r in ready}

        async def claim(r: Recipient) -> bool:
            async with self._db.write() as conn:
                return await repo.claim(conn, int(r.key), now=self._clock())

        async def settle(r: Recipient, outcome: Outcome) -> None:
            status = _STATUS.get(outcome, "failed")
            if status == "pending" and by_id[int(r.key)].row.attempts + 1 >= MAX_ATTEMPTS:
                _LOGGER.error("outbox: row %d given up after %d attempts", r.key, MAX_ATTEMPTS)
                status = "failed"
            async with self._db.write() as conn:
                await repo.settle(conn, int(r.key), status, now=self._clock())
            if outcome is Outcome.DEFERRED:
                self._hint = True
            elif status != "sent":
                await self._undelivered(by_id[int(r.key)].row)

        recipients = [Recipient(r.row.recipient, key=r.row.id) for r in ready]
        report = await deliver(
            bot,
            recipients,
            lambda r: by_id[int(r.key)].message,
            users=self._users,
            before_send=claim,
            after_send=settle,
            sleep=self._sleep,
            max_flood_wait=max_flood_wait,
        )
        report.counts[Outcome.SKIPPED] += len(skipped)
        return report

    async def _undelivered(self, row: OutboxRow) -> None:
        """Run the kind's step for a message that will not be delivered (logged if it fails)."""
        step = self.undelivered.get(row.kind)
        if step is None:
            return
        try:
            await step(row.payload)
        except Exception:
            _LOGGER.exception("outbox: the undelivered step of %s row %d failed", row.kind, row.id)

    async def _render(self, rows: list[OutboxRow]) -> tuple[list[_Ready], list[OutboxRow]]:
        """Each row's message in its recipient's language; rows with nothing to say apart."""
        async with self._db.read() as conn:
            people = await repo.recipients(conn, {r.recipient for r in rows})
        ready: list[_Ready] = []
        skipped: list[OutboxRow] = []
        for row in rows:
            person = people.get(row.recipient)
            if person is not None and not person.active:
                skipped.append(row)  # blocked the bot: not reachable until they write again
                continue
            lang = "zh" if person is None else language_for(person.language_code, person.lang)
            t = get_texts(lang)
            renderer = self.renderers.get(row.kind)
            if renderer is None:
                _LOGGER.error(
                    "outbox: no renderer for %s messages; row %d skipped", row.kind, row.id
                )
                skipped.append(row)
                continue
            try:
                message = await renderer(row.payload, t)
            except Exception:
                _LOGGER.exception("outbox: could not render %s row %d", row.kind, row.id)
                skipped.append(row)
                continue
            if message is None:
                skipped.append(row)  # nothing to say any more (erased, settled meanwhile)
                continue
            if row.late:
                text = Html(t.trainings.late_prefix + message.text + t.trainings.late_note)
                message = Outbound(text, message.markup)
            ready.append(_Ready(row, message))
        return ready, skipped

    async def counts(self) -> dict[str, int]:
        """Rows per status."""
        async with self._db.read() as conn:
            return await repo.status_counts(conn)

    # ------------------------------------------------------------- scheduling
    async def _job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Run ``drain`` from the JobQueue."""
        await self.drain(context.bot)

    def kick(self, jobs: Jobs) -> None:
        """Drain soon (a broadcast was queued), unless a run is already queued."""
        if jobs is None or jobs.get_jobs_by_name(KICK_JOB):
            return
        jobs.run_once(self._job, when=0.0, name=KICK_JOB)

    async def start(self, jobs: Jobs) -> None:
        """At start-up: release interrupted rows, then drain now and every minute."""
        await self.reconcile()
        if jobs is None:
            _LOGGER.error("no JobQueue: the outbox is delivered only after updates")
            return
        jobs.run_repeating(self._job, interval=POLL_INTERVAL_S, first=0.0, name=POLL_JOB)
