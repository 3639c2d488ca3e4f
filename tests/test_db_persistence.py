"""SQLitePersistence: a persistent conversation survives a crash and a rebuilt Application."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from db.database import Database
from db.persistence import PersistenceDataError, SQLitePersistence, persist_update
from tests.queries import rows_in

TOKEN = "123456:" + "A" * 35
BOT = {"id": 123456, "is_bot": True, "first_name": "创业助手", "username": "chuangye_test_bot"}
USER_ID = 5001


class FakeRequest(BaseRequest):
    """Answers getMe and sendMessage like the Bot API and remembers what was sent."""

    def __init__(self, sent: list[tuple[int, str]]) -> None:
        self.sent = sent
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: object
        if endpoint == "getMe":
            result = BOT
        elif endpoint == "sendMessage":
            chat_id, text = int(str(params["chat_id"])), str(params["text"])
            self.sent.append((chat_id, text))
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": 1_772_352_000,
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": text,
            }
        else:
            return 400, json.dumps({"ok": False, "description": f"no {endpoint}"}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


class Waiting(IntEnum):
    """What the test dialog waits for."""

    NAME = 0
    VILLAGE = 1
    JOBS = 2


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Waiting | None:
    """Begin a registration draft."""
    if update.effective_message is None or context.user_data is None:
        return None
    context.user_data["draft"] = {}
    await update.effective_message.reply_text("name?")
    return Waiting.NAME


def keep(
    field: str, ask: str, then: Waiting
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Waiting | None]]:
    """A step that keeps the answer as the draft's ``field``, then asks ``ask``."""

    async def step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Waiting | None:
        if update.effective_message is None or context.user_data is None:
            return None
        context.user_data["draft"][field] = update.effective_message.text
        await update.effective_message.reply_text(ask)
        return then

    return step


got_name = keep("name", "village?", Waiting.VILLAGE)
got_village = keep("village", "jobs?", Waiting.JOBS)


