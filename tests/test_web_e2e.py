"""One process serves Telegram and the web: ``python -m bot run`` with ``[web] enabled``.

The bot runs as an operator starts it, against the Bot API emulator over HTTP (Telegram, where
the staff are) and serving the web page on its own port. A web resident registers a project in
the page's API; the staff see it in Telegram marked as a web resident and approve it; the
resident reads the approval on the page, and after a restart still has the whole history.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from benchmarks.web_residents import Resident, Stats, plain
from bot.shell.emulator.http import EmulatorServer
from bot.texts import get_texts
from tests.conftest import ADMIN_ID
from tests.test_e2e_bot import BotProcess, Users, emulator_server, free_port, until

ZH = get_texts("zh")
__all__ = ["emulator_server"]  # a fixture used here


async def test_run_serves_telegram_staff_and_web_residents_from_one_process(
    tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    port = free_port()
    bot = BotProcess(
        tmp_path,
        emulator_server.url,
        config=f"[web]\nenabled = true\nport = {port}\n",
        environ={"CHUANGYE_ADMIN_IDS": str(ADMIN_ID)},
    )
    await bot.start(client)
    users = Users(client, emulator_server.url)
    await users.send(ADMIN_ID, "/start")
    stats = Stats()
    resident = Resident("127.0.0.1", port, 1, stats)
    await resident.open()
    poll = asyncio.create_task(resident.poll_forever())  # the page's long poll
    try:
        await resident.register()
        assert stats.registered == 1, stats.errors
        staff_chat = emulator_server.emulator.chats[ADMIN_ID]

        def card() -> str:
            return next((m.text for m in staff_chat.messages if ZH.web.channel_web in m.text), "")

        await until(lambda: bool(card()))
        assert f"{ZH.web.channel_web} W1" in card()
        # The staff approve in Telegram; the resident reads it on the page.
        seen = len(_texts(resident))
        approved = await users.act(ADMIN_ID, "press", label="通过")
        assert approved["settled"]

        # The decision comes through the outbox: wait for it, not for any new message.
        def decided() -> bool:
            return any("已通过审核" in m for m in _texts(resident)[seen:])

        assert await resident.wait_for(decided)
        # After a restart the same browser sees the same history.
        before = _texts(resident)
        resident.stopped = True
        poll.cancel()
        assert await bot.terminate() == 0
        await bot.start(client)
        resident.messages, resident.seq, resident.stopped = {}, 0, False
        await resident.open()
        assert _texts(resident)[-len(before) :] == before[-len(before) :]
    finally:
        resident.stopped = True
        poll.cancel()
        resident.close()
        if bot.proc is not None and bot.proc.returncode is None:
            assert await bot.terminate() == 0


def _texts(resident: Resident) -> list[str]:
    return [plain(m.get("body", [])) for m in resident.bot_messages]
