-- Invitations belong to an organisation and an e-mail address, expire, and are accepted by the
-- person (an existing account proves itself with its password); no account exists before then.
-- API tokens may expire. Long analyses run as jobs that every instance can see.
CREATE TABLE org_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (org_id, email)
);
-- Accounts invited under the old scheme (no password yet) become expired invitations to the
-- organisations they were members of, which an owner re-issues; the accounts go.
INSERT INTO org_invitations (org_id, email, role, token_hash, invited_by, created_at, expires_at)
    SELECT m.org_id, u.email, m.role, 'retired-' || m.org_id || '-' || u.id, NULL, u.created_at, 0
    FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.password_hash IS NULL;
DELETE FROM memberships WHERE user_id IN (SELECT id FROM users WHERE password_hash IS NULL);
DROP TABLE invitations;
DELETE FROM users WHERE password_hash IS NULL;
-- One row per key of the login limit, locked while an attempt is recorded and counted, so
-- that attempts at one key are counted one after another on every instance.
CREATE TABLE login_locks (
    client_key TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    result TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    heartbeat_at INTEGER
);
CREATE INDEX jobs_org ON jobs(org_id, id);
CREATE INDEX jobs_status ON jobs(status, id);
