//! The scheduling problem drawn from a plan: the optimisation model of product.md with every
//! number precomputed, so that the optimiser, the baseline, the checker and the benchmarks all
//! read the same instance.

use std::collections::BTreeMap;

use sextant_core::Plan;
use sextant_core::alignment;
use sextant_core::case::annual_benefit;
use sextant_core::finance;
use sextant_core::model::{InitiativeKind, Status};

/// What the optimiser maximises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The portfolio's net present value at the plan's start.
    #[default]
    Npv,
    /// Alignment-weighted time in use: each scheduled initiative earns its alignment score
    /// (0-100) times the share of the evaluation horizon in which it is in use.
    Alignment,
}

/// Changes applied to a plan's figures before scheduling: a scenario, or a budget level of the
/// efficient frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjust {
    /// Multiplies every period's budget.
    pub budget_factor: f64,
    /// Multiplies one-time and recurring costs (and negative explicit flows).
    pub cost_factor: f64,
    /// Multiplies benefits (and positive explicit flows).
    pub benefit_factor: f64,
    /// Months by which an initiative's earliest start moves later. When any is given, pinned
    /// starts become "not before" so that dependants can slip behind a late prerequisite.
    pub delays: BTreeMap<String, u32>,
    /// A cap on total implementation spend over the planning horizon (the frontier's lever
    /// when the plan sets no budget).
    pub total_budget: Option<f64>,
}

impl Default for Adjust {
    fn default() -> Self {
        Adjust {
            budget_factor: 1.0,
            cost_factor: 1.0,
            benefit_factor: 1.0,
            delays: BTreeMap::new(),
            total_budget: None,
        }
    }
}

/// One initiative as the scheduler sees it.
#[derive(Debug, Clone)]
pub struct Item {
    /// The initiative's id.
    pub id: String,
    /// Title, as the explanations name it.
    pub title: String,
    /// Its index in the plan's `initiatives`.
    pub plan_index: usize,
    /// Months of implementation (at least 1).
    pub duration: u32,
    /// Implementation cost, spread evenly over the duration.
    pub cost: f64,
    /// Staff hours a month while being implemented.
    pub effort: f64,
    /// Objective value if started in month `s`, for `s` in `0..value.len()`; an item whose
    /// `value` is empty cannot finish within the horizon.
    pub value: Vec<f64>,
    /// Net present value at the plan's start if started in month `s` (equals `value` for the
    /// `npv` objective).
    pub npv: Vec<f64>,
    /// First month it may start (pins, delays).
    pub earliest: u32,
    /// Last month it may start; `None` when it cannot fit.
    pub latest: Option<u32>,
    /// Indices of the items that must finish before it starts.
    pub deps: Vec<usize>,
    /// Index of its group of alternatives.
    pub group: Option<usize>,
    /// Must be scheduled.
    pub mandatory: bool,
    /// An exploration initiative.
    pub explore: bool,
    /// Alignment score in 0..1.
    pub alignment: f64,
    /// A cancelled initiative it depends on, which makes it impossible to schedule.
    pub needs_cancelled: Option<String>,
    /// Its deadline (`done_by`): the `YYYY-MM` it must be live by the end of.
    pub deadline: Option<String>,
}

impl Item {
    /// The months it may start in.
    pub fn starts(&self) -> std::ops::RangeInclusive<u32> {
        match self.latest {
            Some(l) if l >= self.earliest => self.earliest..=l,
            #[allow(clippy::reversed_empty_ranges)]
            _ => 1..=0,
        }
    }

    /// Implementation spend per month while under way.
    pub fn monthly_spend(&self) -> f64 {
        self.cost / self.duration as f64
    }
}

/// A limit on implementation spend over a range of months.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BudgetLimit {
    /// The period as written in the plan ("2027", "2027-Q3"), or "total".
    pub period: String,
    /// First month index (may be before 0 or past the horizon; only the overlap counts).
    pub first: i32,
    /// Last month index, inclusive.
    pub last: i32,
    /// The amount available.
    pub amount: f64,
}

