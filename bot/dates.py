"""Dates and times as people type them, in the town's time zone.

``parse_when("12月5日 14:00", now=..., tz=...)`` understands ISO-ish dates (``2026-12-05 14:00``,
``2026/12/5 14:00``), Chinese dates (``2026年12月5日``, ``12月5日``, ``12-05``), relative days
(今天, 明天, 后天, 大后天, 周三, 下周三, 本周五, 星期日), Chinese times (``14点``, ``下午3点``,
``下午3点半``, ``上午9点30分``, ``晚上7点``) and full-width digits (``１２月５日 １４：００``).
A date without a year means its next occurrence. A time is required: "明天" alone is refused,
since a session needs an hour. ``parse_end`` also takes a bare time (the same day as the start)
or a duration as people say one (``2小时``, ``两个小时``, ``一个半小时``,
``2个半小时``, ``半小时``, ``1小时30分``, ``90分钟``, ``九十分钟``, ``三刻钟``, ``1.5h``,
``1h30``; not ``半天``, whose length nobody agrees on). Results are aware datetimes in ``tz``;
the current time always comes from the caller (a ``Clock``), never from the system.
Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.numbers import chinese_number, has_foreign_digits

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
_AMOUNT = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+"  # not mixed: no "一百20"
_MINUTES = r"(?:分钟|分|minutes?|mins?|m)"
# Hours (a number, 个, 半: "2个半小时"; or just 半: "半个小时") with minutes or 半 after them
# ("1小时30分", "1h30", "两小时半"), or minutes alone ("90分钟"), or quarters ("三刻钟").
# Spaces are removed first.
_DURATION = re.compile(
    rf"^(?:(?P<h>{_AMOUNT})(?P<ge>个)?)?(?P<half>半)?个?(?:小时|钟头|hours?|hrs?|h)"
    rf"(?:(?P<half_after>半)|(?P<m>{_AMOUNT}){_MINUTES}?)?"
    rf"$|^(?P<only_m>{_AMOUNT}){_MINUTES}$|^(?P<quarters>{_AMOUNT})刻钟$"
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
    duration = parse_duration(text)
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
    """``2小时`` / ``两个小时`` / ``一个半小时`` / ``90分钟`` / ``1h30`` as a timedelta,
    else None."""
    if has_foreign_digits(text):
        raise DateParseError("digits")
    # Not normalize(): its numerals-before-分 rewrite would split 一百二十分钟 into 一百20.
    match = _DURATION.match(unicodedata.normalize("NFKC", text).lower().replace(" ", ""))
    if match is None:
        return None
    if match["only_m"] is not None or match["quarters"] is not None:
        minutes = _amount(match["only_m"] or match["quarters"])
        if minutes is None:
            return None
        return _minutes(minutes if match["only_m"] is not None else minutes * 15)
    hours = 0.0 if match["h"] is None else _amount(match["h"])
    minutes = 0.0 if match["m"] is None else _amount(match["m"])
    if hours is None or minutes is None or minutes >= 60:
        return None
    if match["half"] or match["half_after"]:
        # 2个半小时, 两小时半, 半个小时: a whole number of hours (or none) and a half.
        if not hours.is_integer() or (match["half"] and match["h"] and not match["ge"]):
            return None
        hours += 0.5
    elif match["h"] is None:
        return None  # "小时" alone
    return _minutes(hours * 60 + minutes)


def _amount(text: str) -> float | None:
    """Digits or simple Chinese numerals (两, 十五, 一百二十)."""
    return float(text) if text[0].isdigit() else chinese_number(text)


def _minutes(minutes: float) -> timedelta:
    try:
        return timedelta(minutes=minutes)
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
