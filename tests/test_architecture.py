"""Imports flow one way: handlers -> bot -> knowledge, db (see ../shared/STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COMPOSITION_ROOT = {"bot/app.py"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules("knowledge"), ids=lambda p: str(p.relative_to(REPO)))
def test_knowledge_is_pure(path: Path) -> None:
    forbidden = {"telegram", "bot", "handlers", "db", "aiosqlite", "sqlite3"}
    assert not {top(n) for n in imports_of(path)} & forbidden


@pytest.mark.parametrize("path", modules("db"), ids=lambda p: str(p.relative_to(REPO)))
def test_db_imports_no_telegram_or_upper_layers(path: Path) -> None:
    tops = {top(n) for n in imports_of(path)}
    assert not tops & {"bot", "handlers", "knowledge"}
    if path.name != "persistence.py":
        assert "telegram" not in tops


@pytest.mark.parametrize("path", modules("bot"), ids=lambda p: str(p.relative_to(REPO)))
def test_bot_does_not_import_handlers(path: Path) -> None:
    rel = str(path.relative_to(REPO))
    if rel in COMPOSITION_ROOT:
        return
    assert "handlers" not in {top(n) for n in imports_of(path)}


# Delivery talks to Telegram by nature (it sends and classifies Telegram errors); the training
# dispatcher (JobQueue timers) and the broadcast send hand it the Bot.
TELEGRAM_SERVICES = {"delivery.py", "dispatcher.py", "broadcast.py"}


@pytest.mark.parametrize(
    "path",
    [p for p in modules("bot/services") if p.name not in TELEGRAM_SERVICES],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_services_do_not_import_telegram(path: Path) -> None:
    assert "telegram" not in {top(n) for n in imports_of(path)}


def test_light_commands_do_not_import_telegram() -> None:
    for rel in ("bot/__init__.py", "bot/settings.py", "bot/cli.py", "bot/__main__.py"):
        assert "telegram" not in {top(n) for n in imports_of(REPO / rel)}, rel


# Handlers may name the domain's types, never reach the store or the search themselves.
HANDLER_ALLOWED_LOWER = {"db.models", "knowledge.model"}


@pytest.mark.parametrize("path", modules("handlers"), ids=lambda p: str(p.relative_to(REPO)))
def test_handlers_go_through_services(path: Path) -> None:
    lower = {n for n in imports_of(path) if top(n) in {"db", "knowledge", "aiosqlite", "sqlite3"}}
    assert lower <= HANDLER_ALLOWED_LOWER, lower - HANDLER_ALLOWED_LOWER
