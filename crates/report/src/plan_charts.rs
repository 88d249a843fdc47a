//! Charts built from a plan and its results: core's [`Analysis`] and the roadmap's
//! [`Roadmap`] and frontier, turned into the plain data of [`crate::chart`]. The HTML report
//! uses these, and so can a web page that shows the same chart.

use sextant_core::Analysis;
use sextant_core::Plan;
use sextant_core::case::BusinessCase;
use sextant_core::model::IntegrationKind;
use sextant_roadmap::report::{FrontierPoint, Roadmap};

use crate::chart::{
    Band, BarSeries, Bars, Edge, Frontier, Gantt, GanttRow, Graph, HeatCell, HeatMap, Limits, Line,
    Mark, Node, Radar, RadarPoint, Span, Target,
};
use sextant_core::unit::Measure;

/// The money unit of a plan's currency.
pub fn money_unit(plan: &Plan) -> Measure {
    Measure::money(plan.doc().organization.currency.clone())
}

/// Phases as spans over the months their scheduled initiatives run, from `(id, start, end)`
/// triples with `end` exclusive.
fn phase_spans(plan: &Plan, runs: &[(&str, usize, usize)]) -> Vec<Span> {
    plan.doc()
        .phases
        .iter()
        .filter_map(|p| {
            let mine = runs
                .iter()
                .filter(|(id, _, _)| p.initiatives.iter().any(|x| x.as_str() == *id));
            let start = mine.clone().map(|r| r.1).min()?;
            let end = mine.map(|r| r.2).max()?;
            Some(Span {
                label: p.name.clone(),
                start,
                end,
            })
        })
        .collect()
}

/// The optimised roadmap as a Gantt chart: one row per scheduled initiative (in the
/// roadmap's order, by start), coloured by exploit or explore, with the plan's phases.
pub fn roadmap_gantt(plan: &Plan, roadmap: &Roadmap) -> Gantt {
    let unit = money_unit(plan);
    let rows: Vec<GanttRow> = roadmap
        .schedule
        .iter()
        .map(|s| {
            let mut note = format!(
                "{}: {} to {}; cost {}, NPV {}",
                s.id,
                s.start,
                s.end,
                unit.format(s.cost),
                unit.format(s.npv)
            );
            if let Some(p) = &s.phase {
                note.push_str(&format!("; phase {p}"));
            }
            if s.mandatory {
                note.push_str("; mandatory");
            }
            GanttRow {
                label: s.title.clone(),
                start: s.start_month as usize,
                months: s.duration_months as usize,
                kind: s.kind.to_owned(),
                note: Some(note),
                after: waits_for(plan, &s.id, roadmap.schedule.iter().map(|x| x.id.as_str())),
            }
        })
        .collect();
    let runs: Vec<(&str, usize, usize)> = roadmap
        .schedule
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.start_month as usize,
                s.start_month as usize + s.duration_months as usize,
            )
        })
        .collect();
    Gantt {
        title: "Roadmap by month".to_owned(),
        months: roadmap.months.clone(),
        phases: phase_spans(plan, &runs),
        rows,
        today: None,
    }
}

/// The rows (indices into `rows`, the ids in the chart's order) of the initiatives `id`
/// depends on.
fn waits_for<'a>(plan: &Plan, id: &str, rows: impl Iterator<Item = &'a str> + Clone) -> Vec<usize> {
    let Some(init) = plan.doc().initiatives.iter().find(|i| i.id.as_str() == id) else {
        return Vec::new();
    };
    init.depends_on
        .iter()
        .filter_map(|d| rows.clone().position(|r| r == d.as_str()))
        .collect()
}

/// Today as a month index of `plan`'s months, with its fraction (the 16th of the plan's third
/// month is about 2.5): for a Gantt chart's "today" line; `None` before the plan starts.
pub fn today_index(plan: &Plan, today: sextant_core::model::Date) -> Option<f64> {
    let start = plan.doc().organization.start;
    let k = today.month().since(start);
    let first = sextant_core::model::Date::new(today.month(), 1)?;
    (k >= 0).then(|| f64::from(k) + today.days_since(first) as f64 / 31.0)
}

