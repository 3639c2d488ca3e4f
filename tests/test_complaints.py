"""Complaints through the real Application: the dialog, staff status changes, anonymity."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import callbacks
from bot.buttons import FormButton
from bot.clock import FakeClock
from bot.services.export import ExportFormat, ExportKind
from bot.settings import Limits, Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db.audit import list_audit
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID
from tests.dialog_state import dialog_of, draft_of

ZH = get_texts("zh")
C = ZH.complaints
DOING = dict(ZH.common.dialog_names)["complaint"]
WHAT = "办营业执照时被要求另交“服务费”三百元，没有收据"
REF_RE = re.compile(r"TS-\d{4}-\d{4}")


def plain(html: str) -> str:
    """What a user sees of an HTML text."""
    return re.sub(r"<[^>]+>", "", html)


def _ref(text: str) -> str:
    match = REF_RE.search(text)
    assert match, text
    return match.group(0)


async def _file(
    user: SimUser, *, anonymous: bool, photo_file_id: str | None = None, what: str = WHAT
) -> str:
    """Go through the whole dialog and return the bot's final message text."""
    assert "第 1 步" in (await user.send("/complaint")).text
    assert (await user.send(what)).last.text == plain(C.ask_department)
    assert (await user.send("镇市场监管所")).last.text.startswith("第 3 步")
    assert (await user.send("上周三上午")).last.text.startswith("第 4 步")
    if photo_file_id is None:
        await user.press(C.btn_skip)
    else:
        photo = [{"file_id": photo_file_id, "file_unique_id": "u1", "width": 90, "height": 90}]
        await user._send({"photo": photo})
    assert "第 5 步" in user.last.text
    summary = await user.press(C.btn_anonymous if anonymous else C.btn_named)
    assert "请核对" in summary.last.text
    assert WHAT[:10] in summary.last.text or what[:5] in summary.last.text
    return (await user.press(ZH.form.btn_submit)).last.text


def _admin_texts(*admins: SimUser) -> list[str]:
    return [m.text for a in admins for m in a.bot_messages]


async def test_named_complaint_reaches_staff_and_status_comes_back(harness: BotHarness) -> None:
    admin, other = harness.user(ADMIN_ID), harness.user(OTHER_ADMIN_ID)
    resident = harness.user(5001, first_name="李明", username="liming")
    done = await _file(resident, anonymous=False)
    ref = _ref(done)
    assert done == plain(C.filed_named.format(ref=ref))
    for staff in (admin, other):
        card = staff.bot_messages[-1]
        assert ref in card.text
        assert "李明" in card.text
        assert "@liming" in card.text
        assert WHAT in card.text
        assert "已收到" in card.text
        assert card.button_labels == [C.btn_handling, C.btn_resolve]

    toast = (await admin.press(C.btn_handling)).toast
    assert toast == f"{ref} 已改为“处理中”，给投诉人的通知已加入发送队列。"
    assert f"您的投诉 {ref} 有新进展：处理中" in resident.last.text

    assert ref in (await admin.press(C.btn_resolve)).last.text  # asks for the note
    reply = await admin.send("已责令退还服务费，并约谈相关人员")
    assert reply.last.text == f"{ref} 已改为“已办结”，给投诉人的通知已加入发送队列。"
    assert "已办结" in resident.last.text
    assert "办结说明：已责令退还服务费" in resident.last.text

    # The other admin's copy is stale now: its button is refused politely and the card
    # redrawn as it stands (已办结, by whom, no buttons left).
    stale = other.find_button(C.btn_handling)[0]
    assert (await other.press(C.btn_handling)).toast == f"{ref} 已办结，不能再改。"
    assert stale is not None
    assert "已办结（操作人：" in stale.text
    assert stale.button_labels == []
    status = await resident.send(f"/complaint_status {ref}")
    assert "已办结" in status.last.text
    assert "已责令退还" in status.last.text


