//! What `sextant roadmap` reports: the schedule with its dates, money and phases, what was
//! left out and why, spend by period, load by month, the baseline and the plan's own order
//! (its phases one after another) beside the optimum, and the efficient frontier over budget
//! levels.

use serde::{Deserialize, Serialize};
use sextant_core::Plan;

use crate::instance::{Adjust, Instance, Objective};
use crate::schedule::{self, Family};
use crate::solve::{self, Excluded, Options, PeriodUse, SolveStatus};

/// One scheduled initiative.
#[derive(Debug, Clone, Serialize)]
pub struct Scheduled {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Month index of the start (0 is the plan's start month).
    pub start_month: u32,
    /// Month index of the last month of implementation.
    pub end_month: u32,
    /// The start month, `YYYY-MM`.
    pub start: String,
    /// The last month of implementation, `YYYY-MM`.
    pub end: String,
    /// Months of implementation.
    pub duration_months: u32,
    /// Implementation cost.
    pub cost: f64,
    /// Net present value at the plan's start, as scheduled.
    pub npv: f64,
    /// Alignment score 0-100.
    pub alignment_score: f64,
    /// Whether the plan requires it (marked mandatory, under way, or with a deadline).
    pub mandatory: bool,
    /// The month it must be done by (`YYYY-MM`), when it has a deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
    /// `exploit` or `explore`.
    pub kind: &'static str,
    /// The plan's phase that lists it, if any.
    pub phase: Option<String>,
}

/// An initiative in the baseline's schedule.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineStart {
    /// Its id.
    pub id: String,
    /// Its start month index.
    pub start_month: u32,
}

/// A constraint family that makes a plan infeasible.
#[derive(Debug, Clone, Serialize)]
pub struct Cause {
    /// The family, as a stable code.
    pub family: Family,
    /// In words.
    pub description: &'static str,
}

/// The optimised roadmap.
#[derive(Debug, Clone, Serialize)]
pub struct Roadmap {
    /// `optimal`, `feasible`, `infeasible` or `unknown`.
    pub status: SolveStatus,
    /// What was maximised.
    pub objective_kind: Objective,
    /// The objective value of the schedule.
    pub objective: f64,
    /// Upper bound on the best objective.
    pub bound: Option<f64>,
    /// Relative gap between schedule and bound (0 when optimal).
    pub gap: Option<f64>,
    /// The schedule's net present value at the plan's start.
    pub npv: f64,
    /// The currency of money figures.
    pub currency: String,
    /// The scheduled initiatives, by start month.
    pub schedule: Vec<Scheduled>,
    /// Initiatives left out, and why.
    pub excluded: Vec<Excluded>,
    /// When infeasible: the constraint families whose relaxation alone makes it feasible (and
    /// `excluded` names the required initiatives no schedule can hold).
    pub infeasible_because: Vec<Cause>,
    /// Implementation spend by fiscal year and budgeted period.
    pub spend_by_period: Vec<PeriodUse>,
    /// The months of the horizon, `YYYY-MM`.
    pub months: Vec<String>,
    /// Staff hours needed, month by month.
    pub hours_by_month: Vec<f64>,
    /// Initiatives under way, month by month.
    pub running_by_month: Vec<u32>,
    /// Staff hours available a month, if limited.
    pub staff_hours_per_month: Option<f64>,
    /// At most this many under way, if limited.
    pub max_concurrent: Option<u32>,
    /// The rank-by-value-per-dollar baseline's objective.
    pub baseline_objective: Option<f64>,
    /// The baseline's net present value.
    pub baseline_npv: Option<f64>,
    /// The baseline's schedule.
    pub baseline_schedule: Vec<BaselineStart>,
    /// The plan's own order (its phases one after another, each initiative at the first
    /// month that fits once the phases before it have finished): its objective, when the plan
    /// has phases and that order meets every constraint.
    pub own_order_objective: Option<f64>,
    /// The own order's net present value.
    pub own_order_npv: Option<f64>,
    /// The own order's schedule.
    pub own_order_schedule: Vec<BaselineStart>,
    /// Seconds the optimiser took.
    pub solve_seconds: f64,
}

