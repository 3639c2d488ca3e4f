"""End to end: ``python -m bot run`` as a separate process against the emulator over HTTP.

The emulator serves the Bot API on a loopback port in this test process; the bot is started
exactly as an operator would (``CHUANGYE_BASE_URL``, ``CHUANGYE_TOKEN``, a config file) in
long-polling and in webhook mode; users act through the emulator's control API over HTTP. Each
run is stopped with SIGTERM while an update is in flight and started again; every update must
be handled exactly once across the restart (the per-update log lines prove it), and the logs
must carry neither the token nor what users wrote. A training session added with
``python -m bot training add`` reminds the resident who signed up exactly once, on time and in
the town's time zone, though the bot was restarted between the sign-up and the reminder.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.shell.emulator import BotApiEmulator
from bot.shell.emulator.http import SECRET_HEADER, EmulatorServer
from bot.shell.serving import serving
from bot.texts import get_texts
from db import questions as questions_repo
from db.database import Database
from tests import children

REPO = Path(__file__).resolve().parents[1]
TOKEN = "987654321:AAGe2eTOKENnotREALbutVALIDshape0123"
# How long to wait for another process before calling it stuck: a safety net, not a speed claim.
SAFETY_S = 180.0
ZH = get_texts("zh")
NAME = "张三丰"
QUESTIONS = ("新上的项目，头一年的税能返还吗？", "联保贷款怎么办理", "引荐人有什么奖励")
PROJECT = "张记木材加工厂"
REGISTRATION: tuple[tuple[str, dict[str, str]], ...] = (
    ("send", {"text": "/register"}),
    ("send", {"text": PROJECT}),
    ("press", {"label": "木材加工"}),
    # -- SIGTERM and restart here --
    ("press", {"label": "示例一村"}),
    ("press", {"label": "返乡创业人员"}),
    ("send", {"text": "50"}),
    ("send", {"text": "12"}),
    ("contact", {"phone": "+8613800138000"}),
    ("press", {"label": "没有引荐人"}),
    ("press", {"label": "提交"}),
)
_UPDATE_LINE = re.compile(r"update (\d+) kind=(\w+) handler=(\S+) outcome=(\w+) duration_ms=")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class BotProcess:
    """``python -m bot run`` in a temporary working directory, as an operator starts it."""

    workdir: Path
    base_url: str
    args: tuple[str, ...] = ()
    config: str = ""  # more TOML for config.toml, e.g. a [trainings] table
    environ: dict[str, str] = field(default_factory=dict)
    health_port: int = field(default_factory=free_port)
    module: str = "bot"  # python -m <module> run (tests.poison_bot: one update kills it)
    runs: int = 0
    proc: asyncio.subprocess.Process | None = None

    @property
    def logs(self) -> str:
        return "".join(p.read_text("utf-8") for p in sorted(self.workdir.glob("stderr-*.log")))

    def env(self) -> dict[str, str]:
        """The environment an operator sets, and a config.toml in the working directory."""
        (self.workdir / "config.toml").write_text(
            f'[bot]\ndatabase = "bot.sqlite3"\n[network]\nhealth_port = {self.health_port}\n'
            + self.config,
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
        return env | {
            "PYTHONPATH": str(REPO),
            "CHUANGYE_TOKEN": TOKEN,
            "CHUANGYE_BASE_URL": self.base_url,
            "PTB_TIMEDELTA": "1",
            **self.environ,
        }

    async def cli(self, *args: str) -> str:
        """Run ``python -m bot <args>`` (an operator's command) in the same directory."""
        proc = await children.spawn(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=self.workdir,
            env=self.env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(SAFETY_S):
            out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        return out.decode()

    async def start(self, client: httpx.AsyncClient) -> None:
        await self.spawn()
        await self.wait_healthy(client)

    async def spawn(self) -> None:
        """Start ``python -m bot run`` without waiting for it to be ready."""
        env = self.env()
        self.runs += 1
        stderr = (self.workdir / f"stderr-{self.runs}.log").open("wb")
        self.proc = await children.spawn(
            sys.executable,
            "-m",
            self.module,
            "run",
            *self.args,
            cwd=self.workdir,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
        stderr.close()

    async def wait_healthy(self, client: httpx.AsyncClient, within: float = SAFETY_S) -> Any:
        url = f"http://127.0.0.1:{self.health_port}/healthz"
        async with asyncio.timeout(within):
            while True:
                assert self.proc is not None
                if self.proc.returncode is not None:
                    raise AssertionError(f"the bot exited early:\n{self.logs[-3000:]}")
                try:
                    response = await client.get(url)
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code == 200:
                    return response.json()
                await asyncio.sleep(0.05)  # polling a starting process; nothing to inject

    async def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(SAFETY_S):
            return await self.proc.wait()


@dataclass
class Users:
    """Simulated users over the emulator's control API."""

    client: httpx.AsyncClient
    url: str

    async def act(self, user_id: int, action: str, **body: Any) -> Any:
        response = await self.client.post(
            f"{self.url}/control/users/{user_id}/{action}", json={"first_name": NAME, **body}
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def send(self, user_id: int, text: str, *, wait: bool = True) -> Any:
        return await self.act(user_id, "send", text=text, wait=wait)

    async def messages(self, user_id: int) -> list[Any]:
        response = await self.client.get(f"{self.url}/control/users/{user_id}/messages")
        return list(response.json()["messages"])


@pytest.fixture
async def emulator_server() -> AsyncIterator[EmulatorServer]:
    server = EmulatorServer(BotApiEmulator(token=TOKEN), quiet=0.15, settle_timeout=SAFETY_S)
    async with serving(server):
        yield server


def handled_update_ids(logs: str) -> list[int]:
    return [int(m[1]) for m in _UPDATE_LINE.finditer(logs)]


async def until(predicate: Any, within: float = SAFETY_S) -> None:
    async with asyncio.timeout(within):
        # Another process does the work: no event crosses the boundary, so poll briefly.
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def mode_args(mode: str) -> tuple[str, ...]:
    """``python -m bot run`` options for long polling or a webhook on a free loopback port."""
    if mode == "polling":
        return ()
    port = free_port()
    return ("--webhook-url", f"http://127.0.0.1:{port}/tg-updates", "--port", str(port))


async def ask_and_rate(users: Users) -> dict[str, Any]:
    """A resident opens the bot, asks a policy question and rates the answer."""
    greeting = await users.send(501, "/start")
    assert greeting["settled"]
    assert NAME in greeting["messages"][0]["text"]
    assert ZH.common.btn_policies in greeting["reply_keyboard"]
    answer = await users.send(501, QUESTIONS[0])
    assert "税收" in answer["messages"][-1]["text"]
    labels = [b["text"] for row in answer["messages"][-1]["buttons"] for b in row]
    assert ZH.qa.btn_up in labels
    thanks = await users.act(501, "press", label=ZH.qa.btn_up)
    assert thanks["toast"] == ZH.qa.feedback_thanks
    return {"greeting": greeting, "answer": answer, "thanks": thanks}


async def take_steps(users: Users, steps: tuple[tuple[str, dict[str, str]], ...]) -> Any:
    """Resident 503 takes these registration steps, each settled; the last step's result."""
    step: Any = None
    for action, value in steps:
        step = await users.act(503, action, **value)
        assert step["settled"], (action, value)
    return step


async def sigterm_while_answering(
    bot: BotProcess, users: Users, emulator: BotApiEmulator
) -> tuple[Any, int]:
    """SIGTERM while an answer is in flight: Telegram makes the bot wait (429, retry after 1s).

    The answer still goes out before the bot exits. The update, and 501's messages before it.
    """
    emulator.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", chat_id=501, retry_after=1
    )
    before = len(await users.messages(501))
    in_flight = await users.send(501, QUESTIONS[1], wait=False)
    await until(lambda: emulator.calls.get("sendMessage", 0) and not emulator.faults)
    assert await bot.terminate() == 0
    replies = await users.messages(501)
    assert len(replies) == before + 1  # finished before exiting
    assert "联保" in replies[-1]["text"]
    return in_flight, before


async def restart_with_a_question_waiting(
    bot: BotProcess, client: httpx.AsyncClient, users: Users, emulator: BotApiEmulator, before: int
) -> dict[str, Any]:
    """While the bot is down a question waits at "Telegram"; after the restart it and the next
    question are answered, each once."""
    waiting = await users.send(501, QUESTIONS[2], wait=False)
    assert emulator.pending_updates >= 1
    await bot.start(client)
    after = await users.send(501, "/help")
    assert after["settled"]
    # The settle may return after the first of the two answers on a busy machine: wait for both.
    replies = await new_messages(users, 501, before, SAFETY_S, at_least=3)
    assert len(replies) == 3  # nothing lost, nothing answered twice
    return {"waiting": waiting, "after": after}


async def webhook_refuses_strangers(
    server: EmulatorServer, client: httpx.AsyncClient, users: Users, bot: BotProcess, url: str
) -> None:
    """Only Telegram (knowing the secret) may deliver; anything else is refused."""
    emulator = server.emulator
    forged = {"update_id": 9999, "message": {"message_id": 1, "date": 0, "text": "/start"}}
    for headers in ({}, {SECRET_HEADER: "not-the-secret"}):
        response = await client.post(url, json=forged, headers=headers)
        assert response.status_code == 403
    # A delivery with a wrong secret is refused too and stays pending, then retried.
    assert emulator.webhook is not None
    secret = emulator.webhook["secret_token"]
    emulator.webhook["secret_token"] = "wrong-secret"
    failures = server.webhook_failures  # includes those while the bot was down
    queued = await users.send(502, "/start", wait=False)
    await until(lambda: server.webhook_failures > failures)
    assert server.webhook_last_error == "HTTP 403"
    assert emulator.pending_updates == 1
    emulator.webhook["secret_token"] = secret
    await until(lambda: emulator.pending_updates == 0)
    await until(lambda: f"update {queued['update_id']} " in bot.logs)


async def stored_questions_and_projects(workdir: Path) -> tuple[list[str], list[Any]]:
    """The logged questions' texts (sorted) and the projects' rows, as the bot left them."""
    db = await Database.open(workdir / "bot.sqlite3")
    try:
        async with db.read() as conn:
            logged = await questions_repo.list_questions(conn)
    finally:
        await db.close()
    with closing(sqlite3.connect(workdir / "bot.sqlite3")) as conn:
        projects = conn.execute("SELECT name, village, jobs, user_id FROM projects").fetchall()
    return sorted(q.text for q in logged), projects


def check_update_lines(logs: str, sent: dict[str, Any]) -> None:
    """Exactly once: every update the users produced appears in exactly one log line, and that
    line names the handler."""
    ids = handled_update_ids(logs)
    assert sorted(ids) == sorted(set(ids))
    assert {update["update_id"] for update in sent.values()} <= set(ids)
    assert 9999 not in ids
    lines = {int(m[1]): (m[2], m[3], m[4]) for m in _UPDATE_LINE.finditer(logs)}
    assert lines[sent["greeting"]["update_id"]] == ("command", "start.start", "ok")
    assert lines[sent["answer"]["update_id"]] == ("text", "qa.ask", "ok")
    assert lines[sent["thanks"]["update_id"]] == ("callback", "qa.feedback", "ok")
    assert lines[sent["in_flight"]["update_id"]] == ("text", "qa.ask", "ok")
    assert lines[sent["waiting"]["update_id"]] == ("text", "qa.ask", "ok")  # after the restart


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_live_session_survives_sigterm_restart(
    mode: str, tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    emulator = emulator_server.emulator
    args = mode_args(mode)
    webhook_url = args[1] if args else ""
    bot = BotProcess(tmp_path, emulator_server.url, args)
    users = Users(client, emulator_server.url)
    await bot.start(client)
    if mode == "webhook":
        assert emulator.webhook is not None
        assert emulator.webhook["url"] == webhook_url
        assert emulator.webhook["secret_token"]  # generated, since none is configured
    else:
        assert emulator.webhook is None

    sent = await ask_and_rate(users)
    await take_steps(users, REGISTRATION[:3])  # another resident starts registering a project...
    sent["in_flight"], before = await sigterm_while_answering(bot, users, emulator)
    sent |= await restart_with_a_question_waiting(bot, client, users, emulator, before)
    step = await take_steps(users, REGISTRATION[3:])  # ...and finishes where they left off
    assert PROJECT in step["messages"][-1]["text"] or PROJECT in step["edited"][-1]["text"]
    if mode == "webhook":
        await webhook_refuses_strangers(emulator_server, client, users, bot, webhook_url)

    health = await bot.wait_healthy(client)
    assert health["database"]["ok"]
    assert health["knowledge_base"]["loaded"]
    assert health["mode"] == mode
    assert health["updates"]["last_handled_at"] is not None
    assert await bot.terminate() == 0

    logs = bot.logs
    check_update_lines(logs, sent)
    assert emulator.pending_updates == 0
    asked, projects = await stored_questions_and_projects(tmp_path)
    assert asked == sorted(QUESTIONS)
    assert projects == [(PROJECT, "示例一村", 12, 503)]  # registered once, across the restart
    # No token, no secret, nothing users wrote or are.
    personal = (NAME, PROJECT, "13800138000", *QUESTIONS)
    for secret_or_personal in (TOKEN, TOKEN.split(":")[1], *personal):
        assert secret_or_personal not in logs
    if mode == "webhook":
        assert "generated a random one" in logs
        assert str(emulator.webhook and emulator.webhook["secret_token"]) not in logs
    assert "Traceback" not in logs
    assert "stopped cleanly" in logs


TRAINING = "电商直播带货实操培训"
PLACE = "镇便民服务中心三楼"
TOWN_TZ = ZoneInfo("Asia/Shanghai")  # the default bot.timezone
ELSEWHERE = "America/Los_Angeles"  # the bot's host clock: never what residents are shown
REMINDER_LEAD = timedelta(seconds=20)  # from configuring the offset to the reminder falling due


async def new_messages(
    users: Users, user_id: int, seen: int, within: float, at_least: int = 1
) -> list[Any]:
    """The bot's messages to ``user_id`` after the first ``seen``, once ``at_least`` have
    arrived, or what there is after ``within`` seconds. Another process answers, so a settled
    action is not enough where several answers are due: on a busy machine the gap between two
    of them can outlast the emulator's quiet period."""
    messages: list[Any] = []
    with suppress(TimeoutError):
        async with asyncio.timeout(within):
            while len(messages := await users.messages(user_id)) < seen + at_least:  # noqa: ASYNC110
                await asyncio.sleep(0.1)  # another process sends them; nothing to wait on
    return messages[seen:]


async def sign_up_from_the_menu(users: Users) -> int:
    """A resident opens the bot, lists the sessions from the menu and signs up; how many
    messages they have by then."""
    greeting = await users.send(601, "/start")
    assert ZH.common.btn_trainings in greeting["reply_keyboard"]
    listing = await users.act(601, "press", label=ZH.common.btn_trainings)
    assert listing["settled"]
    assert TRAINING in listing["messages"][-1]["text"]
    joined = await users.act(601, "press", label=ZH.trainings.btn_join)
    assert joined["toast"] == ZH.trainings.toast_signed
    assert ZH.trainings.you_signed in joined["edited"][-1]["text"]
    return len(await users.messages(601))


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_reminder_arrives_once_on_time_across_a_restart(
    mode: str, tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    # An operator adds a session from the shell: it starts in 2-3 minutes, town time.
    start = datetime.now(TOWN_TZ).replace(second=0, microsecond=0) + timedelta(minutes=3)
    bot = BotProcess(tmp_path, emulator_server.url, mode_args(mode), environ={"TZ": ELSEWHERE})
    added = await bot.cli(
        "training", "add", "--title", TRAINING, "--start", f"{start:%Y-%m-%d %H:%M}",
        "--place", PLACE, "--capacity", "30",
    )  # fmt: skip
    assert f"#1: {start:%Y-%m-%d %H:%M}" in added
    # One reminder offset, so that it falls due shortly after the resident signs up.
    due = datetime.now(TOWN_TZ) + REMINDER_LEAD
    bot.config = (
        f"[trainings]\nreminder_offsets_hours = [{(start - due) / timedelta(hours=1)!r}]\n"
    )
    await bot.start(client)
    users = Users(client, emulator_server.url)

    seen = await sign_up_from_the_menu(users)

    # The bot is stopped and started again (before the reminder is due on an idle machine; on
    # a busy one the restart may take longer, and the reminder is then sent at start-up: it is
    # still on time by the bot's own rule, not a 补发, which is what a resident sees).
    assert await bot.terminate() == 0
    await bot.start(client)

    # The reminder arrives, not early, names the session and its time in the town's zone...
    arrivals = await new_messages(users, 601, seen, within=SAFETY_S)
    arrived = datetime.now(TOWN_TZ)
    assert len(arrivals) == 1, arrivals
    assert due <= arrived
    reminder = arrivals[0]
    text = reminder["text"]
    assert TRAINING in text
    assert PLACE in text
    end = start + timedelta(hours=2)
    assert f"{start.month}月{start.day}日" in text
    # (a session near midnight is written "22:08 – 12月4日（周五）00:08": both times, any day)
    assert f"{start:%H:%M}" in text
    assert f"{end:%H:%M}" in text
    assert ZH.trainings.late_prefix not in text  # on time, not a catch-up after downtime

    # ...and only once.
    assert await new_messages(users, 601, seen + 1, within=3) == []
    assert await bot.terminate() == 0
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        rows = conn.execute("SELECT user_id, status, late FROM reminders").fetchall()
    assert rows == [(601, "sent", 0)]
    logs = bot.logs
    assert logs.count("training messages: 1 delivered") == 1
    assert "Traceback" not in logs
