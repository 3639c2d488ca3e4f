"""Read a language's catalog (``zh.toml``, ``en.toml``) into the typed sections of ``sections``.

The dataclass fields and their type hints are the schema: ``str`` is a TOML string,
``tuple[str, ...]`` an array of strings, ``tuple[tuple[str, str], ...]`` a table of
code = text (kept in the file's order), ``Mapping[SomeEnum, str]`` a table keyed by the enum
members' *values* (``errors.empty = "..."``), a nested dataclass a table (``[registration]``).
Anything that does not fit raises ``CatalogError`` naming the file and the key: a missing or
unknown key, a wrong type, an enum table without a member or with a foreign key, a broken
``{placeholder}``, a Telegram HTML tag that is unknown or not closed, and, between the
languages (``check_translation``), a template whose placeholders differ from the source
language's, a list of another length or a code table with other codes.
"""

from __future__ import annotations

import dataclasses
import re
import string
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from enum import Enum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

_T = TypeVar("_T")

PER_LANGUAGE = "per_language"
"""Field metadata key: the placeholders each language may choose from (a list: any length)."""

_TAG_NAMES = "b strong i em u ins s strike del code pre a span tg-spoiler tg-emoji blockquote"
TAGS = frozenset(_TAG_NAMES.split())
"""The tags of Telegram's HTML parse mode."""
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)(\s[^<>]*)?>")
_FIELD_ROOT = re.compile(r"[.\[]")


class CatalogError(ValueError):
    """A catalog that does not fit its sections; the message names the file and the key."""


def per_language(*placeholders: str) -> dict[str, frozenset[str]]:
    """Metadata of a field that may differ between languages: a template may use any of
    ``placeholders`` (e.g. zh ``{month}``, en ``{month_name}``), a list may have any length."""
    return {PER_LANGUAGE: frozenset(placeholders)}


def load(path: Path, cls: type[_T]) -> _T:
    """The catalog at ``path`` as a ``cls`` (a dataclass of sections), checked against it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None
    return _build(cls, data, path, "")


def check_translation(source: object, source_path: Path, other: object, path: Path) -> None:
    """Fail unless ``other`` (read from ``path``) fits ``source``: the same placeholders in
    every template, lists of the same length and code tables with the same codes."""
    for key, mine, theirs, allowed in _pairs(source, other, ""):
        if isinstance(mine, str) and isinstance(theirs, str):
            wanted, got = placeholders(mine), placeholders(theirs)
            if allowed is not None:
                if not got <= allowed:
                    raise _error(
                        path,
                        key,
                        f"placeholders {_show(got - allowed)} are not among {_show(allowed)}",
                    )
            elif got != wanted:
                raise _error(
                    path,
                    key,
                    f"placeholders {_show(got)} differ from {source_path.name}'s {_show(wanted)}",
                )
        elif isinstance(mine, tuple) and isinstance(theirs, tuple):
            if _is_table(mine) or _is_table(theirs):
                codes, others = [code for code, _ in mine], [code for code, _ in theirs]
                if codes != others:
                    raise _error(
                        path, key, f"codes {others} differ from {source_path.name}'s {codes}"
                    )
            elif allowed is None and len(mine) != len(theirs):
                raise _error(path, key, f"{len(theirs)} items, {source_path.name} has {len(mine)}")


def placeholders(template: str) -> frozenset[str]:
    """The names of the ``str.format`` fields of ``template`` (``{when}``, ``{n:>3}`` -> n)."""
    return frozenset(
        _FIELD_ROOT.split(name, 1)[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    )


def html_problem(text: str) -> str | None:
    """Why the tags of ``text`` are not valid Telegram HTML (a tag Telegram does not know, a
    closing tag with no opening one, an unclosed tag), or None. A bare '<' or '&' is not
    checked: buttons, headers and the web page's words are plain text, where they are fine."""
    open_tags: list[str] = []
    for match in _TAG.finditer(text):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in TAGS:
            return f"tag <{tag}> is not one Telegram knows ({', '.join(sorted(TAGS))})"
        if not closing:
            open_tags.append(tag)
        elif not open_tags or open_tags.pop() != tag:
            return f"</{tag}> closes no open <{tag}>"
    if open_tags:
        return f"<{open_tags[-1]}> is not closed"
    return None


