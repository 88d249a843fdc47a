-- Each client's health score by day, as the portfolio worked it out (the last of the day
-- kept): its history on the portfolio.
CREATE TABLE health_scores (
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    score INTEGER NOT NULL,
    PRIMARY KEY (org_id, day)
);
