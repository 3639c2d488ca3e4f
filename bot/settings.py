"""The one frozen settings object, built from defaults, an optional TOML file and the environment.

Lookup order, later wins:

1. built-in defaults (usable for a local ``python -m bot chat`` with no configuration);
2. a TOML file: ``--config PATH``, else ``$CHUANGYE_CONFIG``, else ``./config.toml`` if present;
3. environment variables (``CHUANGYE_TOKEN``, ``CHUANGYE_ADMIN_IDS`` ...; see ``ENV_VARS``).

Invalid values raise ``SettingsError`` naming the setting and the problem, never the token's
value. This module imports nothing from ``telegram`` so light commands start fast.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DB_PATH = Path("data/chuangye.sqlite3")
DEFAULT_CONFIG_FILE = Path("config.toml")

# Placeholders so the bot can be tried with no configuration; config.example.toml says to
# replace them. The report names 15 administrative villages but not their names.
DEFAULT_VILLAGES: tuple[str, ...] = tuple(f"示例{n}村" for n in "一二三四五六七八九十") + tuple(
    f"示例十{n}村" for n in "一二三四五"
)
DEFAULT_INDUSTRIES: tuple[str, ...] = (
    "建筑模板",
    "木材加工",
    "机械加工",
    "物流流通",
    "畜禽养殖",
    "食用菌",
    "蔬菜种植",
    "商贸服务",
)
DEFAULT_APPLICANT_TYPES: tuple[str, ...] = (
    "党员",
    "机关干部",
    "村两委成员",
    "返乡创业人员",
    "个体工商户",
    "企业",
    "其他群众",
)

# Environment variable -> dotted setting name. Documented in the README settings table.
ENV_VARS: Mapping[str, str] = {
    "CHUANGYE_TOKEN": "bot.token",
    "CHUANGYE_ADMIN_IDS": "bot.admin_ids",
    "CHUANGYE_DB_PATH": "bot.database",
    "CHUANGYE_TIMEZONE": "bot.timezone",
    "CHUANGYE_LOG_LEVEL": "bot.log_level",
    "CHUANGYE_KNOWLEDGE_DIR": "bot.knowledge_dir",
    "CHUANGYE_BASE_URL": "network.base_url",
    "CHUANGYE_PROXY": "network.proxy",
    "CHUANGYE_WEBHOOK_SECRET": "network.webhook_secret",
    "CHUANGYE_WEBHOOK_URL": "network.webhook_url",
    "CHUANGYE_WEBHOOK_LISTEN": "network.webhook_listen",
    "CHUANGYE_WEBHOOK_PORT": "network.webhook_port",
    "CHUANGYE_HEALTH_PORT": "network.health_port",
    "CHUANGYE_WEB_ENABLED": "web.enabled",
    "CHUANGYE_WEB_LISTEN": "web.listen",
    "CHUANGYE_WEB_PORT": "web.port",
    "CHUANGYE_WEB_PUBLIC_URL": "web.public_url",
    "CHUANGYE_WEB_COOKIE_SECRET": "web.cookie_secret",
    "CHUANGYE_WEB_TRUSTED_PROXIES": "web.trusted_proxies",
}

_TOKEN_RE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the setting, never a secret."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class Secret:
    """A string that does not show itself in ``repr``, ``str`` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value; call only where it is sent, never where it is logged."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


DEFAULT_OFFICE_NAME = "镇全民创业服务办公室"


@dataclass(frozen=True, slots=True)
class OfficeContact:
    """How residents reach a person at the entrepreneurship office (empty = not configured)."""

    name: str = DEFAULT_OFFICE_NAME
    phone: str = ""
    address: str = ""
    hours: str = ""
    name_en: str = ""  # English versions; where empty, English texts show the Chinese
    address_en: str = ""
    hours_en: str = ""

    def for_lang(self, lang: str) -> OfficeContact:
        """The contact as texts in ``lang`` show it: English where configured, else the
        Chinese (visibly, never a made-up placeholder)."""
        if lang != "en":
            return self
        return replace(
            self,
            name=self.name_en or self.name,
            address=self.address_en or self.address,
            hours=self.hours_en or self.hours,
        )


