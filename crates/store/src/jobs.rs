//! Jobs: long analyses (an optimised roadmap with a long time limit, a large simulation)
//! that run in the background while the client polls. A job is a row of the database, so
//! every instance behind a load balancer can report on it and cancel it; the instance that
//! accepted it runs it and beats a heartbeat into its row. A running job whose heartbeat has
//! stopped for [`STALE_SECONDS`] (its instance stopped or died) is reported as failed.

use serde::Serialize;
use serde_json::Value;

use crate::{Page, Paging, Result, Role, Scope, Store, StoreError, now, rfc3339};

/// A running job whose heartbeat is older than this, in seconds, is taken as failed.
pub const STALE_SECONDS: i64 = 30;

/// How long a finished job and its result are kept, in seconds.
pub const KEEP_SECONDS: i64 = 7 * 24 * 3600;

/// Jobs queued or running at once per organisation, beyond which new ones are refused.
pub const MAX_ACTIVE_JOBS: i64 = 4;

/// A job, as a client polls it.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// What it computes (`roadmap`, `simulate`, `compare`).
    pub kind: String,
    /// The parameters it was given.
    pub params: Value,
    /// `queued`, `running`, `done`, `failed` or `cancelled`.
    pub status: String,
    /// How far it is, 0 to 1.
    pub progress: f64,
    /// While queued: how many analyses will start before it (0: it is next).
    pub queue_position: Option<i64>,
    /// Why it failed, or what it is doing.
    pub message: Option<String>,
    /// The result, once done (the same JSON as the analysis's own route).
    pub result: Option<Value>,
    /// When it was asked for (RFC 3339).
    pub created_at: String,
    /// When it started running.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
}

type JobRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

const COLUMNS: &str = "id, kind, params, status, progress, message, result, created_at, \
                       started_at, finished_at, heartbeat_at, queue_position";

fn job(row: JobRow, with_result: bool) -> Result<Job> {
    let (id, kind, params, status, progress, message, result, c, s, f, beat, position) = row;
    let parse = |t: &str| serde_json::from_str(t).map_err(|e| StoreError::Corrupt(e.to_string()));
    // A queued job beats too (its instance holds it in a queue): silence means that instance
    // stopped or died, whether the job had started or not.
    let stale = matches!(status.as_str(), "queued" | "running")
        && beat.unwrap_or(c) < now() - STALE_SECONDS;
    let queued = status == "queued" && !stale;
    Ok(Job {
        id,
        kind,
        params: parse(&params)?,
        status: if stale { "failed".into() } else { status },
        progress: progress as f64 / 1000.0,
        queue_position: if queued { position } else { None },
        message: if stale {
            Some("the server running it stopped; ask for it again".into())
        } else {
            message
        },
        result: match result {
            Some(r) if with_result => Some(parse(&r)?),
            _ => None,
        },
        created_at: rfc3339(c),
        started_at: s.map(rfc3339),
        finished_at: f.map(rfc3339),
    })
}

