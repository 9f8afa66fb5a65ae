DROP TABLE users_generation;
