-- Complaints (possibly anonymous), messages to staff, and broadcasts.

-- An anonymous complaint stores no user id, and its times are coarsened to the day so they
-- cannot be matched against users.last_seen_at or other timestamped rows. The complainant
-- may hold a random token; only its SHA-256 is stored (reply_token_hash), which proves
-- "this is mine" without pointing from the complaint to a person.
CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    ref_no           TEXT NOT NULL UNIQUE
                     CHECK (ref_no GLOB 'TS-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*'),
    user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    anonymous        INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    reply_token_hash TEXT UNIQUE CHECK (reply_token_hash IS NULL OR length(reply_token_hash) = 64),
    what             TEXT CHECK (what IS NULL OR length(what) BETWEEN 1 AND 4096),  -- NULL: erased
    department       TEXT,
    happened_at_text TEXT,
    photo_file_id    TEXT,
    status           TEXT NOT NULL DEFAULT 'received'
                     CHECK (status IN ('received', 'handling', 'resolved')),
    resolution_note  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (anonymous = 0 OR user_id IS NULL),
    CHECK (status != 'resolved' OR length(trim(coalesce(resolution_note, ''))) > 0)
) STRICT;

CREATE INDEX complaints_user ON complaints (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX complaints_status ON complaints (status, created_at);

CREATE TABLE complaint_status_history (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('received', 'handling', 'resolved')),
    note         TEXT,
    actor_id     INTEGER,            -- staff id; NULL for the filing itself
    created_at   TEXT NOT NULL
) STRICT;

CREATE INDEX complaint_status_history_complaint ON complaint_status_history (complaint_id, id);

CREATE TABLE contact_messages (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
    created_at  TEXT NOT NULL,
    answered_at TEXT,
    answered_by INTEGER,
    reply_text  TEXT,
    CHECK ((answered_at IS NULL) = (answered_by IS NULL))
) STRICT;

CREATE INDEX contact_messages_open ON contact_messages (created_at) WHERE answered_at IS NULL;
CREATE INDEX contact_messages_user ON contact_messages (user_id);

CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY,
    created_by  INTEGER NOT NULL,
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
    tag         TEXT,                                    -- NULL: every active user
    delivered   INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    blocked     INTEGER NOT NULL DEFAULT 0 CHECK (blocked >= 0),
    failed      INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    created_at  TEXT NOT NULL,
    finished_at TEXT
) STRICT;
