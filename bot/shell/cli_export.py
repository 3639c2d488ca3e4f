"""``python -m bot export --what projects|trainings|questions|complaints --format xlsx|csv``.

Writes the same file staff get from ``/export`` in the bot (Chinese headers), to ``-o FILE``
or to ``<what>-<date>.<format>`` in the current directory, and prints its path (files over
Excel's 1,048,575 rows come in parts, ``-1of2`` ...; no 50 MB split on disk). Opens the
database (applying migrations) but not the knowledge base or ``telegram``, so it is quick.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from pathlib import Path

from bot.clock import system_clock
from bot.services.export import Export, ExportFormat, ExportKind, ExportService
from bot.settings import Settings
from bot.texts import get_texts
from db.database import Database

EXIT_FAILED = 1
NO_SIZE_LIMIT = 2**62


async def _build(settings: Settings, kind: ExportKind, fmt: ExportFormat) -> Export:
    db = await Database.open(settings.db_path, clock=system_clock)
    try:
        service = ExportService(db, system_clock, settings)
        service.max_file_bytes = NO_SIZE_LIMIT  # a file on disk, not a Telegram upload
        return await service.export(kind, fmt, get_texts("zh"), actor_id=None)
    finally:
        await db.close()


def export(args: argparse.Namespace, settings: Settings) -> int:
    """Export one kind of data to a file (parts past Excel's row limit) and print where."""
    kind, fmt = ExportKind(args.what), ExportFormat(args.format)
    result = asyncio.run(_build(settings, kind, fmt))
    try:
        output: Path = args.output if args.output is not None else Path(result.files[0].filename)
        count = len(result.files)
        targets = [
            output
            if count == 1
            else output.with_name(f"{output.stem}-{n}of{count}{output.suffix}")
            for n in range(1, count + 1)
        ]
        for file, target in zip(result.files, targets, strict=True):
            try:
                shutil.copyfile(file.path, target)
            except OSError as exc:
                print(f"无法写入 / cannot write {target}: {exc.strerror}", file=sys.stderr)
                return EXIT_FAILED
            print(target)
    finally:
        result.cleanup()
    print(f"{result.rows} rows", file=sys.stderr)
    return 0
