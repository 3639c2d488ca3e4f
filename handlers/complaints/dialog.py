"""The resident's complaint dialog (投诉反映), declared as a form.

What happened, which department, when, an optional photo, named or anonymous; then a summary to
submit, change or cancel. Filing queues the card for every admin in the outbox (``staff``
words it when sent); for an anonymous complaint nothing identifying reaches staff.
"""

from __future__ import annotations

from typing import Any

from bot.buttons import (
    CheckComplaintButton,
)
from bot.services.complaints import (
    MAX_FIELD_CHARS,
    MAX_WHAT_CHARS,
    MIN_WHAT_CHARS,
    ComplaintDraft,
    WhatProblem,
    clean_field,
    clean_what,
    what_problem,
)
from bot.services.text import normalize_lines, utf16_len
from bot.texts import Html, fmt, get_texts, menu_labels
from handlers import forms
from handlers.ui import inline_rows, main_menu

FEATURE = "cpl"
MENU_LABELS = menu_labels("btn_complaint")


def _summary(ask: forms.Ask) -> Html:
    c, draft = ask.t.complaints, ask.draft
    return fmt(
        c.summary,
        what=draft["what"],
        department=draft["department"],
        when=draft["when"],
        photo=c.photo_yes if draft["photo"] else c.photo_no,
        mode=c.mode_anonymous if draft["anonymous"] else c.mode_named,
    )


# ------------------------------------------------------------------ the resident's dialog
async def _open(start: forms.Start) -> forms.Opening | None:
    """Start a complaint (unless the user starts dialogs too fast)."""
    message = start.update.effective_message
    if message is None:
        return None
    if (wait := start.context.services.dialog_allowance(start.user.id)) > 0:
        await message.reply_text(fmt(start.t.common.slow_down, seconds=wait))
        return None
    return forms.Opening({})


async def _what(a: forms.Answer) -> forms.Outcome:
    """Take the description of what happened (5-2000 characters, with some words)."""
    text = a.text or ""
    what = clean_what(text)
    if what is not None:
        return forms.Accept({"what": what})
    c = a.t.complaints
    if what_problem(text) is WhatProblem.NO_WORDS:
        return forms.Refuse(c.what_no_words)
    length = utf16_len(normalize_lines(text))
    return forms.Refuse(fmt(c.what_length, min=MIN_WHAT_CHARS, max=MAX_WHAT_CHARS, length=length))


def _short(field: str) -> forms.Parser:
    async def parse(a: forms.Answer) -> forms.Outcome:
        value = clean_field(a.text or "")
        if value is None:
            return forms.Refuse(fmt(a.t.complaints.field_length, max=MAX_FIELD_CHARS))
        return forms.Accept({field: value})

    return parse


async def _photo(a: forms.Answer) -> forms.Outcome:
    """A photo (kept by its file id), or 跳过 (button or typed)."""
    if a.photo is not None:
        return forms.Accept({"photo": a.photo})
    skip_words = {w for lang in ("zh", "en") for w in get_texts(lang).complaints.skip_words}
    if a.choice == "skip" or (a.text or "").strip().lower() in skip_words:
        return forms.Accept({"photo": ""})
    return forms.Refuse(a.t.complaints.photo_expected)


async def _mode(a: forms.Answer) -> forms.Outcome:
    if a.choice not in ("named", "anonymous"):
        return forms.Refuse(a.t.complaints.ask_anonymity)
    return forms.Accept({"anonymous": a.choice == "anonymous"})


async def _file(a: forms.Answer) -> forms.Outcome:
    """File the complaint, tell staff, and give the resident the number (and 查询码)."""
    user, chat, context, t = a.update.effective_user, a.update.effective_chat, a.context, a.t
    if user is None or chat is None:
        return forms.Finish()
    filed = await context.services.complaints.file(user.id, _to_draft(a.draft))
    complaint = filed.complaint
    # The resident hears first; staff cards may wait out flood limits after that.
    if filed.check_code is None:
        text, markup = fmt(t.complaints.filed_named, ref=complaint.ref_no), main_menu(t)
        await context.bot.send_message(chat.id, text, reply_markup=markup)
    else:
        check = CheckComplaintButton(complaint.ref_no, filed.check_code).pack()
        text = fmt(t.complaints.filed_anonymous, ref=complaint.ref_no, code=filed.check_code)
        keyboard = inline_rows([(t.complaints.btn_check, check)])
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    # Staff get the card from the outbox (queued with the complaint, sent after this update).
    return forms.Finish()


def _to_draft(draft: dict[str, Any]) -> ComplaintDraft:
    return ComplaintDraft(
        what=str(draft["what"]),
        department=str(draft["department"]),
        happened_at_text=str(draft["when"]),
        photo_file_id=str(draft["photo"]) or None,
        anonymous=bool(draft["anonymous"]),
    )


STEPS = (
    forms.Step(
        "what",
        lambda ask: fmt(ask.t.complaints.ask_what, min=MIN_WHAT_CHARS, max=MAX_WHAT_CHARS),
        _what,
        label=lambda t: t.complaints.btn_edit_what,
    ),
    forms.Step(
        "department",
        lambda ask: ask.t.complaints.ask_department,
        _short("department"),
        label=lambda t: t.complaints.btn_edit_department,
    ),
    forms.Step(
        "when",
        lambda ask: ask.t.complaints.ask_when,
        _short("when"),
        label=lambda t: t.complaints.btn_edit_when,
    ),
    forms.Step(
        "photo",
        lambda ask: ask.t.complaints.ask_photo,
        _photo,
        widget=forms.Widget.PHOTO,
        options=lambda ask: [(ask.t.complaints.btn_skip, "skip")],
        label=lambda t: t.complaints.btn_edit_photo,
    ),
    forms.Step(
        "anonymous",
        lambda ask: ask.t.complaints.ask_anonymity,
        _mode,
        widget=forms.Widget.BUTTONS,
        options=lambda ask: [
            (ask.t.complaints.btn_named, "named"),
            (ask.t.complaints.btn_anonymous, "anonymous"),
        ],
        label=lambda t: t.complaints.btn_edit_mode,
    ),
)


def form() -> forms.Form:
    """The resident's complaint dialog (entry: /complaint and the 📣 menu button)."""
    return forms.Form(
        name="complaint",
        key=FEATURE,
        steps=STEPS,
        entries=(forms.on_command("complaint", _open), forms.on_menu(MENU_LABELS, _open)),
        submit=_file,
        summary=_summary,
    )
