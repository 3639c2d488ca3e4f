"""1,000 simulated residents registering at the same moment through the emulator."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import projects as projects_repo
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID

pytestmark = pytest.mark.slow  # a load test: minutes on a busy machine

ZH = get_texts("zh")
R = ZH.registration
USERS = 1000


async def register(harness: BotHarness, uid: int) -> str:
    """Run one resident's whole registration; return the reference number they were shown."""
    user = harness.user(uid, first_name=f"居民{uid}")
    user.timeout = 120.0
    await user.send("/register")
    await user.send(f"项目{uid}")
    await user.press("食用菌")
    await user.press("示例三村")
    await user.press("返乡创业人员")
    await user.send(f"{uid % 97 + 1}")
    await user.send(f"{uid % 13}")
    await user.press(R.btn_share_phone)
    await user.press(R.btn_no_referrer)
    replies = await user.press(ZH.form.btn_submit)
    match = re.search(r"XM-\d{4}-\d{4}", replies.text)
    assert match is not None, replies.text
    return match[0]


async def test_a_thousand_registrations_at_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    for admin_id in (ADMIN_ID, OTHER_ADMIN_ID):
        await harness.user(admin_id).send("/start")
    caplog.set_level(logging.WARNING)
    uids = range(10_000, 10_000 + USERS)
    shown = await asyncio.gather(*(register(harness, uid) for uid in uids))
    assert len(set(shown)) == USERS  # every reference number unique
    async with harness.running.services.db.read() as conn:
        projects = await projects_repo.list_projects(conn)
    assert len(projects) == USERS  # every project stored exactly once
    assert sorted(p.user_id or 0 for p in projects) == list(uids)
    assert sorted(p.ref_no for p in projects) == sorted(shown)
    assert {p.name for p in projects} == {f"项目{uid}" for uid in uids}
    numbers = sorted(int(p.ref_no.rsplit("-", 1)[1]) for p in projects)
    assert numbers == list(range(1, USERS + 1))  # gap-free
    assert "database is locked" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Every admin got a card for every project (a burst's cards go out in the background).
    await harness.running.services.outbox.wait_idle()
    for admin_id in (ADMIN_ID, OTHER_ADMIN_ID):
        cards = [m for m in harness.user(admin_id).bot_messages if m.text.startswith("🆕")]
        assert len(cards) == USERS, [r.getMessage() for r in caplog.records][:5]
