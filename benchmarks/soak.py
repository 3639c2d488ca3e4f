"""Soak: thousands of residents for minutes; memory over time, and nothing lost or doubled.

Simulated residents (default 3,000) arrive in waves through the real Application and the
in-process emulator, each doing one of: ask a few policy questions, register a project (the
whole dialog), or sign up for a training session (list, press 报名). It runs for ``--minutes``
(default 10; not part of CI), samples the process's RSS every 10 s, and at the end compares
what the residents did with what is stored: every question logged once, every registration
stored once with a unique reference number, every sign-up exactly once. Memory should stop
growing after warm-up (the first third of the run): the report gives the growth from the end
of warm-up to the end. The emulator forgets delivered messages after each wave, the staff's
cards included (Telegram's servers would keep them, not the bot), and bounds its own
bookkeeping (processed update ids, callback queries), so what grows is the bot.

Run: ``.venv/bin/python -m benchmarks.soak [--minutes 10] [--users 3000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from benchmarks.bench_search import questions as devset_questions
from benchmarks.common import current_rss_mb, describe, machine, peak_rss_mb
from bot.services.training_rules import MAX_CAPACITY
from bot.services.trainings import TrainingDraft
from bot.settings import Limits, Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts

ZH = get_texts("zh")
R, T = ZH.registration, ZH.trainings
ADMIN = 900001
WAVE = 200


class Ledger:
    """What the simulated residents did (to compare with what is stored)."""

    def __init__(self) -> None:
        self.questions = 0
        self.projects: Counter[int] = Counter()
        self.signups: set[int] = set()
        self.refs: list[str] = []
        self.actions: Counter[str] = Counter()


async def _ask(user: SimUser, qs: list[str], rng: random.Random, ledger: Ledger) -> None:
    for _ in range(rng.randint(1, 4)):
        replies = await user.send(rng.choice(qs))
        assert replies.messages, "a question got no answer"
        ledger.questions += 1
    ledger.actions["ask"] += 1


async def _register(user: SimUser, rng: random.Random, ledger: Ledger) -> None:
    await user.send("/register")
    await user.send(f"项目{user.id}-{ledger.projects[user.id]}")
    await user.press(rng.choice(["食用菌", "木材加工"]))
    await user.press("示例三村")
    await user.press("返乡创业人员")
    await user.send(f"{rng.randint(1, 500)}万")
    await user.send(str(rng.randint(0, 50)))
    await user.press(R.btn_share_phone)
    await user.press(R.btn_no_referrer)
    done = await user.press(ZH.form.btn_submit)
    assert "XM-" in done.text, done.text
    ledger.refs.append(done.text.split("XM-", 1)[1][:9])
    ledger.projects[user.id] += 1
    ledger.actions["register"] += 1


async def _sign_up(user: SimUser, ledger: Ledger) -> None:
    await user.send("/trainings")
    replies = await user.press(T.btn_join)
    assert replies.toast == T.toast_signed, replies.toast
    ledger.signups.add(user.id)
    ledger.actions["sign up"] += 1


async def _count(harness: BotHarness, sql: str) -> int:
    db = harness.running.services.db
    async with db.read() as conn, conn.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def _wave(
    harness: BotHarness, wave: list[int], rng: random.Random, qs: list[str], ledger: Ledger
) -> None:
    """Each resident of the wave asks, registers or signs up, all at once."""
    jobs = []
    for uid in wave:
        user = harness.user(uid, first_name=f"居民{uid}")
        user.timeout = 300.0
        roll = rng.random()
        if roll < 0.6:
            jobs.append(_ask(user, qs, rng, ledger))
        elif roll < 0.85 or uid in ledger.signups:
            jobs.append(_register(user, rng, ledger))
        else:
            jobs.append(_sign_up(user, ledger))
    await asyncio.gather(*jobs)
    # Every chat, the staff's too: each registration sends them a card to review.
    harness.emulator.forget_messages()


async def _stored(harness: BotHarness, training_id: int) -> dict[str, Any]:
    """What the store holds at the end: the soak's questions, projects and sign-ups."""
    return {
        "questions": await _count(
            harness, "SELECT COUNT(*) FROM questions WHERE user_id >= 2000000"
        ),
        "projects": await _count(harness, "SELECT COUNT(*) FROM projects"),
        "unique_refs": await _count(harness, "SELECT COUNT(DISTINCT ref_no) FROM projects"),
        "signups": await _count(
            harness,
            f"SELECT COUNT(*) FROM training_signups WHERE training_id = {training_id}",
        ),
        "per_user": await _count(
            harness,
            "SELECT COUNT(*) FROM (SELECT user_id, name, COUNT(*) c FROM projects "
            "GROUP BY user_id, name HAVING c > 1)",
        ),
        "integrity": await harness.running.services.db.integrity_ok(),
    }


