"""``python -m bot db migrate`` and ``python -m bot db backup PATH [--verify quick|full]``.

Both are safe while the bot runs: migrations take the write lock one transaction at a time and
a backup reads one consistent snapshot through SQLite's online backup API. Imports no
``telegram``; prints one line per fact, Chinese first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from bot.settings import Settings
from db.damage import unusable
from db.database import Database, MigrationError, backup_file, load_migrations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
VERIFY_QUICK, VERIFY_FULL = "quick", "full"


def migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply pending migrations to the configured database and say which ran."""
    try:
        applied, current = asyncio.run(_migrate(settings.db_path))
    except MigrationError as exc:
        print(f"迁移失败 / migration failed: {exc}")
        return EXIT_FAILED
    for label in applied:
        print(f"已应用 / applied: {label}")
    if not applied:
        print("数据库已是最新 / database is up to date")
    print(f"{settings.db_path}: schema version {current}")
    return EXIT_OK


async def _migrate(path: Path) -> tuple[list[str], int]:
    known = load_migrations()
    # Open without migrating first, so we can report exactly what this run applied.
    db = await Database.open(path, migrations=[])
    try:
        applied = await db.migrate(known)
        versions = await db.applied_versions()
    finally:
        await db.close()
    return [m.label for m in applied], max(versions, default=0)


def _destination_problem(dest: Path, *, force: bool, meant_folder: bool) -> str | None:
    """Why ``dest`` is not a place to write a backup to, or None (``meant_folder``: the path
    was typed with a trailing slash, so it names a folder even if none exists)."""
    if dest.is_dir() or meant_folder:
        if not dest.is_dir():
            return f"文件夹不存在 / the folder does not exist: {dest} (create it first)"
        return f"这是一个文件夹，请写出文件名 / {dest} is a folder: name the backup file in it"
    if not dest.parent.is_dir():
        return f"文件夹不存在 / the folder does not exist: {dest.parent} (create it first)"
    if dest.exists() and not force:
        return f"文件已存在，加 --force 才覆盖 / {dest} already exists: add --force to replace it"
    return None


def backup(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the live database to ``args.path``, check the copy, and say what was checked.

    ``--verify quick`` (the default) runs ``PRAGMA quick_check`` on the copy: it reads every
    page and checks every b-tree, but does not match index entries against their rows, so it
    costs a fraction of the full check. ``--verify full`` adds ``integrity_check``,
    ``foreign_key_check`` and a row count of every table.
    """
    dest = Path(args.path)
    meant_folder = str(args.path).endswith(("/", os.sep))
    if dest.resolve() == settings.db_path.resolve():
        print("备份路径不能是数据库本身 / the backup path must differ from the database")
        return EXIT_FAILED
    problem = _destination_problem(
        dest, force=bool(getattr(args, "force", False)), meant_folder=meant_folder
    )
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    full = getattr(args, "verify", VERIFY_QUICK) == VERIFY_FULL
    try:
        backup_file(settings.db_path, dest)
    except sqlite3.DatabaseError as exc:
        damage = unusable(settings.db_path, exc)
        if damage is not None:
            raise damage from exc  # one line and EXIT_DATABASE (bot.cli)
        print(f"备份失败 / backup failed: {exc}")
        return EXIT_FAILED
    except (FileNotFoundError, sqlite3.Error) as exc:
        print(f"备份失败 / backup failed: {exc}")
        return EXIT_FAILED
    problems, counts = verify_copy(dest, full=full)
    size = dest.stat().st_size
    print(f"已备份 / backed up: {settings.db_path} -> {dest} ({size:,} bytes)")
    for name, count in counts.items():
        print(f"  {name}: {count}")
    check = "integrity_check + foreign_key_check" if full else "quick_check"
    if problems:
        print(f"副本检查失败 / {check} of the copy failed: {'; '.join(problems[:5])}")
        return EXIT_FAILED
    print(f"副本检查通过 / {check} of the copy: ok")
    return EXIT_OK


def verify_copy(path: Path, *, full: bool) -> tuple[list[str], dict[str, int]]:
    """What is wrong with the database at ``path`` (empty: nothing) and, when ``full``, the
    row count of every table."""
    try:
        return _verify(path, full=full)
    except sqlite3.DatabaseError as exc:  # so damaged that the check itself cannot run
        return [str(exc)], {}


def _verify(path: Path, *, full: bool) -> tuple[list[str], dict[str, int]]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy:
        pragma = "integrity_check" if full else "quick_check"
        try:
            found = [str(row[0]) for row in copy.execute(f"PRAGMA {pragma}")]
        except sqlite3.DatabaseError as exc:  # damage bad enough that the check itself stops
            return [str(exc)], {}
        problems = [] if found == ["ok"] else found
        if not full:
            return problems, {}
        problems += [
            f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
            for row in copy.execute("PRAGMA foreign_key_check")
        ]
        tables = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # Table names come from the copy's own catalogue, quoted as identifiers.
        counts = {
            name: int(copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in tables
        }
    return problems, counts
