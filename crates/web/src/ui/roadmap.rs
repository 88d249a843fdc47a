//! The roadmap page (`/orgs/{org}/roadmap?budget=1.0`): the plan's optimised schedule through
//! the same call as the API's roadmap ([`compute::roadmap`]), with every budget multiplied by
//! the budget slider's factor.
//!
//! The page shows the schedule as a Gantt chart by month (phases as spans, initiatives coloured
//! by kind) and as a table (the chart's accessible alternative), implementation spend by fiscal
//! period against the budget, the efficient frontier with the current budget highlighted, the
//! optimum beside the plan's own order (its phases one after another) and the
//! rank-and-schedule baseline, the solver's status in words, what was left
//! out and why, and staff hours by month against capacity. The slider is a plain GET form
//! (the script only sends it when the slider is let go).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use sextant_core::Plan;
use sextant_core::unit::{self as format, Measure, Unit};
use sextant_report::chart::{BarSeries, Bars, Limits};
use sextant_report::plan_charts;
use sextant_roadmap::report::{FrontierPoint, Roadmap};
use sextant_roadmap::solve::SolveStatus;

use super::compute;
use super::form::Errors;
use super::{OrgPage, PageResult, Section, Viewer, figure, render, render_status};
use crate::AppState;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/roadmap", get(page))
}

/// The page's query: the budget factor as typed (checked here, so that a bad one gets a page
/// with the message beside the slider rather than a bare error).
#[derive(Deserialize)]
struct RoadmapQuery {
    budget: Option<String>,
}

/// The budget factor's bounds: the API's (`budget_factor`, 0 to 100).
const MAX_FACTOR: f64 = 100.0;

/// Budget levels of the efficient frontier.
pub(super) const FRONTIER_LEVELS: usize = 8;

/// Reads the budget factor: a number from 0 to 100, 1 when absent.
fn budget_factor(raw: Option<&str>) -> Result<f64, String> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(1.0);
    }
    match raw.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=MAX_FACTOR).contains(&x) => Ok(x),
        _ => Err(format!(
            "The budget must be a number from 0 to {MAX_FACTOR:.0} times the plan's budget \
             (1 is the plan's own budget, 0.8 a 20% cut); `{}` is not.",
            raw.chars().take(40).collect::<String>()
        )),
    }
}

/// A factor as the slider's label writes it: `0.8` is "80%".
pub(crate) fn percent(x: f64) -> String {
    format::percent(x, 0)
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<RoadmapQuery>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let plan = org
        .require_plan(&state, "Roadmap", Section::Roadmap)
        .await?;
    let factor = match budget_factor(q.budget.as_deref()) {
        Ok(f) => f,
        Err(message) => {
            let mut errors = Errors::new();
            errors.add("budget", message);
            let raw = q.budget.unwrap_or_default();
            let body = html! {
                (slider(&org, &plan, None, &raw, &errors))
                p { "Choose a budget with the slider and press " strong { "Re-plan" } "." }
            };
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                org.page("Roadmap", Section::Roadmap, body),
            ));
        }
    };
    let planned =
        compute::roadmap(&state, &org, plan.clone(), factor, Some(FRONTIER_LEVELS)).await?;
    let (roadmap, frontier) = (&planned.roadmap, planned.frontier.as_deref());
    let body = html! {
        (slider(&org, &plan, Some(factor), &factor.to_string(), &Errors::new()))
        (status(&org, roadmap))
        (schedule(&org, &plan, roadmap))
        (spend(&plan, roadmap))
        (own_order(&plan, roadmap))
        (baseline(&plan, roadmap))
        (excluded(&plan, roadmap))
        (frontier_section(&plan, roadmap, factor, frontier))
        (staff(roadmap))
        p { a href=(org.url("report")) download { "Download the plan report" } " (one HTML file to keep, share or print)" }
    };
    Ok(render(org.page("Roadmap", Section::Roadmap, body)))
}

/// The plan's budgets summed over its periods.
fn plan_budget(plan: &Plan) -> Option<f64> {
    let b = &plan.doc().constraints.budget;
    (!b.is_empty()).then(|| b.iter().map(|b| b.amount.to_f64()).sum())
}

