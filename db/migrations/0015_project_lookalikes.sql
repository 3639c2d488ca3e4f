-- Finding a project registered again from another account (the same phone number, or the same
-- name in the same village) for the staff card's "possible duplicate" line, without a scan.

CREATE INDEX projects_phone ON projects (phone) WHERE phone IS NOT NULL;
CREATE INDEX projects_name_village ON projects (name, village) WHERE name IS NOT NULL;
