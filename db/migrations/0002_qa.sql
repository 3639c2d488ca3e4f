-- Question log of the knowledge base and examples staff attach to topics.

CREATE TABLE questions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    text        TEXT CHECK (text IS NULL OR length(text) <= 4096),  -- NULL: erased (PIPL)
    normalized  TEXT,                                              -- NULL: erased (PIPL)
    decision    TEXT NOT NULL CHECK (decision IN ('answer', 'ambiguous', 'abstain')),
    reason      TEXT NOT NULL DEFAULT '',
    topic_id    TEXT,
    confidence  REAL NOT NULL CHECK (confidence >= 0.0),
    lang        TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    created_at  TEXT NOT NULL,
    feedback    TEXT CHECK (feedback IN ('up', 'down')),
    feedback_at TEXT,
    CHECK ((feedback IS NULL) = (feedback_at IS NULL)),
    CHECK (decision != 'answer' OR topic_id IS NOT NULL)
) STRICT;

CREATE INDEX questions_created ON questions (created_at);
CREATE INDEX questions_decision ON questions (decision, created_at);
CREATE INDEX questions_user ON questions (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE kb_extra_examples (
    id         INTEGER PRIMARY KEY,
    topic_id   TEXT NOT NULL,
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    added_by   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (topic_id, text)
) STRICT;
