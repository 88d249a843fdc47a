//! Accounts: the first-run set-up, users and passwords (argon2id), sessions kept in the
//! database, API tokens, accepting invitations, known devices, and the login rate limit.
//! Secrets handed out (session, API, set-up and invitation tokens) are random 256-bit values;
//! only their SHA-256 digests are stored, so a copy of the database opens no account.
//!
//! Password hashing is deliberately slow (tens of milliseconds of one core): it runs on
//! tokio's blocking pool, at most one hash per core at a time ([`HASHING`]), so that a burst
//! of logins never stalls the async workers that answer every other request.
//!
//! # The login limit
//! Failures are counted per key within [`FAILURE_WINDOW`]; past a key's allowance
//! ([`LoginLimits`]) each further failure doubles the wait, from [`FIRST_BACKOFF`] up to
//! [`MAX_BACKOFF`]. A login is counted under three keys: the account from the client's
//! address, the address whatever the account, and the account from anywhere. A login from a
//! *known device* of the account (a signed cookie given at an earlier successful login) is
//! counted under the device alone, so that nobody guessing elsewhere, nor the office sharing
//! its address, locks the owner out; wrong passwords from the device count against it, so a
//! stolen cookie is no skeleton key. The counts are kept in the database, so every instance
//! behind a load balancer shares them. Only finished failures count: an attempt under way is
//! recorded as pending and holds a place, so that attempts beyond a key's allowance wait for
//! it to finish (and are refused if it failed) instead of slipping past, and right passwords
//! sent at once are all let in.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::text::no_nul;
use crate::{Result, Store, StoreError, now, rfc3339};

/// How long a session lasts without being used.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// Failed password checks allowed for one account from one client before the limit's
/// back-off starts (within [`FAILURE_WINDOW`]): the default of
/// [`LoginLimits::account_address`].
pub const MAX_FAILURES: i64 = 5;
/// Failed password checks allowed from one client, whatever the accounts, before its
/// back-off starts (within [`FAILURE_WINDOW`]): the default of [`LoginLimits::address`].
pub const MAX_CLIENT_FAILURES: i64 = 30;
/// Failed password checks allowed for one account from all clients but its known devices
/// before its back-off starts (within [`FAILURE_WINDOW`]): the default of
/// [`LoginLimits::account`].
pub const MAX_ACCOUNT_FAILURES: i64 = 20;
/// Failed password checks allowed from one known device before its back-off starts (within
/// [`FAILURE_WINDOW`]): the default of [`LoginLimits::device`].
pub const MAX_DEVICE_FAILURES: i64 = 5;
/// The window in which failures count, in seconds.
pub const FAILURE_WINDOW: i64 = 60 * 60;
/// The first wait once a limit is reached, in seconds; it doubles with each further failure,
/// up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: i64 = 30;
/// The longest wait the limit imposes, in seconds.
pub const MAX_BACKOFF: i64 = 15 * 60;
/// An attempt still recorded as under way after this many seconds (its instance stopped
/// mid-check) counts as a failure.
pub const PENDING_SECONDS: i64 = 60;
/// The longest an attempt waits, in seconds, for attempts under way at the same key to finish
/// before it is refused as [`LoginError::Busy`].
pub const QUEUE_SECONDS: u64 = 10;
/// How long a known device's cookie is valid, in seconds (renewed at each login).
pub const DEVICE_SECONDS: i64 = 365 * 24 * 3600;
/// How long an invitation can be accepted, in seconds.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
/// The longest lifetime an API token may be given, in days.
pub const MAX_TOKEN_DAYS: i64 = 3650;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// How often an attempt waiting for its turn looks again.
const POLL: Duration = Duration::from_millis(25);

/// The failures each key of the login limit allows within [`FAILURE_WINDOW`] before its
/// back-off starts. Set by the server's configuration ([`Store::with_login_limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// One account from one client address ([`MAX_FAILURES`]); also wrong current passwords
    /// sent with one session or API token from one address.
    pub account_address: i64,
    /// One client address, whatever the accounts ([`MAX_CLIENT_FAILURES`]); also wrong
    /// current passwords sent with one session or API token from any address.
    pub address: i64,
    /// One account from everywhere but its known devices ([`MAX_ACCOUNT_FAILURES`]).
    pub account: i64,
    /// One known device ([`MAX_DEVICE_FAILURES`]).
    pub device: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            account_address: MAX_FAILURES,
            address: MAX_CLIENT_FAILURES,
            account: MAX_ACCOUNT_FAILURES,
            device: MAX_DEVICE_FAILURES,
        }
    }
}

/// The credential a request came with: the limit on wrong current passwords is kept per
/// credential (and address), so that a thief's wrong guesses with a stolen session block that
/// session only, never the owner's others.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// A session (its token).
    Session(&'a str),
    /// An API token (its id).
    Token(i64),
}

impl Credential<'_> {
    /// A short name of the credential for the limit's keys (never the secret itself).
    fn key(&self) -> String {
        match self {
            Credential::Session(token) => format!("session:{}", &digest(token)[..32]),
            Credential::Token(id) => format!("token:{id}"),
        }
    }
}

/// What "sign out everywhere" ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignedOut {
    /// Sessions ended.
    pub sessions_ended: i64,
    /// API tokens revoked.
    pub tokens_revoked: i64,
}

