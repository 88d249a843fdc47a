//! Imported data sets: the files a business uploads (orders, marketing spend, sessions...),
//! kept as uploaded once they have been read without error, so that metrics can always be
//! recomputed from them.

use serde::Serialize;
use serde_json::json;

use crate::text::{file_name, no_nul, no_nul_json};
use crate::{Page, Paging, Result, Role, Scope, Store, StoreError, now, rfc3339};

/// The inputs of an organisation's analyses, as of one moment (see [`Store::fingerprint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// The organisation's id (never reused, unlike its slug).
    pub org: i64,
    /// Its plan's version (every change adds one).
    pub plan_version: i64,
    /// How many data sets it has.
    pub datasets: i64,
    /// The newest data set's id (ids are never reused).
    pub last_dataset: i64,
}

impl Fingerprint {
    /// The same inputs without the plan: what imported data depends on.
    pub fn data_only(self) -> Fingerprint {
        Fingerprint {
            plan_version: 0,
            ..self
        }
    }
}

/// A stored data set, without its content.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// Its id.
    pub id: i64,
    /// What it holds (`orders`, `marketing`...).
    pub kind: String,
    /// The name it was uploaded under.
    pub name: String,
    /// Rows read from it.
    pub rows: i64,
    /// How it is read (date order, decimal comma, column map...), as the importer took them.
    pub options: serde_json::Value,
    /// When it was uploaded.
    pub created_at: String,
}

/// A data set with its content.
#[derive(Debug, Clone)]
pub struct DatasetContent {
    /// The data set.
    pub dataset: Dataset,
    /// The file as uploaded.
    pub content: Vec<u8>,
    /// A worksheet's rows as read (`sextant_ingest::sheet`), which analyses read instead of the
    /// workbook; `None` for a CSV file, for a sheet stored before parsed forms were kept (until
    /// [`Store::keep_parsed`]), and from [`Store::dataset`], which serves the file as uploaded.
    pub parsed: Option<Vec<u8>>,
}

impl Store {
    /// What the organisation's analysis depends on: the organisation itself, its plan's version
    /// and its data sets. Equal fingerprints mean equal inputs.
    pub async fn fingerprint(&self, scope: &Scope) -> Result<Fingerprint> {
        let (version,): (i64,) =
            sqlx::query_as("SELECT plan_version FROM organizations WHERE id = $1")
                .bind(scope.org_id)
                .fetch_one(&self.pool)
                .await?;
        let (n, last): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MAX(id) FROM datasets WHERE org_id = $1")
                .bind(scope.org_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(Fingerprint {
            org: scope.org_id,
            plan_version: version,
            datasets: n,
            last_dataset: last.unwrap_or(0),
        })
    }

    /// Stores a data set (editors), recording it in the history: the file as uploaded and, for
    /// a worksheet, its rows as read.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_dataset(
        &self,
        scope: &Scope,
        kind: &str,
        name: &str,
        rows: i64,
        options: &serde_json::Value,
        content: &[u8],
        parsed: Option<&[u8]>,
    ) -> Result<Dataset> {
        self.add_dataset_replacing(scope, &[], kind, name, rows, options, content, parsed)
            .await
    }

