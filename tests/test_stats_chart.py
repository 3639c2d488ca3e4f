"""/stats details staff tripped over: a reversed range, the month axis, the chart's file name."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.charts import month_labels
from bot.clock import FakeClock
from bot.settings import Settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.test_registration import fill

ZH = get_texts("zh")
R = ZH.registration


@pytest.fixture
async def staff_bot(settings: Settings) -> AsyncIterator[BotHarness]:
    async with bot_harness(settings, clock=FakeClock()) as h:  # 2026-12-01 in the town
        yield h


async def test_a_reversed_range_is_named_as_such(staff_bot: BotHarness) -> None:
    reply = (await staff_bot.user(ADMIN_ID).send("/stats 2026-12-01 2026-11-01")).text
    assert "开始日期 2026-12-01 晚于结束日期 2026-11-01" in reply
    assert "/stats 2026-11-01 2026-12-01" in reply
    assert "看不懂" not in reply


async def test_english_reversed_range(staff_bot: BotHarness) -> None:
    admin = staff_bot.user(ADMIN_ID, language_code="en")
    reply = (await admin.send("/stats 2026-12-01 2026-11-01")).text
    assert "start date 2026-12-01 is after the end date 2026-11-01" in reply


def test_month_axis_shows_the_month_and_the_year_below() -> None:
    assert month_labels(["2026-11", "2026-12", "2027-01", "2027-02"]) == [
        "11\n2026",
        "12",
        "1\n2027",
        "2",
    ]
    assert not any("26-11" in label for label in month_labels(["2026-11"]))


async def test_the_chart_is_sent_as_a_dated_png(staff_bot: BotHarness) -> None:
    resident = staff_bot.user(4501)
    await fill(resident)
    await resident.press(ZH.form.btn_submit)
    replies = await staff_bot.user(ADMIN_ID).send("/stats")
    [chart] = [m for m in replies.messages if m.photo is not None]
    assert chart.photo is not None
    assert chart.photo[0] == "stats-2026-12-01.png"
