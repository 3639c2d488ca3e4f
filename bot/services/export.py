"""Exports for the office: projects, trainings, questions and complaints as xlsx or CSV files.

``ExportService.export`` has a child process (``bot.services.export_worker``) read one
consistent snapshot of the database and stream it in chunks of 2,000 rows through the writers
of ``bot.services.export_files``, so the bot's event loop keeps answering meanwhile; it relays
the child's progress and returns the finished files: every row, split into parts when a file
would pass Telegram's 50 MB upload limit (or Excel's 1,048,575 rows). Exports run one at a
time; a second waits its turn. Values are labelled in the staff member's language; times are
the town's. Projects name their applicant (Telegram name, @username and id; nothing once the
applicant erased their data) and the latest decision with its note; anonymous complaints carry
no identity (see ``db.exports``). The export is staff-only and audited. Imports no
``telegram``.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.base import StoreService
from bot.services.export_files import TELEGRAM_MAX_BYTES, Cell, Kind, Layout, local_time
from bot.settings import Settings, TownSettings
from bot.texts import Texts, fmt
from db import exports as exports_repo
from db.audit import append_audit
from db.database import Database

__all__ = ["ExportFormat", "ExportKind", "ExportService"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
CHUNK_ROWS = 2_000
# Below this many rows an export is done before a progress message could be read.
PROGRESS_MIN_ROWS = 10_000
PROGRESS_STEPS = 10

Progress = Callable[[int, int], Awaitable[None]]
Row = tuple[Any, ...]


class ExportFailedError(RuntimeError):
    """The export worker process failed; its last error line is in the message."""


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


# Each export's columns: kind and width (characters), in the order of db.exports' SELECTs
# and of the headers in the texts.
COLUMNS: dict[ExportKind, tuple[tuple[Kind, int], ...]] = {
    ExportKind.PROJECTS: (
        ("text", 14), ("text", 28), ("text", 12), ("text", 12), ("text", 14), ("float", 10),
        ("int", 8), ("text", 20), ("int", 12), ("text", 14), ("text", 20), ("text", 8),
        ("text", 30), ("text", 10), ("datetime", 16), ("text", 30), ("text", 40),
        ("datetime", 16), ("datetime", 16),
    ),
    ExportKind.TRAININGS: (
        ("int", 8), ("text", 30), ("text", 14), ("text", 14), ("datetime", 16),
        ("datetime", 16), ("text", 24), ("int", 8), ("int", 8), ("int", 8), ("int", 8),
        ("text", 8), ("int", 8), ("int", 8),
    ),
    ExportKind.QUESTIONS: (
        ("int", 10), ("datetime", 16), ("text", 50), ("text", 10), ("text", 20),
        ("float", 8), ("text", 6), ("text", 6),
    ),
    ExportKind.COMPLAINTS: (
        ("text", 14), ("date", 10), ("text", 6), ("text", 16), ("text", 40), ("text", 16),
        ("text", 14), ("text", 6), ("text", 8), ("text", 30), ("date", 10),
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One finished file of an export, ready to send or save."""

    path: Path
    mime: str

    @property
    def filename(self) -> str:
        """The name staff see (``questions-2026-12-03-1of2.xlsx``)."""
        return self.path.name

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        return self.path.read_bytes()


@dataclass(slots=True)
class Export:
    """A finished export: its files (one, or parts under the size limit) and row count.

    The files live in a temporary folder: ``cleanup()`` once they are sent or saved.
    """

    files: tuple[ExportFile, ...]
    rows: int
    directory: Path = field(repr=False)

    def cleanup(self) -> None:
        """Delete the files and their folder."""
        shutil.rmtree(self.directory, ignore_errors=True)


