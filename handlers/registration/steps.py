"""The registration's questions: what each step asks and how its answer is read.

Name → industry (其他: a typed industry) → village (其他村: a typed village, flagged for
staff) → applicant type → investment (a confirmation above 1000 万元) → jobs → phone →
referrer, and the optional 补充说明 a correction opens at. ``handlers.registration.form``
declares the form with these steps, its summary, the duplicate prompt and what submitting does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.services.answers import (
    choose,
    format_wan,
    mask_phone,
    parse_investment,
    parse_jobs,
    parse_phone,
    rough_investment,
)
from bot.services.dialog_words import non_answer, yes_or_none
from bot.services.draft import Draft, Field
from bot.services.invites import ReferrerRefusal
from bot.services.names import (
    VILLAGE_MAX_CHARS,
    listed_village,
    looks_like_question,
    recognisable,
)
from bot.services.registration import NAME_MAX_CHARS, NOTE_MAX_CHARS, RESUBMIT_NOTE_MAX_CHARS
from bot.services.text import clean_multiline, clean_text, normalize_line, utf16_len
from bot.texts import Html, Texts, fmt
from bot.vocabulary import Problem, TextProblem
from handlers.forms import (
    Accept,
    Answer,
    Ask,
    Outcome,
    Parser,
    Refuse,
    Step,
    Widget,
)

OTHER = "other"
RESUBMIT_NOTE = "resubmit_note"


def field_label(t: Texts, field: Field) -> str:
    return t.registration.field_labels[field]


def _labelled(field: Field) -> Callable[[Texts], str]:
    return lambda t: field_label(t, field)


def _problem(t: Texts, problem: Problem | TextProblem, **values: object) -> Html:
    return fmt(t.registration.errors[problem], **values)


def _typed_length(text: str) -> int:
    return utf16_len(normalize_line(text))


def referrer_text(t: Texts, draft: Draft) -> str | Html:
    r = t.registration
    if draft.referrer_id is not None and draft.referrer_name is not None:
        return fmt(r.referrer_linked, name=draft.referrer_name)
    return draft.referrer_note or r.referrer_none


async def _name(a: Answer) -> Outcome:
    text = a.text or ""
    name = clean_text(text, NAME_MAX_CHARS)
    if name is TextProblem.TOO_LONG:
        r = a.t.registration
        return Refuse(fmt(r.error_name_too_long, limit=NAME_MAX_CHARS, length=_typed_length(text)))
    if isinstance(name, TextProblem):
        return Refuse(_problem(a.t, name))
    if not recognisable(name):
        return Refuse(a.t.registration.error_name_unrecognisable)
    if looks_like_question(name):
        return Refuse(a.t.registration.error_name_question)
    return Accept({"name": name})


@dataclass(frozen=True)
class _Other:
    """A choice step's way out of its list: a button leading to a typed answer."""

    step: str  # the step asking for the typed answer
    button: Callable[[Texts], str]
    # Where a typed answer that matches no option goes: accepted as it is (an industry), or
    # refused with a pointer to the button (a village: "好的" is no village to file).
    refuse_typed: Callable[[Texts, str], str] | None = None


_OTHERS = {
    Field.INDUSTRY: _Other("industry_other", lambda t: t.registration.btn_other),
    Field.VILLAGE: _Other(
        "village_other",
        lambda t: t.registration.btn_other_village,
        lambda t, text: fmt(t.registration.error_village_unknown, text=text),
    ),
}


def _chosen(field: Field, value: str) -> Accept:
    """File ``value`` from the list; it replaces a village typed under 其他村 before."""
    flag = {"village_unlisted": False} if field is Field.VILLAGE else {}
    return Accept({field.value: value, **flag})


async def _typed_other(
    a: Answer, field: Field, other: _Other, choices: tuple[str, ...]
) -> Outcome:
    """A typed answer that is none of ``choices`` at a step with a 其他 button: a listed
    village written differently, or an industry name checked as the 其他 step checks it (and
    not a reply such as "好的" or a question), filed as typed with the way back in the echo;
    else why not. The 其他 label typed is its button pressed: the form engine
    (``FormRouter._steered``) turns a shown button's label into the press."""
    if field is Field.VILLAGE and (listed := listed_village(a.text or "", choices)):
        return _chosen(field, listed)
    if other.refuse_typed is not None:
        return Refuse(other.refuse_typed(a.t, normalize_line(a.text or "")[:40]))
    typed = await _other_industry(a)  # the village refuses typed names: only an industry
    if not isinstance(typed, Accept):
        return typed
    value = str(typed.values[Field.INDUSTRY.value])
    if non_answer(value) or looks_like_question(value):
        return Refuse(fmt(a.t.registration.error_industry_typed, text=value[:40]))
    echo = fmt(a.t.registration.typed_choice, label=field_label(a.t, field), value=value)
    return replace(typed, echo=echo)


