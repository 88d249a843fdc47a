-- The login limit counts finished failures only: an attempt still being checked is a pending
-- row, no failure but holding a place, so that attempts beyond the allowance wait for it to
-- finish (one left pending for over a minute, by an instance that stopped mid-check, counts as
-- a failure). Known devices: a secret of the installation signs their cookies, so that every
-- instance verifies them, and a user's device epoch, raised by "sign out everywhere", retires
-- the cookies signed before.
ALTER TABLE login_failures ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN device_epoch BIGINT NOT NULL DEFAULT 0;
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
