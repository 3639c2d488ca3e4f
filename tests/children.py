"""Processes the tests start (``python -m bot run`` and friends): none outlives its test.

``spawn`` starts each child in its own process group (so its own children go with it) and, on
Linux, asks the kernel to SIGKILL it should the test process die first (``PR_SET_PDEATHSIG``:
even a pytest run killed with SIGKILL leaves no bot behind). ``kill_all`` SIGKILLs the group of
every child still running; ``tests/conftest.py`` calls it after each test, passed or failed,
and at exit. Only processes started here are touched.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import os
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1
_running: list[asyncio.subprocess.Process] = []


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL me when my parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


async def spawn(*args: str, **kwargs: Any) -> asyncio.subprocess.Process:
    """``asyncio.create_subprocess_exec(*args, **kwargs)``, tracked and in its own group."""
    proc = await asyncio.create_subprocess_exec(
        *args, start_new_session=True, preexec_fn=_die_with_parent, **kwargs
    )
    _running.append(proc)
    return proc


def kill_all() -> int:
    """SIGKILL every spawned child (and its group) that has not exited; how many."""
    killed = 0
    for proc in _running:
        if proc.returncode is None:  # not reaped, so its pid is still its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
                killed += 1
    _running.clear()
    return killed


atexit.register(kill_all)
