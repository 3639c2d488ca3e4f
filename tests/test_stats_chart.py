"""/stats details staff tripped over: a reversed range, the month axis, the chart's file name."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from fontTools.ttLib import TTFont
from matplotlib.image import imread

from bot.charts import FONT_PATH, month_labels
from bot.clock import FakeClock
from bot.settings import Settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.registration_flow import fill

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
    months = ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_labels(months, get_texts("zh")) == ["11月\n2026年", "12月", "1月\n2027年", "2月"]
    assert month_labels(months, get_texts("en")) == ["Nov\n2026", "Dec", "Jan\n2027", "Feb"]
    assert not any("26-11" in label for label in month_labels(["2026-11"], get_texts("zh")))


async def test_the_chart_is_sent_as_a_dated_png(staff_bot: BotHarness) -> None:
    resident = staff_bot.user(4501)
    await fill(resident)
    await resident.press(ZH.form.btn_submit)
    replies = await staff_bot.user(ADMIN_ID).send("/stats")
    [chart] = [m for m in replies.messages if m.photo is not None]
    assert chart.photo is not None
    assert chart.photo[0] == "stats-2026-12-01.png"
    # The names are on the axes now: the caption carries no numbered legend.
    assert chart.text == get_texts("zh").stats.chart_caption
    image = imread(io.BytesIO(chart.photo[1]), format="png")
    height, width = image.shape[:2]
    assert width == 720
    assert height > 500
    red = (abs(image[..., 0] - 0xC4 / 255) < 0.02) & (abs(image[..., 1] - 0x1E / 255) < 0.02)
    assert red.sum() > 1000  # the village bar was drawn


def test_the_shipped_font_covers_every_chart_word_and_village() -> None:
    """Every character the chart writes in Chinese is in the bundled font (no empty boxes)."""
    cmap = TTFont(FONT_PATH).getBestCmap()
    s = get_texts("zh").stats
    words = [s.chart_by_village, s.chart_by_month, s.chart_projects, s.others, *s.month_abbrs]
    words += [
        "2026年",
        *Settings().town.villages,
        "柳树屯村杨家峪村李家堡村马家坨村大洼村青龙湾村",
    ]
    missing = {c for word in words for c in word if ord(c) not in cmap}
    assert not missing


def test_starting_the_bot_does_not_load_matplotlib() -> None:
    """matplotlib (about half a second) is loaded by the first chart, not at start-up."""
    code = (
        "import sys, bot.shell.app, bot.shell.cli, bot.charts, handlers.stats; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
