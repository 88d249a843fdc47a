//! The consultant's firm: a **firm administrator** (`sees_all`, set by the installation's
//! administrator) sees every organisation as its owner without being added to each; a vCIO or
//! engineer is a member of the organisations they are assigned to, and one of them is each
//! organisation's **assigned consultant**, shown on the portfolio and filtered by there.

use crate::{Result, Role, Scope, Store, StoreError, User};

/// An organisation's assigned consultant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Consultant {
    /// Their account's id.
    pub id: i64,
    /// Their e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
}

/// An account as the operator's command leaves it.
#[derive(Debug, Clone)]
pub struct Operated {
    /// Its e-mail address.
    pub email: String,
    /// Its name.
    pub name: String,
    /// Signs in with a second factor.
    pub two_factor: bool,
    /// A firm administrator.
    pub sees_all: bool,
}

impl Store {
    /// The operator's changes to the account `email` (from the server's machine, trusted as
    /// the database is): its second factor turned off, and whether it is a firm administrator.
    pub async fn operate_account(
        &self,
        email: &str,
        two_factor_off: bool,
        sees_all: Option<bool>,
    ) -> Result<Operated> {
        let email = email.trim().to_lowercase();
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM users WHERE email = $1 AND password_hash IS NOT NULL",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        let (id, name) = row.ok_or_else(|| StoreError::NotFound(format!("account `{email}`")))?;
        let mut tx = self.pool.begin().await?;
        if two_factor_off {
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL \
                 WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(on) = sees_all {
            sqlx::query("UPDATE users SET sees_all = $1 WHERE id = $2")
                .bind(i64::from(on))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let (tf, all): (i64, i64) = sqlx::query_as(
            "SELECT CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT), sees_all FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        tracing::info!(
            user = id,
            two_factor_off,
            ?sees_all,
            "account changed by the operator"
        );
        Ok(Operated {
            email,
            name,
            two_factor: tf != 0,
            sees_all: all != 0,
        })
    }

    /// Makes account `user_id` a firm administrator (`on`) or not: the installation's
    /// administrator only.
    pub async fn set_sees_all(&self, admin: &User, user_id: i64, on: bool) -> Result<()> {
        if !admin.is_admin {
            return Err(StoreError::NotFound(format!("account {user_id}")));
        }
        let done = sqlx::query(
            "UPDATE users SET sees_all = $1 WHERE id = $2 AND password_hash IS NOT NULL",
        )
        .bind(i64::from(on))
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {user_id}")));
        }
        tracing::info!(
            user = user_id,
            on,
            by = admin.id,
            "firm administrator changed"
        );
        Ok(())
    }

    /// Whether `user` is a firm administrator.
    pub async fn sees_all(&self, user: &User) -> Result<bool> {
        let (v,): (i64,) = sqlx::query_as("SELECT sees_all FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.pool)
            .await?;
        Ok(v != 0)
    }

    /// The organisation's assigned consultant, if any.
    pub async fn consultant(&self, s: &Scope) -> Result<Option<Consultant>> {
        let row: Option<(i64, String, String)> = sqlx::query_as(&format!(
            "SELECT u.id, u.email, u.name FROM organizations o JOIN users u ON u.id = o.consultant_id \
             WHERE o.id = $1 AND {STILL_THEIRS}"
        ))
        .bind(s.org_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, email, name)| Consultant { id, email, name }))
    }

    /// Assigns the organisation's consultant by e-mail address (`None` for nobody): an owner
    /// only; the consultant must be a member of it (or a firm administrator).
    pub async fn set_consultant(
        &self,
        s: &Scope,
        email: Option<&str>,
    ) -> Result<Option<Consultant>> {
        s.require(Role::Owner)?;
        let id = match email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
        {
            None => None,
            Some(e) => {
                crate::text::no_nul("email", &e)?;
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT u.id FROM users u LEFT JOIN memberships m \
                     ON m.user_id = u.id AND m.org_id = $2 \
                     WHERE u.email = $1 AND u.password_hash IS NOT NULL \
                     AND (m.user_id IS NOT NULL OR u.sees_all = 1)",
                )
                .bind(&e)
                .bind(s.org_id)
                .fetch_optional(&self.pool)
                .await?;
                Some(
                    row.ok_or_else(|| StoreError::Invalid {
                        field: "email".into(),
                        message: format!(
                            "expected a member of this organisation (or a firm administrator), found `{e}`: invite them first"
                        ),
                    })?
                    .0,
                )
            }
        };
        sqlx::query("UPDATE organizations SET consultant_id = $1 WHERE id = $2")
            .bind(id)
            .bind(s.org_id)
            .execute(&self.pool)
            .await?;
        self.consultant(s).await
    }
}

