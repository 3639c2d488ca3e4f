"""The crash test: the real bot process, killed with SIGKILL again and again under load.

``python -m benchmarks.chaos [--rounds 50] [--seed 1] [--residents 12]`` runs ``python -m bot
run`` against the HTTP Bot API emulator (``bot.shell.emulator.http``, in this process) while
simulated residents register projects, sign up for a training (capacity 3: a waitlist) and
file complaints, and an admin approves every card they see. Each round the bot is started
again and killed with SIGKILL at a random point -- after a random number of messages counted
from the moment it is started, *inside* the emulator's handling of that message (Telegram
accepted it, the bot never heard back), so a kill may also land in the start-up (the outbox's
resends, the inbox's replays alone of what the last kill interrupted); or after a random time
once it polls. A last clean run lets everything drain, then it stops with SIGTERM.

At the end it checks, and prints as counts:

- updates: every update the emulator delivered was handled exactly once: marked handled in
  the durable inbox (issue 13.3), and logged as finished at most once (``--updates report``
  counts lost ones without failing); none abandoned as a poison update (this load has none: an
  abandoned update means random kills were taken for a crash the update causes). Also counted:
  the updates starts replayed alone (those possibly in flight at a kill) and the kills that
  landed during a start;
- notifications: every committed change produced its notifications -- each project a card in
  each admin's chat, each approval a notice to the applicant, each complaint a card, every
  outbox and training notice row settled; a message that arrived twice is allowed only when
  the second copy says it is resent (补发: the bot died between Telegram accepting the first
  and recording it, see ``bot.services.outbox``);
- ``PRAGMA integrity_check`` is ok.

Exit status 0 when nothing was violated, 1 otherwise. Randomness comes from ``--seed`` only;
``tests/test_chaos.py`` runs a few rounds with kill points fixed by message count.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.chaos_check import Report, check
from bot.shell.emulator import BotApiEmulator, StoredMessage
from bot.shell.emulator.http import EmulatorServer, HttpSimUser
from bot.shell.emulator.users import ButtonNotFoundError
from bot.texts import get_texts

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAChaosTestTokenNotRealButValidShape0"
ADMIN = 900001
FIRST_RESIDENT = 70_001
ZH = get_texts("zh")
R, C, T = ZH.registration, ZH.complaints, ZH.trainings
_REF = re.compile(r"XM-\d{8}-\d{3,}")
_COMPLAINT_REF = re.compile(r"TS-\d{8}-\d{3,}")
QUIET_KILL_S = 30.0  # a round whose message count is not reached is killed after this
SAFETY_S = 180.0  # waiting for the bot process: a safety net, never a speed claim


@dataclass
class Options:
    """What to run."""

    rounds: int = 50
    seed: int = 1
    residents: int = 12
    settle_s: float = 10.0  # how long a simulated user waits for an answer before giving up
    min_messages: int = 1  # a round's kill comes after min..max_messages bot messages
    max_messages: int = 40
    timed_kills: bool = True  # also kill after a random time (off: message counts only)
    updates: str = "exact"  # "report": lost updates are counted, not a violation
    workdir: Path | None = None


class BotProcess:
    """``python -m bot run`` in ``workdir``, started again after every kill."""

    def __init__(self, workdir: Path, server: EmulatorServer) -> None:
        self.workdir = workdir
        self.server = server
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.killed = False  # by us: an exit at start-up is expected then

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
        return env | {
            "PYTHONPATH": str(REPO),
            "CHUANGYE_TOKEN": TOKEN,
            "CHUANGYE_BASE_URL": self.server.url,
            "CHUANGYE_ADMIN_IDS": str(ADMIN),
            "CHUANGYE_DB_PATH": str(self.workdir / "bot.sqlite3"),
        }

    async def cli(self, *args: str) -> None:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=self.workdir, env=self.env(),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"bot {' '.join(args)} failed: {err.decode()[-2000:]}")

    async def start(self) -> bool:
        """Start the bot and wait until it polls (its start-up, outbox pass and replays of
        interrupted updates included, is done); False if it was killed before that."""
        self.runs += 1
        self.killed = False
        polls = self.server.emulator.calls.get("getUpdates", 0)
        with (self.workdir / f"run-{self.runs:03d}.log").open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env(),
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        async with asyncio.timeout(SAFETY_S):
            while self.server.emulator.calls.get("getUpdates", 0) <= polls:
                if self.proc.returncode is not None:
                    if self.killed:
                        return False
                    raise RuntimeError(f"the bot exited at start:\n{self.logs()[-3000:]}")
                await asyncio.sleep(0.02)  # another process starts; nothing to wait on
        return True

    def kill(self) -> None:
        """SIGKILL, no goodbye."""
        self.killed = True
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)

    async def wait(self) -> int:
        assert self.proc is not None
        async with asyncio.timeout(SAFETY_S):
            return await self.proc.wait()

    async def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await self.wait()

    def logs(self) -> str:
        return "".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(self.workdir.glob("run-*.log"))
        )


class Load:
    """Residents and an admin acting until told to stop; an unanswered step is abandoned."""

    def __init__(self, server: EmulatorServer, options: Options) -> None:
        self.server = server
        self.options = options
        self.stop = asyncio.Event()
        self.rng = random.Random(options.seed)
        self.names = 0
        ids = range(FIRST_RESIDENT, FIRST_RESIDENT + options.residents)
        self.residents = [server.user(uid, first_name=f"居民{uid}") for uid in ids]
        self.admin = server.user(ADMIN, first_name="王主任")

    async def run(self) -> None:
        tasks = [self._resident(u, random.Random(self.rng.random())) for u in self.residents]
        await asyncio.gather(self._admin(), *tasks)

    async def _steps(self, user: HttpSimUser, steps: list[tuple[str, str]]) -> bool:
        for action, value in steps:
            if self.stop.is_set():
                return False
            try:
                if action == "send":
                    await user.send(value)
                elif action == "press":
                    await user.press(value)
                elif action == "press_any":  # the first of these labels on screen
                    labels = value.split("|")
                    found = next((x for x in labels if _has_button(user, x)), labels[0])
                    await user.press(found)
                else:
                    await user.share_contact(value)
            except ButtonNotFoundError:
                user.settled = False
            if not user.settled:  # the bot is down or lost this step: start over later
                await user.send("/cancel")
                return False
        return True

    async def _resident(self, user: HttpSimUser, rng: random.Random) -> None:
        await self._steps(user, [("send", "/start")])
        while not self.stop.is_set():
            pick = rng.random()
            if pick < 0.5:
                self.names += 1
                name = f"混沌项目{self.names:04d}号"
                await self._steps(user, [
                    ("send", "/register"), ("send", name), ("press", "木材加工"),
                    ("press", "示例一村"), ("press", "返乡创业人员"), ("send", "50"),
                    ("send", "12"), ("contact", "+8613800138000"),
                    ("press", R.btn_no_referrer), ("press", ZH.form.btn_submit),
                ])  # fmt: skip
            elif pick < 0.8:
                join = f"{T.btn_join}|{T.btn_join_waitlist}"
                await self._steps(user, [("send", "/trainings"), ("press_any", join)])
            else:
                await self._steps(user, [
                    ("send", "/complaint"), ("send", "办营业执照被要求交额外的材料费"),
                    ("send", "镇市场监管所"), ("send", "上周三上午"), ("press", C.btn_skip),
                    ("press", C.btn_named), ("press", ZH.form.btn_submit),
                ])  # fmt: skip

    async def _admin(self) -> None:
        admin = self.admin
        await self._steps(admin, [("send", "/start")])
        while not self.stop.is_set():
            cards = [
                m for m in admin.bot_messages
                if any(b.get("text") == R.btn_approve for row in m.inline_buttons for b in row)
            ]  # fmt: skip
            for card in cards[:5]:
                # A card listed above may have been edited (decided) while an earlier one was
                # pressed: its 通过 button is gone then.
                data = next(
                    (
                        str(b["callback_data"])
                        for row in card.inline_buttons
                        for b in row
                        if b.get("text") == R.btn_approve
                    ),
                    None,
                )
                if data is None:
                    continue
                await admin.press_data(data, card)
                if self.stop.is_set():
                    break
            await asyncio.sleep(0.2)  # an admin glancing at the chat now and then


def _has_button(user: HttpSimUser, label: str) -> bool:
    try:
        user.find_button(label)
    except ButtonNotFoundError:
        return False
    return True


async def run(options: Options) -> Report:
    """Run the crash test and return what it saw."""
    report = Report()
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="chuangye-chaos-") as tmp:
        workdir = options.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        emulator = BotApiEmulator(token=TOKEN)
        delivered: list[int] = []
        emulator.update_listeners.append(lambda u: delivered.append(int(u["update_id"])))
        server = EmulatorServer(emulator, quiet=0.05, settle_timeout=options.settle_s)
        await server.start()
        bot = BotProcess(workdir, server)
        try:
            await bot.cli("db", "migrate")
            start = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=3)
            await bot.cli(
                "training", "add", "--title", "电商直播培训", "--start",
                f"{start:%Y-%m-%d} 09:00", "--place", "镇文化站", "--capacity", "3",
            )  # fmt: skip
            load = Load(server, options)
            await bot.start()
            driving = asyncio.create_task(load.run())
            for round_no in range(options.rounds):
                await _one_round(bot, emulator, rng, options, report, restart=round_no > 0)
            await bot.start()  # the last, clean run
            load.stop.set()
            async with asyncio.timeout(SAFETY_S):
                await driving
            await _drain(bot, workdir, emulator)
            await bot.terminate()
            check(
                report,
                workdir,
                emulator,
                ADMIN,
                delivered,
                bot.logs(),
                exact=options.updates == "exact",
            )
        finally:
            bot.kill()
            await server.stop()
    return report


async def _one_round(
    bot: BotProcess,
    emulator: BotApiEmulator,
    rng: random.Random,
    options: Options,
    report: Report,
    *,
    restart: bool,
) -> None:
    """(Re)start the bot, let it work until the kill point, then SIGKILL it."""
    report.rounds += 1
    killed = asyncio.Event()
    if options.timed_kills and rng.random() < 0.3:
        delay = rng.uniform(0.2, 3.0)
        if restart:
            await bot.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(killed.wait(), delay)  # the kill point is a time
        bot.kill()
    else:
        left = [rng.randint(options.min_messages, options.max_messages)]

        def on_message(message: StoredMessage) -> None:
            left[0] -= 1
            if left[0] == 0 and not killed.is_set():
                bot.kill()  # inside the emulator's answer: Telegram took it, the bot never hears
                killed.set()

        # Counted from the start: the kill may come while the bot resends or replays.
        emulator.message_listeners.append(on_message)
        try:
            if restart and not await bot.start():
                report.kills_at_start += 1
            with contextlib.suppress(TimeoutError):
                # The load keeps the bot talking; if it falls quiet, the kill comes anyway.
                await asyncio.wait_for(killed.wait(), QUIET_KILL_S)
        finally:
            emulator.message_listeners.remove(on_message)
        report.kills_mid_send += killed.is_set()
        bot.kill()
    report.kills += 1
    await bot.wait()


async def _drain(bot: BotProcess, workdir: Path, emulator: BotApiEmulator) -> None:
    """A last clean run (started after the last kill): wait until every update is taken and
    every message row settled."""
    async with asyncio.timeout(SAFETY_S):
        while emulator.pending_updates or _open_rows(workdir / "bot.sqlite3"):  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # the bot works in another process
        await asyncio.sleep(1.0)  # and finishes the updates it has taken


def _open_rows(db: Path) -> int:
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        outbox = conn.execute(
            "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
        ).fetchone()[0]
        notices = conn.execute(
            "SELECT count(*) FROM training_notices WHERE status IN ('pending', 'sending')"
        ).fetchone()[0]
    return int(outbox) + int(notices)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the counts; exit 1 on a violation."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--residents", type=int, default=12)
    parser.add_argument("--updates", choices=("exact", "report"), default="exact")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the files here")
    args = parser.parse_args(argv)
    options = Options(
        rounds=args.rounds,
        seed=args.seed,
        residents=args.residents,
        updates=args.updates,
        workdir=args.workdir,
    )
    report = asyncio.run(run(options))
    print(f"python -m benchmarks.chaos --rounds {args.rounds} --seed {args.seed}")
    for line in report.lines():
        print(line)
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
