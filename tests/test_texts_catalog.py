"""The text catalogs (bot/texts/zh.toml, en.toml): both load into the typed sections, and a
catalog that does not fit them stops the bot at import with the file and the key."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

import bot.texts
from bot.texts import EN, LANGUAGES, ZH, CatalogError, get_texts, load_languages
from bot.texts.catalog import html_problem, placeholders
from bot.vocabulary import Problem, TextProblem
from db.models import ProjectField, ProjectStatus

CATALOGS = Path(bot.texts.__file__).parent


def test_both_catalogs_load_into_the_sections() -> None:
    loaded = load_languages(CATALOGS)
    assert loaded == {"zh": ZH, "en": EN}
    assert get_texts("en") is EN
    assert get_texts("fr") is ZH
    assert ZH.common.btn_help == "❓ 帮助"
    assert EN.statuses.projects[ProjectStatus.WITHDRAWN] == "Withdrawn"
    assert dict(ZH.common.commands)["help"] == "使用帮助"  # a code table keeps its codes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_problem_has_a_message_in_every_language(lang: str) -> None:
    errors = get_texts(lang).registration.errors
    for problem in [*Problem, *TextProblem]:
        assert errors[problem].strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_project_field_has_a_label(lang: str) -> None:
    labels = get_texts(lang).registration.field_labels
    assert list(labels) == list(ProjectField)  # in the dialog's order, for the 修改 list


def edited(tmp_path: Path, lang: str, key: str, value: str | None) -> Path:
    """A copy of the catalogs where ``lang``'s one-line ``key = ...`` says ``key = value``
    (or is gone, for None)."""
    for file in CATALOGS.glob("*.toml"):
        shutil.copy(file, tmp_path / file.name)
    path = tmp_path / f"{lang}.toml"
    line = re.compile(rf"^{re.escape(key)} = .*$", re.MULTILINE)
    text, found = line.subn("" if value is None else f"{key} = {value}", path.read_text("utf-8"))
    assert found == 1, key
    path.write_text(text, encoding="utf-8")
    return tmp_path


def refused(directory: Path) -> str:
    with pytest.raises(CatalogError) as error:
        load_languages(directory)
    return str(error.value)


FAULTS = tomllib.loads(
    (Path(__file__).parent / "data" / "texts" / "catalog_faults.toml").read_text("utf-8")
)["fault"]


@pytest.mark.parametrize("fault", FAULTS, ids=[f"{f['lang']}-{f['key']}" for f in FAULTS])
def test_a_catalog_that_does_not_fit_is_refused_naming_the_key(
    tmp_path: Path, fault: dict[str, str]
) -> None:
    broken = edited(tmp_path, fault["lang"], fault["key"], fault.get("value"))
    assert fault["error"] in refused(broken)


def test_a_language_may_write_its_own_date_fields(tmp_path: Path) -> None:
    """``when`` is per language: en may use {month} as zh does (any of its placeholders)."""
    edited(tmp_path, "en", "when", '"{month}/{day} {start}–{end}"')
    assert load_languages(tmp_path)["en"].trainings.when == "{month}/{day} {start}–{end}"


def test_a_missing_catalog_is_named(tmp_path: Path) -> None:
    shutil.copy(CATALOGS / "zh.toml", tmp_path / "zh.toml")
    assert re.search(r"en\.toml: .*No such file", refused(tmp_path))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>粗</b> <i>斜 <code>x</code></i>", None),
        ('<a href="https://t.me/x">链接</a> <tg-spoiler>x</tg-spoiler>', None),
        ("a < b & c", None),  # plain texts (buttons, headers) may hold them
        ("<b>x</i>", "</i> closes no open <i>"),
        ("x</b>", "</b> closes no open <b>"),
        ("<pre>x", "<pre> is not closed"),
        ("<div>x</div>", "tag <div> is not one Telegram knows"),
    ],
)
def test_html_tags_must_be_telegrams_and_balanced(text: str, problem: str | None) -> None:
    found = html_problem(text)
    assert found == problem if problem is None else found and found.startswith(problem)


def test_placeholders_are_the_field_names() -> None:
    assert placeholders("{a} {b:>3} {c[0]} {d.e} {{literal}}") == {"a", "b", "c", "d"}
