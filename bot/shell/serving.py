"""Serving until the operator stops it: the stop signal and a server's start/stop pairing.

``python -m bot run``, ``web`` and ``emulator`` each serve until SIGTERM or SIGINT (Ctrl+C);
``stop_signal()`` is that event, ``serving(server)`` starts a server and stops it however the
block ends. ``listen`` binds a tornado application (the page's and the emulator's HTTP
servers), ``stop_task`` ends a server's background task. No ``telegram`` import (the emulator
command is a light one).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import tornado.httpserver
import tornado.netutil
import tornado.web


class Server(Protocol):
    """Anything started and stopped with the process (the page, emulator and health servers)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


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
