"""The web channel's HTTP server (tornado, which python-telegram-bot's webhooks already bring).

Routes::

    GET  /                    the chat page (static HTML, CSS, JS from ``bot/web/static``)
    POST /api/session         this browser's resident (created on first visit): the CSRF token,
                              the page's texts, the command menu
    GET  /api/updates?after=N messages new or changed after change N (long poll, 25 s)
    POST /api/send            {"text": ...}            a typed message or command
    POST /api/press           {"message_id", "data"}   an inline button; answers the bot's toast
    POST /api/contact         {"phone": ...}            "share my phone", typed and checked
    GET  /api/files/<id>      a photo or document the bot sent to this resident

A resident is a signed, HttpOnly, SameSite=Lax cookie holding a random token; the database
keeps only its hash and the session's CSRF token, which every POST must echo in
``X-CSRF-Token`` (creating a session needs ``X-Requested-With``, which a cross-site form cannot
send). Requests are limited per IP address and per session, bodies to ``MAX_BODY`` bytes.
``X-Forwarded-For`` is believed only from ``web.trusted_proxies``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from importlib import resources
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.channels import is_web_user, web_number
from bot.settings import Settings
from bot.shell.serving import JsonHandler, listen
from bot.shell.web.gateway import ButtonGoneError, Session, WebGateway
from bot.shell.web.limits import RateLimiter, client_address, parse_networks
from bot.shell.web.views import MAX_TEXT, clean_text, keyboard_view, message_view, normalize_phone
from bot.texts import get_texts, language_for
from db import web as repo

_LOGGER = logging.getLogger(__name__)

COOKIE = "cy_session"
COOKIE_DAYS = 400  # the longest a browser keeps a cookie
MAX_BODY = 16 * 1024
POLL_WAIT_S = 25.0
_STATIC = {
    "app.js": "application/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _static(name: str) -> bytes:
    return resources.files("bot.shell.web").joinpath("static", name).read_bytes()


class WebServer:
    """Serve the page and its API for ``gateway`` on ``host:port``."""

    def __init__(
        self,
        gateway: WebGateway,
        settings: Settings,
        *,
        host: str | None = None,
        port: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        web = settings.web
        self.gateway = gateway
        self.settings = settings
        self.host = host if host is not None else web.listen
        self.port = port if port is not None else web.port
        self.trusted = parse_networks(web.trusted_proxies)
        self.secure = web.public_url.startswith("https://")
        self.public_origin = _origin(web.public_url) if web.public_url else None
        self.per_ip = RateLimiter(web.requests_per_minute_per_ip, 60, clock=clock)
        self.new_sessions = RateLimiter(web.sessions_per_hour_per_ip, 3600, clock=clock)
        # Bursts: a resident may go through a dialog quickly, not keep that pace for long.
        burst = max(5, web.actions_per_minute // 2)
        self.actions = RateLimiter(web.actions_per_minute, 60, burst=burst, clock=clock)
        self.max_polls = web.max_polls_per_session
        self.polls: dict[int, int] = {}
        self._no_polls = asyncio.Event()
        self.files = {name: _static(name) for name in _STATIC}
        self.index = _static("index.html")
        self._http: tornado.httpserver.HTTPServer | None = None

    @property
    def url(self) -> str:
        """The address to open on this machine."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{host}:{self.port}/"

    async def start(self) -> None:
        """Bind (port 0: any free one) and serve."""
        secret = self.settings.web.cookie_secret
        cookie_secret = secret.reveal() if secret is not None else await self._stored_secret()
        app = tornado.web.Application(
            [
                (r"/", _PageHandler, {"server": self}),
                (r"/static/([a-z]+\.[a-z]+)", _StaticHandler, {"server": self}),
                (r"/api/session", _SessionHandler, {"server": self}),
                (r"/api/updates", _UpdatesHandler, {"server": self}),
                (r"/api/send", _SendHandler, {"server": self}),
                (r"/api/press", _PressHandler, {"server": self}),
                (r"/api/contact", _ContactHandler, {"server": self}),
                (r"/api/files/([A-Za-z0-9_-]{1,64})", _FileHandler, {"server": self}),
            ],
            cookie_secret=cookie_secret,
            compress_response=True,
            log_function=_log,
            default_handler_class=_NotFoundHandler,
            default_handler_args={"server": self},
        )
        self._http, self.port = listen(
            app,
            self.host,
            self.port,
            max_body_size=MAX_BODY,
            max_header_size=16 * 1024,
            idle_connection_timeout=60,
        )

    async def stop(self) -> None:
        """Stop serving and drop open connections (long polls)."""
        if self._http is not None:
            self._http.stop()
            # Open long polls answer now (the pages poll again, and reach the restarted bot),
            # and finish before the database closes under them.
            self.gateway.wake_all()
            if self.polls:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._no_polls.wait(), 10)
            await self._http.close_all_connections()
            self._http = None

    async def _stored_secret(self) -> str:
        db = self.gateway.db
        async with db.read() as conn:
            value = await repo.get_meta(conn, "cookie_secret")
        if value is None:
            value = secrets.token_urlsafe(48)
            async with db.write() as conn:
                await repo.set_meta(conn, "cookie_secret", value)
        return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _log(handler: tornado.web.RequestHandler) -> None:
    """Log failures only, without the address or the query (privacy)."""
    if handler.get_status() >= 500:
        _LOGGER.warning(
            "web %s %s answered %s",
            handler.request.method,
            handler.request.path,
            handler.get_status(),
        )


