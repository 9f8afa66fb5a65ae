-- The longest meeting ever stored, in seconds: a listing of a window reads the meetings
-- starting in it or at most this long before it, one index range however long the history.
CREATE TABLE conference_reach (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    longest BIGINT NOT NULL
);
INSERT INTO conference_reach (singleton, longest)
SELECT 1, COALESCE(MAX(end_at - start_at), 0) FROM conferences;
