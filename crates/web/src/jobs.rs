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
    /// `roadmap`, `simulate`, `compare` or `pack` (the review pack, made and kept with a
    /// review: `params` `{review, format, paper, parts, today}` as `GET .../pack` takes them;
    /// the result is the kept pack with `href`, the address of its file).
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
    Pack(Box<PackJob>),
}

/// A pack job's parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackParams {
    /// The review to keep it with.
    #[serde(default)]
    review: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    paper: Option<String>,
    #[serde(default)]
    parts: Option<String>,
    #[serde(default)]
    today: Option<String>,
}

/// A pack to make and keep: what was asked, and (once the job is accepted) what it is made
/// from, gathered before it is queued.
struct PackJob {
    review: String,
    req: crate::summary::PackRequest,
    today: sextant_core::model::Date,
    made_from: Option<(crate::summary::Gathered, sextant_pack::Branding)>,
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
        "pack" => {
            let p = params::<PackParams>(p)?;
            if p.review.trim().is_empty() {
                return Err(ApiError::field(
                    "params.review",
                    "expected the id of the review to keep the pack with, found none",
                ));
            }
            let q = crate::summary::PackQuery {
                format: p.format,
                paper: p.paper,
                parts: p.parts,
                today: p.today,
            };
            let req = q.check().map_err(prefix)?;
            let today = crate::summary::day(q.today.as_deref()).map_err(prefix)?;
            Ok(Task::Pack(Box::new(PackJob {
                review: p.review,
                req,
                today,
                made_from: None,
            })))
        }
        other => Err(ApiError::field(
            "kind",
            format!("expected roadmap, simulate, compare or pack, found `{other}`"),
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
    let mut task = task(&r.kind, &r.params)?;
    let plan = plan(&state, &s).await?;
    if let Task::Pack(p) = &mut task {
        crate::summary::review_to_keep(&state, &s, &p.review).await?;
        let g = crate::summary::gather(&state, &s, p.today)
            .await?
            .ok_or_else(|| ApiError::NotFound("plan (import a plan first)".into()))?;
        let branding = crate::summary::branding_of(&state, &s).await?;
        p.made_from = Some((g, branding));
    }
    let job = state.store.create_job(&s, &r.kind, &r.params).await?;
    tokio::spawn(run(state.clone(), s.clone(), job.id, task, plan));
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
    scope: sextant_store::Scope,
    id: i64,
    task: Task,
    plan: std::sync::Arc<sextant_core::Plan>,
) {
    let org = scope.org_id();
    let _busy = state.work.busy();
    // A simulation draws around the roadmap kept for the plan when its search would find that
    // one: kept already, or searched in the job and kept (under the inputs' fingerprint).
    let kept = match &task {
        Task::Simulate(w) if w.uses_kept() => crate::ui::compute::kept(&state, &scope, 1.0, None)
            .await
            .ok(),
        _ => None,
    };
    let cancel = state.work.cancel();
    state.work.job_started(id, &cancel);
    let place = Place::new();
    let progress = Arc::new(AtomicU64::new(0f64.to_bits()));
    let limit = match &task {
        Task::Roadmap(w) | Task::Compare(w) => Some(w.time_limit()),
        Task::Simulate(_) | Task::Pack(_) => None,
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
        Task::Simulate(_) | Task::Pack(_) => state.work.all(),
        _ => 1,
    };
    let stop = cancel.clone();
    // A pack's bytes, out of the worker, kept with its review after.
    let typeset: Arc<std::sync::Mutex<Option<Vec<u8>>>> = Arc::default();
    let kept_as = match &task {
        Task::Pack(p) => p
            .made_from
            .as_ref()
            .map(|_| (p.review.clone(), p.req.format, p.today)),
        _ => None,
    };
    let out = typeset.clone();
    let kept_in = state.clone();
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
                Task::Simulate(w) => {
                    let progress = |p: f64| progress.store(p.to_bits(), Ordering::Relaxed);
                    match kept {
                        Some((_, Some(k))) => w.run_on(&plan, &k.roadmap, cancel, &progress),
                        Some((fp, None)) => {
                            let (v, planned) = w.search_and_run(&plan, cancel, &progress)?;
                            crate::ui::compute::keep(&kept_in, fp, 1.0, None, Arc::new(planned));
                            Ok(v)
                        }
                        None => w.run(&plan, cancel, &progress),
                    }
                }
                Task::Pack(p) => {
                    let Some((g, branding)) = &p.made_from else {
                        return Err(ApiError::Internal("a pack job without its inputs".into()));
                    };
                    let bytes = crate::summary::typeset_pack(g, branding, &p.req, cancel)?;
                    if let Ok(mut slot) = out.lock() {
                        *slot = Some(bytes);
                    }
                    Ok(Value::Null)
                }
            },
        )
        .await;
    // A pack made is kept with its review; the job's result says where.
    let outcome = match (outcome, kept_as) {
        (Ok(_), Some((review, format, today))) => {
            let bytes = typeset
                .lock()
                .ok()
                .and_then(|mut b| b.take())
                .unwrap_or_default();
            match crate::summary::store_kept(&state, &scope, &review, format, today, &bytes).await {
                Ok(k) => serde_json::to_value(&k)
                    .map(|mut v| {
                        v["href"] = Value::from(format!(
                            "/api/v1/orgs/{}/reviews/{}/packs/{}",
                            scope.slug(),
                            crate::ui::form::url_encode(&review),
                            k.id
                        ));
                        v
                    })
                    .map_err(|e| ApiError::Internal(e.to_string())),
                Err(e) => Err(e),
            }
        }
        (other, _) => other,
    };
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