async def got_jobs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Finish: echo the whole draft back."""
    if update.effective_message is None or context.user_data is None:
        return None
    draft = context.user_data.pop("draft")
    draft["jobs"] = int(update.effective_message.text or "0")
    await update.effective_message.reply_text(json.dumps(draft, ensure_ascii=False))
    return ConversationHandler.END


def build(db: Database, sent: list[tuple[int, str]], *, write_through: bool = True) -> Any:
    """The test bot: one persistent conversation, optionally saving after every update."""
    app = (
        Application.builder()
        .token(TOKEN)
        .request(FakeRequest(sent))
        .get_updates_request(FakeRequest(sent))
        .persistence(SQLitePersistence(db))
        .build()
    )
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("register", start)],
            states={
                Waiting.NAME: [MessageHandler(text, got_name)],
                Waiting.VILLAGE: [MessageHandler(text, got_village)],
                Waiting.JOBS: [MessageHandler(text, got_jobs)],
            },
            fallbacks=[],
            name="register",
            persistent=True,
        )
    )
    if write_through:
        app.add_handler(TypeHandler(Update, persist_update), group=99)
    return app


class Chat:
    """Sends a user's messages to an Application as updates."""

    def __init__(self) -> None:
        self.update_id = 0

    async def say(self, app: Any, text: str) -> None:
        self.update_id += 1
        message: dict[str, Any] = {
            "message_id": self.update_id,
            "date": 1_772_352_000,
            "chat": {"id": USER_ID, "type": "private", "first_name": "测试"},
            "from": {"id": USER_ID, "is_bot": False, "first_name": "测试"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        update = Update.de_json({"update_id": self.update_id, "message": message}, app.bot)
        await app.process_update(update)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(
        tmp_path / "bot.sqlite3", clock=lambda: datetime(2026, 3, 1, tzinfo=UTC)
    )
    yield database
    await database.close()


HOSTILE = "'); DROP TABLE users;-- <b>粗</b> \u202eRTL\u200b零宽 🧅👨‍👩‍👧 " + "长" * 4000


async def test_conversation_continues_after_a_crash_and_a_rebuilt_application(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    sent: list[tuple[int, str]] = []
    chat = Chat()
    db1 = await Database.open(path)
    app1 = build(db1, sent)
    await app1.initialize()
    await chat.say(app1, "/register")
    await chat.say(app1, HOSTILE)
    assert sent[-1] == (USER_ID, "village?")

    # Saved the moment the answer was handled: visible to another connection, no flush.
    assert rows_in(path, "SELECT name, key, state FROM ptb_conversations") == [
        ("register", f"[{USER_ID},{USER_ID}]", "1")
    ]
    (data,) = rows_in(path, "SELECT data FROM ptb_user_data")[0]
    assert json.loads(data) == {"draft": {"name": HOSTILE}}

    # Crash: no stop(), no shutdown(), no update_persistence(); only the file remains.
    await db1.close()
    del app1

    db2 = await Database.open(path)
    app2 = build(db2, sent)
    await app2.initialize()
    await chat.say(app2, "示例一村")
    assert sent[-1] == (USER_ID, "jobs?")
    await chat.say(app2, "12")
    assert json.loads(sent[-1][1]) == {"name": HOSTILE, "village": "示例一村", "jobs": 12}
    assert rows_in(path, "SELECT * FROM ptb_conversations") == []
    assert rows_in(path, "SELECT data FROM ptb_user_data") == [("{}",)]
    await app2.shutdown()
    await db2.close()


async def test_without_write_through_state_is_saved_at_shutdown(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    sent: list[tuple[int, str]] = []
    chat = Chat()
    db1 = await Database.open(path)
    app1 = build(db1, sent, write_through=False)
    await app1.initialize()
    await chat.say(app1, "/register")
    assert rows_in(path, "SELECT * FROM ptb_conversations") == []  # PTB waits for its interval
    await app1.shutdown()
    await db1.close()

    db2 = await Database.open(path)
    app2 = build(db2, sent, write_through=False)
    await app2.initialize()
    await chat.say(app2, "木耳")
    assert sent[-1] == (USER_ID, "village?")
    await app2.shutdown()
    await db2.close()


async def test_conversations_round_trip_keys_and_states(db: Database) -> None:
    persistence = SQLitePersistence(db)
    await persistence.update_conversation("a", (1, 2), Waiting.JOBS)
    await persistence.update_conversation("a", (-100123, "inline:abc"), 0)
    await persistence.update_conversation("b", (1, 2), 7)
    conversations = await persistence.get_conversations("a")
    assert conversations == {(1, 2): 2, (-100123, "inline:abc"): 0}
    assert conversations[(1, 2)] == Waiting.JOBS

    await persistence.update_conversation("a", (1, 2), None)
    assert await persistence.get_conversations("a") == {(-100123, "inline:abc"): 0}
    assert await persistence.get_conversations("b") == {(1, 2): 7}


async def loaded(db: Database, ident: int, *, chat: bool = False) -> dict[str, Any]:
    """What a restarted bot holds for ``ident`` once PTB refreshed it at its first update."""
    fresh = SQLitePersistence(db)
    data: dict[str, Any] = {}
    if chat:
        await fresh.refresh_chat_data(ident, data)
    else:
        await fresh.refresh_user_data(ident, data)
    return data


async def test_user_and_chat_data_round_trip_and_drop(db: Database) -> None:
    persistence = SQLitePersistence(db)
    data = {"name": HOSTILE, "n": [1, 2.5, None, True], "nested": {"k": "v"}}
    await persistence.update_user_data(7, data)
    await persistence.update_chat_data(-7, {"x": 1})
    assert await loaded(db, 7) == data
    assert await loaded(db, -7, chat=True) == {"x": 1}
    await persistence.drop_user_data(7)
    await persistence.drop_chat_data(-7)
    assert await loaded(db, 7) == {}
    assert await loaded(db, -7, chat=True) == {}


async def test_start_up_loads_only_the_dialogs_under_way(db: Database) -> None:
    persistence = SQLitePersistence(db)
    for uid in range(1, 101):
        await persistence.update_user_data(uid, {"lang": "zh"})
    await persistence.update_user_data(50, {"lang": "en", "form": {"step": 2}})
    await persistence.update_chat_data(50, {"form": 1})
    await persistence.update_chat_data(51, {"other": 1})

    restarted = SQLitePersistence(db, eager_keys=("form",))
    assert await restarted.get_user_data() == {50: {"lang": "en", "form": {"step": 2}}}
    assert await restarted.get_chat_data() == {50: {"form": 1}}
    # Everyone else's data arrives with their first update; memory wins over what is stored.
    data: dict[str, Any] = {"lang": "en"}
    await restarted.refresh_user_data(7, data)
    assert data == {"lang": "en"}
    data = {}
    await restarted.refresh_user_data(8, data)
    assert data == {"lang": "zh"}
    assert restarted.user_data_is_stored(8, data)
    # Someone never seen gets no row for empty data, and nothing stored is overwritten by a
    # change made before their first update.
    await restarted.update_user_data(9, {"note": 1})
    assert await loaded(db, 9) == {"lang": "zh", "note": 1}


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ({5: "int key"}, "key 5 is not a str"),
        ({"when": datetime(2026, 1, 1, tzinfo=UTC)}, "datetime cannot be stored"),
        ({"x": float("nan")}, "not a JSON number"),
        ({"s": {1, 2}}, "set cannot be stored"),
    ],
)
async def test_data_that_json_would_change_is_refused(
    db: Database, bad: dict[Any, Any], problem: str
) -> None:
    persistence = SQLitePersistence(db)
    with pytest.raises(PersistenceDataError, match=problem):
        await persistence.update_user_data(1, bad)
    assert await persistence.get_user_data() == {}


async def test_bot_and_callback_data_are_not_stored(db: Database) -> None:
    with pytest.raises(ValueError, match="stores user_data"):
        SQLitePersistence(db, store_data=PersistenceInput(bot_data=True))
    persistence = SQLitePersistence(db)
    assert not persistence.store_data.bot_data
    assert not persistence.store_data.callback_data
    assert persistence.store_data.user_data
    assert await persistence.get_bot_data() == {}
    assert await persistence.get_callback_data() is None


async def test_unchanged_data_costs_no_write_and_changed_or_dropped_data_is_written(
    db: Database,
) -> None:
    # PTB hands user_data and chat_data over after every update; most updates change neither.
    persistence = SQLitePersistence(db)

    async def writes(action: Any) -> int:
        async with db.write() as conn, conn.execute("SELECT total_changes()") as cur:
            before = await cur.fetchone()
        await action
        async with db.write() as conn, conn.execute("SELECT total_changes()") as cur:
            after = await cur.fetchone()
        assert before is not None
        assert after is not None
        return int(after[0]) - int(before[0])

    assert await writes(persistence.update_user_data(7, {"a": 1})) == 1
    assert await writes(persistence.update_user_data(7, {"a": 1})) == 0
    assert await writes(persistence.update_user_data(7, {"a": 2})) == 1
    # Empty data with no row stored: no row needed (it loads back as empty anyway).
    assert await writes(persistence.update_chat_data(7, {})) == 0
    assert await writes(persistence.update_chat_data(7, {"b": 1})) == 1
    assert await writes(persistence.update_chat_data(7, {"b": 1})) == 0
    # After a drop the same data must be written again, or it would be lost.
    await persistence.drop_user_data(7)
    assert await writes(persistence.update_user_data(7, {"a": 2})) == 1
    # A new instance (a restart) knows what is stored once PTB has refreshed the user.
    fresh = SQLitePersistence(db)
    data: dict[str, Any] = {}
    await fresh.refresh_user_data(7, data)
    assert data == {"a": 2}
    assert await writes(fresh.update_user_data(7, {"a": 2})) == 0
    assert await writes(fresh.update_user_data(7, {"a": 3})) == 1
    assert await loaded(db, 7) == {"a": 3}


async def test_rows_are_dated_by_the_day_only(tmp_path: Path) -> None:
    """A precise ``updated_at`` would date the end of a dialog, e.g. an anonymous complaint."""
    database = await Database.open(
        tmp_path / "dated.sqlite3",
        clock=lambda: datetime(2026, 3, 1, 14, 37, 42, 123456, tzinfo=UTC),
    )
    try:
        persistence = SQLitePersistence(database)
        await persistence.update_user_data(7, {"draft": "x"})
        await persistence.update_chat_data(7, {"x": 1})
        await persistence.update_conversation("complaint", (7, 7), 3)
    finally:
        await database.close()
    path = tmp_path / "dated.sqlite3"
    dates = {
        r[0]
        for table in ("ptb_user_data", "ptb_chat_data", "ptb_conversations")
        for r in rows_in(path, f"SELECT updated_at FROM {table}")
    }
    assert dates == {"2026-03-01T00:00:00.000000Z"}


async def test_rows_are_dated_by_the_towns_day(tmp_path: Path) -> None:
    """The same day as the ``users`` rows: 22:30 UTC is already the next day in Shanghai."""
    database = await Database.open(
        tmp_path / "local.sqlite3",
        clock=lambda: datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
    )
    try:
        persistence = SQLitePersistence(database, tz=ZoneInfo("Asia/Shanghai"))
        await persistence.update_user_data(7, {"draft": "x"})
    finally:
        await database.close()
    [(day,)] = rows_in(tmp_path / "local.sqlite3", "SELECT updated_at FROM ptb_user_data")
    assert day == "2026-03-01T16:00:00.000000Z"  # midnight of 2 March in Shanghai, in UTC
