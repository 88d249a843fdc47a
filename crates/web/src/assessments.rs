//! Standards and assessments in the API: the shipped standards, an assessment's score, and the
//! remedies of its missing controls added to the plan as initiatives. Assessments themselves are
//! stored beside the plan (`/orgs/{org}/plan/assessments`, checked against their standard).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;
use sextant_core::standard::{self, Scored, Standard};
use sextant_store::{Assessment, Change, Role, Scope, Section};
use utoipa::ToSchema;

use crate::AppState;
use crate::analysis::plan;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path};
use crate::orgs::scope;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/standards", get(list))
        .route("/standards/{id}", get(one))
        .route("/orgs/{org}/assessments/{id}/score", get(score))
        .route(
            "/orgs/{org}/assessments/{id}/initiatives",
            post(add_initiatives),
        )
}

#[utoipa::path(get, path = "/api/v1/standards", tag = "assessments",
    responses((status = 200, description = "The standards an organisation can be assessed against (as `sextant standards --format json`)", body = Object)))]
async fn list(_caller: Caller) -> ApiResult<axum::Json<Value>> {
    Ok(axum::Json(Value::Array(
        standard::shipped().iter().map(Standard::summary).collect(),
    )))
}

#[utoipa::path(get, path = "/api/v1/standards/{id}", tag = "assessments",
    params(("id" = String, Path, description = "The standard's id")),
    responses((status = 200, description = "The whole standard: sections, controls with question, guidance, weight and remedy", body = Object),
              (status = 404, body = crate::error::Problem)))]
async fn one(_caller: Caller, Path(id): Path<String>) -> ApiResult<axum::Json<Value>> {
    let s = find(&id)?;
    serde_json::to_value(s)
        .map(axum::Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The shipped standard with this id.
pub fn find(id: &str) -> ApiResult<&'static Standard> {
    standard::shipped()
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("standard `{id}`")))
}

/// A stored assessment, its standard and its score.
pub async fn scored(
    state: &AppState,
    s: &Scope,
    id: &str,
) -> ApiResult<(Assessment, &'static Standard, Scored)> {
    let e = state.store.entity(s, Section::Assessments, id).await?;
    let a: Assessment =
        serde_json::from_value(e.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (standard, answers) = a
        .read()
        .map_err(|(field, message)| ApiError::Internal(format!("{field}: {message}")))?;
    let scored = standard::score(standard, &answers);
    Ok((a, standard, scored))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/assessments/{id}/score", tag = "assessments",
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 200, description = "As `sextant assess --format json`: the overall and per-section scores (met 1, partly 0.5, not met 0, weighted; unknown left out, `known` the share of the weight answered) and the controls not met or partly met, heaviest first", body = Object),
              (status = 404, body = crate::error::Problem)))]
async fn score(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let s = scope(&state, &caller, &org).await?;
    let (_, _, scored) = scored(&state, &s, &id).await?;
    serde_json::to_value(&scored)
        .map(axum::Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Which remedies to add.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AddRemedies {
    /// The controls whose remedies to add (default: every control not met or partly met that
    /// has one).
    #[serde(default)]
    pub controls: Option<Vec<String>>,
    /// A goal the new initiatives serve (strength 2).
    #[serde(default)]
    pub goal: Option<String>,
}

/// The initiatives (plan file form) that close `controls` of an assessment (every gap with a
/// remedy when `None`), those already in the plan left out; refused when a control named is not
/// a gap with a remedy or the goal is not the plan's.
pub fn remedies(
    plan: &sextant_core::Plan,
    standard: &Standard,
    scored: &Scored,
    controls: Option<&[String]>,
    goal: Option<&str>,
) -> ApiResult<Vec<Value>> {
    if let Some(g) = goal
        && !plan.doc().goals.iter().any(|x| x.id.as_str() == g)
    {
        return Err(ApiError::field(
            "goal",
            format!("expected a goal of the plan, found `{g}`"),
        ));
    }
    let gaps: Vec<&str> = scored
        .gaps
        .iter()
        .filter(|g| g.has_remedy)
        .map(|g| g.control.as_str())
        .collect();
    let chosen: Vec<&str> = match controls {
        None => gaps.clone(),
        Some(list) => {
            for c in list {
                if !gaps.contains(&c.as_str()) {
                    return Err(ApiError::field(
                        "controls",
                        format!(
                            "expected a control answered not met or partly that has a remedy, found `{c}`"
                        ),
                    ));
                }
            }
            list.iter().map(String::as_str).collect()
        }
    };
    let have: Vec<&str> = plan
        .doc()
        .initiatives
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    Ok(chosen
        .into_iter()
        .filter_map(|c| standard::remedy_initiative(standard, c, goal))
        .filter(|i| !have.contains(&i["id"].as_str().unwrap_or_default()))
        .collect())
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/assessments/{id}/initiatives", tag = "assessments",
    request_body(content = AddRemedies, description = "Which controls' remedies, and the goal they serve"),
    params(("org" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 201, description = "The initiatives added (those already in the plan are left out), in one change", body = Object),
              (status = 422, body = crate::error::Problem)))]
async fn add_initiatives(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Json(body): Json<AddRemedies>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let s = scope(&state, &caller, &org).await?;
    s.require(Role::Editor)?;
    let (_, standard, scored) = scored(&state, &s, &id).await?;
    let plan = plan(&state, &s).await?;
    let added = remedies(
        &plan,
        standard,
        &scored,
        body.controls.as_deref(),
        body.goal.as_deref(),
    )?;
    append_initiatives(&state, &s, &plan, added.clone()).await?;
    Ok((StatusCode::CREATED, axum::Json(Value::Array(added))))
}

/// Adds initiatives (in the plan file's form) after the plan's own, in one change: the
/// suggestions and the remedies of the API and the pages.
pub async fn append_initiatives(
    state: &AppState,
    s: &Scope,
    plan: &sextant_core::Plan,
    added: Vec<Value>,
) -> ApiResult<()> {
    if added.is_empty() {
        return Ok(());
    }
    let mut list = serde_json::to_value(&plan.doc().initiatives)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(a) = list.as_array_mut() {
        a.extend(added);
    }
    state
        .store
        .change_plan(s, Change::Sections(vec![(Section::Initiatives, list)]))
        .await?;
    Ok(())
}
