"""An in-memory Telegram: users, private chats, messages and the Bot API methods the bot calls.

``BotApi.call(method, params, files)`` answers like the Bot API, with Telegram's documented
limits and error descriptions (text length, callback data size, HTML entities, "message is not
modified", blocked users, flood limits), so a bug Telegram would reject fails here too. It keeps
its state in a ``ChatStore``: ``BotApiEmulator`` is ``BotApi`` over a ``MemoryStore`` plus the
simulated users' side (their messages, button presses, the getUpdates queue, webhooks); the web
channel is ``BotApi`` over SQLite (``bot.shell.web``). Transport-agnostic:
``bot.shell.emulator.transport`` plugs it into PTB in-process, ``bot.shell.emulator.http``
serves it over loopback HTTP. No ``telegram`` import.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.shell.emulator.html import EntityParseError, parse_html, utf16_len
from bot.shell.emulator.store import (
    JSON,
    MAX_CALLBACK_QUERIES,
    ChatState,
    ChatStore,
    FileTuple,
    KeyboardChange,
    MemoryStore,
    NewMessage,
    StoredMessage,
)

__all__ = [
    "JSON",
    "MAX_CALLBACK_QUERIES",
    "ApiError",
    "BotApi",
    "BotApiEmulator",
    "ChatState",
    "FileTuple",
    "StoredMessage",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
MAX_COMMANDS = 100
# Bookkeeping bound for long runs (soak tests): update ids remembered as processed ahead of one
# that has not finished.
MAX_PROCESSED_AHEAD = 10_000
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
DEEP_LINK_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "caption_entities", "commands", "scope", "allowed_updates"}
)
_SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
)


class ApiError(Exception):
    """A Bot API error: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Fault:
    """An injected failure for the next matching calls (tests of retries and resilience)."""

    method: str
    code: int
    description: str
    remaining: int = 1
    chat_id: int | None = None
    retry_after: int | None = None
    delay: float = 0.0  # seconds to hang before answering (simulated timeouts)


class ManualClock:
    """Seconds that pass only when someone sleeps: the emulator's clock in tests.

    ``BotApiEmulator(clock=clock)`` measures its flood window on it, and the bot, given
    ``clock.sleep`` as its sleep, waits out a 429 by moving this clock instead of the wall
    clock. Whether the flood limit bites then depends on how many sends happen, never on how
    fast the machine is.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass (concurrent sleepers overlap, as on a real clock)."""
        wake = self.now + max(0.0, seconds)
        self.slept += max(0.0, seconds)
        await asyncio.sleep(0)  # still a suspension point, like a real sleep
        self.now = max(self.now, wake)


