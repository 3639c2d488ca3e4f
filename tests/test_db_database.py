"""The Database: migrations, transactions, concurrency, backup and health checks."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import projects, users
from db.database import (
    Database,
    Migration,
    MigrationError,
    backup_file,
    load_migrations,
    split_statements,
)
from db.models import ProjectAnswers
from tests.queries import rows_in
from tests.seed import add_project

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A settable clock for the database."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "data" / "bot.sqlite3", clock=Clock())
    yield database
    await database.close()


async def test_open_creates_folder_and_applies_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "bot.sqlite3"
    first = await Database.open(path, clock=Clock())
    await first.close()
    second = await Database.open(path, clock=Clock(T0 + timedelta(days=1)))
    await second.close()

    recorded = rows_in(path, "SELECT version, name, applied_at FROM schema_migrations")
    files = load_migrations()
    assert [(v, n) for v, n, _ in recorded] == [(m.version, m.name) for m in files]
    assert [m.label for m in files][:3] == ["0001_core", "0002_qa", "0003_projects"]
    # Applied at the first open only.
    assert {a for _, _, a in recorded} == {"2026-03-01T08:00:00.000000Z"}


async def test_migrate_again_applies_nothing(db: Database) -> None:
    assert await db.migrate(load_migrations()) == []
    assert await db.applied_versions() == [m.version for m in load_migrations()]


async def test_connections_are_wal_with_foreign_keys(db: Database) -> None:
    async with db.read() as conn, conn.execute("PRAGMA journal_mode") as cur:
        assert tuple(await cur.fetchone() or ()) == ("wal",)
    async with db.write() as conn:
        for pragma, expected in (("foreign_keys", 1), ("busy_timeout", 5000), ("synchronous", 1)):
            async with conn.execute(f"PRAGMA {pragma}") as cur:
                assert tuple(await cur.fetchone() or ()) == (expected,), pragma


async def test_failing_migration_rolls_back_entirely(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    broken = Migration(
        len(load_migrations()) + 1,
        "broken",
        "CREATE TABLE half_done (x INTEGER) STRICT;\n"
        "INSERT INTO half_done VALUES (1);\n"
        "INSERT INTO no_such_table VALUES (1);\n",
    )
    with pytest.raises(MigrationError, match=r"broken failed at statement 3.*no_such_table"):
        await Database.open(path, migrations=[*load_migrations(), broken])

    tables = {r[0] for r in rows_in(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert "projects" in tables  # the good migrations before it stay applied
    versions = {r[0] for r in rows_in(path, "SELECT version FROM schema_migrations")}
    assert broken.version not in versions

    db = await Database.open(path)  # and the file is still usable
    assert await db.integrity_ok()
    await db.close()


def test_split_statements_respects_strings_comments_and_triggers() -> None:
    sql = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT);
    INSERT INTO t VALUES ('a;b');  /* block; comment */
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES ('x'); INSERT INTO t VALUES ('y');
    END;
    -- trailing comment
    """
    statements = split_statements(sql)
    assert len(statements) == 3
    assert statements[1].startswith("INSERT INTO t VALUES ('a;b')")
    assert "CREATE TRIGGER" in statements[2]
    assert statements[2].endswith("END;")
    conn = sqlite3.connect(":memory:")
    for statement in statements:
        conn.execute(statement)
    conn.execute("INSERT INTO t VALUES ('z')")  # fires the trigger: both its inserts ran
    rows = [r[0] for r in conn.execute("SELECT x FROM t ORDER BY rowid")]
    assert rows == ["a;b", "z", "x", "y"]
    conn.close()


def test_split_statements_refuses_an_unfinished_statement() -> None:
    with pytest.raises(MigrationError, match="incomplete"):
        split_statements("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('unterminated;")


async def test_write_commits_and_reader_sees_it(db: Database) -> None:
    async with db.write() as conn:
        await users.upsert_user(conn, 1, first_name="A", username=None, language_code=None, now=T0)
    async with db.read() as conn:
        assert await users.get_user(conn, 1) is not None


