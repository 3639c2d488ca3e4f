"""``SQLiteStore``: the web channel's ``ChatStore``, kept in the bot's database (``web_*``).

Every change is committed before the Bot API call that made it returns, so a restart loses
nothing the bot was told was sent. Each new or changed message takes the next ``seq``; pages ask
for changes after the last ``seq`` they saw. Chats are cached in memory (the process is the only
writer of these tables). No ``telegram`` import.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from typing import TypeVar

from bot.shell.emulator.store import (
    JSON,
    ChatState,
    CommandsKey,
    FileTuple,
    NewMessage,
    StoredMessage,
)
from db import web as repo
from db.database import Database

CHAT_CACHE_SIZE = 20_000

_K = TypeVar("_K")
_V = TypeVar("_V")


def keep_recent(cache: OrderedDict[_K, _V], key: _K, value: _V, size: int) -> _V:
    """Put ``value`` into ``cache`` as its most recent entry; the oldest go beyond ``size``."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
    return value


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_stored(row: repo.WebMessage) -> StoredMessage:
    """A stored row as the Bot API methods see a message."""
    return StoredMessage(
        chat_id=row.chat_id,
        message_id=row.message_id,
        from_bot=row.from_bot,
        data=json.loads(row.data),
        html=row.html,
        deleted=row.deleted,
        edits=row.edits,
    )


class SQLiteStore:
    """Chats, messages, files, button presses and command menus in SQLite."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._seq = 0
        self._chats: OrderedDict[int, ChatState] = OrderedDict()
        self.last_seq_by_chat: dict[int, int] = {}

    async def open(self) -> None:
        """Read the counters this process continues from."""
        async with self.db.read() as conn:
            self._seq = await repo.max_seq(conn)

    def _next_seq(self) -> int:
        # Called inside a write transaction: writes are serialised, so seq follows commit order.
        self._seq += 1
        return self._seq

    def _cache(self, chat: ChatState) -> ChatState:
        return keep_recent(self._chats, int(chat.user["id"]), chat, CHAT_CACHE_SIZE)

    # ------------------------------------------------------------------- residents
    async def new_chat(self, user: JSON) -> ChatState:
        """Create a web resident's chat; ``user["id"]`` is assigned here."""
        async with self.db.write() as conn:
            chat_id = await repo.next_chat_id(conn)
            user = {**user, "id": chat_id}
            await repo.insert_chat(conn, chat_id, _dumps(user), now=self.db.now())
        return self._cache(ChatState(user=user))

    # ------------------------------------------------------------------- ChatStore
    async def chat(self, chat_id: int) -> ChatState | None:
        cached = self._chats.get(chat_id)
        if cached is not None:
            return cached
        async with self.db.read() as conn:
            row = await repo.get_chat(conn, chat_id)
        if row is None:
            return None
        keyboard = None if row.reply_keyboard is None else json.loads(row.reply_keyboard)
        chat = ChatState(
            user=json.loads(row.user_json),
            reply_keyboard=keyboard,
            blocked=row.blocked,
            next_message_id=row.next_message_id,
        )
        return self._cache(chat)

    async def add_message(self, chat: ChatState, new: NewMessage) -> StoredMessage:
        chat_id = int(chat.user["id"])
        async with self.db.write() as conn:
            message_id = await repo.take_message_id(conn, chat_id)
            stored = new.numbered(chat, message_id)
            seq = self._next_seq()
            await repo.insert_message(conn, self._row(stored, seq))
            if new.keyboard is not None:
                markup = new.keyboard.markup
                await repo.set_keyboard(conn, chat_id, None if markup is None else _dumps(markup))
        new.settle(chat, message_id)
        self.last_seq_by_chat[chat_id] = seq
        return stored

    async def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        async with self.db.read() as conn:
            row = await repo.get_message(conn, chat_id, message_id)
        return None if row is None else to_stored(row)

    async def save_message(self, message: StoredMessage) -> None:
        async with self.db.write() as conn:
            seq = self._next_seq()
            await repo.update_message(conn, self._row(message, seq))
        self.last_seq_by_chat[message.chat_id] = seq

    @staticmethod
    def _row(message: StoredMessage, seq: int) -> repo.WebMessage:
        return repo.WebMessage(
            message.chat_id,
            message.message_id,
            message.from_bot,
            _dumps(message.data),
            message.html,
            message.deleted,
            message.edits,
            seq,
        )

    async def put_file(self, chat_id: int | None, file: FileTuple) -> str:
        # Unguessable: a file is fetched by id, and only by the session whose chat it is in.
        file_id = "WF" + secrets.token_urlsafe(18)
        name, content, mime = file
        async with self.db.write() as conn:
            row = repo.WebFile(file_id, chat_id, name, mime, content)
            await repo.insert_file(conn, row, now=self.db.now())
        return file_id

    async def file(self, file_id: str) -> FileTuple | None:
        row = await self.file_row(file_id)
        return None if row is None else (row.name, row.content, row.mime)

    async def file_row(self, file_id: str) -> repo.WebFile | None:
        """A kept file with the chat it belongs to."""
        async with self.db.read() as conn:
            return await repo.get_file(conn, file_id)

    async def answer_callback(self, query_id: str, answer: JSON) -> bool:
        async with self.db.write() as conn:
            return await repo.answer_query(conn, query_id, _dumps(answer))

    async def set_commands(self, key: CommandsKey, commands: list[JSON] | None) -> None:
        scope, language = key
        value = None if commands is None else _dumps(commands)
        async with self.db.write() as conn:
            await repo.set_commands(conn, scope, language, value)

    async def commands(self, key: CommandsKey) -> list[JSON]:
        scope, language = key
        async with self.db.read() as conn:
            value = await repo.get_commands(conn, scope, language)
        if value is None:
            return []
        commands: list[JSON] = json.loads(value)
        return commands

    # ------------------------------------------------------------------ page reads
    async def changes(self, chat_id: int, after: int, limit: int) -> list[repo.WebMessage]:
        """Messages of ``chat_id`` new or changed after ``after`` (from 0: the latest)."""
        async with self.db.read() as conn:
            return await repo.messages_after(conn, chat_id, after, limit)
