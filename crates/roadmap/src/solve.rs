//! The optimiser: a starting schedule by rules, then HiGHS on the tight formulation started
//! from it; the status, bound and gap; why each initiative left out was left out; and, for an
//! infeasible plan, which family of constraints makes it so.

use std::time::{Duration, Instant};

use serde::Serialize;
use sextant_core::Plan;
use sextant_core::model::BudgetPeriod;
use sextant_core::unit::money;

use crate::heuristic::{self, Builder};
use crate::instance::{Instance, Objective};
use crate::milp::{self, Formulation, MipOptions};
use crate::schedule::{self, Family, Starts, Usage, violations};
use crate::stop::Stop;

/// Optimiser settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop searching after this long and report the gap.
    pub time_limit: Duration,
    /// Relative gap at which a schedule counts as optimal.
    pub gap: f64,
    /// The caller's request to stop early (its client left): every loop of the search and
    /// HiGHS look at it, and the best schedule found so far is returned.
    pub stop: Stop,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: Duration::from_secs(10),
            gap: 1e-4,
            stop: Stop::never(),
        }
    }
}

/// How good the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal (within the relative gap of the options).
    Optimal,
    /// A feasible schedule, with a bound on how much better one could be.
    Feasible,
    /// No schedule meets every constraint.
    Infeasible,
    /// The time ran out before any schedule was found.
    Unknown,
}

impl SolveStatus {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::Feasible => "feasible",
            SolveStatus::Infeasible => "infeasible",
            SolveStatus::Unknown => "no schedule found in the time allowed",
        }
    }
}

/// The result of optimising: a schedule (possibly empty) and what is known of its quality.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Status.
    pub status: SolveStatus,
    /// The schedule.
    pub starts: Starts,
    /// Its objective value.
    pub objective: f64,
    /// Upper bound on the best objective.
    pub bound: Option<f64>,
    /// Families whose relaxation alone makes an infeasible plan feasible.
    pub infeasible_because: Vec<Family>,
    /// Seconds spent.
    pub seconds: f64,
}

impl Solution {
    /// `(bound - objective) / |objective|`, 0 when proven optimal.
    pub fn gap(&self) -> Option<f64> {
        match self.status {
            SolveStatus::Optimal => Some(0.0),
            SolveStatus::Feasible => self
                .bound
                .map(|b| ((b - self.objective) / self.objective.abs().max(1e-9)).max(0.0)),
            _ => None,
        }
    }
}