def _choice_step(field: Field, options_of: str, question: str, per_row: int) -> Step:
    """A step answered by one of the settings' options (pressed, or typed / by number)."""
    other = _OTHERS.get(field)

    def offered(ask: Ask) -> tuple[str, ...]:
        return tuple(getattr(ask.settings.town, options_of))

    def options(ask: Ask) -> list[tuple[str, str]]:
        # The button shows the name in the user's language and carries the stored choice's
        # position, so an English label still files the Chinese name.
        town = ask.settings.town
        pairs = [(town.label(o, ask.t.lang), str(i)) for i, o in enumerate(offered(ask))]
        if other is not None:
            pairs.append((other.button(ask.t), OTHER))
        return pairs

    async def parse(a: Answer) -> Outcome:
        choices = offered(a.ask)
        if a.choice is not None:
            if other is not None and a.choice == OTHER:
                echo = fmt(a.t.form.chosen, label=field_label(a.t, field), value=other.button(a.t))
                return Accept(goto=other.step, echo=echo, edit=a.ask.editing)
            index = int(a.choice) if a.choice.isascii() and a.choice.isdigit() else len(choices)
            return _chosen(field, choices[index]) if index < len(choices) else Refuse("")
        # A button's label typed (an English name too) reached the engine as that button's
        # press; what is typed here is a name in Chinese, a number, or neither.
        value = choose(a.text or "", choices)
        if other is not None and value is Problem.NOT_A_CHOICE:
            return await _typed_other(a, field, other, choices)
        if isinstance(value, Problem):
            length = _typed_length(a.text or "")
            return Refuse(_problem(a.t, value, limit=NOTE_MAX_CHARS, length=length))
        return _chosen(field, value)

    return Step(
        field.value,
        lambda ask: getattr(ask.t.registration, question),
        parse,
        widget=Widget.BUTTONS,
        options=options,
        per_row=per_row,
        label=_labelled(field),
    )


def _typed_step(field: Field, question: str, limit: int, parse: Parser) -> Step:
    """The typed answer behind a choice step's 其他 button; the dialog then goes on as after
    the choice step."""
    return Step(
        _OTHERS[field].step,
        lambda ask: fmt(getattr(ask.t.registration, question), limit=limit),
        parse,
        ordered=False,
        then=field.value,
    )


async def _other_industry(a: Answer) -> Outcome:
    value = clean_text(a.text or "", NOTE_MAX_CHARS)
    if isinstance(value, TextProblem):
        length = _typed_length(a.text or "")
        return Refuse(_problem(a.t, value, limit=NOTE_MAX_CHARS, length=length))
    if not recognisable(value):
        return Refuse(a.t.registration.error_other_unrecognisable)
    return Accept({"industry": value})


async def _other_village(a: Answer) -> Outcome:
    """A village missing from the list, typed: filed as typed and flagged for staff (one that
    is on the list after all, with or without 村, is filed as the listed one)."""
    value = clean_text(a.text or "", VILLAGE_MAX_CHARS)
    if isinstance(value, TextProblem):
        length = _typed_length(a.text or "")
        return Refuse(_problem(a.t, value, limit=VILLAGE_MAX_CHARS, length=length))
    if not recognisable(value) or looks_like_question(value):
        return Refuse(a.t.registration.error_village_unrecognisable)
    listed = listed_village(value, a.ask.settings.town.villages)
    if listed is not None:
        return Accept({"village": listed, "village_unlisted": False})
    return Accept({"village": value, "village_unlisted": True})


