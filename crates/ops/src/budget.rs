//! The multi-year budget: what technology costs by fiscal year and by quarter, for at least
//! three years from the plan's first fiscal year, from the roadmap's schedule.
//!
//! Month by month: each current system costs its annual cost / 12 until the initiative that
//! replaces it is live (from the month after that initiative ends on the schedule; for the
//! whole period when nothing scheduled replaces it); each scheduled initiative costs its
//! one-time cost spread evenly over its months (capital) and, from the month after it ends, its
//! recurring cost / 12 (operating); each lifecycle replacement (a device or licence falling due,
//! from the asset register) costs its price in the month it falls due (capital). Months of a fiscal year before the plan's first month count
//! the systems (they run) but no initiative (none has started). Each period is set against the
//! plan's budget for it, which covers the initiatives' one-time spend, as the optimiser reads
//! it.

use serde::Serialize;
use sextant_core::Plan;
use sextant_core::model::{BudgetPeriod, Month};
use sextant_roadmap::report::Roadmap;

/// One period's money.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetRow {
    /// `2027` or `2027-Q1` (fiscal).
    pub period: String,
    /// Current systems' running costs (operating).
    pub systems: f64,
    /// Initiatives' one-time costs (capital).
    pub one_time: f64,
    /// Initiatives' recurring costs once live (operating).
    pub recurring: f64,
    /// Lifecycle replacements of devices and licences falling due (capital), those a
    /// scheduled hardware refresh covers left out.
    pub replacements: f64,
    /// `one_time + replacements`.
    pub capital: f64,
    /// `systems + recurring`.
    pub operating: f64,
    /// Everything.
    pub total: f64,
    /// The plan's budget for the period (for the initiatives' one-time spend), if it sets one.
    pub budget: Option<f64>,
    /// Whether the one-time spend is over that budget.
    pub over_budget: bool,
}

/// A system retired by an initiative on the schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retired {
    /// The system.
    pub system: String,
    /// The initiative that replaces it.
    pub initiative: String,
    /// The first month it no longer costs.
    pub from: String,
}

/// The budget by fiscal year and quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// The plan's currency.
    pub currency: String,
    /// The schedule's status (the roadmap's: `optimal`, `feasible`, `infeasible`...).
    pub status: sextant_roadmap::solve::SolveStatus,
    /// By fiscal year.
    pub years: Vec<BudgetRow>,
    /// By fiscal quarter.
    pub quarters: Vec<BudgetRow>,
    /// Systems retired by scheduled initiatives.
    pub retired: Vec<Retired>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The lifecycle replacements a budget counts, as (month due, cost): every asset with a
/// replacement date (those already due in the plan's first month or `today`'s, whichever is
/// later), except the devices due within 12 months of `today` when the schedule has a hardware
/// refresh (an initiative `hardware-refresh-*`), which pays for them.
pub fn replacements(
    plan: &Plan,
    roadmap: &Roadmap,
    lc: &sextant_core::asset::Lifecycle,
) -> Vec<(Month, f64)> {
    let refresh = roadmap
        .schedule
        .iter()
        .any(|x| x.id.starts_with("hardware-refresh-"));
    let first = plan.doc().organization.start.max(lc.today.month());
    let year_ahead = sextant_core::asset::year_ahead(lc.today);
    lc.assets
        .iter()
        .filter_map(|s| {
            let due = s.replace_by?;
            let covered =
                refresh && s.kind != sextant_core::asset::AssetKind::Licence && due <= year_ahead;
            (!covered).then_some((due.month().max(first), s.replacement_cost))
        })
        .collect()
}