/// The plan's own schedule (each initiative at its pinned or earliest start) as a Gantt
/// chart, for when there is no optimised roadmap; cancelled and done initiatives are left out.
pub fn plan_gantt(plan: &Plan, analysis: &Analysis) -> Gantt {
    let horizon = analysis.organization.horizon_months as usize;
    let shown: Vec<_> = analysis
        .initiatives
        .iter()
        .filter(|i| {
            !matches!(
                i.status,
                sextant_core::model::Status::Cancelled | sextant_core::model::Status::Done
            )
        })
        .collect();
    let rows = shown
        .iter()
        .map(|i| GanttRow {
            label: i.title.clone(),
            start: i.case.start_month as usize,
            months: (i.case.end_month + 1).saturating_sub(i.case.start_month) as usize,
            kind: i.kind.label().to_ascii_lowercase(),
            note: Some(format!("{}: starts {}", i.id, i.start)),
            after: waits_for(plan, &i.id, shown.iter().map(|x| x.id.as_str())),
        })
        .collect();
    let runs: Vec<(&str, usize, usize)> = shown
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.case.start_month as usize,
                i.case.end_month as usize + 1,
            )
        })
        .collect();
    Gantt {
        title: "Roadmap (the plan's own starts)".to_owned(),
        months: (0..horizon as i32)
            .map(|t| plan.month_at(t).to_string())
            .collect(),
        phases: phase_spans(plan, &runs),
        rows,
        today: None,
    }
}

/// Scheduled implementation spend per fiscal period against the budget (the roadmap's
/// periods, without the "total").
pub fn spend_bars(plan: &Plan, roadmap: &Roadmap) -> Bars {
    let periods: Vec<_> = roadmap
        .spend_by_period
        .iter()
        .filter(|p| p.period != "total")
        .collect();
    let any_budget = periods.iter().any(|p| p.budget.is_some());
    Bars {
        stacked: false,
        title: "Spend per fiscal period against budget".to_owned(),
        labels: periods.iter().map(|p| p.period.clone()).collect(),
        series: vec![BarSeries {
            name: "Scheduled spend".to_owned(),
            values: periods.iter().map(|p| p.spend).collect(),
        }],
        limits: any_budget.then(|| Limits {
            name: "Budget".to_owned(),
            values: periods.iter().map(|p| p.budget).collect(),
        }),
        unit: money_unit(plan),
    }
}

/// The plan's implementation spend per fiscal period against the budget, from the analysis
/// (the plan's own starts), for when there is no optimised roadmap.
pub fn analysis_spend_bars(plan: &Plan, analysis: &Analysis) -> Bars {
    let periods = &analysis.spend_by_period;
    let any_budget = periods.iter().any(|p| p.budget.is_some());
    Bars {
        stacked: false,
        title: "Spend per fiscal period against budget".to_owned(),
        labels: periods.iter().map(|p| p.period.clone()).collect(),
        series: vec![BarSeries {
            name: "Planned spend".to_owned(),
            values: periods.iter().map(|p| p.implementation).collect(),
        }],
        limits: any_budget.then(|| Limits {
            name: "Budget".to_owned(),
            values: periods.iter().map(|p| p.budget).collect(),
        }),
        unit: money_unit(plan),
    }
}

/// Net cash flow by year of the evaluation horizon ("Year 1" is the plan's first twelve
/// months); negative years go below zero.
pub fn cash_flow_bars(title: &str, monthly: &[f64], unit: &Measure) -> Bars {
    let years: Vec<f64> = monthly.chunks(12).map(|c| c.iter().sum()).collect();
    Bars {
        stacked: false,
        title: title.to_owned(),
        labels: (1..=years.len()).map(|y| format!("Year {y}")).collect(),
        series: vec![BarSeries {
            name: "Net cash flow".to_owned(),
            values: years,
        }],
        limits: None,
        unit: unit.clone(),
    }
}

/// One initiative's yearly net cash flows, titled with its name.
pub fn case_cash_flow_bars(title: &str, case: &BusinessCase, unit: &Measure) -> Bars {
    cash_flow_bars(
        &format!("{title}: net cash flow by year"),
        &case.cash_flows,
        unit,
    )
}

