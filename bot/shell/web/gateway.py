"""``WebGateway``: a Bot API server for residents in a browser, durable in SQLite.

The bot talks to it exactly as to Telegram (``sendMessage``, ``editMessageText``,
``answerCallbackQuery``, ``sendDocument`` ...): the methods are ``BotApi``'s, the state is
``SQLiteStore``'s. The resident's side - a session, a typed message, a button press, a shared
phone number, the history and its changes - is what the web server
(``bot.shell.web.server``) calls.
Updates go to the bot through a sink: the Application's update queue, which stores each in the
durable inbox before the resident's request is answered (a crash runs it again at the next
start). Only an update that arrives while no bot is connected is kept here (``web_updates``)
until it is delivered and handled.
Sessions are cached in memory (the process is the only writer of ``web_sessions``); one unused
for ``session_idle`` ends, and an hourly cleanup deletes the ended ones.
No ``telegram`` import: the runner wires the sink.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.shell.emulator.core import BotApi
from bot.shell.emulator.store import (
    JSON,
    ChatState,
    KeyboardChange,
    NewMessage,
    StoredMessage,
)
from bot.shell.serving import stop_task
from bot.shell.web.store import SQLiteStore, keep_recent
from db import web as repo
from db.database import Database

_LOGGER = logging.getLogger(__name__)

# The gateway's own token: it never leaves the process (in-process transport) and guards
# nothing; Telegram's token, when there is one, is the bot's and is never sent here.
GATEWAY_TOKEN = "100000001:WEB-gateway-in-process-token-not-secret"
WEB_FIRST_NAME = "网页居民"
HISTORY_LIMIT = 200
ANSWER_WAIT_S = 15.0
QUERY_LIFETIME = timedelta(days=1)
PRUNE_EVERY_S = 3600.0
SESSION_IDLE = timedelta(days=90)
# A session's last use is written at most this often (enough to judge an idle period of days).
TOUCH_EVERY = timedelta(hours=1)
SESSION_CACHE_SIZE = 20_000
# Web update ids: 2^52 plus microseconds since the epoch (kept increasing), so they are unique
# across restarts without a counter in the database and never meet Telegram's update ids.
_UPDATE_ID_BASE = 2**52

UpdateSink = Callable[[JSON], Awaitable[None]]


class ButtonGoneError(Exception):
    """The pressed button is not on that message (forged, or the message changed)."""


@dataclass(frozen=True)
class Session:
    """A browser session: whose chat it is and the token state-changing requests must carry."""

    chat_id: int
    csrf_token: str


@dataclass
class _SessionUse:
    session: Session
    last_seen: datetime  # the last request (memory)
    stored_seen: datetime  # what the database holds


def hash_token(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


class WebGateway(BotApi):
    """The web channel's Bot API server and the residents' side of it."""

    def __init__(
        self,
        db: Database,
        *,
        token: str = GATEWAY_TOKEN,
        session_idle: timedelta = SESSION_IDLE,
    ) -> None:
        self.web = SQLiteStore(db)
        super().__init__(self.web, token=token)
        self.db = db
        self.session_idle = session_idle
        self._sessions: OrderedDict[str, _SessionUse] = OrderedDict()
        self._stored: set[int] = set()  # updates kept in web_updates (no bot was connected)
        self._sink: UpdateSink | None = None
        self._last_update_id = 0
        self._watchers: dict[int, set[asyncio.Future[None]]] = {}
        self._answers: dict[str, asyncio.Future[JSON]] = {}
        self._handled: set[int] = set()
        self._handled_event = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._touched: dict[str, datetime] = {}
        self._pruned_at = 0.0
        self._unhandled: set[int] = set()
        self._all_handled = asyncio.Event()
        self._all_handled.set()
        self.message_listeners.append(self._on_message)
        self.answer_listeners.append(self._on_answer)

    # -------------------------------------------------------------------- lifetime
    async def open(self) -> None:
        """Read counters and forget stale button presses."""
        await self.web.open()
        await self._prune()
        self._flusher = asyncio.create_task(self._flush_forever(), name="web-gateway-flush")

    async def close(self) -> None:
        """Record what is handled and stop background work."""
        await stop_task(self._flusher)
        self._flusher = None
        await self._flush()
        for future in self._answers.values():
            future.cancel()

    async def connect(self, sink: UpdateSink) -> int:
        """Start handing updates to ``sink``; first those not handled before a restart."""
        self._sink = sink
        async with self.db.read() as conn:
            pending = await repo.pending_updates(conn)
        for body in pending:
            update = json.loads(body)
            self._stored.add(int(update["update_id"]))
            self._expect(int(update["update_id"]))
            await sink(update)
        if pending:
            _LOGGER.info("delivered %d web updates again after a restart", len(pending))
        return len(pending)

    def handled(self, update_id: int) -> None:
        """The bot finished an update (``UserOrderedProcessor`` listener)."""
        if update_id >= _UPDATE_ID_BASE:
            if update_id in self._stored:
                self._stored.discard(update_id)
                self._handled.add(update_id)
                self._handled_event.set()
            self._unhandled.discard(update_id)
            if not self._unhandled:
                self._all_handled.set()

    async def settled(self, within: float = 60.0) -> None:
        """Wait until the bot has handled every update handed to it (tests, benchmarks)."""
        await asyncio.wait_for(self._all_handled.wait(), within)

    async def _prune(self) -> None:
        """Forget old button presses and end idle sessions (hourly)."""
        now = self.db.now()
        async with self.db.write() as conn:
            await repo.delete_queries_before(conn, now - QUERY_LIFETIME)
            ended = await repo.delete_sessions_idle_since(conn, now - self.session_idle)
        for token_hash, use in list(self._sessions.items()):
            if now - use.last_seen > self.session_idle:
                del self._sessions[token_hash]
        if ended:
            _LOGGER.info("ended %d web session(s) unused for %s", ended, self.session_idle)
        self._pruned_at = time.monotonic()

    async def prune(self) -> None:
        """Run the hourly cleanup now (tests, operators)."""
        await self._flush()
        await self._prune()

    async def _flush_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._handled_event.wait(), PRUNE_EVERY_S)
            self._handled_event.clear()
            await self._flush()
            if time.monotonic() - self._pruned_at > PRUNE_EVERY_S:
                await self._prune()
            await asyncio.sleep(0.05)  # batch the deletions of a burst into one transaction

    async def _flush(self) -> None:
        done, self._handled = self._handled, set()
        touched, self._touched = self._touched, {}
        if not done and not touched:
            return
        async with self.db.write() as conn:
            if done:
                await repo.delete_updates(conn, sorted(done))
            for seen, hashes in _by_time(touched).items():
                await repo.touch_sessions(conn, hashes, now=seen)

    # -------------------------------------------------------------------- sessions
    async def new_session(self, *, language_code: str) -> tuple[str, Session]:
        """A new resident with a new chat; returns the cookie's token and the session."""
        user: JSON = {"id": 0, "is_bot": False, "first_name": WEB_FIRST_NAME}
        user["language_code"] = language_code
        chat = await self.web.new_chat(user)
        token = secrets.token_urlsafe(32)
        session = Session(int(chat.user["id"]), secrets.token_urlsafe(24))
        now = self.db.now()
        async with self.db.write() as conn:
            await repo.insert_session(
                conn, hash_token(token), session.chat_id, session.csrf_token, now=now
            )
        self._remember(hash_token(token), _SessionUse(session, now, now))
        return token, session

    async def session(self, token: str) -> Session | None:
        """The session of a cookie's token, if it exists and has not been idle too long.

        A session unused for ``session_idle`` ends here (and its row goes): the browser
        becomes a new resident. The old resident's chat, user and projects stay.
        """
        token_hash = hash_token(token)
        use = self._sessions.get(token_hash)
        if use is None:
            async with self.db.read() as conn:
                row = await repo.get_session(conn, token_hash)
            if row is None:
                return None
            seen = row.last_seen_at
            use = self._remember(
                token_hash, _SessionUse(Session(row.chat_id, row.csrf_token), seen, seen)
            )
        now = self.db.now()
        if now - use.last_seen > self.session_idle:
            self._sessions.pop(token_hash, None)
            self._touched.pop(token_hash, None)
            async with self.db.write() as conn:
                await repo.delete_session(conn, token_hash)
            return None
        use.last_seen = now
        self._sessions.move_to_end(token_hash)
        if now - use.stored_seen >= TOUCH_EVERY:
            use.stored_seen = now
            self._touched[token_hash] = now
            self._handled_event.set()  # the flusher writes it
        return use.session

    def _remember(self, token_hash: str, use: _SessionUse) -> _SessionUse:
        # A session dropped from the cache keeps what the database has not heard of yet: the
        # next flush writes it.
        return keep_recent(self._sessions, token_hash, use, SESSION_CACHE_SIZE)

    async def chat_state(self, chat_id: int) -> ChatState:
        """The resident's chat (it exists for every session)."""
        chat = await self.web.chat(chat_id)
        if chat is None:
            raise LookupError(f"no web chat {chat_id}")
        return chat

    # ------------------------------------------------------------- resident actions
    async def send_text(self, chat_id: int, text: str) -> StoredMessage:
        """The resident types ``text`` (a command if it starts with "/")."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            length = len(command.encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._user_message(chat_id, content)

    async def send_contact(self, chat_id: int, phone: str) -> StoredMessage:
        """The resident shares their own phone number (the "share my phone" button)."""
        chat = await self.chat_state(chat_id)
        contact = {
            "phone_number": phone,
            "first_name": chat.user["first_name"],
            "user_id": chat_id,
        }
        return await self._user_message(chat_id, {"contact": contact})

    async def _user_message(self, chat_id: int, content: JSON) -> StoredMessage:
        chat = await self.chat_state(chat_id)
        keyboard = chat.reply_keyboard
        hide = None
        if keyboard is not None and keyboard.get("one_time_keyboard"):
            hide = KeyboardChange(None)
        new = NewMessage(content, sender=chat.user, keyboard=hide)
        message = await self.web.add_message(chat, new)
        self._on_message(message)
        await self._deliver(chat_id, {"message": message.data})
        return message

    async def press(self, chat_id: int, message_id: int, data: str) -> JSON | None:
        """The resident presses an inline button; returns the bot's answer (toast) if any.

        Only a button that is on that message of this resident's chat can be pressed.
        """
        chat = await self.chat_state(chat_id)
        message = await self.web.message(chat_id, message_id)
        if message is None or message.deleted or not message.from_bot:
            raise ButtonGoneError("no such message")
        offered = {str(b.get("callback_data")) for row in message.inline_buttons for b in row}
        if data not in offered:
            raise ButtonGoneError("no such button on that message")
        query_id = "W" + secrets.token_hex(12)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[JSON] = loop.create_future()
        self._answers[query_id] = future
        try:
            async with self.db.write() as conn:
                await repo.insert_query(conn, query_id, chat_id, now=self.db.now())
            query = {
                "id": query_id,
                "from": chat.user,
                "chat_instance": str(chat_id),
                "message": message.data,
                "data": data,
            }
            await self._deliver(chat_id, {"callback_query": query})
            try:
                return await asyncio.wait_for(asyncio.shield(future), ANSWER_WAIT_S)
            except TimeoutError:
                return None
        finally:
            self._answers.pop(query_id, None)

    def _on_answer(self, query_id: str, answer: JSON) -> None:
        future = self._answers.get(query_id)
        if future is not None and not future.done():
            future.set_result(answer)

    async def _deliver(self, chat_id: int, update: JSON) -> None:
        update_id = max(self._last_update_id + 1, _UPDATE_ID_BASE + time.time_ns() // 1000)
        self._last_update_id = update_id
        update = {"update_id": update_id, **update}
        if self._sink is None:
            # No bot yet: keep it until ``connect`` hands it over.
            body = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
            async with self.db.write() as conn:
                await repo.insert_update(conn, update_id, chat_id, body, now=self.db.now())
            return
        # The sink (the bot's inbox) has stored it durably when this returns.
        self._expect(update_id)
        await self._sink(update)

    def _expect(self, update_id: int) -> None:
        self._unhandled.add(update_id)
        self._all_handled.clear()

    # ------------------------------------------------------------------ page reads
    def wake_all(self) -> None:
        """Answer every waiting long poll now (the server is stopping)."""
        for chat_id in list(self._watchers):
            for future in self._watchers.pop(chat_id, ()):
                if not future.done():
                    future.set_result(None)

    def _on_message(self, message: StoredMessage) -> None:
        for future in self._watchers.pop(message.chat_id, ()):
            if not future.done():
                future.set_result(None)

    async def changes(
        self, chat_id: int, after: int, *, wait: float = 0.0
    ) -> list[repo.WebMessage]:
        """Messages new or changed after ``after``; waits up to ``wait`` s for the first one."""
        last = self.web.last_seq_by_chat.get(chat_id)
        if after <= 0 or last is None or last > after or wait <= 0:
            rows = await self.web.changes(chat_id, after, HISTORY_LIMIT)
            if rows or wait <= 0:
                return rows
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        watchers = self._watchers.setdefault(chat_id, set())
        watchers.add(future)
        try:
            # Something may have changed between the read and the registration.
            last = self.web.last_seq_by_chat.get(chat_id)
            if last is None or last <= after:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(future, wait)
        finally:
            watchers.discard(future)
            if not watchers:
                self._watchers.pop(chat_id, None)
        return await self.web.changes(chat_id, after, HISTORY_LIMIT)

    async def menu(self, language_code: str) -> list[JSON]:
        """The command menu the bot published for residents speaking ``language_code``."""
        scope = json.dumps({"type": "default"}, sort_keys=True)
        lang = language_code.split("-")[0]
        commands = await self.web.commands((scope, lang))
        return commands or await self.web.commands((scope, ""))

    async def file_for(self, chat_id: int, file_id: str) -> repo.WebFile | None:
        """A file the bot sent to this resident (None for anybody else's)."""
        row = await self.web.file_row(file_id)
        if row is None or row.chat_id != chat_id:
            return None
        return row


def _by_time(touched: dict[str, datetime]) -> dict[datetime, list[str]]:
    grouped: dict[datetime, list[str]] = {}
    for token_hash, seen in touched.items():
        grouped.setdefault(seen, []).append(token_hash)
    return grouped
