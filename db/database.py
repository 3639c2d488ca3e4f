"""The one SQLite database: a long-lived writer and a reader connection, migrations, backups.

Every write goes through ``Database.write()``: one aiosqlite writer connection, ``BEGIN
IMMEDIATE`` ... ``COMMIT`` under an ``asyncio.Lock``, so concurrent coroutines queue up instead
of meeting "database is locked". Reads go through ``Database.read()``, a second connection in
autocommit mode that sees everything committed (WAL lets it read while the writer writes).
Repository functions take the connection these yield and never commit themselves.
This module knows nothing about tables except ``schema_migrations``; it imports no ``telegram``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from db.damage import check_file, unusable
from db.rows import to_db_time

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """A migration failed; it was rolled back entirely and the schema is as before it."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file: ``0003_projects.sql`` is version 3 named ``projects``."""

    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        """``0003_projects``: how logs and errors name this migration."""
        return f"{self.version:04d}_{self.name}"


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read ``NNNN_name.sql`` files from ``directory`` in version order; reject gaps."""
    found: list[Migration] = []
    for path in sorted(directory.iterdir()):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            continue
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"{migration.label}: expected version {expected:04d} here")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into statements without ``executescript`` (which commits by itself).

    ``sqlite3.complete_statement`` knows about string literals, comments and trigger bodies,
    so a ``;`` inside those does not end a statement.
    """
    statements: list[str] = []
    buffer = ""
    for part in sql.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _has_code(buffer.removesuffix(";")):
        raise MigrationError(f"incomplete SQL statement at the end: {buffer.strip()[:80]!r}")
    return statements


