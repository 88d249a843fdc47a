//! The dashboard (`/orgs/{org}`): on one page, how the goals are doing, what the roadmap says
//! comes next and what it costs, spend per fiscal period against budget, the biggest risks, and
//! what the plan's health checks warn about. The figures come from the plan's analysis
//! ([`compute::analysed`], as `sextant analyze`) and what comes next from its optimised roadmap
//! ([`compute::roadmap`], as `sextant roadmap`).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use sextant_core::checks::Severity;
use sextant_core::model::Status;
use sextant_core::unit::{self as format, Measure, Unit, money};
use sextant_roadmap::report::Roadmap;
use sextant_roadmap::solve::SolveStatus;

use super::compute::{self, Analysed};
use super::{OrgPage, PageResult, Section, Viewer, figure, notice, render, standing};
use crate::AppState;
use crate::extract::{Path, Query};

/// The dashboard's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}", get(dashboard))
}

/// A notice after a change.
#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// How many of each list the dashboard shows.
const TOP: usize = 5;

async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let body = match compute::analysed(&state, &org).await? {
        None => html! {
            (notice(q.done.as_deref()))
            p { "There is no plan for " (org.name) " yet." }
            @if org.can_edit() {
                p { a.button href=(org.url("start")) { "Start your plan" } }
                p { "Five short pages: the business, its goals, the systems it uses, what it can spend, and the changes that could get it there, each with suggestions for your kind of business. About five minutes; you can stop and come back." }
                p { "Or " a href=(org.url("data")) { "import a plan file" } " (a YAML plan such as the one "
                    code { "sextant init" } " writes)." }
            } @else {
                p { "An editor of this organisation imports its plan." }
            }
        },
        Some(a) => {
            let planned = compute::roadmap(&state, &org, a.plan.clone(), 1.0, None).await?;
            html! { (notice(q.done.as_deref())) (body(&org, &a, &planned.roadmap)) }
        }
    };
    Ok(render(org.page("Dashboard", Section::Dashboard, body)))
}

/// One initiative coming up: when it starts and what it costs.
struct Next<'a> {
    id: &'a str,
    title: &'a str,
    start: &'a str,
    cost: f64,
    case: &'a sextant_core::case::BusinessCase,
}

