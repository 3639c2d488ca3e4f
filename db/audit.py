"""The audit log: staff decisions, refused (forged or replayed) staff actions, system events.

Append-only; ``detail`` is free text and must not carry an anonymous complainant's identity or
a resident's phone number. Parameterised SQL, never a commit. Imports no ``telegram``.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from db._sql import fetch_objects, returning
from db.models import AuditEntry
from db.rows import from_row, to_db_time


async def append_audit(
    conn: aiosqlite.Connection,
    *,
    actor_id: int | None,
    action: str,
    target: tuple[str, str | int | None] | None = None,
    detail: str | None = None,
    now: datetime,
) -> AuditEntry:
    """Record that ``actor_id`` (None = the system) did ``action`` to ``target``, a kind and
    an id (``("project", "XM-2026-0001")``)."""
    target_type, target_id = target if target is not None else (None, None)
    row = await returning(
        conn,
        "INSERT INTO audit_log (actor_id, action, target_type, target_id, detail, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        (
            actor_id,
            action,
            target_type,
            None if target_id is None else str(target_id),
            detail,
            to_db_time(now),
        ),
    )
    return from_row(AuditEntry, row)


async def list_audit(
    conn: aiosqlite.Connection,
    *,
    actor_id: int | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest audit entries matching every filter given, newest first."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (
        ("actor_id", actor_id),
        ("action", action),
        ("target_type", target_type),
        ("target_id", None if target_id is None else str(target_id)),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(to_db_time(since))
    where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
    params.append(limit)
    return await fetch_objects(
        conn, AuditEntry, f"SELECT * FROM audit_log {where}ORDER BY id DESC LIMIT ?", params
    )
