"""The shape of every language's texts: one frozen dataclass per feature.

Add a field here, then fill it in ``zh.py`` and ``en.py`` (mypy fails until both have it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommonTexts:
    """Greeting, help, menu, cancel, language and the polite fallbacks."""

    start: str  # {name} {town}
    help: str  # {town}
    menu_prompt: str
    btn_policies: str
    btn_register: str
    btn_trainings: str
    btn_complaint: str
    btn_contact: str
    btn_help: str
    input_placeholder: str
    cancelled: str
    nothing_to_cancel: str
    unknown_command: str  # {command}
    non_text: str
    empty_text: str
    error: str
    stale_button: str
    not_allowed: str
    slow_down: str  # {seconds}
    language_prompt: str
    language_set: str
    btn_lang_zh: str
    btn_lang_en: str
    contact_block: str  # {office} {phone} {address} {hours}
    not_configured: str
    commands: tuple[tuple[str, str], ...]
    staff_commands: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class QaTexts:
    """Policy answers, browsing by category, feedback and the honest "I don't know"."""

    answer: str  # {title} {answer}
    answer_footer: str  # {reviewed}
    btn_up: str
    btn_down: str
    btn_source: str
    related_prefix: str
    source: str  # {source}
    ambiguous: str
    abstain: str  # {contact}
    greeting: str  # {town}
    thanks: str
    menu_hint: str
    too_long: str  # {length} {limit}
    categories_prompt: str
    category_topics: str  # {category}
    btn_back_categories: str
    btn_browse: str
    btn_leave_message: str
    feedback_thanks: str
    feedback_sorry: str
    feedback_not_yours: str


@dataclass(frozen=True, slots=True)
class Texts:
    """Every user-visible text of one language."""

    lang: str
    common: CommonTexts
    qa: QaTexts
