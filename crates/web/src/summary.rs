//! The executive summary through the API: one page in the owner's words (what the plan does
//! for each goal, what it costs this year and next, the chance it loses money, the decisions
//! asked of the owner, what changed since the last review, what is at risk), made by
//! `sextant_ops::summary` from the organisation's analysis, its optimised roadmap (the one the
//! pages keep), the budget on that roadmap with the asset register's replacements, the
//! simulation of that roadmap and the agenda of its next review: as `sextant summary` makes it.
//!
//! The review pack: the same summary with the roadmap, budget, business cases, risks,
//! assessments, devices and reviews, typeset by `sextant_pack` as a PDF document or 16:9
//! slides, as `sextant report --format pdf|slides` writes it.
//!
//! Routes: `GET /api/v1/orgs/{org}/summary`, `GET /api/v1/orgs/{org}/pack`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sextant_core::model::Date;
use sextant_ops::summary::{self, Summary};
use sextant_store::Scope;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;
use crate::reviews::AgendaQuery;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/summary", get(get_summary))
        .route("/orgs/{org}/pack", get(get_pack))
}

/// Everything a summary and a pack are made from, for one organisation on one day.
struct Gathered {
    a: std::sync::Arc<crate::ui::compute::Analysed>,
    planned: std::sync::Arc<crate::ui::compute::Planned>,
    lifecycle: Option<sextant_core::asset::Lifecycle>,
    meetings: Vec<sextant_core::review::Meeting>,
    assessments: Vec<(String, sextant_core::standard::Scored)>,
    today: Date,
}

impl Gathered {
    /// What the summary is made with besides the plan.
    fn context(&self) -> summary::Context<'_> {
        summary::Context {
            today: self.today,
            meetings: &self.meetings,
            assessments: &self.assessments,
            lifecycle: self.lifecycle.as_ref(),
        }
    }
}

async fn gather(state: &AppState, s: &Scope, today: Date) -> ApiResult<Option<Gathered>> {
    let Some(a) = crate::ui::compute::analysed_in(state, s).await? else {
        return Ok(None);
    };
    let planned = crate::ui::compute::roadmap_in(state, s, a.plan.clone(), 1.0, None).await?;
    let (list, lc, _) = crate::assets::worked_out(state, s, today, 1).await?;
    let meetings: Vec<_> = crate::reviews::all_reviews(state, s)
        .await?
        .iter()
        .filter_map(|(_, r)| r.meeting())
        .collect();
    let assessments = crate::reviews::scored_assessments(state, s).await?;
    Ok(Some(Gathered {
        a,
        planned,
        lifecycle: (!list.is_empty()).then_some(lc),
        meetings,
        assessments,
        today,
    }))
}

/// The budget, the simulation of the kept roadmap, the agenda and the summary
/// (`sextant_ops::summary::summarise`), or the problem when cancelled.
fn make(g: &Gathered, cancel: &crate::work::Cancel) -> ApiResult<summary::Summarised> {
    let m = summary::summarise(
        &g.a.plan,
        &g.a.analysis,
        &g.a.series,
        &g.planned.roadmap,
        &g.context(),
        &cancel.stop(),
    );
    if cancel.is_cancelled() {
        return Err(crate::analysis::cancelled(cancel));
    }
    Ok(m)
}

/// The executive summary of the organisation prepared on `today`, or `None` when it has no
/// plan.
pub async fn summary_of(state: &AppState, s: &Scope, today: Date) -> ApiResult<Option<Summary>> {
    let Some(g) = gather(state, s, today).await? else {
        return Ok(None);
    };
    let made = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| {
            make(&g, cancel).map(|m| m.summary)
        })
        .await?;
    Ok(Some(made))
}

/// What pack to make.
#[derive(Debug, Clone)]
pub struct PackRequest {
    /// The document or the slides.
    pub format: sextant_pack::Format,
    /// The document's paper.
    pub paper: sextant_pack::Paper,
    /// The parts.
    pub parts: Vec<sextant_pack::Part>,
}

