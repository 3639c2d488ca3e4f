"""Complaints: reference numbers, status history, and anonymity that the database itself keeps."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import audit, complaints, users
from db.database import Database
from db.models import ComplaintStatus, TransitionError
from tests import queries
from tests.seed import add_complaint

T0 = datetime(2026, 3, 1, 8, 17, 42, 123456, tzinfo=UTC)
RESIDENT = 31415926


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    async with database.write() as conn:
        await users.upsert_user(
            conn, RESIDENT, first_name="李四", username="lisi", language_code="zh", now=T0
        )
    yield database
    await database.close()


async def file_complaint(db: Database, *, anonymous: bool) -> complaints.FiledComplaint:
    async with db.write() as conn:
        return await add_complaint(
            conn,
            RESIDENT,
            anonymous=anonymous,
            what="乱收费：办证要求额外交200元",
            department="某站所",
            happened_at_text="上周三",
            now=T0,
        )


async def test_anonymous_complaint_leaves_no_trace_of_its_filer(db: Database) -> None:
    filed = await file_complaint(db, anonymous=True)
    complaint = filed.complaint
    assert complaint.ref_no == "TS-2026-0001"
    assert complaint.user_id is None
    assert complaint.anonymous
    # Day-coarse: cannot be lined up with the user's last_seen_at (08:17:42.123456).
    assert complaint.created_at == datetime(2026, 3, 1, tzinfo=UTC)

    path = db.path
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT * FROM complaints").fetchone()
    history = conn.execute("SELECT actor_id, created_at FROM complaint_status_history").fetchall()
    audit_rows = conn.execute("SELECT * FROM audit_log").fetchall()
    conn.close()
    assert str(RESIDENT) not in repr(row)
    assert "08:17" not in repr(row)
    assert history == [(None, "2026-03-01T00:00:00.000000Z")]
    assert audit_rows == []

    assert filed.reply_token is not None
    async with db.read() as rconn:
        found = await complaints.find_by_reply_token(rconn, complaint.ref_no, filed.reply_token)
        assert found == complaint
        assert await complaints.find_by_reply_token(rconn, complaint.ref_no, "guess") is None
        assert await complaints.list_complaints_by_user(rconn, RESIDENT) == []


async def test_named_complaint_is_linked_and_has_no_token(db: Database) -> None:
    filed = await file_complaint(db, anonymous=False)
    assert filed.reply_token is None
    assert filed.complaint.user_id == RESIDENT
    assert filed.complaint.created_at == T0
    async with db.read() as conn:
        assert await complaints.list_complaints_by_user(conn, RESIDENT) == [filed.complaint]
        assert await complaints.find_by_reply_token(conn, filed.complaint.ref_no, "x") is None


async def test_the_schema_refuses_an_anonymous_complaint_with_a_user(db: Database) -> None:
    async with db.write() as conn:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            await conn.execute(
                "INSERT INTO complaints (ref_no, user_id, anonymous, status, created_at, "
                "updated_at) VALUES ('TS-2026-0009', ?, 1, 'received', 't', 't')",
                (RESIDENT,),
            )


async def test_status_updates_history_and_audit(db: Database) -> None:
    filed = await file_complaint(db, anonymous=True)
    cid = filed.complaint.id
    async with db.write() as conn:
        handling = await complaints.set_complaint_status(
            conn, cid, ComplaintStatus.HANDLING, actor_id=900, now=T0 + timedelta(days=1)
        )
        with pytest.raises(ValueError, match="needs a note"):
            await complaints.set_complaint_status(
                conn, cid, ComplaintStatus.RESOLVED, actor_id=900, now=T0
            )
        resolved = await complaints.set_complaint_status(
            conn,
            cid,
            ComplaintStatus.RESOLVED,
            actor_id=900,
            note="已退还并通报",
            now=T0 + timedelta(days=2),
        )
        with pytest.raises(TransitionError, match="is resolved"):
            await complaints.set_complaint_status(
                conn, cid, ComplaintStatus.HANDLING, actor_id=900, now=T0
            )
        assert (
            await complaints.set_complaint_status(
                conn, 999, ComplaintStatus.HANDLING, actor_id=900, now=T0
            )
            is None
        )
    assert handling is not None
    assert handling.status is ComplaintStatus.HANDLING
    assert resolved is not None
    assert resolved.resolution_note == "已退还并通报"
    async with db.read() as conn:
        history = await queries.list_complaint_history(conn, cid)
        entries = await audit.list_audit(conn, target_type="complaint")
    assert [(h.status, h.actor_id) for h in history] == [
        ("received", None),
        ("handling", 900),
        ("resolved", 900),
    ]
    assert [(e.actor_id, e.action) for e in entries] == [
        (900, "complaint.resolved"),
        (900, "complaint.handling"),
    ]


async def test_erasure_blanks_named_complaints_only(db: Database) -> None:
    named = await file_complaint(db, anonymous=False)
    anonymous = await file_complaint(db, anonymous=True)
    async with db.write() as conn:
        assert await users.erase_user(conn, RESIDENT)
    async with db.read() as conn:
        erased = await complaints.get_complaint(conn, named.complaint.id)
        kept = await complaints.get_complaint(conn, anonymous.complaint.id)
    assert erased is not None
    assert (erased.user_id, erased.what, erased.department) == (None, None, None)
    assert erased.status is ComplaintStatus.RECEIVED
    assert kept == anonymous.complaint
