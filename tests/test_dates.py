"""Dates as people type them, in the town's time zone, relative to an injected "now"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dates import DateParseError, parse_duration, parse_end, parse_when

TZ = ZoneInfo("Asia/Shanghai")
# Tuesday 1 December 2026, 10:00 in Shanghai.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


# The moment each way of writing it means ("now" is Tuesday 1 December, 10:00).
SPELLINGS: list[tuple[datetime, tuple[str, ...]]] = [
    (
        datetime(2026, 12, 5, 14, 0),
        (
            "2026-12-05 14:00",
            "2026/12/5 14:00",
            "2026-12-05T14:00",
            "2026年12月5日 14:00",
            "12月5日 14:00",
            "12月5日14点",
            "１２月５日　１４：００",  # full-width
        ),
    ),
    (datetime(2026, 12, 5, 14, 30), ("12月5号 下午2点半",)),
    (datetime(2026, 12, 5, 9, 30), ("12-05 9:30",)),
    (datetime(2026, 12, 5, 15, 0), ("十二月五日 下午三点",)),
    (datetime(2026, 12, 2, 15, 0), ("明天下午3点",)),
    (datetime(2026, 12, 2, 9, 15), ("明天 上午9点15分",)),
    (datetime(2026, 12, 3, 19, 0), ("后天晚上7点",)),
    (datetime(2026, 12, 1, 16, 0), ("今天 16:00",)),
    (datetime(2026, 12, 9, 9, 0), ("下周三上午9点",)),
    (datetime(2026, 12, 4, 14, 0), ("周五 14:00",)),
    (datetime(2026, 12, 7, 8, 0), ("星期一 8:00",)),  # the coming Monday
    (datetime(2027, 1, 3, 9, 0), ("1月3日 9:00",)),  # no year: the next occurrence
]


@pytest.mark.parametrize(
    ("text", "expected"), [(text, when) for when, texts in SPELLINGS for text in texts]
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, tz=TZ) == expected.replace(tzinfo=TZ)


def test_result_is_in_the_settings_time_zone() -> None:
    parsed = parse_when("2026-12-05 14:00", now=NOW, tz=TZ)
    assert parsed.utcoffset() == timedelta(hours=8)
    utc = parse_when("2026-12-05 14:00", now=NOW, tz=ZoneInfo("UTC"))
    assert utc - parsed == timedelta(hours=8)


@pytest.mark.parametrize(
    "text", ["", "明天", "下午", "hello", "13月5日 10:00", "12月5日 25:00", "中午12点"]
)
def test_unreadable_dates_are_refused(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_when(text, now=NOW, tz=TZ)


def test_end_as_time_duration_or_date() -> None:
    start = parse_when("12月5日 14:00", now=NOW, tz=TZ)
    assert parse_end("16:00", start=start, now=NOW, tz=TZ) == start + timedelta(hours=2)
    assert parse_end("下午5点", start=start, now=NOW, tz=TZ) == start + timedelta(hours=3)
    assert parse_end("2小时", start=start, now=NOW, tz=TZ) == start + timedelta(hours=2)
    assert parse_end("90分钟", start=start, now=NOW, tz=TZ) == start + timedelta(minutes=90)
    assert parse_end("12月6日 9:00", start=start, now=NOW, tz=TZ) == start + timedelta(hours=19)
    with pytest.raises(DateParseError):
        parse_end("soon", start=start, now=NOW, tz=TZ)


def test_durations() -> None:
    assert parse_duration("1.5h") == timedelta(minutes=90)
    assert parse_duration("２个小时") == timedelta(hours=2)
    assert parse_duration("45 min") == timedelta(minutes=45)
    assert parse_duration("14:00") is None
