-- An optional English title for a training session, shown to residents who use the bot in
-- English (cards, reminders, notices, the .ics file); '' = none: they see the Chinese title.

ALTER TABLE trainings ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
