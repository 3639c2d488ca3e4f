"""A county's worth of data (issue 16), built through the project's own repositories.

``build(path, scale)`` fills a new database with, at scale 1: 100,000 residents with Chinese
names, 20,000 projects over 15 villages and the town's industries (a fifth approved, some
returned with a reason, most referred by another resident), 1,000 training sessions with
50,000 sign-ups (a few cancelled or waitlisted) and about 90,000 reminders, 500,000 logged
questions (the knowledge base's own example questions, answered, ambiguous or not, some rated),
and 25,000 residents' PTB ``user_data`` (language choice, registration drafts). Everything is
dated over the two years before ``NOW`` and written with ``db.users``, ``db.projects``,
``db.referrals``, ``db.trainings``, ``db.questions`` and ``SQLitePersistence``, so triggers,
sequences and constraints see exactly what the bot would write. Random but seeded: the same
scale gives the same database.

``cached(scale)`` returns the file under ``benchmarks/results/``, building it only when it is
missing (a full-size build takes a few minutes on a busy 2-core machine); the benchmarks copy
it before changing anything.

Run: ``.venv/bin/python -m benchmarks.county [--scale 0.1] [--force]`` prints the path.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.common import REPO
from bot.settings import DEFAULT_APPLICANT_TYPES, DEFAULT_INDUSTRIES
from db import projects as projects_repo
from db import questions as questions_repo
from db import referrals as referrals_repo
from db import training_delivery as delivery_repo
from db import trainings as trainings_repo
from db import users as users_repo
from db.database import Database
from db.models import Decision, Feedback, ProjectAnswers, ProjectStatus, SignupStatus
from db.persistence import SQLitePersistence
from db.rows import to_db_time
from db.trainings import TrainingDraft
from knowledge.loader import load_knowledge_base
from knowledge.normalize import compact

# Bump when what ``build`` writes changes, so cached files are rebuilt.
VERSION = 1
CACHE_DIR = REPO / "benchmarks" / "results"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
TZ = ZoneInfo("Asia/Shanghai")
FIRST_USER_ID = 5_000_000_000
STAFF_ID = 4_999_999_999

VILLAGES = (
    "石桥村", "柳树湾村", "大坪村", "龙潭村", "青山村", "白沙村", "新华村", "红星村",
    "河口村", "长岭村", "枫林村", "上坝村", "下坝村", "黄泥村", "竹园村",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆"
TRADES = ("木业", "家具厂", "养殖场", "合作社", "农家乐", "电商店", "模板厂", "物流站", "菌菇基地")
PLACES = ("镇政府三楼会议室", "镇文化站", "村委会议室", "创业孵化园培训室", "职业学校实训楼")
COURSES = (
    "电商直播入门", "食用菌栽培技术", "木材加工安全生产", "创业贷款政策解读",
    "畜禽养殖防疫", "农产品品牌与包装", "返乡创业经验交流", "财务记账基础",
)  # fmt: skip
ABSTAIN_TEXTS = ("今天天气怎么样", "镇上哪家饭店好吃", "孩子上学的事找谁", "你是机器人吗", "谢谢")


@dataclass(frozen=True, slots=True)
class Sizes:
    """How many of each thing ``build`` makes."""

    users: int
    projects: int
    trainings: int
    signups: int
    questions: int
    user_data: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """The issue's county at ``scale`` (1.0: 100,000 users ... 500,000 questions)."""

        def n(full: int) -> int:
            return max(1, round(full * scale))

        return cls(n(100_000), n(20_000), n(1_000), n(50_000), n(500_000), n(25_000))


def cache_path(scale: float) -> Path:
    """Where the database of ``scale`` is kept between runs."""
    return CACHE_DIR / f"county-v{VERSION}-scale{scale:g}.sqlite3"