/// The organisation's review pack prepared on `today` (PDF bytes), or `None` when it has no
/// plan.
pub async fn pack_of(
    state: &AppState,
    s: &Scope,
    today: Date,
    req: PackRequest,
) -> ApiResult<Option<Vec<u8>>> {
    let Some(g) = gather(state, s, today).await? else {
        return Ok(None);
    };
    let branding = state.branding.clone();
    let bytes = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| {
            let m = make(&g, cancel)?;
            let data = sextant_pack::data(&sextant_pack::Inputs {
                plan: &g.a.plan,
                analysis: &g.a.analysis,
                roadmap: &g.planned.roadmap,
                made: &m,
                context: &g.context(),
                branding: &branding,
                paper: req.paper,
                parts: &req.parts,
            });
            sextant_pack::typeset(&data, req.format).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    Ok(Some(bytes))
}

/// The day `today` names, or today.
pub fn day(today: Option<&str>) -> ApiResult<Date> {
    match today.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(crate::ui::today_date().unwrap_or_else(|| Date::from_days(0))),
        Some(t) => Date::parse(t).ok_or_else(|| {
            ApiError::field(
                "today",
                format!(
                    "expected a day YYYY-MM-DD, found `{}`",
                    t.chars().take(40).collect::<String>()
                ),
            )
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/summary", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"), AgendaQuery),
    responses((status = 200, description = "As `sextant summary --format json`: the organisation, the day, the sentences of each part (overview, goals, costs, loss, decisions, changes, risks), each with the page that explains it (relative to the organisation), and the figures the sentences state (unrounded, from the analysis, the roadmap, the budget and the simulation)", body = Object),
              (status = 404, body = crate::error::Problem, description = "The organisation has no plan yet"),
              (status = 422, body = crate::error::Problem)))]
async fn get_summary(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<AgendaQuery>,
) -> ApiResult<axum::Json<Summary>> {
    let s = scope(&state, &caller, &org).await?;
    let today = day(q.today.as_deref())?;
    summary_of(&state, &s, today)
        .await?
        .map(axum::Json)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
                s.slug(),
                s.slug()
            ))
        })
}

/// The pack asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PackQuery {
    /// `pdf` (the default) or `slides`.
    #[serde(default)]
    pub format: Option<String>,
    /// `a4` (the default) or `letter`.
    #[serde(default)]
    pub paper: Option<String>,
    /// The parts, separated by commas (default: all): summary, goals, roadmap, budget, cases,
    /// risks, assessments, lifecycle, reviews, appendix.
    #[serde(default)]
    pub parts: Option<String>,
    /// The day to prepare it on, `YYYY-MM-DD` (default: today).
    #[serde(default)]
    pub today: Option<String>,
}

impl PackQuery {
    /// The request, or the problem with the first field that is wrong.
    pub fn check(&self) -> ApiResult<PackRequest> {
        let format = match self.format.as_deref().map(str::trim) {
            None | Some("" | "pdf") => sextant_pack::Format::Pdf,
            Some("slides") => sextant_pack::Format::Slides,
            Some(other) => {
                return Err(ApiError::field(
                    "format",
                    format!(
                        "expected pdf or slides (the workbook is GET .../budget?format=xlsx), found `{}`",
                        other.chars().take(40).collect::<String>()
                    ),
                ));
            }
        };
        let paper = match self
            .paper
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => sextant_pack::Paper::A4,
            Some(p) => sextant_pack::Paper::parse(p).ok_or_else(|| {
                ApiError::field(
                    "paper",
                    format!(
                        "expected a4 or letter, found `{}`",
                        p.chars().take(40).collect::<String>()
                    ),
                )
            })?,
        };
        let parts = sextant_pack::Part::list(self.parts.as_deref().unwrap_or(""))
            .map_err(|m| ApiError::field("parts", m))?;
        Ok(PackRequest {
            format,
            paper,
            parts,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/pack", tag = "reviews",
    params(("org" = String, Path, description = "The organisation's slug"), PackQuery),
    responses((status = 200, content_type = "application/pdf", description = "The review pack as `sextant report --format pdf|slides` writes it: a cover with the client's name, the day and the installation's branding, contents, page numbers, the executive summary, goals, roadmap, budget by year and quarter, business cases and their uncertainty, risks, assessments, devices, decisions and actions, assumptions; or the same as 16:9 slides"),
              (status = 404, body = crate::error::Problem, description = "The organisation has no plan yet"),
              (status = 422, body = crate::error::Problem)))]
async fn get_pack(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PackQuery>,
) -> ApiResult<Response> {
    let s = scope(&state, &caller, &org).await?;
    let req = q.check()?;
    let today = day(q.today.as_deref())?;
    let format = req.format;
    let bytes = pack_of(&state, &s, today, req).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "plan of `{}`: none imported yet (PUT /api/v1/orgs/{}/plan with a plan file)",
            s.slug(),
            s.slug()
        ))
    })?;
    let name = format!(
        "{}-review-{today}{}.pdf",
        s.slug(),
        if format == sextant_pack::Format::Slides {
            "-slides"
        } else {
            ""
        }
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::headers::attachment(&name),
            ),
        ],
        bytes,
    )
        .into_response())
}
