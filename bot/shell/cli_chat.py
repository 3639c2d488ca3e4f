"""``python -m bot chat``: talk to the real bot in this terminal, offline, through the emulator.

The whole bot runs (handlers, dialogs, reminders, the real SQLite database at the configured
path); only Telegram is simulated. Buttons are printed numbered and pressed by typing the
number; the pop-up a button press shows (answerCallbackQuery text) is printed under it;
documents and photos the bot sends are saved to a folder and their path printed. Log lines go
to ``chat.log`` beside the database, never into the conversation. Every user the database
knows gets their chat back at start (the emulator keeps chats in memory), so a reminder or a
broadcast after a restart reaches them. Ctrl-C quits at once.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import re
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator, SimUser, StoredMessage
from bot.shell.emulator.users import ButtonNotFoundError
from bot.shell.harness import bot_harness

LOCAL_ADMIN_ID = 1

_HELP = """\
本地聊天 / local chat — 所有消息都在本机处理，不连接 Telegram。
  输入文字直接发送；输入按钮前的数字按下按钮（=50 把数字当作文字发送）
  Type to send; type a button's number to press it (=50 sends "50" as text).
  /as ID        切换模拟用户 / switch simulated user{admin_hint}
  /link CODE    打开深度链接 t.me/<bot>?start=CODE / open a deep link
  /share [PHONE]    分享手机号 / share your phone number
  /sticker /photo /voice /location   发送贴纸、图片、语音、位置 / send media
  /buttons      重新显示按钮 / show buttons again
  /quit         退出 / exit
