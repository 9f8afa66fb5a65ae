-- A disabled account cannot log in; it keeps its bookings and its groups.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT 0;
-- Raised by every change to accounts made outside a running service (the command line), so
-- every instance reads it and checks remembered logins again.
CREATE TABLE users_generation (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    generation BIGINT NOT NULL
);
INSERT INTO users_generation (singleton, generation) VALUES (1, 0);
