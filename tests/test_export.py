"""Exports: xlsx and CSV read back (headers, Chinese, typed cells), anonymity, bot and CLI."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.settings import Settings
from bot.shell.cli import main as cli_main
from bot.shell.cli_export import export as cli_export
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import projects as projects_repo
from db import referrals as referrals_repo
from db import users as users_repo
from db.audit import list_audit
from db.database import Database
from db.models import ProjectAnswers
from tests.conftest import ADMIN_ID
from tests.export_sheets import Sheet, to_csv, to_xlsx
from tests.seed import add_complaint

ZH = get_texts("zh")
TZ = ZoneInfo("Asia/Shanghai")
WHEN = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # 14:30 in the town
SECRET_NAME = "匿名者甲"
PHONE = "13800138000"
SECRET_ID = 777001
NAMED = "实名者乙"


def sheet_of(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    return ws


def all_cells(ws: Worksheet) -> list[object]:
    return [cell.value for row in ws.iter_rows() for cell in row]


# ---------------------------------------------------------------------------- pure writers
SAMPLE = Sheet(
    title="项目",
    headers=("项目名称", "计划投资(万元)", "预计新增就业", "联系电话", "登记时间"),
    kinds=("text", "float", "int", "text", "datetime"),
    rows=(
        ("建筑模板厂", 120.5, 30, "13800138000", WHEN),
        ('=HYPERLINK("http://x")', 1.0, 0, None, WHEN),
        ("@SUM(A1)", 2.0, 1, "-1+2", WHEN),
    ),
)


def test_xlsx_cells_are_typed_and_the_sheet_is_usable() -> None:
    ws = sheet_of(to_xlsx(SAMPLE, TZ))
    assert [c.value for c in ws[1]] == list(SAMPLE.headers)
    assert ws["A2"].value == "建筑模板厂"
    assert ws["B2"].value == 120.5
    assert ws["B2"].data_type == "n"
    assert ws["C2"].value == 30
    assert isinstance(ws["C2"].value, int)
    assert ws["D2"].value == "13800138000"
    assert ws["D2"].data_type == "s"
    assert ws["E2"].value == datetime(2026, 11, 20, 14, 30)  # the town's wall-clock time
    assert ws["E2"].is_date
    # Text that looks like a formula is defused, here as in CSV (OWASP's quote prefix).
    assert ws["A3"].data_type == "s"
    assert ws["A3"].value.startswith("'=HYPERLINK")
    assert ws["D4"].value == "'-1+2"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert ws.column_dimensions["A"].width >= 12  # fitted to the Chinese text
    assert ws["D3"].value is None


def test_csv_is_utf8_with_bom_and_defuses_formulas() -> None:
    data = to_csv(SAMPLE, TZ)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(SAMPLE.headers)
    assert rows[1] == ["建筑模板厂", "120.5", "30", "13800138000", "2026-11-20 14:30"]
    assert rows[2][0].startswith("'=")
    assert rows[3][0] == "'@SUM(A1)"
    assert rows[3][3] == "'-1+2"


def test_sheet_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="cells"):
        Sheet("x", ("a", "b"), ("text", "text"), (("only one",),))


@pytest.mark.parametrize(
    "typed", ["-1-1", "+1+1", "=1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "-", "+86 138"]
)
def test_every_formula_start_is_defused_in_both_formats(typed: str) -> None:
    sheet = Sheet("t", ("a", "n"), ("text", "int"), ((typed, -3), ("普通文字 -1", 5)))
    rows = list(csv.reader(io.StringIO(to_csv(sheet, TZ).decode("utf-8-sig"))))
    assert rows[1][0] == "'" + typed
    assert rows[2][0] == "普通文字 -1"  # only a leading character counts
    assert rows[1][1] == "-3"  # a number is a number, not a formula
    ws = sheet_of(to_xlsx(sheet, TZ))
    value = str(ws["A2"].value)
    assert value.startswith("'")
    # (XlsxWriter escapes a CR as _x000D_; openpyxl reads the escape back as written)
    assert value[1:].replace("_x000D_", "\r").strip() == typed.strip()
    assert ws["A3"].value == "普通文字 -1"
    assert ws["B2"].value == -3


# ------------------------------------------------------------------------------- seeding
async def seed(db: Database) -> None:
    async with db.write() as conn:
        for uid, name in ((SECRET_ID, SECRET_NAME), (777002, NAMED), (777003, "引荐人丙")):
            await users_repo.upsert_user(
                conn, uid, first_name=name, username=None, language_code="zh", now=WHEN
            )
        answers = ProjectAnswers(
            "建筑模板厂", "建筑模板", "东村", "返乡创业人员", 120.5, 30, PHONE
        )
        project = await projects_repo.create_project(
            conn, user_id=777002, answers=answers, now=WHEN.astimezone(TZ)
        )
        await referrals_repo.credit_referral(
            conn, project_id=project.id, referrer_user_id=777003, now=WHEN
        )
        await add_complaint(
            conn,
            SECRET_ID,
            anonymous=True,
            what="某站所乱收费",
            department="某站所",
            now=WHEN.astimezone(TZ),
        )
        await add_complaint(
            conn,
            777002,
            what="办证拖延",
            department="某办",
            happened_at_text=None,
            photo_file_id="PHOTO1",
            now=WHEN.astimezone(TZ),
        )


async def export_in_bot(harness: BotHarness, what: str, fmt: str) -> bytes:
    admin = harness.user(ADMIN_ID)
    menu = await admin.send("/export")
    assert menu.last.text == ZH.export.choose_what
    await admin.press(what)
    replies = await admin.press(fmt)
    documents = [m for m in replies.messages if m.document is not None]
    assert len(documents) == 1
    name, data, _mime = documents[0].document or ("", b"", "")
    assert name.endswith(".csv" if fmt == "CSV" else ".xlsx")
    return data


# ------------------------------------------------------------------------------ in the bot
async def test_project_export_in_the_bot(harness: BotHarness) -> None:
    await seed(harness.running.services.db)
    ws = sheet_of(await export_in_bot(harness, "项目", "Excel"))
    assert [c.value for c in ws[1]] == list(ZH.export.project_headers)
    row = {h: c.value for h, c in zip(ZH.export.project_headers, ws[2], strict=True)}
    assert row["项目名称"] == "建筑模板厂"
    assert row["申报人类型"] == "返乡创业人员"
    assert row["计划投资(万元)"] == 120.5
    assert row["预计新增就业"] == 30
    assert isinstance(row["预计新增就业"], int)
    assert row["引荐人"] == "引荐人丙"
    assert row["状态"] == "待审核"
    assert row["登记时间"] == datetime(2026, 11, 20, 14, 30)
    async with harness.running.services.db.read() as conn:
        audit = await list_audit(conn, action="export.projects")
    assert [e.actor_id for e in audit] == [ADMIN_ID]


async def test_complaint_export_never_names_an_anonymous_complainant(
    harness: BotHarness,
) -> None:
    await seed(harness.running.services.db)
    ws = sheet_of(await export_in_bot(harness, "投诉", "Excel"))
    cells = [str(v) for v in all_cells(ws) if v is not None]
    assert "某站所乱收费" in cells
    assert NAMED in cells
    assert not any(SECRET_NAME in c or str(SECRET_ID) in c for c in cells)
    anonymous_row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[2] == "是")
    assert anonymous_row[3] == ZH.export.anonymous
    data = await export_in_bot(harness, "投诉", "CSV")
    text = data.decode("utf-8-sig")
    assert NAMED in text
    assert "某站所乱收费" in text
    assert SECRET_NAME not in text
    assert str(SECRET_ID) not in text


async def test_other_exports_in_the_bot(harness: BotHarness) -> None:
    await seed(harness.running.services.db)
    resident = harness.user(777004)
    await resident.send("联保贷款怎么办理")
    questions = sheet_of(await export_in_bot(harness, "问题", "Excel"))
    assert [c.value for c in questions[1]] == list(ZH.export.question_headers)
    assert questions["C2"].value == "联保贷款怎么办理"
    formula = "-1-1 贷款利息多少"  # a resident's question that a spreadsheet would compute
    await resident.send(formula)
    typed = sheet_of(await export_in_bot(harness, "问题", "Excel"))
    assert f"'{formula}" in [c.value for c in typed["C"]]
    text = (await export_in_bot(harness, "问题", "CSV")).decode("utf-8-sig")
    assert f"'{formula}" in [row[2] for row in csv.reader(io.StringIO(text)) if len(row) > 2]
    assert questions["D2"].value == "已回答"
    assert isinstance(questions["F2"].value, float)
    trainings = sheet_of(await export_in_bot(harness, "培训", "Excel"))
    assert [c.value for c in trainings[1]] == list(ZH.export.training_headers)


async def test_export_refused_to_residents_and_forged_buttons(harness: BotHarness) -> None:
    await seed(harness.running.services.db)
    resident = harness.user(777005)
    assert (await resident.send("/export")).texts == [ZH.common.not_allowed]
    forged = await resident.press_data("v1:exp:complaints:xlsx", message=resident.last)
    assert forged.toast == ZH.common.not_allowed
    assert resident.documents == []
    admin = harness.user(ADMIN_ID)
    await admin.send("/start")
    stale = await admin.press_data("v1:exp:passwords:xlsx", message=admin.last)
    assert stale.toast == ZH.common.stale_button
    assert admin.documents == []
    async with harness.running.services.db.read() as conn:
        denied = await list_audit(conn, actor_id=777005)
    assert {e.action for e in denied} == {"denied:export", "denied:exp"}


# ----------------------------------------------------------------------------------- CLI
def _open_and_seed(settings: Settings) -> None:
    import asyncio

    async def go() -> None:
        db = await Database.open(settings.db_path, clock=lambda: WHEN)
        try:
            await seed(db)
        finally:
            await db.close()

    asyncio.run(go())


def test_cli_export_writes_the_file_and_prints_its_path(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _open_and_seed(settings)
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(what="projects", format="xlsx", output=None)
    assert cli_export(args, settings) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("projects-")
    assert printed.endswith(".xlsx")
    ws = sheet_of((tmp_path / printed).read_bytes())
    assert ws["B2"].value == "建筑模板厂"
    out = tmp_path / "c.csv"
    monkeypatch.setenv("CHUANGYE_DB_PATH", str(settings.db_path))
    code = cli_main(["export", "--what", "complaints", "--format", "csv", "-o", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].split(",")[0] == "投诉编号"
    assert SECRET_NAME not in text