def labeller(
    kind: ExportKind,
    t: Texts,
    town: TownSettings | None = None,
    tz: ZoneInfo | None = None,
    topics: Mapping[str, str] | None = None,
) -> Callable[[Row], tuple[Cell, ...]]:
    """How a stored row becomes the cells staff read (codes to labels in ``t``'s language;
    a project's village flagged when it is not on ``town``'s list, dates in ``tz``, a
    question's topic by its title in ``topics``, by id if it is no longer there)."""
    e = t.export
    if kind is ExportKind.PROJECTS:
        return _project_labeller(t, town or TownSettings(), tz or ZoneInfo("UTC"))
    if kind is ExportKind.TRAININGS:
        names = dict(t.statuses.trainings)

        def status_row(r: Row) -> tuple[Cell, ...]:
            return (*r[:11], names.get(r[11], r[11]), *r[12:])

        return status_row
    if kind is ExportKind.QUESTIONS:
        decisions, feedback, titles = dict(e.decisions), dict(e.feedback), topics or {}

        def question_row(r: Row) -> tuple[Cell, ...]:
            rating = None if r[6] is None else feedback.get(r[6], r[6])
            topic = None if r[4] is None else titles.get(r[4], r[4])
            return (r[0], r[1], r[2], decisions.get(r[3], r[3]), topic, r[5], rating, r[7])

        return question_row

    complaint_statuses = dict(t.statuses.complaints)

    def complaint_row(r: Row) -> tuple[Cell, ...]:
        anonymous = bool(r[2])
        return (
            r[0],
            r[1],
            e.yes if anonymous else e.no,
            e.anonymous if anonymous else r[3],
            *r[4:7],
            e.yes if r[7] else e.no,
            complaint_statuses.get(r[8], r[8]),
            r[9],
            r[10],
        )

    return complaint_row


def _project_labeller(
    t: Texts, town: TownSettings, tz: ZoneInfo
) -> Callable[[Row], tuple[Cell, ...]]:
    names, e = dict(t.statuses.projects), t.export

    def returns(stored: str | None) -> str | None:
        """The 退回记录 cell: each return with its reason, each resubmission with its note."""
        entries = [entry.split("\x1f") for entry in (stored or "").split("\x1e") if entry]
        shown: list[str] = []
        for n, (at, status, note) in enumerate(entries):
            date = f"{local_time(at, tz):%Y-%m-%d}"
            if status == "returned":
                shown.append(e.returned_entry.format(date=date, reason=note))
            elif n > 0:  # the first submission is the registration itself
                extra = e.resubmitted_note.format(note=note) if note else ""
                shown.append(e.resubmitted_entry.format(date=date) + extra)
        return e.entry_separator.join(shown) or None

    def project_row(r: Row) -> tuple[Cell, ...]:
        # Stored names as they are (as the other choices), one typed under 其他村 flagged.
        unlisted = r[3] is not None and r[3] not in town.villages
        village = t.registration.village_unlisted.format(village=r[3]) if unlisted else r[3]
        status = names.get(r[11], r[11])
        return (*r[:3], village, *r[4:11], status, *r[12:16], returns(r[16]), *r[17:])

    return project_row


def layout(kind: ExportKind, t: Texts) -> Layout:
    """The sheet title, headers (in ``t``'s language), kinds and widths of an export."""
    e = t.export
    title, headers = {
        ExportKind.PROJECTS: (e.sheet_projects, e.project_headers),
        ExportKind.TRAININGS: (e.sheet_trainings, e.training_headers),
        ExportKind.QUESTIONS: (e.sheet_questions, e.question_headers),
        ExportKind.COMPLAINTS: (e.sheet_complaints, e.complaint_headers),
    }[kind]
    kinds = tuple(k for k, _ in COLUMNS[kind])
    widths = tuple(w for _, w in COLUMNS[kind])
    return Layout(title, headers, kinds, widths)


def captions(t: Texts, what: str, export: Export) -> list[str]:
    """The caption of each file: the row count, and when split, which part of how many."""
    if len(export.files) == 1:
        return [fmt(t.export.caption, what=what, rows=f"{export.rows:,}")]
    return [
        fmt(
            t.export.caption_part,
            what=what,
            rows=f"{export.rows:,}",
            parts=len(export.files),
            n=n,
            mb=TELEGRAM_MAX_BYTES // 1_000_000,
        )
        for n in range(1, len(export.files) + 1)
    ]


