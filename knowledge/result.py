"""What a search decided for one question: the shared result type of every matcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Decision = Literal["answer", "ambiguous", "abstain"]
Reason = Literal[
    "match",
    "ambiguous",
    "greeting",
    "thanks",
    "too_short",
    "keyword_menu",
    "menu_word",
    "no_match",
    "out_of_scope",
    "empty",
]
# Messages that are not questions (greetings, thanks, empty messages, menu words): the search
# settles them before any matching.
SOCIAL_REASONS: frozenset[Reason] = frozenset({"greeting", "thanks", "empty", "menu_word"})


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What the search decided for one question.

    ``out_of_scope`` names the group of ``_out_of_scope.toml`` the question is most like when
    the reason is "out_of_scope" (the bot shows that group's "who can help"). ``also`` names
    the topic of a second request in the same message when the bot answers both.
    """

    decision: Decision
    topic_id: str | None
    confidence: float
    alternatives: tuple[str, ...]
    reason: Reason
    normalized: str = ""  # the question's normalised key (what questions are grouped by)
    out_of_scope: str | None = None
    # A message asking two things ("税能返吗？另外介绍人有奖金吗"): the other request's topic,
    # answered too (with decision "answer") or offered first in the choice.
    also: tuple[str, ...] = ()
