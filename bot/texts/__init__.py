"""User-visible texts: one module per language (``zh`` first, ``en`` second).

``Texts`` (in ``sections``) is a frozen dataclass of sections, one per feature; ``zh.ZH`` and
``en.EN`` fill it, so a text missing in one language is a type error. Templates use
``str.format`` fields and are Telegram HTML; ``fmt`` escapes every value unless it is wrapped
in ``Html`` (already safe).
"""

from __future__ import annotations

from bot.texts.en import EN
from bot.texts.markup import Html, fmt
from bot.texts.sections import Texts
from bot.texts.zh import ZH
from db.models import ComplaintStatus, ProjectStatus, SignupStatus, TrainingStatus

__all__ = [
    "LANGUAGES",
    "Html",
    "Status",
    "Texts",
    "fmt",
    "get_texts",
    "language_for",
    "menu_labels",
    "status_label",
]

Status = ProjectStatus | ComplaintStatus | TrainingStatus | SignupStatus

LANGUAGES = ("zh", "en")


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
    return EN if lang == "en" else ZH