def _report(
    ledger: Ledger,
    stored: dict[str, Any],
    samples: list[tuple[float, float]],
    elapsed: float,
    users: int,
    waves: int,
) -> dict[str, Any]:
    """What the residents did against what is stored, and memory after warm-up."""
    warm = [rss for t, rss in samples if t >= elapsed / 3]
    growth = (warm[-1] - warm[0]) if len(warm) >= 2 else 0.0
    expected_projects = sum(ledger.projects.values())
    return {
        "minutes": round(elapsed / 60, 2),
        "residents": users,
        "waves": waves,
        "actions": dict(ledger.actions),
        "questions": {"asked": ledger.questions, "stored": stored["questions"]},
        "projects": {
            "registered": expected_projects,
            "stored": stored["projects"],
            "unique_refs": stored["unique_refs"],
            "duplicated_names": stored["per_user"],
        },
        "signups": {"signed": len(ledger.signups), "stored": stored["signups"]},
        "integrity_ok": stored["integrity"],
        "rss_samples_mb": samples,
        "rss_after_warmup_growth_mb": round(growth, 1),
        "rss_median_after_warmup_mb": round(statistics.median(warm), 1) if warm else 0.0,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "lost_or_duplicated": (
            ledger.questions != stored["questions"]
            or expected_projects != stored["projects"]
            or stored["unique_refs"] != stored["projects"]
            or stored["per_user"] != 0
            or len(ledger.signups) != stored["signups"]
        ),
    }


async def soak(minutes: float, users: int, seed: int = 1) -> dict[str, Any]:
    """Run the soak and return the report."""
    rng = random.Random(seed)
    qs = devset_questions()
    ledger = Ledger()
    samples: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        limits = replace(Limits(), questions_per_minute=1_000, dialogs_per_hour=1_000)
        settings = Settings(
            db_path=Path(tmp) / "soak.sqlite3", admin_ids=frozenset({ADMIN}), limits=limits
        )
        async with bot_harness(settings) as harness:
            await harness.user(ADMIN).send("/start")
            start_at = harness.running.services.db.now() + timedelta(days=7)
            draft = TrainingDraft(
                "soak 培训", start_at, start_at + timedelta(hours=2), "镇上", MAX_CAPACITY
            )
            created = await harness.running.services.trainings.create(draft, actor=ADMIN)
            started = time.monotonic()
            deadline = started + minutes * 60
            next_sample = started
            population = list(range(2_000_000, 2_000_000 + users))
            waves = 0
            while time.monotonic() < deadline:
                await _wave(harness, rng.sample(population, min(WAVE, users)), rng, qs, ledger)
                waves += 1
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((round(now - started, 1), round(current_rss_mb(), 1)))
                    next_sample = now + 10
            elapsed = time.monotonic() - started
            samples.append((round(elapsed, 1), round(current_rss_mb(), 1)))
            stored = await _stored(harness, created.training.id)
    return _report(ledger, stored, samples, elapsed, users, waves)


def main() -> None:
    """Run and print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    print(f"machine: {describe(machine())}", flush=True)
    report = asyncio.run(soak(args.minutes, args.users))
    for t, rss in report["rss_samples_mb"]:
        print(f"  t={t:>6.1f}s  rss={rss:.1f} MB")
    summary = {k: v for k, v in report.items() if k != "rss_samples_mb"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    raise SystemExit(1 if report["lost_or_duplicated"] or not report["integrity_ok"] else 0)


if __name__ == "__main__":
    main()
