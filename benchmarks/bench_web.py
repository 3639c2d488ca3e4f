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
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder

from benchmarks.common import REPO, current_rss_mb, describe, machine, percentile, table
from benchmarks.echo import echo_application
from benchmarks.web_residents import Connection, HttpError, Resident, Stats
from bot.settings import load_settings
from bot.shell.web.gateway import WebGateway
from bot.shell.web.server import WebServer
from bot.shell.web.transport import ChannelRequest
from db.database import Database

Row = dict[str, Any]
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