def _build(cls: type[_T], data: object, path: Path, where: str) -> _T:
    if not isinstance(data, dict):
        raise _error(path, where, f"expected a table, got {_kind(data)}")
    hints = _hints(typing.cast(type, cls))
    for key in data:
        if key not in hints:
            raise _error(path, _join(where, key), f"unknown key (not a field of {cls.__name__})")
    values: dict[str, object] = {}
    for name, hint in hints.items():
        key = _join(where, name)
        if name not in data:
            raise _error(path, key, f"missing key ({cls.__name__}.{name})")
        values[name] = _convert(hint, data[name], path, key)
    return cls(**values)


def _convert(hint: Any, value: object, path: Path, key: str) -> object:
    if hint is str:
        return _text(value, path, key)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, path, key)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and args[1:] == (Ellipsis,) and args[0] is str:
        if not isinstance(value, list):
            raise _error(path, key, f"expected a list of texts, got {_kind(value)}")
        return tuple(_text(item, path, f"{key}[{n}]") for n, item in enumerate(value))
    if origin is tuple and args == (tuple[str, str], Ellipsis):
        table = _table(value, path, key)
        return tuple((code, _text(text, path, _join(key, code))) for code, text in table.items())
    if origin is Mapping and args[1] is str:
        return _enum_table(_enums(args[0]), value, path, key)
    raise TypeError(f"bot.texts.catalog cannot read {key}: {hint}")  # a new kind of field


def _enum_table(enums: tuple[type[Enum], ...], value: object, path: Path, key: str) -> object:
    table = _table(value, path, key)
    members: dict[str, Enum] = {}
    for member in (member for enum in enums for member in enum):
        members.setdefault(str(member.value), member)  # StrEnums of one value are one key
    extra = [code for code in table if code not in members]
    missing = [code for code in members if code not in table]
    if extra or missing:
        names = "/".join(enum.__name__ for enum in enums)
        raise _error(
            path,
            key,
            f"the {names} table lacks {missing} and has unknown keys {extra} "
            f"(keys are the members' values: {list(members)})",
        )
    return MappingProxyType(
        {member: _text(table[code], path, _join(key, code)) for code, member in members.items()}
    )


def _text(value: object, path: Path, key: str) -> str:
    if not isinstance(value, str):
        raise _error(path, key, f"expected a text (a string), got {_kind(value)}")
    try:
        placeholders(value)
    except ValueError as error:
        problem = f"broken {{placeholder}}: {error} (write a literal brace as {{{{ or }}}})"
        raise _error(path, key, problem) from None
    wrong_html = html_problem(value)
    if wrong_html:
        raise _error(path, key, wrong_html)
    return value


def _table(value: object, path: Path, key: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _error(path, key, f"expected a table (code = text), got {_kind(value)}")
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {field.name: hints[field.name] for field in dataclasses.fields(cls)}


def _enums(hint: Any) -> tuple[type[Enum], ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _pairs(
    mine: object, theirs: object, where: str
) -> Iterator[tuple[str, object, object, frozenset[str] | None]]:
    """(key, source value, other value, per-language placeholders or None) of every text."""
    if dataclasses.is_dataclass(mine) and dataclasses.is_dataclass(theirs):
        for field in dataclasses.fields(mine):
            key = _join(where, field.name)
            a, b = getattr(mine, field.name), getattr(theirs, field.name)
            if dataclasses.is_dataclass(a):
                yield from _pairs(a, b, key)
            elif isinstance(a, Mapping) and isinstance(b, Mapping):
                for member, text in a.items():
                    yield _join(key, member.value), text, b[member], None
            else:
                yield key, a, b, field.metadata.get(PER_LANGUAGE)
                if isinstance(a, tuple) and isinstance(b, tuple) and _is_table(a):
                    other = dict(b)
                    for code, text in a:
                        yield _join(key, code), text, other.get(code, text), None


def _is_table(value: tuple[object, ...]) -> bool:
    return bool(value) and isinstance(value[0], tuple)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _error(path: Path, key: str, problem: str) -> CatalogError:
    return CatalogError(f"{path}: {key}: {problem}")


def _kind(value: object) -> str:
    kinds: dict[type, str] = {dict: "a table", list: "a list", str: "a text"}
    return kinds.get(type(value), type(value).__name__)


def _show(names: frozenset[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}" if names else "none"
