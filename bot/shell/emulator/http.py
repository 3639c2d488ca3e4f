"""Serve a ``BotApiEmulator`` over loopback HTTP, in the Bot API's URL shape, plus a control API.

The bot talks to it exactly as it would to Telegram or a self-hosted Bot API server
(``base_url`` = ``http://127.0.0.1:<port>``): ``/bot<token>/<method>`` with a query string,
a form-urlencoded, multipart or JSON body. Long polling works; once the bot calls
``setWebhook`` the server instead POSTs each update to the webhook URL with the
``X-Telegram-Bot-Api-Secret-Token`` header, one at a time in order, and keeps an update pending
(retrying with back-off) until the bot answers 2xx, as Telegram does.

The control API acts as users, for end-to-end tests and manual trials::

    POST /control/users/<id>/send       {"text": "/start"}
    POST /control/users/<id>/press      {"label": "..."} or {"data": "v1:...", "message_id": 3}
    POST /control/users/<id>/contact    {"phone": "+86138..."}
    POST /control/users/<id>/sticker    (also photo, voice, location, document, deep_link)
    POST /control/users/<id>/block
    (every action takes "wait": false to return at once, and first_name, language_code)
    GET  /control/users/<id>/messages   the bot's messages to that user, with their buttons
    GET  /control/state                 pending updates, webhook delivery, calls per method

Over HTTP there is no "update handled" signal, so an action returns once the bot has fetched
the update, something happened in that user's chat, and no Bot API call has been made for a
short quiet period - or when the settle timeout passes (``"settled": false``).
Serves loopback only; the control API has no authentication. No ``telegram`` import.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.shell.emulator.memory import BotApiEmulator
from bot.shell.emulator.store import JSON, FileTuple, StoredMessage
from bot.shell.emulator.users import ButtonNotFoundError, Replies, SimUser
from bot.shell.serving import JsonHandler, listen, stop_task

_LOGGER = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_UNTRACKED = frozenset({"getUpdates", "getWebhookInfo"})  # polling is not activity


class HttpSimUser(SimUser):
    """A ``SimUser`` whose actions settle by watching HTTP traffic, not a processed signal."""

    def __init__(self, server: EmulatorServer, user_id: int, **user: Any) -> None:
        super().__init__(server.emulator, user_id, timeout=server.settle_timeout, **user)
        self.server = server
        self.settled = True
        self.wait = True  # False: queue the update and return at once (the bot may be down)
        self.last_update_id = 0

    async def _settle(self, update_id: int, before: int, edits: dict[int, int]) -> Replies:
        self.last_update_id = update_id
        self.settled = self.wait and await self.server.settle(self.id, update_id)
        # Let the base class collect the replies without waiting for a signal that never comes.
        self.emulator.mark_processed(update_id)
        return await super()._settle(update_id, before, edits)


class EmulatorServer:
    """The emulator's HTTP front: Bot API routes, control routes and webhook delivery."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        quiet: float = 0.15,
        settle_timeout: float = 10.0,
    ) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self.quiet = quiet
        self.settle_timeout = settle_timeout
        self.users: dict[int, HttpSimUser] = {}
        self.fetched_up_to = 0  # highest update id handed to the bot (getUpdates or webhook)
        self.webhook_delivered = 0
        self.webhook_failures = 0
        self.webhook_last_error = ""
        self._inflight = 0
        self._last_call = 0.0
        self._activity: dict[int, int] = {}
        self._query_user: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._http: tornado.httpserver.HTTPServer | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._calls: set[asyncio.Task[tuple[int, JSON]]] = set()
        self._client: httpx.AsyncClient | None = None
        emulator.message_listeners.append(self._on_bot_message)
        emulator.update_listeners.append(self._on_update)

    @property
    def url(self) -> str:
        """The base URL to give the bot (``network.base_url``)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind the port (0 = any free one) and start webhook delivery."""
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z]+)", _BotApiHandler, {"server": self}),
                (r"/control/state", _StateHandler, {"server": self}),
                (r"/control/webhook", _StateHandler, {"server": self}),
                (r"/control/users/(\d+)/messages", _MessagesHandler, {"server": self}),
                (r"/control/users/(\d+)/([a-z_]+)", _ActionHandler, {"server": self}),
            ],
            log_function=_quiet_log,
        )
        self._http, self.port = listen(app, self.host, self.port)
        self._client = httpx.AsyncClient(timeout=10.0)
        self._delivery = asyncio.create_task(self._deliver_forever(), name="webhook-delivery")

    async def stop(self) -> None:
        """Stop serving, wake pending long polls and stop webhook delivery."""
        await stop_task(self._delivery)
        self._delivery = None
        if self._http is not None:
            self._http.stop()
            for call in list(self._calls):
                call.cancel()  # long polls still waiting for updates
            await self._http.close_all_connections()
            self._http = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def user(self, user_id: int, **user: Any) -> HttpSimUser:
        """The simulated user ``user_id``; ``first_name``, ``language_code`` apply on creation."""
        if user_id not in self.users:
            known = {k: user[k] for k in ("first_name", "language_code", "username") if k in user}
            self.users[user_id] = HttpSimUser(self, user_id, **known)
        return self.users[user_id]

    # ------------------------------------------------------------------ activity
    def _on_bot_message(self, message: StoredMessage) -> None:
        self._activity[message.chat_id] = self._activity.get(message.chat_id, 0) + 1

    def _on_update(self, update: JSON) -> None:
        query = update.get("callback_query")
        if isinstance(query, dict):
            self._query_user[str(query["id"])] = int(query["from"]["id"])
        self._wake.set()

    async def call(
        self, method: str, params: JSON, files: dict[str, FileTuple]
    ) -> tuple[int, JSON]:
        """Answer one Bot API call from the emulator, tracking traffic and fetched updates."""
        self._note_call(method, params, starting=True)
        task = asyncio.create_task(self.emulator.call(method, params, files))
        self._calls.add(task)
        try:
            code, body = await task
        finally:
            self._calls.discard(task)
            self._note_call(method, params, starting=False)
        if method == "getUpdates" and body.get("ok"):
            self.note_fetched(body["result"])
        if method in ("setWebhook", "deleteWebhook"):
            self._wake.set()
        return code, body

    def _note_call(self, method: str, params: JSON, *, starting: bool) -> None:
        """Track Bot API traffic, so actions know when the bot has gone quiet."""
        if method in _UNTRACKED:
            return
        self._inflight += 1 if starting else -1
        self._last_call = asyncio.get_running_loop().time()
        if not starting and method == "answerCallbackQuery":
            user_id = self._query_user.pop(str(params.get("callback_query_id", "")), None)
            if user_id is not None:
                self._activity[user_id] = self._activity.get(user_id, 0) + 1

    def note_fetched(self, updates: list[JSON]) -> None:
        """Record that the bot received these updates."""
        for update in updates:
            self.fetched_up_to = max(self.fetched_up_to, int(update["update_id"]))

    async def settle(self, user_id: int, update_id: int) -> bool:
        """Wait until the bot fetched ``update_id``, answered this user and went quiet."""
        loop = asyncio.get_running_loop()
        activity = self._activity.get(user_id, 0)
        deadline = loop.time() + self.settle_timeout
        while loop.time() < deadline:
            quiet_for = loop.time() - self._last_call
            if (
                self.fetched_up_to >= update_id
                and self._activity.get(user_id, 0) > activity
                and self._inflight == 0
                and quiet_for >= self.quiet
            ):
                return True
            await asyncio.sleep(0.02)
        return False

    # ------------------------------------------------------------- webhook delivery
    async def _deliver_forever(self) -> None:
        backoff = 0.1
        while True:
            self._wake.clear()
            hook = self.emulator.webhook
            pending = self.emulator.take_updates(None, 1) if hook else []
            if hook is None or not pending:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 0.2)
                continue
            update = pending[0]
            if await self._post(hook, update):
                # Delivered: confirm it, as the next getUpdates offset would.
                self.emulator.take_updates(int(update["update_id"]) + 1, 0)
                self.note_fetched([update])
                self.webhook_delivered += 1
                backoff = 0.1
            else:
                self.webhook_failures += 1
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def _post(self, hook: JSON, update: JSON) -> bool:
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers[SECRET_HEADER] = str(hook["secret_token"])
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            response = await self._client.post(str(hook["url"]), content=body, headers=headers)
        except httpx.HTTPError as exc:
            self.webhook_last_error = type(exc).__name__
            return False
        if 200 <= response.status_code < 300:
            return True
        self.webhook_last_error = f"HTTP {response.status_code}"
        return False

    def state(self) -> JSON:
        """What the control API reports at ``/control/state``."""
        hook = self.emulator.webhook
        return {
            "pending_updates": self.emulator.pending_updates,
            "fetched_up_to": self.fetched_up_to,
            "webhook": {
                "url": hook["url"] if hook else "",
                "has_secret_token": bool(hook and hook.get("secret_token")),
                "delivered": self.webhook_delivered,
                "failures": self.webhook_failures,
                "last_error": self.webhook_last_error,
            },
            "calls": dict(self.emulator.calls),
            "users": sorted(self.emulator.chats),
        }


