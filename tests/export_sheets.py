"""Exports as small tables in memory, for tests: every row labelled as staff read it.

``export_sheet`` reads an export's rows the way the bot's export does (``db.exports``, the
labeller and layout of ``bot.services.export``) without a child process or files; ``to_xlsx``
and ``to_csv`` write a ``Sheet`` with the bot's own streaming writers (column widths fitted to
the content), so tests can open the bytes.
"""

from __future__ import annotations

import tempfile
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.services.export import ExportKind, labeller, layout
from bot.services.export_files import (
    _TIME_FORMATS,
    Cell,
    CsvParts,
    Kind,
    Layout,
    XlsxParts,
    local_time,
)
from bot.services.stats import display_width
from bot.texts import Texts
from db import exports as exports_repo


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table held in memory: a title, headers, each column's kind, and rows of cells."""

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

    def layout(self) -> Layout:
        """The layout with each column as wide as its widest cell."""
        widths = []
        for c, kind in enumerate(self.kinds):
            cells = [row[c] for row in self.rows]
            if kind in _TIME_FORMATS:
                content = 16 if kind == "datetime" else 10
            else:
                content = max((display_width(str(v)) for v in cells if v is not None), default=0)
            widths.append(max(display_width(self.headers[c]), content) + 2)
        return Layout(self.title, self.headers, self.kinds, tuple(widths))


def _in_memory(sheet: Sheet, tz: ZoneInfo, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        writer: XlsxParts | CsvParts
        if suffix == "xlsx":
            writer = XlsxParts(Path(tmp), "sheet", sheet.layout(), tz, max_bytes=2**62)
        else:
            writer = CsvParts(Path(tmp), "sheet", sheet.layout(), tz, max_bytes=2**62)
        writer.write(sheet.rows)
        [path] = writer.close()
        return path.read_bytes()


def to_xlsx(sheet: Sheet, tz: ZoneInfo) -> bytes:
    """The sheet as an .xlsx workbook."""
    return _in_memory(sheet, tz, "xlsx")


def to_csv(sheet: Sheet, tz: ZoneInfo) -> bytes:
    """The sheet as CSV: UTF-8 with a BOM, CRLF line ends (what Excel expects)."""
    return _in_memory(sheet, tz, "csv")


async def export_sheet(services: Services, kind: ExportKind, t: Texts) -> Sheet:
    """The whole export in memory, times as datetimes in the town's zone."""
    settings = services.settings
    titles = services.exports.topic_titles(t.lang)
    label = labeller(kind, t, settings.town, settings.timezone, titles)
    lay = layout(kind, t)
    rows: list[tuple[Cell, ...]] = []
    async with (
        services.db.snapshot() as conn,
        aclosing(exports_repo.chunks(conn, kind.value)) as chunks,
    ):
        async for chunk in chunks:
            rows.extend(label(r) for r in chunk)
    tz = settings.timezone
    timed = [i for i, k in enumerate(lay.kinds) if k in _TIME_FORMATS]
    typed = tuple(
        tuple(
            local_time(v, tz).replace(tzinfo=tz) if i in timed and isinstance(v, str) else v
            for i, v in enumerate(row)
        )
        for row in rows
    )
    return Sheet(lay.title, lay.headers, lay.kinds, typed)
