"""``SimUser``: act as a Telegram user against the emulator and read what the bot answered.

Each action queues a real update and, by default, waits until the bot reports it handled (the
bot's update processor calls ``BotApiEmulator.mark_processed``); it returns the messages the bot
sent to this user meanwhile, the messages it edited and the callback-query toast. Many
``SimUser`` objects can act concurrently: each only sees its own chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.shell.emulator.limits import DEEP_LINK_RE
from bot.shell.emulator.memory import BotApiEmulator
from bot.shell.emulator.store import ChatState, StoredMessage


@dataclass
class Replies:
    """What one user action produced in this user's chat."""

    messages: list[StoredMessage] = field(default_factory=list)
    edited: list[StoredMessage] = field(default_factory=list)
    toast: str | None = None
    alert: bool = False  # the toast is an alert the user must dismiss

    @property
    def texts(self) -> list[str]:
        """The plain texts of the new messages."""
        return [m.text for m in self.messages]

    @property
    def text(self) -> str:
        """All new and edited message texts joined, for simple ``in`` assertions."""
        return "\n".join([m.text for m in self.messages] + [m.text for m in self.edited])

    @property
    def last(self) -> StoredMessage:
        """The newest message (new or edited)."""
        if self.messages:
            return self.messages[-1]
        if self.edited:
            return self.edited[-1]
        raise AssertionError("the bot sent nothing")

    def __len__(self) -> int:
        return len(self.messages)


# The smallest well-formed JPEG header and trailer: enough for a file that "is" a photo.
_TINY_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


class ButtonNotFoundError(AssertionError):
    """The user tried to press a button that is not on the screen."""


