"""Streaming xlsx and CSV writers for the exports, split into parts that Telegram accepts.

``XlsxParts`` writes with XlsxWriter in ``constant_memory`` mode (each row goes to a temporary
file as it comes, so 500,000 rows take no more memory than 500); ``CsvParts`` writes UTF-8
with a BOM and CRLF line ends, which is what Excel expects. Both take rows in chunks, start a
new part when one is full (an xlsx part at ``max_rows`` rows, at most Excel's 1,048,575; a CSV
part before it would pass ``max_bytes``) and return the finished files. An xlsx part's size is
only known once it is zipped: ``close`` raises ``PartTooLargeError`` and the caller writes again
with fewer rows a part. Cells are typed by their column's kind: numbers as numbers, times
(aware datetimes, or the store's UTC text) as the town's wall-clock time, which is all Excel
knows; text is always written as text, and every text cell, xlsx and CSV alike, goes through
``bot.services.cells.defuse`` (OWASP: a leading ``'`` before ``= + - @``, tab, CR). Pure: no
database, no ``telegram``.
"""

from __future__ import annotations

import abc
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import xlsxwriter

from bot.services.cells import defuse
from db.rows import from_db_time

Cell = str | int | float | datetime | None
Kind = Literal["text", "int", "float", "datetime", "date"]

EXCEL_MAX_ROWS = 1_048_575  # below the header row
# Telegram bots may upload files up to 50 MB; keep a margin for the multipart envelope.
TELEGRAM_MAX_BYTES = 49 * 1000 * 1000
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_TIME_FORMATS: dict[Kind, str] = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"}


class PartTooLargeError(Exception):
    """A finished xlsx part is over the size limit; write again with fewer rows a part."""

    def __init__(self, rows: int, size: int) -> None:
        super().__init__(f"{rows} rows made {size} bytes")
        self.rows = rows
        self.size = size


@dataclass(frozen=True, slots=True)
class Layout:
    """A file's sheet title, headers, each column's kind and width (in characters)."""

    title: str
    headers: tuple[str, ...]
    kinds: tuple[Kind, ...]
    widths: tuple[int, ...]

    def __post_init__(self) -> None:
        if not len(self.headers) == len(self.kinds) == len(self.widths):
            raise ValueError("every column needs a header, a kind and a width")


def local_time(value: datetime | str, tz: ZoneInfo) -> datetime:
    """The town's wall-clock time of ``value``, without a zone (Excel has none)."""
    moment = from_db_time(value) if isinstance(value, str) else value
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def _part_names(paths: list[Path], stem: str, suffix: str) -> list[Path]:
    """Rename finished parts ``stem.xlsx`` (one) or ``stem-1of3.xlsx``... (several)."""
    if len(paths) == 1:
        names = [paths[0].with_name(f"{stem}.{suffix}")]
    else:
        names = [p.with_name(f"{stem}-{n}of{len(paths)}.{suffix}") for n, p in enumerate(paths, 1)]
    for old, new in zip(paths, names, strict=True):
        old.rename(new)
    return names


