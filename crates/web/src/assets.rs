//! The asset register and the lifecycle in the API: an asset list imported (CSV or XLSX, every
//! row checked, all or nothing, a re-import updating by serial number or name), the lifecycle
//! worked out from it (warnings, the replacement forecast, ages, ends of support), and the
//! hardware refresh added to the plan. Each asset is stored beside the plan
//! (`/orgs/{org}/plan/assets`, one entity per asset).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sextant_core::asset::{self, Asset, EndOfSupport, Lifecycle, Policy};
use sextant_core::model::Date;
use sextant_ingest::Source;
use sextant_store::{Change, Role, Scope, Section};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::assessments::append_initiatives;
use crate::data::ReadOptions;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;

/// The largest asset list taken, in bytes.
pub const MAX_ASSET_LIST: usize = 16 * 1024 * 1024;

/// The most assets an organisation keeps.
pub const MAX_ASSETS: usize = sextant_store::MAX_BESIDE;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{org}/assets/import",
            post(import).layer(DefaultBodyLimit::max(MAX_ASSET_LIST)),
        )
        .route("/orgs/{org}/lifecycle", get(lifecycle))
        .route("/orgs/{org}/lifecycle/refresh", post(refresh))
}

/// The table of ends of support this installation uses: the file `SEXTANT_END_OF_LIFE` names,
/// else the shipped one. Checked when the server starts ([`check_end_of_support`]).
pub fn end_of_support() -> &'static EndOfSupport {
    static TABLE: std::sync::OnceLock<EndOfSupport> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| match read_configured() {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            tracing::error!(error = %e, "SEXTANT_END_OF_LIFE cannot be read: the shipped table is used");
            asset::shipped_end_of_support().clone()
        }
        None => asset::shipped_end_of_support().clone(),
    })
}

fn read_configured() -> Option<Result<EndOfSupport, String>> {
    let path = std::env::var_os("SEXTANT_END_OF_LIFE")?;
    let path = std::path::PathBuf::from(path);
    Some(
        std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| {
                asset::load_end_of_support(&path.display().to_string(), &text)
                    .map_err(|p| p.render(Some(&text)))
            }),
    )
}

/// Checks the table `SEXTANT_END_OF_LIFE` names, if any: the server refuses to start on one it
/// cannot read, rather than judging every asset by another.
pub fn check_end_of_support() -> Result<(), String> {
    match read_configured() {
        Some(Err(e)) => Err(format!("SEXTANT_END_OF_LIFE: {e}")),
        _ => {
            end_of_support();
            Ok(())
        }
    }
}

/// Every asset of an organisation, in the register's order.
pub async fn all_assets(state: &AppState, s: &Scope) -> ApiResult<Vec<Asset>> {
    state
        .store
        .all_bodies::<Asset>(s, Section::Assets)
        .await
        .map_err(|e| match e {
            sextant_store::StoreError::Corrupt(m) => {
                ApiError::Internal(format!("a stored asset: {m}"))
            }
            e => e.into(),
        })
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// Rows read.
    pub rows: u64,
    /// Assets new to the register.
    pub added: usize,
    /// Assets already there (same serial number, or same name without one) that changed.
    pub updated: usize,
    /// The column each field was read from.
    pub columns: Vec<(String, String)>,
}

/// Reads an asset list and merges it into the organisation's register in one change: every row
/// good, or nothing stored.
pub async fn import_list(
    state: &AppState,
    s: &Scope,
    name: &str,
    bytes: Bytes,
    reading: &ReadOptions,
) -> ApiResult<Imported> {
    s.require(Role::Editor)?;
    let (opts, _) = reading.parse()?.with_map();
    // A workbook sent without a name that says so would read as CSV, and fail obscurely.
    if bytes.starts_with(b"PK\x03\x04") && !reading.is_workbook() {
        return Err(ApiError::field(
            "name",
            format!(
                "{name}: the file is a workbook (XLSX) but its name does not say so: send `?name=assets.xlsx`"
            ),
        ));
    }
    let source = Source::bytes(name.to_string(), bytes);
    let (list, report) =
        tokio::task::spawn_blocking(move || sextant_ingest::assets::read_assets(source, &opts))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| match e {
                sextant_ingest::ImportError::BadRows(rows) => ApiError::Invalid(
                    format!(
                        "{name}: {}",
                        sextant_ingest::ImportError::BadRows(rows.clone())
                    ),
                    rows.iter()
                        .take(1000)
                        .map(crate::data::row_problem)
                        .collect(),
                ),
                other => crate::data::unreadable(name, other),
            })?;
    let too_many = |n: usize| {
        ApiError::field(
            "",
            format!("{name}: the register would hold {n} assets; at most {MAX_ASSETS} are kept"),
        )
    };
    if list.len() > MAX_ASSETS {
        return Err(too_many(list.len()));
    }
    let mut register = all_assets(state, s).await?;
    let before: std::collections::HashMap<String, Asset> =
        register.iter().map(|a| (a.id.clone(), a.clone())).collect();
    let (added, updated) = asset::merge(&mut register, list);
    if register.len() > MAX_ASSETS {
        return Err(too_many(register.len()));
    }
    let changed: Vec<Value> = register
        .iter()
        .filter(|a| before.get(&a.id) != Some(*a))
        .map(|a| serde_json::to_value(a).map_err(|e| ApiError::Internal(e.to_string())))
        .collect::<ApiResult<_>>()?;
    if !changed.is_empty() {
        state
            .store
            .change_plan(s, Change::Upsert(Section::Assets, changed))
            .await?;
    }
    Ok(Imported {
        rows: report.rows,
        added,
        updated,
        columns: report.columns,
    })
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/assets/import", tag = "lifecycle",
    request_body(content = String, description = "The asset list: CSV, or XLSX when `name` ends in .xlsx", content_type = "application/octet-stream"),
    params(("org" = String, Path, description = "The organisation's slug"), ReadOptions),
    responses((status = 200, description = "Rows read, assets added and updated, the column of each field", body = Imported),
              (status = 422, description = "Bad rows, each with its line, column, what was expected and what was found; nothing stored", body = crate::error::Problem)))]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(reading): Query<ReadOptions>,
    _: crate::extract::FileBody,
    body: Bytes,
) -> ApiResult<axum::Json<Imported>> {
    let s = scope(&state, &caller, &org).await?;
    let name = reading
        .name
        .clone()
        .unwrap_or_else(|| "assets.csv".to_string());
    Ok(axum::Json(
        import_list(&state, &s, &name, body, &reading).await?,
    ))
}

