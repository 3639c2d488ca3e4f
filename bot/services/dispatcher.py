"""The training dispatcher: send due reminders and notices, on the JobQueue's timers.

``ReminderDispatcher.dispatch`` takes what ``TrainingService.due`` lists in batches, claims
each row right before it is sent and settles it after (at most once, across restarts), and
sends through ``bot.services.delivery``. One lock per dispatcher (one per application) keeps two
runs (the poll, the timer, a kick) from overlapping. ``arm_timer`` schedules a run for the
earliest pending reminder, ``kick`` a run right away (a change queued notices), and ``start``
reconciles interrupted and missed deliveries at startup and starts the minute poll (which
sends what the CLI queued while the bot runs). The wording is
``bot.services.training_wording.render_outgoing``. Like ``delivery`` it imports
``telegram``: sending is its job.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram.ext import CallbackContext, JobQueue

from bot.services.delivery import DeliveryReport, Outcome, Recipient, Sleep, deliver
from bot.services.training_delivery import Outgoing
from bot.services.training_wording import render_outgoing
from bot.services.trainings import TrainingService
from bot.services.users import UserService
from bot.settings import TownSettings
from bot.texts import language_for

_LOGGER = logging.getLogger(__name__)

POLL_JOB = "trainings.poll"
TIMER_JOB = "trainings.timer"
KICK_JOB = "trainings.kick"
POLL_INTERVAL_S = 60.0
BATCH = 500

Jobs = JobQueue[Any] | None


class ReminderDispatcher:
    """Send training reminders and notices when they are due, each at most once."""

    def __init__(
        self,
        trainings: TrainingService,
        users: UserService,
        timezone: Any,
        town: TownSettings,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._sleep = sleep
        self._town = town  # tags in each reader's language
        self._trainings = trainings
        self._users = users
        self._tz = timezone
        self._lock = asyncio.Lock()

    async def dispatch(self, bot: Bot, jobs: Jobs) -> DeliveryReport:
        """Send every reminder and notice that is due, then arm the timer for the next one."""
        total = DeliveryReport()
        try:
            async with self._lock:
                while True:
                    items = await self._trainings.due(limit=BATCH)
                    if not items:
                        break
                    report = await self._deliver_batch(bot, items)
                    total.merge(report)
                    if len(items) < BATCH:
                        break
        finally:
            # Even after a failed run the next reminder keeps its timer (not only the poll).
            await self.arm_timer(jobs)
        if total.total:
            _LOGGER.info("training messages: %s", total.summary())
        return total

    async def _deliver_batch(self, bot: Bot, items: list[Outgoing]) -> DeliveryReport:
        service = self._trainings
        now = service.now()
        tokens: dict[int, str] = {}

        async def claim(r: Recipient) -> bool:
            token = await service.claim(r.key)
            if token is not None:
                tokens[id(r.key)] = token
            return token is not None

        async def settle(r: Recipient, outcome: Outcome) -> None:
            token = tokens.pop(id(r.key), None)
            if token is not None:
                await service.settle(r.key, token, outcome is Outcome.DELIVERED)

        recipients = [
            Recipient(i.to.user_id, language_for(i.to.language_code, i.to.lang_override), i)
            for i in items
        ]
        return await deliver(
            bot,
            recipients,
            lambda r: render_outgoing(r.key, r.lang, self._tz, now, self._town, service.offsets),
            users=self._users,
            before_send=claim,
            after_send=settle,
            sleep=self._sleep,
        )

    async def _job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Run the dispatcher from the JobQueue."""
        await self.dispatch(context.bot, context.job_queue)

    async def arm_timer(self, jobs: Jobs) -> None:
        """(Re)schedule the dispatcher for the earliest pending reminder."""
        if jobs is None:
            return
        next_due = await self._trainings.next_due()
        for job in jobs.get_jobs_by_name(TIMER_JOB):
            job.schedule_removal()
        if next_due is not None:
            delay = max(0.0, (next_due - self._trainings.now()).total_seconds())
            jobs.run_once(self._job, when=delay, name=TIMER_JOB)

    def kick(self, jobs: Jobs) -> None:
        """Run the dispatcher soon (a change queued notices), unless a run is already queued."""
        if jobs is None or jobs.get_jobs_by_name(KICK_JOB):
            return
        jobs.run_once(self._job, when=0.0, name=KICK_JOB)

    async def start(self, jobs: Jobs) -> None:
        """At startup: reconcile interrupted and missed deliveries, then start the dispatcher."""
        report = await self._trainings.reconcile()
        if report.interrupted or report.overdue:
            _LOGGER.warning(
                "trainings: %d messages were interrupted by a crash and %d reminders were "
                "missed while stopped; they are sent now, marked late",
                report.interrupted,
                report.overdue,
            )
        if jobs is None:
            _LOGGER.error("no JobQueue: training reminders cannot be sent")
            return
        # The poll delivers what the CLI queued while we run; its first run sends what is late.
        jobs.run_repeating(self._job, interval=POLL_INTERVAL_S, first=0.0, name=POLL_JOB)
        await self.arm_timer(jobs)
