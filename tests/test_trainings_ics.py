"""The .ics of a session carries SEQUENCE and LAST-MODIFIED, so a moved session updates."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.services.training_calendar import calendar_file
from bot.shell.harness import BotHarness
from tests.conftest import ADMIN_ID
from tests.seed import START, publish_training


def _field(ics: bytes, name: str) -> str:
    [value] = [
        line.split(":", 1)[1] for line in ics.decode().split("\r\n") if line.startswith(f"{name}:")
    ]
    return value


async def test_a_moved_session_has_a_higher_sequence_and_its_change_time(
    bot: BotHarness, clock: FakeClock
) -> None:
    service = bot.running.services.trainings
    tid = await publish_training(bot)
    training = await service.get(tid)
    assert training is not None
    first = calendar_file(training, now=clock())
    assert _field(first, "SEQUENCE") == "0"
    assert _field(first, "LAST-MODIFIED") == clock().strftime("%Y%m%dT%H%M%SZ")

    moved_at = clock.advance(hours=3)
    await service.move(tid, START + timedelta(days=1), actor=ADMIN_ID)
    training = await service.get(tid)
    assert training is not None
    second = calendar_file(training, now=clock())
    assert int(_field(second, "SEQUENCE")) > int(_field(first, "SEQUENCE"))
    assert _field(second, "LAST-MODIFIED") == moved_at.strftime("%Y%m%dT%H%M%SZ")
    assert _field(second, "UID") == _field(first, "UID")
    assert _field(second, "DTSTART") == "20261206T060000Z"
