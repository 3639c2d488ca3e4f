"""``python -m bot web``: the bot for residents in a browser, on this machine's database.

Starts the real bot (every handler, the same services) with the web gateway as its only channel
and serves the chat page; prints the address to open. ``python -m bot run`` serves the web too
when ``[web] enabled = true``, alongside Telegram. Plain HTTP: on a real server put it behind an
HTTPS reverse proxy (docs/operations.md). Stops on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.settings import Settings
from bot.shell.cli_run import configure_logging
from bot.shell.runner import running_bot
from bot.shell.serving import serving, stop_signal
from bot.shell.web.server import WebServer

_LOGGER = logging.getLogger(__name__)


async def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    stop = stop_signal()
    async with running_bot(settings, web=True, telegram=False) as running:
        assert running.gateway is not None
        server = WebServer(running.gateway, settings, host=host, port=port)
        async with serving(server):
            print(f"创业助手网页版 / web page: {server.url}", flush=True)
            print(
                "  在浏览器中打开上面的地址 / open it in a browser; Ctrl+C 停止 / to stop",
                flush=True,
            )
            await stop.wait()
    return 0


def web(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the web channel until SIGTERM/SIGINT."""
    configure_logging(settings)
    return asyncio.run(_serve(settings, args.host, args.port))
