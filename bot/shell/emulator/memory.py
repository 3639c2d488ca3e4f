"""``BotApiEmulator``: an in-memory Telegram for the tests, the terminal chat and benchmarks.

It is ``BotApi`` over a ``MemoryStore`` plus the simulated users' side: their messages and
button presses, the getUpdates queue, webhooks, and which updates the bot has finished. No
``telegram`` import.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable

from bot.shell.emulator.core import BotApi
from bot.shell.emulator.limits import ApiError, bad, int_param
from bot.shell.emulator.store import (
    JSON,
    ChatState,
    FileTuple,
    MemoryStore,
    NewMessage,
    StoredMessage,
)

# Bookkeeping bound for long runs (soak tests): update ids remembered as processed ahead of one
# that has not finished.
MAX_PROCESSED_AHEAD = 10_000


class BotApiEmulator(BotApi):
    """The emulated Telegram: ``BotApi`` in memory plus simulated users and the update queue."""

    def __init__(
        self,
        *,
        token: str = "123456789:EMULATOR-token-not-secret-0000000000",
        bot_username: str = "chuangye_local_bot",
        bot_first_name: str = "创业助手",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.memory = MemoryStore()
        super().__init__(
            self.memory,
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            clock=clock,
        )
        # How long the bot's transport waits for an answer (``EmulatorRequest`` honours it):
        # a fault with a longer ``delay`` is a timeout, as with a real HTTP client.
        self.read_timeout: float = 5.0
        self.webhook: JSON | None = None
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        # Processed update ids, kept small for long runs: every id up to ``_processed_floor``
        # is done, ``_processed`` holds only those finished ahead of a slower one.
        self._processed_floor = 0
        self._processed: set[int] = set()
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self.update_listeners: list[Callable[[JSON], None]] = []

    @property
    def chats(self) -> dict[int, ChatState]:
        """Every chat, by user id."""
        return self.memory.chats

    @property
    def files(self) -> dict[str, FileTuple]:
        """Every file sent or received, by file_id."""
        return self.memory.files

    @property
    def callback_answers(self) -> dict[str, JSON | None]:
        """Answers by callback query id (None: not answered yet)."""
        return self.memory.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[JSON]]:
        """Command menus by (scope JSON, language_code)."""
        return self.memory.commands_by_key

    # ----------------------------------------------------------------- simulated users
    def ensure_chat(
        self,
        user_id: int,
        *,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> ChatState:
        """Return the private chat with ``user_id``, creating the user on first use."""
        chat = self.chats.get(user_id)
        if chat is None:
            user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            chat = ChatState(user=user)
            self.chats[user_id] = chat
        return chat

    def continue_update_ids(self, *, after: int) -> None:
        """Number the next updates from ``after + 1``, as Telegram does for a bot it knows."""
        self._update_ids = itertools.count(after + 1)
        self._processed_floor = max(self._processed_floor, after)

    def push_update(self, update: JSON) -> int:
        """Queue an update for the bot (getUpdates or webhook) and return its id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        self._updates.append(update)
        self._new_update.set()
        for listener in self.update_listeners:
            listener(update)
        return update_id

    def redeliver(self, update: JSON) -> None:
        """Queue an update again under its own id, as Telegram does with one never confirmed.

        Telegram redelivers what the bot fetched but did not confirm (it crashed before its
        next poll); a restarted bot polls from offset 0 and gets it again.
        """
        pending = [u["update_id"] for u in self._updates]
        self._updates.insert(bisect.bisect_left(pending, update["update_id"]), update)
        self._new_update.set()

    def user_message(self, user_id: int, content: JSON) -> tuple[int, StoredMessage]:
        """Record a message the user sends and queue it as an update."""
        chat = self.chats[user_id]
        if chat.blocked:
            chat.blocked = False  # writing to the bot again unblocks it, as in Telegram
        stored = self.memory.add(chat, NewMessage(content, chat.user))
        if chat.reply_keyboard is not None and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        return self.push_update({"message": stored.data}), stored

    def press_button(self, user_id: int, message: StoredMessage, data: str) -> tuple[int, str]:
        """Queue a callback query as if the user pressed an inline button with ``data``."""
        chat = self.chats[user_id]
        query_id = f"{self.bot_id}{next(self._query_ids):012d}"
        self.memory.new_query(query_id)
        update = {
            "callback_query": {
                "id": query_id,
                "from": chat.user,
                "chat_instance": str(user_id),
                "message": message.data,
                "data": data,
            }
        }
        return self.push_update(update), query_id

    def forget_messages(self, user_ids: Iterable[int] | None = None) -> None:
        """Drop the messages of these chats (default: all), as a long run must.

        The emulator stands in for Telegram's servers: what it keeps of each chat is not the
        bot's memory, and a soak that kept every message would measure the emulator's growth.
        The bot can no longer edit or delete a forgotten message ("message to edit not found").
        """
        chats = self.chats.values() if user_ids is None else (self.chats[u] for u in user_ids)
        for chat in chats:
            chat.messages.clear()

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403 from now on."""
        self.chats[user_id].blocked = True

    def user_file(self, file: FileTuple) -> str:
        """Store a file a user sends and return its opaque file_id (as Telegram would)."""
        return self.memory.new_file(file)

    # ------------------------------------------------------------- update bookkeeping
    def mark_processed(self, update_id: int) -> None:
        """Called by the bot's update processor when it has finished with an update."""
        if update_id > self._processed_floor:
            self._processed.add(update_id)
            if len(self._processed) > MAX_PROCESSED_AHEAD:
                # An update that never finishes (dropped while the bot was down) would hold the
                # floor back for ever; after this many later ones, count it as done.
                self._processed_floor = min(self._processed) - 1
            while self._processed_floor + 1 in self._processed:
                self._processed_floor += 1
                self._processed.discard(self._processed_floor)
        waiter = self._waiters.pop(update_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def is_processed(self, update_id: int) -> bool:
        """Whether the bot has reported ``update_id`` handled."""
        return update_id <= self._processed_floor or update_id in self._processed

    async def wait_processed(self, update_id: int, within: float = 30.0) -> None:
        """Wait until the bot reports ``update_id`` handled."""
        if self.is_processed(update_id):
            return
        loop = asyncio.get_running_loop()
        waiter = self._waiters.setdefault(update_id, loop.create_future())
        try:
            await asyncio.wait_for(asyncio.shield(waiter), within)
        except TimeoutError:
            self._waiters.pop(update_id, None)
            raise TimeoutError(f"the bot did not finish update {update_id} in {within}s") from None

    def take_updates(self, offset: int | None, limit: int) -> list[JSON]:
        """Confirm updates below ``offset`` and return up to ``limit`` pending ones."""
        if offset is not None:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        batch = list(itertools.islice(self._updates, limit))
        if not self._updates:
            self._new_update.clear()
        return batch

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # --------------------------------------------------------- update methods
    async def _m_getUpdates(self, params: JSON, files: JSON) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int_param(params.get("offset"))
        limit = int_param(params.get("limit")) or 100
        timeout = float(params.get("timeout") or 0)
        batch = self.take_updates(offset, limit)
        if batch or timeout <= 0:
            return batch
        try:
            await asyncio.wait_for(self._new_update.wait(), timeout)
        except TimeoutError:
            return []
        return self.take_updates(offset, limit)

    def _m_deleteWebhook(self, params: JSON, files: JSON) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        self.webhook = None
        return True

    def _m_setWebhook(self, params: JSON, files: JSON) -> bool:
        url = str(params.get("url") or "")
        if not url:
            self.webhook = None
            return True
        if not url.startswith(("https://", "http://127.", "http://localhost")):
            raise bad("bad webhook: HTTPS url must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return True

    def _m_getWebhookInfo(self, params: JSON, files: JSON) -> JSON:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
