-- Console logins, kept in the database so they outlive a restart and every instance sharing
-- the database knows them. `id` is the SHA-256 of the cookie's value, never the value: whoever
-- reads this table cannot log in with it. `last_used` is in milliseconds since the epoch.
CREATE TABLE console_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    last_used BIGINT NOT NULL
);
CREATE INDEX console_sessions_last_used ON console_sessions (last_used);
