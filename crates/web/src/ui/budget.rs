//! The multi-year budget page (`/orgs/{org}/budget?years=N`): what technology costs by fiscal
//! year on the optimised roadmap (the systems until retired, the changes' one-time and
//! recurring costs, capital and operating) against the plan's budgets, as a stacked chart and
//! a table, the quarters under it, and the same figures as CSV and JSON from the API.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::html;
use serde::Deserialize;
use sextant_core::unit::money;
use sextant_ops::budget::BudgetRow;

use super::compute;
use super::{OrgPage, PageResult, Section, Viewer, figure, render};
use crate::AppState;
use crate::extract::{Path, Query};

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/budget", get(page))
}

/// How many years.
#[derive(Deserialize)]
struct Years {
    years: Option<u32>,
}

fn table(rows: &[BudgetRow], cur: &str, caption: &str) -> maud::Markup {
    html! {
        div.scroll tabindex="0" { table.list {
            caption { (caption) }
            thead { tr {
                th scope="col" { "Period" }
                th scope="col" .num { "Systems you run" }
                th scope="col" .num { "Changes: one-time" }
                th scope="col" .num { "Changes: a year once live" }
                th scope="col" .num { "Replacing devices" }
                th scope="col" .num { "Capital" }
                th scope="col" .num { "Operating" }
                th scope="col" .num { "Total" }
                th scope="col" .num { "Budget for changes" }
            } }
            tbody {
                @for r in rows {
                    tr {
                        th scope="row" { (r.period) }
                        td.num { (money(r.systems, cur)) }
                        td.num { (money(r.one_time, cur)) @if r.over_budget { " " span.badge.off_track { "over budget" } } }
                        td.num { (money(r.recurring, cur)) }
                        td.num { (money(r.replacements, cur)) }
                        td.num { (money(r.capital, cur)) }
                        td.num { (money(r.operating, cur)) }
                        td.num { strong { (money(r.total, cur)) } }
                        td.num { (r.budget.map_or("–".to_string(), |b| money(b, cur))) }
                    }
                }
            }
        } }
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Years>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let years = q.years.unwrap_or(3).clamp(1, 10);
    let a = compute::require_analysed(&state, &org, "Budget", Section::Budget).await?;
    let planned = compute::roadmap(&state, &org, a.plan.clone(), 1.0, None).await?;
    let today = super::today_date().unwrap_or_else(|| sextant_core::model::Date::from_days(0));
    let (_, lc, _) = crate::assets::worked_out(&state, &org.scope, today, years).await?;
    let due = sextant_ops::budget::replacements(&a.plan, &planned.roadmap, &lc);
    let b = sextant_ops::budget::budget(&a.plan, &planned.roadmap, years, &due);
    let cur = b.currency.clone();
    let system_name = |id: &str| {
        a.plan
            .doc()
            .systems
            .iter()
            .find(|s| s.id.as_str() == id)
            .map_or(id.to_string(), |s| s.name.clone())
    };
    let initiative_title = |id: &str| {
        a.plan
            .doc()
            .initiatives
            .iter()
            .find(|i| i.id.as_str() == id)
            .map_or(id.to_string(), |i| i.title.clone())
    };
    let body = html! {
        p { "What technology costs each financial year on the optimised roadmap: the systems you run today until a change replaces them, each change's one-time cost while it is made and its yearly cost once it is live, and the devices and licences that fall due for replacement (from the " a href=(org.url("assets")) { "assets" } "). One-time costs and replacements are capital; the rest is operating. The budget line is what the plan sets for changes." }
        @if !matches!(b.status, sextant_roadmap::solve::SolveStatus::Optimal | sextant_roadmap::solve::SolveStatus::Feasible) {
            p.warning { "No roadmap meets every budget and limit of the plan, so no change is counted. "
                a href=(org.url("roadmap")) { "The roadmap page says why" } "." }
        }
        (figure(sextant_report::plan_charts::budget_bars(&b).svg(), "Each bar is a financial year's spend, made of the systems you run, the changes' one-time costs and their yearly costs once live; the line over a bar is the budget for changes."))
        (table(&b.years, &cur, "By financial year"))
        details.more {
            summary { "By quarter" }
            (table(&b.quarters, &cur, "By quarter"))
        }
        @if !b.retired.is_empty() {
            h2 { "Systems the roadmap retires" }
            ul {
                @for r in &b.retired {
                    li { (system_name(&r.system)) " stops costing from " (super::business::month_words(&r.from)) ", replaced by "
                        a href=(org.url(&format!("initiatives/{}", r.initiative))) { (initiative_title(&r.initiative)) } "." }
                }
            }
        }
        p {
            "Years shown: "
            @for n in [3u32, 5] {
                @if n == years { strong { (n) } } @else { a href=(format!("{}?years={n}", org.url("budget"))) { (n) } }
                " "
            }
            "· "
            a href=(format!("/api/v1/orgs/{}/budget?years={years}&format=xlsx", org.slug())) download { "Download the workbook (Excel)" }
            " · "
            a href=(format!("/api/v1/orgs/{}/budget?years={years}&format=csv", org.slug())) { "Download as CSV" }
            " · "
            a href=(format!("/api/v1/orgs/{}/budget?years={years}", org.slug())) { "JSON" }
        }
    };
    Ok(render(org.page("Budget", Section::Budget, body)))
}
