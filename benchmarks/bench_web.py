"""The web channel under load: concurrent residents in browsers, over loopback HTTP.

The bot runs as ``python -m bot web`` in a child process (the deployed shape: one process for
the bot, its gateway and the page's server) on a fresh database, trusting ``X-Forwarded-For``
from 127.0.0.1 so each simulated resident has an address of their own (as behind nginx). The
load is a bounded async client (one httpx pool, at most ``2 * N + 50`` connections): each
resident opens the page (session, history), keeps one long poll open as the page does, asks
questions, and registers a project through the buttons and typed steps, each step after the
bot answered the previous one.

Latency is what the resident waits: from sending (a question, a button press, a typed step) to
the bot's first new or edited message arriving through the long poll. Errors are non-2xx
answers, the bot's apology for an internal error, and steps with no answer within 60 s.
Idle cost: with every resident's long poll open and nobody acting, the server's CPU use and
the requests answered over ``IDLE_S`` seconds (a polling storm would show here).

Run: ``.venv/bin/python -m benchmarks.bench_web [--residents 500] [--questions 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder

from benchmarks.common import REPO, current_rss_mb, describe, machine, percentile, table
from benchmarks.echo import echo_application
from bot.settings import load_settings
from bot.shell.web.gateway import WebGateway
from bot.shell.web.server import WebServer
from bot.shell.web.transport import ChannelRequest
from bot.texts import get_texts
from db.database import Database

Row = dict[str, Any]
ANSWER_WAIT_S = 60.0
HOST = "127.0.0.1"
IDLE_S = 10.0
QUESTIONS = (
    "返税怎么申请",
    "贷款需要什么条件",
    "在哪里报名培训",
    "怎么联系创业办",
    "引荐项目有奖励吗",
    "新上项目有什么优惠",
)
ANSWERS = (("名称", "香菇大棚"), ("投资", "50"), ("岗位", "8"), ("就业", "8"))
REF_NO = re.compile(r"XM-\d{4}-\d{4}")
ZH = get_texts("zh")


def plain(nodes: list[Any]) -> str:
    return "".join(n if isinstance(n, str) else plain(n.get("c", [])) for n in nodes)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


async def _wait_ready(port: int, child: asyncio.subprocess.Process) -> None:
    for _ in range(600):
        if child.returncode is not None:
            raise RuntimeError("the web bot exited before serving")
        connection = Connection(HOST, port)
        try:
            if (await connection.request("GET", "/", {}, limit_s=5)).status_code == 200:
                return
        except HttpError:
            pass
        finally:
            connection.close()
        await asyncio.sleep(0.1)
    raise RuntimeError("the web bot did not start within 60 s")


async def _serve_echo(port: int) -> None:
    """The baseline server: the same gateway and page server, with the echo bot behind them.

    No handlers, services, inbox or persistence: what it costs is the channel (HTTP, sessions,
    long polls, the gateway's SQLite store, PTB); the real bot's extra is its features.
    """
    settings = load_settings()
    db = await Database.open(settings.db_path)
    gateway = WebGateway(db)
    await gateway.open()
    request = ChannelRequest(gateway, None)
    builder = ApplicationBuilder().token(gateway.token).request(request).updater(None)
    app, processor = echo_application(builder)
    processor.listeners.append(gateway.handled)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    try:
        async with app:
            await app.start()

            async def sink(update: dict[str, Any]) -> None:
                await app.update_queue.put(Update.de_json(update, app.bot))

            await gateway.connect(sink)
            server = WebServer(gateway, settings, host=HOST, port=port)
            await server.start()
            await stop.wait()
            await server.stop()
            await app.stop()
    finally:
        await gateway.close()
        await db.close()


async def measure(
    n_residents: int, questions: int, *, register: bool = True, echo: bool = False
) -> Row:
    """Load a fresh ``python -m bot web`` (or the echo baseline) with ``n_residents``."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        env = {
            **os.environ,
            "CHUANGYE_DB_PATH": str(Path(tmp) / "bot.sqlite3"),
            "CHUANGYE_WEB_TRUSTED_PROXIES": "127.0.0.1",
            "CHUANGYE_LOG_LEVEL": "WARNING",
            "PTB_TIMEDELTA": "1",
        }
        command = ("benchmarks.bench_web", "--serve-echo") if echo else ("bot", "web")
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", *command, "--port", str(port)),
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
        )
        try:
            await _wait_ready(port, child)
            row = await _load(port, child.pid, n_residents, questions, register)
            return {"bot": "echo (baseline)" if echo else "the bot", **row}
        finally:
            child.terminate()
            try:
                await asyncio.wait_for(child.wait(), 30)
            except TimeoutError:
                child.kill()
                await child.wait()