/// Optimises an instance: a schedule by rules; the linear relaxation of the tight model for a
/// bound and a second schedule rounded from it; if the two are not yet within the gap, HiGHS's
/// branch and bound on the tight model, started from the better schedule, for the time left.
pub fn optimise(inst: &Instance, opts: &Options) -> Solution {
    let t0 = Instant::now();
    let deadline = t0 + opts.time_limit;
    let stop = &opts.stop;
    // Time left; none once the caller has asked to stop.
    let left = || {
        if stop.requested() {
            Duration::ZERO
        } else {
            deadline.saturating_duration_since(Instant::now())
        }
    };
    let objective_of = |s: &Starts| schedule::objective(inst, s);
    let mut best: Option<Starts> = heuristic::incumbent(
        inst,
        t0 + opts.time_limit.mul_f64(0.05).min(Duration::from_secs(1)),
        stop,
    )
    .filter(|s| violations(inst, s).is_empty());
    let consider = |best: &mut Option<Starts>, cand: Option<Starts>| {
        if let Some(c) = cand.filter(|s| violations(inst, s).is_empty())
            && best
                .as_ref()
                .is_none_or(|b| objective_of(&c) > objective_of(b) + 1e-9)
        {
            *best = Some(c);
        }
    };
    // The linear relaxation: a bound, and a schedule rounded from it.
    let lp_started = Instant::now();
    let lp = milp::solve(
        inst,
        Formulation::Step,
        &MipOptions {
            time_limit: left().mul_f64(0.5).max(Duration::from_millis(50)),
            linear: true,
            stop: stop.clone(),
            ..MipOptions::default()
        },
        None,
    );
    let lp_took = lp_started.elapsed();
    let mut bound = lp.bound;
    if let Some(fr) = &lp.lp {
        let until = Instant::now() + left().mul_f64(0.1).min(Duration::from_secs(2));
        consider(&mut best, heuristic::lp_guided(inst, fr, until, stop));
    }
    if std::env::var_os("SEXTANT_SOLVER_LOG").is_some() {
        eprintln!(
            "after relaxation at {:.3} s: bound {:?}, best {:?}",
            t0.elapsed().as_secs_f64(),
            bound,
            best.as_ref().map(objective_of)
        );
    }
    let within = |best: &Option<Starts>, bound: Option<f64>| match (best, bound) {
        (Some(b), Some(ub)) => {
            let v = objective_of(b);
            ub - v <= opts.gap * v.abs().max(1e-9) + 1e-9
        }
        _ => false,
    };
    let mut proven = within(&best, bound);
    let mut infeasible = lp.infeasible;
    // Branch and bound starts with the same model, presolve and relaxation: when the relaxation
    // alone did not finish, or took longer than the time left, HiGHS would overrun the time
    // limit in its presolve (measured: 5.5 s of presolve against 4.3 s allowed on 3,000
    // initiatives x 60 months). The time left then goes to local improvement instead.
    let mip_fits = lp.bound.is_some() && left() > lp_took;
    if !proven && !infeasible && !left().is_zero() && !mip_fits {
        consider(
            &mut best,
            heuristic::incumbent(inst, deadline - left().mul_f64(0.1), stop),
        );
    }
    if !proven && !infeasible && !left().is_zero() && mip_fits {
        // Measured (docs/benchmarks.md): HiGHS's branch and bound does better on the tight
        // start-variable model while it is small; the step model's sparsity wins when large.
        let columns: u64 = inst
            .items
            .iter()
            .map(|x| {
                x.latest
                    .map_or(0, |l| u64::from(l.saturating_sub(x.earliest)) + 1)
            })
            .sum();
        let form = if columns <= 20_000 {
            Formulation::Tight
        } else {
            Formulation::Step
        };
        let mip_options = |left: Duration| MipOptions {
            time_limit: left.max(Duration::from_millis(100)),
            gap: opts.gap,
            stop: stop.clone(),
            ..MipOptions::default()
        };
        let mut mip = milp::solve(inst, form, &mip_options(left()), best.as_deref());
        consider(&mut best, mip.starts.take());
        if mip.optimal && !within(&best, mip.bound) && !left().is_zero() {
            // HiGHS's presolve can improve a MIP start in its reduced space, prove that point
            // optimal, and still hand back the start: its objective then says there is better
            // than what it returned. Solving again without the start returns the point itself.
            mip = milp::solve(inst, form, &mip_options(left()), None);
            consider(&mut best, mip.starts.take());
        }
        bound = match (bound, mip.bound) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // HiGHS's word alone is not proof: the schedule kept must reach its bound.
        proven = within(&best, bound);
        infeasible = mip.infeasible;
    }
    let seconds = t0.elapsed().as_secs_f64();
    match best {
        Some(starts) => {
            let objective = objective_of(&starts);
            Solution {
                status: if proven {
                    SolveStatus::Optimal
                } else {
                    SolveStatus::Feasible
                },
                bound: if proven {
                    Some(objective)
                } else {
                    bound.map(|b| b.max(objective))
                },
                starts,
                objective,
                infeasible_because: Vec::new(),
                seconds,
            }
        }
        None if infeasible => Solution {
            status: SolveStatus::Infeasible,
            starts: vec![None; inst.items.len()],
            objective: 0.0,
            bound: None,
            // The diagnosis gets what is left of the time limit (at least a second).
            infeasible_because: if stop.requested() {
                Vec::new()
            } else {
                diagnose_within(inst, left().max(Duration::from_secs(1)), stop)
            },
            seconds: t0.elapsed().as_secs_f64(),
        },
        None => Solution {
            status: SolveStatus::Unknown,
            starts: vec![None; inst.items.len()],
            objective: 0.0,
            bound,
            infeasible_because: Vec::new(),
            seconds,
        },
    }
}

/// The families of constraints whose relaxation alone makes the plan feasible (each family
/// searched for up to 5 seconds).
pub fn diagnose(inst: &Instance) -> Vec<Family> {
    diagnose_within(inst, Duration::from_secs(35), &Stop::never())
}

/// As [`diagnose`], within `budget` in all: each family gets an equal share of what is left
/// (at most 5 seconds); a family whose search runs out of time, or is stopped by the caller, is
/// not named.
pub fn diagnose_within(inst: &Instance, budget: Duration, stop: &Stop) -> Vec<Family> {
    let ends = Instant::now() + budget;
    let mut families = vec![Family::Horizon, Family::Mandatory, Family::Dependencies];
    if !inst.budgets.is_empty() {
        families.push(Family::Budget);
    }
    if inst.staff_hours.is_some() {
        families.push(Family::Staff);
    }
    if inst.max_concurrent.is_some() {
        families.push(Family::Concurrency);
    }
    if inst.min_explore_share.is_some() {
        families.push(Family::ExploreShare);
    }
    let count = families.len();
    families
        .into_iter()
        .enumerate()
        .filter(|&(k, f)| {
            let left = ends.saturating_duration_since(Instant::now());
            if left.is_zero() || stop.requested() {
                return false;
            }
            let share = left.div_f64((count - k) as f64).min(Duration::from_secs(5));
            let r = milp::solve(
                inst,
                Formulation::Step,
                &MipOptions {
                    time_limit: share.max(Duration::from_millis(20)),
                    relax: Some(f),
                    with_objective: false,
                    stop: stop.clone(),
                    ..MipOptions::default()
                },
                None,
            );
            !r.infeasible && r.starts.is_some()
        })
        .map(|(_, f)| f)
        .collect()
}