/// The budget slider: a GET form that re-plans with another budget factor.
fn slider(org: &OrgPage, plan: &Plan, factor: Option<f64>, raw: &str, errors: &Errors) -> Markup {
    let currency = &plan.doc().organization.currency;
    let msgs = errors.of("budget");
    let invalid = !msgs.is_empty();
    let value = factor.map_or_else(|| "1".to_string(), |f| f.to_string());
    let described = if invalid {
        "f-budget-hint f-budget-error"
    } else {
        "f-budget-hint"
    };
    html! {
        section aria-labelledby="budget-h" {
            h2 #budget-h { "Budget" }
            @if invalid {
                div.errors role="alert" {
                    p { strong { "The roadmap was not re-planned." } " Please correct the budget below." }
                }
            }
            form method="get" action=(org.url("roadmap")) data-autosubmit {
                div.field.invalid[invalid] {
                    label for="f-budget" { "Budget, as a share of the plan's" }
                    p.hint #f-budget-hint {
                        @match plan_budget(plan) {
                            Some(total) => {
                                "The plan's budgets total " (format::money(total, currency))
                                @if let Some(f) = factor {
                                    "; at " span #budget-pct { (percent(f)) } " that is "
                                    strong #budget-amount { (format::money(total * f, currency)) }
                                    " to spend on implementation"
                                }
                                "."
                            }
                            None => "The plan sets no budget, so every level schedules the same.",
                        }
                    }
                    div.slider {
                        input #f-budget type="range" name="budget" min="0.25" max="2" step="0.05"
                            value=(value) data-output="budget-out"
                            data-total=[plan_budget(plan).map(|t| t.to_string())] data-currency=(currency)
                            aria-invalid=[invalid.then_some("true")] aria-describedby=(described);
                        output #budget-out for="f-budget" { (factor.map_or_else(|| "–".to_string(), percent)) }
                        button type="submit" { "Re-plan" }
                    }
                    @if invalid {
                        p.field-error #f-budget-error { @for m in msgs { (m) " " } }
                    }
                }
            }
            @if invalid && !raw.is_empty() {
                p.muted { a href=(org.url("roadmap")) { "Back to the plan's own budget" } }
            }
        }
    }
}

/// The solver's status, proof and gap in words.
fn status(org: &OrgPage, r: &Roadmap) -> Markup {
    let money = |x: f64| format::money(x, &r.currency);
    html! {
        section aria-labelledby="status-h" {
            h2 #status-h { "How good this roadmap is" }
            @match r.status {
                SolveStatus::Optimal => p {
                    span.badge.ok { "Proven optimal" } " No schedule within these budgets, staff hours \
                    and limits has a higher net present value than this one's "
                    strong { (money(r.npv)) } "."
                },
                SolveStatus::Feasible => p {
                    span.badge.warn { "Good, not proven best" } " The search stopped after "
                    (format!("{:.1}", r.solve_seconds)) " seconds with a schedule worth "
                    strong { (money(r.npv)) } "."
                    @if let Some(g) = r.gap {
                        " The best possible could be at most " (format::percent(g, 1)) " better"
                        @if let Some(b) = r.bound { " (" (money(b)) ")" }
                        "."
                    }
                },
                SolveStatus::Infeasible => div {
                    p { span.badge.bad { "No roadmap possible" } " No schedule meets every constraint of the plan." }
                    @if !r.infeasible_because.is_empty() {
                        p { "Relaxing any one of these alone would make a schedule possible:" }
                        ul { @for c in &r.infeasible_because {
                            @let (words, rel, fix) = cause_words(c.family);
                            li { (words) ": " (org.fix_link(rel, fix)) }
                        } }
                    }
                },
                SolveStatus::Unknown => p {
                    span.badge.unknown { "Not found in time" } " The search ran out of time before it \
                    found any schedule. Try again, or lower the number of initiatives."
                },
            }
        }
    }
}

