"""Enum-keyed text tables: every member has its text in every language, checked at import."""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.texts import LANGUAGES, get_texts
from bot.texts.markup import table
from bot.vocabulary import Problem, TextProblem
from db.models import ProjectField


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


def test_a_table_without_a_member_fails() -> None:
    with pytest.raises(ValueError, match="missing"):
        table({Colour.RED: "红"}, Colour)


def test_a_table_with_another_enums_member_fails() -> None:
    with pytest.raises(ValueError, match="extra"):
        table({Colour.RED: "红", Colour.BLUE: "蓝", ProjectField.NAME: "名"}, Colour)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_problem_has_a_message_in_every_language(lang: str) -> None:
    errors = get_texts(lang).registration.errors
    for problem in [*Problem, *TextProblem]:
        assert errors[problem].strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_project_field_has_a_label(lang: str) -> None:
    labels = get_texts(lang).registration.field_labels
    assert list(labels) == list(ProjectField)  # in the dialog's order, for the 修改 list
