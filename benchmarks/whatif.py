"""What-ifs for the in-process Q&A benchmark: the CPU ratio with parts taken away.

A diagnostic, not a benchmark of the shipped bot: each case patches this process (never the
files) to remove one thing, then runs ``bench_bot.qa_load`` against ``echo_throughput`` with the
bot's own answer (the answer-shaped echo bot, as ``bench_bot`` does), three times each,
interleaved, and prints the CPU ratio (answer echo's CPU per update / Q&A's) as min/median/max.
The cases say where the time goes; none of them is something to ship:

* ``plain``: the bot as shipped;
* ``no-inbox``: updates are not stored in the durable inbox (what the inbox costs);
* ``no-cache``: every question is searched, none answered from the cache of recent results;
* ``parse-sent``: Q&A answers with ``reply_text``, parsing the sent message back as PTB does;
* ``no-related``: answers keep 👍/👎/出处 but lose their three related-topic buttons;
* ``no-buttons``: answers have no buttons at all;
* ``stripped``: no persistence flush, no rate limiter, and only the free-text Q&A handler
  (the dialogs, commands and buttons are gone).

Run: ``.venv/bin/python -m benchmarks.whatif [case ...]`` (default: all, a few minutes).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.ext import MessageHandler

import bot.processing
import bot.shell.app
import bot.shell.runner
import handlers.qa
from benchmarks.bench_bot import qa_load, real_answer
from benchmarks.common import spread, spread_text
from benchmarks.echo import echo_throughput
from bot.services.qa import KnowledgeService

CASES = (
    "plain",
    "no-inbox",
    "no-cache",
    "parse-sent",
    "no-related",
    "no-buttons",
    "stripped",
)


def _patch(case: str) -> None:
    """Change this process so the bot lacks what ``case`` takes away."""
    if case == "no-inbox":
        # A what-if: patch the names build_application calls (setattr: they are not exported).
        setattr(bot.shell.app, "InboxQueue", lambda inbox: asyncio.Queue())  # noqa: B010
        setattr(bot.shell.app, "InboxRequest", lambda inner, inbox: inner)  # noqa: B010
    if case == "no-cache":

        def uncached(self: KnowledgeService, text: str) -> Any:
            assert self._searcher is not None
            return self._searcher.search(text)

        KnowledgeService.search = uncached  # type: ignore[method-assign]  # a what-if
    if case == "parse-sent":

        async def reply_text(message: Message, text: str, markup: Any = None) -> int:
            return (await message.reply_text(text, reply_markup=markup)).message_id

        setattr(handlers.qa, "reply_unread", reply_text)  # noqa: B010  # a what-if
    if case in ("no-related", "no-buttons"):
        render = handlers.qa.render_topic

        def lighter(*args: Any, **kwargs: Any) -> tuple[str, InlineKeyboardMarkup | None]:
            text, keyboard = render(*args, **kwargs)
            if case == "no-buttons":
                return text, None
            return text, InlineKeyboardMarkup(keyboard.inline_keyboard[:1])

        # The patch returns None for the keyboard in one case, which the real one never does.
        handlers.qa.render_topic = lighter  # type: ignore[assignment]
    if case == "stripped":
        # bot.shell.runner imports build_application by name; patch the name it calls.
        build = bot.shell.runner.build_application  # type: ignore[attr-defined]

        def stripped(*args: Any, **kwargs: Any) -> Any:
            app = build(*args, **kwargs)
            app.bot._rate_limiter = None
            ask: list[Any] = [
                h
                for h in app.handlers[0]
                if isinstance(h, MessageHandler) and h.callback.__name__ == "ask"
            ]
            app.handlers[0] = ask
            return app

        setattr(bot.shell.runner, "build_application", stripped)  # noqa: B010  # see above
        bot.processing._persistence_due = lambda app: False


async def _ratios(runs: int) -> list[float]:
    canned = await real_answer()
    await qa_load(50, 4)  # warm up
    ratios = []
    for _ in range(runs):
        answer = await echo_throughput(200, 10, canned=canned)
        qa = await qa_load(200, 10)
        ratios.append(answer["cpu_ms_per_update"] / qa["cpu_ms_per_update"])
    return ratios


def run_case(case: str, runs: int = 3) -> dict[str, float]:
    """The CPU ratio to the answer echo (min/median/max) with ``case`` applied."""
    _patch(case)
    return spread(asyncio.run(_ratios(runs)), 2)


def main(argv: list[str]) -> None:
    """Each case in its own interpreter, so patches never leak into the next case."""
    import subprocess

    cases = argv or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; choose from {CASES}")
    if len(cases) == 1:
        ratio = spread_text(run_case(cases[0]))
        print(f"{cases[0]:<12} Q&A / answer echo, CPU per update = {ratio}", flush=True)
        return
    for case in cases:
        subprocess.run([sys.executable, "-m", "benchmarks.whatif", case], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
