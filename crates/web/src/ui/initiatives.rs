//! The initiative pages: the list with each business case's headline figures, and one
//! initiative's business case — first-year ROI, NPV, IRR, payback, its cash flows by fiscal
//! year (chart and table), a Monte Carlo simulation of its NPV (S-curve and tornado), the
//! goals it serves, its dependencies and its risks. Editors add, change and delete
//! initiatives; a change keeps every field the form does not show as it was stored.
//!
//! The simulation is the library's (`sextant_roadmap::simulate`, as `sextant simulate` and
//! the API run it), on a schedule holding this initiative alone at its business-case start,
//! so that the "portfolio" it reports is this initiative; only risks of this initiative are
//! counted. The S-curve is drawn through the NPV at every 2.5% of the trials
//! (`Summary::quantiles`).
//!
//! Routes: `GET /orgs/{org}/initiatives`; `GET|POST /orgs/{org}/initiatives/new`;
//! `GET /orgs/{org}/initiatives/{id}` (the business case);
//! `GET|POST /orgs/{org}/initiatives/{id}/edit`; `POST /orgs/{org}/initiatives/{id}/delete`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sextant_core::analysis::InitiativeAnalysis;
use sextant_core::model::{BenefitKind, BudgetPeriod, Initiative, PlanDoc, Status};
use sextant_core::unit::{self as format, Measure, money};
use sextant_core::{Plan, case::BusinessCase};
use sextant_report::chart::{BarSeries, Bars, SCurve, Tornado, TornadoBar};
use sextant_roadmap::simulate::{self as sim, Simulation};

use sextant_store::Section as Part;

use super::compute::{self, Analysed};
use super::editor::{self, Editor};
use super::form::{
    Errors, Field, FormData, Kind, check_boxes, estimate_values, goal_strengths, json_number,
    num_value, options, range, read_goal_strengths, text_of,
};
use super::{OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The initiative routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/initiatives", get(list))
        .route(
            "/orgs/{org}/initiatives/new",
            get(editor::new_form::<Initiatives>).post(editor::create::<Initiatives>),
        )
        .route("/orgs/{org}/initiatives/{id}", get(case_page))
        .route(
            "/orgs/{org}/initiatives/{id}/edit",
            get(edit_form).post(editor::save::<Initiatives>),
        )
        .route(
            "/orgs/{org}/initiatives/{id}/delete",
            post(editor::delete::<Initiatives>),
        )
}

/// The initiative form's add, change and delete flow.
struct Initiatives;