/// A user of the installation.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// E-mail address, the login name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Administrator of the installation (creates organisations).
    pub is_admin: bool,
}

/// A session just opened: the token for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The session token (goes in an HttpOnly cookie).
    pub token: String,
    /// The CSRF token for the session.
    pub csrf: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// The name its owner gave it.
    pub name: String,
    /// When it was made.
    pub created_at: String,
    /// When it was last used.
    pub last_used_at: Option<String>,
    /// When it stops working (none: until revoked or the password changes).
    pub expires_at: Option<String>,
}

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong e-mail or password (which one is not said).
    #[error("wrong e-mail address or password")]
    Invalid,
    /// Too many failures recently.
    #[error("too many failed logins; try again in {retry_after} seconds")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after: i64,
    },
    /// Too many attempts under way at once at one key (each waited [`QUEUE_SECONDS`] for
    /// those before it to finish).
    #[error("too many logins under way at once; try again in {retry_after} seconds")]
    Busy {
        /// Seconds after which to try again.
        retry_after: i64,
    },
    /// The password was right and the account signs in with a second factor: the code is
    /// to be sent with this challenge ([`Store::finish_login`]) or with the password again.
    #[error("enter the 6-digit code from your authenticator app, or a recovery code")]
    CodeNeeded {
        /// The challenge's token, valid for [`crate::CHALLENGE_SECONDS`].
        challenge: String,
    },
    /// The second factor's code was wrong (or used already).
    #[error(
        "wrong code: enter the 6-digit code the authenticator app shows now, or an unused recovery code"
    )]
    BadCode,
    /// The challenge expired or is unknown: start again with the password.
    #[error(
        "the login took too long or was finished already: enter your e-mail address and password again"
    )]
    Expired,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Store(e.into())
    }
}

/// The unix time now, in seconds.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A fresh random token with a prefix that says what it is.
pub(crate) fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator; failing it, nothing secure can be made.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    let mut s = String::with_capacity(prefix.len() + 64);
    s.push_str(prefix);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The SHA-256 digest of a token, in hex: what the database keeps.
pub(crate) fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Password hashes under way at once: one per core, so that hashing, which is deliberately
/// slow, never takes every core and queues instead.
pub static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Runs `f` on tokio's blocking pool under the [`HASHING`] cap.
async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| StoreError::Corrupt(format!("password hashing stopped: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Corrupt(format!("password hashing failed: {e}")))
}

fn hash_password_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn verify_password_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Hashes a password with argon2id, off the async workers.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    hashing(move || hash_password_now(&password)).await?
}

/// Checks a password against its hash, off the async workers.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    hashing(move || verify_password_now(&password, &hash)).await
}

pub(crate) fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError::Invalid {
            field: "password".into(),
            message: format!(
                "expected at least {MIN_PASSWORD} characters, found {}",
                password.chars().count()
            ),
        });
    }
    Ok(())
}

/// The wait after `k` failures beyond a limit's allowance: [`FIRST_BACKOFF`] doubled `k`
/// times, at most [`MAX_BACKOFF`].
pub fn backoff(k: i64) -> i64 {
    let k = k.clamp(0, 20) as u32;
    (FIRST_BACKOFF << k).min(MAX_BACKOFF)
}

pub(crate) fn check_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !e.contains(char::is_whitespace)
        && !e.contains('\0');
    if ok {
        Ok(e)
    } else {
        Err(StoreError::Invalid {
            field: "email".into(),
            message: format!(
                "expected an e-mail address such as sarah@example.com, found `{email}`"
            ),
        })
    }
}

type UserRow = (i64, String, String, i64);

fn user((id, email, name, admin): UserRow) -> User {
    User {
        id,
        email,
        name,
        is_admin: admin != 0,
    }
}

/// What the limit says of one key for an attempt now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// There is room: check it.
    Go,
    /// The room is taken by attempts under way: wait for them.
    Wait,
    /// The key is backing off: refused, with the seconds left.
    Refused(i64),
}

/// The limit's verdict on `key` (allowing `allowed` failures) at `t`.
async fn turn(conn: &mut sqlx::AnyConnection, key: &str, allowed: i64, t: i64) -> Result<Turn> {
    let stale = t - PENDING_SECONDS;
    // One statement, so one snapshot: an attempt turning from under way to failed meanwhile
    // is counted once, as one or the other (two statements could each miss it).
    let (failed, last, under_way): (i64, Option<i64>, i64) = sqlx::query_as(
        "SELECT COUNT(CASE WHEN pending = 0 OR at < $3 THEN 1 END), \
                MAX(CASE WHEN pending = 0 OR at < $3 THEN at END), \
                COUNT(CASE WHEN pending = 1 AND at >= $3 THEN 1 END) \
         FROM login_failures WHERE client_key = $1 AND at >= $2",
    )
    .bind(key)
    .bind(t - FAILURE_WINDOW)
    .bind(stale)
    .fetch_one(&mut *conn)
    .await?;
    Ok(verdict(failed, last, under_way, allowed, t))
}

