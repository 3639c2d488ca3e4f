"""Reading configuration values: typed accessors for one TOML table, and dataclass settings read
field by field by their declared kind and bounds (``read_fields``). ``bot.settings`` declares what
the settings are; this module only reads and checks them. Imports nothing from ``telegram``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

_N = TypeVar("_N")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the setting, never a secret."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


def between(minimum: float, maximum: float) -> dict[str, tuple[float, float]]:
    """A number setting's bounds, kept in its field's metadata (``read_fields`` checks them)."""
    return {"between": (minimum, maximum)}


_Fields = TypeVar("_Fields")


def read_fields(cls: type[_Fields], section: Section, **given: Any) -> _Fields:
    """``cls`` with every field not ``given`` read from ``section`` by its declared kind
    (text, true/false, a number within its field's bounds), its default where absent."""
    values = dict(given)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]  # callers pass dataclasses
        if f.name in given:
            continue
        default = f.default
        if isinstance(default, bool):
            values[f.name] = section.boolean(f.name, default)
        elif isinstance(default, str):
            values[f.name] = section.string(f.name, default)
        elif isinstance(default, int | float) and "between" in f.metadata:
            number = section.number(f.name, default, *f.metadata["between"])
            values[f.name] = int(number) if isinstance(default, int) else number
        else:
            raise TypeError(f"{cls.__name__}.{f.name} needs a reader")
    return cls(**values)


def read_toml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError("config", f"file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError("config", f"{path} is not valid TOML ({exc})") from None
    for section, value in data.items():
        if not isinstance(value, dict):
            raise SettingsError(section, "must be a [table]")
    return data


def _user_id(item: Any) -> int:
    number = int(item)
    if isinstance(item, bool) or number <= 0:
        raise ValueError(item)
    return number


class Section:
    """Typed accessors for one TOML table; values from the environment arrive as strings."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        self.name = name
        self.data = data

    def _err(self, key: str, problem: str) -> SettingsError:
        return SettingsError(f"{self.name}.{key}", problem)

    def string(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self._err(key, "must be a string")
        return value.strip()

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
            return False
        if not isinstance(value, bool):
            raise self._err(key, "must be true or false")
        return value

    def number(self, key: str, default: float, minimum: float, maximum: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self._err(key, "must be a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._err(key, "must be a number")
        if not minimum <= value <= maximum:
            raise self._err(key, f"must be between {minimum:g} and {maximum:g}")
        return float(value)

    def number_list(
        self, key: str, default: tuple[float, ...], minimum: float, maximum: float
    ) -> tuple[float, ...]:
        value = self.data.get(key, default)
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if not isinstance(value, list | tuple) or not value:
            raise self._err(key, "must be a non-empty list of numbers")
        numbers = self._each(key, value, float, "a number")
        if any(not minimum <= number <= maximum for number in numbers):
            raise self._err(key, f"values must be between {minimum:g} and {maximum:g}")
        return tuple(numbers)

    def int_list(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list | tuple):
            raise self._err(key, "must be a list of Telegram user ids")
        return tuple(self._each(key, value, _user_id, "a Telegram user id"))

    def _each(
        self, key: str, items: Iterable[Any], convert: Callable[[Any], _N], what: str
    ) -> list[_N]:
        """Every item converted, or an error naming the first that is not ``what``."""
        out: list[_N] = []
        for item in items:
            try:
                out.append(convert(item))
            except (TypeError, ValueError):
                raise self._err(key, f"{item!r} is not {what}") from None
        return out

    def english_list(self, key: str, chinese: tuple[str, ...]) -> tuple[str, ...]:
        """Optional English names for ``chinese``, one for each, in the same order."""
        if key not in self.data:
            return ()
        names = self.string_list(key, ())
        if len(names) != len(chinese):
            raise self._err(key, f"needs {len(chinese)} names, one for each Chinese name")
        return names

    def string_list(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.data.get(key, list(default))
        if isinstance(value, str):
            value = list(re.split(r"[,，]", value))
        if not isinstance(value, list | tuple) or not value:
            raise self._err(key, "must be a non-empty list of names")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self._err(key, "every entry must be a non-empty string")
            name = item.strip()
            if len(name) > 30:
                raise self._err(key, f"{name[:10]!r}... is longer than 30 characters")
            if name in out:
                raise self._err(key, f"{name!r} is listed twice")
            out.append(name)
        return tuple(out)
