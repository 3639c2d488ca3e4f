"""``python -m bot db backup`` while residents register and ask: the copy is one consistent moment.

Forty residents register projects and ask questions at once through the real Application
while ``python -m bot db backup`` runs three times as a separate process (as the nightly timer
does). Each copy must pass ``PRAGMA integrity_check`` and be internally consistent: every
project has its 'submitted' history row and no history row lacks its project, and the copies
grow monotonically, never ahead of the live database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests import children
from tests.cli import clean_env
from tests.registration_flow import fill

pytestmark = pytest.mark.slow  # a load test: minutes on a busy machine

ZH = get_texts("zh")


async def _register(user: SimUser, n: int) -> None:
    for i in range(n):
        await fill(user, name=f"项目{user.id}-{i}")
        await user.press(ZH.form.btn_submit)
        await user.send("联保贷款怎么办理")


async def _backup(db_path: Path, dest: Path) -> None:
    env = clean_env({"CHUANGYE_DB_PATH": str(db_path)})
    proc = await children.spawn(
        sys.executable, "-m", "bot", "db", "backup", str(dest), env=env, cwd=dest.parent
    )
    assert await proc.wait() == 0


def _snapshot(path: Path) -> tuple[str, int, int, int, int]:
    with closing(sqlite3.connect(path)) as conn:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        projects = conn.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
        questions = conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
        unhistoried = conn.execute(
            "SELECT COUNT(*) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM "
            "project_status_history h WHERE h.project_id = p.id)"
        ).fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM project_status_history h WHERE NOT EXISTS (SELECT 1 FROM "
            "projects p WHERE p.id = h.project_id)"
        ).fetchone()[0]
    return integrity, projects, questions, unhistoried, orphans


async def test_backups_taken_under_load_are_consistent(
    harness: BotHarness, tmp_path: Path
) -> None:
    db_path = harness.settings.db_path
    users = [harness.user(8000 + i) for i in range(40)]
    load = asyncio.gather(*(_register(u, 2) for u in users))
    copies = []
    for n in range(3):
        await asyncio.sleep(0.2 * n)
        dest = tmp_path / f"backup-{n}.sqlite3"
        await _backup(db_path, dest)
        copies.append(_snapshot(dest))
    await load
    final = _snapshot(db_path)
    assert final[1] == 80  # every registration stored once
    previous = (0, 0)
    for integrity, projects, questions, unhistoried, orphans in copies:
        assert integrity == "ok"
        assert (unhistoried, orphans) == (0, 0)
        assert previous[0] <= projects <= final[1]
        assert previous[1] <= questions <= final[2]
        previous = (projects, questions)
    assert copies[0][1] < final[1]  # the first copy really was taken mid-load
