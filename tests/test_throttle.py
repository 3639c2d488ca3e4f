"""The per-user flood limit counts a sliding window and forgets idle users."""

from __future__ import annotations

from bot.services.throttle import Throttle


class Tick:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_per_user() -> None:
    tick = Tick()
    throttle = Throttle(3, 60, monotonic=tick)
    assert [throttle.check(1) for _ in range(3)] == [0, 0, 0]
    assert throttle.check(1) == 60
    assert throttle.check(2) == 0  # other users are not affected
    tick.now += 30
    assert throttle.check(1) == 30
    tick.now += 30
    assert throttle.check(1) == 0


def test_idle_users_are_forgotten() -> None:
    tick = Tick()
    throttle = Throttle(1, 10, monotonic=tick)
    for key in range(100):
        throttle.check(key)
    assert len(throttle) == 100
    tick.now += 11
    throttle.check(5000)
    assert len(throttle) == 1
