"""Rate limits and the client address for the web server. Pure: no I/O, injected clock.

``RateLimiter`` is a token bucket per key (a session, an IP address) with a bounded table, so a
flood of new keys cannot grow memory without end. ``client_address`` believes
``X-Forwarded-For`` only from configured reverse proxies.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

MAX_KEYS = 100_000


class RateLimiter:
    """Allow ``rate`` events per ``per`` seconds per key, with bursts of up to ``burst``."""

    def __init__(
        self,
        rate: float,
        per: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.refill = rate / per
        self.burst = burst if burst is not None else rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens from ``key``'s bucket; False (nothing taken) if too few."""
        now = self.clock()
        tokens, stamp = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.refill)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            # The least recently seen key goes; its next request starts with a full bucket.
            self._buckets.popitem(last=False)
        return allowed


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``trusted_proxies`` entries as networks (a single address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


@functools.lru_cache(maxsize=8192)
def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    # Cached: parsing addresses was a tenth of the web channel's CPU per request under load.
    ip = _ip(address)
    return ip is not None and any(ip in net for net in trusted)


@functools.lru_cache(maxsize=8192)
def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def client_address(remote: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client's address: ``remote``, or from ``X-Forwarded-For`` when ``remote`` is trusted.

    Walks the header from the right (the entry our proxy added) and returns the first address
    that is not a trusted proxy itself; anything a client wrote further left is ignored.
    """
    if not forwarded_for or not _trusted(remote, trusted):
        return remote
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if _ip(hop) is None:
            return remote  # a malformed entry: believe nothing beyond our own peer
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else remote