class ExportService(StoreService):
    """Builds export files from the database, one export at a time."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        topic_titles: Callable[[str], Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(db, clock, settings)
        # The knowledge base's topic titles by id in a language (the questions' 主题 column).
        self.topic_titles = topic_titles or (lambda lang: {})
        self._lock = asyncio.Lock()
        # Tests and the benchmark lower these to see splitting and progress on small data.
        self.max_file_bytes = TELEGRAM_MAX_BYTES
        self.progress_min_rows = PROGRESS_MIN_ROWS

    def stem(self, kind: ExportKind) -> str:
        """``projects-2026-11-27``: what it is and the town's date today."""
        today = self._clock().astimezone(self._settings.timezone).date()
        return f"{kind.value}-{today.isoformat()}"

    async def export(
        self,
        kind: ExportKind,
        fmt_: ExportFormat,
        t: Texts,
        *,
        actor_id: int | None,
        progress: Progress | None = None,
    ) -> Export:
        """Write every row of ``kind`` to files in ``fmt_``; audited (it is personal data).

        ``progress(done, total)`` is awaited every tenth of a large export.
        """
        exports_dir = self._settings.db_path.parent / "exports"
        exports_dir.mkdir(parents=True, exist_ok=True)
        async with self._lock:
            directory = Path(tempfile.mkdtemp(prefix=f"{kind.value}-", dir=exports_dir))
            try:
                return await self._export(kind, fmt_, t, actor_id, progress, directory)
            except BaseException:
                shutil.rmtree(directory, ignore_errors=True)
                raise

    async def _export(
        self,
        kind: ExportKind,
        fmt_: ExportFormat,
        t: Texts,
        actor_id: int | None,
        progress: Progress | None,
        directory: Path,
    ) -> Export:
        async with self._db.read() as conn:
            expected = await exports_repo.count(conn, kind.value)
        async with self._db.write() as conn:
            await append_audit(
                conn,
                actor_id=actor_id,
                action=f"export.{kind.value}",
                detail=f"{fmt_.value}, {expected} rows",
                now=self._clock(),
            )
        job = {
            "db_path": str(self._settings.db_path),
            "kind": kind.value,
            "format": fmt_.value,
            "lang": t.lang,
            "tz": self._settings.timezone.key,
            "villages": list(self._settings.town.villages),  # a village not on it: flagged
            "topics": dict(self.topic_titles(t.lang)),
            "directory": str(directory),
            "stem": self.stem(kind),
            "max_bytes": self.max_file_bytes,
            "chunk": CHUNK_ROWS,
        }
        # The writing runs in a child process (bot.services.export_worker): a thread would hold
        # the GIL the event loop needs for tens of seconds.
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.services.export_worker",
            json.dumps(job),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            rows, files = await self._follow(proc, progress)
            _, errors = await proc.communicate()
        except BaseException:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        if proc.returncode != 0 or files is None:
            detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ExportFailedError(f"export worker exited {proc.returncode}: {detail[0]}")
        mime = XLSX_MIME if fmt_ is ExportFormat.XLSX else CSV_MIME
        return Export(tuple(ExportFile(Path(p), mime) for p in files), rows, directory)

    async def _follow(
        self, proc: asyncio.subprocess.Process, progress: Progress | None
    ) -> tuple[int, list[str] | None]:
        """Read the worker's lines: its total, rows written so far (reported every tenth of a
        large export), and the files when done."""
        assert proc.stdout is not None
        total = rows = reported = 0
        files: list[str] | None = None
        async for raw in proc.stdout:
            word, _, rest = raw.decode().strip().partition(" ")
            if word == "total":
                total = int(rest)
            elif word == "rows":
                rows = int(rest)
                step = max(1, -(-total // PROGRESS_STEPS))
                due = progress is not None and total >= self.progress_min_rows
                if due and progress is not None and rows // step > reported and rows < total:
                    reported = rows // step
                    await progress(rows, total)
            elif word == "done":
                files = [str(p) for p in json.loads(rest)]
        return rows, files
