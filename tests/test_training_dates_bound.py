"""A session more than two years ahead is refused politely (no OverflowError at 9999-12-31)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.dates import DateParseError, parse_end
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.seed import publish_training

ZH = get_texts("zh")
T = ZH.trainings
TOO_FAR = dict(T.errors)["too_far"]


def test_the_end_of_the_calendar_is_a_parse_error_not_a_crash() -> None:
    start = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(DateParseError):
        parse_end("2小时", start=start, now=start, tz=UTC)
    with pytest.raises(DateParseError):
        parse_end("99999999999999小时", start=start, now=start, tz=UTC)


async def test_newtraining_refuses_a_start_years_ahead(bot: BotHarness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/newtraining")
    for answer in ("电商直播入门", "跳过", "电子商务", "返乡创业人员"):
        await admin.send(answer)
    replies = await admin.send("9999-12-31 23:00")
    assert replies.last.text.startswith(TOO_FAR)
    assert "4/8" in replies.last.text  # the start is asked again
    assert (await admin.send("2028-12-05 14:00")).last.text.startswith(TOO_FAR)
    assert (await admin.send("2027-12-05 14:00")).last.text.startswith("5/8")
    assert ZH.common.error not in "".join(m.text for m in admin.bot_messages)


async def test_a_move_years_ahead_is_refused(bot: BotHarness) -> None:
    await publish_training(bot)
    admin = bot.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    await admin.press(T.btn_move)
    assert (await admin.send("9999-12-31 23:00")).last.text.startswith(TOO_FAR)
