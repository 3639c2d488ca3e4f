"""The export writer as a child process: ``python -m bot.services.export_worker JOB``.

Writing 500,000 rows is tens of seconds of pure-Python work; in a thread of the bot's own
process it would hold the GIL that the event loop needs, and every resident's answer would
wait behind it. A child process runs on the other core instead. It opens the database
read-only in one transaction (one consistent snapshot), streams the rows of ``db.exports``
through the labels of ``bot.services.export`` into ``bot.services.export_files``' writers,
and reports on stdout, one line each: ``total N``, then ``rows N`` after every chunk, then
``done`` with the JSON list of files. A part over the size limit is written again with
fewer rows a part. Imports no ``telegram``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.export_files import EXCEL_MAX_ROWS, CsvParts, PartTooLargeError, XlsxParts
from bot.settings import TownSettings
from bot.texts import get_texts
from db import exports as exports_repo


def run_job(job: dict[str, Any], emit: Callable[[str], None]) -> None:
    """Write the export described by ``job`` (see ``ExportService._export``), emitting lines."""
    from bot.services.export import ExportKind, labeller, layout

    kind = ExportKind(job["kind"])
    texts = get_texts(job["lang"])
    tz = ZoneInfo(job["tz"])
    town = TownSettings(villages=tuple(job.get("villages") or ()))
    label = labeller(kind, texts, town, tz, job.get("topics") or {})
    lay = layout(kind, texts)
    directory, stem = Path(job["directory"]), str(job["stem"])
    uri = f"{Path(job['db_path']).resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as conn:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("BEGIN")
        emit(f"total {exports_repo.count_sync(conn, kind.value)}")
        max_rows = EXCEL_MAX_ROWS
        while True:
            writer: XlsxParts | CsvParts
            if job["format"] == "xlsx":
                writer = XlsxParts(
                    directory, stem, lay, tz, max_rows=max_rows, max_bytes=job["max_bytes"]
                )
            else:
                writer = CsvParts(directory, stem, lay, tz, max_bytes=job["max_bytes"])
            try:
                for chunk in exports_repo.chunks_sync(conn, kind.value, size=job["chunk"]):
                    writer.write([label(r) for r in chunk])
                    emit(f"rows {writer.rows_written}")
                paths = writer.close()
            except PartTooLargeError as exc:
                # Known only once a part is zipped: write it all again with fewer rows a part,
                # in proportion, with a margin.
                for path in directory.iterdir():
                    path.unlink()
                max_rows = max(1, int(exc.rows * job["max_bytes"] / exc.size * 0.9))
                continue
            break
    emit("done " + json.dumps([str(p) for p in paths]))


def main(argv: list[str] | None = None) -> int:
    """Run the job given as JSON in the one argument."""
    args = sys.argv[1:] if argv is None else argv

    def emit(line: str) -> None:
        print(line, flush=True)

    run_job(json.loads(args[0]), emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
