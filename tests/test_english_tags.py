"""English mode for training tags and the review card (tester3 #5): an industry tag reads as
the town's English name for it, a theme by the texts' English name, everywhere an English
reader sees a tag (/subscribe, its summary, /mydata, session cards, the announcement); staff
may type them in English; the /review card names the industry and applicant type in English."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.settings import Settings, TownSettings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from handlers.trainings import dispatch
from tests.conftest import ADMIN_ID
from tests.seed import add_project, publish_training

EN, ZH = get_texts("en"), get_texts("zh")
APPLICANTS = ("返乡创业人员", "个体工商户")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    """A town with English names for its industries and applicant types."""
    town = TownSettings(
        name="测试镇",
        villages=("东关村", "西河村"),
        villages_en=("Dongguan", "Xihe"),
        industries=("建筑模板", "食用菌"),
        industries_en=("Building formwork", "Edible fungi"),
        applicant_types=APPLICANTS,
        applicant_types_en=("Returnee", "Sole trader"),
    )
    async with bot_harness(dataclasses.replace(settings, town=town), clock=FakeClock()) as h:
        yield h


async def test_an_english_resident_subscribes_by_english_names(bot: BotHarness) -> None:
    user = bot.user(8201, language_code="en")
    offered = (await user.send("/subscribe")).last.button_labels
    labels = " | ".join(offered)
    assert "Edible fungi" in labels
    assert "Business management" in labels
    assert "食用菌" not in labels
    assert "经营管理" not in labels
    picked = await user.press("Edible fungi")
    assert "Now: Edible fungi" in picked.edited[-1].text
    saved = await user.press(EN.trainings.btn_done)
    assert "Saved. Now: Edible fungi" in saved.edited[-1].text
    assert await bot.running.services.trainings.subscriptions(8201) == {"食用菌"}  # stored as is
    mine = (await user.send("/mydata")).text
    assert "Training news subscriptions: Edible fungi" in mine


async def test_cards_and_announcements_name_tags_in_the_readers_language(
    bot: BotHarness,
) -> None:
    english, chinese = bot.user(8202, language_code="en"), bot.user(8203)
    for user, label in ((english, "Edible fungi"), (chinese, "食用菌")):
        await user.send("/subscribe")
        await user.press(label)
    await publish_training(bot, tags=("食用菌", "电子商务", "大棚"))
    await dispatch(bot.running.app)
    # A tag staff made up ("大棚") has no English name: it shows as typed.
    in_english, in_chinese = {"Edible fungi", "E-commerce", "大棚"}, {"食用菌", "电子商务", "大棚"}
    assert tags_line(english.last.text) == in_english  # the announcement
    assert tags_line(chinese.last.text) == in_chinese
    assert tags_line((await english.send("/trainings")).text) == in_english  # the card
    assert tags_line((await chinese.send("/trainings")).text) == in_chinese
    # The calendar file's categories too.
    await english.send("/trainings")
    await english.press(EN.trainings.btn_join)
    await english.press(EN.trainings.btn_calendar)
    _, content, _ = english.documents[-1].document or ("", b"", "")
    assert "Edible fungi" in content.decode()
    assert "食用菌" not in content.decode()


def tags_line(text: str) -> set[str]:
    """The tags a card or announcement shows on its 🏷 line."""
    [line] = [line for line in text.splitlines() if line.startswith("🏷 ")]
    return set(line.removeprefix("🏷 ").split(" · "))


async def test_english_staff_type_tags_in_english_and_they_reach_subscribers(
    bot: BotHarness,
) -> None:
    admin = bot.user(ADMIN_ID, language_code="en")
    await admin.send("/newtraining")
    await admin.send("Mushroom drying")
    asked = await admin.send("skip")
    assert "Building formwork" in asked.text  # the common tags, in English
    await admin.send("edible fungi, E-Commerce")
    for answer in ("-", "12月5日 14:00", "2h", "Town hall", "30"):
        await admin.send(answer)
    summary = (await admin.send("-")).text
    assert tags_line(summary) == {"Edible fungi", "E-commerce"}
    await admin.press(EN.trainings.btn_publish)
    [training] = await bot.running.services.trainings.list_sessions()
    assert set(training.tags) == {"食用菌", "电子商务"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_review_card_names_industry_and_applicant_type_in_the_staff_language(
    bot: BotHarness, lang: str
) -> None:
    await bot.user(8204).send("/start")
    async with bot.running.services.db.write() as conn:
        await add_project(
            conn,
            8204,
            now=bot.running.services.clock(),
            village="东关村",
            industry="食用菌",
            applicant_type="个体工商户",
        )
    card = (await bot.user(ADMIN_ID, language_code=lang).send("/review")).text
    if lang == "en":
        for english in ("Dongguan", "Edible fungi", "Sole trader"):
            assert english in card
        for chinese in ("东关村", "食用菌", "个体工商户"):
            assert chinese not in card
    else:
        for chinese in ("东关村", "食用菌", "个体工商户"):
            assert chinese in card
