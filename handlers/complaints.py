"""Complaints (投诉反映): the resident's dialog, the 查询码 check, and the staff's status buttons.

The dialog asks what happened, who, when, an optional photo and named or anonymous, shows a
summary to submit, change or cancel, then forwards the complaint to every admin with 受理中 /
已办结 buttons. For anonymous complaints nothing identifying reaches staff; see
``bot.services.complaints`` for the design. Staff callbacks are guarded by ``staff_guard``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.buttons import (
    CheckComplaintButton,
    HandlingButton,
    OfComplaint,
    ResolveComplaintButton,
    ViewComplaintButton,
)
from bot.context import Context
from bot.services.complaints import (
    MAX_FIELD_CHARS,
    MAX_WHAT_CHARS,
    MIN_WHAT_CHARS,
    Advance,
    ComplaintDraft,
    WhatProblem,
    clean_field,
    clean_note,
    clean_what,
    what_problem,
)
from bot.services.text import normalize_lines, utf16_len
from bot.settings import Settings
from bot.texts import Html, Texts, fmt, get_texts, language_for, status_label
from db.models import Complaint, ComplaintStatus
from handlers.dialogs import cancel_for, conversation
from handlers.staff_guard import (
    for_each_staff,
    send_safely,
    tell_user,
)
from handlers.ui import inline_rows, main_menu, person_label, reply_in_chunks

DRAFT = "complaint"
RESOLVING = "resolving_complaint"
FIELDS = ("what", "department", "when", "photo", "anonymous")
FEATURE = "cpl"


class ComplaintStep(IntEnum):
    """What the complaint dialog waits for."""

    WHAT = 0
    DEPARTMENT = 1
    WHEN = 2
    PHOTO = 3
    ANONYMITY = 4
    CONFIRM = 5


class ResolveStep(IntEnum):
    """What the staff's "resolved" dialog waits for."""

    NOTE = 0


# ------------------------------------------------------------------ rendering
def _day(context: Context, complaint: Complaint) -> str:
    return complaint.created_at.astimezone(context.services.settings.timezone).date().isoformat()


def _staff_buttons(t: Texts, complaint: Complaint) -> InlineKeyboardMarkup | None:
    buttons = []
    if complaint.status is ComplaintStatus.RECEIVED:
        buttons.append((t.complaints.btn_handling, HandlingButton(complaint.id).pack()))
    if complaint.status is not ComplaintStatus.RESOLVED:
        buttons.append((t.complaints.btn_resolve, ResolveComplaintButton(complaint.id).pack()))
    return inline_rows(buttons) if buttons else None


async def _staff_card(context: Context, t: Texts, complaint: Complaint) -> Html:
    """The complaint as staff see it: an anonymous one never names anyone."""
    who: str | Html = t.complaints.anonymous_label
    person = await context.services.complaints.complainant(complaint)
    if person is not None:
        who = person_label(t, person.first_name, person.username, person.id)
    return fmt(
        t.complaints.staff_notice,
        ref=complaint.ref_no,
        filed=_day(context, complaint),
        who=who,
        department=complaint.department or t.privacy.none_value,
        when=complaint.happened_at_text or t.privacy.none_value,
        what=complaint.what or t.privacy.none_value,
        status=status_label(t, complaint.status),
    )


async def _send_card(context: Context, chat_id: int, t: Texts, complaint: Complaint) -> bool:
    """Send a complaint and then its photo (by file id) to one staff chat, each sent once."""
    text = await _staff_card(context, t, complaint)
    markup = _staff_buttons(t, complaint)
    # Two requests, two attempts: a retried photo must not send the card (and buttons) again.
    sent = await send_safely(
        context, chat_id, lambda: context.bot.send_message(chat_id, text, reply_markup=markup)
    )
    photo = complaint.photo_file_id
    if sent and photo:
        caption = fmt(t.complaints.photo_caption, ref=complaint.ref_no)
        await send_safely(
            context, chat_id, lambda: context.bot.send_photo(chat_id, photo, caption=caption)
        )
    return sent


def _draft(context: Context) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.setdefault(DRAFT, {})
    assert isinstance(draft, dict)
    return draft


def _summary(t: Texts, draft: dict[str, Any]) -> tuple[Html, InlineKeyboardMarkup]:
    c = t.complaints
    text = fmt(
        c.summary,
        what=draft["what"],
        department=draft["department"],
        when=draft["when"],
        photo=c.photo_yes if draft["photo"] else c.photo_no,
        mode=c.mode_anonymous if draft["anonymous"] else c.mode_named,
    )
    buttons = [(c.btn_submit, "submit"), (c.btn_edit, "edit"), (c.btn_cancel, "cancel")]
    return text, inline_rows([(label, callbacks.encode(FEATURE, a)) for label, a in buttons], 3)


