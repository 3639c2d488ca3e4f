"""English training titles (issue 15, English mode): /newtraining asks for an optional English
title; residents who use the bot in English read it on cards, confirmations, reminders,
notices and the .ics file, and the Chinese title where there is none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.services.trainings import TrainingDraft
from bot.settings import Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from handlers.trainings import dispatch
from tests.conftest import ADMIN_ID

ZH = get_texts("zh")
EN = get_texts("en")
T = ZH.trainings
START = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # 5 Dec 14:00 Shanghai; the clock: 1 Dec
TITLE, TITLE_EN = "模板加工技术培训", "Formwork processing training"


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[BotHarness]:
    async with bot_harness(settings, clock=clock) as h:
        yield h


async def english_resident(h: BotHarness, uid: int, *, subscribe: bool = False) -> SimUser:
    user = h.user(uid, language_code="en")
    await user.send("/start")
    if subscribe:
        await user.send("/subscribe")
        await user.press("建筑模板")
    return user


async def english_title(h: BotHarness, tid: int) -> str:
    training = await h.running.services.trainings.get(tid)
    assert training is not None
    return training.title_en


async def publish_by_dialog(h: BotHarness, title_en: str) -> SimUser:
    admin = h.user(ADMIN_ID)
    await admin.send("/newtraining")
    asked = await admin.send(TITLE)
    assert "英文标题" in asked.last.text  # asked right after the title, optional
    assert "跳过" in asked.last.text
    await admin.send(title_en)
    for answer in ("建筑模板", "返乡创业人员", "12月5日 14:00", "2小时", "镇政府三楼会议室", "30"):
        await admin.send(answer)
    await admin.send("无")
    return admin


async def test_the_english_title_reaches_english_residents(
    bot: BotHarness, clock: FakeClock
) -> None:
    english = await english_resident(bot, 7101, subscribe=True)
    chinese = bot.user(7102)
    await chinese.send("/subscribe")
    await chinese.press("建筑模板")
    admin = await publish_by_dialog(bot, TITLE_EN)
    assert f"🔤 {TITLE_EN}" in admin.last.text  # the summary shows it
    await admin.press(T.btn_publish)
    [training] = await bot.running.services.trainings.list_sessions()
    assert (training.title, training.title_en) == (TITLE, TITLE_EN)
    await dispatch(bot.running.app)
    assert TITLE_EN in english.last.text  # the announcement
    assert TITLE not in english.last.text
    assert TITLE in chinese.last.text
    assert TITLE_EN not in chinese.last.text
    card = await english.send("/trainings")
    assert TITLE_EN in card.text
    joined = await english.press(EN.trainings.btn_join)
    assert f"Signed up for {TITLE_EN}" in joined.text
    await english.press(EN.trainings.btn_calendar)
    _, content, _ = english.documents[-1].document or ("", b"", "")
    assert f"SUMMARY:{TITLE_EN}" in content.decode()
    assert TITLE_EN in str(english.documents[-1].text)  # the caption
    clock.now = START - timedelta(hours=24)
    await dispatch(bot.running.app)
    reminder = english.last.text
    assert "Reminder" in reminder
    assert TITLE_EN in reminder


async def test_skip_keeps_it_empty_and_english_readers_see_the_chinese_title(
    bot: BotHarness,
) -> None:
    english = await english_resident(bot, 7103)
    admin = await publish_by_dialog(bot, "跳过")
    assert f"🔤 {T.none_value}" in admin.last.text
    await admin.press(T.btn_publish)
    [training] = await bot.running.services.trainings.list_sessions()
    assert training.title_en == ""
    card = await english.send("/trainings")
    assert TITLE in card.text  # visibly untranslated, as the other *_en names fall back
    await english.press(EN.trainings.btn_join)
    await english.press(EN.trainings.btn_calendar)
    _, content, _ = english.documents[-1].document or ("", b"", "")
    assert f"SUMMARY:{TITLE}" in content.decode()


async def test_a_too_long_english_title_is_asked_again(bot: BotHarness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/newtraining")
    await admin.send(TITLE)
    refused = await admin.send("x" * 201)
    assert "英文标题" in refused.last.text
    assert "tags" not in str(bot.running.app.user_data[ADMIN_ID]["form"]["draft"])
    await admin.send(TITLE_EN)
    assert bot.running.app.user_data[ADMIN_ID]["form"]["draft"]["title_en"] == TITLE_EN


async def test_staff_set_and_clear_the_english_title_of_a_session(bot: BotHarness) -> None:
    draft = TrainingDraft(TITLE, START, START + timedelta(hours=2), "镇政府三楼会议室", 30)
    tid = (await bot.running.services.trainings.create(draft, actor=ADMIN_ID)).training.id
    english = await english_resident(bot, 7104)
    admin = bot.user(ADMIN_ID)
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    await admin.press(T.btn_edit_title_en)
    await admin.send(TITLE_EN)
    assert await english_title(bot, tid) == TITLE_EN
    assert TITLE_EN in (await english.send("/trainings")).text
    await admin.send("/trainings")
    await admin.press(T.btn_manage)
    await admin.press(T.btn_edit_title_en)
    await admin.send("跳过")
    assert await english_title(bot, tid) == ""
    assert TITLE in (await english.send("/trainings")).text