impl Editor for Initiatives {
    const PART: Part = Part::Initiatives;
    const SECTION: Section = Section::Initiatives;
    const PATH: &'static str = "initiatives";
    const NOUN: &'static str = "an initiative";
    const THING: &'static str = "initiative";
    const LIST: &'static str = "Initiatives";
    const ADD: &'static str = "Add an initiative";
    const DELETE_NOTE: Option<&'static str> = Some(
        "Initiatives that depend on it, its risks and the phases that name it must be changed first.",
    );

    fn taken(doc: &PlanDoc, id: &str) -> bool {
        doc.initiatives.iter().any(|i| i.id.as_str() == id)
    }

    fn form(
        org: &OrgPage,
        doc: &PlanDoc,
        id: Option<&str>,
        stored: Option<&Value>,
        f: &FormData,
        errors: &Errors,
    ) -> Markup {
        form_page(org, doc, id, stored, f, errors)
    }

    fn form_of(stored: &Value) -> FormData {
        form_of(stored)
    }

    fn read(
        f: &FormData,
        doc: &PlanDoc,
        stored: Option<&Value>,
        id: &str,
        errors: &mut Errors,
    ) -> Value {
        initiative_json(f, doc, stored, id, errors)
    }

    /// Problems of the benefits go beside their rows: one per stored benefit and one more.
    fn refused(errors: &mut Errors, e: ApiError, stored: Option<&Value>) {
        let rows = stored
            .and_then(|s| s.get("benefits"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
            + 1;
        refused(errors, e, rows);
    }

    fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
        references(doc, id)
    }

    /// Its business case.
    fn shown_at(org: &OrgPage, id: &str) -> String {
        org.url(&format!("initiatives/{id}"))
    }

    fn edit_title(title: &str) -> String {
        format!("Edit: {title}")
    }
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// Trials of the business case's simulation.
const TRIALS: usize = 2_000;
/// Its seed (the same figures on every visit).
const SEED: u64 = 1;

/// The fields of the initiative form that a refused change's problems may name.
const FIELDS: [&str; 19] = [
    "id",
    "title",
    "description",
    "kind",
    "status",
    "owner",
    "one_time_cost",
    "recurring_cost_annual",
    "duration_months",
    "effort_hours_per_month",
    "depends_on",
    "benefit_kind",
    "benefit_annual",
    "benefit_goal",
    "contributes",
    "mandatory",
    "start",
    "alternative_group",
    "replaces",
];

/// The initiative's estimates, each with its optional range (`one_time_cost_low`...).
const ESTIMATES: [&str; 3] = ["one_time_cost", "recurring_cost_annual", "duration_months"];

/// A benefit's form field: `benefit_annual` for the first, `benefit_annual_2` for the second...
fn benefit_field(part: &str, i: usize) -> String {
    if i == 0 {
        format!("benefit_{part}")
    } else {
        format!("benefit_{part}_{}", i + 1)
    }
}

/// A refused change's problems with each benefit's path (`initiatives[3].benefits[1].annual`)
/// renamed to its field (`benefit_annual_2`, and `….annual.low` to `benefit_annual_2.low`),
/// and the fields they may name.
fn benefit_problems(
    e: crate::error::ApiError,
    rows: usize,
) -> (crate::error::ApiError, Vec<String>) {
    let fields = (0..rows)
        .flat_map(|i| ["kind", "annual", "goal"].map(|p| benefit_field(p, i)))
        .collect();
    let e = match e {
        crate::error::ApiError::Invalid(detail, problems) => crate::error::ApiError::Invalid(
            detail,
            problems
                .into_iter()
                .map(|mut p| {
                    if let Some(at) = p.path.find("benefits[") {
                        let rest = &p.path[at + "benefits[".len()..];
                        if let Some((n, tail)) = rest.split_once("].")
                            && let Ok(i) = n.parse::<usize>()
                        {
                            // `annual.low`, an end of the amount's range, stays an end.
                            p.path = match tail.split_once('.') {
                                Some((part, end)) => format!("{}.{end}", benefit_field(part, i)),
                                None => benefit_field(super::form::leaf(tail), i),
                            };
                        }
                    }
                    p
                })
                .collect(),
        ),
        other => other,
    };
    (e, fields)
}

/// Puts a refused change's problems beside the initiative form's fields (`rows` benefit rows).
fn refused(errors: &mut Errors, e: crate::error::ApiError, rows: usize) {
    let (e, benefit_fields) = benefit_problems(e, rows);
    let mut fields: Vec<&str> = FIELDS.to_vec();
    fields.extend(benefit_fields.iter().map(String::as_str));
    errors.from_api(e, &fields, &RENAME);
}

/// Where a plan problem's last path part differs from the form's field.
const RENAME: [(&str, &str); 2] = [("annual", "benefit_annual"), ("goal", "benefit_goal")];

/// Each status with its value in the form (the plan file's word); its words are its `label()`.
const STATUSES: [(Status, &str); 5] = [
    (Status::Candidate, "candidate"),
    (Status::Planned, "planned"),
    (Status::InProgress, "in_progress"),
    (Status::Done, "done"),
    (Status::Cancelled, "cancelled"),
];

const STRENGTH: [&str; 4] = ["none", "weak", "clear", "strong"];

fn percent(x: Option<f64>, none: &str) -> String {
    x.map_or_else(|| none.to_string(), |v| format::percent(v, 1))
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Initiatives", Section::Initiatives).await?;
    let cur = a.analysis.organization.currency.clone();
    let p = &a.analysis.portfolio;
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p { a.button href=(org.url("initiatives/new")) { "Add an initiative" } }
        }
        @if a.analysis.initiatives.is_empty() {
            p { "The plan lists no initiatives yet." }
        } @else {
            p.muted { "First-year ROI is (B − C) / C: B one year of benefits, C the one-time cost plus a year of recurring cost. NPV discounts every month's flow to the plan's start at "
                (format::percent(a.analysis.organization.discount_rate, 1)) " a year." }
            div.scroll {
                table.list {
                    caption { "Initiatives and their business cases" }
                    thead { tr {
                        th scope="col" { "Initiative" }
                        th scope="col" { "Kind" }
                        th scope="col" { "Status" }
                        th scope="col" .num { "One-time cost" }
                        th scope="col" .num { "Recurring a year" }
                        th scope="col" .num { "First-year ROI" }
                        th scope="col" .num { "NPV" }
                        th scope="col" .num { "Alignment (0-100)" }
                        th scope="col" { "In portfolio" }
                    } }
                    tbody {
                        @for i in &a.analysis.initiatives {
                            tr {
                                th scope="row" { a href=(org.url(&format!("initiatives/{}", i.id))) { (i.title) } }
                                td { (i.kind.label()) }
                                td { (i.status.label()) @if i.mandatory { " " span.badge.none { "Mandatory" } } }
                                td.num { (money(i.case.one_time_cost, &cur)) }
                                td.num { (money(i.case.recurring_cost_annual, &cur)) }
                                td.num { (percent(i.case.first_year_roi, "–")) }
                                td.num { (money(i.case.npv, &cur)) }
                                td.num { (format!("{:.0}", i.alignment_score * 100.0)) }
                                td { (membership(i)) }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { "Portfolio (" (p.included.len()) " initiatives)" }
                            td {} td {}
                            td.num { (money(p.one_time_cost, &cur)) }
                            td.num { (money(p.recurring_cost_annual, &cur)) }
                            td.num { (percent(p.first_year_roi, "–")) }
                            td.num { (money(p.npv, &cur)) }
                            td.num { (format!("{:.0}", a.analysis.portfolio_alignment * 100.0)) }
                            td {}
                        }
                    }
                }
            }
        }
    };
    Ok(render(org.page("Initiatives", Section::Initiatives, body)))
}

