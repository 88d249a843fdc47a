-- Each client's health score by day, as the portfolio worked it out (the last of the day
-- kept): its history on the portfolio.
CREATE TABLE health_scores (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    score BIGINT NOT NULL,
    PRIMARY KEY (org_id, day)
);
