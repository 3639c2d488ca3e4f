"""Loading and validating topic files: staff see one clear line per problem."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_DIR, load_knowledge_base
from knowledge.model import KnowledgeBaseError, Topic
from knowledge.render import render_answer, render_source

CATEGORIES = """
[[category]]
id = "money"
title = "资金"
title_en = "Money"
order = 1
"""

EXAMPLES = [f"问题{n}" for n in range(8)]


def topic_toml(topic_id: str = "tax-rebate", **override: str) -> str:
    fields = {
        "id": f'"{topic_id}"',
        "category": '"money"',
        "title": '"税收返还"',
        "title_en": '"Tax rebate"',
        "answer": '"请联系{office_name}。"',
        "answer_en": '"Ask {office_name}."',
        "examples": "[" + ", ".join(f'"{e}"' for e in EXAMPLES) + "]",
        "synonyms": '["返税"]',
        "keywords": '["税收"]',
        "related": "[]",
        "source": '"为鼓励企业发展"',
        "reviewed": "2026-11-27",
    }
    fields.update(override)
    return "\n".join(f"{k} = {v}" for k, v in fields.items() if v != "DELETE") + "\n"


def make_kb(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "_categories.toml").write_text(CATEGORIES, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(make_kb(tmp_path, files))
    lines = str(info.value).splitlines()
    assert lines == list(info.value.problems)
    return lines


def test_minimal_valid_base_loads(tmp_path: Path) -> None:
    kb = load_knowledge_base(make_kb(tmp_path, {"a.toml": topic_toml()}))
    assert [t.id for t in kb.topics] == ["tax-rebate"]
    assert kb.by_id["tax-rebate"].reviewed == date(2026, 11, 27)
    assert [t.id for t in kb.topics_in("money")] == ["tax-rebate"]
    assert kb.topics_in("nope") == ()
    assert kb.categories[0].title_en == "Money"


@pytest.mark.parametrize(
    ("override", "field", "problem"),
    [
        ({"colour": '"red"'}, "colour", "unknown field"),
        ({"answer": "DELETE"}, "answer", "missing field"),
        ({"title": "42"}, "title", "must be a non-empty string"),
        ({"examples": '["一", "二"]'}, "examples", "needs at least 8"),
        ({"examples": '"只有一个"'}, "examples", "must be a list"),
        ({"category": '"weather"'}, "category", "unknown category 'weather'"),
        ({"id": '"Tax_Rebate"'}, "id", "must be 1-40 characters"),
        ({"id": '"' + "a" * 41 + '"'}, "id", "must be 1-40 characters"),
        ({"reviewed": '"last week"'}, "reviewed", "must be a date"),
        ({"reviewed": "2026-11-27T10:00:00"}, "reviewed", "must be a date"),
        ({"answer": '"' + "字" * 3001 + '"'}, "answer", "the limit is 3000"),
        ({"answer_en": '"Call {office_fax}"'}, "answer_en", "unknown placeholder {office_fax}"),
        ({"source": "[]"}, "source", "must be a sentence"),
    ],
)
def test_each_problem_names_file_field_and_problem(
    tmp_path: Path, override: dict[str, str], field: str, problem: str
) -> None:
    lines = problems(tmp_path, {"broken.toml": topic_toml(**override)})
    assert any(line.startswith(f"broken.toml: {field}: ") and problem in line for line in lines), (
        lines
    )


def test_all_problems_are_reported_not_just_the_first(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        {
            "a.toml": topic_toml(title='""', reviewed='"soon"'),
            "b.toml": topic_toml("loan", examples='["x"]'),
            "c.toml": topic_toml("training", related='["no-such-topic"]'),
        },
    )
    assert len(lines) == 4
    assert any(line.startswith("a.toml: title:") for line in lines)
    assert any(line.startswith("a.toml: reviewed:") for line in lines)
    assert any(line.startswith("b.toml: examples:") for line in lines)
    assert any("c.toml: related: unknown topic id 'no-such-topic'" in line for line in lines)


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    lines = problems(tmp_path, {"a.toml": topic_toml(), "b.toml": topic_toml()})
    assert lines == ["b.toml: id: duplicate id 'tax-rebate' (also in a.toml)"]


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    lines = problems(tmp_path, {"a.toml": topic_toml(), "b.toml": "id = \n"})
    assert len(lines) == 1
    assert lines[0].startswith("b.toml: (file): not valid TOML")


def test_bad_categories_file(tmp_path: Path) -> None:
    make_kb(tmp_path, {"a.toml": topic_toml()})
    (tmp_path / "_categories.toml").write_text(
        '[[category]]\nid = "Money!"\ntitle = "资金"\ntitle_en = "x"\nicon = "$"\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    text = str(info.value)
    assert "_categories.toml: category[1].icon: unknown field" in text
    assert "_categories.toml: category[1].id: 'Money!' must match" in text


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        load_knowledge_base(tmp_path / "nowhere")


def test_extra_examples_from_staff_are_merged(tmp_path: Path) -> None:
    kb = load_knowledge_base(
        make_kb(tmp_path, {"a.toml": topic_toml()}),
        extra_examples={"tax-rebate": ["交的税能退吗", "问题1", " "], "gone-topic": ["x"]},
    )
    examples = kb.by_id["tax-rebate"].examples
    assert examples[-1] == "交的税能退吗"
    assert examples.count("问题1") == 1
    assert len(examples) == 9


def test_shipped_base_is_valid_and_a_copy_can_be_broken(tmp_path: Path) -> None:
    kb = load_knowledge_base()
    assert len(kb.topics) >= 17
    copy = tmp_path / "topics"
    shutil.copytree(DEFAULT_DIR, copy)
    (copy / "loan.toml").write_text(
        (copy / "loan.toml").read_text(encoding="utf-8").replace('"wood-association", ', ""),
        encoding="utf-8",
    )
    (copy / "wood-association.toml").unlink()
    lines = problems_in(copy)
    assert lines
    assert all("related: unknown topic id 'wood-association'" in line for line in lines)


def problems_in(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(directory)
    return list(info.value.problems)


def _topic(answer: str) -> Topic:
    return Topic(
        id="contact",
        category="help",
        title="联系",
        title_en="Contact",
        answer=answer,
        answer_en="Call {office_phone} at {office_name}.",
        examples=(),
        synonyms=(),
        keywords=(),
        related=(),
        source=("在机关开展“支持创业、服务创业”活动",),
        reviewed=date(2026, 11, 27),
    )


def test_render_fills_placeholders_and_flags_missing_values() -> None:
    topic = _topic("{town_name}：电话 {office_phone}，地址 {office_address}")
    contact = {"town_name": "洼地镇", "office_phone": "0635-1234567", "office_address": ""}
    assert render_answer(topic, "zh", contact) == "洼地镇：电话 0635-1234567，地址 尚未设置"
    assert render_answer(topic, "en", {"office_name": "Office"}) == (
        "Call not configured at Office."
    )


def test_render_source_shows_report_text_and_review_date() -> None:
    text = render_source(_topic("x"), "zh")
    assert "在机关开展“支持创业、服务创业”活动" in text
    assert "2026-11-27" in text