fn membership(i: &InitiativeAnalysis) -> &'static str {
    if i.in_portfolio {
        "Yes"
    } else if i.status == Status::Cancelled {
        "No: cancelled"
    } else {
        "No: an alternative of its group has a higher NPV"
    }
}

// ---------------------------------------------------------------------------------------------
// The business case
// ---------------------------------------------------------------------------------------------

/// Money by fiscal year: (label, costs as a negative amount, benefits, net).
fn by_year(plan: &Plan, init: &Initiative, c: &BusinessCase) -> Vec<(String, f64, f64, f64)> {
    let org = &plan.doc().organization;
    let fys = org.fiscal_year_start;
    let mut years: Vec<(BudgetPeriod, f64, f64, f64)> = Vec::new();
    let d = init.duration_months.months().max(1) as usize;
    let (start, end) = (c.start_month as usize, c.end_month as usize);
    for (t, net) in c.cash_flows.iter().enumerate() {
        let y = BudgetPeriod::year_of(plan.month_at(t as i32), fys);
        let (cost, benefit) = if c.explicit_flows {
            (net.min(0.0), net.max(0.0))
        } else if t < start {
            (0.0, 0.0)
        } else if t <= end {
            (-c.one_time_cost / d as f64, 0.0)
        } else {
            (-c.recurring_cost_annual / 12.0, c.benefit_annual / 12.0)
        };
        match years.last_mut() {
            Some(last) if last.0 == y => {
                last.1 += cost;
                last.2 += benefit;
                last.3 += net;
            }
            _ => years.push((y, cost, benefit, *net)),
        }
    }
    let label = |y: BudgetPeriod| {
        if fys == 1 {
            y.to_string()
        } else {
            format!("FY{y}")
        }
    };
    years
        .into_iter()
        .map(|(y, c, b, n)| (label(y), c, b, n))
        .collect()
}

/// The month of a month index, with how long after the start it is.
fn month_of(plan: &Plan, index: Option<u32>, start: u32) -> String {
    match index {
        Some(m) => format!(
            "{} ({} months after work starts)",
            plan.month_at(m as i32),
            m.saturating_sub(start)
        ),
        None => "not within the evaluation horizon".to_string(),
    }
}

/// The initiative's own simulation: this initiative alone on its business-case start, with
/// its own quantified risks ([`sextant_ops::simulate_initiative`]).
fn simulate_one(
    plan: &Plan,
    id: &str,
    start: u32,
    cancel: &crate::work::Cancel,
) -> Option<Simulation> {
    let opts = sim::SimOptions {
        trials: TRIALS,
        seed: SEED,
        shape: sim::Shape::Pert,
    };
    sextant_ops::simulate_initiative(plan, id, start, &opts, &|_| cancel.stop_here())
}

/// A tornado input's name in words: `crm: one_time_cost` is "One-time cost".
fn input_name(input: &str, init: &Initiative, doc: &PlanDoc) -> String {
    let (who, what) = input.split_once(": ").unwrap_or(("", input));
    match what {
        "one_time_cost" => "One-time cost".into(),
        "recurring_cost_annual" => "Recurring cost a year".into(),
        "duration_months" => "Duration".into(),
        "occurs" => {
            let title = doc
                .risks
                .iter()
                .find(|r| r.id.as_str() == who)
                .map_or(who, |r| r.title.as_str());
            format!("Risk: {title}")
        }
        b if b.starts_with("benefits[") => {
            let n: usize = b
                .trim_start_matches("benefits[")
                .trim_end_matches(']')
                .parse()
                .unwrap_or(0);
            match init.benefits.get(n) {
                Some(x) => match &x.description {
                    Some(d) => format!("Benefit: {d}"),
                    None => format!("Benefit {} ({})", n + 1, benefit_kind(x.kind)),
                },
                None => format!("Benefit {}", n + 1),
            }
        }
        other => other.to_string(),
    }
}

fn benefit_kind(k: BenefitKind) -> &'static str {
    match k {
        BenefitKind::Revenue => "revenue",
        BenefitKind::Saving => "saving",
    }
}

async fn case_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Initiatives", Section::Initiatives).await?;
    let doc = a.plan.doc();
    let (Some(init), Some(ia)) = (
        doc.initiatives.iter().find(|i| i.id.as_str() == id),
        a.analysis.initiatives.iter().find(|i| i.id == id),
    ) else {
        return Err(PageError::NotFound(format!("initiative {id} not found")));
    };
    let plan: Arc<Plan> = a.plan.clone();
    let (sid, start) = (id.clone(), ia.case.start_month);
    let simulation = state
        .work
        .run(
            org.scope.org_id(),
            1,
            move |cancel| -> Result<_, ApiError> { Ok(simulate_one(&plan, &sid, start, cancel)) },
        )
        .await;
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p {
                a.button href=(org.url(&format!("initiatives/{id}/edit"))) { "Edit this initiative" }
            }
        }
        @if let Some(d) = &init.description { p { (d) } }
        (summary(&a, init, ia))
        (cash_flows(&a, init, &ia.case))
        (simulation_part(&a, init, &ia.case, simulation))
        (goals_part(&a, init, ia))
        (dependencies(&org, doc, init))
        (risks_part(&org, &a, init))
        p { a href=(org.url("initiatives")) { "Back to the initiatives" } }
    };
    Ok(render(org.page(&init.title, Section::Initiatives, body)))
}