/// The lifecycle's options.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct LifecycleQuery {
    /// Fiscal years of forecast (1 to 10, default 3).
    #[serde(default)]
    pub years: Option<u32>,
    /// The day to judge on, `YYYY-MM-DD` (default: today).
    #[serde(default)]
    pub today: Option<String>,
}

impl LifecycleQuery {
    fn read(&self) -> ApiResult<(u32, Date)> {
        let years = self.years.unwrap_or(3);
        if !(1..=10).contains(&years) {
            return Err(ApiError::field(
                "years",
                format!("expected 1 to 10 years, found {years}"),
            ));
        }
        let today = match &self.today {
            None => crate::ui::today_date().unwrap_or_else(|| Date::from_days(0)),
            Some(t) => Date::parse(t).ok_or_else(|| {
                ApiError::field("today", format!("expected a day YYYY-MM-DD, found `{t}`"))
            })?,
        };
        Ok((years, today))
    }
}

/// The organisation's lifecycle policy (its plan's `organization.lifecycle`, defaults without)
/// and fiscal year's first month.
pub async fn policy(state: &AppState, s: &Scope) -> ApiResult<(Policy, u32)> {
    let plan = state.store.plan(s).await?;
    Ok(plan.map_or((Policy::default(), 1), |p| {
        let o = &p.doc().organization;
        (o.lifecycle.clone().unwrap_or_default(), o.fiscal_year_start)
    }))
}

/// The lifecycle of an organisation's assets on `today`.
pub async fn worked_out(
    state: &AppState,
    s: &Scope,
    today: Date,
    years: u32,
) -> ApiResult<(Vec<Asset>, Lifecycle, Policy)> {
    let list = all_assets(state, s).await?;
    let (policy, fys) = policy(state, s).await?;
    let lc = asset::lifecycle(&list, end_of_support(), &policy, today, fys, years);
    Ok((list, lc, policy))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/lifecycle", tag = "lifecycle",
    params(("org" = String, Path, description = "The organisation's slug"), LifecycleQuery),
    responses((status = 200, description = "As `sextant assets FILE --format json`: totals, warnings (out of warranty or support, or within the warning months; past the replacement age), each asset's standing, replacements by fiscal quarter and year, ages by type and the timeline of ends of support", body = Object),
              (status = 422, body = crate::error::Problem)))]
async fn lifecycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<LifecycleQuery>,
) -> ApiResult<axum::Json<Lifecycle>> {
    let s = scope(&state, &caller, &org).await?;
    let (years, today) = q.read()?;
    let (_, lc, _) = worked_out(&state, &s, today, years).await?;
    Ok(axum::Json(lc))
}

/// Adds the hardware refresh for what falls due within 12 months of `today` to the plan; the
/// initiative added, or `None` when nothing is due or the plan has it already.
pub async fn add_refresh(state: &AppState, s: &Scope, today: Date) -> ApiResult<Option<Value>> {
    s.require(Role::Editor)?;
    let plan = crate::analysis::plan(state, s).await?;
    let (_, lc, policy) = worked_out(state, s, today, 1).await?;
    let (earliest, last) = asset::refresh_window(Some(&plan.doc().organization), today);
    let Some(init) = asset::refresh_initiative(&lc, &policy, earliest, last) else {
        return Ok(None);
    };
    let id = init["id"].as_str().unwrap_or_default();
    if plan.doc().initiatives.iter().any(|i| i.id.as_str() == id) {
        return Err(ApiError::Conflict(format!(
            "the plan has `{id}` already: change it on its page, or remove it first"
        )));
    }
    append_initiatives(state, s, &plan, vec![init.clone()]).await?;
    Ok(Some(init))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/lifecycle/refresh", tag = "lifecycle",
    params(("org" = String, Path, description = "The organisation's slug"), LifecycleQuery),
    responses((status = 201, description = "The hardware refresh initiative added to the plan: the devices due within 12 months, their cost, and a deadline (`done_by`) when any loses support", body = Object),
              (status = 204, description = "Nothing falls due within 12 months"),
              (status = 409, body = crate::error::Problem)))]
async fn refresh(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<LifecycleQuery>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let s = scope(&state, &caller, &org).await?;
    let (_, today) = q.read()?;
    Ok(match add_refresh(&state, &s, today).await? {
        Some(init) => (StatusCode::CREATED, axum::Json(init)),
        None => (StatusCode::NO_CONTENT, axum::Json(Value::Null)),
    })
}