@dataclass(frozen=True, slots=True)
class TownSettings:
    """The deployer's town: its name (Chinese, English) and the registration keyboards' choices."""

    name: str = "本镇"
    name_en: str = "our town"
    villages: tuple[str, ...] = DEFAULT_VILLAGES
    industries: tuple[str, ...] = DEFAULT_INDUSTRIES
    applicant_types: tuple[str, ...] = DEFAULT_APPLICANT_TYPES
    # English names, position by position (empty: English texts show the Chinese names).
    villages_en: tuple[str, ...] = ()
    industries_en: tuple[str, ...] = ()
    applicant_types_en: tuple[str, ...] = ()

    def name_for(self, lang: str) -> str:
        """The town's name as texts in ``lang`` ("zh" or "en") write it."""
        return self.name_en if lang == "en" else self.name

    def label(self, value: str, lang: str) -> str:
        """A village, industry or applicant type (as stored: Chinese) as ``lang`` shows it:
        its configured English name, else the Chinese name itself."""
        if lang != "en":
            return value
        for chinese, english in (
            (self.villages, self.villages_en),
            (self.industries, self.industries_en),
            (self.applicant_types, self.applicant_types_en),
        ):
            if english and value in chinese:
                return english[chinese.index(value)]
        return value


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-user flood limits (staff are exempt) and input bounds."""

    questions_per_minute: int = 12
    dialogs_per_hour: int = 20
    max_investment_wan: float = 100_000.0
    max_jobs: int = 100_000
    # Telegram allows about 30 messages a second overall (AIORateLimiter's pace).
    messages_per_second: float = 30.0


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How the bot reaches the Bot API and how webhooks reach the bot."""

    base_url: str = ""
    proxy: str = ""
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: Secret | None = None
    health_port: int = 0


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web channel (``python -m bot web``, or inside ``run`` when ``enabled``)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 8080
    # The address residents open (https://... behind a reverse proxy): cookies are marked
    # Secure when it is HTTPS, and the server accepts requests from that origin.
    public_url: str = ""
    # Signs the session cookie; empty: a random key kept in the database is used.
    cookie_secret: Secret | None = None
    # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Per session: messages and button presses (a registration is about 12 in a minute).
    actions_per_minute: int = 60
    requests_per_minute_per_ip: int = 1200  # a village behind one carrier NAT shares an IP
    sessions_per_hour_per_ip: int = 300
    max_polls_per_session: int = 4  # open tabs of one resident


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with. Built once in ``main()``; tests build their own."""

    token: Secret | None = None
    admin_ids: frozenset[int] = frozenset()
    db_path: Path = DEFAULT_DB_PATH
    timezone_name: str = "Asia/Shanghai"
    log_level: str = "INFO"
    knowledge_dir: Path | None = None
    conversation_timeout: timedelta = timedelta(minutes=30)
    reminder_offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    town: TownSettings = field(default_factory=TownSettings)
    office: OfficeContact = field(default_factory=OfficeContact)
    limits: Limits = field(default_factory=Limits)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    web: WebSettings = field(default_factory=WebSettings)

    @property
    def timezone(self) -> ZoneInfo:
        """The town's time zone."""
        return ZoneInfo(self.timezone_name)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether ``user_id`` is one of the configured staff."""
        return user_id is not None and user_id in self.admin_ids


def load_settings(
    config_path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from the TOML file (if any) overlaid with environment variables."""
    env = os.environ if environ is None else environ
    raw: dict[str, dict[str, Any]] = {}
    path = config_path
    if path is None and env.get("CHUANGYE_CONFIG"):
        path = Path(env["CHUANGYE_CONFIG"])
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    if path is not None:
        raw = _read_toml(path)
    for var, dotted in ENV_VARS.items():
        if env.get(var, "") != "":
            section, key = dotted.split(".")
            raw.setdefault(section, {})[key] = env[var]
    return settings_from_mapping(raw)


