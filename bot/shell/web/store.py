"""``SQLiteStore``: the web channel's ``ChatStore``, kept in the bot's database (``web_*``).

Every change is committed before the Bot API call that made it returns, so a restart loses
nothing the bot was told was sent. Each new or changed message takes the next ``seq``; pages ask
for changes after the last ``seq`` they saw. Chats are cached in memory (the process is the only
writer of these tables). No ``telegram`` import.

No 查询码 in clear in the database. An anonymous complaint's confirmation (its number and
查询码) or a resident's typed status check kept next to the web resident's chat would let the
office link the complaint to them, so every message is stored with its codes masked
(``bot.services.complaints.mask_codes``: by shape, after a complaint number, or by a real code's
fingerprint), and a button whose data carries a code is left out of the stored copy. The clear
message stays in memory only (``_Clear``, per chat, bounded): page reads hand it out instead of
the stored row until the page acknowledges it (a poll ``after`` its ``seq``: the page has it), so
a lost response or a reload right away still shows the code; later reads, other devices and
reloads see ``****-****``. The bot's own reads (``message``: an edit, a button press on the page
still showing the clear message) get the clear copy while the process keeps it. A restart before
the page got it leaves only the masked copy (the confirmation also tells the resident to write
the code down). ``open`` masks rows stored before this, once (``web_meta`` remembers it): the
patterns need Python (NFKC, shapes, fingerprints), so this is a start-up pass, not SQL.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TypeVar

import aiosqlite

from bot.services.complaints import codes_within, mask_codes
from bot.shell.emulator.store import (
    JSON,
    ChatState,
    CommandsKey,
    FileTuple,
    NewMessage,
    StoredMessage,
)
from db import complaints as complaints_repo
from db import web as repo
from db.database import Database

_LOGGER = logging.getLogger(__name__)

CHAT_CACHE_SIZE = 20_000
CLEAR_CACHE_CHATS = 2_000  # chats whose clear (unmasked) messages are kept in memory
MASKED_META = "codes_masked"  # web_meta: rows stored before masking have been masked
MASK_BATCH = 500

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


@dataclass
class _Clear:
    """A message whose stored copy is masked, as the bot sent it (memory only)."""

    row: repo.WebMessage
    acknowledged: bool = False  # the page has it: reads get the stored (masked) row


def _strings(value: object) -> list[str]:
    """Every string inside a message's data."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _masked(value: object, known: frozenset[str]) -> object:
    if isinstance(value, str):
        return mask_codes(value, known)
    if isinstance(value, dict):
        masked = {k: _masked(v, known) for k, v in value.items()}
        markup = masked.get("reply_markup")
        if isinstance(markup, dict) and isinstance(markup.get("inline_keyboard"), list):
            # A button carrying a 查询码 is no use masked: the stored copy goes without it.
            clear_rows = value["reply_markup"]["inline_keyboard"]
            rows = [
                [b for b, c in zip(row, clear_row, strict=True) if b == c]
                for row, clear_row in zip(markup["inline_keyboard"], clear_rows, strict=True)
            ]
            markup["inline_keyboard"] = [row for row in rows if row]
        return masked
    if isinstance(value, list):
        return [_masked(v, known) for v in value]
    return value


async def _known_codes(conn: aiosqlite.Connection, texts: list[str]) -> frozenset[str]:
    """The real 查询码 (by fingerprint) hidden in ``texts``: one indexed look-up when any
    candidate is there, then one per candidate only if some is real."""
    candidates = list(dict.fromkeys(c for t in texts for c in codes_within(t)))
    if not await complaints_repo.any_reply_token(conn, candidates):
        return frozenset()
    return frozenset([c for c in candidates if await complaints_repo.any_reply_token(conn, [c])])


