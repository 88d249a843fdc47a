//! The pack's data: every part as the template lays it out, figures already written as the
//! pages write them (`sextant_core::unit`), charts drawn by the pages' builders.

use serde::Serialize;
use sextant_core::Plan;
use sextant_core::asset::long_date;
use sextant_core::calendar::month_words;
use sextant_core::kpi::Standing;
use sextant_core::model::Month;
use sextant_core::standard::Scored;
use sextant_core::unit::{Measure, chance, money, months, percent, percent_opt};
use sextant_core::{Analysis, unit};
use sextant_ops::budget::BudgetRow;
use sextant_ops::summary::{Context, Summarised};
use sextant_report::chart::{SCurve, Tornado, TornadoBar};
use sextant_report::plan_charts;
use sextant_roadmap::report::Roadmap;
use sextant_roadmap::solve::SolveStatus;

use crate::{Branding, Paper, Part};

/// The font the charts are drawn in, in the pack (the pages' is the reader's own sans-serif).
const CHART_FONT: &str = "Libertinus Serif";
/// Quarters of budget shown from the current one.
const QUARTERS: usize = 8;
/// Lifecycle warnings listed.
const WARNINGS: usize = 10;

/// What a pack is made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The KPIs' monthly figures the analysis was made with.
    pub series: &'a sextant_core::kpi::Series,
    /// Its optimised roadmap.
    pub roadmap: &'a Roadmap,
    /// The budget, the simulation, the agenda and the summary made from them
    /// (`sextant_ops::summary::summarise`).
    pub made: &'a Summarised,
    /// The reviews, assessments and asset register they were made with.
    pub context: &'a Context<'a>,
    /// Who prepared it.
    pub branding: &'a Branding,
    /// The document's paper.
    pub paper: Paper,
    /// The parts to include.
    pub parts: &'a [Part],
}

/// A KPI chart of the goals part.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KpiChart {
    /// Its path among the charts.
    pub path: String,
    /// What it shows.
    pub caption: String,
}

/// The most KPI charts the goals part draws.
pub const KPI_CHARTS: usize = 6;

/// A heading and its sentences.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Block {
    /// The heading.
    pub heading: String,
    /// The sentences.
    pub lines: Vec<String>,
}

/// A table: its header and rows of cells, already written.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Table {
    /// The column headings.
    pub header: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

/// The pack's data, as the templates read it (`data.json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Data {
    /// The client's name.
    pub client: String,
    /// The document's title.
    pub title: String,
    /// The day, in words.
    pub date: String,
    /// Who prepared it.
    pub prepared_by: String,
    /// The brand colour, `#RRGGBB`.
    pub colour: String,
    /// `a4` or `us-letter`.
    pub paper: &'static str,
    /// The logo's path in the pack, if any.
    pub logo: Option<String>,
    /// The parts included, by name.
    pub parts: Vec<&'static str>,
    /// The executive summary's parts.
    pub summary: Vec<Block>,
    /// The headline of each slide that has one: what the plan does, in one sentence.
    pub headline: String,
    /// Goals: title, measure, latest, target by when, standing, chance.
    pub goals: Table,
    /// The roadmap's chart path.
    pub gantt: Option<String>,
    /// The roadmap in words (its status).
    pub roadmap_note: String,
    /// The changes on the roadmap.
    pub roadmap: Table,
    /// Left out, and why.
    pub left_out: Vec<String>,
    /// The budget chart's path.
    pub budget_chart: String,
    /// The budget by fiscal year.
    pub years: Table,
    /// The budget by quarter, from the current one.
    pub quarters: Table,
    /// The business cases.
    pub cases: Table,
    /// Notes under the cases (an IRR out of a sane range explained, terms).
    pub case_notes: Vec<String>,
    /// The simulation in words.
    pub uncertainty: Vec<String>,
    /// The simulated value's curve, if simulated.
    pub scurve: Option<String>,
    /// What moves the value most, if simulated.
    pub tornado: Option<String>,
    /// The plan's scenarios beside it, in sentences (empty when it has none).
    pub what_if: Vec<String>,
    /// The scenarios' figures: scenario, what changes, the best roadmap's worth, against the
    /// plan, left out, whether today's schedule still fits.
    pub what_if_table: Table,
    /// The risk heat map's path.
    pub heat_map: String,
    /// The risks, highest first.
    pub risks: Table,
    /// Assessments.
    pub assessments: Table,
    /// Lifecycle warnings.
    pub lifecycle: Vec<String>,
    /// The lifecycle in one sentence.
    pub lifecycle_note: String,
    /// The last review, in words.
    pub last_review: String,
    /// Its decisions.
    pub decisions: Vec<String>,
    /// The actions not done.
    pub actions: Table,
    /// The client's answers to what the reviews proposed, the latest about each change and
    /// the budget: what was approved or declined, by whom, when, and what was shown then.
    pub answers: Table,
    /// The assumptions: label, value.
    pub appendix: Table,
    /// The goals' KPI charts, with the forecast towards each target: path and caption.
    pub kpi_charts: Vec<KpiChart>,
    /// The charts: path, SVG.
    #[serde(skip)]
    pub charts: Vec<(String, String)>,
    /// The logo's bytes.
    #[serde(skip)]
    pub logo_bytes: Option<Vec<u8>>,
    /// The day, for the typesetter.
    #[serde(skip)]
    pub day: (i32, u8, u8),
}