fn summary(a: &Analysed, init: &Initiative, ia: &InitiativeAnalysis) -> Markup {
    let plan = &a.plan;
    let cur = &a.analysis.organization.currency;
    let c = &ia.case;
    html! {
        section aria-labelledby="case" {
            h2 #case { "Business case" }
            dl {
                dt { "Kind and status" }
                dd { (init.kind.label()) ", " (init.status.label()) @if init.mandatory { ", mandatory" } }
                @if let Some(o) = &init.owner { dt { "Owner" } dd { (o) } }
                dt { "Implementation" }
                dd { (plan.month_at(c.start_month as i32)) " to " (plan.month_at(c.end_month as i32))
                    " (" (c.end_month - c.start_month + 1) " months"
                    @if init.effort_hours_per_month > 0.0 { ", " (num_value(Some(init.effort_hours_per_month))) " staff hours a month" }
                    ")" }
                dt { "One-time cost" } dd { (money(c.one_time_cost, cur)) }
                dt { "Recurring cost a year" } dd { (money(c.recurring_cost_annual, cur)) }
                dt { "Benefits a year" }
                dd {
                    (money(c.benefit_annual, cur))
                    @if c.revenue_annual > 0.0 {
                        " (" (money(c.revenue_annual, cur)) " revenue"
                        @if let Some(m) = a.analysis.organization.gross_margin { " at a gross margin of " (format::percent(m, 1)) }
                        @else { ", counted as profit: the plan sets no gross margin" }
                        @if c.savings_annual > 0.0 { ", " (money(c.savings_annual, cur)) " savings" }
                        ")"
                    }
                }
                dt { "First-year ROI" }
                dd {
                    @match c.first_year_roi {
                        Some(r) => {
                            strong { (format::percent(r, 1)) }
                            " = (" (money(c.benefit_annual, cur)) " − " (money(c.first_year_cost, cur)) ") / " (money(c.first_year_cost, cur))
                        }
                        None => "None: it has no first-year cost",
                    }
                }
                dt { "Net present value" } dd { strong { (money(c.npv, cur)) } " over " (a.analysis.organization.evaluation_months) " months at " (format::percent(a.analysis.organization.discount_rate, 1)) " a year" }
                dt { "Internal rate of return" } dd { (percent(c.irr_annual, "None: the cash flows never change sign")) @if c.irr_annual.is_some() { " a year" } }
                dt { "Payback" } dd { (month_of(plan, c.payback_month, c.start_month)) }
                dt { "Discounted payback" } dd { (month_of(plan, c.discounted_payback_month, c.start_month)) }
                dt { "Total cost of ownership" } dd { (money(c.tco, cur)) " (" (money(c.tco_discounted, cur)) " discounted)" }
                dt { "Alignment" } dd { (format!("{:.0}", ia.alignment_score * 100.0)) " of 100" }
                dt { "In the portfolio" } dd { (membership(ia)) }
            }
            @if !init.benefits.is_empty() {
                h3 { "Benefits" }
                ul {
                    @for b in &init.benefits {
                        li {
                            (money(b.annual.likely(), cur)) " a year, " (benefit_kind(b.kind))
                            @if !b.annual.is_point() { " (from " (money(b.annual.low.to_f64(), cur)) " to " (money(b.annual.high.to_f64(), cur)) ")" }
                            @if let Some(g) = &b.goal {
                                ", for " (a.plan.doc().goals.iter().find(|x| &x.id == g).map_or(g.as_str(), |x| x.title.as_str()))
                            }
                            @if let Some(d) = &b.description { ": " (d) }
                        }
                    }
                }
            }
        }
    }
}