/// The limit's rule: past the allowance of failures, wait [`backoff`] after the last one;
/// then room for the failures still allowed (one at a time past the allowance), counting the
/// attempts under way.
fn verdict(failed: i64, last: Option<i64>, under_way: i64, allowed: i64, t: i64) -> Turn {
    if failed >= allowed {
        let until = last.unwrap_or(t) + backoff(failed - allowed);
        if t < until {
            return Turn::Refused(until - t);
        }
    }
    let room = if failed >= allowed {
        1
    } else {
        allowed - failed
    };
    if under_way < room {
        Turn::Go
    } else {
        Turn::Wait
    }
}

type DeviceMac = Hmac<Sha256>;

/// A known-device cookie: `sxd1.USER.EPOCH.ISSUED.ID.MAC`, MAC the HMAC-SHA256 of the rest
/// under the installation's secret.
fn sign_device(secret: &[u8], user: i64, epoch: i64, issued: i64, id: &str) -> String {
    let body = format!("sxd1.{user}.{epoch}.{issued}.{id}");
    // HMAC takes a key of any length.
    let mac = DeviceMac::new_from_slice(secret)
        .map(|mut m| {
            m.update(body.as_bytes());
            crate::backup::hex(&m.finalize().into_bytes())
        })
        .unwrap_or_default();
    format!("{body}.{mac}")
}

/// The device's id, when `cookie` is signed with `secret`, names `user` at `epoch` and was
/// issued within [`DEVICE_SECONDS`] before `t`.
fn check_device(secret: &[u8], cookie: &str, user: i64, epoch: i64, t: i64) -> Option<String> {
    let (body, mac) = cookie.rsplit_once('.')?;
    let mut m = DeviceMac::new_from_slice(secret).ok()?;
    m.update(body.as_bytes());
    // In constant time.
    m.verify_slice(&crate::backup::unhex(mac)?).ok()?;
    let parts: Vec<&str> = body.split('.').collect();
    let ["sxd1", u, e, issued, id] = parts.as_slice() else {
        return None;
    };
    let issued: i64 = issued.parse().ok()?;
    let fresh = issued <= t + 60 && t < issued.saturating_add(DEVICE_SECONDS);
    (u.parse::<i64>().ok()? == user && e.parse::<i64>().ok()? == epoch && fresh)
        .then(|| (*id).to_string())
}

