"""Staff ``/unanswered`` and ``/kbreload``: what residents asked in vain, and teaching the bot.

``/unanswered [date]`` lists the most frequent abstained or 👎 questions (similar ones grouped)
with a ➕ button per group; ➕ offers the search's best topics and "all topics"; picking one
stores the question as a new example of that topic, used after ``/kbreload``. Callback data
carries only the question id and the topic id. Admins only, for every command and button.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from telegram import Update

from bot.buttons import AttachExampleButton, PickTopicButton, TopicsPageButton
from bot.context import Context
from bot.services.stats import PeriodError, clip
from bot.services.unanswered import AttachOutcome, QuestionGroup
from bot.texts import Html, Texts, fmt
from handlers.ui import Press, echo, inline_rows, message_of, reply_in_chunks
from knowledge.model import KnowledgeBaseError, Topic

DEFAULT_DAYS = 30
TOPICS_PER_PAGE = 8
_EXAMPLE_COLUMNS = 120
_QUOTE_COLUMNS = 300


def _render_groups(t: Texts, groups: list[QuestionGroup], since: str) -> list[Html]:
    u = t.unanswered
    parts = [fmt(u.header, since=since, groups=len(groups))]
    for n, group in enumerate(groups, start=1):
        examples = Html(
            "\n".join(
                fmt(u.example, text=clip(q.text or "", _EXAMPLE_COLUMNS)) for q in group.examples
            )
        )
        down = fmt(u.down_note, down=group.downvoted) if group.downvoted else ""
        parts.append(fmt(u.group, n=n, count=group.count, down=down, examples=examples))
    return parts


def _since(context: Context, t: Texts, args: list[str]) -> tuple[datetime | None, str]:
    """The start of the range staff typed (default: 30 days ago) and how to name it."""
    if args:
        period = context.services.stats.period(args)
        if period.first is None:
            return None, t.unanswered.since_all
        return period.since, period.first.isoformat()
    tz = context.services.settings.timezone
    first = (context.services.clock().astimezone(tz) - timedelta(days=DEFAULT_DAYS)).date()
    return datetime.combine(first, time(), tzinfo=tz), first.isoformat()


async def unanswered(update: Update, context: Context) -> None:
    """List the most frequent unanswered questions since a date (default: the last 30 days)."""
    if (said := message_of(update, context)) is None:
        return
    message, t, args = said.message, said.t, context.args or []
    try:
        since, label = _since(context, t, args)
    except PeriodError:
        await message.reply_text(fmt(t.unanswered.bad_date, text=echo(" ".join(args))))
        return
    groups = await context.services.unanswered.groups(since)
    if not groups:
        await message.reply_text(fmt(t.unanswered.none, since=label))
        return
    buttons = [
        (t.unanswered.btn_attach.format(n=n), PickTopicButton(g.lead.id).pack())
        for n, g in enumerate(groups, start=1)
    ]
    blocks = _render_groups(t, groups, label)
    await reply_in_chunks(message, blocks, reply_markup=inline_rows(buttons, 5))


def _topic_buttons(t: Texts, question_id: int, topics: list[Topic]) -> list[tuple[str, str]]:
    return [
        (tp.title_for(t.lang), AttachExampleButton(question_id, tp.id).pack()) for tp in topics
    ]


async def pick_topic(update: Update, context: Context, press: Press[PickTopicButton]) -> None:
    """Offer the topics a question most likely belongs to, and "all topics"."""
    chat = update.effective_chat
    if chat is None:
        return
    query, t, button = press.query, press.t, press.button
    service = context.services.unanswered
    question = await service.question(button.question_id)
    if question is None or question.text is None:
        await query.answer(t.unanswered.gone, show_alert=True)
        return
    await query.answer()
    buttons = _topic_buttons(t, question.id, service.candidates(question.text))
    buttons.append((t.unanswered.btn_browse_all, TopicsPageButton(question.id, 0).pack()))
    await context.bot.send_message(
        chat.id,
        fmt(t.unanswered.pick_topic, text=clip(question.text, _QUOTE_COLUMNS)),
        reply_markup=inline_rows(buttons, 1),
    )


async def browse_topics(update: Update, context: Context, press: Press[TopicsPageButton]) -> None:
    """Show one page of every topic to attach the question to."""
    query, t, button = press.query, press.t, press.button
    question = await context.services.unanswered.question(button.question_id)
    if question is None or question.text is None:
        await query.answer(t.unanswered.gone, show_alert=True)
        return
    await query.answer()
    topics = list(context.services.unanswered.topics())
    pages = max(1, -(-len(topics) // TOPICS_PER_PAGE))
    page = min(button.page, pages - 1)
    shown = topics[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
    buttons = _topic_buttons(t, question.id, shown)
    if page > 0:
        buttons.append((t.unanswered.btn_prev, TopicsPageButton(question.id, page - 1).pack()))
    if page + 1 < pages:
        buttons.append((t.unanswered.btn_next, TopicsPageButton(question.id, page + 1).pack()))
    text = fmt(
        t.unanswered.all_topics,
        page=page + 1,
        pages=pages,
        text=clip(question.text, _QUOTE_COLUMNS),
    )
    await query.edit_message_text(text, reply_markup=inline_rows(buttons, 1))


async def attach_example(
    update: Update, context: Context, press: Press[AttachExampleButton]
) -> None:
    """Store the question as a new example of the chosen topic."""
    query, user, t, button = press.query, press.user, press.t, press.button
    service = context.services.unanswered
    question = await service.question(button.question_id)
    outcome = await service.attach(button.question_id, button.topic_id, staff_id=user.id)
    topic = context.services.qa.topic(button.topic_id)
    title = topic.title_for(t.lang) if topic else button.topic_id
    u = t.unanswered
    if outcome is AttachOutcome.NO_TOPIC or outcome is AttachOutcome.NO_QUESTION:
        await query.answer(u.no_topic if outcome is AttachOutcome.NO_TOPIC else u.gone, True)
        return
    await query.answer()
    if outcome is AttachOutcome.ALREADY:
        await query.edit_message_text(fmt(u.already, topic=title))
        return
    quote = clip(question.text if question and question.text else "", _QUOTE_COLUMNS)
    await query.edit_message_text(fmt(u.attached, text=quote, topic=title))


async def kbreload(update: Update, context: Context) -> None:
    """Reload the knowledge base (with staff-added examples) without a restart."""
    if (said := message_of(update, context)) is None:
        return
    message, t = said.message, said.t
    try:
        kb = await context.services.qa.reload()
    except KnowledgeBaseError as exc:
        problems = "\n".join(exc.problems[:30])
        await message.reply_text(fmt(t.unanswered.reload_failed, problems=problems))
        return
    examples = sum(len(topic.examples) for topic in kb.topics)
    await message.reply_text(fmt(t.unanswered.reloaded, topics=len(kb.topics), examples=examples))
