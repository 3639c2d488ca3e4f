"""Property: any free text a resident types gets a valid reply and is logged exactly as typed.

Hypothesis drives hostile text (random Unicode, RTL and zero-width marks, control characters,
HTML and SQL fragments, 4,096-character runs) through the real Application and the emulator,
one running bot for all examples of a test. No error may reach the error handler (the emulator
raises BadRequest on invalid HTML or an over-long reply, which would), every message gets an
answer, and the questions log holds the text as typed after the documented trimming (ends
stripped) - or nothing, for a question over the length limit.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given

from bot.services.qa import MAX_QUESTION_CHARS
from bot.settings import Limits, Settings
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from tests.hostile_text import hostile_text, watching

RESIDENT = 5001
MENU_LABELS = {
    getattr(get_texts(lang).common, attr)
    for lang in ("zh", "en")
    for attr in dir(get_texts(lang).common)
    if attr.startswith("btn_")
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No per-user flood limit: the property is about text, not pace."""
    limits = dataclasses.replace(Limits(), questions_per_minute=1_000_000)
    return dataclasses.replace(settings, limits=limits)


def _free_question(text: str) -> bool:
    # Commands and menu buttons are other paths (tested with the staff and dialog properties).
    return not text.startswith("/") and text not in MENU_LABELS


async def _logged(harness: BotHarness) -> list[str]:
    async with (
        harness.running.services.db.read() as conn,
        conn.execute(
            "SELECT text FROM questions WHERE user_id = ? ORDER BY id", (RESIDENT,)
        ) as cur,
    ):
        return [str(r[0]) for r in await cur.fetchall()]


@given(text=hostile_text().filter(_free_question))
async def test_any_free_text_gets_a_valid_reply_and_is_logged_as_typed(
    harness: BotHarness, text: str
) -> None:
    user = harness.user(RESIDENT)
    before = await _logged(harness)
    with watching() as watch:
        replies = await user.send(text)
    watch.assert_clean(text)
    assert replies.messages, f"no answer to {text!r}"
    after = await _logged(harness)
    if len(text.strip()) > MAX_QUESTION_CHARS:
        assert after == before
        assert str(MAX_QUESTION_CHARS) in replies.last.text
    else:
        assert after == [*before, text.strip()]
