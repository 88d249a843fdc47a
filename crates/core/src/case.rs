//! Business cases: each initiative's monthly cash flows and the figures drawn from them
//! (first-year ROI, NPV, IRR, payback, TCO), the portfolio's totals, and spend by fiscal period.
//!
//! Conventions (product.md, "Formulas and conventions"): implementation cost is spread evenly
//! over the initiative's duration; benefits and recurring costs run from the month after
//! completion to the end of the evaluation horizon; revenue benefits count as profit through the
//! organisation's gross margin when one is set; every flow is discounted to the plan's start
//! month, the first undiscounted. `analyze` puts an initiative's start at month 0 unless the plan
//! pins it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finance;
use crate::model::{BenefitKind, BudgetPeriod, Initiative, Organization, Status};
use crate::validate::Plan;

/// The money of one initiative over the evaluation horizon.
#[derive(Debug, Clone, Serialize)]
pub struct BusinessCase {
    /// Initiative id.
    pub id: String,
    /// Month index (0-based from the plan's start) implementation begins.
    pub start_month: u32,
    /// Last month index of implementation.
    pub end_month: u32,
    /// One-time cost (likely).
    pub one_time_cost: f64,
    /// Recurring cost a year (likely).
    pub recurring_cost_annual: f64,
    /// Revenue benefits a year, before margin.
    pub revenue_annual: f64,
    /// Savings a year.
    pub savings_annual: f64,
    /// Benefits a year as profit: revenue x gross margin (when set) + savings.
    pub benefit_annual: f64,
    /// One-time cost plus one year of recurring cost: the ROI's denominator.
    pub first_year_cost: f64,
    /// `(B - C) / C` as a fraction; null when C is 0.
    pub first_year_roi: Option<f64>,
    /// Net present value at the plan's start month.
    pub npv: f64,
    /// Internal rate of return per month; null when none exists.
    pub irr_monthly: Option<f64>,
    /// The IRR annualised; null when none exists.
    pub irr_annual: Option<f64>,
    /// First month index in which cumulative net cash flow is >= 0; null when never.
    pub payback_month: Option<u32>,
    /// Same on discounted flows.
    pub discounted_payback_month: Option<u32>,
    /// Total cost of ownership over the evaluation horizon, undiscounted.
    pub tco: f64,
    /// Total cost of ownership over the evaluation horizon, discounted.
    pub tco_discounted: f64,
    /// Whether the flows are the plan's explicit `cash_flows`.
    pub explicit_flows: bool,
    /// Net cash flow of each month of the evaluation horizon, from the plan's start.
    pub cash_flows: Vec<f64>,
}

/// The portfolio as a whole.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// Ids of the initiatives counted: all but cancelled ones, and of each group of
    /// alternatives only the one with the highest NPV.
    pub included: Vec<String>,
    /// Sum of one-time costs.
    pub one_time_cost: f64,
    /// Sum of recurring costs a year.
    pub recurring_cost_annual: f64,
    /// Sum of benefits a year (as profit).
    pub benefit_annual: f64,
    /// First-year ROI of the sums; null when the cost is 0.
    pub first_year_roi: Option<f64>,
    /// NPV of the summed flows.
    pub npv: f64,
    /// IRR of the summed flows, annualised.
    pub irr_annual: Option<f64>,
    /// Payback month of the summed flows.
    pub payback_month: Option<u32>,
    /// Discounted payback month of the summed flows.
    pub discounted_payback_month: Option<u32>,
    /// TCO of the portfolio, undiscounted.
    pub tco: f64,
    /// TCO of the portfolio, discounted.
    pub tco_discounted: f64,
    /// Summed net flow of each month.
    pub cash_flows: Vec<f64>,
    /// What technology costs a year once these initiatives run: the systems' annual costs
    /// (but those an included initiative replaces) plus the initiatives' recurring costs.
    pub running_cost_annual: f64,
    /// `running_cost_annual` as a share of `organization.annual_revenue`; null when the plan
    /// does not give the sales a year (or gives 0).
    pub running_cost_share_of_revenue: Option<f64>,
}

/// Money in one fiscal period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodSpend {
    /// `2027` or `2027-Q3`.
    pub period: String,
    /// Implementation spend (one-time costs spread over durations).
    pub implementation: f64,
    /// Recurring costs.
    pub recurring: f64,
    /// Benefits as profit.
    pub benefits: f64,
    /// The period's budget for implementation, when the plan sets one.
    pub budget: Option<f64>,
    /// Whether implementation spend exceeds the budget.
    pub over_budget: bool,
}