class SimUser:
    """One simulated Telegram user in a private chat with the bot."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        *,
        first_name: str = "测试用户",
        username: str | None = None,
        language_code: str | None = "zh-hans",
        timeout: float = 120.0,  # a safety net for a busy machine, not a speed claim
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.timeout = timeout
        self.chat: ChatState = emulator.ensure_chat(
            user_id, first_name=first_name, username=username, language_code=language_code
        )

    # ------------------------------------------------------------------ reading
    @property
    def bot_messages(self) -> list[StoredMessage]:
        """Every message the bot sent to this user that is still there, oldest first."""
        return [m for m in self.chat.messages if m.from_bot and not m.deleted]

    @property
    def last(self) -> StoredMessage:
        """The bot's newest message to this user."""
        messages = self.bot_messages
        if not messages:
            raise AssertionError(f"the bot sent nothing to user {self.id}")
        return messages[-1]

    @property
    def documents(self) -> list[StoredMessage]:
        """Messages carrying a document, oldest first."""
        return [m for m in self.bot_messages if m.document is not None]

    @property
    def reply_keyboard(self) -> list[str]:
        """Labels of the reply keyboard currently shown, if any."""
        markup = self.chat.reply_keyboard or {}
        return [
            str(b["text"]) if isinstance(b, dict) else str(b)
            for row in markup.get("keyboard", [])
            for b in row
        ]

    # ------------------------------------------------------------------ acting
    async def _settle(self, update_id: int, before: int, edits: dict[int, int]) -> Replies:
        await self.emulator.wait_processed(update_id, self.timeout)
        bot_new = [m for m in self.chat.messages[before:] if m.from_bot and not m.deleted]
        edited = [
            m
            for m in self.chat.messages[:before]
            if m.from_bot and not m.deleted and m.edits != edits.get(m.message_id, 0)
        ]
        return Replies(messages=bot_new, edited=edited)

    def _snapshot(self) -> tuple[int, dict[int, int]]:
        return len(self.chat.messages), {
            m.message_id: m.edits for m in self.chat.messages if m.from_bot
        }

    async def _send(self, content: dict[str, Any]) -> Replies:
        before, edits = self._snapshot()
        update_id, _ = self.emulator.user_message(self.id, content)
        return await self._settle(update_id, before + 1, edits)

    async def send(self, text: str) -> Replies:
        """Send a text message (commands included) and return the bot's replies."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        return await self._send(content)

    async def open_deep_link(self, payload: str) -> Replies:
        """Open ``t.me/<bot>?start=<payload>``; Telegram drops invalid payloads, so we refuse."""
        if not DEEP_LINK_RE.match(payload):
            raise ValueError(f"Telegram would not pass the deep-link payload {payload!r}")
        return await self.send(f"/start {payload}")

    async def share_contact(self, phone: str = "+8613800138000", *, own: bool = True) -> Replies:
        """Share a contact: by default this user's own, as the request_contact button does."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": self.chat.user["first_name"],
        }
        if own:
            contact["user_id"] = self.id
        return await self._send({"contact": contact})

    async def send_sticker(self) -> Replies:
        """Send a sticker."""
        sticker = {
            "file_id": "STICKER1",
            "file_unique_id": "STICKER1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        }
        return await self._send({"sticker": sticker})

    async def send_photo(self, caption: str | None = None) -> Replies:
        """Send a photo (with an optional caption)."""
        # An opaque id the bot can send on (staff copies of complaint photos), like Telegram's.
        file_id = self.emulator.user_file(("photo.jpg", _TINY_JPEG, "image/jpeg"))
        photo = [{"file_id": file_id, "file_unique_id": file_id, "width": 90, "height": 90}]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        return await self._send(content)

    async def send_voice(self) -> Replies:
        """Send a voice note."""
        voice = {"file_id": "VOICE1", "file_unique_id": "V1", "duration": 3}
        return await self._send({"voice": voice})

    async def send_location(self, latitude: float = 36.0, longitude: float = 116.0) -> Replies:
        """Send a location."""
        return await self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_document(self, filename: str = "a.pdf") -> Replies:
        """Send a document."""
        document = {"file_id": "DOC1", "file_unique_id": "D1", "file_name": filename}
        return await self._send({"document": document})

    def find_button(self, label: str) -> tuple[StoredMessage | None, dict[str, Any] | str]:
        """Find a button by its label (exact match first, then substring), newest first."""
        for exact in (True, False):
            for text in self.reply_keyboard:
                if text == label or (not exact and label in text):
                    return None, text
            for message in reversed(self.bot_messages):
                for row in message.inline_buttons:
                    for button in row:
                        text = str(button.get("text", ""))
                        if text == label or (not exact and label in text):
                            return message, button
        raise ButtonNotFoundError(f"user {self.id} sees no button labelled {label!r}")

    async def press(self, label: str) -> Replies:
        """Press the button labelled ``label`` (inline or on the reply keyboard)."""
        message, button = self.find_button(label)
        if message is None:
            assert isinstance(button, str)
            markup = self.chat.reply_keyboard or {}
            for row in markup.get("keyboard", []):
                for b in row:
                    if (
                        isinstance(b, dict)
                        and b.get("text") == button
                        and b.get("request_contact")
                    ):
                        return await self.share_contact()
            return await self.send(button)
        assert isinstance(button, dict)
        if "callback_data" not in button:
            raise ButtonNotFoundError(f"button {label!r} is a link, not a callback button")
        return await self.press_data(str(button["callback_data"]), message)

    async def press_data(self, data: str, message: StoredMessage | None = None) -> Replies:
        """Send a callback query with arbitrary ``data`` (forged buttons in tests)."""
        if message is None:
            message = self.last
        before, edits = self._snapshot()
        update_id, query_id = self.emulator.press_button(self.id, message, data)
        replies = await self._settle(update_id, before, edits)
        answer = self.emulator.callback_answers.get(query_id)
        replies.toast = None if answer is None else str(answer.get("text", ""))
        replies.alert = answer is not None and bool(answer.get("show_alert"))
        return replies

    def block_bot(self) -> None:
        """Block the bot (the bot's next message to this user fails with 403)."""
        self.emulator.block(self.id)
