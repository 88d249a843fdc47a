//! The review cadence through the API: the agenda of the next review (when it is due, the
//! actions still open, the last review's decisions, the KPIs that moved, the goals off track,
//! the assessments made and the lifecycle warnings since the last review), and an action's
//! status. Reviews themselves, with their actions, are a section beside the plan
//! (`/api/v1/orgs/{org}/plan/reviews`).
//!
//! The client's answers: any member (a viewer is the client) approves or declines an
//! initiative the review proposed, or its budget, with a comment; the answer keeps their name,
//! the day and what they were shown. An initiative approved while a candidate becomes planned;
//! an editor may then pin it, keeping it on the roadmap from the month it was scheduled.
//!
//! Routes: `GET /api/v1/orgs/{org}/agenda`, `POST /api/v1/orgs/{org}/reviews/{id}/actions/{n}`,
//! `POST /api/v1/orgs/{org}/reviews/{id}/answers`, `POST /api/v1/orgs/{org}/initiatives/{id}/pin`.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use sextant_core::model::Date;
use sextant_core::review::{self, About, Agenda, Answer, Meeting, Seen, Status, Verdict};
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
        .route("/orgs/{org}/reviews/{id}/answers", post(post_answer))
        .route("/orgs/{org}/initiatives/{id}/pin", post(post_pin))
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
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
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

/// The longest comment an answer keeps, in characters.
pub const COMMENT_CHARS: usize = 2_000;

/// A client's answer as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// `initiative` or `budget`.
    pub about: String,
    /// The initiative's id, with `about: initiative`.
    #[serde(default)]
    pub initiative: Option<String>,
    /// `approved` or `declined` (`approve` and `decline` are taken too).
    pub verdict: String,
    /// What the client says (at most 2,000 characters).
    #[serde(default)]
    pub comment: Option<String>,
    /// Who answered, when an editor records an answer given elsewhere (by e-mail, at the
    /// meeting); a viewer answers in their own name only. Default: the caller's name.
    #[serde(default)]
    pub by: Option<String>,
}

impl AnswerBody {
    /// The answer's subject and verdict, each problem naming its field.
    pub fn check(&self) -> ApiResult<(About, Option<String>, Verdict, Option<String>)> {
        let about = match self.about.trim() {
            "initiative" => About::Initiative,
            "budget" => About::Budget,
            other => {
                return Err(ApiError::field(
                    "about",
                    format!("expected `initiative` or `budget`, found `{other}`"),
                ));
            }
        };
        let initiative = self
            .initiative
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_string);
        match (about, &initiative) {
            (About::Initiative, None) => {
                return Err(ApiError::field(
                    "initiative",
                    "expected the id of the initiative answered, found none",
                ));
            }
            (About::Budget, Some(i)) => {
                return Err(ApiError::field(
                    "initiative",
                    format!("expected no initiative in an answer about the budget, found `{i}`"),
                ));
            }
            _ => {}
        }
        let verdict = Verdict::parse(self.verdict.trim()).ok_or_else(|| {
            ApiError::field(
                "verdict",
                format!(
                    "expected `approved` or `declined`, found `{}`",
                    self.verdict
                ),
            )
        })?;
        let comment = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if let Some(c) = &comment {
            let n = c.chars().count();
            if n > COMMENT_CHARS {
                return Err(ApiError::field(
                    "comment",
                    format!("expected at most {COMMENT_CHARS} characters, found {n}"),
                ));
            }
        }
        Ok((about, initiative, verdict, comment))
    }
}

/// Records `body` on review `id` as `user`'s answer (or, for an editor, as `body.by`'s), on
/// today's date, with what was shown for it (the initiative's start and costs on the kept
/// roadmap, or the budget's years as the summary states them); the review as stored after.
pub async fn answer(
    state: &AppState,
    s: &Scope,
    user: &sextant_store::User,
    id: &str,
    body: &AnswerBody,
) -> ApiResult<Review> {
    let (about, initiative, verdict, comment) = body.check()?;
    let own = if user.name.trim().is_empty() {
        user.email.clone()
    } else {
        user.name.clone()
    };
    let by = match body.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) if b != own => {
            if s.role() < Role::Editor {
                return Err(ApiError::Forbidden(format!(
                    "a viewer answers in their own name (`{own}`); an editor may record an answer given by someone else"
                )));
            }
            if b.chars().count() > 200 {
                return Err(ApiError::field(
                    "by",
                    "expected a name of at most 200 characters",
                ));
            }
            b.to_string()
        }
        _ => own,
    };
    let today = crate::ui::today_date().unwrap_or_else(|| Date::from_days(0));
    let shown = shown(state, s, about, initiative.as_deref(), today).await?;
    let answer = Answer {
        about,
        initiative: initiative.clone(),
        verdict,
        by,
        on: today,
        comment,
        shown,
    };
    let stored = state
        .store
        .answer(s, id, answer)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(what) if what.starts_with("reviews/") => {
                ApiError::NotFound(format!("review `{id}`"))
            }
            StoreError::NotFound(_) => ApiError::NotFound(format!(
                "initiative `{}`: the plan has no such initiative",
                initiative.as_deref().unwrap_or("")
            )),
            other => other.into(),
        })?;
    serde_json::from_value(stored).map_err(|e| ApiError::Internal(e.to_string()))
}

