"""Telegram's documented limits and error descriptions, checked as the Bot API checks them.

``ApiError`` is a Bot API error; ``render_text`` and ``check_markup`` refuse what Telegram would
refuse (text length in UTF-16 units, HTML entities, button kinds and callback data size), so a
bug Telegram would reject fails in the emulator too. No ``telegram`` import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.shell.emulator.html import EntityParseError, parse_html, utf16_len
from bot.shell.emulator.store import JSON

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
MAX_COMMANDS = 100
DEEP_LINK_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a /start payload


class ApiError(Exception):
    """A Bot API error: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad(description: str) -> ApiError:
    """A 400 Bad Request with Telegram's description."""
    return ApiError(400, f"Bad Request: {description}")


def render_text(params: Mapping[str, Any], key: str, maximum: int) -> tuple[str, str]:
    """The raw text (or caption) ``key`` and what the user sees of it, within Telegram's limits."""
    raw = params.get(key)
    raw = "" if raw is None else str(raw)
    parse_mode = params.get("parse_mode")
    if parse_mode == "HTML":
        try:
            plain = parse_html(raw)
        except EntityParseError as exc:
            raise bad(str(exc)) from None
    elif parse_mode in (None, "", "Markdown", "MarkdownV2"):
        plain = raw
    else:
        raise bad(f"unsupported parse_mode {parse_mode!r}")
    length = utf16_len(plain.strip())
    if key == "text" and length == 0:
        raise bad("message text is empty")
    if utf16_len(plain) > maximum:
        raise bad("message is too long" if key == "text" else "message caption is too long")
    return raw, plain


def check_markup(markup: Any) -> JSON | None:
    """A message's reply markup if Telegram would accept it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list):
            raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not label or not str(label).strip():
                    raise bad("keyboard button text must be non-empty")
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad("can't parse reply keyboard markup JSON object")
    return markup


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad("inline keyboard button text must be non-empty")
    kinds = [
        k for k in ("callback_data", "url", "switch_inline_query", "copy_text") if k in button
    ]
    if len(kinds) != 1:
        raise bad("BUTTON_TYPE_INVALID")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"^(https?|tg)://", str(button["url"])):
        raise bad("BUTTON_URL_INVALID")


def int_param(value: Any) -> int | None:
    """An integer parameter (None if absent), refused as Telegram refuses a malformed one."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad("wrong integer value") from None
