-- Training sessions, sign-ups with a waitlist, tag subscriptions and reminder bookkeeping.

CREATE TABLE trainings (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    target_group TEXT NOT NULL DEFAULT '',
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    place        TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    description  TEXT NOT NULL DEFAULT '',
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    status       TEXT NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'moved', 'cancelled')),
    created_by   INTEGER,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;

CREATE INDEX trainings_starts ON trainings (starts_at) WHERE status != 'cancelled';

CREATE TABLE training_tags (
    training_id INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50 AND tag != '*'),
    PRIMARY KEY (training_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX training_tags_tag ON training_tags (tag);

-- Waitlist order: queued_at, then rowid. Cancelling keeps the row (status 'cancelled').
CREATE TABLE training_signups (
    training_id INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('signed', 'waitlisted', 'cancelled')),
    queued_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (training_id, user_id)
) STRICT;

CREATE INDEX training_signups_status ON training_signups (training_id, status, queued_at);
CREATE INDEX training_signups_user ON training_signups (user_id);

-- tag '*' = every training.
CREATE TABLE subscriptions (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX subscriptions_tag ON subscriptions (tag);

-- One row per (training, user, offset): delivered at most once. 'sending' is written before
-- the message goes out, so a crash leaves evidence that startup reconciliation can act on.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY,
    training_id    INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offset_seconds INTEGER NOT NULL CHECK (offset_seconds > 0),
    due_at         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    attempted_at   TEXT,
    sent_at        TEXT,
    late           INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    created_at     TEXT NOT NULL,
    UNIQUE (training_id, user_id, offset_seconds),
    CHECK (status != 'sent' OR sent_at IS NOT NULL)
) STRICT;

CREATE INDEX reminders_due ON reminders (status, due_at);