def cached(scale: float, *, force: bool = False) -> Path:
    """The county database of ``scale``, built first if missing (or ``force``)."""
    path = cache_path(scale)
    if force or not path.is_file():
        tmp = path.with_suffix(".building")
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"building the county database at scale {scale:g} ...", file=sys.stderr, flush=True)
        asyncio.run(build(tmp, scale))
        # One self-contained file: fold the WAL in before renaming.
        with sqlite3.connect(tmp) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
        tmp.replace(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def copy_of(scale: float, dest: Path) -> Path:
    """A private copy of the cached database of ``scale`` at ``dest`` (benchmarks change it)."""
    shutil.copyfile(cached(scale), dest)
    return dest


def _when(rng: random.Random, start: datetime = NOW - SPAN, end: datetime = NOW) -> datetime:
    """A moment between ``start`` and ``end``, during the town's waking hours mostly."""
    moment = start + (end - start) * rng.random()
    local = moment.astimezone(TZ)
    if local.hour < 7:
        moment += timedelta(hours=8)
    return min(moment, end)


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


async def build(path: Path, scale: float, *, seed: int = 16) -> Sizes:
    """Fill a new database at ``path`` with the county of ``scale``; return the sizes."""
    sizes = Sizes.at(scale)
    rng = random.Random(seed)
    db = await Database.open(path, clock=lambda: NOW)
    try:
        joined = await _users(db, rng, sizes)
        await _projects(db, rng, sizes, joined)
        await _trainings(db, rng, sizes, joined)
        await _questions(db, rng, sizes, joined)
        await _user_data(db, rng, sizes)
    finally:
        await db.close()
    return sizes


async def _users(db: Database, rng: random.Random, sizes: Sizes) -> list[datetime]:
    joined = sorted(_when(rng) for _ in range(sizes.users))
    batch = 5_000
    for start in range(0, sizes.users, batch):
        async with db.write() as conn:
            for n in range(start, min(start + batch, sizes.users)):
                uid = FIRST_USER_ID + n
                await users_repo.upsert_user(
                    conn,
                    uid,
                    first_name=_name(rng),
                    username=f"cy{uid % 10_000_000}" if rng.random() < 0.3 else None,
                    language_code="en" if rng.random() < 0.02 else "zh-hans",
                    now=joined[n],
                )
    async with db.write() as conn:
        await users_repo.upsert_user(
            conn, STAFF_ID, first_name="镇创业办", username=None, language_code="zh", now=NOW
        )
    return joined


def _user(rng: random.Random, sizes: Sizes, joined: list[datetime], before: datetime) -> int:
    """A resident who had joined by ``before`` (ids are in joining order)."""
    lo, hi = 0, len(joined)
    while lo < hi:
        mid = (lo + hi) // 2
        if joined[mid] <= before:
            lo = mid + 1
        else:
            hi = mid
    return FIRST_USER_ID + rng.randrange(max(1, lo))


async def _projects(
    db: Database, rng: random.Random, sizes: Sizes, joined: list[datetime]
) -> None:
    times = sorted(_when(rng, NOW - SPAN + timedelta(days=3)) for _ in range(sizes.projects))
    batch = 1_000
    for start in range(0, sizes.projects, batch):
        async with db.write() as conn:
            for created in times[start : start + batch]:
                applicant = _user(rng, sizes, joined, created)
                village = rng.choice(VILLAGES)
                industry = rng.choice(DEFAULT_INDUSTRIES)
                project = await projects_repo.create_project(
                    conn,
                    user_id=applicant,
                    answers=ProjectAnswers(
                        name=f"{village[:-1]}{_name(rng)[0]}氏{rng.choice(TRADES)}",
                        industry=industry,
                        village=village,
                        applicant_type=rng.choice(DEFAULT_APPLICANT_TYPES),
                        investment_wan=round(rng.lognormvariate(3, 1), 1) + 0.5,
                        jobs=rng.randrange(0, 40),
                        phone=_phone(rng),
                    ),
                    referrer_note=None,
                    now=created.astimezone(TZ),
                )
                if rng.random() < 0.6:
                    referrer = _user(rng, sizes, joined, created)
                    if referrer != applicant:
                        await referrals_repo.credit_referral(
                            conn, project_id=project.id, referrer_user_id=referrer, now=created
                        )
                decided = min(created + timedelta(days=rng.uniform(0.2, 10)), NOW)
                roll = rng.random()
                if roll < 0.7:
                    await projects_repo.set_project_status(
                        conn, project.id, ProjectStatus.APPROVED, actor_id=STAFF_ID, now=decided
                    )
                elif roll < 0.8:
                    await projects_repo.set_project_status(
                        conn,
                        project.id,
                        ProjectStatus.RETURNED,
                        actor_id=STAFF_ID,
                        note="投资额与用工人数请核实后重新填写",
                        now=decided,
                    )


async def _trainings(
    db: Database, rng: random.Random, sizes: Sizes, joined: list[datetime]
) -> None:
    per_session = max(1, sizes.signups // sizes.trainings)
    offsets = (timedelta(hours=24), timedelta(hours=1))
    for n in range(sizes.trainings):
        created = _when(rng, NOW - SPAN, NOW - timedelta(days=1))
        starts = (created + timedelta(days=rng.uniform(3, 20))).replace(minute=0, second=0)
        async with db.write() as conn:
            draft = TrainingDraft(
                title=f"{rng.choice(COURSES)}（第{n // len(COURSES) + 1}期）",
                tags=(rng.choice(("电商", "种养", "木业", "政策", "技能")),),
                target_group=rng.choice(("返乡创业人员", "个体工商户", "全体村民", "")),
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                place=rng.choice(PLACES),
                description="请携带身份证，提前十分钟到场。",
                capacity=per_session,
            )
            training = await trainings_repo.insert_training(
                conn, draft, created_by=STAFF_ID, now=created
            )
            people: set[int] = set()
            while len(people) < per_session:
                people.add(_user(rng, sizes, joined, starts))
            signed: list[int] = []
            for uid in sorted(people):
                when = created + (starts - created) * rng.random() * 0.9
                roll = rng.random()
                status = SignupStatus.WAITLISTED if roll < 0.03 else SignupStatus.SIGNED
                await trainings_repo.enqueue(conn, training.id, uid, status, now=when)
                if roll > 0.95:
                    cancelled = when + (starts - when) / 2
                    await trainings_repo.cancel_signup(conn, training.id, uid, now=cancelled)
                elif status is SignupStatus.SIGNED:
                    signed.append(uid)
            await delivery_repo.plan_reminders(
                conn, training.id, signed, starts, offsets, now=created
            )
    # Reminders of past sessions went out; the bot's delivery marks them so.
    async with db.write() as conn:
        await conn.execute(
            "UPDATE reminders SET status = 'sent', attempted_at = due_at, sent_at = due_at "
            "WHERE due_at < ?",
            (to_db_time(NOW),),
        )


async def _questions(
    db: Database, rng: random.Random, sizes: Sizes, joined: list[datetime]
) -> None:
    kb = load_knowledge_base()
    asked = [(ex, topic.id) for topic in kb.topics for ex in topic.examples]
    times = sorted(_when(rng) for _ in range(sizes.questions))
    batch = 10_000
    for start in range(0, sizes.questions, batch):
        new: list[questions_repo.NewQuestion] = []
        for when in times[start : start + batch]:
            roll = rng.random()
            if roll < 0.75:
                text, topic = rng.choice(asked)
                decision, confidence = Decision.ANSWER, rng.uniform(0.6, 1.0)
            elif roll < 0.85:
                text, topic = rng.choice(asked)
                decision, confidence = Decision.AMBIGUOUS, rng.uniform(0.3, 0.6)
            else:
                text, topic = rng.choice(ABSTAIN_TEXTS), None
                decision, confidence = Decision.ABSTAIN, rng.uniform(0.0, 0.3)
            new.append(
                questions_repo.NewQuestion(
                    user_id=_user(rng, sizes, joined, when),
                    text=text,
                    normalized=compact(text),
                    decision=decision,
                    reason="" if decision is Decision.ANSWER else "low-margin",
                    topic_id=topic,
                    confidence=round(confidence, 3),
                    lang="zh",
                    now=when,
                )
            )
        async with db.write() as conn:
            ids = await questions_repo.log_questions(conn, new)
            for ident, q in zip(ids, new, strict=True):
                if q.decision is Decision.ANSWER and rng.random() < 0.08:
                    feedback = Feedback.UP if rng.random() < 0.8 else Feedback.DOWN
                    await questions_repo.set_feedback(
                        conn,
                        ident,
                        user_id=q.user_id or 0,
                        feedback=feedback,
                        now=q.now + timedelta(seconds=30),
                    )


async def _user_data(db: Database, rng: random.Random, sizes: Sizes) -> None:
    persistence = SQLitePersistence(db, tz=TZ)
    await persistence.get_user_data()
    for n in range(sizes.user_data):
        uid = FIRST_USER_ID + rng.randrange(sizes.users)
        data: dict[str, object] = {"lang": "zh"} if rng.random() < 0.3 else {}
        if rng.random() < 0.5:
            data["referral_code"] = f"r{uid % 10**8:08d}"
        if rng.random() < 0.1:
            data["registration_draft"] = {
                "name": f"{rng.choice(VILLAGES)}{rng.choice(TRADES)}",
                "industry": rng.choice(DEFAULT_INDUSTRIES),
                "village": rng.choice(VILLAGES),
                "investment_wan": round(rng.uniform(1, 200), 1),
            }
        data["seen"] = n
        await persistence.update_user_data(uid, data)


def main(argv: list[str] | None = None) -> int:
    """Build (or find) the county database and print its path."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.county", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the issue's county")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    print(cached(args.scale, force=args.force))
    return 0


if __name__ == "__main__":
    sys.exit(main())
