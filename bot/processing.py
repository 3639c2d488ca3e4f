"""How updates are received and processed: durably, concurrently across users, in order per user.

``InboxQueue`` (the Application's update queue) and ``InboxRequest`` (the getUpdates transport)
store every update in the durable inbox (``bot.services.inbox``) before it is acknowledged to
Telegram: a poll's updates before PTB sees them, so before the next offset confirms them; a
webhook delivery before PTB answers 200. A redelivered update_id is dropped there.
``resume_unhandled`` queues what a crash left unhandled, before anything new.

``UserOrderedProcessor`` is PTB's update processor for this bot. Updates of one user are
serialised (a conversation never sees two of its own updates at once, so pressing a button twice
cannot double-submit), different users run concurrently. After each update it flushes
persistence, so an answered dialog step survives a crash, marks the update handled in the
inbox, and writes one log line with the update's kind, the handler, the duration and the
outcome - never its text or the user id. Listeners (the emulator, the health check) hear of
every finished update.
``after_update`` steps (the outbox's flush) run after the handlers, before the persistence
flush.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application, BaseUpdateProcessor
from telegram.request import BaseRequest

from bot.services.inbox import ISOLATION_WINDOW_S, Admission, Inbox
from bot.transport import ApiCall, CallRequest
from db.inbox import Incoming, Received
from db.persistence import SQLitePersistence

_LOGGER = logging.getLogger(__name__)


@dataclass
class UpdateTrace:
    """What the handlers report about the update being processed."""

    update_id: int = -1
    handler: str = "-"
    outcome: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)


_TRACE: contextvars.ContextVar[UpdateTrace | None] = contextvars.ContextVar(
    "update_trace", default=None
)


def current_update_id() -> int | None:
    """The id of the update being processed in this task, if any (to recognise a rerun)."""
    trace = _TRACE.get()
    return None if trace is None or trace.update_id < 0 else trace.update_id


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
        self.inbox: Inbox | None = None
        self.listeners: list[Callable[[int], None]] = []
        # Run after each update's handlers, under the user's lock (the outbox's flush: what the
        # update's changes queued goes out before the update counts as handled).
        self.after_update: list[Callable[[], Awaitable[object]]] = []
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
        update_id = update.update_id if isinstance(update, Update) else -1
        trace = UpdateTrace(update_id)
        token = _TRACE.set(trace)
        start = time.perf_counter()
        try:
            async with lock:
                try:
                    await coroutine
                finally:
                    await _after_update(self)
                    app = self.application
                    if app is not None and app.persistence and _persistence_due(app):
                        await app.update_persistence()
                # Only once the handler and the dialog state are done: a crash before this
                # line runs the update again after the restart.
                if self.inbox is not None:
                    await self.inbox.finished(update_id)
        finally:
            self._release(key)
            _TRACE.reset(token)
            duration_ms = (time.perf_counter() - start) * 1000
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


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue; an update enters it only once stored in the inbox.

    A polled update was stored by ``InboxRequest`` already; a webhook's is stored here, before
    PTB's webhook handler answers Telegram. An update_id the inbox already had (delivered
    again because a crash came before the acknowledgement) is dropped: the stored copy is
    handled or will be, by ``resume_unhandled``.
    """

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        """Store ``item`` durably if it is an update, then queue it unless it is a redelivery."""
        if isinstance(item, Update):
            admission = self.inbox.take_admission(item.update_id)
            if admission is None:  # not fetched by a poll: a webhook delivery
                payload = json.dumps(item.to_dict(), ensure_ascii=False, separators=(",", ":"))
                sender = item.effective_user.id if item.effective_user else None
                received = await self.inbox.receive([Incoming(item.update_id, sender, payload)])
                admission = received[item.update_id]
            if admission is Admission.REPEATED:
                _LOGGER.info("update %s skipped: received before", item.update_id)
                return
            if admission is Admission.NEW:
                self.inbox.admit(item.update_id)
        await super().put(item)

    async def put_resumed(self, update: Update) -> None:
        """Queue an update that was stored before a restart and never handled."""
        self.inbox.admit(update.update_id)
        await super().put(update)


