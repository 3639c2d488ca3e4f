"""End to end: kill -9 between receiving an update and handling it loses nothing (issue 13.3).

``python -m bot run`` runs as its own process against the emulator over HTTP, in long-polling
and in webhook mode. A resident's first message is held in the bot's handler (Telegram answers
its reply with "retry after 30 s"); their next one is received, acknowledged to Telegram and
queued behind it. The bot is then killed with SIGKILL, and Telegram delivers the second
message again as well. After the restart each message is answered exactly once, the question
is logged once, and the update log names each update once; updates the bot had handled, sent
again (a poll fetching them again, a webhook retrying), are skipped by their update_id.

A poison update (``tests.poison_bot``: the process SIGKILLs itself whenever it handles one
message, as the OOM killer would) is given up after dying alone ``MAX_ATTEMPTS`` times; its
sender is asked to send it again, the others lose nothing, and the health report shows it.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from bot.services.inbox import MAX_ATTEMPTS
from bot.shell.emulator import BotApiEmulator
from bot.shell.emulator.http import SECRET_HEADER, EmulatorServer
from tests.poison_bot import POISON
from tests.test_e2e_bot import (
    SAFETY_S,
    ZH,
    BotProcess,
    Users,
    emulator_server,
    handled_update_ids,
    mode_args,
    new_messages,
    until,
)

__all__ = ["emulator_server"]  # a fixture, imported to be found by pytest

QUESTION = "联保贷款怎么办理"


def bot_replies(messages: list[Any]) -> list[str]:
    return [str(m["text"]) for m in messages]


async def hold_help_and_queue_a_question(
    users: Users, emulator: BotApiEmulator
) -> tuple[Any, Any]:
    """/help's reply is held (Telegram says "retry after 30 s", so the handler waits); the
    question is received and acknowledged (confirmed by the next poll, or answered 200), and
    waits behind /help, as each resident's updates are handled in order."""
    sends = emulator.calls.get("sendMessage", 0)
    emulator.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 30", chat_id=601, retry_after=30
    )
    held = await users.send(601, "/help", wait=False)
    await until(lambda: emulator.calls.get("sendMessage", 0) > sends and not emulator.faults)
    queued = await users.send(601, QUESTION, wait=False)
    await until(lambda: emulator.pending_updates == 0)
    return held, queued


async def kill_9(bot: BotProcess) -> None:
    assert bot.proc is not None
    bot.proc.send_signal(signal.SIGKILL)
    assert await bot.proc.wait() == -signal.SIGKILL


async def deliver_again(
    mode: str, server: EmulatorServer, users: Users, updates: list[dict[str, Any]]
) -> None:
    """Telegram delivers these again (as when the kill beats the acknowledgement, or the poll
    that would confirm them)."""
    if mode == "polling":
        # The dead bot's last long poll is still open in the emulator, and would confirm (drop)
        # whatever is queued below its offset when it wakes: let another resident's message
        # wake it first, as Telegram confirms an offset when the request arrives.
        nudge = await users.send(602, "/start", wait=False)
        await until(lambda: server.fetched_up_to >= nudge["update_id"])
    for update in updates:
        server.emulator.redeliver(update)


async def webhook_retries(
    client: httpx.AsyncClient, emulator: BotApiEmulator, updates: list[dict[str, Any]]
) -> None:
    """The webhook retrying deliveries the bot had answered and handled."""
    assert emulator.webhook is not None
    for update in updates:
        response = await client.post(
            emulator.webhook["url"],
            json=update,
            headers={SECRET_HEADER: emulator.webhook["secret_token"]},
        )
        assert response.status_code == 200


def check_handled_once(logs: str, workdir: Path, handled: list[Any], again: list[Any]) -> None:
    """Each update handled once (the ones sent again skipped by update_id: nobody greeted or
    answered twice), the question logged once, nothing left unhandled in the inbox."""
    for update in again:
        assert f"update {update['update_id']} skipped: received before" in logs
    ids = handled_update_ids(logs)
    for update in handled:
        assert ids.count(update["update_id"]) == 1, update
    assert "resuming 2 update(s)" in logs
    with closing(sqlite3.connect(workdir / "bot.sqlite3")) as conn:
        logged = conn.execute("SELECT text FROM questions").fetchall()
        unhandled = conn.execute("SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL").fetchone()
    assert logged == [(QUESTION,)]
    assert unhandled == (0,)