def _quiet_log(handler: tornado.web.RequestHandler) -> None:
    """Log only failures: request URLs carry the bot token."""
    if handler.get_status() >= 500:
        _LOGGER.warning("emulator answered %s", handler.get_status())


def message_json(message: StoredMessage) -> JSON:
    """A bot message as the control API shows it: text, HTML, buttons, attachments."""
    out: JSON = {"message_id": message.message_id, "text": message.text, "edits": message.edits}
    if message.html is not None:
        out["html"] = message.html
    buttons = [
        [{k: b[k] for k in ("text", "callback_data", "url") if k in b} for b in row]
        for row in message.inline_buttons
    ]
    if buttons:
        out["buttons"] = buttons
    if message.document is not None:
        name, content, mime = message.document
        out["document"] = {"file_name": name, "mime_type": mime, "size": len(content)}
    if message.photo is not None:
        out["photo"] = {"size": len(message.photo[1])}
    return out


class _Handler(JsonHandler["EmulatorServer"]):
    """A route of the emulator: a bad body is a 400 saying why (for test authors)."""


class _BotApiHandler(_Handler):
    _gone = False

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        if token != self.server.emulator.token:
            self.send_json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            return
        params: JSON = {k: v[-1].decode() for k, v in self.request.query_arguments.items()}
        files: dict[str, FileTuple] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            try:
                params.update(self.json_body())
            except tornado.web.HTTPError:
                body = {"ok": False, "error_code": 400, "description": "Bad Request: bad JSON"}
                self.send_json(body, 400)
                return
        else:
            for key, values in self.request.body_arguments.items():
                params[key] = values[-1].decode("utf-8", errors="replace")
            for key, uploads in self.request.files.items():
                upload = uploads[-1]
                mime = upload.content_type or "application/octet-stream"
                files[key] = (upload.filename, upload.body, mime)
        try:
            code, body = await self.server.call(method, params, files)
        except asyncio.CancelledError:
            return  # the server is stopping
        if not self._gone:  # a cancelled long poll has nobody left to answer
            self.send_json(body, code)

    def on_connection_close(self) -> None:
        self._gone = True


