//! The model as a mixed-integer programme for HiGHS: a binary `x[i,s]` per initiative and
//! allowed start month, in two formulations.
//!
//! - [`Formulation::Tight`] writes each dependency month by month ("started by `t`" implies
//!   "prerequisite started by `t - d`"), which gives a much stronger linear relaxation; the
//!   optimiser uses it.
//! - [`Formulation::Plain`] writes each dependency as one big-M inequality on start months, the
//!   textbook time-indexed model; the benchmarks use it as the yardstick.
//! - [`Formulation::Step`] is the tight model in "started by month `s`" variables
//!   `y[i,s] = x[i,lo..=s]`: the same linear relaxation as `Tight` (the change of variables is
//!   unimodular), but every dependency row holds 2 entries instead of O(T), and every staff or
//!   concurrency row 2 per initiative instead of `d`. The optimiser uses it.

use std::time::Duration;

use highs::{HighsModelStatus, RowProblem, Sense};

use crate::instance::Instance;
use crate::schedule::{Family, Starts};
use crate::stop::Stop;

/// How dependencies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formulation {
    /// Month by month (strong relaxation).
    Tight,
    /// One big-M inequality per dependency.
    Plain,
    /// The tight model in cumulative ("started by") variables: sparse.
    Step,
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
    /// With `linear`: the relaxation's solution per item (`None` for items without starts).
    pub lp: Option<Vec<Option<LpItem>>>,
}

/// Solver settings.
#[derive(Debug, Clone)]
pub struct MipOptions {
    /// Stop after this long.
    pub time_limit: Duration,
    /// Stop when the relative gap falls to this.
    pub gap: f64,
    /// Ignore these constraint families (to find which make a plan infeasible).
    pub relax: Option<Family>,
    /// Optimise the objective (`false`: find any feasible schedule).
    pub with_objective: bool,
    /// Solve the linear relaxation only (the Step formulation): a bound and, per item, the
    /// share selected and the most likely start.
    pub linear: bool,
    /// The caller's request to stop, polled by HiGHS while it runs.
    pub stop: Stop,
}

/// The linear relaxation's view of one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LpItem {
    /// How much of the item is selected (0..1).
    pub selected: f64,
    /// The start month carrying the largest share.
    pub start: u32,
}

