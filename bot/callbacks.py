"""Callback data for inline buttons: short, versioned, validated.

Format ``v1:<feature>:<arg>:<arg>...``. Telegram allows 1-64 bytes; ``encode`` refuses more, and
``decode`` returns ``None`` for anything stale, forged or malformed so a handler can answer
politely instead of crashing.
"""

from __future__ import annotations

import re

VERSION = "v1"
MAX_BYTES = 64
_PART_RE = re.compile(r"^[A-Za-z0-9_.\-]{0,40}$")


def encode(feature: str, *args: str | int) -> str:
    """Build callback data; raises ``ValueError`` if it would not fit Telegram's 64 bytes."""
    parts = [VERSION, feature, *(str(a) for a in args)]
    for part in parts:
        if ":" in part or not _PART_RE.match(part):
            raise ValueError(f"callback part {part!r} is not allowed")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def decode(data: str | None, feature: str, arity: int | None = None) -> list[str] | None:
    """The arguments of ``data`` for ``feature``, or ``None`` if it is not valid for it."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or parts[1] != feature:
        return None
    args = parts[2:]
    if arity is not None and len(args) != arity:
        return None
    if not all(_PART_RE.match(a) for a in args):
        return None
    return args


def pattern(feature: str) -> str:
    """A regex for ``CallbackQueryHandler(pattern=...)`` matching this feature's buttons."""
    return rf"^{VERSION}:{re.escape(feature)}(:|$)"