"""


Button = dict[str, Any] | str


class TerminalChat:
    """State of the terminal session: the current user and the numbered buttons."""

    def __init__(self, emulator: BotApiEmulator, downloads: Path, lang: str) -> None:
        self.emulator = emulator
        self.downloads = downloads
        self.lang = lang
        self.users: dict[int, SimUser] = {}
        self.current: SimUser | None = None
        # Number -> (message, inline button) or (None, reply-keyboard label).
        self.buttons: list[tuple[StoredMessage | None, Button]] = []
        self._batch: list[StoredMessage] = []
        self._unread: dict[int, list[StoredMessage]] = {}
        emulator.message_listeners.append(self._on_message)

    def switch(self, user_id: int) -> SimUser:
        """Act as ``user_id`` from now on, showing what they received meanwhile."""
        if user_id not in self.users:
            self.users[user_id] = SimUser(
                self.emulator, user_id, first_name=f"用户{user_id}", language_code=self.lang
            )
        self.current = self.users[user_id]
        self._batch = self._unread.pop(user_id, [])
        for message in self._batch:
            print(self.render(message))
        return self.current

    def _on_message(self, message: StoredMessage) -> None:
        if self.current is not None and message.chat_id != self.current.id:
            self._unread.setdefault(message.chat_id, []).append(message)
            print(f"\n  (→ 用户 {message.chat_id} 收到一条消息，/as {message.chat_id} 查看)")
            return
        if message not in self._batch:
            self._batch.append(message)
        print(self.render(message))

    def render(self, message: StoredMessage) -> str:
        """Format one bot message for the terminal (saving any file it carries)."""
        mark = "✏️ " if message.edits else ""
        lines = [f"\n🤖 {mark}" + message.text.replace("\n", "\n   ")]
        for kind, file in (("文件 document", message.document), ("图片 photo", message.photo)):
            if file is not None:
                self.downloads.mkdir(parents=True, exist_ok=True)
                safe = re.sub(r"[^\w.\-]+", "_", file[0]) or "file"
                path = self.downloads / f"{message.chat_id}-{message.message_id}-{safe}"
                path.write_bytes(file[1])
                lines.append(f"   📎 {kind}: {path}")
        return "\n".join(lines)

    def show_buttons(self) -> None:
        """Number the buttons of what the last action brought (all cards), then the keyboard."""
        user = self.current
        self.buttons = []
        if user is None:
            return
        shown = [m for m in self._batch if not m.deleted and m.inline_buttons]
        if not shown and user.bot_messages and user.bot_messages[-1].inline_buttons:
            shown = [user.bot_messages[-1]]
        for message in shown:
            for row in message.inline_buttons:
                self.buttons.extend((message, button) for button in row)
        self.buttons.extend((None, label) for label in user.reply_keyboard)
        if self.buttons:
            labels = [
                str(button["text"]) if isinstance(button, dict) else button
                for _, button in self.buttons
            ]
            print("   " + "  ".join(f"[{i}] {label}" for i, label in enumerate(labels, 1)))

    async def _press(self, number: int) -> None:
        assert self.current is not None
        message, button = self.buttons[number - 1]
        if message is None or not isinstance(button, dict):
            await self.current.press(str(button))
        elif "callback_data" in button:
            replies = await self.current.press_data(str(button["callback_data"]), message)
            self.show_popup(replies.toast, replies.alert)
        else:
            print(f"   🔗 {button.get('url', '')}")

    @staticmethod
    def show_popup(text: str | None, alert: bool) -> None:
        """Print what Telegram shows over the chat after a button press (toast or alert)."""
        if text:
            print(f"   {'⚠️ 弹窗 alert' if alert else '💬 提示 pop-up'}: {text}")

    async def handle(self, line: str) -> bool:
        """Act on one line of input; return False to quit."""
        user = self.current
        assert user is not None
        text = line.rstrip("\n")
        command, _, rest = text.strip().partition(" ")
        if command in ("/quit", "/exit"):
            return False
        if command == "/as":
            if not rest.strip().isdigit():
                print("用法 usage: /as 12345")
                return True
            print(f"现在您是用户 {rest.strip()} / now acting as user {rest.strip()}")
            self.switch(int(rest.strip()))
            self.show_buttons()
            return True
        if command == "/buttons":
            self.show_buttons()
            return True
        actions: dict[str, Any] = {
            "/sticker": user.send_sticker,
            "/photo": user.send_photo,
            "/voice": user.send_voice,
            "/location": user.send_location,
        }
        self._batch = []
        try:
            if command in actions:
                await actions[command]()
            elif command == "/share":
                await user.share_contact(rest.strip() or "+8613800138000")
            elif command == "/link":
                await user.open_deep_link(rest.strip())
            elif text.strip().isdigit() and 1 <= int(text) <= len(self.buttons):
                await self._press(int(text))
            elif text.startswith("=") and text[1:].strip().isdigit():
                await user.send(text[1:])
            else:
                await user.send(text)
        except (ButtonNotFoundError, ValueError, TimeoutError) as exc:
            print(f"   ⚠️ {exc}")
        self.show_buttons()
        return True


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    admin_hint = ""
    if not settings.admin_ids:
        settings = dataclasses.replace(settings, admin_ids=frozenset({LOCAL_ADMIN_ID}))
        admin_hint = f"\n                (/as {LOCAL_ADMIN_ID} 是本地管理员 / is the local admin)"
    emulator = BotApiEmulator()
    for admin_id in sorted(settings.admin_ids):
        # Staff have opened the bot before, so their chats exist (as on Telegram).
        emulator.ensure_chat(admin_id, first_name=f"管理员{admin_id}", language_code=args.lang)
    # Users of earlier sessions have their chats again before the bot sends anything
    # (reminders due at start-up, a broadcast): Telegram keeps chats, the emulator does not.
    for user_id, first_name, language_code in known_users(settings.db_path):
        emulator.ensure_chat(user_id, first_name=first_name, language_code=language_code)
    # Telegram's update ids only grow; the bot's inbox skips an id it has seen, so a new
    # session's updates must not start again at 1.
    emulator.continue_update_ids(after=last_update_id(settings.db_path))
    chat = TerminalChat(emulator, args.downloads, args.lang)
    lines = _stdin_lines()
    async with bot_harness(settings, emulator=emulator, rate_limit=True):
        print(_HELP.format(admin_hint=admin_hint))
        print(f"数据库 database: {settings.db_path}")
        print(f"日志 log: {log_path(settings)}")
        chat.switch(args.user)
        await chat.handle("/start")
        while True:
            prompt = f"[用户 {chat.current.id if chat.current else '?'}] > "
            print(prompt, end="", flush=True)
            line = await lines.get()
            if not line:
                print()
                break
            if not line.strip():
                continue
            if not await chat.handle(line):
                break
    return 0


def known_users(db_path: Path) -> list[tuple[int, str, str | None]]:
    """``(id, first name, language)`` of every user the database knows (none if it is new)."""
    if not db_path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT id, first_name, language_code FROM users").fetchall()
    except sqlite3.Error:  # a new or damaged file: the bot's own start-up will say so
        return []
    return [(int(i), str(name or f"用户{i}"), lang) for i, name, lang in rows]


def last_update_id(db_path: Path) -> int:
    """The highest update id the bot's inbox has recorded (0 for a new database)."""
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            (last,) = conn.execute("SELECT COALESCE(MAX(update_id), 0) FROM inbox").fetchone()
    except sqlite3.Error:  # a new or damaged file, or one from before the inbox
        return 0
    return int(last)


def _stdin_lines() -> asyncio.Queue[str]:
    """Lines typed, read by a daemon thread: Ctrl-C never waits for a pending ``readline``
    (``asyncio.to_thread`` would hold the exit until Enter)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            line = sys.stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=read, name="stdin", daemon=True).start()
    return queue


def log_path(settings: Settings) -> Path:
    """Where the chat's log lines go: ``chat.log`` beside the database."""
    return settings.db_path.parent / "chat.log"


def chat(args: argparse.Namespace, settings: Settings) -> int:
    """Run the terminal chat until /quit, end of input or Ctrl-C."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=settings.log_level,
        filename=path,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    try:
        return asyncio.run(_chat(args, settings))
    except KeyboardInterrupt:
        print("\n再见 / bye")
        return 130
