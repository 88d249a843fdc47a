//! Job routes: a long analysis (a roadmap searched for up to ten minutes, a simulation of a
//! million trials, scenarios compared) asked for with `POST /orgs/{org}/jobs`, answered at
//! once with 202 and the job, then polled with `GET /orgs/{org}/jobs/{id}` until its status is
//! `done` (with the result, the same JSON as the analysis's own route), `failed` or
//! `cancelled`. The job is a row of the database, so any instance answers the polls and
//! `DELETE` cancels it from any instance; the instance that accepted it runs it on its CPU
//! budget ([`crate::work`]) and beats a heartbeat with the progress every second.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;
use sextant_store::{Job, Page};
use utoipa::ToSchema;

use crate::AppState;
use crate::analysis::{MAX_JOB_TIME_LIMIT, RoadmapQuery, SimulateQuery, plan};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path, Query};
use crate::orgs::{PageQuery, scope};
use crate::work::{Place, Wait};

/// The job routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/jobs", get(list).post(create))
        .route("/orgs/{org}/jobs/{id}", get(show).delete(cancel))
}

/// A job to start.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    /// `roadmap`, `simulate` or `compare`.
    pub kind: String,
    /// The parameters the analysis's own route takes in its query (`time_limit` up to 600
    /// seconds here).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub params: Value,
}

/// What a job will run, checked before it is queued.
enum Task {
    Roadmap(crate::analysis::RoadmapWork),
    Compare(crate::analysis::RoadmapWork),
    Simulate(crate::analysis::SimulateWork),
}

fn params<T: serde::de::DeserializeOwned + Default>(v: &Value) -> ApiResult<T> {
    if v.is_null() {
        return Ok(T::default());
    }
    let mut track = serde_path_to_error::Track::new();
    T::deserialize(serde_path_to_error::Deserializer::new(v, &mut track)).map_err(|e| {
        let path = track.path().to_string();
        let path = if path == "." {
            "params".to_string()
        } else {
            format!("params.{path}")
        };
        ApiError::field(path, e.to_string())
    })
}

fn prefix(e: ApiError) -> ApiError {
    match e {
        ApiError::Invalid(m, errors) => ApiError::Invalid(
            format!("params.{m}"),
            errors
                .into_iter()
                .map(|mut p| {
                    p.path = format!("params.{}", p.path);
                    p
                })
                .collect(),
        ),
        other => other,
    }
}

fn task(kind: &str, p: &Value) -> ApiResult<Task> {
    match kind {
        "roadmap" => Ok(Task::Roadmap(
            params::<RoadmapQuery>(p)?
                .check(MAX_JOB_TIME_LIMIT)
                .map_err(prefix)?,
        )),
        "compare" => Ok(Task::Compare(
            params::<RoadmapQuery>(p)?
                .check(MAX_JOB_TIME_LIMIT)
                .map_err(prefix)?,
        )),
        "simulate" => Ok(Task::Simulate(
            params::<SimulateQuery>(p)?.check().map_err(prefix)?,
        )),
        other => Err(ApiError::field(
            "kind",
            format!("expected roadmap, simulate or compare, found `{other}`"),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/jobs", tag = "analysis", request_body = NewJob,
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 202, body = Object, description = "Queued: poll the `Location`"),
              (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(r): Json<NewJob>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    s.require(sextant_store::Role::Editor)?;
    let task = task(&r.kind, &r.params)?;
    let plan = plan(&state, &s).await?;
    let job = state.store.create_job(&s, &r.kind, &r.params).await?;
    tokio::spawn(run(state.clone(), s.org_id(), job.id, task, plan));
    let mut resp = (StatusCode::ACCEPTED, axum::Json(&job)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/orgs/{}/jobs/{}", s.slug(), job.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Runs a job to its end, beating its heartbeat; a cancel from any instance stops it (at
/// once on this instance, within a heartbeat on another). While it waits for a core its
/// heartbeat records its place in the queue.
async fn run(
    state: AppState,
    org: i64,
    id: i64,
    task: Task,
    plan: std::sync::Arc<sextant_core::Plan>,
) {
    let _busy = state.work.busy();
    let cancel = state.work.cancel();
    state.work.job_started(id, &cancel);
    let place = Place::new();
    let progress = Arc::new(AtomicU64::new(0f64.to_bits()));
    let limit = match &task {
        Task::Roadmap(w) | Task::Compare(w) => Some(w.time_limit()),
        Task::Simulate(_) => None,
    };
    let beat = {
        let (store, cancel, progress, place) = (
            state.store.clone(),
            cancel.clone(),
            progress.clone(),
            place.clone(),
        );
        tokio::spawn(async move {
            let mut started: Option<Instant> = None;
            loop {
                let alive = match place.ahead() {
                    Some(ahead) if started.is_none() => store.job_waiting(id, ahead).await,
                    _ => {
                        let since = *started.get_or_insert_with(Instant::now);
                        let p = match limit {
                            // A search's progress is its time: it ends by its limit.
                            Some(l) => (since.elapsed().as_secs_f64() / l.as_secs_f64()).min(0.99),
                            None => f64::from_bits(progress.load(Ordering::Relaxed)),
                        };
                        store.job_heartbeat(id, p).await
                    }
                };
                match alive {
                    Ok(true) => {}
                    Ok(false) => {
                        cancel.cancel();
                        return;
                    }
                    Err(e) => tracing::warn!(job = id, error = %e, "job heartbeat failed"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let cores = match task {
        Task::Simulate(_) => state.work.all(),
        _ => 1,
    };
    let stop = cancel.clone();
    let outcome = state
        .work
        .run_with(
            org,
            cores,
            cancel,
            Wait::Queue,
            &place,
            move |cancel| match &task {
                Task::Roadmap(w) => w.run(&plan, cancel),
                Task::Compare(w) => w.compare(&plan, cancel),
                Task::Simulate(w) => w.run(&plan, cancel, &|p| {
                    progress.store(p.to_bits(), Ordering::Relaxed);
                }),
            },
        )
        .await;
    beat.abort();
    state.work.job_ended(id);
    let recorded = match outcome {
        Ok(v) => state.store.finish_job(id, Ok(&v)).await,
        Err(_) if stop.server_stopping() => {
            state
                .store
                .finish_job(
                    id,
                    Err("interrupted: the server stopped while it ran; ask for it again"),
                )
                .await
        }
        Err(e) => state.store.finish_job(id, Err(&e.detail())).await,
    };
    if let Err(e) = recorded {
        tracing::error!(job = id, error = %e, "the job's end could not be recorded");
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/jobs", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), PageQuery),
    responses((status = 200, body = crate::error::ListPage, description = "Jobs, newest first, without results")))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Job>>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(state.store.jobs(&s, q.paging()).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/jobs/{id}", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Object, description = "The job: status, progress, and once done its result"),
              (status = 404, body = crate::error::Problem)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<axum::Json<Job>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(state.store.job(&s, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/jobs/{id}", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = i64, Path, description = "The job's id")),
    responses((status = 200, body = Object, description = "The job, cancelled unless it had ended"),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, i64)>,
) -> ApiResult<axum::Json<Job>> {
    let s = scope(&state, &caller, &org).await?;
    let job = state.store.cancel_job(&s, id).await?;
    // Running here: stopped now, not at the next heartbeat.
    state.work.cancel_job(id);
    Ok(axum::Json(job))
}
