//! The printable plan report (`/orgs/{org}/report`): the document `sextant report` writes (the
//! executive summary, the plan, its analysis, the optimised roadmap and its efficient frontier, every chart drawn),
//! downloaded as one HTML file that needs nothing else to show or print. It is built from the
//! same analysis and roadmap the pages show (`compute`), so it says what they say.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sextant_report::document::PlanReport;

use super::roadmap::FRONTIER_LEVELS;
use super::{OrgPage, PageResult, Section, Viewer, compute};
use crate::AppState;
use crate::extract::Path;

/// The report's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/report", get(download))
}

async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Report", Section::Roadmap).await?;
    let planned =
        compute::roadmap(&state, &org, a.plan.clone(), 1.0, Some(FRONTIER_LEVELS)).await?;
    let today = super::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    let made = crate::summary::summarised_of(&state, &org.scope, today).await?;
    let html = PlanReport {
        plan: &a.plan,
        analysis: &a.analysis,
        roadmap: Some(&planned.roadmap),
        frontier: planned.frontier.as_deref(),
        summary: made.as_ref().map(|m| &m.summary),
        what_if: made.as_ref().map_or(&[], |m| m.what_if.as_slice()),
    }
    .html();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::headers::attachment(&format!("{}-plan.html", org.slug())),
            ),
        ],
        html,
    )
        .into_response())
}
