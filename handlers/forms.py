"""The form engine: every dialog is declared as data (``Form``) and served by one router.

A ``Form`` is an ordered list of ``Step``s (draft field, question, widget, parser), an optional
summary with a 修改 button per field, and what submitting does. ``FormRouter`` serves every
form the same way: ask, next, /back (keeping the answer given), edit from the summary, re-ask
after a sticker or an old button, /cancel, timeout and one dialog at a time. A dialog's whole
state (form, step, draft, deadline, the steps behind it) is ONE value, ``user_data[FORM]``, so
the SQLite persistence keeps it across a restart, deadline included: a restored dialog still
ends on time (at start-up or at the user's next update). A staff form re-checks the role at
every update. Forms say what they mean through ``bot.texts``; no SQL here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    Contact,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import CallbackData
from bot.context import Context
from bot.services import Services
from bot.settings import Settings
from bot.texts import Texts
from handlers.ui import Press, press_of

FORM = "form"  # user_data key: the one place a dialog's state lives
SUMMARY = "summary"  # the pseudo-step showing every answer with submit / change / cancel
FIELDS = "fields"  # the pseudo-step listing the answers that may be changed
Draft = dict[str, Any]
_Button = TypeVar("_Button", bound=CallbackData)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class Widget(Enum):
    """How a step is answered (and which keyboard its question carries)."""

    TEXT = "text"  # typed text; every keyboard is removed
    BUTTONS = "buttons"  # inline buttons; typing the option works too
    PHONE = "phone"  # a share-my-number button, or a typed number
    PHOTO = "photo"  # a photo (its file id), or the step's buttons / text


@dataclass(frozen=True)
class Ask:
    """What a question or a parser may look at: the user's texts, settings and draft."""

    t: Texts
    settings: Settings
    draft: Draft
    editing: bool = False
    services: Services | None = None  # for a question that looks something up


@dataclass(frozen=True)
class Answer:
    """What the user sent at a step: typed text, a pressed option or a shared contact."""

    ask: Ask
    update: Update
    context: Context
    text: str | None = None
    choice: str | None = None
    contact: Contact | None = None
    photo: str | None = None  # the file id of the largest size

    @property
    def t(self) -> Texts:
        """The user's texts."""
        return self.ask.t

    @property
    def draft(self) -> Draft:
        """The answers given so far."""
        return self.ask.draft

    @property
    def user(self) -> User:
        """Who answers (the router serves only updates that have a sender)."""
        if self.update.effective_user is None:
            raise LookupError("a dialog update without a sender")
        return self.update.effective_user


@dataclass(frozen=True)
class Accept:
    """Store ``values`` and move on (to ``goto`` if given); ``echo`` confirms the answer."""

    values: Mapping[str, object] = field(default_factory=dict)
    goto: str | None = None
    echo: str | None = None
    note: str | None = None  # said above the next question
    edit: bool = False  # the next step is a correction: its answer leads back to the summary


@dataclass(frozen=True)
class Refuse:
    """Ask the same question again after ``note``."""

    note: str


@dataclass(frozen=True)
class Finish:
    """The dialog is over (the form has said so itself)."""


@dataclass(frozen=True)
class Stay:
    """Nothing changes (the form has answered the press itself)."""


@dataclass(frozen=True)
class Cancel:
    """Leave the dialog as /cancel does."""


Outcome = Accept | Refuse | Finish | Stay | Cancel
Parser = Callable[[Answer], Awaitable[Outcome]]
Options = Callable[[Ask], Sequence[tuple[str, str]]]  # (label, value)


