"""Registered projects: creation with a gap-free reference number, status history, statistics.

A project's status changes only along its ``LIFECYCLE``, each change written with a history row
and an audit entry in the caller's transaction. Parameterised SQL, never a commit.
Imports no ``telegram``.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from db._sql import (
    execute,
    fetch_all,
    fetch_object,
    fetch_objects,
    returning,
)
from db.lifecycle import Lifecycle
from db.models import (
    ANSWER_FIELDS,
    Project,
    ProjectAnswers,
    ProjectStatus,
    StatusChange,
)
from db.rows import from_row, to_db_time
from db.sequences import allocate_ref_no

REF_PREFIX = "XM"

LIFECYCLE: Lifecycle[Project, ProjectStatus] = Lifecycle(
    kind="project",
    record=Project,
    # Which status may follow which. Approved and withdrawn projects are settled.
    transitions={
        ProjectStatus.SUBMITTED: frozenset(
            {ProjectStatus.APPROVED, ProjectStatus.RETURNED, ProjectStatus.WITHDRAWN}
        ),
        ProjectStatus.RETURNED: frozenset({ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN}),
        ProjectStatus.APPROVED: frozenset(),
        ProjectStatus.WITHDRAWN: frozenset(),
    },
    noted=ProjectStatus.RETURNED,
    unnoted="returning a project needs a reason",
    unaudited=frozenset({ProjectStatus.SUBMITTED}),  # a resubmission's 补充说明
)
# Change a project's status, with a history row and an audit entry; None if no project.
set_project_status = LIFECYCLE.change


_ANSWER_COLUMNS = ", ".join(f.value for f in ANSWER_FIELDS)
_ANSWER_MARKS = ", ".join("?" for _ in ANSWER_FIELDS)
_SET_ANSWERS = ", ".join(f"{f.value} = ?" for f in ANSWER_FIELDS)


def _answer_values(answers: ProjectAnswers) -> tuple[object, ...]:
    return tuple(getattr(answers, f.value) for f in ANSWER_FIELDS)


async def create_project(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    answers: ProjectAnswers,
    referrer_note: str | None = None,
    now: datetime,
) -> Project:
    """Store a submitted project with the next reference number and its first history row.

    The year in the reference number is ``now.year`` in ``now``'s own time zone, so pass the
    town's local time. Use inside ``Database.write()``.
    """
    ref_no = await allocate_ref_no(conn, REF_PREFIX, now.year)
    ts = to_db_time(now)
    row = await returning(
        conn,
        f"INSERT INTO projects (ref_no, user_id, {_ANSWER_COLUMNS}, referrer_note, status, "
        f"created_at, updated_at) VALUES (?, ?, {_ANSWER_MARKS}, ?, 'submitted', ?, ?) "
        "RETURNING *",
        (ref_no, user_id, *_answer_values(answers), referrer_note, ts, ts),
    )
    project = from_row(Project, row)
    await LIFECYCLE.add_history(conn, project.id, ProjectStatus.SUBMITTED, actor_id=user_id, at=ts)
    return project


async def update_project_answers(
    conn: aiosqlite.Connection,
    project_id: int,
    answers: ProjectAnswers,
    *,
    referrer_note: str | None,
    now: datetime,
) -> None:
    """Replace what the applicant answered (before resubmitting a returned project).

    The reference number, owner, status and referral stay; change the status separately with
    ``set_project_status``. Use inside ``Database.write()``.
    """
    await execute(
        conn,
        f"UPDATE projects SET {_SET_ANSWERS}, referrer_note = ?, updated_at = ? WHERE id = ?",
        (*_answer_values(answers), referrer_note, to_db_time(now), project_id),
    )


async def get_project(conn: aiosqlite.Connection, project_id: int) -> Project | None:
    """The project with this id."""
    return await fetch_object(conn, Project, "SELECT * FROM projects WHERE id = ?", (project_id,))


async def list_projects(
    conn: aiosqlite.Connection,
    *,
    user_id: int | None = None,
    status: ProjectStatus | None = None,
) -> list[Project]:
    """Projects, oldest first: all of them, or only ``user_id``'s, or only those in ``status``."""
    status_value = None if status is None else ProjectStatus(status).value
    wanted = {"user_id": user_id, "status": status_value}
    given = {column: value for column, value in wanted.items() if value is not None}
    where = " AND ".join(f"{column} = ?" for column in given) or "1"
    return await fetch_objects(
        conn,
        Project,
        f"SELECT * FROM projects WHERE {where} ORDER BY created_at, id",
        list(given.values()),
    )


async def find_duplicate(
    conn: aiosqlite.Connection, user_id: int, name: str, *, since: datetime
) -> Project | None:
    """The user's newest project with exactly this name made at or after ``since``, else their
    newest returned one of that name, however old (which they most likely mean to correct)."""
    return await fetch_object(
        conn,
        Project,
        "SELECT * FROM projects WHERE user_id = ? AND name = ? "
        "AND (created_at >= ? OR status = 'returned') ORDER BY created_at DESC, id DESC LIMIT 1",
        (user_id, name, to_db_time(since)),
    )


async def find_lookalikes(
    conn: aiosqlite.Connection, project: Project, *, limit: int = 5
) -> list[str]:
    """Reference numbers of other accounts' projects (not withdrawn) that may be this one
    registered again: the same phone number, or the same name in the same village."""
    rows = await fetch_all(
        conn,
        "SELECT ref_no FROM projects WHERE id != ? AND status != 'withdrawn' "
        "AND (user_id IS NULL OR ? IS NULL OR user_id != ?) "
        "AND ((phone IS NOT NULL AND phone = ?) "
        "OR (name IS NOT NULL AND name = ? AND village = ?)) ORDER BY id LIMIT ?",
        (
            project.id,
            project.user_id,
            project.user_id,
            project.phone,
            project.name,
            project.village,
            limit,
        ),
    )
    return [str(row["ref_no"]) for row in rows]


async def list_status_history(conn: aiosqlite.Connection, project_id: int) -> list[StatusChange]:
    """Every status the project has had, oldest first."""
    return await fetch_objects(
        conn,
        StatusChange,
        "SELECT * FROM project_status_history WHERE project_id = ? ORDER BY id",
        (project_id,),
    )
