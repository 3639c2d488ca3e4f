"""``python -m tests.poison_bot run``: the bot, plus one message that kills it whenever handled.

A test stand-in for a poison update (one that crashes the process in C code or gets it killed
for memory every time): when an update whose text is ``POISON`` reaches the update processor,
the process sends itself SIGKILL, as the OOM killer would. Everything else is ``python -m bot``
unchanged. Used by ``tests/test_e2e_inbox.py`` only.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable
from typing import Any

from telegram import Update

from bot.__main__ import main
from bot.processing import UserOrderedProcessor

POISON = "☠ 测试用：处理这条消息的进程会死掉"

_process = UserOrderedProcessor.do_process_update


async def _dying(self: UserOrderedProcessor, update: object, coroutine: Awaitable[Any]) -> None:
    message = update.effective_message if isinstance(update, Update) else None
    if message is not None and message.text == POISON:
        os.kill(os.getpid(), signal.SIGKILL)
    await _process(self, update, coroutine)


UserOrderedProcessor.do_process_update = _dying  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
