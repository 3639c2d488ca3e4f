"""How trainings read: session times, cards, and the wording of reminders and notices.

``render_outgoing`` words one reminder or notice in the addressee's language; the reminder
dispatcher (``bot.services.dispatcher``) uses it directly, and the training handlers show cards
and times with the same functions. It builds the one button a notice carries (报名, 日历), so it
imports ``telegram`` like the dispatcher does: this is what is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import SessionAction, SessionButton
from bot.services.delivery import Outbound
from bot.services.training_delivery import Outgoing
from bot.services.training_rules import EVERYTHING, MAX_SESSION, THEMES, reminders_ahead
from bot.settings import TownSettings
from bot.texts import Html, Texts, fmt, get_texts, status_label
from bot.texts.sections import TrainingTexts
from bot.vocabulary import Theme
from db.models import NoticeKind, SessionCard, SignupStatus, TrainingStatus


def when_text(tt: TrainingTexts, start: datetime, end: datetime, tz: Any) -> str:
    """ "12月5日（周六）14:00–16:00" in the town's time zone; an end on another day is
    shown with its date ("12月2日（周三）09:00 – 12月5日（周六）14:00")."""
    s, e = start.astimezone(tz), end.astimezone(tz)
    values = {
        "month": s.month,
        "month_name": tt.month_names[s.month - 1],
        "day": s.day,
        "weekday": tt.weekdays[s.weekday()],
        "start": s.strftime("%H:%M"),
        "end": e.strftime("%H:%M"),
    }
    if e.date() == s.date():
        return tt.when.format(**values)
    return tt.when_span.format(
        **values,
        end_month=e.month,
        end_month_name=tt.month_names[e.month - 1],
        end_day=e.day,
        end_weekday=tt.weekdays[e.weekday()],
    )


def moment_text(tt: TrainingTexts, moment: datetime, tz: Any) -> str:
    """ "12月5日（周六）14:00": one point in time, as the start of ``when_text``."""
    return when_text(tt, moment, moment, tz).rsplit("–", 1)[0]


def tag_label(t: Texts, town: TownSettings, tag: str) -> str:
    """A training tag (as stored: Chinese) as ``t``'s reader knows it: a theme by the texts'
    name, an industry by the town's name for it in that language, '*' as "all training", and
    a tag staff made up as they typed it."""
    if tag == EVERYTHING:
        return t.trainings.subscribe_everything
    if tag in THEMES:
        return t.trainings.themes[Theme(tag)]
    return town.label(tag, t.lang)


def tag_labels(t: Texts, town: TownSettings, tags: Iterable[str]) -> list[str]:
    """``tag_label`` of each tag, in their order."""
    return [tag_label(t, town, tag) for tag in tags]


def card_text(
    t: Texts, card: SessionCard, tz: Any, town: TownSettings, *, with_seats: bool = True
) -> Html:
    """A session as a resident sees it: what, when, where, tags, seats and their own place."""
    tt, tr = t.trainings, card.training
    status = (
        fmt(tt.status_note, status=status_label(t, tr.status))
        if tr.status is not TrainingStatus.SCHEDULED
        else ""
    )
    lines: list[str] = [
        fmt(tt.card_title, title=tr.title_for(t.lang), status=status),
        fmt(tt.line_when, when=when_text(tt, tr.starts_at, tr.ends_at, tz)),
        fmt(tt.line_place, place=tr.place),
    ]
    if tr.target_group:
        lines.append(fmt(tt.line_target, target=tr.target_group))
    if tr.tags:
        lines.append(fmt(tt.line_tags, tags=tt.tag_separator.join(tag_labels(t, town, tr.tags))))
    if tr.description:
        lines.append(fmt(tt.line_description, description=tr.description))
    if with_seats:
        if card.seats_left:
            lines.append(fmt(tt.seats_left, left=card.seats_left, capacity=tr.capacity))
        else:
            lines.append(fmt(tt.seats_full, capacity=tr.capacity, waitlisted=card.waitlisted))
    if card.my_status is SignupStatus.SIGNED:
        lines.append(tt.you_signed)
    elif card.my_status is SignupStatus.WAITLISTED:
        lines.append(fmt(tt.you_waitlisted, position=card.my_position or 0))
    return Html("\n".join(lines))


def error_text(tt: TrainingTexts, code: str) -> str:
    """Why a training change was refused, from its ``TrainingError`` code."""
    if code == "too_long":
        return tt.too_long.format(days=MAX_SESSION.days)
    return dict(tt.errors).get(code, dict(tt.errors)["field"])


def time_left(tt: TrainingTexts, delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if (minutes >= 60 and minutes % 60 == 0) or minutes >= 180:
        return tt.hours.format(n=round(minutes / 60))
    return tt.minutes.format(n=minutes)


def reminders_text(tt: TrainingTexts, offsets: tuple[timedelta, ...], separator: str) -> str:
    """When the reminders come ("开课前 24小时、2小时会提醒您。"); empty without reminders."""
    if not offsets:
        return ""
    times = separator.join(time_left(tt, o) for o in sorted(offsets, reverse=True))
    return tt.reminders_line.format(offsets=times)


def render_outgoing(
    item: Outgoing,
    lang: str,
    tz: Any,
    now: datetime,
    town: TownSettings,
    offsets: tuple[timedelta, ...],
) -> Outbound:
    """The message for one reminder or notice, in the addressee's language (``offsets``: the
    reminders before a session; a promotion promises only those still ahead)."""
    t = get_texts(lang)
    tt = t.trainings
    tr = item.training
    when = when_text(tt, tr.starts_at, tr.ends_at, tz)
    markup = None
    if item.kind == "reminder":
        left = item.offset if item.offset and not item.late else tr.starts_at - now
        text = fmt(
            tt.reminder,
            title=tr.title_for(t.lang),
            when=when,
            place=tr.place,
            left=time_left(tt, left),
        )
    elif item.notice is NoticeKind.ANNOUNCE:
        card = SessionCard(tr, 0, 0, None, None)
        text = fmt(tt.announce, card=card_text(t, card, tz, town, with_seats=False))
        join = SessionButton(SessionAction.JOIN, tr.id).pack()
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(tt.btn_join, callback_data=join)]])
    elif item.notice is NoticeKind.MOVED:
        old = when_text(
            tt, item.old_starts_at or tr.starts_at, item.old_starts_at or tr.starts_at, tz
        )
        old = old.rsplit("–", 1)[0]
        text = fmt(tt.notice_moved, title=tr.title_for(t.lang), old=old, when=when, place=tr.place)
    elif item.notice is NoticeKind.CHANGED:
        text = fmt(tt.notice_changed, title=tr.title_for(t.lang), when=when, place=tr.place)
    elif item.notice is NoticeKind.CANCELLED:
        text = fmt(tt.notice_cancelled, title=tr.title_for(t.lang), when=when)
    else:
        ahead = reminders_ahead(offsets, tr.starts_at, now)
        reminders = reminders_text(tt, ahead, t.common.list_separator)
        text = fmt(
            tt.notice_promoted,
            title=tr.title_for(t.lang),
            when=when,
            place=tr.place,
            reminders=reminders + "\n" if reminders else "",
        )
        ics = SessionButton(SessionAction.CALENDAR, tr.id).pack()
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(tt.btn_calendar, callback_data=ics)]])
    if item.late:
        text = Html(tt.late_prefix + text + tt.late_note)
    return Outbound(text, markup)
