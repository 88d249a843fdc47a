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
use serde::Deserialize;
use serde_json::Value;
use sextant_ingest::batch::Imported;
use sextant_metrics::calendar::Granularity;
use sextant_roadmap::solve::{self, SolveStatus};
use sextant_roadmap::{Adjust, Instance, Objective};
use sextant_store::Scope;
use utoipa::IntoParams;

use crate::AppState;
use crate::data::stage_stored;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;

/// The analysis routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/analysis", get(analysis))
        .route("/orgs/{org}/roadmap", get(roadmap))
        .route("/orgs/{org}/simulate", get(simulate))
        .route("/orgs/{org}/compare", get(compare))
        .route("/orgs/{org}/metrics", get(metrics))
        .route("/orgs/{org}/forecast", get(forecast))
        .route("/orgs/{org}/clv", get(clv))
}

use sextant_store::Fingerprint;

/// Results computed from an organisation's inputs, by organisation and kind of result.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<(i64, String), (Fingerprint, Bytes)>>,
    data: Mutex<HashMap<i64, (Fingerprint, Arc<Imported>)>>,
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

fn blocking_error(e: tokio::task::JoinError) -> ApiError {
    ApiError::Internal(format!("a computation failed: {e}"))
}

async fn plan(state: &AppState, s: &Scope) -> ApiResult<sextant_core::Plan> {
    state.store.plan(s).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
            s.slug(),
            s.slug()
        ))
    })
}

/// The organisation's data sets, imported (cached while they do not change).
async fn imported(
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
    tokio::task::spawn_blocking(move || -> ApiResult<Imported> {
        let (_staged, files) = stage_stored(&contents)?;
        sextant_ingest::batch::import_each(&files, &[], g, |_| {})
            .map(|(imp, _)| imp)
            .map_err(|e| ApiError::Internal(format!("a stored data set no longer imports: {e}")))
    })
    .await
    .map_err(blocking_error)?
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
    let v = tokio::task::spawn_blocking(move || {
        let series = sextant_ingest::batch::kpi_series(Some(&plan), data.as_deref());
        let forecaster = sextant_ingest::batch::goal_forecast;
        let a = sextant_core::analyze_with(&plan, &series, Some(&forecaster));
        serde_json::to_value(&a)
    })
    .await
    .map_err(blocking_error)?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let v = to_bytes(&v)?;
    state.cache.put("analysis", fp, v.clone());
    Ok(json(v))
}

/// How to optimise.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RoadmapQuery {
    /// `npv` (default) or `alignment`.
    pub objective: Option<String>,
    /// Seconds to search at most (default 10, at most 60).
    pub time_limit: Option<f64>,
    /// Multiplies every budget (a what-if).
    pub budget_factor: Option<f64>,
    /// Also the efficient frontier at this many budget levels.
    pub frontier: Option<usize>,
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

fn solve_options(time_limit: Option<f64>) -> ApiResult<solve::Options> {
    let t = time_limit.unwrap_or(10.0);
    if !(t > 0.0 && t <= 60.0) {
        return Err(ApiError::field(
            "time_limit",
            format!("expected seconds above 0 and at most 60, found {t}"),
        ));
    }
    Ok(solve::Options {
        time_limit: Duration::from_secs_f64(t),
        ..solve::Options::default()
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/roadmap", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), RoadmapQuery),
    responses((status = 200, description = "As `sextant roadmap --format json`", body = Object)))]
async fn roadmap(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<RoadmapQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let objective = objective(q.objective.as_deref())?;
    let opts = solve_options(q.time_limit)?;
    let factor = q.budget_factor.unwrap_or(1.0);
    if !(factor >= 0.0 && factor.is_finite()) {
        return Err(ApiError::field(
            "budget_factor",
            format!("expected a number, 0 or more, found {factor}"),
        ));
    }
    if q.frontier.is_some_and(|n| !(2..=50).contains(&n)) {
        return Err(ApiError::field(
            "frontier",
            "expected 2 to 50 budget levels",
        ));
    }
    let plan = plan(&state, &s).await?;
    let v = tokio::task::spawn_blocking(move || {
        let adjust = Adjust {
            budget_factor: factor,
            ..Adjust::default()
        };
        let r = sextant_roadmap::report::roadmap(&plan, objective, &opts, &adjust);
        let mut v = serde_json::to_value(&r)?;
        if let (Some(levels), Some(obj)) = (q.frontier, v.as_object_mut()) {
            let per = solve::Options {
                time_limit: opts.time_limit.div_f64(levels as f64 + 2.0),
                ..opts
            };
            let f = sextant_roadmap::report::frontier(&plan, objective, levels, &per);
            obj.insert("frontier".into(), serde_json::to_value(f)?);
        }
        Ok::<_, serde_json::Error>(v)
    })
    .await
    .map_err(blocking_error)?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(axum::Json(v).into_response())
}

/// How to simulate.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SimulateQuery {
    /// Trials (default 10,000, at most 1,000,000).
    pub trials: Option<usize>,
    /// Seed (default 1): the same seed gives the same numbers.
    pub seed: Option<u64>,
    /// `pert` (default) or `triangular`.
    pub distribution: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/simulate", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), SimulateQuery),
    responses((status = 200, description = "As `sextant simulate --format json`, on the optimised schedule", body = Object)))]
