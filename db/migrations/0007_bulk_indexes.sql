-- Indexes a county-sized database needs (issue 16): erasing one resident (/deletemydata)
-- deletes their reminders and nulls their referral credits through foreign keys, and without
-- these each of those was a full scan of the table (90,000 reminders, 20,000 referrals).
CREATE INDEX reminders_user ON reminders (user_id);
CREATE INDEX referrals_referred ON referrals (referred_user_id)
    WHERE referred_user_id IS NOT NULL;
