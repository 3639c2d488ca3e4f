"""The command line as an operator uses it: separate processes, real exit codes and output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run_cli

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize(
    "command",
    [[], ["chat"], ["run"], ["ask"], ["kb"], ["kb", "check"], ["db", "migrate"], ["db", "backup"]],
)
def test_help_for_every_command(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage:" in result.stdout


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"CHUANGYE_TIMEZONE": "Nowhere/Town"}, "bot.timezone"),
        ({"CHUANGYE_ADMIN_IDS": "boss"}, "bot.admin_ids"),
        ({"CHUANGYE_TOKEN": "123:" + "x" * 5}, "bot.token"),
    ],
)
def test_invalid_settings_exit_2_with_one_line(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    result = run_cli("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert setting in lines[0]
    assert "Traceback" not in result.stderr
    for value in env.values():
        if "x" * 5 in value:
            assert value not in result.stderr


def test_run_without_token_explains_botfather(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stdout
    assert "python -m bot chat" in result.stdout


def test_chat_answers_start_help_menu_and_odd_input(tmp_path: Path) -> None:
    lines = ["/help", "/menu", "/sticker", "/photo", "长" * 5000, "/nosuch", "1", "/quit"]
    result = run_cli("chat", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "创业助手" in out  # /start greeting
    assert "怎么用创业助手" in out  # /help
    assert "主菜单" in out  # /menu
    assert "只能看懂文字消息" in out  # sticker and photo
    assert "/nosuch" in out
    assert "Traceback" not in out + result.stderr
    assert (tmp_path / "data" / "chuangye.sqlite3").is_file()  # created on first run


def test_the_trial_config_shows_a_realistic_office(tmp_path: Path) -> None:
    """The README's local trial (config.trial.toml, example data) answers with a phone number."""
    trial = str(REPO / "config.trial.toml")
    lines = ["联保贷款怎么办理", "/sticker", "/quit"]
    result = run_cli("--config", trial, "chat", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "0000-1234567" in result.stdout
    assert "暂未公布" not in result.stdout
    assert (tmp_path / "data" / "trial.sqlite3").is_file()
    assert "EXAMPLE DATA ONLY" in (REPO / "config.trial.toml").read_text(encoding="utf-8")
