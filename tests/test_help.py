"""/help: residents see their commands, staff also see theirs; help and handlers agree."""

from __future__ import annotations

import re

import pytest

from bot.shell.app import published_commands
from bot.shell.harness import BotHarness
from bot.texts import LANGUAGES, get_texts
from tests.conftest import ADMIN_ID

ZH = get_texts("zh").common
COMMAND = re.compile(r"(?<![<\w])/([a-z_]+)")  # not the "/b" of "</b>"
STAFF = {
    "attendance",
    "review",
    "complaints",
    "inbox",
    "stats",
    "export",
    "unanswered",
    "kbreload",
    "broadcast",
    "newtraining",
}


def named(text: str) -> set[str]:
    return set(COMMAND.findall(text))


async def test_staff_see_a_staff_section_residents_do_not(harness: BotHarness) -> None:
    admin_help = (await harness.user(ADMIN_ID).send("/help")).last.text
    resident_help = (await harness.user(4101).send("/help")).last.text
    assert "工作人员命令" in admin_help
    assert named(admin_help) >= STAFF
    assert "工作人员命令" not in resident_help
    assert not STAFF & named(resident_help)
    assert {"subscribe", "unsubscribe", "complaint_status"} <= named(resident_help)


async def test_english_staff_section(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID, language_code="en")
    text = (await admin.send("/help")).last.text
    assert "Staff commands" in text
    assert named(text) >= STAFF


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_help_names_exactly_the_registered_commands(harness: BotHarness, lang: str) -> None:
    common = get_texts(lang).common
    registered = published_commands(harness.running.app)
    resident, staff = named(common.help), named(common.help_staff)
    assert resident | staff <= registered, "help names a command with no handler"
    # /help need not name itself.
    assert registered - {"help"} <= resident | staff, "a command is missing from /help"
    assert staff == STAFF
    assert not resident & STAFF
    # Telegram's command menu lists the same commands, split the same way.
    assert {c for c, _ in common.commands} == registered - STAFF
    assert {c for c, _ in common.staff_commands} == STAFF
