"""Policy Q&A: free-text questions, browsing topics by category, 👍/👎 and provenance.

Free text outside a dialog is searched: an answer comes with related-topic, feedback and source
buttons (a message asking about two topics gets both answers, one message each); an ambiguous
question gets a choice; a question the report does not cover gets "this is outside what I
know" with who can help; anything else gets an honest "I don't know" with the topic menu and
the office's contact. Every question is logged by the service. Every
answer shown has 👍/👎: one picked from a choice counts for the question it was offered for
(its button carries the question's id), one opened from a menu or a related-topic button is
logged as opened and voted on as such.
"""

from __future__ import annotations

from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.buttons import (
    CategoriesButton,
    CategoryButton,
    FeedbackButton,
    LeaveMessageButton,
    SourceButton,
    TopicButton,
    Vote,
)
from bot.context import Context
from bot.sending import reply_unread
from bot.services.qa import MAX_QUESTION_CHARS
from bot.texts import Texts, fmt
from handlers.ui import Press, contact_block, inline_rows, stale_button
from knowledge.model import Topic

_TopicKind = TypeVar("_TopicKind", TopicButton, SourceButton)


def _is_feedback(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    return FeedbackButton.unpack(data) is not None


def _topic_button(
    t: Texts, topic: Topic, prefix: str = "", question_id: int | None = None
) -> InlineKeyboardButton:
    """A button that opens ``topic``; with ``question_id``, as the answer to that question."""
    data = TopicButton(topic.id, question_id).pack()
    return InlineKeyboardButton(prefix + topic.title_for(t.lang), callback_data=data)


def _categories_keyboard(t: Texts, context: Context) -> InlineKeyboardMarkup:
    cats = context.services.qa.categories()
    return inline_rows([(c.title_for(t.lang), CategoryButton(c.id).pack()) for c in cats], 2)


def _abstain_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.qa.btn_browse, callback_data=CategoriesButton().pack()),
                InlineKeyboardButton(
                    t.qa.btn_leave_message, callback_data=LeaveMessageButton().pack()
                ),
            ]
        ]
    )


