"""Human-readable reference numbers (``XM-2026-0001``), allocated gap-free per prefix and year.

Call inside the ``Database.write()`` transaction that inserts the row using the number: the
counter increment and the insert commit or roll back together, so numbers never repeat and
never skip. Imports no ``telegram``.
"""

from __future__ import annotations

import aiosqlite


async def allocate_ref_no(conn: aiosqlite.Connection, prefix: str, year: int) -> str:
    """Take the next number for ``prefix`` in ``year``: ``XM-2026-0001``, ``XM-2026-0002``..."""
    async with conn.execute(
        "INSERT INTO ref_sequences (prefix, year, last) VALUES (?, ?, 1) "
        "ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last",
        (prefix, year),
    ) as cur:
        row = await cur.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("reference number counter returned nothing")
    return f"{prefix}-{year:04d}-{int(row[0]):04d}"