async def _load(port: int, pid: int, n: int, questions: int, register: bool) -> Row:
    stats = Stats()
    residents = [Resident(HOST, port, i, stats) for i in range(n)]
    try:
        cpu0, client0 = _cpu_seconds(pid), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(r.open() for r in residents))
        polls = [asyncio.create_task(r.poll_forever()) for r in residents]

        async def visit(i: int, r: Resident) -> None:
            for q in range(questions):
                await r.ask(QUESTIONS[(i + q) % len(QUESTIONS)])
            if register:
                await r.register()

        await asyncio.gather(*(visit(i, r) for i, r in enumerate(residents)))
        busy_s = time.perf_counter() - started
        cpu_busy = _cpu_seconds(pid) - cpu0
        client_cpu = time.process_time() - client0
        rss = current_rss_mb(pid)
        # Idle: every page keeps its long poll open; nobody acts.
        polls_before, cpu1 = stats.polls, _cpu_seconds(pid)
        await asyncio.sleep(IDLE_S)
        idle_cpu = _cpu_seconds(pid) - cpu1
        idle_polls = stats.polls - polls_before
        for r in residents:
            r.stopped = True
        for task in polls:
            task.cancel()
        await asyncio.gather(*polls, return_exceptions=True)
    finally:
        for r in residents:
            r.close()
    actions = len(stats.questions) + len(stats.steps)
    return {
        "residents": n,
        "actions": actions,
        "registered": stats.registered,
        "seconds": busy_s,
        "actions_per_s": actions / busy_s if busy_s else 0.0,
        "question_p50_ms": percentile(stats.questions, 50) * 1000,
        "question_p99_ms": percentile(stats.questions, 99) * 1000,
        "step_p50_ms": percentile(stats.steps, 50) * 1000,
        "step_p99_ms": percentile(stats.steps, 99) * 1000,
        "errors": len(stats.errors),
        "error_kinds": sorted(set(stats.errors))[:5],
        "server_cpu_s": cpu_busy,
        "server_cpu_ms_per_action": cpu_busy / actions * 1000 if actions else 0.0,
        "server_rss_mb": rss,
        "client_cpu_s": client_cpu,
        "load_average": os.getloadavg()[0],
        "idle_cpu_s": idle_cpu,
        "idle_requests": idle_polls,
        "idle_s": IDLE_S,
    }


HEADERS = (
    "bot",
    "residents",
    "actions",
    "registered",
    "s",
    "actions/s",
    "question p50 ms",
    "question p99 ms",
    "step p50 ms",
    "step p99 ms",
    "errors",
    "server CPU ms/action",
    "client CPU ms/action",
    "server RSS MB",
    f"idle CPU s ({IDLE_S:.0f} s)",
    f"idle requests ({IDLE_S:.0f} s)",
)


def as_table(rows: list[Row]) -> str:
    """The README's table."""
    return table(
        HEADERS,
        [
            (
                r["bot"],
                r["residents"],
                r["actions"],
                r["registered"],
                r["seconds"],
                r["actions_per_s"],
                r["question_p50_ms"],
                r["question_p99_ms"],
                r["step_p50_ms"],
                r["step_p99_ms"],
                r["errors"],
                r["server_cpu_ms_per_action"],
                r["client_cpu_s"] / r["actions"] * 1000 if r["actions"] else 0.0,
                r["server_rss_mb"],
                r["idle_cpu_s"],
                r["idle_requests"],
            )
            for r in rows
        ],
    )


def run(
    quick: bool = False,
    sizes: tuple[int, ...] | None = None,
    questions: int = 3,
    *,
    register: bool = True,
) -> list[Row]:
    """For each size, on a fresh server and database each: the echo bot behind the same web
    channel asked the same questions (the baseline), the bot asked them, and (with
    ``register``) the bot asked them and registering a project."""
    chosen = sizes or ((20, 100) if quick else (50, 500))
    rows = []
    for n in chosen:
        runs = [(True, False), (False, False)] + ([(False, True)] if register else [])
        for echo, registers in runs:
            rows.append(asyncio.run(measure(n, questions, register=registers, echo=echo)))
            print(as_table(rows[-1:]), flush=True)  # each as it finishes
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, nargs="*", default=None, help="e.g. 50 500")
    parser.add_argument("--questions", type=int, default=3, help="questions per resident")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-register", action="store_true", help="questions only")
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:  # the baseline's server process
        asyncio.run(_serve_echo(args.port))
        return
    sizes = tuple(args.residents) if args.residents else None
    rows = run(args.quick, sizes, args.questions, register=not args.no_register)
    print(describe(machine()))
    print(as_table(rows))
    for row in rows:
        if row["error_kinds"]:
            print(f"{row['bot']}, {row['residents']} residents, errors: {row['error_kinds']}")


if __name__ == "__main__":
    main()
