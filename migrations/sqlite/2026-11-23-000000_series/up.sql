-- Recurrent series: a series is a conference row holding the pattern (recurrence); each
-- occurrence is a conference row pointing at it (series_id).
ALTER TABLE conferences ADD COLUMN series_id BIGINT REFERENCES conferences (id);
ALTER TABLE conferences ADD COLUMN recurrence TEXT;
ALTER TABLE conferences ADD COLUMN instance_at BIGINT;
ALTER TABLE conferences ADD COLUMN is_exception BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE conferences ADD COLUMN detached_source_id TEXT;
ALTER TABLE conferences ADD COLUMN detached_primary_key TEXT;
CREATE INDEX conferences_series ON conferences (series_id, instance_at);

-- The longest reservation each system has ever held: how far before a window a
-- reservation overlapping it can start, so conflict checks read an index range instead
-- of a system's whole history.
CREATE TABLE reservation_reach (
    system_id BIGINT PRIMARY KEY NOT NULL,
    longest BIGINT NOT NULL
);
INSERT INTO reservation_reach (system_id, longest)
    SELECT system_id, MAX(end_at - start_at) FROM reservations GROUP BY system_id;
