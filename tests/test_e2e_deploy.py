"""The shipped systemd units: the settings an operator relies on, and a backup line that works."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from tests.cli import run, run_cli

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"


def unit(name: str) -> dict[str, list[str]]:
    """``Key`` -> values (a key may repeat), ignoring sections and comments."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_bot_unit_restarts_on_failure_as_a_dedicated_hardened_user() -> None:
    service = unit("chuangye-bot.service")
    assert service["ExecStart"] == ["/opt/chuangye-bot/.venv/bin/python -m bot run"]
    assert service["Restart"] == ["on-failure"]
    # Settings errors (2) and an unusable database file (3): restarting won't help.
    assert service["RestartPreventExitStatus"] == ["2 3"]
    assert service["User"] == ["chuangye"]
    assert service["EnvironmentFile"] == ["/etc/chuangye-bot/env"]
    assert service["WorkingDirectory"] == ["/opt/chuangye-bot"]
    assert service["KillSignal"] == ["SIGTERM"]
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    assert "/var/lib/chuangye-bot" in service["ReadWritePaths"]
    db_path = next(v for v in service["Environment"] if v.startswith("CHUANGYE_DB_PATH="))
    assert db_path.startswith("CHUANGYE_DB_PATH=/var/lib/chuangye-bot/")


def test_backup_timer_runs_the_backup_service_daily() -> None:
    timer = unit("chuangye-bot-backup.timer")
    assert timer["OnCalendar"] == ["*-*-* 03:30:00"]
    assert timer["Persistent"] == ["yes"]
    service = unit("chuangye-bot-backup.service")
    assert service["Type"] == ["oneshot"]
    assert "/var/backups/chuangye" in service["ReadWritePaths"][0]


def test_backup_command_line_makes_a_dated_copy(tmp_path: Path) -> None:
    """Run the unit's ExecStart through /bin/sh as systemd would, with local paths."""
    (exec_start,) = unit("chuangye-bot-backup.service")["ExecStart"]
    assert exec_start.startswith("/bin/sh -c '")
    assert "%%F" in exec_start  # a single % would be eaten by systemd's specifier expansion
    script = exec_start.removeprefix("/bin/sh -c '").removesuffix("'").replace("%%", "%")
    script = script.replace("/opt/chuangye-bot/.venv/bin/python", sys.executable)
    script = script.replace("/var/backups/chuangye", str(tmp_path / "backups"))
    (tmp_path / "backups").mkdir()  # ReadWritePaths= makes systemd require the folder
    db = tmp_path / "chuangye.sqlite3"
    env = {"CHUANGYE_DB_PATH": str(db)}
    migrated = run_cli("db", "migrate", cwd=tmp_path, env=env)
    assert migrated.returncode == 0, migrated.stderr
    result = run(["/bin/sh", "-c", script], cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    copy = tmp_path / "backups" / f"chuangye-{dt.date.today().isoformat()}.sqlite3"
    assert copy.is_file()
    again = run(["/bin/sh", "-c", script], cwd=tmp_path, env=env, timeout=300)
    assert again.returncode == 0, "a second run on the same day replaces the day's copy"


@pytest.mark.parametrize("name", ["chuangye-bot.service", "chuangye-bot-backup.service"])
def test_units_keep_secrets_out(name: str) -> None:
    text = (DEPLOY / name).read_text(encoding="utf-8")
    assert "CHUANGYE_TOKEN=" not in text  # the token belongs in the EnvironmentFile only