/// The plan's risks on the 5x5 likelihood x impact matrix, labelled by id.
pub fn risk_heat_map(plan: &Plan) -> HeatMap {
    HeatMap {
        title: "Risks by likelihood and impact".to_owned(),
        cells: plan
            .doc()
            .risks
            .iter()
            .map(|r| HeatCell {
                likelihood: r.likelihood,
                impact: r.impact,
                labels: vec![r.id.as_str().to_owned()],
            })
            .collect(),
    }
}

/// The plan's technology watch list as a radar; an entry without a quadrant is drawn with the
/// software.
pub fn technology_radar(plan: &Plan) -> Radar {
    Radar {
        title: "Technology watch list".to_owned(),
        items: plan
            .doc()
            .radar
            .iter()
            .map(|r| RadarPoint {
                label: r.technology.clone(),
                ring: r.ring,
                quadrant: r.quadrant_or_default(),
                note: r.note.clone(),
            })
            .collect(),
    }
}

/// The current systems and the data flows between them; a system at or near its end of life
/// ([`sextant_core::lifecycle::end_of_life`] on `today` when known, else within the planning
/// horizon) is flagged, manual flows are marked.
pub fn integration_graph(plan: &Plan, today: Option<sextant_core::model::Date>) -> Graph {
    let doc = plan.doc();
    Graph {
        title: "Systems and data flows".to_owned(),
        nodes: doc
            .systems
            .iter()
            .map(|s| Node {
                id: s.id.as_str().to_owned(),
                label: s.name.clone(),
                group: s.category.clone(),
                warn: sextant_core::lifecycle::end_of_life(s.end_of_life, today, &doc.organization)
                    .flagged(),
            })
            .collect(),
        edges: doc
            .integrations
            .iter()
            .map(|i| Edge {
                from: i.from.as_str().to_owned(),
                to: i.to.as_str().to_owned(),
                label: i.data.clone(),
                manual: matches!(i.kind, IntegrationKind::Manual),
            })
            .collect(),
    }
}

/// A budget other than the plan's own on the frontier chart (a what-if of every budget
/// multiplied by a factor): drawn as a point of its own and highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentBudget {
    /// The budget over the horizon.
    pub budget_total: f64,
    /// The roadmap's NPV at that budget.
    pub npv: f64,
    /// Its label, e.g. "Now (80%)".
    pub label: String,
}

/// The efficient frontier: NPV against the budget over the horizon; levels without a
/// schedule are left out. Only the plan's own budget is labelled (labels of neighbouring
/// levels overlap; the table beside the chart lists every level), and it is highlighted
/// unless a `current` budget of another level is, which then gets a point of its own.
pub fn frontier_chart(
    plan: &Plan,
    points: &[FrontierPoint],
    current: Option<CurrentBudget>,
) -> Frontier {
    let unit = money_unit(plan);
    let own_is_current = current.is_none();
    let mut chart_points: Vec<crate::chart::FrontierPoint> = points
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                sextant_roadmap::solve::SolveStatus::Optimal
                    | sextant_roadmap::solve::SolveStatus::Feasible
            )
        })
        .map(|p| crate::chart::FrontierPoint {
            x: p.budget_total,
            y: p.npv,
            label: if p.plan_budget {
                "Plan's budget".to_owned()
            } else {
                String::new()
            },
            current: p.plan_budget && own_is_current,
        })
        .collect();
    if let Some(c) = current {
        chart_points.push(crate::chart::FrontierPoint {
            x: c.budget_total,
            y: c.npv,
            label: c.label,
            current: true,
        });
    }
    Frontier {
        title: "Value by budget (efficient frontier)".to_owned(),
        points: chart_points,
        x_name: "Budget over the horizon".to_owned(),
        y_name: "Net present value".to_owned(),
        x_unit: unit.clone(),
        y_unit: unit,
    }
}