/// What a client answering about `about` (initiative `initiative`) is shown on `today`: the
/// initiative's start on the kept roadmap and its costs, or the budget's next two fiscal years
/// as the summary states them; `None` when there is no plan (or no such initiative).
pub async fn shown(
    state: &AppState,
    s: &Scope,
    about: About,
    initiative: Option<&str>,
    today: Date,
) -> ApiResult<Option<String>> {
    let Some(a) = crate::ui::compute::analysed_in(state, s).await? else {
        return Ok(None);
    };
    let planned = crate::ui::compute::roadmap_in(state, s, a.plan.clone(), 1.0, None).await?;
    Ok(match (about, initiative) {
        (About::Initiative, Some(i)) => {
            sextant_ops::summary::shown_initiative(&a.plan, &planned.roadmap, i)
        }
        _ => Some(budget_shown(state, s, &a.plan, &planned.roadmap, today).await?),
    })
}

/// What a client answering about the budget on `today` is shown: its next two fiscal years on
/// `roadmap`, with the asset register's replacements, as the summary states them.
pub async fn budget_shown(
    state: &AppState,
    s: &Scope,
    plan: &sextant_core::Plan,
    roadmap: &sextant_roadmap::report::Roadmap,
    today: Date,
) -> ApiResult<String> {
    let (list, lc, _) = crate::assets::worked_out(state, s, today, 1).await?;
    let lifecycle = (!list.is_empty()).then_some(&lc);
    let budget = sextant_ops::summary::budget_of(plan, roadmap, lifecycle);
    Ok(sextant_ops::summary::shown_budget(plan, &budget, today))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/reviews/{id}/answers", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The review's id")),
    request_body = AnswerBody,
    responses((status = 200, description = "The review with the answer (`answers`: about, initiative, verdict, by, on, comment, shown), replacing an earlier answer about the same initiative or the budget; an initiative approved while a candidate is now planned", body = Object),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
async fn post_answer(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Json(body): Json<AnswerBody>,
) -> ApiResult<axum::Json<Review>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(
        answer(&state, &s, &caller.user, &id, &body).await?,
    ))
}

/// Pins initiative `id` (an editor's choice once it is approved): its start fixed at the month
/// the kept roadmap schedules it (`start`), kept on the roadmap (`mandatory`), planned if it
/// was a candidate. The initiative as stored after.
pub async fn pin(state: &AppState, s: &Scope, id: &str) -> ApiResult<serde_json::Value> {
    s.require(Role::Editor)?;
    let Some(a) = crate::ui::compute::analysed_in(state, s).await? else {
        return Err(ApiError::NotFound(
            "plan (import a plan first: PUT /api/v1/orgs/{org}/plan)".into(),
        ));
    };
    let Some(x) = a
        .plan
        .doc()
        .initiatives
        .iter()
        .find(|x| x.id.as_str() == id)
    else {
        return Err(ApiError::NotFound(format!(
            "initiative `{id}`: the plan has no such initiative"
        )));
    };
    let planned = crate::ui::compute::roadmap_in(state, s, a.plan.clone(), 1.0, None).await?;
    let Some(at) = planned.roadmap.schedule.iter().find(|e| e.id == id) else {
        return Err(ApiError::Conflict(format!(
            "initiative `{id}` is not on the roadmap, so it has no month to pin it at: set its start on its page"
        )));
    };
    let mut body = serde_json::to_value(x).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(o) = body.as_object_mut() {
        o.insert("start".into(), serde_json::Value::from(at.start.clone()));
        o.insert("mandatory".into(), serde_json::Value::Bool(true));
        if x.status == sextant_core::model::Status::Candidate {
            o.insert("status".into(), serde_json::Value::from("planned"));
        }
    }
    let stored = state
        .store
        .change_plan(s, Change::Put(Section::Initiatives, id.to_string(), body))
        .await?;
    Ok(stored.unwrap_or_default())
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/initiatives/{id}/pin", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"),
           ("id" = String, Path, description = "The initiative's id")),
    responses((status = 200, description = "The initiative as stored: `start` the month the roadmap schedules it, `mandatory` true, `planned` if it was a candidate", body = Object),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)))]
async fn post_pin(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let s = scope(&state, &caller, &org).await?;
    Ok(axum::Json(pin(&state, &s, &id).await?))
}
