"""A damaged database at start: one line naming the file, the problem and the remedy; exit 3.

Real damaged files through the real CLI (a separate process): garbage, a truncated copy, a file
whose pages are overwritten (header intact: SQLite itself finds it malformed), and a read-only
file and folder (as root, file modes do not stop writes, so that case runs the CLI as
``nobody`` through ``setpriv``). ``run``, ``db migrate`` and ``db backup`` answer alike, and the
systemd unit does not restart on that exit status.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.damage import EXIT_DATABASE
from tests.cli import run, run_cli
from tests.test_e2e_deploy import unit

TOKEN = "123456789:AAdamagedDatabaseTestTokenxxxxxxxxxx"
COMMANDS = (("run",), ("db", "migrate"), ("db", "backup", "copy.sqlite3"))


def _env(db: Path) -> dict[str, str]:
    return {"CHUANGYE_DB_PATH": str(db), "CHUANGYE_TOKEN": TOKEN}


def _healthy(directory: Path) -> Path:
    db = directory / "bot.sqlite3"
    done = run_cli("db", "migrate", cwd=directory, env=_env(db))
    assert done.returncode == 0, done.stderr
    return db


def _assert_one_line(done: subprocess.CompletedProcess[str], db: Path, problem: str) -> None:
    assert done.returncode == EXIT_DATABASE, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # no traceback
    assert str(db) in lines[0]
    assert problem in lines[0]
    assert "db backup" in lines[0]  # what to do


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_garbage_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "bot.sqlite3"
    db.write_bytes(b"PK\x03\x04 this was a zip file, copied over the database\n" * 200)
    _assert_one_line(run_cli(*command, cwd=tmp_path, env=_env(db)), db, "garbage")
    assert not (tmp_path / "copy.sqlite3").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_truncated_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = _healthy(tmp_path)
    data = db.read_bytes()
    assert len(data) > 3 * 4096
    db.write_bytes(data[: len(data) // 2 + 100])  # half a copy, not even on a page boundary
    _assert_one_line(run_cli(*command, cwd=tmp_path, env=_env(db)), db, "truncated")


def test_overwritten_pages_are_reported_as_malformed(tmp_path: Path) -> None:
    db = _healthy(tmp_path)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes((i * 7 + 13) % 256 for i in range(len(data) - page))
    db.write_bytes(bytes(data))
    for command in COMMANDS:
        done = run_cli(*command, cwd=tmp_path, env=_env(db))
        _assert_one_line(done, db, "malformed")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder ``nobody`` can reach (pytest's tmp_path is private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="chuangye-ro-", dir="/tmp"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        directory.chmod(0o755)
        shutil.rmtree(directory)


def test_read_only_file(shared_dir: Path) -> None:
    db = _healthy(shared_dir)
    db.chmod(0o444)
    shared_dir.chmod(0o555)
    as_other: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.fail("running as root needs setpriv to test a read-only file")
        as_other = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = _env(db) | {"HOME": str(shared_dir)}
    for command in (("run",), ("db", "migrate")):
        done = run([*as_other, sys.executable, "-m", "bot", *command], cwd=shared_dir, env=env)
        _assert_one_line_ro(done, db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o444  # nothing was changed


def _assert_one_line_ro(done: subprocess.CompletedProcess[str], db: Path) -> None:
    assert done.returncode == EXIT_DATABASE, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(db) in lines[0]
    assert "read-only" in lines[0]
    assert "writable" in lines[0]  # the remedy: permissions, not a restore


def test_a_healthy_database_still_opens_and_backs_up(tmp_path: Path) -> None:
    db = _healthy(tmp_path)
    done = run_cli("db", "backup", "copy.sqlite3", cwd=tmp_path, env=_env(db))
    assert done.returncode == 0, done.stderr
    assert ": ok" in done.stdout  # the copy was checked


def test_systemd_does_not_restart_on_an_unusable_database() -> None:
    statuses = unit("chuangye-bot.service")["RestartPreventExitStatus"][0].split()
    assert str(EXIT_DATABASE) in statuses