fn cash_flows(a: &Analysed, init: &Initiative, c: &BusinessCase) -> Markup {
    let cur = &a.analysis.organization.currency;
    let years = by_year(&a.plan, init, c);
    let chart = Bars {
        title: "Cash flows by year".into(),
        labels: years.iter().map(|y| y.0.clone()).collect(),
        series: if c.explicit_flows {
            vec![BarSeries {
                name: "Net cash flow".into(),
                values: years.iter().map(|y| y.3).collect(),
            }]
        } else {
            vec![
                BarSeries {
                    name: "Costs".into(),
                    values: years.iter().map(|y| y.1).collect(),
                },
                BarSeries {
                    name: "Benefits".into(),
                    values: years.iter().map(|y| y.2).collect(),
                },
            ]
        },
        limits: None,
        unit: Measure::money(cur.clone()),
    };
    html! {
        section aria-labelledby="flows" {
            h2 #flows { "Cash flows" }
            (figure(chart.svg(), if c.explicit_flows {
                "The plan's own net cash flows for this initiative, summed by year."
            } else {
                "Costs below the line (implementation spread over its months, then the recurring cost) and benefits above it, by year of the evaluation horizon. The table below gives the same figures."
            }))
            div.scroll {
                table.list {
                    caption { "Cash flows by year" }
                    thead { tr {
                        th scope="col" { "Year" }
                        @if !c.explicit_flows {
                            th scope="col" .num { "Costs" }
                            th scope="col" .num { "Benefits" }
                        }
                        th scope="col" .num { "Net" }
                    } }
                    tbody {
                        @for (label, cost, benefit, net) in &years {
                            tr {
                                th scope="row" { (label) }
                                @if !c.explicit_flows {
                                    td.num { (money(*cost, cur)) }
                                    td.num { (money(*benefit, cur)) }
                                }
                                td.num { (money(*net, cur)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn simulation_part(
    a: &Analysed,
    init: &Initiative,
    c: &BusinessCase,
    run: Result<Option<Simulation>, ApiError>,
) -> Markup {
    let cur = &a.analysis.organization.currency;
    let unit = Measure::money(cur.clone());
    let doc = a.plan.doc();
    html! {
        section aria-labelledby="sim" {
            h2 #sim { "Uncertainty" }
            @match run {
                Err(e) => p { "The simulation could not run just now: " (e.detail()) },
                Ok(None) => p { "This initiative is not simulated: done and cancelled initiatives are not scheduled." },
                Ok(Some(s)) => {
                    @let spread = s.npv.max > s.npv.min;
                    p {
                        (s.trials) " trials (seed " (s.seed) ") drawing each three-point estimate of this initiative from a PERT distribution"
                        ", with this initiative's quantified risks, on its business-case start in " (a.plan.month_at(c.start_month as i32)) "."
                    }
                    @if !spread {
                        p { "Every estimate of this initiative is a single figure and none of its risks is quantified, so every trial gives the same NPV, "
                            (money(s.deterministic_npv, cur)) ". Give a cost, benefit or duration a range (its lowest and highest plausible values) when editing the initiative to see the spread." }
                    } @else {
                        dl {
                            dt { "NPV with every input at its likely value" } dd { (money(s.deterministic_npv, cur)) }
                            dt { "Mean NPV" } dd { (money(s.npv.mean, cur)) }
                            dt { "P10 / P50 / P90" } dd { (money(s.npv.p10, cur)) " / " (money(s.npv.p50, cur)) " / " (money(s.npv.p90, cur)) }
                            dt { "Chance of a negative NPV" } dd { (format::percent(s.p_npv_negative, 1)) }
                        }
                        @let curve = SCurve {
                            title: "NPV: cumulative probability".into(),
                            values: s.npv.quantiles.clone(),
                            quantiles_of: Some(s.trials),
                            unit: unit.clone(),
                            marks: vec![(s.npv.p10, "P10".into()), (s.npv.p50, "P50".into()), (s.npv.p90, "P90".into())],
                        };
                        (figure(curve.svg(), "The chance that the NPV is at or below each amount, drawn through the NPV at every 2.5% of the trials, from the lowest to the highest."))
                        @if !s.tornado.is_empty() {
                            @let tornado = Tornado {
                                title: "What moves the NPV most".into(),
                                base: s.deterministic_npv,
                                bars: s.tornado.iter().map(|b| TornadoBar {
                                    label: input_name(&b.input, init, doc),
                                    low: b.npv_low,
                                    high: b.npv_high,
                                }).collect(),
                                unit: unit.clone(),
                            };
                            (figure(tornado.svg(), "NPV with one input at its low and at its high end, every other at its likely value; the table below gives the same figures."))
                            div.scroll {
                                table.list {
                                    caption { "Sensitivity of the NPV" }
                                    thead { tr {
                                        th scope="col" { "Input" }
                                        th scope="col" .num { "NPV at its low end" }
                                        th scope="col" .num { "NPV at its high end" }
                                        th scope="col" .num { "Swing" }
                                    } }
                                    tbody {
                                        @for b in &s.tornado {
                                            tr {
                                                th scope="row" { (input_name(&b.input, init, doc)) }
                                                td.num { (money(b.npv_low, cur)) }
                                                td.num { (money(b.npv_high, cur)) }
                                                td.num { (money(b.swing, cur)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn goals_part(a: &Analysed, init: &Initiative, ia: &InitiativeAnalysis) -> Markup {
    let doc = a.plan.doc();
    let listed: Vec<_> = doc
        .goals
        .iter()
        .filter_map(|g| init.contributes.get(&g.id).map(|s| (g, *s)))
        .collect();
    html! {
        section aria-labelledby="goals" {
            h2 #goals { "Goals it serves" }
            @if listed.is_empty() {
                p { "It contributes to no goal of the plan." }
            } @else {
                p { "Alignment score " (format!("{:.0}", ia.alignment_score * 100.0)) " of 100: the goals' weights times its strength of contribution, against the most it could have." }
                table.list {
                    caption { "Contributions to goals (0 none to 3 strong)" }
                    thead { tr { th scope="col" { "Goal" } th scope="col" .num { "Weight" } th scope="col" { "Contribution" } } }
                    tbody {
                        @for (g, s) in &listed {
                            tr {
                                th scope="row" { (g.title) }
                                td.num { (num_value(Some(g.weight))) }
                                td { (s) " – " (STRENGTH.get(usize::from(*s)).copied().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn dependencies(org: &OrgPage, doc: &PlanDoc, init: &Initiative) -> Markup {
    let title = |id: &str| {
        doc.initiatives
            .iter()
            .find(|i| i.id.as_str() == id)
            .map_or(id.to_string(), |i| i.title.clone())
    };
    let needed_by: Vec<&Initiative> = doc
        .initiatives
        .iter()
        .filter(|i| i.depends_on.contains(&init.id))
        .collect();
    html! {
        section aria-labelledby="deps" {
            h2 #deps { "Dependencies" }
            @if init.depends_on.is_empty() {
                p { "It depends on no other initiative." }
            } @else {
                p { "It starts once these have finished:" }
                ul {
                    @for d in &init.depends_on {
                        li { a href=(org.url(&format!("initiatives/{d}"))) { (title(d.as_str())) } }
                    }
                }
            }
            @if !needed_by.is_empty() {
                p { "These wait for it:" }
                ul {
                    @for i in &needed_by {
                        li { a href=(org.url(&format!("initiatives/{}", i.id))) { (i.title) } }
                    }
                }
            }
            @if !init.replaces.is_empty() {
                p { "It replaces: "
                    (init.replaces.iter().map(|r| doc.systems.iter().find(|s| &s.id == r).map_or(r.to_string(), |s| s.name.clone())).collect::<Vec<_>>().join(", ")) }
            }
        }
    }
}

fn risks_part(org: &OrgPage, a: &Analysed, init: &Initiative) -> Markup {
    let risks: Vec<_> = a
        .analysis
        .risks
        .iter()
        .filter(|r| r.initiative.as_deref() == Some(init.id.as_str()))
        .collect();
    html! {
        section aria-labelledby="risks" {
            h2 #risks { "Risks" }
            @if risks.is_empty() {
                p { "No risk of this initiative is recorded." }
            } @else {
                table.list {
                    caption { "Risks of this initiative, highest score first" }
                    thead { tr {
                        th scope="col" { "Risk" }
                        th scope="col" { "Score" }
                        th scope="col" { "Mitigation" }
                        th scope="col" { "Residual score" }
                    } }
                    tbody {
                        @for r in &risks {
                            tr {
                                th scope="row" { a href=(org.url(&format!("risks/{}", r.id))) { (r.title) } }
                                td { (r.score) " " span class=(format!("badge {}", r.level)) { (r.level) } }
                                td { (r.mitigation.as_deref().unwrap_or("")) }
                                td {
                                    @if let (Some(s), Some(l)) = (r.residual_score, r.residual_level) {
                                        (s) " " span class=(format!("badge {l}")) { (l) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if org.can_edit() {
                p { a href=(org.url("risks/new")) { "Add a risk" } }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

/// The form's values from a stored initiative.
fn form_of(v: &Value) -> FormData {
    let mut out: Vec<(String, String)> = [
        "id",
        "title",
        "description",
        "kind",
        "status",
        "owner",
        "effort_hours_per_month",
        "start",
        "alternative_group",
    ]
    .iter()
    .map(|n| (n.to_string(), text_of(v.get(*n))))
    .collect();
    for n in ESTIMATES {
        out.extend(estimate_values(n, v.get(n)));
    }
    if let Some(Value::Array(systems)) = v.get("replaces") {
        for s in systems {
            out.push(("replaces".into(), text_of(Some(s))));
        }
    }
    if let Some(Value::Array(deps)) = v.get("depends_on") {
        for d in deps {
            out.push(("depends_on".into(), text_of(Some(d))));
        }
    }
    if let Some(Value::Array(benefits)) = v.get("benefits") {
        for (i, b) in benefits.iter().enumerate() {
            for part in ["kind", "goal"] {
                out.push((benefit_field(part, i), text_of(b.get(part))));
            }
            out.extend(estimate_values(
                &benefit_field("annual", i),
                b.get("annual"),
            ));
        }
    }
    if let Some(Value::Object(m)) = v.get("contributes") {
        for (g, s) in m {
            out.push((format!("contributes.{g}"), text_of(Some(s))));
        }
    }
    if v.get("mandatory").and_then(Value::as_bool) == Some(true) {
        out.push(("mandatory".into(), "on".into()));
    }
    FormData(out)
}

/// The initiative form: `id` is the initiative being edited (`None` for a new one).
fn form_page(
    org: &OrgPage,
    doc: &PlanDoc,
    id: Option<&str>,
    stored: Option<&Value>,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let action = match id {
        Some(id) => org.url(&format!("initiatives/{id}/edit")),
        None => org.url("initiatives/new"),
    };
    let stored_benefits: &[Value] = stored
        .and_then(|s| s.get("benefits"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    // One row per benefit, and one more to add a benefit; the names and legends they use.
    let rows: Vec<([String; 3], String)> = (0..=stored_benefits.len())
        .map(|i| {
            let legend = if i < stored_benefits.len() {
                format!("Benefit {}", i + 1)
            } else if i == 0 {
                "Benefit".to_string()
            } else {
                "Another benefit".to_string()
            };
            (
                ["kind", "annual", "goal"].map(|p| benefit_field(p, i)),
                legend,
            )
        })
        .collect();
    // An estimate's field with its range under it.
    let estimate = |name: &str, label: &str, step: &'static str, required: bool| -> Markup {
        let field = Field::text(name, label, get(name)).kind(Kind::Number(step));
        let field = if required { field.required() } else { field };
        html! {
            div.estimate {
                (field.render(errors))
                (range(f, name, label, step, errors))
            }
        }
    };
    let others: Vec<(String, String)> = doc
        .initiatives
        .iter()
        .filter(|i| Some(i.id.as_str()) != id)
        .map(|i| (i.id.to_string(), i.title.clone()))
        .collect();
    let systems: Vec<(String, String)> = doc
        .systems
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let mut goals = vec![(String::new(), "No goal".to_string())];
    goals.extend(
        doc.goals
            .iter()
            .map(|g| (g.id.to_string(), g.title.clone())),
    );
    let or_default = |n: &str, d: &str| {
        let v = get(n);
        if v.is_empty() { d.to_string() } else { v }
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            @if id.is_none() {
                (Field::text("id", "Id", get("id")).required()
                    .hint("A short name used in the plan file: letters, digits, -, _ and ., e.g. crm").render(errors))
            }
            (Field::text("title", "Title", get("title")).required().render(errors))
            (Field::text("description", "Description", get("description")).kind(Kind::Textarea).render(errors))
            div.row {
                (Field::text("kind", "Kind", or_default("kind", "exploit")).kind(Kind::Select(options(&[
                    ("exploit", "Exploit: today's business better"),
                    ("explore", "Explore: new business"),
                ]))).render(errors))
                (Field::text("status", "Status", or_default("status", "candidate")).kind(Kind::Select(
                    STATUSES.iter().map(|(k, v)| (v.to_string(), k.label().to_string())).collect()
                )).render(errors))
                (Field::text("owner", "Owner", get("owner")).render(errors))
            }
            div.row {
                (estimate("one_time_cost", "One-time cost", "any", false))
                (estimate("recurring_cost_annual", "Recurring cost a year", "any", false))
            }
            div.row {
                (estimate("duration_months", "Duration, months", "1", true))
                (Field::text("effort_hours_per_month", "Staff hours a month while it is done", get("effort_hours_per_month")).kind(Kind::Number("any")).render(errors))
            }
            (check_boxes("depends_on", "Depends on", &others, &f.all("depends_on"), "No other initiative yet.", errors))
            @for ([kind, annual, goal], legend) in &rows {
                fieldset {
                    legend { (legend) }
                    div.row {
                        (Field::text(kind, "Kind of benefit", or_default(kind, "revenue")).kind(Kind::Select(options(&[
                            ("revenue", "Revenue (extra sales)"),
                            ("saving", "Saving (lower costs)"),
                        ]))).render(errors))
                        div.estimate {
                            (Field::text(annual, "Amount a year", get(annual)).kind(Kind::Number("any"))
                                .hint("Leave the amount empty for none").render(errors))
                            (range(f, annual, &format!("{legend}, amount a year"), "any", errors))
                        }
                        (Field::text(goal, "Goal it serves", get(goal)).kind(Kind::Select(goals.clone())).render(errors))
                    }
                }
            }
            (goal_strengths("contributes", "Contributes to goals", &doc.goals, f, errors))
            fieldset {
                legend { "Scheduling" }
                (Field::text("mandatory", "Mandatory: the roadmap must schedule it", get("mandatory")).kind(Kind::Checkbox).render(errors))
                div.row {
                    (Field::text("start", "Fixed start month", get("start")).kind(Kind::Month)
                        .hint("Leave empty to let the roadmap choose the month").render(errors))
                    (Field::text("alternative_group", "Alternative group", get("alternative_group"))
                        .hint("Initiatives with the same group are alternatives: the roadmap picks at most one").render(errors))
                }
                (check_boxes("replaces", "Systems it replaces", &systems, &f.all("replaces"), "No system in the inventory yet.", errors))
            }
            button type="submit" { @if id.is_some() { "Save" } @else { "Add the initiative" } }
            " " a href=(match id { Some(id) => org.url(&format!("initiatives/{id}")), None => org.url("initiatives") }) { "Cancel" }
        }
    }
}

/// The initiative as JSON from the form, on top of the stored one (fields the form does not
/// show stay as they are).
fn initiative_json(
    f: &FormData,
    doc: &PlanDoc,
    stored: Option<&Value>,
    id: &str,
    errors: &mut Errors,
) -> Value {
    let mut body = match stored {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let old = |k: &str| stored.and_then(|s| s.get(k)).cloned();
    body.insert("id".into(), json!(id));
    let title = f.required("title", errors);
    body.insert("title".into(), json!(title));
    let kind = match f.get("kind") {
        "" | "exploit" => "exploit",
        "explore" => "explore",
        other => {
            errors.add(
                "kind",
                format!("expected exploit or explore, found `{other}`"),
            );
            "exploit"
        }
    };
    body.insert("kind".into(), json!(kind));
    let status = match f.get("status") {
        "" => "candidate",
        s => match STATUSES.iter().find(|(_, v)| *v == s) {
            Some((_, v)) => v,
            None => {
                errors.add(
                    "status",
                    format!(
                        "expected one of {}, found `{s}`",
                        STATUSES.map(|(_, v)| v).join(", ")
                    ),
                );
                "candidate"
            }
        },
    };
    body.insert("status".into(), json!(status));
    let one_time = f.estimate("one_time_cost", old("one_time_cost").as_ref(), errors);
    let recurring = f.estimate(
        "recurring_cost_annual",
        old("recurring_cost_annual").as_ref(),
        errors,
    );
    let duration = match f.opt("duration_months") {
        None => {
            errors.add("duration_months", "this field is required");
            None
        }
        Some(_) => f.months_estimate("duration_months", old("duration_months").as_ref(), errors),
    };
    let effort = f.number("effort_hours_per_month", errors);
    let stored_benefits: Vec<Value> = old("benefits")
        .and_then(|b| b.as_array().cloned())
        .unwrap_or_default();
    // One row per stored benefit and one more for a new one; a row left without an amount
    // removes that benefit.
    let mut benefits = Vec::new();
    for i in 0..=stored_benefits.len() {
        let (kind_field, annual_field, goal_field) = (
            benefit_field("kind", i),
            benefit_field("annual", i),
            benefit_field("goal", i),
        );
        let kind = match f.get(&kind_field) {
            "" | "revenue" => "revenue",
            "saving" => "saving",
            other => {
                errors.add(
                    &kind_field,
                    format!("expected revenue or saving, found `{other}`"),
                );
                "revenue"
            }
        };
        let stored = stored_benefits.get(i);
        // A row the form did not send at all (a script's post) keeps its benefit.
        if let Some(b) = stored
            && !f.0.iter().any(|(k, _)| *k == annual_field)
        {
            benefits.push(b.clone());
            continue;
        }
        let Some(annual) = f.estimate(&annual_field, stored.and_then(|b| b.get("annual")), errors)
        else {
            continue;
        };
        let mut b = match stored {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        b.insert("kind".into(), json!(kind));
        b.insert("annual".into(), annual);
        match f.opt(&goal_field) {
            Some(g) => b.insert("goal".into(), json!(g)),
            None => b.remove("goal"),
        };
        benefits.push(Value::Object(b));
    }
    let contributes = read_goal_strengths(
        "contributes",
        &doc.goals,
        f,
        old("contributes").as_ref(),
        errors,
    );
    let mut opt = |key: &str, v: Option<Value>| match v {
        Some(v) => {
            body.insert(key.into(), v);
        }
        None => {
            body.remove(key);
        }
    };
    opt("description", f.opt("description").map(Value::from));
    opt("owner", f.opt("owner").map(Value::from));
    opt("one_time_cost", one_time);
    opt("recurring_cost_annual", recurring);
    opt("duration_months", duration);
    // Fields a script's post leaves out stay as they were stored.
    for k in ["start", "alternative_group"] {
        if f.sent(k) {
            opt(k, f.opt(k).map(Value::from));
        }
    }
    opt("effort_hours_per_month", effort.map(json_number));
    body.insert(
        "depends_on".into(),
        Value::Array(f.all("depends_on").into_iter().map(Value::from).collect()),
    );
    body.insert("benefits".into(), Value::Array(benefits));
    body.insert("contributes".into(), contributes);
    body.insert("mandatory".into(), json!(f.checked("mandatory")));
    if f.sent("replaces") {
        body.insert(
            "replaces".into(),
            Value::Array(f.all("replaces").into_iter().map(Value::from).collect()),
        );
    }
    Value::Object(body)
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let stored = state
        .store
        .entity(&org.scope, Part::Initiatives, &id)
        .await?;
    let plan = org
        .require_plan(&state, "Initiatives", Section::Initiatives)
        .await?;
    let title = text_of(stored.body.get("title"));
    let body = editor::edit_body::<Initiatives>(
        &org,
        plan.doc(),
        &id,
        &stored.body,
        &form_of(&stored.body),
        &Errors::new(),
    );
    Ok(render(org.page(
        &format!("Edit: {title}"),
        Section::Initiatives,
        body,
    )))
}

/// What names the initiative `id`: initiatives depending on it, its risks, phases.
fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in &doc.initiatives {
        if i.depends_on.iter().any(|d| d.as_str() == id) {
            out.push(format!("the initiative {} (it depends on it)", i.title));
        }
    }
    for r in &doc.risks {
        if r.initiative.as_ref().is_some_and(|x| x.as_str() == id) {
            out.push(format!("the risk {}", r.title));
        }
    }
    for p in &doc.phases {
        if p.initiatives.iter().any(|x| x.as_str() == id) {
            out.push(format!("the phase {}", p.name));
        }
    }
    out
}
