"""Frozen dataclasses returned by the repository functions, and the time format of the store.

Times are stored as ISO-8601 UTC text with microseconds and a ``Z`` (``to_db_time``), so text
order is time order; ``from_db_time`` turns them back into aware datetimes.

Personal data (PIPL) -- columns that identify or were written by a resident:

- ``users``: ``id`` (Telegram id), ``first_name``, ``username``, ``language_code``,
  ``referral_code``, ``last_seen_at``;
- ``ptb_user_data.data``, ``ptb_chat_data.data`` (dialog drafts), ``ptb_conversations.key``
  (contains the chat and user id);
- ``questions.user_id``, ``questions.text``, ``questions.normalized``;
- ``projects.user_id``, ``projects.name``, ``projects.phone``, ``projects.referrer_note``;
  ``project_status_history.actor_id`` where it is the applicant;
- ``referrals.referrer_user_id``, ``referrals.referred_user_id``;
- ``training_signups``, ``subscriptions``, ``reminders`` (user_id: who attends what);
- ``complaints.user_id``, ``what``, ``department``, ``happened_at_text``, ``photo_file_id``;
- ``contact_messages`` (all of it);
- ``audit_log.detail`` may quote a resident; ``audit_log.target_id`` may be a user id.

``db.users.erase_user`` removes all of these for one user while keeping the non-personal
columns (status, village, industry, applicant type, investment, jobs, decisions, feedback)
that statistics count. Staff ids (``actor_id``, ``added_by``, ``created_by``) are kept.
This module does no I/O and imports no ``telegram``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

_DB_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_DB_TIME_LENGTH = len("2026-03-01T08:00:00.000000Z")


def to_db_time(value: datetime) -> str:
    """Format an aware datetime as the store's UTC text; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: the store needs timezone-aware times")
    return value.astimezone(UTC).strftime(_DB_TIME_FORMAT)


def from_db_time(value: str) -> datetime:
    """Parse the store's UTC text back into an aware datetime.

    Every stored time is written by ``to_db_time`` (27 characters ending in ``Z``); anything
    else is refused as ``strptime`` with the format did. ``fromisoformat`` is some 50 times
    faster than ``strptime``, which counted when exports and statistics parse 100,000s of times.
    """
    if len(value) != _DB_TIME_LENGTH or value[-1] != "Z" or value[10] != "T":
        raise ValueError(f"not a stored time: {value!r}")
    return datetime.fromisoformat(value)


def _opt_time(value: str | None) -> datetime | None:
    return None if value is None else from_db_time(value)


class Decision(StrEnum):
    """What the knowledge base did with a question."""

    ANSWER = "answer"
    AMBIGUOUS = "ambiguous"
    ABSTAIN = "abstain"


class Feedback(StrEnum):
    """A resident's 👍 / 👎 on an answer."""

    UP = "up"
    DOWN = "down"


class ProjectStatus(StrEnum):
    """Where a registered project stands (已提交, 已通过, 已退回, 已撤回)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class ReferralRefusal(StrEnum):
    """Why a referral was not credited."""

    SELF_REFERRAL = "self_referral"
    ALREADY_CREDITED = "already_credited"
    UNKNOWN_PROJECT = "unknown_project"
    UNKNOWN_REFERRER = "unknown_referrer"


class ComplaintStatus(StrEnum):
    """Where a complaint stands (已受理, 处理中, 已办结)."""

    RECEIVED = "received"
    HANDLING = "handling"
    RESOLVED = "resolved"


class TrainingStatus(StrEnum):
    """Whether a training session takes place as planned."""

    SCHEDULED = "scheduled"
    MOVED = "moved"
    CANCELLED = "cancelled"


class SignupStatus(StrEnum):
    """A resident's place in a training session."""

    SIGNED = "signed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram user who has written to the bot."""

    id: int
    first_name: str
    username: str | None
    language_code: str | None
    lang_override: str | None
    is_active: bool
    blocked_at: datetime | None
    referral_code: str | None
    created_at: datetime
    last_seen_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        """Build from a ``users`` row."""
        return cls(
            id=row["id"],
            first_name=row["first_name"],
            username=row["username"],
            language_code=row["language_code"],
            lang_override=row["lang_override"],
            is_active=bool(row["is_active"]),
            blocked_at=_opt_time(row["blocked_at"]),
            referral_code=row["referral_code"],
            created_at=from_db_time(row["created_at"]),
            last_seen_at=from_db_time(row["last_seen_at"]),
        )