class BotApi:
    """The Bot API methods a bot calls, answered against a ``ChatStore``."""

    def __init__(
        self,
        store: ChatStore,
        *,
        token: str,
        bot_username: str = "chuangye_local_bot",
        bot_first_name: str = "创业助手",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.token = token
        # The flood limit's window is measured on this clock (``ManualClock`` in tests).
        self.clock = clock
        self.bot_id = int(token.split(":")[0])
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.faults: list[Fault] = []
        self.flood_per_second: int | None = None
        self.flood_hits = 0
        self.calls: dict[str, int] = {}
        self._send_times: deque[float] = deque()
        self.message_listeners: list[Callable[[StoredMessage], None]] = []
        self.answer_listeners: list[Callable[[str, JSON], None]] = []

    # --------------------------------------------------------------------- the API
    async def call(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, FileTuple] | None = None
    ) -> tuple[int, JSON]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        self.calls[method] = self.calls.get(method, 0) + 1
        try:
            decoded = {k: self._decode(k, v) for k, v in params.items()}
            fault = self._take_fault(method, decoded)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                params_out = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.code, fault.description, params_out)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if method in _SEND_METHODS:
                self._check_flood()
            result = handler(decoded, dict(files or {}))
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.code, body
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise _bad(f"can't parse {key} JSON object") from None
        return value

    def _take_fault(self, method: str, params: Mapping[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method not in (method, "*"):
                continue
            if fault.chat_id is not None and _int(params.get("chat_id")) != fault.chat_id:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self.faults.remove(fault)
            return fault
        return None

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        count: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``count`` calls of ``method`` ("*" = any) fail this way."""
        self.faults.append(Fault(method, code, description, count, chat_id, retry_after, delay))

    def _check_flood(self) -> None:
        if self.flood_per_second is None:
            return
        now = self.clock()
        while self._send_times and now - self._send_times[0] >= 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= self.flood_per_second:
            self.flood_hits += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._send_times.append(now)

    # ------------------------------------------------------------------- helpers
    async def _target_chat(self, params: Mapping[str, Any]) -> ChatState:
        chat_id = _int(params.get("chat_id"))
        if chat_id is None:
            raise _bad("chat_id is empty")
        chat = await self.store.chat(chat_id)
        if chat is None:
            raise _bad("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    async def _find_message(self, params: Mapping[str, Any], what: str) -> StoredMessage:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by this emulator")
        chat = await self._target_chat(params)
        message_id = _int(params.get("message_id"))
        message = None
        if message_id is not None:
            message = await self.store.message(int(chat.user["id"]), message_id)
        if message is None or message.deleted:
            raise _bad(f"message to {what} not found")
        return message

    def _render_text(self, params: Mapping[str, Any], key: str, maximum: int) -> tuple[str, str]:
        raw = params.get(key)
        raw = "" if raw is None else str(raw)
        parse_mode = params.get("parse_mode")
        if parse_mode == "HTML":
            try:
                plain = parse_html(raw)
            except EntityParseError as exc:
                raise _bad(str(exc)) from None
        elif parse_mode in (None, "", "Markdown", "MarkdownV2"):
            plain = raw
        else:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        length = utf16_len(plain.strip())
        if key == "text" and length == 0:
            raise _bad("message text is empty")
        if utf16_len(plain) > maximum:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return raw, plain

    def _check_markup(self, markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
        elif "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    label = button.get("text") if isinstance(button, dict) else button
                    if not label or not str(label).strip():
                        raise _bad("keyboard button text must be non-empty")
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not str(button.get("text", "")).strip():
            raise _bad("inline keyboard button text must be non-empty")
        kinds = [
            k for k in ("callback_data", "url", "switch_inline_query", "copy_text") if k in button
        ]
        if len(kinds) != 1:
            raise _bad("BUTTON_TYPE_INVALID")
        if "callback_data" in button:
            size = len(str(button["callback_data"]).encode("utf-8"))
            if not 1 <= size <= MAX_CALLBACK_DATA:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button and not re.match(r"^(https?|tg)://", str(button["url"])):
            raise _bad("BUTTON_URL_INVALID")

    async def _store_bot_message(
        self,
        chat: ChatState,
        content: JSON,
        *,
        markup: JSON | None = None,
        html_text: str | None = None,
        document: FileTuple | None = None,
        photo: FileTuple | None = None,
    ) -> StoredMessage:
        keyboard = None
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        elif markup is not None and "keyboard" in markup:
            keyboard = KeyboardChange(markup)
        elif markup is not None and markup.get("remove_keyboard"):
            keyboard = KeyboardChange(None)
        new = NewMessage(content, self.bot_user, html_text, document, photo, keyboard)
        stored = await self.store.add_message(chat, new)
        self._notify(stored)
        return stored

    def _notify(self, message: StoredMessage) -> None:
        for listener in self.message_listeners:
            listener(message)

    async def _resolve_file(
        self, params: Mapping[str, Any], files: Mapping[str, FileTuple], key: str
    ) -> FileTuple:
        value = params.get(key)
        if key in files:
            return files[key]
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value.removeprefix("attach://"))
            if attached is not None:
                return attached
        if isinstance(value, str):
            known = await self.store.file(value)
            if known is not None:
                return known
        raise _bad(f"there is no {key} in the request")

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    # ------------------------------------------------------------- method handlers
    def _m_getMe(self, params: JSON, files: JSON) -> JSON:
        return self.bot_user

    def _m_close(self, params: JSON, files: JSON) -> bool:
        return True

    def _m_logOut(self, params: JSON, files: JSON) -> bool:
        return True

    async def _m_setMyCommands(self, params: JSON, files: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise _bad("commands must be a list of at most 100 BotCommand")
        for cmd in commands:
            name = str(cmd.get("command", ""))
            desc = str(cmd.get("description", ""))
            if not _COMMAND_RE.match(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        await self.store.set_commands(self._commands_key(params), list(commands))
        return True

    async def _m_getMyCommands(self, params: JSON, files: JSON) -> list[JSON]:
        return await self.store.commands(self._commands_key(params))

    async def _m_deleteMyCommands(self, params: JSON, files: JSON) -> bool:
        await self.store.set_commands(self._commands_key(params), None)
        return True

    def _m_setChatMenuButton(self, params: JSON, files: JSON) -> bool:
        return True

    async def _m_sendChatAction(self, params: JSON, files: JSON) -> bool:
        await self._target_chat(params)
        return True

    async def _m_sendMessage(self, params: JSON, files: JSON) -> JSON:
        chat = await self._target_chat(params)
        raw, plain = self._render_text(params, "text", MAX_TEXT)
        markup = self._check_markup(params.get("reply_markup"))
        stored = await self._store_bot_message(chat, {"text": plain}, markup=markup, html_text=raw)
        return _public(stored.data)

    async def _m_sendDocument(self, params: JSON, files: JSON) -> JSON:
        chat = await self._target_chat(params)
        file = await self._resolve_file(params, files, "document")
        if not file[1]:
            raise _bad("file must be non-empty")
        if len(file[1]) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        raw, plain = self._render_text(params, "caption", MAX_CAPTION)
        markup = self._check_markup(params.get("reply_markup"))
        file_id = await self.store.put_file(int(chat.user["id"]), file)
        content: JSON = {
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": file[0],
                "mime_type": file[2],
                "file_size": len(file[1]),
            }
        }
        if plain:
            content["caption"] = plain
        stored = await self._store_bot_message(
            chat, content, markup=markup, html_text=raw or None, document=file
        )
        return _public(stored.data)

    async def _m_sendPhoto(self, params: JSON, files: JSON) -> JSON:
        chat = await self._target_chat(params)
        file = await self._resolve_file(params, files, "photo")
        if len(file[1]) > 10 * 1024 * 1024:
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        raw, plain = self._render_text(params, "caption", MAX_CAPTION)
        markup = self._check_markup(params.get("reply_markup"))
        file_id = await self.store.put_file(int(chat.user["id"]), file)
        size = {"file_id": file_id, "file_unique_id": file_id, "width": 512, "height": 512}
        content: JSON = {"photo": [size]}
        if plain:
            content["caption"] = plain
        stored = await self._store_bot_message(
            chat, content, markup=markup, html_text=raw or None, photo=file
        )
        return _public(stored.data)

    async def _m_copyMessage(self, params: JSON, files: JSON) -> JSON:
        chat = await self._target_chat(params)
        from_chat = _int(params.get("from_chat_id")) or 0
        message_id = _int(params.get("message_id"))
        original = None
        if message_id is not None:
            original = await self.store.message(from_chat, message_id)
        if original is None:
            raise _bad("message to copy not found")
        content = {k: v for k, v in original.data.items() if k in ("text", "photo", "caption")}
        stored = await self._store_bot_message(chat, content, photo=original.photo)
        return {"message_id": stored.message_id}

    async def _m_editMessageText(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        raw, plain = self._render_text(params, "text", MAX_TEXT)
        markup = self._check_markup(params.get("reply_markup"))
        if "text" not in message.data:
            raise _bad("there is no text in the message to edit")
        same_text = plain == message.data.get("text") and raw == (message.html or plain)
        if same_text and markup == message.reply_markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.data["text"] = plain
        message.html = raw
        message.data["edit_date"] = int(time.time())
        if markup is None:
            message.data.pop("reply_markup", None)
        else:
            message.data["reply_markup"] = markup
        await self._save_edit(message)
        return _public(message.data)

    async def _save_edit(self, message: StoredMessage) -> None:
        message.edits += 1
        await self.store.save_message(message)
        self._notify(message)

    async def _m_editMessageReplyMarkup(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        if markup is None:
            message.data.pop("reply_markup", None)
        else:
            message.data["reply_markup"] = markup
        await self._save_edit(message)
        return _public(message.data)

    async def _m_editMessageCaption(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        raw, plain = self._render_text(params, "caption", MAX_CAPTION)
        message.data["caption"] = plain
        message.html = raw
        await self._save_edit(message)
        return _public(message.data)

    async def _m_deleteMessage(self, params: JSON, files: JSON) -> bool:
        message = await self._find_message(params, "delete")
        message.deleted = True
        await self.store.save_message(message)
        self._notify(message)
        return True

    async def _m_answerCallbackQuery(self, params: JSON, files: JSON) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        text = str(params.get("text") or "")
        if len(text) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        answer: JSON = {"text": text, "show_alert": bool(params.get("show_alert"))}
        if not await self.store.answer_callback(query_id, answer):
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        for listener in self.answer_listeners:
            listener(query_id, answer)
        return True


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
        offset = _int(params.get("offset"))
        limit = _int(params.get("limit")) or 100
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
            raise _bad("bad webhook: HTTPS url must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return True

    def _m_getWebhookInfo(self, params: JSON, files: JSON) -> JSON:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }


def _public(data: JSON) -> JSON:
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad("wrong integer value") from None
