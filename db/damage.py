"""Is the database file usable at all? One clear sentence instead of a traceback.

``check_file(path)`` looks at the file before SQLite does: the 100-byte header says whether it
is an SQLite database and how many pages it holds, so garbage and a truncated copy are named
before anything reads a page; a file or folder this process may not write is named too.
``unusable(path, exc)`` turns an SQLite error met while opening or migrating into the same
``DatabaseUnusableError``. Its ``line`` is what the operator reads: the file, the problem, what to
do. The CLI prints it and exits with ``EXIT_DATABASE``, which the systemd unit does not restart
on (restarting cannot repair a file). Pure standard library: no aiosqlite, no ``telegram``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# Exit status for an unusable database (deploy/chuangye-bot.service: RestartPreventExitStatus).
EXIT_DATABASE = 3

_MAGIC = b"SQLite format 3\x00"
_HEADER = 100
_RESTORE = (
    "停止服务，用 db backup 的最近备份替换它 / stop the bot and restore the latest `db backup` "
    "copy (docs/operations.md)"
)
_PERMISSIONS = (
    "让服务用户可写该文件及其目录 / make the file and its folder writable by the bot's user"
)


class DatabaseUnusableError(RuntimeError):
    """The database file cannot be used; ``line`` says which file, why and what to do."""

    def __init__(self, path: Path, problem: str, remedy: str = _RESTORE) -> None:
        self.path = path
        self.problem = problem
        self.remedy = remedy
        super().__init__(self.line)

    @property
    def line(self) -> str:
        """One line for the operator."""
        return f"数据库不可用 / database unusable: {self.path}: {self.problem}. {self.remedy}"


def check_file(path: Path, *, writable: bool = True) -> None:
    """Raise ``DatabaseUnusableError`` if ``path`` is garbage, truncated or read-only.

    A missing or empty file is fine: SQLite creates the database.
    """
    if not path.exists():
        if writable and path.parent.exists() and not os.access(path.parent, os.W_OK):
            raise DatabaseUnusableError(path, "文件夹只读 / its folder is read-only", _PERMISSIONS)
        return
    if not path.is_file():
        raise DatabaseUnusableError(
            path, "不是文件 / not a file", "请检查路径 / check the db_path setting"
        )
    try:
        with path.open("rb") as f:
            header = f.read(_HEADER)
    except OSError as exc:
        raise DatabaseUnusableError(
            path, f"无法读取 / cannot read it ({exc.strerror})", _PERMISSIONS
        ) from None
    size = path.stat().st_size
    if size == 0:
        return
    if not header.startswith(_MAGIC):
        raise DatabaseUnusableError(
            path, "不是 SQLite 数据库（内容损坏）/ not an SQLite database (garbage)"
        )
    if len(header) < _HEADER:
        raise DatabaseUnusableError(path, f"文件被截断 / truncated ({size} bytes)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseUnusableError(path, "文件头损坏 / damaged header (page size)")
    if size % page_size or size < pages * page_size:
        expected = pages * page_size
        raise DatabaseUnusableError(path, f"文件被截断 / truncated ({size} of {expected} bytes)")
    if writable and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise DatabaseUnusableError(
            path, "文件或文件夹只读 / the file or its folder is read-only", _PERMISSIONS
        )


def unusable(path: Path, exc: sqlite3.Error) -> DatabaseUnusableError | None:
    """What an SQLite error at open means for the file, or None (e.g. locked: transient)."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message:
        return DatabaseUnusableError(
            path, "只读，无法写入 / read-only, cannot write", _PERMISSIONS
        )
    if "not a database" in message:
        return DatabaseUnusableError(
            path, "不是 SQLite 数据库（内容损坏）/ not an SQLite database (garbage)"
        )
    if "malformed" in message or "corrupt" in message:
        return DatabaseUnusableError(
            path, "数据库文件已损坏 / the database file is damaged (malformed)"
        )
    if "unable to open" in message:
        return DatabaseUnusableError(path, "无法打开 / cannot be opened", _PERMISSIONS)
    if "disk i/o" in message:
        return DatabaseUnusableError(path, "磁盘读写错误 / disk I/O error")
    return None