impl Store {
    /// How many administrators there are: none until the installation is set up (the demo's
    /// login is not one).
    pub async fn admin_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE is_admin = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// How many accounts can log in.
    pub async fn user_count(&self) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    /// Whether an account with the e-mail address exists.
    pub async fn has_user(&self, email: &str) -> Result<bool> {
        let email = check_email(email)?;
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// A one-time set-up token, while the installation has no administrator (`None` once it
    /// has). Each call replaces the previous token.
    pub async fn setup_token(&self) -> Result<Option<String>> {
        if self.admin_count().await? > 0 {
            return Ok(None);
        }
        let token = random_token("sxs_");
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM setup_tokens")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(digest(&token))
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Creates the first administrator with the set-up token (which is then spent).
    pub async fn complete_setup(
        &self,
        token: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<User> {
        let email = check_email(email)?;
        check_password(password)?;
        no_nul("name", name)?;
        let hash = hash_password(password).await?;
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
            .bind(digest(token))
            .execute(&mut *tx)
            .await?;
        if spent.rows_affected() == 0 {
            return Err(StoreError::NotFound(
                "set-up token (it is printed on the console when the server starts without an administrator)".into(),
            ));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (email, name, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(&email)
        .bind(name.trim())
        .bind(hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(User {
            id,
            email,
            name: name.trim().to_string(),
            is_admin: true,
        })
    }

    /// Creates a user directly (the demo and tests; people otherwise come by set-up or
    /// invitation).
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password: &str,
        is_admin: bool,
    ) -> Result<User> {
        let email = check_email(email)?;
        check_password(password)?;
        no_nul("name", name)?;
        let hash = hash_password(password).await?;
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "a user with the e-mail address {email} exists already"
            )));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (email, name, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&email)
        .bind(name.trim())
        .bind(hash)
        .bind(i64::from(is_admin))
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok(User {
            id,
            email,
            name: name.trim().to_string(),
            is_admin,
        })
    }

    /// Accepts an invitation: the person it was sent to becomes a member of its organisation
    /// with its role. Someone without an account gets one, with `name` and `password`; someone
    /// with an account proves it is theirs with its password (checked under the login limit,
    /// keyed by `client`, so an invitation is no way around it) and keeps its name. The
    /// invitation is then spent. An unknown, spent or expired token is not found, whatever the
    /// reason. The fields are checked before the account is looked up, the same way whether or
    /// not the address has one (a name, a password of [`MIN_PASSWORD`] characters or more), so
    /// a refused form tells nothing about who has an account, and spends nothing.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        client: &str,
    ) -> Result<(User, String), LoginError> {
        let t = now();
        let row: Option<(i64, i64, String, String, String)> = sqlx::query_as(
            "SELECT i.id, i.org_id, i.email, i.role, o.slug FROM org_invitations i \
             JOIN organizations o ON o.id = i.org_id WHERE i.token_hash = $1 AND i.expires_at > $2",
        )
        .bind(digest(token))
        .bind(t)
        .fetch_optional(&self.pool)
        .await?;
        let (invitation, org_id, email, role, slug) = row.ok_or_else(|| {
            StoreError::NotFound(
                "invitation (it may have expired, been revoked or been used: ask the organisation's owner for a new one)"
                    .into(),
            )
        })?;
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name".into(),
                message: "expected your name, found an empty string".into(),
            }
            .into());
        }
        no_nul("name", name)?;
        check_password(password)?;
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        let user = match existing {
            // The password proves the account; joining needs no second factor (no session
            // is opened for an account with one).
            Some((id,)) => match self.login(&email, password, client).await {
                Err(LoginError::CodeNeeded { .. }) => Ok(self.user_by_id(id).await?),
                other => other,
            }
            .map_err(|e| match e {
                LoginError::Invalid => LoginError::Store(StoreError::Invalid {
                    field: "password".into(),
                    message: format!(
                        "{email} has an account already: expected its password, found another"
                    ),
                }),
                other => other,
            })?,
            None => {
                let hash = hash_password(password).await?;
                let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                    "INSERT INTO users (email, name, password_hash, is_admin, created_at) \
                     VALUES ($1, $2, $3, 0, $4) RETURNING id",
                )
                .bind(&email)
                .bind(name.trim())
                .bind(hash)
                .bind(t)
                .fetch_one(&self.pool)
                .await;
                let (id,) = inserted.map_err(|_| {
                    StoreError::Conflict(format!(
                        "an account for {email} was made meanwhile: accept again with its password"
                    ))
                })?;
                User {
                    id,
                    email: email.clone(),
                    name: name.trim().to_string(),
                    is_admin: false,
                }
            }
        };
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query("DELETE FROM org_invitations WHERE id = $1 AND expires_at > $2")
            .bind(invitation)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        if spent.rows_affected() == 0 {
            return Err(StoreError::NotFound(
                "invitation (it was used or revoked meanwhile)".into(),
            )
            .into());
        }
        let previous: Option<(String,)> =
            sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(user.id)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(org_id)
        .bind(user.id)
        .bind(&role)
        .execute(&mut *tx)
        .await?;
        let scope = crate::Scope {
            org_id,
            user_id: user.id,
            role: role.parse().map_err(StoreError::Corrupt)?,
            slug: slug.clone(),
        };
        let before = previous.map(|(r,)| serde_json::json!({ "email": email, "role": r }));
        let after = serde_json::json!({ "email": email, "role": role, "accepted": true });
        crate::log_change(
            &mut tx,
            &scope,
            "members",
            &email,
            if before.is_some() { "update" } else { "create" },
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((user, slug))
    }

    /// The login limits in force.
    pub fn login_limits(&self) -> LoginLimits {
        self.limits
    }

    /// This store under other login limits (each at least 1).
    pub fn with_login_limits(mut self, limits: LoginLimits) -> Store {
        self.limits = LoginLimits {
            account_address: limits.account_address.max(1),
            address: limits.address.max(1),
            account: limits.account.max(1),
            device: limits.device.max(1),
        };
        self
    }

    /// Records an attempt at a secret under the limits `keys` (each a key and the failures it
    /// allows before backing off), once every key has room for it. A key has room while its
    /// finished failures and the attempts under way together are below its allowance (past the
    /// allowance, once the wait is over, for one attempt at a time); without room the attempt
    /// waits for those under way to finish, looking again every few milliseconds, up to
    /// [`QUEUE_SECONDS`] (then it is refused as busy). So of any number of wrong passwords sent
    /// at once exactly the allowance are checked and the rest refused, while right ones sent
    /// at once, however many, all get in. Returns the rows recorded (pending), which the
    /// caller removes on a success ([`Store::forget_attempt`]) and marks failed on a failure
    /// ([`Store::failed_attempt`]).
    pub(crate) async fn attempt(&self, keys: &[(String, i64)]) -> Result<Vec<i64>, LoginError> {
        let t = now();
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(t - FAILURE_WINDOW)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_locks WHERE at < $1")
            .bind(t - FAILURE_WINDOW)
            .execute(&self.pool)
            .await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(QUEUE_SECONDS);
        let mut rows = Vec::new();
        for (key, allowed) in keys {
            match self.take_turn(key, *allowed, deadline).await {
                Ok(id) => rows.push(id),
                Err(e) => {
                    // A refused attempt checks nothing, so it does not count.
                    self.forget_attempt(&rows).await?;
                    return Err(e);
                }
            }
        }
        Ok(rows)
    }

    /// Waits for room at one key of the limit and records the attempt there as under way.
    async fn take_turn(
        &self,
        key: &str,
        allowed: i64,
        deadline: tokio::time::Instant,
    ) -> Result<i64, LoginError> {
        loop {
            let t = now();
            // A look without the lock first, so that waiting attempts do not queue on it.
            let look = {
                let mut c = self.pool.acquire().await?;
                turn(&mut c, key, allowed, t).await?
            };
            match look {
                Turn::Refused(wait) => {
                    return Err(LoginError::RateLimited {
                        retry_after: wait.max(1),
                    });
                }
                Turn::Wait => {}
                Turn::Go => {
                    // The key's lock row serialises attempts at the key on every instance: each
                    // is counted and recorded while holding it, so each sees exactly those
                    // before it.
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO login_locks (client_key, at) VALUES ($1, $2) \
                         ON CONFLICT (client_key) DO UPDATE SET at = excluded.at",
                    )
                    .bind(key)
                    .bind(t)
                    .execute(&mut *tx)
                    .await?;
                    match turn(&mut tx, key, allowed, t).await? {
                        Turn::Go => {
                            let (id,): (i64,) = sqlx::query_as(
                                "INSERT INTO login_failures (client_key, at, pending) \
                                 VALUES ($1, $2, 1) RETURNING id",
                            )
                            .bind(key)
                            .bind(t)
                            .fetch_one(&mut *tx)
                            .await?;
                            tx.commit().await?;
                            return Ok(id);
                        }
                        Turn::Refused(wait) => {
                            tx.commit().await?;
                            return Err(LoginError::RateLimited {
                                retry_after: wait.max(1),
                            });
                        }
                        Turn::Wait => tx.commit().await?,
                    }
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(LoginError::Busy { retry_after: 1 });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Removes the rows of an attempt that succeeded (or was refused, or could not be
    /// checked): it is no failure.
    pub(crate) async fn forget_attempt(&self, rows: &[i64]) -> Result<()> {
        for id in rows {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Marks the rows of an attempt that failed as finished failures, as of now (the wait
    /// after it runs from when it was known to have failed).
    pub(crate) async fn failed_attempt(&self, rows: &[i64]) -> Result<()> {
        let t = now();
        for id in rows {
            sqlx::query("UPDATE login_failures SET pending = 0, at = $1 WHERE id = $2")
                .bind(t)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Checks a login from `client` (its address), on no known device: see
    /// [`Store::login_from`].
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<User, LoginError> {
        self.login_from(email, password, client, None).await
    }

    /// Checks a login from `client` (e.g. its IP address), on a device that may be known:
    /// `device` is the value [`Store::device_cookie`] gave it at an earlier login. From a known
    /// device of the account, failures are counted for that device alone
    /// ([`LoginLimits::device`]); from anywhere else, per account and client
    /// ([`LoginLimits::account_address`]), per client ([`LoginLimits::address`]) and per
    /// account ([`LoginLimits::account`]). Past an allowance each further failure doubles the
    /// wait, from [`FIRST_BACKOFF`] up to [`MAX_BACKOFF`]. The check runs to its end even if
    /// the caller stops waiting for it (a client that hangs up), so that no attempt is left
    /// under way.
    pub async fn login_from(
        &self,
        email: &str,
        password: &str,
        client: &str,
        device: Option<&str>,
    ) -> Result<User, LoginError> {
        self.login_with_code(email, password, None, client, device)
            .await
    }

    /// [`Store::login_from`] with the second factor's code when the account has one: without
    /// it, a right password gives [`LoginError::CodeNeeded`] (not a failure); a wrong code is a
    /// failure like a wrong password.
    pub async fn login_with_code(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        client: &str,
        device: Option<&str>,
    ) -> Result<User, LoginError> {
        let store = self.clone();
        let (email, password, client) =
            (email.to_string(), password.to_string(), client.to_string());
        let device = device.map(str::to_string);
        let code = code.map(str::to_string);
        tokio::spawn(async move {
            store
                .check_login(
                    &email,
                    &password,
                    code.as_deref(),
                    &client,
                    device.as_deref(),
                )
                .await
        })
        .await
        .map_err(|e| {
            LoginError::Store(StoreError::Corrupt(format!("the login check failed: {e}")))
        })?
    }

    /// Finishes a login whose password was right with the second factor's `code` and the
    /// challenge [`LoginError::CodeNeeded`] gave; wrong codes count as failed logins of the
    /// account, from `client` (or `device`), as wrong passwords do.
    pub async fn finish_login(
        &self,
        challenge: &str,
        code: &str,
        client: &str,
        device: Option<&str>,
    ) -> Result<User, LoginError> {
        let Some((user_id, email)) = self.challenged(challenge).await? else {
            return Err(LoginError::Expired);
        };
        let keys = self.login_keys(&email, client, device).await?;
        let attempt = self.attempt(&keys).await?;
        self.code_under_attempt(&attempt, user_id, code, unix_now())
            .await?;
        self.end_challenge(challenge).await?;
        self.logged_in(&attempt, &keys).await?;
        Ok(self.user_by_id(user_id).await?)
    }

    /// The account `id`, which exists.
    async fn user_by_id(&self, id: i64) -> Result<User> {
        let row: UserRow =
            sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok(user(row))
    }

    /// The keys a login of `email` from `client` (or a known `device`) is limited under.
    async fn login_keys(
        &self,
        email: &str,
        client: &str,
        device: Option<&str>,
    ) -> Result<Vec<(String, i64)>> {
        let known = match device {
            Some(d) if !d.contains('\0') => self.known_device(d, email).await?,
            _ => None,
        };
        let l = self.limits;
        Ok(match known {
            Some(id) => vec![(format!("device:{id}"), l.device)],
            None => vec![
                (
                    format!("account:{email}|client:{client}"),
                    l.account_address,
                ),
                (format!("client:{client}"), l.address),
                (format!("account:{email}"), l.account),
            ],
        })
    }

    /// A login succeeded: its attempt is no failure, and earlier failures from its client (or
    /// device) are forgiven (attempts still under way there are not).
    async fn logged_in(&self, attempt: &[i64], keys: &[(String, i64)]) -> Result<()> {
        self.forget_attempt(attempt).await?;
        sqlx::query("DELETE FROM login_failures WHERE client_key = $1 AND pending = 0")
            .bind(&keys[0].0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn check_login(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        client: &str,
        device: Option<&str>,
    ) -> Result<User, LoginError> {
        let email = email.trim().to_lowercase();
        if email.contains('\0') || client.contains('\0') {
            // No account has such an address (and PostgreSQL's text cannot hold it).
            let _ = hash_password(password).await;
            return Err(LoginError::Invalid);
        }
        let keys = self.login_keys(&email, client, device).await?;
        let attempt = self.attempt(&keys).await?;
        match self.password_of(&email, password).await {
            Ok(Some(user)) => {
                match self.two_factor_on(user.id).await {
                    Ok(false) => {}
                    Ok(true) => match code.map(str::trim).filter(|c| !c.is_empty()) {
                        None => {
                            // The first step of a login with a second factor: no failure.
                            self.forget_attempt(&attempt).await?;
                            let challenge = self.challenge(user.id).await?;
                            return Err(LoginError::CodeNeeded { challenge });
                        }
                        Some(c) => {
                            self.code_under_attempt(&attempt, user.id, c, unix_now())
                                .await?
                        }
                    },
                    Err(e) => {
                        let _ = self.forget_attempt(&attempt).await;
                        return Err(e.into());
                    }
                }
                self.logged_in(&attempt, &keys).await?;
                Ok(user)
            }
            Ok(None) => {
                self.failed_attempt(&attempt).await?;
                Err(LoginError::Invalid)
            }
            Err(e) => {
                let _ = self.forget_attempt(&attempt).await;
                Err(e.into())
            }
        }
    }

    /// The user whose password `password` is, if it is `email`'s.
    async fn password_of(&self, email: &str, password: &str) -> Result<Option<User>> {
        let row: Option<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, email, name, is_admin, password_hash FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        let ok = match &row {
            Some((.., Some(hash))) => verify_password(password, hash).await?,
            _ => {
                // Spend the same time as a real check, so timing does not tell which e-mail
                // addresses have accounts.
                let _ = hash_password(password).await;
                false
            }
        };
        Ok(match row {
            Some((id, email, name, admin, Some(_))) if ok => Some(user((id, email, name, admin))),
            _ => None,
        })
    }

    /// The installation's secret for signing device cookies, made by the first instance that
    /// needs it and kept in the database, so that every instance verifies the cookies every
    /// other signed. (Deleting the row retires every device cookie.)
    async fn device_secret(&self) -> Result<Vec<u8>> {
        const NAME: &str = "device-cookies";
        let read = || async {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT value FROM server_secrets WHERE name = $1")
                    .bind(NAME)
                    .fetch_optional(&self.pool)
                    .await?;
            row.map(|(v,)| {
                crate::backup::unhex(&v).ok_or_else(|| {
                    StoreError::Corrupt("the device-cookie secret is not hexadecimal".into())
                })
            })
            .transpose()
        };
        if let Some(secret) = read().await? {
            return Ok(secret);
        }
        // Of instances racing to make it, the first one's is kept and every one reads it.
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(NAME)
        .bind(random_token(""))
        .bind(now())
        .execute(&self.pool)
        .await?;
        read()
            .await?
            .ok_or_else(|| StoreError::Corrupt("the device-cookie secret was not kept".into()))
    }

    /// A known-device cookie's value for `user`, for a device that has just logged in: it
    /// names the account, is signed with the installation's secret and is valid for
    /// [`DEVICE_SECONDS`] or until the user signs out everywhere.
    pub async fn device_cookie(&self, user: &User) -> Result<String> {
        let (epoch,): (i64,) = sqlx::query_as("SELECT device_epoch FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.pool)
            .await?;
        let secret = self.device_secret().await?;
        let nonce = &random_token("")[..32];
        Ok(sign_device(&secret, user.id, epoch, now(), nonce))
    }

    /// The device's own id, when `cookie` is a valid known-device cookie of `email`'s account.
    async fn known_device(&self, cookie: &str, email: &str) -> Result<Option<String>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, device_epoch FROM users WHERE email = $1")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        let Some((id, epoch)) = row else {
            return Ok(None);
        };
        let secret = self.device_secret().await?;
        Ok(check_device(&secret, cookie, id, epoch, now()))
    }

    /// Changes a password after checking the current one. Wrong current passwords are limited
    /// per credential (`by`, the caller's session or API token) and client address
    /// ([`LoginLimits::account_address`]) and per credential ([`LoginLimits::address`]), never
    /// per user alone: a thief guessing with a stolen session blocks that session, and the
    /// owner changes the password from another. The user's other sessions end and their API
    /// tokens are revoked, so that whoever knew the old password keeps nothing it opened.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        by: Credential<'_>,
        client: &str,
    ) -> Result<(), LoginError> {
        let credential = by.key();
        let keys = [
            (
                format!("password-change:{}|{credential}|client:{client}", user.id),
                self.limits.account_address,
            ),
            (
                format!("password-change:{}|{credential}", user.id),
                self.limits.address,
            ),
        ];
        let keep_session = match by {
            Credential::Session(token) => digest(token),
            Credential::Token(_) => String::new(),
        };
        // Run to the end even if the caller stops waiting, as a login does.
        let (store, user, current, new) = (
            self.clone(),
            user.clone(),
            current.to_string(),
            new.to_string(),
        );
        tokio::spawn(async move {
            store
                .check_and_change_password(&user, &current, &new, &keys, &keep_session)
                .await
        })
        .await
        .map_err(|e| {
            LoginError::Store(StoreError::Corrupt(format!(
                "the password change failed: {e}"
            )))
        })?
    }

    async fn check_and_change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        keys: &[(String, i64)],
        keep_session: &str,
    ) -> Result<(), LoginError> {
        let attempt = self.attempt(keys).await?;
        let right = async {
            let (hash,): (Option<String>,) =
                sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
                    .bind(user.id)
                    .fetch_one(&self.pool)
                    .await?;
            match hash {
                Some(h) => verify_password(current, &h).await,
                None => Ok(false),
            }
        }
        .await;
        match right {
            Ok(true) => self.forget_attempt(&attempt).await?,
            Ok(false) => {
                self.failed_attempt(&attempt).await?;
                return Err(StoreError::Invalid {
                    field: "current_password".into(),
                    message: "the current password is not right".into(),
                }
                .into());
            }
            Err(e) => {
                let _ = self.forget_attempt(&attempt).await;
                return Err(e.into());
            }
        }
        check_password(new)?;
        let hash = hash_password(new).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Signs `user` out everywhere: ends every session of theirs and revokes every API token,
    /// but for `keep` (the caller's own credential, when it stays signed in), and retires the
    /// cookies of their known devices (a stolen one is no longer exempt from the login limit;
    /// each device becomes known again at its next login). For the user themself, and for an
    /// administrator acting on any account.
    pub async fn sign_out_everywhere(
        &self,
        user: &User,
        keep: Option<Credential<'_>>,
    ) -> Result<SignedOut> {
        let keep_session = match keep {
            Some(Credential::Session(token)) => digest(token),
            _ => String::new(),
        };
        let keep_token = match keep {
            Some(Credential::Token(id)) => id,
            _ => 0,
        };
        let mut tx = self.pool.begin().await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        let tokens = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id <> $2")
            .bind(user.id)
            .bind(keep_token)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET device_epoch = device_epoch + 1 WHERE id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(SignedOut {
            sessions_ended: i64::try_from(sessions.rows_affected()).unwrap_or(i64::MAX),
            tokens_revoked: i64::try_from(tokens.rows_affected()).unwrap_or(i64::MAX),
        })
    }

    /// The user with an e-mail address (for the administrator's actions on an account).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = check_email(email)?;
        let row: Option<UserRow> =
            sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(user))
    }

    /// Opens a session for a user.
    pub async fn create_session(&self, user: &User) -> Result<NewSession> {
        let token = random_token("sxc_");
        let csrf = random_token("");
        let t = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest(&token))
        .bind(user.id)
        .bind(&csrf)
        .bind(t)
        .bind(t + SESSION_SECONDS)
        .execute(&self.pool)
        .await?;
        Ok(NewSession { token, csrf })
    }

    /// The user of a live session, and its CSRF token.
    pub async fn session(&self, token: &str) -> Result<Option<(User, String)>> {
        let row: Option<(i64, String, String, i64, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.is_admin, s.csrf, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(digest(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, email, name, admin, csrf, _)| (user((id, email, name, admin)), csrf)))
    }

    /// Ends a session.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(digest(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes an API token for a user, valid for `days` days (until revoked when `None`);
    /// the secret is returned this once.
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        days: Option<i64>,
    ) -> Result<(ApiToken, String)> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name".into(),
                message: "expected a name for the token, found an empty string".into(),
            });
        }
        no_nul("name", name)?;
        if let Some(d) = days
            && !(1..=MAX_TOKEN_DAYS).contains(&d)
        {
            return Err(StoreError::Invalid {
                field: "expires_in_days".into(),
                message: format!("expected a number of days from 1 to {MAX_TOKEN_DAYS}, found {d}"),
            });
        }
        let secret = random_token("sxt_");
        let t = now();
        let expires = days.map(|d| t + d * 24 * 3600);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.id)
        .bind(name.trim())
        .bind(digest(&secret))
        .bind(t)
        .bind(expires)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            ApiToken {
                id,
                name: name.trim().to_string(),
                created_at: rfc3339(t),
                last_used_at: None,
                expires_at: expires.map(rfc3339),
            },
            secret,
        ))
    }

    /// A user's API tokens.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<ApiToken>> {
        type TokenRow = (i64, String, i64, Option<i64>, Option<i64>);
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, c, u, e)| ApiToken {
                id,
                name,
                created_at: rfc3339(c),
                last_used_at: u.map(rfc3339),
                expires_at: e.map(rfc3339),
            })
            .collect())
    }

    /// Revokes one of a user's API tokens.
    pub async fn delete_api_token(&self, user: &User, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("API token {id}")));
        }
        Ok(())
    }

    /// The user an API token belongs to.
    pub async fn token_user(&self, secret: &str) -> Result<Option<User>> {
        Ok(self.token_owner(secret).await?.map(|(u, _)| u))
    }

    /// The user an API token belongs to, and the token's id.
    pub async fn token_owner(&self, secret: &str) -> Result<Option<(User, i64)>> {
        let hash = digest(secret);
        let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.is_admin, t.id FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(&hash)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        if row.is_some() {
            // Minute resolution is enough and spares a write per request.
            let t = now();
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 \
                 AND (last_used_at IS NULL OR last_used_at < $3)",
            )
            .bind(t)
            .bind(&hash)
            .bind(t - 60)
            .execute(&self.pool)
            .await?;
        }
        Ok(row.map(|(id, email, name, admin, token)| (user((id, email, name, admin)), token)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn digests_are_sha256() {
        // `printf abc | sha256sum`
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = random_token("sxt_");
        let b = random_token("sxt_");
        assert!(a.starts_with("sxt_") && a.len() == 4 + 64);
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h).await.unwrap());
        assert!(!verify_password("correct horse batterY", &h).await.unwrap());
    }

    /// Hashing runs off the async worker: on a runtime with a single thread, a task ticking
    /// every millisecond keeps ticking while passwords are hashed. (Hashed on the worker, as
    /// before, the ticker could not run until every hash was done: 0 ticks.)
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_async_worker_free() {
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = ticks.clone();
        let ticker = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_millis(1));
            loop {
                every.tick().await;
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        tokio::task::yield_now().await;
        let before = ticks.load(std::sync::atomic::Ordering::Relaxed);
        for _ in 0..4 {
            hash_password("a password to hash").await.unwrap();
        }
        let during = ticks.load(std::sync::atomic::Ordering::Relaxed) - before;
        ticker.abort();
        assert!(during > 0, "the ticker did not run while hashing");
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        assert_eq!(backoff(0), 30);
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(4), 480);
        assert_eq!(backoff(5), 900);
        assert_eq!(backoff(60), 900);
        assert_eq!(backoff(-3), 30);
    }

    /// Attempts under way hold a place but are no failures: with 5 allowed and none failed,
    /// 5 may be under way at once and a 6th waits (it was refused outright when attempts under
    /// way counted as failures); once 5 have failed, the next is refused for the first wait.
    #[test]
    fn attempts_under_way_wait_their_turn_and_only_failures_count() {
        let t = 1_000_000;
        assert_eq!(verdict(0, None, 0, 5, t), Turn::Go);
        assert_eq!(verdict(0, None, 4, 5, t), Turn::Go);
        assert_eq!(verdict(0, None, 5, 5, t), Turn::Wait);
        assert_eq!(verdict(3, Some(t), 2, 5, t), Turn::Wait);
        assert_eq!(verdict(5, Some(t - 10), 0, 5, t), Turn::Refused(20));
        // After the wait, one attempt at a time.
        assert_eq!(verdict(5, Some(t - 30), 0, 5, t), Turn::Go);
        assert_eq!(verdict(5, Some(t - 30), 1, 5, t), Turn::Wait);
        assert_eq!(verdict(6, Some(t - 30), 0, 5, t), Turn::Refused(30));
    }

    #[test]
    fn device_cookies_are_signed_and_name_their_account_and_epoch() {
        let secret = [7u8; 32];
        let t = 1_700_000_000;
        let c = sign_device(&secret, 42, 3, t, "abc123");
        assert!(c.starts_with("sxd1.42.3.1700000000.abc123."), "{c}");
        assert_eq!(
            check_device(&secret, &c, 42, 3, t + 5).as_deref(),
            Some("abc123")
        );
        // Another account, a retired epoch, another secret, a changed byte: not known.
        assert_eq!(check_device(&secret, &c, 43, 3, t), None);
        assert_eq!(check_device(&secret, &c, 42, 4, t), None);
        assert_eq!(check_device(&[8u8; 32], &c, 42, 3, t), None);
        let forged = c.replacen("sxd1.42.", "sxd1.43.", 1);
        assert_eq!(check_device(&secret, &forged, 43, 3, t), None);
        // Expired after a year; garbage is not known.
        assert_eq!(check_device(&secret, &c, 42, 3, t + DEVICE_SECONDS), None);
        for junk in [
            "",
            ".",
            "sxd1",
            "sxd1.42.3.1700000000.abc123.zz",
            "a.b.c.d.e.f.g",
        ] {
            assert_eq!(check_device(&secret, junk, 42, 3, t), None, "{junk}");
        }
    }

    #[test]
    fn bad_emails_and_short_passwords_are_refused() {
        assert_eq!(
            check_email(" Sarah@Example.com ").unwrap(),
            "sarah@example.com"
        );
        assert_eq!(
            check_email("sa\0rah@example.com").unwrap_err().to_string(),
            "email: expected an e-mail address such as sarah@example.com, found `sa\0rah@example.com`"
        );
        assert_eq!(
            check_email("sarah").unwrap_err().to_string(),
            "email: expected an e-mail address such as sarah@example.com, found `sarah`"
        );
        assert_eq!(
            check_password("short").unwrap_err().to_string(),
            "password: expected at least 10 characters, found 5"
        );
    }
}
