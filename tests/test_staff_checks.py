"""Every staff check goes through one rule (``bot.services.roles.is_staff``) and one guard
(``handlers.staff_guard``): refused the same way, logged and audited everywhere."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.audit import list_audit
from tests.conftest import ADMIN_ID

REPO = Path(__file__).resolve().parents[1]
ZH = get_texts("zh").common
RESIDENT = 4601


def sources() -> list[Path]:
    return sorted(p for pkg in ("bot", "handlers") for p in (REPO / pkg).rglob("*.py"))


def test_only_the_roles_service_asks_settings_who_is_admin() -> None:
    callers = [
        str(p.relative_to(REPO))
        for p in sources()
        if re.search(r"\.is_admin\(", p.read_text(encoding="utf-8"))
    ]
    assert callers == ["bot/services/roles.py"]


def test_only_the_guard_refuses_staff_actions() -> None:
    refusers = [
        str(p.relative_to(REPO))
        for p in (REPO / "handlers").rglob("*.py")
        if "common.not_allowed" in p.read_text(encoding="utf-8")
    ]
    assert refusers == ["handlers/staff_guard.py"]


async def test_a_forged_training_staff_button_is_refused_logged_and_audited(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    resident = harness.user(RESIDENT)
    await resident.send("/start")
    caplog.set_level(logging.WARNING, logger="handlers.staff_guard")
    refused = await resident.press_data("v1:tr:adm:1", message=resident.last)
    assert refused.toast == ZH.not_allowed
    assert any("refused denied:training" in r.getMessage() for r in caplog.records)
    assert str(RESIDENT) not in caplog.text  # the log names the action, not the person
    async with harness.running.services.db.read() as conn:
        denied = await list_audit(conn, actor_id=RESIDENT)
    assert [e.action for e in denied] == ["denied:training"]


async def test_staff_are_not_throttled_residents_are(harness: BotHarness) -> None:
    services = harness.running.services
    assert all(services.question_allowance(ADMIN_ID) == 0 for _ in range(100))
    assert any(services.question_allowance(RESIDENT) > 0 for _ in range(100))
