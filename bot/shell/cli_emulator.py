"""``python -m bot emulator``: serve the local Bot API emulator over loopback HTTP.

Point a bot at it with ``CHUANGYE_BASE_URL=http://127.0.0.1:<port>`` and the emulator's token
in ``CHUANGYE_TOKEN``; act as users through the control API (see ``bot.shell.emulator.http``). It
binds loopback only: the control API has no authentication. Stops on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import sys

from bot.settings import Settings
from bot.shell.emulator import BotApiEmulator
from bot.shell.emulator.http import EmulatorServer
from bot.shell.serving import serving, stop_signal

_LOGGER = logging.getLogger(__name__)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


async def _serve(host: str, port: int, token: str | None) -> int:
    emulator = BotApiEmulator() if token is None else BotApiEmulator(token=token)
    server = EmulatorServer(emulator, host=host, port=port)
    stop = stop_signal()
    async with serving(server):
        # The emulator's token is a test value the operator chose; printing it is the point.
        print(f"Bot API emulator on {server.url}", flush=True)
        print(f"  CHUANGYE_BASE_URL={server.url} CHUANGYE_TOKEN={emulator.token}", flush=True)
        print(f"  control API: {server.url}/control/state", flush=True)
        await stop.wait()
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT."""
    if not _is_loopback(args.host):
        print("the emulator serves IPv4 loopback only (127.0.0.1, localhost)", file=sys.stderr)
        return 2
    if args.token is not None and ":" not in args.token:
        print("--token must look like a bot token: <digits>:<letters>", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(_serve(args.host, args.port, args.token))