fn body(org: &OrgPage, a: &Analysed, roadmap: &Roadmap) -> Markup {
    let an = &a.analysis;
    let cur = &an.organization.currency;
    let doc = a.plan.doc();
    let goal_title = |id: &str| {
        doc.goals
            .iter()
            .find(|g| g.id.as_str() == id)
            .map_or(id.to_string(), |g| g.title.clone())
    };
    let open = |id: &str| {
        an.initiatives
            .iter()
            .find(|i| i.id == id && !matches!(i.status, Status::Done | Status::Cancelled))
    };
    // Next: the optimised roadmap's initiatives not yet done, by start month; with no roadmap
    // within the constraints, the plan's own starts.
    let optimised = matches!(roadmap.status, SolveStatus::Optimal | SolveStatus::Feasible);
    let mut next: Vec<(u32, Next)> = if optimised {
        roadmap
            .schedule
            .iter()
            .filter_map(|s| {
                let i = open(&s.id)?;
                Some((
                    s.start_month,
                    Next {
                        id: &s.id,
                        title: &s.title,
                        start: &s.start,
                        cost: s.cost,
                        case: &i.case,
                    },
                ))
            })
            .collect()
    } else {
        an.initiatives
            .iter()
            .filter(|i| i.in_portfolio && open(&i.id).is_some())
            .map(|i| {
                (
                    i.case.start_month,
                    Next {
                        id: &i.id,
                        title: &i.title,
                        start: &i.start,
                        cost: i.case.one_time_cost,
                        case: &i.case,
                    },
                )
            })
            .collect()
    };
    next.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.id.cmp(y.1.id)));
    let mut risks: Vec<_> = an.risks.iter().collect();
    risks.sort_by(|x, y| y.score.cmp(&x.score).then(x.id.cmp(&y.id)));
    let mut findings: Vec<_> = an.findings.iter().collect();
    findings.sort_by_key(|f| match f.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    });
    let covered = an.goals.iter().filter(|g| g.covered).count();
    let system_name = |id: &str| {
        doc.systems
            .iter()
            .find(|s| s.id.as_str() == id)
            .map_or(id.to_string(), |s| s.name.clone())
    };
    let initiative_title = |id: &str| {
        doc.initiatives
            .iter()
            .find(|i| i.id.as_str() == id)
            .map_or(id.to_string(), |i| i.title.clone())
    };
    let counts = |pred: &dyn Fn(&sextant_core::kpi::Standing) -> bool| {
        an.goal_status.iter().filter(|g| pred(&g.status)).count()
    };
    use sextant_core::kpi::Standing as S;
    let good = counts(&|s| matches!(s, S::Achieved | S::OnTrack));
    let watch = counts(&|s| matches!(s, S::AtRisk));
    let bad = counts(&|s| matches!(s, S::OffTrack | S::Missed));
    // Every figure a goal is judged on predates the plan: its chances are the trend's alone.
    let start = doc.organization.start.to_string();
    let before_plan = an.goal_status.iter().any(|g| g.latest_month.is_some())
        && an
            .goal_status
            .iter()
            .filter_map(|g| g.latest_month.as_deref())
            .all(|m| m < start.as_str());
    // The spend of what the roadmap schedules (the chart and the table beside it), not of the
    // plan's whole list, when there is a roadmap.
    let portfolio = if optimised {
        let cases: Vec<sextant_core::case::BusinessCase> =
            an.initiatives.iter().map(|i| i.case.clone()).collect();
        let members: Vec<usize> = (0..cases.len())
            .filter(|&k| roadmap.schedule.iter().any(|s| s.id == cases[k].id))
            .collect();
        sextant_core::case::portfolio(&a.plan, &cases, &members)
    } else {
        an.portfolio.clone()
    };
    let spend = if optimised {
        sextant_report::plan_charts::spend_bars(&a.plan, roadmap)
    } else {
        sextant_report::plan_charts::analysis_spend_bars(&a.plan, an)
    };
    let spend_caption = if optimised {
        "What the optimised roadmap spends in each fiscal period; the line over each period is its budget."
    } else {
        "Implementation and recurring spend per fiscal period at the plan's own starts; the line over each period is its budget."
    };
    html! {
        p { a.button href=(org.url("summary")) { "Summary for the owner" }
            " One page in plain words: what the plan does for each goal, what it costs, the chance it loses money and the decisions to take." }
        div.cards {
            div.card {
                h2 { "Goals" }
                p.figure { (good) " of " (an.goal_status.len()) }
                p { "achieved or on track; " (watch) " at risk, " (bad) " off track or missed." }
            }
            div.card {
                h2 { "Planned spend" }
                p.figure { (money(portfolio.one_time_cost, cur)) }
                p { "one-time, plus " (money(portfolio.recurring_cost_annual, cur)) " a year, for "
                    (portfolio.included.len())
                    @if optimised { " initiatives on the optimised roadmap." } @else { " initiatives." } }
                p { "Once they are in place, technology costs " (money(portfolio.running_cost_annual, cur)) " a year to run"
                    @if let Some(s) = portfolio.running_cost_share_of_revenue {
                        ": " (format::percent(s, 1)) " of what the business sells in a year."
                    } @else {
                        ". " (org.fix_link("business/profile", "Give the sales a year")) " to see it as a share of them."
                    } }
            }
            div.card {
                h2 { "Goals technology serves" }
                p.figure { (format::percent(an.goals_enabled_share, 0)) }
                p { (covered) " of " (an.goals.len()) " goals have an initiative working toward them"
                    @if an.unaligned_spend.total > 0.0 { "; " (money(an.unaligned_spend.total, cur)) " a year serves none" } ". "
                    a href=(org.url("matrix")) { "The goals and initiatives matrix" } }
            }
            div.card {
                h2 { "Health checks" }
                p.figure { (findings.len()) }
                @let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
                @let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
                p { (errors) @if errors == 1 { " error, " } @else { " errors, " }
                    (warnings) @if warnings == 1 { " warning." } @else { " warnings." } }
            }
        }
        section aria-labelledby="goals-h" {
            h2 #goals-h { "How the goals are doing" }
            div.scroll tabindex="0" { table {
                thead { tr { th scope="col" { "Goal" } th scope="col" { "Status" } th scope="col" class="num" { "Latest" }
                    th scope="col" class="num" { "Target" } th scope="col" { "Due" } th scope="col" class="num" { "Chance" } } }
                tbody {
                    @for g in &an.goal_status {
                        @let measure = g.kpi.as_deref().map_or_else(|| Measure::of(Unit::Number), |k| Measure::of_kpi(doc, k));
                        tr {
                            td {
                                @if let Some(k) = &g.kpi {
                                    a href=(org.url(&format!("kpis/{k}"))) { (goal_title(&g.goal)) }
                                } @else { (goal_title(&g.goal)) }
                            }
                            td { (standing(g.status)) }
                            td.num { (measure.format_opt(g.latest)) }
                            td.num { (measure.format_opt(g.target)) }
                            td { (g.due.as_deref().map(super::business::month_words).unwrap_or_default()) }
                            td.num { (g.probability.map_or(String::new(), sextant_core::unit::chance_percent)) }
                        }
                    }
                }
            } }
            @if before_plan {
                p { "These chances follow the figures so far, all from before the plan's first month ("
                    (super::business::month_words(&start)) "): they say where the trend alone leads. The changes on the roadmap are what should move them; record each month's figures as the work goes live to see whether it does." }
            }
            p { a href=(org.url("goals")) { "All goals and KPIs" } }
        }
        @if !an.realised.is_empty() {
            (paying_off(org, a))
        }
        section aria-labelledby="next-h" {
            h2 #next-h { "What the roadmap says comes next" }
            @if !optimised {
                p.warning { "No roadmap meets every budget and limit of the plan, so these are the plan's own start months. "
                    a href=(org.url("roadmap")) { "The roadmap page says why" } "." }
            }
            @if next.is_empty() {
                p { "Nothing is planned: every initiative is done, cancelled or left out." }
            } @else {
                div.scroll tabindex="0" { table {
                    thead { tr { th scope="col" { "Initiative" } th scope="col" { "Starts" } th scope="col" class="num" { "One-time cost" }
                        th scope="col" class="num" { "Per year" } th scope="col" class="num" { "First-year ROI" } } }
                    tbody {
                        @for (_, i) in next.iter().take(TOP) {
                            tr {
                                td { a href=(org.url(&format!("initiatives/{}", i.id))) { (i.title) } }
                                td { (super::business::month_words(i.start)) }
                                td.num { (money(i.cost, cur)) }
                                td.num { (money(i.case.recurring_cost_annual, cur)) }
                                td.num { (format::percent_opt(i.case.first_year_roi, 0)) }
                            }
                        }
                    }
                } }
            }
            (figure(spend.svg(), spend_caption))
            p { a href=(org.url("roadmap")) { "The roadmap" } }
        }
        @if !an.unaligned_spend.items.is_empty() {
            section aria-labelledby="unaligned-h" {
                h2 #unaligned-h { "Spend that serves no goal" }
                p { "These cost money every year but no goal says what they are for. Open each and name the goal it helps, or ask whether it is still needed." }
                ul {
                    @for u in &an.unaligned_spend.items {
                        li {
                            @if u.kind == "system" {
                                a href=(org.url(&format!("systems/{}", u.id))) { (system_name(&u.id)) }
                                " (a system you run)"
                            } @else {
                                @let page = if org.can_edit() { format!("initiatives/{}/edit", u.id) } else { format!("initiatives/{}", u.id) };
                                a href=(org.url(&page)) { (initiative_title(&u.id)) }
                                " (an initiative)"
                            }
                            ": " (money(u.amount, cur)) " a year"
                        }
                    }
                }
            }
        }
        @if let Some(value) = doc.strategy.value_proposition.as_deref().filter(|v| !v.trim().is_empty()) {
            section aria-labelledby="strategy-h" {
                h2 #strategy-h { "What the business offers" }
                p { (value) }
                (swot_summary(doc))
                p { a href=(org.url("swot")) { "The SWOT and the strategy" } }
            }
        } @else if swot_len(doc) > 0 {
            section aria-labelledby="strategy-h" {
                h2 #strategy-h { "Strengths, weaknesses, opportunities and threats" }
                (swot_summary(doc))
                p { a href=(org.url("swot")) { "The SWOT and the strategy" } }
            }
        }
        section aria-labelledby="risks-h" {
            h2 #risks-h { "Biggest risks" }
            @if risks.is_empty() { p { "No risks recorded." } } @else {
                ul {
                    @for r in risks.iter().take(3) {
                        li {
                            strong { (r.title) } " – score " (r.score) " (" (r.level) ")"
                            @if let Some(m) = &r.mitigation { ". Mitigation: " (m) }
                        }
                    }
                }
            }
            p { a href=(org.url("risks")) { "The risk register" } }
        }
        section aria-labelledby="checks-h" {
            h2 #checks-h { "What the health checks warn about" }
            @if findings.is_empty() { p { "The plan passes every health check." } } @else {
                ul.findings {
                    @for f in findings.iter().take(8) { li { (super::advice::item(org, doc, f)) } }
                }
                @if findings.len() > 8 {
                    details.more {
                        summary { (findings.len() - 8) " more" }
                        ul.findings { @for f in findings.iter().skip(8) { li { (super::advice::item(org, doc, f)) } } }
                    }
                }
            }
        }
    }
}

