"""``python -m bot run``: run the bot against Telegram (or a self-hosted Bot API server).

Without a token it explains how to get one from BotFather and points to the offline chat.
SIGTERM and SIGINT stop it gracefully: in-flight updates finish, persistence is flushed and the
database closed, so nothing is lost or handled twice across a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.runner import running_bot
from bot.settings import Settings

_LOGGER = logging.getLogger(__name__)

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


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level; the token never appears (it is a ``Secret``)."""
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and Telegram URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def _run(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_bot(settings) as running:
        me = running.app.bot
        _LOGGER.info("bot @%s is running (long polling); stop with Ctrl+C", me.username)
        await stop.wait()
        _LOGGER.info("stopping: finishing in-flight updates")
    _LOGGER.info("stopped cleanly")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run until SIGTERM/SIGINT."""
    if settings.token is None:
        print(NO_TOKEN)
        return 2
    configure_logging(settings)
    return asyncio.run(_run(settings))
