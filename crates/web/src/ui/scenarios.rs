//! The scenarios page (`/orgs/{org}/scenarios`): each of the plan's what-if scenarios
//! re-optimised beside the base case, through the same call as the API's comparison
//! (`sextant_ops::compare`, as `RoadmapWork::compare`), one column a case: its
//! factors and delays, whether a roadmap is possible, its NPV and spend, the initiatives it
//! drops (and why) or adds, and whether the base case's schedule still holds under it; with a
//! bar chart of the NPVs. Editors add a scenario (name, budget, cost and benefit factors, a
//! delay per initiative) or delete one; each is a `scenarios` entry of the plan.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sextant_core::Plan;
use sextant_core::unit::{self as format, Measure};
use sextant_ops::what_if::title_of;
use sextant_report::chart::{BarSeries, Bars};
use sextant_roadmap::Objective;
use sextant_roadmap::scenario::{Case, Comparison};
use sextant_roadmap::solve::{self, SolveStatus};
use sextant_store::{Change, Section as Part};

use super::compute::PAGE_TIME_LIMIT;
use super::form::{Errors, Field, FormData, Kind};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render, render_status,
    see_other,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/scenarios", get(page).post(add))
        .route("/orgs/{org}/scenarios/delete", post(delete))
}

/// A notice after a change.
#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// The add form's fields that a refused change's problems may point at.
const FIELDS: [&str; 4] = ["name", "budget_factor", "cost_factor", "benefit_factor"];

/// The largest factor the form takes (the API's bound on a budget factor).
const MAX_FACTOR: f64 = 100.0;

/// The longest delay the form takes, in months.
const MAX_DELAY: i64 = 120;

/// Compares the plan's scenarios with its base case on the analysis pool, the searches
/// sharing the page's time limit.
async fn comparison(
    state: &AppState,
    org: &OrgPage,
    plan: Arc<Plan>,
) -> Result<Comparison, PageError> {
    let cases = plan.doc().scenarios.len() as f64 + 1.0;
    let opts = solve::Options {
        time_limit: std::time::Duration::from_secs_f64((PAGE_TIME_LIMIT / cases).max(1.0)),
        ..solve::Options::default()
    };
    Ok(state
        .work
        .run(
            org.scope.org_id(),
            1,
            move |cancel| -> Result<_, ApiError> {
                let opts = solve::Options {
                    stop: cancel.stop(),
                    ..opts
                };
                Ok(sextant_ops::compare(&plan, Objective::Npv, &opts))
            },
        )
        .await?)
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let plan = org
        .require_plan(&state, "Scenarios", Section::Scenarios)
        .await?;
    let body = body(&state, &org, plan, q.done.as_deref(), &Errors::new(), None).await?;
    Ok(render(org.page("Scenarios", Section::Scenarios, body)))
}

/// The page: the comparison, then the forms (editors only).
async fn body(
    state: &AppState,
    org: &OrgPage,
    plan: Arc<Plan>,
    done: Option<&str>,
    errors: &Errors,
    form: Option<&FormData>,
) -> Result<Markup, PageError> {
    let c = comparison(state, org, plan.clone()).await?;
    Ok(html! {
        (notice(done))
        p { "Each scenario changes the plan's budgets, costs or benefits, or delays initiatives; \
             the roadmap is optimised again under it and set beside the base case (the plan as it \
             is). The base case's own schedule is also replayed under each scenario, to show \
             whether it would still hold." }
        @if plan.doc().scenarios.is_empty() {
            p { "The plan has no scenarios yet." @if org.can_edit() { " Add one below." } }
        }
        (plain(&plan, &c))
        (table(&plan, &c))
        (chart(&c))
        @if org.can_edit() {
            (delete_forms(org, &plan))
            (add_form(org, &plan, errors, form))
        }
    })
}

/// A factor as the table writes it: "×0.80".
fn factor(x: f64) -> String {
    format!("×{x:.2}")
}

/// A case's status in words.
fn status(c: &Case) -> Markup {
    match c.status {
        SolveStatus::Optimal => html! { span.badge.ok { "The best possible" } },
        SolveStatus::Feasible => html! {
            span.badge.warn { "The best found in time" }
            @if let Some(g) = c.gap { " (up to " (format::percent(g, 1)) " from the best)" }
        },
        SolveStatus::Infeasible => html! { span.badge.bad { "No roadmap possible" } },
        SolveStatus::Unknown => html! { span.badge.unknown { "Not found in time" } },
    }
}

