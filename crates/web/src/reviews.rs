//! The review cadence through the API: the agenda of the next review (when it is due, the
//! actions still open, the last review's decisions, the KPIs that moved, the goals off track,
//! the assessments made and the lifecycle warnings since the last review), and an action's
//! status. Reviews themselves, with their actions, are a section beside the plan
//! (`/api/v1/orgs/{org}/plan/reviews`).
//!
//! Routes: `GET /api/v1/orgs/{org}/agenda`, `POST /api/v1/orgs/{org}/reviews/{id}/actions/{n}`.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use sextant_core::model::Date;
use sextant_core::review::{self, Agenda, Meeting, Seen, Status};
use sextant_store::{Change, Review, Role, Scope, Section, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Path, Query};
use crate::orgs::scope;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/agenda", get(agenda))
        .route("/orgs/{org}/reviews/{id}/actions/{n}", post(set_action))
}

/// `body` (a review as sent) with its `snapshot` set by the server: each KPI it names as it
/// stood on the review's day (its last figure for a month up to the review's own, from
/// `series`), the figures of the review as already stored (`kept`) kept as they were, so that
/// an old review goes on showing what was looked at. A snapshot sent by a client is replaced.
pub fn with_snapshot(
    body: &mut serde_json::Value,
    series: Option<&sextant_core::kpi::Series>,
    kept: &[Seen],
) {
    let Some(o) = body.as_object_mut() else {
        return;
    };
    let day = o
        .get("date")
        .and_then(serde_json::Value::as_str)
        .and_then(Date::parse);
    let kpis: Vec<String> = o
        .get("kpis")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<Seen> = Vec::new();
    for k in &kpis {
        if let Some(f) = kept.iter().find(|f| &f.kpi == k) {
            out.push(f.clone());
            continue;
        }
        let (Some(day), Some(s)) = (day, series.and_then(|s| s.get(k))) else {
            continue;
        };
        if let Some((m, v)) = s.range(..=day.month()).next_back() {
            out.push(Seen {
                kpi: k.clone(),
                month: *m,
                value: *v,
            });
        }
    }
    if out.is_empty() {
        o.remove("snapshot");
    } else if let Ok(v) = serde_json::to_value(out) {
        o.insert("snapshot".into(), v);
    }
}

