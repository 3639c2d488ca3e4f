"""How updates are processed: concurrently across users, strictly in order for each user.

``UserOrderedProcessor`` is PTB's update processor for this bot. Updates of one user are
serialised (a conversation never sees two of its own updates at once, so pressing a button twice
cannot double-submit), different users run concurrently. After each update it flushes
persistence, so an answered dialog step survives a crash, and writes one log line with the
update's kind, the handler, the duration and the outcome - never its text or the user id.
Listeners (the emulator, the health check) hear of every finished update.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from db.persistence import SQLitePersistence

_LOGGER = logging.getLogger(__name__)


@dataclass
class UpdateTrace:
    """What the handlers report about the update being processed."""

    handler: str = "-"
    outcome: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)


_TRACE: contextvars.ContextVar[UpdateTrace | None] = contextvars.ContextVar(
    "update_trace", default=None
)


def current_trace() -> UpdateTrace | None:
    """The trace of the update being processed in this task, if any."""
    return _TRACE.get()


def note_handler(name: str) -> None:
    """Record which handler is answering the current update (for the per-update log line)."""
    trace = _TRACE.get()
    if trace is not None and trace.handler == "-":
        trace.handler = name


def note_outcome(outcome: str) -> None:
    """Record the outcome of the current update (``ok``, ``error``, ``rejected`` ...)."""
    trace = _TRACE.get()
    if trace is not None:
        trace.outcome = outcome


def update_kind(update: object) -> str:
    """A short, non-personal description of an update: ``command``, ``text``, ``callback``..."""
    if not isinstance(update, Update):
        return type(update).__name__
    if update.callback_query is not None:
        return "callback"
    message = update.effective_message
    if message is None:
        return "other"
    if message.text is not None:
        return "command" if message.text.startswith("/") else "text"
    for kind in ("contact", "photo", "sticker", "voice", "location", "document", "video"):
        if getattr(message, kind, None):
            return kind
    return "message"


class UserOrderedProcessor(BaseUpdateProcessor):
    """Process different users' updates concurrently and each user's updates in order."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.listeners: list[Callable[[int], None]] = []
        self.last_update_at: float | None = None
        self.handled = 0

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free; in-flight updates are awaited by the Application."""

    def _acquire(self, key: int) -> asyncio.Lock:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        return lock

    def _release(self, key: int) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]  # keep the table as small as the number of active users
        else:
            self._locks[key] = (lock, users - 1)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` under the user's lock, then flush, log and notify."""
        key = _ordering_key(update)
        lock = self._acquire(key)
        trace = UpdateTrace()
        token = _TRACE.set(trace)
        start = time.perf_counter()
        try:
            async with lock:
                try:
                    await coroutine
                finally:
                    app = self.application
                    if app is not None and app.persistence and _persistence_due(app):
                        await app.update_persistence()
        finally:
            self._release(key)
            _TRACE.reset(token)
            duration_ms = (time.perf_counter() - start) * 1000
            update_id = update.update_id if isinstance(update, Update) else -1
            _LOGGER.info(
                "update %s kind=%s handler=%s outcome=%s duration_ms=%.1f",
                update_id,
                update_kind(update),
                trace.handler,
                trace.outcome,
                duration_ms,
            )
            self.last_update_at = time.time()
            self.handled += 1
            for listener in self.listeners:
                listener(update_id)


def _persistence_due(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Whether ``update_persistence()`` has anything to write; True when unsure.

    PTB marks the user and chat of every handled update for saving, so its own check cannot
    tell a dialog step from a question; a full run costs a lock, deep copies and a task per
    marked entry even when ``SQLitePersistence`` then finds nothing changed. This looks at the
    same PTB bookkeeping (private attributes, so anything unexpected means "flush"): due when a
    conversation state was written, user/chat data is to be dropped, or a marked entry differs
    from what is stored. Marks of unchanged entries are cleared here, as a run would.
    """
    persistence = app.persistence
    if not isinstance(persistence, SQLitePersistence):
        return True
    try:
        conversations = app._conversation_handler_conversations
        user_marks: set[int] = app._user_ids_to_be_updated_in_persistence
        chat_marks: set[int] = app._chat_ids_to_be_updated_in_persistence
        if (
            app._user_ids_to_be_deleted_in_persistence
            or app._chat_ids_to_be_deleted_in_persistence
            or any(states._write_access_keys for states in conversations.values())
        ):
            return True
    except AttributeError:
        return True
    due = False
    for marks, data, is_stored in (
        (user_marks, app.user_data, persistence.user_data_is_stored),
        (chat_marks, app.chat_data, persistence.chat_data_is_stored),
    ):
        for ident in list(marks):
            if ident in data and is_stored(ident, data[ident]):
                marks.discard(ident)
            else:
                due = True
    return due


def _ordering_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0
