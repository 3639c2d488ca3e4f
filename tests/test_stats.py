"""Staff /stats: period parsing, and numbers equal to what was seeded (repositories, bot)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite
import pytest

from bot.clock import FakeClock
from bot.services.stats import PeriodError, display_width, parse_period, table
from bot.settings import Settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import projects as projects_repo
from db import questions as questions_repo
from db import referrals as referrals_repo
from db import trainings as trainings_repo
from db import users as users_repo
from db.audit import list_audit
from db.models import Decision, Feedback, ProjectAnswers, ProjectStatus, SignupStatus
from tests.conftest import ADMIN_ID
from tests.seed import add_question, training

ZH = get_texts("zh")
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in the town


def local(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


# ------------------------------------------------------------------------------ periods
@pytest.mark.parametrize(
    ("args", "first", "last"),
    [
        (["2026-11-01", "2026-11-30"], date(2026, 11, 1), date(2026, 11, 30)),
        (["2026-11-01~2026-11-30"], date(2026, 11, 1), date(2026, 11, 30)),
        (["2026/11/01", "至", "2026/11/30"], date(2026, 11, 1), date(2026, 11, 30)),
        (["本月"], date(2026, 11, 1), date(2026, 11, 30)),
        (["上月"], date(2026, 10, 1), date(2026, 10, 31)),
        (["11月"], date(2026, 11, 1), date(2026, 11, 30)),
        (["12月"], date(2025, 12, 1), date(2025, 12, 31)),  # not begun yet: last year's
        (["2026-02"], date(2026, 2, 1), date(2026, 2, 28)),
        (["今年"], date(2026, 1, 1), date(2026, 12, 31)),
        (["今天"], date(2026, 11, 27), date(2026, 11, 27)),
        (["２０２６－１１－０１"], date(2026, 11, 1), None),  # full-width digits, open end
    ],
)
def test_parse_period(args: list[str], first: date, last: date | None) -> None:
    period = parse_period(args, now=NOW, tz=TZ)
    assert (period.first, period.last) == (first, last)
    assert period.since == datetime(first.year, first.month, first.day, tzinfo=TZ)
    if last is None:
        assert period.until is None
    else:
        assert period.until == datetime(last.year, last.month, last.day, tzinfo=TZ) + timedelta(
            days=1
        )


def test_parse_period_all_and_errors() -> None:
    assert parse_period([], now=NOW, tz=TZ).is_all
    for bad in (["明年的某天"], ["2026-13-01"], ["2026-11-30", "2026-11-01"], ["a", "b", "c"]):
        with pytest.raises(PeriodError):
            parse_period(bad, now=NOW, tz=TZ)


def test_table_aligns_cjk_labels() -> None:
    html = table([("党员", "12 (40.0%)"), ("返乡创业人员", "3 (10.0%)"), ("x", "150")])
    lines = html.removeprefix("<pre>").removesuffix("</pre>").split("\n")
    # The numbers end in the same display column whatever the label's script.
    ends = [display_width(line.split(" (")[0].rstrip()) for line in lines]
    assert len(set(ends)) == 1
    assert lines[0].startswith("党员")
    assert lines[0].endswith("12 (40.0%)")


# ------------------------------------------------------------------------ through the bot
@pytest.fixture
async def staff_bot(settings: Settings) -> AsyncIterator[BotHarness]:
    town = replace(settings.town, villages=("东村", "西村", *settings.town.villages))
    async with bot_harness(replace(settings, town=town), clock=FakeClock(NOW)) as h:
        yield h


# (user, village, industry, applicant type, investment, jobs, created)
PROJECTS = [
    (1, "东村", "建筑模板", "党员", 100.0, 10, local(2026, 11, 3)),
    (2, "东村", "木材加工", "党员", 50.5, 5, local(2026, 11, 10)),
    (3, "西村", "建筑模板", "返乡创业人员", 30.0, 3, local(2026, 11, 20)),
    (4, "西村", "物流流通", "机关干部", 80.0, 8, local(2026, 10, 15)),  # October
]


async def _seed(h: BotHarness) -> None:
    async with h.running.services.db.write() as conn:
        for uid in range(1, 7):
            await users_repo.upsert_user(
                conn, uid, first_name=f"居民{uid}", username=None, language_code="zh", now=NOW
            )
        await _seed_projects(conn)
        # Questions logged directly: an ambiguous one with 👎, an answered one with 👍.
        for decision, topic, fb in (
            (Decision.AMBIGUOUS, "loan", Feedback.DOWN),
            (Decision.ANSWER, "tax-rebate", Feedback.UP),
        ):
            q = await add_question(
                conn,
                "问题",
                user_id=1,
                decision=decision,
                reason="r",
                topic_id=topic,
                confidence=0.6,
                now=local(2026, 11, 5),
            )
            await questions_repo.set_feedback(conn, q.id, user_id=1, feedback=fb, now=NOW)
        await _seed_training(conn)


async def _seed_projects(conn: aiosqlite.Connection) -> None:
    """``PROJECTS``: the first approved, the second returned; two referrals in November."""
    ids = []
    for uid, village, industry, kind, money, jobs, created in PROJECTS:
        answers = ProjectAnswers(f"项目{uid}", industry, village, kind, money, jobs, "13800000000")
        project = await projects_repo.create_project(
            conn, user_id=uid, answers=answers, now=created
        )
        ids.append(project.id)
    await projects_repo.set_project_status(
        conn, ids[0], ProjectStatus.APPROVED, actor_id=ADMIN_ID, now=local(2026, 11, 4)
    )
    await projects_repo.set_project_status(
        conn,
        ids[1],
        ProjectStatus.RETURNED,
        actor_id=ADMIN_ID,
        note="材料不全",
        now=local(2026, 11, 11),
    )
    # Referrals in November: one for the approved project (eligible), one not.
    for pid, referrer, when in (
        (ids[0], 5, local(2026, 11, 3)),
        (ids[2], 6, local(2026, 11, 20)),
    ):
        outcome = await referrals_repo.credit_referral(
            conn, project_id=pid, referrer_user_id=referrer, now=when
        )
        assert outcome.credited


async def _seed_training(conn: aiosqlite.Connection) -> None:
    """A session of 2 seats on 5 Dec: users 1 and 2 signed up, 3 on the waitlist."""
    draft = training(local(2026, 12, 5, 14), title="建筑模板技术培训", place="镇政府")
    session = await trainings_repo.insert_training(
        conn, draft, created_by=ADMIN_ID, now=local(2026, 11, 1)
    )
    for uid, status in (
        (1, SignupStatus.SIGNED),
        (2, SignupStatus.SIGNED),
        (3, SignupStatus.WAITLISTED),
    ):
        await trainings_repo.enqueue(conn, session.id, uid, status, now=local(2026, 11, 6))


def _row(text: str, label: str) -> str:
    for line in text.splitlines():
        if line.startswith(label + " "):
            return line
    raise AssertionError(f"no row {label!r} in:\n{text}")


async def test_stats_numbers_equal_what_was_seeded(staff_bot: BotHarness) -> None:
    await _seed(staff_bot)
    resident = staff_bot.user(7)
    # Two questions through the bot in November (the fake clock): one answered, one not.
    await resident.send("新上的项目，头一年的税能返还吗？")
    await resident.send("火星上能种土豆吗")
    admin = staff_bot.user(ADMIN_ID)
    replies = await admin.send("/stats 2026-11-01 2026-11-30")
    report = replies.messages[0]
    text = report.text
    assert "2026-11-01 至 2026-11-30" in text
    assert "共 3 个" in text  # October's project is outside the range
    assert _row(text, "党员").split()[1:] == ["2", "(66.7%)"]
    assert _row(text, "返乡创业人员").split()[1:] == ["1", "(33.3%)"]
    assert "机关干部" not in text
    assert _row(text, "东村").split()[1:] == ["2", "(66.7%)"]
    assert _row(text, "已通过").split()[1:] == ["1", "(33.3%)"]
    assert _row(text, "已退回").split()[1:] == ["1", "(33.3%)"]
    assert _row(text, "计划投资(万元)").split()[1] == "180.5"
    assert _row(text, "预计新增就业").split()[1] == "18"
    assert _row(text, "2026-11").split()[1] == "3"
    assert _row(text, "引荐项目").split()[1] == "2"
    assert _row(text, "项目已通过").split()[1:] == ["1", "(50.0%)"]
    assert _row(text, "提问").split()[1] == "4"
    assert _row(text, "已回答").split()[1:] == ["2", "(50.0%)"]
    assert _row(text, "需选择").split()[1:] == ["1", "(25.0%)"]
    assert _row(text, "未答出").split()[1:] == ["1", "(25.0%)"]
    assert _row(text, "👍 好评").split()[2:] == ["1/2", "(50.0%)"]
    assert _row(text, "已报名").split()[1] == "2"
    assert _row(text, "候补").split()[1] == "1"
    assert report.html is not None
    assert "<pre>" in report.html
    chart = replies.messages[1]
    assert chart.photo is not None
    assert chart.photo[1].startswith(b"\x89PNG")
    assert chart.text == ZH.stats.chart_caption  # village names are on the chart's axis
    # "本月" is November for the fake clock: the same numbers.
    this_month = await admin.send("/stats 本月")
    assert "共 3 个" in this_month.messages[0].text
    everything = await admin.send("/stats")
    assert "共 4 个" in everything.messages[0].text
    assert "机关干部" in everything.messages[0].text


async def test_stats_empty_and_bad_period(staff_bot: BotHarness) -> None:
    admin = staff_bot.user(ADMIN_ID)
    replies = await admin.send("/stats")
    assert "共 0 个" in replies.text
    assert len(replies.messages) == 1  # no chart without projects
    bad = await admin.send("/stats 下辈子")
    assert "看不懂这个时间范围" in bad.text
    assert "下辈子" in bad.text


async def test_stats_refused_to_residents(staff_bot: BotHarness) -> None:
    await _seed(staff_bot)
    resident = staff_bot.user(8)
    replies = await resident.send("/stats")
    assert replies.texts == [ZH.common.not_allowed]
    assert "党员" not in resident.chat.messages[-1].text
    async with staff_bot.running.services.db.read() as conn:
        denied = await list_audit(conn, action="denied:stats")
    assert [e.actor_id for e in denied] == [8]
