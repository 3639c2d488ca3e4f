"""Personal data of one user (PIPL): gather all of it (``/mydata``) and erase it.

``collect`` reads every table that names the user. ``erase`` runs ``db.users.erase_user`` (free
text blanked, PTB persistence rows and the ``users`` row deleted, foreign keys nulling or
cascading the rest) and also clears what only the staff tools write about a resident: the
actor id of refused staff attempts (``denied:*``). The erasure is audited with counts only.
Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import aiosqlite

from db import complaints as complaints_repo
from db import inbox as inbox_repo
from db import outbox as outbox_repo
from db import projects as projects_repo
from db import trainings as trainings_repo
from db import users as users_repo
from db._sql import execute, fetch_all, fetch_objects, fetch_one
from db.audit import append_audit
from db.models import (
    ContactMessage,
    PersonalData,
    ProjectNote,
    ProjectStatus,
    Question,
    ReferralLine,
    SignupLine,
)
from db.rows import to_db_time

ERASED_ACTION = "privacy.erase"
# A project still under review (submitted, or returned for correction) cannot be reviewed once
# its applicant, name and phone are gone: erasure withdraws it.
PENDING = ("submitted", "returned")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ErasureImpact:
    """What erasing a user does beyond their own data: to projects and referrals."""

    pending: tuple[str, ...]  # ref numbers of projects under review: they will be withdrawn
    approved: tuple[str, ...]  # ref numbers that stay counted, without a name or phone
    referred: int  # projects this user referred: the credit stays, no longer linked to them
    seats: int = 0  # training seats in sessions still ahead: given up to their waitlists


@dataclass(frozen=True, slots=True)
class WithdrawnProject:
    """A project withdrawn by its applicant's erasure, and who referred it (to tell them)."""

    ref_no: str
    referrer_id: int | None
    referrer_language_code: str | None  # the referrer's Telegram language
    referrer_lang_override: str | None  # and their /language choice


async def impact(conn: aiosqlite.Connection, user_id: int, *, now: datetime) -> ErasureImpact:
    """What ``erase`` would do to ``user_id``'s projects, referrals and training seats."""
    rows = await fetch_all(
        conn,
        "SELECT ref_no, status FROM projects WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    referred = await fetch_one(
        conn, "SELECT count(*) FROM referrals WHERE referrer_user_id = ?", (user_id,)
    )
    return ErasureImpact(
        pending=tuple(str(r[0]) for r in rows if r[1] in PENDING),
        approved=tuple(str(r[0]) for r in rows if r[1] == "approved"),
        referred=0 if referred is None else int(referred[0]),
        seats=len(await trainings_repo.seats_held(conn, user_id, now=now)),
    )


async def _withdraw_pending(
    conn: aiosqlite.Connection, user_id: int, now: datetime
) -> list[WithdrawnProject]:
    """Withdraw the user's projects under review (before their identity goes)."""
    rows = await fetch_all(
        conn,
        "SELECT p.id, p.ref_no, r.referrer_user_id, u.lang_override, u.language_code "
        "FROM projects p LEFT JOIN referrals r ON r.project_id = p.id "
        "LEFT JOIN users u ON u.id = r.referrer_user_id "
        "WHERE p.user_id = ? AND p.status IN (?, ?) ORDER BY p.id",
        (user_id, *PENDING),
    )
    ts = to_db_time(now)
    withdrawn: list[WithdrawnProject] = []
    for project_id, ref_no, referrer, override, code in rows:
        await execute(
            conn,
            "UPDATE projects SET status = 'withdrawn', updated_at = ? WHERE id = ?",
            (ts, project_id),
        )
        await projects_repo.LIFECYCLE.add_history(
            conn, project_id, ProjectStatus.WITHDRAWN, actor_id=None, at=ts
        )
        await append_audit(
            conn,
            actor_id=None,
            action="project.withdrawn",
            target=("project", ref_no),
            detail="the applicant erased their personal data",
            now=now,
        )
        withdrawn.append(WithdrawnProject(str(ref_no), referrer, code, override))
    return withdrawn