@dataclass(frozen=True, slots=True)
class Question:
    """One question asked of the knowledge base and what it decided."""

    id: int
    user_id: int | None
    text: str | None
    normalized: str | None
    decision: Decision
    reason: str
    topic_id: str | None
    confidence: float
    lang: str
    created_at: datetime
    feedback: Feedback | None
    feedback_at: datetime | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Question:
        """Build from a ``questions`` row."""
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            text=row["text"],
            normalized=row["normalized"],
            decision=Decision(row["decision"]),
            reason=row["reason"],
            topic_id=row["topic_id"],
            confidence=row["confidence"],
            lang=row["lang"],
            created_at=from_db_time(row["created_at"]),
            feedback=None if row["feedback"] is None else Feedback(row["feedback"]),
            feedback_at=_opt_time(row["feedback_at"]),
        )


@dataclass(frozen=True, slots=True)
class DecisionCounts:
    """How many questions were answered, ambiguous or abstained, and their feedback."""

    answer: int
    ambiguous: int
    abstain: int
    up: int
    down: int

    @property
    def total(self) -> int:
        """All questions counted."""
        return self.answer + self.ambiguous + self.abstain


@dataclass(frozen=True, slots=True)
class ExtraExample:
    """A question staff attached to a knowledge-base topic as a new example."""

    id: int
    topic_id: str
    text: str
    added_by: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ExtraExample:
        """Build from a ``kb_extra_examples`` row."""
        return cls(
            id=row["id"],
            topic_id=row["topic_id"],
            text=row["text"],
            added_by=row["added_by"],
            created_at=from_db_time(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded staff or system action."""

    id: int
    actor_id: int | None
    action: str
    target_type: str | None
    target_id: str | None
    detail: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> AuditEntry:
        """Build from an ``audit_log`` row."""
        return cls(
            id=row["id"],
            actor_id=row["actor_id"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=row["target_id"],
            detail=row["detail"],
            created_at=from_db_time(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class Project:
    """A registered project. ``name`` and ``phone`` are None once the applicant erased them."""

    id: int
    ref_no: str
    user_id: int | None
    name: str | None
    industry: str
    village: str
    applicant_type: str
    investment_wan: float
    jobs: int
    phone: str | None
    referrer_note: str | None
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Project:
        """Build from a ``projects`` row."""
        return cls(
            id=row["id"],
            ref_no=row["ref_no"],
            user_id=row["user_id"],
            name=row["name"],
            industry=row["industry"],
            village=row["village"],
            applicant_type=row["applicant_type"],
            investment_wan=row["investment_wan"],
            jobs=row["jobs"],
            phone=row["phone"],
            referrer_note=row["referrer_note"],
            status=ProjectStatus(row["status"]),
            created_at=from_db_time(row["created_at"]),
            updated_at=from_db_time(row["updated_at"]),
        )


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a project's or complaint's status history."""

    id: int
    status: str
    note: str | None
    actor_id: int | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> StatusChange:
        """Build from a ``*_status_history`` row."""
        return cls(
            id=row["id"],
            status=row["status"],
            note=row["note"],
            actor_id=row["actor_id"],
            created_at=from_db_time(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class ProjectStats:
    """Counts and sums over the projects created in a date range.

    The ``by_*`` tuples are ``(value, count)`` pairs, largest count first.
    """

    total: int
    by_status: tuple[tuple[str, int], ...]
    by_village: tuple[tuple[str, int], ...]
    by_industry: tuple[tuple[str, int], ...]
    by_applicant_type: tuple[tuple[str, int], ...]
    investment_wan: float
    jobs: int


@dataclass(frozen=True, slots=True)
class Referral:
    """A credited referral: ``referrer_user_id`` brought in the project's applicant."""

    id: int
    project_id: int
    referrer_user_id: int | None
    referred_user_id: int | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Referral:
        """Build from a ``referrals`` row."""
        return cls(
            id=row["id"],
            project_id=row["project_id"],
            referrer_user_id=row["referrer_user_id"],
            referred_user_id=row["referred_user_id"],
            created_at=from_db_time(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class ReferralOutcome:
    """The result of crediting a referral: the credit, or why it was refused."""

    referral: Referral | None
    refused: ReferralRefusal | None

    @property
    def credited(self) -> bool:
        """Whether the referral was credited."""
        return self.referral is not None


@dataclass(frozen=True, slots=True)
class ReferredProject:
    """A project someone referred, as the referrer sees it in /myreferrals."""

    project_id: int
    ref_no: str
    name: str | None
    status: ProjectStatus
    credited_at: datetime

    @property
    def reward_eligible(self) -> bool:
        """An approved project earns its referrer the reward."""
        return self.status is ProjectStatus.APPROVED


@dataclass(frozen=True, slots=True)
class ReferralCounts:
    """Referrals credited in a range, and how many of them are reward-eligible."""

    total: int
    eligible: int


@dataclass(frozen=True, slots=True)
class Training:
    """A training session."""

    id: int
    title: str
    tags: tuple[str, ...]
    target_group: str
    starts_at: datetime
    ends_at: datetime
    place: str
    description: str
    capacity: int
    status: TrainingStatus
    created_by: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row, tags: tuple[str, ...]) -> Training:
        """Build from a ``trainings`` row and its tags."""
        return cls(
            id=row["id"],
            title=row["title"],
            tags=tags,
            target_group=row["target_group"],
            starts_at=from_db_time(row["starts_at"]),
            ends_at=from_db_time(row["ends_at"]),
            place=row["place"],
            description=row["description"],
            capacity=row["capacity"],
            status=TrainingStatus(row["status"]),
            created_by=row["created_by"],
            created_at=from_db_time(row["created_at"]),
            updated_at=from_db_time(row["updated_at"]),
        )


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint. For an anonymous one ``user_id`` is None and times are day-coarse."""

    id: int
    ref_no: str
    user_id: int | None
    anonymous: bool
    what: str | None
    department: str | None
    happened_at_text: str | None
    photo_file_id: str | None
    status: ComplaintStatus
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Complaint:
        """Build from a ``complaints`` row (``reply_token_hash`` is never exposed)."""
        return cls(
            id=row["id"],
            ref_no=row["ref_no"],
            user_id=row["user_id"],
            anonymous=bool(row["anonymous"]),
            what=row["what"],
            department=row["department"],
            happened_at_text=row["happened_at_text"],
            photo_file_id=row["photo_file_id"],
            status=ComplaintStatus(row["status"]),
            resolution_note=row["resolution_note"],
            created_at=from_db_time(row["created_at"]),
            updated_at=from_db_time(row["updated_at"]),
        )


class NoticeKind(StrEnum):
    """Why a resident is told about a training session outside a reply."""

    ANNOUNCE = "announce"
    MOVED = "moved"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    PROMOTED = "promoted"


class DeliveryStatus(StrEnum):
    """Where a reminder or notice stands: written 'sending' before it goes out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SessionCard:
    """A training session as one resident sees it: seats taken and their own place."""

    training: Training
    signed: int
    waitlisted: int
    my_status: SignupStatus | None
    my_position: int | None  # 1-based waitlist position, when waitlisted

    @property
    def seats_left(self) -> int:
        """Free seats (0 when full)."""
        return max(0, self.training.capacity - self.signed)


@dataclass(frozen=True, slots=True)
class Addressee:
    """Someone a message goes to, with what decides their language and reachability."""

    user_id: int
    language_code: str | None
    lang_override: str | None
    is_active: bool


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A pending reminder whose time has come, with its session's state."""

    id: int
    training_id: int
    offset_seconds: int
    due_at: datetime
    late: bool
    starts_at: datetime
    training_status: TrainingStatus
    to: Addressee


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A notice in the outbox, waiting to be sent."""

    id: int
    training_id: int
    kind: NoticeKind
    old_starts_at: datetime | None
    late: bool
    to: Addressee


# --------------------------------------------------------------- staff tools (issue 6)
@dataclass(frozen=True, slots=True)
class SignupCounts:
    """Training sign-ups made in a range: by status, over how many sessions and people."""

    signed: int
    waitlisted: int
    cancelled: int
    sessions: int
    people: int


@dataclass(frozen=True, slots=True)
class TrainingSummary:
    """A training session with its sign-up counts, as the export lists it."""

    id: int
    title: str
    tags: str
    target_group: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    status: TrainingStatus
    signed: int
    waitlisted: int
    cancelled: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProjectExportRow:
    """A project, its applicant, who referred it, and the latest staff decision on it.

    ``applicant`` and ``applicant_id`` come from ``users`` and are None once the applicant
    erased their data; ``decision_*`` are the newest status change after submission.
    """

    project: Project
    referrer: str | None
    applicant: str | None = None
    applicant_id: int | None = None
    decision_note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ComplaintExportRow:
    """A complaint as staff export it; ``complainant`` is None for anonymous ones."""

    ref_no: str
    anonymous: bool
    complainant: str | None
    what: str | None
    department: str | None
    happened_at_text: str | None
    has_photo: bool
    status: ComplaintStatus
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A message staff sent to many residents, and how its delivery went."""

    id: int
    created_by: int
    text: str
    tag: str | None
    delivered: int
    blocked: int
    failed: int
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        """Build from a ``broadcasts`` row."""
        return cls(
            id=row["id"],
            created_by=row["created_by"],
            text=row["text"],
            tag=row["tag"],
            delivered=row["delivered"],
            blocked=row["blocked"],
            failed=row["failed"],
            created_at=from_db_time(row["created_at"]),
            finished_at=_opt_time(row["finished_at"]),
        )


@dataclass(frozen=True, slots=True)
class ContactMessage:
    """A resident's message to staff and, once answered, who answered it, when and how."""

    id: int
    user_id: int
    text: str
    created_at: datetime
    answered_at: datetime | None
    answered_by: int | None
    reply_text: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ContactMessage:
        """Build from a ``contact_messages`` row."""
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            text=row["text"],
            created_at=from_db_time(row["created_at"]),
            answered_at=_opt_time(row["answered_at"]),
            answered_by=row["answered_by"],
            reply_text=row["reply_text"],
        )


@dataclass(frozen=True, slots=True)
class ReferralLine:
    """A referral as the person involved sees it in ``/mydata``."""

    created_at: datetime
    ref_no: str
    made: bool  # True: they referred the project; False: their project was referred


@dataclass(frozen=True, slots=True)
class SignupLine:
    """A training sign-up as the resident sees it in ``/mydata``."""

    title: str
    starts_at: datetime
    status: SignupStatus


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about one user (PIPL access request, ``/mydata``)."""

    user: User
    projects: tuple[Project, ...]
    referrals: tuple[ReferralLine, ...]
    questions: tuple[Question, ...]
    signups: tuple[SignupLine, ...]
    subscriptions: tuple[str, ...]
    complaints: tuple[Complaint, ...]
    messages: tuple[ContactMessage, ...]
