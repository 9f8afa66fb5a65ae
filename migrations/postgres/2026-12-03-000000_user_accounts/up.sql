-- Raised by every change to accounts made outside a running service (the command line), so
-- every instance reads it and checks remembered logins again.
CREATE TABLE users_generation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    generation BIGINT NOT NULL
);
INSERT INTO users_generation (singleton, generation) VALUES (1, 0);