/// The scheduling problem.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Initiatives that may be scheduled (not done, not cancelled).
    pub items: Vec<Item>,
    /// Initiatives left out before scheduling, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The plan's first month (month 0).
    pub start: sextant_core::model::Month,
    /// Planning horizon `T` in months.
    pub horizon: u32,
    /// Evaluation horizon `H` in months.
    pub evaluation: u32,
    /// Budget limits.
    pub budgets: Vec<BudgetLimit>,
    /// Staff hours available a month.
    pub staff_hours: Option<f64>,
    /// At most this many initiatives under way in a month.
    pub max_concurrent: Option<u32>,
    /// At least this share of implementation spend on exploration.
    pub min_explore_share: Option<f64>,
    /// What is maximised.
    pub objective: Objective,
    /// Number of groups of alternatives.
    pub groups: usize,
}

impl Instance {
    /// The instance of a plan, with the given objective and adjustments.
    pub fn from_plan(plan: &Plan, objective: Objective, adjust: &Adjust) -> Instance {
        let doc = plan.doc();
        let org = &doc.organization;
        let horizon = org.horizon_months;
        let evaluation = org.evaluation_months();
        let rate = finance::monthly_rate(org.discount_rate);
        let disc = finance::discount_factors(rate, evaluation as usize);
        let mut items = Vec::new();
        let mut skipped = Vec::new();
        let mut index = BTreeMap::new();
        for (pi, init) in doc.initiatives.iter().enumerate() {
            match init.status {
                Status::Cancelled => {
                    skipped.push((init.id.to_string(), "cancelled".to_string()));
                    continue;
                }
                Status::Done => {
                    skipped.push((init.id.to_string(), "already done".to_string()));
                    continue;
                }
                _ => {}
            }
            index.insert(init.id.to_string(), items.len());
            let d = init.duration_months.months();
            let cost = init.one_time_cost.likely() * adjust.cost_factor;
            // Monthly net flows from the initiative's own start.
            let flows: Vec<f64> = match &init.cash_flows {
                Some(cf) => {
                    let p = cf.period.months() as usize;
                    let mut f = vec![0.0; evaluation as usize];
                    for (k, v) in cf.values.iter().enumerate() {
                        if let Some(slot) = f.get_mut(k * p) {
                            let v = v.to_f64();
                            *slot += v * if v < 0.0 {
                                adjust.cost_factor
                            } else {
                                adjust.benefit_factor
                            };
                        }
                    }
                    f
                }
                None => {
                    let build = cost / d as f64;
                    let run = (annual_benefit(init, org) * adjust.benefit_factor
                        - init.recurring_cost_annual.likely() * adjust.cost_factor)
                        / 12.0;
                    (0..evaluation as usize)
                        .map(|t| if t < d as usize { -build } else { run })
                        .collect()
                }
            };
            let alignment = alignment::score(&doc.goals, &init.contributes);
            let pin = init.start.map(|m| plan.month_index(m).max(0) as u32);
            let delay = adjust.delays.get(init.id.as_str()).copied().unwrap_or(0);
            let earliest = pin.unwrap_or(0) + delay;
            let last_fit = horizon.checked_sub(d);
            // A pin fixes the start. Under a scenario with delays a pin only says "not
            // before", so that the plan can slip behind a late prerequisite.
            let floating = !adjust.delays.is_empty();
            // A deadline (`done_by`, the month it must be live by the end of) moves the last
            // start earlier: its last month of work is that month at the latest.
            let last_fit = match init.done_by {
                Some(by) => {
                    let by = plan.month_index(by) + 1 - d as i32;
                    last_fit.and_then(|l| u32::try_from(by).ok().map(|b| b.min(l)))
                }
                None => last_fit,
            };
            let latest = match pin {
                Some(_) if !floating => {
                    Some(earliest).filter(|&e| last_fit.is_some_and(|l| e <= l))
                }
                _ => last_fit.filter(|&l| l >= earliest),
            };
            let n_starts = last_fit.map_or(0, |l| l as usize + 1);
            let npv: Vec<f64> = (0..n_starts)
                .map(|s| {
                    (s..evaluation as usize)
                        .map(|t| flows[t - s] * disc[t])
                        .sum()
                })
                .collect();
            let value = match objective {
                Objective::Npv => npv.clone(),
                Objective::Alignment => (0..n_starts)
                    .map(|s| {
                        let used = evaluation.saturating_sub(s as u32 + d) as f64;
                        100.0 * alignment * used / evaluation as f64
                    })
                    .collect(),
            };
            items.push(Item {
                id: init.id.to_string(),
                title: init.title.clone(),
                plan_index: pi,
                duration: d,
                cost,
                effort: init.effort_hours_per_month,
                value,
                npv,
                earliest,
                latest,
                deps: Vec::new(),
                group: None,
                mandatory: init.mandatory
                    || init.status == Status::InProgress
                    || init.done_by.is_some(),
                explore: init.kind == InitiativeKind::Explore,
                alignment,
                needs_cancelled: None,
                deadline: init.done_by.map(|m| m.to_string()),
            });
        }
        // Dependencies on done initiatives are met; on cancelled ones, impossible.
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for item in &mut items {
            let init = &doc.initiatives[item.plan_index];
            for dep in &init.depends_on {
                match index.get(dep.as_str()) {
                    Some(&j) => item.deps.push(j),
                    None => {
                        let cancelled = doc
                            .initiatives
                            .iter()
                            .any(|x| x.id == *dep && x.status == Status::Cancelled);
                        if cancelled {
                            item.latest = None;
                            item.needs_cancelled = Some(dep.to_string());
                        }
                    }
                }
            }
            if let Some(g) = &init.alternative_group {
                let n = groups.len();
                item.group = Some(*groups.entry(g.clone()).or_insert(n));
            }
        }
        let fys = org.fiscal_year_start;
        let mut budgets: Vec<BudgetLimit> = doc
            .constraints
            .budget
            .iter()
            .map(|b| {
                let (first, months) = b.period.months(fys);
                let first = plan.month_index(first);
                BudgetLimit {
                    period: b.period.to_string(),
                    first,
                    last: first + months as i32 - 1,
                    amount: b.amount.to_f64() * adjust.budget_factor,
                }
            })
            .collect();
        if let Some(total) = adjust.total_budget {
            budgets.push(BudgetLimit {
                period: "total".into(),
                first: 0,
                last: horizon as i32 - 1,
                amount: total,
            });
        }
        Instance {
            items,
            skipped,
            start: doc.organization.start,
            horizon,
            evaluation,
            budgets,
            staff_hours: doc.constraints.staff_hours_per_month,
            max_concurrent: doc.constraints.max_concurrent,
            min_explore_share: doc.constraints.min_explore_share,
            objective,
            groups: groups.len(),
        }
    }