/// `v` to the cent; never `-0` (an empty roadmap's objective is 0, not "-0.0" in its JSON).
pub(crate) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The roadmap and, when `levels` is given, the efficient frontier at that many budget levels
/// (plus the plan's own budget): what `sextant roadmap` and the server's roadmap both answer.
///
/// The roadmap's search takes up to `opts.time_limit`; the frontier up to that again, split
/// evenly over its searches by [`frontier_options`]. The frontier is skipped (`None`) when
/// `proceed` says no after the roadmap (a client that left).
pub fn roadmap_and_frontier(
    plan: &Plan,
    objective: Objective,
    opts: &Options,
    adjust: &Adjust,
    levels: Option<usize>,
    proceed: &dyn Fn() -> bool,
) -> (Roadmap, Option<Vec<FrontierPoint>>) {
    let r = roadmap(plan, objective, opts, adjust);
    let f = levels
        .filter(|_| proceed())
        .map(|levels| frontier(plan, objective, levels, &frontier_options(opts, levels)));
    (r, f)
}

/// The options of each search of a frontier of `levels` budget levels whose searches together
/// take up to `opts.time_limit`: one for the unconstrained optimum, one shared by the search
/// for the least feasible budget, one per level and one for the plan's own budget.
pub fn frontier_options(opts: &Options, levels: usize) -> Options {
    Options {
        time_limit: opts.time_limit.div_f64(levels.max(2) as f64 + 3.0),
        ..opts.clone()
    }
}

/// Optimises a plan's roadmap and describes it.
pub fn roadmap(plan: &Plan, objective: Objective, opts: &Options, adjust: &Adjust) -> Roadmap {
    let inst = Instance::from_plan(plan, objective, adjust);
    let sol = solve::optimise(&inst, opts);
    describe(plan, &inst, &sol)
}

/// Describes a solved instance.
pub fn describe(plan: &Plan, inst: &Instance, sol: &solve::Solution) -> Roadmap {
    let doc = plan.doc();
    let currency = doc.organization.currency.clone();
    let mut sched: Vec<Scheduled> = sol
        .starts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let s = (*s)?;
            let item = &inst.items[i];
            let init = &doc.initiatives[item.plan_index];
            let end = s + item.duration - 1;
            Some(Scheduled {
                id: item.id.clone(),
                title: init.title.clone(),
                start_month: s,
                end_month: end,
                start: plan.month_at(s as i32).to_string(),
                end: plan.month_at(end as i32).to_string(),
                duration_months: item.duration,
                cost: round2(item.cost),
                npv: round2(item.npv[s as usize]),
                alignment_score: round2(item.alignment * 100.0),
                mandatory: item.mandatory,
                done_by: init.done_by.map(|m| m.to_string()),
                kind: if item.explore { "explore" } else { "exploit" },
                phase: doc
                    .phases
                    .iter()
                    .find(|p| p.initiatives.iter().any(|x| x.as_str() == item.id))
                    .map(|p| p.name.clone()),
            })
        })
        .collect();
    sched.sort_by(|a, b| (a.start_month, &a.id).cmp(&(b.start_month, &b.id)));
    let (hours, running) = solve::load_by_month(inst, &sol.starts);
    let base = solve::baseline(inst);
    let own = solve::own_order(plan, inst);
    let starts_of = |s: &Option<schedule::Starts>| -> Vec<BaselineStart> {
        s.iter()
            .flat_map(|s| {
                s.iter().enumerate().filter_map(|(i, x)| {
                    x.map(|x| BaselineStart {
                        id: inst.items[i].id.clone(),
                        start_month: x,
                    })
                })
            })
            .collect()
    };
    let feasible = matches!(sol.status, SolveStatus::Optimal | SolveStatus::Feasible);
    Roadmap {
        status: sol.status,
        objective_kind: inst.objective,
        objective: round2(sol.objective),
        bound: sol.bound.map(round2),
        gap: sol.gap().map(round6),
        npv: round2(schedule::npv(inst, &sol.starts)),
        schedule: sched,
        excluded: if feasible {
            solve::explain(inst, &sol.starts, &currency)
        } else {
            // No schedule: the required initiatives that none could hold, and why.
            solve::impossible(inst)
        },
        currency,
        infeasible_because: sol
            .infeasible_because
            .iter()
            .map(|&f| Cause {
                family: f,
                description: f.describe(),
            })
            .collect(),
        spend_by_period: solve::spend_by_period(plan, inst, &sol.starts)
            .into_iter()
            .map(|p| PeriodUse {
                spend: round2(p.spend),
                budget: p.budget.map(round2),
                ..p
            })
            .collect(),
        months: (0..inst.horizon as i32)
            .map(|t| plan.month_at(t).to_string())
            .collect(),
        hours_by_month: hours.into_iter().map(round2).collect(),
        running_by_month: running,
        staff_hours_per_month: inst.staff_hours,
        max_concurrent: inst.max_concurrent,
        baseline_objective: base.as_ref().map(|s| round2(schedule::objective(inst, s))),
        baseline_npv: base.as_ref().map(|s| round2(schedule::npv(inst, s))),
        baseline_schedule: starts_of(&base),
        own_order_objective: own.as_ref().map(|s| round2(schedule::objective(inst, s))),
        own_order_npv: own.as_ref().map(|s| round2(schedule::npv(inst, s))),
        own_order_schedule: starts_of(&own),
        solve_seconds: round6(sol.seconds),
    }
}

