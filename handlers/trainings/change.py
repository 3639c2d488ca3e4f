"""Changing a published session, declared as a form: a new value for one field, or a new start.

From the staff view (🛠): 改地点 / 改名额 / ... asks for the new value and saves it; 改期 asks
for the new start, then shows old and new time to confirm. Services re-plan reminders and queue
the notices; a refused value is explained and asked again. A staff form: the role is checked at
every step.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from bot.buttons import EditTrainingButton, StaffAction, StaffSessionButton
from bot.dates import DateParseError, parse_when
from bot.services.numbers import NumberProblem, parse_number
from bot.services.training_rules import TrainingError, start_problem
from bot.services.training_wording import error_text, tag_labels, when_text
from bot.texts import fmt
from db.models import Training, TrainingStatus
from handlers import forms
from handlers.trainings.timers import arm_timer, kick

_Kind = TypeVar("_Kind", StaffSessionButton, EditTrainingButton)


async def _open_move(start: forms.Start) -> forms.Opening | None:
    """改期: ask for a session's new start."""
    found = await _session(start, StaffSessionButton)
    return None if found is None else forms.Opening({"id": found[0].id}, "new_start")


async def _open_edit(start: forms.Start) -> forms.Opening | None:
    """改地点 / 改名额 ...: ask for the new value of one field."""
    found = await _session(start, EditTrainingButton)
    if found is None:
        return None
    training, button = found
    return forms.Opening({"id": training.id, "field": button.field}, "value")


async def _session(start: forms.Start, kind: type[_Kind]) -> tuple[Training, _Kind] | None:
    """The session a staff button is for, if it can still change (the press is answered:
    a forged button as stale, a session deleted or cancelled as such)."""
    query, tt = start.query, start.t.trainings
    button = kind.unpack(query.data) if query is not None else None
    if query is None or button is None:
        if query is not None:
            await query.answer(start.t.common.stale_button, True)
        return None
    training = await start.context.services.trainings.get(button.training_id)
    if training is None or training.status is TrainingStatus.CANCELLED:
        await query.answer(error_text(tt, "cancelled" if training else "not_found"), True)
        return None
    await query.answer()
    return training, button


async def _value_question(ask: forms.Ask) -> str:
    tt, field = ask.t.trainings, str(ask.draft["field"])
    assert ask.services is not None  # the router always passes them
    training = await ask.services.trainings.get(int(ask.draft["id"]))
    value = getattr(training, field, "") if training is not None else ""
    if field == "tags":
        value = tt.tag_separator.join(tag_labels(ask.t, ask.settings.town, value))
    current = str(value) or tt.none_value
    return fmt(tt.ask_field, field=dict(tt.field_names)[field], current=current)


async def _value(a: forms.Answer) -> forms.Outcome:
    """The new value as typed (seats read by the one number parser)."""
    tt, field, raw = a.t.trainings, str(a.draft["field"]), (a.text or "").strip()
    value: str | int = raw
    if field == "capacity":
        number = parse_number(raw, ("人", "个"))
        if number is NumberProblem.FOREIGN_DIGITS:
            return forms.Refuse(a.t.form.bad_digits)
        whole = not isinstance(number, NumberProblem) and number.is_integer()
        value = int(number) if whole and not isinstance(number, NumberProblem) else 0
    elif field in ("description", "target_group", "tags", "title_en") and (
        raw.lower() in tt.skip_words
    ):
        value = ""
    return forms.Accept({"value": value})


async def _new_start_question(ask: forms.Ask) -> str:
    tt = ask.t.trainings
    assert ask.services is not None  # the router always passes them
    training = await ask.services.trainings.get(int(ask.draft["id"]))
    if training is None:
        return error_text(tt, "not_found")
    current = when_text(tt, training.starts_at, training.ends_at, ask.settings.timezone)
    return fmt(tt.ask_new_start, current=current)


async def _new_start(a: forms.Answer) -> forms.Outcome:
    tt, service = a.t.trainings, a.context.services.trainings
    try:
        start = parse_when(a.text or "", now=service.now(), tz=a.ask.settings.timezone)
    except DateParseError:
        return forms.Refuse(tt.bad_date)
    if problem := start_problem(start, service.now()):
        return forms.Refuse(error_text(tt, problem))
    return forms.Accept({"start": start.isoformat()}, goto="move_confirm")


async def _move_question(ask: forms.Ask) -> str:
    tt, tz = ask.t.trainings, ask.settings.timezone
    assert ask.services is not None  # the router always passes them
    service = ask.services.trainings
    training = await service.get(int(ask.draft["id"]))
    if training is None:
        return error_text(tt, "not_found")
    card = await service.overview(training.id)
    count = (card.signed + card.waitlisted) if card else 0
    start = datetime.fromisoformat(ask.draft["start"])
    end = start + (training.ends_at - training.starts_at)
    old = when_text(tt, training.starts_at, training.ends_at, tz)
    new = when_text(tt, start, end, tz)
    title = training.title_for(ask.t.lang)
    return fmt(tt.confirm_move, title=title, old=old, new=new, count=count)


async def _move_confirmed(a: forms.Answer) -> forms.Outcome:
    return forms.Accept() if a.choice == "ok" else forms.Cancel()


async def _save(a: forms.Answer) -> forms.Outcome:
    """Move the session or save the new value; tell staff how many people are told."""
    message, user, tt = a.update.effective_message, a.update.effective_user, a.t.trainings
    if message is None or user is None:
        return forms.Finish()
    service, tid = a.context.services.trainings, int(a.draft["id"])
    try:
        if "field" not in a.draft:
            moved = await service.move(
                tid, datetime.fromisoformat(a.draft["start"]), actor=user.id
            )
            await message.reply_text(fmt(tt.moved_done, notified=moved.notified))
            kick(a.context.application)
            await arm_timer(a.context.application)
            return forms.Finish()
        field = str(a.draft["field"])
        edited = await service.edit(tid, field, a.draft["value"], actor=user.id)
    except TrainingError as exc:
        if exc.code in ("not_found", "cancelled", "field") or "field" not in a.draft:
            await message.reply_text(error_text(tt, exc.code))
            return forms.Finish()
        return forms.Refuse(error_text(tt, exc.code))
    names = dict(tt.field_names)
    promoted = len(edited.promoted)
    done = fmt(tt.edited, field=names[field], notified=edited.notified, promoted=promoted)
    await message.reply_text(done)
    if edited.notified or edited.promoted:
        kick(a.context.application)
    return forms.Finish()


def _move_options(ask: forms.Ask) -> list[tuple[str, str]]:
    tt = ask.t.trainings
    return [(tt.btn_confirm_move, "ok"), (tt.btn_abort, "no")]


STEPS = (
    forms.Step("value", _value_question, _value, ordered=False),
    forms.Step("new_start", _new_start_question, _new_start, ordered=False),
    forms.Step(
        "move_confirm",
        _move_question,
        _move_confirmed,
        widget=forms.Widget.BUTTONS,
        options=_move_options,
        ordered=False,
    ),
)


def form() -> forms.Form:
    """The staff's change of a session (entries: 改期 and the 改… buttons of the staff view)."""
    move = StaffSessionButton.pattern(action=StaffAction.MOVE)
    return forms.Form(
        name="training_manage",
        key="trc",
        steps=STEPS,
        entries=(
            forms.on_press(move, _open_move),
            forms.on_press(EditTrainingButton.pattern(), _open_edit),
        ),
        submit=_save,
        again="/trainings",
        staff=True,
        staff_action="training",
    )
