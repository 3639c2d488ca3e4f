"""Shared fixtures: settings on a temporary database and a running bot with simulated users."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot.clock import FakeClock
from bot.settings import OfficeContact, Settings, TownSettings
from bot.shell.harness import BotHarness, bot_harness
from db.database import Database
from tests import children

# Opt in to PTB 22's future timedelta API so its deprecation warning (an error here) is moot.
os.environ.setdefault("PTB_TIMEDELTA", "1")

ADMIN_ID = 900001
OTHER_ADMIN_ID = 900002


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own database file, two admins, a configured office."""
    return Settings(
        db_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID, OTHER_ADMIN_ID}),
        town=TownSettings(name="测试镇"),
        office=OfficeContact(
            name="测试镇创业办", phone="0000-1234567", address="测试路1号", hours="周一至周五"
        ),
    )


@pytest.fixture(autouse=True)
def no_orphans() -> Iterator[None]:
    """Whatever a test started (``tests.children.spawn``) is killed when it ends, even failed."""
    yield
    children.kill_all()


@pytest.fixture
def clock() -> FakeClock:
    """A clock tests can move."""
    return FakeClock()


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[BotHarness]:
    """The real bot running against the in-process emulator."""
    async with bot_harness(settings) as h:
        yield h


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[BotHarness]:
    """The real bot on the test's fake clock (2026-12-01 10:00 in Shanghai until moved)."""
    async with bot_harness(settings, clock=clock) as h:
        yield h


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on a temporary file, no bot."""
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the emulator's control API and a bot's endpoints (a 30 s safety net)."""
    async with httpx.AsyncClient(timeout=30) as c:
        yield c


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Property tests (hypothesis) run many examples each: mark them slow, with the load tests
    (``pytestmark`` in their modules), so ``-m "not slow"`` is the fast loop."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)
