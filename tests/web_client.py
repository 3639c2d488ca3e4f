"""Web residents for tests: the real bot behind the web gateway and server, driven over HTTP.

``web_bot`` starts the bot with the web as its only channel and the page's server on a free
loopback port. ``WebResident`` is one browser (its own cookie jar): it opens the page's API,
sends, presses and reads what the page would draw. Each action waits until the bot reports the
update handled (``WebGateway.settled``), not for a time.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.clock import Clock, system_clock
from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator
from bot.shell.runner import RunningBot, running_bot
from bot.shell.web.gateway import WebGateway
from bot.shell.web.server import WebServer
from bot.texts import get_texts

JSON = dict[str, Any]


def plain(nodes: list[Any]) -> str:
    """The text a drawn message shows."""
    out: list[str] = []
    for node in nodes:
        out.append(node if isinstance(node, str) else plain(node.get("c", [])))
    return "".join(out)


@dataclass
class WebBot:
    """The bot serving the web channel, and its page server."""

    settings: Settings
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    running: RunningBot | None = None
    server: WebServer | None = None
    port: int = 0
    clock: Callable[[], float] = time.monotonic  # the server's rate limits
    db_clock: Clock = system_clock  # the bot's "now" (sessions' idle period)
    emulator: BotApiEmulator | None = None  # Telegram too: one process serves both

    @property
    def gateway(self) -> WebGateway:
        assert self.running is not None
        assert self.running.gateway is not None
        return self.running.gateway

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url.rstrip("/")

    async def start(self) -> None:
        self.stack = AsyncExitStack()
        self.running = await self.stack.enter_async_context(
            running_bot(
                self.settings,
                web=True,
                emulator=self.emulator,
                telegram=self.emulator is not None,
                rate_limit=False,
                clock=self.db_clock,
            )
        )
        self.server = WebServer(
            self.gateway, self.settings, host="127.0.0.1", port=self.port, clock=self.clock
        )
        await self.server.start()
        self.stack.push_async_callback(self.server.stop)
        self.port = self.server.port  # a restart keeps the address, as a real one would

    async def stop(self) -> None:
        await self.stack.aclose()
        self.running, self.server = None, None

    async def restart(self) -> None:
        """Stop and start again on the same database and address, as after a restart."""
        await self.stop()
        await self.start()

    def resident(self, **headers: str) -> WebResident:
        return WebResident(self, headers)


@asynccontextmanager
async def web_bot(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.monotonic,
    db_clock: Clock = system_clock,
    emulator: BotApiEmulator | None = None,
) -> AsyncIterator[WebBot]:
    """The bot with the web channel on a free loopback port (and Telegram's emulator, if given)."""
    bot = WebBot(settings, clock=clock, db_clock=db_clock, emulator=emulator)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class WebResident:
    """One browser talking to the page's API."""

    def __init__(self, bot: WebBot, headers: dict[str, str]) -> None:
        self.bot = bot
        self.http = httpx.AsyncClient(
            headers={"X-Requested-With": "chuangye", **headers}, timeout=60.0
        )
        self.csrf = ""
        self.session: JSON = {}
        self.messages: dict[int, JSON] = {}
        self.keyboard: JSON | None = None
        self.seq = 0

    async def close(self) -> None:
        await self.http.aclose()

    def url(self, path: str) -> str:
        return self.bot.url + path

    async def open(self) -> JSON:
        """Load the page: the session (created on the first visit) and the history."""
        response = await self.http.post(self.url("/api/session"))
        assert response.status_code == 200, response.text
        self.session = response.json()
        self.csrf = str(self.session["csrf"])
        self.messages, self.seq = {}, 0
        await self.refresh()
        return self.session

    async def refresh(self) -> list[JSON]:
        """Fetch what changed since the last look; returns the changed messages."""
        response = await self.http.get(
            self.url("/api/updates"), params={"after": self.seq, "wait": 0}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.seq = int(body["seq"])
        self.keyboard = body["keyboard"]
        for message in body["messages"]:
            if message.get("deleted"):
                self.messages.pop(message["id"], None)
            else:
                self.messages[message["id"]] = message
        changed: list[JSON] = body["messages"]
        return changed

    async def post(self, path: str, body: JSON, **headers: str) -> httpx.Response:
        return await self.http.post(
            self.url(path), json=body, headers={"X-CSRF-Token": self.csrf, **headers}
        )

    async def _settled(self, response: httpx.Response) -> list[JSON]:
        assert response.status_code == 200, response.text
        await self.bot.gateway.settled()
        return [m for m in await self.refresh() if m.get("bot")]

    async def send(self, text: str) -> list[JSON]:
        """Type and send ``text``; returns the bot messages new or changed since."""
        return await self._settled(await self.post("/api/send", {"text": text}))

    async def share_phone(self, phone: str) -> list[JSON]:
        """Type a phone number into the "share my phone" box."""
        return await self._settled(await self.post("/api/contact", {"phone": phone}))

    def find_button(self, label: str) -> tuple[int | None, JSON]:
        """The newest button whose label contains ``label`` (reply keyboard first)."""
        for row in (self.keyboard or {}).get("rows", []):
            for button in row:
                if label in button["text"]:
                    return None, button
        for message in sorted(self.messages.values(), key=lambda m: -m["id"]):
            for row in message.get("buttons", []):
                for button in row:
                    if label in button["text"]:
                        return int(message["id"]), button
        raise AssertionError(f"no button {label!r} on the page")

    async def press(self, label: str) -> tuple[list[JSON], JSON]:
        """Press a button; returns (bot messages new or changed, the press's answer)."""
        message_id, button = self.find_button(label)
        if message_id is None:
            return await self.send(button["text"]), {}
        response = await self.post(
            "/api/press", {"message_id": message_id, "data": button["data"]}
        )
        answer: JSON = response.json()
        return await self._settled(response), answer

    @property
    def bot_messages(self) -> list[JSON]:
        return [m for _, m in sorted(self.messages.items()) if m.get("bot")]

    @property
    def last_text(self) -> str:
        return plain(self.bot_messages[-1].get("body", []))

    def texts(self) -> list[str]:
        return [plain(m.get("body", [])) for m in self.bot_messages]


# Keyword of a typed registration step's prompt -> what a resident types. The dialog is driven by
# what the bot asks, so reworded or reordered steps still work.
ANSWERS = (
    ("名称", "香菇大棚"),
    ("投资", "50"),
    ("岗位", "8"),
    ("就业", "8"),
    ("手机", "13800138000"),
    ("电话", "13800138000"),
)
REF_NO = re.compile(r"XM-\d{4}-\d{4}")


async def register(resident: WebResident) -> str:
    """Register a project through /register answering whatever is asked; the reference no."""
    r = get_texts("zh").registration
    first = max(resident.messages, default=0)
    await resident.send("/register")
    for _ in range(30):
        since = [m for m in resident.bot_messages if m["id"] > first]
        for message in since:
            labels = [b["text"] for row in message.get("buttons", []) for b in row]
            found = REF_NO.search(plain(message.get("body", [])))
            if found and get_texts("zh").form.btn_submit not in labels:
                return found.group(0)
        last = since[-1]
        labels = [b["text"] for row in last.get("buttons", []) for b in row]
        keyboard = [b for row in (resident.keyboard or {}).get("rows", []) for b in row]
        if get_texts("zh").form.btn_submit in labels:
            await resident.press(get_texts("zh").form.btn_submit)
        elif any(b["contact"] for b in keyboard):
            await resident.share_phone("13800138000")
        elif labels:
            await resident.press(r.btn_no_referrer if r.btn_no_referrer in labels else labels[0])
        else:
            text = plain(last.get("body", []))
            answer = next((a for k, a in ANSWERS if k in text), None)
            assert answer is not None, f"an unexpected step: {text!r}"
            await resident.send(answer)
    raise AssertionError("the registration did not finish in 30 steps")