class _Parts(abc.ABC):
    """Rows into one or more files of at most ``max_bytes`` each (and, for .xlsx, at most
    ``max_rows`` rows), named ``stem.<suffix>``, or ``stem-1of3.<suffix>``..., by ``close``."""

    suffix: str

    def __init__(
        self,
        directory: Path,
        stem: str,
        layout: Layout,
        tz: ZoneInfo,
        *,
        max_rows: int = EXCEL_MAX_ROWS,
        max_bytes: int = TELEGRAM_MAX_BYTES,
    ) -> None:
        """Write under ``directory`` (which must exist) as ``stem``."""
        self._dir, self._stem, self._layout, self._tz = directory, stem, layout, tz
        self._max_rows = min(max_rows, EXCEL_MAX_ROWS)
        self._max_bytes = max_bytes
        self._done: list[Path] = []
        self.rows_written = 0
        self._begin()

    def _part_path(self) -> Path:
        return self._dir / f".{self._stem}.part{len(self._done) + 1}.{self.suffix}"

    @abc.abstractmethod
    def _begin(self) -> None:
        """Set up the writer's own state (no part open yet)."""

    @abc.abstractmethod
    def _is_open(self) -> bool:
        """Whether a part is being written."""

    @abc.abstractmethod
    def _open_part(self) -> None:
        """Start the next part."""

    @abc.abstractmethod
    def _close_part(self) -> None:
        """Finish the part being written, if any, and add it to the done ones."""

    @abc.abstractmethod
    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append ``rows`` (each with a cell per column)."""

    def close(self) -> list[Path]:
        """Finish the last part; the files, in order (one file even with no rows)."""
        if not self._is_open() and not self._done:
            self._open_part()
        self._close_part()
        return _part_names(self._done, self._stem, self.suffix)


class XlsxParts(_Parts):
    """Rows into one or more .xlsx files of at most ``max_rows`` rows and ``max_bytes`` each."""

    suffix = "xlsx"

    def _begin(self) -> None:
        self._book: Any = None
        self._sheet: Any = None
        self._cell_writers: list[Callable[[int, int, Any], object]] = []
        self._row = 0  # rows written to the current part

    def _is_open(self) -> bool:
        return self._book is not None

    def _open_part(self) -> None:
        path = self._part_path()
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(self._dir)})
        sheet = book.add_worksheet(self._layout.title[:31])
        header = book.add_format({"bold": True})
        tz = self._tz
        writers: list[Callable[[int, int, Any], object]] = []
        for c, (kind, width) in enumerate(
            zip(self._layout.kinds, self._layout.widths, strict=True)
        ):
            sheet.set_column(c, c, max(_MIN_WIDTH, min(width, _MAX_WIDTH)))
            if kind in _TIME_FORMATS:
                fmt = book.add_format({"num_format": _TIME_FORMATS[kind]})

                def write_time(r: int, c: int, v: Any, fmt: Any = fmt) -> object:
                    return sheet.write_datetime(r, c, local_time(v, tz), fmt)

                writers.append(write_time)
            elif kind == "float":
                fmt = book.add_format({"num_format": "0.00"})

                def write_float(r: int, c: int, v: Any, fmt: Any = fmt) -> object:
                    return sheet.write_number(r, c, v, fmt)

                writers.append(write_float)
            elif kind == "int":
                writers.append(sheet.write_number)
            else:

                def write_text(r: int, c: int, v: Any) -> object:
                    return sheet.write_string(r, c, defuse(v if type(v) is str else str(v)))

                writers.append(write_text)
        for c, title in enumerate(self._layout.headers):
            sheet.write_string(0, c, title, header)
        sheet.freeze_panes(1, 0)
        self._book, self._sheet, self._cell_writers, self._row = book, sheet, writers, 0

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        for row in rows:
            if self._book is None or self._row >= self._max_rows:
                self._close_part()
                self._open_part()
            self._row += 1
            r = self._row
            for c, (value, write) in enumerate(zip(row, self._cell_writers, strict=True)):
                if value is not None:
                    write(r, c, value)
        self.rows_written += len(rows)

    def _close_part(self) -> None:
        if self._book is None:
            return
        self._sheet.autofilter(0, 0, self._row, len(self._layout.headers) - 1)
        self._book.close()
        path = Path(self._book.filename)
        self._book = None
        size = path.stat().st_size
        if size > self._max_bytes:
            raise PartTooLargeError(self._row, size)
        self._done.append(path)


class CsvParts(_Parts):
    """Rows into one or more .csv files of at most ``max_bytes`` each (header in every one)."""

    suffix = "csv"

    def _begin(self) -> None:
        self._file: io.BufferedWriter | None = None
        self._size = 0
        self._rows_in_part = 0
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")
        self._header = self._line(self._layout.headers, header=True)

    def _is_open(self) -> bool:
        return self._file is not None

    def _line(self, row: Sequence[Cell], *, header: bool = False) -> bytes:
        if header:
            self._csv.writerow(row)
        else:
            self._csv.writerow(
                [self._cell(v, k) for v, k in zip(row, self._layout.kinds, strict=True)]
            )
        line = self._buffer.getvalue().encode("utf-8")
        self._buffer.seek(0)
        self._buffer.truncate()
        return line

    def _cell(self, value: Cell, kind: Kind) -> str:
        if value is None:
            return ""
        if kind in _TIME_FORMATS and isinstance(value, datetime | str):
            local = local_time(value, self._tz)
            return local.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M")
        if isinstance(value, float):
            return f"{value:g}"
        return defuse(value) if isinstance(value, str) else str(value)

    def _open_part(self) -> None:
        path = self._part_path()
        self._file = path.open("wb")
        self._file.write(b"\xef\xbb\xbf" + self._header)
        self._size = 3 + len(self._header)
        self._rows_in_part = 0

    def _close_part(self) -> None:
        if self._file is not None:
            self._file.close()
            self._done.append(Path(self._file.name))
            self._file = None

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        for row in rows:
            line = self._line(row)
            if self._file is None or (
                self._rows_in_part and self._size + len(line) > self._max_bytes
            ):
                self._close_part()
                self._open_part()
            assert self._file is not None
            self._file.write(line)
            self._size += len(line)
            self._rows_in_part += 1
        self.rows_written += len(rows)
