"""The baselines and harnesses the throughput benchmarks rely on: they answer and check replies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.bench_http import _load, _Replies, measure
from benchmarks.echo import Canned, echo_throughput, running_echo_bot
from bot.shell.emulator import BotApiEmulator

ANSWER = Canned(
    html="📌 <b>标题</b>\n\n正文 &amp; 说明",
    plain="📌 标题\n\n正文 & 说明",
    keyboard={
        "inline_keyboard": [
            [
                {"text": "👍", "callback_data": "v1:fb:u:1"},
                {"text": "👎", "callback_data": "v1:fb:d:1"},
            ],
            [{"text": "🔗 相关", "callback_data": "v1:topic:loan"}],
        ]
    },
)


async def test_bare_echo_answers_every_message() -> None:
    result = await echo_throughput(3, 2)
    assert result["messages"] == 6
    assert result["messages_per_s"] > 0


async def test_canned_echo_sends_the_answer_with_its_keyboard() -> None:
    result = await echo_throughput(3, 2, canned=ANSWER)
    assert result["messages"] == 6


async def test_canned_echo_sent_unread_arrives_the_same() -> None:
    result = await echo_throughput(3, 2, canned=replace(ANSWER, unread=True))
    assert result["messages"] == 6
    assert result["cpu_ms_per_update"] > 0


async def test_canned_echo_notices_a_reply_that_differs() -> None:
    wrong = Canned(ANSWER.html, "别的文字", ANSWER.keyboard)
    with pytest.raises(AssertionError, match="echo bot answered"):
        await echo_throughput(1, 1, canned=wrong)


@pytest.mark.parametrize("kind", ["echo", "qa"])
async def test_the_http_benchmark_runs_each_bot_in_its_own_process(kind: str) -> None:
    row = await measure(kind, 3, 2)
    assert row["updates"] == 6
    assert row["per_s"] > 0
    # CPU comes from /proc in clock ticks (10 ms): six messages may well read as zero.
    assert row["bot_cpu_ms_per_update"] >= 0


async def test_the_http_load_notices_a_wrong_reply() -> None:
    emulator = BotApiEmulator()
    replies = _Replies()
    emulator.message_listeners.append(replies)
    async with running_echo_bot(emulator, canned=ANSWER):
        with pytest.raises(AssertionError, match="the bot answered"):
            await _load(emulator, replies, range(1, 2), 1, ["你好"], echo=True)
