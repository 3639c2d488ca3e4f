-- The web channel's gateway (bot.shell.web): what Telegram's servers keep for a Telegram chat, kept
-- here for residents who use the bot in a browser. Web user ids start at 2^52 (4503599627370496):
-- Telegram documents its ids as at most 52 significant bits, so the ranges never meet.
-- Times are ISO-8601 UTC text, as elsewhere.

CREATE TABLE web_chats (
    chat_id         INTEGER PRIMARY KEY CHECK (chat_id >= 4503599627370496),
    user_json       TEXT NOT NULL CHECK (json_valid(user_json)),
    reply_keyboard  TEXT CHECK (reply_keyboard IS NULL OR json_valid(reply_keyboard)),
    blocked         INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    next_message_id INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
) STRICT;

-- A browser session: the cookie carries a random token, only its SHA-256 is stored here.
CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,
    chat_id      INTEGER NOT NULL REFERENCES web_chats (chat_id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
) STRICT;

CREATE INDEX web_sessions_chat ON web_sessions (chat_id);

-- Messages both ways; seq orders every change (a new message or an edit) across all chats, so a
-- page asks "what changed after seq N" and gets new and edited messages alike.
CREATE TABLE web_messages (
    chat_id    INTEGER NOT NULL REFERENCES web_chats (chat_id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    from_bot   INTEGER NOT NULL CHECK (from_bot IN (0, 1)),
    data       TEXT NOT NULL CHECK (json_valid(data)),
    html       TEXT,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    edits      INTEGER NOT NULL DEFAULT 0,
    seq        INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (chat_id, message_id)
) STRICT;

CREATE INDEX web_messages_seq ON web_messages (chat_id, seq);

CREATE TABLE web_files (
    file_id    TEXT PRIMARY KEY,
    chat_id    INTEGER REFERENCES web_chats (chat_id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX web_files_chat ON web_files (chat_id);

-- Button presses; answer is NULL until the bot calls answerCallbackQuery.
CREATE TABLE web_callback_queries (
    query_id   TEXT PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES web_chats (chat_id) ON DELETE CASCADE,
    answer     TEXT CHECK (answer IS NULL OR json_valid(answer)),
    created_at TEXT NOT NULL
) STRICT;

-- Updates handed to the bot and not yet reported handled: delivered again after a restart.
CREATE TABLE web_updates (
    update_id  INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES web_chats (chat_id) ON DELETE CASCADE,
    body       TEXT NOT NULL CHECK (json_valid(body)),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE web_commands (
    scope    TEXT NOT NULL,
    language TEXT NOT NULL,
    commands TEXT NOT NULL CHECK (json_valid(commands)),
    PRIMARY KEY (scope, language)
) STRICT;

CREATE TABLE web_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Erasing a resident (PIPL) also erases what the gateway kept of their chat; their session
-- stays, so the page keeps working and shows the bot's confirmation.
CREATE TRIGGER web_erase_with_user AFTER DELETE ON users
WHEN OLD.id >= 4503599627370496
BEGIN
    DELETE FROM web_messages WHERE chat_id = OLD.id;
    DELETE FROM web_files WHERE chat_id = OLD.id;
    DELETE FROM web_callback_queries WHERE chat_id = OLD.id;
END;
