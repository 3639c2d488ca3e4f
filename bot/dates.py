"""Dates and times as people type them, in the town's time zone.

``parse_when("12月5日 14:00", now=..., tz=...)`` understands ISO-ish dates (``2026-12-05 14:00``,
``2026/12/5 14:00``), Chinese dates (``2026年12月5日``, ``12月5日``, ``12-05``), relative days
(今天, 明天, 后天, 大后天, 周三, 下周三, 本周五, 星期日), Chinese times (``14点``, ``下午3点``,
``下午3点半``, ``上午9点30分``, ``晚上7点``) and full-width digits (``１２月５日 １４：００``).
A date without a year means its next occurrence. A time is required: "明天" alone is refused,
since a session needs an hour. ``parse_end`` also takes a bare time (the same day as the start)
or a duration (``2小时``, ``90分钟``, ``1.5h``). Results are aware datetimes in ``tz``; the
current time always comes from the caller (a ``Clock``), never from the system.
Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.numbers import has_foreign_digits

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9, "十": 10}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}

_ISO_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
)
_MD_DATE = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})\s*(?:月\s*(?P<d1>\d{1,2})\s*[日号]?|[-/](?P<d2>\d{1,2}))"
)
_WEEK_DATE = re.compile(
    r"(?P<which>下下|下|本|这)?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天七])"
)
_RELATIVE = re.compile("|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)))
_PERIOD = r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|am|pm)?"
_CLOCK_TIME = re.compile(_PERIOD + r"\s*(?P<h>\d{1,2})\s*[:：]\s*(?P<mi>\d{2})\s*(?P<ap>am|pm)?")
_CN_TIME = re.compile(
    _PERIOD + r"\s*(?P<h>\d{1,2})\s*[点时](?:\s*(?P<half>半)|\s*(?P<mi>\d{1,2})\s*分?)?"
)
_DURATION = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>个?小时|个?钟头|h|hours?|hrs?|分钟|分|min|mins|minutes?)$"
)
_AFTERNOON = {"下午", "傍晚", "晚上", "今晚", "pm"}


class DateParseError(ValueError):
    """The text is not a date and time we understand (the message says which part)."""


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, Chinese numerals in times to digits.

    Digits of other scripts (٨, ፩) are refused, as at every number step (``bot.services.numbers``).
    """
    if has_foreign_digits(text):
        raise DateParseError("digits")
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"(?<=\d)t(?=\d)", " ", text)  # 2026-12-05T14:00
    # "三点", "十二点半", "九点十五分": only numerals right before 点/时/月/日/号 or after 点.
    return re.sub(r"[零〇一二两三四五六七八九十]+(?=\s*[点时月日号分])", _cn_number, text)


def _cn_number(match: re.Match[str]) -> str:
    chars = match.group(0)
    total, current = 0, 0
    for ch in chars:
        value = _CN_DIGITS[ch]
        if value == 10:
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + value
    return str(total + current)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """Parse a date and time as typed; raise ``DateParseError`` if it is not understood."""
    s = normalize(text)
    local_now = now.astimezone(tz)
    day, rest = _parse_date(s, local_now.date())
    at, rest = _parse_time(rest)
    if at is None:
        raise DateParseError("time")
    if day is None:
        raise DateParseError("date")
    if rest.strip(" ,，的"):
        raise DateParseError("extra")
    return datetime.combine(day, at, tzinfo=tz)


def parse_end(text: str, *, start: datetime, now: datetime, tz: ZoneInfo) -> datetime:
    """Parse an end: a duration ("2小时"), a bare time (same day as ``start``) or a full date."""
    s = normalize(text)
    duration = parse_duration(s)
    if duration is not None:
        try:
            return start + duration
        except OverflowError:  # 9999-12-31 plus hours: past the calendar's end
            raise DateParseError("far") from None
    try:
        return parse_when(s, now=now, tz=tz)
    except DateParseError as exc:
        if str(exc) != "date":
            raise
    at, rest = _parse_time(s)
    if at is None or rest.strip():
        raise DateParseError("time")
    return datetime.combine(start.astimezone(tz).date(), at, tzinfo=tz)


def parse_duration(text: str) -> timedelta | None:
    """``2小时`` / ``90分钟`` / ``1.5h`` as a timedelta, else None."""
    match = _DURATION.match(normalize(text).replace(" ", ""))
    if match is None:
        return None
    n = float(match["n"])
    hours = any(u in match["unit"] for u in ("时", "钟头", "h"))
    try:
        return timedelta(hours=n) if hours else timedelta(minutes=n)
    except OverflowError:  # "99999999999小时"
        raise DateParseError("far") from None


def _parse_date(s: str, today: date) -> tuple[date | None, str]:
    match = _ISO_DATE.search(s)
    if match:
        day = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
        return day, _cut(s, match)
    match = _MD_DATE.search(s)
    if match:
        month, dom = int(match["m"]), int(match["d1"] or match["d2"])
        day = _safe_date(today.year, month, dom)
        if day < today:
            day = _safe_date(today.year + 1, month, dom)
        return day, _cut(s, match)
    match = _RELATIVE.search(s)
    if match:
        return today + timedelta(days=_RELATIVE_DAYS[match.group(0)]), _cut(s, match)
    match = _WEEK_DATE.search(s)
    if match:
        monday = today - timedelta(days=today.weekday())
        weeks = {"下": 1, "下下": 2}.get(match["which"] or "", 0)
        day = monday + timedelta(weeks=weeks, days=_WEEKDAYS[match["wd"]])
        if match["which"] is None and day < today:
            day += timedelta(weeks=1)  # a bare "周三" means the coming one
        return day, _cut(s, match)
    return None, s


def _parse_time(s: str) -> tuple[time | None, str]:
    for pattern in (_CLOCK_TIME, _CN_TIME):
        match = pattern.search(s)
        if match is None:
            continue
        hour = int(match["h"])
        minute = 30 if match.groupdict().get("half") else int(match["mi"] or 0)
        period = match["period"] or match.groupdict().get("ap")
        if (period in _AFTERNOON and hour < 12) or (period == "中午" and hour < 6):
            hour += 12
        elif period in ("凌晨", "am") and hour == 12:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise DateParseError("time")
        return time(hour, minute), _cut(s, match)
    return None, s


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError("date") from None


def _cut(s: str, match: re.Match[str]) -> str:
    return s[: match.start()] + " " + s[match.end() :]
