//! Upload previews: a file uploaded on the pages and shown as it would be read, waiting for
//! the person to press "Import". It is kept in the database, not in the memory of the
//! instance that made it, so that behind a load balancer the confirmation may reach any
//! instance. A preview belongs to one organisation and one person: every query names both,
//! and another organisation's or another person's preview id answers "not found", as one that
//! never existed or has expired. Only the SHA-256 digest of its id is kept.

use crate::accounts::{digest, random_token};
use crate::text::file_name;
use crate::{Result, Role, Scope, Store, StoreError, now};

/// How long a preview waits for its import, in seconds.
pub const PREVIEW_SECONDS: i64 = 3600;

/// Previews kept per person; a new one beyond this removes the person's oldest.
pub const PREVIEWS_PER_USER: i64 = 3;

/// An upload waiting for its import.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The file's name as uploaded.
    pub name: String,
    /// The file as uploaded.
    pub content: Vec<u8>,
    /// A worksheet's rows as read (see `DatasetContent::parsed`).
    pub parsed: Option<Vec<u8>>,
    /// When it was made (Unix seconds); it expires [`PREVIEW_SECONDS`] later.
    pub created_at: i64,
}

type PreviewRow = (String, Vec<u8>, Option<Vec<u8>>, i64);

fn preview((name, content, parsed, created_at): PreviewRow) -> Preview {
    Preview {
        name,
        content,
        parsed,
        created_at,
    }
}

fn not_found() -> StoreError {
    StoreError::NotFound("preview".into())
}

impl Store {
    /// Keeps an upload for the caller in the scope's organisation (editors) and returns its
    /// id, the one the preview page's address carries. Expired previews go first, and the
    /// caller's oldest beyond [`PREVIEWS_PER_USER`].
    pub async fn put_preview(
        &self,
        scope: &Scope,
        name: &str,
        content: &[u8],
        parsed: Option<&[u8]>,
    ) -> Result<String> {
        scope.require(Role::Editor)?;
        file_name("name", name)?;
        let id = random_token("")[..32].to_string();
        let t = now();
        let mut tx = self.pool.begin().await?;
        // Expired previews of anyone: they hold files of up to 256 MiB and nothing reads them.
        sqlx::query("DELETE FROM upload_previews WHERE created_at <= $1")
            .bind(t - PREVIEW_SECONDS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM upload_previews WHERE user_id = $1 AND id NOT IN (\
             SELECT id FROM upload_previews WHERE user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2)",
        )
        .bind(scope.user_id)
        .bind(PREVIEWS_PER_USER - 1)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO upload_previews (id_hash, org_id, user_id, name, content, parsed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(digest(&id))
        .bind(scope.org_id)
        .bind(scope.user_id)
        .bind(name)
        .bind(content)
        .bind(parsed)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The caller's preview `id` in the scope's organisation, left in place (editors).
    pub async fn preview(&self, scope: &Scope, id: &str) -> Result<Preview> {
        scope.require(Role::Editor)?;
        let row: Option<PreviewRow> = sqlx::query_as(
            "SELECT name, content, parsed, created_at FROM upload_previews \
             WHERE id_hash = $1 AND org_id = $2 AND user_id = $3 AND created_at > $4",
        )
        .bind(digest(id))
        .bind(scope.org_id)
        .bind(scope.user_id)
        .bind(now() - PREVIEW_SECONDS)
        .fetch_optional(&self.pool)
        .await?;
        row.map(preview).ok_or_else(not_found)
    }

    /// Takes the caller's preview `id` out of the scope's organisation (editors): of two
    /// instances confirming the same preview at once, one gets it and the other "not found".
    /// [`Store::give_back_preview`] puts it back when its import is refused.
    pub async fn take_preview(&self, scope: &Scope, id: &str) -> Result<Preview> {
        scope.require(Role::Editor)?;
        let row: Option<PreviewRow> = sqlx::query_as(
            "DELETE FROM upload_previews \
             WHERE id_hash = $1 AND org_id = $2 AND user_id = $3 AND created_at > $4 \
             RETURNING name, content, parsed, created_at",
        )
        .bind(digest(id))
        .bind(scope.org_id)
        .bind(scope.user_id)
        .bind(now() - PREVIEW_SECONDS)
        .fetch_optional(&self.pool)
        .await?;
        row.map(preview).ok_or_else(not_found)
    }

    /// Puts back a preview [`Store::take_preview`] took, under the same id and with the same
    /// age (it still expires when it would have).
    pub async fn give_back_preview(&self, scope: &Scope, id: &str, p: &Preview) -> Result<()> {
        scope.require(Role::Editor)?;
        sqlx::query(
            "INSERT INTO upload_previews (id_hash, org_id, user_id, name, content, parsed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id_hash) DO NOTHING",
        )
        .bind(digest(id))
        .bind(scope.org_id)
        .bind(scope.user_id)
        .bind(&p.name)
        .bind(&p.content)
        .bind(p.parsed.as_deref())
        .bind(p.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Makes the caller's previews in the organisation `seconds` older (for tests of expiry).
    #[doc(hidden)]
    pub async fn age_previews_for_tests(&self, scope: &Scope, seconds: i64) -> Result<()> {
        sqlx::query(
            "UPDATE upload_previews SET created_at = created_at - $1 \
             WHERE org_id = $2 AND user_id = $3",
        )
        .bind(seconds)
        .bind(scope.org_id)
        .bind(scope.user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
