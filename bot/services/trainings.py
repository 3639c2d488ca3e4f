"""Trainings: sessions, sign-ups with capacity and a waitlist, subscriptions, reminders, notices.

Staff create, edit, move and cancel sessions; residents sign up, withdraw and subscribe to tags;
what is due to be sent and its bookkeeping is ``bot.services.training_delivery``.
Capacity holds under concurrency (the seat count and the insert share one ``BEGIN IMMEDIATE``
transaction). This service decides and records, and never sends: reminders and notices are
rows that ``bot.services.dispatcher`` delivers at most once, across restarts (the bookkeeping
is in docs/architecture.md, "Reminders and notices"). No ``telegram``; time from the ``Clock``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.services.training_delivery import TrainingDelivery
from bot.services.training_rules import (
    MAX_CAPACITY,
    MAX_TAGS,
    TrainingError,
    cleaned,
    english_tags,
    reminders_ahead,
    split_tags,
    start_problem,
    subscribable_tags,
    window_problem,
)
from bot.texts import get_texts
from db import training_delivery as delivery_repo
from db import trainings as repo
from db.audit import append_audit
from db.models import (
    NoticeKind,
    SessionCard,
    SignupStatus,
    Training,
    TrainingStatus,
)
from db.trainings import TrainingDraft as TrainingDraft  # the service's input too

UPCOMING_LIMIT = 10


class SignupOutcome(StrEnum):
    """What pressing 报名 did."""

    SIGNED = "signed"
    WAITLISTED = "waitlisted"
    ALREADY_SIGNED = "already_signed"
    ALREADY_WAITLISTED = "already_waitlisted"
    CLOSED = "closed"  # cancelled or already started
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class SignupResult:
    """The outcome of a sign-up and, when waitlisted, the 1-based position; when signed, the
    reminders planned (their offsets before the start: none for a late sign-up)."""

    outcome: SignupOutcome
    position: int = 0
    reminders: tuple[timedelta, ...] = ()


@dataclass(frozen=True, slots=True)
class WithdrawResult:
    """Whether the user had a place, and who moved up from the waitlist into a freed seat."""

    withdrawn: bool
    promoted: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """A staff change: the session as stored, notices queued and users promoted."""

    training: Training
    notified: int = 0
    promoted: tuple[int, ...] = ()


class TrainingService(TrainingDelivery):
    """Use cases of the training feature, for handlers, the CLI and the dispatcher (its
    reminders and notices: ``TrainingDelivery``)."""

    @property
    def offsets(self) -> tuple[timedelta, ...]:
        """Reminder offsets before a session starts."""
        return self._settings.reminder_offsets

    # ------------------------------------------------------------------ staff
    def check(self, draft: TrainingDraft) -> TrainingDraft:
        """Validate and tidy a draft; raise ``TrainingError`` naming the first problem."""
        draft = replace(
            draft,
            title=cleaned("title", draft.title),
            title_en=cleaned("title_en", draft.title_en),
            place=cleaned("place", draft.place),
            description=cleaned("description", draft.description),
            target_group=cleaned("target", draft.target_group),
            tags=self.stored_tags(",".join(draft.tags)),
        )
        if problem := start_problem(draft.starts_at, self.now()):
            raise TrainingError(problem)
        if problem := window_problem(draft.starts_at, draft.ends_at):
            raise TrainingError(problem)
        if not 1 <= draft.capacity <= MAX_CAPACITY:
            raise TrainingError("capacity")
        return draft

    def stored_tags(self, typed: str) -> tuple[str, ...]:
        """Typed tags as stored (English names of industries and themes read as theirs)."""
        themes = get_texts("en").trainings.themes
        return english_tags(split_tags(typed), self._settings.town, themes)[:MAX_TAGS]

    async def create(self, draft: TrainingDraft, *, actor: int | None) -> ChangeResult:
        """Publish a session and queue its announcement to matching subscribers."""
        draft = self.check(draft)
        now = self.now()
        async with self._db.write() as conn:
            training = await repo.insert_training(conn, draft, created_by=actor, now=now)
            queued = await delivery_repo.queue_announcements(conn, training.id, now=now)
            await _audit(conn, "training.create", training.id, actor=actor, now=now)
        return ChangeResult(training, notified=queued)

    async def get(self, training_id: int) -> Training | None:
        """The session, if any."""
        async with self._db.read() as conn:
            return await repo.get_training(conn, training_id)

    async def list_sessions(self, *, include_past: bool = False) -> list[Training]:
        """Upcoming sessions (or all of them), soonest first."""
        async with self._db.read() as conn:
            return await repo.list_trainings(conn, now=self.now(), include_past=include_past)

    async def overview(self, training_id: int) -> SessionCard | None:
        """Seat counts of a session (the staff view)."""
        async with self._db.read() as conn:
            return await repo.card(conn, training_id, 0)

    async def move(
        self,
        training_id: int,
        starts_at: datetime,
        ends_at: datetime | None = None,
        *,
        actor: int | None,
    ) -> ChangeResult:
        """Move a session (keeping its length unless ``ends_at``): re-plan reminders, notify."""
        now = self.now()
        if problem := start_problem(starts_at, now):
            raise TrainingError(problem)
        async with self._db.write() as conn:
            old = await self._open_training(conn, training_id)
            end = ends_at or starts_at + (old.ends_at - old.starts_at)
            if problem := window_problem(starts_at, end):
                raise TrainingError(problem)
            training = await repo.update_training(
                conn,
                training_id,
                now=now,
                starts_at=starts_at,
                ends_at=end,
                status=TrainingStatus.MOVED,
            )
            assert training is not None
            await delivery_repo.skip_reminders(conn, training_id)
            signed = await repo.participants(conn, training_id, [SignupStatus.SIGNED])
            await delivery_repo.plan_reminders(
                conn, training_id, signed, starts_at, self.offsets, now=now
            )
            notified = await _tell_everyone(
                conn, training_id, NoticeKind.MOVED, now, old_starts_at=old.starts_at
            )
            moved = f"{self._local(old.starts_at)} -> {self._local(starts_at)}"
            await _audit(conn, "training.move", training_id, actor=actor, now=now, detail=moved)
        return ChangeResult(training, notified=notified)

    def _local(self, moment: datetime) -> str:
        """``moment`` in the town's time zone, ISO 8601 (the one form the audit log uses)."""
        return moment.astimezone(self._settings.timezone).isoformat()

    async def edit(
        self, training_id: int, field: str, value: str | int, *, actor: int | None
    ) -> ChangeResult:
        """Change title (Chinese or English), place, description, target group, tags or
        capacity; a new place is announced to those signed up, and more seats promote from the
        waitlist."""
        now = self.now()
        async with self._db.write() as conn:
            old = await self._open_training(conn, training_id)
            notified = 0
            promoted: tuple[int, ...] = ()
            if field == "capacity":
                if not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
                    raise TrainingError("capacity")
                if value < await repo.count_signed(conn, training_id):
                    raise TrainingError("below_signed")
                training = await repo.update_training(conn, training_id, now=now, capacity=value)
                assert training is not None
                promoted = await self._promote(conn, training, now)
            elif field == "tags":
                await repo.set_tags(conn, training_id, self.stored_tags(str(value)))
                training = await repo.update_training(conn, training_id, now=now)
                assert training is not None
            elif repo.is_text_column(field):  # target group, English title, description: '' clears
                text = cleaned("target" if field == "target_group" else field, str(value))
                training = await repo.set_text(conn, training_id, field, text, now=now)
                assert training is not None
                if field == "place" and text != old.place:
                    notified = await _tell_everyone(conn, training_id, NoticeKind.CHANGED, now)
            else:
                raise TrainingError("field")
            await _audit(conn, f"training.edit.{field}", training_id, actor=actor, now=now)
        return ChangeResult(training, notified=notified, promoted=promoted)

    async def cancel(self, training_id: int, *, actor: int | None) -> ChangeResult:
        """Cancel a session: withdraw its reminders and queue a notice to everyone on it."""
        now = self.now()
        async with self._db.write() as conn:
            training = await repo.get_training(conn, training_id)
            if training is None:
                raise TrainingError("not_found")
            if training.status is TrainingStatus.CANCELLED:
                raise TrainingError("cancelled")
            cancelled = await repo.update_training(
                conn, training_id, now=now, status=TrainingStatus.CANCELLED
            )
            assert cancelled is not None
            await delivery_repo.skip_reminders(conn, training_id)
            notified = await _tell_everyone(conn, training_id, NoticeKind.CANCELLED, now)
            await _audit(conn, "training.cancel", training_id, actor=actor, now=now)
        return ChangeResult(cancelled, notified=notified)

    async def _open_training(self, conn: aiosqlite.Connection, training_id: int) -> Training:
        training = await repo.get_training(conn, training_id)
        if training is None:
            raise TrainingError("not_found")
        if training.status is TrainingStatus.CANCELLED:
            raise TrainingError("cancelled")
        return training

    # --------------------------------------------------------------- residents
    async def upcoming(self, user_id: int, *, limit: int = UPCOMING_LIMIT) -> list[SessionCard]:
        """Upcoming sessions as ``user_id`` sees them."""
        async with self._db.read() as conn:
            return await repo.upcoming_cards(conn, user_id, now=self.now(), limit=limit)

    async def mine(self, user_id: int) -> list[SessionCard]:
        """Sessions the user is signed up or waitlisted for that have not ended."""
        async with self._db.read() as conn:
            return await repo.my_cards(conn, user_id, now=self.now())

    async def card(self, training_id: int, user_id: int) -> SessionCard | None:
        """One session as ``user_id`` sees it."""
        async with self._db.read() as conn:
            return await repo.card(conn, training_id, user_id)

    async def signup(self, training_id: int, user_id: int) -> SignupResult:
        """Take a seat if one is free, else join the waitlist (seat check and insert atomic)."""
        now = self.now()
        async with self._db.write() as conn:
            training = await repo.get_training(conn, training_id)
            if training is None:
                return SignupResult(SignupOutcome.NOT_FOUND)
            if training.status is TrainingStatus.CANCELLED or training.starts_at <= now:
                return SignupResult(SignupOutcome.CLOSED)
            current = await repo.signup_status(conn, training_id, user_id)
            if current is SignupStatus.SIGNED:
                return SignupResult(SignupOutcome.ALREADY_SIGNED)
            if current is SignupStatus.WAITLISTED:
                position = await repo.waitlist_position(conn, training_id, user_id)
                return SignupResult(SignupOutcome.ALREADY_WAITLISTED, position)
            if await repo.count_signed(conn, training_id) < training.capacity:
                await repo.enqueue(conn, training_id, user_id, SignupStatus.SIGNED, now=now)
                ahead = reminders_ahead(self.offsets, training.starts_at, now)
                await delivery_repo.plan_reminders(
                    conn, training_id, [user_id], training.starts_at, ahead, now=now
                )
                return SignupResult(SignupOutcome.SIGNED, reminders=ahead)
            await repo.enqueue(conn, training_id, user_id, SignupStatus.WAITLISTED, now=now)
            position = await repo.waitlist_position(conn, training_id, user_id)
            return SignupResult(SignupOutcome.WAITLISTED, position)

    async def withdraw(self, training_id: int, user_id: int) -> WithdrawResult:
        """Give up a seat or a waitlist place; the head of the waitlist moves up and is told."""
        now = self.now()
        async with self._db.write() as conn:
            current = await repo.signup_status(conn, training_id, user_id)
            if current not in (SignupStatus.SIGNED, SignupStatus.WAITLISTED):
                return WithdrawResult(False)
            promoted = await self._give_up(conn, training_id, user_id, now)
        return WithdrawResult(True, promoted)

    async def release_seats(
        self, conn: aiosqlite.Connection, user_id: int, *, now: datetime
    ) -> tuple[int, ...]:
        """Give up every seat ``user_id`` holds in a session still ahead, in the caller's
        transaction, as if they had cancelled each one (their erasure): the head of each
        waitlist moves up and is told. Who moved up, session by session."""
        promoted: list[int] = []
        for training_id in await repo.seats_held(conn, user_id, now=now):
            promoted += await self._give_up(conn, training_id, user_id, now)
        return tuple(promoted)

    async def _give_up(
        self, conn: aiosqlite.Connection, training_id: int, user_id: int, now: datetime
    ) -> tuple[int, ...]:
        """Cancel one sign-up and its reminders; promote into a freed seat of an open session."""
        await repo.cancel_signup(conn, training_id, user_id, now=now)
        await delivery_repo.skip_reminders(conn, training_id, user_id)
        training = await repo.get_training(conn, training_id)
        if (
            training is None
            or training.status is TrainingStatus.CANCELLED
            or training.starts_at <= now
        ):
            return ()
        return await self._promote(conn, training, now)

    async def _promote(
        self, conn: aiosqlite.Connection, training: Training, now: datetime
    ) -> tuple[int, ...]:
        free = training.capacity - await repo.count_signed(conn, training.id)
        if free <= 0:
            return ()
        promoted = await repo.promote(conn, training.id, free, now=now)
        await delivery_repo.plan_reminders(
            conn, training.id, promoted, training.starts_at, self.offsets, now=now
        )
        await delivery_repo.queue_notices(
            conn, training.id, promoted, NoticeKind.PROMOTED, now=now
        )
        return tuple(promoted)

    # ----------------------------------------------------------- subscriptions
    def tags(self) -> tuple[str, ...]:
        """Tags offered in /subscribe."""
        return subscribable_tags(self._settings)

    async def subscriptions(self, user_id: int) -> set[str]:
        """The user's subscribed tags ('*' = everything)."""
        async with self._db.read() as conn:
            return await repo.subscriptions_of(conn, user_id)

    async def toggle(self, user_id: int, tag: str) -> set[str]:
        """Flip one subscription and return the user's subscriptions afterwards."""
        async with self._db.write() as conn:
            current = await repo.subscriptions_of(conn, user_id)
            await repo.set_subscribed(conn, user_id, tag, tag not in current, now=self.now())
            return current ^ {tag}

    async def unsubscribe_all(self, user_id: int) -> int:
        """Drop all of the user's subscriptions; return how many there were."""
        async with self._db.write() as conn:
            return await repo.unsubscribe_all(conn, user_id)


async def _audit(
    conn: aiosqlite.Connection,
    action: str,
    training_id: int,
    *,
    actor: int | None,
    now: datetime,
    detail: str | None = None,
) -> None:
    """Record a staff change of session ``training_id`` in the audit log."""
    await append_audit(
        conn,
        actor_id=actor,
        action=action,
        target=("training", training_id),
        detail=detail,
        now=now,
    )


async def _tell_everyone(
    conn: aiosqlite.Connection,
    training_id: int,
    kind: NoticeKind,
    now: datetime,
    *,
    old_starts_at: datetime | None = None,
) -> int:
    """Queue a ``kind`` notice for everyone signed up or waitlisted; how many."""
    everyone = await repo.participants(
        conn, training_id, [SignupStatus.SIGNED, SignupStatus.WAITLISTED]
    )
    return await delivery_repo.queue_notices(
        conn, training_id, everyone, kind, now=now, old_starts_at=old_starts_at
    )
