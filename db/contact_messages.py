"""Messages residents leave for staff (``/contact``) and the staff's replies.

Answering is claimed atomically (``claim_answer`` only succeeds on an unanswered message), so
two staff members replying to the same message at once cannot both send; a reply that could
not be delivered is released again. Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from db._sql import execute, fetch_object, fetch_objects, returning
from db.models import ContactMessage
from db.rows import from_row, to_db_time


async def add_message(
    conn: aiosqlite.Connection, user_id: int, text: str, *, now: datetime
) -> ContactMessage:
    """Store a resident's message."""
    row = await returning(
        conn,
        "INSERT INTO contact_messages (user_id, text, created_at) VALUES (?, ?, ?) RETURNING *",
        (user_id, text, to_db_time(now)),
    )
    return from_row(ContactMessage, row)


async def get_message(conn: aiosqlite.Connection, message_id: int) -> ContactMessage | None:
    """The message with this id."""
    return await fetch_object(
        conn, ContactMessage, "SELECT * FROM contact_messages WHERE id = ?", (message_id,)
    )


async def claim_answer(
    conn: aiosqlite.Connection,
    message_id: int,
    *,
    staff_id: int,
    reply_text: str,
    now: datetime,
) -> ContactMessage | None:
    """Mark an unanswered message answered by ``staff_id``; None if already answered or gone."""
    return await fetch_object(
        conn,
        ContactMessage,
        "UPDATE contact_messages SET answered_at = ?, answered_by = ?, reply_text = ? "
        "WHERE id = ? AND answered_at IS NULL RETURNING *",
        (to_db_time(now), staff_id, reply_text, message_id),
    )


async def release_answer(conn: aiosqlite.Connection, message_id: int, *, staff_id: int) -> bool:
    """Undo ``claim_answer`` by ``staff_id`` (the reply could not be delivered)."""
    return (
        await execute(
            conn,
            "UPDATE contact_messages SET answered_at = NULL, answered_by = NULL, "
            "reply_text = NULL WHERE id = ? AND answered_by = ?",
            (message_id, staff_id),
        )
        == 1
    )


async def list_unanswered(conn: aiosqlite.Connection, *, limit: int = 50) -> list[ContactMessage]:
    """Unanswered messages, oldest first (the staff's ``/inbox``)."""
    return await fetch_objects(
        conn,
        ContactMessage,
        "SELECT * FROM contact_messages WHERE answered_at IS NULL ORDER BY created_at, id LIMIT ?",
        (limit,),
    )
