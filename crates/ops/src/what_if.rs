//! The plan's scenarios in the owner's words: each what-if of the plan (a budget cut, a cost
//! overrun, a late start, weaker benefits) re-optimised beside the plan as it is
//! ([`crate::compare`]), then said as a sentence: what changes, what the best roadmap under it
//! would be worth, what it would leave out, and whether today's schedule would still hold.
//!
//! One computation for every door: the scenarios page, the executive summary, the HTML report
//! and the review pack read the same [`WhatIf`] rows, whose figures are the comparison's,
//! unrounded.

use serde::Serialize;
use sextant_core::Plan;
use sextant_core::unit::rounded_money;
use sextant_roadmap::Objective;
use sextant_roadmap::scenario::{Case, Comparison};
use sextant_roadmap::solve::{self, SolveStatus};

use crate::summary::and_list;

/// The time the scenarios of a summary or a pack may search, in all (each case gets its
/// share, at least 1 s).
pub const SCENARIO_SECONDS: f64 = 10.0;
/// The least time one case searches.
const MIN_CASE_SECONDS: f64 = 1.0;

/// One scenario beside the plan as it is, with its figures and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The scenario's name in the plan.
    pub name: String,
    /// What it changes, in words: `budgets 20% lower`, `E-commerce starts 9 months later`.
    pub changes: String,
    /// Whether a roadmap fits under it at all.
    pub possible: bool,
    /// Whether the best roadmap under it was proven the best (not stopped by the time limit).
    pub proven: bool,
    /// The net present value of the best roadmap under it (0 when none fits).
    pub npv: f64,
    /// That value less the plan's own (the base case's).
    pub against_plan: f64,
    /// What the roadmap spends on changes under it.
    pub spend: f64,
    /// The changes the plan makes that it would leave out (titles, in the plan's order).
    pub left_out: Vec<String>,
    /// The changes it would make that the plan does not (titles).
    pub added: Vec<String>,
    /// Whether today's schedule would still meet every budget and limit under it.
    pub schedule_holds: bool,
    /// The value of today's schedule under it.
    pub schedule_npv: f64,
    /// The scenario named with what it changes: `“Budget cut” (budgets 20% lower)`.
    pub head: String,
    /// What follows from it, in a sentence or two starting in lower case.
    pub outcome: String,
}

impl WhatIf {
    /// The scenario in a sentence: `head: outcome`.
    pub fn sentence(&self) -> String {
        format!("{}: {}", self.head, self.outcome)
    }
}

/// The plan's scenarios and the plan as it is, compared for net present value, the searches
/// sharing [`SCENARIO_SECONDS`] and stopping when `stop` is requested; `None` when the plan has
/// no scenario.
pub fn comparison(plan: &Plan, stop: &sextant_roadmap::Stop) -> Option<Comparison> {
    let n = plan.doc().scenarios.len();
    if n == 0 {
        return None;
    }
    let cases = n as f64 + 1.0;
    let opts = solve::Options {
        time_limit: std::time::Duration::from_secs_f64(
            (SCENARIO_SECONDS / cases).max(MIN_CASE_SECONDS),
        ),
        stop: stop.clone(),
        ..solve::Options::default()
    };
    Some(crate::compare(plan, Objective::Npv, &opts))
}

/// A factor as a change in words: `20% lower`, `25% higher`; `None` at 1.
fn factor_words(f: f64) -> Option<String> {
    let pct = ((f - 1.0) * 100.0).round();
    if pct == 0.0 {
        return None;
    }
    Some(if pct < 0.0 {
        format!("{}% lower", -pct)
    } else {
        format!("{pct}% higher")
    })
}

/// `s` with its first letter in upper case.
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The title of an initiative, or its id when the plan does not know it.
pub fn title_of(plan: &Plan, id: &str) -> String {
    plan.doc()
        .initiatives
        .iter()
        .find(|i| i.id.as_str() == id)
        .map_or_else(|| id.to_string(), |i| i.title.clone())
}