async def kill_between_receiving_and_handling(
    mode: str, tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    emulator = emulator_server.emulator
    bot = BotProcess(tmp_path, emulator_server.url, mode_args(mode))
    users = Users(client, emulator_server.url)
    delivered: dict[int, dict[str, Any]] = {}
    emulator.update_listeners.append(lambda u: delivered.setdefault(int(u["update_id"]), u))
    await bot.start(client)
    greeting = await users.send(601, "/start")
    assert greeting["settled"]
    seen = len(await users.messages(601))
    held, queued = await hold_help_and_queue_a_question(users, emulator)
    await kill_9(bot)
    assert len(await users.messages(601)) == seen  # nothing was answered before the kill
    # The question again, and the greeting, handled before the kill.
    again = [delivered[greeting["update_id"]], delivered[queued["update_id"]]]
    await deliver_again(mode, emulator_server, users, again)

    await bot.start(client)
    await users.send(601, "/menu", wait=False)
    replies = bot_replies(await new_messages(users, 601, seen, SAFETY_S, at_least=3))
    assert len(replies) == 3, replies
    assert "/register" in replies[0]  # the help text, then the answer, in the order sent
    assert "联保" in replies[1]
    assert replies[2] == ZH.common.menu_prompt
    if mode == "webhook":
        await webhook_retries(client, emulator, again)  # skipped too
        await users.send(601, "/menu", wait=False)
        assert len(await new_messages(users, 601, seen, SAFETY_S, at_least=4)) == 4  # 2nd /menu's
    assert await bot.terminate() == 0
    expected = seen + (4 if mode == "webhook" else 3)
    assert len(await users.messages(601)) == expected  # nobody answered twice
    check_handled_once(bot.logs, tmp_path, [greeting, held, queued], again)


async def test_kill_9_between_receiving_and_handling_loses_nothing_when_polling(
    tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    await kill_between_receiving_and_handling("polling", tmp_path, emulator_server, client)


async def test_kill_9_between_receiving_and_handling_loses_nothing_with_a_webhook(
    tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    await kill_between_receiving_and_handling("webhook", tmp_path, emulator_server, client)


async def healthy_or_dead(bot: BotProcess, client: httpx.AsyncClient) -> int | None:
    """Wait until the started bot answers its health check (None) or exits (its status)."""
    assert bot.proc is not None
    url = f"http://127.0.0.1:{bot.health_port}/healthz"
    async with asyncio.timeout(SAFETY_S):
        while bot.proc.returncode is None:
            try:
                if (await client.get(url)).status_code == 200:
                    return None
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)  # another process starts; nothing to wait on
        return bot.proc.returncode


async def test_an_update_that_kills_the_bot_every_time_is_given_up_and_its_sender_told(
    tmp_path: Path, emulator_server: EmulatorServer, client: httpx.AsyncClient
) -> None:
    bot = BotProcess(tmp_path, emulator_server.url, module="tests.poison_bot")
    users = Users(client, emulator_server.url)
    await bot.start(client)
    for uid in (611, 612):
        assert (await users.send(uid, "/start"))["settled"]
    seen = {uid: len(await users.messages(uid)) for uid in (611, 612)}

    poison = await users.send(611, POISON, wait=False)
    assert bot.proc is not None
    async with asyncio.timeout(SAFETY_S):
        deaths = [await bot.proc.wait()]  # killed handling it beside everything else
    waiting = await users.send(612, "/help", wait=False)  # written while the bot is down
    for _ in range(MAX_ATTEMPTS + 3):  # a bound, should the guard fail
        await bot.spawn()
        status = await healthy_or_dead(bot, client)
        if status is None:
            break
        deaths.append(status)
    # The first death was beside other updates and is not counted; then it is replayed alone
    # and dies MAX_ATTEMPTS times; the next start gives it up and runs normally.
    assert deaths == [-signal.SIGKILL] * (MAX_ATTEMPTS + 1), bot.logs[-3000:]
    assert f"update {poison['update_id']} abandoned" in bot.logs

    await until(lambda: emulator_server.emulator.pending_updates == 0)
    assert (await users.send(611, "/menu"))["settled"]
    replies = bot_replies((await users.messages(611))[seen[611] :])
    assert len(replies) == 2, replies
    assert "没能处理" in replies[0]
    assert "请再发一次" in replies[0]
    assert replies[1] == ZH.common.menu_prompt
    # The resident who wrote meanwhile is answered; nothing else was given up.
    await until(lambda: emulator_server.emulator.pending_updates == 0)
    answers = bot_replies((await users.messages(612))[seen[612] :])
    assert len(answers) == 1
    assert "/register" in answers[0]
    assert handled_update_ids(bot.logs).count(waiting["update_id"]) == 1

    # The operator sees it in the health report (and the log line above).
    report = await bot.wait_healthy(client)
    assert report["status"] == "ok"
    assert report["updates"]["abandoned_recently"] == 1
    assert "1 update(s) abandoned" in report["warnings"][0]
    assert '"abandoned_recently": 1' in await bot.cli("health")
    assert await bot.terminate() == 0
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        rows = conn.execute("SELECT outcome, COUNT(*) FROM inbox GROUP BY outcome").fetchall()
        row = conn.execute(
            "SELECT outcome, attempts FROM inbox WHERE update_id = ?", (poison["update_id"],)
        ).fetchone()
    assert row == ("abandoned", MAX_ATTEMPTS)
    assert dict(rows)["abandoned"] == 1
