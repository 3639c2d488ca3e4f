"""Spreadsheet cells that cannot run as formulas: the one rule every export writer applies.

OWASP's rule against CSV (formula) injection: a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with a single quote, so Excel, LibreOffice and
WPS show it as text instead of evaluating it (``-1-1``, ``=HYPERLINK(...)``, ``@SUM(...)``).
Applied to every text cell of CSV and xlsx exports alike (an xlsx string cell is inert in
Excel itself, but a copy pasted or re-saved as CSV would not be). Numbers the bot computes are
written as numbers and need no quote; phone numbers are stored as 11 digits. Pure: no I/O.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
