"""Staff /broadcast: preview, confirm, background send with counts, audiences, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from db import broadcasts as broadcasts_repo
from db import trainings as trainings_repo
from db import users as users_repo
from db.audit import list_audit
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")
EN = get_texts("en")
DOING = dict(ZH.common.dialog_names)["broadcast"]
NON_TEXT = ZH.form.reprompt_non_text.format(dialog=DOING)
OTHER = ZH.form.reprompt_other.format(dialog=DOING)
CANCELLED = ZH.form.cancelled.format(dialog=DOING)
NOW = datetime(2026, 11, 20, tzinfo=UTC)
TEXT = "明天<b>开会</b> & 请带好材料"


async def residents(harness: BotHarness, ids: range) -> list[SimUser]:
    users = [harness.user(uid) for uid in ids]
    for user in users:
        await user.send("/start")
    return users


async def start_broadcast(admin: SimUser, text: str = TEXT) -> None:
    asked = await admin.send("/broadcast")
    assert "请发送要群发的通知内容" in asked.text
    offered = await admin.send(text)
    assert offered.last.text == ZH.broadcast.ask_audience


async def test_broadcast_to_everyone_counts_blocked_and_failed(harness: BotHarness) -> None:
    people = await residents(harness, range(601, 609))
    people[1].block_bot()
    people[4].block_bot()
    english = harness.user(609, language_code="en")
    await english.send("/start")
    admin = harness.user(ADMIN_ID)
    await start_broadcast(admin)
    # 8 residents + 1 English resident, all active (blocking is not known yet); the admin,
    # active too, is staff and not one of "all residents" (issue 15.5).
    preview = await admin.press("所有居民（9 人，不含工作人员）")
    notice_text = preview.messages[0].text
    assert notice_text == f"📢 {harness.settings.office.name}通知\n\n{TEXT}"
    assert preview.messages[0].html is not None
    assert "&lt;b&gt;" in preview.messages[0].html
    assert preview.last.text == "确认发给所有居民（9 人）吗？"
    harness.emulator.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=607)
    started = await admin.press(ZH.broadcast.btn_send)
    assert ZH.broadcast.started.format(count=9) in started.text
    await harness.running.services.broadcasts.wait_idle()
    assert admin.last.text == ZH.broadcast.done.format(id=1, delivered=6, blocked=2, failed=1)
    # The admin saw the preview only, no copy of the broadcast.
    assert [m.text for m in admin.bot_messages].count(notice_text) == 1
    for person in (people[0], people[2], people[7]):
        assert person.last.text == notice_text
    assert english.last.text.startswith("📢 Notice from")
    assert TEXT in english.last.text
    assert all(TEXT not in m.text for m in people[6].bot_messages)  # the failed one
    async with harness.running.services.db.read() as conn:
        stored = await broadcasts_repo.get_broadcast(conn, 1)
        blocked = await users_repo.get_user(conn, 602)
        assert await broadcasts_repo.get_broadcast(conn, 2) is None
    assert stored is not None
    assert stored.text == TEXT
    assert stored.tag is None
    assert (stored.delivered, stored.blocked, stored.failed) == (6, 2, 1)
    assert stored.finished_at is not None
    assert blocked is not None
    assert not blocked.is_active
    # Replaying the confirm button sends nothing again.
    confirm_message = next(m for m in admin.bot_messages if m.text.startswith("📤"))
    replay = await admin.press_data("v1:bc:send", message=confirm_message)
    assert replay.toast == ZH.common.stale_button
    await harness.running.services.broadcasts.wait_idle()
    async with harness.running.services.db.read() as conn:
        assert await broadcasts_repo.get_broadcast(conn, 2) is None
    # A second broadcast no longer counts the blocked users.
    await start_broadcast(admin, "第二条")
    assert "所有居民（7 人，不含工作人员）" in admin.last.button_labels


async def test_broadcast_to_a_tag_and_survives_a_restart(harness: BotHarness) -> None:
    people = await residents(harness, range(611, 616))
    async with harness.running.services.db.write() as conn:
        await trainings_repo.set_subscribed(conn, 611, "建筑模板", True, now=NOW)
        await trainings_repo.set_subscribed(conn, 612, "建筑模板", True, now=NOW)
        await trainings_repo.set_subscribed(conn, 613, "*", True, now=NOW)
        await trainings_repo.set_subscribed(conn, 614, "食用菌", True, now=NOW)
    admin = harness.user(ADMIN_ID)
    await start_broadcast(admin)
    labels = admin.last.button_labels
    assert "订阅“建筑模板”的（2 人）" in labels  # '*' subscribers are not a tag of their own
    await harness.restart()
    preview = await admin.press("建筑模板")
    assert preview.last.text == "确认发给订阅“建筑模板”的用户（3 人）吗？"
    await admin.press(ZH.broadcast.btn_send)
    await harness.running.services.broadcasts.wait_idle()
    assert admin.last.text == ZH.broadcast.done.format(id=1, delivered=3, blocked=0, failed=0)
    assert [TEXT in p.last.text for p in people] == [True, True, True, False, False]
    async with harness.running.services.db.read() as conn:
        stored = await broadcasts_repo.get_broadcast(conn, 1)
    assert stored is not None
    assert stored.tag == "建筑模板"


async def test_broadcast_cancel_reprompt_and_limits(harness: BotHarness) -> None:
    await residents(harness, range(621, 623))
    admin = harness.user(ADMIN_ID)
    await admin.send("/broadcast")
    # Every refusal says why and asks the same question again, as in every dialog.
    too_long = await admin.send("字" * 3501)
    assert too_long.text.startswith(ZH.broadcast.too_long.format(length=3501, limit=3500))
    assert (await admin.send_sticker()).text.startswith(NON_TEXT)
    await admin.send("通知")
    assert (await admin.send("随便说点")).text == f"{OTHER}\n\n{ZH.broadcast.ask_audience}"
    assert (await admin.send("/stats")).text == f"{OTHER}\n\n{ZH.broadcast.ask_audience}"
    await admin.press("所有居民（2 人，不含工作人员）")
    assert (await admin.send("还在吗")).text.startswith(OTHER)
    cancelled = await admin.press(ZH.broadcast.btn_cancel)
    assert cancelled.last.text == CANCELLED
    await admin.send("/broadcast")
    assert (await admin.send("/cancel")).text == CANCELLED
    await harness.running.services.broadcasts.wait_idle()
    async with harness.running.services.db.read() as conn:
        assert await broadcasts_repo.get_broadcast(conn, 1) is None
    assert all("通知" not in m.text for m in harness.user(621).bot_messages)


async def test_broadcast_refused_to_residents(harness: BotHarness) -> None:
    (resident,) = await residents(harness, range(631, 632))
    assert (await resident.send("/broadcast")).texts == [ZH.common.not_allowed]
    for data in ("v1:bc:send", "v1:bc:all"):
        forged = await resident.press_data(data, message=resident.last)
        assert forged.toast == ZH.common.not_allowed
    assert (await resident.send("你好")).last.text != ZH.broadcast.ask_audience
    async with harness.running.services.db.read() as conn:
        assert await broadcasts_repo.get_broadcast(conn, 1) is None
        actions = [e.action for e in await list_audit(conn, actor_id=631)]
    assert sorted(actions) == ["denied:bc", "denied:bc", "denied:broadcast"]