/// A client's health score on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct HealthPoint {
    /// The day, as days since 1970-01-01.
    pub day: i64,
    /// The score, 0 to 100.
    pub score: i64,
}

impl Store {
    /// Records the organisation's health score for `day` (days since 1970-01-01), replacing
    /// one recorded that day.
    pub async fn record_health(&self, s: &Scope, day: i64, score: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO health_scores (org_id, day, score) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id, day) DO UPDATE SET score = excluded.score",
        )
        .bind(s.org_id)
        .bind(day)
        .bind(score)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records many organisations' health scores for `day` in one transaction (the portfolio's
    /// day, written once for all its clients).
    pub async fn record_health_many(&self, scores: &[(&Scope, i64)], day: i64) -> Result<()> {
        if scores.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (s, score) in scores {
            sqlx::query(
                "INSERT INTO health_scores (org_id, day, score) VALUES ($1, $2, $3) \
                 ON CONFLICT (org_id, day) DO UPDATE SET score = excluded.score",
            )
            .bind(s.org_id)
            .bind(day)
            .bind(*score)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The organisation's recorded health scores up to `day`, the last `n`, oldest first.
    pub async fn health_history(&self, s: &Scope, day: i64, n: i64) -> Result<Vec<HealthPoint>> {
        let mut rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT day, score FROM health_scores WHERE org_id = $1 AND day <= $2 \
             ORDER BY day DESC LIMIT $3",
        )
        .bind(s.org_id)
        .bind(day)
        .bind(n)
        .fetch_all(&self.pool)
        .await?;
        rows.reverse();
        Ok(rows
            .into_iter()
            .map(|(day, score)| HealthPoint { day, score })
            .collect())
    }
}

/// An organisation `o`'s assigned consultant `u` counts only while they may see it (a member,
/// or a firm administrator): removed from it, or no longer seeing every client, they no longer
/// look after it, whichever door ended it.
const STILL_THEIRS: &str = "(u.sees_all = 1 OR EXISTS (SELECT 1 FROM memberships cm \
     WHERE cm.org_id = o.id AND cm.user_id = u.id))";

/// The organisations `$1` sees (a member, or a firm administrator), for the portfolio's reads.
const VISIBLE: &str = "FROM organizations o JOIN users me ON me.id = $1 \
     LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = me.id \
     WHERE (m.user_id IS NOT NULL OR me.sees_all = 1)";

impl Store {
    /// The assigned consultant of every organisation `user` sees, by organisation id: one
    /// query for the whole portfolio.
    pub async fn consultants_for(
        &self,
        user: &User,
    ) -> Result<std::collections::HashMap<i64, Consultant>> {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(&format!(
            "SELECT o.id, u.id, u.email, u.name FROM organizations o \
             JOIN users me ON me.id = $1 JOIN users u ON u.id = o.consultant_id \
             LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = me.id \
             WHERE (m.user_id IS NOT NULL OR me.sees_all = 1) AND {STILL_THEIRS}"
        ))
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(org, id, email, name)| (org, Consultant { id, email, name }))
            .collect())
    }

    /// The last `n` health scores up to `day` (within the year before it) of every
    /// organisation `user` sees, oldest first, by organisation id: one query for the whole
    /// portfolio.
    pub async fn health_histories_for(
        &self,
        user: &User,
        day: i64,
        n: usize,
    ) -> Result<std::collections::HashMap<i64, Vec<HealthPoint>>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT h.org_id, h.day, h.score FROM health_scores h WHERE h.day <= $2 \
             AND h.day > $3 AND h.org_id IN (SELECT o.id {VISIBLE}) ORDER BY h.org_id, h.day"
        ))
        .bind(user.id)
        .bind(day)
        .bind(day - 366)
        .fetch_all(&self.pool)
        .await?;
        let mut out: std::collections::HashMap<i64, Vec<HealthPoint>> = Default::default();
        for (org, day, score) in rows {
            out.entry(org).or_default().push(HealthPoint { day, score });
        }
        for v in out.values_mut() {
            let cut = v.len().saturating_sub(n);
            v.drain(..cut);
        }
        Ok(out)
    }
}