/// The budget by fiscal year as stacked bars (systems, changes one-time, changes a year once
/// live, replacements) with the budget for changes as limits: the Budget page's chart and the
/// pack's.
pub fn budget_bars(b: &sextant_ops::budget::Budget) -> Bars {
    let col =
        |f: fn(&sextant_ops::budget::BudgetRow) -> f64| b.years.iter().map(f).collect::<Vec<f64>>();
    Bars {
        stacked: true,
        title: "Technology spend by fiscal year".into(),
        labels: b.years.iter().map(|r| r.period.clone()).collect(),
        series: vec![
            crate::chart::BarSeries {
                name: "Systems you run".into(),
                values: col(|r| r.systems),
            },
            crate::chart::BarSeries {
                name: "Changes: one-time".into(),
                values: col(|r| r.one_time),
            },
            crate::chart::BarSeries {
                name: "Changes: a year once live".into(),
                values: col(|r| r.recurring),
            },
            crate::chart::BarSeries {
                name: "Replacing devices".into(),
                values: col(|r| r.replacements),
            },
        ],
        limits: b
            .years
            .iter()
            .any(|r| r.budget.is_some())
            .then(|| crate::chart::Limits {
                name: "Budget for changes".into(),
                values: b.years.iter().map(|r| r.budget).collect(),
            }),
        unit: sextant_core::unit::Measure::money(&b.currency),
    }
}

/// A KPI's forecast as the line chart draws it: the months ahead, the mean and its 80% band.
#[derive(Debug, Clone, Copy)]
pub struct Ahead<'a> {
    /// The months ahead, `YYYY-MM`.
    pub periods: &'a [String],
    /// The forecast.
    pub mean: &'a [f64],
    /// The 80% band's low side.
    pub lower: &'a [f64],
    /// Its high side.
    pub upper: &'a [f64],
}

/// The months from a series' first value to its last, gaps included.
pub fn months_of(
    values: &std::collections::BTreeMap<sextant_core::model::Month, f64>,
) -> Vec<sextant_core::model::Month> {
    match (values.keys().next(), values.keys().next_back()) {
        (Some(first), Some(last)) => (0..=last.since(*first)).map(|k| first.plus(k)).collect(),
        _ => Vec::new(),
    }
}

/// A KPI by month as a line chart: its figures, the forecast (dashed) from the last figure
/// with its 80% band, the target as a level line and `marks` on unusual months; the KPI page's
/// chart and the review pack's.
pub fn kpi_line(
    name: &str,
    unit: Measure,
    values: &std::collections::BTreeMap<sextant_core::model::Month, f64>,
    ahead: Option<Ahead>,
    target: Option<Target>,
    marks: Vec<Mark>,
) -> Line {
    use crate::chart::Series;
    let months = months_of(values);
    let n = months.len();
    let mut labels: Vec<String> = months.iter().map(ToString::to_string).collect();
    let mut actual: Vec<Option<f64>> = months.iter().map(|m| values.get(m).copied()).collect();
    let mut series = Vec::new();
    let mut band = None;
    match ahead {
        Some(r) if n > 0 => {
            labels.extend(r.periods.iter().cloned());
            let k_ahead = r.periods.len();
            // The forecast's line starts at the last value, so that the two lines meet.
            let mut mean: Vec<Option<f64>> = vec![None; n + k_ahead];
            let mut lower: Vec<Option<f64>> = vec![None; n + k_ahead];
            let mut upper: Vec<Option<f64>> = vec![None; n + k_ahead];
            if let Some(last) = actual.last().copied().flatten() {
                mean[n - 1] = Some(last);
                lower[n - 1] = Some(last);
                upper[n - 1] = Some(last);
            }
            for k in 0..k_ahead {
                mean[n + k] = r.mean.get(k).copied();
                lower[n + k] = r.lower.get(k).copied();
                upper[n + k] = r.upper.get(k).copied();
            }
            actual.resize(n + k_ahead, None);
            series.push(Series {
                name: "Actual".into(),
                values: actual,
                dashed: false,
            });
            series.push(Series {
                name: "Forecast".into(),
                values: mean,
                dashed: true,
            });
            band = Some(Band {
                name: "80% interval".into(),
                lower,
                upper,
            });
        }
        _ => series.push(Series {
            name: "Actual".into(),
            values: actual,
            dashed: false,
        }),
    }
    Line {
        title: format!("{name} by month"),
        labels,
        series,
        band,
        target,
        marks,
        unit,
    }
}
