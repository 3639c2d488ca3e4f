"""/newtraining's end step understands a length as staff say it (tester3 #8): 两个小时,
一个半小时, 2个半小时, 90分钟 ...; what it cannot read gets examples of lengths and end times,
not of start times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.dates import DateParseError, parse_duration
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.dialog_state import draft_of

LENGTHS = {
    "两个小时": 120,
    "两小时": 120,
    "2个小时": 120,
    "２个小时": 120,
    "2个半小时": 150,
    "两个半钟头": 150,
    "一个半小时": 90,
    "一个小时": 60,
    "半小时": 30,
    "半个小时": 30,
    "1小时30分钟": 90,
    "一小时三十分": 90,
    "两小时半": 150,
    "2.5小时": 150,
    "90分钟": 90,
    "九十分钟": 90,
    "一百二十分钟": 120,
    "三刻钟": 45,
    "1.5h": 90,
    "1h30": 90,
    "2 hours": 120,
    "1 hour 30 min": 90,
    "45 min": 45,
}
# Not lengths: a time of day, a length nobody agrees on, nonsense around a unit.
NOT_LENGTHS = ("14:00", "3点半", "半天", "一天", "小时", "个半小时", "1.5个半小时", "1小时90分")


@pytest.mark.parametrize(("text", "minutes"), LENGTHS.items())
def test_everyday_lengths(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", NOT_LENGTHS)
def test_what_is_not_a_length(text: str) -> None:
    assert parse_duration(text) is None


def test_foreign_digits_are_refused_as_elsewhere() -> None:
    with pytest.raises(DateParseError):
        parse_duration("٢小时")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_end_step_takes_spoken_lengths_and_explains_lengths(
    bot: BotHarness, lang: str
) -> None:
    t = get_texts(lang)
    admin = bot.user(ADMIN_ID, language_code=lang)
    await admin.send("/newtraining")
    for answer in ("电商直播入门", "skip" if lang == "en" else "跳过", "电子商务", "返乡创业人员"):
        await admin.send(answer)
    assert (await admin.send("12月5日 14:00")).text.startswith("5/8")
    refused = await admin.send("半天")
    assert refused.text.startswith(t.trainings.bad_end)
    assert t.trainings.bad_date not in refused.text  # no start-time examples
    asked = await admin.send("2个半小时")
    assert asked.text.startswith("6/8")
    end = draft_of(bot, ADMIN_ID, "new_training")["end"]
    assert datetime.fromisoformat(end) == datetime(2026, 12, 5, 8, 30, tzinfo=UTC)  # 16:30
