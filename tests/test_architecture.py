"""The layers (docs/architecture.md): shell -> handlers -> bot -> knowledge, db, checked on the
import graph of the source, transitively, including imports inside functions."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "knowledge", "db")

# Helpers every feature may use; any other handlers module is a feature and imports no other.
SHARED_HANDLERS = {
    "handlers.ui",
    "handlers.dialogs",
    "handlers.staff_guard",
    "handlers.errors",
    "handlers.forms",
    "handlers.form_router",
    "handlers.form_view",
    "handlers.form_timeout",
}
# Registration (the applicant's side of a project) hands a new submission to review (the staff's
# side) and shows review's resubmit button: one feature in two modules.
FEATURE_EXCEPTIONS = {("handlers.registration", "handlers.review")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES: dict[str, Path] = {
    module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))
}


@cache
def direct_imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports (first-party by full name, others by their top name)."""
    path = SOURCES[module]
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from handlers import review` imports the module handlers.review.
            names.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in SOURCES)
    resolved: set[str] = set()
    for name in names:
        if name.split(".")[0] not in PACKAGES:
            resolved.add(name.split(".")[0])
            continue
        # Importing a.b.c runs a/__init__ and a/b/__init__ too.
        parts = name.split(".")
        prefixes = (".".join(parts[:i]) for i in range(1, len(parts) + 1))
        resolved.update(p for p in prefixes if p in SOURCES)
    resolved.discard(module)
    return frozenset(resolved)


@cache
def reachable(module: str) -> frozenset[str]:
    """Every module importing ``module`` can load, itself excluded."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in direct_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                if name in SOURCES:
                    todo.append(name)
    seen.discard(module)
    return frozenset(seen)


def in_layer(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def is_shell(name: str) -> bool:
    return in_layer(name, "bot.shell") or name == "bot.__main__"


def layer(prefix: str) -> list[str]:
    return [m for m in SOURCES if in_layer(m, prefix)]


def offending(modules: Iterable[str], bad: str) -> list[str]:
    return sorted(m for m in modules if in_layer(m, bad) or (bad == "shell" and is_shell(m)))


def test_the_graph_sees_the_layers() -> None:
    """The walk is not vacuous: the composition root reaches every handler and the store."""
    root = reachable("bot.shell.app")
    assert {"handlers.qa", "handlers.start", "bot.services", "db.database", "telegram"} <= root
    assert "knowledge.search" in reachable("handlers.qa")


@pytest.mark.parametrize("module", layer("knowledge"))
def test_knowledge_is_pure(module: str) -> None:
    forbidden = {"telegram", "bot", "handlers", "db", "aiosqlite", "sqlite3"}
    assert not {n.split(".")[0] for n in reachable(module)} & forbidden


@pytest.mark.parametrize("module", layer("db"))
def test_db_reaches_no_telegram_or_upper_layers(module: str) -> None:
    tops = {n.split(".")[0] for n in reachable(module)}
    assert not tops & {"bot", "handlers", "knowledge"}
    if module != "db.persistence":
        assert "telegram" not in tops


@pytest.mark.parametrize("module", [m for m in layer("bot") if not is_shell(m)])
def test_bot_below_the_shell_reaches_no_handlers_or_shell(module: str) -> None:
    assert not offending(reachable(module), "handlers")
    assert not offending(reachable(module), "shell")


@pytest.mark.parametrize("module", layer("handlers"))
def test_handlers_do_not_reach_the_shell(module: str) -> None:
    assert not offending(reachable(module), "shell")


# Delivery talks to Telegram by nature (it sends and classifies Telegram errors); the training
# dispatcher (JobQueue timers) and the outbox deliverer hand it the Bot (the broadcast service
# no longer sends: the outbox does); the training wording builds the one button a reminder or
# notice carries.
TELEGRAM_SERVICES = {
    "bot.services.delivery",
    "bot.services.dispatcher",
    "bot.services.outbox",
    "bot.services.training_wording",
}


@pytest.mark.parametrize(
    "module", [m for m in layer("bot.services") if m not in TELEGRAM_SERVICES]
)
def test_services_do_not_import_telegram(module: str) -> None:
    assert "telegram" not in direct_imports(module)


@pytest.mark.parametrize(
    "module", ["bot", "bot.settings", "bot.texts", "bot.shell.cli", "bot.__main__"]
)
def test_light_commands_load_no_telegram(module: str) -> None:
    """`ask` and `kb check` start without PTB: the CLI imports a command's module when it runs."""
    assert "telegram" not in reachable(module)


# Handlers may name the domain's types, never reach the store or the search themselves.
HANDLER_ALLOWED_LOWER = {"db.models", "knowledge.model"}


@pytest.mark.parametrize("module", layer("handlers"))
def test_handlers_go_through_services(module: str) -> None:
    lower = {
        n for n in direct_imports(module) if n.split(".")[0] in {"db", "knowledge", "aiosqlite"}
    }
    lower -= {"db", "knowledge"}  # package __init__ run on the way to an allowed module
    assert lower <= HANDLER_ALLOWED_LOWER, lower - HANDLER_ALLOWED_LOWER
    assert "sqlite3" not in direct_imports(module)


def feature_of(module: str) -> str:
    """handlers.x and handlers.x.y belong to feature handlers.x."""
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize(
    "module", [m for m in layer("handlers") if m != "handlers" and m not in SHARED_HANDLERS]
)
def test_features_do_not_import_each_other(module: str) -> None:
    mine = feature_of(module)
    others = {
        feature_of(n)
        for n in direct_imports(module)
        if in_layer(n, "handlers") and n != "handlers" and n not in SHARED_HANDLERS
    } - {mine}
    assert not {o for o in others if (mine, o) not in FEATURE_EXCEPTIONS}


@pytest.mark.parametrize("module", sorted(SHARED_HANDLERS))
def test_shared_handler_helpers_import_no_feature(module: str) -> None:
    features = {
        n
        for n in reachable(module)
        if in_layer(n, "handlers") and n != "handlers" and n not in SHARED_HANDLERS
    }
    assert not features
