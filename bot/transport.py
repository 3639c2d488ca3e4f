"""``CallRequest``: the one PTB transport shape the bot's own transports share.

PTB sends every Bot API call through ``BaseRequest.do_request``. The bot has three transports
of its own: ``InboxRequest`` (stores a poll's updates before PTB sees them), the emulator's
``EmulatorRequest`` and the web channel's ``ChannelRequest``. Each answers an ``ApiCall`` in
``answer``; a transport that wraps another (``inner``) passes the rest on with
``ApiCall.send_to`` and opens, closes and times out as the inner one does.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

# PTB's own default read timeout, for a transport that wraps none.
DEFAULT_READ_TIMEOUT = 5.0


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call as PTB hands it to a transport."""

    url: str
    method: str
    request_data: RequestData | None
    read_timeout: ODVInput[float]
    write_timeout: ODVInput[float]
    connect_timeout: ODVInput[float]
    pool_timeout: ODVInput[float]

    @property
    def api_method(self) -> str:
        """The Bot API method (``sendMessage``), the last part of the URL."""
        return self.url.rpartition("/")[2]

    async def send_to(self, request: BaseRequest) -> tuple[int, bytes]:
        """Make this call through ``request`` unchanged."""
        return await request.do_request(
            self.url,
            self.method,
            self.request_data,
            read_timeout=self.read_timeout,
            write_timeout=self.write_timeout,
            connect_timeout=self.connect_timeout,
            pool_timeout=self.pool_timeout,
        )


class CallRequest(BaseRequest):
    """A PTB transport that answers each call in ``answer``, optionally over ``inner``."""

    def __init__(self, inner: BaseRequest | None = None) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's read timeout (PTB's default without one)."""
        return self.inner.read_timeout if self.inner is not None else DEFAULT_READ_TIMEOUT

    async def initialize(self) -> None:
        """Initialise the wrapped transport, if any."""
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped transport down, if any."""
        if self.inner is not None:
            await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer the call (PTB's entry point)."""
        call = ApiCall(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        return await self.answer(call)

    @abc.abstractmethod
    async def answer(self, call: ApiCall) -> tuple[int, bytes]:
        """The HTTP status and body the call gets."""