def _has_code(sql: str) -> bool:
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.DOTALL)
    return without_comments.strip(" \t\r\n;") != ""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Database:
    """The application's SQLite file: open once at startup, close at shutdown."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        clock: Callable[[], datetime],
    ) -> None:
        """Use ``await Database.open(path)``; this only stores already-open connections."""
        self.path = path
        self._writer = writer
        self._reader = reader
        self._clock = clock
        self._write_lock = asyncio.Lock()
        # One reader at a time: two interleaved cursors on one SQLite connection share an open
        # read transaction, and under load that snapshot can stay older than the latest commit
        # (a resident would not see the project they just registered).
        self._read_lock = asyncio.Lock()
        self._reading: contextvars.ContextVar[bool] = contextvars.ContextVar(
            f"reading-{id(self)}", default=False
        )
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        migrations: Sequence[Migration] | None = None,
    ) -> Database:
        """Open (creating if needed) the database at ``path`` and apply pending migrations.

        A file that cannot be used (garbage, truncated, read-only, malformed) raises
        ``db.damage.DatabaseUnusableError``, whose one line the CLI prints.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        check_file(path)
        try:
            return await cls._open(path, clock, migrations)
        except sqlite3.DatabaseError as exc:
            damage = unusable(path, exc)
            if damage is None:
                raise
            raise damage from exc

    @classmethod
    async def _open(
        cls,
        path: Path,
        clock: Callable[[], datetime] | None,
        migrations: Sequence[Migration] | None,
    ) -> Database:
        writer = await _connect(path)
        try:
            # WAL is a property of the file; set it once from the writer before anyone reads.
            async with writer.execute("PRAGMA journal_mode=WAL") as cur:
                row = await cur.fetchone()
            if row is None or str(row[0]).lower() != "wal":
                raise sqlite3.OperationalError(f"could not switch {path} to WAL mode")
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        db = cls(path, writer, reader, clock or _utc_now)
        try:
            wanted = load_migrations() if migrations is None else migrations
            await db.backup_before_migrating(wanted)
            await db.migrate(wanted)
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        """Close both connections; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        async with self._write_lock:
            try:
                await self._writer.close()
            finally:
                await self._reader.close()

    def now(self) -> datetime:
        """The current time from the injected clock (UTC); repositories take it as ``now=``."""
        value = self._clock()
        if value.tzinfo is None:
            raise ValueError("the database clock must return timezone-aware datetimes")
        return value.astimezone(UTC)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """Yield the writer inside ``BEGIN IMMEDIATE``; commit on success, roll back on error.

        Transactions are serialised by a lock, so keep them short: no network calls inside.
        """
        if self._reading.get():
            raise RuntimeError("write() inside read(): finish reading first (deadlock risk)")
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                # The worker thread runs calls in order, so this ROLLBACK lands even when the
                # failure was a cancellation of an earlier await.
                await self._rollback()
                raise
            try:
                await self._writer.execute("COMMIT")
            except BaseException:
                # A failed COMMIT leaves the transaction open; close it so the next one can begin.
                if self._writer.in_transaction:
                    await self._rollback()
                raise

    async def _rollback(self) -> None:
        try:
            await self._writer.execute("ROLLBACK")
        except sqlite3.OperationalError:
            # After some errors (a full disk in the middle of a multi-row statement) SQLite has
            # already rolled the whole transaction back; the original error is the one to raise.
            if self._writer.in_transaction:
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Yield the reader (autocommit): each statement sees everything committed so far.

        Two statements may see two different snapshots; read inside ``write()`` when a
        consistent view across statements matters. Reads are serialised (re-entrant within a
        task) so every ``read()`` starts from a fresh snapshot.
        """
        if self._reading.get():
            yield self._reader
            return
        async with self._read_lock:
            token = self._reading.set(True)
            try:
                yield self._reader
            finally:
                self._reading.reset(token)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[aiosqlite.Connection]:
        """Yield a connection of its own, read-only, inside one read transaction.

        For long reads (an export of 500,000 rows): every statement sees the same committed
        state, and neither the shared reader nor the writer waits for it (WAL).
        """
        conn = await aiosqlite.connect(
            f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await conn.execute("BEGIN")
            # A deferred BEGIN takes its snapshot at the first read: take it now.
            await conn.execute("SELECT count(*) FROM schema_migrations")
            yield conn
        finally:
            await conn.close()

    async def migrate(self, migrations: Sequence[Migration]) -> list[Migration]:
        """Apply the migrations not yet recorded, each in its own transaction; return them."""
        applied: list[Migration] = []
        for migration in migrations:
            async with self._write_lock:
                if await self._apply(migration):
                    applied.append(migration)
        return applied

    async def _apply(self, migration: Migration) -> bool:
        conn = self._writer
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Checked inside the write lock: another process may have migrated meanwhile.
            if migration.version in await _applied_versions(conn):
                await conn.execute("ROLLBACK")
                return False
            for number, statement in enumerate(split_statements(migration.sql), start=1):
                try:
                    await conn.execute(statement)
                except sqlite3.Error as exc:
                    raise MigrationError(
                        f"migration {migration.label} failed at statement {number} "
                        f"({statement.splitlines()[0][:60]!r}...): {exc}; rolled back"
                    ) from exc
            await conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_db_time(self.now())),
            )
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        logger.info("applied migration %s", migration.label)
        return True

    async def backup_before_migrating(self, migrations: Sequence[Migration]) -> Path | None:
        """Copy the file to ``<name>.pre-NNNN.bak`` when it has data and migrations are pending.

        An upgrade that goes wrong can then be undone by stopping the bot and copying the file
        back; a brand-new database has nothing to lose and gets no copy.
        """
        applied = await _applied_versions(self._reader)
        pending = [m for m in migrations if m.version not in applied]
        if not applied or not pending:
            return None
        dest = self.path.with_name(f"{self.path.name}.pre-{pending[0].version:04d}.bak")
        await self.backup(dest)
        logger.info("backed up the database to %s before migration %s", dest, pending[0].label)
        return dest

    async def applied_versions(self) -> list[int]:
        """Versions recorded in ``schema_migrations``, ascending."""
        return sorted(await _applied_versions(self._reader))

    async def backup(self, dest: Path) -> None:
        """Copy the live database to ``dest`` with SQLite's online backup API.

        Safe while the bot writes: the copy is one consistent snapshot. ``dest`` is replaced
        atomically and is a single self-contained file (rollback journal, not WAL).
        """
        await asyncio.to_thread(backup_file, self.path, dest)

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it.

        Call after erasing personal data: until then old versions of the erased rows are
        still in the ``-wal`` file.
        """
        sql = "PRAGMA wal_checkpoint(TRUNCATE)"
        async with self._write_lock, self._writer.execute(sql) as cur:
            row = await cur.fetchone()
        if row is None or row[0] != 0:
            raise sqlite3.OperationalError("WAL checkpoint could not complete (database busy)")

    async def integrity_ok(self) -> bool:
        """Whether ``PRAGMA integrity_check`` and ``foreign_key_check`` find nothing wrong."""
        async with self._reader.execute("PRAGMA integrity_check") as cur:
            rows = list(await cur.fetchall())
        if [tuple(r) for r in rows] != [("ok",)]:
            return False
        async with self._reader.execute("PRAGMA foreign_key_check") as cur:
            return await cur.fetchone() is None

    async def ping(self) -> bool:
        """Whether the database answers a trivial query within a second (health checks)."""
        try:
            async with asyncio.timeout(1.0):
                async with self._reader.execute("SELECT 1") as cur:
                    row = await cur.fetchone()
        except (sqlite3.Error, ValueError, TimeoutError):
            return False
        return row is not None and row[0] == 1


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: the sqlite3 module never opens transactions behind our back.
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        for pragma in (
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            "PRAGMA foreign_keys=ON",
            "PRAGMA synchronous=NORMAL",
            # Deleted or overwritten content is zeroed, so erased personal data (PIPL) does
            # not linger in free space of the file.
            "PRAGMA secure_delete=ON",
        ):
            await conn.execute(pragma)
    except BaseException:
        await conn.close()
        raise
    return conn


async def _applied_versions(conn: aiosqlite.Connection) -> set[int]:
    async with conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ) as cur:
        if await cur.fetchone() is None:
            return set()
    async with conn.execute("SELECT version FROM schema_migrations") as cur:
        return {int(row[0]) for row in await cur.fetchall()}


def backup_file(src: Path, dest: Path) -> None:
    """Copy the database ``src`` to ``dest`` with the online backup API (synchronous).

    Writes to a temporary file next to ``dest`` and renames it into place, so ``dest`` is
    either the old file or a complete copy, never half of one.
    """
    if not src.is_file():
        raise FileNotFoundError(f"no database at {src}")
    check_file(src, writable=False)  # garbage or truncated: say so, do not copy it
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        # mode=ro: a backup must never create or change the source.
        with (
            closing(sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(tmp, isolation_level=None)) as target,
        ):
            source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # pages=-1 copies everything in one step: one read transaction, one snapshot.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
