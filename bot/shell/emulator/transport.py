"""``EmulatorRequest``: a PTB ``BaseRequest`` that answers Bot API calls from the emulator.

Only the transport is swapped; the real ``Application`` (handlers, ConversationHandler,
JobQueue, persistence, rate limiter) runs unchanged on top of it. Parameters travel in the same
JSON-encoded shape they would have on the wire, so the emulator sees what Telegram would.
"""

from __future__ import annotations

import asyncio
import json

from telegram.error import TimedOut
from telegram.request import RequestData

from bot.shell.emulator.memory import BotApiEmulator
from bot.shell.emulator.store import FileTuple
from bot.transport import ApiCall, CallRequest


def request_parts(request_data: RequestData | None) -> tuple[dict[str, str], dict[str, FileTuple]]:
    """A PTB request's parameters (JSON-encoded, as on the wire) and its uploaded files."""
    params: dict[str, str] = {}
    files: dict[str, FileTuple] = {}
    if request_data is not None:
        params = request_data.json_parameters
        if request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                filename, content, *rest = part
                data = content if isinstance(content, bytes) else content.read()
                mime = rest[0] if rest else "application/octet-stream"
                files[name] = (str(filename), bytes(data), str(mime))
    return params, files


class EmulatorRequest(CallRequest):
    """Answer PTB's HTTP requests in-process from a ``BotApiEmulator``."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        super().__init__()
        self.emulator = emulator

    @property
    def read_timeout(self) -> float | None:
        return self.emulator.read_timeout

    async def answer(self, call: ApiCall) -> tuple[int, bytes]:
        """Route ``.../bot<token>/<method>`` to the emulator and encode its answer."""
        prefix, _, api_method = call.url.rpartition("/")
        if not prefix.endswith(f"/bot{self.emulator.token}"):
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return 401, json.dumps(body).encode()
        params, files = request_parts(call.request_data)
        # Like an HTTP client: give up after the read timeout (getUpdates passes its own,
        # which includes the long-polling time). The call is abandoned, as on a real wire.
        wait = call.read_timeout
        timeout = wait if isinstance(wait, int | float) else self.read_timeout
        try:
            async with asyncio.timeout(timeout):
                code, body = await self.emulator.call(api_method, params, files)
        except TimeoutError:
            raise TimedOut(f"{api_method} got no answer within {timeout} s") from None
        return code, json.dumps(body, ensure_ascii=False).encode()
