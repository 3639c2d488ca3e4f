"""English mode (issue 15): the office, villages, industries and applicant types in English
where the deployer gave ``*_en`` names (the Chinese name where not), amounts in millions, and
dates no reader can take for another day."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.services.registration import NOTE_MAX_CHARS
from bot.settings import (
    OfficeContact,
    Settings,
    SettingsError,
    TownSettings,
    settings_from_mapping,
)
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db import projects as projects_repo
from tests.conftest import ADMIN_ID
from tests.dialog_state import draft_of
from tests.seed import publish_training
from tests.test_knowledge_content import KB

EN = get_texts("en")
VILLAGES = ("东关村", "西河村", "南岭村")
INDUSTRIES = ("建筑模板", "食用菌")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    """A town with English names for its villages and industries but not its applicant types."""
    town = TownSettings(
        name="测试镇",
        name_en="Ceshi Town",
        villages=VILLAGES,
        villages_en=("Dongguan", "Xihe", "Nanling"),
        industries=INDUSTRIES,
        industries_en=("Building formwork", "Edible fungi"),
    )
    office = dataclasses.replace(settings.office, name_en="Ceshi Entrepreneurship Office")
    tuned = dataclasses.replace(settings, town=town, office=office)
    async with bot_harness(tuned, clock=FakeClock()) as h:
        yield h


async def test_registration_offers_english_names_and_files_the_chinese(bot: BotHarness) -> None:
    user = bot.user(8101, language_code="en")
    await user.send("/register")
    await user.send("Mushroom sheds")
    assert {"Building formwork", "Edible fungi"} <= set(user.last.button_labels)
    await user.press("Edible fungi")
    assert {"Dongguan", "Xihe", "Nanling"} <= set(user.last.button_labels)
    await user.send("Xihe")  # typed in English works too
    # No English names for applicant types: the Chinese ones are shown, not hidden.
    assert "返乡创业人员" in user.last.button_labels
    await user.press("返乡创业人员")
    await user.send("50")
    await user.send("8")
    await user.press(EN.registration.btn_share_phone)
    await user.press(EN.registration.btn_no_referrer)
    summary = user.last.text
    assert "Xihe" in summary
    assert "Edible fungi" in summary
    await user.press(EN.form.btn_submit)
    async with bot.running.services.db.read() as conn:
        [project] = await projects_repo.list_projects(conn, user_id=8101)
    assert (project.village, project.industry) == ("西河村", "食用菌")
    mine = (await user.send("/mydata")).text
    assert "Xihe · Edible fungi" in mine
    admin = bot.user(ADMIN_ID, language_code="en")
    stats = (await admin.send("/stats")).texts[0]
    assert "Xihe" in stats
    assert "西河村" not in stats


async def test_english_names_and_other_typed_in_any_case_are_their_buttons(
    bot: BotHarness,
) -> None:
    user = bot.user(8105, language_code="en")
    await user.send("/register")
    await user.send("Mushroom sheds")
    await user.send("edible FUNGI")
    assert draft_of(bot, user.id, "registration")["industry"] == "食用菌"
    assert "Dongguan" in user.last.button_labels  # on to the village
    await user.send("/back")
    asked = (await user.send(EN.registration.btn_other.lower())).last.text
    assert asked == EN.registration.step_industry_other.format(limit=NOTE_MAX_CHARS)


async def test_the_office_is_named_in_english_where_configured(bot: BotHarness) -> None:
    user = bot.user(8102, language_code="en")
    answer = (await user.send("How do I contact the office?")).text
    assert "Ceshi Entrepreneurship Office" in answer
    assert bot.settings.office.name not in answer
    sticker = (await user.send_sticker()).last.text
    assert "Call Ceshi Entrepreneurship Office" in sticker


async def test_without_an_english_name_the_chinese_one_shows(settings: Settings) -> None:
    office = OfficeContact(name="测试镇创业办", phone="0000-1234567")
    async with bot_harness(dataclasses.replace(settings, office=office)) as h:
        user = h.user(8103, language_code="en")
        assert "Call 测试镇创业办" in (await user.send_voice()).last.text


async def test_english_dates_spell_the_month(bot: BotHarness) -> None:
    start = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # Sat 5 Dec 14:00 in the town
    await publish_training(bot, start, title="Formwork course", place="Town hall", capacity=5)
    card = (await bot.user(8104, language_code="en").send("/trainings")).text
    assert "Sat 5 Dec 14:00–16:00" in card
    assert "5/12" not in card


def test_english_names_must_match_the_chinese_ones_one_for_one() -> None:
    raw = {"town": {"villages": ["东关村", "西河村"], "villages_en": ["Dongguan"]}}
    with pytest.raises(SettingsError, match=r"town\.villages_en"):
        settings_from_mapping(raw)
    ok = settings_from_mapping({"town": {"villages": ["东关村"], "villages_en": ["Dongguan"]}})
    assert ok.town.label("东关村", "en") == "Dongguan"
    assert ok.town.label("东关村", "zh") == "东关村"
    assert ok.town.label("不认识的村", "en") == "不认识的村"


def test_amounts_in_yi_read_as_millions() -> None:
    assert "110 million yuan" in KB.by_id["loan"].answer_en
    assert "1.06 billion yuan" in KB.by_id["results"].answer_en
