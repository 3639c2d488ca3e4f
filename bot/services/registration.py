"""Project registration: validating what residents type, filing projects, referrals, review.

What a resident types becomes a clean value or a ``Problem`` in ``bot.services.answers``.
``RegistrationService`` owns the transactions: submitting a
draft (duplicate check, reference number, referral credit in one write), staff decisions with
their audit trail, and the lists behind /myprojects, /myreferrals, /review and /invite.
It never imports ``telegram`` or ``handlers``.

Free text (project names, "other" industries, typed referrers) is cleaned by
``bot.services.text.clean_text``, which documents the rules; a name longer than
``NAME_MAX_CHARS`` is refused with a message saying so, never silently cut.
Everything is shown back HTML-escaped by the handlers (``bot.texts.fmt``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.channels import is_web_user
from bot.services.base import Changed, NotifyingService
from bot.services.draft import Draft, Field
from bot.services.invites import (
    DEEP_LINK_PAYLOAD,
    Invite,
    Referrer,
    ReferrerRefusal,
    qr_png,
    referral_link,
    web_referral_link,
)
from bot.services.roles import is_staff
from bot.texts import language_for
from bot.vocabulary import ResubmitRefusal
from db import audit as audit_repo
from db import outbox as outbox_repo
from db import projects as projects_repo
from db import referrals as referrals_repo
from db import users as users_repo
from db.models import (
    ANSWER_FIELDS,
    Project,
    ProjectStatus,
    ReferralOutcome,
    ReferredProject,
    StatusChange,
    TransitionError,
    User,
)

_LOGGER = logging.getLogger(__name__)

NAME_MAX_CHARS = 60
NOTE_MAX_CHARS = 60
RESUBMIT_NOTE_MAX_CHARS = 300  # the 补充说明 of a correction: an address, a group, a date...
REASON_MAX_CHARS = 500
DUPLICATE_WINDOW = timedelta(days=1)
# Outbox kinds (rendered by handlers.review): the staff card, the applicant's decision notice,
# the referrer's "your referral was approved".
REVIEW_CARD = "review.card"
DECISION = "review.decision"
REFERRER_TOLD = "review.referrer"


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A project as staff review it: who applied and who referred it."""

    project: Project
    applicant_name: str | None
    referrer: str | None
    # The reason of the last 退回, when the project was returned before (a resubmission).
    last_return: str | None = None
    # The applicant's 补充说明 sent with this resubmission (None: none given).
    note: str | None = None
    # Which submission this is (1, 2 after one resubmission...): a card's buttons carry it,
    # so a card of an earlier submission cannot decide on answers it does not show.
    submission: int = 1
    # On the card sent when a returned project is resubmitted: the answers that changed.
    changed: tuple[Field, ...] | None = None
    # Other accounts' projects that may be this one again (same phone, or name and village).
    lookalikes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Submitted:
    """A project was filed; ``review`` is its staff card, read in the same transaction."""

    project: Project
    referral: ReferralOutcome | None
    review: ReviewItem


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The same user filed a project with this name recently; ask before filing again."""

    existing: Project


@dataclass(frozen=True, slots=True)
class Incomplete:
    """The draft lacks an answer (e.g. the settings changed under a restored dialog)."""

    field: Field


class DecisionOutcome(StrEnum):
    """What became of a staff decision."""

    DONE = "done"
    ALREADY_DECIDED = "already_decided"
    OUTDATED = "outdated"  # the card is of an earlier submission: the project was resubmitted
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True, slots=True)
class Decided:
    """The result of a staff decision and the project as it now stands."""

    outcome: DecisionOutcome
    project: Project | None = None
    applicant_lang: str | None = None
    referrer_id: int | None = None  # an approved project's credited referrer, to be told
    referrer_lang: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    """A project with its status history (for /myprojects)."""

    project: Project
    history: tuple[StatusChange, ...]


def _submissions(history: list[StatusChange]) -> int:
    """Which submission a project is at: 1, then 2 after one resubmission..."""
    return sum(1 for change in history if change.status == ProjectStatus.SUBMITTED)


async def _queue_decision_notices(
    conn: aiosqlite.Connection,
    project: Project,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> Decided:
    """Queue the decision for the applicant (and an approved project's referrer) in the
    outbox; the decision as ``decide`` returns it, with their languages."""
    applicant = (
        None if project.user_id is None else await users_repo.get_user(conn, project.user_id)
    )
    referral = await referrals_repo.get_referral(conn, project.id) if approve else None
    referrer = referral.referrer_user_id if referral is not None else None
    teller = None if referrer is None else await users_repo.get_user(conn, referrer)
    if project.user_id is not None:
        notice = {"project": project.id, "approved": approve, "reason": reason}
        await outbox_repo.enqueue(conn, [project.user_id], DECISION, notice, now=now)
    if referrer is not None:
        await outbox_repo.enqueue(
            conn, [referrer], REFERRER_TOLD, {"project": project.id}, now=now
        )
    return Decided(DecisionOutcome.DONE, project, _lang(applicant), referrer, _lang(teller))


async def _audit_refused(
    conn: aiosqlite.Connection, project: Project, actor_id: int, detail: str, now: datetime
) -> None:
    """Audit a staff decision refused on a stale or replayed card."""
    await audit_repo.append_audit(
        conn,
        actor_id=actor_id,
        action="project.review_replayed",
        target=("project", project.ref_no),
        detail=detail,
        now=now,
    )


def _lang(user: User | None) -> str | None:
    """The language to write to ``user`` in (None if there is no such user)."""
    return None if user is None else language_for(user.language_code, user.lang_override)


# ----------------------------------------------------------------------------- the service
class RegistrationService(NotifyingService):
    """File projects, credit referrals, and record staff decisions."""

    async def _card_to_staff(
        self, conn: aiosqlite.Connection, review: ReviewItem, changed: tuple[Field, ...] | None
    ) -> None:
        """Queue the review card for every admin, in the caller's transaction (the outbox)."""
        payload = {
            "project": review.project.id,
            "submission": review.submission,
            "changed": None if changed is None else [f.value for f in changed],
        }
        admins = sorted(self._settings.admin_ids)
        await outbox_repo.enqueue(conn, admins, REVIEW_CARD, payload, now=self._clock())

    def _local_now(self) -> datetime:
        return self._clock().astimezone(self._settings.timezone)

    async def resolve_referrer(self, code: str, user_id: int) -> Referrer:
        """Who the referral ``code`` belongs to; refused if it is the user's own or unknown."""
        if not DEEP_LINK_PAYLOAD.match(code):
            return Referrer(None, None, ReferrerRefusal.UNKNOWN)
        async with self._db.read() as conn:
            owner = await users_repo.find_user_by_referral_code(conn, code)
        if owner is None:
            return Referrer(None, None, ReferrerRefusal.UNKNOWN)
        if owner.id == user_id:
            return Referrer(owner.id, owner.first_name, ReferrerRefusal.SELF)
        return Referrer(owner.id, owner.first_name)

    def check_choices(self, draft: Draft) -> Field | None:
        """The first choice that is no longer offered by the settings (or unanswered).

        A village typed under 其他村 is the resident's own answer, not a choice from the list:
        it stands (flagged for staff). Only a choice made from the list can have gone.
        """
        town = self._settings.town
        village = draft.village
        if village is not None and village not in town.villages and not draft.village_unlisted:
            return Field.VILLAGE
        if draft.applicant_type is not None and draft.applicant_type not in town.applicant_types:
            return Field.APPLICANT_TYPE
        return draft.missing()

    async def submit(
        self, user_id: int, draft: Draft, *, allow_duplicate: bool = False
    ) -> Submitted | Duplicate | Incomplete:
        """File the draft: duplicate check, reference number and referral credit in one write."""
        gap = self.check_choices(draft)
        answers = draft.answers()
        if gap is not None or answers is None:
            return Incomplete(gap or Field.NAME)
        now = self._local_now()
        async with self._db.write() as conn:
            if not allow_duplicate:
                # The same name within a day, or a returned project of that name at any time
                # (which the resident most likely means to correct, not register again).
                existing = await projects_repo.find_duplicate(
                    conn, user_id, answers.name, since=now - DUPLICATE_WINDOW
                )
                if existing is not None:
                    return Duplicate(existing)
            project = await projects_repo.create_project(
                conn, user_id=user_id, answers=answers, referrer_note=draft.referrer_note, now=now
            )
            referral = None
            if draft.referrer_id is not None:
                referral = await referrals_repo.credit_referral(
                    conn, project_id=project.id, referrer_user_id=draft.referrer_id, now=now
                )
            # Read on the writer: the shared reader may still hold a snapshot from before
            # this commit while another coroutine's statement is open on it.
            review = await self._review_item(conn, project)
            await self._card_to_staff(conn, review, None)
        self._queued()
        return Submitted(project, referral, review)

    async def returned_draft(self, user_id: int, project_id: int) -> Draft | ResubmitRefusal:
        """A draft holding the answers of the user's returned project, ready to change."""
        async with self._db.read() as conn:
            project = await projects_repo.get_project(conn, project_id)
            if project is None or project.user_id != user_id:
                return ResubmitRefusal.NOT_FOUND
            if project.status is not ProjectStatus.RETURNED:
                return ResubmitRefusal.NOT_RETURNED
            history = await projects_repo.list_status_history(conn, project.id)
            referral = await referrals_repo.get_referral(conn, project.id)
            referrer = (
                None
                if referral is None or referral.referrer_user_id is None
                else await users_repo.get_user(conn, referral.referrer_user_id)
            )
        return Draft(
            **{f.value: getattr(project, f.value) for f in ANSWER_FIELDS},
            referrer_id=None if referrer is None else referrer.id,
            referrer_name=None if referrer is None else referrer.first_name,
            referrer_note=project.referrer_note,
            referrer_asked=True,
            # Filed under 其他村 (or dropped from the list since): kept unless changed.
            village_unlisted=project.village not in self._settings.town.villages,
            resubmit_id=project.id,
            resubmit_ref=project.ref_no,
            resubmit_reason=next(
                (c.note for c in reversed(history) if c.status == ProjectStatus.RETURNED), None
            ),
        )

    async def resubmit(
        self, user_id: int, draft: Draft
    ) -> Submitted | Incomplete | ResubmitRefusal:
        """Store the changed answers of a returned project and submit it for review again.

        Same reference number; the referral credited at the first submission stays as it was
        (``Submitted.referral`` is None: nothing new was credited). Only the applicant can
        resubmit, only while the project is returned, and only once per return.
        """
        gap = self.check_choices(draft)
        answers = draft.answers()
        if draft.resubmit_id is None:
            return ResubmitRefusal.NOT_FOUND
        if gap is not None or answers is None:
            return Incomplete(gap or Field.NAME)
        now = self._local_now()
        async with self._db.write() as conn:
            current = await projects_repo.get_project(conn, draft.resubmit_id)
            if current is None or current.user_id != user_id:
                return ResubmitRefusal.NOT_FOUND
            if current.status is not ProjectStatus.RETURNED:
                return ResubmitRefusal.NOT_RETURNED
            await projects_repo.update_project_answers(
                conn,
                current.id,
                answers,
                referrer_note=current.referrer_note,  # the referral is not for changing
                now=now,
            )
            project = await projects_repo.set_project_status(
                conn,
                current.id,
                ProjectStatus.SUBMITTED,
                actor_id=user_id,
                # The 补充说明, on this submission's history row (not in the audit log: the
                # resident's words, which erasure blanks).
                note=draft.resubmit_note,
                expected=ProjectStatus.RETURNED,
                now=now,
            )
            assert project is not None  # read above, in this same write transaction
            review = await self._review_item(conn, project)
            changed = tuple(
                f for f in ANSWER_FIELDS if getattr(current, f.value) != getattr(project, f.value)
            )
            await self._card_to_staff(conn, review, changed)
        self._queued()
        return Submitted(project, None, replace(review, changed=changed))

    async def decide(
        self,
        project_id: int,
        actor_id: int,
        *,
        approve: bool,
        reason: str | None = None,
        submission: int = 1,
    ) -> Decided:
        """Approve or return ``submission`` (1, 2...) of a project; anything else is left alone.

        A decision made on the card of an earlier submission (the project was returned and
        resubmitted since) is refused as ``OUTDATED``, as one on a settled project is refused
        as ``ALREADY_DECIDED``; both are audited.
        """
        if not is_staff(self._settings, actor_id):
            return Decided(DecisionOutcome.NOT_ALLOWED)
        status = ProjectStatus.APPROVED if approve else ProjectStatus.RETURNED
        now = self._clock()
        async with self._db.write() as conn:
            current = _submissions(await projects_repo.list_status_history(conn, project_id))
            stale = await projects_repo.get_project(conn, project_id)
            # A settled project says so (below); a pending one decided on an old card is stale.
            if (
                stale is not None
                and stale.status is ProjectStatus.SUBMITTED
                and (current != submission)
            ):
                detail = f"{status.value} refused: card of submission {submission}, now {current}"
                await _audit_refused(conn, stale, actor_id, detail, now)
                return Decided(DecisionOutcome.OUTDATED, stale)
            try:
                project = await projects_repo.set_project_status(
                    conn,
                    project_id,
                    status,
                    actor_id=actor_id,
                    note=reason,
                    expected=ProjectStatus.SUBMITTED,
                    now=now,
                )
            except TransitionError:
                assert stale is not None  # refused, so it exists: read above, nothing changed
                detail = f"{status.value} refused: already {stale.status.value}"
                await _audit_refused(conn, stale, actor_id, detail, now)
                return Decided(DecisionOutcome.ALREADY_DECIDED, stale)
            if project is None:
                return Decided(DecisionOutcome.NOT_FOUND)
            decided = await _queue_decision_notices(conn, project, approve, reason, now)
        self._queued()
        return decided

    async def refuse_review(self, project: Project, actor_id: int, detail: str) -> None:
        """Audit a 退回 refused before it was asked for (settled, or an outdated card)."""
        async with self._db.write() as conn:
            await _audit_refused(conn, project, actor_id, detail, self._clock())

    async def project(self, project_id: int) -> Project | None:
        """The project with this id."""
        async with self._db.read() as conn:
            return await projects_repo.get_project(conn, project_id)

    async def review_item(self, project_id: int) -> ReviewItem | None:
        """The staff card's data for this project as it stands now (erasure included)."""
        async with self._db.read() as conn:
            project = await projects_repo.get_project(conn, project_id)
            return None if project is None else await self._review_item(conn, project)

    async def decision(self, project: Project) -> Changed | None:
        """Who decided the project (通过 / 退回) and how; None while it awaits a decision."""
        if project.status not in (ProjectStatus.APPROVED, ProjectStatus.RETURNED):
            return None
        return await self._last_change(projects_repo.LIFECYCLE, project.id)

    async def awaiting_review(self, limit: int) -> tuple[int, list[ReviewItem]]:
        """How many projects await a decision, and the oldest ``limit`` of them."""
        async with self._db.read() as conn:
            projects = await projects_repo.list_projects(conn, status=ProjectStatus.SUBMITTED)
            items = [await self._review_item(conn, p) for p in projects[:limit]]
        return len(projects), items

    @staticmethod
    async def _review_item(conn: aiosqlite.Connection, project: Project) -> ReviewItem:
        applicant = (
            None if project.user_id is None else await users_repo.get_user(conn, project.user_id)
        )
        referrer = project.referrer_note
        referral = await referrals_repo.get_referral(conn, project.id)
        if referral is not None and referral.referrer_user_id is not None:
            user = await users_repo.get_user(conn, referral.referrer_user_id)
            referrer = None if user is None else user.first_name
        history = await projects_repo.list_status_history(conn, project.id)
        # The reason of the 退回 that led to the newest submission (not a later 退回 of it).
        returned: str | None = None
        last_return: str | None = None
        note: str | None = None
        for change in history:
            if change.status == ProjectStatus.RETURNED:
                returned = change.note or ""
            elif change.status == ProjectStatus.SUBMITTED:
                last_return, note = returned, change.note
        return ReviewItem(
            project,
            None if applicant is None else applicant.first_name,
            referrer,
            last_return,
            note,
            _submissions(history),
            lookalikes=tuple(await projects_repo.find_lookalikes(conn, project)),
        )

    async def projects_of(self, user_id: int) -> list[ProjectRecord]:
        """The user's projects, newest first, each with its status history."""
        async with self._db.read() as conn:
            projects = await projects_repo.list_projects(conn, user_id=user_id)
            records = [
                ProjectRecord(p, tuple(await projects_repo.list_status_history(conn, p.id)))
                for p in projects
            ]
        return records[::-1]

    async def referred_by(self, user_id: int) -> list[ReferredProject]:
        """The projects the user referred (for /myreferrals)."""
        async with self._db.read() as conn:
            return await referrals_repo.list_referred_projects(conn, user_id)

    async def invite(self, user_id: int, bot_username: str) -> Invite:
        """The user's referral link (creating their code on first use) and its QR code.

        Telegram users get a t.me deep link; web residents a link to the web page at
        ``web.public_url`` (their friends mostly cannot open Telegram), or, while that is not
        configured, the t.me link marked ``web_address_missing``.
        """
        async with self._db.write() as conn:
            code = await users_repo.get_or_create_referral_code(conn, user_id)
        public_url = self._settings.web.public_url
        if is_web_user(user_id) and public_url:
            link = web_referral_link(public_url, code)
            return Invite(code, link, qr_png(link))
        link = referral_link(bot_username, code)
        missing = is_web_user(user_id)
        if missing:
            _LOGGER.warning("a web resident asked for /invite but web.public_url is not set")
        web_link = web_referral_link(public_url, code) if public_url else None
        return Invite(code, link, qr_png(link), web_address_missing=missing, web_link=web_link)
