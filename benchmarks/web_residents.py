"""Simulated web residents for the load benchmark and the end-to-end test: a browser's
keep-alive connections, its session and long poll, and a resident's questions and registration
as the page would send them."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from bot.texts import get_texts

ANSWER_WAIT_S = 60.0
ANSWERS = (("名称", "香菇大棚"), ("投资", "50"), ("岗位", "8"), ("就业", "8"))
REF_NO = re.compile(r"XM-\d{4}-\d{4}")
ZH = get_texts("zh")


def plain(nodes: list[Any]) -> str:
    return "".join(n if isinstance(n, str) else plain(n.get("c", [])) for n in nodes)


@dataclass
class Stats:
    """What the residents measured."""

    questions: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    registered: int = 0
    polls: int = 0


class HttpError(Exception):
    """The connection failed or the answer was not HTTP."""


class Response:
    """Status, Set-Cookie values and body of one answer."""

    def __init__(self, status: int, cookies: list[str], body: bytes) -> None:
        self.status_code, self.cookies, self.content = status, cookies, body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Connection:
    """One keep-alive HTTP/1.1 connection, as a browser tab keeps: one request at a time.

    The load needs no more than this (the server answers with Content-Length, no TLS on
    loopback), and it costs the client far less than a pooled client: httpx's pool scans every
    connection on each request (``httpcore`` ``_assign_requests_to_connections``), so at 500
    residents (1,000 connections) the client burned a whole core and the residents waited for
    their own client, not for the bot (session 1's result: 698 timeouts, server 20 % busy).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes = b"",
        limit_s: float = ANSWER_WAIT_S,
    ) -> Response:
        for attempt in (1, 2):
            reused = self.writer is not None
            try:
                request = self._request(method, target, headers, body)
                return await asyncio.wait_for(request, limit_s)
            except (OSError, asyncio.IncompleteReadError) as exc:
                self.close()
                # A kept-alive connection the server closed meanwhile: again on a new one, as
                # browsers do.
                if not (reused and attempt == 1):
                    raise HttpError(type(exc).__name__) from exc
            except (ValueError, TimeoutError) as exc:
                self.close()
                raise HttpError(type(exc).__name__) from exc
            except BaseException:
                self.close()  # cancelled mid-exchange: its answer must not meet the next request
                raise
        raise AssertionError("unreachable")

    async def _request(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        length, cookies, close = 0, [], False
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                cookies.append(value.split(";", 1)[0])
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise ValueError("chunked answers are not expected from this server")
        content = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return Response(status, cookies, content)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Resident:
    """One browser: a cookie, the CSRF token, the page's view of the chat, one long poll."""

    def __init__(self, host: str, port: int, n: int, stats: Stats) -> None:
        self.stats = stats
        # Like a browser: the long poll on one connection, the resident's actions on another.
        self.poll_conn = Connection(host, port)
        self.act_conn = Connection(host, port)
        self.headers = {
            "X-Requested-With": "chuangye",
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        }
        self.messages: dict[int, dict[str, Any]] = {}
        self.keyboard: dict[str, Any] | None = None
        self.seq = 0
        self.bot_seq = 0  # the last change the bot made that this page has seen
        self.changed = asyncio.Event()
        self.stopped = False

    def close(self) -> None:
        self.poll_conn.close()
        self.act_conn.close()

    async def open(self) -> None:
        response = await self.act_conn.request("POST", "/api/session", self.headers)
        if response.status_code != 200:
            raise HttpError(f"session: HTTP {response.status_code}")
        if response.cookies:  # a new session (an existing one keeps its cookie)
            self.headers["Cookie"] = "; ".join(response.cookies)
        self.headers["X-CSRF-Token"] = response.json()["csrf"]
        await self._fetch(wait=False)

    async def _fetch(self, *, wait: bool) -> None:
        target = f"/api/updates?after={self.seq}&wait={int(wait)}"
        response = await self.poll_conn.request("GET", target, self.headers)
        if response.status_code != 200:
            raise HttpError(f"updates: HTTP {response.status_code}")
        body = response.json()
        self.seq = max(self.seq, int(body["seq"]))
        self.keyboard = body["keyboard"]
        for message in body["messages"]:
            self.messages[message["id"]] = message
            if message.get("bot"):
                self.bot_seq = max(self.bot_seq, int(message["seq"]))
        self.changed.set()

    async def poll_forever(self) -> None:
        """What the page does: one long poll after another."""
        while not self.stopped:
            try:
                await self._fetch(wait=True)
                self.stats.polls += 1
            except (HttpError, ValueError) as exc:
                if not self.stopped:
                    self.stats.errors.append(f"poll: {type(exc).__name__}")
                    await asyncio.sleep(1.0)

    async def act(self, path: str, body: dict[str, Any], into: list[float]) -> bool:
        """Send and wait for the bot's first change after it; record the latency."""
        mark = self.bot_seq
        started = time.perf_counter()
        payload = json.dumps(body, ensure_ascii=False).encode()
        try:
            response = await self.act_conn.request("POST", path, self.headers, payload)
        except HttpError as exc:
            self.stats.errors.append(f"{path}: {exc}")
            return False
        if response.status_code != 200:
            self.stats.errors.append(f"{path}: HTTP {response.status_code} {response.text[:60]}")
            return False
        if not await self.wait_for(lambda: self.bot_seq > mark):
            self.stats.errors.append(f"{path}: no answer within {ANSWER_WAIT_S:.0f} s")
            return False
        into.append(time.perf_counter() - started)
        if ZH.common.error in self.last_text:
            self.stats.errors.append(f"{path}: the bot apologised for an error")
        return True

    async def wait_for(self, condition: Any) -> bool:
        deadline = time.perf_counter() + ANSWER_WAIT_S
        while not condition():
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                return False
        return True

    @property
    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for _, m in sorted(self.messages.items()) if m.get("bot")]

    @property
    def last_text(self) -> str:
        messages = self.bot_messages
        return plain(messages[-1].get("body", [])) if messages else ""

    async def ask(self, question: str) -> None:
        await self.act("/api/send", {"text": question}, self.stats.questions)

    async def register(self) -> None:
        """Answer whatever the registration asks until it gives a reference number."""
        first = max(self.messages, default=0)
        if not await self.act("/api/send", {"text": "/register"}, self.stats.steps):
            return
        for _ in range(40):
            since = [m for m in self.bot_messages if m["id"] > first]
            if any(
                REF_NO.search(plain(m.get("body", []))) and not _has(m, _SUBMIT) for m in since
            ):
                self.stats.registered += 1
                return
            last = since[-1] if since else {}
            labels = [b for row in last.get("buttons", []) for b in row]
            keyboard = [b for row in (self.keyboard or {}).get("rows", []) for b in row]
            text = plain(last.get("body", []))
            if any(b["text"] == _SUBMIT for b in labels):
                button = next(b for b in labels if b["text"] == _SUBMIT)
                ok = await self._press(last["id"], button)
            elif any(b["contact"] for b in keyboard):
                ok = await self.act("/api/contact", {"phone": "13800138000"}, self.stats.steps)
            elif labels:
                button = next((b for b in labels if b["text"] == _NO_REFERRER), labels[0])
                ok = await self._press(last["id"], button)
            elif answer := next((a for k, a in ANSWERS if k in text), None):
                ok = await self.act("/api/send", {"text": answer}, self.stats.steps)
            else:  # a confirmation ("... ✓"): the next prompt is on its way
                mark = self.bot_seq
                ok = await self.wait_for(lambda m=mark: self.bot_seq > m)
            if not ok:
                return
        self.stats.errors.append("register: did not finish in 40 steps")

    async def _press(self, message_id: int, button: dict[str, Any]) -> bool:
        body = {"message_id": message_id, "data": button["data"]}
        return await self.act("/api/press", body, self.stats.steps)


_SUBMIT = ZH.form.btn_submit
_NO_REFERRER = ZH.registration.btn_no_referrer


def _has(message: dict[str, Any], label: str) -> bool:
    return any(b["text"] == label for row in message.get("buttons", []) for b in row)
