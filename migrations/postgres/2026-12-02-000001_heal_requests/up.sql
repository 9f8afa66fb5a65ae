-- Windows in which capacity was freed, for the Defective meetings overlapping them to be
-- planned again in the background, outside the transaction that freed it.
CREATE TABLE heal_requests (
    id BIGSERIAL PRIMARY KEY,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL
);
