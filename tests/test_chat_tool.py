"""``python -m bot chat`` as a newcomer uses it: pop-ups shown, logs in a file, users of an
earlier session still reachable after a restart, Ctrl-C quits at once (issue 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.shell.cli_chat import TerminalChat
from bot.shell.emulator import BotApiEmulator
from bot.shell.harness import bot_harness
from bot.texts import get_texts
from tests.cli import REPO, run_cli

ZH = get_texts("zh")


async def test_a_button_pop_up_is_printed(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = BotApiEmulator()
    chat = TerminalChat(emulator, tmp_path / "downloads", "zh-hans")
    async with bot_harness(settings, emulator=emulator):
        chat.switch(7001)
        await chat.handle("联保贷款怎么办理")
        thumbs = next(
            n
            for n, (_, button) in enumerate(chat.buttons, 1)
            if isinstance(button, dict) and button["text"] == ZH.qa.btn_up
        )
        capsys.readouterr()
        await chat.handle(str(thumbs))
    shown = capsys.readouterr().out
    toast = emulator.callback_answers[max(emulator.callback_answers)]
    assert toast is not None
    assert toast["text"]
    assert f"💬 提示 pop-up: {toast['text']}" in shown


def test_logs_go_to_a_file_and_earlier_users_are_reachable(tmp_path: Path) -> None:
    first = run_cli("chat", "--user", "2", cwd=tmp_path, stdin="/quit\n")
    assert first.returncode == 0, first.stderr
    log = tmp_path / "data" / "chat.log"
    assert f"日志 log: {Path('data') / 'chat.log'}" in first.stdout
    assert "applied migration" in log.read_text(encoding="utf-8")
    assert "INFO" not in first.stdout + first.stderr  # nothing of the log in the chat
    # A restart: user 2 was not switched to in this session, yet the broadcast reaches them.
    lines = ["/as 1", "/broadcast", "停电通知", "1", "1", "/quit"]
    second = run_cli("chat", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert second.returncode == 0, second.stderr
    # Both residents: user 2 from the first session and this session's own user, who opened
    # the bot at start-up; a chat lost with the restart would count as 失败.
    assert "送达 2，已屏蔽 0，失败 0" in second.stdout
    assert "(→ 用户 2 收到一条消息" in second.stdout


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_quits_without_waiting_for_enter(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
    environ["PYTHONPATH"] = str(REPO)
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=tmp_path,
        env=environ,
        stdin=subprocess.PIPE,  # kept open: nothing is ever typed
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A terminal delivers Ctrl-C; a shell running the suite in the background ignores
        # SIGINT, and its children would inherit that.
        preexec_fn=_default_sigint,
    ) as process:
        try:
            assert process.stdout is not None
            seen = b""
            deadline = time.monotonic() + 120  # a safety net for a stuck start, not a speed claim
            while "[用户".encode() not in seen and time.monotonic() < deadline:
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
            assert "[用户".encode() in seen, seen.decode(errors="replace")
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=60) == 130
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
