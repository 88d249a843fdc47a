//! Accounts: the first-run set-up, users and passwords (argon2id), sessions kept in the
//! database, API tokens, invitations, and the login rate limit. Secrets handed out (session,
//! API, set-up and invitation tokens) are random 256-bit values; only their SHA-256 digests are
//! stored, so a copy of the database opens no account.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Result, Store, StoreError, now, rfc3339};

/// How long a session lasts without being used.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// Failed logins allowed per e-mail address or client address in [`FAILURE_WINDOW`] seconds.
pub const MAX_FAILURES: i64 = 5;
/// The window of the login rate limit, in seconds.
pub const FAILURE_WINDOW: i64 = 15 * 60;
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

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn check_password(password: &str) -> Result<()> {
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

pub(crate) fn check_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !e.contains(char::is_whitespace);
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
        let hash = hash_password(password)?;
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
        let hash = hash_password(password)?;
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

    /// An invited person sets their name and password with the invitation token.
    pub async fn accept_invitation(&self, token: &str, name: &str, password: &str) -> Result<User> {
        check_password(password)?;
        let hash = hash_password(password)?;
        let mut tx = self.pool.begin().await?;
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT user_id FROM invitations WHERE token_hash = $1")
                .bind(digest(token))
                .fetch_optional(&mut *tx)
                .await?;
        let (id,) = row.ok_or_else(|| StoreError::NotFound("invitation".into()))?;
        sqlx::query("DELETE FROM invitations WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET name = $1, password_hash = $2 WHERE id = $3")
            .bind(name.trim())
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let row: UserRow =
            sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(user(row))
    }

    /// Checks a login. At most [`MAX_FAILURES`] failures per e-mail address and per client
    /// (`client`, e.g. its IP address) in [`FAILURE_WINDOW`] seconds; the count is kept in the
    /// database, so every instance behind a load balancer shares it.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<User, LoginError> {
        let email = email.trim().to_lowercase();
        let keys = [format!("email:{email}"), format!("client:{client}")];
        let t = now();
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(t - FAILURE_WINDOW)
            .execute(&self.pool)
            .await?;
        for key in &keys {
            let (n, first): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM login_failures WHERE client_key = $1 AND at >= $2",
            )
            .bind(key)
            .bind(t - FAILURE_WINDOW)
            .fetch_one(&self.pool)
            .await?;
            if n >= MAX_FAILURES {
                return Err(LoginError::RateLimited {
                    retry_after: (first.unwrap_or(t) + FAILURE_WINDOW - t).max(1),
                });
            }
        }
        let row: Option<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, email, name, is_admin, password_hash FROM users WHERE email = $1",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        let ok = match &row {
            Some((.., Some(hash))) => verify_password(password, hash),
            _ => {
                // Spend the same time as a real check, so timing does not tell which e-mail
                // addresses have accounts.
                let _ = hash_password(password);
                false
            }
        };
        match row {
            Some((id, email, name, admin, Some(_))) if ok => Ok(user((id, email, name, admin))),
            _ => {
                for key in &keys {
                    sqlx::query("INSERT INTO login_failures (client_key, at) VALUES ($1, $2)")
                        .bind(key)
                        .bind(t)
                        .execute(&self.pool)
                        .await?;
                }
                Err(LoginError::Invalid)
            }
        }
    }

    /// Changes a password after checking the current one; the user's other sessions end.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let (hash,): (Option<String>,) =
            sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.pool)
                .await?;
        if !hash.is_some_and(|h| verify_password(current, &h)) {
            return Err(StoreError::Invalid {
                field: "current_password".into(),
                message: "the current password is not right".into(),
            });
        }
        check_password(new)?;
        let hash = hash_password(new)?;
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

    /// Makes an API token for a user; the secret is returned this once.
    pub async fn create_api_token(&self, user: &User, name: &str) -> Result<(ApiToken, String)> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name".into(),
                message: "expected a name for the token, found an empty string".into(),
            });
        }
        let secret = random_token("sxt_");
        let t = now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(user.id)
        .bind(name.trim())
        .bind(digest(&secret))
        .bind(t)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            ApiToken {
                id,
                name: name.trim().to_string(),
                created_at: rfc3339(t),
                last_used_at: None,
            },
            secret,
        ))
    }

    /// A user's API tokens.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<ApiToken>> {
        let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, c, u)| ApiToken {
                id,
                name,
                created_at: rfc3339(c),
                last_used_at: u.map(rfc3339),
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
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(&hash)
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

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
    }

    #[test]
    fn bad_emails_and_short_passwords_are_refused() {
        assert_eq!(
            check_email(" Sarah@Example.com ").unwrap(),
            "sarah@example.com"
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