async def _investment(a: Answer) -> Outcome:
    limits = a.ask.settings.limits
    value = parse_investment(a.text or "", limits.max_investment_wan)
    echo = None
    if value is Problem.NOT_A_NUMBER:  # "二十来万" is a number too, said roughly
        rough = rough_investment(a.text or "", limits.max_investment_wan)
        if isinstance(rough, float):
            typed = normalize_line(a.text or "")
            echo = fmt(a.t.registration.investment_rough, typed=typed, wan=format_wan(rough))
        value = rough if rough is not None else value
    if value is Problem.NOT_A_NUMBER:
        return Refuse(a.t.registration.error_investment_number)
    if value is Problem.ZERO:
        return Refuse(a.t.registration.error_zero_investment)
    if isinstance(value, Problem):
        return Refuse(_problem(a.t, value, maximum=format_wan(limits.max_investment_wan)))
    if value >= CONFIRM_INVESTMENT_WAN:  # yuan typed as 万元, or a zero too many: ask
        goto = "investment_confirm"
        return Accept({"investment_wan": value}, goto=goto, edit=a.ask.editing, echo=echo)
    return Accept({"investment_wan": value}, echo=echo)


# From 1000 万元 (ten million yuan) up, a village project's investment is asked again in full:
# "100000" meant as yuan is 10 亿元 when read as 万元 (issue 15.7).
CONFIRM_INVESTMENT_WAN = 1000


def _investment_in_full(t: Texts, wan: float) -> str:
    """ "10 亿元" / "5 千万元" (or "1,000,000,000 yuan"): the amount without the 万 unit."""
    r = t.registration
    if t.lang == "en":
        return r.investment_full.format(amount=f"{wan * 10_000:,.0f}")
    if wan >= 10_000:
        return r.investment_full.format(amount=f"{format_wan(wan / 10_000)} 亿")
    return r.investment_full.format(amount=f"{format_wan(wan / 1_000)} 千万")


def _investment_confirm_question(ask: Ask) -> str:
    wan = float(ask.draft.get("investment_wan") or 0)
    return fmt(
        ask.t.registration.investment_confirm,
        wan=format_wan(wan),
        full=_investment_in_full(ask.t, wan),
    )


async def _investment_confirm(a: Answer) -> Outcome:
    if a.choice == "yes":
        return Accept({})
    if a.choice == "no":
        return Accept({"investment_wan": None}, goto=Field.INVESTMENT.value, edit=a.ask.editing)
    return Refuse("")


async def _jobs(a: Answer) -> Outcome:
    maximum = a.ask.settings.limits.max_jobs
    value = parse_jobs(a.text or "", maximum)
    if value in (Problem.NOT_A_NUMBER, Problem.NOT_WHOLE):
        # The hint shows what this step accepts: whole numbers, in digits or in words.
        return Refuse(a.t.registration.error_jobs_number)
    if isinstance(value, Problem):
        return Refuse(_problem(a.t, value, maximum=maximum))
    return Accept({"jobs": value})


async def _phone(a: Answer) -> Outcome:
    r = a.t.registration
    user = a.update.effective_user
    if a.contact is not None and (user is None or a.contact.user_id != user.id):
        return Refuse(r.error_foreign_contact)
    phone = parse_phone(a.contact.phone_number if a.contact is not None else a.text or "")
    if isinstance(phone, Problem):
        return Refuse(_problem(a.t, phone))
    return Accept({"phone": phone}, echo=fmt(r.phone_saved, phone=mask_phone(phone)))


def _referrer_question(ask: Ask) -> str:
    r, draft = ask.t.registration, Draft.from_json(ask.draft)
    if draft.link_referrer_id is not None:
        return fmt(r.step_referrer_linked, name=draft.link_referrer_name)
    note = {
        ReferrerRefusal.SELF.value: r.referrer_self,
        ReferrerRefusal.UNKNOWN.value: r.referrer_unknown,
    }.get(draft.link_refusal or "")
    text = fmt(r.step_referrer, limit=NOTE_MAX_CHARS)
    return Html(f"{text}\n{note}") if note else text


def _referrer_options(ask: Ask) -> list[tuple[str, str]]:
    r = ask.t.registration
    keep = [(r.btn_referrer_keep, "keep")] if ask.draft.get("link_referrer_id") else []
    return [*keep, (r.btn_no_referrer, "none")]


async def _referrer(a: Answer) -> Outcome:
    draft = Draft.from_json(a.draft)
    said = None if a.choice is not None else yes_or_none(a.text or "")
    if said is not None:  # "好的" keeps the link's referrer, "没有" / "无" is no referrer
        if said and draft.link_referrer_id is None:
            return Refuse(a.t.registration.referrer_yes_unlinked)
        return await _referrer(replace(a, choice="keep" if said else "none", text=None))
    if a.choice is not None:
        keep = a.choice == "keep"
        if a.choice not in ("keep", "none") or (keep and draft.link_referrer_id is None):
            return Refuse("")
        draft.referrer_id = draft.link_referrer_id if keep else None
        draft.referrer_name = draft.link_referrer_name if keep else None
        value = referrer_text(a.t, draft)
        echo = fmt(a.t.form.chosen, label=field_label(a.t, Field.REFERRER), value=value)
        return Accept(_referrer_values(draft, None), echo=echo)
    note = clean_text(a.text or "", NOTE_MAX_CHARS)
    if isinstance(note, TextProblem):
        length = _typed_length(a.text or "")
        return Refuse(_problem(a.t, note, limit=NOTE_MAX_CHARS, length=length))
    draft.referrer_id = draft.referrer_name = None
    return Accept(_referrer_values(draft, note))