async def _prompt(update: Update, context: Context) -> ComplaintStep:
    """Ask for the first missing answer (or show the summary) and return that step."""
    t = context.texts(update.effective_user)
    c, draft = t.complaints, _draft(context)
    step = next((ComplaintStep(i) for i, f in enumerate(FIELDS) if f not in draft), None)
    markup: InlineKeyboardMarkup | None = None
    text: str | Html
    if step is None:
        step, (text, markup) = ComplaintStep.CONFIRM, _summary(t, draft)
    elif step is ComplaintStep.WHAT:
        text = fmt(c.ask_what, min=MIN_WHAT_CHARS, max=MAX_WHAT_CHARS)
    elif step is ComplaintStep.DEPARTMENT:
        text = c.ask_department
    elif step is ComplaintStep.WHEN:
        text = c.ask_when
    elif step is ComplaintStep.PHOTO:
        text, markup = c.ask_photo, inline_rows([(c.btn_skip, callbacks.encode(FEATURE, "skip"))])
    else:
        text = c.ask_anonymity
        modes = [(c.btn_named, "named"), (c.btn_anonymous, "anonymous")]
        markup = inline_rows([(label, callbacks.encode(FEATURE, m)) for label, m in modes])
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return step


async def _button(update: Update) -> str | None:
    """Acknowledge a dialog button and return its action."""
    query = update.callback_query
    if query is None:
        return None
    await query.answer()
    args = callbacks.decode(query.data, FEATURE, None)
    return args[0] if args else None


# ------------------------------------------------------------------ the resident's dialog
async def start(update: Update, context: Context) -> int:
    """Start a complaint (unless the user starts dialogs too fast)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return ConversationHandler.END
    if (wait := context.services.dialog_allowance(user.id)) > 0:
        await message.reply_text(fmt(context.texts(user).common.slow_down, seconds=wait))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await _prompt(update, context)


async def got_what(update: Update, context: Context) -> int:
    """Take the description of what happened (5-2000 characters)."""
    message = update.effective_message
    if message is None or message.text is None:
        return ComplaintStep.WHAT
    what = clean_what(message.text)
    if what is None:
        t = context.texts(update.effective_user)
        if what_problem(message.text) is WhatProblem.NO_WORDS:
            await message.reply_text(t.complaints.what_no_words)
            return ComplaintStep.WHAT
        text = fmt(
            t.complaints.what_length,
            min=MIN_WHAT_CHARS,
            max=MAX_WHAT_CHARS,
            length=utf16_len(normalize_lines(message.text)),
        )
        await message.reply_text(text)
        return ComplaintStep.WHAT
    _draft(context)["what"] = what
    return await _prompt(update, context)


async def _got_field(update: Update, context: Context, field: str, step: ComplaintStep) -> int:
    message = update.effective_message
    value = clean_field(message.text or "") if message is not None else None
    if message is None or value is None:
        t = context.texts(update.effective_user)
        if message is not None:
            await message.reply_text(fmt(t.complaints.field_length, max=MAX_FIELD_CHARS))
        return step
    _draft(context)[field] = value
    return await _prompt(update, context)


async def got_department(update: Update, context: Context) -> int:
    """Take which agency or person is involved."""
    return await _got_field(update, context, "department", ComplaintStep.DEPARTMENT)


async def got_when(update: Update, context: Context) -> int:
    """Take when it happened (free text such as 上周三)."""
    return await _got_field(update, context, "when", ComplaintStep.WHEN)


async def got_photo(update: Update, context: Context) -> int:
    """Keep the largest size of the photo by its file id."""
    message = update.effective_message
    if message is None or not message.photo:
        return ComplaintStep.PHOTO
    _draft(context)["photo"] = message.photo[-1].file_id
    return await _prompt(update, context)


async def skip_photo(update: Update, context: Context) -> int:
    """Go on without a photo (button or a typed 跳过)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    _draft(context)["photo"] = ""
    return await _prompt(update, context)


async def photo_expected(update: Update, context: Context) -> int:
    """Ask again for a photo or 跳过."""
    if update.effective_message is not None:
        t = context.texts(update.effective_user)
        await update.effective_message.reply_text(t.complaints.photo_expected)
    return ComplaintStep.PHOTO


async def choose_mode(update: Update, context: Context) -> int:
    """Record named or anonymous."""
    action = await _button(update)
    if action in ("named", "anonymous"):
        _draft(context)["anonymous"] = action == "anonymous"
    return await _prompt(update, context)


