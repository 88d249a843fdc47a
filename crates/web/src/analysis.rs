//! Analysis routes: the same core calls as the CLI's `analyze`, `roadmap`, `simulate`,
//! `compare`, `metrics`, `forecast` and `clv`, on the organisation's stored plan and data sets.
//!
//! Results of the analysis and the metrics are cached in memory by organisation id, under the
//! fingerprint of their inputs (the organisation, its plan's version, its data sets), which is
//! read from the database on every request: a second instance computes its own and nothing goes
//! stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sextant_ingest::batch::Imported;
use sextant_metrics::calendar::Granularity;
use sextant_roadmap::Objective;
use sextant_roadmap::solve;
use sextant_store::Scope;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::data::{keep_parsed, stop_of, stored_files};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;
use crate::work::Cancel;

/// The analysis routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/analysis", get(analysis))
        .route("/orgs/{org}/suggestions", get(suggestions))
        .route("/orgs/{org}/budget", get(budget))
        .route("/orgs/{org}/roadmap", get(roadmap))
        .route("/orgs/{org}/simulate", get(simulate))
        .route("/orgs/{org}/compare", get(compare))
        .route("/orgs/{org}/metrics", get(metrics))
        .route("/orgs/{org}/forecast", get(forecast))
        .route("/orgs/{org}/clv", get(clv))
}

use sextant_store::Fingerprint;

/// Results computed from an organisation's inputs, by organisation and kind of result. Each is
/// kept under the database's fingerprint of its inputs, read afresh on every request: another
/// instance behind the same load balancer never needs this one's, and recomputes the same
/// result from the database when it has none.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<(i64, String), (Fingerprint, Bytes)>>,
    data: Mutex<HashMap<i64, (Fingerprint, Arc<Imported>)>>,
    /// The first and last day each stored data set covers, by its id (a data set never
    /// changes, and ids are never reused): read once, for the overlap check of later uploads.
    pub(crate) spans: Mutex<HashMap<i64, Option<(i32, i32)>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl Cache {
    fn get(&self, what: &str, fp: Fingerprint) -> Option<Bytes> {
        let map = self.entries.lock().ok()?;
        map.get(&(fp.org, what.to_string()))
            .filter(|(f, _)| *f == fp)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, what: &str, fp: Fingerprint, v: Bytes) {
        if let Ok(mut map) = self.entries.lock() {
            map.insert((fp.org, what.to_string()), (fp, v));
        }
    }
}

/// The organisation's plan, or 404 saying how to import one.
pub async fn plan(state: &AppState, s: &Scope) -> ApiResult<Arc<sextant_core::Plan>> {
    state.store.plan(s).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
            s.slug(),
            s.slug()
        ))
    })
}

/// The organisation's data sets, imported (cached while they do not change).
pub(crate) async fn imported(
    state: &AppState,
    s: &Scope,
    fp: Fingerprint,
) -> ApiResult<Option<Arc<Imported>>> {
    if fp.datasets == 0 {
        return Ok(None);
    }
    // A plan change does not invalidate the data.
    let data_fp = fp.data_only();
    if let Ok(map) = state.cache.data.lock()
        && let Some((f, d)) = map.get(&fp.org)
        && *f == data_fp
    {
        return Ok(Some(d.clone()));
    }
    let imp = Arc::new(import_stored(state, s, Granularity::Month).await?);
    if let Ok(mut map) = state.cache.data.lock() {
        map.insert(fp.org, (data_fp, imp.clone()));
    }
    Ok(Some(imp))
}

/// Imports the organisation's stored data sets again, accumulating orders by `g`.
async fn import_stored(state: &AppState, s: &Scope, g: Granularity) -> ApiResult<Imported> {
    let contents = state.store.dataset_contents(s).await?;
    let (imported, fresh) = state
        .work
        .run(s.org_id(), 1, move |cancel| -> ApiResult<(Imported, _)> {
            let (files, fresh) = stored_files(contents, &stop_of(cancel))?;
            sextant_ingest::batch::import_each(&files, &[], g, |_| {})
                .map(|(imp, _)| (imp, fresh))
                .map_err(|e| {
                    ApiError::Internal(format!("a stored data set no longer imports: {e}"))
                })
        })
        .await?;
    keep_parsed(state, s, fresh).await;
    Ok(imported)
}