/// Why an initiative is not in the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Cancelled in the plan.
    Cancelled,
    /// Already done.
    Done,
    /// Cannot finish within the planning horizon from its earliest start.
    Horizon,
    /// Another initiative of its group of alternatives was chosen.
    Alternative,
    /// Something it depends on is not scheduled.
    Dependency,
    /// It would lower the objective wherever it starts.
    NegativeValue,
    /// No month has the budget left for it.
    Budget,
    /// No month has the staff hours or the room under `max_concurrent` left for it.
    Capacity,
    /// It would break the minimum share of exploration.
    ExploreShare,
    /// It would fit, but the optimiser stopped within its gap without it.
    Gap,
}

impl Reason {
    /// Why it was left out, in a few words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Cancelled => "cancelled",
            Reason::Done => "done already",
            Reason::Horizon => "no time to finish",
            Reason::Alternative => "an alternative was chosen",
            Reason::Dependency => "needs another first",
            Reason::NegativeValue => "loses value",
            Reason::Budget => "over budget",
            Reason::Capacity => "no staff time or room",
            Reason::ExploreShare => "exploration share",
            Reason::Gap => "search stopped",
        }
    }
}

/// An initiative left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Excluded {
    /// Its id.
    pub id: String,
    /// The reason, as a stable code.
    pub reason: Reason,
    /// The reason in words, with figures.
    pub detail: String,
}

/// Month `m` of the plan in words ("August 2028").
fn month_words(inst: &Instance, m: u32) -> String {
    sextant_core::calendar::month_words(inst.start.plus(m as i32))
}

/// A deadline (`YYYY-MM`) in words, as given when it does not read as a month.
fn deadline_words(by: &str) -> String {
    sextant_core::model::Month::parse(by)
        .map_or_else(|| by.to_string(), sextant_core::calendar::month_words)
}

/// `n` months in words: "1 month", "6 months".
fn months(n: u32) -> String {
    if n == 1 {
        "1 month".to_string()
    } else {
        format!("{n} months")
    }
}

/// Why `item` has no time: its duration from its earliest start, or (`prerequisites`) what
/// must finish before it, against the horizon or its deadline.
fn no_time(inst: &Instance, item: &crate::instance::Item, prerequisites: bool) -> String {
    match (&item.deadline, prerequisites) {
        (Some(by), false) => format!(
            "takes {} and cannot be live by the end of {} (its deadline) when started in {} or later",
            months(item.duration),
            deadline_words(by),
            month_words(inst, item.earliest)
        ),
        (Some(by), true) => {
            format!(
                "what it needs first leaves no time to have it live by the end of {} (its deadline)",
                deadline_words(by)
            )
        }
        (None, false) => format!(
            "takes {} and cannot finish within the plan's {} when started in {} or later",
            months(item.duration),
            months(inst.horizon),
            month_words(inst, item.earliest)
        ),
        (None, true) => {
            "what it needs first leaves no time to finish it within the plan's months".to_string()
        }
    }
}

/// The initiatives the plan requires (mandatory, under way, or with a deadline) that no
/// schedule can hold whatever else is done: one that needs a cancelled initiative, or has no
/// time to finish (its duration, or its prerequisites, against the horizon or its deadline).
/// What an infeasible roadmap names beside the constraint families.
pub fn impossible(inst: &Instance) -> Vec<Excluded> {
    let es = inst.earliest_starts();
    inst.items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.mandatory)
        .filter_map(|(i, item)| {
            let (reason, detail) = if let Some(dep) = &item.needs_cancelled {
                (
                    Reason::Dependency,
                    format!("needs `{dep}`, which is cancelled"),
                )
            } else if item.latest.is_none() {
                (Reason::Horizon, no_time(inst, item, false))
            } else if es[i].is_none() {
                (Reason::Horizon, no_time(inst, item, true))
            } else {
                return None;
            };
            Some(Excluded {
                id: item.id.clone(),
                reason,
                detail,
            })
        })
        .collect()
}

