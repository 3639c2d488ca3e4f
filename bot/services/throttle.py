"""Per-user flood limits: a sliding window of recent events per user, in memory.

Used for free-text questions and dialog starts so one resident cannot flood the office's bot;
staff are exempt (the caller decides). Memory is bounded: idle users are forgotten.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class Throttle:
    """Allow at most ``limit`` events per ``period`` seconds for each key."""

    def __init__(
        self, limit: int, period: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.period = period
        self._now = monotonic
        self._events: dict[int, deque[float]] = {}
        self._last_sweep = monotonic()

    def check(self, key: int) -> int:
        """Record an event for ``key``; return 0 if allowed, else whole seconds to wait."""
        now = self._now()
        self._sweep(now)
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.period:
            events.popleft()
        if len(events) >= self.limit:
            return max(1, math.ceil(self.period - (now - events[0])))
        events.append(now)
        return 0

    def waiting(self, key: int) -> int:
        """Whole seconds ``key`` must wait before its next event (0: go ahead); records nothing."""
        events = self._events.get(key)
        now = self._now()
        if not events:
            return 0
        live = [e for e in events if now - e < self.period]
        if len(live) < self.limit:
            return 0
        return max(1, math.ceil(self.period - (now - live[0])))

    def _sweep(self, now: float) -> None:
        if now - self._last_sweep < self.period:
            return
        self._last_sweep = now
        idle = [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.period]
        for key in idle:
            del self._events[key]

    def __len__(self) -> int:
        return len(self._events)
