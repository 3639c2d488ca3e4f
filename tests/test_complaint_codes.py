"""The anonymous complaint's 查询码 (issue 15.11): short, copied onto paper and typed back in
any case, with or without its dash; old codes keep working; wrong guesses are limited."""

from __future__ import annotations

import re

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.complaints import hash_reply_token
from tests.test_complaints import _file, _ref

C = get_texts("zh").complaints
CODE_RE = re.compile(r"查询码：([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\n")


async def filed(harness: BotHarness, user_id: int) -> tuple[str, str]:
    done = await _file(harness.user(user_id), anonymous=True)
    match = CODE_RE.search(done)
    assert match, done  # two groups of four, no I, L, O or U
    return _ref(done), match.group(1)


def variants(code: str) -> list[str]:
    """How a villager may copy ``ABCD-1234`` back: lower case, no dash, a space, full width,
    O for 0 and l for 1."""
    bare = code.replace("-", "")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in bare)
    return [
        code.lower(),
        bare,
        f"{bare[:4]} {bare[4:]}",
        wide,
        bare.replace("0", "O").replace("1", "l"),
    ]


async def test_the_code_is_read_back_however_it_was_copied(harness: BotHarness) -> None:
    ref, code = await filed(harness, 5101)
    stranger = harness.user(5102)  # on another phone: the code is all they need
    for typed in variants(code):
        reply = (await stranger.send(f"/complaint_status {ref.lower()} {typed}")).last.text
        assert ref in reply, typed
        assert C.check_unknown not in reply
    # Its button still works too, and the shown code is what is stored (hashed).
    assert ref in (await harness.user(5101).press(C.btn_check)).last.text


async def test_an_old_long_code_still_works_exactly(harness: BotHarness) -> None:
    ref, _ = await filed(harness, 5103)
    old = "Xy3_kQ-9aZbW1cDeFgHiJk"  # a code from before the change: 22 mixed-case characters
    async with harness.running.services.db.write() as conn:
        await conn.execute(
            "UPDATE complaints SET reply_token_hash = ? WHERE ref_no = ?",
            (hash_reply_token(old), ref),
        )
    user = harness.user(5104)
    assert ref in (await user.send(f"/complaint_status {ref} {old}")).last.text
    assert (await user.send(f"/complaint_status {ref} {old.lower()}")).last.text == (
        C.check_unknown
    )


async def test_wrong_codes_are_limited_per_user(harness: BotHarness) -> None:
    ref, code = await filed(harness, 5105)
    guesser = harness.user(5106)
    for n in range(10):
        wrong = f"{n:04d}-ZZZZ"
        assert (await guesser.send(f"/complaint_status {ref} {wrong}")).last.text == (
            C.check_unknown
        )
    # Now even the right code waits: a guesser cannot walk through the codes.
    blocked = (await guesser.send(f"/complaint_status {ref} {code}")).last.text
    assert blocked == C.check_too_many.format(minutes=60)
    # Another person is not affected, and the right code never counts as a guess.
    owner = harness.user(5105)
    for _ in range(12):
        assert ref in (await owner.press(C.btn_check)).last.text
