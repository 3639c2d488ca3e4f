"""The knowledge base's data model: frozen categories, topics and the base that holds them.

Plain dataclasses with no behaviour beyond look-ups, so handlers, the CLI and the search can
share them freely. Nothing here reads files (see ``knowledge.loader``) or imports ``telegram``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType


class KnowledgeBaseError(Exception):
    """The topic files are invalid; the message has one ``file: field: problem`` line each."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Category:
    """A group of topics shown together in the /policies menu."""

    id: str
    title: str
    title_en: str
    order: int

    def title_for(self, lang: str) -> str:
        """The title in ``lang`` ("en" or anything else for Chinese)."""
        return self.title_en if lang == "en" else self.title


@dataclass(frozen=True, slots=True)
class Topic:
    """One policy question and the answer the report supports, with its provenance."""

    id: str
    category: str
    title: str
    title_en: str
    answer: str
    answer_en: str
    examples: tuple[str, ...]
    synonyms: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    source: tuple[str, ...]
    reviewed: date
    path: Path | None = None

    def title_for(self, lang: str) -> str:
        """The title in ``lang`` ("en" or anything else for Chinese)."""
        return self.title_en if lang == "en" else self.title


@dataclass(frozen=True, slots=True)
class OutOfScope:
    """A kind of question the report does not cover, and who can help with it instead.

    Its examples teach the matcher what "outside what I know" looks like; ``help`` is shown
    when a question is most like them.
    """

    id: str
    help: str
    help_en: str
    examples: tuple[str, ...]

    def help_for(self, lang: str) -> str:
        """Who can help, in ``lang`` ("en" or anything else for Chinese)."""
        return self.help_en if lang == "en" else self.help


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """All topics and categories, in file order; ``by_id`` is a read-only index."""

    topics: tuple[Topic, ...]
    categories: tuple[Category, ...]
    out_of_scope: tuple[OutOfScope, ...] = ()
    by_id: Mapping[str, Topic] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # A frozen dataclass still needs its derived index; object.__setattr__ is the
        # documented way to set a field in __post_init__.
        object.__setattr__(self, "by_id", MappingProxyType({t.id: t for t in self.topics}))

    def topics_in(self, category_id: str) -> tuple[Topic, ...]:
        """The topics of one category, in file order (empty for an unknown category)."""
        return tuple(t for t in self.topics if t.category == category_id)

    def category(self, category_id: str) -> Category | None:
        """The category with this id, if any."""
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        return None

    @property
    def last_reviewed(self) -> date | None:
        """The most recent ``reviewed`` date of any topic."""
        return max((t.reviewed for t in self.topics), default=None)
