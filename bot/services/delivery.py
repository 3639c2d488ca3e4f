"""Bulk delivery: send one message to each of many users, within Telegram's flood limits.

``deliver(bot, recipients, render, users=...)`` is shared by training announcements,
reminders and notices, and the staff broadcast. It sends through the bot, whose
``AIORateLimiter`` paces the overall rate and retries a 429 a few times; when it gives up and
raises ``RetryAfter`` this module waits the requested time and tries again, for as long as it
takes, so a flood-limit storm slows delivery down but never drops a message. A 403 Forbidden
(the user blocked the bot) marks the user inactive through ``UserService.mark_unreachable``;
inactive recipients are skipped. Connection errors are retried with a short back-off, then
the message is DEFERRED (the outbox sends it again later; other callers count it as not
delivered); a timeout is *not* retried (Telegram may have delivered the message, and a
resident should not get it twice), nor is a 400 Bad Request: both count as failed and are
logged.

Every wait (a flood limit's ``retry_after``, the network back-off) goes through the ``sleep``
the caller passes (``Services.sleep``, ``asyncio.sleep`` in production), so tests drive
flood limits on a manual clock instead of waiting in real time.

``send_one`` sends one message under the same policy, and ``attempt`` runs any other one
request (an edit, a card with its photo) under it: there is one way to send.

The optional hooks give callers at-most-once bookkeeping: ``before_send`` runs right before a
message goes out and may veto it (a row already claimed elsewhere); ``after_send`` hears the
outcome. It imports ``telegram``, as do the dispatcher and the broadcast send that hand it
the Bot: sending is their job.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.services.users import UserService

_LOGGER = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 16
NETWORK_RETRIES = 3
NETWORK_BACKOFF_S = 0.5


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who gets a message, in which language; ``key`` is the caller's handle (a row id...)."""

    user_id: int
    lang: str = "zh"
    key: Any = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Outbound:
    """One rendered message (Telegram HTML); with ``photo`` (a file id) ``text`` is its caption."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: str | None = None


class Outcome(StrEnum):
    """What became of one recipient's message."""

    DELIVERED = "delivered"
    BLOCKED = "blocked"  # 403: the user blocked the bot; now marked inactive
    FAILED = "failed"  # Telegram refused it or timed out; logged
    SKIPPED = "skipped"  # inactive, nothing to say, or vetoed by ``before_send``
    DEFERRED = "deferred"  # an interactive send gave up waiting out a flood: try again later


