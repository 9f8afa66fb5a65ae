DROP TABLE heal_requests;
