-- One-time links with which a person chooses a new password, made by the installation's
-- administrator: only the SHA-256 digest of the token is kept; a link expires, is spent once,
-- and dies with its account.
CREATE TABLE account_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX account_resets_user ON account_resets(user_id);
