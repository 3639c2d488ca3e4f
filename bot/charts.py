"""A tiny PNG bar-chart writer (zlib + struct), so ``/stats`` can show a chart without matplotlib.

``bar_chart_png`` draws stacked panels of bars with their counts above them and a short label
(digits and ``-`` only: a 3x5 pixel font; a second line after ``\n``) below; names that need
Chinese characters go into the photo's caption as a numbered legend instead.
``project_chart`` builds the two panels ``/stats`` sends: projects by village and by month
(the month under each bar, the year under the first bar of each year, as a calendar axis does,
so "11" over "2026" cannot be misread as a day). Pure: no I/O, no ``telegram``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from bot.services.stats import StatsReport

Color = tuple[int, int, int]

WIDTH = 720
PANEL_HEIGHT = 300
_BG: Color = (255, 255, 255)
_AXIS: Color = (90, 90, 90)
_TEXT: Color = (40, 40, 40)
_BARS: tuple[Color, ...] = ((196, 30, 58), (33, 102, 172))
_SCALE = 3  # font pixel size
_MAX_BARS = 24
_MAX_MONTHS = 12
_LEGEND_CHARS = 900  # Telegram captions hold 1024 characters

# 3x5 glyphs, one string of 15 bits per character, row by row.
_FONT = {
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001010010",
    "8": "111101111101111",
    "9": "111101111001111",
    "-": "000000111000000",
    "+": "000010111010000",
}


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(_BG) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 >= x1:
            return
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(row)] = row

    def text(self, cx: int, y: int, text: str, color: Color = _TEXT) -> None:
        """Draw ``text`` centred on ``cx`` with its top at ``y``."""
        glyphs = [g for g in (_FONT.get(c) for c in text) if g is not None]
        width = len(glyphs) * 4 * _SCALE - _SCALE
        x = cx - width // 2
        for glyph in glyphs:
            for i, bit in enumerate(glyph):
                if bit == "1":
                    px, py = x + (i % 3) * _SCALE, y + (i // 3) * _SCALE
                    self.rect(px, py, px + _SCALE, py + _SCALE, color)
            x += 4 * _SCALE

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bar_chart_png(panels: Sequence[Sequence[tuple[str, int]]]) -> bytes:
    """One panel of bars per sequence of ``(label, value)``; labels use digits, ``-`` and one
    optional line break."""
    canvas = _Canvas(WIDTH, PANEL_HEIGHT * max(1, len(panels)))
    glyph_h = 5 * _SCALE
    for p, bars in enumerate(panels):
        top = p * PANEL_HEIGHT
        base = top + PANEL_HEIGHT - 2 * glyph_h - 32
        ceiling = top + glyph_h + 20
        canvas.rect(20, base, WIDTH - 20, base + 2, _AXIS)
        bars = list(bars)[:_MAX_BARS]
        if not bars:
            continue
        peak = max(1, max(v for _, v in bars))
        slot = (WIDTH - 40) // len(bars)
        bar_w = max(4, slot * 3 // 5)
        for i, (label, value) in enumerate(bars):
            cx = 20 + slot * i + slot // 2
            height = round((base - ceiling) * value / peak)
            canvas.rect(cx - bar_w // 2, base - height, cx + bar_w // 2, base, _BARS[p % 2])
            canvas.text(cx, base - height - glyph_h - 6, str(value))
            for row, line in enumerate(label.split("\n")[:2]):
                canvas.text(cx, base + 10 + row * (glyph_h + 6), line)
    return canvas.png()


def month_labels(months: Sequence[str]) -> list[str]:
    """``["2026-11", "2026-12", "2027-01"]`` -> ``["11\n2026", "12", "1\n2027"]``."""
    labels: list[str] = []
    year = ""
    for month in months:
        y, _, m = month.partition("-")
        labels.append(f"{int(m)}\n{y}" if y != year else str(int(m)))
        year = y
    return labels


def project_chart(report: StatsReport) -> tuple[bytes, str] | None:
    """Projects by village (numbered) and by month as a PNG, with the village legend."""
    villages = report.projects.by_village[:_MAX_BARS]
    months = report.by_month[-_MAX_MONTHS:]
    if not villages and not months:
        return None
    png = bar_chart_png(
        [
            [(str(i), n) for i, (_, n) in enumerate(villages, start=1)],
            list(zip(month_labels([m for m, _ in months]), (n for _, n in months), strict=True)),
        ]
    )
    legend = "  ".join(f"{i} {name}" for i, (name, _) in enumerate(villages, start=1))
    if len(legend) > _LEGEND_CHARS:
        legend = legend[: _LEGEND_CHARS - 1] + "…"
    return png, legend
