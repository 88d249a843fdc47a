//! Accounts: the first-run set-up, users and passwords (argon2id), sessions kept in the
//! database, API tokens, accepting invitations, and the login rate limit. Secrets handed out
//! (session, API, set-up and invitation tokens) are random 256-bit values; only their SHA-256
//! digests are stored, so a copy of the database opens no account.
//!
//! Password hashing is deliberately slow (tens of milliseconds of one core): it runs on
//! tokio's blocking pool, at most one hash per core at a time ([`HASHING`]), so that a burst
//! of logins never stalls the async workers that answer every other request.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::text::no_nul;
use crate::{Result, Store, StoreError, now, rfc3339};

/// How long a session lasts without being used.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// Failed password checks allowed for one account from one client before the limit's
/// back-off starts (within [`FAILURE_WINDOW`]).
pub const MAX_FAILURES: i64 = 5;
/// Failed password checks allowed from one client, whatever the accounts, before its
/// back-off starts (within [`FAILURE_WINDOW`]).
pub const MAX_CLIENT_FAILURES: i64 = 30;
/// The window in which failures count, in seconds.
pub const FAILURE_WINDOW: i64 = 60 * 60;
/// The first wait once a limit is reached, in seconds; it doubles with each further failure,
/// up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: i64 = 30;
/// The longest wait the limit imposes, in seconds.
pub const MAX_BACKOFF: i64 = 15 * 60;
/// How long an invitation can be accepted, in seconds.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
/// The longest lifetime an API token may be given, in days.
pub const MAX_TOKEN_DAYS: i64 = 3650;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

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
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Store(e.into())
    }
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

impl Store {
    /// How many users can log in.
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
        let (admins,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE is_admin = 1")
            .fetch_one(&self.pool)
            .await?;
        if admins > 0 {
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
            Some(_) => self
                .login(&email, password, client)
                .await
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

    /// Records an attempt at a secret under the limits `keys` (each a key and the failures it
    /// allows before backing off). The attempt is recorded and counted under the key's lock,
    /// so that parallel attempts are counted one after another: of any number sent at once,
    /// the first ones up to the allowance get checked and the rest are refused. Returns the
    /// rows recorded, which a success removes.
    async fn attempt(&self, keys: &[(String, i64)], t: i64) -> Result<Vec<i64>, LoginError> {
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(t - FAILURE_WINDOW)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_locks WHERE at < $1")
            .bind(t - FAILURE_WINDOW)
            .execute(&self.pool)
            .await?;
        let mut rows = Vec::new();
        let mut refused = None;
        for (key, allowed) in keys {
            // The key's lock row serialises attempts at the key on every instance: each is
            // recorded and counted while holding it, so each sees exactly those before it.
            let mut tx = self.pool.begin().await?;
            sqlx::query(
                "INSERT INTO login_locks (client_key, at) VALUES ($1, $2) \
                 ON CONFLICT (client_key) DO UPDATE SET at = excluded.at",
            )
            .bind(key)
            .bind(t)
            .execute(&mut *tx)
            .await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO login_failures (client_key, at) VALUES ($1, $2) RETURNING id",
            )
            .bind(key)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let (n, last): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(at) FROM login_failures \
                 WHERE client_key = $1 AND at >= $2 AND id <> $3",
            )
            .bind(key)
            .bind(t - FAILURE_WINDOW)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            rows.push(id);
            if n >= *allowed {
                let wait = backoff(n - allowed);
                let until = last.unwrap_or(t) + wait;
                if t < until {
                    refused = Some(refused.unwrap_or(0).max(until - t));
                }
            }
        }
        if let Some(retry_after) = refused {
            // A refused attempt checks nothing, so it does not count.
            self.forget_attempt(&rows).await?;
            return Err(LoginError::RateLimited {
                retry_after: retry_after.max(1),
            });
        }
        Ok(rows)
    }

    async fn forget_attempt(&self, rows: &[i64]) -> Result<()> {
        for id in rows {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Checks a login. The limit is kept per account and client (`client`, e.g. its IP
    /// address: [`MAX_FAILURES`]) and per client ([`MAX_CLIENT_FAILURES`]), never per account
    /// alone, so that nobody can lock an account's owner out from elsewhere; past the
    /// allowance each further failure doubles the wait, from [`FIRST_BACKOFF`] up to
    /// [`MAX_BACKOFF`]. The count is kept in the database, so every instance behind a load
    /// balancer shares it, and an attempt is recorded before it is counted, so parallel
    /// attempts cannot slip past it.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<User, LoginError> {
        let email = email.trim().to_lowercase();
        if email.contains('\0') || client.contains('\0') {
            // No account has such an address (and PostgreSQL's text cannot hold it).
            let _ = hash_password(password).await;
            return Err(LoginError::Invalid);
        }
        let t = now();
        let keys = [
            (format!("account:{email}|client:{client}"), MAX_FAILURES),
            (format!("client:{client}"), MAX_CLIENT_FAILURES),
        ];
        let attempt = self.attempt(&keys, t).await?;
        let row: Option<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, email, name, is_admin, password_hash FROM users WHERE email = $1",
        )
        .bind(&email)
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
        match row {
            Some((id, email, name, admin, Some(_))) if ok => {
                self.forget_attempt(&attempt).await?;
                // The account's owner is back: earlier failures from this client are forgiven.
                sqlx::query("DELETE FROM login_failures WHERE client_key = $1")
                    .bind(&keys[0].0)
                    .execute(&self.pool)
                    .await?;
                Ok(user((id, email, name, admin)))
            }
            // The recorded attempt stays: it was a failure.
            _ => Err(LoginError::Invalid),
        }
    }

    /// Changes a password after checking the current one (under the login limit, per user);
    /// the user's other sessions end and their API tokens are revoked, so that whoever knew
    /// the old password keeps nothing it opened.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<(), LoginError> {
        let t = now();
        let keys = [(format!("password-change:{}", user.id), MAX_FAILURES)];
        let attempt = self.attempt(&keys, t).await?;
        let (hash,): (Option<String>,) =
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.pool)
                .await?;
        let right = match hash {
            Some(h) => verify_password(current, &h).await?,
            None => false,
        };
        if !right {
            return Err(StoreError::Invalid {
                field: "current_password".into(),
                message: "the current password is not right".into(),
            }
            .into());
        }
        self.forget_attempt(&attempt).await?;
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
            .bind(keep_session.map(digest).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
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
        let hash = digest(secret);
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.is_admin FROM api_tokens t \
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
        Ok(row.map(user))
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
