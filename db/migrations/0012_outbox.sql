-- The outbox (issue 13.4): every notification a change causes is written in the same
-- transaction as the change, and delivered from here by bot.services.outbox, so a crash after
-- the commit delays a message but never loses it. One row per recipient: a broadcast resumes
-- where it stopped and nobody gets it twice. Payloads hold ids (and a staff-typed reason),
-- not personal data: the message is rendered when it is sent, so an erasure shows.
-- Bookkeeping as for training notices: 'sending' is committed before the message goes out; a
-- crash in between leaves the row 'sending', and start-up resends it marked late (补发).
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    recipient    INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    broadcast_id INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'skipped')),
    late         INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    attempted_at TEXT,
    sent_at      TEXT,
    CHECK (status != 'sent' OR sent_at IS NOT NULL)
) STRICT;

CREATE INDEX outbox_open ON outbox (status, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_recipient ON outbox (recipient);
CREATE UNIQUE INDEX outbox_broadcast_once ON outbox (broadcast_id, recipient)
    WHERE broadcast_id IS NOT NULL;