/// The answer for a computation stopped part-way.
pub(crate) fn cancelled(cancel: &Cancel) -> ApiError {
    ApiError::Busy(
        if cancel.server_stopping() {
            "the server is stopping; try again in a moment".into()
        } else {
            "the computation was cancelled".into()
        },
        5,
    )
}

/// A JSON response from bytes already serialised.
fn json(v: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], v).into_response()
}

/// Serialises a value once, for the cache and the response.
fn to_bytes(v: &Value) -> ApiResult<Bytes> {
    serde_json::to_vec(v)
        .map(Bytes::from)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/analysis", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "As `sextant analyze --format json` on the plan and the data sets", body = Object)))]
async fn analysis(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let fp = state.store.fingerprint(&s).await?;
    if let Some(v) = state.cache.get("analysis", fp) {
        return Ok(json(v));
    }
    let plan = plan(&state, &s).await?;
    let data = imported(&state, &s, fp).await?;
    let v = state
        .work
        .run(s.org_id(), 1, move |_| {
            let a = sextant_ops::analyse(&plan, data.as_deref()).analysis;
            serde_json::to_value(&a).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    let v = to_bytes(&v)?;
    state.cache.put("analysis", fp, v.clone());
    Ok(json(v))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/suggestions", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "As `sextant suggest --format json`: initiatives for the goals nothing serves and for the plan's gaps, each `{answers, why, initiative}`; `initiative` is ready to `POST` to `/api/v1/orgs/{org}/plan/initiatives`", body = Object)))]
async fn suggestions(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let plan = plan(&state, &s).await?;
    let v = serde_json::to_vec(&sextant_core::suggest::suggest(&plan))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(json(Bytes::from(v)))
}

/// The budget's years and format.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct BudgetQuery {
    /// Fiscal years from the one the plan starts in, 1 to 10 (default 3).
    pub years: Option<u32>,
    /// `json` (default), `csv`, or `xlsx`: the budget workbook (budget by fiscal year and
    /// quarter, roadmap, business cases with their monthly cash flows, KPIs by month; totals
    /// and net present values as live formulas), as `sextant report --format xlsx`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/budget", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), BudgetQuery),
    responses((status = 200, description = "As `sextant budget --format json` (or `csv`): by fiscal year and quarter, the systems' running costs until retired, the initiatives' one-time and recurring costs on the optimised roadmap, capital and operating, against the plan's budgets; with `format=xlsx`, the budget workbook as `sextant report --format xlsx` writes it", body = Object),
              (status = 422, body = crate::error::Problem)))]
async fn budget(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<BudgetQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let years = q.years.unwrap_or(3);
    if !(1..=10).contains(&years) {
        return Err(ApiError::field(
            "years",
            format!("expected 1 to 10, found {years}"),
        ));
    }
    let format = match q.format.as_deref() {
        None | Some("json") => "json",
        Some("csv") => "csv",
        Some("xlsx") => "xlsx",
        Some(other) => {
            return Err(ApiError::field(
                "format",
                format!(
                    "expected json, csv or xlsx, found `{}`",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let plan = plan(&state, &s).await?;
    let today = crate::ui::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    let (_, lc, _) = crate::assets::worked_out(&state, &s, today, years).await?;
    // The workbook's business cases come from the organisation's analysis, kept per change.
    let analysed = match format {
        "xlsx" => crate::ui::compute::analysed_in(&state, &s).await?,
        _ => None,
    };
    let limit = time_cap(&s).min(10.0);
    let b = state
        .work
        .run(s.org_id(), 1, move |cancel| {
            let req = sextant_ops::RoadmapRequest {
                options: solve::Options {
                    time_limit: Duration::from_secs_f64(limit),
                    stop: cancel.stop(),
                    ..solve::Options::default()
                },
                ..sextant_ops::RoadmapRequest::default()
            };
            let r = sextant_ops::roadmap(&plan, &req, &|| !cancel.is_cancelled());
            if cancel.is_cancelled() {
                return Err(cancelled(cancel));
            }
            let due = sextant_ops::budget::replacements(&plan, &r.roadmap, &lc);
            let b = sextant_ops::budget::budget(&plan, &r.roadmap, years, &due);
            let book = match &analysed {
                Some(a) => Some(
                    sextant_ops::workbook::workbook(&plan, &a.analysis, &r.roadmap, &b)
                        .map_err(ApiError::Internal)?,
                ),
                None => None,
            };
            Ok((b, book))
        })
        .await?;
    let (b, book) = b;
    if let Some(bytes) = book {
        let name = format!("{}-budget.xlsx", s.slug());
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    crate::headers::attachment(&name),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    if format == "csv" {
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            sextant_ops::budget::csv(&b),
        )
            .into_response());
    }
    Ok(axum::Json(b).into_response())
}

/// How to optimise.
#[derive(Deserialize, Serialize, IntoParams, ToSchema, Default)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct RoadmapQuery {
    /// `npv` (default) or `alignment`.
    pub objective: Option<String>,
    /// Seconds to search at most (default 10, at most 60; as a job, at most 600).
    pub time_limit: Option<f64>,
    /// Multiplies every budget (a what-if), 0 to 100.
    pub budget_factor: Option<f64>,
    /// Also the efficient frontier at this many budget levels (2 to 50).
    pub frontier: Option<usize>,
}

/// The longest search a request may ask for, in seconds; longer ones run as jobs.
pub const MAX_TIME_LIMIT: f64 = 60.0;
/// The longest search a job may ask for, in seconds.
pub const MAX_JOB_TIME_LIMIT: f64 = 600.0;
/// The longest search a viewer may ask for, in seconds (the default): a viewer reads the
/// plan, and one viewer running minute-long searches back to back kept a core of the
/// organisation's share busy for everyone else in it.
pub const VIEWER_TIME_LIMIT: f64 = 10.0;
/// The most trials a viewer's simulation may run.
pub const VIEWER_TRIALS: usize = 100_000;

/// The longest search the member may ask for in a request.
fn time_cap(s: &Scope) -> f64 {
    if s.role() >= sextant_store::Role::Editor {
        MAX_TIME_LIMIT
    } else {
        VIEWER_TIME_LIMIT
    }
}

fn objective(o: Option<&str>) -> ApiResult<Objective> {
    match o.unwrap_or("npv") {
        "npv" => Ok(Objective::Npv),
        "alignment" => Ok(Objective::Alignment),
        other => Err(ApiError::field(
            "objective",
            format!("expected npv or alignment, found `{other}`"),
        )),
    }
}

/// A number as a person reads it: `1e300`, not three hundred digits.
fn num(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn solve_options(time_limit: Option<f64>, max: f64) -> ApiResult<solve::Options> {
    let t = time_limit.unwrap_or(10.0);
    if !(t > 0.0 && t <= max) {
        let hint = if max == VIEWER_TIME_LIMIT && t > max && t <= MAX_TIME_LIMIT {
            format!(
                " (a viewer's search takes at most {VIEWER_TIME_LIMIT} seconds; an editor can search for up to {MAX_TIME_LIMIT})"
            )
        } else if max < MAX_JOB_TIME_LIMIT && t > max && t <= MAX_JOB_TIME_LIMIT {
            " (a longer search runs as a job: POST /api/v1/orgs/{org}/jobs with kind roadmap)"
                .to_string()
        } else {
            String::new()
        };
        return Err(ApiError::field(
            "time_limit",
            format!(
                "expected seconds above 0 and at most {max}, found {}{hint}",
                num(t)
            ),
        ));
    }
    Ok(solve::Options {
        time_limit: Duration::from_secs_f64(t),
        ..solve::Options::default()
    })
}

/// A roadmap request, checked.
pub struct RoadmapWork {
    objective: Objective,
    opts: solve::Options,
    factor: f64,
    frontier: Option<usize>,
}

impl RoadmapQuery {
    /// Checks every parameter against its bounds (`max_time` seconds of search at most).
    pub fn check(&self, max_time: f64) -> ApiResult<RoadmapWork> {
        let objective = objective(self.objective.as_deref())?;
        let opts = solve_options(self.time_limit, max_time)?;
        let factor = self.budget_factor.unwrap_or(1.0);
        if !(factor.is_finite() && (0.0..=100.0).contains(&factor)) {
            return Err(ApiError::field(
                "budget_factor",
                format!("expected a number from 0 to 100, found {}", num(factor)),
            ));
        }
        if self.frontier.is_some_and(|n| !(2..=50).contains(&n)) {
            return Err(ApiError::field(
                "frontier",
                format!(
                    "expected 2 to 50 budget levels, found {}",
                    self.frontier.unwrap_or_default()
                ),
            ));
        }
        Ok(RoadmapWork {
            objective,
            opts,
            factor,
            frontier: self.frontier,
        })
    }
}

impl RoadmapWork {
    /// How long the search may take at most.
    pub fn time_limit(&self) -> Duration {
        self.opts.time_limit
    }

    /// Optimises the plan's roadmap (and its frontier): the JSON of `sextant roadmap`.
    pub fn run(&self, plan: &sextant_core::Plan, cancel: &Cancel) -> ApiResult<Value> {
        let req = sextant_ops::RoadmapRequest {
            objective: self.objective,
            options: solve::Options {
                stop: cancel.stop(),
                ..self.opts.clone()
            },
            budget_factor: self.factor,
            frontier: self.frontier,
        };
        let report = sextant_ops::roadmap(plan, &req, &|| !cancel.is_cancelled());
        // A search stopped early is not the answer to the question asked.
        if cancel.is_cancelled() {
            return Err(cancelled(cancel));
        }
        serde_json::to_value(&report).map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// Compares the plan's scenarios: the JSON of `sextant compare`.
    pub fn compare(&self, plan: &sextant_core::Plan, cancel: &Cancel) -> ApiResult<Value> {
        let opts = solve::Options {
            stop: cancel.stop(),
            ..self.opts.clone()
        };
        let c = sextant_ops::compare(plan, self.objective, &opts);
        if cancel.is_cancelled() {
            return Err(cancelled(cancel));
        }
        serde_json::to_value(c).map_err(|e| ApiError::Internal(e.to_string()))
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/roadmap", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), RoadmapQuery),
    responses((status = 200, description = "As `sextant roadmap --format json`", body = Object),
              (status = 503, body = crate::error::Problem, description = "Busy: try again after Retry-After")))]
async fn roadmap(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<RoadmapQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let work = q.check(time_cap(&s))?;
    let plan = plan(&state, &s).await?;
    let v = state
        .work
        .run(s.org_id(), 1, move |cancel| work.run(&plan, cancel))
        .await?;
    Ok(axum::Json(v).into_response())
}

/// How to simulate.
#[derive(Deserialize, Serialize, IntoParams, ToSchema, Default)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct SimulateQuery {
    /// Trials (default 10,000, at most 1,000,000).
    pub trials: Option<usize>,
    /// Seed (default 1): the same seed gives the same numbers.
    pub seed: Option<u64>,
    /// `pert` (default) or `triangular`.
    pub distribution: Option<String>,
}

/// The most trials a simulation may run.
pub const MAX_TRIALS: usize = 1_000_000;

/// A simulation request, checked.
pub struct SimulateWork {
    trials: usize,
    seed: u64,
    shape: sextant_roadmap::simulate::Shape,
}

impl SimulateQuery {
    /// Checks every parameter against its bounds.
    pub fn check(&self) -> ApiResult<SimulateWork> {
        use sextant_roadmap::simulate::Shape;
        let trials = self.trials.unwrap_or(10_000);
        if !(1..=MAX_TRIALS).contains(&trials) {
            return Err(ApiError::field(
                "trials",
                format!("expected 1 to {MAX_TRIALS}, found {trials}"),
            ));
        }
        let shape = match self.distribution.as_deref().unwrap_or("pert") {
            "pert" => Shape::Pert,
            "triangular" => Shape::Triangular,
            other => {
                return Err(ApiError::field(
                    "distribution",
                    format!("expected pert or triangular, found `{other}`"),
                ));
            }
        };
        Ok(SimulateWork {
            trials,
            seed: self.seed.unwrap_or(1),
            shape,
        })
    }
}

impl SimulateWork {
    /// The search of the roadmap it simulates: `sextant simulate`'s defaults.
    fn search(&self) -> sextant_ops::RoadmapRequest {
        sextant_ops::RoadmapRequest::default()
    }

    /// Whether the roadmaps kept for the pages ([`crate::ui::compute::kept_request`] at the
    /// plan's own budget) are the ones its search would find: the same objective, budgets and
    /// limits. Then it simulates the kept roadmap rather than search again.
    pub fn uses_kept(&self) -> bool {
        let (k, o) = (crate::ui::compute::kept_request(1.0, None), self.search());
        k.objective == o.objective
            && k.budget_factor == o.budget_factor
            && k.options.time_limit == o.options.time_limit
            && k.options.gap == o.options.gap
    }

    fn trials(&self) -> sextant_roadmap::simulate::SimOptions {
        sextant_roadmap::simulate::SimOptions {
            trials: self.trials,
            seed: self.seed,
            shape: self.shape,
        }
    }

    /// Simulates `roadmap`, searched before for the plan (the kept one): the JSON of `sextant
    /// simulate`. `progress` is told the share of trials done; the run stops when `cancel` is.
    pub fn run_on(
        &self,
        plan: &sextant_core::Plan,
        roadmap: &sextant_roadmap::report::Roadmap,
        cancel: &Cancel,
        progress: &(dyn Fn(f64) + Sync),
    ) -> ApiResult<Value> {
        if !matches!(
            roadmap.status,
            solve::SolveStatus::Optimal | solve::SolveStatus::Feasible
        ) {
            return Err(no_roadmap());
        }
        let trials = self.trials as f64;
        let r =
            sextant_ops::simulate_roadmap(plan, roadmap, &self.trials(), &cancel.stop(), &|done| {
                // Between chunks of trials: stop here when the client left or the server stops.
                cancel.stop_here();
                progress(done as f64 / trials);
            });
        match r {
            Some(r) => serde_json::to_value(&r).map_err(|e| ApiError::Internal(e.to_string())),
            None => Err(cancelled(cancel)),
        }
    }

    /// Searches the plan's roadmap as the kept ones are searched ([`Self::uses_kept`]), to
    /// keep, and simulates it.
    pub fn search_and_run(
        &self,
        plan: &sextant_core::Plan,
        cancel: &Cancel,
        progress: &(dyn Fn(f64) + Sync),
    ) -> ApiResult<(Value, crate::ui::compute::Planned)> {
        let req = crate::ui::compute::kept_request(1.0, None);
        let req = sextant_ops::RoadmapRequest {
            options: solve::Options {
                stop: cancel.stop(),
                ..req.options
            },
            ..req
        };
        let planned = sextant_ops::roadmap(plan, &req, &|| !cancel.is_cancelled());
        if cancel.is_cancelled() {
            return Err(cancelled(cancel));
        }
        let v = self.run_on(plan, &planned.roadmap, cancel, progress)?;
        Ok((v, planned))
    }

    /// Simulates the plan's optimised roadmap, searched first: the JSON of `sextant simulate`.
    /// `progress` is told the share of trials done; the run stops when `cancel` is.
    pub fn run(
        &self,
        plan: &sextant_core::Plan,
        cancel: &Cancel,
        progress: &(dyn Fn(f64) + Sync),
    ) -> ApiResult<Value> {
        use sextant_roadmap::simulate::Which;
        let search = self.search();
        let req = sextant_ops::SimulateRequest {
            objective: search.objective,
            schedule: Which::Optimised,
            // The optimiser first (its search stops too when the client leaves).
            options: solve::Options {
                stop: cancel.stop(),
                ..search.options
            },
            trials: self.trials(),
        };
        let trials = self.trials as f64;
        let r = sextant_ops::simulate(plan, &req, &|| !cancel.is_cancelled(), &|done| {
            // Between chunks of trials: stop here when the client left or the server stops.
            cancel.stop_here();
            progress(done as f64 / trials);
        });
        match r {
            Ok(r) => serde_json::to_value(&r).map_err(|e| ApiError::Internal(e.to_string())),
            Err(sextant_ops::NotSimulated::Stopped) => Err(cancelled(cancel)),
            Err(sextant_ops::NotSimulated::NoSchedule(_)) => Err(no_roadmap()),
        }
    }
}

/// The problem of a plan without a feasible roadmap to simulate.
fn no_roadmap() -> ApiError {
    ApiError::Conflict("the plan has no feasible roadmap to simulate: see GET .../roadmap".into())
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/simulate", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), SimulateQuery),
    responses((status = 200, description = "As `sextant simulate --format json`, on the optimised schedule", body = Object),
              (status = 503, body = crate::error::Problem, description = "Busy: try again after Retry-After")))]
async fn simulate(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<SimulateQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let work = q.check()?;
    if s.role() < sextant_store::Role::Editor && work.trials > VIEWER_TRIALS {
        return Err(ApiError::field(
            "trials",
            format!(
                "expected 1 to {VIEWER_TRIALS} for a viewer, found {} (an editor can run up to {MAX_TRIALS})",
                work.trials
            ),
        ));
    }
    let plan = plan(&state, &s).await?;
    // The roadmap kept for the plan (searched now if none is), when it is the one this
    // simulation's search would find; the trials run in parallel on every core.
    let kept = if work.uses_kept() {
        Some(crate::ui::compute::roadmap_in(&state, &s, plan.clone(), 1.0, None).await?)
    } else {
        None
    };
    let v = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| match &kept {
            Some(k) => work.run_on(&plan, &k.roadmap, cancel, &|_| {}),
            None => work.run(&plan, cancel, &|_| {}),
        })
        .await?;
    Ok(axum::Json(v).into_response())
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/compare", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), RoadmapQuery),
    responses((status = 200, description = "As `sextant compare --format json`", body = Object),
              (status = 503, body = crate::error::Problem, description = "Busy: try again after Retry-After")))]
async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<RoadmapQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let work = q.check(time_cap(&s))?;
    let plan = plan(&state, &s).await?;
    let v = state
        .work
        .run(s.org_id(), 1, move |cancel| work.compare(&plan, cancel))
        .await?;
    Ok(axum::Json(v).into_response())
}

/// Which periods.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// `week`, `month` (default) or `quarter`.
    pub period: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/metrics", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), MetricsQuery),
    responses((status = 200, description = "As `sextant metrics --format json` over the data sets", body = Object)))]
