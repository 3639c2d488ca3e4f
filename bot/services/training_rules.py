"""What a valid training session is: its text fields' limits, its time window, its tags.

Pure checks shared by the service, the staff dialogs and the command line: ``clean_field``
cleans a typed title, place, target group or description (or says why it cannot be stored),
``start_problem``/``window_problem`` refuse impossible times, ``split_tags`` reads a typed tag
list. ``TrainingError`` is how the service refuses a request (its ``code`` picks the text).
No I/O, no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from bot.services.text import check, normalize_line, normalize_lines, utf16_len
from bot.settings import Settings, TownSettings
from bot.vocabulary import TextProblem, Theme

# Themes offered in /subscribe besides the town's industries (the report's training topics).
THEMES: tuple[str, ...] = tuple(theme.value for theme in Theme)
EVERYTHING = "*"
MAX_TITLE = 200
MAX_PLACE = 200
MAX_DESCRIPTION = 1000
MAX_TAGS = 10
MAX_TAG = 50
MAX_TARGET = 200
MAX_CAPACITY = 100_000
MAX_SESSION = timedelta(days=14)  # an end further from the start is a typo, not a course


MAX_AHEAD = timedelta(days=2 * 365 + 1)  # a session further ahead is a typo, not a plan


def start_problem(start: datetime, now: datetime) -> str | None:
    """Why ``start`` is not a session's start (``past``, ``too_far``: over two years), or None."""
    return _after_within(now, start, MAX_AHEAD, "past", "too_far")


def window_problem(start: datetime, end: datetime) -> str | None:
    """Why ``start``-``end`` is not a session's time (``order``, ``too_long``), or None."""
    return _after_within(start, end, MAX_SESSION, "order", "too_long")


def _after_within(
    first: datetime, then: datetime, longest: timedelta, not_after: str, too_far: str
) -> str | None:
    """``not_after`` unless ``then`` comes after ``first``, ``too_far`` if more than
    ``longest`` after, else None."""
    if then <= first:
        return not_after
    if then - first > longest:
        return too_far
    return None


def reminders_ahead(
    offsets: tuple[timedelta, ...], starts_at: datetime, now: datetime
) -> tuple[timedelta, ...]:
    """The reminder ``offsets`` still ahead at ``now`` for a session at ``starts_at``: what a
    sign-up, or a move up from the waitlist, is promised (none for the late ones)."""
    return tuple(o for o in offsets if starts_at - o > now)


class TrainingError(ValueError):
    """A request the service refuses; ``code`` says why (the handler picks the text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def subscribable_tags(settings: Settings) -> tuple[str, ...]:
    """Tags a resident may subscribe to, in a stable order (buttons refer to their index)."""
    return tuple(dict.fromkeys((*settings.town.industries, *THEMES)))


def english_tags(
    tags: Iterable[str], town: TownSettings, theme_names: Mapping[Theme, str]
) -> tuple[str, ...]:
    """Tags as stored: an industry or a theme typed by its English name (any case) becomes
    the Chinese tag its subscribers hold; any other tag stays as typed."""
    stored = {e.casefold(): c for c, e in zip(town.industries, town.industries_en, strict=False)}
    stored |= {name.casefold(): theme.value for theme, name in theme_names.items()}
    return tuple(dict.fromkeys(stored.get(tag.casefold(), tag) for tag in tags))


def split_tags(text: str) -> tuple[str, ...]:
    """``"建筑模板，经营管理"`` -> ``("建筑模板", "经营管理")``; blanks and duplicates dropped.

    Each tag is cleaned to one line (``bot.services.text``) and cut to ``MAX_TAG`` characters.
    """
    parts = text.replace("，", ",").replace("、", ",").split(",")
    tags = (normalize_line(normalize_line(p)[:MAX_TAG]) for p in parts)
    return tuple(dict.fromkeys(t for t in tags if t and t != EVERYTHING))


def clean_field(field: str, value: str) -> str | TextProblem:
    """A typed title, place, target group or description, cleaned, or why it cannot be stored.

    Title and place are required lines (``bot.services.text.clean_text``); the target group and
    the English title are optional lines and the description optional text with its line
    breaks: those may be empty (or invisible), only not longer than their limit.
    """
    if field == "description":
        return _optional(normalize_lines(value), MAX_DESCRIPTION)
    if field == "target":
        return _optional(normalize_line(value), MAX_TARGET)
    if field == "title_en":
        return _optional(normalize_line(value), MAX_TITLE)
    return check(normalize_line(value), {"title": MAX_TITLE, "place": MAX_PLACE}[field])


def _optional(text: str, limit: int) -> str | TextProblem:
    return text if utf16_len(text) <= limit else TextProblem.TOO_LONG


def cleaned(field: str, value: str) -> str:
    """``clean_field`` for the service: a problem raises ``TrainingError(field)``."""
    cleaned = clean_field(field, value)
    if isinstance(cleaned, TextProblem):
        raise TrainingError(field)
    return cleaned
