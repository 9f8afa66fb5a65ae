DROP TABLE reservation_reach;
DROP INDEX conferences_series;
ALTER TABLE conferences DROP COLUMN detached_primary_key;
ALTER TABLE conferences DROP COLUMN detached_source_id;
ALTER TABLE conferences DROP COLUMN is_exception;
ALTER TABLE conferences DROP COLUMN instance_at;
ALTER TABLE conferences DROP COLUMN recurrence;
ALTER TABLE conferences DROP COLUMN series_id;