/// [`with_snapshot`] for a review about to be stored in `s`: the series of its plan and data,
/// and the snapshot of the review stored under `key` (when it is a change of one).
pub async fn snapshot_for(
    state: &AppState,
    s: &Scope,
    key: Option<&str>,
    body: &mut serde_json::Value,
) -> ApiResult<()> {
    let analysed = crate::ui::compute::analysed_in(state, s).await?;
    let kept = match key {
        Some(k) => match state.store.entity(s, Section::Reviews, k).await {
            Ok(e) => serde_json::from_value::<Review>(e.body)
                .map(|r| r.snapshot)
                .unwrap_or_default(),
            Err(StoreError::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        None => Vec::new(),
    };
    with_snapshot(body, analysed.as_ref().map(|a| &a.series), &kept);
    Ok(())
}

/// Every review of the organisation, as stored.
pub async fn all_reviews(state: &AppState, s: &Scope) -> ApiResult<Vec<(String, Review)>> {
    Ok(state
        .store
        .all_entities(s, Section::Reviews)
        .await?
        .into_iter()
        .filter_map(|e| Some((e.key, serde_json::from_value(e.body).ok()?)))
        .collect())
}

/// The agenda of the organisation's next review, prepared on `today`: from its reviews, its
/// plan's analysis, its assessments and its asset register.
pub async fn agenda_of(state: &AppState, s: &Scope, today: Date) -> ApiResult<Agenda> {
    let meetings: Vec<Meeting> = all_reviews(state, s)
        .await?
        .iter()
        .filter_map(|(_, r)| r.meeting())
        .collect();
    let assessments = scored_assessments(state, s).await?;
    let (list, lc, _) = crate::assets::worked_out(state, s, today, 1).await?;
    let analysed = crate::ui::compute::analysed_in(state, s).await?;
    Ok(review::agenda(&review::Inputs {
        today,
        doc: analysed.as_ref().map(|a| a.plan.doc()),
        analysis: analysed.as_ref().map(|a| &a.analysis),
        series: analysed.as_ref().map(|a| &a.series),
        meetings: &meetings,
        assessments: &assessments,
        lifecycle: (!list.is_empty()).then_some(&lc),
    }))
}

/// Every assessment of the organisation that reads, scored, with its id.
pub async fn scored_assessments(
    state: &AppState,
    s: &Scope,
) -> ApiResult<Vec<(String, sextant_core::standard::Scored)>> {
    let mut assessments = Vec::new();
    for e in state.store.all_entities(s, Section::Assessments).await? {
        let Ok(a) = serde_json::from_value::<sextant_store::Assessment>(e.body) else {
            continue;
        };
        if let Ok((standard, answers)) = a.read() {
            assessments.push((e.key, sextant_core::standard::score(standard, &answers)));
        }
    }
    Ok(assessments)
}

/// The day to prepare the agenda on.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgendaQuery {
    /// The day, `YYYY-MM-DD` (default: today).
    #[serde(default)]
    pub today: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/agenda", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"), AgendaQuery),
    responses((status = 200, description = "As `sextant review --format json`: the months between reviews, the last review, when the next is due (`next.state` due or overdue, `next.by`), the day changes are counted from, the agenda's items in order (topic action, decision, kpi, goal, assessment or lifecycle; the sentence; the page that explains it, relative to the organisation) and every action not done (overdue first, with the review it was agreed at and how many reviews it was carried over)", body = Object),
              (status = 422, body = crate::error::Problem)))]
async fn agenda(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<AgendaQuery>,
) -> ApiResult<axum::Json<Agenda>> {
    let s = scope(&state, &caller, &org).await?;
    let today = crate::summary::day(q.today.as_deref())?;
    Ok(axum::Json(agenda_of(&state, &s, today).await?))
}

/// An action's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStatus {
    /// `open`, `in_progress` or `done`.
    pub status: String,
}

/// Sets the status of action `n` (from 0) of review `id`; the review as stored after.
pub async fn set_status(
    state: &AppState,
    s: &Scope,
    id: &str,
    n: usize,
    status: Status,
) -> ApiResult<Review> {
    s.require(Role::Editor)?;
    let e = state
        .store
        .entity(s, Section::Reviews, id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => ApiError::NotFound(format!("review `{id}`")),
            other => other.into(),
        })?;
    let mut r: Review =
        serde_json::from_value(e.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let count = r.actions.len();
    let Some(a) = r.actions.get_mut(n) else {
        return Err(ApiError::NotFound(format!(
            "action {n} of review `{id}` (it has {count}, numbered from 0)"
        )));
    };
    a.status = status;
    let body = serde_json::to_value(&r).map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .store
        .change_plan(s, Change::Put(Section::Reviews, id.to_string(), body))
        .await?;
    Ok(r)
}

/// The status written `word`, or a refusal naming the field.
pub fn status_of(word: &str) -> ApiResult<Status> {
    Status::parse(word).ok_or_else(|| {
        ApiError::field(
            "status",
            format!("expected `open`, `in_progress` or `done`, found `{word}`"),
        )
    })
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/reviews/{id}/actions/{n}", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id"),
           ("n" = usize, Path, description = "The action's place in the review's actions, from 0")),
    request_body = ActionStatus,
    responses((status = 200, description = "The review with the action's new status (an action done is no longer carried over)", body = Object),
              (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
async fn set_action(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id, n)): Path<(String, String, usize)>,
    Json(body): Json<ActionStatus>,
) -> ApiResult<axum::Json<Review>> {
    let s = scope(&state, &caller, &org).await?;
    let status = status_of(&body.status)?;
    Ok(axum::Json(set_status(&state, &s, &id, n, status).await?))
}
