"""An anonymous complaint's number and 查询码 typed as a plain message (tester3 #1): it is a
status check wherever it is typed, and never stored under the sender's id (not as a question,
not in a message to staff), so the anonymity promise holds."""

from __future__ import annotations

import pytest

from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db.complaints import hash_reply_token
from tests.conftest import ADMIN_ID
from tests.test_complaint_codes import filed

ZH, EN = get_texts("zh"), get_texts("en")
C = ZH.complaints


async def _question_texts(harness: BotHarness) -> list[str]:
    async with harness.running.services.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT text FROM questions ORDER BY id")
    return [str(r[0]) for r in rows]


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


async def test_number_and_code_typed_after_the_usage_show_the_status(
    harness: BotHarness,
) -> None:
    ref, code = await filed(harness, 5201)
    resident = harness.user(5201)
    assert C.check_usage in (await resident.send("/complaint_status")).last.text
    bare = code.replace("-", "")
    typed = [
        f"{ref} {bare.lower()}",  # what a phone user sends next
        f"{ref} {code}",  # pasted from the filing message
        f"{ref.lower().replace('-', ' ')} {code.lower()}",
        _wide(f"{ref} {code}"),  # a Chinese keyboard's full-width characters
        f"我的投诉{ref}，查询码：{code}，现在怎么样了",
        code,  # the code alone, as shown
    ]
    for text in typed:
        reply = (await resident.send(text)).last.text
        assert ref in reply, text
        assert "已收到" in reply, text  # the status
    # None of it was logged as a question: /mydata and /unanswered know nothing of it.
    assert await _question_texts(harness) == []
    mydata = (await resident.send("/mydata")).text
    assert ref not in mydata
    assert bare not in mydata.replace("-", "").upper()
    staff = harness.user(ADMIN_ID)
    assert ref not in (await staff.send("/unanswered")).text


async def test_a_wrong_code_typed_is_a_wrong_guess_not_a_question(harness: BotHarness) -> None:
    ref, _ = await filed(harness, 5202)
    resident = harness.user(5202)
    assert (await resident.send(f"{ref} 0000-ZZZZ")).last.text == C.check_unknown
    assert (await resident.send(f"{ref}")).last.text == C.check_unknown  # not theirs by name
    assert await _question_texts(harness) == []


async def test_in_english_too(harness: BotHarness) -> None:
    ref, code = await filed(harness, 5203)
    stranger = harness.user(5204, language_code="en")
    reply = (await stranger.send(f"{ref.lower()} {code.lower()}")).last.text
    assert ref in reply
    assert "Status" in reply
    assert EN.complaints.check_usage in (await stranger.send("/complaint_status")).last.text
    assert await _question_texts(harness) == []


async def test_a_code_hidden_in_a_question_is_never_logged(harness: BotHarness) -> None:
    ref, _ = await filed(harness, 5205)
    # A code of letters only (one in twenty are) cannot be told from a word by its shape:
    # the question log looks its fingerprint up before storing anything.
    async with harness.running.services.db.write() as conn:
        await conn.execute(
            "UPDATE complaints SET reply_token_hash = ? WHERE ref_no = ?",
            (hash_reply_token("HJPJBTNM"), ref),
        )
    resident = harness.user(5205)
    for text in ("hjpjbtnm", "HJPJ BTNM 这个码怎么用", "查一下 TS 2026 99 的事", "AB12-CD34 是啥"):
        await resident.send(text)
    await resident.send("新项目的税收能返还吗")  # a question is still logged
    assert await _question_texts(harness) == ["新项目的税收能返还吗"]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_message_to_staff_may_not_carry_an_anonymous_complaint(
    harness: BotHarness, lang: str
) -> None:
    t = get_texts(lang)
    ref, code = await filed(harness, 5206)
    resident = harness.user(5207, language_code=lang, first_name="王五")
    await resident.send("/contact")
    for text in (f"请问 {ref} 处理得怎么样了", f"我的查询码是 {code}，麻烦看看"):
        assert (await resident.send(text)).last.text.startswith(t.contact.names_complaint), text
    async with harness.running.services.db.read() as conn:
        stored = await conn.execute_fetchall("SELECT count(*) FROM contact_messages")
    assert stored[0][0] == 0
    staff = harness.user(ADMIN_ID)
    assert not any(ref in m.text for m in staff.bot_messages[-3:])
    # Without the number and code the message goes through.
    sent = (await resident.send("我上周投诉的事，想当面说明一下情况")).last.text
    assert "#1" in sent
