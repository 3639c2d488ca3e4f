"""Human handoff: residents leave a message for staff; a staff reply goes back to them.

The message is stored with the resident's id (they want an answer, so this is not anonymous)
and listed in ``/inbox`` until answered. Staff hear of it from the outbox (``STAFF_NOTICE``,
queued with the message). ``claim_reply`` marks it answered (who, when, what) and queues the
reply to the resident (``REPLY``) in the same transaction, so two staff members cannot both
answer it and a crash right after the staff member pressed send does not lose the reply;
``release_reply`` undoes the claim when the reply could not be delivered (the outbox calls it
for a resident who blocked the bot). Imports no ``telegram``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.text import clean_multiline
from bot.texts import language_for
from bot.vocabulary import TextProblem
from db import contact_messages as repo
from db import outbox as outbox_repo
from db import users as users_repo
from db.audit import append_audit
from db.database import Database
from db.models import ContactMessage, User

MIN_MESSAGE_CHARS = 2
MAX_MESSAGE_CHARS = 2000
MAX_REPLY_CHARS = 3000
INBOX_LIMIT = 30
# Outbox kinds (worded by handlers.contact): the message for staff, the reply for the resident.
STAFF_NOTICE = "contact.notice"
REPLY = "contact.reply"


def clean_message(text: str) -> str | None:
    """A resident's message cleaned (``bot.services.text``), or None unless 2-2000 characters."""
    value = clean_multiline(text, MAX_MESSAGE_CHARS, min_len=MIN_MESSAGE_CHARS)
    return None if isinstance(value, TextProblem) else value


def clean_reply(text: str) -> str | None:
    """A staff reply cleaned, or None if empty or too long for one Telegram message."""
    value = clean_multiline(text, MAX_REPLY_CHARS)
    return None if isinstance(value, TextProblem) else value


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message claimed for a reply, and the language to write to its sender in."""

    message: ContactMessage
    lang: str | None


class ContactService:
    """Store residents' messages and the staff's answers."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        queued: Callable[[], None] = lambda: None,
        admins: Collection[int] = (),
    ) -> None:
        self._db = db
        self._clock = clock
        self._queued = queued  # the outbox's "something was queued" (after a commit)
        self._admins = sorted(admins)

    async def leave(self, user_id: int, text: str) -> ContactMessage:
        """Store a message from ``user_id`` (already cleaned) and queue it for every admin."""
        now = self._clock()
        async with self._db.write() as conn:
            stored = await repo.add_message(conn, user_id, text, now=now)
            await outbox_repo.enqueue(
                conn, self._admins, STAFF_NOTICE, {"message": stored.id}, now=now
            )
        self._queued()
        return stored

    async def get(self, message_id: int) -> ContactMessage | None:
        """The message with this id."""
        async with self._db.read() as conn:
            return await repo.get_message(conn, message_id)

    async def sender(self, message: ContactMessage) -> User | None:
        """Who wrote ``message``."""
        async with self._db.read() as conn:
            return await users_repo.get_user(conn, message.user_id)

    async def inbox(self) -> list[ContactMessage]:
        """Unanswered messages, oldest first."""
        async with self._db.read() as conn:
            return await repo.list_unanswered(conn, limit=INBOX_LIMIT)

    async def claim_reply(self, message_id: int, *, staff_id: int, reply: str) -> Claimed | None:
        """Mark the message answered by ``staff_id`` and queue the reply to its sender; None if
        someone already answered it."""
        async with self._db.write() as conn:
            claimed = await repo.claim_answer(
                conn, message_id, staff_id=staff_id, reply_text=reply, now=self._clock()
            )
            if claimed is None:
                return None
            payload = {"message": message_id, "staff": staff_id}
            await outbox_repo.enqueue(conn, [claimed.user_id], REPLY, payload, now=self._clock())
            await append_audit(
                conn,
                actor_id=staff_id,
                action="contact.reply",
                target=("contact_message", message_id),
                now=self._clock(),
            )
            sender = await users_repo.get_user(conn, claimed.user_id)
        self._queued()
        lang = None if sender is None else language_for(sender.language_code, sender.lang_override)
        return Claimed(claimed, lang)

    async def reply_status(self, message_id: int) -> str | None:
        """What became of the reply to ``message_id`` (its outbox row's status), if queued."""
        async with self._db.read() as conn:
            return await outbox_repo.latest_status(conn, REPLY, "message", message_id)

    async def release_reply(self, message_id: int, *, staff_id: int) -> None:
        """The reply did not reach the resident: the message counts as unanswered again."""
        async with self._db.write() as conn:
            if await repo.release_answer(conn, message_id, staff_id=staff_id):
                await append_audit(
                    conn,
                    actor_id=staff_id,
                    action="contact.reply_undelivered",
                    target=("contact_message", message_id),
                    now=self._clock(),
                )
