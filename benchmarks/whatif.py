"""What-ifs for the in-process Q&A benchmark: the ratio to the echo bot with parts taken away.

A diagnostic, not a benchmark of the shipped bot: each case patches this process (never the
files) to remove one thing, then runs ``bench_bot.qa_load`` against ``echo_throughput`` as
``bench_bot`` does, three times each, interleaved, and prints the median ratio. The cases say
where the time goes; none of them is something to ship:

* ``plain``: the bot as shipped;
* ``no-related``: answers keep 👍/👎/出处 but lose their three related-topic buttons;
* ``no-buttons``: answers have no buttons at all;
* ``stripped``: no persistence flush, no rate limiter, and only the free-text Q&A handler
  (the dialogs, commands and buttons are gone);
* ``stripped+cache``: as ``stripped``, and each distinct question is searched only once.

Run: ``.venv/bin/python -m benchmarks.whatif [case ...]`` (default: all, about two minutes).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import MessageHandler

import bot.processing
import bot.shell.runner
import handlers.qa
from benchmarks.bench_bot import qa_load
from benchmarks.echo import echo_throughput
from knowledge.search import Searcher, SearchResult

CASES = ("plain", "no-related", "no-buttons", "stripped", "stripped+cache")


def _patch(case: str) -> None:
    """Change this process so the bot lacks what ``case`` takes away."""
    if case in ("no-related", "no-buttons"):
        render = handlers.qa.render_topic

        def lighter(*args: Any, **kwargs: Any) -> tuple[str, InlineKeyboardMarkup | None]:
            text, keyboard = render(*args, **kwargs)
            if case == "no-buttons":
                return text, None
            return text, InlineKeyboardMarkup(keyboard.inline_keyboard[:1])

        # The patch returns None for the keyboard in one case, which the real one never does.
        handlers.qa.render_topic = lighter  # type: ignore[assignment]
    if case.startswith("stripped"):
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

        bot.shell.runner.build_application = stripped  # type: ignore[attr-defined]  # see above
        bot.processing._persistence_due = lambda app: False
    if case.endswith("+cache"):
        search = Searcher.search
        cache: dict[tuple[int, str], SearchResult] = {}

        def cached(self: Searcher, text: str) -> SearchResult:
            key = (id(self), text)
            if key not in cache:
                cache[key] = search(self, text)
            return cache[key]

        Searcher.search = cached  # type: ignore[method-assign]  # a what-if, on purpose


async def _ratios(runs: int) -> list[float]:
    await qa_load(50, 4)  # warm up
    ratios = []
    for _ in range(runs):
        echo = await echo_throughput(200, 10)
        qa = await qa_load(200, 10)
        ratios.append(qa["messages_per_s"] / echo["messages_per_s"])
    return ratios


def run_case(case: str, runs: int = 3) -> float:
    """The median Q&A/echo ratio with ``case`` applied (call in a fresh process)."""
    _patch(case)
    return statistics.median(asyncio.run(_ratios(runs)))


def main(argv: list[str]) -> None:
    """Each case in its own interpreter, so patches never leak into the next case."""
    import subprocess

    cases = argv or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; choose from {CASES}")
    if len(cases) == 1:
        print(f"{cases[0]:<16} Q&A / echo = {run_case(cases[0]):.3f}", flush=True)
        return
    for case in cases:
        subprocess.run([sys.executable, "-m", "benchmarks.whatif", case], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