class _Handler(JsonHandler["WebServer"]):
    """A route of the page: errors are ``{"error": code}`` (codes the page's script knows)."""

    separators = (",", ":")
    client_ip: str = ""

    def set_default_headers(self) -> None:
        for name, value in _SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        self.client_ip = client_address(
            self.request.remote_ip or "",
            self.request.headers.get("X-Forwarded-For"),
            self.server.trusted,
        )
        if not self.server.per_ip.allow(self.client_ip):
            self.fail(429, "too_fast")

    def fail(self, status: int, error: str) -> NoReturn:
        """Answer with an error code the page knows and stop."""
        self.send_json({"error": error}, status)
        raise tornado.web.Finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # Never a traceback; tornado's own errors (a body over MAX_BODY) land here too.
        exc_info = kwargs.get("exc_info")
        if status_code >= 500 and exc_info is not None:
            _LOGGER.error("web %s failed", self.request.path, exc_info=exc_info)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": "bad_request" if status_code < 500 else "failed"}))

    def cookie(self) -> tuple[str, int | None] | None:
        """The signed cookie's session token and the web user id it was made for, if valid."""
        value = self.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
        if value is None:
            return None
        # "token.chat_id" (the id tells an expired session's resident their old number);
        # cookies from before carry the token alone.
        token, _, chat = value.decode("ascii", errors="replace").partition(".")
        return token, int(chat) if chat.isdigit() else None

    async def session(self) -> Session | None:
        """This browser's session, if its cookie is valid and the session has not ended."""
        cookie = self.cookie()
        if cookie is None:
            return None
        return await self.server.gateway.session(cookie[0])

    async def require_session(self) -> Session:
        session = await self.session()
        if session is None:
            self.fail(401, "no_session")
        return session

    def check_origin(self) -> None:
        """Refuse a state-changing request another site's page sent."""
        origin = self.request.headers.get("Origin")
        if origin is None:
            return
        own = f"{self.request.protocol}://{self.request.host}".lower()
        if origin.lower() not in (own, self.server.public_origin):
            self.fail(403, "forbidden")

    async def acting_session(self) -> Session:
        """The session of a state-changing request: origin, CSRF token and rate checked."""
        self.check_origin()
        session = await self.require_session()
        token = self.request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
            self.fail(403, "forbidden")
        if not self.server.actions.allow(str(session.chat_id)):
            self.fail(429, "too_fast")
        return session

    def refuse_body(self, problem: str) -> NoReturn:
        self.fail(400, "bad_request")


class _NotFoundHandler(_Handler):
    def prepare(self) -> None:
        super().prepare()
        self.fail(404, "not_found")


class _PageHandler(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.server.index)


class _StaticHandler(_Handler):
    def get(self, name: str) -> None:
        content = self.server.files.get(name)
        if content is None:
            self.fail(404, "not_found")
            return
        self.set_header("Content-Type", _STATIC[name])
        # Revalidated by ETag (tornado adds it): cheap on a slow line, fresh after an upgrade.
        self.set_header("Cache-Control", "no-cache")
        self.finish(content)


