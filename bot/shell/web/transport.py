"""How the bot reaches two channels at once: ``ChannelRequest`` routes each Bot API call.

A call for a web resident's chat (a ``chat_id`` from 2^52 up) or a web button press (callback
query ids starting with "W") goes to the ``WebGateway`` in-process; everything else goes to
Telegram. The command menu is published to both. Without Telegram (``python -m bot web``)
every call goes to the gateway. ``ChannelRateLimiter`` keeps Telegram's flood limits off the
web chats, which Telegram never sees.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest

from bot.channels import is_web_user
from bot.shell.emulator.transport import request_parts
from bot.shell.web.gateway import WebGateway
from bot.transport import ApiCall, CallRequest

_BOTH = frozenset({"setMyCommands", "deleteMyCommands"})


def _chat_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_web_call(params: dict[str, Any]) -> bool:
    """Whether a Bot API call's parameters are about a web resident."""
    if is_web_user(_chat_id(params.get("chat_id"))):
        return True
    return str(params.get("callback_query_id", "")).startswith("W")


class ChannelRequest(CallRequest):
    """Send web residents' calls to the gateway and the rest to ``telegram`` (if any)."""

    def __init__(self, gateway: WebGateway, telegram: BaseRequest | None) -> None:
        super().__init__(telegram)
        self.gateway = gateway
        self.telegram = telegram

    async def answer(self, call: ApiCall) -> tuple[int, bytes]:
        """Answer from the gateway or pass on to Telegram."""
        api_method = call.api_method
        params, files = request_parts(call.request_data)
        to_gateway = self.telegram is None or is_web_call(params)
        if not to_gateway and api_method in _BOTH and _default_scope(params):
            await self.gateway.call(api_method, params, files)  # the page's menu, too
        if not to_gateway and self.telegram is not None:
            return await call.send_to(self.telegram)
        code, body = await self.gateway.call(api_method, params, files)
        return code, json.dumps(body, ensure_ascii=False).encode()


def _default_scope(params: dict[str, Any]) -> bool:
    scope = params.get("scope")
    if not scope:
        return True
    try:
        return bool(json.loads(scope).get("type") == "default")
    except (ValueError, AttributeError):
        return False


class ChannelRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` for Telegram's calls only; the web gateway has no flood limits."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Call at once for a web resident, through the limiter otherwise."""
        if is_web_call(data):
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
