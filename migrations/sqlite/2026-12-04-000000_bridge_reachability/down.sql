ALTER TABLE bridges DROP COLUMN last_failure_at;
ALTER TABLE bridges DROP COLUMN last_failure;
ALTER TABLE bridges DROP COLUMN down_since;
