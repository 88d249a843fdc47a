-- Sign-in with a second factor (TOTP, RFC 6238): the secret once confirmed (`totp_secret`), one
-- being set up (`totp_pending`), the last time step accepted (a code is used once); recovery
-- codes kept as SHA-256 digests, each spent once; the challenges between the password and the
-- code (a digest, the account, an expiry).
-- The consultant's firm: a firm administrator sees every organisation as its owner without
-- being a member (`sees_all`); an organisation's assigned consultant (`consultant_id`).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN sees_all BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN consultant_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges(user_id);
