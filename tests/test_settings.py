"""Settings: lookup order, validation messages, and the token never leaking."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import DEFAULT_VILLAGES, SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults_work_without_any_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./config.toml here
    settings = load_settings(None, environ={})
    assert settings.token is None
    assert settings.db_path == Path("data/chuangye.sqlite3")
    assert settings.timezone_name == "Asia/Shanghai"
    assert len(settings.town.villages) == len(DEFAULT_VILLAGES) == 15
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))


def test_toml_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[bot]\nadmin_ids = [1, 2]\ndatabase = "x.sqlite3"\n'
        '[town]\nname = "洼地镇"\nvillages = ["东村", "西村"]\n'
        "[trainings]\nreminder_offsets_hours = [1, 24, 2]\n",
        encoding="utf-8",
    )
    settings = load_settings(
        config, environ={"CHUANGYE_ADMIN_IDS": "7, 8", "CHUANGYE_TOKEN": TOKEN}
    )
    assert settings.admin_ids == frozenset({7, 8})  # the environment wins
    assert settings.db_path == Path("x.sqlite3")
    assert settings.town.villages == ("东村", "西村")
    assert settings.reminder_offsets == tuple(timedelta(hours=h) for h in (24, 2, 1))
    assert settings.token is not None
    assert settings.token.reveal() == TOKEN


def test_config_file_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[office]\nphone = "0530-1234567"\n', encoding="utf-8")
    settings = load_settings(None, environ={"CHUANGYE_CONFIG": str(config)})
    assert settings.office.phone == "0530-1234567"


@pytest.mark.parametrize(
    ("toml", "env", "setting", "problem"),
    [
        ("[bot]\ntimezone = 'Mars/Base'\n", {}, "bot.timezone", "unknown time zone"),
        ("[bot]\nadmin_ids = ['abc']\n", {}, "bot.admin_ids", "not a Telegram user id"),
        ("", {"CHUANGYE_ADMIN_IDS": "-5"}, "bot.admin_ids", "not a Telegram user id"),
        ("[town]\nvillages = []\n", {}, "town.villages", "non-empty"),
        ("[town]\nvillages = ['a', 'a']\n", {}, "town.villages", "listed twice"),
        ("[bot]\nlog_level = 'LOUD'\n", {}, "bot.log_level", "must be one of"),
        ("[limits]\nquestions_per_minute = 0\n", {}, "limits.questions_per_minute", "between"),
        ("[nonsense]\nx = 1\n", {}, "nonsense", "unknown section"),
        ("[bot\n", {}, "config", "not valid TOML"),
    ],
)
def test_invalid_settings_name_the_setting(
    tmp_path: Path, toml: str, env: dict[str, str], setting: str, problem: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(config, environ=env)
    assert info.value.setting == setting
    assert problem in info.value.problem


def test_bad_token_message_does_not_contain_the_token() -> None:
    bad = "123456789:short"
    with pytest.raises(SettingsError) as info:
        load_settings(None, environ={"CHUANGYE_TOKEN": bad})
    assert info.value.setting == "bot.token"
    assert bad not in str(info.value)
    assert "short" not in str(info.value)


def test_token_is_hidden_in_repr() -> None:
    settings = load_settings(None, environ={"CHUANGYE_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert TOKEN.split(":")[1] not in f"{settings.token}"


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example, environ={})
    assert len(settings.town.villages) == 15
    assert settings.token is None  # the example never ships a token


def test_network_settings_from_environment() -> None:
    settings = load_settings(
        None,
        environ={
            "CHUANGYE_WEBHOOK_URL": "https://bot.example.org/tg",
            "CHUANGYE_WEBHOOK_PORT": "9443",
            "CHUANGYE_HEALTH_PORT": "8089",
            "CHUANGYE_BASE_URL": "http://127.0.0.1:8081/",
        },
    )
    assert settings.network.webhook_url == "https://bot.example.org/tg"
    assert settings.network.webhook_port == 9443
    assert settings.network.health_port == 8089
    assert settings.network.base_url == "http://127.0.0.1:8081"
    with pytest.raises(SettingsError) as info:
        load_settings(None, environ={"CHUANGYE_HEALTH_PORT": "http"})
    assert info.value.setting == "network.health_port"