async def test_a_card_opened_from_the_list_is_redrawn_after_each_staff_action(
    harness: BotHarness,
) -> None:
    # tester3 #14: the card still read 已收到 with the 🛠 处理中 button after pressing it.
    admin = harness.user(ADMIN_ID, first_name="王主任")
    other = harness.user(OTHER_ADMIN_ID, first_name="刘干事")
    ref = _ref(await _file(harness.user(5002), anonymous=True))
    outbox_card = other.bot_messages[-1]
    await admin.send("/complaints")
    await admin.press(ref)
    card = admin.last
    assert "已收到" in card.text
    toast = (await admin.press(C.btn_handling)).toast
    assert toast == f"{ref} 已改为“处理中”。匿名投诉人可凭查询码查看。"
    assert "状态：处理中（操作人：王主任，" in card.text  # the same message, redrawn
    assert card.button_labels == [C.btn_resolve]
    # The second admin's copy from the outbox: pressing it shows what happened, and by whom.
    assert (await other.press(C.btn_handling)).toast == f"{ref} 已经是“处理中”了。"
    assert "状态：处理中（操作人：王主任，" in outbox_card.text
    assert outbox_card.button_labels == [C.btn_resolve]
    await admin.press(C.btn_resolve)
    await admin.send("已协调退还")
    assert "状态：已办结（操作人：王主任，" in card.text
    assert card.button_labels == []


async def test_a_redrawn_complaint_card_in_english(harness: BotHarness) -> None:
    en = get_texts("en")
    admin = harness.user(ADMIN_ID, first_name="Wang", language_code="en")
    await admin.send("/start")
    ref = _ref(await _file(harness.user(5003), anonymous=False))
    await admin.send("/complaints")
    await admin.press(ref)
    card = admin.last
    await admin.press(en.complaints.btn_handling)
    assert "Status: Being handled (by Wang, " in card.text
    assert card.button_labels == [en.complaints.btn_resolve]


