"""Serving until the operator stops it: the stop signal and a server's start/stop pairing.

``python -m bot run``, ``web`` and ``emulator`` each serve until SIGTERM or SIGINT (Ctrl+C);
``stop_signal()`` is that event, ``serving(server)`` starts a server and stops it however the
block ends. No ``telegram`` import (the emulator command is a light one).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol


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