/// Explains each item left out of `starts`.
pub fn explain(inst: &Instance, starts: &[Option<u32>], currency: &str) -> Vec<Excluded> {
    let mut out: Vec<Excluded> = inst
        .skipped
        .iter()
        .map(|(id, why)| Excluded {
            id: id.clone(),
            reason: if why == "cancelled" {
                Reason::Cancelled
            } else {
                Reason::Done
            },
            detail: format!("{why} in the plan"),
        })
        .collect();
    let es = inst.earliest_starts();
    let b = Builder::from_starts(inst, starts);
    for (i, item) in inst.items.iter().enumerate() {
        if starts[i].is_some() {
            continue;
        }
        let (reason, detail) = if let Some(dep) = &item.needs_cancelled {
            (
                Reason::Dependency,
                format!("needs `{dep}`, which is cancelled"),
            )
        } else if item.latest.is_none() {
            (Reason::Horizon, no_time(inst, item, false))
        } else if let Some(other) = item.group.and_then(|g| {
            inst.items
                .iter()
                .enumerate()
                .find(|(j, x)| x.group == Some(g) && starts[*j].is_some())
        }) {
            (
                Reason::Alternative,
                format!("its alternative “{}” is chosen instead", other.1.title),
            )
        } else if let Some(&d) = item.deps.iter().find(|&&d| starts[d].is_none()) {
            (
                Reason::Dependency,
                format!(
                    "needs “{}” first, which is not scheduled",
                    inst.items[d].title
                ),
            )
        } else if es[i].is_none() {
            (Reason::Horizon, no_time(inst, item, true))
        } else if let Some((d, finish)) = late_prerequisite(inst, starts, i) {
            (
                Reason::Dependency,
                format!(
                    "needs “{}” first, which is under way until {}: too late for it to finish within the plan's {}",
                    inst.items[d].title,
                    month_words(inst, finish - 1),
                    months(inst.horizon)
                ),
            )
        } else {
            let lo = b.ready_from(i).unwrap_or(item.earliest);
            let hi = item.latest.unwrap_or(0);
            let best = (lo..=hi)
                .map(|s| item.value[s as usize])
                .fold(f64::NEG_INFINITY, f64::max);
            if best <= 0.0 {
                let detail = match inst.objective {
                    Objective::Npv => format!(
                        "it is worth {} at best over the plan's years (started in {} or later)",
                        money(best, currency),
                        month_words(inst, lo)
                    ),
                    Objective::Alignment => "it supports no goal".to_string(),
                };
                (Reason::NegativeValue, detail)
            } else {
                blocked(inst, &b.usage, i, lo, hi, currency)
            }
        };
        out.push(Excluded {
            id: item.id.clone(),
            reason,
            detail,
        });
    }
    out
}

/// The scheduled prerequisite of `i` that finishes last, with its finish month (0-based, the
/// month after its last), when that leaves `i` no start within its allowed months.
fn late_prerequisite(inst: &Instance, starts: &[Option<u32>], i: usize) -> Option<(usize, u32)> {
    let item = &inst.items[i];
    let (d, finish) = item
        .deps
        .iter()
        .filter_map(|&d| starts[d].map(|s| (d, s + inst.items[d].duration)))
        .max_by_key(|&(_, f)| f)?;
    (finish > item.latest?).then_some((d, finish))
}