async def test_anonymous_complaint_never_reveals_the_complainant(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    admin, other = harness.user(ADMIN_ID), harness.user(OTHER_ADMIN_ID)
    secret_id, name, username = 7771234567, "王秘密", "wang_mimi"
    resident = harness.user(secret_id, first_name=name, username=username)
    photo_id = "AgACAgUAAxkBAAIB"  # real file ids are opaque; the emulator's embed the user id
    harness.emulator.files[photo_id] = ("p.jpg", b"\xff\xd8jpeg", "image/jpeg")
    # INFO is the production level; at DEBUG, aiosqlite and PTB log every statement and
    # update with their parameters, which no privacy promise survives.
    with caplog.at_level(logging.INFO):
        done = await _file(resident, anonymous=True, photo_file_id=photo_id)
        ref = _ref(done)
        code = re.search(r"查询码：(\S+)", done)
        assert code, done
        token = code.group(1)
        await admin.press(C.btn_handling)
    identity = (str(secret_id), name, username)

    # Staff in the bot: the card says 匿名 and the photo arrives, but no name, id or username.
    staff_text = _admin_texts(admin, other)
    assert any(ref in text and "提交人：匿名" in text for text in staff_text)
    assert any(m.photo is not None for m in admin.bot_messages)
    for text in staff_text:
        assert not any(i in text for i in identity), text
    # Nor in the logs of the whole exchange (every logger, INFO and up).
    for record in caplog.records:
        message = record.getMessage()
        assert not any(i in message for i in identity), message
        assert token not in message

    # No push for an anonymous complaint; the check-code button shows the progress instead.
    assert "新进展" not in resident.last.text
    progress = await resident.press(C.btn_check)
    assert ref in progress.last.text
    assert "处理中" in progress.last.text
    forged = await resident.press_data(callbacks.encode("cpchk", ref, "A" * 22))
    assert forged.last.text == C.check_unknown
    stranger = harness.user(5002)
    assert ref in (await stranger.send(f"/complaint_status {ref} {token}")).last.text
    assert (await stranger.send(f"/complaint_status {ref}")).last.text == C.check_unknown

    await _export_has_no_identity(harness, ref, identity)
    await _store_does_not_link(harness, ref, token, secret_id, identity)


async def _export_has_no_identity(
    harness: BotHarness, ref: str, identity: tuple[str, ...]
) -> None:
    """Exports (the staff's complaint sheet) carry no identity either."""
    exported = await harness.running.services.exports.export(
        ExportKind.COMPLAINTS, ExportFormat.CSV, ZH, actor_id=ADMIN_ID
    )
    csv_text = exported.files[0].data.decode("utf-8-sig")
    exported.cleanup()
    assert ref in csv_text
    assert WHAT in csv_text
    assert not any(i in csv_text for i in identity)


async def _store_does_not_link(
    harness: BotHarness, ref: str, token: str, secret_id: int, identity: tuple[str, ...]
) -> None:
    """The database: no row links the complaint to the person, and the code itself is not there."""
    await harness.running.services.db.checkpoint()
    rows = _all_rows(harness.settings)
    for table, row in rows:
        text = " ".join(str(v) for v in row)
        if WHAT in text or ref in text:
            assert not any(i in text for i in identity), (table, row)
        if str(secret_id) in text:
            assert not any(s in text for s in (WHAT, ref, token)), (table, row)
    assert sum(1 for _, row in rows if any(v == str(secret_id) or v == secret_id for v in row))
    raw = harness.settings.db_path.read_bytes()
    assert token.encode() not in raw
    wal = harness.settings.db_path.with_name(harness.settings.db_path.name + "-wal")
    assert not wal.exists() or token.encode() not in wal.read_bytes()


def _all_rows(settings: Settings) -> list[tuple[str, tuple[Any, ...]]]:
    """Every row of every table, read with a plain sqlite3 connection."""
    with sqlite3.connect(settings.db_path) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return [(t, tuple(row)) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')]


async def test_change_cancel_and_validation(harness: BotHarness) -> None:
    resident = harness.user(5003)
    await resident.send("/complaint")
    too_short = await resident.send("太短")
    # Each refusal says why, then asks the same question again.
    assert too_short.last.text.startswith(C.what_length.format(min=5, max=2000, length=2))
    assert "2001 个字。" in (await resident.send("x" * 2001)).last.text
    await resident.send(WHAT)
    too_long = (await resident.send("a" * 201)).last.text
    assert too_long == C.field_length.format(max=200) + "\n\n" + plain(C.ask_department)
    await resident.send("某单位")
    await resident.send("昨天")
    assert (await resident.send("这里没有照片")).last.text.startswith(C.photo_expected)
    await resident.send("跳过")
    await resident.press(C.btn_named)
    assert "某单位" in resident.last.text
    await resident.press(ZH.form.btn_edit)
    assert (await resident.press(C.btn_edit_department)).last.text == plain(C.ask_department)
    summary = await resident.send("镇综合执法队")
    assert "镇综合执法队" in summary.last.text
    assert "某单位" not in summary.last.text
    # A button from an earlier step is stale now: answered politely, current step asked again.
    replies = await resident.press_data(FormButton("cpl", "c", "anonymous", "anonymous").pack())
    assert replies.toast == ZH.form.reprompt_other.format(dialog=DOING)
    assert "请核对" in replies.last.text
    cancelled = await resident.press(ZH.form.btn_cancel)
    assert cancelled.last.text == ZH.form.cancelled.format(dialog=DOING)
    assert await harness.running.services.complaints.mine(5003) == []
    assert dialog_of(harness, 5003) is None


async def test_menu_button_and_restart_mid_dialog(harness: BotHarness) -> None:
    resident = harness.user(5004)
    await resident.send("/start")
    assert "第 1 步" in (await resident.press(ZH.common.btn_complaint)).last.text
    await resident.send(WHAT)
    await harness.restart()
    assert (await resident.send("镇市场监管所")).last.text.startswith("第 3 步")


async def test_staff_tools_refuse_residents(harness: BotHarness) -> None:
    resident = harness.user(5005)
    admin = harness.user(ADMIN_ID)
    await _file(harness.user(5006), anonymous=False)
    assert (await resident.send("/complaints")).last.text == ZH.common.not_allowed
    for feature in ("cphand", "cpres", "cpview"):
        replies = await resident.press_data(callbacks.encode(feature, 1))
        assert replies.toast == ZH.common.not_allowed
    async with harness.running.services.db.read() as conn:
        denied = [e.action for e in await list_audit(conn) if e.action.startswith("denied:")]
    assert sorted(denied) == sorted(
        ["denied:complaints", "denied:cphand", "denied:cpres", "denied:cpview"]
    )
    complaint = await harness.running.services.complaints.get(1)
    assert complaint is not None
    assert complaint.status.value == "received"
    # The admin sees the open list and can open a card from it.
    listing = await admin.send("/complaints")
    assert plain(C.open_title.format(count=1)) in listing.text
    card = await admin.press(complaint.ref_no)
    assert WHAT in card.last.text


async def test_dialog_starts_are_rate_limited(settings: Settings) -> None:
    limited = dataclasses.replace(settings, limits=Limits(dialogs_per_hour=1))
    async with bot_harness(limited) as harness:
        resident, admin = harness.user(5007), harness.user(ADMIN_ID)
        await resident.send("/complaint")
        await resident.send("/cancel")
        again = await resident.send("/complaint")
        assert again.last.text.startswith("您发得有点快")
        for _ in range(3):  # staff are exempt
            assert "第 1 步" in (await admin.send("/complaint")).last.text
            await admin.send("/cancel")


# An ordinary afternoon in the town (14:37:42 local), far from any midnight.
SUBMIT_AT = datetime(2026, 12, 1, 6, 37, 42, 123456, tzinfo=UTC)
DB_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _linked_times(settings: Settings, user_id: int) -> dict[tuple[str, str], set[datetime]]:
    """Every stored time in a row that names ``user_id`` (by value or inside a key), by row."""
    found: dict[tuple[str, str], set[datetime]] = {}
    for table, row in _all_rows(settings):
        if not any(v == user_id or str(user_id) in str(v) for v in row):
            continue
        times = {
            datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            for v in row
            if isinstance(v, str) and DB_TIME_RE.match(v)
        }
        found[(table, repr(row[:2]))] = times
    return found


async def test_no_row_of_an_anonymous_complainant_is_dated_near_the_submit(
    settings: Settings,
) -> None:
    clock = FakeClock(SUBMIT_AT - timedelta(minutes=9))
    async with bot_harness(settings, clock=clock) as harness:
        secret_id = 7770001
        resident, admin = harness.user(secret_id, first_name="匿名者"), harness.user(ADMIN_ID)
        await admin.send("/start")
        await resident.send("/start")
        await resident.send("/complaint")
        for answer in (WHAT, "镇市场监管所", "上周三上午"):
            clock.advance(minutes=1)
            await resident.send(answer)
        await resident.press(C.btn_skip)
        await resident.press(C.btn_anonymous)
        await harness.running.services.db.checkpoint()
        before = _linked_times(settings, secret_id)
        clock.now = SUBMIT_AT
        done = await resident.press(ZH.form.btn_submit)
        assert "查询码" in done.last.text
        clock.advance(minutes=2)
        await admin.press(C.btn_handling)
        await harness.running.services.db.checkpoint()
        after = _linked_times(settings, secret_id)

    # The resident's rows exist (users, ptb_user_data) and are dated, but only by the day ...
    assert any(times for times in after.values()), after
    for row, times in after.items():
        for moment in times:
            assert abs(moment - SUBMIT_AT) >= timedelta(hours=1), (row, moment)
    # ... and the submit re-dated none of them: each time was already there before it.
    for row, times in after.items():
        assert times <= set().union(*before.values()), (row, times, before)


async def test_anonymous_filing_date_is_the_towns_day_not_utcs(settings: Settings) -> None:
    # 05:00 on New Year's Day in the town is still 31 December in UTC.
    clock = FakeClock(datetime(2026, 12, 31, 21, 0, tzinfo=UTC))
    async with bot_harness(settings, clock=clock) as harness:
        admin, resident = harness.user(ADMIN_ID), harness.user(5010)
        done = await _file(resident, anonymous=True)
        ref = _ref(done)
        assert ref == "TS-2027-0001"
        assert any(f"{ref}（2027-01-01）" in text for text in _admin_texts(admin))
        assert "提交日期：2027-01-01" in (await resident.press(C.btn_check)).last.text
        code = re.search(r"查询码：(\S+)", done)
        assert code, done
        complaint = await harness.running.services.complaints.check(0, ref, code.group(1))
    assert complaint is not None
    # Stored as the town's midnight (16:00 UTC the day before), not as UTC midnight.
    assert complaint.created_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("what", ["😡😡😡😡😡", "！！！？？？……", "😡😡😡😡a", "…… 12345 ……"])
async def test_emoji_or_punctuation_is_not_a_description(harness: BotHarness, what: str) -> None:
    resident = harness.user(5101)
    await resident.send("/complaint")
    replies = await resident.send(what)
    assert replies.last.text.startswith(C.what_no_words)
    assert "what" not in draft_of(harness, 5101, "complaint")
    # A few words with the emoji are fine.
    assert (await resident.send("😡😡 多收费 😡😡")).last.text == plain(C.ask_department)


async def test_back_goes_to_the_previous_question_and_keeps_the_rest(
    harness: BotHarness,
) -> None:
    resident = harness.user(5102)
    await resident.send("/complaint")
    assert (await resident.send("/back")).text.startswith(ZH.form.back_at_first)
    await resident.send(WHAT)
    await resident.send("镇市场监管所")
    assert (await resident.send("/back")).last.text == plain(C.ask_department)
    draft = draft_of(harness, 5102, "complaint")
    assert draft["what"] == WHAT
    # /back keeps the answer (as in every dialog): typing a new one replaces it.
    assert draft["department"] == "镇市场监管所"
    await resident.send("镇城管中队")
    await resident.send("上周三上午")
    await resident.press(C.btn_skip)
    await resident.press(C.btn_named)
    assert "请核对" in resident.last.text
    # From the summary, /back asks named or anonymous again; the answers are kept.
    assert "第 5 步" in (await resident.send("/back")).last.text
    summary = await resident.press(C.btn_anonymous)
    assert "镇城管中队" in summary.last.text
    assert C.mode_anonymous in summary.last.text


async def test_resident_hears_first_and_a_retried_photo_does_not_repeat_the_card(
    harness: BotHarness,
) -> None:
    """The filer's confirmation goes out before staff cards; a failed photo is resent alone."""
    order: list[int] = []
    harness.emulator.message_listeners.append(lambda m: order.append(m.chat_id))
    staff = harness.user(ADMIN_ID)
    await staff.send("/start")
    user = harness.user(8123)
    photo_id = harness.emulator.user_file(("p.jpg", b"\xff\xd8\xff\xd9", "image/jpeg"))
    # A server error on the first photo to staff: the photo is retried, not the card.
    harness.emulator.fail_next("sendPhoto", 500, "Internal Server Error", chat_id=ADMIN_ID)
    order.clear()
    await _file(user, anonymous=False, photo_file_id=photo_id)
    assert order[0] == 8123  # the resident's confirmation comes before any staff card
    cards = [m for m in staff.bot_messages if m.inline_buttons and "镇市场监管所" in m.text]
    photos = [m for m in staff.bot_messages if m.photo is not None]
    assert len(cards) == 1
    assert len(photos) == 1
