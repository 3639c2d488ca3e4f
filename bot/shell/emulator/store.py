"""Where a Bot API server keeps its chats, messages, files, callback queries and command menus.

``BotApi`` (``bot.shell.emulator.core``) answers Bot API methods against a ``ChatStore``; the store
only keeps state, it checks nothing. ``MemoryStore`` is the emulator's store (a test tool: dicts
in memory, lost at exit); the web channel keeps the same things in SQLite
(``bot.shell.web.store``). No ``telegram`` import.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

JSON = dict[str, Any]
FileTuple = tuple[str, bytes, str]  # filename, content, mime type
CommandsKey = tuple[str, str]  # (scope as sorted JSON, language_code or "")

# Bookkeeping bound for long runs (soak tests): callback queries remembered.
MAX_CALLBACK_QUERIES = 10_000


@dataclass
class StoredMessage:
    """One message in a chat, as the emulator keeps it (the JSON shape plus bookkeeping)."""

    chat_id: int
    message_id: int
    from_bot: bool
    data: JSON
    html: str | None = None
    document: FileTuple | None = None
    photo: FileTuple | None = None
    deleted: bool = False
    edits: int = 0

    @property
    def text(self) -> str:
        """The plain text (or caption) a user sees."""
        return str(self.data.get("text") or self.data.get("caption") or "")

    @property
    def reply_markup(self) -> JSON | None:
        markup = self.data.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    @property
    def inline_buttons(self) -> list[list[JSON]]:
        """Rows of inline buttons (dicts with ``text`` and ``callback_data``/``url``)."""
        markup = self.reply_markup
        if markup is None:
            return []
        rows = markup.get("inline_keyboard", [])
        return [list(row) for row in rows]

    @property
    def button_labels(self) -> list[str]:
        """Every inline or reply-keyboard button label, row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [str(b["text"]) if isinstance(b, dict) else str(b) for row in rows for b in row]


@dataclass
class ChatState:
    """A private chat between the bot and one user (``messages``: only in ``MemoryStore``)."""

    user: JSON
    messages: list[StoredMessage] = field(default_factory=list)
    reply_keyboard: JSON | None = None
    blocked: bool = False
    next_message_id: int = 1

    def chat_json(self) -> JSON:
        """The ``chat`` object of this chat's messages."""
        out: JSON = {
            "id": self.user["id"],
            "type": "private",
            "first_name": self.user["first_name"],
        }
        if "username" in self.user:
            out["username"] = self.user["username"]
        return out


@dataclass(frozen=True)
class KeyboardChange:
    """A message's effect on the chat's reply keyboard: show ``markup``, or remove it (None)."""

    markup: JSON | None


@dataclass(frozen=True)
class NewMessage:
    """A message about to be added to a chat: what it says, who sends it, what it carries."""

    content: JSON
    sender: JSON  # a Bot API ``User``: the bot's own (``is_bot``) or the chat's user
    html: str | None = None
    document: FileTuple | None = None
    photo: FileTuple | None = None
    keyboard: KeyboardChange | None = None

    def numbered(self, chat: ChatState, message_id: int) -> StoredMessage:
        """This message as message ``message_id`` of ``chat``, dated now."""
        data: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.chat_json(),
            "from": self.sender,
            **self.content,
        }
        return StoredMessage(
            chat_id=int(chat.user["id"]),
            message_id=message_id,
            from_bot=bool(self.sender.get("is_bot")),
            data=data,
            html=self.html,
            document=self.document,
            photo=self.photo,
        )

    def settle(self, chat: ChatState, message_id: int) -> None:
        """Bring the cached ``chat`` up to date once message ``message_id`` is stored."""
        chat.next_message_id = message_id + 1
        if self.keyboard is not None:
            chat.reply_keyboard = self.keyboard.markup


class ChatStore(Protocol):
    """What a Bot API server keeps. Methods store and fetch; validation is the caller's."""

    async def chat(self, chat_id: int) -> ChatState | None:
        """The chat with ``chat_id`` (its user, keyboard, blocked flag), or None."""
        ...

    async def add_message(self, chat: ChatState, new: NewMessage) -> StoredMessage:
        """Append ``new`` to ``chat`` (numbering and dating it) and return it as stored."""
        ...

    async def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """The message ``message_id`` of ``chat_id``, deleted or not; None if never sent."""
        ...

    async def save_message(self, message: StoredMessage) -> None:
        """Store an edited or deleted ``message`` (its data, html, edits, deleted flag)."""
        ...

    async def put_file(self, chat_id: int | None, file: FileTuple) -> str:
        """Keep a file and return its new opaque ``file_id``."""
        ...

    async def file(self, file_id: str) -> FileTuple | None:
        """The file ``file_id``, or None."""
        ...

    async def answer_callback(self, query_id: str, answer: JSON) -> bool:
        """Record the answer to a pending callback query; False if unknown or answered."""
        ...

    async def set_commands(self, key: CommandsKey, commands: list[JSON] | None) -> None:
        """Replace (None: delete) the command menu for one scope and language."""
        ...

    async def commands(self, key: CommandsKey) -> list[JSON]:
        """The command menu for one scope and language (empty if none)."""
        ...


class MemoryStore:
    """The emulator's store: everything in dicts, nothing survives the process."""

    def __init__(self) -> None:
        self.chats: dict[int, ChatState] = {}
        self.commands_by_key: dict[CommandsKey, list[JSON]] = {}
        # Answers by callback query id, oldest first; only the latest ``MAX_CALLBACK_QUERIES``
        # are kept (Telegram, too, refuses to answer a query that is too old).
        self.callback_answers: dict[str, JSON | None] = {}
        self.files: dict[str, FileTuple] = {}
        self._file_ids = itertools.count(1)

    # Synchronous helpers for the emulator's simulated users (tests act without awaiting).
    def new_query(self, query_id: str) -> None:
        """Remember a callback query as pending."""
        self.callback_answers[query_id] = None
        while len(self.callback_answers) > MAX_CALLBACK_QUERIES:
            del self.callback_answers[next(iter(self.callback_answers))]

    def new_file(self, file: FileTuple) -> str:
        """Keep a file now and return its id."""
        file_id = f"EMUFILE{next(self._file_ids):08d}"
        self.files[file_id] = file
        return file_id

    def add(self, chat: ChatState, new: NewMessage) -> StoredMessage:
        """Append ``new`` to ``chat`` now (a simulated user's message, or the bot's)."""
        stored = new.numbered(chat, chat.next_message_id)
        chat.messages.append(stored)
        new.settle(chat, stored.message_id)
        return stored

    # ChatStore
    async def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    async def add_message(self, chat: ChatState, new: NewMessage) -> StoredMessage:
        return self.add(chat, new)

    async def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        chat = self.chats.get(chat_id)
        if chat is None:
            return None
        for message in reversed(chat.messages):
            if message.message_id == message_id:
                return message
        return None

    async def save_message(self, message: StoredMessage) -> None:
        """Nothing to do: the message object is the stored one."""

    async def put_file(self, chat_id: int | None, file: FileTuple) -> str:
        return self.new_file(file)

    async def file(self, file_id: str) -> FileTuple | None:
        return self.files.get(file_id)

    async def answer_callback(self, query_id: str, answer: JSON) -> bool:
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            return False
        self.callback_answers[query_id] = answer
        return True

    async def set_commands(self, key: CommandsKey, commands: list[JSON] | None) -> None:
        if commands is None:
            self.commands_by_key.pop(key, None)
        else:
            self.commands_by_key[key] = list(commands)

    async def commands(self, key: CommandsKey) -> list[JSON]:
        return self.commands_by_key.get(key, [])
