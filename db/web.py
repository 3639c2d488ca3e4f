"""The web channel's tables (``web_*``): chats, sessions, messages, files, button presses,
pending updates, command menus.

Repository functions: they take the connection from ``Database.write()``/``read()``, run
parameterised SQL and never commit. JSON columns travel as ``str``; the gateway (``bot.shell.web``)
decodes them. Imports no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db._sql import execute, fetch_all, fetch_object, fetch_one, returning
from db.rows import from_row, to_db_time

# The first web user id: Telegram user ids have at most 52 significant bits (Bot API docs).
WEB_ID_BASE = 2**52


@dataclass(frozen=True, slots=True)
class WebChat:
    """A web resident's chat with the bot."""

    chat_id: int
    user_json: str
    reply_keyboard: str | None
    blocked: bool
    next_message_id: int


@dataclass(frozen=True, slots=True)
class WebSession:
    """A browser session (the cookie's token is not stored, only its hash)."""

    token_hash: str
    chat_id: int
    csrf_token: str
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class WebMessage:
    """A message in a web chat, either way."""

    chat_id: int
    message_id: int
    from_bot: bool
    data: str
    html: str | None
    deleted: bool
    edits: int
    seq: int


@dataclass(frozen=True, slots=True)
class WebFile:
    """A file the bot sent to a web chat (a document or a photo)."""

    file_id: str
    chat_id: int | None
    name: str
    mime: str
    content: bytes


# ------------------------------------------------------------------------------ chats
async def next_chat_id(conn: aiosqlite.Connection) -> int:
    """The id the next new web resident gets."""
    row = await fetch_one(conn, "SELECT MAX(chat_id) FROM web_chats")
    last = row[0] if row is not None and row[0] is not None else WEB_ID_BASE - 1
    return int(last) + 1


async def insert_chat(
    conn: aiosqlite.Connection, chat_id: int, user_json: str, *, now: datetime
) -> None:
    """Create a web resident's chat."""
    await execute(
        conn,
        "INSERT INTO web_chats (chat_id, user_json, created_at) VALUES (?, ?, ?)",
        (chat_id, user_json, to_db_time(now)),
    )


async def get_chat(conn: aiosqlite.Connection, chat_id: int) -> WebChat | None:
    """The chat ``chat_id``, if it exists."""
    return await fetch_object(
        conn, WebChat, "SELECT * FROM web_chats WHERE chat_id = ?", (chat_id,)
    )


async def take_message_id(conn: aiosqlite.Connection, chat_id: int) -> int:
    """Reserve the chat's next message id."""
    row = await returning(
        conn,
        "UPDATE web_chats SET next_message_id = next_message_id + 1 WHERE chat_id = ? "
        "RETURNING next_message_id - 1",
        (chat_id,),
    )
    return int(row[0])


async def set_keyboard(conn: aiosqlite.Connection, chat_id: int, keyboard: str | None) -> None:
    """Show (JSON) or remove (None) the chat's reply keyboard."""
    sql = "UPDATE web_chats SET reply_keyboard = ? WHERE chat_id = ?"
    await execute(conn, sql, (keyboard, chat_id))


# --------------------------------------------------------------------------- sessions
async def insert_session(
    conn: aiosqlite.Connection, token_hash: str, chat_id: int, csrf_token: str, *, now: datetime
) -> None:
    """Record a new browser session for ``chat_id``."""
    ts = to_db_time(now)
    await execute(
        conn,
        "INSERT INTO web_sessions (token_hash, chat_id, csrf_token, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (token_hash, chat_id, csrf_token, ts, ts),
    )


async def get_session(conn: aiosqlite.Connection, token_hash: str) -> WebSession | None:
    """The session whose token hashes to ``token_hash``."""
    return await fetch_object(
        conn,
        WebSession,
        "SELECT token_hash, chat_id, csrf_token, last_seen_at FROM web_sessions "
        "WHERE token_hash = ?",
        (token_hash,),
    )


async def touch_sessions(
    conn: aiosqlite.Connection, token_hashes: Iterable[str], *, now: datetime
) -> None:
    """Record that these sessions were used (batched: one statement per flush)."""
    ts = to_db_time(now)
    await conn.executemany(
        "UPDATE web_sessions SET last_seen_at = ? WHERE token_hash = ?",
        [(ts, h) for h in token_hashes],
    )


async def delete_session(conn: aiosqlite.Connection, token_hash: str) -> None:
    """End one session (its chat, user and projects stay)."""
    await execute(conn, "DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))


async def delete_sessions_idle_since(conn: aiosqlite.Connection, before: datetime) -> int:
    """End every session last used before ``before``; returns how many ended."""
    sql = "DELETE FROM web_sessions WHERE last_seen_at < ?"
    return await execute(conn, sql, (to_db_time(before),))


# --------------------------------------------------------------------------- messages
async def max_seq(conn: aiosqlite.Connection) -> int:
    """The highest change number so far (0 when empty)."""
    row = await fetch_one(conn, "SELECT MAX(seq) FROM web_messages")
    return int(row[0]) if row is not None and row[0] is not None else 0


async def insert_message(conn: aiosqlite.Connection, message: WebMessage) -> None:
    """Store a new message."""
    await execute(
        conn,
        "INSERT INTO web_messages (chat_id, message_id, from_bot, data, html, deleted, edits, "
        "seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message.chat_id,
            message.message_id,
            int(message.from_bot),
            message.data,
            message.html,
            int(message.deleted),
            message.edits,
            message.seq,
        ),
    )


