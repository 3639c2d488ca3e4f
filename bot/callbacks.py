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


def pattern(feature: str, *actions: str) -> str:
    """A regex for a ``CallbackQueryHandler`` pattern: the feature's buttons (of ``actions``)."""
    if not actions:
        return rf"^{VERSION}:{re.escape(feature)}(:|$)"
    either = "|".join(re.escape(a) for a in actions)
    return rf"^{VERSION}:{re.escape(feature)}:({either})(:|$)"


MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger "id" is forged


def decode_id(data: str | None, feature: str, action: str | None = None) -> int | None:
    """The id in ``v1:<feature>[:<action>]:<id>``, or ``None`` if stale, forged or malformed."""
    ids = decode_ids(data, feature, action, (1,))
    return None if ids is None else ids[0]


def decode_ids(
    data: str | None, feature: str, action: str | None, counts: tuple[int, ...]
) -> list[int] | None:
    """The ids in ``v1:<feature>[:<action>]:<id>[:<id>...]`` when there are as many as one of
    ``counts``; ``None`` if stale, forged or malformed."""
    args = decode(data, feature)
    if args is None or (action is not None and (not args or args.pop(0) != action)):
        return None
    if len(args) not in counts:
        return None
    if not all(a.isascii() and a.isdigit() and int(a) <= MAX_ID for a in args):
        return None
    return [int(a) for a in args]
