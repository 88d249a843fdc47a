-- The review packs handed over, kept with their review as they were made (the PDF document or
-- the slides), so that what the client was given can be seen again unchanged.
CREATE TABLE review_packs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    review TEXT NOT NULL,
    format TEXT NOT NULL,
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER
);
CREATE INDEX review_packs_org ON review_packs(org_id, review, id);
