"""One sending policy: a notice waits out a flood limit and arrives in the resident's language."""

from __future__ import annotations

from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator, ManualClock
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import users as users_repo
from tests.registration_flow import registered, staff_members

ZH = get_texts("zh")


async def test_approval_notice_outlasts_more_429s_than_the_rate_limiter_retries(
    settings: Settings,
) -> None:
    """Seven 429s in a row are waited out (7 s on Telegram's clock, within the 30 s bound)."""
    telegram = ManualClock()
    async with bot_harness(
        settings, emulator=BotApiEmulator(clock=telegram), sleep=telegram.sleep
    ) as harness:
        await _outlasts_429s(harness, telegram)


async def _outlasts_429s(harness: BotHarness, telegram: ManualClock) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 311)
    applicant = harness.user(311)
    before = len(applicant.bot_messages)
    harness.emulator.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, count=7, chat_id=311
    )
    await first.press(ZH.registration.btn_approve)
    notices = [m for m in applicant.bot_messages[before:] if project.ref_no in m.text]
    assert len(notices) == 1
    assert "已通过审核" in notices[0].text
    assert telegram.slept == 7  # each 429 waited out once, on the emulator's clock


async def test_approval_notice_is_in_the_language_the_service_read(harness: BotHarness) -> None:
    first, _ = await staff_members(harness)
    project = await registered(harness, 312)
    applicant = harness.user(312)
    async with harness.running.services.db.write() as conn:
        assert await users_repo.set_lang_override(conn, 312, "en")
    await first.press(ZH.registration.btn_approve)
    assert project.ref_no in applicant.last.text
    assert "has been approved" in applicant.last.text
