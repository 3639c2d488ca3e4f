"""The Bot API methods the bot calls, answered against a ``ChatStore``.

``BotApi.call(method, params, files)`` answers like the Bot API, with Telegram's documented
limits and error descriptions (``bot.shell.emulator.limits``; also "message is not modified",
blocked users, flood limits), so a bug Telegram would reject fails here too. It keeps its state
in a ``ChatStore``: ``BotApiEmulator`` (``bot.shell.emulator.memory``) is ``BotApi`` over a
``MemoryStore`` plus the simulated users' side; the web channel is ``BotApi`` over SQLite
(``bot.shell.web``). Transport-agnostic:
``bot.shell.emulator.transport`` plugs it into PTB in-process, ``bot.shell.emulator.http``
serves it over loopback HTTP. No ``telegram`` import.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.shell.emulator.limits import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_COMMANDS,
    MAX_TEXT,
    ApiError,
    bad,
    check_markup,
    int_param,
    render_text,
)
from bot.shell.emulator.store import (
    JSON,
    MAX_CALLBACK_QUERIES,
    ChatState,
    ChatStore,
    FileTuple,
    KeyboardChange,
    NewMessage,
    StoredMessage,
)

__all__ = [
    "JSON",
    "MAX_CALLBACK_QUERIES",
    "ApiError",
    "BotApi",
    "ChatState",
    "FileTuple",
    "StoredMessage",
]

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "caption_entities", "commands", "scope", "allowed_updates"}
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
)


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
                raise bad(f"can't parse {key} JSON object") from None
        return value

    def _take_fault(self, method: str, params: Mapping[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method not in (method, "*"):
                continue
            if fault.chat_id is not None and int_param(params.get("chat_id")) != fault.chat_id:
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
        chat_id = int_param(params.get("chat_id"))
        if chat_id is None:
            raise bad("chat_id is empty")
        chat = await self.store.chat(chat_id)
        if chat is None:
            raise bad("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    async def _find_message(self, params: Mapping[str, Any], what: str) -> StoredMessage:
        if "inline_message_id" in params:
            raise bad("inline messages are not supported by this emulator")
        chat = await self._target_chat(params)
        message_id = int_param(params.get("message_id"))
        message = None
        if message_id is not None:
            message = await self.store.message(int(chat.user["id"]), message_id)
        if message is None or message.deleted:
            raise bad(f"message to {what} not found")
        return message

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
        raise bad(f"there is no {key} in the request")

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
            raise bad("commands must be a list of at most 100 BotCommand")
        for cmd in commands:
            name = str(cmd.get("command", ""))
            desc = str(cmd.get("description", ""))
            if not _COMMAND_RE.match(name):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
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
        raw, plain = render_text(params, "text", MAX_TEXT)
        markup = check_markup(params.get("reply_markup"))
        stored = await self._store_bot_message(chat, {"text": plain}, markup=markup, html_text=raw)
        return _public(stored.data)

    async def _m_sendDocument(self, params: JSON, files: JSON) -> JSON:
        def check(file: FileTuple) -> None:
            if not file[1]:
                raise bad("file must be non-empty")
            if len(file[1]) > 50 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")

        def describe(file_id: str, file: FileTuple) -> JSON:
            name, content, mime = file
            return {
                "document": {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_name": name,
                    "mime_type": mime,
                    "file_size": len(content),
                }
            }

        return await self._send_file(params, files, "document", check, describe)

    async def _m_sendPhoto(self, params: JSON, files: JSON) -> JSON:
        def check(file: FileTuple) -> None:
            if len(file[1]) > 10 * 1024 * 1024:
                raise bad("PHOTO_INVALID_DIMENSIONS")

        def describe(file_id: str, file: FileTuple) -> JSON:
            size = {"file_id": file_id, "file_unique_id": file_id, "width": 512, "height": 512}
            return {"photo": [size]}

        return await self._send_file(params, files, "photo", check, describe)

    async def _send_file(
        self,
        params: JSON,
        files: JSON,
        key: Literal["document", "photo"],
        check: Callable[[FileTuple], None],
        describe: Callable[[str, FileTuple], JSON],
    ) -> JSON:
        """Send the file ``key`` (checked by ``check``, shown as ``describe`` says) with its
        caption, as sendDocument and sendPhoto do."""
        chat = await self._target_chat(params)
        file = await self._resolve_file(params, files, key)
        check(file)
        raw, plain = render_text(params, "caption", MAX_CAPTION)
        markup = check_markup(params.get("reply_markup"))
        file_id = await self.store.put_file(int(chat.user["id"]), file)
        content = describe(file_id, file)
        if plain:
            content["caption"] = plain
        stored = await self._store_bot_message(
            chat,
            content,
            markup=markup,
            html_text=raw or None,
            document=file if key == "document" else None,
            photo=file if key == "photo" else None,
        )
        return _public(stored.data)

    async def _m_copyMessage(self, params: JSON, files: JSON) -> JSON:
        chat = await self._target_chat(params)
        from_chat = int_param(params.get("from_chat_id")) or 0
        message_id = int_param(params.get("message_id"))
        original = None
        if message_id is not None:
            original = await self.store.message(from_chat, message_id)
        if original is None:
            raise bad("message to copy not found")
        content = {k: v for k, v in original.data.items() if k in ("text", "photo", "caption")}
        stored = await self._store_bot_message(chat, content, photo=original.photo)
        return {"message_id": stored.message_id}

    async def _m_editMessageText(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        raw, plain = render_text(params, "text", MAX_TEXT)
        markup = check_markup(params.get("reply_markup"))
        if "text" not in message.data:
            raise bad("there is no text in the message to edit")
        same_text = plain == message.data.get("text") and raw == (message.html or plain)
        if same_text and markup == message.reply_markup:
            raise bad(_NOT_MODIFIED)
        message.data["text"] = plain
        message.html = raw
        message.data["edit_date"] = int(time.time())
        _set_markup(message, markup)
        return await self._save_edit(message)

    async def _save_edit(self, message: StoredMessage) -> JSON:
        """Store an edited ``message`` and answer with it."""
        message.edits += 1
        await self.store.save_message(message)
        self._notify(message)
        return _public(message.data)

    async def _m_editMessageReplyMarkup(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        markup = check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise bad(_NOT_MODIFIED)
        _set_markup(message, markup)
        return await self._save_edit(message)

    async def _m_editMessageCaption(self, params: JSON, files: JSON) -> JSON:
        message = await self._find_message(params, "edit")
        raw, plain = render_text(params, "caption", MAX_CAPTION)
        message.data["caption"] = plain
        message.html = raw
        return await self._save_edit(message)

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
            raise bad("MESSAGE_TOO_LONG")
        answer: JSON = {"text": text, "show_alert": bool(params.get("show_alert"))}
        if not await self.store.answer_callback(query_id, answer):
            raise bad("query is too old and response timeout expired or query ID is invalid")
        for listener in self.answer_listeners:
            listener(query_id, answer)
        return True


def _set_markup(message: StoredMessage, markup: JSON | None) -> None:
    """Give an edited message ``markup`` (None: no buttons)."""
    if markup is None:
        message.data.pop("reply_markup", None)
    else:
        message.data["reply_markup"] = markup


def _public(data: JSON) -> JSON:
    return {k: v for k, v in data.items() if not k.startswith("_")}
