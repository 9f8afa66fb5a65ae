DROP TABLE users_generation;
ALTER TABLE users DROP COLUMN disabled;