/// A roadmap read back: what [`reuse`] needs of the JSON of `sextant roadmap --format json`
/// (a file a person kept, or the CLI's cache of it), the rest of it ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Kept {
    /// Its search's status.
    pub status: SolveStatus,
    /// What its search maximised.
    pub objective_kind: Objective,
    /// Its schedule's objective value (rounded to cents, as written).
    pub objective: f64,
    /// The bound its search proved.
    pub bound: Option<f64>,
    /// Seconds its search took.
    #[serde(default)]
    pub solve_seconds: f64,
    /// Its schedule.
    pub schedule: Vec<KeptStart>,
}

/// One initiative of a [`Kept`] roadmap's schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct KeptStart {
    /// Its id.
    pub id: String,
    /// Month index of its start.
    pub start_month: u32,
    /// Its months of implementation.
    pub duration_months: u32,
}

/// Why a roadmap read back does not fit a plan: each says what was expected and what was
/// found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Misfit {
    /// Its search found no schedule.
    #[error("expected an optimal or feasible roadmap, found one that is {0}")]
    NoSchedule(&'static str),
    /// It maximised something else.
    #[error("expected a roadmap maximising {expected}, found one maximising {found}")]
    Objective {
        /// What the request maximises.
        expected: &'static str,
        /// What the roadmap maximised.
        found: &'static str,
    },
    /// It schedules an initiative the plan does not have (or cannot schedule: cancelled, done).
    #[error(
        "expected initiatives of this plan, found `{0}`, which it does not have or cannot schedule"
    )]
    Unknown(String),
    /// It schedules an initiative twice.
    #[error("expected `{0}` scheduled once, found it twice")]
    Twice(String),
    /// An initiative's duration is not the plan's.
    #[error("expected `{id}` to take {expected} months as this plan says, found {found}")]
    Duration {
        /// The initiative.
        id: String,
        /// The plan's months.
        expected: u32,
        /// The roadmap's months.
        found: u32,
    },
    /// Its schedule breaks the plan's constraints (the independent checker's findings).
    #[error(
        "expected a schedule that meets this plan's constraints, found one that breaks them: {}",
        .0.join("; ")
    )]
    Breaks(Vec<String>),
    /// Its objective is not the one the plan gives its schedule: made for another version.
    #[error(
        "expected the objective this plan gives its schedule, {expected:.2}, found {found:.2} (a roadmap of another version of the plan)"
    )]
    Value {
        /// What the plan gives the schedule.
        expected: f64,
        /// What the roadmap says.
        found: f64,
    },
}

