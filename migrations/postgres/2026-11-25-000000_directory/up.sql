-- Users, groups and their permissions; sessions of licensed API clients; per-system
-- licences.
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN primary_system_id BIGINT;
ALTER TABLE users ADD COLUMN notifications BOOLEAN NOT NULL DEFAULT true;
-- local (configured or generated), directory (found in LDAP), or email (made up from an
-- owner's email address).
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local';

CREATE TABLE groups (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- Permission names, comma separated.
    permissions TEXT NOT NULL,
    -- System ids the group may book, comma separated; NULL: every system.
    systems TEXT,
    is_default BOOLEAN NOT NULL DEFAULT false,
    ldap_group TEXT
);

CREATE TABLE user_groups (
    user_id BIGINT NOT NULL REFERENCES users (id),
    group_id BIGINT NOT NULL REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);

INSERT INTO groups (name, permissions, is_default)
    VALUES ('Site Administrators', 'booking,book_on_behalf,update,approve,read_all,site_admin', false);
INSERT INTO groups (name, permissions, is_default)
    VALUES ('Users', 'booking,approve', true);
INSERT INTO user_groups (user_id, group_id)
    SELECT u.id, g.id FROM users u, groups g WHERE g.name = 'Users';
INSERT INTO user_groups (user_id, group_id)
    SELECT u.id, g.id FROM users u, groups g WHERE g.name = 'Site Administrators' AND u.site_admin;
-- Site administration is a group permission from now on.
ALTER TABLE users DROP COLUMN site_admin;

CREATE TABLE client_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    client_address TEXT NOT NULL,
    user_name TEXT NOT NULL,
    first_used BIGINT NOT NULL,
    last_used BIGINT NOT NULL
);

ALTER TABLE systems ADD COLUMN remote_bookings BOOLEAN NOT NULL DEFAULT false;
