"""Serving until the operator stops it: the stop signal and a server's start/stop pairing.

``python -m bot run``, ``web`` and ``emulator`` each serve until SIGTERM or SIGINT (Ctrl+C);
``stop_signal()`` is that event, ``serving(server)`` starts a server and stops it however the
block ends. ``listen`` binds a tornado application (the page's and the emulator's HTTP
servers), ``JsonHandler`` is the base of their handlers, ``stop_task`` ends a server's background
task. No ``telegram`` import (the emulator command is a light one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar, Generic, NoReturn, Protocol, TypeVar

import tornado.httpserver
import tornado.netutil
import tornado.web


class Server(Protocol):
    """Anything started and stopped with the process (the page, emulator and health servers)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


S = TypeVar("S")


class JsonHandler(tornado.web.RequestHandler, Generic[S]):
    """A handler of one of our HTTP fronts: it is given the front's object (``server``) and
    speaks JSON. How a body that is not a JSON object is refused is the front's contract
    (``refuse_body``: by default a 400 whose message says why)."""

    server: S
    separators: ClassVar[tuple[str, str] | None] = None  # (",", ":"): compact JSON

    def initialize(self, server: S) -> None:
        self.server = server

    def send_json(self, body: Any, status: int = 200) -> None:
        """Answer ``body`` as JSON with ``status``."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False, separators=self.separators))

    def json_body(self) -> dict[str, Any]:
        """The request's JSON object ({} for an empty body)."""
        try:
            body = json.loads(self.request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            self.refuse_body("body is not JSON")
        if not isinstance(body, dict):
            self.refuse_body("body must be a JSON object")
        return body

    def refuse_body(self, problem: str) -> NoReturn:
        """Refuse a body that is not a JSON object."""
        raise tornado.web.HTTPError(400, problem)


def stop_signal() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT; call it inside the running event loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


@asynccontextmanager
async def serving(server: Server) -> AsyncIterator[None]:
    """Start ``server`` for the block and stop it after, also when the block fails."""
    await server.start()
    try:
        yield
    finally:
        await server.stop()


def listen(
    app: tornado.web.Application, host: str, port: int, **options: Any
) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Serve ``app`` on ``host`` (an IPv6 address too) and ``port`` (0: any free one); returns
    the server and the port it got. ``options`` are ``HTTPServer``'s (body and header limits)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets = tornado.netutil.bind_sockets(port, address=host, family=family)
    server = tornado.httpserver.HTTPServer(app, **options)
    server.add_sockets(sockets)
    return server, int(sockets[0].getsockname()[1])


async def stop_task(task: asyncio.Task[Any] | None) -> None:
    """Cancel a background task (if any) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
