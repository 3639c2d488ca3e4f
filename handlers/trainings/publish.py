"""/newtraining declared as a form: nine questions, then the summary to publish or change.

Title → English title (optional, "跳过" leaves it empty) → tags → target group → start → end →
place → seats → description, each question showing the answer already given (after /back or
修改). The engine (``handlers.form_router``) asks, goes back, edits, re-asks, cancels and times
out; a staff form, so the role is checked at every step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.dates import DateParseError, parse_end, parse_when
from bot.services.numbers import NumberProblem, parse_number
from bot.services.training_rules import (
    MAX_CAPACITY,
    TrainingError,
    clean_field,
    start_problem,
    window_problem,
)
from bot.services.training_wording import error_text, moment_text, tag_labels, when_text
from bot.services.trainings import TrainingDraft
from bot.texts import Html, Texts, fmt
from bot.vocabulary import TextProblem
from handlers import forms
from handlers.trainings.timers import kick

FEATURE = "trn"  # the /newtraining buttons


def _shown(ask: forms.Ask, key: str) -> str | None:
    """The answer already given for ``key``, as staff see it; None if none yet."""
    tt, draft = ask.t.trainings, ask.draft
    if key not in draft:
        return None
    value = draft[key]
    if key == "tags":
        return tt.tag_separator.join(value) or tt.none_value
    if key in ("start", "end"):
        return moment_text(tt, datetime.fromisoformat(value), ask.settings.timezone)
    return str(value) or tt.none_value


def _question(key: str, text: Callable[[forms.Ask], str]) -> Callable[[forms.Ask], str]:
    """The question for ``key`` (``text(ask)``), with the answer already given under it."""

    def question(ask: forms.Ask) -> str:
        asked, given = text(ask), _shown(ask, key)
        if given is None:
            return asked
        return Html(f"{fmt('{q}', q=asked)}\n{fmt(ask.t.trainings.current_value, value=given)}")

    return question


def _typed(a: forms.Answer, *, optional: bool = False) -> str:
    text = (a.text or "").strip()
    return "" if optional and text.lower() in a.t.trainings.skip_words else text


def _cleaned(key: str, *, optional: bool = False) -> forms.Parser:
    async def parse(a: forms.Answer) -> forms.Outcome:
        value = clean_field(key, _typed(a, optional=optional))
        if isinstance(value, TextProblem):
            return forms.Refuse(error_text(a.t.trainings, key))
        return forms.Accept({key: value})

    return parse


async def _tags(a: forms.Answer) -> forms.Outcome:
    stored = a.context.services.trainings.stored_tags(_typed(a, optional=True))
    return forms.Accept({"tags": list(stored)})


async def _start(a: forms.Answer) -> forms.Outcome:
    """The start as typed: understood, in the future and at most two years ahead."""
    tt, service = a.t.trainings, a.context.services.trainings
    try:
        start = parse_when(_typed(a), now=service.now(), tz=a.ask.settings.timezone)
    except DateParseError:
        return forms.Refuse(tt.bad_date)
    if problem := start_problem(start, service.now()):
        return forms.Refuse(error_text(tt, problem))
    end = datetime.fromisoformat(a.draft["end"]) if "end" in a.draft else None
    if a.ask.editing and (end is None or window_problem(start, end)):
        return forms.Accept(
            {"start": start.isoformat()}, goto="end", edit=True
        )  # the old end is off
    return forms.Accept({"start": start.isoformat()})


async def _end(a: forms.Answer) -> forms.Outcome:
    """The end: a time, a date and time, or a length ("2小时")."""
    tt, service = a.t.trainings, a.context.services.trainings
    start = datetime.fromisoformat(a.draft["start"])
    try:
        end = parse_end(_typed(a), start=start, now=service.now(), tz=a.ask.settings.timezone)
    except DateParseError:
        return forms.Refuse(tt.bad_end)  # examples of ends and lengths, not of starts
    if problem := window_problem(start, end):
        return forms.Refuse(error_text(tt, problem))
    return forms.Accept({"end": end.isoformat()})


async def _capacity(a: forms.Answer) -> forms.Outcome:
    """The number of seats: ASCII, full-width or Chinese numerals (bot.services.numbers)."""
    value = parse_number(_typed(a), ("人", "个"))
    if value is NumberProblem.FOREIGN_DIGITS:
        return forms.Refuse(a.t.form.bad_digits)
    if isinstance(value, NumberProblem) or not value.is_integer():
        return forms.Refuse(a.t.trainings.bad_capacity)
    if not 1 <= value <= MAX_CAPACITY:
        return forms.Refuse(a.t.trainings.bad_capacity)
    return forms.Accept({"capacity": int(value)})


def draft_object(draft: dict[str, Any]) -> TrainingDraft:
    """The session the answers describe."""
    return TrainingDraft(
        title=str(draft.get("title", "")),
        title_en=str(draft.get("title_en", "")),
        tags=tuple(draft.get("tags", ())),
        target_group=str(draft.get("target", "")),
        starts_at=datetime.fromisoformat(draft["start"]),
        ends_at=datetime.fromisoformat(draft["end"]),
        place=str(draft.get("place", "")),
        capacity=int(draft.get("capacity", 0)),
        description=str(draft.get("description", "")),
    )


def _summary(ask: forms.Ask) -> str:
    tt, d = ask.t.trainings, draft_object(ask.draft)
    return fmt(
        tt.summary,
        title=d.title,
        title_en=d.title_en or tt.none_value,
        tags=tt.tag_separator.join(tag_labels(ask.t, ask.settings.town, d.tags)) or tt.none_value,
        target=d.target_group or tt.none_value,
        when=when_text(tt, d.starts_at, d.ends_at, ask.settings.timezone),
        place=d.place,
        capacity=d.capacity,
        description=d.description or tt.none_value,
    )


_STEP_OF_ERROR = {"past": "start", "too_far": "start", "order": "start", "too_long": "end"}


async def _publish(a: forms.Answer) -> forms.Outcome:
    """Publish the session and queue its announcement; a refusal asks the field again."""
    user, message, tt = a.update.effective_user, a.update.effective_message, a.t.trainings
    if user is None or message is None:
        return forms.Finish()
    try:
        result = await a.context.services.trainings.create(draft_object(a.draft), actor=user.id)
    except TrainingError as exc:
        step = _STEP_OF_ERROR.get(exc.code, "title")
        return forms.Accept(goto=step, edit=True, note=error_text(tt, exc.code))
    await message.reply_text(fmt(tt.published, id=result.training.id, announced=result.notified))
    kick(a.context.application)
    return forms.Finish()


def _label(key: str) -> Callable[[Texts], str]:
    return lambda t: dict(t.trainings.new_fields)[key]


def _step(key: str, text: Callable[[forms.Ask], str], parse: forms.Parser) -> forms.Step:
    return forms.Step(key, _question(key, text), parse, label=_label(key))


STEPS = (
    _step("title", lambda ask: ask.t.trainings.ask_title, _cleaned("title")),
    _step(
        "title_en",
        lambda ask: ask.t.trainings.ask_title_en,
        _cleaned("title_en", optional=True),  # "skip" keeps it empty
    ),
    _step(
        "tags",
        lambda ask: fmt(
            ask.t.trainings.ask_tags,
            known=ask.t.common.list_separator.join(
                tag_labels(ask.t, ask.settings.town, ask.services.trainings.tags())
            )
            if ask.services
            else "",
        ),
        _tags,
    ),
    _step("target", lambda ask: ask.t.trainings.ask_target, _cleaned("target", optional=True)),
    _step("start", lambda ask: ask.t.trainings.ask_start, _start),
    _step("end", lambda ask: ask.t.trainings.ask_end, _end),
    _step("place", lambda ask: ask.t.trainings.ask_place, _cleaned("place")),
    _step("capacity", lambda ask: ask.t.trainings.ask_capacity, _capacity),
    _step(
        "description",
        lambda ask: ask.t.trainings.ask_description,
        _cleaned("description", optional=True),
    ),
)


def form() -> forms.Form:
    """The staff's /newtraining dialog."""
    return forms.Form(
        name="new_training",
        key=FEATURE,
        steps=STEPS,
        entries=(forms.on_command("newtraining"),),
        submit=_publish,
        summary=_summary,
        submit_label=lambda t: t.trainings.btn_publish,
        staff=True,
        staff_action="newtraining",
    )
