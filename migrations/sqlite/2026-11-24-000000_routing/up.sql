-- Conference bridges, the route planned for each meeting, and the load each bridge carries
-- over time (the planner's bookkeeping: bridges report capacity now, not in the future).
CREATE TABLE bridges (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    address TEXT NOT NULL,
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    priority INTEGER NOT NULL,
    capabilities TEXT NOT NULL,
    capacity TEXT NOT NULL,
    numbering TEXT NOT NULL
);

ALTER TABLE conferences ADD COLUMN route TEXT;
CREATE INDEX conferences_status ON conferences (status, end_at);

CREATE TABLE bridge_loads (
    conference_id BIGINT PRIMARY KEY NOT NULL REFERENCES conferences (id),
    bridge_id BIGINT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    units BIGINT NOT NULL,
    number BIGINT NOT NULL
);
-- Covering: the load overlapping a window is read from the index alone.
CREATE INDEX bridge_loads_start
    ON bridge_loads (start_at, end_at, bridge_id, units, number, conference_id);
CREATE INDEX bridge_loads_bridge ON bridge_loads (bridge_id, start_at);

-- The longest load ever planned: how far before a window a load overlapping it can start.
CREATE TABLE bridge_load_reach (
    id INTEGER PRIMARY KEY NOT NULL,
    longest BIGINT NOT NULL
);
INSERT INTO bridge_load_reach (id, longest) VALUES (1, 0);
