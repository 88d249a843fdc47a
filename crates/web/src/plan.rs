//! Plan routes: import (a plan file's YAML or JSON) and export, every entity of the plan by
//! section (goals, initiatives, risks... and reviews and assessments), and the history of
//! changes.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;
use sextant_core::source::MAX_PLAN_BYTES;
use sextant_store::{Change, Entity, HistoryEntry, Page, Section, Shape};
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::extract::{Caller, Json, Path, Query};
use crate::orgs::{PageQuery, scope};

/// The plan routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/plan", get(export).put(import))
        .route(
            "/orgs/{org}/plan/{section}",
            get(list).post(create).put(put_single),
        )
        .route(
            "/orgs/{org}/plan/{section}/{key}",
            get(show).put(put).delete(remove),
        )
        .route("/orgs/{org}/history", get(history))
}

fn section(name: &str) -> ApiResult<Section> {
    Section::parse(name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "section `{name}`: the sections are {}",
            Section::ALL.map(Section::name).join(", ")
        ))
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/plan", tag = "plan",
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "The plan in the plan file's JSON form (`sextant validate` reads it)", body = Object),
              (status = 404, body = crate::error::Problem)))]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let s = scope(&state, &caller, &org).await?;
    let doc = state.store.export_plan(&s).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{org}`: none imported yet (PUT /api/v1/orgs/{org}/plan with a plan file)"
        ))
    })?;
    Ok(axum::Json(doc))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/plan", tag = "plan",
    request_body(content = String, description = "A plan file, YAML or JSON, of at most 10 MiB", content_type = "application/yaml"),
    params(("org" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "The plan as stored", body = Object),
              (status = 413, description = "The file is larger than 10 MiB", body = crate::error::Problem),
              (status = 422, description = "Every problem, with line, column and field path; nothing was changed", body = crate::error::Problem)))]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    headers: HeaderMap,
    _: crate::extract::FileBody,
    body: axum::body::Body,
) -> ApiResult<axum::Json<Value>> {
    let s = scope(&state, &caller, &org).await?;
    s.require(sextant_store::Role::Editor)?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("plan.yaml")
        .to_string();
    let bytes = axum::body::to_bytes(body, MAX_PLAN_BYTES)
        .await
        .map_err(|_| plan_too_large())?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::BadRequest(format!(
            "the plan file is not text in UTF-8 (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    drop(bytes);
    let stored = import_text(&state, &s, &name, text).await?;
    tracing::info!(org = %org, user = caller.user.id, "plan imported");
    Ok(axum::Json(stored))
}

/// A plan file beyond [`MAX_PLAN_BYTES`].
pub fn plan_too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "the plan file is larger than the {} MiB a plan file may be",
        MAX_PLAN_BYTES / (1024 * 1024)
    ))
}

/// Replaces the organisation's plan with a plan file's text (YAML or JSON), checked as the CLI
/// checks it: every problem with its line, column and field path, and nothing changed, when it
/// is not valid. The plan as stored. The text is read under the CPU budget ([`crate::work`]),
/// off the async workers: a plan of 10 MiB takes about a second to read.
pub async fn import_text(
    state: &AppState,
    s: &sextant_store::Scope,
    name: &str,
    text: String,
) -> ApiResult<Value> {
    let name = name.to_string();
    // The one parse of this change: the store keeps the checked plan for the reads after it.
    let plan = state
        .work
        .run(s.org_id(), 1, move |_| {
            sextant_core::load_plan(&name, &text).map_err(|e| {
                ApiError::Invalid(
                    format!("the plan has {} problem(s); nothing was changed", e.0.len()),
                    e.0.iter()
                        .map(|p| FieldProblem::from_plan(p, true))
                        .collect(),
                )
            })
        })
        .await?;
    Ok(state
        .store
        .change_plan(s, Change::Import(std::sync::Arc::new(plan)))
        .await?
        .unwrap_or(Value::Null))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/plan/{section}", tag = "plan",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("section" = String, Path, description = "organization, swot, strategy, goals, kpis, staff, systems, integrations, initiatives, risks, constraints, phases, radar, measurements, scenarios, reviews or assessments (`{id, standard, date, assessor, answers: {CONTROL: met | partly | not_met | not_applicable | unknown}}`, checked against the shipped standard)"),
           PageQuery),
    responses((status = 200, description = "A single-object section's entity, or a page of a list's", body = crate::error::ListPage)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let sec = section(&name)?;
    if sec.shape() == Shape::Single {
        return Ok(axum::Json(state.store.entity(&s, sec, "").await?).into_response());
    }
    let p: Page<Entity> = state.store.entities(&s, sec, q.paging()).await?;
    Ok(axum::Json(p).into_response())
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/plan/{section}", tag = "plan",
    request_body(content = Object, description = "The entity as in the plan file (a measurement: {kpi, values: {YYYY-MM: number}})"),
    params(("org" = String, Path, description = "The organisation's slug"), ("section" = String, Path, description = "A list section")),
    responses((status = 201, description = "The entity as stored", body = Object),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let s = scope(&state, &caller, &org).await?;
    let sec = section(&name)?;
    if sec.shape() == Shape::Single {
        return Err(ApiError::BadRequest(format!(
            "`{name}` is one object: PUT /api/v1/orgs/{org}/plan/{name} replaces it"
        )));
    }
    let mut body = body;
    if sec == Section::Reviews {
        crate::reviews::snapshot_for(&state, &s, None, &mut body).await?;
    }
    let v = state
        .store
        .change_plan(&s, Change::Create(sec, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.unwrap_or(Value::Null))))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/plan/{section}", tag = "plan",
    request_body(content = Object, description = "The whole section as in the plan file: an object for organization, swot, strategy, constraints and measurements, a list for the others (it replaces the whole list, in the order given). On an organisation without a plan, `organization` starts one."),
    params(("org" = String, Path, description = "The organisation's slug"), ("section" = String, Path, description = "Any section of the plan (not reviews nor assessments)")),
    responses((status = 200, description = "The section as stored", body = Object), (status = 422, body = crate::error::Problem)))]
async fn put_single(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<axum::Json<Value>> {
    let s = scope(&state, &caller, &org).await?;
    let sec = section(&name)?;
    let expected = match sec.shape() {
        Shape::List(_) => body.is_array().then_some(()).ok_or("a list"),
        Shape::Single | Shape::Map => body.is_object().then_some(()).ok_or("an object"),
    };
    if let Err(what) = expected {
        return Err(ApiError::Invalid(
            format!("`{name}` is replaced whole by {what}"),
            vec![FieldProblem::new(
                name.as_str(),
                format!("expected {what}, found {}", json_kind(&body)),
            )],
        ));
    }
    let plan = state
        .store
        .change_plan(&s, Change::Sections(vec![(sec, body)]))
        .await?
        .unwrap_or(Value::Null);
    Ok(axum::Json(
        plan.get(sec.name()).cloned().unwrap_or(Value::Null),
    ))
}

/// What kind of JSON value `v` is, for messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/plan/{section}/{key}", tag = "plan",
    params(("org" = String, Path, description = "The organisation's slug"), ("section" = String, Path, description = "A list section"),
           ("key" = String, Path, description = "The entry's id (name for staff and scenarios, technology for the radar, FROM->TO for integrations, KPI id for measurements)")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::Problem)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name, key)): Path<(String, String, String)>,
) -> ApiResult<axum::Json<Entity>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(
        state.store.entity(&s, section(&name)?, &key).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/plan/{section}/{key}", tag = "plan",
    request_body(content = Object, description = "The entry as in the plan file"),
    params(("org" = String, Path, description = "The organisation's slug"), ("section" = String, Path, description = "A list section"), ("key" = String, Path, description = "The entry's key")),
    responses((status = 200, body = Object), (status = 422, body = crate::error::Problem)))]
async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name, key)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<axum::Json<Value>> {
    let s = scope(&state, &caller, &org).await?;
    let sec = section(&name)?;
    let mut body = body;
    if sec == Section::Reviews {
        crate::reviews::snapshot_for(&state, &s, Some(&key), &mut body).await?;
    }
    let v = state
        .store
        .change_plan(&s, Change::Put(sec, key, body))
        .await?;
    Ok(axum::Json(v.unwrap_or(Value::Null)))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/plan/{section}/{key}", tag = "plan",
    params(("org" = String, Path, description = "The organisation's slug"), ("section" = String, Path, description = "A list section"), ("key" = String, Path, description = "The entry's key")),
    responses((status = 204, description = "Removed"), (status = 422, description = "Something still refers to it", body = crate::error::Problem)))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, name, key)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let s = scope(&state, &caller, &org).await?;
    state
        .store
        .change_plan(&s, Change::Delete(section(&name)?, key))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which history to list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only this plan section, or `datasets`, `members` or `org`.
    pub section: Option<String>,
    /// Only this entity (with `section`).
    pub key: Option<String>,
    /// Items to skip.
    pub offset: Option<i64>,
    /// Items to return, 1 to 500.
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/history", tag = "plan",
    params(("org" = String, Path, description = "The organisation's slug"), HistoryQuery),
    responses((status = 200, body = crate::error::ListPage)))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<axum::Json<Page<HistoryEntry>>> {
    let s = scope(&state, &caller, &org).await?;
    let p = state
        .store
        .history(
            &s,
            q.section.as_deref(),
            q.key.as_deref(),
            sextant_store::Paging::new(q.offset, q.limit),
        )
        .await?;
    Ok(axum::Json(p))
}