impl Store {
    /// Queues a job in the organisation (editors and owners: it spends the server's time).
    /// Refused when the organisation has [`MAX_ACTIVE_JOBS`] queued or running already.
    pub async fn create_job(&self, scope: &Scope, kind: &str, params: &Value) -> Result<Job> {
        scope.require(Role::Editor)?;
        let t = now();
        // Results are kept a week.
        sqlx::query("DELETE FROM jobs WHERE org_id = $1 AND finished_at < $2")
            .bind(scope.org_id)
            .bind(t - KEEP_SECONDS)
            .execute(&self.pool)
            .await?;
        let (active,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE org_id = $1 AND status IN ('queued', 'running') \
             AND COALESCE(heartbeat_at, created_at) >= $2",
        )
        .bind(scope.org_id)
        .bind(t - STALE_SECONDS)
        .fetch_one(&self.pool)
        .await?;
        if active >= MAX_ACTIVE_JOBS {
            return Err(StoreError::Conflict(format!(
                "the organisation has {active} jobs queued or running, the most it may: wait for one to finish or cancel one"
            )));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO jobs (org_id, kind, params, status, progress, created_by, created_at, \
             heartbeat_at) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5) RETURNING id",
        )
        .bind(scope.org_id)
        .bind(kind)
        .bind(params.to_string())
        .bind(scope.user_id)
        .bind(t)
        .fetch_one(&self.pool)
        .await?;
        self.job(scope, id).await
    }

    /// A job of the organisation, with its result once done.
    pub async fn job(&self, scope: &Scope, id: i64) -> Result<Job> {
        let row: Option<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE id = $1 AND org_id = $2"
        ))
        .bind(id)
        .bind(scope.org_id)
        .fetch_optional(&self.pool)
        .await?;
        job(
            row.ok_or_else(|| StoreError::NotFound(format!("job {id}")))?,
            true,
        )
    }

    /// The organisation's jobs, newest first, without their results.
    pub async fn jobs(&self, scope: &Scope, paging: Paging) -> Result<Page<Job>> {
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE org_id = $1")
            .bind(scope.org_id)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE org_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(scope.org_id)
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(|r| job(r, false))
            .collect::<Result<_>>()?;
        Ok(Page::new(items, total, paging))
    }

    /// Cancels a job that has not ended (editors and owners); the instance running it stops
    /// at its next heartbeat. A job that has ended is left as it is.
    pub async fn cancel_job(&self, scope: &Scope, id: i64) -> Result<Job> {
        scope.require(Role::Editor)?;
        let current = self.job(scope, id).await?;
        if matches!(current.status.as_str(), "queued" | "running") {
            sqlx::query(
                "UPDATE jobs SET status = 'cancelled', finished_at = $1, message = $2, queue_position = NULL \
                 WHERE id = $3 AND org_id = $4 AND status IN ('queued', 'running')",
            )
            .bind(now())
            .bind("cancelled on request")
            .bind(id)
            .bind(scope.org_id)
            .execute(&self.pool)
            .await?;
        }
        self.job(scope, id).await
    }

    /// The heartbeat of a job waiting in its instance's queue, with `ahead` analyses to start
    /// before it. Returns false when the job was cancelled (or is gone), and it should leave
    /// the queue.
    pub async fn job_waiting(&self, id: i64, ahead: usize) -> Result<bool> {
        let t = now();
        let message = match ahead {
            0 => "waiting for a free core: it is next".to_string(),
            1 => "waiting for a free core: 1 analysis starts before it".to_string(),
            n => format!("waiting for a free core: {n} analyses start before it"),
        };
        let done = sqlx::query(
            "UPDATE jobs SET queue_position = $1, message = $2, heartbeat_at = $3 \
             WHERE id = $4 AND status = 'queued'",
        )
        .bind(i64::try_from(ahead).unwrap_or(i64::MAX))
        .bind(message)
        .bind(t)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The running instance's heartbeat: marks the job running with its progress (0 to 1).
    /// Returns false when the job was cancelled (or is gone), and the work should stop.
    pub async fn job_heartbeat(&self, id: i64, progress: f64) -> Result<bool> {
        let t = now();
        let p = (progress.clamp(0.0, 1.0) * 1000.0).round() as i64;
        let done = sqlx::query(
            "UPDATE jobs SET status = 'running', progress = $1, heartbeat_at = $2, \
             queue_position = NULL, \
             message = CASE WHEN status = 'queued' THEN NULL ELSE message END, \
             started_at = COALESCE(started_at, $2) WHERE id = $3 AND status IN ('queued', 'running')",
        )
        .bind(p)
        .bind(t)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a job's end: its result (`Ok`) or why it failed (`Err`). A cancelled job
    /// stays cancelled.
    pub async fn finish_job(
        &self,
        id: i64,
        outcome: std::result::Result<&Value, &str>,
    ) -> Result<()> {
        let (status, result, message) = match outcome {
            Ok(v) => ("done", Some(v.to_string()), None),
            Err(m) => ("failed", None, Some(m.to_string())),
        };
        sqlx::query(
            "UPDATE jobs SET status = $1, result = $2, message = $3, queue_position = NULL, \
             progress = CASE WHEN $4 >= 0 THEN $4 ELSE progress END, \
             finished_at = $5, heartbeat_at = $5 WHERE id = $6 AND status IN ('queued', 'running')",
        )
        .bind(status)
        .bind(result)
        .bind(message)
        .bind(if status == "done" { 1000_i64 } else { -1 })
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