def _referrer_values(draft: Draft, note: str | None) -> dict[str, object]:
    return {
        "referrer_id": draft.referrer_id,
        "referrer_name": draft.referrer_name,
        "referrer_note": note,
        "referrer_asked": True,
    }


def _resubmit_note_question(ask: Ask) -> str:
    r, draft = ask.t.registration, Draft.from_json(ask.draft)
    if ask.editing:
        return fmt(r.step_resubmit_note_edit, limit=RESUBMIT_NOTE_MAX_CHARS)
    intro = fmt(r.resubmit_intro, ref_no=draft.resubmit_ref, reason=draft.resubmit_reason or "")
    question = fmt(r.step_resubmit_note, limit=RESUBMIT_NOTE_MAX_CHARS)
    return Html(f"{intro}\n\n{question}")


async def _resubmit_note(a: Answer) -> Outcome:
    """The optional 补充说明 of a correction: what the return asked for that has no field."""
    if a.choice is not None:
        return Accept({"resubmit_note": None}) if a.choice == "none" else Refuse("")
    note = clean_multiline(a.text or "", RESUBMIT_NOTE_MAX_CHARS)
    if isinstance(note, TextProblem):
        length = utf16_len(a.text or "")
        return Refuse(_problem(a.t, note, limit=RESUBMIT_NOTE_MAX_CHARS, length=length))
    return Accept({"resubmit_note": note})


def _name_question(ask: Ask) -> str:
    r = ask.t.registration
    return fmt(r.step_name_edit if ask.editing else r.step_name, limit=NAME_MAX_CHARS)


ANSWER_STEPS = (
    Step(Field.NAME.value, _name_question, _name, label=_labelled(Field.NAME)),
    _choice_step(Field.INDUSTRY, "industries", "step_industry", 2),
    _typed_step(Field.INDUSTRY, "step_industry_other", NOTE_MAX_CHARS, _other_industry),
    _choice_step(Field.VILLAGE, "villages", "step_village", 3),
    _typed_step(Field.VILLAGE, "step_village_other", VILLAGE_MAX_CHARS, _other_village),
    _choice_step(Field.APPLICANT_TYPE, "applicant_types", "step_applicant_type", 2),
    Step(
        Field.INVESTMENT.value,
        lambda ask: ask.t.registration.step_investment,
        _investment,
        label=_labelled(Field.INVESTMENT),
    ),
    Step(
        "investment_confirm",
        _investment_confirm_question,
        _investment_confirm,
        widget=Widget.BUTTONS,
        options=lambda ask: [
            (ask.t.registration.btn_investment_yes, "yes"),
            (ask.t.registration.btn_investment_no, "no"),
        ],
        per_row=1,
        ordered=False,
        then=Field.INVESTMENT.value,
    ),
    Step(
        Field.JOBS.value,
        lambda ask: ask.t.registration.step_jobs,
        _jobs,
        label=_labelled(Field.JOBS),
    ),
    Step(
        Field.PHONE.value,
        lambda ask: ask.t.registration.step_phone,
        _phone,
        widget=Widget.PHONE,
        phone_button=lambda t: t.registration.btn_share_phone,
        label=_labelled(Field.PHONE),
    ),
    Step(
        Field.REFERRER.value,
        _referrer_question,
        _referrer,
        widget=Widget.BUTTONS,
        options=_referrer_options,
        label=_labelled(Field.REFERRER),
    ),
    Step(
        RESUBMIT_NOTE,
        _resubmit_note_question,
        _resubmit_note,
        widget=Widget.BUTTONS,  # typed text, or the one button for none
        options=lambda ask: [(ask.t.registration.btn_resubmit_note_none, "none")],
        per_row=1,
        label=lambda t: t.registration.resubmit_note_label,
        ordered=False,  # a correction opens here; a new registration never asks it
    ),
)