class InboxRequest(CallRequest):
    """The getUpdates transport: a poll's updates are stored before PTB sees them.

    PTB confirms a batch with the offset of its next poll, which it sends only after this
    returns, so nothing is acknowledged before it is on disk (unless the database refuses
    writes altogether: see ``Inbox.receive``).
    """

    def __init__(self, inner: BaseRequest, inbox: Inbox) -> None:
        super().__init__(inner)
        self._telegram = inner
        self._inbox = inbox

    async def answer(self, call: ApiCall) -> tuple[int, bytes]:
        """Make the request; store the updates of a successful getUpdates before returning."""
        code, body = await call.send_to(self._telegram)
        if code == 200 and call.api_method == "getUpdates":
            data = json.loads(body)
            results = data.get("result") if isinstance(data, dict) else None
            if isinstance(results, list) and results:
                rows = [
                    Incoming(
                        int(u["update_id"]),
                        _sender(u),
                        json.dumps(u, ensure_ascii=False, separators=(",", ":")),
                    )
                    for u in results
                    if isinstance(u, dict) and "update_id" in u
                ]
                self._inbox.remember(await self._inbox.receive(rows))
        return code, body


def _sender(update: dict[str, Any]) -> int | None:
    """The id of whoever sent a raw update (``from`` of a message, query, ...), if any."""
    for key, value in update.items():
        if key != "update_id" and isinstance(value, dict):
            sender = value.get("from") or value.get("user")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return int(sender["id"])
    return None


async def resume_unhandled(app: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """Handle what the last run left unhandled, before anything new; how many were resumed.

    Call before polling or the webhook starts. The updates that may have been in flight when
    the process died are replayed first, one at a time and alone, each charged an attempt
    before it starts (the inbox's poison guard, see ``bot.services.inbox``); the ones queued
    behind them are then queued as usual, ahead of anything new (so each user's updates keep
    the order they were sent in).
    """
    queue = app.update_queue
    processor = app.update_processor
    if not isinstance(queue, InboxQueue):
        return 0
    inbox = queue.inbox
    resumption = await inbox.resume()
    if resumption.abandoned and isinstance(processor, UserOrderedProcessor):
        await _after_update(processor)  # the apologies go out now
    resumed = 0
    for row in resumption.alone:
        update = await _readable(inbox, row, app.bot)
        if update is None:
            continue
        await inbox.isolate(row.update_id)
        inbox.admit(row.update_id)
        replay = app.create_task(
            processor.process_update(update, app.process_update(update)),
            name=f"inbox:replay-alone:{row.update_id}",
        )
        done, _ = await asyncio.wait({replay}, timeout=ISOLATION_WINDOW_S)
        if not done:
            # Still running (a flood wait?): it goes on beside the others, no longer alone.
            _LOGGER.warning(
                "update %d still running after %.0f s alone; resuming the others beside it",
                row.update_id,
                ISOLATION_WINDOW_S,
            )
            await inbox.release(row.update_id)
        resumed += 1
    for row in resumption.behind:
        update = await _readable(inbox, row, app.bot)
        if update is not None:
            await queue.put_resumed(update)
            resumed += 1
    return resumed


async def _readable(inbox: Inbox, row: Received, bot: Bot) -> Update | None:
    """The stored update as an ``Update``; an unreadable one is abandoned (logged)."""
    try:
        return Update.de_json(json.loads(row.payload), bot)
    except Exception:  # one unreadable row must not stop the start
        _LOGGER.exception("update %d in the inbox is unreadable; abandoned", row.update_id)
        await inbox.abandon(row.update_id)
        return None


async def _after_update(processor: UserOrderedProcessor) -> None:
    for hook in processor.after_update:
        try:
            await hook()
        except Exception:
            # What was not sent stays queued; the background run sends it.
            _LOGGER.exception("an after-update step failed")