fn swot_len(doc: &sextant_core::model::PlanDoc) -> usize {
    let s = &doc.swot;
    s.strengths.len() + s.weaknesses.len() + s.opportunities.len() + s.threats.len()
}

/// The SWOT in four short lists (the first three of each).
fn swot_summary(doc: &sextant_core::model::PlanDoc) -> Markup {
    let s = &doc.swot;
    let parts = [
        ("Strengths", &s.strengths),
        ("Weaknesses", &s.weaknesses),
        ("Opportunities", &s.opportunities),
        ("Threats", &s.threats),
    ];
    html! {
        @if swot_len(doc) > 0 {
            div.cards {
                @for (name, items) in parts {
                    div.card {
                        h3 { (name) }
                        @if items.is_empty() { p.muted { "None recorded." } } @else {
                            ul { @for i in items.iter().take(3) { li { (i) } } }
                            @if items.len() > 3 { p.muted { (items.len() - 3) " more" } }
                        }
                    }
                }
            }
        }
    }
}

/// Finished initiatives: what each was projected to bring in a year against what the goals'
/// KPIs show it brought, and the total.
fn paying_off(org: &OrgPage, a: &Analysed) -> Markup {
    let an = &a.analysis;
    let cur = &an.organization.currency;
    let doc = a.plan.doc();
    let title = |id: &str| {
        doc.initiatives
            .iter()
            .find(|i| i.id.as_str() == id)
            .map_or(id.to_string(), |i| i.title.clone())
    };
    let opt_money =
        |x: Option<f64>| x.map_or_else(|| "Not measured yet".to_string(), |x| money(x, cur));
    html! {
        section aria-labelledby="paying-h" {
            h2 #paying-h { "Is the finished work paying off?" }
            p { "For each finished initiative: the gain a year it was expected to bring, and the gain the goals' figures show since it went live (shared with other finished work that claims the same goal)." }
            div.scroll tabindex="0" { table {
                thead { tr {
                    th scope="col" { "Initiative" }
                    th scope="col" class="num" { "Expected gain a year" }
                    th scope="col" class="num" { "Measured gain a year" }
                    th scope="col" class="num" { "First-year cost" }
                    th scope="col" class="num" { "Expected return" }
                    th scope="col" class="num" { "Measured return" }
                } }
                tbody {
                    @for r in &an.realised {
                        tr {
                            td { a href=(org.url(&format!("initiatives/{}", r.id))) { (title(&r.id)) } }
                            td.num { (money(r.projected_benefit_annual, cur)) }
                            td.num { (opt_money(r.realised_benefit_annual)) }
                            td.num { (money(r.cost, cur)) }
                            td.num { (format::percent_opt(r.projected_roi, 0)) }
                            td.num { (format::percent_opt(r.realised_roi, 0)) }
                        }
                    }
                }
                @if let Some(t) = &an.realised_total {
                    @if an.realised.len() > 1 {
                        tfoot { tr {
                            th scope="row" { "All finished work" }
                            td.num { (money(t.projected_benefit_annual, cur)) }
                            td.num { (opt_money(t.realised_benefit_annual)) }
                            td.num { (money(t.cost, cur)) }
                            td.num { (format::percent_opt(t.projected_roi, 0)) }
                            td.num { (format::percent_opt(t.realised_roi, 0)) }
                        } }
                    }
                }
            } }
            @if an.realised.iter().any(|r| r.realised_benefit_annual.is_none()) {
                p.muted { "\u{201c}Not measured yet\u{201d}: the goals it serves have no figures since it went live. Add them on the "
                    a href=(org.url("data")) { "Data" } " page, or type a month's figure on the goal's KPI page." }
            }
        }
    }
}
