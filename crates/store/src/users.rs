//! The installation's accounts as its administrator manages them: the list, one-time links with
//! which a person chooses a new password, and removing an account.
//!
//! A reset link's token is a random 256-bit value of which only the SHA-256 digest is kept; it
//! expires ([`Lifetimes::reset`]), is spent once, and using it ends the account's sessions and
//! revokes its API tokens, so that whoever held the old password keeps nothing it opened.

use serde::Serialize;

use crate::accounts::{check_email, check_password, digest, hash_password, random_token};
use crate::{Page, Paging, Result, Role, Scope, Store, StoreError, User, now, rfc3339};

/// How long a password reset link works by default, in seconds (24 hours).
pub const RESET_SECONDS: i64 = 24 * 3600;

/// How long the links the installation hands out work, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// An invitation to join an organisation ([`crate::INVITATION_SECONDS`] by default).
    pub invitation: i64,
    /// A password reset link ([`RESET_SECONDS`] by default).
    pub reset: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            invitation: crate::INVITATION_SECONDS,
            reset: RESET_SECONDS,
        }
    }
}

/// An account as the administrator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// Its id.
    pub id: i64,
    /// E-mail address, the login name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Administrator of the installation.
    pub is_admin: bool,
    /// Administrator of the firm: sees every organisation as its owner without being a member.
    pub sees_all: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// The organisations it belongs to, by slug.
    pub memberships: Vec<AccountMembership>,
}

/// One organisation an account belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct AccountMembership {
    /// The organisation's slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The account's role there.
    pub role: Role,
    /// The account is the organisation's only owner (it cannot be removed while it is).
    pub only_owner: bool,
}

/// A password reset link just made: its token is shown (or sent) this once.
#[derive(Debug, Clone)]
pub struct NewReset {
    /// The account it is for.
    pub user: User,
    /// The token, for `/reset?token=...`.
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// Anyone but the administrator is told the accounts are not there (the web refuses them
/// first, with words of its own).
fn require_admin(user: &User, what: &str) -> Result<()> {
    if user.is_admin {
        Ok(())
    } else {
        Err(StoreError::NotFound(what.to_string()))
    }
}

fn reset_not_found() -> StoreError {
    StoreError::NotFound(
        "password reset link (it may have expired or been used: ask the administrator for a new one)"
            .into(),
    )
}

type UserRow = (i64, String, String, i64);

fn user_of((id, email, name, admin): UserRow) -> User {
    User {
        id,
        email,
        name,
        is_admin: admin != 0,
    }
}

impl Store {
    /// Sets how long invitations and reset links work (before the store is shared).
    pub fn with_lifetimes(mut self, lifetimes: Lifetimes) -> Store {
        self.lifetimes = lifetimes;
        self
    }

