"""What the crash test (``benchmarks.chaos``) verifies once its rounds are over: the counts of
its report and the violations that fail it (see that module's docstring for the rules)."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from bot.shell.emulator import BotApiEmulator, StoredMessage
from bot.texts import get_texts

_UPDATE_LINE = re.compile(r"update (\d+) kind=\w+ handler=\S+ outcome=\w+ duration_ms=")
_REPLAYED = re.compile(r"\((\d+) replayed one at a time first")
_LATE = get_texts("zh").trainings.late_prefix


@dataclass
class Report:
    """What the run saw; ``violations`` empty means the run passed."""

    rounds: int = 0
    kills: int = 0
    kills_mid_send: int = 0
    updates_delivered: int = 0
    updates_handled: int = 0
    updates_twice: int = 0
    updates_lost: int = 0
    updates_abandoned: int = 0  # the inbox gave up on them (a poison update)
    replayed_alone: int = 0  # replays alone at starts (updates possibly in flight at a kill)
    killed_alone: int = 0  # kills that landed inside a replay alone (charged by the inbox)
    most_killed_alone: int = 0  # the most such kills on one update (abandoned at 3)
    kills_at_start: int = 0  # kills that landed before the restarted bot polled
    projects: int = 0
    approved: int = 0
    complaints: int = 0
    signups: int = 0
    outbox_rows: dict[str, int] = field(default_factory=dict)
    notices_rows: dict[str, int] = field(default_factory=dict)
    cards_missing: int = 0
    decisions_missing: int = 0
    complaint_cards_missing: int = 0
    resent_duplicates: int = 0
    unmarked_duplicates: int = 0
    integrity: str = ""
    violations: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The counts, one per line."""
        return [
            f"rounds {self.rounds}, kills {self.kills} ({self.kills_mid_send} inside a send, "
            f"{self.kills_at_start} during a start)",
            f"updates delivered {self.updates_delivered}, handled {self.updates_handled}, "
            f"twice {self.updates_twice}, lost {self.updates_lost}, abandoned "
            f"{self.updates_abandoned}; replayed alone at starts {self.replayed_alone}, killed "
            f"during one {self.killed_alone} (at most {self.most_killed_alone} on one update)",
            f"projects {self.projects} (approved {self.approved}), complaints "
            f"{self.complaints}, training sign-ups {self.signups}",
            f"outbox rows {dict(sorted(self.outbox_rows.items()))}, training notices "
            f"{dict(sorted(self.notices_rows.items()))}",
            f"missing: staff cards {self.cards_missing}, decision notices "
            f"{self.decisions_missing}, complaint cards {self.complaint_cards_missing}",
            f"duplicates: marked 补发 {self.resent_duplicates}, unmarked "
            f"{self.unmarked_duplicates}",
            f"integrity_check {self.integrity}",
            "violations: " + ("none" if not self.violations else "; ".join(self.violations)),
        ]


def check(
    report: Report,
    workdir: Path,
    emulator: BotApiEmulator,
    admin: int,
    delivered: list[int],
    logs: str,
    *,
    exact: bool,
) -> None:
    """Fill ``report`` from the store, the chats and the logs; add what was violated
    (``exact``: a delivered update never handled is a violation, else only counted)."""
    db = workdir / "bot.sqlite3"
    _count_updates(report, db, delivered, logs)
    projects, complaints = _count_rows(report, db)
    _count_notifications(report, emulator, admin, projects, complaints)
    report.violations.extend(_violations(report, exact=exact))


def _count_updates(report: Report, db: Path, delivered: list[int], logs: str) -> None:
    logged = Counter(int(m[1]) for m in _UPDATE_LINE.finditer(logs))
    report.replayed_alone = sum(int(m[1]) for m in _REPLAYED.finditer(logs))
    with closing(sqlite3.connect(db)) as conn:
        # The durable inbox (issue 13.3) records each update handled; without it, the log.
        has_inbox = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'inbox'"
        ).fetchone()[0]
        handled = (
            {
                int(r[0])
                for r in conn.execute("SELECT update_id FROM inbox WHERE outcome = 'handled'")
            }
            if has_inbox
            else set(logged)
        )
        if has_inbox:
            # Each replay alone is charged before it starts and stays charged: one that
            # finished (the update handled) is one charge, every other charge is a death.
            deaths = [
                int(a) - (o == "handled")
                for o, a in conn.execute("SELECT outcome, attempts FROM inbox WHERE attempts > 0")
            ]
            report.killed_alone = sum(deaths)
            report.most_killed_alone = max(deaths, default=0)
        report.updates_abandoned = (
            conn.execute("SELECT count(*) FROM inbox WHERE outcome = 'abandoned'").fetchone()[0]
            if has_inbox
            else 0
        )
    report.updates_delivered = len(set(delivered))
    report.updates_handled = len(handled & set(delivered))
    report.updates_twice = sum(1 for c in logged.values() if c > 1)
    report.updates_lost = len(set(delivered) - handled)


