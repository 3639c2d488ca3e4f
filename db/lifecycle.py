"""Status changes of the records staff move on (projects, complaints): one checked path.

A record kind declares its ``Lifecycle`` (which status may follow which, which status needs a
note); ``Lifecycle.change`` checks a change (``TransitionError`` if not allowed) and writes it
with a history row and an audit entry in the caller's transaction. The kind names the tables:
``project`` is the table ``projects``, its history ``project_status_history`` (keyed by
``project_id``) and the audit actions ``project.<status>``. Parameterised SQL, never a commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

import aiosqlite

from db._sql import execute, fetch_object, returning
from db.audit import append_audit
from db.models import StatusChange, TransitionError
from db.rows import from_row, to_db_time


class Tracked(Protocol):
    """A stored record with a status: an id, the reference number people quote, a status."""

    @property
    def id(self) -> int: ...
    @property
    def ref_no(self) -> str: ...
    @property
    def status(self) -> StrEnum: ...


R = TypeVar("R", bound=Tracked)
S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Lifecycle(Generic[R, S]):
    """How one kind of record moves from status to status."""

    kind: str  # 'project': names the table, the history table and the audit actions
    record: type[R]
    transitions: Mapping[S, frozenset[S]]  # which status may follow which
    noted: S  # the status that needs a note (why a project is returned, how it was resolved)
    unnoted: str  # the ValueError's message when that note is missing
    note_column: str | None = None  # where the record itself keeps that note, if anywhere
    # Changes to these statuses keep their note out of the audit log (a resident's own words,
    # which erasure blanks in the history; a complaint's notes); other notes go there too.
    unaudited: frozenset[S] = frozenset()

    async def change(
        self,
        conn: aiosqlite.Connection,
        record_id: int,
        status: S,
        *,
        actor_id: int,
        note: str | None = None,
        expected: S | None = None,
        now: datetime,
    ) -> R | None:
        """Change a record's status, with a history row and an audit entry; None if no record.

        Raises ``TransitionError`` if ``transitions`` does not allow the change,
        or if ``expected`` is given and the record is no longer in it (a replayed button); the
        ``noted`` status without a ``note`` raises ``ValueError``. The note goes to the audit
        entry too unless the status is ``unaudited``. Use inside ``Database.write()``.
        """
        statuses = type(self.noted)
        status = statuses(status)
        if status is self.noted and not (note and note.strip()):
            raise ValueError(self.unnoted)
        table = f"{self.kind}s"
        record = await fetch_object(
            conn, self.record, f"SELECT * FROM {table} WHERE id = ?", (record_id,)
        )
        if record is None:
            return None
        current = statuses(record.status)
        if (expected is not None and current is not expected) or (
            status not in self.transitions[current]
        ):
            raise TransitionError(self.kind, record.ref_no, current, status)
        ts = to_db_time(now)
        keeps_note = self.note_column is not None and status is self.noted
        row = await returning(
            conn,
            f"UPDATE {table} SET status = ?, updated_at = ?"
            + (f", {self.note_column} = ?" if keeps_note else "")
            + " WHERE id = ? RETURNING *",
            (status.value, ts, *([note] if keeps_note else []), record_id),
        )
        await self.add_history(conn, record_id, status, note=note, actor_id=actor_id, at=ts)
        await append_audit(
            conn,
            actor_id=actor_id,
            action=f"{self.kind}.{status.value}",
            target=(self.kind, record.ref_no),
            detail=f"{current.value} -> {status.value}"
            + (f": {note}" if note and status not in self.unaudited else ""),
            now=now,
        )
        return from_row(self.record, row)

    async def add_history(
        self,
        conn: aiosqlite.Connection,
        record_id: int,
        status: S,
        *,
        note: str | None = None,
        actor_id: int | None,
        at: str,
    ) -> None:
        """Write one row of the record's status history, dated ``at`` (stored time text):
        ``change`` does, and so does filing a record (its first status)."""
        await execute(
            conn,
            f"INSERT INTO {self.kind}_status_history "
            f"({self.kind}_id, status, note, actor_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (record_id, status.value, note, actor_id, at),
        )

    async def last_change(self, conn: aiosqlite.Connection, record_id: int) -> StatusChange | None:
        """The record's newest status change (who made it, when, with which note)."""
        return await fetch_object(
            conn,
            StatusChange,
            f"SELECT * FROM {self.kind}_status_history WHERE {self.kind}_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (record_id,),
        )
