"""``/stats``: the campaign's numbers over a period, as compact tables that read well on a phone.

``parse_period`` turns what staff type (``2026-11-01 2026-11-30``, ``本月``, ``11月``, a single
date meaning "since then") into a half-open ``[since, until)`` range in the town's time zone.
``StatsService.report`` collects the counts from the repositories in one read; ``render_report``
lays them out as ``<pre>`` tables with labels from the texts (CJK characters count double,
so columns line up in a phone's monospace font). Imports no ``telegram``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.base import StoreService
from bot.services.dialog_words import NONE_WORDS
from bot.settings import Settings, TownSettings
from bot.texts import Html, Texts, fmt, status_label
from bot.texts.markup import escape
from db import attendance as attendance_repo
from db import referrals as referrals_repo
from db import stats as stats_repo
from db.attendance import AttendanceCounts
from db.database import Database
from db.models import (
    DecisionCounts,
    ProjectStats,
    ProjectStatus,
    ReferralCounts,
    SignupCounts,
    SignupStatus,
)

# A phone shows about 32 monospace columns; longer labels are cut with an ellipsis.
LABEL_COLUMNS = 16

_ISO_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_YEAR_MONTH = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})月?$")
_SEPARATORS = re.compile(r"\s*(?:~|～|至|到|—|\.\.)\s*|\s+")


class PeriodError(ValueError):
    """What staff typed is not a period we understand."""


class ReversedPeriodError(PeriodError):
    """Two dates, the first later than the last (``/stats 2026-12-01 2026-11-01``)."""

    def __init__(self, first: date, last: date) -> None:
        super().__init__(f"{first} > {last}")
        self.first = first
        self.last = last


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open range ``[since, until)``; None ends are open. ``first``/``last`` are days."""

    since: datetime | None
    until: datetime | None
    first: date | None
    last: date | None

    @property
    def is_all(self) -> bool:
        """No bounds at all."""
        return self.since is None and self.until is None


ALL_TIME = Period(None, None, None, None)


def _day(text: str) -> date | None:
    match = _ISO_DAY.match(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PeriodError(text) from None


def _days(first: date, last: date, tz: ZoneInfo) -> Period:
    if last < first:
        raise ReversedPeriodError(first, last)
    since = datetime.combine(first, time(), tzinfo=tz)
    until = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
    return Period(since, until, first, last)


def _month(year: int, month: int, tz: ZoneInfo) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"month {month}")
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return _days(first, following - timedelta(days=1), tz)


def parse_period(args: Sequence[str], *, now: datetime, tz: ZoneInfo) -> Period:
    """Understand ``[]``, ``本月``, ``上月``, ``今年``, ``11月``, ``2026-11``, one or two dates.

    One date means from that day until now; two dates are both included. A month without a
    year is the latest such month that has begun. Raises ``PeriodError``.
    """
    parts = [p for p in _SEPARATORS.split(unicodedata.normalize("NFKC", " ".join(args))) if p]
    today = now.astimezone(tz).date()
    if not parts:
        return ALL_TIME
    if len(parts) == 2:
        first, last = _day(parts[0]), _day(parts[1])
        if first is None or last is None:
            raise PeriodError(" ".join(parts))
        return _days(first, last, tz)
    if len(parts) > 2:
        raise PeriodError(" ".join(parts))
    word = parts[0].lower()
    if word in ("本月", "这个月", "当月", "month", "this-month"):
        return _month(today.year, today.month, tz)
    if word in ("上月", "上个月", "last-month"):
        previous = today.replace(day=1) - timedelta(days=1)
        return _month(previous.year, previous.month, tz)
    if word in ("今年", "本年", "year", "this-year"):
        return _days(date(today.year, 1, 1), date(today.year, 12, 31), tz)
    if word in ("去年", "last-year"):
        return _days(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), tz)
    if word in ("今天", "today"):
        return _days(today, today, tz)
    if word in ("本周", "这周", "week", "this-week"):
        monday = today - timedelta(days=today.weekday())
        return _days(monday, monday + timedelta(days=6), tz)
    if (day := _day(word)) is not None:
        since = datetime.combine(day, time(), tzinfo=tz)
        return Period(since, None, day, None)
    match = _YEAR_MONTH.match(word)
    if match is not None and (match[1] or word.endswith("月")):
        month = int(match[2])
        year = int(match[1]) if match[1] else today.year
        if not match[1] and month > today.month:
            year -= 1  # "11月" typed in February means last November
        return _month(year, month, tz)
    raise PeriodError(word)


@dataclass(frozen=True, slots=True)
class StatsReport:
    """Every number ``/stats`` shows for one period."""

    period: Period
    projects: ProjectStats
    by_month: tuple[tuple[str, int], ...]  # ("2026-11", n), oldest first
    referrals: ReferralCounts
    questions: DecisionCounts
    signups: SignupCounts
    attendance: AttendanceCounts


