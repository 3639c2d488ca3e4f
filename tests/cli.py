"""Run ``python -m bot`` (or any command) as an operator would: a separate process, a clean
environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without ``CHUANGYE_*`` settings, plus ``env``; the repo on
    ``PYTHONPATH``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
    environ.update(env or {})
    environ["PYTHONPATH"] = str(REPO)
    return environ


def run(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` with ``clean_env(env)``; its text output, whatever the exit."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=clean_env(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot *args`` in ``cwd`` with no inherited ``CHUANGYE_*`` settings plus
    ``env``."""
    return run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, stdin=stdin)