async def mask_row(conn: aiosqlite.Connection, row: repo.WebMessage) -> repo.WebMessage:
    """``row`` as it may be stored: every 查询码 in its data and html masked."""
    data = json.loads(row.data)
    texts = _strings(data) + ([] if row.html is None else [row.html])
    known = await _known_codes(conn, texts)
    masked_data = _masked(data, known)
    html = None if row.html is None else mask_codes(row.html, known)
    if masked_data == data and html == row.html:
        return row
    return replace(row, data=_dumps(masked_data), html=html)


class SQLiteStore:
    """Chats, messages, files, button presses and command menus in SQLite."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._seq = 0
        self._chats: OrderedDict[int, ChatState] = OrderedDict()
        self.last_seq_by_chat: dict[int, int] = {}
        self._clear: OrderedDict[int, dict[int, _Clear]] = OrderedDict()

    async def open(self) -> None:
        """Read the counters this process continues from; mask rows stored before masking."""
        async with self.db.read() as conn:
            self._seq = await repo.max_seq(conn)
            done = await repo.get_meta(conn, MASKED_META)
        if done is None:
            changed = await self.mask_stored()
            _LOGGER.info("masked the 查询码 in %d stored web message(s)", changed)

    async def mask_stored(self) -> int:
        """Mask the codes in every stored message (once, at the first start with masking);
        returns how many rows changed. Their ``seq`` stays: open pages keep what they show."""
        changed = 0
        after = (0, 0)
        while True:
            async with self.db.write() as conn:
                rows = await repo.messages_from(conn, after, MASK_BATCH)
                for row in rows:
                    masked = await mask_row(conn, row)
                    if masked is not row:
                        await repo.update_message(conn, masked)
                        changed += 1
                if not rows:
                    await repo.set_meta(conn, MASKED_META, "1")
                    return changed
            after = (rows[-1].chat_id, rows[-1].message_id)

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
            row = self._row(stored, seq)
            masked = await mask_row(conn, row)
            await repo.insert_message(conn, masked)
            if new.keyboard is not None:
                markup = new.keyboard.markup
                await repo.set_keyboard(conn, chat_id, None if markup is None else _dumps(markup))
        new.settle(chat, message_id)
        self._keep_clear(row, masked)
        self.last_seq_by_chat[chat_id] = seq
        return stored

    async def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        clear = self._clear.get(chat_id, {}).get(message_id)
        if clear is not None:
            return to_stored(clear.row)
        async with self.db.read() as conn:
            row = await repo.get_message(conn, chat_id, message_id)
        return None if row is None else to_stored(row)

    async def save_message(self, message: StoredMessage) -> None:
        async with self.db.write() as conn:
            seq = self._next_seq()
            row = self._row(message, seq)
            masked = await mask_row(conn, row)
            await repo.update_message(conn, masked)
        self._keep_clear(row, masked)
        self.last_seq_by_chat[message.chat_id] = seq

    def _keep_clear(self, row: repo.WebMessage, masked: repo.WebMessage) -> None:
        """Keep the clear ``row`` in memory when what was stored (``masked``) differs."""
        chat = self._clear.get(row.chat_id)
        if masked is not row:
            chat = keep_recent(self._clear, row.chat_id, chat or {}, CLEAR_CACHE_CHATS)
            chat[row.message_id] = _Clear(row)
        elif chat is not None:
            chat.pop(row.message_id, None)

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
        """Messages of ``chat_id`` new or changed after ``after`` (from 0: the latest); one the
        page has not acknowledged yet comes clear, once acknowledged masked (module docstring)."""
        async with self.db.read() as conn:
            rows = await repo.messages_after(conn, chat_id, after, limit)
        clear = self._clear.get(chat_id)
        if not clear:
            return rows
        for kept in clear.values():
            if after > 0 and kept.row.seq <= after:
                kept.acknowledged = True  # the page asks for what came after it
        return [_clear_or(clear.get(r.message_id), r) for r in rows]


def _clear_or(kept: _Clear | None, row: repo.WebMessage) -> repo.WebMessage:
    if kept is None or kept.acknowledged or kept.row.seq != row.seq:
        return row
    return kept.row