async def edit(update: Update, context: Context) -> int:
    """Offer the answers that can be changed."""
    await _button(update)
    t = context.texts(update.effective_user)
    c = t.complaints
    labels = (c.btn_edit_what, c.btn_edit_department, c.btn_edit_when, c.btn_edit_photo)
    buttons = [
        (label, callbacks.encode(FEATURE, "field", f))
        for label, f in zip(labels, FIELDS[:4], strict=True)
    ]
    buttons.append((c.btn_edit_mode, callbacks.encode(FEATURE, "field", "anonymous")))
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, c.edit_prompt, reply_markup=inline_rows(buttons, 3)
        )
    return ComplaintStep.CONFIRM


async def edit_field(update: Update, context: Context) -> int:
    """Forget one answer and ask for it again."""
    query = update.callback_query
    if query is None:
        return ComplaintStep.CONFIRM
    await query.answer()
    args = callbacks.decode(query.data, FEATURE, 2)
    if args is not None and args[1] in FIELDS:
        _draft(context).pop(args[1], None)
    return await _prompt(update, context)


async def submit(update: Update, context: Context) -> int:
    """File the complaint, tell staff, and give the resident the number (and 查询码)."""
    await _button(update)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or context.user_data is None:
        return ConversationHandler.END
    draft = context.user_data.pop(DRAFT, {})
    filed = await context.services.complaints.file(user.id, _to_draft(draft))
    complaint, t = filed.complaint, context.texts(user)
    # The resident hears first; staff cards may wait out flood limits after that.
    if filed.check_code is None:
        text, markup = fmt(t.complaints.filed_named, ref=complaint.ref_no), main_menu(t)
        await context.bot.send_message(chat.id, text, reply_markup=markup)
    else:
        check = CheckComplaintButton(complaint.ref_no, filed.check_code).pack()
        text = fmt(t.complaints.filed_anonymous, ref=complaint.ref_no, code=filed.check_code)
        keyboard = inline_rows([(t.complaints.btn_check, check)])
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    await for_each_staff(context, lambda admin, st: _send_card(context, admin, st, complaint))
    return ConversationHandler.END


def _to_draft(draft: dict[str, Any]) -> ComplaintDraft:
    return ComplaintDraft(
        what=str(draft["what"]),
        department=str(draft["department"]),
        happened_at_text=str(draft["when"]),
        photo_file_id=str(draft["photo"]) or None,
        anonymous=bool(draft["anonymous"]),
    )


cancel = cancel_for([DRAFT])


async def back(update: Update, context: Context) -> int:
    """Go back one step: forget the answer before the current question and ask it again."""
    draft = _draft(context)
    step = next((i for i, f in enumerate(FIELDS) if f not in draft), len(FIELDS))
    if step == 0:
        t = context.texts(update.effective_user)
        if update.effective_message is not None:
            await update.effective_message.reply_text(t.complaints.back_at_first)
    else:
        draft.pop(FIELDS[step - 1])
    return await _prompt(update, context)


async def reprompt(update: Update, context: Context) -> int:
    """Answer anything unexpected inside the dialog by asking the current question again."""
    t = context.texts(update.effective_user)
    if update.callback_query is not None:
        await update.callback_query.answer(t.common.stale_button)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t.complaints.follow_prompt)
    return await _prompt(update, context)


# ------------------------------------------------------------------ checking progress
async def _show_status(update: Update, context: Context, complaint: Complaint | None) -> None:
    t = context.texts(update.effective_user)
    if complaint is None:
        text: str | Html = t.complaints.check_unknown
    else:
        note = complaint.resolution_note
        text = fmt(
            t.complaints.check_result,
            ref=complaint.ref_no,
            status=status_label(t, complaint.status),
            filed=_day(context, complaint),
            note=fmt(t.complaints.note_line, note=note) if note else "",
        )
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


async def status_command(update: Update, context: Context) -> None:
    """Show a complaint's progress: ``/complaint_status TS-2026-0001 [查询码]``, or list mine."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    args = context.args or []
    if args:
        code = args[1] if len(args) > 1 else None
        complaint = await context.services.complaints.check(user.id, args[0].upper(), code)
        await _show_status(update, context, complaint)
        return
    t = context.texts(user)
    mine = await context.services.complaints.mine(user.id)
    lines = [
        fmt("{text}", text=t.complaints.check_usage),
        "",
        fmt("{text}", text=t.complaints.mine_title if mine else t.complaints.mine_none),
    ]
    lines += [
        fmt("{text}", text=t.common.field_separator.join((c.ref_no, status_label(t, c.status))))
        for c in mine
    ]
    await reply_in_chunks(message, lines, separator="\n")


async def check_button(update: Update, context: Context) -> None:
    """Show an anonymous complaint's progress from the button that carries its 查询码."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = CheckComplaintButton.unpack(query.data)
    complaint = None
    if pressed is not None:
        check = context.services.complaints.check
        complaint = await check(user.id, pressed.ref_no, pressed.check_code)
    await query.answer()
    await _show_status(update, context, complaint)


