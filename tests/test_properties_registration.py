"""Property: every registration field takes any text safely and stores exactly what it promised.

One hostile answer per field per example (name, typed industry or 其他 + free text, typed
village and applicant type, investment, jobs, typed phone, typed referrer), through the real
Application. The bot's pure parsers (``bot.services.registration``, and
``bot.services.text.clean_text``, which documents the trimming) say whether each answer is
acceptable; when one is not, the bot must ask again and the test answers validly, so a bot
that accepts what it should refuse (or the reverse) ends with a different stored row. No
error may reach the error handler, every step is answered, and the stored project equals the
expected values field by field.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.answers import (
    choose,
    parse_investment,
    parse_jobs,
    parse_phone,
    rough_investment,
)
from bot.services.dialog_words import control_word, non_answer
from bot.services.names import looks_like_question, recognisable
from bot.services.registration import NAME_MAX_CHARS, NOTE_MAX_CHARS
from bot.services.text import clean_text
from bot.settings import Limits, Settings
from bot.shell.emulator import SimUser
from bot.shell.harness import BotHarness
from bot.texts import get_texts
from bot.vocabulary import Problem, TextProblem
from db import projects as projects_repo
from handlers.registration.form import CONFIRM_INVESTMENT_WAN
from tests.hostile_text import hostile_text, watching

ZH = get_texts("zh")
R = ZH.registration
_IDS = itertools.count(7_000_000)
NUMBERISH = st.from_regex(
    r"\A[+\-−－]?[0-9０-９]{0,7}([.．][0-9]{0,5})?\s?(万元|万|亿元|亿|元|人|个|w)?\Z",
    fullmatch=True,
).filter(lambda s: s.strip() != "")
PHONEISH = st.from_regex(r"\A(\+86|0086)?[ -]?1[0-9 \-]{8,12}\Z", fullmatch=True)


def _answer(extra: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    base = hostile_text()
    # Commands and the words that steer a dialog (返回, 取消 ...) are no answers: tested apart.
    return (base | extra if extra is not None else base).filter(
        lambda s: not s.startswith("/") and control_word(s) is None
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No per-user flood limit: one resident may register many times here."""
    limits = dataclasses.replace(Limits(), dialogs_per_hour=1_000_000)
    return dataclasses.replace(settings, limits=limits)


def _as_words(value: object) -> object:
    """What the form accepts as a typed name: words, not only emoji or signs (issue 15.6)."""
    if isinstance(value, str) and not recognisable(value):
        return Problem.NOT_A_CHOICE
    return value


def _as_name(value: object) -> object:
    """A project name also must not read as a question."""
    value = _as_words(value)
    if isinstance(value, str) and looks_like_question(value):
        return Problem.NOT_A_CHOICE
    return value


@dataclasses.dataclass
class _Registrant:
    """A resident answering the form, and what each field is then expected to store."""

    user: SimUser
    expected: dict[str, object] = dataclasses.field(default_factory=dict)

    async def answer(
        self, field: str, text: str, value: object, fallback: str, fallback_value: object
    ) -> None:
        """Send ``text``; if the parser refused it the bot must ask again: answer validly."""
        replies = await self.user.send(text)
        assert replies.messages, f"no answer to {text!r}"
        if isinstance(value, Problem | TextProblem):
            replies = await self.user.send(fallback)
            assert replies.messages
            value = fallback_value
        self.expected[field] = value

    async def answer_referrer(self, referrer: str) -> None:
        """A refused referrer is not asked again: the resident says there is none."""
        note = clean_text(referrer, NOTE_MAX_CHARS)
        replies = await self.user.send(referrer)
        assert replies.messages
        if isinstance(note, TextProblem):
            await self.user.press(R.btn_no_referrer)
            note = None
        self.expected["referrer_note"] = note


def _industry(industry: str, via_other: bool, industries: tuple[str, ...]) -> object:
    """What the industry step makes of ``industry`` (typed after 其他, or as a choice)."""
    if via_other:
        return _as_words(clean_text(industry, NOTE_MAX_CHARS))
    value = choose(industry, industries)
    if value is Problem.NOT_A_CHOICE:
        typed_other = choose(industry, (R.btn_other,)) == R.btn_other
        # Typed 其他 (or "1", its number among one option): the bot asks for free text.
        typed = _as_words(clean_text(industry, NOTE_MAX_CHARS))
        if isinstance(typed, str) and (non_answer(typed) or looks_like_question(typed)):
            typed = Problem.NOT_A_CHOICE  # 好的 / 不知道 / a question names no industry
        value = Problem.EMPTY if typed_other else typed
    return value


@given(
    name=_answer(),
    via_other=st.booleans(),
    industry=_answer(),
    village=_answer(st.sampled_from(["示例一村", "１", "3", " 示例二村 "])),
    applicant=_answer(st.sampled_from(["企业", "2", "其他群众"])),
    investment=_answer(NUMBERISH),
    jobs=_answer(NUMBERISH),
    phone=_answer(PHONEISH),
    referrer=_answer(),
)
async def test_every_field_takes_any_text_and_stores_what_it_promised(
    harness: BotHarness,
    name: str,
    via_other: bool,
    industry: str,
    village: str,
    applicant: str,
    investment: str,
    jobs: str,
    phone: str,
    referrer: str,
) -> None:
    town, limits = harness.settings.town, harness.settings.limits
    user = harness.user(next(_IDS))
    form = _Registrant(user)
    expected = form.expected
    with watching() as watch:
        await user.send("/register")
        await form.answer(
            "name", name, _as_name(clean_text(name, NAME_MAX_CHARS)), "香菇大棚", "香菇大棚"
        )
        if via_other:
            await user.press(R.btn_other)
        await form.answer(
            "industry", industry, _industry(industry, via_other, town.industries), "木耳", "木耳"
        )
        v = town.villages[0]
        await form.answer("village", village, choose(village, town.villages), v, v)
        a = town.applicant_types[0]
        await form.answer(
            "applicant_type", applicant, choose(applicant, town.applicant_types), a, a
        )
        money = parse_investment(investment, limits.max_investment_wan)
        if money is Problem.NOT_A_NUMBER:  # "20多万" reads as its round number
            rough = rough_investment(investment, limits.max_investment_wan)
            money = money if rough is None else rough
        await form.answer("investment_wan", investment, money, "50", 50)
        if float(str(expected["investment_wan"])) >= CONFIRM_INVESTMENT_WAN:
            await user.press(R.btn_investment_yes)  # a large amount is asked again in full
        await form.answer("jobs", jobs, parse_jobs(jobs, limits.max_jobs), "8", 8)
        await form.answer("phone", phone, parse_phone(phone), "13800138000", "13800138000")
        await form.answer_referrer(referrer)
        done = await user.press(ZH.form.btn_submit)
    watch.assert_clean(expected)
    assert "XM-" in done.text, done.text
    async with harness.running.services.db.read() as conn:
        (project,) = await projects_repo.list_projects(conn, user_id=user.id)
    stored = {k: getattr(project, k) for k in expected}
    assert stored == expected