    /// [`Store::add_dataset`], deleting the data sets `replacing` in the same transaction: a
    /// new export that covers the days of earlier ones takes their place, or nothing changes
    /// (one of them gone already is `NotFound`, and the new one is not stored).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_dataset_replacing(
        &self,
        scope: &Scope,
        replacing: &[i64],
        kind: &str,
        name: &str,
        rows: i64,
        options: &serde_json::Value,
        content: &[u8],
        parsed: Option<&[u8]>,
    ) -> Result<Dataset> {
        scope.require(Role::Editor)?;
        no_nul("kind", kind)?;
        file_name("name", name)?;
        no_nul_json("options", options)?;
        let t = now();
        // It reads (the data sets it replaces) before it writes.
        let mut tx = self.begin_write().await?;
        for &old in replacing {
            let row: Option<Row> = sqlx::query_as(
                "SELECT id, kind, name, rows, created_at, options FROM datasets WHERE org_id = $1 AND id = $2",
            )
            .bind(scope.org_id)
            .bind(old)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Err(StoreError::NotFound(format!("data set {old}")));
            };
            let gone = sqlx::query("DELETE FROM datasets WHERE org_id = $1 AND id = $2")
                .bind(scope.org_id)
                .bind(old)
                .execute(&mut *tx)
                .await?;
            // Deleted by another change since it was read (PostgreSQL reads without waiting):
            // not found, and nothing of this change is kept.
            if gone.rows_affected() != 1 {
                return Err(StoreError::NotFound(format!("data set {old}")));
            }
            record(&mut tx, scope, &dataset(row), "delete").await?;
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO datasets (org_id, kind, name, rows, options, content, parsed, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(scope.org_id)
        .bind(kind)
        .bind(name)
        .bind(rows)
        .bind(options.to_string())
        .bind(content)
        .bind(parsed)
        .bind(t)
        .bind(scope.user_id)
        .fetch_one(&mut *tx)
        .await?;
        let d = Dataset {
            id,
            kind: kind.to_string(),
            name: name.to_string(),
            rows,
            options: options.clone(),
            created_at: rfc3339(t),
        };
        record(&mut tx, scope, &d, "create").await?;
        tx.commit().await?;
        Ok(d)
    }

    /// The organisation's data sets, oldest first.
    pub async fn datasets(&self, scope: &Scope, paging: Paging) -> Result<Page<Dataset>> {
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM datasets WHERE org_id = $1")
            .bind(scope.org_id)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, name, rows, created_at, options FROM datasets WHERE org_id = $1 \
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(scope.org_id)
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::new(
            rows.into_iter().map(dataset).collect(),
            total,
            paging,
        ))
    }

    /// Every data set of the organisation with its content and parsed form, oldest first.
    pub async fn dataset_contents(&self, scope: &Scope) -> Result<Vec<DatasetContent>> {
        type Full = (
            i64,
            String,
            String,
            i64,
            i64,
            String,
            Vec<u8>,
            Option<Vec<u8>>,
        );
        let rows: Vec<Full> = sqlx::query_as(
            "SELECT id, kind, name, rows, created_at, options, content, parsed FROM datasets WHERE org_id = $1 ORDER BY id",
        )
        .bind(scope.org_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, kind, name, rows, at, options, content, parsed)| DatasetContent {
                    dataset: dataset((id, kind, name, rows, at, options)),
                    content,
                    parsed,
                },
            )
            .collect())
    }

    /// Keeps the parsed form of a worksheet stored before parsed forms were (see
    /// [`DatasetContent::parsed`]). Any member may: it is what the data set already holds,
    /// read, not a change of it, so it is not in the history; one already kept stays.
    pub async fn keep_parsed(&self, scope: &Scope, id: i64, parsed: &[u8]) -> Result<()> {
        sqlx::query(
            "UPDATE datasets SET parsed = $1 WHERE org_id = $2 AND id = $3 AND parsed IS NULL",
        )
        .bind(parsed)
        .bind(scope.org_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// One data set with its content.
    pub async fn dataset(&self, scope: &Scope, id: i64) -> Result<DatasetContent> {
        let row: Option<ContentRow> = sqlx::query_as(
            "SELECT id, kind, name, rows, created_at, options, content FROM datasets WHERE org_id = $1 AND id = $2",
        )
        .bind(scope.org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (id, kind, name, rows, at, options, content) =
            row.ok_or_else(|| StoreError::NotFound(format!("data set {id}")))?;
        Ok(DatasetContent {
            dataset: dataset((id, kind, name, rows, at, options)),
            content,
            parsed: None,
        })
    }

    /// Deletes a data set (editors).
    pub async fn delete_dataset(&self, scope: &Scope, id: i64) -> Result<()> {
        scope.require(Role::Editor)?;
        let d = self.dataset(scope, id).await?.dataset;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM datasets WHERE org_id = $1 AND id = $2")
            .bind(scope.org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(&mut tx, scope, &d, "delete").await?;
        tx.commit().await?;
        Ok(())
    }
}

type Row = (i64, String, String, i64, i64, String);
type ContentRow = (i64, String, String, i64, i64, String, Vec<u8>);

fn dataset((id, kind, name, rows, at, options): Row) -> Dataset {
    Dataset {
        id,
        kind,
        name,
        rows,
        options: serde_json::from_str(&options).unwrap_or(serde_json::Value::Null),
        created_at: rfc3339(at),
    }
}

async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    d: &Dataset,
    action: &str,
) -> Result<()> {
    let v = json!({"id": d.id, "kind": d.kind, "name": d.name, "rows": d.rows});
    let (before, after) = if action == "delete" {
        (Some(&v), None)
    } else {
        (None, Some(&v))
    };
    crate::log_change(
        tx,
        scope,
        "datasets",
        &d.id.to_string(),
        action,
        before,
        after,
    )
    .await
}
