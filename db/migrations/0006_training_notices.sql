-- Trainings, part two: an explicit waitlist order and an outbox for notices.

-- Waitlist (and sign-up) order: a per-training counter taken when a row is (re)queued, so a
-- resident who cancels and signs up again goes to the back, and equal timestamps cannot tie.
ALTER TABLE training_signups ADD COLUMN queue_no INTEGER NOT NULL DEFAULT 0;

CREATE INDEX training_signups_queue ON training_signups (training_id, status, queue_no);

-- Messages about a session that must reach a resident even if the bot is not running when
-- they arise (the CLI cancels a session) or crashes while sending: announcements to
-- subscribers, moved/changed/cancelled notices, waitlist promotions. Same bookkeeping as
-- reminders: 'sending' with attempted_at is written before the message goes out.
CREATE TABLE training_notices (
    id            INTEGER PRIMARY KEY,
    training_id   INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('announce', 'moved', 'changed', 'cancelled', 'promoted')),
    old_starts_at TEXT,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    late          INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    attempted_at  TEXT,
    sent_at       TEXT,
    created_at    TEXT NOT NULL,
    CHECK (status != 'sent' OR sent_at IS NOT NULL)
) STRICT;

CREATE INDEX training_notices_status ON training_notices (status, id);
CREATE INDEX training_notices_user ON training_notices (user_id);