/// The budget of `plan` over `years` fiscal years (at least 1) from the one its first month is
/// in, on `roadmap`'s schedule, with the lifecycle `replacements` (month due, cost; see
/// [`replacements`]).
pub fn budget(plan: &Plan, roadmap: &Roadmap, years: u32, replacements: &[(Month, f64)]) -> Budget {
    let doc = plan.doc();
    let org = &doc.organization;
    let fys = org.fiscal_year_start;
    let first_year = BudgetPeriod::year_of(org.start, fys);
    let (first_month, _) = first_year.months(fys);
    let months = 12 * years.max(1) as i32;
    let at = |m: i32| -> Month { first_month.plus(m) };
    // The plan's month index of month `m` of the budget (negative before the plan starts).
    let plan_index = |m: i32| at(m).since(org.start);

    // Monthly figures.
    let (mut systems, mut one_time, mut recurring, mut replacing) = (
        vec![0.0; months as usize],
        vec![0.0; months as usize],
        vec![0.0; months as usize],
        vec![0.0; months as usize],
    );
    for (due, cost) in replacements {
        let m = due.since(first_month);
        if (0..months).contains(&m) {
            replacing[m as usize] += cost;
        }
    }
    let mut retired = Vec::new();
    for s in &doc.systems {
        // Retired from the month after the first scheduled initiative replacing it ends.
        let replaced = roadmap
            .schedule
            .iter()
            .filter(|x| {
                doc.initiatives
                    .iter()
                    .find(|i| i.id.as_str() == x.id)
                    .is_some_and(|i| i.replaces.iter().any(|r| r.as_str() == s.id.as_str()))
            })
            .min_by_key(|x| x.end_month);
        let gone_from = replaced.map(|x| x.end_month as i32 + 1);
        if let Some(x) = replaced {
            retired.push(Retired {
                system: s.id.to_string(),
                initiative: x.id.clone(),
                from: plan.month_at(x.end_month as i32 + 1).to_string(),
            });
        }
        let monthly = s.annual_cost.to_f64() / 12.0;
        for m in 0..months {
            if gone_from.is_none_or(|g| plan_index(m) < g) {
                systems[m as usize] += monthly;
            }
        }
    }
    for x in &roadmap.schedule {
        let Some(init) = doc.initiatives.iter().find(|i| i.id.as_str() == x.id) else {
            continue;
        };
        let per_month = init.one_time_cost.likely() / x.duration_months.max(1) as f64;
        let rec = init.recurring_cost_annual.likely() / 12.0;
        for m in 0..months {
            let k = plan_index(m);
            if k >= x.start_month as i32 && k <= x.end_month as i32 {
                one_time[m as usize] += per_month;
            } else if k > x.end_month as i32 {
                recurring[m as usize] += rec;
            }
        }
    }

    let budget_of = |p: BudgetPeriod| {
        doc.constraints
            .budget
            .iter()
            .find(|b| b.period == p)
            .map(|b| b.amount.to_f64())
    };
    let row = |p: BudgetPeriod| -> BudgetRow {
        let (start, n) = p.months(fys);
        let from = start.since(first_month);
        let (mut s, mut o, mut r, mut x) = (0.0, 0.0, 0.0, 0.0);
        for m in from..from + n as i32 {
            if (0..months).contains(&m) {
                s += systems[m as usize];
                o += one_time[m as usize];
                r += recurring[m as usize];
                x += replacing[m as usize];
            }
        }
        let budget = budget_of(p);
        BudgetRow {
            period: p.to_string(),
            systems: round2(s),
            one_time: round2(o),
            recurring: round2(r),
            replacements: round2(x),
            capital: round2(o + x),
            operating: round2(s + r),
            total: round2(s + o + r + x),
            budget,
            over_budget: budget.is_some_and(|b| round2(o) > b + 0.005),
        }
    };
    let BudgetPeriod::Year(y0) = first_year else {
        unreachable!("year_of returns a year")
    };
    let years_rows = (0..years.max(1) as i32)
        .map(|k| row(BudgetPeriod::Year(y0 + k)))
        .collect();
    let quarters = (0..years.max(1) as i32)
        .flat_map(|k| (1..=4).map(move |q| BudgetPeriod::Quarter(y0 + k, q)))
        .map(row)
        .collect();
    Budget {
        currency: org.currency.clone(),
        status: roadmap.status,
        years: years_rows,
        quarters,
        retired,
    }
}

/// The budget as CSV: a header, then one row per fiscal year and one per quarter.
pub fn csv(b: &Budget) -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "period,systems,one_time,recurring,replacements,capital,operating,total,budget,over_budget\n",
    );
    for r in b.years.iter().chain(&b.quarters) {
        let _ = writeln!(
            s,
            "{},{:.2},{:.2},{:.2},{:.2},{:.2},{:.2},{:.2},{},{}",
            r.period,
            r.systems,
            r.one_time,
            r.recurring,
            r.replacements,
            r.capital,
            r.operating,
            r.total,
            r.budget.map_or(String::new(), |v| format!("{v:.2}")),
            r.over_budget
        );
    }
    s
}
