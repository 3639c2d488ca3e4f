"""``python -m bot ask`` and ``python -m bot kb check``: the knowledge base from the terminal.

``ask`` runs the same search the bot runs, over the same knowledge base: the topic files plus
the example questions staff added through /unanswered (read from the database, if there is
one; it is only read, never created). It prints one result per question (``--json``: one JSON
object per line, a stable public interface). ``kb check`` validates the topic files and prints
a summary (with a note on example questions of different topics that read almost the same,
and how many staff-added examples the bot merges), or every problem with exit status 1.
Imports ``knowledge`` (and, for the staff examples, ``db``), never ``telegram``, so both start
in a fraction of the bot's start-up time; the classifier's trained weights are kept in the
cache directory (``knowledge.classifier.default_cache_dir``) so a cold ``ask`` loads them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
from collections.abc import Mapping, Sequence

from bot.settings import Settings
from knowledge.classifier import default_cache_dir
from knowledge.evidence import EvidenceSearch
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase, KnowledgeBaseError
from knowledge.render import render_source
from knowledge.search import Searcher, answer_text, result_to_json

EXIT_INVALID = 1


def contact_values(settings: Settings) -> dict[str, str]:
    """The placeholder values answers are filled with (``{office_phone}`` ...)."""
    return {
        "office_name": settings.office.name,
        "office_phone": settings.office.phone,
        "office_address": settings.office.address,
        "office_hours": settings.office.hours,
        "town_name": settings.town.name,
    }


def _load(settings: Settings, *, staff: bool = True) -> KnowledgeBase | None:
    try:
        extra = _staff_examples(settings)[0] if staff else None
        return load_knowledge_base(settings.knowledge_dir, extra_examples=extra)
    except KnowledgeBaseError as exc:
        where = settings.knowledge_dir or "knowledge/topics"
        print(f"知识库无效 / invalid knowledge base ({where}):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer each question in order; exit 1 if the knowledge base is invalid."""
    kb = _load(settings)
    if kb is None:
        return EXIT_INVALID
    searcher = Searcher(kb, cache_dir=default_cache_dir())
    contact = contact_values(settings)
    lang: str = args.lang
    for question in args.questions:
        result = searcher.search(question)
        if args.json:
            payload = result_to_json(question, result, kb, lang, contact)
            print(json.dumps(payload, ensure_ascii=False))
            continue
        head = f"[{result.decision} {result.topic_id or '-'} {result.confidence:.2f}]"
        print(f"问 / Q: {question}\n{head}")
        print(answer_text(result, kb, lang, contact))
        if result.decision == "answer" and result.topic_id is not None:
            print(render_source(kb.by_id[result.topic_id], lang))
        if result.alternatives:
            print(f"alternatives: {', '.join(result.alternatives)}")
        print()
    return 0


def _staff_examples(settings: Settings) -> tuple[Mapping[str, Sequence[str]], str | None]:
    """Staff-added examples (from /unanswered) by topic, and why there are none if so."""
    if not settings.db_path.is_file():
        return {}, f"no database at {settings.db_path}"
    try:
        return asyncio.run(_read_extra_examples(settings.db_path.resolve().as_uri())), None
    except sqlite3.Error as exc:
        return {}, f"cannot read {settings.db_path}: {exc}"


def _staff_examples_line(settings: Settings, examples: int) -> str:
    """How many staff-added examples (from /unanswered) the bot merges into the files'."""
    label = "工作人员添加的例句 / staff-added examples"
    stored, problem = _staff_examples(settings)
    if problem is not None:
        return f"{label}: - ({problem})"
    merged = load_knowledge_base(settings.knowledge_dir, extra_examples=stored)
    added = sum(len(t.examples) for t in merged.topics) - examples
    total = sum(len(v) for v in stored.values())
    return (
        f"{label}: {added} of {total} in the database are merged"
        " (the others repeat an example or name a removed topic)"
    )


async def _read_extra_examples(uri: str) -> Mapping[str, Sequence[str]]:
    # Imported here: ``ask`` and a database-less ``kb check`` need no database code.
    import aiosqlite

    from db import questions as questions_repo

    # mode=ro: checking the knowledge base must never create or change the database.
    async with aiosqlite.connect(f"{uri}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        extra = await questions_repo.list_extra_examples(conn)
    by_topic: dict[str, list[str]] = {}
    for example in extra:
        by_topic.setdefault(example.topic_id, []).append(example.text)
    return by_topic


def check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the knowledge base and print a summary, or every problem (exit 1)."""
    kb = _load(settings, staff=False)
    if kb is None:
        return EXIT_INVALID
    examples = sum(len(t.examples) for t in kb.topics)
    print(f"知识库有效 / knowledge base OK: {len(kb.topics)} topics, {examples} example questions")
    for cat in kb.categories:
        topics = kb.topics_in(cat.id)
        print(f"  {cat.id:<12} {cat.title}（{cat.title_en}）: {len(topics)} topics")
        for topic in topics:
            print(f"    {topic.id:<24} {topic.title}  [{len(topic.examples)} examples]")
    print(f"last reviewed: {kb.last_reviewed.isoformat() if kb.last_reviewed else '-'}")
    print(_staff_examples_line(settings, examples))
    print(
        f"out-of-scope groups: {len(kb.out_of_scope)}, "
        f"{sum(len(g.examples) for g in kb.out_of_scope)} example questions"
    )
    # Not an error: near-duplicate examples only make the search offer a choice. Checked on
    # the base the bot uses, staff additions included.
    full = _load(settings) or kb
    for tid, example, oid, other in EvidenceSearch(full).similar_examples():
        print(f"note: similar examples / 相近的例句: {tid} “{example}” ~ {oid} “{other}”")
    return 0
