"""A web resident's anonymous complaint: the page shows the 查询码 once, but the web channel's
stored history (``web_messages``, kept next to the resident's chat) never holds it in clear, so
the office cannot link the complaint to the web resident; typed status checks still work."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator

import pytest

from bot.services.complaints import mask_codes
from bot.settings import Settings
from bot.texts import get_texts
from tests.test_complaints import WHAT
from tests.web_client import WebBot, WebResident, web_bot

ZH = get_texts("zh")
C = ZH.complaints
CODE_RE = re.compile(r"查询码：([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})")
REF_RE = re.compile(r"TS-\d{4}-\d{4}")


@pytest.fixture
async def web(settings: Settings) -> AsyncIterator[WebBot]:
    async with web_bot(settings) as bot:
        yield bot


async def _file_anonymously(resident: WebResident) -> tuple[str, str]:
    """The whole complaint dialog on the web page; (number, 查询码) as the page shows them."""
    await resident.send("/complaint")
    await resident.send(WHAT)
    await resident.send("镇市场监管所")
    await resident.send("上周三上午")
    await resident.press(C.btn_skip)
    await resident.press(C.btn_anonymous)
    await resident.press(ZH.form.btn_submit)
    done = resident.last_text
    code, ref = CODE_RE.search(done), REF_RE.search(done)
    assert code is not None, done
    assert ref is not None, done
    return ref.group(0), code.group(1)


async def _filed(web: WebBot) -> tuple[WebResident, tuple[str, str]]:
    """A new web resident who has filed an anonymous complaint."""
    resident = web.resident()
    await resident.open()
    return resident, await _file_anonymously(resident)


def _stored(settings: Settings) -> str:
    """Everything the web channel keeps of its chats' messages, as the office could read it."""
    with sqlite3.connect(settings.db_path) as conn:
        rows = conn.execute("SELECT data, COALESCE(html, '') FROM web_messages").fetchall()
    return "\n".join(f"{data}\n{html}" for data, html in rows)


def _carries(text: str, code: str) -> bool:
    bare = code.replace("-", "")
    squeezed = re.sub(r"[\s\-]", "", text).upper()
    return code in text.upper() or bare in squeezed


async def test_the_page_shows_the_code_once_and_the_database_never_keeps_it(
    web: WebBot, settings: Settings
) -> None:
    resident, (ref, code) = await _filed(web)
    stored = _stored(settings)
    assert ref in stored  # the history is there ...
    assert not _carries(stored, code)  # ... without the code
    assert "****-****" in stored
    # A reload before the page acknowledged the message (a lost response) still shows it.
    await resident.open()
    assert any(code in t for t in resident.texts())
    # The live page's button works.
    await resident.press(C.btn_check)
    assert ref in resident.last_text
    assert "已收到" in resident.last_text
    # Once the page has it, a reload (or another device) shows it masked.
    await resident.refresh()
    await resident.open()
    shown = "\n".join(resident.texts())
    assert ref in shown
    assert "查询码：****-****" in shown
    assert not _carries(shown, code)
    assert not any(
        "cpchk" in str(b.get("data"))
        for m in resident.bot_messages
        for row in m.get("buttons", [])
        for b in row
    )
    # Typing the number and the code (as copied onto paper) is still a status check, and
    # what was typed is stored masked too.
    bare = code.replace("-", "")
    for typed in (f"{ref} {bare.lower()}", f"{ref} {code}", bare.lower()):
        await resident.send(typed)
        assert ref in resident.last_text, typed
        assert "已收到" in resident.last_text, typed
    assert not _carries(_stored(settings), code)
    # After a restart too.
    await web.restart()
    await resident.open()
    assert not _carries("\n".join(resident.texts()), code)
    await resident.close()


async def test_codes_stored_before_masking_are_masked_at_the_next_start(
    web: WebBot, settings: Settings
) -> None:
    resident, (ref, code) = await _filed(web)
    bare = code.replace("-", "")
    await resident.send(f"{ref} {bare.lower()}")
    await web.stop()
    with sqlite3.connect(settings.db_path) as conn:  # as an older version stored them
        for masked, clear in (("****-****", code), ("********", bare.lower())):
            conn.execute(
                "UPDATE web_messages SET data = replace(data, ?, ?), html = replace(html, ?, ?)",
                (masked, clear, masked, clear),
            )
        conn.execute("DELETE FROM web_meta WHERE key = 'codes_masked'")
    assert _carries(_stored(settings), code)
    await web.start()
    stored = _stored(settings)
    assert ref in stored
    assert not _carries(stored, code)
    await resident.open()
    assert not _carries("\n".join(resident.texts()), code)
    await resident.close()


async def test_ordinary_messages_are_stored_as_they_were(web: WebBot, settings: Settings) -> None:
    resident = web.resident()
    await resident.open()
    await resident.send("返税怎么申请 2026-0001 ABCDEFGH")
    assert "返税怎么申请 2026-0001 ABCDEFGH" in _stored(settings)
    await resident.close()


@pytest.mark.parametrize(
    ("text", "known", "masked"),
    [
        ("查询码：HJPJ-BTNM。", (), "查询码：****-****。"),
        ("TS-2026-0001 hjpj btnm 谢谢", (), "TS-2026-0001 **** **** 谢谢"),
        ("ＴＳ－２０２６－０００１ ｈｊｐｊｂｔｎｍ", (), "ＴＳ－２０２６－０００１ ********"),
        ("我的码 hjpjbtnm", ("HJPJBTNM",), "我的码 ********"),
        ("我的码 hjpjbtnm", (), "我的码 hjpjbtnm"),  # not shaped, not a real code
        ("TS-2026-0001 请问进度", (), "TS-2026-0001 请问进度"),
        ("电话 1380-0138 2026-0001", (), "电话 1380-0138 2026-0001"),  # digits only
    ],
)
def test_mask_codes_keeps_length_and_everything_but_codes(
    text: str, known: tuple[str, ...], masked: str
) -> None:
    assert mask_codes(text, frozenset(known)) == masked
    assert len(mask_codes(text, frozenset(known))) == len(text)
