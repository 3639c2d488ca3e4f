"""Telegram's HTML parse mode, checked the way the Bot API checks it.

Only the tags Telegram documents are accepted, tags must nest properly, and every ``<`` and
``&`` that is not part of a tag or entity is an error ("can't parse entities"), so text that
forgets ``html.escape`` fails here as it would on Telegram. Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import html
import re

# tag -> allowed attributes (values are checked loosely, as Telegram does).
_ALLOWED: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*?)?)\s*>")
_ATTR_RE = re.compile(r"\s*([A-Za-z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_SPECIAL_RE = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message mirrors the Bot API's description."""


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> str:
    """Validate Telegram HTML and return the plain text a user would see."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        # Copy the run of plain text up to the next tag or entity in one slice.
        special = _SPECIAL_RE.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        if special.start() > i:
            out.append(text[i : special.start()])
            i = special.start()
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise EntityParseError(
                    f"can't parse entities: Unexpected start tag at byte offset {_offset(text, i)}"
                )
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if name not in _ALLOWED:
                raise EntityParseError(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                    f"{_offset(text, i)}"
                )
            if closing:
                if not stack:
                    raise EntityParseError(
                        "can't parse entities: Unexpected end tag at byte offset "
                        f"{_offset(text, i)}"
                    )
                if stack[-1] != name:
                    raise EntityParseError(
                        "can't parse entities: Unmatched end tag at byte offset "
                        f'{_offset(text, i)}, expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_attributes(text, i, name, attrs)
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m is None:
                raise EntityParseError(
                    "can't parse entities: Character '&' is reserved and must be escaped "
                    f"at byte offset {_offset(text, i)}"
                )
            out.append(html.unescape(m.group(0)))
            i = m.end()
    if stack:
        raise EntityParseError(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def _check_attributes(text: str, index: int, name: str, attrs: str) -> None:
    allowed = _ALLOWED[name]
    pos = 0
    seen: dict[str, str] = {}
    attrs = attrs.strip()
    while pos < len(attrs):
        m = _ATTR_RE.match(attrs, pos)
        if m is None or m.end() == pos:
            raise EntityParseError(
                f"can't parse entities: Expected equal sign in declaration of attribute of "
                f'the tag "{name}" at byte offset {_offset(text, index)}'
            )
        key = m.group(1).lower()
        value = (m.group(2) or "").strip("\"'")
        if key not in allowed:
            # Telegram ignores unknown attributes, except that span needs its class.
            pass
        seen[key] = html.unescape(value)
        pos = m.end()
    if name == "span" and seen.get("class") != "tg-spoiler":
        raise EntityParseError(
            'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset '
            f"{_offset(text, index)}"
        )
    if name == "a" and "href" in seen and not seen["href"]:
        raise EntityParseError("can't parse entities: Empty href in a tag")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# Telegram's tags by what they show: the web page draws these, and only these.
_NODE_KIND = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "a",
    "code": "code",
    "pre": "pre",
    "blockquote": "quote",
}
_SAFE_HREF_RE = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)

Node = str | dict[str, object]


def html_nodes(text: str) -> list[Node]:
    """Telegram HTML as a tree to draw: strings and ``{"t": kind, "c": [...], "href"?}``.

    ``text`` is checked with ``parse_html`` first (invalid HTML raises ``EntityParseError``).
    Kinds are b, i, u, s, spoiler, a, code, pre, quote; an ``a`` keeps its ``href`` only for
    http(s) links; ``tg-emoji`` shows its text. A page builds elements from this tree and never
    parses markup, so nothing in a message can become a tag of its own.
    """
    parse_html(text)
    root: list[Node] = []
    stack: list[tuple[str, str, list[Node]]] = [("", "", root)]
    i = 0
    for m in _TOKEN_RE.finditer(text):
        if m.start() > i:
            stack[-1][2].append(text[i : m.start()])
        i = m.end()
        if m.group(0).startswith("&"):
            stack[-1][2].append(html.unescape(m.group(0)))
        elif not m.group(1):
            stack.append((m.group(2).lower(), m.group(3) or "", []))
        else:
            tag, attrs, children = stack.pop()
            kind = _NODE_KIND.get(tag)
            if kind is None:  # tg-emoji: only its text
                stack[-1][2].extend(children)
                continue
            node: dict[str, object] = {"t": kind, "c": _merge_text(children)}
            href = _attribute(attrs, "href") if tag == "a" else None
            if href and _SAFE_HREF_RE.match(href):
                node["href"] = href
            stack[-1][2].append(node)
    if i < len(text):
        root.append(text[i:])
    return _merge_text(root)


_TOKEN_RE = re.compile(_TAG_RE.pattern + "|" + _ENTITY_RE.pattern)


def _attribute(attrs: str, wanted: str) -> str | None:
    for m in _ATTR_RE.finditer(attrs):
        if m.group(1).lower() == wanted:
            return html.unescape((m.group(2) or "").strip("\"'"))
    return None


def _merge_text(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str) and out and isinstance(out[-1], str):
            out[-1] = out[-1] + node
        else:
            out.append(node)
    return out
