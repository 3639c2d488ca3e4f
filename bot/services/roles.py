"""Staff roles: who may use staff commands and buttons, and the record of refused attempts.

Admins are the Telegram user ids in ``Settings.admin_ids``; nothing else grants the role. A
refused attempt is written to ``audit_log`` as ``denied:<what>`` with the caller as actor (so
an investigation can see who probed), never with message text. ``db.privacy`` erases these
rows' actor id when that person erases their data. Imports no ``telegram``.
"""

from __future__ import annotations

import re

from bot.clock import Clock
from bot.settings import Settings
from db.audit import append_audit
from db.database import Database

_WHAT_RE = re.compile(r"[^a-z0-9_.\-]")
MAX_WHAT_CHARS = 40


def is_staff(settings: Settings, user_id: int | None) -> bool:
    """Whether ``user_id`` is staff: the one rule every service and handler check goes through."""
    return settings.is_admin(user_id)


def denied_action(what: str) -> str:
    """The audit action for a refused ``what``: ``denied:stats`` (sanitised, bounded)."""
    cleaned = _WHAT_RE.sub("", what.lower())[:MAX_WHAT_CHARS] or "unknown"
    return f"denied:{cleaned}"


class StaffRoles:
    """Answer "is this person staff?" and remember who was refused."""

    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        self._settings = settings
        self._db = db
        self._clock = clock

    def is_staff(self, user_id: int | None) -> bool:
        """Whether ``user_id`` is a configured admin."""
        return is_staff(self._settings, user_id)

    async def record_denied(self, user_id: int | None, what: str) -> None:
        """Audit that ``user_id`` tried the staff action ``what`` and was refused."""
        async with self._db.write() as conn:
            await append_audit(
                conn, actor_id=user_id, action=denied_action(what), now=self._clock()
            )