@dataclass
class DeliveryReport:
    """Counts per outcome (``report[Outcome.BLOCKED]``), and how often Telegram asked us to
    slow down."""

    counts: Counter[Outcome] = field(default_factory=Counter)
    flood_waits: int = 0
    outcomes: dict[int, Outcome] = field(default_factory=dict)

    def __getitem__(self, outcome: Outcome) -> int:
        return self.counts[outcome]

    def add(self, recipient: Recipient, outcome: Outcome) -> None:
        """Count one outcome."""
        self.counts[outcome] += 1
        self.outcomes[recipient.user_id] = outcome

    def merge(self, other: DeliveryReport) -> None:
        """Add another batch's counts to these."""
        self.counts.update(other.counts)
        self.flood_waits += other.flood_waits
        self.outcomes.update(other.outcomes)

    @property
    def total(self) -> int:
        """Recipients handled."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """For the log: ``3 delivered, 1 blocked, 0 failed, 0 skipped, 0 deferred``."""
        return ", ".join(f"{self.counts[o]} {o.value}" for o in Outcome)


Render = Callable[[Recipient], Outbound | None]
BeforeSend = Callable[[Recipient], Awaitable[bool]]
AfterSend = Callable[[Recipient, Outcome], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


async def deliver(
    bot: Bot,
    recipients: Iterable[Recipient],
    render: Render,
    *,
    users: UserService,
    concurrency: int = DEFAULT_CONCURRENCY,
    before_send: BeforeSend | None = None,
    after_send: AfterSend | None = None,
    sleep: Sleep = asyncio.sleep,
    max_flood_wait: float | None = None,
) -> DeliveryReport:
    """Send ``render(recipient)`` to every active recipient; return what happened."""
    report = DeliveryReport()
    queue = iter(recipients)

    async def worker() -> None:
        for recipient in queue:  # one shared iterator: each recipient is taken once
            try:
                outcome = await _handle(
                    bot, recipient, render, users, before_send, report, sleep, max_flood_wait
                )
            except Exception:
                # The claim (before_send) failed, e.g. a locked database: nothing was sent and
                # the row is still pending, so a later run picks it up. The batch goes on.
                _LOGGER.exception("could not claim a message; it stays pending")
                report.add(recipient, Outcome.SKIPPED)
                continue
            if outcome is None:
                continue
            report.add(recipient, outcome)
            if after_send is not None:
                try:
                    await after_send(recipient, outcome)
                except Exception:
                    # The send happened; the row stays 'sending' and is reconciled at start-up.
                    _LOGGER.exception("could not record a sent message's outcome")

    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return report


async def _handle(
    bot: Bot,
    recipient: Recipient,
    render: Render,
    users: UserService,
    before_send: BeforeSend | None,
    report: DeliveryReport,
    sleep: Sleep,
    max_flood_wait: float | None,
) -> Outcome | None:
    if not recipient.active:
        report.add(recipient, Outcome.SKIPPED)
        return None
    message = render(recipient)
    if message is None:
        report.add(recipient, Outcome.SKIPPED)
        return None
    if before_send is not None and not await before_send(recipient):
        report.add(recipient, Outcome.SKIPPED)
        return None
    try:
        return await send_one(
            bot,
            recipient.user_id,
            message,
            users=users,
            report=report,
            sleep=sleep,
            max_flood_wait=max_flood_wait,
        )
    except Exception:
        # A bug must not stop the rest of the batch; the row is settled as failed.
        _LOGGER.exception("unexpected error delivering a message")
        return Outcome.FAILED


async def send_one(
    bot: Bot,
    chat_id: int,
    message: Outbound,
    *,
    users: UserService,
    report: DeliveryReport | None = None,
    sleep: Sleep = asyncio.sleep,
    max_flood_wait: float | None = None,
) -> Outcome:
    """Send one message, waiting out flood limits; classify what Telegram answered."""

    def sending() -> Awaitable[object]:
        if message.photo is not None:
            return bot.send_photo(
                chat_id, message.photo, caption=message.text, reply_markup=message.markup
            )
        return bot.send_message(chat_id, message.text, reply_markup=message.markup)

    return await attempt(
        sending, chat_id, users=users, report=report, sleep=sleep, max_flood_wait=max_flood_wait
    )


async def attempt(
    call: Callable[[], Awaitable[object]],
    chat_id: int,
    *,
    users: UserService,
    report: DeliveryReport | None = None,
    max_flood_wait: float | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Outcome:
    """Run ``call()`` (one Telegram request to ``chat_id``) under the sending policy above.

    ``max_flood_wait`` bounds the seconds spent waiting out 429s: a send made while a person
    waits for an answer gives up (DEFERRED, logged; the outbox tries again later) rather than
    hold their chat indefinitely;
    bulk deliveries leave it unbounded so a flood storm never drops a reminder.
    """
    network_errors = 0
    waited = 0.0
    while True:
        try:
            await call()
        except RetryAfter as exc:
            if report is not None:
                report.flood_waits += 1
            pause = _seconds(exc.retry_after)
            if max_flood_wait is not None and waited + pause > max_flood_wait:
                _LOGGER.warning("deferred a message after %.0f s of flood waits", waited)
                return Outcome.DEFERRED
            waited += pause
            await sleep(pause)
            continue
        except Forbidden:
            await users.mark_unreachable(chat_id)
            return Outcome.BLOCKED
        except TimedOut:
            _LOGGER.warning("a message timed out and is not retried (it may have arrived)")
            return Outcome.FAILED
        except BadRequest as exc:
            _LOGGER.warning("Telegram refused a message: %s", exc.message)
            return Outcome.FAILED
        except NetworkError as exc:
            network_errors += 1
            if network_errors > NETWORK_RETRIES:
                # Telegram is unreachable or failing: the outbox tries again later.
                _LOGGER.warning("deferred a message after network errors: %s", exc.message)
                return Outcome.DEFERRED
            await sleep(NETWORK_BACKOFF_S * network_errors)
            continue
        except TelegramError as exc:
            _LOGGER.warning("could not deliver a message: %s", exc.message)
            return Outcome.FAILED
        return Outcome.DELIVERED


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