Versions = tuple[tuple[str, int], ...]
Counted = tuple[ProjectStats, tuple[tuple[str, int], ...], ReferralCounts, SignupCounts]
# Periods whose numbers are kept (staff look at a handful: all time, this month, last month).
_CACHED_PERIODS = 16


class StatsService(StoreService):
    """Collects the campaign's statistics from the repositories."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        super().__init__(db, clock, settings)
        # (since, until) -> (table versions, the numbers counted at those versions)
        self._cache: dict[tuple[datetime | None, datetime | None], tuple[Versions, Counted]] = {}

    def chart_filename(self) -> str:
        """``stats-2026-11-27.png``: the chart's file name, dated in the town's time zone."""
        return f"stats-{self._clock().astimezone(self._settings.timezone).date().isoformat()}.png"

    def period(self, args: Sequence[str]) -> Period:
        """The period staff typed, in the town's time zone; raises ``PeriodError``."""
        return parse_period(args, now=self._clock(), tz=self._settings.timezone)

    async def report(self, period: Period) -> StatsReport:
        """Count projects, referrals, questions, sign-ups and attendance in ``period``.

        Questions come from counters kept by triggers (``db.stats.count_questions``); the
        project, referral and sign-up numbers of a period are kept until one of their tables
        changes (``db.stats.versions``, also kept by triggers). Either way the numbers are
        those of a recount, and the report costs about the same at 500,000 questions as at
        500.
        """
        since, until = period.since, period.until
        tz = self._settings.timezone
        async with self._db.read() as conn:
            stamp = await stats_repo.versions(conn)
            key = (since, until)
            cached = self._cache.get(key)
            if cached is None or cached[0] != stamp:
                projects = await stats_repo.project_counts(conn, since=since, until=until)
                months = await stats_repo.projects_by_month(conn, tz, since=since, until=until)
                referrals = await referrals_repo.count_referrals(
                    conn, since=since, until=until, no_one=NONE_WORDS
                )
                signups = await stats_repo.count_signups(conn, since=since, until=until)
                cached = (stamp, (projects, tuple(sorted(months.items())), referrals, signups))
                if len(self._cache) >= _CACHED_PERIODS:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = cached
            questions = await stats_repo.count_questions(conn, since=since, until=until)
            # Depends on the time (sessions that have started), so never kept.
            attendance = await attendance_repo.attendance_counts(
                conn, now=self._clock(), since=since, until=until
            )
        projects, by_month, referrals, signups = cached[1]
        return StatsReport(
            period=period,
            projects=projects,
            by_month=by_month,
            referrals=referrals,
            questions=questions,
            signups=signups,
            attendance=attendance,
        )