fn standing_words(s: Standing) -> &'static str {
    match s {
        Standing::Achieved => "Reached",
        Standing::OnTrack => "On track",
        Standing::AtRisk => "At risk",
        Standing::OffTrack => "Off track",
        Standing::Missed => "Missed",
        Standing::NoData => "No figures yet",
        Standing::NotMeasurable => "No measure set",
    }
}

/// A `YYYY-MM` month in words, or as given.
fn month_of(s: &str) -> String {
    Month::parse(s).map_or_else(|| s.to_string(), month_words)
}

/// The chart's SVG with the pack's font.
fn chart(svg: String) -> String {
    svg.replace(
        &format!("font-family=\"{}\"", sextant_report::chart::FONT),
        &format!("font-family=\"{CHART_FONT}\""),
    )
}

fn row(r: &BudgetRow, cur: &str) -> Vec<String> {
    vec![
        r.period.clone(),
        money(r.capital, cur),
        money(r.operating, cur),
        money(r.total, cur),
        r.budget
            .map_or_else(|| unit::MISSING.to_string(), |b| money(b, cur)),
    ]
}

/// The pack's data from `i`.
pub fn data(i: &Inputs) -> Data {
    let (budget, summary, agenda) = (&i.made.budget, &i.made.summary, &i.made.agenda);
    let simulation = i.made.simulation.as_ref();
    let doc = i.plan.doc();
    let an = i.analysis;
    let cur = an.organization.currency.as_str();
    let today = summary.prepared;
    let mut charts = Vec::new();
    let title_of = |id: &str| {
        doc.initiatives
            .iter()
            .find(|x| x.id.as_str() == id)
            .map_or_else(|| id.to_string(), |x| x.title.clone())
    };

    // Goals.
    let goals = Table {
        header: ["Goal", "Measure", "Latest", "Target", "Standing", "Chance"]
            .map(String::from)
            .to_vec(),
        rows: doc
            .goals
            .iter()
            .map(|g| {
                let st = an.goal_status.iter().find(|s| s.goal == g.id.as_str());
                let unit = g.kpi.as_deref().map_or_else(
                    || Measure::of(unit::Unit::Number),
                    |k| Measure::of_kpi(doc, k),
                );
                let measure = g
                    .kpi
                    .as_deref()
                    .map(|k| {
                        doc.kpis
                            .iter()
                            .find(|x| x.id.as_str() == k)
                            .map(|x| x.name.clone())
                            .or_else(|| {
                                sextant_core::catalogue::find(k).map(|m| m.name.to_string())
                            })
                            .unwrap_or_else(|| k.to_string())
                    })
                    .unwrap_or_else(|| unit::MISSING.to_string());
                let latest = st.and_then(|s| s.latest).map_or_else(
                    || unit::MISSING.to_string(),
                    |v| {
                        format!(
                            "{} ({})",
                            unit.format(v),
                            st.and_then(|s| s.latest_month.as_deref())
                                .map(month_of)
                                .unwrap_or_default()
                        )
                    },
                );
                let target = match (g.target, g.due) {
                    (Some(t), Some(d)) => format!("{} by {}", unit.format(t), month_words(d)),
                    (Some(t), None) => unit.format(t),
                    _ => unit::MISSING.to_string(),
                };
                vec![
                    g.title.clone(),
                    measure,
                    latest,
                    target,
                    st.map_or("No measure set", |s| standing_words(s.status))
                        .to_string(),
                    st.and_then(|s| s.probability)
                        .map_or_else(|| unit::MISSING.to_string(), unit::chance_percent),
                ]
            })
            .collect(),
    };

    // The goals' KPIs by month, each forecast towards its goal's target (as the KPI page).
    let mut kpi_charts = Vec::new();
    let mut drawn: Vec<&str> = Vec::new();
    for g in &doc.goals {
        let Some(k) = g.kpi.as_deref() else { continue };
        let Some(values) = i.series.get(k).filter(|v| !v.is_empty()) else {
            continue;
        };
        if drawn.contains(&k) || kpi_charts.len() >= KPI_CHARTS {
            continue;
        }
        drawn.push(k);
        let unit = Measure::of_kpi(doc, k);
        let name = doc
            .kpis
            .iter()
            .find(|x| x.id.as_str() == k)
            .map(|x| x.name.clone())
            .or_else(|| sextant_core::catalogue::find(k).map(|m| m.name.to_string()))
            .unwrap_or_else(|| k.to_string());
        let horizon = sextant_ops::forecast_horizon(g.due, values.keys().next_back().copied());
        let down = matches!((g.baseline, g.target), (Some(b), Some(t)) if t < b);
        let forecast = sextant_ops::forecast_series(k, values, horizon, None, g.target, down).ok();
        let ahead = forecast.as_ref().map(|r| plan_charts::Ahead {
            periods: &r.forecast_periods,
            mean: &r.mean,
            lower: &r.lower_80,
            upper: &r.upper_80,
        });
        let target = g.target.map(|t| sextant_report::chart::Target {
            label: match g.due {
                Some(d) => format!("Target by {}", month_words(d)),
                None => "Target".into(),
            },
            value: t,
        });
        let path = format!("/charts/kpi-{}.svg", kpi_charts.len());
        charts.push((
            path.clone(),
            chart(
                plan_charts::kpi_line(&name, unit.clone(), values, ahead, target, Vec::new()).svg(),
            ),
        ));
        let mut caption = format!("{name} by month");
        if forecast.is_some() {
            caption += ", with the forecast (dashed) and its 80% range (shaded)";
        }
        if let Some(t) = g.target {
            caption += &format!(
                "; the level line is the target of “{}”, {}",
                g.title,
                unit.format(t)
            );
        }
        kpi_charts.push(KpiChart {
            path,
            caption: caption + ".",
        });
    }

    // The roadmap.
    let scheduled = matches!(
        i.roadmap.status,
        SolveStatus::Optimal | SolveStatus::Feasible
    );
    let gantt = scheduled.then(|| {
        charts.push((
            "/charts/roadmap.svg".to_string(),
            chart(plan_charts::roadmap_gantt(i.plan, i.roadmap).svg()),
        ));
        "/charts/roadmap.svg".to_string()
    });
    let roadmap_note = match (i.roadmap.status, i.roadmap.gap) {
        (SolveStatus::Optimal, _) => {
            "The best order of the changes within the budgets, staff hours and limits of the plan."
                .to_string()
        }
        (SolveStatus::Feasible, Some(g)) => format!(
            "The best order found in the time allowed, within {} of the best possible.",
            percent(g, 1)
        ),
        _ => "No order of the changes fits every budget and limit of the plan: loosen one on the roadmap page.".to_string(),
    };
    let roadmap = Table {
        header: ["Change", "Starts", "Live from", "One-time cost"]
            .map(String::from)
            .to_vec(),
        rows: if scheduled {
            i.roadmap
                .schedule
                .iter()
                .map(|s| {
                    vec![
                        s.title.clone(),
                        month_of(&s.start),
                        month_words(i.plan.month_at(s.end_month as i32 + 1)),
                        money(s.cost, cur),
                    ]
                })
                .collect()
        } else {
            Vec::new()
        },
    };
    let left_out = i
        .roadmap
        .excluded
        .iter()
        .filter(|x| {
            !matches!(
                x.reason,
                sextant_roadmap::solve::Reason::Done | sextant_roadmap::solve::Reason::Cancelled
            )
        })
        .map(|x| format!("{}: {}.", title_of(&x.id), x.detail.trim_end_matches('.')))
        .collect();

    // The budget.
    charts.push((
        "/charts/budget.svg".to_string(),
        chart(plan_charts::budget_bars(budget).svg()),
    ));
    let head = [
        "Period",
        "Capital",
        "Operating",
        "Total",
        "Budget for changes",
    ]
    .map(String::from)
    .to_vec();
    let fiscal = doc.organization.fiscal_year_start;
    let now = sextant_core::model::BudgetPeriod::quarter_of(today.month(), fiscal).to_string();
    let from = budget
        .quarters
        .iter()
        .position(|q| q.period >= now)
        .unwrap_or(0);
    let years = Table {
        header: head.clone(),
        rows: budget.years.iter().map(|r| row(r, cur)).collect(),
    };
    let quarters = Table {
        header: head,
        rows: budget
            .quarters
            .iter()
            .skip(from)
            .take(QUARTERS)
            .map(|r| row(r, cur))
            .collect(),
    };

    // The business cases of the changes on the roadmap.
    let mut case_notes = Vec::new();
    let years_counted = f64::from(an.organization.evaluation_months) / 12.0;
    let cases = Table {
        header: [
            "Change",
            "One-time cost",
            "Running cost a year",
            "Brings a year",
            "Worth over the period",
            "Pays back",
            "Yearly return",
        ]
        .map(String::from)
        .to_vec(),
        rows: an
            .initiatives
            .iter()
            .filter(|x| i.roadmap.schedule.iter().any(|s| s.id == x.id) && scheduled)
            .map(|x| {
                let c = &x.case;
                if unit::return_note(c.irr_annual).is_some() {
                    case_notes.push(format!(
                        "{}: its yearly return is above 1,000% because it costs little against what it brings (it pays back in {}); the rate says nothing more.",
                        x.title,
                        c.payback_month.map_or_else(
                            || "time".to_string(),
                            |m| months(f64::from(m.saturating_sub(c.start_month)))
                        )
                    ));
                }
                let irr = unit::yearly_return(c.irr_annual);
                vec![
                    x.title.clone(),
                    money(c.one_time_cost, cur),
                    money(c.recurring_cost_annual, cur),
                    money(c.benefit_annual, cur),
                    money(c.npv, cur),
                    // Counted from the month its work starts, as the initiative's page counts
                    // it (the case's month is counted from the plan's first).
                    c.payback_month.map_or_else(
                        || "not within the period".to_string(),
                        |m| {
                            format!(
                                "{} after it starts",
                                months(f64::from(m.saturating_sub(c.start_month)))
                            )
                        },
                    ),
                    irr,
                ]
            })
            .collect(),
    };
    case_notes.push(format!(
        "“Worth over the period” is the net present value: what the change brings less what it costs over {} years, counting money that comes later as worth less than money now, at {} a year. “Yearly return” is the internal rate of return: the yearly interest rate the change earns on what it costs.",
        unit::fixed(years_counted, 1, true),
        percent(an.organization.discount_rate, 1)
    ));
    let money_unit = Measure::money(cur);
    let mut uncertainty = Vec::new();
    let (mut scurve, mut tornado) = (None, None);
    if let (Some(s), true) = (simulation, scheduled) {
        uncertainty.push(format!(
            "In {} simulated futures, where costs, benefits and timings vary within their estimates and the plan's risks may happen, the roadmap is worth {} at the middle, between {} and {} in 8 futures out of 10, and has {} of losing money.",
            unit::count(s.trials as f64),
            money(s.npv.p50, cur),
            money(s.npv.p10, cur),
            money(s.npv.p90, cur),
            chance(s.p_npv_negative)
        ));
        if s.p_over_budget > 0.0 {
            uncertainty.push(format!(
                "There is {} that a year's spending on changes goes over its budget.",
                chance(s.p_over_budget)
            ));
        }
        charts.push((
            "/charts/value.svg".to_string(),
            chart(
                SCurve {
                    title: "What the roadmap is worth: the chance of each amount or less".into(),
                    values: s.npv.quantiles.clone(),
                    unit: money_unit.clone(),
                    marks: vec![
                        (s.npv.p10, "1 in 10".into()),
                        (s.npv.p50, "Middle".into()),
                        (s.npv.p90, "9 in 10".into()),
                    ],
                    quantiles_of: Some(s.trials),
                }
                .svg(),
            ),
        ));
        scurve = Some("/charts/value.svg".to_string());
        if !s.tornado.is_empty() {
            charts.push((
                "/charts/drivers.svg".to_string(),
                chart(
                    Tornado {
                        title: "What moves the roadmap's worth most".into(),
                        base: s.deterministic_npv,
                        bars: s
                            .tornado
                            .iter()
                            .take(8)
                            .map(|b| TornadoBar {
                                label: input_words(&b.input, doc),
                                low: b.npv_low,
                                high: b.npv_high,
                            })
                            .collect(),
                        unit: money_unit.clone(),
                    }
                    .svg(),
                ),
            ));
            tornado = Some("/charts/drivers.svg".to_string());
        }
    }

    if uncertainty.is_empty() {
        uncertainty.push("Not simulated: the roadmap schedules no change.".to_string());
    }

    // Risks.
    charts.push((
        "/charts/risks.svg".to_string(),
        chart(plan_charts::risk_heat_map(i.plan).svg()),
    ));
    let mut register: Vec<_> = an.risks.iter().collect();
    register.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
    let risks = Table {
        header: ["Risk", "Level", "Once handled", "What reduces it"]
            .map(String::from)
            .to_vec(),
        rows: register
            .iter()
            .map(|r| {
                vec![
                    r.title.clone(),
                    r.level.to_string(),
                    r.residual_level.unwrap_or(unit::MISSING).to_string(),
                    r.mitigation.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };

    // Assessments, newest first.
    let mut assessed: Vec<&(String, Scored)> = i.context.assessments.iter().collect();
    assessed.sort_by(|(ia, a), (ib, b)| b.date.cmp(&a.date).then(ia.cmp(ib)));
    // The trend: each against the one before it of the same standard, in points.
    let before = |s: &Scored| {
        assessed
            .iter()
            .map(|(_, o)| o)
            .filter(|o| o.standard == s.standard && o.date < s.date)
            .max_by(|a, b| a.date.cmp(&b.date))
            .and_then(|o| o.overall.score)
    };
    let assessments = Table {
        header: [
            "Assessment",
            "Day",
            "Weight met",
            "Since the one before",
            "Controls not met",
        ]
        .map(String::from)
        .to_vec(),
        rows: assessed
            .iter()
            .map(|(_, s)| {
                let trend = match (s.overall.score, before(s)) {
                    (Some(now), Some(then)) => {
                        let pts = ((now - then) * 100.0).round();
                        if pts > 0.0 {
                            format!("up {pts} points")
                        } else if pts < 0.0 {
                            format!("down {} points", -pts)
                        } else {
                            "the same".to_string()
                        }
                    }
                    _ => "the first".to_string(),
                };
                vec![
                    s.title.clone(),
                    s.date.map_or_else(|| unit::MISSING.to_string(), long_date),
                    percent_opt(s.overall.score, 0),
                    trend,
                    s.gaps.len().to_string(),
                ]
            })
            .collect(),
    };

    // Devices and software.
    let (lifecycle, lifecycle_note) = match i.context.lifecycle {
        Some(lc) if lc.totals.assets > 0 => (
            lc.warnings
                .iter()
                .take(WARNINGS)
                .map(|w| w.message.clone())
                .collect(),
            format!(
                "{} devices and licences: {} out of warranty, {} out of support; {} to replace within 12 months, for {}.",
                lc.totals.assets,
                lc.totals.out_of_warranty,
                lc.totals.unsupported,
                lc.totals.due_12_months,
                money(lc.totals.cost_12_months, cur)
            ),
        ),
        _ => (
            Vec::new(),
            "No asset list is kept for this business yet.".to_string(),
        ),
    };

    // Reviews.
    let last_review = agenda.last.as_ref().map_or_else(
        || "No review has been held yet.".to_string(),
        |l| format!("The last review was on {}: {}.", long_date(l.date), l.title),
    );
    let actions = Table {
        header: ["Action", "Who", "Due", "Status"]
            .map(String::from)
            .to_vec(),
        rows: agenda
            .actions
            .iter()
            .map(|a| {
                vec![
                    a.action.title.clone(),
                    a.action.owner.clone().unwrap_or_default(),
                    a.action
                        .due
                        .map_or_else(|| unit::MISSING.to_string(), long_date),
                    if a.overdue {
                        "Overdue".to_string()
                    } else {
                        a.action.status.label().to_string()
                    },
                ]
            })
            .collect(),
    };

    // The assumptions.
    let org = &doc.organization;
    let mut appendix = vec![
        vec!["Currency".to_string(), org.currency.clone()],
        vec![
            "Plan".to_string(),
            format!(
                "from {} for {} months",
                month_words(org.start),
                org.horizon_months
            ),
        ],
        vec![
            "Value counted over".to_string(),
            format!("{} months", an.organization.evaluation_months),
        ],
        vec![
            "Money later counted as worth less by".to_string(),
            format!(
                "{} a year (the discount rate)",
                percent(org.discount_rate, 1)
            ),
        ],
        vec![
            "Financial year starts in".to_string(),
            sextant_core::calendar::MONTH_NAMES
                .get((fiscal.clamp(1, 12) - 1) as usize)
                .copied()
                .unwrap_or("January")
                .to_string(),
        ],
        vec![
            "Extra sales counted as profit at".to_string(),
            org.gross_margin.map_or_else(
                || "100% (no gross margin is set)".to_string(),
                |m| percent(m, 1),
            ),
        ],
    ];
    if let Some(s) = simulation {
        appendix.push(vec![
            "Simulation".to_string(),
            format!(
                "{} futures, seed {}, three-point estimates drawn as {}",
                unit::count(s.trials as f64),
                s.seed,
                match s.distribution {
                    sextant_roadmap::simulate::Shape::Pert => "PERT",
                    sextant_roadmap::simulate::Shape::Triangular => "triangles",
                }
            ),
        ]);
    }
    appendix.push(vec!["Prepared on".to_string(), long_date(today)]);

    let headline = summary
        .overview
        .first()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    let (logo, logo_bytes) = match &i.branding.logo {
        Some(l) => (Some(format!("/logo.{}", l.kind)), Some(l.bytes.clone())),
        None => (None, None),
    };
    let (y, m, d) = sextant_core::calendar::civil_from_days(today.days());
    Data {
        client: org.name.clone(),
        title: "Quarterly technology review".into(),
        date: long_date(today),
        prepared_by: i.branding.name.clone(),
        colour: i.branding.colour.clone(),
        paper: i.paper.typst(),
        logo,
        parts: i.parts.iter().map(|p| p.name()).collect(),
        summary: summary
            .sections()
            .into_iter()
            .map(|(h, lines)| Block {
                heading: h.to_string(),
                lines: lines.iter().map(|l| l.text.clone()).collect(),
            })
            .collect(),
        headline,
        goals,
        gantt,
        roadmap_note,
        roadmap,
        left_out,
        budget_chart: "/charts/budget.svg".into(),
        years,
        quarters,
        cases,
        case_notes,
        uncertainty,
        scurve,
        tornado,
        what_if: i
            .made
            .what_if
            .iter()
            .map(sextant_ops::what_if::WhatIf::sentence)
            .collect(),
        what_if_table: what_if_table(i.made, cur),
        heat_map: "/charts/risks.svg".into(),
        risks,
        assessments,
        lifecycle,
        lifecycle_note,
        last_review,
        decisions: agenda
            .last
            .as_ref()
            .and_then(|l| i.context.meetings.iter().find(|x| x.id == l.id))
            .map(|x| x.decisions.clone())
            .unwrap_or_default(),
        actions,
        answers: answers_table(i),
        kpi_charts,
        appendix: Table {
            header: vec!["Assumption".into(), "Value".into()],
            rows: appendix,
        },
        charts,
        logo_bytes,
        day: (y, m as u8, d as u8),
    }
}

/// The scenarios' figures as the report shows them (`sextant_ops::what_if::cells`).
fn what_if_table(made: &Summarised, cur: &str) -> Table {
    Table {
        header: sextant_ops::what_if::HEADER.map(String::from).to_vec(),
        rows: sextant_ops::what_if::cells(&made.what_if, cur)
            .into_iter()
            .map(Vec::from)
            .collect(),
    }
}

/// The latest answer about each change and the budget, over every review, in the order given.
fn answers_table(i: &Inputs) -> Table {
    let mut rows: Vec<(sextant_core::model::Date, Vec<String>)> =
        sextant_core::review::standing_answers(i.context.meetings)
            .into_iter()
            .map(|(_, a)| {
                let name = match a.initiative.as_deref() {
                    None => "The budget".to_string(),
                    Some(id) => i
                        .plan
                        .doc()
                        .initiatives
                        .iter()
                        .find(|x| x.id.as_str() == id)
                        .map_or_else(|| id.to_string(), |x| x.title.clone()),
                };
                let mut what = name;
                if let Some(sh) = &a.shown {
                    what += &format!(" ({})", sh.trim_end_matches('.'));
                }
                (
                    a.on,
                    vec![
                        what,
                        a.verdict.label().to_string(),
                        a.by.clone(),
                        long_date(a.on),
                        a.comment.clone().unwrap_or_default(),
                    ],
                )
            })
            .collect();
    rows.sort_by_key(|r| r.0);
    Table {
        header: ["Proposal", "Answer", "By", "On", "Comment"]
            .map(String::from)
            .to_vec(),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

/// A simulated input in words: `crm: one_time_cost` is "Cloud CRM: one-time cost".
fn input_words(input: &str, doc: &sextant_core::model::PlanDoc) -> String {
    let (who, what) = input.split_once(": ").unwrap_or(("", input));
    let name = doc
        .initiatives
        .iter()
        .find(|x| x.id.as_str() == who)
        .map(|x| x.title.clone())
        .or_else(|| {
            doc.risks
                .iter()
                .find(|r| r.id.as_str() == who)
                .map(|r| format!("Risk: {}", r.title))
        })
        .unwrap_or_else(|| who.to_string());
    let part = match what {
        "one_time_cost" => "one-time cost",
        "recurring_cost_annual" => "running cost",
        "duration_months" => "time it takes",
        "occurs" => "happens",
        b if b.starts_with("benefits[") => "what it brings",
        other => other,
    };
    format!("{name}: {part}")
}