/// One year of revenue and savings benefits: (revenue, savings).
fn benefits(init: &Initiative) -> (f64, f64) {
    init.benefits
        .iter()
        .fold((0.0, 0.0), |(r, s), b| match b.kind {
            BenefitKind::Revenue => (r + b.annual.likely(), s),
            BenefitKind::Saving => (r, s + b.annual.likely()),
        })
}

/// Benefits a year as profit.
pub fn annual_benefit(init: &Initiative, org: &Organization) -> f64 {
    let (revenue, savings) = benefits(init);
    revenue * org.gross_margin.unwrap_or(1.0) + savings
}

/// The month index an initiative starts at in a stand-alone business case: its pinned start,
/// or else the month after its prerequisites finish (see [`Plan::start_index`]).
pub fn start_of(plan: &Plan, init: &Initiative) -> u32 {
    match plan.initiative_index(&init.id) {
        Some(i) => plan.start_index(i),
        None => init.start.map_or(0, |m| plan.month_index(m).max(0) as u32),
    }
}

/// Monthly net flows of an initiative started at month `start`, over `months` months.
pub fn monthly_flows(init: &Initiative, org: &Organization, start: u32, months: u32) -> Vec<f64> {
    let mut flows = vec![0.0; months as usize];
    let start = start as usize;
    if let Some(cf) = &init.cash_flows {
        let p = cf.period.months() as usize;
        for (k, v) in cf.values.iter().enumerate() {
            if let Some(slot) = flows.get_mut(start + k * p) {
                *slot += v.to_f64();
            }
        }
        return flows;
    }
    let d = init.duration_months.months() as usize;
    let build = init.one_time_cost.likely() / d as f64;
    let run = (annual_benefit(init, org) - init.recurring_cost_annual.likely()) / 12.0;
    for (t, slot) in flows.iter_mut().enumerate().skip(start) {
        *slot = if t < start + d { -build } else { run };
    }
    flows
}

/// Monthly costs only (implementation, then recurring), for TCO.
fn monthly_costs(init: &Initiative, start: u32, months: u32) -> Vec<f64> {
    let d = init.duration_months.months() as usize;
    let start = start as usize;
    let build = init.one_time_cost.likely() / d as f64;
    let recurring = init.recurring_cost_annual.likely() / 12.0;
    (0..months as usize)
        .map(|t| match t {
            t if t < start => 0.0,
            t if t < start + d => build,
            _ => recurring,
        })
        .collect()
}

fn month_u32(m: Option<usize>) -> Option<u32> {
    m.map(|m| m as u32)
}

/// The business case of one initiative.
pub fn business_case(plan: &Plan, init: &Initiative) -> BusinessCase {
    let org = &plan.doc().organization;
    let months = org.evaluation_months();
    let rate = finance::monthly_rate(org.discount_rate);
    let start = start_of(plan, init);
    let flows = monthly_flows(init, org, start, months);
    let costs = monthly_costs(init, start, months);
    let (revenue, savings) = benefits(init);
    let benefit = annual_benefit(init, org);
    let one_time = init.one_time_cost.likely();
    let recurring = init.recurring_cost_annual.likely();
    let first_year_cost = one_time + recurring;
    let irr = finance::irr(&flows);
    BusinessCase {
        id: init.id.to_string(),
        start_month: start,
        end_month: start + init.duration_months.months() - 1,
        one_time_cost: one_time,
        recurring_cost_annual: recurring,
        revenue_annual: revenue,
        savings_annual: savings,
        benefit_annual: benefit,
        first_year_cost,
        first_year_roi: finance::first_year_roi(benefit, first_year_cost),
        npv: finance::npv(rate, &flows),
        irr_monthly: irr,
        irr_annual: irr.map(|i| finance::annualise(i, 1)),
        payback_month: month_u32(finance::payback_period(&flows)),
        discounted_payback_month: month_u32(finance::discounted_payback_period(rate, &flows)),
        tco: costs.iter().sum(),
        tco_discounted: finance::npv(rate, &costs),
        explicit_flows: init.cash_flows.is_some(),
        cash_flows: flows,
    }
}

/// The initiatives a portfolio counts: not cancelled, and per group of alternatives only the
/// one with the highest NPV (the first on ties).
pub fn portfolio_members(plan: &Plan, cases: &[BusinessCase]) -> Vec<usize> {
    let doc = plan.doc();
    let mut best: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, init) in doc.initiatives.iter().enumerate() {
        if init.status == Status::Cancelled {
            continue;
        }
        match &init.alternative_group {
            None => out.push(i),
            Some(g) => {
                let e = best.entry(g.as_str()).or_insert(i);
                if cases[i].npv > cases[*e].npv {
                    *e = i;
                }
            }
        }
    }
    out.extend(best.into_values());
    out.sort_unstable();
    out
}

