"""Every staff handler and every state of every staff dialog refuse a resident and a removed admin.

The handlers are enumerated from the built Application (not a hand list): every guarded
handler, every entry, state and fallback of every dialog that a guarded entry opens, and every
step of every staff form. Each is driven with an update from a resident and from an admin who
was removed from ``admin_ids`` before a restart; each must refuse (the polite not-allowed text,
an audit row) and do nothing else. Cross-checks keep the enumeration honest: the staff commands
the texts publish are all guarded, and a dialog with a guarded entry is guarded in every state.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    TypeHandler,
)

from bot.settings import Settings
from bot.shell.app import forms_router_of
from bot.shell.harness import BotHarness, bot_harness
from bot.texts import get_texts
from db.audit import list_audit
from handlers.dialogs import DIALOG
from handlers.forms import FIELDS, FORM, SUMMARY, Form, State
from handlers.staff_guard import is_guarded
from tests.conftest import ADMIN_ID, OTHER_ADMIN_ID

ZH = get_texts("zh")
RESIDENT = 7301
Handler = BaseHandler[Any, Any, Any]


@dataclasses.dataclass(frozen=True)
class StaffStep:
    """One place a staff member can act: a handler, in a dialog's state or outside any."""

    label: str
    handler: Handler
    dialog: ConversationHandler[Any] | None = None
    state: object = None


def staff_dialogs(app: Any) -> Iterator[ConversationHandler[Any]]:
    """The dialogs a guarded entry opens."""
    for group in app.handlers.values():
        for h in group:
            if isinstance(h, ConversationHandler) and any(map(is_guarded, h.entry_points)):
                yield h


def staff_steps(app: Any) -> list[StaffStep]:
    """Every guarded handler, and every handler of every state of every staff dialog."""
    steps: list[StaffStep] = []
    for group in app.handlers.values():
        for h in group:
            if not isinstance(h, ConversationHandler) and is_guarded(h):
                steps.append(StaffStep(describe(h), h))
    for dialog in staff_dialogs(app):
        steps += [
            StaffStep(f"{dialog.name}:entry:{describe(h)}", h, dialog) for h in dialog.entry_points
        ]
        for state, handlers in dialog.states.items():
            if state == ConversationHandler.TIMEOUT:
                continue
            for h in [*handlers, *dialog.fallbacks]:
                steps.append(StaffStep(f"{dialog.name}:{state}:{describe(h)}", h, dialog, state))
    return steps


def staff_forms(app: Any) -> list[Form]:
    """The forms only staff may fill in."""
    return [f for f in forms_router_of(app).forms.values() if f.staff]


def describe(h: Handler) -> str:
    if isinstance(h, CommandHandler):
        return "/" + "/".join(sorted(h.commands))
    if isinstance(h, CallbackQueryHandler):
        return f"button {getattr(h.pattern, 'pattern', h.pattern)}"
    return f"{type(h).__name__}({getattr(h.callback, '__name__', '?')})"


def sample_data(h: CallbackQueryHandler[Any, Any]) -> str:
    """Callback data matching ``h``'s pattern (``^v1:feature(:|$)`` or ``...:(a|b)(:|$)``)."""
    pattern = getattr(h.pattern, "pattern", h.pattern)
    if pattern is None:
        return "v1:zz:1"
    assert isinstance(pattern, str)
    text = pattern.removeprefix("^").removesuffix("(:|$)").replace("\\", "")
    text = re.sub(r"\(([^|)]*)[^)]*\)", r"\1", text)
    data = f"{text}:1"
    assert re.match(pattern, data), (pattern, data)
    return data


async def denials(harness: BotHarness, actor: int) -> int:
    async with harness.running.services.db.read() as conn:
        entries = await list_audit(conn, actor_id=actor, limit=100_000)
    return sum(1 for e in entries if e.action.startswith("denied:"))


