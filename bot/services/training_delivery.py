"""Reminders and notices of training sessions: what is due now, and sending at most once.

``TrainingDelivery`` (the part of ``TrainingService`` the dispatcher uses) picks the reminders
and notices due now, skipping those that no longer make sense (a cancelled or started session,
an inactive resident, a superseded reminder); ``claim`` records 'sending' before a message goes
out and ``settle`` what became of it, and ``reconcile`` at start-up resends what a crash
interrupted. It decides and records, never sends (``bot.services.dispatcher`` does). No
``telegram``; time from the ``Clock``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.services.base import StoreService
from db import training_delivery as delivery_repo
from db import trainings as repo
from db.models import (
    Addressee,
    DeliveryStatus,
    DueReminder,
    NoticeKind,
    SignupStatus,
    Training,
    TrainingStatus,
)

# A reminder sent more than this after its due time is marked late ("补发").
LATE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One reminder or notice the dispatcher should send now."""

    kind: str  # "reminder" | "notice"
    row_id: int
    training: Training
    to: Addressee
    late: bool
    notice: NoticeKind | None = None
    offset: timedelta | None = None
    old_starts_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What startup reconciliation found."""

    interrupted: int  # rows left 'sending' by a crash, returned to pending (late)
    overdue: int  # reminders that fell due while the bot was down, flagged late
    next_due: datetime | None


class TrainingDelivery(StoreService):
    """The reminders and notices of sessions: due, claimed, settled, reconciled after a crash."""

    def now(self) -> datetime:
        """The current time (UTC) from the injected clock."""
        return self._clock().astimezone(UTC)

    # ---------------------------------------------------- reminders and notices
    async def reconcile(self) -> ReconcileReport:
        """At startup: resend what a crash interrupted, flag what was missed as late."""
        now = self.now()
        async with self._db.write() as conn:
            interrupted = await delivery_repo.release_interrupted(conn, "reminder")
            interrupted += await delivery_repo.release_interrupted(conn, "notice")
            overdue = await delivery_repo.mark_overdue_late(conn, before=now - LATE_AFTER)
            next_due = await delivery_repo.next_due(conn)
        return ReconcileReport(interrupted, overdue, next_due)

    async def next_due(self) -> datetime | None:
        """When the earliest pending reminder falls due."""
        async with self._db.read() as conn:
            return await delivery_repo.next_due(conn)

    async def due(self, *, limit: int = 500) -> list[Outgoing]:
        """Reminders and notices to send now; those that no longer make sense are skipped."""
        now = self.now()
        async with self._db.write() as conn:
            reminders = await delivery_repo.due_reminders(conn, now=now, limit=limit)
            notices = await delivery_repo.pending_notices(conn, limit=limit)
            ids = {r.training_id for r in reminders} | {n.training_id for n in notices}
            trainings = {tid: await repo.get_training(conn, tid) for tid in ids}
            out, skip_reminders = _due_reminders(reminders, trainings, now)
            skip_notices: list[int] = []
            for n in notices:
                training = trainings[n.training_id]
                if (
                    training is None
                    or not n.to.is_active
                    or not await self._still_relevant(conn, n.kind, training, n.to.user_id, now)
                ):
                    skip_notices.append(n.id)
                    continue
                out.append(
                    Outgoing(
                        "notice",
                        n.id,
                        training,
                        n.to,
                        n.late,
                        notice=n.kind,
                        old_starts_at=n.old_starts_at,
                    )
                )
            await delivery_repo.set_status(
                conn, "reminder", skip_reminders, DeliveryStatus.SKIPPED
            )
            await delivery_repo.set_status(conn, "notice", skip_notices, DeliveryStatus.SKIPPED)
        return out

    @staticmethod
    async def _still_relevant(
        conn: aiosqlite.Connection,
        kind: NoticeKind,
        training: Training,
        user_id: int,
        now: datetime,
    ) -> bool:
        if kind is NoticeKind.CANCELLED:
            return training.ends_at > now
        if training.status is TrainingStatus.CANCELLED or training.starts_at <= now:
            return False
        if kind is NoticeKind.PROMOTED:
            return await repo.signup_status(conn, training.id, user_id) is SignupStatus.SIGNED
        return True

    async def claim(self, item: Outgoing) -> str | None:
        """Record 'sending' before the message goes out; None = do not send it."""
        async with self._db.write() as conn:
            return await delivery_repo.claim(conn, item.kind, item.row_id, now=self.now())

    async def settle(self, item: Outgoing, token: str, delivered: bool) -> None:
        """Record what became of a claimed message."""
        status = DeliveryStatus.SENT if delivered else DeliveryStatus.FAILED
        async with self._db.write() as conn:
            await delivery_repo.finish(conn, item.kind, item.row_id, token, status, now=self.now())

    async def reminder_states(self, training_id: int, user_id: int) -> list[tuple[int, str, bool]]:
        """``(offset_seconds, status, late)`` of a user's reminders for a session."""
        async with self._db.read() as conn:
            return await delivery_repo.reminders_for(conn, training_id, user_id)

    async def pending_notice_count(self, training_id: int) -> int:
        """Notices about the session not yet delivered."""
        async with self._db.read() as conn:
            return await delivery_repo.count_pending_notices(conn, training_id)


def _due_reminders(
    reminders: list[DueReminder], trainings: Mapping[int, Training | None], now: datetime
) -> tuple[list[Outgoing], list[int]]:
    """The reminders to send now, and the ids of those to skip: their session is gone,
    cancelled or started, the resident inactive, or a nearer reminder is due with them."""
    out: list[Outgoing] = []
    skip: list[int] = []
    nearest: dict[tuple[int, int], int] = {}
    for r in reminders:
        key = (r.training_id, r.to.user_id)
        nearest[key] = min(nearest.get(key, r.offset_seconds), r.offset_seconds)
    for r in reminders:
        training = trainings[r.training_id]
        if (
            training is None
            or training.status is TrainingStatus.CANCELLED
            or training.starts_at <= now
            or not r.to.is_active
            or r.offset_seconds != nearest[(r.training_id, r.to.user_id)]
        ):
            skip.append(r.id)
            continue
        late = r.late or now - r.due_at > LATE_AFTER
        offset = timedelta(seconds=r.offset_seconds)
        out.append(Outgoing("reminder", r.id, training, r.to, late, offset=offset))
    return out, skip
