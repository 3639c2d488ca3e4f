"""Read and validate the topic files (``knowledge/topics/*.toml``) into a ``KnowledgeBase``.

Office staff edit these files by hand, so validation collects every problem and reports each
on one line as ``file: field: problem`` instead of stopping at the first. Files whose name
starts with ``_`` are not topics; ``_categories.toml`` defines the categories. Reads files
only: no database, no network, no ``telegram``.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.model import Category, KnowledgeBase, KnowledgeBaseError, OutOfScope, Topic
from knowledge.render import PLACEHOLDER_RE, PLACEHOLDERS

DEFAULT_DIR = Path(__file__).resolve().parent / "topics"
CATEGORIES_FILE = "_categories.toml"
OUT_OF_SCOPE_FILE = "_out_of_scope.toml"
# Topic ids travel in Telegram callback data (64 bytes in all), so keep them short ASCII.
ID_RE = re.compile(r"^[a-z0-9-]{1,40}$")
MIN_EXAMPLES = 8
MAX_ANSWER_CHARS = 3000

_STR_FIELDS = ("id", "category", "title", "title_en", "answer", "answer_en")
_LIST_FIELDS = ("examples", "synonyms", "keywords", "related")
_TOPIC_FIELDS = frozenset((*_STR_FIELDS, *_LIST_FIELDS, "source", "reviewed"))
_CATEGORY_FIELDS = frozenset(("id", "title", "title_en", "order"))
_GROUP_FIELDS = frozenset(("id", "help", "help_en", "examples"))


def load_knowledge_base(
    directory: Path | None = None,
    extra_examples: Mapping[str, Sequence[str]] | None = None,
) -> KnowledgeBase:
    """Load and validate every topic in ``directory`` (default: the shipped topics).

    ``extra_examples`` are example questions staff added later (kept in the database), keyed
    by topic id; they are appended to that topic's examples. Ids of topics that no longer
    exist are ignored, so removing a topic file never stops the bot from starting.
    Raises ``KnowledgeBaseError`` listing every problem found.
    """
    root = DEFAULT_DIR if directory is None else directory
    problems: list[str] = []
    if not root.is_dir():
        raise KnowledgeBaseError((f"{root}: directory: does not exist",))
    categories = _load_categories(root / CATEGORIES_FILE, problems)
    category_ids = {c.id for c in categories}
    topics: list[Topic] = []
    seen: dict[str, str] = {}
    files = sorted(p for p in root.glob("*.toml") if not p.name.startswith("_"))
    if not files:
        problems.append(f"{root}: topics: no topic files (*.toml) found")
    for path in files:
        topic = _load_topic(path, problems, category_ids)
        if topic is None:
            continue
        if topic.id in seen:
            problems.append(
                f"{path.name}: id: duplicate id {topic.id!r} (also in {seen[topic.id]})"
            )
            continue
        seen[topic.id] = path.name
        topics.append(topic)
    for topic in topics:
        for rel in topic.related:
            if rel not in seen:
                problems.append(f"{_name(topic)}: related: unknown topic id {rel!r}")
            elif rel == topic.id:
                problems.append(f"{_name(topic)}: related: a topic cannot be related to itself")
    out_of_scope = _load_out_of_scope(root / OUT_OF_SCOPE_FILE, problems, set(seen))
    if problems:
        raise KnowledgeBaseError(tuple(problems))
    if extra_examples:
        topics = [_with_extra(t, extra_examples.get(t.id, ())) for t in topics]
    return KnowledgeBase(topics=tuple(topics), categories=categories, out_of_scope=out_of_scope)


def _load_out_of_scope(
    path: Path, problems: list[str], topic_ids: set[str]
) -> tuple[OutOfScope, ...]:
    """The optional file of questions the report does not cover (``[[group]]`` tables)."""
    if not path.is_file():
        return ()
    out: list[OutOfScope] = []
    for _, where, entry, known in _tables(path, "group", _GROUP_FIELDS, problems):
        before = len(problems)
        for key in ("id", "help", "help_en"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}.{key}: must be a non-empty string")
        examples = entry.get("examples")
        if not isinstance(examples, list) or not all(
            isinstance(e, str) and e.strip() for e in examples
        ):
            problems.append(f"{where}.examples: must be a list of non-empty strings")
        elif len(set(examples)) < MIN_EXAMPLES:
            problems.append(f"{where}.examples: has {len(set(examples))}, needs at least 8")
        ident = entry.get("id")
        if isinstance(ident, str) and not ID_RE.match(ident):
            problems.append(f"{where}.id: {ident!r} must match {ID_RE.pattern}")
        elif ident in topic_ids or any(g.id == ident for g in out):
            problems.append(f"{where}.id: {ident!r} is already a topic or group id")
        if known and len(problems) == before:
            out.append(
                OutOfScope(
                    id=entry["id"],
                    help=entry["help"].strip(),
                    help_en=entry["help_en"].strip(),
                    examples=tuple(dict.fromkeys(e.strip() for e in entry["examples"])),
                )
            )
    return tuple(out)


def _name(topic: Topic) -> str:
    return topic.path.name if topic.path is not None else topic.id


def _with_extra(topic: Topic, extra: Sequence[str]) -> Topic:
    known = set(topic.examples)
    added = tuple(dict.fromkeys(e.strip() for e in extra if e.strip() and e.strip() not in known))
    if not added:
        return topic
    return Topic(
        **{f: getattr(topic, f) for f in Topic.__slots__ if f != "examples"},
        examples=topic.examples + added,
    )


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: (file): not valid TOML: {exc}")
    except OSError as exc:
        problems.append(f"{path.name}: (file): cannot be read: {exc.strerror}")
    return None


def _tables(
    path: Path, key: str, fields: frozenset[str], problems: list[str]
) -> Iterator[tuple[int, str, dict[str, Any], bool]]:
    """The ``[[key]]`` tables of a TOML file, numbered from 1, each with where it is (for
    problems) and whether all its fields are known. A file that cannot be read, has no such
    tables, or an entry that is not a table, is reported in ``problems``; unknown fields are
    reported before the table is yielded."""
    data = _read(path, problems)
    if data is None:
        return
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path.name}: {key}: expected one or more [[{key}]] tables")
        return
    for n, entry in enumerate(entries, 1):
        where = f"{path.name}: {key}[{n}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        unknown = sorted(set(entry) - fields)
        problems.extend(f"{where}.{field}: unknown field" for field in unknown)
        yield n, where, entry, not unknown


def _load_categories(path: Path, problems: list[str]) -> tuple[Category, ...]:
    if not path.is_file():
        problems.append(f"{path.name}: (file): missing; it defines the categories")
        return ()
    out: list[Category] = []
    for n, where, entry, _ in _tables(path, "category", _CATEGORY_FIELDS, problems):
        ok = True
        for key in ("id", "title", "title_en"):
            value = entry.get(key)
            if value is None:
                problems.append(f"{where}.{key}: missing field")
                ok = False
            elif not isinstance(value, str) or not value.strip():
                problems.append(f"{where}.{key}: must be a non-empty string")
                ok = False
        order = entry.get("order", n)
        if isinstance(order, bool) or not isinstance(order, int):
            problems.append(f"{where}.order: must be an integer")
            ok = False
        if ok and not ID_RE.match(entry["id"]):
            problems.append(f"{where}.id: {entry['id']!r} must match {ID_RE.pattern}")
            ok = False
        if ok and any(c.id == entry["id"] for c in out):
            problems.append(f"{where}.id: duplicate category id {entry['id']!r}")
            ok = False
        if ok:
            out.append(Category(entry["id"], entry["title"], entry["title_en"], order))
    return tuple(sorted(out, key=lambda c: c.order))


Complain = Callable[[str, str], None]


def _load_topic(path: Path, problems: list[str], category_ids: set[str]) -> Topic | None:
    data = _read(path, problems)
    if data is None:
        return None
    before = len(problems)

    def bad(fld: str, problem: str) -> None:
        problems.append(f"{path.name}: {fld}: {problem}")

    for key in sorted(set(data) - _TOPIC_FIELDS):
        bad(key, f"unknown field (expected one of {', '.join(sorted(_TOPIC_FIELDS))})")
    for key in sorted(_TOPIC_FIELDS - set(data)):
        bad(key, "missing field")
    strings, lists = _topic_texts(data, bad)
    sources = _topic_sources(data.get("source"), bad)
    reviewed = _topic_reviewed(data.get("reviewed"), bad)
    _check_topic_values(strings, lists, category_ids, bad)
    if len(problems) > before:
        return None
    assert isinstance(reviewed, date)  # checked above: every problem returned early
    return Topic(
        id=strings["id"],
        path=path,
        category=strings["category"],
        reviewed=reviewed,
        title=strings["title"],
        title_en=strings["title_en"],
        source=sources,
        answer=strings["answer"],
        answer_en=strings["answer_en"],
        examples=tuple(dict.fromkeys(lists["examples"])),
        synonyms=lists["synonyms"],
        keywords=lists["keywords"],
        related=lists["related"],
    )


def _topic_texts(
    data: dict[str, Any], bad: Complain
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The topic's string fields and list-of-string fields that are well formed (stripped)."""
    strings: dict[str, str] = {}
    for key in _STR_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            bad(key, f"must be a non-empty string, got {_kind(value)}")
        else:
            strings[key] = value.strip()
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(key, "must be a list of non-empty strings")
        else:
            lists[key] = tuple(v.strip() for v in value)
    return strings, lists


