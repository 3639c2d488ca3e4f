"""Exports stream every row, show progress, and come in parts when over the upload limit.

The limit (Telegram's 50 MB) and the chunk size are lowered so a few thousand questions need
several parts and several progress updates; staff must get every question exactly once, in
order, each file under the limit and captioned with which part it is, and the "正在生成…"
message ends saying how many rows were exported.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from bot.services import export as export_service
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import questions as questions_repo
from db.models import Decision
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")
WHEN = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
N = 2_500
LIMIT = 40_000


async def seed_questions(harness: BotHarness) -> None:
    batch = [
        questions_repo.NewQuestion(
            user_id=None,
            text=f"第{n}个问题：贷款怎么申请？" if n != 7 else '=HYPERLINK("http://x")',
            normalized="贷款怎么申请",
            decision=Decision.ANSWER if n % 3 else Decision.ABSTAIN,
            reason="",
            topic_id="loans" if n % 3 else None,
            confidence=0.5,
            lang="zh",
            now=WHEN + timedelta(minutes=n),
        )
        for n in range(1, N + 1)
    ]
    async with harness.running.services.db.write() as conn:
        await questions_repo.log_questions(conn, batch)


async def export_questions(
    harness: BotHarness, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[str, bytes, str]], str, int]:
    """Export the questions as staff would; the files, the status message and its edits."""
    monkeypatch.setattr(export_service, "CHUNK_ROWS", 100)
    service = harness.running.services.exports
    service.max_file_bytes = LIMIT
    service.progress_min_rows = 1
    admin = harness.user(ADMIN_ID)
    message = (await admin.send("/export")).last  # the menu; the choices edit it
    await admin.press("问题")
    replies = await admin.press(fmt)
    files = [(*m.document, m.text) for m in replies.messages if m.document is not None]
    return (
        [(name, data, caption) for name, data, _mime, caption in files],
        message.text,
        message.edits,
    )


async def exported_in_parts(
    harness: BotHarness, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[str, bytes, str]], str, int]:
    """Every question exported as ``fmt`` under the lowered limit: more than one file."""
    await seed_questions(harness)
    files, status, edits = await export_questions(harness, fmt, monkeypatch)
    assert len(files) >= 2
    return files, status, edits


async def test_csv_export_of_every_question_in_parts_with_progress(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, status, edits = await exported_in_parts(harness, "CSV", monkeypatch)
    ids: list[int] = []
    for n, (name, data, caption) in enumerate(files, start=1):
        assert len(data) <= LIMIT
        assert name.endswith(f"-{n}of{len(files)}.csv")
        assert f"共 {N:,} 条记录" in caption
        assert f"已分成 {len(files)} 个文件，这是第 {n} 个" in caption
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == list(ZH.export.question_headers)
        ids.extend(int(r[0]) for r in rows[1:])
        if n == 1:
            assert rows[7][2] == '\'=HYPERLINK("http://x")'  # defused
    assert ids == list(range(1, N + 1))
    # "正在生成…", then progress at every tenth, then the total.
    assert status == f"✅ 问题已生成：{N:,} 条记录"
    assert edits >= 8


async def test_xlsx_export_too_large_for_one_file_comes_in_parts(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, status, _ = await exported_in_parts(harness, "Excel", monkeypatch)
    ids: list[int] = []
    for name, data, _caption in files:
        assert len(data) <= LIMIT
        assert name.endswith(".xlsx")
        ws = load_workbook(io.BytesIO(data)).active
        assert ws is not None
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == list(ZH.export.question_headers)
        ids.extend(int(str(r[0])) for r in rows[1:])
    assert ids == list(range(1, N + 1))
    assert status == f"✅ 问题已生成：{N:,} 条记录"


async def test_a_small_export_is_one_file_without_progress_steps(harness: BotHarness) -> None:
    admin = harness.user(ADMIN_ID)
    message = (await admin.send("/export")).last
    await admin.press("问题")
    replies = await admin.press("CSV")
    [document] = [m for m in replies.messages if m.document is not None]
    assert document.text == "📤 问题：0 条记录"
    assert message.text == "✅ 问题已生成：0 条记录"
    # The choice of format, "正在生成…", the total: no progress steps for a small export.
    assert message.edits == 3