/// The portfolio's totals over the given members.
pub fn portfolio(plan: &Plan, cases: &[BusinessCase], members: &[usize]) -> Portfolio {
    let org = &plan.doc().organization;
    let months = org.evaluation_months() as usize;
    let rate = finance::monthly_rate(org.discount_rate);
    let mut flows = vec![0.0; months];
    let (mut one_time, mut recurring, mut benefit, mut tco, mut tco_d) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &i in members {
        let c = &cases[i];
        for (f, x) in flows.iter_mut().zip(&c.cash_flows) {
            *f += x;
        }
        one_time += c.one_time_cost;
        recurring += c.recurring_cost_annual;
        benefit += c.benefit_annual;
        tco += c.tco;
        tco_d += c.tco_discounted;
    }
    // The systems the included initiatives replace stop costing once they run.
    let doc = plan.doc();
    let replaced: std::collections::BTreeSet<&str> = members
        .iter()
        .filter_map(|&i| {
            doc.initiatives
                .iter()
                .find(|x| x.id.as_str() == cases[i].id)
        })
        .flat_map(|x| x.replaces.iter().map(|s| s.as_str()))
        .collect();
    let systems: f64 = doc
        .systems
        .iter()
        .filter(|s| !replaced.contains(s.id.as_str()))
        .map(|s| s.annual_cost.to_f64())
        .sum();
    let running = systems + recurring;
    let revenue = org.annual_revenue.map(|r| r.to_f64());
    Portfolio {
        running_cost_annual: running,
        running_cost_share_of_revenue: revenue.filter(|r| *r > 0.0).map(|r| running / r),
        included: members.iter().map(|&i| cases[i].id.clone()).collect(),
        one_time_cost: one_time,
        recurring_cost_annual: recurring,
        benefit_annual: benefit,
        first_year_roi: finance::first_year_roi(benefit, one_time + recurring),
        npv: finance::npv(rate, &flows),
        irr_annual: finance::irr(&flows).map(|i| finance::annualise(i, 1)),
        payback_month: month_u32(finance::payback_period(&flows)),
        discounted_payback_month: month_u32(finance::discounted_payback_period(rate, &flows)),
        tco,
        tco_discounted: tco_d,
        cash_flows: flows,
    }
}

/// Implementation spend, recurring cost and benefits by fiscal year over the planning horizon,
/// plus every budgeted fiscal quarter, with the budget beside each.
pub fn spend_by_period(plan: &Plan, members: &[usize]) -> Vec<PeriodSpend> {
    let doc = plan.doc();
    let org = &doc.organization;
    let fys = org.fiscal_year_start;
    let horizon = org.horizon_months;
    // Per month over the planning horizon: (implementation, recurring, benefits).
    let mut monthly = vec![(0.0, 0.0, 0.0); horizon as usize];
    for &i in members {
        let init = &doc.initiatives[i];
        let start = start_of(plan, init) as usize;
        let d = init.duration_months.months() as usize;
        let build = init.one_time_cost.likely() / d as f64;
        let rec = init.recurring_cost_annual.likely() / 12.0;
        let ben = annual_benefit(init, org) / 12.0;
        for (t, m) in monthly.iter_mut().enumerate().skip(start) {
            if t < start + d {
                m.0 += build;
            } else {
                m.1 += rec;
                m.2 += ben;
            }
        }
    }
    let mut periods: Vec<BudgetPeriod> = Vec::new();
    for t in 0..horizon as i32 {
        let y = BudgetPeriod::year_of(plan.month_at(t), fys);
        if !periods.contains(&y) {
            periods.push(y);
        }
    }
    for b in &doc.constraints.budget {
        if matches!(b.period, BudgetPeriod::Quarter(..)) && !periods.contains(&b.period) {
            periods.push(b.period);
        }
    }
    periods.sort();
    periods
        .into_iter()
        .map(|period| {
            let (mut imp, mut rec, mut ben) = (0.0, 0.0, 0.0);
            for (t, m) in monthly.iter().enumerate() {
                if period.contains(plan.month_at(t as i32), fys) {
                    imp += m.0;
                    rec += m.1;
                    ben += m.2;
                }
            }
            let budget = doc
                .constraints
                .budget
                .iter()
                .find(|b| b.period == period)
                .map(|b| b.amount.to_f64());
            PeriodSpend {
                period: period.to_string(),
                implementation: imp,
                recurring: rec,
                benefits: ben,
                budget,
                over_budget: budget.is_some_and(|b| imp > b + 1e-6),
            }
        })
        .collect()
}