def _topic_sources(source: object, bad: Complain) -> tuple[str, ...]:
    """``source``: one sentence of the report or a list of them."""
    if isinstance(source, str) and source.strip():
        return (source.strip(),)
    if isinstance(source, list) and source and all(isinstance(s, str) and s for s in source):
        return tuple(s.strip() for s in source)
    if source is not None:
        bad("source", "must be a sentence of the report or a list of them")
    return ()


def _topic_reviewed(reviewed: object, bad: Complain) -> object:
    """``reviewed`` as a date (TOML date or ISO string); anything else is a problem."""
    if isinstance(reviewed, str):
        with contextlib.suppress(ValueError):
            reviewed = date.fromisoformat(reviewed)
    if reviewed is not None and (not isinstance(reviewed, date) or hasattr(reviewed, "hour")):
        bad("reviewed", f"must be a date like 2026-11-27, got {reviewed!r}")
    return reviewed


def _check_topic_values(
    strings: dict[str, str],
    lists: dict[str, tuple[str, ...]],
    category_ids: set[str],
    bad: Complain,
) -> None:
    """Id, category, number of examples, answer length and placeholders, related ids."""
    topic_id = strings.get("id")
    if topic_id is not None and not ID_RE.match(topic_id):
        bad("id", f"{topic_id!r} must be 1-40 characters of a-z, 0-9 and '-'")
    if "category" in strings and strings["category"] not in category_ids and category_ids:
        bad("category", f"unknown category {strings['category']!r} (see {CATEGORIES_FILE})")
    examples = lists.get("examples")
    if examples is not None and len(set(examples)) < MIN_EXAMPLES:
        bad("examples", f"has {len(set(examples))} distinct questions, needs at least 8")
    for key in ("answer", "answer_en"):
        text = strings.get(key)
        if text is None:
            continue
        if len(text) > MAX_ANSWER_CHARS:
            bad(key, f"is {len(text)} characters, the limit is {MAX_ANSWER_CHARS}")
        for name in sorted({m.group(1) for m in PLACEHOLDER_RE.finditer(text)}):
            if name not in PLACEHOLDERS:
                bad(key, f"unknown placeholder {{{name}}} (allowed: {', '.join(PLACEHOLDERS)})")
    for rel in lists.get("related", ()):
        if not ID_RE.match(rel):
            bad("related", f"{rel!r} is not a valid topic id")


def _kind(value: object) -> str:
    return {str: "an empty string", list: "a list", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