async def test_write_rolls_back_on_error(db: Database) -> None:
    async def failing() -> None:
        async with db.write() as conn:
            await users.upsert_user(
                conn, 1, first_name="A", username=None, language_code=None, now=T0
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing()
    async with db.read() as conn:
        assert await users.get_user(conn, 1) is None
    async with db.write() as conn:  # the writer is usable afterwards
        await users.upsert_user(conn, 2, first_name="B", username=None, language_code=None, now=T0)


async def test_reader_does_not_see_an_open_transaction(db: Database) -> None:
    async with db.write() as wconn:
        await users.upsert_user(
            wconn, 7, first_name="A", username=None, language_code=None, now=T0
        )
        async with db.read() as rconn:
            assert await users.get_user(rconn, 7) is None
    async with db.read() as rconn:
        assert await users.get_user(rconn, 7) is not None


async def test_cancelled_writer_rolls_back_and_releases_the_lock(db: Database) -> None:
    entered = asyncio.Event()

    async def stuck() -> None:
        async with db.write() as conn:
            await users.upsert_user(
                conn, 9, first_name="A", username=None, language_code=None, now=T0
            )
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.write() as conn:
        assert await users.get_user(conn, 9) is None


async def test_a_thousand_concurrent_project_creations_get_gap_free_numbers(
    db: Database,
) -> None:
    n = 1000
    async with db.write() as conn:
        for uid in range(1, n + 1):
            await users.upsert_user(
                conn, uid, first_name=f"u{uid}", username=None, language_code="zh", now=T0
            )

    async def register(uid: int) -> str:
        async with db.write() as conn:
            project = await add_project(
                conn,
                uid,
                name=f"项目{uid}",
                applicant_type="党员",
                investment_wan=1.5,
                jobs=3,
                now=T0,
            )
        return project.ref_no

    results = await asyncio.gather(*(register(uid) for uid in range(1, n + 1)))

    assert sorted(results) == [f"XM-2026-{i:04d}" for i in range(1, n + 1)]
    async with db.read() as conn:
        async with conn.execute("SELECT count(*), count(DISTINCT user_id) FROM projects") as cur:
            assert tuple(await cur.fetchone() or ()) == (n, n)
        async with conn.execute("SELECT count(*) FROM project_status_history") as cur:
            assert tuple(await cur.fetchone() or ()) == (n,)


async def test_numbers_restart_each_year_and_survive_a_rollback(db: Database) -> None:
    async with db.write() as conn:
        await users.upsert_user(conn, 1, first_name="A", username=None, language_code=None, now=T0)
    fields = {
        "user_id": 1,
        "answers": ProjectAnswers("木耳", "食用菌", "示例一村", "党员", 10.0, 2, "13800138000"),
    }

    async def crashing() -> None:
        async with db.write() as conn:
            await projects.create_project(conn, **fields, now=T0)  # type: ignore[arg-type]
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await crashing()
    async with db.write() as conn:
        a = await projects.create_project(conn, **fields, now=T0)  # type: ignore[arg-type]
        b = await projects.create_project(
            conn,
            **fields,  # type: ignore[arg-type]
            now=datetime(2027, 1, 1, tzinfo=UTC),
        )
    assert (a.ref_no, b.ref_no) == ("XM-2026-0001", "XM-2027-0001")


async def test_backup_during_200_concurrent_writes_is_consistent(
    db: Database, tmp_path: Path
) -> None:
    committed = 0
    under_way = asyncio.Event()

    async def write(uid: int) -> None:
        nonlocal committed
        async with db.write() as conn:
            await users.upsert_user(
                conn, uid, first_name="x" * 200, username=None, language_code=None, now=T0
            )
        committed += 1
        if committed == 20:
            under_way.set()

    dest = tmp_path / "backups" / "copy.sqlite3"
    writers = [asyncio.create_task(write(uid)) for uid in range(1, 201)]
    await under_way.wait()  # the backup starts in the middle of the writes
    committed_before = committed
    await db.backup(dest)
    await asyncio.gather(*writers)

    assert rows_in(dest, "PRAGMA integrity_check") == [("ok",)]
    assert rows_in(dest, "PRAGMA journal_mode") == [("delete",)]
    (copied,) = rows_in(dest, "SELECT count(*) FROM users")[0]
    assert committed_before <= int(str(copied)) <= 200
    assert {p.name for p in dest.parent.iterdir()} == {"copy.sqlite3"}
    restored = await Database.open(dest)  # a backup opens as a database with every migration
    assert await restored.applied_versions() == await db.applied_versions()
    await restored.close()


def test_backup_file_refuses_a_missing_source(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        backup_file(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


async def test_health_checks(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    assert await db.ping()
    assert await db.integrity_ok()
    await db.close()
    await db.close()  # closing twice is harmless
    assert not await db.ping()


async def test_integrity_ok_notices_a_dangling_foreign_key(db: Database) -> None:
    async with db.write() as conn:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await conn.execute(_ORPHAN_QUESTION)
    assert await db.integrity_ok()
    # Another program writing with foreign keys off (the sqlite3 default) leaves an orphan.
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute(_ORPHAN_QUESTION)
    other.close()
    assert not await db.integrity_ok()


_ORPHAN_QUESTION = (
    "INSERT INTO questions (user_id, text, normalized, decision, confidence, lang, created_at) "
    "VALUES (424242, 'q', 'q', 'abstain', 0, 'zh', '2026-03-01T08:00:00.000000Z')"
)


async def test_clock_must_be_timezone_aware(tmp_path: Path) -> None:
    naive = datetime(2026, 1, 1)  # naive on purpose
    with pytest.raises(ValueError, match="timezone-aware"):
        await Database.open(tmp_path / "bot.sqlite3", clock=lambda: naive)


async def test_reads_see_a_commit_made_while_another_read_is_in_progress(tmp_path: Path) -> None:
    """A read started after a commit sees it, even while an older read is still open."""
    db = await Database.open(tmp_path / "fresh.sqlite3")
    try:
        async with db.write() as conn:
            await conn.executemany(
                "INSERT INTO users (id, first_name, created_at, last_seen_at) "
                "VALUES (?, 'a', 't', 't')",
                [(i,) for i in range(1, 6)],
            )
        started = asyncio.Event()
        release = asyncio.Event()

        async def slow_reader() -> None:
            async with db.read() as conn, conn.execute("SELECT id FROM users") as cursor:
                await cursor.fetchone()
                started.set()
                await release.wait()

        task = asyncio.create_task(slow_reader())
        await started.wait()
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO users (id, first_name, created_at, last_seen_at) "
                "VALUES (99, 'b', 't', 't')"
            )

        async def count() -> int:
            async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM users") as cursor:
                row = await cursor.fetchone()
            assert row is not None
            return int(row[0])

        # Start the new read while the old cursor is still open, then let the old one finish.
        counting = asyncio.create_task(count())
        await asyncio.sleep(0)
        release.set()
        await task
        assert await counting == 6
    finally:
        await db.close()


async def test_write_inside_read_is_refused(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nested.sqlite3")
    try:
        async with db.read():
            with pytest.raises(RuntimeError, match="inside read"):
                async with db.write():
                    pass
        async with db.read(), db.read() as conn:  # re-entrant within a task
            assert conn is not None
    finally:
        await db.close()


async def test_a_statement_that_fills_the_disk_reports_full_and_the_writer_recovers(
    db: Database,
) -> None:
    # SQLite rolls the whole transaction back by itself when a multi-row statement runs out of
    # pages; write() must then raise "full", not "cannot rollback - no transaction is active".
    async with db.write() as conn:
        await conn.execute("CREATE TABLE filler (data TEXT)")
    async with db.write() as conn, conn.execute("PRAGMA page_count") as cur:
        row = await cur.fetchone()
    assert row is not None
    async with db.write() as conn:
        await conn.execute(f"PRAGMA max_page_count = {int(row[0]) + 2}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        async with db.write() as conn:
            await conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 2000,)] * 200)
    async with db.write() as conn:
        await conn.execute("PRAGMA max_page_count = 1073741823")
    async with db.write() as conn:
        await users.upsert_user(conn, 3, first_name="C", username=None, language_code=None, now=T0)
    assert rows_in(db.path, "SELECT count(*) FROM filler") == [(0,)]