@dataclass(frozen=True)
class Step:
    """One question of a form."""

    name: str
    question: Callable[[Ask], str | Awaitable[str]]  # Html or plain text (escaped when sent)
    parse: Parser
    widget: Widget = Widget.TEXT
    options: Options | None = None
    per_row: int = 2
    label: Callable[[Texts], str] | None = None  # shown in the 修改 list; None: not editable
    ordered: bool = True  # False: reached only by a goto (a follow-up or a confirmation)
    then: str | None = None  # a follow-up: the dialog goes on as after this ordered step
    phone_button: Callable[[Texts], str] | None = None
    extra_rows: Callable[[Ask], list[list[InlineKeyboardButton]]] | None = None  # on top


@dataclass(frozen=True)
class Opening:
    """How a dialog starts: its draft, the first step and a note above the question."""

    draft: Draft
    step: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Start:
    """What an opener may look at: the update that opens the dialog, its sender and their
    texts, and the dialog already open when a form reopens itself on another item."""

    update: Update
    context: Context
    user: User
    t: Texts
    state: State | None = None

    @property
    def query(self) -> CallbackQuery | None:
        """The button press that opens the dialog (None for a command or a menu text)."""
        return self.update.callback_query


Opener = Callable[[Start], Awaitable[Opening | None]]


@dataclass(frozen=True)
class Entry:
    """A handler that opens the form; it also works at the ``inside`` steps of an open one."""

    handler: BaseHandler[Update, Context, Any]
    open: Opener
    inside: tuple[str, ...] = ()


async def entry_only(update: Update, context: Context) -> None:
    """The callback of an entry's handler: never run (the router only asks it to match)."""


async def fresh(_: Start) -> Opening:
    """Open a form at its first step with nothing answered yet."""
    return Opening({})


def on_command(command: str, open: Opener = fresh) -> Entry:
    """The form opens on ``/command`` (by default at its first step, with nothing answered)."""
    return Entry(CommandHandler(command, entry_only), open)


def on_menu(labels: list[str], open: Opener) -> Entry:
    """The form opens on a main-menu button (its label in every language)."""
    return Entry(MessageHandler(filters.Text(labels), entry_only), open)


def on_press(pattern: str, open: Opener, inside: tuple[str, ...] = ()) -> Entry:
    """The form opens on an inline button matching ``pattern`` (also at the ``inside`` steps
    of an open one)."""
    return Entry(CallbackQueryHandler(entry_only, pattern=pattern), open, inside)


@dataclass(frozen=True)
class Form:
    """A dialog declared as data."""

    name: str  # also the dialog's name in ``texts.common.dialog_names``
    key: str  # callback-data feature of its buttons
    steps: tuple[Step, ...]
    entries: tuple[Entry, ...]
    submit: Parser  # run on the summary's submit button (or after the last step)
    # The command that starts it again (named by the timeout message); default: its own.
    again: str = ""
    summary: Callable[[Ask], str] | None = None
    submit_label: Callable[[Texts], str] | None = None
    editable: Callable[[Draft], bool] = lambda _: True
    step_editable: Callable[[Draft, str], bool] = lambda _d, _s: True
    staff: bool = False
    staff_action: str | None = None  # how a refusal is audited (default: command or button)
    # A wording of its own (None from the callable: the common wording).
    cancelled: Callable[[Texts, Draft], str | None] | None = None
    timed_out: Callable[[Texts, Draft, int], str | None] | None = None
    # Handlers that still work inside the dialog without changing it (e.g. another card's 通过).
    besides: tuple[BaseHandler[Update, Context, Any], ...] = ()

    def __post_init__(self) -> None:
        if not self.again:  # the form's own command, if it has one
            commands = (e.handler for e in self.entries if isinstance(e.handler, CommandHandler))
            again = next((f"/{min(c.commands)}" for c in commands), "/menu")
            object.__setattr__(self, "again", again)

    def step(self, name: str) -> Step | None:
        """The step called ``name``."""
        return next((s for s in self.steps if s.name == name), None)

    def after(self, name: str) -> str | None:
        """The ordered step after ``name`` (None after the last one)."""
        ordered = [s.name for s in self.steps if s.ordered]
        if name not in ordered:
            return None
        index = ordered.index(name) + 1
        return ordered[index] if index < len(ordered) else None


