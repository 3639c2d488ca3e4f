"""Project registration under load: registrations per second and p99 latency per dialog step.

1,000 simulated residents (``--quick``: 100) run the whole dialog at the same moment through
the real Application, the emulator and a fresh SQLite database: /register, name, three
button choices, investment, jobs, shared contact, referrer, submit (which also sends a card
to each of two admins). Every step's latency is the time from the user's update being queued
to the bot reporting it handled. The baseline is the bare echo bot (``benchmarks.echo``): the
same transport, update processor and simulated users, the same number of users each sending
as many messages as the dialog has steps, measured in the same run.

Run: ``.venv/bin/python -m benchmarks.bench_registration [--quick]``.

Latest numbers (2 vCPUs, load average about 1.5 from other jobs; Python 3.11.7; in-process
emulator; 2026-11-27)::

    case                          users  updates  seconds    per s   p50 ms   p99 ms  unit
    echo bot (baseline)            1000    10000     2.66   3753.6    256.0    307.6  updates/s
    echo bot + persistence         1000    10000     5.77   1734.1    496.0   1491.9  updates/s
    registration, every step       1000    10000    20.71    482.8   1917.2   3136.0  updates/s
    registration, end to end       1000     1000    20.71     48.3                    reg./s
      step: /register              1000     1000                     1463.4   2728.4
      step: name                   1000     1000                     2421.7   2529.5
      step: industry (button)      1000     1000                     2282.5   2375.7
      step: village (button)       1000     1000                     2198.7   2364.4
      step: applicant (button)     1000     1000                     1887.9   2007.0
      step: investment             1000     1000                     1525.3   1741.3
      step: jobs                   1000     1000                     1446.9   1606.6
      step: phone (contact)        1000     1000                     1677.0   1751.8
      step: referrer (button)      1000     1000                     1888.3   2345.8
      step: submit (button)        1000     1000                     2747.4   3219.7

Latencies are queueing under a burst: all 1,000 users move in lock-step, so each step waits
behind the other 999 users' updates (one user alone: a few ms per step). The registration
runs at about an eighth of the echo bot's update rate. Most of the gap is SQLite
persistence: every dialog step changes ``user_data`` (the draft) and the conversation state,
two serialised write transactions per update (the echo bot + persistence row writes almost
nothing, since its ``user_data`` never changes). The registration itself adds one write per
dialog (submit: duplicate check, reference number, referral credit) and two staff cards
per project. An earlier run, before the persistence skipped unchanged data and with the
machine more loaded, gave 214 updates/s and 21 registrations/s.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from benchmarks.echo import echo_throughput, percentile
from bot.settings import Settings
from bot.shell.emulator import Replies, SimUser
from bot.shell.harness import bot_harness
from bot.texts import get_texts
from db import projects as projects_repo

ZH = get_texts("zh")
R = ZH.registration
ADMINS = (900001, 900002)
STEPS: tuple[tuple[str, Callable[[SimUser, int], Awaitable[Replies]]], ...] = (
    ("/register", lambda u, i: u.send("/register")),
    ("name", lambda u, i: u.send(f"项目{i}")),
    ("industry (button)", lambda u, i: u.press("食用菌")),
    ("village (button)", lambda u, i: u.press("示例三村")),
    ("applicant (button)", lambda u, i: u.press("返乡创业人员")),
    ("investment", lambda u, i: u.send(f"{i % 97 + 1}万")),
    ("jobs", lambda u, i: u.send(f"{i % 13}")),
    ("phone (contact)", lambda u, i: u.press(R.btn_share_phone)),
    ("referrer (button)", lambda u, i: u.press(R.btn_no_referrer)),
    ("submit (button)", lambda u, i: u.press(ZH.form.btn_submit)),
)


async def registration_load(n_users: int) -> dict[str, Any]:
    """Run ``n_users`` registrations at once; per-step latencies and end-to-end throughput."""
    latencies: dict[str, list[float]] = {name: [] for name, _ in STEPS}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "bench.sqlite3", admin_ids=frozenset(ADMINS))
        async with bot_harness(settings) as harness:
            for admin_id in ADMINS:
                await harness.user(admin_id).send("/start")

            async def session(uid: int) -> str:
                user = harness.user(uid, first_name=f"居民{uid}")
                user.timeout = 300.0
                replies = Replies()
                for name, step in STEPS:
                    started = time.perf_counter()
                    replies = await step(user, uid)
                    latencies[name].append((time.perf_counter() - started) * 1000)
                match = re.search(r"XM-\d{4}-\d{4}", replies.text)
                if match is None:
                    raise AssertionError(f"user {uid} got no reference number: {replies.text}")
                return match[0]

            started = time.perf_counter()
            refs = await asyncio.gather(*(session(uid) for uid in range(10_000, 10_000 + n_users)))
            seconds = time.perf_counter() - started
            async with harness.running.services.db.read() as conn:
                stored = await projects_repo.list_projects(conn)
    if len(set(refs)) != n_users or len(stored) != n_users:
        raise AssertionError(f"{len(set(refs))} unique refs, {len(stored)} stored of {n_users}")
    return {"seconds": seconds, "latencies": latencies}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Measure registration and the echo baseline in one run; one row per measurement."""
    n_users = 100 if quick else 1000
    echo = asyncio.run(echo_throughput(n_users, len(STEPS)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "echo.sqlite3"
        echo_db = asyncio.run(echo_throughput(n_users, len(STEPS), db_path=path))
    reg = asyncio.run(registration_load(n_users))
    all_steps = [ms for values in reg["latencies"].values() for ms in values]
    rows: list[dict[str, Any]] = [
        {
            "case": label,
            "users": n_users,
            "updates": int(result["messages"]),
            "seconds": result["seconds"],
            "per_s": result["messages_per_s"],
            "unit": "updates/s",
            "p50_ms": result["p50_ms"],
            "p99_ms": result["p99_ms"],
        }
        for label, result in (("echo bot (baseline)", echo), ("echo bot + persistence", echo_db))
    ]
    rows += [
        {
            "case": "registration, every step",
            "users": n_users,
            "updates": len(all_steps),
            "seconds": reg["seconds"],
            "per_s": len(all_steps) / reg["seconds"],
            "unit": "updates/s",
            "p50_ms": statistics.median(all_steps),
            "p99_ms": percentile(all_steps, 99),
        },
        {
            "case": "registration, end to end",
            "users": n_users,
            "updates": n_users,
            "seconds": reg["seconds"],
            "per_s": n_users / reg["seconds"],
            "unit": "registrations/s",
            "p50_ms": 0.0,
            "p99_ms": 0.0,
        },
    ]
    for name, values in reg["latencies"].items():
        rows.append(
            {
                "case": f"  step: {name}",
                "users": n_users,
                "updates": len(values),
                "seconds": 0.0,
                "per_s": 0.0,
                "unit": "",
                "p50_ms": statistics.median(values),
                "p99_ms": percentile(values, 99),
            }
        )
    return rows


def main() -> None:
    """Print the table."""
    rows = run(quick="--quick" in sys.argv[1:])
    print(
        f"{'case':<28} {'users':>6} {'updates':>8} {'seconds':>8} {'per s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8}  unit"
    )
    for row in rows:
        print(
            f"{row['case']:<28} {row['users']:>6} {row['updates']:>8} "
            f"{row['seconds']:>8.2f} {row['per_s']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f}  {row['unit']}"
        )


if __name__ == "__main__":
    main()
