-- iCalendar feeds a calendar subscribes to by a secret URL: a room's occupancy, or one user's
-- own meetings. Only a hash of the secret is kept; revoking a feed keeps its row.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    -- room or user
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