/// A family of constraints that makes the plan impossible, in the owner's words
/// ([`sextant_roadmap::schedule::Family::plain`], as the reports give them), with the page that
/// changes it and the link's words.
fn cause_words(f: sextant_roadmap::schedule::Family) -> (&'static str, &'static str, &'static str) {
    use sextant_roadmap::schedule::Family;
    let (rel, fix) = match f {
        Family::Horizon => ("business/profile", "change the plan's length"),
        Family::Mandatory | Family::Dependencies => ("initiatives", "open the initiatives"),
        Family::Budget => ("business/money", "edit the budget"),
        Family::Staff => ("business/money", "edit the staff hours"),
        Family::Concurrency => ("business/money", "edit the limit"),
        Family::ExploreShare => ("business/money", "edit the share"),
    };
    (f.plain(), rel, fix)
}

/// The Gantt chart and the schedule's table.
fn schedule(org: &OrgPage, plan: &Plan, r: &Roadmap) -> Markup {
    let money = |x: f64| format::money(x, &r.currency);
    let mut gantt = plan_charts::roadmap_gantt(plan, r);
    gantt.today = super::today_date().and_then(|d| plan_charts::today_index(plan, d));
    // The share of the one-time spend that goes to new business, against the plan's minimum.
    let total: f64 = r.schedule.iter().map(|s| s.cost).sum();
    let explore: f64 = r
        .schedule
        .iter()
        .filter(|s| s.kind == "explore")
        .map(|s| s.cost)
        .sum();
    let minimum = plan.doc().constraints.min_explore_share;
    html! {
        section aria-labelledby="schedule-h" {
            h2 #schedule-h { "Schedule" }
            @if r.schedule.is_empty() {
                p { "Nothing is scheduled." }
            } @else {
                @if total > 0.0 {
                    p #explore-share {
                        "New business (explore initiatives) takes " (format::percent(explore / total, 0))
                        " of the one-time spend scheduled (" (money(explore)) " of " (money(total)) ")"
                        @match minimum {
                            Some(m) => { "; the plan asks for at least " (format::percent(m, 0)) "." }
                            None => { ". " (org.fix_link("business/money", "Set a minimum")) " to keep room for trying new things." }
                        }
                    }
                }
                (figure(gantt.svg(), "The roadmap by month: each initiative's months of implementation, coloured by kind (exploit: today's business better; explore: new business), under the plan's phases. The table below lists the same."))
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Scheduled initiatives (" (r.schedule.len()) ")" }
                        thead { tr {
                            th scope="col" { "Initiative" }
                            th scope="col" { "Start" }
                            th scope="col" { "End" }
                            th scope="col" class="num" { "Cost" }
                            th scope="col" class="num" { "NPV" }
                            th scope="col" { "Kind" }
                            th scope="col" { "Phase" }
                        } }
                        tbody {
                            @for s in &r.schedule {
                                tr {
                                    th scope="row" {
                                        (s.title)
                                        @if let Some(by) = s.done_by.as_deref().and_then(sextant_core::model::Month::parse) {
                                            " " span.badge.warn title="A deadline: the roadmap must finish it by the end of this month" { "Done by " (sextant_core::calendar::month_words(by)) }
                                        } @else if s.mandatory { " " span.badge.none { "Required" } }
                                    }
                                    td.nowrap { (super::business::month_words(&s.start)) }
                                    td.nowrap { (super::business::month_words(&s.end)) }
                                    td.num { (money(s.cost)) }
                                    td.num { (money(s.npv)) }
                                    td { (if s.kind == "explore" { "New business" } else { "Today's business" }) }
                                    td { (s.phase.as_deref().unwrap_or("–")) }
                                }
                            }
                        }
                        tfoot { tr {
                            th scope="row" { "Total" }
                            td {} td {}
                            td.num { (money(r.schedule.iter().map(|s| s.cost).sum())) }
                            td.num { (money(r.npv)) }
                            td {} td {}
                        } }
                    }
                }
            }
        }
    }
}