async fn metrics(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<MetricsQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let period = q.period.clone().unwrap_or_else(|| "month".into());
    let g = match period.as_str() {
        "week" => Granularity::Week,
        "month" => Granularity::Month,
        "quarter" => Granularity::Quarter,
        other => {
            return Err(ApiError::field(
                "period",
                format!("expected week, month or quarter, found `{other}`"),
            ));
        }
    };
    let fp = state.store.fingerprint(&s).await?;
    let key = format!("metrics-{period}");
    if let Some(v) = state.cache.get(&key, fp) {
        return Ok(json(v));
    }
    let plan = state.store.plan(&s).await?;
    let none = || {
        ApiError::NotFound(format!(
            "data of `{org}`: none uploaded yet (POST /api/v1/orgs/{org}/datasets)"
        ))
    };
    let data = if g == Granularity::Month {
        imported(&state, &s, fp).await?.ok_or_else(none)?
    } else if fp.datasets == 0 {
        return Err(none());
    } else {
        // Orders are accumulated by month for the shared staging; weeks and quarters read the
        // data sets again (the answer is cached below).
        Arc::new(import_stored(&state, &s, g).await?)
    };
    let v = state
        .work
        .run(s.org_id(), 1, move |_| {
            let (margin, employees) = plan.as_ref().map_or((None, None), |p| {
                (
                    p.doc().organization.gross_margin,
                    p.doc().organization.employees,
                )
            });
            let table = sextant_ingest::batch::compute(&data, g, None, None, margin, employees);
            serde_json::to_value(&table).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    let v = to_bytes(&v)?;
    state.cache.put(&key, fp, v.clone());
    Ok(json(v))
}

/// What to forecast.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct ForecastQuery {
    /// The KPI: a metric of the catalogue or a KPI the plan measures.
    pub kpi: String,
    /// Months ahead (default 12, at most 120).
    pub horizon: Option<usize>,
    /// Season length (default 12 for the monthly series once they hold 16 months; seasonal
    /// models need two seasons, a seasonal naive method competes on shorter series).
    pub season: Option<usize>,
    /// Also the probability of reaching this value by the last forecast month.
    pub target: Option<f64>,
    /// The target is reached by falling to it.
    pub down: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/forecast", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), ForecastQuery),
    responses((status = 200, description = "As `sextant forecast --format json` on the KPI's monthly series, with `partial_periods`: the months the imported data cover only in part, left out of a series computed from them", body = Object)))]