# ------------------------------------------------------------------ staff
async def open_list(update: Update, context: Context) -> None:
    """List unresolved complaints with a button to open each (staff)."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    open_ = await context.services.complaints.open_complaints()
    if not open_:
        await update.effective_message.reply_text(t.complaints.open_none)
        return
    items = [
        fmt(
            t.complaints.open_item,
            ref=c.ref_no,
            status=status_label(t, c.status),
            filed=_day(context, c),
            department=c.department or t.privacy.none_value,
            what=(c.what or t.privacy.none_value)[:60],
        )
        for c in open_
    ]
    title = fmt(t.complaints.open_title, count=len(open_))
    buttons = [(c.ref_no, ViewComplaintButton(c.id).pack()) for c in open_]
    await reply_in_chunks(
        update.effective_message, [title, *items], reply_markup=inline_rows(buttons, 3)
    )


def _complaint_id(
    update: Update,
    kind: type[OfComplaint],
) -> int | None:
    query = update.callback_query
    pressed = kind.unpack(query.data if query else None)
    return None if pressed is None else pressed.complaint_id


async def view(update: Update, context: Context) -> None:
    """Send one complaint's card with its status buttons (staff)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    t = context.texts(update.effective_user)
    found = await context.services.complaints.get(_complaint_id(update, ViewComplaintButton) or 0)
    if found is None:
        await query.answer(t.complaints.missing, show_alert=True)
        return
    await query.answer()
    await _send_card(context, chat.id, t, found)


async def mark_handling(update: Update, context: Context) -> None:
    """Move a complaint to 处理中 and tell a named complainant (staff)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    complaint_id = _complaint_id(update, HandlingButton) or 0
    outcome = await context.services.complaints.advance(
        complaint_id, ComplaintStatus.HANDLING, actor_id=user.id
    )
    await query.answer(await _report(context, context.texts(user), outcome), show_alert=True)


async def _report(context: Context, t: Texts, outcome: Any) -> str:
    """Tell the complainant about a change (named only) and word the result for staff."""
    c, complaint = t.complaints, outcome.complaint
    if complaint is None:
        return c.missing
    status = status_label(t, complaint.status)
    if outcome.result is Advance.ALREADY:
        return str(fmt(c.already, ref=complaint.ref_no, status=status))
    if outcome.result is Advance.SETTLED:
        return str(fmt(c.settled, ref=complaint.ref_no))
    if outcome.notify is None:
        return str(fmt(c.changed_anonymous, ref=complaint.ref_no, status=status))
    notify = outcome.notify
    lang = language_for(notify.language_code, notify.lang_override)
    await tell_user(context, notify.id, lang, lambda rt: _update_text(rt, complaint))
    return str(fmt(c.changed, ref=complaint.ref_no, status=status))


def _update_text(t: Texts, complaint: Complaint) -> str:
    """The complainant's notice of a status change (with the note, once resolved)."""
    status = status_label(t, complaint.status)
    text = fmt(t.complaints.update_for_complainant, ref=complaint.ref_no, status=status)
    if complaint.resolution_note:
        return Html(text + fmt(t.complaints.note_line, note=complaint.resolution_note))
    return text


