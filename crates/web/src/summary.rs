//! The executive summary through the API: one page in the owner's words (what the plan does
//! for each goal, what it costs this year and next, the chance it loses money, the decisions
//! asked of the owner, what changed since the last review, what is at risk), made by
//! `sextant_ops::summary` from the organisation's analysis, its optimised roadmap (the one the
//! pages keep), the budget on that roadmap with the asset register's replacements, the
//! simulation of that roadmap and the agenda of its next review: as `sextant summary` makes it.
//!
//! Route: `GET /api/v1/orgs/{org}/summary`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sextant_core::model::Date;
use sextant_ops::summary::{self, Summary};
use sextant_store::Scope;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Path, Query};
use crate::orgs::scope;
use crate::reviews::AgendaQuery;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/summary", get(get_summary))
}

/// The executive summary of the organisation prepared on `today`, or `None` when it has no
/// plan.
pub async fn summary_of(state: &AppState, s: &Scope, today: Date) -> ApiResult<Option<Summary>> {
    let Some(a) = crate::ui::compute::analysed_in(state, s).await? else {
        return Ok(None);
    };
    let planned = crate::ui::compute::roadmap_in(state, s, a.plan.clone(), 1.0, None).await?;
    let (list, lc, _) = crate::assets::worked_out(state, s, today, 1).await?;
    let agenda = crate::reviews::agenda_of(state, s, today).await?;
    let meetings: Vec<_> = crate::reviews::all_reviews(state, s)
        .await?
        .iter()
        .filter_map(|(_, r)| r.meeting())
        .collect();
    let has_assets = !list.is_empty();
    let made = state
        .work
        .run(s.org_id(), state.work.all(), move |cancel| {
            let roadmap = &planned.roadmap;
            let due = if has_assets {
                sextant_ops::budget::replacements(&a.plan, roadmap, &lc)
            } else {
                Vec::new()
            };
            let budget = sextant_ops::budget::budget(&a.plan, roadmap, 3, &due);
            let sim = sextant_ops::simulate_roadmap(
                &a.plan,
                roadmap,
                &sextant_ops::PACK_TRIALS,
                &cancel.stop(),
                &|_| {},
            );
            if cancel.is_cancelled() {
                return Err(crate::analysis::cancelled(cancel));
            }
            Ok(summary::summary(&summary::Inputs {
                plan: &a.plan,
                analysis: &a.analysis,
                roadmap,
                budget: &budget,
                simulation: sim.as_ref(),
                agenda: &agenda,
                meetings: &meetings,
            }))
        })
        .await?;
    Ok(Some(made))
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
