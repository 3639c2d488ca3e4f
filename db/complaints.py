"""Complaints (投诉反映), possibly anonymous, with a status history and reference numbers.

Anonymity is enforced here, not left to callers: an anonymous complaint stores no user id,
no audit entry names its filer, and its filing times are coarsened to the local day (midnight
in ``now``'s time zone) so they cannot be matched against other timestamped rows. The complainant
gets a random reply token; only its SHA-256 is stored, so holding the token proves "this is
mine" while nothing in the database points from the complaint to a person. Parameterised
SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db._sql import fetch_object, fetch_objects, fetch_one, returning
from db.lifecycle import Lifecycle
from db.models import Complaint, ComplaintStatus
from db.rows import from_row, to_db_time
from db.sequences import allocate_ref_no

REF_PREFIX = "TS"

LIFECYCLE: Lifecycle[Complaint, ComplaintStatus] = Lifecycle(
    kind="complaint",
    record=Complaint,
    transitions={
        ComplaintStatus.RECEIVED: frozenset({ComplaintStatus.HANDLING, ComplaintStatus.RESOLVED}),
        ComplaintStatus.HANDLING: frozenset({ComplaintStatus.RESOLVED}),
        ComplaintStatus.RESOLVED: frozenset(),
    },
    noted=ComplaintStatus.RESOLVED,
    unnoted="resolving a complaint needs a note",
    note_column="resolution_note",  # the note of the change that resolved it
    unaudited=frozenset(ComplaintStatus),
)
# Move a complaint on (staff), with history and audit; None if there is no such complaint.
set_complaint_status = LIFECYCLE.change


@dataclass(frozen=True, slots=True)
class FiledComplaint:
    """A newly stored complaint and, if anonymous, the token to show its filer once."""

    complaint: Complaint
    reply_token: str | None


# 查询码: 8 characters of Crockford's base32 (no I, L, O, U: nothing to misread on paper), 40
# random bits. Stored as the SHA-256 of the upper-case code; older 22-character tokens are
# stored the same way (of the token as shown), so they keep working.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_LENGTH = 8


def new_check_code() -> str:
    """A fresh random 查询码 (upper case, no separator)."""
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))


def hash_reply_token(token: str) -> str:
    """The stored form of a reply token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    """What a resident entered, checked, before they submit; ``create_complaint`` stores it."""

    what: str
    department: str
    happened_at_text: str
    photo_file_id: str | None
    anonymous: bool


async def create_complaint(
    conn: aiosqlite.Connection, draft: ComplaintDraft, *, user_id: int, now: datetime
) -> FiledComplaint:
    """Store a complaint with the next ``TS-YYYY-NNNN`` number and its first history row.

    ``user_id`` is stored only when the complaint is not anonymous. The year, and an anonymous
    complaint's filing day, are those of ``now``'s own time zone (pass the town's local time).
    Use inside ``Database.write()``.
    """
    ref_no = await allocate_ref_no(conn, REF_PREFIX, now.year)
    anonymous = draft.anonymous
    token = new_check_code() if anonymous else None
    filed_at = _day(now) if anonymous else to_db_time(now)
    row = await returning(
        conn,
        "INSERT INTO complaints (ref_no, user_id, anonymous, reply_token_hash, what, "
        "department, happened_at_text, photo_file_id, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?) RETURNING *",
        (
            ref_no,
            None if anonymous else user_id,
            int(anonymous),
            None if token is None else hash_reply_token(token),
            draft.what,
            draft.department,
            draft.happened_at_text,
            draft.photo_file_id,
            filed_at,
            filed_at,
        ),
    )
    complaint = from_row(Complaint, row)
    await LIFECYCLE.add_history(
        conn, complaint.id, ComplaintStatus.RECEIVED, actor_id=None, at=filed_at
    )
    return FiledComplaint(complaint, token)


async def get_complaint(conn: aiosqlite.Connection, complaint_id: int) -> Complaint | None:
    """The complaint with this id."""
    return await fetch_object(
        conn, Complaint, "SELECT * FROM complaints WHERE id = ?", (complaint_id,)
    )


async def get_complaint_by_ref(conn: aiosqlite.Connection, ref_no: str) -> Complaint | None:
    """The complaint with this reference number (``TS-2026-0001``)."""
    return await fetch_object(
        conn, Complaint, "SELECT * FROM complaints WHERE ref_no = ?", (ref_no,)
    )


async def find_by_reply_token(
    conn: aiosqlite.Connection, ref_no: str | None, token: str
) -> Complaint | None:
    """The anonymous complaint ``ref_no`` if ``token`` is its reply token, else None; without
    ``ref_no``, the anonymous complaint whose reply token ``token`` is."""
    if ref_no is None:
        return await fetch_object(
            conn,
            Complaint,
            "SELECT * FROM complaints WHERE reply_token_hash = ? AND anonymous = 1",
            (hash_reply_token(token),),
        )
    row = await fetch_one(
        conn, "SELECT * FROM complaints WHERE ref_no = ? AND anonymous = 1", (ref_no,)
    )
    if row is None or row["reply_token_hash"] is None:
        return None
    if not hmac.compare_digest(row["reply_token_hash"], hash_reply_token(token)):
        return None
    return from_row(Complaint, row)


async def any_reply_token(conn: aiosqlite.Connection, tokens: list[str]) -> bool:
    """Whether any of ``tokens`` is the reply token of a complaint (by its fingerprint)."""
    if not tokens:
        return False
    marks = ", ".join("?" * len(tokens))
    row = await fetch_one(
        conn,
        f"SELECT 1 FROM complaints WHERE reply_token_hash IN ({marks}) LIMIT 1",
        [hash_reply_token(t) for t in tokens],
    )
    return row is not None


async def list_complaints_by_user(conn: aiosqlite.Connection, user_id: int) -> list[Complaint]:
    """The user's named (non-anonymous) complaints, oldest first."""
    return await fetch_objects(
        conn, Complaint, "SELECT * FROM complaints WHERE user_id = ? ORDER BY id", (user_id,)
    )


def _day(now: datetime) -> str:
    # Midnight of ``now``'s own (the town's) calendar day, so the stored date is the date the
    # resident and the TS-YYYY year see; a UTC midnight would fall on the previous local day.
    return to_db_time(now.replace(hour=0, minute=0, second=0, microsecond=0, fold=0))


async def list_open_complaints(conn: aiosqlite.Connection, *, limit: int = 50) -> list[Complaint]:
    """Complaints not yet resolved, oldest first (the staff's ``/complaints`` list)."""
    return await fetch_objects(
        conn,
        Complaint,
        "SELECT * FROM complaints WHERE status != 'resolved' ORDER BY created_at, id LIMIT ?",
        (limit,),
    )