@dataclass
class State:
    """A user's open dialog: the one value stored in ``user_data[FORM]``."""

    form: str
    step: str
    draft: Draft
    deadline: float  # POSIX seconds
    editing: bool = False
    behind: list[str] = field(default_factory=list)  # the steps /back returns to

    @classmethod
    def load(cls, data: object) -> State | None:
        """The state stored in ``data`` (None if absent or malformed)."""
        if not isinstance(data, dict):
            return None
        form, step, draft = data.get("form"), data.get("step"), data.get("draft")
        deadline, behind = data.get("deadline"), data.get("behind", [])
        if not (isinstance(form, str) and isinstance(step, str) and isinstance(draft, dict)):
            return None
        if not isinstance(deadline, int | float) or not isinstance(behind, list):
            return None
        steps = [s for s in behind if isinstance(s, str)]
        # Copies: a step's changes reach user_data only once its question was sent.
        editing = data.get("editing") is True
        return cls(form, step, dict(draft), float(deadline), editing, steps)

    def dump(self) -> dict[str, Any]:
        """The JSON-shaped value kept in ``user_data``."""
        return {
            "form": self.form,
            "step": self.step,
            "draft": self.draft,
            "deadline": self.deadline,
            "editing": self.editing,
            "behind": self.behind,
        }


def current(context: Context) -> State | None:
    """The dialog the user is in, if any."""
    return State.load(context.user_data.get(FORM) if context.user_data is not None else None)


def dialog_name(t: Texts, name: str) -> str:
    """What the user is doing in dialog ``name``, in their language."""
    return dict(t.common.dialog_names).get(name, t.common.dialog_other)


def now(context: Context) -> datetime:
    """The services' clock (tests move it)."""
    return context.services.clock().astimezone(UTC)


def press_then_type(
    name: str,
    button: type[_Button],
    open: Callable[[Start, Press[_Button]], Awaitable[Opening | None]],
    *,
    question: Callable[[Ask], str | Awaitable[str]],
    clean: Callable[[str], str | None],
    refused: Callable[[Texts], str],
    submit: Callable[[Answer, str], Awaitable[str | None]],
    again: str,
    cancelled: Callable[[Texts, Draft], str | None] | None = None,
    besides: tuple[BaseHandler[Update, Context, Any], ...] = (),
    staff_action: str | None = None,
) -> Form:
    """A staff dialog of one shape: press a card's ``button``, type one text (like a ``Step``:
    its name, what starts it and how, then the keywords).

    ``open`` gets the typed press (a stale one is answered before) and says what the dialog is
    about, or refuses after answering the press itself. The text is ``clean``ed (None: asked
    again after ``refused``), then ``submit`` does the work and says what to reply. Another
    card's button switches to its item while the dialog waits for the text.
    """

    async def opened(start: Start) -> Opening | None:
        press = await press_of(start.update, start.context, button)
        opening = None if press is None else await open(start, press)
        if press is not None and opening is not None:
            await press.query.answer()
        return opening

    async def typed(a: Answer) -> Outcome:
        text = clean(a.text or "")
        return Refuse(refused(a.t)) if text is None else Accept({TYPED: text})

    async def done(a: Answer) -> Outcome:
        reply = await submit(a, str(a.draft[TYPED]))
        if reply is not None and a.update.effective_message is not None:
            await a.update.effective_message.reply_text(reply)
        return Finish()

    return Form(
        name=name,
        key=name,  # no buttons of its own: the key never reaches Telegram
        steps=(Step(TYPED, question, typed),),
        entries=(on_press(button.pattern(), opened, inside=(TYPED,)),),
        submit=done,
        again=again,
        staff=True,
        staff_action=staff_action,
        cancelled=cancelled,
        besides=besides,
    )


TYPED = "text"  # the one step of a press-then-type dialog (and its answer in the draft)
