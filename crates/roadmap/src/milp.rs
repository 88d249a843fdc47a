//! The model as a mixed-integer programme for HiGHS: a binary `x[i,s]` per initiative and
//! allowed start month, in two formulations.
//!
//! - [`Formulation::Tight`] writes each dependency month by month ("started by `t`" implies
//!   "prerequisite started by `t - d`"), which gives a much stronger linear relaxation; the
//!   optimiser uses it.
//! - [`Formulation::Plain`] writes each dependency as one big-M inequality on start months, the
//!   textbook time-indexed model; the benchmarks use it as the yardstick.

use std::time::Duration;

use highs::{HighsModelStatus, RowProblem, Sense};

use crate::instance::Instance;
use crate::schedule::{Family, Starts};

/// How dependencies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formulation {
    /// Month by month (strong relaxation).
    Tight,
    /// One big-M inequality per dependency.
    Plain,
}

/// What HiGHS returned.
#[derive(Debug, Clone)]
pub struct MipResult {
    /// Proven optimal (within the requested gap).
    pub optimal: bool,
    /// Proven infeasible.
    pub infeasible: bool,
    /// The best schedule found, if any.
    pub starts: Option<Starts>,
    /// The best bound on the objective (upper, since we maximise).
    pub bound: Option<f64>,
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub struct MipOptions {
    /// Stop after this long.
    pub time_limit: Duration,
    /// Stop when the relative gap falls to this.
    pub gap: f64,
    /// Ignore these constraint families (to find which make a plan infeasible).
    pub relax: Option<Family>,
    /// Optimise the objective (`false`: find any feasible schedule).
    pub with_objective: bool,
}

impl Default for MipOptions {
    fn default() -> Self {
        MipOptions {
            time_limit: Duration::from_secs(10),
            gap: 1e-6,
            relax: None,
            with_objective: true,
        }
    }
}

/// Solves the instance with HiGHS, starting from `start` when given.
pub fn solve(
    inst: &Instance,
    form: Formulation,
    opts: &MipOptions,
    start: Option<&[Option<u32>]>,
) -> MipResult {
    let relax = |f: Family| opts.relax == Some(f);
    let es = if relax(Family::Dependencies) {
        inst.items.iter().map(|x| Some(x.earliest)).collect()
    } else {
        inst.earliest_starts()
    };
    let mut pb = RowProblem::default();
    // Columns: (item, start) pairs.
    let mut cols: Vec<(usize, u32, highs::Col)> = Vec::new();
    let mut col_of: Vec<Vec<(u32, highs::Col)>> = vec![Vec::new(); inst.items.len()];
    for (i, item) in inst.items.iter().enumerate() {
        let lo = es[i].unwrap_or(u32::MAX);
        let hi = if relax(Family::Horizon) {
            inst.horizon.saturating_sub(item.duration)
        } else {
            match item.latest {
                Some(l) => l,
                None => continue,
            }
        };
        let lo = if relax(Family::Horizon) { item.earliest.min(hi) } else { lo };
        if lo > hi || inst.horizon < item.duration {
            continue;
        }
        for s in lo..=hi {
            let c = if opts.with_objective { item.value[s as usize] } else { 0.0 };
            let col = pb.add_integer_column(c, 0..=1);
            cols.push((i, s, col));
            col_of[i].push((s, col));
        }
    }
    // Each at most once; mandatory exactly once.
    for (i, item) in inst.items.iter().enumerate() {
        let row: Vec<(highs::Col, f64)> = col_of[i].iter().map(|&(_, c)| (c, 1.0)).collect();
        let lo = if item.mandatory && !relax(Family::Mandatory) { 1.0 } else { 0.0 };
        if row.is_empty() {
            if lo > 0.0 {
                // A mandatory item with no start at all: say so with an empty infeasible row.
                return MipResult {
                    optimal: false,
                    infeasible: true,
                    starts: None,
                    bound: None,
                };
            }
            continue;
        }
        pb.add_row(lo..=1.0, &row);
    }
    // Groups of alternatives.
    for g in 0..inst.groups {
        let row: Vec<(highs::Col, f64)> = inst
            .items
            .iter()
            .enumerate()
            .filter(|(_, x)| x.group == Some(g))
            .flat_map(|(i, _)| col_of[i].iter().map(|&(_, c)| (c, 1.0)))
            .collect();
        if row.len() > 1 {
            pb.add_row(..=1.0, &row);
        }
    }
    // Dependencies.
    if !relax(Family::Dependencies) {
        for (j, item) in inst.items.iter().enumerate() {
            for &i in &item.deps {
                let di = inst.items[i].duration;
                match form {
                    Formulation::Tight => {
                        for &(t, _) in &col_of[j] {
                            let mut row: Vec<(highs::Col, f64)> = col_of[j]
                                .iter()
                                .filter(|(s, _)| *s <= t)
                                .map(|&(_, c)| (c, 1.0))
                                .collect();
                            row.extend(
                                col_of[i]
                                    .iter()
                                    .filter(|(s, _)| s + di <= t)
                                    .map(|&(_, c)| (c, -1.0)),
                            );
                            pb.add_row(..=0.0, &row);
                        }
                    }
                    Formulation::Plain => {
                        if col_of[j].is_empty() {
                            continue;
                        }
                        // y_j <= y_i
                        let mut row: Vec<(highs::Col, f64)> =
                            col_of[j].iter().map(|&(_, c)| (c, 1.0)).collect();
                        row.extend(col_of[i].iter().map(|&(_, c)| (c, -1.0)));
                        pb.add_row(..=0.0, &row);
                        // start_j >= end_i - M (1 - y_j), M = T.
                        let m = inst.horizon as f64;
                        let mut row: Vec<(highs::Col, f64)> =
                            col_of[j].iter().map(|&(s, c)| (c, s as f64 - m)).collect();
                        row.extend(col_of[i].iter().map(|&(s, c)| (c, -((s + di) as f64))));
                        pb.add_row(-m.., &row);
                    }
                }
            }
        }
    }
    // Budgets.
    if !relax(Family::Budget) {
        for (b, lim) in inst.budgets.iter().enumerate() {
            let row: Vec<(highs::Col, f64)> = cols
                .iter()
                .filter_map(|&(i, s, c)| {
                    let v = inst.spend_in(i, s, b);
                    (v > 0.0).then_some((c, v))
                })
                .collect();
            if !row.is_empty() {
                pb.add_row(..=lim.amount, &row);
            }
        }
    }
    // Staff hours and concurrency by month.
    let staff = inst.staff_hours.filter(|_| !relax(Family::Staff));
    let conc = inst.max_concurrent.filter(|_| !relax(Family::Concurrency));
    if staff.is_some() || conc.is_some() {
        let t_max = inst.horizon as usize;
        let mut hours: Vec<Vec<(highs::Col, f64)>> = vec![Vec::new(); t_max];
        let mut run: Vec<Vec<(highs::Col, f64)>> = vec![Vec::new(); t_max];
        for (i, item) in inst.items.iter().enumerate() {
            for &(s, c) in &col_of[i] {
                for t in s..(s + item.duration).min(inst.horizon) {
                    if item.effort > 0.0 {
                        hours[t as usize].push((c, item.effort));
                    }
                    run[t as usize].push((c, 1.0));
                }
            }
        }
        for t in 0..t_max {
            if let Some(cap) = staff
                && !hours[t].is_empty()
            {
                pb.add_row(..=cap, &hours[t]);
            }
            if let Some(k) = conc
                && run[t].len() > k as usize
            {
                pb.add_row(..=k as f64, &run[t]);
            }
        }
    }
    // Exploration share: sum cost_i (explore_i - share) x >= 0.
    if let Some(share) = inst.min_explore_share.filter(|_| !relax(Family::ExploreShare)) {
        let row: Vec<(highs::Col, f64)> = col_of
            .iter()
            .enumerate()
            .flat_map(|(i, cs)| {
                let item = &inst.items[i];
                let e = if item.explore { 1.0 } else { 0.0 };
                cs.iter().map(move |&(_, c)| (c, item.cost * (e - share)))
            })
            .filter(|(_, v)| *v != 0.0)
            .collect();
        if !row.is_empty() {
            pb.add_row(0.0.., &row);
        }
    }
    if cols.is_empty() {
        let starts = vec![None; inst.items.len()];
        return MipResult {
            optimal: true,
            infeasible: false,
            starts: Some(starts),
            bound: Some(0.0),
        };
    }
    let mut model = pb.optimise(Sense::Maximise);
    model.make_quiet();
    model.set_option("time_limit", opts.time_limit.as_secs_f64());
    model.set_option("mip_rel_gap", opts.gap);
    model.set_option("threads", 1);
    if let Some(start) = start {
        let x: Vec<f64> = cols
            .iter()
            .map(|&(i, s, _)| if start[i] == Some(s) { 1.0 } else { 0.0 })
            .collect();
        let _ = model.try_set_solution(Some(&x), None, None, None);
    }
    let Ok(solved) = model.try_solve() else {
        return MipResult {
            optimal: false,
            infeasible: false,
            starts: None,
            bound: None,
        };
    };
    let status = solved.status();
    let infeasible = matches!(status, HighsModelStatus::Infeasible);
    let has_solution = !infeasible
        && matches!(
            status,
            HighsModelStatus::Optimal
                | HighsModelStatus::ReachedTimeLimit
                | HighsModelStatus::ReachedIterationLimit
                | HighsModelStatus::ObjectiveBound
                | HighsModelStatus::ObjectiveTarget
        );
    let starts = has_solution
        .then(|| {
            let sol = solved.get_solution();
            let x = sol.columns();
            let mut starts: Starts = vec![None; inst.items.len()];
            let mut any = false;
            for (k, &(i, s, _)) in cols.iter().enumerate() {
                if x.get(k).is_some_and(|v| *v > 0.5) {
                    starts[i] = Some(s);
                    any = true;
                }
            }
            // A time limit with no solution found leaves every column at 0, which may not be
            // feasible; the caller checks.
            let _ = any;
            starts
        })
        .filter(|_| has_solution);
    let optimal = matches!(status, HighsModelStatus::Optimal);
    let bound = if optimal || matches!(status, HighsModelStatus::ReachedTimeLimit) {
        let obj = solved.objective_value();
        let gap = solved.mip_gap();
        gap.is_finite().then(|| obj + gap * obj.abs())
    } else {
        None
    };
    MipResult {
        optimal,
        infeasible,
        starts,
        bound,
    }
}
