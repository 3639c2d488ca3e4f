"""The one cleaning of typed text (``bot.services.text``) and the one list chunker
(``handlers.ui.chunk_html``), tested as pure functions."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.registration import NAME_MAX_CHARS
from bot.services.text import clean_multiline, clean_text, normalize_line, normalize_lines
from bot.shell.emulator.html import parse_html, utf16_len
from bot.vocabulary import TextProblem
from handlers.ui import chunk_html, echo
from tests.hostile_text import hostile_text

LIMIT = 4096


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  香菇  大棚 ", "香菇 大棚"),
        ("a\x00b\nc\td", "a b c d"),
        ("\x00\x00hello", "hello"),
        ("\x00培训", "培训"),
    ],
)
def test_clean_text_trims_and_makes_spaces(typed: str, expected: str) -> None:
    assert clean_text(typed, NAME_MAX_CHARS) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "\u202eabc",
        "零\u200b宽",
        "🚀 项目",
        "<b>x</b>",
        "长" * NAME_MAX_CHARS,
        # Telegram's count: an emoji outside the BMP takes two of the limit.
        "🚀" * (NAME_MAX_CHARS // 2),
    ],
)
def test_clean_text_keeps_what_can_be_stored_as_typed(typed: str) -> None:
    assert clean_text(typed, NAME_MAX_CHARS) == typed


REFUSED: list[tuple[TextProblem, tuple[str, ...]]] = [
    (TextProblem.EMPTY, ("", " \n\t ", "\x00\x1b")),
    (TextProblem.INVISIBLE, ("\u200b\u200d\ufeff",)),
    (TextProblem.TOO_LONG, ("长" * (NAME_MAX_CHARS + 1), "🚀" * (NAME_MAX_CHARS // 2 + 1))),
]


@pytest.mark.parametrize(
    ("typed", "expected"), [(typed, problem) for problem, texts in REFUSED for typed in texts]
)
def test_clean_text_refuses(typed: str, expected: TextProblem) -> None:
    assert clean_text(typed, NAME_MAX_CHARS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\x00\x00hello", "hello"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("  a  b \n\n\n\n  c\t\x00d  ", "a b\n\nc d"),
        ("\n\n xyz \n \n", "xyz"),
        ("a\x0bb\x1b[31mc", "a b [31mc"),
        ("\u200b\n\u200d", TextProblem.INVISIBLE),
        ("\x00\n\x00", TextProblem.EMPTY),
        ("ab", TextProblem.TOO_SHORT),
    ],
)
def test_clean_multiline(typed: str, expected: str | TextProblem) -> None:
    assert clean_multiline(typed, 20, min_len=3) == expected


@given(hostile_text())
def test_cleaning_is_idempotent_and_leaves_no_control_characters(typed: str) -> None:
    for normalize in (normalize_line, normalize_lines):
        cleaned = normalize(typed)
        assert normalize(cleaned) == cleaned
        assert cleaned == cleaned.strip()
        assert "\x00" not in cleaned
        kept = "\n" if normalize is normalize_lines else ""
        assert not any((ord(ch) < 32 or 127 <= ord(ch) < 160) and ch not in kept for ch in cleaned)


def _assert_sendable(messages: list[str]) -> str:
    """Every message parses as Telegram HTML and fits; return all the text shown."""
    shown = []
    for message in messages:
        plain = parse_html(message)
        assert 0 < utf16_len(plain) <= LIMIT
        assert plain.strip()
        shown.append(plain)
    return "\n".join(shown)


def test_chunks_break_between_blocks_and_fill_each_message() -> None:
    blocks = ["a" * 3000, "<b>b</b>" + "b" * 1100, "c" * 100]
    chunks = chunk_html(blocks)
    assert chunks == ["a" * 3000, "<b>b</b>" + "b" * 1100 + "\n\n" + "c" * 100]
    _assert_sendable(chunks)


def test_chunks_count_what_telegram_shows_not_the_markup() -> None:
    # 2,000 escaped "<" are 8,000 characters of HTML but 2,000 characters on screen.
    block = html.escape("<" * 2000)
    assert chunk_html([block, block]) == [block + "\n\n" + block]


def test_an_oversized_block_is_split_as_escaped_plain_text() -> None:
    block = "<b>标题</b>\n" + html.escape("<&>" * 1000) + "\n" + "🚀" * 3000
    chunks = chunk_html([block, "<i>尾</i>"])
    shown = _assert_sendable(chunks)
    assert len(chunks) >= 3
    assert shown.count("<&>") == 1000
    assert shown.count("🚀") == 3000
    assert chunks[-1].endswith("<i>尾</i>")  # the next block keeps its markup


@given(
    st.lists(
        hostile_text().map(lambda s: f"<b>{html.escape(s[:5])}</b> {html.escape(s)}"),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["\n", "\n\n"]),
)
def test_any_blocks_fit_and_nothing_is_lost(blocks: list[str], separator: str) -> None:
    chunks = chunk_html(blocks, separator=separator)
    shown = _assert_sendable(chunks)
    for block in blocks:
        words = [w for w in parse_html(block).split() if utf16_len(w) < 100]
        assert all(w in shown for w in words)


def test_echo_bounds_what_is_quoted_back() -> None:
    assert echo("2026-13-01") == "2026-13-01"
    assert len(echo("x" * 4000)) <= 60
    assert len(echo("长" * 4000)) <= 30