def render_topic(
    t: Texts, context: Context, topic: Topic, question_id: int | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The answer message for ``topic`` with feedback, source and related-topic buttons."""
    qa = context.services.qa
    text = fmt(t.qa.answer, title=topic.title_for(t.lang), answer=qa.answer_text(topic, t.lang))
    footer = fmt(t.qa.answer_footer, reviewed=topic.reviewed.isoformat())
    first_row = [
        InlineKeyboardButton(t.qa.btn_source, callback_data=SourceButton(topic.id).pack())
    ]
    if question_id is not None:
        first_row = [
            InlineKeyboardButton(
                t.qa.btn_up, callback_data=FeedbackButton(Vote.UP, question_id).pack()
            ),
            InlineKeyboardButton(
                t.qa.btn_down, callback_data=FeedbackButton(Vote.DOWN, question_id).pack()
            ),
            *first_row,
        ]
    related = [qa.topic(r) for r in topic.related[:3]]
    rows = [first_row] + [[_topic_button(t, r, t.qa.related_prefix)] for r in related if r]
    return text + footer, InlineKeyboardMarkup(rows)


async def ask(update: Update, context: Context) -> None:
    """Answer a free-text question from the knowledge base, or say honestly we don't know."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    t = context.texts(user)
    question = message.text.strip()
    if not question:
        await reply_unread(message, t.common.empty_text)
        return
    if len(question) > MAX_QUESTION_CHARS:
        await reply_unread(
            message, fmt(t.qa.too_long, length=len(question), limit=MAX_QUESTION_CHARS)
        )
        return
    if (wait := context.services.question_allowance(user.id)) > 0:
        await reply_unread(message, fmt(t.common.slow_down, seconds=wait))
        return
    staff = context.services.roles.is_staff(user.id)
    asked = await context.services.qa.ask(user.id, question, t.lang, staff=staff)
    result, qid = asked.result, asked.question_id
    qa = context.services.qa
    if result.decision == "answer" and result.topic_id and (topic := qa.topic(result.topic_id)):
        # A message asking two things gets both answers, each with its own buttons.
        for shown in (topic, *(o for o in map(qa.topic, result.also) if o)):
            text, keyboard = render_topic(t, context, shown, qid)
            await reply_unread(message, text, keyboard)
    elif result.decision == "ambiguous":
        options = [qa.topic(i) for i in (result.topic_id, *result.alternatives) if i]
        rows = [[_topic_button(t, o, question_id=qid)] for o in dict.fromkeys(options) if o][:3]
        await reply_unread(message, t.qa.ambiguous, InlineKeyboardMarkup(rows))
    elif result.reason == "out_of_scope":
        office = contact_block(t, context.services.settings.office)
        helper = qa.out_of_scope_help(result.out_of_scope, t.lang)
        await reply_unread(
            message, fmt(t.qa.out_of_scope, help=helper, contact=office), _abstain_keyboard(t)
        )
    elif result.reason == "greeting":
        town = context.services.settings.town.name_for(t.lang)
        await reply_unread(message, fmt(t.qa.greeting, town=town))
    elif result.reason == "thanks":
        await reply_unread(message, t.qa.thanks)
    elif result.reason == "keyword_menu" and (
        topics := [o for o in (qa.topic(i) for i in result.alternatives) if o]
    ):
        # A bare keyword ("贷款") that some topics are about: offer those, then the menu.
        rows = [[_topic_button(t, o, question_id=qid)] for o in topics[:3]]
        rows.append(
            [InlineKeyboardButton(t.qa.btn_browse, callback_data=CategoriesButton().pack())]
        )
        await reply_unread(message, t.qa.menu_hint_topics, InlineKeyboardMarkup(rows))
    elif result.reason in ("too_short", "keyword_menu", "menu_word"):
        await reply_unread(message, t.qa.menu_hint, _categories_keyboard(t, context))
    else:
        office = contact_block(t, context.services.settings.office)
        await reply_unread(message, fmt(t.qa.abstain, contact=office), _abstain_keyboard(t))


async def policies(update: Update, context: Context) -> None:
    """Show the policy categories."""
    if update.effective_message is None:
        return
    t = context.texts(update.effective_user)
    await update.effective_message.reply_text(
        t.qa.categories_prompt, reply_markup=_categories_keyboard(t, context)
    )


async def show_categories(update: Update, context: Context) -> None:
    """Show the categories: in place from the topic list, as a new message elsewhere."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    await query.answer()
    t = context.texts(update.effective_user)
    keyboard = _categories_keyboard(t, context)
    pressed = CategoriesButton.unpack(query.data)
    if pressed is not None and pressed.in_place:
        await query.edit_message_text(t.qa.categories_prompt, reply_markup=keyboard)
    else:
        await context.bot.send_message(
            update.effective_chat.id, t.qa.categories_prompt, reply_markup=keyboard
        )


async def show_category(update: Update, context: Context, press: Press[CategoryButton]) -> None:
    """List the topics of one category (edits the menu message)."""
    query, t = press.query, press.t
    category = context.services.qa.kb.category(press.button.category_id)
    if category is None:
        await stale_button(update, context)
        return
    await query.answer()
    topics = context.services.qa.kb.topics_in(category.id)
    rows = [[_topic_button(t, topic)] for topic in topics]
    back = CategoriesButton(in_place=True).pack()
    rows.append([InlineKeyboardButton(t.qa.btn_back_categories, callback_data=back)])
    title = category.title_for(t.lang)
    await query.edit_message_text(
        fmt(t.qa.category_topics, category=title), reply_markup=InlineKeyboardMarkup(rows)
    )


async def _topic(update: Update, context: Context, press: Press[_TopicKind]) -> Topic | None:
    """The topic of a pressed topic or source button, the press answered (a topic no longer
    in the knowledge base refused as stale)."""
    topic = context.services.qa.topic(press.button.topic_id)
    if topic is None:
        await stale_button(update, context)
        return None
    await press.query.answer()
    return topic


async def show_topic(update: Update, context: Context, press: Press[TopicButton]) -> None:
    """Send the answer of the topic whose button was pressed, with 👍/👎."""
    chat, qa = update.effective_chat, context.services.qa
    if (topic := await _topic(update, context, press)) is None or chat is None:
        return
    # Picked from the choice offered for the user's own question: the answer to it. Opened
    # from a menu, a related-topic button or someone else's choice: logged as opened.
    asked = press.button.question_id
    if asked is None or not await qa.choose(asked, press.user.id, topic.id):
        asked = await qa.opened(press.user.id, topic.id, press.t.lang)
    text, keyboard = render_topic(press.t, context, topic, asked)
    await context.bot.send_message(chat.id, text, reply_markup=keyboard)


async def show_source(update: Update, context: Context, press: Press[SourceButton]) -> None:
    """Send the report sentences a topic rests on and when it was last reviewed."""
    chat = update.effective_chat
    if (topic := await _topic(update, context, press)) is None or chat is None:
        return
    source = context.services.qa.source_text(topic, press.t.lang)
    await context.bot.send_message(chat.id, fmt(press.t.qa.source, source=source))


async def feedback(update: Update, context: Context, press: Press[FeedbackButton]) -> None:
    """Record 👍/👎 on an answer and take the feedback buttons away."""
    query, user, t = press.query, press.user, press.t
    up = press.button.vote is Vote.UP
    if not await context.services.qa.feedback(press.button.question_id, user.id, up=up):
        await query.answer(t.qa.feedback_not_yours, show_alert=True)
        return
    await query.answer(t.qa.feedback_thanks)
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    if markup is not None:
        rows = [[b for b in row if not _is_feedback(b)] for row in markup.inline_keyboard]
        await query.edit_message_reply_markup(InlineKeyboardMarkup([r for r in rows if r]))
    if not up and update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, t.qa.feedback_sorry, reply_markup=_abstain_keyboard(t)
        )
