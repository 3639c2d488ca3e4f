"""User-visible texts: one catalog per language, ``zh.toml`` (the source) and ``en.toml``.

``Texts`` (in ``sections``) is a frozen dataclass of sections, one per feature, and the schema
of the catalogs: ``catalog.load`` reads each file into it at import, so callers keep typed
access (``t.common.start``, ``t.registration.errors[Problem.EMPTY]``), and a key missing or
unknown in a file, an enum table without a member, or a template whose placeholders differ
from zh's stops the bot at start-up with the file and key. Templates use ``str.format`` fields
and are Telegram HTML; ``fmt`` escapes every value unless it is wrapped in ``Html``.
"""

from __future__ import annotations

from pathlib import Path

from bot.texts.catalog import CatalogError, check_translation, load
from bot.texts.markup import Html, fmt
from bot.texts.sections import Texts
from db.models import ComplaintStatus, ProjectStatus, SignupStatus, TrainingStatus

__all__ = [
    "EN",
    "LANGUAGES",
    "ZH",
    "CatalogError",
    "Html",
    "Status",
    "Texts",
    "fmt",
    "get_texts",
    "language_for",
    "load_languages",
    "menu_labels",
    "status_label",
]

Status = ProjectStatus | ComplaintStatus | TrainingStatus | SignupStatus

LANGUAGES = ("zh", "en")  # the first is the source language the others are checked against


def load_languages(directory: Path) -> dict[str, Texts]:
    """Every language's catalog ``<lang>.toml`` in ``directory``, checked against zh's."""
    catalogs: dict[str, Texts] = {}
    for lang in LANGUAGES:
        path = directory / f"{lang}.toml"
        texts = catalogs[lang] = load(path, Texts)
        if texts.lang != lang:
            raise CatalogError(f"{path}: lang: {texts.lang!r}, expected {lang!r}")
        if lang != LANGUAGES[0]:
            source = directory / f"{LANGUAGES[0]}.toml"
            check_translation(catalogs[LANGUAGES[0]], source, texts, path)
    return catalogs


_CATALOGS = load_languages(Path(__file__).parent)
ZH, EN = _CATALOGS["zh"], _CATALOGS["en"]


def language_for(language_code: str | None, override: str | None = None) -> str:
    """Pick ``zh`` or ``en``: an explicit choice wins, else Telegram's language_code."""
    if override in LANGUAGES:
        return str(override)
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return "zh"


def menu_labels(attribute: str) -> list[str]:
    """A main-menu button's label in every language (buttons send their label as text)."""
    return [getattr(get_texts(lang).common, attribute) for lang in LANGUAGES]


def status_label(t: Texts, status: Status) -> str:
    """The status's one label in ``t``'s language (``t.statuses``), the same on every screen."""
    s = t.statuses
    if isinstance(status, ProjectStatus):
        return s.projects[status]
    if isinstance(status, ComplaintStatus):
        return s.complaints[status]
    if isinstance(status, TrainingStatus):
        return s.trainings[status]
    return s.signups[status]


def get_texts(lang: str) -> Texts:
    """Return the texts for ``lang`` (Chinese for anything unknown)."""
    return _CATALOGS.get(lang, ZH)
