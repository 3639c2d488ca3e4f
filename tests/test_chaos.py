"""A small crash test: the real bot process killed with SIGKILL at fixed message counts.

``benchmarks.chaos`` with three rounds and kill points counted in the bot's messages (no timed
kills), so what is checked never depends on the machine's speed: every committed project,
approval and complaint reached the people it concerns, duplicates only marked 补发, nothing
left unsent, the database intact, and every update the emulator delivered handled exactly
once (the durable inbox, issue 13.3).
"""

from __future__ import annotations

from benchmarks.chaos import Options, run


async def test_killed_bot_loses_no_notification_and_handles_no_update_twice() -> None:
    options = Options(
        rounds=3,
        seed=7,
        residents=4,
        min_messages=40,
        max_messages=60,
        timed_kills=False,
    )
    report = await run(options)
    assert report.violations == [], "\n".join(report.lines())
    assert report.kills == 3
    assert report.updates_handled > 0
    assert report.projects + report.complaints + report.signups > 0  # the load did something
    assert report.integrity == "ok"