fn objective_name(o: Objective) -> &'static str {
    match o {
        Objective::Npv => "npv",
        Objective::Alignment => "alignment",
    }
}

/// The roadmap of `plan` (maximising `objective`, its figures adjusted by `adjust`) from one
/// searched before, without searching again: its schedule accepted only when it names the
/// plan's initiatives with the plan's durations, the independent checker
/// ([`schedule::violations`]) finds no constraint broken, and the plan gives it the objective
/// the roadmap states; its status, bound and search time as the search left them.
pub fn reuse(
    plan: &Plan,
    objective: Objective,
    adjust: &Adjust,
    kept: &Kept,
) -> Result<Roadmap, Misfit> {
    if !matches!(kept.status, SolveStatus::Optimal | SolveStatus::Feasible) {
        return Err(Misfit::NoSchedule(kept.status.label()));
    }
    if kept.objective_kind != objective {
        return Err(Misfit::Objective {
            expected: objective_name(objective),
            found: objective_name(kept.objective_kind),
        });
    }
    let inst = Instance::from_plan(plan, objective, adjust);
    let mut starts: schedule::Starts = vec![None; inst.items.len()];
    for k in &kept.schedule {
        let i = inst
            .items
            .iter()
            .position(|x| x.id == k.id)
            .ok_or_else(|| Misfit::Unknown(k.id.clone()))?;
        if starts[i].is_some() {
            return Err(Misfit::Twice(k.id.clone()));
        }
        if k.duration_months != inst.items[i].duration {
            return Err(Misfit::Duration {
                id: k.id.clone(),
                expected: inst.items[i].duration,
                found: k.duration_months,
            });
        }
        starts[i] = Some(k.start_month);
    }
    let broken = schedule::violations(&inst, &starts);
    if !broken.is_empty() {
        return Err(Misfit::Breaks(broken));
    }
    let value = schedule::objective(&inst, &starts);
    if (value - kept.objective).abs() > 0.01 + 1e-9 * value.abs() {
        return Err(Misfit::Value {
            expected: value,
            found: kept.objective,
        });
    }
    let sol = solve::Solution {
        status: kept.status,
        starts,
        objective: value,
        bound: kept.bound,
        infeasible_because: Vec::new(),
        seconds: kept.solve_seconds,
    };
    Ok(describe(plan, &inst, &sol))
}

/// One budget level of the efficient frontier.
#[derive(Debug, Clone, Serialize)]
pub struct FrontierPoint {
    /// The factor applied to every period's budget (or the total budget when the plan has
    /// none).
    pub budget_factor: f64,
    /// The budget over the planning horizon at this level.
    pub budget_total: f64,
    /// Status of the optimisation at this level.
    pub status: SolveStatus,
    /// Best objective found.
    pub objective: f64,
    /// Its net present value.
    pub npv: f64,
    /// Relative gap.
    pub gap: Option<f64>,
    /// Implementation spend scheduled.
    pub spend: f64,
    /// Number of initiatives scheduled.
    pub initiatives: usize,
    /// Whether this is the plan's own budget (factor 1, or the plan without a budget).
    pub plan_budget: bool,
}

