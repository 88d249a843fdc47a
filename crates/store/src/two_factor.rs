//! Sign-in with a second factor: a time-based one-time code (TOTP, RFC 6238: HMAC-SHA1, 6
//! digits, 30-second steps, one step of clock drift either way) from an authenticator app, or
//! one of ten recovery codes. A secret is set up in two steps (made, then confirmed with a code
//! from the app), so a mistyped set-up never locks anyone out; each code is accepted once (the
//! last step used is kept); recovery codes are kept as SHA-256 digests and spent once.
//!
//! Between the password and the code, a login is a **challenge**: a random token (its digest
//! kept) naming the account for [`CHALLENGE_SECONDS`]. Wrong codes count as failed logins under
//! the same limits as wrong passwords ([`crate::LoginLimits`]), so six digits cannot be guessed.

use totp_rs::{Algorithm, Secret, TOTP};

use crate::accounts::{digest, random_token};
use crate::{LoginError, Result, Store, StoreError, User, now};

/// Seconds a code step lasts.
pub const STEP: u64 = 30;

/// Seconds between the password and the code a login may take.
pub const CHALLENGE_SECONDS: i64 = 300;

/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;

/// The TOTP of a base32 secret.
fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes).ok()
}

/// The code an authenticator app shows for `key` (base32, spaces allowed, as
/// [`Setup::key`] gives it) at unix time `at`: what a person types, for tests and tools.
pub fn code_for(key: &str, at: u64) -> Option<String> {
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    Some(totp(&key)?.generate(at))
}

/// The step a code is accepted at: the current one or one either side, not at or before
/// `last` (a code is used once).
fn accepted_step(secret: &str, code: &str, at: u64, last: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret)?;
    let step = (at / STEP) as i64;
    [step - 1, step, step + 1].into_iter().find(|s| {
        *s >= 0
            && last.is_none_or(|l| *s > l)
            && constant_eq(t.generate(*s as u64 * STEP).as_bytes(), code.as_bytes())
    })
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A recovery code as it is shown: 10 letters and digits in two groups (`k7qp2-x9mwd`), from
/// an alphabet without look-alikes.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A recovery code as typed, made comparable: lower case, without spaces or dashes.
fn normal_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A secret being set up: the key to type into the app and the `otpauth://` address its QR
/// code carries.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The secret in base32, grouped by four for typing.
    pub key: String,
    /// `otpauth://totp/Sextant:EMAIL?secret=...&issuer=Sextant`.
    pub uri: String,
}

/// What a person's second factor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwoFactor {
    /// A code is asked at login.
    pub on: bool,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Ten new recovery codes for `user_id` in `tx`, replacing any earlier ones (their digests
/// kept); the codes, to be shown this once.
async fn fresh_recovery_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
) -> Result<Vec<String>> {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let t = now();
    for c in &codes {
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(digest(&normal_code(c)))
        .bind(user_id)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    }
    Ok(codes)
}

/// The key and address of `secret` for `user`'s app.
fn setup_of(user: &User, secret: &str) -> Setup {
    let key = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let uri = format!(
        "otpauth://totp/Sextant:{}?secret={secret}&issuer=Sextant&algorithm=SHA1&digits=6&period={STEP}",
        url_encode(&user.email)
    );
    Setup { key, uri }
}

impl Store {
    /// Whether `user` signs in with a second factor, and their recovery codes left.
    pub async fn two_factor(&self, user: &User) -> Result<TwoFactor> {
        let (secret,): (Option<String>,) =
            sqlx::query_as("SELECT totp_secret FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.pool)
                .await?;
        let (left,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.id)
        .fetch_one(&self.pool)
        .await?;
        Ok(TwoFactor {
            on: secret.is_some(),
            recovery_left: left,
        })
    }

    /// Starts setting up a second factor for `user`: a new secret, kept aside until confirmed
    /// ([`Store::confirm_two_factor`]); one already on stays on until then.
    pub async fn start_two_factor(&self, user: &User) -> Result<Setup> {
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes)
            .unwrap_or_else(|e| panic!("no operating-system randomness: {e}"));
        let secret = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(&secret)
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        Ok(setup_of(user, &secret))
    }

