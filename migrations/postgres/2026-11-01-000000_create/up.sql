CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE systems (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    sip_uri TEXT,
    h323_id TEXT,
    e164_alias TEXT,
    time_zone TEXT,
    allow_booking BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    site_admin BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE conferences (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    owner_user_name TEXT,
    owner_first_name TEXT,
    owner_last_name TEXT,
    owner_email TEXT,
    settings TEXT NOT NULL,
    external_source_id TEXT,
    external_primary_key TEXT,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    defective_reason TEXT,
    transaction_id BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL
);
CREATE INDEX conferences_window ON conferences (start_at, end_at);
CREATE INDEX conferences_external ON conferences (external_source_id, external_primary_key);
CREATE INDEX conferences_owner ON conferences (owner_id);
CREATE INDEX conferences_creator ON conferences (created_by);

CREATE TABLE participants (
    conference_id BIGINT NOT NULL REFERENCES conferences (id),
    position INTEGER NOT NULL,
    participant_id BIGINT NOT NULL,
    name_or_number TEXT,
    email TEXT,
    call_type TEXT NOT NULL,
    PRIMARY KEY (conference_id, position)
);
CREATE INDEX participants_system ON participants (participant_id, call_type);

-- The exclusion constraint makes double booking impossible even for two service
-- instances that check at the same moment.
CREATE TABLE reservations (
    conference_id BIGINT NOT NULL REFERENCES conferences (id),
    system_id BIGINT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    PRIMARY KEY (conference_id, system_id),
    CONSTRAINT reservations_no_overlap EXCLUDE USING gist (
        system_id WITH =,
        int8range(start_at, end_at) WITH &&
    )
);

CREATE TABLE transactions (
    id BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    performed_by BIGINT NOT NULL,
    system_ids TEXT NOT NULL,
    external_source_id TEXT,
    external_primary_key TEXT,
    created_at BIGINT NOT NULL
);
