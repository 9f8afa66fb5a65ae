-- The outbox of work on the bridges, written in the booking transaction and carried out by
-- the launcher: provision before the start, dial out at the start, tear down at the end.
CREATE TABLE bridge_jobs (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL,
    bridge_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    -- pending, running, done, failed, cancelled
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- A running job whose worker vanished is taken again after this.
    lease_until BIGINT
);
CREATE INDEX bridge_jobs_due ON bridge_jobs (state, due_at);
CREATE INDEX bridge_jobs_conference ON bridge_jobs (conference_id);

-- What the launcher last saw of each bridge: unreachable bridges take no new meetings.
ALTER TABLE bridges ADD COLUMN reachable BOOLEAN NOT NULL DEFAULT true;
