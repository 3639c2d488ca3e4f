"""Run ``python -m bot`` as an operator would: a separate process, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in ``cwd`` with no inherited ``CHUANGYE_*`` settings plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYE_")}
    environ.update(env or {})
    environ["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
