-- Registered projects, their status history, and referral credits.

CREATE TABLE projects (
    id             INTEGER PRIMARY KEY,
    ref_no         TEXT NOT NULL UNIQUE
                   CHECK (ref_no GLOB 'XM-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*'),
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    name           TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 4096),  -- NULL: erased
    industry       TEXT NOT NULL CHECK (length(industry) BETWEEN 1 AND 200),
    village        TEXT NOT NULL CHECK (length(village) BETWEEN 1 AND 200),
    applicant_type TEXT NOT NULL CHECK (length(applicant_type) BETWEEN 1 AND 200),
    investment_wan REAL NOT NULL CHECK (investment_wan > 0),
    jobs           INTEGER NOT NULL CHECK (jobs >= 0),
    phone          TEXT,                                                          -- NULL: erased
    referrer_note  TEXT,                                 -- referrer as typed, when not a link
    status         TEXT NOT NULL DEFAULT 'submitted'
                   CHECK (status IN ('submitted', 'approved', 'returned', 'withdrawn')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE INDEX projects_user ON projects (user_id, created_at) WHERE user_id IS NOT NULL;
CREATE INDEX projects_created ON projects (created_at);
CREATE INDEX projects_status ON projects (status, created_at);

CREATE TABLE project_status_history (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status     TEXT NOT NULL
               CHECK (status IN ('submitted', 'approved', 'returned', 'withdrawn')),
    note       TEXT,
    actor_id   INTEGER,              -- staff id, or the applicant; NULL once the applicant erased
    created_at TEXT NOT NULL,
    -- 退回 always tells the applicant why.
    CHECK (status != 'returned' OR length(trim(coalesce(note, ''))) > 0)
) STRICT;

CREATE INDEX project_status_history_project ON project_status_history (project_id, id);

-- One credit per project (UNIQUE project_id: no double credit), never to oneself.
-- A referral is reward-eligible while its project is approved.
CREATE TABLE referrals (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL UNIQUE REFERENCES projects (id) ON DELETE CASCADE,
    referrer_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    referred_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    CHECK (referrer_user_id IS NULL OR referred_user_id IS NULL
           OR referrer_user_id != referred_user_id)
) STRICT;

CREATE INDEX referrals_referrer ON referrals (referrer_user_id) WHERE referrer_user_id IS NOT NULL;
CREATE INDEX referrals_created ON referrals (created_at);
