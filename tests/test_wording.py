"""One wording for an unpublished contact detail, and the town's own name in English texts."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import OfficeContact, Settings, TownSettings, load_settings
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from knowledge.render import NOT_CONFIGURED

ZH = get_texts("zh").common
EN = get_texts("en").common


@pytest.fixture
async def unpublished(settings: Settings) -> AsyncIterator[BotHarness]:
    """A bot whose office has a name but no phone, address or hours yet."""
    office = OfficeContact(name="测试镇创业办", phone="", address="", hours="")
    async with bot_harness(dataclasses.replace(settings, office=office)) as h:
        yield h


async def test_answers_and_the_contact_block_word_a_missing_phone_alike(
    unpublished: BotHarness,
) -> None:
    resident = unpublished.user(4401)
    answer = (await resident.send("创业办电话多少")).last.text
    assert f"电话：{ZH.not_configured}" in answer
    assert NOT_CONFIGURED["zh"] not in answer
    english = unpublished.user(4402, language_code="en")
    answer_en = (await english.send("how can i contact the office")).last.text
    assert EN.not_configured in answer_en
    assert NOT_CONFIGURED["en"] not in answer_en


async def test_english_texts_use_the_english_town_name(settings: Settings) -> None:
    town = TownSettings(name="测试镇", name_en="Ceshi Town")
    async with bot_harness(dataclasses.replace(settings, town=town)) as h:
        english = h.user(4403, language_code="en", first_name="Ann")
        greeting = (await english.send("/start")).last.text
        assert "Ceshi Town" in greeting
        assert "测试镇" not in greeting
        assert "Ceshi Town" in (await english.send("how can i contact the office")).last.text
        assert "测试镇" in (await h.user(4404).send("/start")).last.text


async def test_english_greeting_without_a_configured_name(harness: BotHarness) -> None:
    greeting = (await harness.user(4405, language_code="en").send("/start")).last.text
    assert "our town" in greeting
    assert "测试镇" not in greeting


def test_town_name_en_is_read_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[town]\nname = "示例镇"\nname_en = "Shili Town"\n', encoding="utf-8")
    town = load_settings(config, environ={}).town
    assert (town.name_for("zh"), town.name_for("en")) == ("示例镇", "Shili Town")
    assert TownSettings().name_for("en") == "our town"
