"""Read a user's open dialog as the bot stores it (for tests that check what is kept)."""

from __future__ import annotations

from typing import Any

from bot.shell.harness import BotHarness
from handlers.dialogs import DIALOG
from handlers.forms import FORM


def dialog_of(harness: BotHarness, user_id: int) -> str | None:
    """The name of the dialog ``user_id`` is in, if any."""
    data = harness.running.app.user_data.get(user_id) or {}
    form = data.get(FORM)
    if isinstance(form, dict):
        return str(form["form"])
    marker = data.get(DIALOG)
    return marker if isinstance(marker, str) else None


def draft_of(harness: BotHarness, user_id: int, name: str) -> dict[str, Any]:
    """The answers kept so far in dialog ``name`` ({} when not in it)."""
    data = harness.running.app.user_data.get(user_id) or {}
    form = data.get(FORM)
    if isinstance(form, dict) and form.get("form") == name:
        return dict(form["draft"])
    kept = data.get(name)
    return dict(kept) if isinstance(kept, dict) else {}
