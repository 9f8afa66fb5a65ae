DROP TABLE conference_reach;
