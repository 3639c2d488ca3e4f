"""``python -m bot db migrate`` and ``python -m bot db backup PATH`` as an operator runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.shell.cli import main
from bot.shell.cli_db import verify_copy
from db.database import load_migrations


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("CHUANGYE_CONFIG", "CHUANGYE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("CHUANGYE_DB_PATH", str(path))
    return path


def test_migrate_applies_then_reports_up_to_date(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latest = load_migrations()[-1]
    assert main(["db", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "applied: 0001_core" in out
    assert f"applied: {latest.label}" in out
    assert f"schema version {latest.version}" in out

    assert main(["db", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "applied:" not in out
    assert "up to date" in out


def _migrated_with_users(db_path: Path, users: list[tuple[int, str]]) -> None:
    """``db migrate``, then these (id, first name) users straight into the file."""
    assert main(["db", "migrate"]) == 0
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, ?, 't', 't')",
        users,
    )
    conn.commit()
    conn.close()


def test_backup_copies_checks_and_counts(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrated_with_users(db_path, [(1, "A")])
    capsys.readouterr()

    dest = tmp_path / "backups" / "copy.sqlite3"
    dest.parent.mkdir()
    assert main(["db", "backup", str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"{dest.stat().st_size:,} bytes" in out
    assert "quick_check of the copy: ok" in out
    assert "users:" not in out  # counting every table is the full verification's job
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT first_name FROM users").fetchall() == [("A",)]
    copy.close()

    assert main(["db", "backup", str(dest), "--force", "--verify", "full"]) == 0
    out = capsys.readouterr().out
    assert "  users: 1" in out
    assert "integrity_check + foreign_key_check of the copy: ok" in out


def test_backup_check_reports_a_damaged_copy(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrated_with_users(db_path, [(n, "名" * 200) for n in range(1, 400)])
    dest = tmp_path / "copy.sqlite3"
    assert main(["db", "backup", str(dest)]) == 0
    # Damage the copy's last page (a users b-tree page) and check it again.
    data = bytearray(dest.read_bytes())
    data[-4096 + 8 : -4096 + 40] = b"\xff" * 32
    dest.write_bytes(bytes(data))
    problems, _ = verify_copy(dest, full=False)
    assert problems
    capsys.readouterr()


def test_backup_of_a_missing_database_fails_cleanly(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "backup", str(tmp_path / "copy.sqlite3")]) == 1
    assert "backup failed" in capsys.readouterr().out
    assert not db_path.exists()


def test_backup_refuses_to_overwrite_the_database(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    assert main(["db", "backup", str(db_path)]) == 1
    assert "must differ" in capsys.readouterr().out


def test_backup_refuses_an_existing_file_unless_forced(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    dest = tmp_path / "copy.sqlite3"
    dest.write_bytes(b"last week's backup")
    err = _refused_backup(capsys, str(dest))
    assert "already exists" in err
    assert "--force" in err
    assert dest.read_bytes() == b"last week's backup"
    assert main(["db", "backup", "--force", str(dest)]) == 0
    assert dest.read_bytes().startswith(b"SQLite format 3")


def test_backup_names_a_missing_folder_and_creates_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    dest = tmp_path / "typo" / "copy.sqlite3"
    err = _refused_backup(capsys, str(dest))
    assert "folder does not exist" in err
    assert str(dest.parent) in err
    assert not dest.parent.exists()
    assert "is a folder" in _refused_backup(capsys, str(tmp_path))


def test_backup_to_a_missing_folder_written_with_a_slash_creates_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``db backup /backups/`` (the folder not made yet) must not write a file named backups."""
    assert main(["db", "migrate"]) == 0
    dest = tmp_path / "newdir"
    err = _refused_backup(capsys, f"{dest}/")
    assert "folder does not exist" in err
    assert str(dest) in err
    assert not dest.exists()


def _refused_backup(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``db backup ARGS`` expecting a refusal (exit 2); what it printed on stderr."""
    capsys.readouterr()
    assert main(["db", "backup", *args]) == 2
    return capsys.readouterr().err