    /// How long invitations and reset links work.
    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    /// Whether `email` belongs to a member of the scope's organisation (the members are listed
    /// to every member).
    pub async fn is_member(&self, scope: &Scope, email: &str) -> Result<bool> {
        let email = check_email(email)?;
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND u.email = $2",
        )
        .bind(scope.org_id)
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// The installation's accounts, by e-mail address, with the organisations each belongs
    /// to (the administrator only).
    pub async fn accounts(&self, admin: &User, paging: Paging) -> Result<Page<Account>> {
        require_admin(admin, "the list of accounts")?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
                .fetch_one(&self.pool)
                .await?;
        let rows: Vec<(i64, String, String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, email, name, is_admin, created_at, sees_all, \
             CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) FROM users \
             WHERE password_hash IS NOT NULL ORDER BY email LIMIT $1 OFFSET $2",
        )
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let mut items: Vec<Account> = rows
            .into_iter()
            .map(|(id, email, name, admin, created, all, tf)| Account {
                id,
                email,
                name,
                is_admin: admin != 0,
                sees_all: all != 0,
                two_factor: tf != 0,
                created_at: rfc3339(created),
                memberships: Vec::new(),
            })
            .collect();
        let memberships: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT m.user_id, o.slug, o.name, m.role, \
             (SELECT COUNT(*) FROM memberships w WHERE w.org_id = m.org_id AND w.role = 'owner') \
             FROM memberships m JOIN organizations o ON o.id = m.org_id \
             WHERE m.user_id IN (SELECT id FROM users WHERE password_hash IS NOT NULL \
             ORDER BY email LIMIT $1 OFFSET $2) ORDER BY o.slug",
        )
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        for (user_id, slug, name, role, owners) in memberships {
            if let Some(a) = items.iter_mut().find(|a| a.id == user_id) {
                let role: Role = role.parse().map_err(StoreError::Corrupt)?;
                a.memberships.push(AccountMembership {
                    slug,
                    name,
                    only_owner: role == Role::Owner && owners == 1,
                    role,
                });
            }
        }
        Ok(Page::new(items, total, paging))
    }

    /// Makes a one-time link with which the account `user_id` chooses a new password (the
    /// administrator only). Its token is returned this once; only its digest is kept. A new
    /// link replaces the account's earlier ones. Nothing changes for the account until the
    /// link is used.
    pub async fn create_reset(&self, admin: &User, user_id: i64) -> Result<NewReset> {
        require_admin(admin, &format!("account {user_id}"))?;
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, email, name, is_admin FROM users \
             WHERE id = $1 AND password_hash IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        let user = user_of(row.ok_or_else(|| StoreError::NotFound(format!("account {user_id}")))?);
        let token = random_token("sxr_");
        let t = now();
        let expires = t + self.lifetimes.reset;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM account_resets WHERE user_id = $1 OR expires_at <= $2")
            .bind(user.id)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO account_resets (token_hash, user_id, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest(&token))
        .bind(user.id)
        .bind(admin.id)
        .bind(t)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(NewReset {
            user,
            token,
            expires_at: rfc3339(expires),
        })
    }

    /// The account a live reset link is for (not found when the token is unknown, spent or
    /// expired, whatever the reason).
    pub async fn reset_account(&self, token: &str) -> Result<User> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.is_admin FROM account_resets r \
             JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1 AND r.expires_at > $2",
        )
        .bind(digest(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        row.map(user_of).ok_or_else(reset_not_found)
    }

    /// Uses a reset link: the account's password becomes `password`, the link is spent, and
    /// the account's sessions end and its API tokens are revoked. A password that is refused
    /// spends nothing.
    pub async fn complete_reset(&self, token: &str, password: &str) -> Result<User> {
        let user = self.reset_account(token).await?;
        check_password(password)?;
        let hash = hash_password(password).await?;
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query(
            "DELETE FROM account_resets WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3",
        )
        .bind(digest(token))
        .bind(user.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() == 0 {
            return Err(reset_not_found());
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        for table in ["sessions", "api_tokens", "account_resets"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(user)
    }

    /// Removes the account `user_id` (the administrator only): its memberships (each recorded
    /// in that organisation's history), sessions, API tokens and reset links go with it.
    /// Refused for the administrator's own account, and while the account is the only owner
    /// of an organisation.
    pub async fn remove_account(&self, admin: &User, user_id: i64) -> Result<User> {
        require_admin(admin, &format!("account {user_id}"))?;
        if user_id == admin.id {
            return Err(StoreError::Conflict(
                "you cannot remove your own account; another administrator can".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<UserRow> =
            sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let user = user_of(row.ok_or_else(|| StoreError::NotFound(format!("account {user_id}")))?);
        let memberships: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT m.org_id, o.slug, o.name, m.role, \
             (SELECT COUNT(*) FROM memberships w WHERE w.org_id = m.org_id AND w.role = 'owner') \
             FROM memberships m JOIN organizations o ON o.id = m.org_id \
             WHERE m.user_id = $1 ORDER BY o.slug",
        )
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
        let alone: Vec<String> = memberships
            .iter()
            .filter(|(.., role, owners)| role == "owner" && *owners == 1)
            .map(|(_, slug, name, ..)| format!("{name} ({slug})"))
            .collect();
        if !alone.is_empty() {
            return Err(StoreError::Conflict(format!(
                "{} is the only owner of {}: make someone else owner there first (or delete the \
                 organisation), then remove the account",
                user.email,
                list(&alone)
            )));
        }
        for (org_id, slug, _, role, _) in &memberships {
            let scope = Scope {
                org_id: *org_id,
                user_id: admin.id,
                role: Role::Owner,
                slug: slug.clone(),
            };
            let before = serde_json::json!({ "email": user.email, "role": role });
            crate::log_change(
                &mut tx,
                &scope,
                "members",
                &user.email,
                "delete",
                Some(&before),
                None,
            )
            .await?;
        }
        for table in [
            "memberships",
            "sessions",
            "api_tokens",
            "account_resets",
            "upload_previews",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_words() {
        assert_eq!(list(&["a".into()]), "a");
        assert_eq!(list(&["a".into(), "b".into()]), "a and b");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