@pytest.fixture(params=["resident", "removed admin"])
async def actor(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[tuple[BotHarness, int]]:
    """The bot and a user who is not staff: a resident, or an admin removed before a restart."""
    async with bot_harness(settings) as harness:
        if request.param == "resident":
            await harness.user(RESIDENT).send("/start")
            yield harness, RESIDENT
            return
        await harness.user(OTHER_ADMIN_ID).send("/start")
        harness.settings = dataclasses.replace(settings, admin_ids=frozenset({ADMIN_ID}))
        await harness.restart()
        yield harness, OTHER_ADMIN_ID


def test_the_enumeration_finds_the_staff_surface(harness: BotHarness) -> None:
    app = harness.running.app
    names = {d.name for d in staff_dialogs(app)} | {f.name for f in staff_forms(app)}
    # The staff's dialogs, whichever mechanism serves them.
    assert {"review_return", "new_training", "training_manage", "broadcast"} <= names
    assert {"complaint_resolve", "contact_reply"} <= names
    assert len(staff_steps(app)) > 15
    assert sum(len(f.steps) for f in staff_forms(app)) >= 10


def test_every_published_staff_command_is_guarded(harness: BotHarness) -> None:
    app = harness.running.app
    forms = forms_router_of(app).forms.values()
    for command, _ in ZH.common.staff_commands:
        found = [
            h
            for group in app.handlers.values()
            for top in group
            for h in (top.entry_points if isinstance(top, ConversationHandler) else [top])
            if isinstance(h, CommandHandler) and command in h.commands
        ]
        in_forms = [
            f
            for f in forms
            for e in f.entries
            if isinstance(e.handler, CommandHandler) and command in e.handler.commands
        ]
        assert found or in_forms, command
        assert all(is_guarded(h) for h in found), command
        assert all(f.staff for f in in_forms), command


def test_a_staff_dialog_is_guarded_in_every_state(harness: BotHarness) -> None:
    for dialog in staff_dialogs(harness.running.app):
        handlers = [*dialog.entry_points, *dialog.fallbacks]
        for state, hs in dialog.states.items():
            if state != ConversationHandler.TIMEOUT:
                handlers += hs
        unguarded = [describe(h) for h in handlers if not is_guarded(h)]
        assert not unguarded, (dialog.name, unguarded)


async def test_every_staff_step_refuses(actor: tuple[BotHarness, int]) -> None:
    harness, user_id = actor
    app = harness.running.app
    user = harness.user(user_id)
    for step in staff_steps(app):
        key = (user_id, user_id)
        if step.dialog is not None and step.state is not None:
            step.dialog._conversations[key] = step.state  # as restored after a restart
            app.user_data[user_id][DIALOG] = step.dialog.name
        results: list[object] = []

        async def only(
            update: Update,
            context: Any,
            target: Handler = step.handler,
            out: list[object] = results,
        ) -> None:
            out.append(await target.callback(update, context))
            raise ApplicationHandlerStop

        proxy = TypeHandler(Update, only)
        app.add_handler(proxy, group=-10)  # the update reaches exactly this handler
        try:
            before = await denials(harness, user_id)
            if isinstance(step.handler, CallbackQueryHandler):
                replies = await user.press_data(sample_data(step.handler), user.last)
                assert replies.toast == ZH.common.not_allowed, step.label
            else:
                command = next(iter(getattr(step.handler, "commands", ()) or ["cancel"]))
                text = f"/{command}" if isinstance(step.handler, CommandHandler) else "测试"
                replies = await user.send(text)
                assert [m.text for m in replies.messages] == [ZH.common.not_allowed], step.label
            assert await denials(harness, user_id) == before + 1, step.label
            expected = None if step.dialog is None else ConversationHandler.END
            assert results == [expected], step.label
            if step.dialog is not None:
                assert app.user_data[user_id].get(DIALOG) is None, step.label
        finally:
            app.remove_handler(proxy, group=-10)
            if step.dialog is not None:
                step.dialog._conversations.pop(key, None)


async def test_every_step_of_every_staff_form_refuses_and_ends(
    actor: tuple[BotHarness, int],
) -> None:
    harness, user_id = actor
    app = harness.running.app
    user = harness.user(user_id)
    for form in staff_forms(app):
        steps = [s.name for s in form.steps] + ([SUMMARY, FIELDS] if form.summary else [])
        for step in steps:
            state = State(form.name, step, {}, time.time() + 600)
            app.user_data[user_id][FORM] = state.dump()  # as restored after a restart
            before = await denials(harness, user_id)
            replies = await user.send("测试")
            doing = dict(ZH.common.dialog_names)[form.name]
            ended = ZH.form.staff_only_ended.format(dialog=doing)
            assert ZH.common.not_allowed in [m.text for m in replies.messages], (form.name, step)
            assert replies.last.text == ended, (form.name, step)
            assert FORM not in app.user_data[user_id], (form.name, step)
            assert await denials(harness, user_id) == before + 1, (form.name, step)


async def test_a_removed_admin_cannot_publish_the_training_they_had_open(
    settings: Settings,
) -> None:
    async with bot_harness(settings) as harness:
        admin = harness.user(OTHER_ADMIN_ID)
        await admin.send("/newtraining")
        for answer in ("电商直播培训", "跳过", "电子商务", "返乡青年", "12月5日 14:00", "2小时"):
            await admin.send(answer)
        for answer in ("镇政府三楼会议室", "30", "无"):
            await admin.send(answer)
        assert ZH.trainings.btn_publish in admin.last.button_labels
        harness.settings = dataclasses.replace(settings, admin_ids=frozenset({ADMIN_ID}))
        await harness.restart()
        replies = await admin.press(ZH.trainings.btn_publish)
        assert replies.toast == ZH.common.not_allowed
        assert await harness.running.services.trainings.list_sessions() == []
        assert (await admin.send("/cancel")).last.text == ZH.common.nothing_to_cancel