async def ask_note(update: Update, context: Context) -> int:
    """Start resolving a complaint: ask the staff member for the note (staff)."""
    query = update.callback_query
    if query is None or context.user_data is None:
        return ConversationHandler.END
    t = context.texts(update.effective_user)
    complaint_id = _complaint_id(update, ResolveComplaintButton) or 0
    found = await context.services.complaints.get(complaint_id)
    if found is None or found.status is ComplaintStatus.RESOLVED:
        text = (
            t.complaints.missing if found is None else fmt(t.complaints.settled, ref=found.ref_no)
        )
        await query.answer(text, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[RESOLVING] = found.id
    if update.effective_chat is not None:
        prompt = fmt(t.complaints.ask_note, ref=found.ref_no)
        await context.bot.send_message(update.effective_chat.id, prompt)
    return ResolveStep.NOTE


async def got_note(update: Update, context: Context) -> int:
    """Resolve the complaint with the note and tell a named complainant (staff)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return ConversationHandler.END
    t = context.texts(user)
    note = clean_note(message.text or "")
    if note is None:
        await message.reply_text(fmt(t.complaints.note_length, max=MAX_FIELD_CHARS))
        return ResolveStep.NOTE
    complaint_id = int(context.user_data.pop(RESOLVING, 0))
    outcome = await context.services.complaints.advance(
        complaint_id, ComplaintStatus.RESOLVED, actor_id=user.id, note=note
    )
    await message.reply_text(await _report(context, t, outcome))
    return ConversationHandler.END


async def cancel_note(update: Update, context: Context) -> int:
    """Stop resolving without a change."""
    if context.user_data is not None:
        context.user_data.pop(RESOLVING, None)
    return await cancel(update, context)


async def note_reprompt(update: Update, context: Context) -> int:
    """Ask again for the resolution note."""
    t = context.texts(update.effective_user)
    if update.callback_query is not None:
        await update.callback_query.answer(t.common.stale_button)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(
            fmt(t.complaints.note_length, max=MAX_FIELD_CHARS)
        )
    return ResolveStep.NOTE


# ------------------------------------------------------------------ wiring
def dialog(menu_labels: list[str], settings: Settings) -> ConversationHandler[Context]:
    """The resident's complaint dialog (entry: /complaint and the 📣 menu button)."""
    text = filters.TEXT & ~filters.COMMAND
    skip_words = [w for lang in ("zh", "en") for w in _skip_words(lang)]
    return conversation(
        settings=settings,
        drafts=(DRAFT,),
        entry_points=[
            CommandHandler("complaint", start),
            MessageHandler(filters.Text(menu_labels), start),
        ],
        states={
            ComplaintStep.WHAT: [MessageHandler(text, got_what)],
            ComplaintStep.DEPARTMENT: [MessageHandler(text, got_department)],
            ComplaintStep.WHEN: [MessageHandler(text, got_when)],
            ComplaintStep.PHOTO: [
                MessageHandler(filters.PHOTO, got_photo),
                CallbackQueryHandler(skip_photo, pattern=callbacks.pattern(FEATURE, "skip")),
                MessageHandler(filters.Text(skip_words), skip_photo),
                MessageHandler(text, photo_expected),
            ],
            ComplaintStep.ANONYMITY: [
                CallbackQueryHandler(
                    choose_mode, pattern=callbacks.pattern(FEATURE, "named", "anonymous")
                )
            ],
            ComplaintStep.CONFIRM: [
                CallbackQueryHandler(submit, pattern=callbacks.pattern(FEATURE, "submit")),
                CallbackQueryHandler(edit, pattern=callbacks.pattern(FEATURE, "edit")),
                CallbackQueryHandler(edit_field, pattern=callbacks.pattern(FEATURE, "field")),
            ],
        },
        fallbacks=[CommandHandler("back", back), *_fallbacks(cancel, reprompt)],
        name="complaint",
    )


def resolve_dialog(settings: Settings) -> ConversationHandler[Context]:
    """The staff's 已办结 step: press the button, then write the note."""
    return conversation(
        settings=settings,
        drafts=(RESOLVING,),
        entry_points=[CallbackQueryHandler(ask_note, pattern=ResolveComplaintButton.pattern())],
        states={ResolveStep.NOTE: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_note)]},
        fallbacks=_fallbacks(cancel_note, note_reprompt),
        name="complaint_resolve",
        allow_reentry=True,  # another 已办结 button switches to that complaint
    )


def _fallbacks(stop: Any, again: Any) -> list[BaseHandler[Update, Context, Any]]:
    return [
        CommandHandler("cancel", stop),
        CallbackQueryHandler(stop, pattern=callbacks.pattern(FEATURE, "cancel")),
        MessageHandler(filters.ALL, again),
        CallbackQueryHandler(again),
    ]


def _skip_words(lang: str) -> tuple[str, ...]:
    return get_texts(lang).complaints.skip_words


def commands() -> list[BaseHandler[Update, Context, Any]]:
    """The commands and buttons outside the dialogs."""
    return [
        CommandHandler("complaint_status", status_command),
        CallbackQueryHandler(check_button, pattern=CheckComplaintButton.pattern()),
    ]


def staff_commands() -> list[BaseHandler[Update, Context, Any]]:
    """The staff's /complaints and its buttons outside the dialogs."""
    return [
        CommandHandler("complaints", open_list),
        CallbackQueryHandler(view, pattern=ViewComplaintButton.pattern()),
        CallbackQueryHandler(mark_handling, pattern=HandlingButton.pattern()),
    ]
