"""The anonymous complaint's 查询码 (issue 15.11): short, copied onto paper and typed back in
any case, with or without its dash; old codes keep working; wrong guesses are limited."""

from __future__ import annotations

import itertools
import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from bot.services.complaints import OLD_TOKEN_RE, code_candidates, codes_within
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


# Letters and digits (ASCII and full width), the separators a code may be copied with, words.
_TYPED = st.lists(
    st.sampled_from(
        [*"ABCDEFGHJKMNPQRSTVWXYZ0123456789abcdiloOIL-_ .·\n", "AB12", "ＣＤ３４", "查询码"]
    ),
    max_size=60,
).map("".join)


@given(text=_TYPED)
@example(text="TS-2026-0001 hjpj btnm AB12-CD34 Entrepreneurship_assistant-token-1 ok")
def test_codes_within_finds_what_every_piece_would_give(text: str) -> None:
    """``codes_within`` looks only at pieces of a code's or an old token's length: it finds
    exactly what ``code_candidates`` gives for every run, every two runs, every old token."""
    norm = unicodedata.normalize("NFKC", text)
    runs = re.findall(r"[0-9A-Za-z]+", norm)
    pieces = [*runs, *(a + b for a, b in itertools.pairwise(runs))]
    pieces += [w for w in norm.split() if OLD_TOKEN_RE.match(w)]
    assert codes_within(text) == list(dict.fromkeys(c for p in pieces for c in code_candidates(p)))
