"""The emulator over HTTP: the Bot API URL shape, body encodings, control API, webhooks."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tornado.web import Application, RequestHandler

from bot.shell.emulator import BotApiEmulator
from bot.shell.emulator.http import SECRET_HEADER, EmulatorServer
from bot.shell.serving import serving
from tests import children

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAHttpEmulatorTestTokenxxxxxxxxxxxxx"
SAFETY_S = 120.0


@pytest.fixture
async def server() -> AsyncIterator[EmulatorServer]:
    # An action waits for the bot's answer up to settle_timeout: generous, so a busy machine
    # does not turn a slow answer into "unsettled" (the unsettled test shortens it itself).
    s = EmulatorServer(BotApiEmulator(token=TOKEN), quiet=0.05, settle_timeout=SAFETY_S)
    async with serving(s):
        yield s


async def test_wrong_token_is_unauthorized(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    response = await client.post(f"{server.url}/bot123456789:nope/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    response = await client.get(f"{server.url}/bot{TOKEN}/getMe")
    assert response.json()["result"]["username"] == "chuangye_local_bot"


async def test_a_body_that_is_not_a_json_object_is_refused_saying_why(
    server: EmulatorServer, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    server.emulator.ensure_chat(42)
    bad_api_call = await client.post(
        f"{server.url}/bot{TOKEN}/sendMessage",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert bad_api_call.status_code == 400
    assert bad_api_call.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: bad JSON",
    }
    for body, why in ((b"{not json", "body is not JSON"), (b"[1]", "must be a JSON object")):
        refused = await client.post(f"{server.url}/control/users/42/send", content=body)
        assert refused.status_code == 400
        assert why in caplog.records[-1].getMessage()  # tornado logs the reason


async def test_json_form_and_multipart_bodies(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    server.emulator.ensure_chat(42)
    api = f"{server.url}/bot{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "v1:x"}]]}
    by_json = await client.post(
        f"{api}/sendMessage",
        json={"chat_id": 42, "text": "<b>你好</b>", "parse_mode": "HTML", "reply_markup": markup},
    )
    assert by_json.json()["result"]["text"] == "你好"
    assert by_json.json()["result"]["reply_markup"] == markup
    by_form = await client.post(
        f"{api}/sendMessage",
        data={"chat_id": "42", "text": "表单", "reply_markup": json.dumps(markup)},
    )
    assert by_form.json()["result"]["reply_markup"] == markup
    by_multipart = await client.post(
        f"{api}/sendDocument",
        data={"chat_id": "42", "caption": "附件"},
        files={"document": ("名单.xlsx", b"PK\x03\x04data", "application/vnd.ms-excel")},
    )
    document = by_multipart.json()["result"]["document"]
    assert document["file_name"] == "名单.xlsx"
    assert document["file_size"] == 8
    bad = await client.post(
        f"{api}/sendMessage", data={"chat_id": "42", "text": "<b>x", "parse_mode": "HTML"}
    )
    assert bad.status_code == 400
    assert bad.json()["description"].startswith("Bad Request:")
    unknown = await client.post(f"{api}/sendTeleport", json={})
    assert unknown.status_code == 404
    messages = (await client.get(f"{server.url}/control/users/42/messages")).json()["messages"]
    assert [m["text"] for m in messages] == ["你好", "表单", "附件"]
    assert messages[0]["buttons"] == [[{"text": "好", "callback_data": "v1:x"}]]
    assert messages[2]["document"]["file_name"] == "名单.xlsx"


async def test_long_poll_returns_an_update_and_confirms_by_offset(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    api = f"{server.url}/bot{TOKEN}"
    poll = asyncio.create_task(client.post(f"{api}/getUpdates", data={"timeout": "5"}))
    queued = await client.post(
        f"{server.url}/control/users/7/send", json={"text": "你好", "wait": False}
    )
    update_id = queued.json()["update_id"]
    updates = (await poll).json()["result"]
    assert [u["update_id"] for u in updates] == [update_id]
    assert updates[0]["message"]["text"] == "你好"
    assert server.fetched_up_to == update_id
    # Not confirmed yet: fetched again until the next call's offset moves past it.
    again = await client.post(f"{api}/getUpdates", data={"timeout": "0"})
    assert [u["update_id"] for u in again.json()["result"]] == [update_id]
    confirmed = await client.post(
        f"{api}/getUpdates", data={"offset": str(update_id + 1), "timeout": "0"}
    )
    assert confirmed.json()["result"] == []
    assert server.emulator.pending_updates == 0


async def test_control_action_waits_for_the_reply_and_reports_buttons(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    """A fake bot over HTTP: polls, then answers with a button; the action sees the answer."""
    api = f"{server.url}/bot{TOKEN}"

    async def fake_bot() -> None:
        updates = (await client.post(f"{api}/getUpdates", data={"timeout": "5"})).json()
        message = updates["result"][0]["message"]
        await asyncio.sleep(0.01)  # the bot "thinks"; the quiet period must cover it
        markup = {"inline_keyboard": [[{"text": "👍 有用", "callback_data": "v1:fb:1"}]]}
        await client.post(
            f"{api}/sendMessage",
            data={
                "chat_id": str(message["chat"]["id"]),
                "text": "答复",
                "reply_markup": json.dumps(markup),
            },
        )

    bot = asyncio.create_task(fake_bot())
    response = await client.post(
        f"{server.url}/control/users/8/send", json={"text": "/start", "first_name": "李四"}
    )
    await bot
    body = response.json()
    assert body["settled"] is True
    assert [m["text"] for m in body["messages"]] == ["答复"]
    assert body["messages"][0]["buttons"][0][0]["text"] == "👍 有用"
    assert server.emulator.chats[8].user["first_name"] == "李四"
    missing = await client.post(f"{server.url}/control/users/8/press", json={"label": "没有"})
    assert missing.status_code == 404


async def test_action_without_an_answer_reports_unsettled(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    server.settle_timeout = 0.5  # nobody answers: this is how long the action waits
    response = await client.post(f"{server.url}/control/users/9/send", json={"text": "hi"})
    assert response.json()["settled"] is False
    assert response.json()["messages"] == []


class _Hook(RequestHandler):
    def initialize(
        self, received: list[tuple[str | None, dict[str, object]]], retried: asyncio.Event
    ) -> None:
        self.received = received
        self.retried = retried

    def post(self) -> None:
        secret = self.request.headers.get(SECRET_HEADER)
        self.received.append((secret, json.loads(self.request.body)))
        if len(self.received) == 1:
            self.set_status(500)  # the first delivery fails: the update must be retried
        elif len(self.received) == 3:
            self.retried.set()


async def test_webhook_delivery_with_secret_retried_until_accepted(
    server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    retried = asyncio.Event()
    app = Application([(r"/hook", _Hook, {"received": received, "retried": retried})])
    http = app.listen(0, address="127.0.0.1")
    port = next(iter(http._sockets.values())).getsockname()[1]
    try:
        api = f"{server.url}/bot{TOKEN}"
        set_hook = await client.post(
            f"{api}/setWebhook",
            data={"url": f"http://127.0.0.1:{port}/hook", "secret_token": "s3cret"},
        )
        assert set_hook.json() == {"ok": True, "result": True}
        conflict = await client.post(f"{api}/getUpdates")
        assert conflict.status_code == 409
        first, second = [
            (await client.post(f"{server.url}/control/users/10/send", json=body)).json()
            for body in ({"text": "在吗", "wait": False}, {"text": "你好", "wait": False})
        ]
        # Delivery is in order, one at a time: the second arrives once the first is accepted.
        await asyncio.wait_for(retried.wait(), SAFETY_S)
        assert [h for h, _ in received] == ["s3cret"] * 3
        ids = [u["update_id"] for _, u in received]
        assert ids == [first["update_id"], first["update_id"], second["update_id"]]
        assert server.webhook_failures == 1
        assert server.emulator.pending_updates <= 1  # the second may await its confirmation
        state = (await client.get(f"{server.url}/control/state")).json()
        assert state["webhook"]["delivered"] >= 1
        assert state["webhook"]["has_secret_token"] is True
    finally:
        http.stop()


async def test_cli_serves_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
    env["PYTHONPATH"] = str(REPO)
    proc = await children.spawn(
        sys.executable, "-m", "bot", "emulator", "--port", "0", "--token", TOKEN,
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    async with asyncio.timeout(SAFETY_S):
        first = (await proc.stdout.readline()).decode()
    url = first.split(" on ")[1].strip()
    async with httpx.AsyncClient() as c:
        me = await c.get(f"{url}/bot{TOKEN}/getMe")
    assert me.json()["ok"] is True
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(SAFETY_S):
        assert await proc.wait() == 0
    refused = await children.spawn(
        sys.executable, "-m", "bot", "emulator", "--host", "0.0.0.0",
        cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert await refused.wait() == 2
