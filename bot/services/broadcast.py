"""``/broadcast``: a staff message to every active user or to a training tag's subscribers.

The service validates the text, lists audiences, and records each broadcast and its outcome
(delivered / blocked / failed) in ``broadcasts`` with an audit entry. ``send`` delivers one
through ``bot.services.delivery`` (so it takes the ``telegram`` Bot) and stores and logs the
totals, in a background task the handler starts; ``track`` keeps those tasks so shutdown and
tests can wait for them (``wait_idle``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot

from bot.clock import Clock
from bot.services.delivery import DeliveryReport, Outbound, Recipient, deliver
from bot.services.text import TextProblem, clean_multiline
from bot.services.users import UserService
from bot.texts import language_for
from db import broadcasts as broadcasts_repo
from db.audit import append_audit
from db.database import Database
from db.models import Addressee, Broadcast

_LOGGER = logging.getLogger(__name__)

# Telegram allows 4096 characters; the header and HTML escaping need room.
MAX_BROADCAST_CHARS = 3500


def clean_broadcast(text: str) -> str | TextProblem:
    """The staff text cleaned with its line breaks (``bot.services.text``), or why not."""
    return clean_multiline(text, MAX_BROADCAST_CHARS)


class BroadcastService:
    """Audiences, the broadcast record, and the background sends in flight."""

    def __init__(self, db: Database, clock: Clock, staff: frozenset[int] = frozenset()) -> None:
        self._db = db
        self._clock = clock
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

    async def start(self, staff_id: int, text: str, tag: str | None) -> Broadcast:
        """Record a broadcast about to be sent, its text cleaned as ``clean_broadcast``."""
        cleaned = clean_broadcast(text)
        if isinstance(cleaned, TextProblem):
            raise ValueError(f"broadcast text refused: {cleaned.value}")
        text = cleaned
        now = self._clock()
        async with self._db.write() as conn:
            broadcast = await broadcasts_repo.create_broadcast(
                conn, created_by=staff_id, text=text, tag=tag, now=now
            )
            await append_audit(
                conn,
                actor_id=staff_id,
                action="broadcast.start",
                target_type="broadcast",
                target_id=broadcast.id,
                detail="all" if tag is None else f"tag {tag}",
                now=now,
            )
        return broadcast

    async def finish(
        self, broadcast_id: int, *, delivered: int, blocked: int, failed: int
    ) -> Broadcast | None:
        """Store how the broadcast went."""
        async with self._db.write() as conn:
            return await broadcasts_repo.finish_broadcast(
                conn,
                broadcast_id,
                delivered=delivered,
                blocked=blocked,
                failed=failed,
                now=self._clock(),
            )

    async def send(
        self,
        bot: Bot,
        broadcast: Broadcast,
        audience: list[Addressee],
        render: Callable[[str], str],
        *,
        users: UserService,
    ) -> DeliveryReport:
        """Deliver ``render(lang)`` to everyone in ``audience``, then store and log the totals."""
        recipients = [
            Recipient(a.user_id, language_for(a.language_code, a.lang_override)) for a in audience
        ]
        report = await deliver(bot, recipients, lambda r: Outbound(render(r.lang)), users=users)
        await self.finish(
            broadcast.id, delivered=report.delivered, blocked=report.blocked, failed=report.failed
        )
        _LOGGER.info(
            "broadcast %d: %d delivered, %d blocked, %d failed",
            broadcast.id,
            report.delivered,
            report.blocked,
            report.failed,
        )
        return report

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The stored broadcast."""
        async with self._db.read() as conn:
            return await broadcasts_repo.get_broadcast(conn, broadcast_id)

    def track(self, task: asyncio.Future[Any] | Awaitable[Any]) -> None:
        """Remember a running send so ``wait_idle`` can wait for it."""
        future = asyncio.ensure_future(task)
        self._tasks.add(future)
        future.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Wait until every tracked send has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
