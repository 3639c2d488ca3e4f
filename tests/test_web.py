"""The web channel over HTTP: the same bot for residents in a browser, durable and guarded."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels import is_web_user, web_number
from bot.clock import FakeClock
from bot.settings import Settings, WebSettings
from bot.shell.emulator import BotApiEmulator, SimUser
from bot.shell.web.gateway import WEB_FIRST_NAME, WebGateway
from bot.shell.web.limits import RateLimiter, client_address, parse_networks
from bot.shell.web.views import normalize_phone
from bot.texts import get_texts
from db.database import Database
from db.web import WEB_ID_BASE
from tests.conftest import ADMIN_ID
from tests.queries import get_project_by_ref
from tests.web_client import WebBot, WebResident, plain, register, web_bot

ZH = get_texts("zh")
STATIC_DIR = Path(__file__).resolve().parents[1] / "bot" / "shell" / "web" / "static"
STATIC = {n: (STATIC_DIR / n).read_text(encoding="utf-8") for n in ("app.js", "index.html")}


@pytest.fixture
async def web(settings: Settings) -> AsyncIterator[WebBot]:
    async with web_bot(settings) as bot:
        yield bot


@pytest.fixture
async def resident(web: WebBot) -> AsyncIterator[WebResident]:
    r = web.resident()
    await r.open()
    yield r
    await r.close()


async def test_a_question_gets_the_answer_with_its_source_and_related_topics(
    resident: WebResident,
) -> None:
    replies = await resident.send("返税怎么申请")
    assert len(replies) == 1
    assert "税收返还" in resident.last_text
    labels = [b["text"] for row in replies[0]["buttons"] for b in row]
    assert any("出处" in label for label in labels)
    related = next(label for label in labels if label.startswith("🔗"))
    new, _ = await resident.press("出处")
    assert new, "the source arrives as a new or edited message"
    new, answer = await resident.press(related)
    assert new
    assert answer["ok"] is True
    # The resident's own question is part of the history, as in Telegram.
    mine = [m for m in resident.messages.values() if not m["bot"]]
    assert plain(mine[0]["body"]) == "返税怎么申请"


async def test_history_and_session_survive_a_reload_and_a_restart(web: WebBot) -> None:
    first = web.resident()
    session = await first.open()
    await first.send("返税怎么申请")
    before = first.texts()
    await web.restart()
    again = await first.open()  # the same browser (cookie jar) after the restart
    assert again["number"] == session["number"]
    assert first.texts() == before
    await first.close()


async def test_web_residents_get_ids_that_telegram_never_uses(web: WebBot) -> None:
    residents = [web.resident() for _ in range(2)]
    numbers = [(await r.open())["number"] for r in residents]
    assert numbers == ["W1", "W2"]
    async with web.gateway.db.read() as conn, conn.execute("SELECT id FROM users") as cur:
        ids = [row[0] for row in await cur.fetchall()]
    assert ids == [] or all(is_web_user(i) for i in ids)
    assert is_web_user(WEB_ID_BASE)
    assert not is_web_user(WEB_ID_BASE - 1)
    assert web_number(WEB_ID_BASE) == 1
    for r in residents:
        await r.close()


async def test_state_changing_requests_need_the_sessions_csrf_token(
    web: WebBot, resident: WebResident
) -> None:
    for headers in ({"X-CSRF-Token": ""}, {"X-CSRF-Token": "forged"}):
        response = await resident.http.post(
            resident.url("/api/send"), json={"text": "hi"}, headers=headers
        )
        assert response.status_code == 403
    cross_site = await resident.post("/api/send", {"text": "hi"}, Origin="https://evil.example")
    assert cross_site.status_code == 403
    # A cross-site form cannot set X-Requested-With, so it cannot create or swap a session.
    async with httpx.AsyncClient() as bare:
        assert (await bare.post(resident.url("/api/session"))).status_code == 403
    assert list(resident.messages.values()) == []


async def test_no_session_can_read_or_press_another_sessions_chat(web: WebBot) -> None:
    alice, mallory = web.resident(), web.resident()
    await alice.open()
    await mallory.open()
    await alice.send("返税怎么申请")
    message_id, button = alice.find_button("出处")
    # Mallory replays Alice's button: refused, and nothing reaches Alice's chat.
    forged = await mallory.post("/api/press", {"message_id": message_id, "data": button["data"]})
    assert forged.status_code == 404
    await mallory.refresh()
    assert all(plain(m.get("body", [])) != alice.last_text for m in mallory.messages.values())
    # A button that is not on the message is refused even in one's own chat.
    fake = await alice.post("/api/press", {"message_id": message_id, "data": "v1:src:other"})
    assert fake.status_code == 404
    # Without a cookie there is nothing to read.
    async with httpx.AsyncClient() as anonymous:
        response = await anonymous.get(alice.url("/api/updates?wait=0"))
        assert response.status_code == 401
    for r in (alice, mallory):
        await r.close()


async def test_hostile_user_text_stays_text_and_hostile_bot_html_has_no_markup(
    web: WebBot, resident: WebResident
) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror=alert(1)> & "quotes"'
    await resident.send(hostile)
    mine = [m for m in resident.messages.values() if not m["bot"]]
    assert mine[-1]["body"] == [hostile]  # a plain string: the page sets it as text
    chat_id = WEB_ID_BASE  # this resident
    code, body = await web.gateway.call(
        "sendMessage",
        {
            "chat_id": chat_id,
            "parse_mode": "HTML",
            "text": '<a href="javascript:alert(1)">x</a> <b>&lt;img src=x onerror=1&gt;</b> '
            '<a href="https://example.com/?a=1&amp;b=2">ok</a>',
        },
    )
    assert code == 200, body
    await resident.refresh()
    nodes = resident.bot_messages[-1]["body"]
    links = [n for n in nodes if isinstance(n, dict) and n["t"] == "a"]
    assert "href" not in links[0]
    assert links[1]["href"] == "https://example.com/?a=1&b=2"
    bold = next(n for n in nodes if isinstance(n, dict) and n["t"] == "b")
    assert bold["c"] == ["<img src=x onerror=1>"]
    # Invalid HTML is refused as Telegram would refuse it.
    code, body = await web.gateway.call(
        "sendMessage", {"chat_id": chat_id, "parse_mode": "HTML", "text": "<img src=x>"}
    )
    assert code == 400


async def test_too_long_oversized_and_empty_messages_are_refused(resident: WebResident) -> None:
    assert (await resident.post("/api/send", {"text": "字" * 4097})).json()["error"] == "too_long"
    assert (await resident.post("/api/send", {"text": "  "})).status_code == 400
    big = await resident.http.post(
        resident.url("/api/send"),
        content=b'{"text": "' + b"a" * 20_000 + b'"}',
        headers={"X-CSRF-Token": resident.csrf, "Content-Type": "application/json"},
    )
    assert big.status_code in (400, 413)
    assert (await resident.post("/api/send", {"text": 5})).status_code == 400
    ok = await resident.send("字" * 4096)
    assert ok  # the longest message Telegram allows goes through


async def test_a_body_that_is_not_a_json_object_gets_the_pages_error_code(
    resident: WebResident,
) -> None:
    for body in (b"{not json", b"\xff\xfe", b'["text"]'):
        refused = await resident.http.post(
            resident.url("/api/send"),
            content=body,
            headers={"X-CSRF-Token": resident.csrf, "Content-Type": "application/json"},
        )
        assert (refused.status_code, refused.text) == (400, '{"error":"bad_request"}')


async def test_sessions_are_rate_limited(settings: Settings) -> None:
    limited = replace(settings, web=WebSettings(actions_per_minute=4))
    async with web_bot(limited, clock=lambda: 0.0) as bot:  # time stands still: no refill
        r = bot.resident()
        await r.open()
        codes = [(await r.post("/api/send", {"text": f"{n}"})).status_code for n in range(8)]
        assert codes[:5] == [200] * 5  # the burst (at least 5)
        assert 429 in codes[5:]
        await r.close()


def test_rate_limiter_refills_by_the_injected_clock() -> None:
    now = [0.0]
    limiter = RateLimiter(60, 60, burst=2, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")  # another key has its own bucket
    now[0] = 1.0
    assert limiter.allow("a")
    assert not limiter.allow("a")


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    trusted = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address("203.0.113.9", "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", "1.2.3.4", trusted) == "1.2.3.4"
    # A client's own forged entry on the left is ignored; proxies on the right are skipped.
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", trusted) == (
        "198.51.100.7"
    )
    assert client_address("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", None, ()) == "127.0.0.1"


def test_typed_phone_numbers_are_checked_like_a_shared_contact() -> None:
    assert normalize_phone("138 0013 8000") == "+8613800138000"
    assert normalize_phone("+86 138-0013-8000") == "+8613800138000"
    assert normalize_phone("１３８００１３８０００") == "+8613800138000"
    for bad in ("12345", "23800138000", "1380013800a", "", "+1 650 555 0100"):
        assert normalize_phone(bad) is None


async def test_updates_sent_while_the_bot_was_down_are_answered_after_the_start(
    settings: Settings,
) -> None:
    db = await Database.open(settings.db_path)
    gateway = WebGateway(db)
    await gateway.open()
    _, session = await gateway.new_session(language_code="zh-hans")
    await gateway.send_text(session.chat_id, "返税怎么申请")  # no bot connected: kept
    await gateway.close()
    await db.close()
    async with web_bot(settings) as bot:
        await bot.gateway.settled()
        rows = await bot.gateway.changes(session.chat_id, 0)
        texts = [json.loads(r.data).get("text", "") for r in rows if r.from_bot]
        assert any("税收返还" in t for t in texts)


async def test_the_page_and_its_files_are_served_with_strict_headers(web: WebBot) -> None:
    async with httpx.AsyncClient() as client:
        page = await client.get(web.url + "/")
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert '<script src="/static/app.js"' in page.text
        for name in ("app.js", "app.css", "icon.svg"):
            assert (await client.get(f"{web.url}/static/{name}")).status_code == 200
        assert (await client.get(web.url + "/static/../server.py")).status_code == 404
        assert (await client.get(web.url + "/nothing")).status_code == 404
    assert "innerHTML" not in STATIC["app.js"].replace("never innerHTML", "")
    assert "http://" not in STATIC["index.html"]


async def test_the_session_cookie_is_httponly_samesite_and_signed(web: WebBot) -> None:
    async with httpx.AsyncClient(headers={"X-Requested-With": "chuangye"}) as client:
        response = await client.post(web.url + "/api/session")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        value = cookie.split(";")[0].split("=", 1)[1]
        client.cookies.clear()
        forged = value[:-4] + ("0000" if not value.endswith("0000") else "1111")
        response = await client.get(
            web.url + "/api/updates?wait=0", headers={"Cookie": f"cy_session={forged}"}
        )
        assert response.status_code == 401


async def test_one_process_serves_telegram_staff_and_web_residents(settings: Settings) -> None:
    emulator = BotApiEmulator()  # Telegram, for the staff
    async with web_bot(settings, emulator=emulator) as bot:
        staff = SimUser(emulator, ADMIN_ID, first_name="王主任")
        await staff.send("/start")
        resident = bot.resident()
        await resident.open()
        ref_no = await register(resident)
        card = next(m for m in reversed(staff.bot_messages) if ref_no in m.text)
        assert f"{ZH.web.channel_web} W1" in card.text
        # The staff approve in Telegram; the resident hears it on the web page.
        replies = await staff.press("通过")
        assert replies.toast is not None
        await bot.gateway.settled()
        await resident.refresh()
        assert any(ref_no in t and "通过" in t for t in resident.texts())
        # The page's command menu is the one the bot published.
        commands = {c["command"] for c in (await resident.open())["commands"]}
        assert {"start", "register"} <= commands
        await resident.close()


async def test_photos_are_shown_inline_and_only_to_their_resident(web: WebBot) -> None:
    owner, other = web.resident(), web.resident()
    await owner.open()
    await other.open()
    replies = await owner.send("/invite")  # the referral QR code
    photo = next(m["photo"] for m in replies if "photo" in m)
    response = await owner.http.get(owner.url(f"/api/files/{photo['file']}"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"\x89PNG")
    assert (await other.http.get(other.url(f"/api/files/{photo['file']}"))).status_code == 404
    for r in (owner, other):
        await r.close()


async def test_requests_are_limited_per_address_behind_a_trusted_proxy(
    settings: Settings,
) -> None:
    web_settings = WebSettings(requests_per_minute_per_ip=3, trusted_proxies=("127.0.0.1",))
    limited = replace(settings, web=web_settings)
    async with web_bot(limited, clock=lambda: 0.0) as bot, httpx.AsyncClient() as client:

        async def page(address: str) -> int:
            headers = {"X-Forwarded-For": address}
            return (await client.get(bot.url + "/", headers=headers)).status_code

        assert [await page("198.51.100.1") for _ in range(4)] == [200, 200, 200, 429]
        assert await page("198.51.100.2") == 200  # a neighbour is not punished
        # An address the client writes itself, left of the proxy's, changes nothing.
        assert await page("6.6.6.6, 198.51.100.1") == 429


async def test_an_idle_session_ends_the_page_says_so_and_the_project_stays(
    settings: Settings,
) -> None:
    clock = FakeClock()
    settings = replace(settings, web=replace(settings.web, session_idle_days=30))
    async with web_bot(settings, db_clock=clock) as bot:
        resident, other = bot.resident(), bot.resident()
        first = await resident.open()
        await other.open()
        ref_no = await register(resident)
        # Using the page keeps the session: 29 idle days, a visit, a restart, 29 more days.
        clock.advance(days=29)
        assert (await resident.open())["number"] == first["number"]
        await bot.restart()
        clock.advance(days=29)
        again = await resident.open()
        assert again["number"] == first["number"]
        assert again["expired"] is False
        assert any(ref_no in t for t in resident.texts())
        # 31 idle days: a new resident, told why, with the old number to give the office.
        clock.advance(days=31)
        expired = await resident.open()
        assert expired["expired"] is True
        assert expired["number"] != first["number"]
        notice = expired["texts"]["expired"]
        assert "30" in notice
        assert first["number"] in notice
        assert expired["number"] in notice
        assert resident.messages == {}, "the old chat is not shown to the new resident"
        assert (await resident.open())["expired"] is False  # told once
        # The office still finds the project with the old resident's user id.
        async with bot.gateway.db.read() as conn:
            project = await get_project_by_ref(conn, ref_no)
        assert project is not None
        assert web_number(project.user_id) == int(first["number"][1:])
        # The cleanup ends sessions nobody came back to.
        async with bot.gateway.db.read() as conn:
            before = await _count(conn, "web_sessions")
        await bot.gateway.prune()
        async with bot.gateway.db.read() as conn:
            assert await _count(conn, "web_sessions") == before - 1  # the other's
            assert await _count(conn, "web_chats") == 3  # chats (and users) stay
        assert (await other.open())["expired"] is True
        await resident.close()
        await other.close()


async def _count(conn: Any, table: str) -> int:
    async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def test_invite_gives_a_web_resident_a_link_to_the_web_page(settings: Settings) -> None:
    site = "http://cy.example.cn:8080/chat"
    settings = replace(settings, web=replace(settings.web, public_url=site))
    async with web_bot(settings) as bot:
        inviter, friend = bot.resident(), bot.resident()
        await inviter.open()
        replies = await inviter.send("/invite")
        assert any("photo" in m for m in replies), "the link comes with its QR code"
        text = inviter.last_text
        assert "t.me" not in text
        found = re.search(r"http://cy\.example\.cn:8080/chat/\?start=(ref_[A-Za-z0-9_-]+)", text)
        assert found is not None, text
        # The friend opens the link: the page sends /start with the link's payload.
        await friend.open()
        await friend.send(f"/start {found.group(1)}")
        assert ZH.registration.invited_by.format(name=WEB_FIRST_NAME) in friend.texts()
        await inviter.close()
        await friend.close()


async def test_invite_without_a_public_address_says_what_to_send_instead(
    resident: WebResident,
) -> None:
    replies = await resident.send("/invite")
    assert any("photo" in m for m in replies)
    text = resident.last_text
    found = re.search(r"/start (ref_[A-Za-z0-9_-]+)", text)
    assert found is not None, text
    assert "网页版的公开地址还没有设置好" in text
    assert "https://t.me/" in text  # for friends on Telegram
