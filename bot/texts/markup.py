"""HTML-safe template filling for Telegram's HTML parse mode."""

from __future__ import annotations

import html


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