fn blocked(
    inst: &Instance,
    usage: &Usage,
    i: usize,
    lo: u32,
    hi: u32,
    currency: &str,
) -> (Reason, String) {
    let item = &inst.items[i];
    let mut counts = [0usize; 3];
    let mut fits_somewhere = false;
    for s in lo..=hi {
        match usage.blocker(inst, i, s) {
            Some(Family::Budget) => counts[0] += 1,
            Some(Family::Staff) => counts[1] += 1,
            Some(Family::Concurrency) => counts[2] += 1,
            Some(_) => {}
            None => fits_somewhere = true,
        }
    }
    if fits_somewhere {
        let mut u = usage.clone();
        u.apply(inst, i, lo, 1.0);
        if !u.explore_ok(inst) {
            return (
                Reason::ExploreShare,
                "adding it would bring exploration below its minimum share of spend".into(),
            );
        }
        return (
            Reason::Gap,
            "it would fit; the optimiser stopped within its gap without it".into(),
        );
    }
    if counts[0] >= counts[1] && counts[0] >= counts[2] {
        let alone = Usage::new(inst);
        let fits_alone = (lo..=hi).any(|s| alone.blocker(inst, i, s) != Some(Family::Budget));
        let periods: Vec<String> = inst
            .budgets
            .iter()
            .enumerate()
            .filter(|(b, _)| (lo..=hi).any(|s| inst.spend_in(i, s, *b) > 0.0))
            .map(|(b, lim)| {
                if fits_alone {
                    format!(
                        "{} has {} left",
                        lim.period,
                        money(lim.amount - usage.spend[b], currency)
                    )
                } else {
                    format!("{} {}", lim.period, money(lim.amount, currency))
                }
            })
            .collect();
        let detail = if fits_alone {
            format!(
                "its implementation cost of {} does not fit the budget left by the initiatives chosen ({})",
                money(item.cost, currency),
                periods.join(", ")
            )
        } else {
            format!(
                "its implementation cost of {} does not fit the budget of the periods it could fall in, even alone ({})",
                money(item.cost, currency),
                periods.join(", ")
            )
        };
        (Reason::Budget, detail)
    } else if counts[1] >= counts[2] {
        (
            Reason::Capacity,
            format!(
                "needs {} staff hours a month for {} months; of the {} hours a month, the initiatives chosen leave too few in every window it could use",
                item.effort,
                item.duration,
                inst.staff_hours.unwrap_or(0.0)
            ),
        )
    } else {
        (
            Reason::Capacity,
            format!(
                "at most {} initiatives may be under way at once, and every window it could use is full",
                inst.max_concurrent.unwrap_or(0)
            ),
        )
    }
}

/// Spend and budget of one period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodUse {
    /// The fiscal year or quarter ("2027", "2027-Q3"), or "total".
    pub period: String,
    /// Implementation spend scheduled in it (within the planning horizon).
    pub spend: f64,
    /// Its budget, if the plan sets one.
    pub budget: Option<f64>,
}

/// Implementation spend by fiscal year over the horizon, plus every budgeted period.
pub fn spend_by_period(plan: &Plan, inst: &Instance, starts: &[Option<u32>]) -> Vec<PeriodUse> {
    let fys = plan.doc().organization.fiscal_year_start;
    let mut monthly = vec![0.0; inst.horizon as usize];
    for (i, s) in starts.iter().enumerate() {
        if let Some(s) = *s {
            let item = &inst.items[i];
            for t in s..s + item.duration {
                monthly[t as usize] += item.monthly_spend();
            }
        }
    }
    let sum = |first: i32, last: i32| -> f64 {
        (first.max(0)..=last.min(inst.horizon as i32 - 1))
            .map(|t| monthly[t as usize])
            .sum()
    };
    let mut out: Vec<PeriodUse> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for t in 0..inst.horizon as i32 {
        let y = BudgetPeriod::year_of(plan.month_at(t), fys);
        let name = y.to_string();
        if seen.contains(&name) {
            continue;
        }
        let (first, months) = y.months(fys);
        let first = plan.month_index(first);
        seen.push(name.clone());
        out.push(PeriodUse {
            spend: sum(first, first + months as i32 - 1),
            budget: inst
                .budgets
                .iter()
                .find(|b| b.period == name)
                .map(|b| b.amount),
            period: name,
        });
    }
    for lim in &inst.budgets {
        if !seen.contains(&lim.period) {
            seen.push(lim.period.clone());
            out.push(PeriodUse {
                period: lim.period.clone(),
                spend: sum(lim.first, lim.last),
                budget: Some(lim.amount),
            });
        }
    }
    out
}

/// Staff hours and initiatives under way, month by month.
pub fn load_by_month(inst: &Instance, starts: &[Option<u32>]) -> (Vec<f64>, Vec<u32>) {
    let mut u = Usage::new(inst);
    for (i, s) in starts.iter().enumerate() {
        if let Some(s) = *s {
            u.apply(inst, i, s, 1.0);
        }
    }
    (u.hours, u.running)
}

/// The baseline's schedule placed for comparison, when it finds one.
pub fn baseline(inst: &Instance) -> Option<Starts> {
    heuristic::baseline(inst).filter(|s| violations(inst, s).is_empty())
}

/// The plan's own order, its phases one after another (see [`heuristic::phase_order`]), when
/// the plan has phases and that order meets every constraint.
pub fn own_order(plan: &Plan, inst: &Instance) -> Option<Starts> {
    let phases = &plan.doc().phases;
    if phases.is_empty() {
        return None;
    }
    let rank: Vec<Option<usize>> = inst
        .items
        .iter()
        .map(|item| {
            phases
                .iter()
                .position(|p| p.initiatives.iter().any(|x| x.as_str() == item.id))
        })
        .collect();
    heuristic::phase_order(inst, &rank).filter(|s| violations(inst, s).is_empty())
}