    /// The key being set up for `user`, if a set-up is under way (to show it again).
    pub async fn pending_two_factor(&self, user: &User) -> Result<Option<Setup>> {
        let (pending,): (Option<String>,) =
            sqlx::query_as("SELECT totp_pending FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.pool)
                .await?;
        Ok(pending.map(|s| setup_of(user, &s)))
    }

    /// Confirms the secret being set up with a code from the app (at unix time `at`): the
    /// second factor is on from now, and ten new recovery codes replace any earlier ones,
    /// returned this once. A wrong code changes nothing.
    pub async fn confirm_two_factor(
        &self,
        user: &User,
        code: &str,
        at: u64,
    ) -> Result<Vec<String>> {
        let (pending,): (Option<String>,) =
            sqlx::query_as("SELECT totp_pending FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.pool)
                .await?;
        let Some(secret) = pending else {
            return Err(StoreError::Invalid {
                field: "code".into(),
                message: "no set-up is under way: start it again to get a new key".into(),
            });
        };
        let Some(step) = accepted_step(&secret, code, at, None) else {
            return Err(StoreError::Invalid {
                field: "code".into(),
                message: "expected the 6-digit code the authenticator app shows for this key now (check the phone's clock is right)".into(),
            });
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 \
             WHERE id = $2",
        )
        .bind(step)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        let codes = fresh_recovery_codes(&mut tx, user.id).await?;
        tx.commit().await?;
        tracing::info!(user = user.id, "second factor turned on");
        Ok(codes)
    }

    /// Ten new recovery codes for `user` (whose second factor is on), replacing the earlier
    /// ones; returned this once.
    pub async fn new_recovery_codes(&self, user: &User) -> Result<Vec<String>> {
        if !self.two_factor(user).await?.on {
            return Err(StoreError::Invalid {
                field: "two_factor".into(),
                message: "the second factor is not on: set it up first".into(),
            });
        }
        let mut tx = self.pool.begin().await?;
        let codes = fresh_recovery_codes(&mut tx, user.id).await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns `user_id`'s second factor off and forgets its recovery codes: by the person
    /// (`by` is them) or by the installation's administrator (for a lost phone).
    pub async fn stop_two_factor(&self, by: &User, user_id: i64) -> Result<()> {
        if by.id != user_id && !by.is_admin {
            return Err(StoreError::NotFound(format!("account {user_id}")));
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL \
             WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {user_id}")));
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(user = user_id, by = by.id, "second factor turned off");
        Ok(())
    }

    /// Whether `code` is `user_id`'s current TOTP code (not used before) or one of their unused
    /// recovery codes, at unix time `at`; an accepted code is spent.
    pub(crate) async fn second_factor_ok(&self, user_id: i64, code: &str, at: u64) -> Result<bool> {
        let (secret, last): (Option<String>, Option<i64>) =
            sqlx::query_as("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
        let Some(secret) = secret else {
            return Ok(true);
        };
        if let Some(step) = accepted_step(&secret, code, at, last) {
            // Spent only if no other login took this step first.
            let done = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
            return Ok(done.rows_affected() == 1);
        }
        let normal = normal_code(code);
        if normal.len() != 10 {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL",
        )
        .bind(now())
        .bind(digest(&normal))
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            tracing::info!(user = user_id, "recovery code used");
        }
        Ok(done.rows_affected() == 1)
    }

    /// Whether `code` is `user`'s current code or an unused recovery code (spent if so), as
    /// asked before a change to the second factor: wrong codes are limited per account as
    /// failed logins are ([`crate::LoginLimits::account`]), so a stolen session cannot guess.
    pub async fn check_code(&self, user: &User, code: &str, at: u64) -> Result<bool, LoginError> {
        let keys = [(format!("second-factor:{}", user.id), self.limits.account)];
        let attempt = self.attempt(&keys).await?;
        match self.code_under_attempt(&attempt, user.id, code, at).await {
            Ok(()) => {
                self.forget_attempt(&attempt).await?;
                Ok(true)
            }
            Err(LoginError::BadCode) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Checks `code` for `user_id` (at unix time `at`) under the login attempt `attempt`: a
    /// wrong code finishes the attempt as a failure ([`LoginError::BadCode`]); a store error
    /// drops it; a right one leaves it to the caller, whose success it is.
    pub(crate) async fn code_under_attempt(
        &self,
        attempt: &[i64],
        user_id: i64,
        code: &str,
        at: u64,
    ) -> Result<(), LoginError> {
        match self.second_factor_ok(user_id, code, at).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                self.failed_attempt(attempt).await?;
                Err(LoginError::BadCode)
            }
            Err(e) => {
                let _ = self.forget_attempt(attempt).await;
                Err(e.into())
            }
        }
    }

    /// Whether the account `user_id` has its second factor on.
    pub(crate) async fn two_factor_on(&self, user_id: i64) -> Result<bool> {
        let (secret,): (Option<String>,) =
            sqlx::query_as("SELECT totp_secret FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(secret.is_some())
    }

    /// A challenge for `user_id`, whose password was right: the token the code is sent with.
    pub(crate) async fn challenge(&self, user_id: i64) -> Result<String> {
        let token = random_token("sxc_");
        sqlx::query("DELETE FROM login_challenges WHERE expires_at < $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(digest(&token))
        .bind(user_id)
        .bind(now() + CHALLENGE_SECONDS)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The account of a challenge not expired: its id and e-mail address.
    pub(crate) async fn challenged(&self, token: &str) -> Result<Option<(i64, String)>> {
        if token.contains('\0') {
            return Ok(None);
        }
        Ok(sqlx::query_as(
            "SELECT u.id, u.email FROM login_challenges c JOIN users u ON u.id = c.user_id \
             WHERE c.token_hash = $1 AND c.expires_at >= $2",
        )
        .bind(digest(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Ends a challenge (the login it was for succeeded).
    pub(crate) async fn end_challenge(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(digest(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" gives 94287082 at
    /// 59 s and 07081804 at 1111111109 s (8 digits); the 6-digit codes are their last six.
    #[test]
    fn codes_are_those_of_rfc_6238() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let t = totp(&secret).unwrap();
        assert_eq!(t.generate(59), "287082");
        assert_eq!(t.generate(1_111_111_109), "081804");
        assert_eq!(t.generate(1_234_567_890), "005924");
        // One step either side is accepted; two are not; a step used is not accepted again.
        assert_eq!(accepted_step(&secret, "287082", 59 + 30, None), Some(1));
        assert_eq!(accepted_step(&secret, "287 082", 59, None), Some(1));
        assert_eq!(accepted_step(&secret, "287082", 59 + 60, None), None);
        assert_eq!(accepted_step(&secret, "287082", 59, Some(1)), None);
        assert_eq!(accepted_step(&secret, "28708", 59, None), None);
        assert_eq!(accepted_step(&secret, "abcdef", 59, None), None);
    }

    #[test]
    fn recovery_codes_are_read_as_typed() {
        let c = recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(
            normal_code(&c.to_uppercase().replace('-', " ")),
            c.replace('-', "")
        );
    }
}
