"""Frozen dataclasses returned by the repository functions, and the enums they hold.

``db.rows.from_row`` builds them from rows. Which columns hold personal data (PIPL), and what
``db.users.erase_user`` keeps, is listed in docs/architecture.md, "Personal data". No I/O, no
``telegram``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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


class TransitionError(ValueError):
    """A status change that is not allowed from the record's current status."""

    def __init__(self, kind: str, ref_no: str, current: StrEnum, requested: StrEnum) -> None:
        super().__init__(
            f"{kind} {ref_no} is {current.value}; cannot change it to {requested.value}"
        )
        self.requested = requested


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


class ProjectField(StrEnum):
    """What a resident answers when registering a project, in the order the dialog asks.

    Every member but ``REFERRER`` (a referral, kept apart) is a field of ``ProjectAnswers``.
    """

    NAME = "name"
    INDUSTRY = "industry"
    VILLAGE = "village"
    APPLICANT_TYPE = "applicant_type"
    INVESTMENT = "investment_wan"
    JOBS = "jobs"
    PHONE = "phone"
    REFERRER = "referrer"


@dataclass(frozen=True, slots=True)
class ProjectAnswers:
    """The answers a project keeps, declared once: their order and types drive the draft, the
    repository's SQL (each is a ``projects`` column of its name), the export's columns and,
    through ``ProjectField``, the texts' labels (docs/architecture.md, "Add a field")."""

    name: str
    industry: str
    village: str
    applicant_type: str
    investment_wan: float
    jobs: int
    phone: str


# In ProjectAnswers' order; a field without a ProjectField member fails here, at import.
ANSWER_FIELDS: tuple[ProjectField, ...] = tuple(
    ProjectField(f.name) for f in dataclasses.fields(ProjectAnswers)
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


if missing := {f.value for f in ANSWER_FIELDS} - {f.name for f in dataclasses.fields(Project)}:
    raise TypeError(f"Project lacks the answer columns {sorted(missing)}")


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a project's or complaint's status history."""

    id: int
    status: str
    note: str | None
    actor_id: int | None
    created_at: datetime


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
    """Referred projects in a range, how many are reward-eligible, and how they were referred
    (an invite link, or the referrer's name typed at registration)."""

    total: int
    eligible: int
    linked: int = 0
    named: int = 0


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
    title_en: str = ""  # '' = none: English readers see the Chinese title

    def title_for(self, lang: str) -> str:
        """The title a reader of ``lang`` sees: the English one in English where there is
        one, else the Chinese title itself (visibly not translated, as other *_en names)."""
        return self.title_en if lang == "en" and self.title_en else self.title


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


@dataclass(frozen=True, slots=True)
class ReferralLine:
    """A referral as the person involved sees it in ``/mydata``."""

    created_at: datetime
    ref_no: str
    made: bool  # True: they referred the project; False: their project was referred


@dataclass(frozen=True, slots=True)
class ProjectNote:
    """A note on one of the user's projects in ``/mydata``: why staff returned it, or the
    补充说明 they wrote when resubmitting it."""

    ref_no: str
    status: ProjectStatus
    note: str
    created_at: datetime


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
    notes: tuple[ProjectNote, ...]  # return reasons and 补充说明, oldest first
    referrals: tuple[ReferralLine, ...]
    questions: tuple[Question, ...]
    signups: tuple[SignupLine, ...]
    subscriptions: tuple[str, ...]
    complaints: tuple[Complaint, ...]
    messages: tuple[ContactMessage, ...]
