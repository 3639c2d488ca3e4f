"""Staff's attendee list, Excel sign-in sheet and attendance marking, through the real bot."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from bot.buttons import AttendeeListButton, MarkAttendeeButton
from bot.clock import FakeClock
from bot.services.export import ExportKind
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.export_sheets import export_sheet
from tests.seed import START, add_project, publish_training

ZH = get_texts("zh")
A = ZH.attendance
T = ZH.trainings


async def session_with_people(h: BotHarness) -> int:
    """A session of 2 seats: 张三 (registered a project with a phone) and 李四 signed up,
    王五 on the waitlist."""
    tid = await publish_training(h)
    for uid, name in ((601, "张三"), (602, "=李四"), (603, "王五")):
        user = h.user(uid, first_name=name)
        await user.send("/trainings")
        await user.press(T.btn_join if uid != 603 else T.btn_join_waitlist)
    town = h.settings.town
    async with h.running.services.db.write() as conn:
        await add_project(
            conn,
            601,
            now=START - timedelta(days=10),
            name="模板厂",
            industry=town.industries[0],
            village=town.villages[2],
            applicant_type=town.applicant_types[0],
            investment_wan=50.0,
            jobs=5,
            phone="13800138000",
        )
    return tid


async def open_view(admin_id: int, h: BotHarness) -> None:
    admin = h.user(admin_id)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)


async def test_staff_view_lists_attendees_with_village_and_phone(bot: BotHarness) -> None:
    await session_with_people(bot)
    await open_view(ADMIN_ID, bot)
    admin = bot.user(ADMIN_ID)
    listing = (await admin.press(A.btn_list)).text
    village = bot.settings.town.villages[2]
    assert "已报名 2 / 2，候补 1 人" in listing
    assert f"1. 张三 · {village} · 13800138000" in listing
    assert f"2. =李四 · {A.no_village} · {A.no_phone}" in listing
    assert listing.index("王五") > listing.index("候补")
    assert "2026-12-05（周六）14:00–16:00" in listing


async def test_sign_in_sheet_is_an_excel_file_with_an_empty_signature_column(
    bot: BotHarness,
) -> None:
    await session_with_people(bot)
    await open_view(ADMIN_ID, bot)
    admin = bot.user(ADMIN_ID)
    replies = await admin.press(A.btn_sheet)
    [document] = replies.messages
    assert document.document is not None
    name, data, _mime = document.document
    assert name == "signin-1-2026-12-05.xlsx"
    assert "共 3 人（已报名 2，候补 1）" in document.text
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws["A1"].value == "签到表：模板加工培训"
    assert tuple(c.value for c in ws[4]) == A.sheet_headers
    rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=5)]
    village = bot.settings.town.villages[2]
    assert rows[0][:5] == (1, "张三", village, "13800138000", "已报名")
    assert rows[1][1] == "=李四"  # text, not a formula
    assert ws["B6"].data_type == "s"
    assert rows[2][1:5] == ("王五", None, None, "候补")
    assert all(r[5] is None for r in rows)  # the signature column is empty


async def test_attendance_is_marked_after_the_start_and_counted(
    bot: BotHarness, clock: FakeClock
) -> None:
    tid = await session_with_people(bot)
    await open_view(ADMIN_ID, bot)
    admin = bot.user(ADMIN_ID)
    early = await admin.press(A.btn_mark)
    assert early.toast == dict(A.errors)["not_started"]
    clock.now = START + timedelta(hours=3)
    await admin.send("/attendance")
    await admin.press(A.menu_button.format(date="2026-12-05", title="模板加工培训", count=3))
    view = await admin.press(A.btn_mark)
    assert "到场 0，未到 0，未标记 2" in view.text
    marked = await admin.press(f"{A.mark_unmarked}1. 张三")
    assert "到场 1，未到 0，未标记 1" in marked.edited[0].text
    again = await admin.press(f"{A.mark_came}1. 张三")  # tapped again: did not come after all
    assert "到场 0，未到 1" in again.edited[0].text
    await admin.press(f"{A.mark_absent}1. 张三")
    rest = await admin.press(A.btn_rest_absent)
    assert rest.toast == A.rest_absent_done.format(count=1)
    assert "到场 1，未到 1，未标记 0" in rest.edited[0].text
    roster = await bot.running.services.attendance.roster(tid)
    assert roster is not None
    assert [(p.name, p.attended) for p in roster.attendees] == [
        ("张三", True),
        ("=李四", False),
        ("王五", None),
    ]
    stats = (await admin.send("/stats")).texts[0]
    assert "到场人次" in stats
    line = next(x for x in stats.splitlines() if x.startswith(A.stats_came))
    assert line.split()[-1] == "1"
    # The list now shows who came; the trainings export has the two new columns.
    listing = (await admin.send("/attendance"), await admin.press(A.btn_list))[1].text
    assert f"1. {A.mark_came}张三" in listing
    export = await export_sheet(bot.running.services, ExportKind.TRAININGS, ZH)
    row = dict(zip(export.headers, export.rows[0], strict=True))
    assert (row["到场"], row["未到"]) == (1, 1)


async def test_residents_and_forged_buttons_are_refused(bot: BotHarness, clock: FakeClock) -> None:
    tid = await session_with_people(bot)
    clock.now = START + timedelta(hours=3)
    resident = bot.user(601)
    refused = await resident.press_data(MarkAttendeeButton(tid, 602, 1).pack())
    assert refused.toast == ZH.common.not_allowed
    assert (await resident.send("/attendance")).last.text == ZH.common.not_allowed
    admin = bot.user(ADMIN_ID)
    await admin.send("/start")
    forged = MarkAttendeeButton(tid, 999, 1).pack()
    assert (await admin.press_data(forged)).toast == dict(A.errors)["not_listed"]
    assert (await admin.press_data("v1:tra:set:x:1:1")).toast == ZH.common.stale_button
    gone = AttendeeListButton(424242).pack()
    assert (await admin.press_data(gone)).toast == dict(A.errors)["not_found"]
    roster = await bot.running.services.attendance.roster(tid)
    assert roster is not None
    assert all(p.attended is None for p in roster.attendees)


async def test_a_long_list_pages_and_fits_telegram(bot: BotHarness, clock: FakeClock) -> None:
    tid = await publish_training(bot, title="大课", place="镇礼堂", capacity=200)
    for uid in range(700, 725):
        user = bot.user(uid, first_name=f"居民{uid}")
        await user.send("/start")
        await bot.running.services.trainings.signup(tid, uid)
    clock.now = START + timedelta(minutes=30)
    admin = bot.user(ADMIN_ID)
    await admin.send("/attendance")
    await admin.press(A.menu_button.format(date="2026-12-05", title="大课", count=25))
    view = await admin.press(A.btn_mark)
    assert "第 1/3 页" in view.text
    page2 = await admin.press(A.btn_next)
    assert "第 2/3 页" in page2.edited[0].text
    await admin.press(f"{A.mark_unmarked}11. 居民710")
    roster = await bot.running.services.attendance.roster(tid)
    assert roster is not None
    assert [p.user_id for p in roster.attendees if p.attended] == [710]
