//! `sextant compare`: each scenario of the plan re-optimised beside the base case, and the base
//! case's own schedule replayed under the scenario.

use std::collections::BTreeMap;

use serde::Serialize;
use sextant_core::Plan;

use crate::instance::{Adjust, Instance, Objective};
use crate::report::round2;
use crate::schedule::{self, Starts};
use crate::solve::{self, Excluded, Options, SolveStatus};

/// One column of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// `base`, or the scenario's name.
    pub name: String,
    /// Multiplier on budgets.
    pub budget_factor: f64,
    /// Multiplier on costs.
    pub cost_factor: f64,
    /// Multiplier on benefits.
    pub benefit_factor: f64,
    /// Delays by initiative id, in months.
    pub delays: BTreeMap<String, u32>,
    /// Status of the re-optimised roadmap.
    pub status: SolveStatus,
    /// Its objective.
    pub objective: f64,
    /// Its net present value.
    pub npv: f64,
    /// Its relative gap.
    pub gap: Option<f64>,
    /// Initiatives it schedules.
    pub initiatives: usize,
    /// Its implementation spend.
    pub spend: f64,
    /// Initiatives scheduled in the base case but not here.
    pub dropped: Vec<String>,
    /// Why each initiative of `dropped` is left out here, as the roadmap explains what it
    /// leaves out (empty when this case has no schedule at all: see `status`).
    pub dropped_because: Vec<Excluded>,
    /// Initiatives scheduled here but not in the base case.
    pub added: Vec<String>,
    /// Whether the base case's schedule, with the scenario's delays applied, still meets
    /// every constraint under this scenario.
    pub base_schedule_feasible: bool,
    /// The net present value of the base case's schedule under this scenario.
    pub base_schedule_npv: f64,
}

/// The base case and every scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The currency of money figures.
    pub currency: String,
    /// What was maximised.
    pub objective_kind: Objective,
    /// The base case first, then the scenarios in plan order.
    pub cases: Vec<Case>,
}

/// Compares the plan's scenarios with its base case.
pub fn compare(plan: &Plan, objective: Objective, opts: &Options) -> Comparison {
    let doc = plan.doc();
    let base_inst = Instance::from_plan(plan, objective, &Adjust::default());
    let base = solve::optimise(&base_inst, opts);
    let mut variants = vec![("base".to_string(), Adjust::default())];
    for sc in &doc.scenarios {
        variants.push((
            sc.name.clone(),
            Adjust {
                budget_factor: sc.budget_factor,
                cost_factor: sc.cost_factor,
                benefit_factor: sc.benefit_factor,
                delays: sc.delays.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                total_budget: None,
            },
        ));
    }
    let cases = variants
        .into_iter()
        .map(|(name, adjust)| {
            let inst = Instance::from_plan(plan, objective, &adjust);
            let sol = if name == "base" {
                base.clone()
            } else if opts.stop.requested() {
                // The caller left: the remaining scenarios are not searched (the answer is
                // thrown away).
                solve::Solution {
                    status: SolveStatus::Unknown,
                    starts: vec![None; inst.items.len()],
                    objective: 0.0,
                    bound: None,
                    infeasible_because: Vec::new(),
                    seconds: 0.0,
                }
            } else {
                solve::optimise(&inst, opts)
            };
            // Replay the base schedule: delayed initiatives start no earlier than allowed, and
            // dependants move after them.
            let replay = replay(&inst, &base.starts);
            let ids = |s: &Starts, inst: &Instance| -> Vec<String> {
                s.iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.map(|_| inst.items[i].id.clone()))
                    .collect()
            };
            let here = ids(&sol.starts, &inst);
            let there = ids(&base.starts, &base_inst);
            let dropped: Vec<String> = there
                .iter()
                .filter(|x| !here.contains(x))
                .cloned()
                .collect();
            let feasible = matches!(sol.status, SolveStatus::Optimal | SolveStatus::Feasible);
            let dropped_because = if feasible {
                solve::explain(&inst, &sol.starts, &doc.organization.currency)
                    .into_iter()
                    .filter(|e| dropped.contains(&e.id))
                    .collect()
            } else {
                Vec::new()
            };
            Case {
                budget_factor: adjust.budget_factor,
                cost_factor: adjust.cost_factor,
                benefit_factor: adjust.benefit_factor,
                delays: adjust.delays.clone(),
                status: sol.status,
                objective: round2(sol.objective),
                npv: round2(schedule::npv(&inst, &sol.starts)),
                gap: sol.gap(),
                initiatives: here.len(),
                spend: round2(
                    sol.starts
                        .iter()
                        .enumerate()
                        .filter_map(|(i, s)| s.map(|_| inst.items[i].cost))
                        .sum(),
                ),
                dropped,
                dropped_because,
                added: here
                    .iter()
                    .filter(|x| !there.contains(x))
                    .cloned()
                    .collect(),
                // Fits: every initiative of today's schedule still in it (none pushed past the
                // horizon by the delays) and no budget or limit broken.
                base_schedule_feasible: base
                    .starts
                    .iter()
                    .zip(&replay)
                    .all(|(was, now)| was.is_none() || now.is_some())
                    && schedule::violations(&inst, &replay).is_empty(),
                base_schedule_npv: round2(schedule::npv(&inst, &replay)),
                name,
            }
        })
        .collect();
    Comparison {
        currency: doc.organization.currency.clone(),
        objective_kind: objective,
        cases,
    }
}

/// The base schedule moved as little as the scenario's earliest starts and the dependencies
/// require; an initiative pushed past the horizon is dropped (with its dependants).
fn replay(inst: &Instance, starts: &Starts) -> Starts {
    let mut out: Starts = vec![None; inst.items.len()];
    for i in inst.topological_order() {
        let Some(s) = starts.get(i).copied().flatten() else {
            continue;
        };
        let item = &inst.items[i];
        let mut s = s.max(item.earliest);
        let mut ok = true;
        for &d in &item.deps {
            match out[d] {
                Some(sd) => s = s.max(sd + inst.items[d].duration),
                None => ok = false,
            }
        }
        if ok && s + item.duration <= inst.horizon && (s as usize) < item.value.len() {
            out[i] = Some(s);
        }
    }
    out
}