async fn simulate(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<SimulateQuery>,
) -> ApiResult<Response> {
    use sextant_roadmap::simulate::{self as sim, Shape, SimOptions};
    let s = scope(&state, &caller, &org).await?;
    let trials = q.trials.unwrap_or(10_000);
    if !(1..=1_000_000).contains(&trials) {
        return Err(ApiError::field(
            "trials",
            format!("expected 1 to 1000000, found {trials}"),
        ));
    }
    let shape = match q.distribution.as_deref().unwrap_or("pert") {
        "pert" => Shape::Pert,
        "triangular" => Shape::Triangular,
        other => {
            return Err(ApiError::field(
                "distribution",
                format!("expected pert or triangular, found `{other}`"),
            ));
        }
    };
    let plan = plan(&state, &s).await?;
    let v = tokio::task::spawn_blocking(move || {
        let inst = Instance::from_plan(&plan, Objective::Npv, &Adjust::default());
        let sol = solve::optimise(&inst, &solve::Options::default());
        if !matches!(sol.status, SolveStatus::Optimal | SolveStatus::Feasible) {
            return Err(ApiError::Conflict(
                "the plan has no feasible roadmap to simulate: see GET .../roadmap".into(),
            ));
        }
        let model = sim::Model::new(&plan, &inst, &sol.starts);
        let opts = SimOptions {
            trials,
            seed: q.seed.unwrap_or(1),
            shape,
        };
        let r = sim::simulate(&model, &opts, &|_| {});
        serde_json::to_value(&r).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(blocking_error)??;
    Ok(axum::Json(v).into_response())
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/compare", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), RoadmapQuery),
    responses((status = 200, description = "As `sextant compare --format json`", body = Object)))]
async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<RoadmapQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let objective = objective(q.objective.as_deref())?;
    let opts = solve_options(q.time_limit)?;
    let plan = plan(&state, &s).await?;
    let v = tokio::task::spawn_blocking(move || {
        serde_json::to_value(sextant_roadmap::scenario::compare(&plan, objective, &opts))
    })
    .await
    .map_err(blocking_error)?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(axum::Json(v).into_response())
}

/// Which periods.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
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
    let v = tokio::task::spawn_blocking(move || {
        let (margin, employees) = plan.as_ref().map_or((None, None), |p| {
            (
                p.doc().organization.gross_margin,
                p.doc().organization.employees,
            )
        });
        let table = sextant_ingest::batch::compute(&data, g, None, None, margin, employees);
        serde_json::to_value(&table)
    })
    .await
    .map_err(blocking_error)?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let v = to_bytes(&v)?;
    state.cache.put(&key, fp, v.clone());
    Ok(json(v))
}

/// What to forecast.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ForecastQuery {
    /// The KPI: a metric of the catalogue or a KPI the plan measures.
    pub kpi: String,
    /// Months ahead (default 12, at most 120).
    pub horizon: Option<usize>,
    /// Season length (default: chosen by the model search, 12 when the data allows).
    pub season: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/forecast", tag = "analysis",
    params(("org" = String, Path, description = "The organisation's slug"), ForecastQuery),
    responses((status = 200, description = "As `sextant forecast --format json` on the KPI's monthly series", body = Object)))]
async fn forecast(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ForecastQuery>,
) -> ApiResult<Response> {
    use sextant_metrics::ets;
    let s = scope(&state, &caller, &org).await?;
    let horizon = q.horizon.unwrap_or(12);
    if !(1..=120).contains(&horizon) {
        return Err(ApiError::field(
            "horizon",
            format!("expected 1 to 120 periods, found {horizon}"),
        ));
    }
    let fp = state.store.fingerprint(&s).await?;
    let plan = state.store.plan(&s).await?;
    let data = imported(&state, &s, fp).await?;
    let kpi = q.kpi.clone();
    let v = tokio::task::spawn_blocking(move || {
        let series = sextant_ingest::batch::kpi_series(plan.as_ref(), data.as_deref());
        let Some(points) = series.get(&kpi) else {
            let known: Vec<&str> = series.keys().map(String::as_str).collect();
            return Err(ApiError::field(
                "kpi",
                format!("no measurements of `{kpi}`; measured: {}", known.join(", ")),
            ));
        };
        let periods: Vec<String> = points.keys().map(|m| m.to_string()).collect();
        let values: Vec<f64> = points.values().copied().collect();
        let fit = ets::auto(&values, q.season)
            .map_err(|e| ApiError::field("kpi", format!("{kpi}: {e}")))?;
        let fc = ets::forecast(&fit, horizon);
        let mut v = serde_json::to_value(&fc).map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("kpi".into(), Value::from(kpi));
            obj.insert("periods".into(), Value::from(periods));
            obj.insert("values".into(), Value::from(values));
        }
        Ok(v)
    })
    .await
    .map_err(blocking_error)??;
    Ok(axum::Json(v).into_response())
}

/// Customer lifetime value.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
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
    let v = tokio::task::spawn_blocking(move || {
        let (_staged, staged) = stage_stored(&orders)?;
        let files: Vec<(&std::path::Path, &sextant_ingest::Options)> =
            staged.iter().map(|(_, p, o)| (p.as_path(), o)).collect();
        clv_report(&files, end, unit, horizon, margin, rate)
    })
    .await
    .map_err(blocking_error)??;
    Ok(axum::Json(v).into_response())
}

fn clv_report(
    files: &[(&std::path::Path, &sextant_ingest::Options)],
    end: i32,
    unit: sextant_metrics::bgnbd::Unit,
    horizon: u32,
    margin: f64,
    rate: f64,
) -> ApiResult<Value> {
    sextant_ingest::clv::report(files, end, unit, horizon, margin, rate)
        .map_err(|e| ApiError::field("orders", e))
}
