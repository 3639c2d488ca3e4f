"""``python -m bot training add|list|cancel``: manage training sessions from a shell.

The CLI has no running bot, so it cannot message anyone. ``add`` queues the announcement to
matching subscribers and ``cancel`` queues a cancellation notice for everyone signed up or
waitlisted, in the database; the running bot's dispatcher delivers them within a minute, or
at its next start. Dates are read like in the bot ("12月5日 14:00", "2026-12-05 14:00") in
the configured time zone. Imports no ``telegram``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.clock import system_clock
from bot.dates import DateParseError, parse_end, parse_when
from bot.services.training_rules import TrainingError, split_tags
from bot.services.trainings import ChangeResult, TrainingDraft, TrainingService
from bot.settings import Settings
from db.database import Database
from db.models import Training

EXIT_INVALID = 1
EXIT_USAGE = 2  # what argparse uses for a malformed option
TIME_EXAMPLES = '"2026-12-05 14:00", "12月5日 14:00"'
DEFAULT_LENGTH = timedelta(hours=2)
_ERRORS = {
    "past": "开始时间已经过去 / the start is in the past",
    "order": "结束要晚于开始 / the end must be after the start",
    "capacity": "名额须为 1-100000 / capacity must be 1-100000",
    "title": "标题须为 1-200 字 / the title must be 1-200 characters",
    "title_en": "英文标题最多 200 字 / the English title is at most 200 characters",
    "place": "地点须为 1-200 字 / the place must be 1-200 characters",
    "description": "介绍最多 1000 字 / the description is at most 1000 characters",
    "not_found": "没有这场培训 / no such session",
    "cancelled": "这场培训已经取消 / the session is already cancelled",
}
DELIVERY_NOTE = (
    "通知已记录，运行中的机器人会在 1 分钟内发出（未运行时在下次启动时发出）。\n"
    "Notices are queued; the running bot sends them within a minute (or at its next start)."
)


def add(args: argparse.Namespace, settings: Settings) -> int:
    """Publish a session and queue its announcement."""
    return asyncio.run(_add(args, settings))


def list_(args: argparse.Namespace, settings: Settings) -> int:
    """Print upcoming sessions (``--all``: every session) with seat counts."""
    return asyncio.run(_list(args, settings))


def cancel(args: argparse.Namespace, settings: Settings) -> int:
    """Cancel a session and queue the notices for those signed up."""
    return asyncio.run(_cancel(args, settings))


@asynccontextmanager
async def _service(settings: Settings) -> AsyncIterator[TrainingService]:
    """The training service on the configured database, closed after the block."""
    db = await Database.open(settings.db_path, clock=system_clock)
    try:
        yield TrainingService(db, system_clock, settings)
    finally:
        await db.close()


async def _change(
    settings: Settings, act: Callable[[TrainingService], Awaitable[ChangeResult]]
) -> ChangeResult | int:
    """Make a staff change; the exit code (with the reason printed) if it is refused."""
    async with _service(settings) as service:
        try:
            return await act(service)
        except TrainingError as exc:
            return _fail(_ERRORS.get(exc.code, exc.code))


def _fail(message: str) -> int:
    print(f"错误 / error: {message}", file=sys.stderr)
    return EXIT_INVALID


def _bad_time(option: str, value: str) -> int:
    """Name the option whose time could not be read, with examples; exit like argparse."""
    print(
        f"错误 / error: {option} 看不懂这个时间 / cannot read the time {value!r} "
        f"(例如 / e.g. {TIME_EXAMPLES})",
        file=sys.stderr,
    )
    return EXIT_USAGE


async def _add(args: argparse.Namespace, settings: Settings) -> int:
    now, tz = system_clock(), settings.timezone
    try:
        start = parse_when(args.start, now=now, tz=tz)
    except DateParseError:
        return _bad_time("--start", args.start)
    try:
        end = (
            start + DEFAULT_LENGTH
            if args.end is None
            else parse_end(args.end, start=start, now=now, tz=tz)
        )
    except DateParseError:
        return _bad_time("--end", args.end)
    draft = TrainingDraft(
        title=args.title,
        title_en=args.title_en,
        starts_at=start,
        ends_at=end,
        place=args.place,
        capacity=args.capacity,
        tags=split_tags(args.tags),
        target_group=args.target,
        description=args.description,
    )
    result = await _change(settings, lambda service: service.create(draft, actor=None))
    if isinstance(result, int):
        return result
    print(f"已发布 / published #{result.training.id}: {_line(result.training, settings)}")
    print(f"将通知订阅者 / subscribers to notify: {result.notified}")
    if result.notified:
        print(DELIVERY_NOTE)
    return 0


async def _list(args: argparse.Namespace, settings: Settings) -> int:
    async with _service(settings) as service:
        trainings = await service.list_sessions(include_past=args.all)
        overviews = [await service.overview(t.id) for t in trainings]
    if not trainings:
        print("没有培训 / no sessions")
        return 0
    for training, card in zip(trainings, overviews, strict=True):
        seats = f"{card.signed}/{training.capacity}" if card else "?"
        waiting = card.waitlisted if card else 0
        print(
            f"#{training.id:<4} {_line(training, settings)}  "
            f"报名 {seats} 候补 {waiting}  [{training.status.value}]"
        )
    return 0


async def _cancel(args: argparse.Namespace, settings: Settings) -> int:
    result = await _change(settings, lambda service: service.cancel(args.training_id, actor=None))
    if isinstance(result, int):
        return result
    print(f"已取消 / cancelled #{result.training.id}: {result.training.title}")
    print(f"待发取消通知 / cancellation notices queued: {result.notified}")
    print(DELIVERY_NOTE)
    return 0


def _line(training: Training, settings: Settings) -> str:
    start = training.starts_at.astimezone(settings.timezone)
    end = training.ends_at.astimezone(settings.timezone)
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} {training.title} @ {training.place}"
