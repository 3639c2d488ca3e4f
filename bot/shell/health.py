"""The health endpoint and ``python -m bot health``: is the running bot able to do its job?

``HealthServer`` is a tiny HTTP/1.1 responder on loopback (``network.health_port``) that answers
``GET /healthz`` with JSON: database reachable, knowledge base loaded (and its topic count),
when the last update was handled, how many, uptime and version, and how many updates the
inbox gave up on in the last day (``abandoned_recently``, with a ``warnings`` line: an update
that crashed the bot every time it was handled; its sender was asked to send it again, and the
log names it). Status 200 when the database answers and the knowledge base is loaded, else
503: an abandoned update is a warning for the operator, not an outage. An idle bot is healthy:
a quiet night is not an outage, so ``last_update_at`` is reported, not judged.
``health_command`` queries it with the standard library only, so the check starts fast.
No personal data, no token.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.processing import UserOrderedProcessor
    from bot.services import Services

_LOGGER = logging.getLogger(__name__)

Report = tuple[bool, dict[str, Any]]
_MAX_REQUEST = 8192
_READ_TIMEOUT = 5.0


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


async def health_report(
    services: Services,
    processor: UserOrderedProcessor | None,
    *,
    started: float,
    mode: str,
) -> Report:
    """Check the database and knowledge base; return (healthy, JSON body)."""
    db_ok = await services.db.ping()
    kb_ok = services.qa.loaded
    topics = len(services.qa.kb.topics) if kb_ok else 0
    last = processor.last_update_at if processor is not None else None
    healthy = db_ok and kb_ok
    abandoned, last_abandoned = 0, None
    if db_ok:
        with contextlib.suppress(sqlite3.Error, ValueError):  # the ping said ok a moment ago
            abandoned, last_abandoned = await services.inbox.abandoned_recently()
    warnings = []
    if abandoned:
        warnings.append(
            f"{abandoned} update(s) abandoned in the last 24 h: each crashed the bot every time "
            "it was handled (see 'abandoned' in the log); the senders were asked to resend"
        )
    return healthy, {
        "status": "ok" if healthy else "unhealthy",
        "version": __version__,
        "mode": mode,
        "uptime_s": round(time.monotonic() - started, 1),
        "database": {"ok": db_ok},
        "knowledge_base": {"loaded": kb_ok, "topics": topics},
        "updates": {
            "handled": processor.handled if processor is not None else 0,
            "last_handled_at": _iso(last),
            "abandoned_recently": abandoned,
            "last_abandoned_at": (
                None if last_abandoned is None else last_abandoned.isoformat(timespec="seconds")
            ),
        },
        "warnings": warnings,
    }


class HealthServer:
    """Answer ``GET /healthz`` (and ``GET /``) on loopback with the report; 404 for the rest."""

    def __init__(self, report: Callable[[], Awaitable[Report]], port: int) -> None:
        self._report = report
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1 (``port`` 0 picks a free port, see ``self.port``)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        _LOGGER.info("health endpoint on http://127.0.0.1:%d/healthz", self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_READ_TIMEOUT):
                head = await reader.readuntil(b"\r\n\r\n")
            status, body = await self._answer(head)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            status, body = 400, {"error": "bad request"}
        except Exception:  # a health check must answer, whatever broke
            _LOGGER.exception("health check failed")
            status, body = 503, {"status": "unhealthy", "error": "health check failed"}
        payload = json.dumps(body).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}
        writer.write(
            f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + payload
        )
        try:
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _answer(self, head: bytes) -> tuple[int, dict[str, Any]]:
        if len(head) > _MAX_REQUEST:
            return 400, {"error": "request too large"}
        parts = head.split(b"\r\n", 1)[0].split()
        if len(parts) != 3 or parts[0] not in (b"GET", b"HEAD"):
            return 400, {"error": "only GET is supported"}
        if parts[1].split(b"?")[0] not in (b"/healthz", b"/"):
            return 404, {"error": "not found; try /healthz"}
        healthy, body = await self._report()
        return (200 if healthy else 503), body


def health_command(args: argparse.Namespace, settings: Settings) -> int:
    """Query the running bot's health endpoint; print its report; exit 0 if healthy, else 1."""
    url: str | None = args.url
    if url is None:
        port = settings.network.health_port
        if port == 0:
            print(
                "健康检查端点未启用 / the health endpoint is disabled: set network.health_port "
                "in the settings, or pass --url",
                file=sys.stderr,
            )
            return 2
        url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"unhealthy: cannot reach {url} ({reason})", file=sys.stderr)
        return 1
    try:
        print(json.dumps(json.loads(body), ensure_ascii=False, indent=2))
    except ValueError:
        print(body.decode("utf-8", errors="replace"))
    return 0 if status == 200 else 1
