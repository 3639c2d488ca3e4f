"""Callback data for inline buttons: short, versioned, validated.

One frozen class per button kind (``class TopicButton(CallbackData, prefix="topic")``) encodes
itself as ``v1:<prefix>:<field>:<field>...``, decodes and validates what a press brings back
(``unpack`` returns ``None`` for anything stale, forged or malformed, so the handler answers
politely) and yields its handler's ``pattern``. A subclass of a button class extends its prefix,
so a family of buttons shares one catch-all pattern. No ``telegram`` import.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, Self, dataclass_transform

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


# -- typed button data -------------------------------------------------------------------------

_Codec = tuple[Callable[[Any], str], Callable[[str], Any]]


class _InvalidPartError(ValueError):
    """A part of callback data that is not a value of its field."""


def _int_from(part: str) -> int:
    if not (part.isascii() and part.isdigit()) or int(part) > MAX_ID:
        raise _InvalidPartError(part)
    return int(part)


def _int_to(value: Any) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise ValueError(f"{value!r} is not an id")
    return str(value)


def _str_from(part: str) -> str:
    return part


def _bool_from(part: str) -> bool:
    if part not in ("0", "1"):
        raise _InvalidPartError(part)
    return part == "1"


def _choice_codec(values: dict[str, Any]) -> _Codec:
    def from_part(part: str) -> Any:
        if part not in values:
            raise _InvalidPartError(part)
        return values[part]

    def to_part(value: Any) -> str:
        for part, candidate in values.items():
            if candidate == value and type(candidate) is type(value):
                return part
        raise ValueError(f"{value!r} is not one of {sorted(values)}")

    return to_part, from_part


def _codec(hint: Any) -> _Codec:
    """How a field of type ``hint`` becomes one part of the data and back."""
    if hint is bool:
        return (lambda v: "1" if v else "0"), _bool_from
    if hint is int:
        return _int_to, _int_from
    if hint is str:
        return str, _str_from
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _choice_codec({str(m.value): m for m in hint})
    if typing.get_origin(hint) is Literal:
        return _choice_codec({str(v): v for v in typing.get_args(hint)})
    if _is_union(hint):
        return _either_codec([_codec(a) for a in typing.get_args(hint)])
    raise TypeError(f"callback data cannot carry a {hint!r}")


def _either_codec(codecs: list[_Codec]) -> _Codec:
    """A field of type ``A | B``: the first type that takes the value (or the part) wins."""
    writers = [write for write, _ in codecs]
    parsers = [parse for _, parse in codecs]
    return (
        lambda value: _first_taker(writers, value, ValueError),
        lambda part: _first_taker(parsers, part, _InvalidPartError),
    )


def _first_taker(tries: list[Callable[[Any], Any]], value: Any, refusal: type[ValueError]) -> Any:
    """What the first of ``tries`` that takes ``value`` makes of it (the others raise
    ``refusal``); ``refusal`` when none does."""
    for attempt in tries:
        try:
            return attempt(value)
        except refusal:
            continue
    raise refusal(f"{value!r} is not one of the field's types")


def _is_union(hint: Any) -> bool:
    return isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union


def _optional_inner(hint: Any) -> Any:
    """``X`` for ``X | None`` (``A | B`` for ``A | B | None``), else ``hint`` itself."""
    if _is_union(hint) and type(None) in typing.get_args(hint):
        args = tuple(a for a in typing.get_args(hint) if a is not type(None))
        return args[0] if len(args) == 1 else typing.Union[args]  # noqa: UP007  # built at run time
    return hint


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    to_part: Callable[[Any], str]
    from_part: Callable[[str], Any]
    default: Any  # dataclasses.MISSING when the field is required
    optional: bool


_PREFIXES: dict[tuple[str, ...], type[CallbackData]] = {}


@dataclass_transform(frozen_default=True)
class CallbackData:
    """One kind of button. Subclasses are frozen dataclasses whose fields (int ids, str, bool,
    enums, literals; trailing ones may have defaults) are the button's arguments in order."""

    prefix: ClassVar[tuple[str, ...]] = ()
    _fields: ClassVar[tuple[_Field, ...] | None] = None

    def __init_subclass__(cls, *, prefix: str | None, **kwargs: Any) -> None:
        """``prefix=None`` declares fields shared by the kinds below it, no kind of its own."""
        super().__init_subclass__(**kwargs)
        cls._fields = None
        dataclasses.dataclass(frozen=True)(cls)
        if prefix is None:
            return
        if not prefix or ":" in prefix or not _PART_RE.match(prefix):
            raise ValueError(f"callback prefix {prefix!r} is not allowed")
        cls.prefix = (*cls.prefix, prefix)
        if cls.prefix in _PREFIXES:
            raise ValueError(f"callback prefix {':'.join(cls.prefix)!r} is declared twice")
        _PREFIXES[cls.prefix] = cls

    @classmethod
    def _layout(cls) -> tuple[_Field, ...]:
        fields = cls.__dict__.get("_fields")
        if fields is None:
            hints = typing.get_type_hints(cls)
            layout = []
            for f in dataclasses.fields(cls):  # type: ignore[arg-type]  # a dataclass by now
                inner = _optional_inner(hints[f.name])
                optional = inner is not hints[f.name]
                layout.append(_Field(f.name, *_codec(inner), f.default, optional))
            cls._fields = fields = tuple(layout)
        return fields

    def pack(self) -> str:
        """The data for Telegram; raises ``ValueError`` if it would not fit its 64 bytes."""
        parts: list[str] = []
        pending: list[str] = []  # trailing parts still equal to their defaults
        for f in self._layout():
            value = getattr(self, f.name)
            part = "" if value is None and f.optional else f.to_part(value)
            pending.append(part)
            if value != f.default or f.default is dataclasses.MISSING:
                parts += pending
                pending = []
        return encode(*self.prefix, *parts)

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The button ``data`` encodes, or ``None`` if it is stale, forged or malformed."""
        if not isinstance(data, str) or not cls.prefix:
            return None
        args = decode(data, cls.prefix[0])
        if args is None or args[: len(cls.prefix) - 1] != list(cls.prefix[1:]):
            return None
        args = args[len(cls.prefix) - 1 :]
        layout = cls._layout()
        if len(args) > len(layout):
            return None
        values: dict[str, Any] = {}
        try:
            for i, f in enumerate(layout):
                if i < len(args):
                    values[f.name] = None if f.optional and not args[i] else f.from_part(args[i])
                elif f.default is dataclasses.MISSING:
                    return None
        except _InvalidPartError:
            return None
        return cls(**values)

    @classmethod
    def pattern(cls, **fixed: Any) -> str:
        """A ``CallbackQueryHandler`` pattern: this kind's buttons (and its subclasses'), or only
        those whose leading fields hold the ``fixed`` values."""
        layout = cls._layout()
        unknown = set(fixed) - {f.name for f in layout}
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {sorted(unknown)}")
        parts = [re.escape(p) for p in (VERSION, *cls.prefix)]
        last = max((i for i, f in enumerate(layout) if f.name in fixed), default=-1)
        for f in layout[: last + 1]:
            parts.append(re.escape(f.to_part(fixed[f.name])) if f.name in fixed else "[^:]*")
        return "^" + ":".join(parts) + "(:|$)"
