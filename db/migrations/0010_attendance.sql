-- Attendance: after a session staff mark who came. NULL = not marked yet, 1 = came, 0 = did not.
-- Kept on the sign-up row, so erasing a resident removes it with the rest of their sign-up.

ALTER TABLE training_signups ADD COLUMN attended INTEGER CHECK (attended IN (0, 1));
ALTER TABLE training_signups ADD COLUMN attendance_marked_at TEXT;
