-- An upload previewed on the pages, waiting for "Import": kept in the database, not in the
-- memory of the instance that made it, so that behind a load balancer any instance imports
-- it. It belongs to one organisation and one person; only the SHA-256 digest of its id (which
-- the page's address carries) is kept. It expires (`PREVIEW_SECONDS`), a person keeps a few at
-- most (`PREVIEWS_PER_USER`, the oldest going first), and it goes with its organisation and
-- its account.
CREATE TABLE upload_previews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    id_hash TEXT NOT NULL UNIQUE,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    parsed BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX upload_previews_user ON upload_previews(user_id, created_at);
CREATE INDEX upload_previews_created ON upload_previews(created_at);
