"""Long lists through the real Application: every list command answers in messages Telegram
accepts (the emulator refuses more than 4096 UTF-16 units with "Message is too long") and
shows every item.

The rows are seeded with the db repository functions, as long as the tables allow, so the
lists are far longer than one message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
import pytest

from bot.shell.emulator.html import utf16_len
from bot.shell.emulator.users import Replies
from bot.shell.harness import BotHarness
from db import contact_messages as contact_repo
from db import projects as projects_repo
from db import referrals as referrals_repo
from db import users as users_repo
from db.models import ProjectStatus
from tests.conftest import ADMIN_ID
from tests.hostile_text import watching
from tests.seed import add_complaint, add_project, add_question

RESIDENT = 8_100_001
REFERRER = 8_100_002


@asynccontextmanager
async def _seeding(harness: BotHarness) -> AsyncIterator[aiosqlite.Connection]:
    async with harness.running.services.db.write() as conn:
        yield conn


async def _person(conn: aiosqlite.Connection, harness: BotHarness, user_id: int, n: int) -> None:
    await users_repo.upsert_user(
        conn,
        user_id,
        first_name=f"居民{n}号" + "名" * 60,
        username=f"resident_{n}_" + "x" * 20,
        language_code="zh-hans",
        now=harness.running.services.clock(),
    )


def _accepted(replies: Replies) -> str:
    """Every message fits; all the text the user was shown."""
    assert replies.messages, "no reply"
    for message in replies.messages:
        assert utf16_len(message.text) <= 4096
    return replies.text


async def _send(harness: BotHarness, user_id: int, command: str) -> str:
    with watching() as watch:
        replies = await harness.user(user_id).send(command)
    watch.assert_clean(command)
    return _accepted(replies)


async def test_complaints_lists_every_open_complaint(harness: BotHarness) -> None:
    now = harness.running.services.clock()
    refs = []
    async with _seeding(harness) as conn:
        for n in range(20):
            filed = await add_complaint(
                conn,
                RESIDENT,
                anonymous=True,
                what=f"第{n}件：" + "乱收费" * 600,
                department=f"部门{n}" + "单位" * 97,
                happened_at_text="上周三",
                now=now,
            )
            refs.append(filed.complaint.ref_no)
    shown = await _send(harness, ADMIN_ID, "/complaints")
    assert all(ref in shown for ref in refs)
    assert all(f"部门{n}" in shown for n in range(20))
    # The buttons still come, under the last message.
    assert len(harness.user(ADMIN_ID).last.button_labels) == 20


async def test_inbox_lists_every_waiting_message(harness: BotHarness) -> None:
    now = harness.running.services.clock()
    async with _seeding(harness) as conn:
        for n in range(30):
            await _person(conn, harness, RESIDENT + 10 + n, n)
            text = f"留言{n}：" + "想问联保贷款" * 300
            await contact_repo.add_message(conn, RESIDENT + 10 + n, text, now=now)
    shown = await _send(harness, ADMIN_ID, "/inbox")
    assert all(f"#{n}" in shown for n in range(1, 31))
    assert all(f"居民{n}号" in shown for n in range(30))
    assert len(harness.user(ADMIN_ID).last.button_labels) == 30


async def _projects(harness: BotHarness, count: int) -> list[str]:
    now = harness.running.services.clock()
    refs = []
    async with _seeding(harness) as conn:
        await _person(conn, harness, RESIDENT, 1)
        await _person(conn, harness, REFERRER, 2)
        for n in range(count):
            project = await add_project(conn, RESIDENT, name=f"项目{n}" + "香菇大棚" * 14, now=now)
            await referrals_repo.credit_referral(
                conn, project_id=project.id, referrer_user_id=REFERRER, now=now
            )
            await projects_repo.set_project_status(
                conn,
                project.id,
                ProjectStatus.RETURNED,
                actor_id=ADMIN_ID,
                note=f"原因{n}：" + "材料不全" * 120,
                now=now,
            )
            refs.append(project.ref_no)
    return refs


async def test_myprojects_and_myreferrals_list_every_project(harness: BotHarness) -> None:
    refs = await _projects(harness, 40)
    shown = await _send(harness, RESIDENT, "/myprojects")
    assert all(ref in shown for ref in refs)
    assert all(f"原因{n}" in shown for n in range(40))
    shown = await _send(harness, REFERRER, "/myreferrals")
    assert all(ref in shown for ref in refs)


async def test_myprojects_splits_a_project_too_long_for_one_message(
    harness: BotHarness,
) -> None:
    # The table allows 4,096 characters of name; the block is then longer than a message.
    now = harness.running.services.clock()
    async with _seeding(harness) as conn:
        await _person(conn, harness, RESIDENT, 1)
        project = await add_project(conn, RESIDENT, name="<b>&amp;" + "长" * 4000 + "尾", now=now)
    shown = await _send(harness, RESIDENT, "/myprojects")
    assert project.ref_no in shown
    assert "<b>&amp;" in shown  # shown as typed, never parsed as markup
    assert shown.count("长") == 4000
    assert "尾" in shown


async def test_mydata_answers_in_messages_that_fit(harness: BotHarness) -> None:
    now = harness.running.services.clock()
    async with _seeding(harness) as conn:
        await _person(conn, harness, RESIDENT, 1)
        for n in range(4):
            text = f"第{n}条留言" + "请问" * 995
            await contact_repo.add_message(conn, RESIDENT, text, now=now)
    user = harness.user(RESIDENT)
    with watching() as watch:
        replies = await user.send("/mydata")
    watch.assert_clean("/mydata")
    shown = _accepted(replies)
    assert len(replies.messages) > 1
    assert all(f"第{n}条留言" in shown for n in range(4))


async def test_complaint_status_lists_every_named_complaint(harness: BotHarness) -> None:
    now = harness.running.services.clock()
    refs = []
    async with _seeding(harness) as conn:
        await _person(conn, harness, RESIDENT, 1)
        for _ in range(300):
            filed = await add_complaint(conn, RESIDENT, now=now)
            refs.append(filed.complaint.ref_no)
    shown = await _send(harness, RESIDENT, "/complaint_status")
    assert all(ref in shown for ref in refs)


async def test_unanswered_lists_every_group(harness: BotHarness) -> None:
    now = harness.running.services.clock()
    async with _seeding(harness) as conn:
        for group in range(10):
            # Letters no other group uses, so the groups stay apart; long, so each example
            # is clipped to its full width.
            letters = [chr(0x0100 + 12 * group + k) for k in range(12)]
            base = "".join(letters[(i * 5) % 12] for i in range(400))
            for example in range(3):
                await add_question(conn, f"{base}{example}", now=now)
    shown = await _send(harness, ADMIN_ID, "/unanswered")
    assert all(chr(0x0100 + 12 * group) in shown for group in range(10))
    assert len(harness.user(ADMIN_ID).last.button_labels) == 10


@pytest.mark.parametrize("command", ["/unanswered", "/stats"])
async def test_a_long_bad_argument_is_echoed_clipped(harness: BotHarness, command: str) -> None:
    # As long as Telegram lets a message be: echoed whole, the reply would be too long.
    shown = await _send(harness, ADMIN_ID, f"{command} {'x' * (4095 - len(command))}")
    assert "x" * 50 in shown
    assert "x" * 100 not in shown
