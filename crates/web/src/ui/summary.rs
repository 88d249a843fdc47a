//! The executive summary page (`/orgs/{org}/summary`): one page in the owner's words, made by
//! `sextant_ops::summary` as the API's `GET .../summary` and `sextant summary` make it (see
//! [`crate::summary::summary_of`]); each sentence with a button to the page that explains it
//! or fixes it. It prints on one page.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};
use sextant_ops::summary::Summary;

use super::{OrgPage, PageResult, Section, Viewer, render};
use crate::AppState;
use crate::extract::Path;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/summary", get(page))
}

/// The summary's parts as headed lists, each sentence with a link to its page.
pub fn body(org: &OrgPage, s: &Summary) -> Markup {
    html! {
        @for (heading, lines) in s.sections() {
            section.brief {
                h2 { (heading) }
                ul {
                    @for l in lines {
                        li { (l.text) " " a.open href=(org.url(&l.link)) { "Open " (l.opens()) } }
                    }
                }
            }
        }
    }
}

/// The review pack's downloads: the document, the slides, the workbook and the report.
pub fn downloads(org: &OrgPage) -> Markup {
    let api = format!("/api/v1/orgs/{}", org.slug());
    html! {
        p.noprint.downloads {
            "Download the review pack: "
            a.button href=(format!("{api}/pack?format=pdf")) download { "Document (PDF)" }
            " "
            a.button href=(format!("{api}/pack?format=slides")) download { "Slides (PDF)" }
            " "
            a href=(format!("{api}/budget?format=xlsx")) download { "Budget workbook (Excel)" }
            " · "
            a href=(org.url("report")) download { "Full report (HTML)" }
        }
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let today = super::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    let Some(s) = crate::summary::summary_of(&state, &org.scope, today).await? else {
        return Err(org.no_plan_page("Summary for the owner", Section::Dashboard));
    };
    let content = html! {
        p.sub { "Prepared on " (sextant_core::asset::long_date(s.prepared))
            " from the plan, its data, its reviews and its assets. Figures are rounded; the pages behind each link give them exactly." }
        (body(&org, &s))
        (downloads(&org))
        p.noprint {
            a href=(format!("/api/v1/orgs/{}/summary", org.slug())) { "This summary as JSON" }
        }
    };
    Ok(render(org.page(
        "Summary for the owner",
        Section::Dashboard,
        content,
    )))
}
