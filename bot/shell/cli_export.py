"""``python -m bot export --what projects|trainings|questions|complaints --format xlsx|csv``.

Writes the same file staff get from ``/export`` in the bot (Chinese headers), to ``-o FILE``
or to ``<what>-<date>.<format>`` in the current directory, and prints its path. Opens the
database (applying migrations) but not the knowledge base or ``telegram``, so it is quick.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.clock import system_clock
from bot.services.export import ExportFile, ExportFormat, ExportKind, ExportService
from bot.settings import Settings
from bot.texts import get_texts
from db.database import Database

EXIT_FAILED = 1


async def _build(settings: Settings, kind: ExportKind, fmt: ExportFormat) -> ExportFile:
    db = await Database.open(settings.db_path, clock=system_clock)
    try:
        service = ExportService(db, system_clock, settings)
        return await service.export(kind, fmt, get_texts("zh"), actor_id=None)
    finally:
        await db.close()


def export(args: argparse.Namespace, settings: Settings) -> int:
    """Export one kind of data to a file and print where it went."""
    kind, fmt = ExportKind(args.what), ExportFormat(args.format)
    file = asyncio.run(_build(settings, kind, fmt))
    output: Path = args.output if args.output is not None else Path(file.filename)
    try:
        output.write_bytes(file.data)
    except OSError as exc:
        print(f"无法写入 / cannot write {output}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(output)
    print(f"{file.rows} rows", file=sys.stderr)
    return 0
