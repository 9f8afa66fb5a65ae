DROP TABLE transactions;
DROP TABLE reservations;
DROP TABLE participants;
DROP TABLE conferences;
DROP TABLE users;
DROP TABLE systems;
