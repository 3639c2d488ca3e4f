"""Database faults: read-only, full and locked. A clear log line, a polite reply, no damage.

Read-only is simulated with ``PRAGMA query_only`` on the bot's writer (as root, file modes do
not stop writes); a full disk with ``PRAGMA max_page_count`` (portable) and, where this process
may mount, a real 1 MB tmpfs filled to the brim; a locked database with another connection
holding ``BEGIN EXCLUSIVE`` longer than the bot's busy timeout. In every case the resident
gets the generic apology (never a traceback), the log names the update and the SQLite error,
the bot answers again once the fault is gone, and ``PRAGMA integrity_check`` passes.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db.database import BUSY_TIMEOUT_MS

ZH = get_texts("zh")
QUESTION = "新上的项目，头一年的税能返还吗？"


def _integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _questions(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0])


def _sqlite_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.getMessage()} {r.exc_info[1]!r}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.exc_info and isinstance(r.exc_info[1], sqlite3.Error)
    ]


async def _apologises(harness: BotHarness, uid: int) -> None:
    reply = await harness.user(uid).send(QUESTION)
    assert reply.texts == [ZH.common.error]  # one apology, nothing else


async def _answers(harness: BotHarness, uid: int) -> None:
    reply = await harness.user(uid).send(QUESTION)
    assert "税" in reply.last.text
    assert reply.last.text != ZH.common.error


async def test_read_only_database(harness: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    db = harness.running.services.db
    await _answers(harness, 4001)
    async with db.write() as conn:
        await conn.execute("PRAGMA query_only = 1")
    with caplog.at_level(logging.ERROR):
        await _apologises(harness, 4002)
    errors = _sqlite_errors(caplog)
    assert errors
    assert any("readonly" in e for e in errors), errors
    assert all("error while handling update" in e for e in errors)
    await db._writer.execute("PRAGMA query_only = 0")  # the operator fixed the mount
    await _answers(harness, 4002)
    assert _integrity(db.path) == "ok"


async def test_database_full(harness: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    db = harness.running.services.db
    await _answers(harness, 4101)
    async with db.write() as conn, conn.execute("PRAGMA page_count") as cur:
        row = await cur.fetchone()
    assert row is not None
    async with db.write() as conn:
        await conn.execute(f"PRAGMA max_page_count = {int(row[0])}")
    user = harness.user(4102)
    with caplog.at_level(logging.ERROR):
        for i in range(200):  # fill the last free pages until a write needs a new one
            reply = await user.send(f"{QUESTION} {'x' * 400} {i}")
            if reply.last.text == ZH.common.error:
                break
        else:
            pytest.fail("the database never filled up")
    errors = _sqlite_errors(caplog)
    assert any("full" in e for e in errors), errors
    async with db.write() as conn:
        await conn.execute("PRAGMA max_page_count = 1073741823")
    await _answers(harness, 4102)
    assert _integrity(db.path) == "ok"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (needs root and mount(8)); skipped where that is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("not allowed to mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_a_real_full_disk(
    settings: Settings, tiny_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = replace(settings, db_path=tiny_disk / "bot.sqlite3")
    async with bot_harness(settings) as harness:
        await _answers(harness, 4201)
        filler = tiny_disk / "filler"
        with filler.open("wb", buffering=0) as fh:  # take every free byte
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        user = harness.user(4202)
        with caplog.at_level(logging.ERROR):
            for i in range(300):
                reply = await user.send(f"{QUESTION} {'满' * 400} {i}")
                if reply.last.text == ZH.common.error:
                    break
            else:
                pytest.fail("the disk never filled up")
        assert _sqlite_errors(caplog)
        filler.unlink()  # the operator frees space: the bot carries on
        await _answers(harness, 4202)
        before = _questions(settings.db_path)
    assert _integrity(settings.db_path) == "ok"
    assert _questions(settings.db_path) == before


async def test_locked_database(harness: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    db = harness.running.services.db
    await _answers(harness, 4301)
    # The production busy timeout is 5 s; a shorter one keeps the test short, same behaviour.
    async with db.write() as conn:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS // 20}")
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with closing(sqlite3.connect(db.path, isolation_level=None)) as other:
            other.execute("BEGIN EXCLUSIVE")
            locked.set()
            release.wait(30)
            other.execute("COMMIT")

    holder = asyncio.create_task(asyncio.to_thread(hold_lock))
    await asyncio.to_thread(locked.wait, 10)
    with caplog.at_level(logging.ERROR):
        await _apologises(harness, 4302)  # waited the busy timeout, then gave up politely
    release.set()
    await holder
    errors = _sqlite_errors(caplog)
    assert any("locked" in e for e in errors), errors
    await _answers(harness, 4302)
    assert _integrity(db.path) == "ok"
