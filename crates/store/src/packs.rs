//! The review packs handed over, kept with their review: the PDF document or the slides as
//! they were made, so that what the client was given can be seen again later unchanged, even
//! after the plan has moved on. A review keeps at most [`PACKS_PER_REVIEW`]; deleting the
//! review deletes its packs, renaming it carries them.
//!
//! An organisation's own branding of its packs ([`OrgBrand`]: the consultant's name, colour and
//! logo for this client), each part over the installation's when set.

use serde::Serialize;

use crate::text::file_name;
use crate::{Result, Role, Scope, Store, StoreError, now, rfc3339};

/// The most packs a review keeps.
pub const PACKS_PER_REVIEW: i64 = 20;

/// A kept pack, without its content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptPack {
    /// Its id.
    pub id: i64,
    /// The review it was made for.
    pub review: String,
    /// `pdf` or `slides`.
    pub format: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// Who made it, when the account still exists.
    pub created_by: Option<String>,
}

type Row = (i64, String, String, String, i64, i64, Option<String>);

fn kept((id, review, format, name, bytes, at, by): Row) -> KeptPack {
    KeptPack {
        id,
        review,
        format,
        name,
        bytes,
        created_at: rfc3339(at),
        created_by: by,
    }
}

const SELECT: &str = "SELECT p.id, p.review, p.format, p.name, LENGTH(p.content), p.created_at, u.name \
     FROM review_packs p LEFT JOIN users u ON u.id = p.created_by";

impl Store {
    /// Keeps `content` (a pack of `format`, named `name`) with the review `review`: an editor's
    /// to do; the review must exist and keep fewer than [`PACKS_PER_REVIEW`].
    pub async fn keep_pack(
        &self,
        scope: &Scope,
        review: &str,
        format: &str,
        name: &str,
        content: &[u8],
    ) -> Result<KeptPack> {
        scope.require(Role::Editor)?;
        file_name("name", name)?;
        if !matches!(format, "pdf" | "slides") {
            return Err(StoreError::Invalid {
                field: "format".into(),
                message: format!("expected pdf or slides, found `{format}`"),
            });
        }
        let mut tx = self.pool.begin().await?;
        let (reviews,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM entities WHERE org_id = $1 AND section = 'reviews' AND key = $2",
        )
        .bind(scope.org_id)
        .bind(review)
        .fetch_one(&mut *tx)
        .await?;
        if reviews == 0 {
            return Err(StoreError::NotFound(format!("reviews/{review}")));
        }
        let (kept,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM review_packs WHERE org_id = $1 AND review = $2")
                .bind(scope.org_id)
                .bind(review)
                .fetch_one(&mut *tx)
                .await?;
        if kept >= PACKS_PER_REVIEW {
            return Err(StoreError::Invalid {
                field: "review".into(),
                message: format!(
                    "at most {PACKS_PER_REVIEW} packs are kept with a review, and `{review}` has {kept}: delete one first"
                ),
            });
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO review_packs (org_id, review, format, name, content, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(scope.org_id)
        .bind(review)
        .bind(format)
        .bind(name)
        .bind(content)
        .bind(now())
        .bind(scope.user_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.kept_pack(scope, review, id).await
    }

    /// The packs kept with the review `review`, oldest first.
    pub async fn kept_packs(&self, scope: &Scope, review: &str) -> Result<Vec<KeptPack>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE p.org_id = $1 AND p.review = $2 ORDER BY p.id"
        ))
        .bind(scope.org_id)
        .bind(review)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(kept).collect())
    }

    async fn kept_pack(&self, scope: &Scope, review: &str, id: i64) -> Result<KeptPack> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "{SELECT} WHERE p.org_id = $1 AND p.review = $2 AND p.id = $3"
        ))
        .bind(scope.org_id)
        .bind(review)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(kept)
            .ok_or_else(|| StoreError::NotFound(format!("pack {id} of review `{review}`")))
    }

    /// The pack `id` of the review `review` with its bytes, as kept.
    pub async fn kept_pack_content(
        &self,
        scope: &Scope,
        review: &str,
        id: i64,
    ) -> Result<(KeptPack, Vec<u8>)> {
        let info = self.kept_pack(scope, review, id).await?;
        let (content,): (Vec<u8>,) = sqlx::query_as(
            "SELECT content FROM review_packs WHERE org_id = $1 AND review = $2 AND id = $3",
        )
        .bind(scope.org_id)
        .bind(review)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok((info, content))
    }

    /// Deletes the pack `id` of the review `review`: an editor's to do.
    pub async fn delete_kept_pack(&self, scope: &Scope, review: &str, id: i64) -> Result<()> {
        scope.require(Role::Editor)?;
        let done =
            sqlx::query("DELETE FROM review_packs WHERE org_id = $1 AND review = $2 AND id = $3")
                .bind(scope.org_id)
                .bind(review)
                .bind(id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "pack {id} of review `{review}`"
            )));
        }
        Ok(())
    }
}

/// The most bytes an organisation's logo holds.
pub const MAX_LOGO_BYTES: usize = 1 << 20;

/// An organisation's branding of its packs; a part not set falls back to the installation's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgBrand {
    /// The name on the cover ("Prepared by").
    pub name: Option<String>,
    /// The colour, `#RRGGBB` (checked by the caller).
    pub colour: Option<String>,
    /// The logo's bytes (a PNG, JPEG or SVG, checked by the caller).
    pub logo: Option<Vec<u8>>,
}

impl Store {
    /// The organisation's branding of its packs.
    pub async fn org_brand(&self, scope: &Scope) -> Result<OrgBrand> {
        let (name, colour, logo): (Option<String>, Option<String>, Option<Vec<u8>>) =
            sqlx::query_as(
                "SELECT brand_name, brand_colour, brand_logo FROM organizations WHERE id = $1",
            )
            .bind(scope.org_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(OrgBrand { name, colour, logo })
    }

    /// Sets the organisation's branding (an owner's to do): each part as given, `None` to use
    /// the installation's.
    pub async fn set_org_brand(&self, scope: &Scope, brand: &OrgBrand) -> Result<()> {
        scope.require(Role::Owner)?;
        if let Some(n) = &brand.name {
            crate::text::no_nul("name", n)?;
            if n.chars().count() > crate::MAX_NAME_CHARS {
                return Err(StoreError::Invalid {
                    field: "name".into(),
                    message: format!(
                        "expected at most {} characters, found {}",
                        crate::MAX_NAME_CHARS,
                        n.chars().count()
                    ),
                });
            }
        }
        if let Some(c) = &brand.colour {
            crate::text::no_nul("colour", c)?;
        }
        if brand
            .logo
            .as_ref()
            .is_some_and(|l| l.len() > MAX_LOGO_BYTES)
        {
            return Err(StoreError::Invalid {
                field: "logo".into(),
                message: format!("expected at most {} KiB", MAX_LOGO_BYTES / 1024),
            });
        }
        sqlx::query(
            "UPDATE organizations SET brand_name = $1, brand_colour = $2, brand_logo = $3 WHERE id = $4",
        )
        .bind(brand.name.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .bind(brand.colour.as_deref())
        .bind(brand.logo.as_deref())
        .bind(scope.org_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
