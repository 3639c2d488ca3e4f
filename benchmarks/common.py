"""Helpers shared by the benchmark modules: the machine, percentiles, peak memory, tables.

Nothing here starts a bot; it only describes the machine and formats what others measured.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> dict[str, object]:
    """CPU model, cores, OS, Python and PTB versions: what a reader needs to compare numbers."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import telegram

        ptb = telegram.__version__
    except ImportError:  # pragma: no cover - PTB is a dependency
        ptb = "missing"
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ptb": ptb,
    }


def describe(info: dict[str, object]) -> str:
    """One line for the table's header."""
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['os']}, "
        f"Python {info['python']}, python-telegram-bot {info['ptb']}"
    )


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile (0-100) by the nearest-rank method; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB.

    Linux's ``ru_maxrss`` survives fork and exec: a child started by a process that once used
    1 GB reports at least 1 GB. ``VmHWM`` belongs to this process image only, so it is used
    where /proc has it; ``ru_maxrss`` elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def current_rss_mb(pid: int | None = None) -> float:
    """The current resident set size of ``pid`` (default: this process), in MiB."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text(encoding="utf-8")
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table, columns as wide as their widest cell (CJK counts double)."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    cells = [[str(h) for h in headers], *([_cell(c) for c in row] for row in rows)]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        padded = [c + " " * (widths[i] - width(c)) for i, c in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, dict) and set(value) == {"min", "median", "max"}:
        return spread_text(value)
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def spread(values: Sequence[float], digits: int = 3) -> dict[str, float]:
    """min, median and max of repeated measurements, rounded."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return {
        "min": round(ordered[0], digits),
        "median": round(median, digits),
        "max": round(ordered[-1], digits),
    }


def spread_text(values: dict[str, float]) -> str:
    """``median (min-max)`` for a table cell."""
    return f"{values['median']} ({values['min']}-{values['max']})"


def figure(
    name: str, value: str, target: str, ok: bool | None, measured: str
) -> dict[str, object]:
    """One headline figure of the summary: its value, target, whether met, what was measured."""
    return {"figure": name, "value": value, "target": target, "met": ok, "measured": measured}


def against(
    seconds: float, baseline: float, digits: int = 2, baseline_key: str = "baseline_s"
) -> dict[str, float]:
    """A time, its baseline measured in the same run, and their ratio, rounded for the results."""
    return {
        "seconds": round(seconds, digits),
        baseline_key: round(baseline, digits),
        "ratio": round(seconds / baseline, 2),
    }