impl Default for MipOptions {
    fn default() -> Self {
        MipOptions {
            time_limit: Duration::from_secs(10),
            gap: 1e-6,
            relax: None,
            with_objective: true,
            linear: false,
            stop: Stop::never(),
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
    if opts.stop.requested() {
        // Not even built: building the model of thousands of initiatives takes a while too.
        return MipResult {
            optimal: false,
            infeasible: false,
            starts: None,
            bound: None,
            lp: None,
        };
    }
    if form == Formulation::Step {
        return solve_step(inst, opts, start);
    }
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
        let lo = if relax(Family::Horizon) {
            item.earliest.min(hi)
        } else {
            lo
        };
        if lo > hi || inst.horizon < item.duration {
            continue;
        }
        for s in lo..=hi {
            let c = if opts.with_objective {
                item.value[s as usize]
            } else {
                0.0
            };
            let col = pb.add_integer_column(c, 0..=1);
            cols.push((i, s, col));
            col_of[i].push((s, col));
        }
    }
    // Each at most once; mandatory exactly once.
    for (i, item) in inst.items.iter().enumerate() {
        let row: Vec<(highs::Col, f64)> = col_of[i].iter().map(|&(_, c)| (c, 1.0)).collect();
        let lo = if item.mandatory && !relax(Family::Mandatory) {
            1.0
        } else {
            0.0
        };
        if row.is_empty() {
            if lo > 0.0 {
                // A mandatory item with no start at all: say so with an empty infeasible row.
                return MipResult {
                    optimal: false,
                    infeasible: true,
                    starts: None,
                    bound: None,
                    lp: None,
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
                    Formulation::Tight | Formulation::Step => {
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
    if let Some(share) = inst
        .min_explore_share
        .filter(|_| !relax(Family::ExploreShare))
    {
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
            lp: None,
        };
    }
    let owner: Vec<(usize, u32)> = cols.iter().map(|&(i, s, _)| (i, s)).collect();
    let warm = start.map(|start| {
        owner
            .iter()
            .map(|&(i, s)| if start[i] == Some(s) { 1.0 } else { 0.0 })
            .collect()
    });
    run(pb, &owner, inst.items.len(), opts, warm)
}

/// Solves a built problem whose column `k` stands for item `owner[k].0` at month
/// `owner[k].1`: an item's start is the first of its columns at 1 (this reads both the start
/// variables and the cumulative ones).
fn run(
    pb: RowProblem,
    owner: &[(usize, u32)],
    items: usize,
    opts: &MipOptions,
    warm: Option<Vec<f64>>,
) -> MipResult {
    let none = MipResult {
        optimal: false,
        infeasible: false,
        starts: None,
        bound: None,
        lp: None,
    };
    let mut model = pb.optimise(Sense::Maximise);
    if std::env::var_os("SEXTANT_SOLVER_LOG").is_none() {
        model.make_quiet();
    } else {
        model.set_option("output_flag", true);
        model.set_option("log_to_console", true);
    }
    // For studying a model outside the program (scripts/bench-roadmap-bound): HiGHS writes
    // each model it is handed to this file (MPS), the last one remaining.
    if let Some(path) = std::env::var_os("SEXTANT_SOLVER_WRITE") {
        model.set_option("write_model_to_file", true);
        model.set_option("write_model_file", path.to_string_lossy().as_ref());
    }
    model.set_option("time_limit", opts.time_limit.as_secs_f64());
    model.set_option("mip_rel_gap", opts.gap);
    model.set_option("threads", 1);
    if let Some(x) = warm {
        let _ = model.try_set_solution(Some(&x), None, None, None);
    }
    if opts.stop.requested() {
        return none;
    }
    let Some(solved) = opts.stop.solve(model) else {
        return none;
    };
    let status = solved.status();
    let infeasible = matches!(status, HighsModelStatus::Infeasible);
    if opts.linear {
        if status != HighsModelStatus::Optimal {
            return MipResult { infeasible, ..none };
        }
        let sol = solved.get_solution();
        let v = sol.columns();
        // Per item: the cumulative value at its last month, and the month of the largest step.
        let mut lp: Vec<Option<LpItem>> = vec![None; items];
        let mut prev = vec![0.0; items];
        for (k, &(i, s)) in owner.iter().enumerate() {
            let y = v.get(k).copied().unwrap_or(0.0);
            let step = y - prev[i];
            prev[i] = y;
            let e = lp[i].get_or_insert(LpItem {
                selected: 0.0,
                start: s,
            });
            if step > e.selected {
                e.start = s;
            }
            e.selected = e.selected.max(step);
        }
        for (i, e) in lp.iter_mut().enumerate() {
            if let Some(e) = e {
                e.selected = prev[i].clamp(0.0, 1.0);
            }
        }
        return MipResult {
            bound: Some(solved.objective_value()),
            lp: Some(lp),
            ..none
        };
    }
    let has_solution = !infeasible
        && matches!(
            status,
            HighsModelStatus::Optimal
                | HighsModelStatus::ReachedTimeLimit
                | HighsModelStatus::ReachedIterationLimit
                | HighsModelStatus::ObjectiveBound
                | HighsModelStatus::ObjectiveTarget
        );
    let starts = has_solution.then(|| {
        let sol = solved.get_solution();
        let v = sol.columns();
        let mut starts: Starts = vec![None; items];
        for (k, &(i, s)) in owner.iter().enumerate() {
            if starts[i].is_none() && v.get(k).is_some_and(|x| *x > 0.5) {
                starts[i] = Some(s);
            }
        }
        starts
    });
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
        lp: None,
    }
}

/// The allowed starts `lo..=hi` of each item (none when it cannot be scheduled), honouring the
/// relaxed family.
fn ranges(inst: &Instance, relax: Option<Family>) -> Vec<Option<(u32, u32)>> {
    let es = if relax == Some(Family::Dependencies) {
        inst.items.iter().map(|x| Some(x.earliest)).collect()
    } else {
        inst.earliest_starts()
    };
    inst.items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let last_fit = inst.horizon.checked_sub(item.duration)?;
            if relax == Some(Family::Horizon) {
                return Some((item.earliest.min(last_fit), last_fit));
            }
            let lo = es[i]?;
            let hi = item.latest?;
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}

/// The cumulative-variable model. Column `y[i,s]` (for `s` in `lo..=hi`) is 1 when item `i`
/// has started by month `s`; a row written on start variables with coefficients `a(s)` becomes
/// `b(s) = a(s) - a(s+1)` (and `b(hi) = a(hi)`) on the `y`.
fn solve_step(inst: &Instance, opts: &MipOptions, start: Option<&[Option<u32>]>) -> MipResult {
    let relax = |f: Family| opts.relax == Some(f);
    let ranges = ranges(inst, opts.relax);
    let none = MipResult {
        optimal: false,
        infeasible: false,
        starts: None,
        bound: None,
        lp: None,
    };
    let mut pb = RowProblem::default();
    // cols[i] = (lo, first column index) ; columns of an item are consecutive.
    let mut base: Vec<Option<(u32, u32, usize)>> = vec![None; inst.items.len()];
    let mut col: Vec<highs::Col> = Vec::new();
    let mut owner: Vec<(usize, u32)> = Vec::new();
    for (i, item) in inst.items.iter().enumerate() {
        let Some((lo, hi)) = ranges[i] else {
            if item.mandatory && !relax(Family::Mandatory) {
                return MipResult {
                    infeasible: true,
                    ..none
                };
            }
            continue;
        };
        base[i] = Some((lo, hi, col.len()));
        for s in lo..=hi {
            let a = |s: u32| if s <= hi { item.value[s as usize] } else { 0.0 };
            let c = if opts.with_objective {
                a(s) - a(s + 1)
            } else {
                0.0
            };
            col.push(if opts.linear {
                pb.add_column(c, 0..=1)
            } else {
                pb.add_integer_column(c, 0..=1)
            });
            owner.push((i, s));
        }
    }
    if col.is_empty() {
        return MipResult {
            optimal: true,
            infeasible: false,
            starts: Some(vec![None; inst.items.len()]),
            bound: Some(0.0),
            lp: None,
        };
    }
    let y = |i: usize, s: u32| -> Option<highs::Col> {
        let (lo, hi, k) = base[i]?;
        (lo..=hi).contains(&s).then(|| col[k + (s - lo) as usize])
    };
    let last = |i: usize| -> Option<highs::Col> { base[i].and_then(|(_, hi, _)| y(i, hi)) };
    // Differenced coefficients of item i for a row with start coefficients a(s).
    let diff = |i: usize, a: &dyn Fn(u32) -> f64, row: &mut Vec<(highs::Col, f64)>| {
        let Some((lo, hi, k)) = base[i] else { return };
        for s in lo..=hi {
            let b = a(s) - if s < hi { a(s + 1) } else { 0.0 };
            if b.abs() > 1e-12 {
                row.push((col[k + (s - lo) as usize], b));
            }
        }
    };
    // Monotone: y[i,s-1] <= y[i,s]; mandatory: y[i,hi] = 1.
    for (i, item) in inst.items.iter().enumerate() {
        let Some((lo, hi, _)) = base[i] else { continue };
        for s in lo + 1..=hi {
            if let (Some(a), Some(b)) = (y(i, s - 1), y(i, s)) {
                pb.add_row(..=0.0, [(a, 1.0), (b, -1.0)]);
            }
        }
        if item.mandatory
            && !relax(Family::Mandatory)
            && let Some(c) = last(i)
        {
            pb.add_row(1.0..=1.0, [(c, 1.0)]);
        }
    }
    // Groups.
    for g in 0..inst.groups {
        let row: Vec<(highs::Col, f64)> = (0..inst.items.len())
            .filter(|&i| inst.items[i].group == Some(g))
            .filter_map(|i| last(i).map(|c| (c, 1.0)))
            .collect();
        if row.len() > 1 {
            pb.add_row(..=1.0, &row);
        }
    }
    // Dependencies: y[j,t] <= y[i,t-d_i].
    if !relax(Family::Dependencies) {
        for (j, item) in inst.items.iter().enumerate() {
            let Some((lo_j, hi_j, _)) = base[j] else {
                continue;
            };
            for &i in &item.deps {
                let di = inst.items[i].duration;
                for t in lo_j..=hi_j {
                    let Some(yj) = y(j, t) else { continue };
                    let prior = t.checked_sub(di).and_then(|u| {
                        let (lo_i, hi_i, _) = base[i]?;
                        if u < lo_i { None } else { y(i, u.min(hi_i)) }
                    });
                    match prior {
                        Some(yi) => pb.add_row(..=0.0, [(yj, 1.0), (yi, -1.0)]),
                        None => pb.add_row(..=0.0, [(yj, 1.0)]),
                    }
                }
            }
        }
    }
    // Budgets.
    if !relax(Family::Budget) {
        for (b, lim) in inst.budgets.iter().enumerate() {
            let mut row = Vec::new();
            for i in 0..inst.items.len() {
                diff(i, &|s| inst.spend_in(i, s, b), &mut row);
            }
            if !row.is_empty() {
                pb.add_row(..=lim.amount, &row);
            }
        }
    }
    // Staff hours and concurrency: under way in t = y[i,t] - y[i,t-d].
    let staff = inst.staff_hours.filter(|_| !relax(Family::Staff));
    let conc = inst.max_concurrent.filter(|_| !relax(Family::Concurrency));
    for t in 0..inst.horizon {
        let under_way = |i: usize, w: f64, row: &mut Vec<(highs::Col, f64)>| {
            let d = inst.items[i].duration;
            diff(i, &|s| if s <= t && t < s + d { w } else { 0.0 }, row);
        };
        if let Some(cap) = staff {
            let mut row = Vec::new();
            for (i, item) in inst.items.iter().enumerate() {
                if item.effort > 0.0 {
                    under_way(i, item.effort, &mut row);
                }
            }
            if !row.is_empty() {
                pb.add_row(..=cap, &row);
            }
        }
        if let Some(k) = conc {
            let mut row = Vec::new();
            let mut n = 0;
            for i in 0..inst.items.len() {
                let before = row.len();
                under_way(i, 1.0, &mut row);
                n += usize::from(row.len() > before);
            }
            if n > k as usize {
                pb.add_row(..=k as f64, &row);
            }
        }
    }
    // Exploration share.
    if let Some(share) = inst
        .min_explore_share
        .filter(|_| !relax(Family::ExploreShare))
    {
        let row: Vec<(highs::Col, f64)> = (0..inst.items.len())
            .filter_map(|i| {
                let item = &inst.items[i];
                let e = if item.explore { 1.0 } else { 0.0 };
                let v = item.cost * (e - share);
                (v != 0.0).then(|| last(i).map(|c| (c, v))).flatten()
            })
            .collect();
        if !row.is_empty() {
            pb.add_row(0.0.., &row);
        }
    }
    let warm = start.map(|start| {
        owner
            .iter()
            .map(|&(i, s)| match start[i] {
                Some(st) if st <= s => 1.0,
                _ => 0.0,
            })
            .collect()
    });
    run(pb, &owner, inst.items.len(), opts, warm)
}