/// What `case` changes, in words.
pub fn changes_words(plan: &Plan, case: &Case) -> String {
    let mut parts = Vec::new();
    if let Some(w) = factor_words(case.budget_factor) {
        parts.push(format!("budgets {w}"));
    }
    if let Some(w) = factor_words(case.cost_factor) {
        parts.push(format!("costs {w}"));
    }
    if let Some(w) = factor_words(case.benefit_factor) {
        parts.push(format!("benefits {w}"));
    }
    for (id, months) in &case.delays {
        parts.push(format!(
            "{} starts {months} month{} later",
            title_of(plan, id),
            if *months == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() {
        "nothing changed".to_string()
    } else {
        and_list(&parts)
    }
}

/// The scenarios of `c` (the base case left out), in the plan's order, in words.
pub fn what_if(plan: &Plan, c: &Comparison) -> Vec<WhatIf> {
    let cur = c.currency.as_str();
    let m = |x: f64| rounded_money(x, cur);
    let base_npv = c.cases.first().map_or(0.0, |b| b.npv);
    let order = |ids: &[String]| -> Vec<String> {
        plan.doc()
            .initiatives
            .iter()
            .filter(|i| ids.iter().any(|d| d == i.id.as_str()))
            .map(|i| i.title.clone())
            .collect()
    };
    c.cases
        .iter()
        .skip(1)
        .map(|case| {
            let changes = changes_words(plan, case);
            let possible = matches!(case.status, SolveStatus::Optimal | SolveStatus::Feasible);
            let npv = if possible { case.npv } else { 0.0 };
            let left_out = order(&case.dropped);
            let added = order(&case.added);
            let head = format!("“{}” ({changes})", upper_first(&case.name));
            let mut s = String::new();
            if possible {
                let d = npv - base_npv;
                if npv >= 0.0 {
                    s += &format!("the best roadmap would be worth about {}", m(npv));
                } else {
                    s += &format!(
                        "the best roadmap would cost about {} more than it brings",
                        m(-npv)
                    );
                }
                if case.status == SolveStatus::Feasible {
                    s += " (the best found in the time allowed)";
                }
                if d.abs() < 0.5 {
                    s += ", the same as the plan now";
                } else if d < 0.0 {
                    s += &format!(", {} less than the plan now", m(-d));
                } else {
                    s += &format!(", {} more than the plan now", m(d));
                }
                let mut clauses = Vec::new();
                if !left_out.is_empty() {
                    clauses.push(format!("leave out {}", and_list(&left_out)));
                }
                if !added.is_empty() {
                    clauses.push(format!("add {}", and_list(&added)));
                }
                if !clauses.is_empty() {
                    s += &format!(", and would {}", clauses.join(" and "));
                }
                s += ".";
            } else if case.status == SolveStatus::Infeasible {
                s += "no roadmap would fit the budgets and limits.";
            } else {
                s += "no roadmap was found in the time allowed.";
            }
            s += if case.base_schedule_feasible {
                " Today's schedule would still fit."
            } else {
                " Today's schedule would no longer fit its budgets and limits."
            };
            WhatIf {
                name: case.name.clone(),
                changes,
                possible,
                proven: case.status == SolveStatus::Optimal,
                npv,
                against_plan: npv - base_npv,
                spend: case.spend,
                left_out,
                added,
                schedule_holds: case.base_schedule_feasible,
                schedule_npv: case.base_schedule_npv,
                head,
                outcome: s,
            }
        })
        .collect()
}

/// The column headings of [`cells`].
pub const HEADER: [&str; 5] = [
    "What if",
    "Best roadmap worth",
    "Against the plan",
    "Leaves out",
    "Today's schedule",
];

/// The scenarios as table rows under [`HEADER`], written as the pack and the report show them:
/// the head, the best roadmap's worth, its difference with the plan's (`+$1,200`, `−$800`),
/// what it leaves out and whether today's schedule still fits.
pub fn cells(rows: &[WhatIf], currency: &str) -> Vec<[String; 5]> {
    let money = |x: f64| sextant_core::unit::money(x, currency);
    let signed = |x: f64| {
        if x.abs() < 0.5 {
            money(0.0)
        } else if x > 0.0 {
            format!("+{}", money(x))
        } else {
            format!("−{}", money(-x))
        }
    };
    rows.iter()
        .map(|w| {
            [
                w.head.clone(),
                if w.possible {
                    money(w.npv)
                } else {
                    "no roadmap fits".to_string()
                },
                if w.possible {
                    signed(w.against_plan)
                } else {
                    sextant_core::unit::MISSING.to_string()
                },
                if w.left_out.is_empty() {
                    "nothing".to_string()
                } else {
                    w.left_out.join(", ")
                },
                if w.schedule_holds {
                    "still fits".to_string()
                } else {
                    "no longer fits".to_string()
                },
            ]
        })
        .collect()
}

/// The scenario that costs the plan the most value, if one loses any.
pub fn worst(rows: &[WhatIf]) -> Option<&WhatIf> {
    rows.iter()
        .filter(|w| w.against_plan < -0.5 || !w.possible)
        .min_by(|a, b| {
            let key = |w: &WhatIf| {
                if w.possible {
                    w.against_plan
                } else {
                    f64::NEG_INFINITY
                }
            };
            key(a).total_cmp(&key(b))
        })
}