/// Implementation spend by fiscal period against the budget.
fn spend(plan: &Plan, r: &Roadmap) -> Markup {
    let money = |x: f64| format::money(x, &r.currency);
    let bars = plan_charts::spend_bars(plan, r);
    html! {
        section aria-labelledby="spend-h" {
            h2 #spend-h { "Spend against budget" }
            (figure(bars.svg(), "Implementation spend in each fiscal period, with the period's budget as a line over its bar."))
            div.scroll tabindex="0" {
                table.list {
                    caption { "Implementation spend by fiscal period" }
                    thead { tr {
                        th scope="col" { "Period" }
                        th scope="col" class="num" { "Spend" }
                        th scope="col" class="num" { "Budget" }
                        th scope="col" class="num" { "Left" }
                    } }
                    tbody {
                        @for p in &r.spend_by_period {
                            tr {
                                th scope="row" { (p.period) }
                                td.num { (money(p.spend)) }
                                td.num { (p.budget.map_or_else(|| "no budget".to_string(), money)) }
                                td.num { (p.budget.map_or_else(|| "–".to_string(), |b| money(b - p.spend))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The title of an initiative, or its id when the plan does not know it.
fn title_of(plan: &Plan, id: &str) -> String {
    plan.doc()
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == id)
        .map_or_else(|| id.to_string(), |i| i.title.clone())
}

/// The suggested order beside the plan's own: its phases one after another.
fn own_order(plan: &Plan, r: &Roadmap) -> Markup {
    let money = |x: f64| format::money(x, &r.currency);
    let month = |i: u32| {
        r.months
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| format!("month {}", i + 1))
    };
    if plan.doc().phases.is_empty() || r.schedule.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="own-h" {
            h2 #own-h { "The suggested order against your own" }
            @match r.own_order_npv {
                Some(own) => {
                    p { "Your own order takes the plan's phases one after another, each phase \
                         starting when the one before it has finished: an NPV of " (money(own)) "." }
                    @let gain = r.npv - own;
                    @if gain.abs() < 0.005 {
                        p { "The suggested order earns the same as your own order." }
                    } @else if gain > 0.0 {
                        p {
                            "The suggested order earns " strong { (money(gain)) } " more than your own order"
                            @if own.abs() > 1e-9 { " (" (format::percent(gain / own.abs(), 1)) " more)" }
                            ": it starts initiatives side by side and earlier where the budget, \
                             the staff hours and the dependencies allow, so their benefits come sooner."
                        }
                    } @else {
                        p { "Your own order earns " strong { (money(-gain)) } " more than the suggested order, \
                             which puts other aims (or the time the search was given) first." }
                    }
                    (start_months(
                        "Start months, suggested and your own order",
                        ("Suggested start", "Your order's start"),
                        r.schedule.iter().map(|s| (
                            s.title.clone(),
                            s.start.clone(),
                            r.own_order_schedule.iter().find(|b| b.id == s.id).map(|b| month(b.start_month)),
                        )),
                    ))
                }
                None => p { "Your own order, the plan's phases one after another, does not fit \
                             within the budget, the staff hours or the horizon." },
            }
        }
    }
}

/// Two schedules' start months side by side: (initiative, this start, the other's start if it
/// schedules it).
fn start_months(
    caption: &str,
    heads: (&str, &str),
    rows: impl Iterator<Item = (String, String, Option<String>)>,
) -> Markup {
    html! {
        div.scroll tabindex="0" {
            table.list {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Initiative" }
                    th scope="col" { (heads.0) }
                    th scope="col" { (heads.1) }
                } }
                tbody {
                    @for (title, start, other) in rows {
                        tr {
                            th scope="row" { (title) }
                            td { (start) }
                            td { (other.unwrap_or_else(|| "not scheduled".to_string())) }
                        }
                    }
                }
            }
        }
    }
}

/// The optimum beside the rank-and-schedule baseline.
fn baseline(plan: &Plan, r: &Roadmap) -> Markup {
    let money = |x: f64| format::money(x, &r.currency);
    let month = |i: u32| {
        r.months
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| format!("month {}", i + 1))
    };
    let mut ids: Vec<&str> = r.schedule.iter().map(|s| s.id.as_str()).collect();
    for b in &r.baseline_schedule {
        if !ids.contains(&b.id.as_str()) {
            ids.push(&b.id);
        }
    }
    html! {
        section aria-labelledby="baseline-h" {
            h2 #baseline-h { "The optimum against ranking by value" }
            p { "The baseline ranks the initiatives by value per dollar and starts each at the \
                 earliest month it fits, as one would by hand." }
            @match (r.baseline_objective, r.baseline_npv) {
                (Some(bo), Some(bn)) => {
                    div.scroll tabindex="0" {
                        table.list {
                            caption { "Optimised roadmap and baseline" }
                            thead { tr {
                                th scope="col" { "" }
                                th scope="col" class="num" { "NPV" }
                                th scope="col" class="num" { "Initiatives" }
                            } }
                            tbody {
                                tr { th scope="row" { "Optimised" } td.num { (money(r.npv)) } td.num { (r.schedule.len()) } }
                                tr { th scope="row" { "Baseline (rank and schedule)" } td.num { (money(bn)) } td.num { (r.baseline_schedule.len()) } }
                                tr { th scope="row" { "Difference" } td.num { (money(r.npv - bn)) } td.num { (r.schedule.len() as i64 - r.baseline_schedule.len() as i64) } }
                            }
                        }
                    }
                    @let gain = r.objective - bo;
                    @if gain.abs() < 0.005 {
                        p { "The optimiser finds nothing better than the baseline here: ranking by value per dollar is already the best schedule." }
                    } @else if gain > 0.0 {
                        p {
                            "The optimised roadmap is worth " strong { (money(gain)) } " more than the baseline"
                            @if bo.abs() > 1e-9 { " (" (format::percent(gain / bo.abs(), 1)) ")" }
                            "."
                        }
                    } @else {
                        p { "The baseline scores " (money(-gain)) " more than the schedule found in the time given; the search stopped early." }
                    }
                    (start_months(
                        "Start months, optimised and baseline",
                        ("Optimised start", "Baseline start"),
                        ids.iter().map(|id| (
                            title_of(plan, id),
                            r.schedule.iter().find(|s| s.id == **id).map_or_else(|| "not scheduled".to_string(), |s| s.start.clone()),
                            r.baseline_schedule.iter().find(|b| b.id == **id).map(|b| month(b.start_month)),
                        )),
                    ))
                }
                _ => p { "The baseline finds no schedule that meets every constraint." },
            }
        }
    }
}

/// The initiatives left out, and why.
fn excluded(plan: &Plan, r: &Roadmap) -> Markup {
    html! {
        section aria-labelledby="excluded-h" {
            h2 #excluded-h { "Left out" }
            @if r.excluded.is_empty() {
                @if matches!(r.status, SolveStatus::Optimal | SolveStatus::Feasible) {
                    p { "Every initiative of the plan is scheduled." }
                } @else {
                    p { "With no schedule, nothing is explained initiative by initiative; see above for what makes the plan impossible." }
                }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption {
                            @if matches!(r.status, SolveStatus::Optimal | SolveStatus::Feasible) { "Initiatives left out" }
                            @else { "Required initiatives no schedule can hold" }
                            " (" (r.excluded.len()) ")"
                        }
                        thead { tr {
                            th scope="col" { "Initiative" }
                            th scope="col" { "Reason" }
                            th scope="col" { "Why" }
                        } }
                        tbody {
                            @for e in &r.excluded {
                                tr {
                                    th scope="row" { (title_of(plan, &e.id)) }
                                    td { (e.reason.label()) }
                                    td { (e.detail) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The efficient frontier: the best NPV at each budget level, the current one highlighted.
fn frontier_section(
    plan: &Plan,
    r: &Roadmap,
    factor: f64,
    points: Option<&[FrontierPoint]>,
) -> Markup {
    let Some(points) = points else {
        return html! {};
    };
    let money = |x: f64| format::money(x, &r.currency);
    let total = plan_budget(plan);
    // The current budget: the plan's point when the factor is 1 (or the plan has no budget),
    // else a point of its own at the current budget's total.
    let own_is_current = total.is_none() || (factor - 1.0).abs() < 1e-9;
    let current = match (own_is_current, total) {
        (false, Some(t)) => Some(plan_charts::CurrentBudget {
            budget_total: t * factor,
            npv: r.npv,
            label: format!("Now ({})", percent(factor)),
        }),
        _ => None,
    };
    let f = plan_charts::frontier_chart(plan, points, current);
    html! {
        section aria-labelledby="frontier-h" {
            h2 #frontier-h { "What more or less money buys" }
            (figure(f.svg(), "The best net present value reachable at each total budget, from the least that fits the required initiatives to the level beyond which more money buys nothing; the current budget is highlighted."))
            details {
                summary { "The frontier as a table" }
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Best NPV by budget level" }
                        thead { tr {
                            th scope="col" { "Budget level" }
                            th scope="col" class="num" { "Budget total" }
                            th scope="col" class="num" { "NPV" }
                            th scope="col" class="num" { "Spend" }
                            th scope="col" class="num" { "Initiatives" }
                        } }
                        tbody {
                            @for p in points {
                                tr {
                                    th scope="row" {
                                        (percent(p.budget_factor))
                                        @if p.plan_budget { " (the plan's)" }
                                    }
                                    td.num { (money(p.budget_total)) }
                                    td.num { (money(p.npv)) }
                                    td.num { (money(p.spend)) }
                                    td.num { (p.initiatives) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Staff hours needed each month against the hours available.
fn staff(r: &Roadmap) -> Markup {
    let peak = r
        .hours_by_month
        .iter()
        .enumerate()
        .fold(None::<(usize, f64)>, |best, (i, &h)| match best {
            Some((_, b)) if b >= h => best,
            _ => Some((i, h)),
        });
    let running = r.running_by_month.iter().copied().max().unwrap_or(0);
    let bars = Bars {
        stacked: false,
        title: "Staff hours by month".into(),
        labels: r.months.clone(),
        series: vec![BarSeries {
            name: "Hours needed".into(),
            values: r.hours_by_month.clone(),
        }],
        limits: r.staff_hours_per_month.map(|h| Limits {
            name: "Hours available".into(),
            values: vec![Some(h); r.months.len()],
        }),
        unit: Measure::of(Unit::Number),
    };
    html! {
        section aria-labelledby="staff-h" {
            h2 #staff-h { "Staff time" }
            p {
                @match peak {
                    Some((i, h)) if h > 0.0 => {
                        "At the busiest, " (format::number(h)) " staff hours a month are needed (in "
                        (r.months.get(i).map_or("–", String::as_str)) ")"
                    }
                    _ => "No staff hours are needed",
                }
                @match r.staff_hours_per_month {
                    Some(h) => { "; " (format::number(h)) " are available each month." }
                    None => { "; the plan sets no limit on staff hours." }
                }
                " At most " (running) " initiative" @if running != 1 { "s are" } @else { " is" } " under way at once"
                @match r.max_concurrent {
                    Some(m) => { " (the plan allows " (m) ")." }
                    None => { "." }
                }
            }
            (figure(bars.svg(), "Staff hours needed for implementation each month, with the hours available as a line over each month."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_factor_is_a_number_from_0_to_100() {
        assert_eq!(budget_factor(None), Ok(1.0));
        assert_eq!(budget_factor(Some(" ")), Ok(1.0));
        assert_eq!(budget_factor(Some("0.3")), Ok(0.3));
        assert_eq!(budget_factor(Some("0")), Ok(0.0));
        assert_eq!(budget_factor(Some("100")), Ok(100.0));
        for bad in ["abc", "-1", "1e9", "NaN", "inf", "100.5"] {
            match budget_factor(Some(bad)) {
                Err(e) => assert!(e.contains("from 0 to 100"), "{bad}: {e}"),
                Ok(x) => panic!("{bad} read as {x}"),
            }
        }
    }
}
