"""Property: any complaint text is taken safely and stored exactly as it is documented cleaned.

A resident files a named complaint whose description, department and time are hostile text
(random Unicode, RTL and zero-width marks, control characters, HTML and SQL fragments, long
runs). ``bot.services.complaints`` says what is kept (``clean_what``: 5-2,000 characters,
line breaks kept; ``clean_field``: one line of 1-200; the rules are ``bot.services.text``'s):
an answer outside it must be asked for again (the test then answers validly). No error may
reach the error handler, every step is answered, and the stored complaint equals the expected
values.
"""

from __future__ import annotations

import itertools

from hypothesis import example, given

from bot.services.complaints import clean_field, clean_what
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import complaints as complaints_repo
from tests.hostile_text import hostile_text, watching

C = get_texts("zh").complaints
_IDS = itertools.count(7_500_000)
ANSWER = hostile_text(max_size=60).filter(lambda s: not s.startswith("/"))


@given(what=ANSWER, department=ANSWER, when=ANSWER)
# Found by this test: SQLite's length() stops at a NUL, so the CHECK on the row refused it.
@example(what="\x00<b><b>", department="<b><b>", when="\x00昨天")
async def test_any_complaint_text_is_stored_cleaned(
    harness: BotHarness, what: str, department: str, when: str
) -> None:
    user = harness.user(next(_IDS))
    expected: dict[str, str] = {}
    with watching() as watch:
        await user.send("/complaint")
        for field, text, clean, fallback in (
            ("what", what, clean_what, "办执照被多收了三百元"),
            ("department", department, clean_field, "镇市场监管所"),
            ("happened_at_text", when, clean_field, "上周三"),
        ):
            replies = await user.send(text)
            assert replies.messages, f"no answer to {text!r}"
            value = clean(text)
            if value is None:
                assert (await user.send(fallback)).messages
                value = fallback
            expected[field] = value
        await user.press(C.btn_skip)
        await user.press(C.btn_named)
        done = await user.press(get_texts("zh").form.btn_submit)
    watch.assert_clean(expected)
    assert "TS-" in done.text, done.text
    async with harness.running.services.db.read() as conn:
        complaints = await complaints_repo.list_complaints_by_user(conn, user.id)
    assert len(complaints) == 1
    stored = {k: getattr(complaints[0], k) for k in expected}
    assert stored == expected
