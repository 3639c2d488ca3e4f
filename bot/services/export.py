"""Exports for the office: projects, trainings, questions and complaints as xlsx or CSV bytes.

``ExportService.export`` reads the rows in one transaction and returns an ``ExportFile``;
``to_xlsx`` / ``to_csv`` are pure (a ``Sheet`` in, bytes out). The xlsx has typed cells
(numbers as numbers, times as local datetimes without a zone, which is all Excel knows), a
frozen header row, an auto-filter and column widths fitted to the content. The CSV is UTF-8
with a BOM so Excel opens Chinese correctly. Text that Excel would run as a formula is kept
as text. Projects name their applicant (Telegram name, @username and id, so staff can find the
person in the bot; nothing once the applicant erased their data) and the latest decision with
its note; the export is staff-only and audited. Anonymous complaints carry no identity (see
``db.stats.complaints_for_export``). Imports no ``telegram``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bot.clock import Clock
from bot.settings import Settings
from bot.texts import Texts, status_label
from db import attendance as attendance_repo
from db import questions as questions_repo
from db import stats as stats_repo
from db.audit import append_audit
from db.database import Database

Cell = str | int | float | datetime | None
Kind = Literal["text", "int", "float", "datetime", "date"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
# Everything the question log holds fits comfortably; a cap keeps a runaway export bounded.
MAX_QUESTIONS = 100_000
_MIN_WIDTH, _MAX_WIDTH = 6, 60
# Cells starting like this are formulas to Excel (CSV injection); a phone number is not.
_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+\-](?![\d\s()\-]*$))")


class ExportKind(StrEnum):
    """What to export."""

    PROJECTS = "projects"
    TRAININGS = "trainings"
    QUESTIONS = "questions"
    COMPLAINTS = "complaints"


class ExportFormat(StrEnum):
    """The file format."""

    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table: a title, headers, each column's kind, and rows of cells."""

    title: str
    headers: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        if len(self.headers) != len(self.kinds):
            raise ValueError("every column needs a header and a kind")
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"a row has {len(row)} cells, not {len(self.headers)}")


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export ready to send or save."""

    filename: str
    data: bytes
    mime: str
    rows: int


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    # Excel has no time zones: write the town's wall-clock time.
    return value.astimezone(tz).replace(tzinfo=None, microsecond=0)


def _width(value: Cell, kind: Kind) -> int:
    if value is None:
        return 0
    if kind == "datetime":
        return 16
    if kind == "date":
        return 10
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def to_xlsx(sheet: Sheet, tz: ZoneInfo) -> bytes:
    """The sheet as an .xlsx workbook."""
    wb = Workbook()
    ws = wb.active
    if ws is None:  # pragma: no cover - a new workbook always has a sheet
        ws = wb.create_sheet()
    ws.title = sheet.title[:31]
    ws.append(list(sheet.headers))
    widths = [_width(h, "text") for h in sheet.headers]
    for r, row in enumerate(sheet.rows, start=2):
        for c, (value, kind) in enumerate(zip(row, sheet.kinds, strict=True), start=1):
            widths[c - 1] = max(widths[c - 1], min(_width(value, kind), _MAX_WIDTH))
            cell = ws.cell(row=r, column=c)
            if value is None:
                continue
            if isinstance(value, datetime):
                cell.value = _local(value, tz)
                cell.number_format = "yyyy-mm-dd" if kind == "date" else "yyyy-mm-dd hh:mm"
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # openpyxl would take "=..." for a formula
            else:
                cell.value = value
                if kind == "float":
                    cell.number_format = "0.00"
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(_MIN_WIDTH, width + 2)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.headers))
    ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_cell(value: Cell, kind: Kind, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = _local(value, tz)
        return local.strftime("%Y-%m-%d") if kind == "date" else local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if isinstance(value, str) and _FORMULA_START.match(text) else text


def to_csv(sheet: Sheet, tz: ZoneInfo) -> bytes:
    """The sheet as CSV: UTF-8 with a BOM, CRLF line ends (what Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([_csv_cell(v, k, tz) for v, k in zip(row, sheet.kinds, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def render(sheet: Sheet, fmt: ExportFormat, tz: ZoneInfo) -> bytes:
    """The sheet in ``fmt``."""
    return to_xlsx(sheet, tz) if fmt is ExportFormat.XLSX else to_csv(sheet, tz)


def _labels(pairs: Sequence[tuple[str, str]], value: str) -> str:
    return dict(pairs).get(value, value)


class ExportService:
    """Builds export files from the database."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings

    def filename(self, kind: ExportKind, fmt: ExportFormat) -> str:
        """``projects-2026-11-27.xlsx``: what it is and the town's date today."""
        today = self._clock().astimezone(self._settings.timezone).date()
        return f"{kind.value}-{today.isoformat()}.{fmt.value}"

    async def sheet(self, kind: ExportKind, t: Texts) -> Sheet:
        """The rows of one export, with headers and values in ``t``'s language."""
        e = t.export
        async with self._db.read() as conn:
            if kind is ExportKind.PROJECTS:
                projects = await stats_repo.projects_for_export(conn)
                rows: list[tuple[Cell, ...]] = [
                    (
                        r.project.ref_no,
                        r.project.name,
                        r.project.industry,
                        r.project.village,
                        r.project.applicant_type,
                        r.project.investment_wan,
                        r.project.jobs,
                        r.applicant,
                        r.applicant_id,
                        r.project.phone,
                        r.referrer,
                        status_label(t, r.project.status),
                        r.decision_note,
                        r.decided_by,
                        r.decided_at,
                        r.project.created_at,
                        r.project.updated_at,
                    )
                    for r in projects
                ]
                kinds: tuple[Kind, ...] = ("text",) * 5 + ("float", "int", "text", "int")
                kinds += ("text",) * 5 + ("datetime",) * 3
                return Sheet(e.sheet_projects, e.project_headers, kinds, tuple(rows))
            if kind is ExportKind.TRAININGS:
                trainings = await stats_repo.trainings_for_export(conn)
                attended = await attendance_repo.attended_by_training(conn)
                rows = [
                    (
                        s.id,
                        s.title,
                        s.tags,
                        s.target_group,
                        s.starts_at,
                        s.ends_at,
                        s.place,
                        s.capacity,
                        s.signed,
                        s.waitlisted,
                        s.cancelled,
                        status_label(t, s.status),
                        # Blank until staff mark attendance for the session.
                        *attended.get(s.id, (None, None)),
                    )
                    for s in trainings
                ]
                kinds = ("int",) + ("text",) * 3 + ("datetime",) * 2 + ("text",)
                kinds += ("int",) * 4 + ("text",) + ("int",) * 2
                return Sheet(e.sheet_trainings, e.training_headers, kinds, tuple(rows))
            if kind is ExportKind.QUESTIONS:
                questions = await questions_repo.list_questions(conn, limit=MAX_QUESTIONS)
                rows = [
                    (
                        q.id,
                        q.created_at,
                        q.text,
                        _labels(e.decisions, q.decision.value),
                        q.topic_id,
                        q.confidence,
                        None if q.feedback is None else _labels(e.feedback, q.feedback.value),
                        q.lang,
                    )
                    for q in reversed(questions)
                ]
                kinds = ("int", "datetime", "text", "text", "text", "float", "text", "text")
                return Sheet(e.sheet_questions, e.question_headers, kinds, tuple(rows))
            complaints = await stats_repo.complaints_for_export(conn)
        rows = [
            (
                c.ref_no,
                c.created_at,
                e.yes if c.anonymous else e.no,
                e.anonymous if c.anonymous else c.complainant,
                c.what,
                c.department,
                c.happened_at_text,
                e.yes if c.has_photo else e.no,
                status_label(t, c.status),
                c.resolution_note,
                c.updated_at,
            )
            for c in complaints
        ]
        kinds = ("text", "date") + ("text",) * 8 + ("date",)
        return Sheet(e.sheet_complaints, e.complaint_headers, kinds, tuple(rows))

    async def export(
        self, kind: ExportKind, fmt: ExportFormat, t: Texts, *, actor_id: int | None
    ) -> ExportFile:
        """Build the file for ``kind`` in ``fmt``; audited, since it carries personal data."""
        sheet = await self.sheet(kind, t)
        async with self._db.write() as conn:
            await append_audit(
                conn,
                actor_id=actor_id,
                action=f"export.{kind.value}",
                detail=f"{fmt.value}, {len(sheet.rows)} rows",
                now=self._clock(),
            )
        # Building a large workbook takes seconds of CPU: keep the bot answering meanwhile.
        data = await asyncio.to_thread(render, sheet, fmt, self._settings.timezone)
        mime = XLSX_MIME if fmt is ExportFormat.XLSX else CSV_MIME
        return ExportFile(self.filename(kind, fmt), data, mime, len(sheet.rows))