async def collect(conn: aiosqlite.Connection, user_id: int) -> PersonalData | None:
    """Everything stored about ``user_id``, or None if they are not known."""
    user = await users_repo.get_user(conn, user_id)
    if user is None:
        return None

    async def theirs(cls: type[_T], sql: str) -> tuple[_T, ...]:
        return tuple(await fetch_objects(conn, cls, sql, (user_id,)))

    return PersonalData(
        user=user,
        projects=tuple(await projects_repo.list_projects(conn, user_id=user_id)),
        notes=await theirs(
            ProjectNote,
            "SELECT p.ref_no, h.status, h.note, h.created_at FROM project_status_history h "
            "JOIN projects p ON p.id = h.project_id WHERE p.user_id = ? "
            "AND coalesce(h.note, '') != '' "
            "ORDER BY h.id",
        ),
        referrals=await theirs(
            ReferralLine,
            "SELECT r.created_at, p.ref_no, r.referrer_user_id = ?1 AS made FROM referrals r "
            "JOIN projects p ON p.id = r.project_id "
            "WHERE r.referrer_user_id = ?1 OR r.referred_user_id = ?1 ORDER BY r.id",
        ),
        questions=await theirs(
            Question, "SELECT * FROM questions WHERE user_id = ? AND text IS NOT NULL ORDER BY id"
        ),
        signups=await theirs(
            SignupLine,
            "SELECT t.title, t.starts_at, s.status FROM training_signups s "
            "JOIN trainings t ON t.id = s.training_id WHERE s.user_id = ? ORDER BY t.starts_at",
        ),
        subscriptions=tuple(sorted(await trainings_repo.subscriptions_of(conn, user_id))),
        complaints=tuple(await complaints_repo.list_complaints_by_user(conn, user_id)),
        messages=await theirs(
            ContactMessage, "SELECT * FROM contact_messages WHERE user_id = ? ORDER BY id"
        ),
    )


async def erase(
    conn: aiosqlite.Connection, user_id: int, *, now: datetime
) -> tuple[bool, list[WithdrawnProject]]:
    """Erase ``user_id``'s personal data, keeping anonymous counts; False if nothing was stored.

    Their projects under review are withdrawn first (returned with their referrers, to tell);
    approved ones stay counted without a name or phone. Referral credits stay: the referrer
    of an erased applicant keeps theirs, an erased referrer's become anonymous.

    Use inside ``Database.write()``, then ``Database.checkpoint()`` once committed so the
    ``-wal`` file lets go of the old bytes (``secure_delete`` zeroes them in the main file).
    """
    counts = await fetch_one(
        conn,
        "SELECT (SELECT count(*) FROM projects WHERE user_id = ?1), "
        "(SELECT count(*) FROM questions WHERE user_id = ?1), "
        "(SELECT count(*) FROM contact_messages WHERE user_id = ?1)",
        (user_id,),
    )
    scrubbed = await execute(
        conn,
        # Refused staff actions and resubmissions are the resident's own entries there.
        "UPDATE audit_log SET actor_id = NULL WHERE actor_id = ? "
        "AND (action LIKE 'denied:%' OR action = 'project.submitted')",
        (user_id,),
    )
    await inbox_repo.forget_user(conn, user_id, now=now)
    withdrawn = await _withdraw_pending(conn, user_id, now)
    erased = await users_repo.erase_user(conn, user_id)
    # Messages to them, sent or not: the outbox keeps no trace of an erased person.
    scrubbed += await outbox_repo.forget_recipient(conn, user_id)
    if not (erased or scrubbed):
        return False, withdrawn
    projects, questions, messages = (0, 0, 0) if counts is None else tuple(counts)
    await append_audit(
        conn,
        actor_id=None,
        action=ERASED_ACTION,
        target=("user", None),
        detail=f"projects={projects} questions={questions} messages={messages} "
        f"withdrawn={len(withdrawn)}",
        now=now,
    )
    return True, withdrawn
