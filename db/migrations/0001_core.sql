-- Core tables: migration bookkeeping, Telegram users, PTB persistence, audit log, counters.
-- Times are ISO-8601 UTC text ("2026-03-01T08:00:00.000000Z"), so text order is time order.

CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

-- One row per Telegram user who has written to the bot. Erasure (PIPL) deletes the row:
-- foreign keys then null the user's id in statistics tables and cascade to private ones.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY CHECK (id > 0),          -- Telegram user id
    first_name    TEXT NOT NULL DEFAULT '',
    username      TEXT,
    language_code TEXT,
    lang_override TEXT CHECK (lang_override IN ('zh', 'en')),
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),  -- 0: blocked us
    blocked_at    TEXT,
    referral_code TEXT UNIQUE CHECK (
        referral_code IS NULL
        OR (length(referral_code) BETWEEN 6 AND 16 AND referral_code NOT GLOB '*[^A-Za-z0-9]*')
    ),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    CHECK (is_active = 1 OR blocked_at IS NOT NULL)
) STRICT;

CREATE INDEX users_active ON users (is_active) WHERE is_active = 1;

-- python-telegram-bot persistence (db.persistence): JSON, never pickle.
CREATE TABLE ptb_user_data (
    user_id    INTEGER PRIMARY KEY,
    data       TEXT NOT NULL CHECK (json_valid(data)),
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE ptb_chat_data (
    chat_id    INTEGER PRIMARY KEY,
    data       TEXT NOT NULL CHECK (json_valid(data)),
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE ptb_conversations (
    name       TEXT NOT NULL,
    key        TEXT NOT NULL CHECK (json_valid(key) AND json_type(key) = 'array'),
    state      TEXT NOT NULL CHECK (json_valid(state)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
) STRICT, WITHOUT ROWID;

-- Staff and system actions. actor_id NULL = the system. detail is free text: never put an
-- anonymous complainant's identity or a resident's phone number in it.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER,
    action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    target_type TEXT,
    target_id   TEXT,
    detail      TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

-- Per-(prefix, year) counters for reference numbers such as XM-2026-0001. Incremented in the
-- same transaction as the row that uses the number, so numbers are unique and gap-free.
CREATE TABLE ref_sequences (
    prefix TEXT NOT NULL CHECK (prefix GLOB '[A-Z][A-Z]'),
    year   INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last   INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (prefix, year)
) STRICT, WITHOUT ROWID;
