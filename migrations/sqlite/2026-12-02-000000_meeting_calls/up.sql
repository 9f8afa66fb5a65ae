-- This installation's identity, made once: bridge-side references carry it, so two
-- installations (or a restored copy) sharing a bridge never take each other's conferences.
CREATE TABLE installation (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    id TEXT NOT NULL
);
-- Every participant a bridge must call for a meeting, with where the call stands as the
-- bridge last told (pending, calling, connected, failed) and the bridge's reason.
CREATE TABLE meeting_calls (
    conference_id BIGINT NOT NULL,
    call_key TEXT NOT NULL,
    address TEXT NOT NULL,
    protocol TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (conference_id, call_key)
);
-- The Pexip Infinity system location that places a meeting's calls.
ALTER TABLE bridges ADD COLUMN system_location TEXT;
-- What a system's administrators say about it (contact, manufacturer, description, type,
-- location, ISDN number, web interface), as JSON; TMSSystem gives it back.
ALTER TABLE systems ADD COLUMN details TEXT;
