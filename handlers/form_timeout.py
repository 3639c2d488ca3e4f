"""Dialog timeouts: the job that ends a silent dialog, and the dialogs a restart finds.

The deadline is stored with the dialog (``handlers.forms.State``); a job named ``form timeout``
per user (re-armed at every step by ``handlers.form_router``) ends it live, ``resume`` at
start-up ends the dialogs whose time ran out while the bot was down and re-arms the others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import BotData, Context
from bot.texts import Texts, fmt, get_texts, language_for
from handlers.forms import FORM, Form, State, current, dialog_name
from handlers.ui import main_menu

AnyApp = Application[Any, Any, Any, Any, BotData, Any]

JOB_NAME = "form timeout"  # the user is the job's user_id: ids stay out of the scheduler's log


class Timeouts:
    """The timeouts of every form of the bot."""

    def __init__(self, forms: Mapping[str, Form]) -> None:
        self.forms = forms

    async def expire(self, app: AnyApp, user_id: int, state: State) -> None:
        """End ``state`` after the configured silence: drop the draft and say so."""
        data = app.user_data.get(user_id)
        if data is not None:
            data.pop(FORM, None)
        app.mark_data_for_update_persistence(user_ids=[user_id])
        disarm(app, user_id)
        services = app.bot_data.services
        form = self.forms.get(state.form)
        t = await texts_of(app, user_id)
        minutes = int(services.settings.conversation_timeout.total_seconds() // 60)
        own = form.timed_out(t, state.draft, minutes) if form and form.timed_out else None
        again = form.again if form is not None else "/menu"
        doing = dialog_name(t, state.form)
        text = own or fmt(t.form.timed_out, dialog=doing, minutes=minutes, again=again)
        with contextlib.suppress(TelegramError):
            await app.bot.send_message(user_id, text, reply_markup=main_menu(t))

    async def _timeout_job(self, context: Context) -> None:
        """The live timeout: end the dialog if it still has the deadline this job was for."""
        job = context.job
        state = current(context)
        if job is None or job.user_id is None or state is None or state.deadline != job.data:
            return
        await self.expire(context.application, job.user_id, state)

    def arm(self, app: AnyApp, user_id: int, state: State) -> None:
        disarm(app, user_id)
        if app.job_queue is None:
            return
        wait = max(state.deadline - _now(app).timestamp(), 0.0)
        app.job_queue.run_once(
            self._timeout_job,
            timedelta(seconds=wait),
            data=state.deadline,
            name=JOB_NAME,
            user_id=user_id,
            chat_id=user_id,
        )

    async def resume(self, app: AnyApp) -> None:
        """At start-up: end the dialogs whose deadline passed while down, re-arm the others."""
        moment = _now(app).timestamp()
        for user_id, data in list(app.user_data.items()):
            state = State.load(data.get(FORM))
            if state is None:
                continue
            if state.deadline <= moment or state.form not in self.forms:
                await self.expire(app, user_id, state)
            else:
                self.arm(app, user_id, state)


def _now(app: AnyApp) -> datetime:
    return app.bot_data.services.clock().astimezone(UTC)


def disarm(app: AnyApp, user_id: int) -> None:
    """Drop ``user_id``'s timeout job."""
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(JOB_NAME):
            if job.user_id == user_id:
                job.schedule_removal()


async def texts_of(app: AnyApp, user_id: int) -> Texts:
    """The texts in the language stored for ``user_id`` (its /language choice wins)."""
    data = app.user_data.get(user_id) or {}
    stored = await app.bot_data.services.users.get(user_id)
    override = data.get("lang") if isinstance(data.get("lang"), str) else None
    if stored is None:
        return get_texts(language_for(None, override))
    return get_texts(language_for(stored.language_code, override or stored.lang_override))
