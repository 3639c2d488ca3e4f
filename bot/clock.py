"""Time as a dependency: services ask a ``Clock`` for "now" so tests can move time freely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, timezone-aware UTC."""
    return datetime.now(UTC)


class FakeClock:
    """A settable clock for tests: ``clock()`` returns the current fake time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        """Move time forward by ``timedelta(**kwargs)`` and return the new time."""
        self.now += timedelta(**kwargs)
        return self.now
