"""Telegram users: upsert on every update, active/blocked state, referral codes, erasure.

Repository functions: they take the connection from ``Database.write()``/``read()``, run
parameterised SQL and never commit. Imports no ``telegram``.
"""

from __future__ import annotations

import secrets
import sqlite3
import string
from datetime import datetime

import aiosqlite

from db._sql import execute, fetch_object, fetch_one, returning
from db.models import User
from db.rows import from_row, to_db_time

REFERRAL_CODE_LENGTH = 8
_REFERRAL_ALPHABET = string.ascii_letters + string.digits
_MAX_CODE_ATTEMPTS = 10


async def upsert_user(
    conn: aiosqlite.Connection,
    user_id: int,
    *,
    first_name: str,
    username: str | None,
    language_code: str | None,
    now: datetime,
) -> User:
    """Insert or refresh a user seen in an update; someone who writes to us is active again."""
    ts = to_db_time(now)
    row = await returning(
        conn,
        "INSERT INTO users (id, first_name, username, language_code, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, "
        "username = excluded.username, language_code = excluded.language_code, "
        "last_seen_at = excluded.last_seen_at, is_active = 1, blocked_at = NULL "
        "RETURNING *",
        (user_id, first_name, username, language_code, ts, ts),
    )
    return from_row(User, row)


async def get_user(conn: aiosqlite.Connection, user_id: int) -> User | None:
    """The user with this Telegram id, if they have ever written to the bot."""
    return await fetch_object(conn, User, "SELECT * FROM users WHERE id = ?", (user_id,))


async def mark_inactive(conn: aiosqlite.Connection, user_id: int, *, now: datetime) -> bool:
    """Record that the user blocked the bot (403); return whether they were active before."""
    sql = "UPDATE users SET is_active = 0, blocked_at = ? WHERE id = ? AND is_active = 1"
    return await execute(conn, sql, (to_db_time(now), user_id)) == 1


async def set_lang_override(conn: aiosqlite.Connection, user_id: int, lang: str | None) -> bool:
    """Pin the user's language (``zh``/``en``) or clear the pin; False if no such user."""
    sql = "UPDATE users SET lang_override = ? WHERE id = ?"
    return await execute(conn, sql, (lang, user_id)) == 1


async def get_or_create_referral_code(conn: aiosqlite.Connection, user_id: int) -> str:
    """The user's referral code, generated on first need (use inside ``write()``).

    Raises ``LookupError`` if the user is unknown.
    """
    for _ in range(_MAX_CODE_ATTEMPTS):
        row = await fetch_one(conn, "SELECT referral_code FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise LookupError(f"no user {user_id}")
        if row[0] is not None:
            return str(row[0])
        code = "".join(secrets.choice(_REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))
        try:
            await conn.execute(
                "UPDATE users SET referral_code = ? WHERE id = ? AND referral_code IS NULL",
                (code, user_id),
            )
        except sqlite3.IntegrityError:
            continue  # another user has this code: draw again
        return code
    raise RuntimeError("could not find an unused referral code")  # pragma: no cover


async def find_user_by_referral_code(conn: aiosqlite.Connection, code: str) -> User | None:
    """The user whose referral code this is (case-sensitive), if any."""
    return await fetch_object(conn, User, "SELECT * FROM users WHERE referral_code = ?", (code,))


async def erase_user(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Erase a user's personal data (PIPL), keeping the anonymous facts statistics count.

    Blanks the free text they wrote (questions, project names, phones, the 补充说明 of a
    resubmission, complaints), drops
    their PTB persistence rows, then deletes the ``users`` row; foreign keys null their id in
    statistics tables and delete private rows (sign-ups, subscriptions, reminders, messages).
    Anonymous complaints hold no link to anyone and are untouched. Use inside ``write()``;
    the caller must also drop the user's in-memory PTB ``user_data``/``chat_data``.
    Returns whether anything was stored about them.
    """
    params = (user_id,)
    statements = (
        "UPDATE questions SET text = NULL, normalized = NULL WHERE user_id = ?",
        "UPDATE project_status_history SET actor_id = NULL WHERE actor_id = ?1 "
        "AND project_id IN (SELECT id FROM projects WHERE user_id = ?1)",
        "UPDATE projects SET name = NULL, phone = NULL, referrer_note = NULL WHERE user_id = ?",
        # A resubmission's 补充说明 is the applicant's own words.
        "UPDATE project_status_history SET note = NULL WHERE status = 'submitted' "
        "AND project_id IN (SELECT id FROM projects WHERE user_id = ?)",
        "UPDATE complaints SET what = NULL, department = NULL, happened_at_text = NULL, "
        "photo_file_id = NULL WHERE user_id = ? AND anonymous = 0",
        "UPDATE audit_log SET target_id = NULL, detail = NULL "
        "WHERE target_type = 'user' AND target_id = CAST(? AS TEXT)",
        "DELETE FROM ptb_user_data WHERE user_id = ?",
        "DELETE FROM ptb_chat_data WHERE chat_id = ?",
        "DELETE FROM ptb_conversations WHERE EXISTS "
        "(SELECT 1 FROM json_each(ptb_conversations.key) WHERE json_each.value = ?)",
    )
    touched = 0
    for sql in statements:
        touched += await execute(conn, sql, params)
    touched += await execute(conn, "DELETE FROM users WHERE id = ?", params)
    return touched > 0
