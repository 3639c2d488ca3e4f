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
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_values import Section, between, read_fields, read_toml
from bot.config_values import SettingsError as SettingsError  # part of this module's API

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

    questions_per_minute: int = field(default=12, metadata=between(1, 1000))
    dialogs_per_hour: int = field(default=20, metadata=between(1, 1000))
    max_investment_wan: float = field(default=100_000.0, metadata=between(1, 10**7))
    max_jobs: int = field(default=100_000, metadata=between(1, 10**7))
    # Telegram allows about 30 messages a second overall (AIORateLimiter's pace).
    messages_per_second: float = field(default=30.0, metadata=between(1, 1000))


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How the bot reaches the Bot API and how webhooks reach the bot."""

    base_url: str = ""
    proxy: str = ""
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = field(default=8443, metadata=between(1, 65535))
    webhook_secret: Secret | None = None
    health_port: int = field(default=0, metadata=between(0, 65535))


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web channel (``python -m bot web``, or inside ``run`` when ``enabled``)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = field(default=8080, metadata=between(1, 65535))
    # The address residents open (https://... behind a reverse proxy): cookies are marked
    # Secure when it is HTTPS, and the server accepts requests from that origin.
    public_url: str = ""
    # Signs the session cookie; empty: a random key kept in the database is used.
    cookie_secret: Secret | None = None
    # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Per session: messages and button presses (a registration is about 12 in a minute).
    actions_per_minute: int = field(default=60, metadata=between(1, 10_000))
    # A village behind one carrier NAT shares an IP.
    requests_per_minute_per_ip: int = field(default=1200, metadata=between(1, 1_000_000))
    sessions_per_hour_per_ip: int = field(default=300, metadata=between(1, 1_000_000))
    max_polls_per_session: int = field(default=4, metadata=between(1, 100))  # open tabs
    # A session unused this long ends: the browser then starts a new resident (the page says
    # so); the old resident's projects stay with their user id for the office.
    session_idle_days: int = field(default=90, metadata=between(1, 3650))


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
        raw = read_toml(path)
    for var, dotted in ENV_VARS.items():
        if env.get(var, "") != "":
            section, key = dotted.split(".")
            raw.setdefault(section, {})[key] = env[var]
    return settings_from_mapping(raw)


_SECTIONS = ("bot", "town", "office", "trainings", "limits", "network", "web")


def settings_from_mapping(raw: Mapping[str, Mapping[str, Any]]) -> Settings:
    """Validate a nested mapping (TOML shape) into ``Settings``."""
    for section in raw:
        if section not in _SECTIONS:
            raise SettingsError(section, f"unknown section (expected one of {sorted(_SECTIONS)})")
    b, t, o, tr, lim, net, web = (Section(name, raw.get(name, {})) for name in _SECTIONS)
    token, timezone_name, log_level = _token(b), _timezone_name(b), _log_level(b)
    kdir = b.string("knowledge_dir", "")
    timeout_min = b.number("conversation_timeout_minutes", 30, minimum=1, maximum=24 * 60)
    offsets_h = tr.number_list("reminder_offsets_hours", (24, 1), minimum=0.01, maximum=24 * 30)
    return Settings(
        token=token,
        admin_ids=frozenset(b.int_list("admin_ids")),
        db_path=Path(b.string("database", str(DEFAULT_DB_PATH))),
        timezone_name=timezone_name,
        log_level=log_level,
        knowledge_dir=Path(kdir) if kdir else None,
        conversation_timeout=timedelta(minutes=timeout_min),
        reminder_offsets=tuple(sorted((timedelta(hours=h) for h in set(offsets_h)), reverse=True)),
        town=_town_settings(t),
        office=read_fields(OfficeContact, o),
        limits=read_fields(Limits, lim),
        network=_network_settings(net),
        web=_web_settings(web),
    )


def _token(b: Section) -> Secret | None:
    token = b.string("token", "")
    if token and not _TOKEN_RE.match(token):
        raise SettingsError("bot.token", "does not look like a BotFather token (digits:letters)")
    return Secret(token) if token else None


def _timezone_name(b: Section) -> str:
    name = b.string("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("bot.timezone", f"unknown time zone {name!r}") from None
    return name


def _log_level(b: Section) -> str:
    level = b.string("log_level", "INFO").upper()
    if level not in _LOG_LEVELS:
        raise SettingsError("bot.log_level", f"must be one of {', '.join(_LOG_LEVELS)}")
    return level


def _town_settings(t: Section) -> TownSettings:
    villages = t.string_list("villages", DEFAULT_VILLAGES)
    industries = t.string_list("industries", DEFAULT_INDUSTRIES)
    applicant_types = t.string_list("applicant_types", DEFAULT_APPLICANT_TYPES)
    return read_fields(
        TownSettings,
        t,
        villages=villages,
        industries=industries,
        applicant_types=applicant_types,
        villages_en=t.english_list("villages_en", villages),
        industries_en=t.english_list("industries_en", industries),
        applicant_types_en=t.english_list("applicant_types_en", applicant_types),
    )


def _network_settings(net: Section) -> NetworkSettings:
    secret = net.string("webhook_secret", "")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise SettingsError("network.webhook_secret", "use 1-256 characters A-Z a-z 0-9 _ -")
    return read_fields(
        NetworkSettings,
        net,
        base_url=net.string("base_url", "").rstrip("/"),
        webhook_secret=Secret(secret) if secret else None,
    )


def _web_settings(web: Section) -> WebSettings:
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
    return read_fields(
        WebSettings,
        web,
        public_url=public_url,
        cookie_secret=Secret(secret) if secret else None,
        trusted_proxies=proxies,
    )
