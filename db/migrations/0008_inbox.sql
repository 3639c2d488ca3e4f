-- The durable inbox of updates (issue 13.3): every update Telegram delivers is stored here, in
-- the transaction that commits before it is acknowledged (the next getUpdates offset, or the
-- webhook's 200), handled from here, and marked handled afterwards. Rows left unhandled by a
-- crash are handled again, in update_id order, at the next start; a delivery of an update_id
-- already here is skipped. A handled row keeps only its id (to recognise a redelivery): the
-- message and its sender, personal data, are dropped when it is handled (or when the sender
-- erases their data while it is in flight). Pruned after two days.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT,                      -- the update's JSON as received; NULL once handled
    user_id     INTEGER,                   -- its sender while in flight (for an erasure)
    received_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0, -- starts after a restart (a poison update gives up)
    handled_at  TEXT,
    outcome     TEXT CHECK (outcome IN ('handled', 'abandoned')),
    CHECK ((handled_at IS NULL) = (outcome IS NULL)),
    CHECK (handled_at IS NOT NULL OR payload IS NOT NULL),
    CHECK (handled_at IS NULL OR (payload IS NULL AND user_id IS NULL))
) STRICT;

CREATE INDEX inbox_unhandled ON inbox (update_id) WHERE handled_at IS NULL;