async fn forecast(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ForecastQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let horizon = q.horizon.unwrap_or(12);
    if !(1..=120).contains(&horizon) {
        return Err(ApiError::field(
            "horizon",
            format!("expected 1 to 120 periods, found {horizon}"),
        ));
    }
    if let Some(t) = q.target.filter(|t| !t.is_finite()) {
        return Err(ApiError::field(
            "target",
            format!("expected a number, found {t}"),
        ));
    }
    if q.season.is_some_and(|p| !(2..=MAX_SEASON).contains(&p)) {
        return Err(ApiError::field(
            "season",
            format!(
                "expected a season of 2 to {MAX_SEASON} periods, found {}",
                q.season.unwrap_or_default()
            ),
        ));
    }
    let fp = state.store.fingerprint(&s).await?;
    let plan = state.store.plan(&s).await?;
    let data = imported(&state, &s, fp).await?;
    let kpi = q.kpi.clone();
    let v = state
        .work
        .run(s.org_id(), 1, move |_| {
            let (series, partial) =
                sextant_ingest::batch::kpi_series_and_partial(plan.as_deref(), data.as_deref());
            let Some(points) = series.get(&kpi) else {
                let known: Vec<&str> = series.keys().map(String::as_str).collect();
                return Err(ApiError::field(
                    "kpi",
                    format!("no measurements of `{kpi}`; measured: {}", known.join(", ")),
                ));
            };
            let r = forecast_series(
                &kpi,
                points,
                horizon,
                q.season,
                q.target,
                q.down.unwrap_or(false),
            )
            .map_err(|e| ApiError::field("kpi", format!("{kpi}: {e}")))?;
            // The months the data cover in part, left out of a series computed from them (as
            // `partial_periods` of `sextant metrics --format json`), as the KPI's page says them.
            let left_out: Vec<String> = left_out(plan.as_deref(), &kpi, points, &partial)
                .iter()
                .map(ToString::to_string)
                .collect();
            let r = sextant_metrics::forecast::ForecastReport {
                partial_periods: left_out,
                ..r
            };
            serde_json::to_value(&r).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    Ok(axum::Json(v).into_response())
}

pub use sextant_ops::forecast_series;

/// The months the imported data cover only in part that a KPI's series (`values`) leaves out:
/// only for a KPI computed from the data (not one the plan's measurements give, nor
/// `time_to_market`), and only a month next to its own figures (another source's partial
/// month is not this KPI's). What the KPI's page and the forecast route say.
pub fn left_out(
    plan: Option<&sextant_core::Plan>,
    kpi: &str,
    values: &std::collections::BTreeMap<sextant_core::model::Month, f64>,
    partial: &[sextant_core::model::Month],
) -> Vec<sextant_core::model::Month> {
    let measured = plan.is_some_and(|p| p.doc().measurements.keys().any(|k| k.as_str() == kpi));
    let (Some(first), Some(last)) = (values.keys().next(), values.keys().next_back()) else {
        return Vec::new();
    };
    if measured || kpi == "time_to_market" {
        return Vec::new();
    }
    partial
        .iter()
        .copied()
        .filter(|m| *m == last.plus(1) || *m == first.plus(-1))
        .collect()
}

/// The longest season a forecast takes, in periods (a year of weeks).
pub const MAX_SEASON: usize = 53;
/// The longest CLV horizon, in months.
pub const MAX_CLV_HORIZON: u32 = 120;

/// Customer lifetime value.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct ClvQuery {
    /// The end of the calibration period, YYYY-MM-DD.
    pub calibration_end: String,
    /// `week` (default) or `day`.
    pub period: Option<String>,
    /// Months ahead (default 12).
    pub horizon: Option<u32>,
    /// Gross margin on sales (default: the plan's, else 1).
    pub margin: Option<f64>,
    /// Monthly discount rate (default: the plan's annual rate as a monthly one, else 0.01, as
    /// the CLI).
    pub discount_rate: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/clv", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), ClvQuery),
    responses((status = 200, description = "As `sextant clv --format json` over the uploaded orders", body = Object)))]
