-- Which instance works each bridge's jobs: one at a time, so the request rates a bridge
-- documents hold however many instances share the outbox. An owner that stops renewing its
-- lease (it died, or the bridge had nothing to do) lets another take over.
CREATE TABLE bridge_owners (
    bridge_id BIGINT PRIMARY KEY NOT NULL,
    node TEXT NOT NULL,
    lease_until BIGINT NOT NULL
);
