"""Upgrading: pending migrations run at start-up, after an automatic copy of the old database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from db.database import Database, load_migrations


def _versions(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def _backups(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".bak" in p.name)


async def test_upgrade_backs_up_first_and_only_when_needed(tmp_path: Path) -> None:
    path = tmp_path / "chuangye.sqlite3"
    migrations = load_migrations()
    old, latest = migrations[:-1], migrations[-1]

    fresh = await Database.open(path, migrations=old)  # a new install: nothing to back up
    await fresh.close()
    assert _backups(tmp_path) == []

    upgraded = await Database.open(path)  # the new release starts with one pending migration
    await upgraded.close()
    backup = tmp_path / f"chuangye.sqlite3.pre-{latest.version:04d}.bak"
    assert backup.is_file()
    assert _versions(backup) == [m.version for m in old]  # the copy is from before the upgrade
    assert _versions(path) == [m.version for m in migrations]

    backup.unlink()
    again = await Database.open(path)  # nothing pending: no copy
    await again.close()
    assert _backups(tmp_path) == []