/// The best objective at `levels` budget levels from the least feasible budget to the one
/// beyond which more money buys nothing, and at the plan's own budget (factor 1, placed in
/// order among the levels; when the plan has no budget, the top level is its own).
///
/// Each search takes up to `per_level.time_limit`; the search for the least feasible budget
/// takes that much in all.
pub fn frontier(
    plan: &Plan,
    objective: Objective,
    levels: usize,
    per_level: &Options,
) -> Vec<FrontierPoint> {
    let levels = levels.max(2);
    let base = Instance::from_plan(plan, objective, &Adjust::default());
    let has_budget = !base.budgets.is_empty();
    let plan_total: f64 = base.budgets.iter().map(|b| b.amount).sum();
    // The unconstrained optimum's spend sets the top.
    let unconstrained = {
        let mut inst = base.clone();
        inst.budgets.clear();
        let sol = solve::optimise(&inst, per_level);
        (inst, sol)
    };
    let spend_of = |inst: &Instance, starts: &[Option<u32>]| -> f64 {
        starts
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|_| inst.items[i].cost))
            .sum()
    };
    let top_spend = spend_of(&unconstrained.0, &unconstrained.1.starts);
    let adjust_for = |level: f64| -> Adjust {
        if has_budget {
            Adjust {
                budget_factor: level,
                ..Adjust::default()
            }
        } else {
            Adjust {
                total_budget: Some(level),
                ..Adjust::default()
            }
        }
    };
    // Top level: factor where every period's budget covers the unconstrained spend in it.
    let top = if has_budget {
        let periods = solve::spend_by_period(plan, &base, &unconstrained.1.starts);
        base.budgets
            .iter()
            .map(|b| {
                let spend = periods
                    .iter()
                    .find(|p| p.period == b.period)
                    .map_or(0.0, |p| p.spend);
                if b.amount > 0.0 {
                    spend / b.amount
                } else {
                    0.0
                }
            })
            .fold(0.0, f64::max)
            .max(1e-6)
    } else {
        top_spend.max(1e-6)
    };
    // Bottom level: the least level at which the mandatory initiatives fit (bisection on
    // feasibility).
    let bisection_ends = std::time::Instant::now() + per_level.time_limit;
    let feasible_at = |level: f64| -> bool {
        let left = bisection_ends.saturating_duration_since(std::time::Instant::now());
        let inst = Instance::from_plan(plan, objective, &adjust_for(level));
        let r = crate::milp::solve(
            &inst,
            crate::milp::Formulation::Step,
            &crate::milp::MipOptions {
                with_objective: false,
                time_limit: left.max(std::time::Duration::from_millis(20)),
                stop: per_level.stop.clone(),
                ..crate::milp::MipOptions::default()
            },
            None,
        );
        r.starts.is_some() && !r.infeasible
    };
    let bottom = if feasible_at(0.0) {
        0.0
    } else if !feasible_at(top) {
        top
    } else {
        let (mut lo, mut hi) = (0.0, top);
        for _ in 0..12 {
            if per_level.stop.over(bisection_ends) {
                break;
            }
            let mid = (lo + hi) / 2.0;
            if feasible_at(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    };
    let mut points: Vec<(f64, bool)> = (0..levels)
        .map(|k| {
            (
                bottom + (top - bottom) * k as f64 / (levels - 1) as f64,
                false,
            )
        })
        .collect();
    if has_budget {
        match points.iter_mut().find(|(l, _)| (*l - 1.0).abs() < 1e-9) {
            Some(p) => p.1 = true,
            None => points.push((1.0, true)),
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    } else if let Some(last) = points.last_mut() {
        last.1 = true;
    }
    points
        .into_iter()
        .map(|(level, own)| {
            let inst = Instance::from_plan(plan, objective, &adjust_for(level));
            let sol = solve::optimise(&inst, per_level);
            FrontierPoint {
                budget_factor: round6(if has_budget { level } else { level / top }),
                budget_total: round2(if has_budget {
                    plan_total * level
                } else {
                    level
                }),
                status: sol.status,
                objective: round2(sol.objective),
                npv: round2(schedule::npv(&inst, &sol.starts)),
                gap: sol.gap().map(round6),
                spend: round2(spend_of(&inst, &sol.starts)),
                initiatives: sol.starts.iter().filter(|s| s.is_some()).count(),
                plan_budget: own,
            }
        })
        .collect()
}
