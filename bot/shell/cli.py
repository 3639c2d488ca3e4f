"""The command line: ``python -m bot <command>`` (also installed as ``chuangye-bot``).

The parser is defined here; each command's work lives in a ``bot.cli_*`` module imported only
when that command runs, so ``ask`` and ``kb check`` never pay for importing ``telegram``.
Invalid settings print one line and exit with status 2, an unusable database file one line and
status 3 (``db.damage``), both without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, load_settings
from db.damage import EXIT_DATABASE, DatabaseUnusableError

EXIT_USAGE = 2

Command = Callable[[argparse.Namespace, Settings], int]
if TYPE_CHECKING:  # generic only in the stubs
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _target(parser: argparse.ArgumentParser, spec: str) -> None:
    parser.set_defaults(_target=spec)


def _add_bot_commands(sub: Subparsers) -> None:
    """Running the bot: ``chat``, ``run``, ``web``, ``emulator``, ``health``."""

    p = sub.add_parser("chat", help="chat with the real bot offline in this terminal")
    p.add_argument("--user", type=int, default=10001, help="simulated Telegram user id")
    p.add_argument(
        "--lang", default="zh-hans", help="language_code of the simulated user (zh-hans, en)"
    )
    p.add_argument(
        "--downloads", type=Path, default=Path("data/downloads"), help="where documents go"
    )
    _target(p, "bot.shell.cli_chat:chat")

    p = sub.add_parser("run", help="run the bot against Telegram (long polling or webhook)")
    p.add_argument("--webhook-url", default=None, help="public HTTPS URL for webhook mode")
    p.add_argument("--listen", default=None, help="webhook listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="webhook listen port (default 8443)")
    _target(p, "bot.shell.cli_run:run")

    p = sub.add_parser("web", help="serve the bot to residents in a browser (web channel)")
    p.add_argument("--host", default=None, help="listen address (default: web.listen, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="listen port (default: web.port, 8080)")
    _target(p, "bot.shell.cli_web:web")

    p = sub.add_parser("emulator", help="serve the local Bot API emulator over HTTP (loopback)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument(
        "--token",
        default=None,
        help="the bot token the emulator accepts (default: a fixed, non-secret test token)",
    )
    _target(p, "bot.shell.cli_emulator:serve")

    p = sub.add_parser("health", help="query the running bot's health endpoint; exit 0 if ok")
    p.add_argument("--url", default=None, help="default http://127.0.0.1:<network.health_port>")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for an answer")
    _target(p, "bot.shell.health:health_command")


def _add_knowledge_commands(sub: Subparsers) -> None:
    """The knowledge base: ``ask``, ``kb check``."""
    p = sub.add_parser("ask", help="ask the knowledge base questions, one result per question")
    p.add_argument("questions", nargs="+", metavar="QUESTION")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    _target(p, "bot.shell.cli_kb:ask")

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    p = kb_sub.add_parser("check", help="validate the knowledge base and print a summary")
    _target(p, "bot.shell.cli_kb:check")


def _add_data_commands(sub: Subparsers) -> None:
    """The data: ``db migrate``, ``db backup``, ``export``."""
    dbp = sub.add_parser("db", help="database tools")
    db_sub = dbp.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    p = db_sub.add_parser("migrate", help="apply pending migrations")
    _target(p, "bot.shell.cli_db:migrate")
    p = db_sub.add_parser("backup", help="online backup of the database to PATH")
    # a str, not a Path: Path("dir/") drops the slash that says PATH was meant as a folder
    p.add_argument("path", metavar="PATH", help="a new file in an existing folder")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p.add_argument(
        "--verify",
        choices=("quick", "full"),
        default="quick",
        help="check of the copy: quick_check (default), or integrity, foreign keys and counts",
    )
    _target(p, "bot.shell.cli_db:backup")

    p = sub.add_parser("export", help="export data as an Excel or CSV file")
    p.add_argument(
        "--what", choices=("projects", "trainings", "questions", "complaints"), required=True
    )
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("-o", "--output", type=Path, default=None, help="output file")
    _target(p, "bot.shell.cli_export:export")


def _add_training_commands(sub: Subparsers) -> None:
    """Training sessions: ``training add``, ``list``, ``cancel``."""
    tr = sub.add_parser("training", help="manage training sessions")
    tr_sub = tr.add_subparsers(dest="training_command", metavar="TRAINING_COMMAND", required=True)
    p = tr_sub.add_parser("add", help="publish a training session")
    p.add_argument("--title", required=True)
    p.add_argument(
        "--title-en", default="", help="English title for English-mode residents (optional)"
    )
    p.add_argument("--start", required=True, help='e.g. "2026-12-05 14:00" or "12月5日 14:00"')
    p.add_argument("--end", default=None, help="end time (default: start + 2 hours)")
    p.add_argument("--place", required=True)
    p.add_argument("--capacity", type=int, required=True)
    p.add_argument("--tags", default="", help="comma-separated, e.g. 建筑模板,经营管理")
    p.add_argument("--target", default="", help="target group, e.g. 返乡创业人员")
    p.add_argument("--description", default="")
    _target(p, "bot.shell.cli_training:add")
    p = tr_sub.add_parser("list", help="list upcoming sessions")
    p.add_argument("--all", action="store_true", help="include past and cancelled sessions")
    _target(p, "bot.shell.cli_training:list_")
    p = tr_sub.add_parser("cancel", help="cancel a session and notify those signed up")
    p.add_argument("training_id", type=int, metavar="ID")
    _target(p, "bot.shell.cli_training:cancel")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="创业助手 (chuangye-bot): a Telegram bot for a township's entrepreneurs.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML settings file (default: $CHUANGYE_CONFIG, else ./config.toml if present)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_bot_commands(sub)
    _add_knowledge_commands(sub)
    _add_data_commands(sub)
    _add_training_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, load settings and run one command; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    target: str | None = getattr(args, "_target", None)
    if target is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    module_name, func_name = target.split(":")
    command: Command = getattr(importlib.import_module(module_name), func_name)
    try:
        return command(args, settings)
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseUnusableError as exc:
        # Garbage, truncated or read-only: a restart cannot fix it, so systemd does not retry.
        print(exc.line, file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130
