"""Training reminders and announcements: startup with 100,000 pending reminders, and delivery
throughput against the rate limit.

Rebuild: a database holding 100,000 pending reminders (500 sessions x 100 residents x 2
offsets, 100 of them left 'sending' by a simulated crash) is reconciled and the dispatcher
armed, as ``_post_init`` does at startup; the whole bot start-up is timed on it too, and
against an empty database. The dispatcher keeps one JobQueue timer for the earliest due
reminder instead of a job per reminder, so startup cost does not grow with the backlog; for
comparison, the last row schedules one APScheduler job per reminder (the obvious design).

Throughput: an announcement to N subscribers through the real Application and the emulator:
with PTB's AIORateLimiter at Telegram's 30 messages/s; at 1,000/s against the emulator's
flood limit of 400/s (429 RetryAfter really happens and must be waited out); and with no limit
at all (the pipeline's own ceiling: claim, send, record per message).

Run: ``.venv/bin/python -m benchmarks.bench_trainings [--quick]``.

Latest numbers (2 vCPUs, Python 3.11.7, in-process emulator, 2026-11-27)::

    case                                  n   seconds     per s  note
    reconcile + arm                  100000      0.01   9824524  fill 1.0s
    bot start-up, backlog            100000     0.053   1890464  open, migrate, reconcile, arm
    bot start-up, empty                   0     0.048         0  open, migrate, reconcile, arm
    one job per reminder             100000     3.316     30161  for comparison; not used
    30/s limiter (Telegram)             300     9.011        33  delivered 300, 429s 0
    1000/s limiter, flood 400/s        2000     6.617       302  delivered 2000, 429s 4
    no limiter, no flood               2000     1.862      1074  delivered 2000, 429s 0

Startup does not grow with the backlog (two indexed statements). At Telegram's 30/s an
announcement to 2,000 subscribers takes about 67 s (the limiter's burst of 30, then 30/s);
the pipeline itself does about 1,000 messages/s, so the limit, not the bot, is the bottleneck.
Each 429 pauses every sender for ``retry_after`` (1 s here), and no message is lost.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.clock import FakeClock
from bot.services.delivery import Outcome
from bot.services.trainings import TrainingDraft, TrainingService
from bot.settings import Limits, Settings
from bot.shell.harness import bot_harness
from db.database import Database
from db.rows import to_db_time
from handlers.trainings import dispatch

Row = dict[str, object]
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def _fill(db: Database, sessions: int, residents: int, interrupted: int) -> int:
    """Insert sessions, residents, sign-ups and two pending reminders per sign-up."""
    ts = to_db_time(NOW)
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'u', ?, ?)",
            [(100_000 + u, ts, ts) for u in range(residents)],
        )
        reminders: list[tuple[Any, ...]] = []
        for s in range(sessions):
            start = NOW + timedelta(days=2, hours=s)
            cur = await conn.execute(
                "INSERT INTO trainings (title, starts_at, ends_at, place, capacity, created_at, "
                "updated_at) VALUES ('t', ?, ?, 'p', ?, ?, ?)",
                (to_db_time(start), to_db_time(start + timedelta(hours=2)), residents, ts, ts),
            )
            tid = cur.lastrowid
            await conn.executemany(
                "INSERT INTO training_signups (training_id, user_id, status, queued_at, "
                "created_at, updated_at, queue_no) VALUES (?, ?, 'signed', ?, ?, ?, ?)",
                [(tid, 100_000 + u, ts, ts, ts, u + 1) for u in range(residents)],
            )
            for offset in (timedelta(hours=24), timedelta(hours=1)):
                due = to_db_time(start - offset)
                secs = int(offset.total_seconds())
                reminders += [(tid, 100_000 + u, secs, due, ts) for u in range(residents)]
        await conn.executemany(
            "INSERT INTO reminders (training_id, user_id, offset_seconds, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            reminders,
        )
        await conn.execute(
            "UPDATE reminders SET status = 'sending', attempted_at = ? WHERE id <= ?",
            (ts, interrupted),
        )
    return len(reminders)


async def rebuild(quick: bool) -> list[Row]:
    """Startup reconciliation and arming with a large backlog of pending reminders."""
    sessions = 50 if quick else 500
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "bench.sqlite3")
        clock = FakeClock(NOW)
        db = await Database.open(settings.db_path, clock=clock)
        fill_start = time.perf_counter()
        count = await _fill(db, sessions, 100, interrupted=100)
        fill_s = time.perf_counter() - fill_start
        service = TrainingService(db, clock, settings)
        start = time.perf_counter()
        report = await service.reconcile()
        reconcile_s = time.perf_counter() - start
        start = time.perf_counter()
        await service.next_due()
        next_due_s = time.perf_counter() - start
        await db.close()
        rows.append(
            _row("reconcile + arm", count, reconcile_s + next_due_s, f"fill {fill_s:.1f}s")
        )
        assert report.interrupted == 100
        for label, path in (
            ("bot start-up, backlog", settings.db_path),
            ("bot start-up, empty", None),
        ):
            s = settings if path else replace(settings, db_path=Path(tmp) / "empty.sqlite3")
            start = time.perf_counter()
            async with bot_harness(s, clock=clock):
                elapsed = time.perf_counter() - start
            rows.append(
                _row(label, count if path else 0, elapsed, "open, migrate, reconcile, arm")
            )
        rows.append(await _one_job_per_reminder(count))
    return rows


async def _one_job_per_reminder(count: int) -> Row:
    """The design not taken: one APScheduler job per pending reminder."""
    from telegram.ext import ApplicationBuilder

    app = ApplicationBuilder().token("1:x").build()
    assert app.job_queue is not None

    async def noop(_: object) -> None:
        return None

    start = time.perf_counter()
    base = datetime.now(UTC) + timedelta(days=1)
    for i in range(count):
        app.job_queue.run_once(noop, when=base + timedelta(seconds=i % 86_400), name=str(i))
    elapsed = time.perf_counter() - start
    return _row("one job per reminder", count, elapsed, "for comparison; not used")


async def throughput(quick: bool) -> list[Row]:
    """Announcement delivery through the real Application and the emulator."""
    cases = [
        ("30/s limiter (Telegram)", 30.0, None, 150 if quick else 300),
        ("1000/s limiter, flood 400/s", 1000.0, 400, 1000 if quick else 2000),
        ("no limiter, no flood", None, None, 1000 if quick else 2000),
    ]
    rows: list[Row] = []
    for label, rate, flood, n in cases:
        with tempfile.TemporaryDirectory() as tmp:
            limits = replace(Limits(), messages_per_second=rate or 30.0)
            settings = Settings(db_path=Path(tmp) / "bench.sqlite3", limits=limits)
            clock = FakeClock(NOW)
            async with bot_harness(settings, clock=clock, rate_limit=rate is not None) as h:
                db = h.running.services.db
                ts = to_db_time(NOW)
                async with db.write() as conn:
                    ids = [200_000 + i for i in range(n)]
                    await conn.executemany(
                        "INSERT INTO users (id, first_name, created_at, last_seen_at) "
                        "VALUES (?, 'u', ?, ?)",
                        [(uid, ts, ts) for uid in ids],
                    )
                    await conn.executemany(
                        "INSERT INTO subscriptions (user_id, tag, created_at) VALUES (?, '*', ?)",
                        [(uid, ts) for uid in ids],
                    )
                for uid in ids:
                    h.user(uid)
                h.emulator.flood_per_second = flood
                # Let the startup dispatch finish so it does not share the measurement.
                await dispatch(h.running.app)
                start_at = NOW + timedelta(days=3)
                draft = TrainingDraft("t", start_at, start_at + timedelta(hours=2), "p", 10)
                started = time.perf_counter()
                await h.running.services.trainings.create(draft, actor=None)
                report = await dispatch(h.running.app)
                elapsed = time.perf_counter() - started
                note = f"delivered {report[Outcome.DELIVERED]}, 429s {h.emulator.flood_hits}"
                rows.append(_row(label, n, elapsed, note))
    return rows


def _row(case: str, n: int, seconds: float, note: str) -> Row:
    return {
        "case": case,
        "n": n,
        "seconds": round(seconds, 3),
        "per_second": round(n / seconds) if seconds > 0 and n else 0,
        "note": note,
    }


def run(quick: bool = False) -> list[Row]:
    """Every measurement, as rows (``quick``: 10,000 reminders, fewer messages)."""

    async def both() -> list[Row]:
        return await rebuild(quick) + await throughput(quick)

    return asyncio.run(both())


def main() -> None:
    """Print the table."""
    quick = "--quick" in sys.argv
    print(f"{'case':<30} {'n':>8} {'seconds':>9} {'per s':>9}  note")
    for row in run(quick=quick):
        print(
            f"{row['case']!s:<30} {row['n']:>8} {row['seconds']:>9} {row['per_second']:>9}  "
            f"{row['note']}"
        )


if __name__ == "__main__":
    main()