class _SessionHandler(_Handler):
    async def post(self) -> None:
        self.check_origin()
        if self.request.headers.get("X-Requested-With") != "chuangye":
            self.fail(403, "forbidden")
        session = await self.session()
        gateway = self.server.gateway
        # A valid signed cookie without a session: it ended after the idle period.
        ended = self.cookie() if session is None else None
        if session is None:
            if not self.server.new_sessions.allow(self.client_ip):
                self.fail(429, "too_fast")
            accept = self.request.headers.get("Accept-Language", "zh")
            language_code = "en" if accept.lower().startswith("en") else "zh-hans"
            token, session = await gateway.new_session(language_code=language_code)
            self.set_signed_cookie(
                COOKIE,
                f"{token}.{session.chat_id}",
                expires_days=COOKIE_DAYS,
                httponly=True,
                samesite="Lax",
                secure=self.server.secure,
                path="/",
            )
        chat = await gateway.chat_state(session.chat_id)
        code = str(chat.user.get("language_code") or "zh-hans")
        lang = language_for(code)
        t = get_texts(lang)
        number = f"W{web_number(session.chat_id)}"
        texts = {name: getattr(t.web, name) for name in t.web.__slots__}
        office = self.server.settings.office
        office_line = office.name + (f"（{office.phone}）" if office.phone else "")
        texts["notice"] = t.web.notice.format(office=office_line, number=number)
        texts["resident"] = t.web.resident.format(number=number)
        texts["too_long"] = t.web.too_long.format(limit=MAX_TEXT)
        if ended is not None:
            old = ended[1]
            texts["expired"] = t.web.expired.format(
                days=self.server.settings.web.session_idle_days,
                number=number,
                old="" if old is None or not is_web_user(old) else f" W{web_number(old)}",
                office=office_line,
            )
        commands = await gateway.menu(code)
        self.send_json(
            {
                "expired": ended is not None,
                "csrf": session.csrf_token,
                "lang": lang,
                "number": number,
                "texts": texts,
                "commands": commands,
                "max_text": MAX_TEXT,
            }
        )


class _UpdatesHandler(_Handler):
    _gone = False

    def on_connection_close(self) -> None:
        self._gone = True

    async def get(self) -> None:
        session = await self.require_session()
        try:
            after = max(0, int(self.get_query_argument("after", "0")))
            wait = self.get_query_argument("wait", "1") != "0"
        except ValueError:
            self.fail(400, "bad_request")
        polls = self.server.polls
        chat_id = session.chat_id
        if wait and polls.get(chat_id, 0) >= self.server.max_polls:
            self.fail(429, "too_fast")
        polls[chat_id] = polls.get(chat_id, 0) + 1
        self.server._no_polls.clear()
        try:
            rows = await self.server.gateway.changes(
                chat_id, after, wait=POLL_WAIT_S if wait else 0.0
            )
        finally:
            polls[chat_id] -= 1
            if polls[chat_id] <= 0:
                del polls[chat_id]
            if not polls:
                self.server._no_polls.set()
        if self._gone:
            return  # the page went away while waiting
        chat = await self.server.gateway.chat_state(chat_id)
        seq = max([after, *(r.seq for r in rows)])
        self.send_json(
            {
                "messages": [message_view(r) for r in rows],
                "seq": seq,
                "keyboard": keyboard_view(chat.reply_keyboard),
            }
        )


class _SendHandler(_Handler):
    async def post(self) -> None:
        session = await self.acting_session()
        text = self.json_body().get("text")
        if not isinstance(text, str):
            self.fail(400, "bad_request")
        cleaned = clean_text(text)
        if cleaned is None:
            self.fail(400, "too_long" if text.strip() else "bad_request")
        message = await self.server.gateway.send_text(session.chat_id, cleaned)
        self.send_json({"ok": True, "id": message.message_id})


class _ContactHandler(_Handler):
    async def post(self) -> None:
        session = await self.acting_session()
        raw = self.json_body().get("phone")
        phone = normalize_phone(raw) if isinstance(raw, str) and len(raw) <= 40 else None
        if phone is None:
            self.fail(400, "phone_invalid")
            return
        message = await self.server.gateway.send_contact(session.chat_id, phone)
        self.send_json({"ok": True, "id": message.message_id})


class _PressHandler(_Handler):
    async def post(self) -> None:
        session = await self.acting_session()
        body = self.json_body()
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str) or len(data) > 64:
            self.fail(400, "bad_request")
            return
        try:
            answer = await self.server.gateway.press(session.chat_id, message_id, data)
        except ButtonGoneError:
            self.fail(404, "gone")
            return
        out: dict[str, Any] = {"ok": True}
        if answer is not None and answer.get("text"):
            out["toast"] = str(answer["text"])
            out["alert"] = bool(answer.get("show_alert"))
        self.send_json(out)


class _FileHandler(_Handler):
    async def get(self, file_id: str) -> None:
        session = await self.require_session()
        row = await self.server.gateway.file_for(session.chat_id, file_id)
        if row is None:
            self.fail(404, "not_found")
            return
        inline = row.mime in ("image/png", "image/jpeg", "image/gif", "image/webp")
        self.set_header("Content-Type", row.mime if inline else "application/octet-stream")
        disposition = "inline" if inline else "attachment"
        ascii_name = "".join(
            c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in row.name
        )
        self.set_header(
            "Content-Disposition",
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.name)}",
        )
        self.set_header("Cache-Control", "private, max-age=86400")
        self.finish(row.content)