/// The comparison: one column a case.
fn table(plan: &Plan, c: &Comparison) -> Markup {
    let money = |x: f64| format::money(x, &c.currency);
    let base_npv = c.cases.first().map_or(0.0, |b| b.npv);
    html! {
        section aria-labelledby="compare-h" {
            h2 #compare-h { "The scenarios beside the base case" }
            div.scroll tabindex="0" {
                table.list.compare {
                    caption { "The base case and " (c.cases.len().saturating_sub(1)) " scenario(s), the roadmap searched again under each for the most value" }
                    thead { tr {
                        th scope="col" { "" }
                        @for case in &c.cases {
                            th scope="col" { @if case.name == "base" { "Base case" } @else { (case.name) } }
                        }
                    } }
                    tbody {
                        tr { th scope="row" { "Budgets" } @for case in &c.cases { td { (factor(case.budget_factor)) } } }
                        tr { th scope="row" { "Costs" } @for case in &c.cases { td { (factor(case.cost_factor)) } } }
                        tr { th scope="row" { "Benefits" } @for case in &c.cases { td { (factor(case.benefit_factor)) } } }
                        tr {
                            th scope="row" { "Delays" }
                            @for case in &c.cases {
                                td {
                                    @if case.delays.is_empty() { "none" }
                                    @for (id, months) in &case.delays {
                                        (title_of(plan, id)) ": " (months) " month" @if *months != 1 { "s" } br;
                                    }
                                }
                            }
                        }
                        tr { th scope="row" { "Roadmap" } @for case in &c.cases { td { (status(case)) } } }
                        tr { th scope="row" { "Worth (net present value)" } @for case in &c.cases { td.num { (money(case.npv)) } } }
                        tr {
                            th scope="row" { "Against the base case" }
                            @for case in &c.cases {
                                td.num {
                                    @if case.name == "base" { "–" }
                                    @else {
                                        @let d = case.npv - base_npv;
                                        @if d > 0.0 { "+" } (money(d))
                                    }
                                }
                            }
                        }
                        tr { th scope="row" { "Implementation spend" } @for case in &c.cases { td.num { (money(case.spend)) } } }
                        tr { th scope="row" { "Initiatives scheduled" } @for case in &c.cases { td.num { (case.initiatives) } } }
                        tr {
                            th scope="row" { "Dropped (and why)" }
                            @for case in &c.cases {
                                td {
                                    @if case.dropped.is_empty() { "none" }
                                    @for id in &case.dropped {
                                        div {
                                            strong { (title_of(plan, id)) }
                                            @if let Some(e) = case.dropped_because.iter().find(|e| e.id == *id) {
                                                ": " (e.detail)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        tr {
                            th scope="row" { "Added" }
                            @for case in &c.cases {
                                td {
                                    @if case.added.is_empty() { "none" }
                                    @for id in &case.added { div { (title_of(plan, id)) } }
                                }
                            }
                        }
                        tr {
                            th scope="row" { "Today's schedule still fits" }
                            @for case in &c.cases {
                                td { @if case.base_schedule_feasible { span.badge.ok { "Yes" } } @else { span.badge.bad { "No" } } }
                            }
                        }
                        tr { th scope="row" { "Today's schedule's worth here" } @for case in &c.cases { td.num { (money(case.base_schedule_npv)) } } }
                    }
                }
            }
        }
    }
}

/// Each scenario in a sentence (`sextant_ops::what_if`, as the summary and the pack say it).
fn plain(plan: &Plan, c: &Comparison) -> Markup {
    let rows = sextant_ops::what_if::what_if(plan, c);
    if rows.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="plain-h" {
            h2 #plain-h { "In plain words" }
            ul.what-if { @for w in &rows { li { (w.sentence()) } } }
        }
    }
}

/// NPV per case: re-optimised, and the base schedule kept.
fn chart(c: &Comparison) -> Markup {
    let bars = Bars {
        stacked: false,
        title: "What each case is worth".into(),
        labels: c
            .cases
            .iter()
            .map(|k| {
                if k.name == "base" {
                    "Base case".to_string()
                } else {
                    k.name.clone()
                }
            })
            .collect(),
        series: vec![
            BarSeries {
                name: "Searched again".into(),
                values: c.cases.iter().map(|k| k.npv).collect(),
            },
            BarSeries {
                name: "Today's schedule kept".into(),
                values: c.cases.iter().map(|k| k.base_schedule_npv).collect(),
            },
        ],
        limits: None,
        unit: Measure::money(c.currency.clone()),
    };
    figure(
        bars.svg(),
        "What each case's roadmap is worth over the plan's period (its net present value) when searched again, beside today's schedule kept under the scenario. The table above gives the same figures.",
    )
}

/// A delete button for each scenario.
fn delete_forms(org: &OrgPage, plan: &Plan) -> Markup {
    let scenarios = &plan.doc().scenarios;
    if scenarios.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="delete-h" {
            h2 #delete-h { "Delete a scenario" }
            ul {
                @for s in scenarios {
                    li {
                        (s.name) " "
                        form.inline method="post" action=(org.url("scenarios/delete")) {
                            (org.viewer.csrf_field())
                            input type="hidden" name="name" value=(s.name);
                            button.danger type="submit" data-confirm=(format!("Delete the scenario “{}”?", s.name))
                                aria-label=(format!("Delete the scenario {}", s.name)) { "Delete" }
                        }
                    }
                }
            }
        }
    }
}

/// The form adding a scenario.
fn add_form(org: &OrgPage, plan: &Plan, errors: &Errors, form: Option<&FormData>) -> Markup {
    let get = |n: &str, default: &str| form.map_or(default.to_string(), |f| f.get(n).to_string());
    let initiatives = &plan.doc().initiatives;
    let delay_names: Vec<(String, String)> = initiatives
        .iter()
        .map(|i| (format!("delay-{}", i.id), i.title.clone()))
        .collect();
    html! {
        section aria-labelledby="add-h" {
            h2 #add-h { "Add a scenario" }
            (errors.summary())
            form method="post" action=(org.url("scenarios")) {
                (org.viewer.csrf_field())
                (Field::text("name", "Name", get("name", "")).required()
                    .hint("e.g. budget cut, price rise, supplier delay").render(errors))
                div.row {
                    (Field::text("budget_factor", "Budget factor", get("budget_factor", "1")).kind(Kind::Number("0.05"))
                        .hint("Multiplies every budget: 0.8 is a 20% cut").render(errors))
                    (Field::text("cost_factor", "Cost factor", get("cost_factor", "1")).kind(Kind::Number("0.05"))
                        .hint("Multiplies costs: 1.25 is a 25% overrun").render(errors))
                    (Field::text("benefit_factor", "Benefit factor", get("benefit_factor", "1")).kind(Kind::Number("0.05"))
                        .hint("Multiplies benefits: 0.6 is 40% less").render(errors))
                }
                @if !delay_names.is_empty() {
                    fieldset {
                        legend { "Delays, in months (leave empty for none)" }
                        div.row {
                            @for (name, title) in &delay_names {
                                (Field::text(name, title, get(name, "")).kind(Kind::Number("1")).render(errors))
                            }
                        }
                    }
                }
                button type="submit" { "Add the scenario" }
            }
            p.muted { "Percentages are read too: 80% is 0.8." }
        }
    }
}

/// A factor from the form: 1 when empty, else a number from 0 to 100.
fn read_factor(f: &FormData, name: &str, errors: &mut Errors) -> f64 {
    match f.number(name, errors) {
        None => 1.0,
        Some(x) if (0.0..=MAX_FACTOR).contains(&x) => x,
        Some(x) => {
            errors.add(
                name,
                format!(
                    "expected a factor from 0 to {MAX_FACTOR:.0} (1 changes nothing), found {x}"
                ),
            );
            1.0
        }
    }
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let Some(plan) = org.plan(&state).await? else {
        return Err(PageError::Status(
            StatusCode::CONFLICT,
            format!(
                "{} has no plan yet to add a scenario to: import a plan file on its Data page first.",
                org.name
            ),
        ));
    };
    let mut errors = Errors::new();
    let name = f.required("name", &mut errors);
    if name.eq_ignore_ascii_case("base") {
        errors.add(
            "name",
            "`base` names the plan as it is in the comparison; choose another name",
        );
    } else if plan.doc().scenarios.iter().any(|s| s.name == name) {
        errors.add(
            "name",
            format!(
                "a scenario named `{name}` exists already; choose another name or delete it first"
            ),
        );
    } else if name.chars().count() > 100 {
        errors.add("name", "at most 100 characters");
    }
    let budget = read_factor(&f, "budget_factor", &mut errors);
    let cost = read_factor(&f, "cost_factor", &mut errors);
    let benefit = read_factor(&f, "benefit_factor", &mut errors);
    let mut delays = Map::new();
    for i in &plan.doc().initiatives {
        let field = format!("delay-{}", i.id);
        if let Some(m) = f.whole(&field, 0, MAX_DELAY, &mut errors)
            && m > 0
        {
            delays.insert(i.id.to_string(), json!(m));
        }
    }
    if errors.is_empty() {
        let body = json!({
            "name": name,
            "budget_factor": budget,
            "cost_factor": cost,
            "benefit_factor": benefit,
            "delays": Value::Object(delays),
        });
        match state
            .store
            .change_plan(&org.scope, Change::Create(Part::Scenarios, body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=added", org.url("scenarios")))),
            Err(e) => errors.from_api(e.into(), &FIELDS, &[]),
        }
    }
    let body = body(&state, &org, plan, None, &errors, Some(&f)).await?;
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Scenarios", Section::Scenarios, body),
    ))
}

async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    state
        .store
        .change_plan(
            &org.scope,
            Change::Delete(Part::Scenarios, f.get("name").to_string()),
        )
        .await?;
    Ok(see_other(&format!("{}?done=deleted", org.url("scenarios"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_from_0_to_100_and_1_when_empty() {
        let f = FormData(vec![
            ("a".into(), "".into()),
            ("b".into(), "0.8".into()),
            ("c".into(), "80%".into()),
            ("d".into(), "-1".into()),
            ("e".into(), "abc".into()),
        ]);
        let mut e = Errors::new();
        assert_eq!(read_factor(&f, "a", &mut e), 1.0);
        assert_eq!(read_factor(&f, "b", &mut e), 0.8);
        assert_eq!(read_factor(&f, "c", &mut e), 0.8);
        assert!(e.is_empty());
        read_factor(&f, "d", &mut e);
        read_factor(&f, "e", &mut e);
        assert_eq!(
            e.of("d"),
            ["expected a factor from 0 to 100 (1 changes nothing), found -1"]
        );
        assert_eq!(e.of("e"), ["expected a number, found `abc`"]);
    }
}
