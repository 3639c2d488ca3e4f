"""A bare echo bot on the same machinery as the real one: the baseline for feature benchmarks.

``build_echo_application`` assembles a PTB Application with the bot's own transport
(``EmulatorRequest``), update processor (``UserOrderedProcessor``, per-user ordering) and
polling, but one handler that echoes text and no persistence, database or services. Whatever a
feature benchmark measures on top of this is the cost of the feature, not of PTB, the
emulator or the simulated users. ``echo_throughput`` drives it with concurrent ``SimUser``s.

With a ``Canned`` reply the same bot answers every message with one fixed message instead:
the Q&A benchmark passes a real answer of the bot (its HTML text and inline keyboard), to
tell what the shape of an answer costs in PTB and the emulator from what the bot's features
(search, question log, dialogs, persistence, rate limiter) cost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.processing import UserOrderedProcessor
from bot.sending import reply_unread
from bot.shell.app import MAX_CONCURRENT_UPDATES
from bot.shell.emulator import BotApiEmulator, EmulatorRequest, SimUser
from db.database import Database
from db.persistence import SQLitePersistence

EchoApp = Application[Any, Any, Any, Any, Any, Any]
EchoBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True)
class Canned:
    """A fixed reply: Telegram HTML, the plain text users see, and an inline keyboard (JSON)."""

    html: str
    plain: str
    keyboard: dict[str, Any]
    # Send it with ``bot.sending.reply_unread`` (as Q&A does) instead of ``reply_text``,
    # which parses the sent message back into a ``Message``.
    unread: bool = False


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def _canned_reply(
    canned: Canned,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer with ``canned``, its keyboard built anew each time as a handler would."""
        if update.effective_message is not None:
            keyboard = InlineKeyboardMarkup.de_json(canned.keyboard, context.bot)
            if canned.unread:
                await reply_unread(update.effective_message, canned.html, keyboard)
                return
            await update.effective_message.reply_text(
                canned.html, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )

    return reply


def build_echo_application(
    emulator: BotApiEmulator, database: Database | None = None, canned: Canned | None = None
) -> EchoApp:
    """An Application that echoes text, on the emulator, with the bot's update processor.

    With ``database``, it also has the bot's SQLite persistence (flushed after every update,
    as in the real bot), to tell the cost of persistence from the cost of a feature. With
    ``canned``, it answers every text with that message instead of echoing.
    """
    request = EmulatorRequest(emulator)
    builder = ApplicationBuilder().token(emulator.token).request(request)
    builder = builder.get_updates_request(request)
    if database is not None:
        builder = builder.persistence(SQLitePersistence(database))
    app, processor = echo_application(builder, canned)
    processor.listeners.append(emulator.mark_processed)
    return app


def echo_application(
    builder: EchoBuilder, canned: Canned | None = None
) -> tuple[EchoApp, UserOrderedProcessor]:
    """The echo bot (or the ``canned`` one) built by ``builder``, whose transport is set, with
    the bot's update processor."""
    processor = UserOrderedProcessor(MAX_CONCURRENT_UPDATES)
    if canned is not None:  # as the real bot: HTML unless a call says otherwise
        builder = builder.defaults(Defaults(parse_mode=ParseMode.HTML))
    app: EchoApp = builder.concurrent_updates(processor).build()
    processor.application = app
    callback = echo if canned is None else _canned_reply(canned)
    app.add_handler(MessageHandler(filters.TEXT, callback))
    return app, processor


@asynccontextmanager
async def running_echo_bot(
    emulator: BotApiEmulator, database: Database | None = None, canned: Canned | None = None
) -> AsyncIterator[EchoApp]:
    """Start the echo bot polling the emulator; stop it on exit."""
    app = build_echo_application(emulator, database, canned)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def echo_throughput(
    n_users: int, msgs_per_user: int, *, db_path: Path | None = None, canned: Canned | None = None
) -> dict[str, float]:
    """``n_users`` users each send ``msgs_per_user`` messages at once; throughput, latency, CPU.

    ``cpu_ms_per_update`` is this process's CPU time (every thread: the bot, the emulator, the
    simulated users, aiosqlite's) per message over the load, less noisy than the wall-clock
    rate on a shared machine.

    With ``db_path`` the echo bot keeps its ``user_data`` and chat data in the bot's SQLite
    persistence at that (new) path, like the real bot does. With ``canned`` every message
    is answered with that message (checked to arrive with its buttons).
    """
    emulator = BotApiEmulator()
    latencies: list[float] = []
    database = None if db_path is None else await Database.open(db_path)

    async def session(uid: int) -> None:
        user = SimUser(emulator, uid, first_name=f"u{uid}", timeout=120.0)
        for i in range(msgs_per_user):
            text = f"消息 {uid} {i}"
            started = time.perf_counter()
            replies = await user.send(text)
            latencies.append((time.perf_counter() - started) * 1000)
            expected = text if canned is None else canned.plain
            if replies.last.text != expected:
                raise AssertionError(f"echo bot answered {replies.last.text!r} to {text!r}")
            if canned is not None and replies.last.reply_markup != canned.keyboard:
                raise AssertionError("the canned answer arrived without its keyboard")

    try:
        async with running_echo_bot(emulator, database, canned):
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(session(uid) for uid in range(1, n_users + 1)))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        if database is not None:
            await database.close()
    messages = n_users * msgs_per_user
    return {
        "users": float(n_users),
        "messages": float(messages),
        "seconds": seconds,
        "messages_per_s": messages / seconds,
        "cpu_s": cpu,
        "cpu_ms_per_update": cpu / messages * 1000,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
    }
