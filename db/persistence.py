"""python-telegram-bot persistence in the bot's own SQLite database, as JSON (never pickle).

``SQLitePersistence`` stores ``user_data``, ``chat_data`` and the states of persistent
ConversationHandlers in the ``ptb_*`` tables through ``Database.write()``; every call PTB makes
is written through at once, so ``flush()`` has nothing left to do. Start-up does not load
every resident's data (25,000 rows in a county): only the rows holding one of ``eager_keys``
(a dialog under way, which start-up re-arms); anyone else's is loaded by
``refresh_user_data`` / ``refresh_chat_data``, which PTB calls before handling each update,
at their first update. ``bot_data`` and callback data are not stored. PTB itself only calls
the ``update_*`` methods every ``update_interval`` seconds; register ``persist_update`` (see
its docstring) so each update is saved as soon as it has been handled. ``updated_at`` holds
only the calendar day in the town's time zone, as the ``users`` table does (see
``bot.services.complaints`` on anonymity). This is the one module of ``db`` that imports
``telegram``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, MutableMapping, Sequence
from datetime import UTC, tzinfo
from typing import Any

from telegram import Update
from telegram.ext import BasePersistence, CallbackContext, PersistenceInput

from db._sql import execute, fetch_all, fetch_one
from db.database import Database
from db.rows import to_db_time

logger = logging.getLogger(__name__)

JSONDict = dict[Any, Any]
# The same shapes as PTB's private telegram.ext._utils.types aliases.
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class PersistenceDataError(TypeError):
    """``user_data``/``chat_data``/a state cannot be stored as JSON exactly as it is."""


class SQLitePersistence(BasePersistence[JSONDict, JSONDict, JSONDict]):
    """PTB persistence backed by an already-open ``Database`` (open it before ``initialize()``).

    ``user_data`` and ``chat_data`` must be JSON-shaped: ``str`` keys; values ``None``,
    ``bool``, ``int``, ``float``, ``str``, lists (tuples come back as lists) and such dicts.
    Anything else raises ``PersistenceDataError`` instead of being silently changed.
    Conversation states must be ints (``IntEnum`` members load back as plain ints, which
    compare and hash equal) or JSON-shaped values.
    """

    def __init__(
        self,
        database: Database,
        *,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
        tz: tzinfo = UTC,
        eager_keys: Sequence[str] = (),
    ) -> None:
        """Store in ``database``; by default user and chat data and conversations.

        ``tz`` is the town's time zone: rows are dated by the day there. ``eager_keys``: the
        rows of ``user_data``/``chat_data`` holding any of these keys are loaded at start-up;
        the others when their user or chat is next seen.
        """
        store = store_data or PersistenceInput(bot_data=False, callback_data=False)
        if store.bot_data or store.callback_data:
            raise ValueError("SQLitePersistence stores user_data, chat_data and conversations")
        super().__init__(store_data=store, update_interval=update_interval)
        self.database = database
        self._tz = tz
        # What each row holds now, so an unchanged user_data/chat_data costs no write: PTB
        # hands both over after every update, and most updates change neither.
        self._stored: dict[tuple[str, int], str] = {}
        # Rows whose stored state is known here (loaded, written, or looked up and absent):
        # for these, no entry in ``_stored`` means no row.
        self._known: set[tuple[str, int]] = set()
        self._eager = tuple(eager_keys)

    async def get_user_data(self) -> dict[int, JSONDict]:
        """The ``user_data`` holding an eager key, loaded once by ``Application.initialize()``."""
        return await self._load_eager("ptb_user_data", "user_id")

    async def get_chat_data(self) -> dict[int, JSONDict]:
        """The ``chat_data`` holding an eager key, loaded once by ``Application.initialize()``."""
        return await self._load_eager("ptb_chat_data", "chat_id")

    async def _load_eager(self, table: str, column: str) -> dict[int, JSONDict]:
        if not self._eager:
            return {}
        # ``table`` and ``column`` are our own literals; the keys are bound parameters.
        where = " OR ".join("json_type(data, ?) IS NOT NULL" for _ in self._eager)
        paths = [f"$.{json.dumps(key)}" for key in self._eager]
        async with self.database.read() as conn:
            rows = await fetch_all(
                conn, f"SELECT {column}, data FROM {table} WHERE {where}", paths
            )
        for r in rows:
            self._stored[(table, int(r[0]))] = str(r[1])
            self._known.add((table, int(r[0])))
        return {int(r[0]): json.loads(r[1]) for r in rows}

    async def _refresh(self, table: str, column: str, ident: int, data: JSONDict) -> None:
        """Load the stored row into ``data`` the first time ``ident`` is seen (memory wins)."""
        key = (table, ident)
        if key in self._known:
            return
        async with self.database.read() as conn:
            row = await fetch_one(conn, f"SELECT data FROM {table} WHERE {column} = ?", (ident,))
        if key in self._known:  # written meanwhile: that is newer
            return
        self._known.add(key)
        if row is None:
            return
        self._stored[key] = str(row[0])
        for name, value in json.loads(row[0]).items():
            data.setdefault(name, value)

    async def get_bot_data(self) -> JSONDict:
        """``bot_data`` is not stored: always a fresh empty dict."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Callback data is not stored."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """The stored states of the ConversationHandler called ``name``."""
        async with self.database.read() as conn:
            rows = await fetch_all(
                conn, "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
            )
        return {_load_key(r[0]): json.loads(r[1]) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store a conversation's new state; ``None`` (ended) deletes it."""
        key_json = _dump_key(key)
        async with self.database.write() as conn:
            if new_state is None:
                await execute(
                    conn,
                    "DELETE FROM ptb_conversations WHERE name = ? AND key = ?",
                    (name, key_json),
                )
                return
            await execute(
                conn,
                "INSERT INTO ptb_conversations (name, key, state, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET "
                "state = excluded.state, updated_at = excluded.updated_at",
                (name, key_json, _dumps(new_state, f"state of {name}"), self._now()),
            )

    async def update_user_data(self, user_id: int, data: JSONDict) -> None:
        """Write one user's ``user_data`` through to the database."""
        await self._upsert("ptb_user_data", "user_id", user_id, data)

    async def update_chat_data(self, chat_id: int, data: JSONDict) -> None:
        """Write one chat's ``chat_data`` through to the database."""
        await self._upsert("ptb_chat_data", "chat_id", chat_id, data)

    async def update_bot_data(self, data: JSONDict) -> None:
        """``bot_data`` is not stored."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Callback data is not stored."""

    async def drop_user_data(self, user_id: int) -> None:
        """Delete one user's stored ``user_data``."""
        async with self.database.write() as conn:
            await execute(conn, "DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))
        self._stored.pop(("ptb_user_data", user_id), None)
        self._known.add(("ptb_user_data", user_id))

    async def drop_chat_data(self, chat_id: int) -> None:
        """Delete one chat's stored ``chat_data``."""
        async with self.database.write() as conn:
            await execute(conn, "DELETE FROM ptb_chat_data WHERE chat_id = ?", (chat_id,))
        self._stored.pop(("ptb_chat_data", chat_id), None)
        self._known.add(("ptb_chat_data", chat_id))

    async def refresh_user_data(self, user_id: int, user_data: JSONDict) -> None:
        """Load the user's stored data at their first update; after that memory is newer."""
        await self._refresh("ptb_user_data", "user_id", user_id, user_data)

    async def refresh_chat_data(self, chat_id: int, chat_data: JSONDict) -> None:
        """Load the chat's stored data at its first update; after that memory is newer."""
        await self._refresh("ptb_chat_data", "chat_id", chat_id, chat_data)

    async def refresh_bot_data(self, bot_data: JSONDict) -> None:
        """``bot_data`` is not stored."""

    async def flush(self) -> None:
        """Nothing is buffered: every update was written through when PTB handed it over."""

    def user_data_is_stored(self, user_id: int, data: Mapping[str, object]) -> bool:
        """Whether ``data`` is exactly the ``user_data`` stored for ``user_id`` (no write due)."""
        return self._is_stored("ptb_user_data", user_id, data)

    def chat_data_is_stored(self, chat_id: int, data: Mapping[str, object]) -> bool:
        """Whether ``data`` is exactly the ``chat_data`` stored for ``chat_id`` (no write due)."""
        return self._is_stored("ptb_chat_data", chat_id, data)

    def _is_stored(self, table: str, ident: int, data: Mapping[str, object]) -> bool:
        stored = self._stored.get((table, ident))
        if stored is None:
            return not data and (table, ident) in self._known
        try:
            return _dumps(data, f"{table} of {ident}") == stored
        except PersistenceDataError:
            return False  # the write will report it

    async def _upsert(self, table: str, column: str, ident: int, data: JSONDict) -> None:
        # ``table`` and ``column`` are our own literals, never user input.
        key = (table, ident)
        if key not in self._known:
            # Data of someone not seen since start-up, changed without an update of theirs:
            # keep what is stored under what memory holds, rather than overwrite it.
            await self._refresh(table, column, ident, data)
        encoded = _dumps(data, f"{table} of {ident}")
        stored = self._stored.get(key)
        # No row loads back as empty data, so a new user's empty user_data needs no row.
        if stored == encoded or (stored is None and not data):
            return
        async with self.database.write() as conn:
            await execute(
                conn,
                f"INSERT INTO {table} ({column}, data, updated_at) VALUES (?, ?, ?) "
                f"ON CONFLICT ({column}) DO UPDATE SET "
                "data = excluded.data, updated_at = excluded.updated_at",
                (ident, encoded, self._now()),
            )
        self._stored[key] = encoded

    def _now(self) -> str:
        # Only the day: a precise time would date the moment a dialog ended, and the end of
        # an anonymous complaint's dialog is the moment staff are told of it.
        now = self.database.now().astimezone(self._tz)
        return to_db_time(now.replace(hour=0, minute=0, second=0, microsecond=0))


async def persist_update(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Save what handling this update changed, now rather than at the next interval.

    Register last, e.g. ``app.add_handler(TypeHandler(Update, persist_update), group=99)``:
    earlier groups have run by then, so conversation states and ``user_data`` are final.
    An update stopped by ``ApplicationHandlerStop`` is saved by PTB's periodic run instead.
    """
    if isinstance(update, Update):
        context.application.mark_data_for_update_persistence(
            chat_ids=update.effective_chat.id if update.effective_chat else None,
            user_ids=update.effective_user.id if update.effective_user else None,
        )
    await context.application.update_persistence()


def _dump_key(key: ConversationKey) -> str:
    # One canonical text per key: it is half of the primary key.
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def _load_key(text: str) -> ConversationKey:
    return tuple(json.loads(text))


def _dumps(value: object, what: str) -> str:
    _check_json_shape(value, what)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _check_json_shape(value: object, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise PersistenceDataError(f"{path}: {value!r} is not a JSON number")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json_shape(item, f"{path}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PersistenceDataError(f"{path}: key {key!r} is not a str")
            _check_json_shape(item, f"{path}[{key!r}]")
        return
    raise PersistenceDataError(f"{path}: {type(value).__name__} cannot be stored as JSON")