async def update_message(conn: aiosqlite.Connection, message: WebMessage) -> None:
    """Store an edit or a deletion."""
    await execute(
        conn,
        "UPDATE web_messages SET data = ?, html = ?, deleted = ?, edits = ?, seq = ? "
        "WHERE chat_id = ? AND message_id = ?",
        (
            message.data,
            message.html,
            int(message.deleted),
            message.edits,
            message.seq,
            message.chat_id,
            message.message_id,
        ),
    )


async def get_message(
    conn: aiosqlite.Connection, chat_id: int, message_id: int
) -> WebMessage | None:
    """One message of a chat."""
    return await fetch_object(
        conn,
        WebMessage,
        "SELECT * FROM web_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )


async def messages_after(
    conn: aiosqlite.Connection, chat_id: int, after: int, limit: int
) -> list[WebMessage]:
    """Messages of a chat changed after ``after``, oldest change first; from 0: the latest."""
    if after <= 0:
        rows = await fetch_all(
            conn,
            "SELECT * FROM web_messages WHERE chat_id = ? AND deleted = 0 "
            "ORDER BY seq DESC LIMIT ?",
            (chat_id, limit),
        )
        rows.reverse()
    else:
        rows = await fetch_all(
            conn,
            "SELECT * FROM web_messages WHERE chat_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (chat_id, after, limit),
        )
    return [from_row(WebMessage, r) for r in rows]


async def messages_from(
    conn: aiosqlite.Connection, after: tuple[int, int], limit: int
) -> list[WebMessage]:
    """Messages of every chat after ``after`` (chat id, message id), in that order."""
    rows = await fetch_all(
        conn,
        "SELECT * FROM web_messages WHERE (chat_id, message_id) > (?, ?) "
        "ORDER BY chat_id, message_id LIMIT ?",
        (*after, limit),
    )
    return [from_row(WebMessage, r) for r in rows]


# ------------------------------------------------------------------------------ files
async def insert_file(conn: aiosqlite.Connection, file: WebFile, *, now: datetime) -> None:
    """Keep a file."""
    await execute(
        conn,
        "INSERT INTO web_files (file_id, chat_id, name, mime, content, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (file.file_id, file.chat_id, file.name, file.mime, file.content, to_db_time(now)),
    )


async def get_file(conn: aiosqlite.Connection, file_id: str) -> WebFile | None:
    """A kept file."""
    return await fetch_object(
        conn, WebFile, "SELECT * FROM web_files WHERE file_id = ?", (file_id,)
    )


# -------------------------------------------------------------------- callback queries
async def insert_query(
    conn: aiosqlite.Connection, query_id: str, chat_id: int, *, now: datetime
) -> None:
    """Record a button press waiting for the bot's answer."""
    await execute(
        conn,
        "INSERT INTO web_callback_queries (query_id, chat_id, created_at) VALUES (?, ?, ?)",
        (query_id, chat_id, to_db_time(now)),
    )


async def answer_query(conn: aiosqlite.Connection, query_id: str, answer: str) -> bool:
    """Record the bot's answer; False if the query is unknown or was answered already."""
    sql = "UPDATE web_callback_queries SET answer = ? WHERE query_id = ? AND answer IS NULL"
    return await execute(conn, sql, (answer, query_id)) == 1


async def delete_queries_before(conn: aiosqlite.Connection, before: datetime) -> int:
    """Forget button presses older than ``before`` (Telegram, too, lets them expire)."""
    sql = "DELETE FROM web_callback_queries WHERE created_at < ?"
    return await execute(conn, sql, (to_db_time(before),))


# ----------------------------------------------------------------------------- updates
async def insert_update(
    conn: aiosqlite.Connection, update_id: int, chat_id: int, body: str, *, now: datetime
) -> None:
    """Record an update handed to the bot."""
    await execute(
        conn,
        "INSERT INTO web_updates (update_id, chat_id, body, created_at) VALUES (?, ?, ?, ?)",
        (update_id, chat_id, body, to_db_time(now)),
    )


async def delete_updates(conn: aiosqlite.Connection, update_ids: Iterable[int]) -> None:
    """Forget updates the bot reported handled."""
    await conn.executemany(
        "DELETE FROM web_updates WHERE update_id = ?", [(i,) for i in update_ids]
    )


async def pending_updates(conn: aiosqlite.Connection) -> list[str]:
    """Bodies of updates not reported handled, oldest first."""
    rows = await fetch_all(conn, "SELECT body FROM web_updates ORDER BY update_id")
    return [str(r[0]) for r in rows]


# ---------------------------------------------------------------------- commands, meta
async def set_commands(
    conn: aiosqlite.Connection, scope: str, language: str, commands: str | None
) -> None:
    """Replace (None: delete) a command menu."""
    if commands is None:
        sql = "DELETE FROM web_commands WHERE scope = ? AND language = ?"
        await execute(conn, sql, (scope, language))
        return
    await execute(
        conn,
        "INSERT INTO web_commands (scope, language, commands) VALUES (?, ?, ?) "
        "ON CONFLICT (scope, language) DO UPDATE SET commands = excluded.commands",
        (scope, language, commands),
    )


async def get_commands(conn: aiosqlite.Connection, scope: str, language: str) -> str | None:
    """A command menu (JSON), if set."""
    row = await fetch_one(
        conn,
        "SELECT commands FROM web_commands WHERE scope = ? AND language = ?",
        (scope, language),
    )
    return None if row is None else str(row[0])


async def get_meta(conn: aiosqlite.Connection, key: str) -> str | None:
    """A gateway setting kept in the database (the generated cookie key)."""
    row = await fetch_one(conn, "SELECT value FROM web_meta WHERE key = ?", (key,))
    return None if row is None else str(row[0])


async def set_meta(conn: aiosqlite.Connection, key: str, value: str) -> None:
    """Keep a gateway setting."""
    await execute(
        conn,
        "INSERT INTO web_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
