"""No test leaves a process behind: ``tests.children`` kills what a test started, however it ends.

A failing end-to-end test used to leave its ``python -m bot run`` polling for ever (orphans
owned by init, found on the shared CI machine). These start real processes and check that
they are gone: a child and its own children after ``kill_all`` (what ``conftest.no_orphans``
runs after every test), and a child whose test process was itself killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests import children

REPO = Path(__file__).resolve().parents[1]
SAFETY_S = 60.0  # waiting for the kernel to clean up: a safety net, not a speed claim
SLEEPER = "import time; time.sleep(600)"


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def gone(pid: int) -> bool:
    async with asyncio.timeout(SAFETY_S):
        while alive(pid):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # another process dies; nothing to wait on
    return True


async def first_line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    async with asyncio.timeout(SAFETY_S):
        return (await proc.stdout.readline()).decode().strip()


async def test_kill_all_kills_a_child_and_the_processes_it_started() -> None:
    parent = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = await children.spawn(sys.executable, "-c", parent, stdout=asyncio.subprocess.PIPE)
    grandchild = int(await first_line(proc))
    assert alive(proc.pid)
    assert alive(grandchild)
    assert children.kill_all() == 1
    async with asyncio.timeout(SAFETY_S):
        assert await proc.wait() == -signal.SIGKILL
    assert await gone(grandchild)


async def test_a_child_dies_with_a_test_process_killed_by_sigkill() -> None:
    # A stand-in for a pytest run killed by a CI timeout: it starts a child the tests' way,
    # then is killed without a chance to clean up.
    test_run = (
        "import asyncio, os, signal, sys\n"
        "from tests import children\n"
        "async def main():\n"
        f"    child = await children.spawn(sys.executable, '-c', {SLEEPER!r})\n"
        "    print(child.pid, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "asyncio.run(main())\n"
    )
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = await children.spawn(
        sys.executable, "-c", test_run, stdout=asyncio.subprocess.PIPE, env=env
    )
    child = int(await first_line(proc))
    async with asyncio.timeout(SAFETY_S):
        assert await proc.wait() == -signal.SIGKILL
    assert await gone(child)
