-- /stats counts questions per decision from stats_counters (0011) for whole months, but those
-- triggers counted every logged row: greetings, thanks, menu words, filler ("嗯"), staff's own
-- typing and topics opened from a menu were counted as questions (an opened topic as answered,
-- a greeting as not answered), unlike the partial months counted from the rows. The decision
-- counters now count only questions: rows whose reason is not one of
-- db.questions.NOT_QUESTION_REASONS (the same list: change both together). Feedback is
-- counted on every row, as before (👍/👎 on an opened topic is feedback too).
DROP TRIGGER questions_counted_insert;
DROP TRIGGER questions_counted_update;
DROP TRIGGER questions_counted_delete;

DELETE FROM stats_counters WHERE metric = 'questions.decision';
INSERT INTO stats_counters (metric, month, key, n)
SELECT 'questions.decision', substr(created_at, 1, 7), decision, count(*)
FROM questions
WHERE reason NOT IN ('greeting', 'thanks', 'empty', 'menu_word', 'filler', 'staff', 'menu')
GROUP BY 2, 3;

-- Each trigger moves the feedback count first, then the decision count (only a question's).
CREATE TRIGGER questions_counted_insert AFTER INSERT ON questions BEGIN
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.feedback', substr(NEW.created_at, 1, 7), NEW.feedback, 1
    WHERE NEW.feedback IS NOT NULL ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.decision', substr(NEW.created_at, 1, 7), NEW.decision, 1
    WHERE NEW.reason NOT IN ('greeting', 'thanks', 'empty', 'menu_word', 'filler', 'staff', 'menu')
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER questions_counted_delete AFTER DELETE ON questions BEGIN
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.feedback'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.feedback;
    UPDATE stats_counters SET n = n - 1
    WHERE OLD.reason NOT IN ('greeting', 'thanks', 'empty', 'menu_word', 'filler', 'staff', 'menu')
        AND metric = 'questions.decision' AND month = substr(OLD.created_at, 1, 7)
        AND key = OLD.decision;
END;

-- An update takes the old row out and puts the new one in, metric by metric.
CREATE TRIGGER questions_counted_update AFTER UPDATE OF decision, reason, feedback, created_at
ON questions WHEN OLD.decision IS NOT NEW.decision OR OLD.reason IS NOT NEW.reason
    OR OLD.feedback IS NOT NEW.feedback OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE stats_counters SET n = n - 1 WHERE metric = 'questions.feedback'
        AND month = substr(OLD.created_at, 1, 7) AND key = OLD.feedback;
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.feedback', substr(NEW.created_at, 1, 7), NEW.feedback, 1
    WHERE NEW.feedback IS NOT NULL ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
    UPDATE stats_counters SET n = n - 1
    WHERE OLD.reason NOT IN ('greeting', 'thanks', 'empty', 'menu_word', 'filler', 'staff', 'menu')
        AND metric = 'questions.decision' AND month = substr(OLD.created_at, 1, 7)
        AND key = OLD.decision;
    INSERT INTO stats_counters (metric, month, key, n)
    SELECT 'questions.decision', substr(NEW.created_at, 1, 7), NEW.decision, 1
    WHERE NEW.reason NOT IN ('greeting', 'thanks', 'empty', 'menu_word', 'filler', 'staff', 'menu')
    ON CONFLICT (metric, month, key) DO UPDATE SET n = n + 1;
END;