# ------------------------------------------------------------------------------ rendering
def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font (CJK and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns, with an ellipsis when cut."""
    if display_width(text) <= columns:
        return text
    out = ""
    for char in text:
        if display_width(out + char) > columns - 1:
            break
        out += char
    return out + "…"


def percent(part: int, whole: int) -> str:
    """``"40.0%"``, or ``"-"`` when there is nothing to divide by."""
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def share(count: int, whole: int) -> str:
    """``"12 (40.0%)"``: a count and its share, as the report's own tables write them."""
    return f"{count} ({percent(count, whole)})"


def table(rows: Sequence[tuple[str, str]]) -> Html:
    """A ``<pre>`` block of label/value rows, labels padded so the values line up."""
    if not rows:
        return Html("")
    labels = [clip(label, LABEL_COLUMNS) for label, _ in rows]
    width = max(display_width(label) for label in labels)
    values = [value for _, value in rows]
    value_width = max(len(v.split(" ")[0]) for v in values)
    lines = []
    for label, value in zip(labels, values, strict=True):
        number, _, rest = value.partition(" ")
        pad = " " * (width - display_width(label))
        line = f"{label}{pad} {number.rjust(value_width)}" + (f" {rest}" if rest else "")
        lines.append(line.rstrip())
    return Html(f"<pre>{escape(chr(10).join(lines))}</pre>")


def _money(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def period_label(t: Texts, period: Period) -> str:
    """How the period is named in the report's title."""
    s = t.stats
    if period.first is None:
        return s.period_all
    if period.last is None:
        return fmt(s.period_since, first=period.first.isoformat())
    if period.first == period.last:
        return period.first.isoformat()
    return fmt(s.period_range, first=period.first.isoformat(), last=period.last.isoformat())


def render_report(t: Texts, report: StatsReport, town: TownSettings | None = None) -> Html:
    """The whole report as one HTML message (well under Telegram's 4096 characters); villages,
    industries and applicant types named in ``t``'s language where ``town`` has names for it."""
    s = t.stats
    r = report.referrals
    blocks = [
        fmt(s.title, period=period_label(t, report.period)),
        *_project_blocks(t, report, town),
    ]
    blocks.append(
        _block(
            s.referrals_header,
            [
                (s.referrals, str(r.total)),
                (s.referrals_linked, str(r.linked)),
                (s.referrals_named, str(r.named)),
                (s.referrals_eligible, share(r.eligible, r.total)),
            ],
        )
    )
    blocks.append(_block(s.questions_header, _question_rows(t, report.questions)))
    blocks.append(_block(s.trainings_header, _training_rows(t, report)))
    return Html("\n".join(blocks))


def _block(header: str, rows: Sequence[tuple[str, str]]) -> str:
    """A titled table of the report."""
    return Html(f"<b>{escape(header)}</b>\n") + table(rows)


def _project_blocks(t: Texts, report: StatsReport, town: TownSettings | None) -> list[str]:
    s = t.stats
    p = report.projects
    blocks = [
        fmt(s.projects_header, total=p.total)
        + "\n"
        + table(
            [(status_label(t, ProjectStatus(k)), share(n, p.total)) for k, n in p.by_status]
            + [(s.investment, _money(p.investment_wan)), (s.jobs, str(p.jobs))]
        )
    ]
    villages, unlisted = villages_grouped(t, p.by_village, town)
    for header, pairs in (
        (s.by_applicant_type, p.by_applicant_type),
        (s.by_village, villages),
        (s.by_industry, p.by_industry),
    ):
        if pairs:
            if town is not None and pairs is not villages:
                pairs = tuple((town.label(name, t.lang), n) for name, n in pairs)
            block = _block(header, _top(pairs, p.total, t))
            if pairs is villages and unlisted:  # the typed names, for the office to list
                names = t.common.list_separator.join(f"{v} {n}" for v, n in unlisted[:_TOP_ROWS])
                more = "…" if len(unlisted) > _TOP_ROWS else ""
                block += Html("\n") + fmt(s.unlisted_names, names=names + more)
            blocks.append(block)
    if report.by_month:
        blocks.append(_block(s.by_month, [(m, str(n)) for m, n in report.by_month[-12:]]))
    return blocks


def _question_rows(t: Texts, q: DecisionCounts) -> list[tuple[str, str]]:
    s = t.stats
    rated = q.up + q.down
    return [
        (s.asked, str(q.total)),
        (s.answered, share(q.answer, q.total)),
        (s.ambiguous, share(q.ambiguous, q.total)),
        (s.abstained, share(q.abstain, q.total)),
        (s.thumbs_up, f"{q.up}/{rated} ({percent(q.up, rated)})"),
    ]


def _training_rows(t: Texts, report: StatsReport) -> list[tuple[str, str]]:
    s, a = t.stats, t.attendance
    g, h = report.signups, report.attendance
    return [
        (status_label(t, SignupStatus.SIGNED), str(g.signed)),
        (status_label(t, SignupStatus.WAITLISTED), str(g.waitlisted)),
        (status_label(t, SignupStatus.CANCELLED), str(g.cancelled)),
        (s.sessions, str(g.sessions)),
        (s.people, str(g.people)),
        (a.stats_held, str(h.sessions)),
        (a.stats_came, str(h.attended)),
        (a.stats_absent, str(h.absent)),
        (a.stats_unmarked, str(h.unmarked)),
    ]


# Longer lists are cut after this many rows with an "others" row, to fit a phone screen.
_TOP_ROWS = 15


def villages_grouped(
    t: Texts, pairs: Sequence[tuple[str, int]], town: TownSettings | None
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """Projects by village as staff compare them, and the villages typed under 其他村.

    Each village of the town's list by name (in ``t``'s language); every village typed under
    其他村 counted in ONE 其他村（名单外） row: typed names vary ("王家庄", "王家庄村", a typo) and
    each would take a row of its own and push listed villages out of the top rows and the
    chart. The typed names come back apart, with their counts, for the office to add.
    """
    if town is None:
        return tuple(pairs), ()
    listed = [(town.label(v, t.lang), n) for v, n in pairs if v in town.villages]
    unlisted = tuple((v, n) for v, n in pairs if v not in town.villages)
    if unlisted:
        listed.append((t.stats.unlisted_villages, sum(n for _, n in unlisted)))
        listed.sort(key=lambda kv: -kv[1])  # stable: ties keep the report's order
    return tuple(listed), unlisted


def _top(pairs: Sequence[tuple[str, int]], total: int, t: Texts) -> list[tuple[str, str]]:
    shown = list(pairs[:_TOP_ROWS])
    rest = sum(n for _, n in pairs[_TOP_ROWS:])
    rows = [(label, share(n, total)) for label, n in shown]
    if rest:
        rows.append((t.stats.others, share(rest, total)))
    return rows