def _count_rows(report: Report, db: Path) -> tuple[list[tuple[str, str, int | None]], list[str]]:
    """The store's state; the projects (ref_no, status, user) and the complaints' numbers."""
    with closing(sqlite3.connect(db)) as conn:
        report.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        projects = conn.execute("SELECT ref_no, status, user_id FROM projects").fetchall()
        complaints = [r[0] for r in conn.execute("SELECT ref_no FROM complaints")]
        report.signups = conn.execute("SELECT count(*) FROM training_signups").fetchone()[0]
        report.outbox_rows = dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY 1"))
        report.notices_rows = dict(
            conn.execute("SELECT status, count(*) FROM training_notices GROUP BY 1")
        )
    report.projects = len(projects)
    report.approved = sum(1 for p in projects if p[1] == "approved")
    report.complaints = len(complaints)
    return projects, complaints


def _count_notifications(
    report: Report,
    emulator: BotApiEmulator,
    admin_id: int,
    projects: list[tuple[str, str, int | None]],
    complaints: list[str],
) -> None:
    """Each project a card, each approval a notice, each complaint a card; copies counted."""
    admin = [m for m in emulator.chats[admin_id].messages if m.from_bot]
    for ref_no, status, user_id in projects:
        # Its number in the card's first line: a card may name another (⚠️ 可能重复：XM-…).
        card = _copies(
            admin,
            lambda text, r=ref_no: r in text.split("\n", 1)[0] and "新项目待审核" in text,
            report,
        )
        report.cards_missing += card == 0
        if status == "approved" and user_id is not None:
            chat = [m for m in emulator.chats[user_id].messages if m.from_bot]
            approved = _copies(
                chat, lambda text, r=ref_no: r in text and "已通过审核" in text, report
            )
            report.decisions_missing += approved == 0
    for ref in complaints:
        found = _copies(admin, lambda text, r=ref: r in text and "投诉" in text, report)
        report.complaint_cards_missing += found == 0


def _violations(report: Report, *, exact: bool) -> list[str]:
    v: list[str] = []
    if report.integrity != "ok":
        v.append(f"integrity_check: {report.integrity}")
    if report.updates_twice:
        v.append(f"{report.updates_twice} updates handled twice")
    if report.updates_lost and exact:
        v.append(f"{report.updates_lost} updates delivered but never handled")
    if report.updates_abandoned:
        v.append(f"{report.updates_abandoned} updates abandoned by the inbox")
    for name in ("cards_missing", "decisions_missing", "complaint_cards_missing"):
        if getattr(report, name):
            v.append(f"{getattr(report, name)} {name.replace('_', ' ')}")
    if report.unmarked_duplicates:
        v.append(f"{report.unmarked_duplicates} duplicates not marked 补发")
    for table, rows in (("outbox", report.outbox_rows), ("training_notices", report.notices_rows)):
        stuck = rows.get("pending", 0) + rows.get("sending", 0) + rows.get("failed", 0)
        if stuck:
            v.append(f"{stuck} {table} rows not delivered")
    return v


def _copies(messages: list[StoredMessage], wanted: Callable[[str], bool], report: Report) -> int:
    """How many copies of one notification a chat holds; extra copies must say 补发."""
    found = [m for m in messages if wanted(m.text)]
    fresh = [m for m in found if not m.text.startswith(_LATE)]
    report.resent_duplicates += max(0, len(found) - max(1, len(fresh)))
    report.unmarked_duplicates += max(0, len(fresh) - 1)
    return len(found)
