-- Since when a bridge has not answered (NULL while it answers), and the last reason it did
-- not, with when: kept after it answers again, so an administrator sees what happened.
ALTER TABLE bridges ADD COLUMN down_since BIGINT;
ALTER TABLE bridges ADD COLUMN last_failure TEXT;
ALTER TABLE bridges ADD COLUMN last_failure_at BIGINT;
