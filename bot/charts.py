"""The ``/stats`` chart: projects by village and by month, drawn with matplotlib (Agg).

Village names and months are written on the axes in a CJK font that ships with the project
(``bot/fonts``: a GB2312 subset of Noto Sans CJK SC, SIL OFL 1.1), so the chart reads the
same on every server; a system Noto Sans CJK, where installed, fills in any rarer character.
matplotlib is imported on first use only: the bot's start-up and ``ask`` never pay for it.
``project_chart`` is pure (a report in, PNG bytes out) and takes a fraction of a second, so
callers run it in a worker thread. No ``telegram``, no I/O beyond reading the font.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.stats import StatsReport, villages_grouped
from bot.settings import TownSettings
from bot.texts import Texts

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FONT_PATH = Path(__file__).with_name("fonts") / "NotoSansSC-GB2312-Subset.otf"
# A full CJK font of the system, when present, for characters outside GB2312.
_SYSTEM_CJK = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
_MAX_VILLAGES = 24
_MAX_MONTHS = 12
_BARS = ("#c41e3a", "#2166ac")
_DPI = 100
_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


def month_labels(months: Sequence[str], t: Texts) -> list[str]:
    """``["2026-11", "2026-12", "2027-01"]`` -> ``["11月\n2026年", "12月", "1月\n2027年"]``:
    the month under each bar, the year under the first bar of each year (never "26-11")."""
    s = t.stats
    labels: list[str] = []
    year = ""
    for month in months:
        y, _, m = month.partition("-")
        name = s.chart_month.format(month=int(m), abbr=s.month_abbrs[int(m) - 1])
        labels.append(f"{name}\n{s.chart_year.format(year=y)}" if y != year else name)
        year = y
    return labels


@functools.cache
def _families() -> tuple[str, ...]:
    """Register the bundled font and name the font families to try, in order."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_PATH))
    bundled = font_manager.FontProperties(fname=str(FONT_PATH)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return (bundled, *(f for f in _SYSTEM_CJK if f in installed), "DejaVu Sans")


def _bars(ax: Axes, labels: list[str], values: list[int], color: str, *, horizontal: bool) -> None:
    positions = list(range(len(values)))
    if horizontal:
        bars = ax.barh(positions, values, color=color, height=0.6)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()  # the biggest village on top
        ax.set_xlim(0, max(values) * 1.15 + 0.5)
    else:
        bars = ax.bar(positions, values, color=color, width=0.6)
        ax.set_xticks(positions, labels)
        ax.set_ylim(0, max(values) * 1.2 + 0.5)
    ax.bar_label(bars, padding=3, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Counts are whole numbers: no "0.5 projects" ticks.
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def project_chart(report: StatsReport, t: Texts, town: TownSettings | None = None) -> bytes | None:
    """Projects by village (names on the axis, in ``t``'s language where ``town`` has them)
    and by month as one PNG; None if no project."""
    # Villages typed under 其他村 share one bar (see ``villages_grouped``).
    villages = list(villages_grouped(t, report.projects.by_village, town)[0])
    if len(villages) > _MAX_VILLAGES:
        rest = sum(n for _, n in villages[_MAX_VILLAGES - 1 :])
        villages = [*villages[: _MAX_VILLAGES - 1], (t.stats.others, rest)]
    months = list(report.by_month[-_MAX_MONTHS:])
    if not villages and not months:
        return None
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    s = t.stats
    village_height = 0.32 * max(len(villages), 3) + 1.0
    with _LOCK, rc_context({"font.family": list(_families()), "font.size": 10}):
        fig = Figure(figsize=(7.2, village_height + 3.4), dpi=_DPI, layout="constrained")
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, height_ratios=[village_height, 3.4], squeeze=True)
        if villages:
            _bars(
                top,
                [name for name, _ in villages],
                [n for _, n in villages],
                _BARS[0],
                horizontal=True,
            )
        top.set_title(s.chart_by_village, loc="left", fontsize=12)
        top.set_xlabel(s.chart_projects)
        if months:
            _bars(
                bottom,
                month_labels([m for m, _ in months], t),
                [n for _, n in months],
                _BARS[1],
                horizontal=False,
            )
        bottom.set_title(s.chart_by_month, loc="left", fontsize=12)
        bottom.set_ylabel(s.chart_projects)
        out = io.BytesIO()
        fig.savefig(out, format="png", facecolor="white")
    return out.getvalue()
