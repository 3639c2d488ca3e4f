"""``python -m bot ask`` and ``python -m bot kb check`` as an operator runs them."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from db import questions as questions_repo
from db.database import Database
from knowledge.loader import DEFAULT_DIR
from tests.cli import run_cli

REPO = Path(__file__).resolve().parents[1]
CONFIG = """
[town]
name = "测试镇"

[office]
name = "测试镇创业办"
phone = "0000-7654321"
"""

# What `ask --json` prints for each question (the public interface; see test_knowledge_search).
JSON_KEYS = {"question", "topic", "decision", "confidence", "alternatives", "answer", "also"}


def test_ask_json_one_object_per_question_in_order(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    questions = ["新上项目的税能返还吗", "你好", "明天下雨吗", "贷款和培训"]
    done = run_cli("ask", "--json", *questions, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["question"] for x in lines] == questions
    assert [x["decision"] for x in lines] == ["answer", "abstain", "abstain", "ambiguous"]
    assert [x["topic"] for x in lines][:3] == ["tax-rebate", None, None]
    assert "0000-7654321" in lines[0]["answer"]
    assert "全部予以返还" in lines[0]["answer"]
    assert "测试镇" in lines[1]["answer"]
    assert "测试镇创业办" in lines[2]["answer"]
    assert lines[3]["answer"].startswith("您是想问")
    for line in lines:
        assert set(line) == JSON_KEYS
        assert 0.0 <= line["confidence"] <= 1.0
    assert "税" in done.stdout  # ensure_ascii=False: Chinese stays readable


def test_ask_human_readable_in_english(tmp_path: Path) -> None:
    done = run_cli("ask", "--lang", "en", "tax rebate for new projects", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "refunded in full" in done.stdout
    assert "Source:" in done.stdout


def test_kb_check_prints_a_summary(tmp_path: Path) -> None:
    done = run_cli("kb", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "knowledge base OK" in done.stdout
    assert "tax-rebate" in done.stdout
    assert "last reviewed: 2026-11-27" in done.stdout


def test_kb_check_reports_every_problem_of_a_broken_directory(tmp_path: Path) -> None:
    topics = tmp_path / "topics"
    shutil.copytree(DEFAULT_DIR, topics)
    loan = topics / "loan.toml"
    loan.write_text(loan.read_text(encoding="utf-8").replace("reviewed = 2026-11-27", ""), "utf-8")
    (topics / "extra.toml").write_text('id = "Bad Id"\n', encoding="utf-8")
    env = {"CHUANGYE_KNOWLEDGE_DIR": str(topics)}
    done = run_cli("kb", "check", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert "loan.toml: reviewed: missing field" in done.stderr
    assert "extra.toml: id: 'Bad Id' must be 1-40 characters" in done.stderr
    assert "extra.toml: answer: missing field" in done.stderr
    asked = run_cli("ask", "税收返还", cwd=tmp_path, env=env)
    assert asked.returncode == 1
    assert "loan.toml" in asked.stderr


def test_kb_check_notes_near_duplicate_examples_of_different_topics(tmp_path: Path) -> None:
    topics = tmp_path / "topics"
    shutil.copytree(DEFAULT_DIR, topics)
    tour = topics / "study-tour.toml"
    text = tour.read_text(encoding="utf-8")
    tour.write_text(text.replace("examples = [", 'examples = [\n  "培训班啥时候开",', 1), "utf-8")
    done = run_cli("kb", "check", cwd=tmp_path, env={"CHUANGYE_KNOWLEDGE_DIR": str(topics)})
    assert done.returncode == 0, done.stderr
    assert "note: similar examples" in done.stdout
    assert "study-tour “培训班啥时候开” ~ training “培训班啥时候开”" in done.stdout


def test_kb_check_counts_staff_examples_without_creating_a_database(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    env = {"CHUANGYE_DB_PATH": str(db_path)}
    done = run_cli("kb", "check", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "staff-added examples: - (no database" in done.stdout
    assert not db_path.exists()

    async def add() -> None:
        db = await Database.open(db_path)
        try:
            async with db.write() as conn:
                now = datetime(2026, 11, 27, tzinfo=UTC)
                for topic, text in (
                    ("tax-rebate", "新厂房的税能退回来吗"),
                    ("loan", "几户人一起担保能贷多少"),
                    ("no-such-topic", "这个主题已经删掉了"),
                ):
                    await questions_repo.add_extra_example(conn, topic, text, added_by=1, now=now)
        finally:
            await db.close()

    asyncio.run(add())
    before = db_path.stat().st_mtime_ns
    done = run_cli("kb", "check", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "staff-added examples: 2 of 3 in the database are merged" in done.stdout
    assert db_path.stat().st_mtime_ns == before
