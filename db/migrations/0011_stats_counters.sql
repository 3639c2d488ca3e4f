-- Counters for /stats (issue 16): counting 500,000 questions on every /stats took half a
-- second. Triggers keep per-month counts as rows change, so they are right whoever writes
-- (the bot, the CLI, a migration); db.stats adds them up for whole months and counts the
-- partial months at a period's edges from the rows themselves.
-- metric: what is counted ('questions.decision', 'questions.feedback'); key: the value
-- ('answer', 'up', ...); month: the UTC month of the row's created_at ('2026-11').
-- New metrics: add triggers and a backfill in a new migration, and a query in db.stats.
CREATE TABLE stats_counters (
    metric TEXT NOT NULL,
    month  TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    key    TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (metric, month, key)
) STRICT, WITHOUT ROWID;

INSERT INTO stats_counters (metric, month, key, n)
SELECT 'questions.decision', substr(created_at, 1, 7), decision, count(*)
FROM questions GROUP BY 2, 3;

INSERT INTO stats_counters (metric, month, key, n)
SELECT 'questions.feedback', substr(created_at, 1, 7), feedback, count(*)
FROM questions WHERE feedback IS NOT NULL GROUP BY 2, 3;

CREATE TRIGGER questions_counted_insert AFTER INSERT ON questions BEGIN
    INSERT INTO stats_counters (metric, month, key, n)
    VALUES ('questions.decision', substr(NEW.created_at, 1, 7), NEW.decision, 1)
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.feedback', substr(NEW.created_at, 1, 7), NEW.feedback, 1
    WHERE NEW.feedback IS NOT NULL
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER questions_counted_delete AFTER DELETE ON questions BEGIN
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.decision'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.decision;
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.feedback'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.feedback;
END;

CREATE TRIGGER questions_counted_update AFTER UPDATE OF decision, feedback, created_at
ON questions WHEN OLD.decision IS NOT NEW.decision OR OLD.feedback IS NOT NEW.feedback
    OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.decision'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.decision;
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.feedback'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.feedback;
    INSERT INTO stats_counters (metric, month, key, n)
    VALUES ('questions.decision', substr(NEW.created_at, 1, 7), NEW.decision, 1)
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.feedback', substr(NEW.created_at, 1, 7), NEW.feedback, 1
    WHERE NEW.feedback IS NOT NULL
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
END;

-- A version per table the rest of /stats counts from directly (20,000 projects, 50,000
-- sign-ups: tens of milliseconds each): any change bumps it, so bot.services.stats can keep
-- a report's project, referral and sign-up numbers until one of these tables changes.
CREATE TABLE stats_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO stats_versions (name, version)
VALUES ('projects', 0), ('referrals', 0), ('training_signups', 0);

CREATE TRIGGER projects_versioned_insert AFTER INSERT ON projects BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER projects_versioned_update AFTER UPDATE ON projects BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER projects_versioned_delete AFTER DELETE ON projects BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER referrals_versioned_insert AFTER INSERT ON referrals BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'referrals';
END;
CREATE TRIGGER referrals_versioned_update AFTER UPDATE ON referrals BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'referrals';
END;
CREATE TRIGGER referrals_versioned_delete AFTER DELETE ON referrals BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'referrals';
END;
CREATE TRIGGER training_signups_versioned_insert AFTER INSERT ON training_signups BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'training_signups';
END;
CREATE TRIGGER training_signups_versioned_update AFTER UPDATE ON training_signups BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'training_signups';
END;
CREATE TRIGGER training_signups_versioned_delete AFTER DELETE ON training_signups BEGIN
    UPDATE stats_versions SET version = version + 1 WHERE name = 'training_signups';
END;