class _StateHandler(_Handler):
    def get(self) -> None:
        self.send_json(self.server.state())


class _MessagesHandler(_Handler):
    def get(self, user_id: str) -> None:
        chat = self.server.emulator.chats.get(int(user_id))
        if chat is None:
            self.send_json({"error": f"no user {user_id}"}, 404)
            return
        user = self.server.user(int(user_id))
        self.send_json(
            {
                "messages": [message_json(m) for m in user.bot_messages],
                "reply_keyboard": user.reply_keyboard,
            }
        )


class _ActionHandler(_Handler):
    async def post(self, user_id: str, action: str) -> None:
        body = self.json_body()
        user = self.server.user(int(user_id), **body)
        user.wait = body.get("wait", True) is not False
        try:
            replies = await self._act(user, action, body)
        except ButtonNotFoundError as exc:
            self.send_json({"error": str(exc)}, 404)
            return
        except (KeyError, TypeError, ValueError) as exc:
            self.send_json({"error": f"bad {action} request: {exc}"}, 400)
            return
        if replies is None:
            self.send_json({"ok": True})
            return
        self.send_json(
            {
                "update_id": user.last_update_id,
                "settled": user.settled,
                "messages": [message_json(m) for m in replies.messages],
                "edited": [message_json(m) for m in replies.edited],
                "toast": replies.toast,
                "reply_keyboard": user.reply_keyboard,
            },
        )

    async def _act(self, user: HttpSimUser, action: str, body: JSON) -> Replies | None:
        if action == "send":
            return await user.send(str(body["text"]))
        if action == "press":
            if "data" in body:
                message = None
                if "message_id" in body:
                    wanted = int(body["message_id"])
                    message = next(m for m in user.bot_messages if m.message_id == wanted)
                return await user.press_data(str(body["data"]), message)
            return await user.press(str(body["label"]))
        if action == "contact":
            phone = str(body.get("phone", "+8613800138000"))
            return await user.share_contact(phone, own=bool(body.get("own", True)))
        if action == "deep_link":
            return await user.open_deep_link(str(body["payload"]))
        if action == "sticker":
            return await user.send_sticker()
        if action == "photo":
            return await user.send_photo(body.get("caption"))
        if action == "voice":
            return await user.send_voice()
        if action == "location":
            return await user.send_location(
                float(body.get("latitude", 36.0)), float(body.get("longitude", 116.0))
            )
        if action == "document":
            return await user.send_document(str(body.get("file_name", "a.pdf")))
        if action == "block":
            user.block_bot()
            return None
        raise tornado.web.HTTPError(404, f"unknown action {action}")
