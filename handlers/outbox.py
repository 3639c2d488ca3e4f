"""The outbox's flush at the end of every update: what the update's changes queued goes out.

Registered last (its own group), so it runs after whichever handler answered, while the update
is still being handled: a staff card or a decision notice arrives before the update counts as
done, as when handlers sent them directly. Sending is ``bot.services.outbox``'s job.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context


async def flush(update: Update, context: Context) -> None:
    """Deliver the direct messages this update's changes queued."""
    await context.services.outbox.flush(context.bot)
