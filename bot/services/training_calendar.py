"""A training session as an iCalendar (RFC 5545) file residents add to their phone's calendar.

One event per file, UTF-8 with CRLF lines folded at 75 octets; the event's ``SEQUENCE`` grows
when the session is moved or changed, so calendars update the event rather than add one. No I/O,
no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from db.models import Training, TrainingStatus


def calendar_file(
    training: Training,
    *,
    now: datetime,
    product: str = "chuangye-bot",
    lang: str = "zh",
    tags: Sequence[str] | None = None,
) -> bytes:
    """An iCalendar (RFC 5545) file with one event for the session, UTF-8 with CRLF lines
    (titled in ``lang``: the English title for an English reader where there is one; its
    categories are ``tags``, the session's tags as the reader knows them, else as stored)."""

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    description = "\n".join(x for x in (training.target_group, training.description) if x)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{product}//trainings//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-{training.id}@{product}",
        f"DTSTAMP:{stamp(now)}",
        f"LAST-MODIFIED:{stamp(training.updated_at)}",
        # Calendar apps replace an event they hold only by a higher SEQUENCE: seconds from
        # creation to the last change grow with every move or edit.
        f"SEQUENCE:{_sequence(training)}",
        f"DTSTART:{stamp(training.starts_at)}",
        f"DTEND:{stamp(training.ends_at)}",
        f"SUMMARY:{_ics_text(training.title_for(lang))}",
        f"LOCATION:{_ics_text(training.place)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_ics_text(description)}")
    categories = training.tags if tags is None else tags
    if categories:
        lines.append("CATEGORIES:" + ",".join(_ics_text(t) for t in categories))
    status = "CANCELLED" if training.status is TrainingStatus.CANCELLED else "CONFIRMED"
    lines += [f"STATUS:{status}", "END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _sequence(training: Training) -> int:
    return max(0, int((training.updated_at - training.created_at).total_seconds()))


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets without splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)
