"""``/broadcast``: a staff message to every active user or to a training tag's subscribers.

The service validates the text, lists audiences, and records each broadcast with an audit
entry and, in the same transaction, one outbox row per recipient (``db.outbox``). The outbox
deliverer (``bot.services.outbox``) sends them, resuming after a restart, and records the
totals (delivered / blocked / failed) when the last row is settled. ``track`` keeps the
background sends the handler starts so shutdown and tests can wait for them (``wait_idle``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.clock import Clock
from bot.services.text import clean_multiline
from bot.vocabulary import TextProblem
from db import broadcasts as broadcasts_repo
from db import outbox as outbox_repo
from db.audit import append_audit
from db.database import Database
from db.models import Addressee, Broadcast

BROADCAST = "broadcast"  # the outbox kind of a broadcast's rows (rendered by handlers.broadcast)

_LOGGER = logging.getLogger(__name__)

# Telegram allows 4096 characters; the header and HTML escaping need room.
MAX_BROADCAST_CHARS = 3500


def clean_broadcast(text: str) -> str | TextProblem:
    """The staff text cleaned with its line breaks (``bot.services.text``), or why not."""
    return clean_multiline(text, MAX_BROADCAST_CHARS)


class BroadcastService:
    """Audiences, the broadcast record, and the background sends in flight."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        queued: Callable[[], None],
        staff: frozenset[int] = frozenset(),
    ) -> None:
        self._db = db
        self._clock = clock
        self._queued = queued  # the outbox's "something was queued" (after a commit)
        self._staff = staff  # "everyone" means the residents: staff are not its audience
        self._tasks: set[asyncio.Future[Any]] = set()

    async def tags(self) -> list[tuple[str, int]]:
        """Subscription tags with their number of reachable subscribers."""
        async with self._db.read() as conn:
            return await broadcasts_repo.subscription_tags(conn)

    async def audience(self, tag: str | None) -> list[Addressee]:
        """Who a broadcast to ``tag`` (None: everyone) reaches now."""
        async with self._db.read() as conn:
            return await broadcasts_repo.audience(conn, tag, staff=self._staff)

    async def count(self, tag: str | None) -> int:
        """How many people a broadcast to ``tag`` would reach now."""
        async with self._db.read() as conn:
            return await broadcasts_repo.audience_size(conn, tag, staff=self._staff)

    async def start(self, staff_id: int, text: str, tag: str | None) -> tuple[Broadcast, int]:
        """Record a broadcast and queue it for its audience now, in one transaction.

        One outbox row per recipient (``bot.services.outbox`` delivers them), so a restart
        resumes the broadcast where it stopped and nobody gets it twice. Returns the broadcast
        and how many it was queued for. The text is cleaned as ``clean_broadcast``.
        """
        cleaned = clean_broadcast(text)
        if isinstance(cleaned, TextProblem):
            raise ValueError(f"broadcast text refused: {cleaned.value}")
        text = cleaned
        now = self._clock()
        async with self._db.write() as conn:
            broadcast = await broadcasts_repo.create_broadcast(
                conn, created_by=staff_id, text=text, tag=tag, now=now
            )
            audience = await broadcasts_repo.audience(conn, tag, staff=self._staff)
            queued = await outbox_repo.enqueue(
                conn,
                [a.user_id for a in audience],
                BROADCAST,
                {"broadcast": broadcast.id},
                now=now,
                broadcast_id=broadcast.id,
            )
            await append_audit(
                conn,
                actor_id=staff_id,
                action="broadcast.start",
                target=("broadcast", broadcast.id),
                detail="all" if tag is None else f"tag {tag}",
                now=now,
            )
        self._queued()
        return broadcast, queued

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The stored broadcast."""
        async with self._db.read() as conn:
            return await broadcasts_repo.get_broadcast(conn, broadcast_id)

    def track(self, task: asyncio.Future[Any] | Awaitable[Any]) -> None:
        """Remember a running send so ``wait_idle`` can wait for it."""
        future = asyncio.ensure_future(task)
        self._tasks.add(future)
        future.add_done_callback(self._tasks.discard)

    def cancel(self) -> int:
        """Stop the sends in flight (their rows stay in the outbox and resume at the next start).

        Returns how many were running.
        """
        running = [task for task in self._tasks if not task.done()]
        for task in running:
            task.cancel()
        return len(running)

    async def wait_idle(self) -> None:
        """Wait until every tracked send has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