    /// Spend of item `i` started in month `s` within budget limit `b`.
    pub fn spend_in(&self, i: usize, s: u32, b: usize) -> f64 {
        let item = &self.items[i];
        let lim = &self.budgets[b];
        let from = (s as i32).max(lim.first);
        let to = (s as i32 + item.duration as i32 - 1).min(lim.last);
        if to < from {
            0.0
        } else {
            (to - from + 1) as f64 * item.monthly_spend()
        }
    }

    /// Items in an order where every item comes after the items it depends on.
    pub fn topological_order(&self) -> Vec<usize> {
        let n = self.items.len();
        let mut indeg: Vec<usize> = self.items.iter().map(|x| x.deps.len()).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, item) in self.items.iter().enumerate() {
            for &i in &item.deps {
                users[i].push(j);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).rev().collect();
        let mut out = Vec::with_capacity(n);
        while let Some(i) = ready.pop() {
            out.push(i);
            for &j in users[i].iter().rev() {
                indeg[j] -= 1;
                if indeg[j] == 0 {
                    ready.push(j);
                }
            }
        }
        out
    }

    /// The earliest month each item could start if everything it depends on started as early
    /// as possible (ignoring resources); `None` when it can never fit.
    pub fn earliest_starts(&self) -> Vec<Option<u32>> {
        let mut es: Vec<Option<u32>> = vec![None; self.items.len()];
        for i in self.topological_order() {
            let item = &self.items[i];
            let mut e = Some(item.earliest);
            for &d in &item.deps {
                e = match (e, es[d]) {
                    (Some(e), Some(sd)) => Some(e.max(sd + self.items[d].duration)),
                    _ => None,
                };
            }
            es[i] = e.filter(|&e| item.latest.is_some_and(|l| e <= l));
        }
        es
    }
}