async fn clv(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ClvQuery>,
) -> ApiResult<Response> {
    use sextant_metrics::bgnbd::Unit;
    let s = scope(&state, &caller, &org).await?;
    let (end, _) = sextant_ingest::parse::datetime(&q.calibration_end, None).map_err(|e| {
        ApiError::field(
            "calibration_end",
            format!("expected a date YYYY-MM-DD, found {e}"),
        )
    })?;
    let unit = match q.period.as_deref().unwrap_or("week") {
        "week" => Unit::Week,
        "day" => Unit::Day,
        other => {
            return Err(ApiError::field(
                "period",
                format!("expected week or day, found `{other}`"),
            ));
        }
    };
    let plan = state.store.plan(&s).await?;
    let org_doc = plan.as_ref().map(|p| p.doc().organization.clone());
    let margin = q
        .margin
        .or(org_doc.as_ref().and_then(|o| o.gross_margin))
        .unwrap_or(1.0);
    if !(margin > 0.0 && margin <= 1.0) {
        return Err(ApiError::field(
            "margin",
            format!("expected a fraction above 0 and at most 1, found {margin}"),
        ));
    }
    let rate = q
        .discount_rate
        .or(org_doc
            .as_ref()
            .map(|o| (1.0 + o.discount_rate).powf(1.0 / 12.0) - 1.0))
        .unwrap_or(0.01);
    if !(rate.is_finite() && rate >= 0.0) {
        return Err(ApiError::field(
            "discount_rate",
            format!("expected a monthly rate, 0 or more, found {rate}"),
        ));
    }
    let horizon = q.horizon.unwrap_or(12);
    if !(1..=MAX_CLV_HORIZON).contains(&horizon) {
        return Err(ApiError::field(
            "horizon",
            format!("expected 1 to {MAX_CLV_HORIZON} months, found {horizon}"),
        ));
    }
    let orders: Vec<_> = state
        .store
        .dataset_contents(&s)
        .await?
        .into_iter()
        .filter(|c| c.dataset.kind == "orders")
        .collect();
    if orders.is_empty() {
        return Err(ApiError::NotFound(format!(
            "orders of `{org}`: none uploaded yet (POST /api/v1/orgs/{org}/datasets?kind=orders)"
        )));
    }
    let (v, fresh) = state
        .work
        .run(s.org_id(), 1, move |cancel| {
            let (files, fresh) = stored_files(orders, &stop_of(cancel))?;
            clv_report(&files, end, unit, horizon, margin, rate).map(|v| (v, fresh))
        })
        .await?;
    keep_parsed(&state, &s, fresh).await;
    Ok(json(v))
}

/// The CLV report [`sextant_metrics::clv::report`] builds, as `sextant clv --format json`
/// prints it, serialised straight from its typed rows.
fn clv_report(
    files: &[sextant_ingest::batch::ImportFile],
    end: i32,
    unit: sextant_metrics::bgnbd::Unit,
    horizon: u32,
    margin: f64,
    rate: f64,
) -> ApiResult<Bytes> {
    let (orders, customers) =
        sextant_ingest::clv::orders(files).map_err(|e| ApiError::field("orders", e.to_string()))?;
    let params = sextant_metrics::clv::Params {
        end,
        unit,
        horizon,
        margin,
        rate,
    };
    let report = sextant_metrics::clv::report(&orders, customers, params)
        .map_err(|e| ApiError::field("orders", e))?;
    serde_json::to_vec(&report)
        .map(Bytes::from)
        .map_err(|e| ApiError::Internal(e.to_string()))
}
