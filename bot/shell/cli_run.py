"""``python -m bot run``: run the bot against Telegram (or a self-hosted Bot API server).

Two modes: long polling (the default), or a webhook when ``--webhook-url`` (or
``network.webhook_url``) is set; the webhook checks Telegram's secret token on every request
(PTB refuses a request without the right ``X-Telegram-Bot-Api-Secret-Token`` with 403). A proxy
(HTTP or SOCKS5, ``network.proxy``) and a custom Bot API base URL (``network.base_url``) apply
to both. Without a token it explains how to get one from BotFather and points to the offline
chat. SIGTERM and SIGINT stop it gracefully: the updater stops taking updates (in polling mode
it confirms the fetched ones to Telegram), in-flight updates finish, persistence is flushed and
the database closed, so nothing is lost or handled twice across a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update

from bot.processing import UserOrderedProcessor
from bot.settings import Settings, SettingsError
from bot.shell.health import HealthServer, Report, health_report
from bot.shell.runner import RunningBot, running_bot
from bot.shell.serving import stop_signal
from bot.shell.web.server import WebServer

_LOGGER = logging.getLogger(__name__)

POLL_TIMEOUT_S = 10

NO_TOKEN = """\
没有设置机器人令牌 / No bot token is configured.

要连接 Telegram，请先向 @BotFather 申请令牌 / To go live, get a token from @BotFather:
  1. 在 Telegram 里打开 @BotFather，发送 /newbot，按提示起名字。
     Open @BotFather in Telegram, send /newbot and follow the prompts.
  2. 把它给的令牌放进环境变量或 config.toml / Put the token in the environment or config.toml:
       export CHUANGYE_TOKEN=123456789:AA...
  3. 再运行 / Then run:  python -m bot run

不用令牌也可以在本机试用 / Try it offline without a token:  python -m bot chat
"""


@dataclass(frozen=True)
class Webhook:
    """Where Telegram sends updates, where we listen, and the secret it must present."""

    url: str
    listen: str
    port: int
    secret: str
    url_path: str


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level; the token never appears (it is a ``Secret``)."""
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and Telegram URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # tornado's access log names the webhook path, which may be secret-ish; errors still show.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


def webhook_from(args: argparse.Namespace, settings: Settings) -> Webhook | None:
    """The webhook configuration, or None for long polling; a missing secret is generated."""
    net = settings.network
    url = args.webhook_url or net.webhook_url
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise SettingsError("network.webhook_url", "must be a full URL like https://host/path")
    if net.webhook_secret is not None:
        secret = net.webhook_secret.reveal()
    else:
        # Telegram echoes the secret on every delivery; a fresh one per start is still safe
        # because setWebhook registers it again at each start.
        secret = secrets.token_urlsafe(32)
        _LOGGER.info("no network.webhook_secret configured: generated a random one for this run")
    return Webhook(
        url=url,
        listen=args.listen or net.webhook_listen,
        port=args.port or net.webhook_port,
        secret=secret,
        url_path=parts.path.strip("/"),
    )


async def _start_updates(running: RunningBot, webhook: Webhook | None) -> str:
    updater = running.app.updater
    if updater is None:
        raise RuntimeError("the Application was built without an Updater")
    if webhook is None:
        await updater.start_polling(timeout=POLL_TIMEOUT_S, allowed_updates=Update.ALL_TYPES)
        return "polling"
    await updater.start_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.url_path,
        webhook_url=webhook.url,
        secret_token=webhook.secret,
        allowed_updates=Update.ALL_TYPES,
    )
    _LOGGER.info("webhook listening on %s:%d", webhook.listen, webhook.port)
    return "webhook"


async def _run(settings: Settings, webhook: Webhook | None) -> int:
    stop = stop_signal()
    started = time.monotonic()
    async with running_bot(settings, poll=False, web=settings.web.enabled) as running:
        mode = await _start_updates(running, webhook)
        page: WebServer | None = None
        if running.gateway is not None:
            # The web channel in the same process: one database, one Application.
            page = WebServer(running.gateway, settings)
            await page.start()
            _LOGGER.info("web page served on %s", page.url)
        processor = running.app.update_processor
        ordered = processor if isinstance(processor, UserOrderedProcessor) else None

        async def report() -> Report:
            return await health_report(running.services, ordered, started=started, mode=mode)

        health: HealthServer | None = None
        if settings.network.health_port:
            health = HealthServer(report, settings.network.health_port)
            await health.start()
        _LOGGER.info("bot @%s is running (%s); stop with Ctrl+C", running.app.bot.username, mode)
        try:
            await stop.wait()
            _LOGGER.info("stopping: finishing in-flight updates")
        finally:
            if health is not None:
                await health.stop()
            if page is not None:
                await page.stop()
    _LOGGER.info("stopped cleanly")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run until SIGTERM/SIGINT."""
    if settings.token is None:
        print(NO_TOKEN)
        return 2
    configure_logging(settings)
    webhook = webhook_from(args, settings)
    return asyncio.run(_run(settings, webhook))
