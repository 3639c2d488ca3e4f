"""Hypothesis strategies for what residents may type, and checks shared by the property tests.

``hostile_text()`` mixes random Unicode (no surrogates: Telegram sends valid UTF-8), RTL and
zero-width marks, control characters, HTML and SQL fragments, emoji and very long runs.
``Watch`` collects what a property must never see: an ERROR log record or a per-update log line
with ``outcome=error`` (the error handler fired, e.g. because the emulator refused an invalid
reply with BadRequest). The ``ci`` profile is derandomized so CI runs are reproducible; select
it with ``HYPOTHESIS_PROFILE=ci`` (the default profile is ``dev``, random but small).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("dev"),
    derandomize=True,
    print_blob=True,
)
# CI (which sets CI=true) runs the derandomised profile so a red build can be reproduced.
_default_profile = "ci" if os.environ.get("CI") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))

FRAGMENTS = (
    "<b>",
    "</b>",
    "<i>粗体</i>",
    "<a href='javascript:alert(1)'>点我</a>",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;",
    "& ",
    "<",
    ">",
    "'; DROP TABLE projects; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM users;--",
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",  # zero-width joiner
    "\ufeff",  # BOM
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",
    "\x00",
    "\x1b[31m",
    "\t",
    "\n",
    "\r\n",
    "\x7f",
    "👨‍👩‍👧‍👦",
    "🇨🇳",
    "é",  # e + combining accent (NFC changes it)
    "ｆｕｌｌ　ｗｉｄｔｈ",
    "مرحبا",
    "税收返还",
    "50万",
    "13800138000",
    " ",
)

_UNICODE = st.characters(blacklist_categories=("Cs",))


@st.composite
def _long(draw: st.DrawFn) -> str:
    piece = draw(st.sampled_from(FRAGMENTS) | st.text(_UNICODE, min_size=1, max_size=8))
    return piece * draw(st.integers(min_value=1, max_value=4096 // max(1, len(piece))))


def hostile_text(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text as hostile as a resident's keyboard allows (non-empty after Telegram's own trim)."""
    parts = st.lists(
        st.sampled_from(FRAGMENTS) | st.text(_UNICODE, min_size=1, max_size=max_size),
        min_size=1,
        max_size=6,
    ).map("".join)
    return (parts | _long()).map(telegram_delivers).filter(bool)


def telegram_delivers(text: str) -> str:
    """What Telegram delivers of a typed text: ends trimmed, at most 4096 UTF-16 units."""
    text = text.strip()
    while len(text.encode("utf-16-le")) // 2 > 4096:
        text = text[:-1].rstrip()
    return text


_UPDATE_LINE = re.compile(r"outcome=(\w+)")


class Watch(logging.Handler):
    """Collect ERROR records and per-update outcomes (attach to the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.errors: list[str] = []
        self.outcomes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(f"{record.name}: {message}")
        if record.name == "bot.processing" and (match := _UPDATE_LINE.search(message)):
            self.outcomes.append(match[1])

    def clear(self) -> None:
        """Forget what was seen (between examples)."""
        self.errors.clear()
        self.outcomes.clear()

    def assert_clean(self, context: object = "") -> None:
        """No error logged, every update handled without the error handler."""
        assert not self.errors, f"{context!r}: {self.errors}"
        assert "error" not in self.outcomes, f"{context!r}: outcomes {self.outcomes}"
        assert self.outcomes, "no update was handled at all"


@contextmanager
def watching() -> Iterator[Watch]:
    """``with watching() as watch:`` attaches a ``Watch`` to the root logger at INFO."""
    watch = Watch()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        root.setLevel(level)
