"""HTML-safe template filling for Telegram's HTML parse mode."""

from __future__ import annotations

import html
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import TypeVar

_K = TypeVar("_K", bound=Enum)


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    """Escape ``value`` for Telegram HTML (``<``, ``>``, ``&``)."""
    return html.escape(str(value), quote=False)


def fmt(template: str, /, **values: object) -> Html:
    """Fill ``template``, HTML-escaping every value that is not ``Html``."""
    safe = {
        key: value if isinstance(value, Html) else escape(value) for key, value in values.items()
    }
    return Html(template.format(**safe))


def table(entries: Mapping[_K, str], *enums: type[Enum]) -> Mapping[_K, str]:
    """A text for every member of ``enums`` (keys are the members, so mypy checks their type);
    a member without a text, or a key of another enum, fails at import."""
    members: set[object] = set().union(*enums)
    if set(entries) != members:
        missing, extra = members - set(entries), set(entries) - members
        raise ValueError(f"text table: missing {sorted(map(str, missing))}, extra {extra}")
    return MappingProxyType(dict(entries))
