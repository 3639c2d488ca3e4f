"""``python -m bot training add|list|cancel``: publish, list and cancel without the bot running."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.shell.cli import main
from bot.shell.harness import bot_harness
from bot.texts import get_texts
from handlers.trainings import dispatch

T = get_texts("zh").trainings


def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("CHUANGYE_DB_PATH", str(settings.db_path))
    monkeypatch.setenv("CHUANGYE_ADMIN_IDS", ",".join(str(i) for i in settings.admin_ids))
    monkeypatch.chdir(settings.db_path.parent)
    return main(list(argv))


async def arun(settings: Settings, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """The CLI runs its own event loop, as it does from a shell."""
    return await asyncio.to_thread(run, settings, monkeypatch, *argv)


async def test_add_list_cancel_and_the_bot_delivers_the_notices(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    next_year = datetime.now().year + 1
    start = f"{next_year}-03-05 14:00"
    args = ("training", "add", "--title", "电商培训", "--start", start, "--place", "镇文化站")
    assert await arun(settings, monkeypatch, *args, "--capacity", "20", "--tags", "电子商务") == 0
    assert "#1" in capsys.readouterr().out
    async with bot_harness(settings) as h:
        user = h.user(701)
        await user.send("/trainings")
        assert (await user.press(T.btn_join)).toast == T.toast_signed
    assert await arun(settings, monkeypatch, "training", "list") == 0
    listing = capsys.readouterr().out
    assert f"{next_year}-03-05 14:00-16:00 电商培训 @ 镇文化站" in listing
    assert "报名 1/20" in listing
    assert await arun(settings, monkeypatch, "training", "cancel", "1") == 0
    out = capsys.readouterr().out
    assert "待发取消通知 / cancellation notices queued: 1" in out
    assert "下次启动" in out
    # The bot was not running: the notice waits in the database for the next start.
    async with bot_harness(settings, emulator=h.emulator) as h2:
        await dispatch(h2.running.app)
        assert "培训取消" in h2.user(701).last.text
    assert await arun(settings, monkeypatch, "training", "cancel", "1") == 1
    assert "已经取消" in capsys.readouterr().err


def test_bad_input_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("training", "add", "--title", "x", "--place", "y", "--capacity", "5")
    assert run(settings, monkeypatch, *base, "--start", "whenever") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1  # one line
    assert "--start" in err
    assert "'whenever'" in err
    assert "None" not in err
    future = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%d 10:00")
    assert run(settings, monkeypatch, *base, "--start", future, "--end", "blah") == 2
    err = capsys.readouterr().err
    assert "--end" in err
    assert "'blah'" in err
    past = (datetime.now() - timedelta(days=2)).strftime("%Y-%m-%d 10:00")
    assert run(settings, monkeypatch, *base, "--start", past) == 1
    assert "past" in capsys.readouterr().err
    assert run(settings, monkeypatch, "training", "list") == 0
    assert "no sessions" in capsys.readouterr().out
    assert Path(settings.db_path).exists()