def _read_toml(path: Path) -> dict[str, dict[str, Any]]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError("config", f"file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError("config", f"{path} is not valid TOML ({exc})") from None
    for section, value in data.items():
        if not isinstance(value, dict):
            raise SettingsError(section, "must be a [table]")
    return data


def settings_from_mapping(raw: Mapping[str, Mapping[str, Any]]) -> Settings:
    """Validate a nested mapping (TOML shape) into ``Settings``."""
    known = {"bot", "town", "office", "trainings", "limits", "network", "web"}
    for section in raw:
        if section not in known:
            raise SettingsError(section, f"unknown section (expected one of {sorted(known)})")
    b = _Section("bot", raw.get("bot", {}))
    t = _Section("town", raw.get("town", {}))
    o = _Section("office", raw.get("office", {}))
    tr = _Section("trainings", raw.get("trainings", {}))
    lim = _Section("limits", raw.get("limits", {}))
    net = _Section("network", raw.get("network", {}))
    web = _Section("web", raw.get("web", {}))

    token_str = b.string("token", "")
    token: Secret | None = None
    if token_str:
        if not _TOKEN_RE.match(token_str):
            raise SettingsError(
                "bot.token", "does not look like a BotFather token (digits:letters)"
            )
        token = Secret(token_str)
    tz_name = b.string("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("bot.timezone", f"unknown time zone {tz_name!r}") from None
    log_level = b.string("log_level", "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise SettingsError("bot.log_level", f"must be one of {', '.join(_LOG_LEVELS)}")
    kdir = b.string("knowledge_dir", "")
    timeout_min = b.number("conversation_timeout_minutes", 30, minimum=1, maximum=24 * 60)

    offsets_h = tr.number_list("reminder_offsets_hours", (24, 1), minimum=0.01, maximum=24 * 30)
    secret = net.string("webhook_secret", "")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise SettingsError("network.webhook_secret", "use 1-256 characters A-Z a-z 0-9 _ -")

    villages = t.string_list("villages", DEFAULT_VILLAGES)
    industries = t.string_list("industries", DEFAULT_INDUSTRIES)
    applicant_types = t.string_list("applicant_types", DEFAULT_APPLICANT_TYPES)
    return Settings(
        token=token,
        admin_ids=frozenset(b.int_list("admin_ids")),
        db_path=Path(b.string("database", str(DEFAULT_DB_PATH))),
        timezone_name=tz_name,
        log_level=log_level,
        knowledge_dir=Path(kdir) if kdir else None,
        conversation_timeout=timedelta(minutes=timeout_min),
        reminder_offsets=tuple(sorted((timedelta(hours=h) for h in set(offsets_h)), reverse=True)),
        town=TownSettings(
            name=t.string("name", "本镇"),
            name_en=t.string("name_en", "our town"),
            villages=villages,
            industries=industries,
            applicant_types=applicant_types,
            villages_en=t.english_list("villages_en", villages),
            industries_en=t.english_list("industries_en", industries),
            applicant_types_en=t.english_list("applicant_types_en", applicant_types),
        ),
        office=OfficeContact(
            name=o.string("name", DEFAULT_OFFICE_NAME),
            phone=o.string("phone", ""),
            address=o.string("address", ""),
            hours=o.string("hours", ""),
            name_en=o.string("name_en", ""),
            address_en=o.string("address_en", ""),
            hours_en=o.string("hours_en", ""),
        ),
        limits=Limits(
            questions_per_minute=int(lim.number("questions_per_minute", 12, 1, 1000)),
            dialogs_per_hour=int(lim.number("dialogs_per_hour", 20, 1, 1000)),
            max_investment_wan=lim.number("max_investment_wan", 100_000, 1, 10**7),
            max_jobs=int(lim.number("max_jobs", 100_000, 1, 10**7)),
            messages_per_second=lim.number("messages_per_second", 30, 1, 1000),
        ),
        network=NetworkSettings(
            base_url=net.string("base_url", "").rstrip("/"),
            proxy=net.string("proxy", ""),
            webhook_url=net.string("webhook_url", ""),
            webhook_listen=net.string("webhook_listen", "127.0.0.1"),
            webhook_port=int(net.number("webhook_port", 8443, 1, 65535)),
            webhook_secret=Secret(secret) if secret else None,
            health_port=int(net.number("health_port", 0, 0, 65535)),
        ),
        web=_web_settings(web),
    )


def _web_settings(web: _Section) -> WebSettings:
    public_url = web.string("public_url", "").rstrip("/")
    if public_url and not re.match(r"^https?://[^/\s]+(/.*)?$", public_url):
        raise SettingsError("web.public_url", "must be a full URL like https://host")
    secret = web.string("cookie_secret", "")
    if secret and len(secret) < 32:
        raise SettingsError("web.cookie_secret", "use at least 32 random characters")
    proxies = web.string_list("trusted_proxies", ("none",))
    proxies = () if proxies == ("none",) else proxies
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError("web.trusted_proxies", f"{proxy!r} is not an address") from None
    return WebSettings(
        enabled=web.boolean("enabled", False),
        listen=web.string("listen", "127.0.0.1"),
        port=int(web.number("port", 8080, 1, 65535)),
        public_url=public_url,
        cookie_secret=Secret(secret) if secret else None,
        trusted_proxies=proxies,
        actions_per_minute=int(web.number("actions_per_minute", 60, 1, 10_000)),
        requests_per_minute_per_ip=int(
            web.number("requests_per_minute_per_ip", 1200, 1, 1_000_000)
        ),
        sessions_per_hour_per_ip=int(web.number("sessions_per_hour_per_ip", 300, 1, 1_000_000)),
        max_polls_per_session=int(web.number("max_polls_per_session", 4, 1, 100)),
    )


class _Section:
    """Typed accessors for one TOML table; values from the environment arrive as strings."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        self.name = name
        self.data = data

    def _err(self, key: str, problem: str) -> SettingsError:
        return SettingsError(f"{self.name}.{key}", problem)

    def string(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self._err(key, "must be a string")
        return value.strip()

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
            return False
        if not isinstance(value, bool):
            raise self._err(key, "must be true or false")
        return value

    def number(self, key: str, default: float, minimum: float, maximum: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self._err(key, "must be a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._err(key, "must be a number")
        if not minimum <= value <= maximum:
            raise self._err(key, f"must be between {minimum:g} and {maximum:g}")
        return float(value)

    def number_list(
        self, key: str, default: tuple[float, ...], minimum: float, maximum: float
    ) -> tuple[float, ...]:
        value = self.data.get(key, default)
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if not isinstance(value, list | tuple) or not value:
            raise self._err(key, "must be a non-empty list of numbers")
        out: list[float] = []
        for item in value:
            try:
                number = float(item)
            except (TypeError, ValueError):
                raise self._err(key, f"{item!r} is not a number") from None
            if not minimum <= number <= maximum:
                raise self._err(key, f"values must be between {minimum:g} and {maximum:g}")
            out.append(number)
        return tuple(out)

    def int_list(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list | tuple):
            raise self._err(key, "must be a list of Telegram user ids")
        out: list[int] = []
        for item in value:
            try:
                number = int(item)
            except (TypeError, ValueError):
                raise self._err(key, f"{item!r} is not a Telegram user id") from None
            if isinstance(item, bool) or number <= 0:
                raise self._err(key, f"{item!r} is not a Telegram user id")
            out.append(number)
        return tuple(out)

    def english_list(self, key: str, chinese: tuple[str, ...]) -> tuple[str, ...]:
        """Optional English names for ``chinese``, one for each, in the same order."""
        if key not in self.data:
            return ()
        names = self.string_list(key, ())
        if len(names) != len(chinese):
            raise self._err(key, f"needs {len(chinese)} names, one for each Chinese name")
        return names

    def string_list(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.data.get(key, list(default))
        if isinstance(value, str):
            value = list(re.split(r"[,，]", value))
        if not isinstance(value, list | tuple) or not value:
            raise self._err(key, "must be a non-empty list of names")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self._err(key, "every entry must be a non-empty string")
            name = item.strip()
            if len(name) > 30:
                raise self._err(key, f"{name[:10]!r}... is longer than 30 characters")
            if name in out:
                raise self._err(key, f"{name!r} is listed twice")
            out.append(name)
        return tuple(out)
