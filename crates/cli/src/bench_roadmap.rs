//! `sextant bench roadmap` and `sextant bench simulate`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use sextant_core::synth::{Size, plan_yaml, tight_plan_yaml};
use sextant_roadmap::milp::{self, Formulation, MipOptions};
use sextant_roadmap::solve::{self, Options, SolveStatus};
use sextant_roadmap::{Adjust, Instance, Objective, schedule};

fn generated(initiatives: usize, months: u32, seed: u64) -> anyhow::Result<sextant_core::Plan> {
    generated_text(initiatives, months, seed).map(|(plan, _)| plan)
}

/// The generated plan and its YAML.
fn generated_text(
    initiatives: usize,
    months: u32,
    seed: u64,
) -> anyhow::Result<(sextant_core::Plan, String)> {
    let mut size = Size::initiatives(initiatives);
    size.months = months;
    let text = plan_yaml(size, seed);
    let plan = sextant_core::load_plan("bench.yaml", &text)
        .map_err(|p| anyhow::anyhow!("generated plan is invalid: {p}"))?;
    Ok((plan, text))
}

/// Optimiser against the plain model and the baseline on one generated instance.
pub fn roadmap(
    initiatives: usize,
    months: u32,
    seed: u64,
    time_limit: f64,
    no_plain: bool,
    budget_factor: f64,
) -> anyhow::Result<ExitCode> {
    let plan = generated(initiatives, months, seed)?;
    let adjust = Adjust {
        budget_factor,
        ..Adjust::default()
    };
    let inst = Instance::from_plan(&plan, Objective::Npv, &adjust);
    let limit = Duration::from_secs_f64(time_limit);
    println!(
        "instance: {initiatives} initiatives x {months} months, seed {seed}, budgets x {budget_factor}; time limit {time_limit} s each"
    );
    let t = Instant::now();
    let base = solve::baseline(&inst);
    let base_time = t.elapsed();
    let base_value = base.as_ref().map(|s| schedule::objective(&inst, s));
    let t = Instant::now();
    let heur = sextant_roadmap::heuristic::incumbent(
        &inst,
        t + limit.mul_f64(0.1).min(Duration::from_secs(2)),
        &sextant_roadmap::Stop::never(),
    );
    let heur_time = t.elapsed();
    let heur_value = heur.as_ref().map(|s| schedule::objective(&inst, s));
    let sol = solve::optimise(
        &inst,
        &Options {
            time_limit: limit,
            ..Options::default()
        },
    );
    let ok = schedule::violations(&inst, &sol.starts).is_empty();
    println!(
        "{:<28} {:>10} {:>16} {:>16} {:>9}",
        "method", "seconds", "objective", "bound", "gap"
    );
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
    println!(
        "{:<28} {:>10.3} {:>16} {:>16} {:>9}",
        "baseline (rank, earliest)",
        base_time.as_secs_f64(),
        fmt(base_value),
        "-",
        "-"
    );
    println!(
        "{:<28} {:>10.3} {:>16} {:>16} {:>9}",
        "  its starting schedule",
        heur_time.as_secs_f64(),
        fmt(heur_value),
        "-",
        "-"
    );
    println!(
        "{:<28} {:>10.3} {:>16} {:>16} {:>9} {}",
        "sextant optimiser",
        sol.seconds,
        fmt(Some(sol.objective)),
        fmt(sol.bound),
        sol.gap()
            .map_or("-".into(), |g| format!("{:.3}%", g * 100.0)),
        match sol.status {
            SolveStatus::Optimal => "optimal",
            SolveStatus::Feasible => "feasible",
            SolveStatus::Infeasible => "infeasible",
            SolveStatus::Unknown => "unknown",
        }
    );
    if !ok {
        println!("WARNING: the optimiser's schedule breaks a constraint");
    }
    if !no_plain {
        let t = Instant::now();
        let plain = milp::solve(
            &inst,
            Formulation::Plain,
            &MipOptions {
                time_limit: limit,
                gap: 1e-4,
                ..MipOptions::default()
            },
            None,
        );
        let secs = t.elapsed().as_secs_f64();
        let value = plain
            .starts
            .as_ref()
            .filter(|s| schedule::violations(&inst, s).is_empty())
            .map(|s| schedule::objective(&inst, s));
        let gap = match (value, plain.bound) {
            (Some(v), Some(b)) => format!("{:.3}%", ((b - v) / v.abs().max(1e-9)).max(0.0) * 100.0),
            _ => "-".into(),
        };
        println!(
            "{:<28} {:>10.3} {:>16} {:>16} {:>9} {}",
            "HiGHS, plain model",
            secs,
            fmt(value),
            fmt(plain.bound),
            gap,
            if plain.optimal { "optimal" } else { "stopped" }
        );
        println!(
            "ratio plain time / optimiser time: {:.1}",
            secs / sol.seconds.max(1e-9)
        );
    }
    if let Some(b) = base_value {
        println!(
            "baseline value / optimum: {:.3}",
            b / sol.objective.abs().max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One solver's answer on one instance, as the tight benchmark prints and sums it.
struct Run {
    /// `optimal`, `feasible`/`stopped`, `infeasible`, `unknown`/`none`, or `BROKEN` when the
    /// independent checker refuses the schedule.
    status: &'static str,
    /// Proven optimal (and its schedule passes the checker).
    optimal: bool,
    seconds: f64,
    /// The objective of the returned schedule, when the checker passes it.
    objective: Option<f64>,
    bound: Option<f64>,
    /// The checker refused the returned schedule.
    broken: bool,
}

impl Run {
    fn gap(&self) -> Option<f64> {
        if self.optimal {
            return Some(0.0);
        }
        match (self.objective, self.bound) {
            (Some(v), Some(b)) => Some(((b - v) / v.abs().max(1e-9)).max(0.0)),
            _ => None,
        }
    }

    fn cells(&self) -> String {
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        format!(
            "{:<10} {:>7.3} {:>10} {:>10} {:>8}",
            self.status,
            self.seconds,
            fmt(self.objective),
            fmt(self.bound),
            self.gap()
                .map_or("-".into(), |g| format!("{:.3}%", g * 100.0))
        )
    }
}

/// HiGHS's branch and bound on one formulation of the instance, from no starting schedule.
fn highs_run(inst: &Instance, form: Formulation, limit: Duration) -> Run {
    let t = Instant::now();
    let r = milp::solve(
        inst,
        form,
        &MipOptions {
            time_limit: limit,
            gap: Options::default().gap,
            ..MipOptions::default()
        },
        None,
    );
    let seconds = t.elapsed().as_secs_f64();
    let broken = r
        .starts
        .as_ref()
        .is_some_and(|s| !schedule::violations(inst, s).is_empty());
    let objective = r
        .starts
        .as_ref()
        .filter(|_| !broken)
        .map(|s| schedule::objective(inst, s));
    Run {
        status: if broken {
            "BROKEN"
        } else if r.infeasible {
            "infeasible"
        } else if r.optimal {
            "optimal"
        } else if objective.is_some() {
            "stopped"
        } else {
            "none"
        },
        optimal: r.optimal && !broken,
        seconds,
        objective,
        bound: r.bound,
        broken,
    }
}

/// The median (the mean of the middle two for an even count) and the largest of `v`.
fn median_worst(v: &[f64]) -> (f64, f64) {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (median, v[n - 1])
}

/// The tight family (`synth::tight_plan_yaml`) over `seeds` seeds from `seed`: on each plan the
/// sextant optimiser (`sextant roadmap`'s search, its default gap) and HiGHS's branch and bound
/// on the plain and on the tight time-indexed model (one thread, the same gap, no starting
/// schedule), each with the same time limit and each schedule passed through the independent
/// checker; one line a seed, then how many each proved optimal, median and worst times and
/// their ratios to the optimiser's, all from the same run.
pub fn tight(
    initiatives: usize,
    seed: u64,
    seeds: u64,
    time_limit: f64,
    no_plain: bool,
    budget_factor: f64,
) -> anyhow::Result<ExitCode> {
    let adjust = Adjust {
        budget_factor,
        ..Adjust::default()
    };
    let limit = Duration::from_secs_f64(time_limit);
    let gap = Options::default().gap;
    println!(
        "tight family: {initiatives} initiatives x 24 months (evaluation 60), seeds {seed}..={}, budgets x {budget_factor}; time limit {time_limit} s each; relative gap {gap}; HiGHS on 1 thread, no starting schedule",
        seed + seeds - 1
    );
    let mut names = vec!["sextant optimiser"];
    if !no_plain {
        names.push("HiGHS, plain model");
    }
    names.push("HiGHS, tight model");
    let block = 50;
    let mut head = format!("{:<6}", "");
    let mut cols = format!("{:<6}", "seed");
    for name in &names {
        head += &format!(" | {name:<block$}");
        cols += &format!(
            " | {:<10} {:>7} {:>10} {:>10} {:>8}",
            "status", "seconds", "objective", "bound", "gap"
        );
    }
    println!("{head}");
    println!("{cols}");
    let mut runs: Vec<Vec<Run>> = (0..names.len()).map(|_| Vec::new()).collect();
    let mut contradictions = 0;
    for s in seed..seed + seeds {
        let text = tight_plan_yaml(initiatives, s);
        let plan = sextant_core::load_plan("bench.yaml", &text)
            .map_err(|p| anyhow::anyhow!("generated plan {s} is invalid: {p}"))?;
        let inst = Instance::from_plan(&plan, Objective::Npv, &adjust);
        let sol = solve::optimise(
            &inst,
            &Options {
                time_limit: limit,
                ..Options::default()
            },
        );
        let broken = !schedule::violations(&inst, &sol.starts).is_empty();
        let mine = Run {
            status: if broken {
                "BROKEN"
            } else {
                match sol.status {
                    SolveStatus::Optimal => "optimal",
                    SolveStatus::Feasible => "feasible",
                    SolveStatus::Infeasible => "infeasible",
                    SolveStatus::Unknown => "unknown",
                }
            },
            optimal: sol.status == SolveStatus::Optimal && !broken,
            seconds: sol.seconds,
            objective: matches!(sol.status, SolveStatus::Optimal | SolveStatus::Feasible)
                .then_some(sol.objective)
                .filter(|_| !broken),
            bound: sol.bound,
            broken,
        };
        let mut line = vec![mine];
        if !no_plain {
            line.push(highs_run(&inst, Formulation::Plain, limit));
        }
        line.push(highs_run(&inst, Formulation::Tight, limit));
        // A schedule better than one proven optimal, or a bound below a schedule found, means
        // one of the proofs is wrong.
        let tol = |v: f64| gap * v.abs().max(1.0) + 1e-6;
        let best = line
            .iter()
            .filter_map(|r| r.objective)
            .fold(f64::NEG_INFINITY, f64::max);
        let wrong = line.iter().any(|r| {
            (r.optimal && r.objective.is_some_and(|v| best > v + tol(v)))
                || r.bound.is_some_and(|b| best > b + tol(b))
        });
        let mut out = format!("{s:<6}");
        for r in &line {
            out += &format!(" | {}", r.cells());
        }
        if wrong {
            contradictions += 1;
            out += "  CONTRADICTION: a schedule beats a proven optimum or bound";
        }
        println!("{out}");
        for (k, r) in line.into_iter().enumerate() {
            runs[k].push(r);
        }
    }
    println!();
    println!(
        "summary over {seeds} seeds, {initiatives} initiatives, time limit {time_limit} s (a run stopped by the limit counts as the limit):"
    );
    println!(
        "{:<20} {:>9} {:>9} {:>10} {:>10} {:>11} {:>11} {:>8}",
        "solver",
        "optimal",
        "under 2 s",
        "median s",
        "worst s",
        "median gap",
        "worst gap",
        "broken"
    );
    let times: Vec<Vec<f64>> = runs
        .iter()
        .map(|rs| rs.iter().map(|r| r.seconds).collect())
        .collect();
    for (name, rs) in names.iter().zip(&runs) {
        let secs: Vec<f64> = rs.iter().map(|r| r.seconds).collect();
        let (med, worst) = median_worst(&secs);
        // A run without a gap (no schedule) counts as an infinite gap.
        let gaps: Vec<f64> = rs
            .iter()
            .map(|r| r.gap().unwrap_or(f64::INFINITY))
            .collect();
        let (med_gap, worst_gap) = median_worst(&gaps);
        let pct = |g: f64| {
            if g.is_finite() {
                format!("{:.3}%", g * 100.0)
            } else {
                "-".into()
            }
        };
        println!(
            "{:<20} {:>9} {:>9} {:>10.3} {:>10.3} {:>11} {:>11} {:>8}",
            name.trim_start_matches("HiGHS, "),
            format!("{}/{seeds}", rs.iter().filter(|r| r.optimal).count()),
            rs.iter().filter(|r| r.optimal && r.seconds < 2.0).count(),
            med,
            worst,
            pct(med_gap),
            pct(worst_gap),
            rs.iter().filter(|r| r.broken).count()
        );
    }
    let (mine_med, mine_worst) = median_worst(&times[0]);
    for (k, name) in names.iter().enumerate().skip(1) {
        let (med, worst) = median_worst(&times[k]);
        println!(
            "ratio {} / optimiser: median {:.2}, worst {:.2}",
            name.trim_start_matches("HiGHS, "),
            med / mine_med.max(1e-9),
            worst / mine_worst.max(1e-9)
        );
    }
    println!(
        "the optimiser proved {} of {seeds} optimal within {time_limit} s; contradictions: {contradictions}",
        runs[0].iter().filter(|r| r.optimal).count()
    );
    Ok(
        if contradictions > 0 || runs.iter().flatten().any(|r| r.broken) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// `sextant simulate` on a generated plan end to end, its roadmap searched (cold) against its
/// roadmap read back from the cache (warm), then the Monte Carlo alone on one thread against
/// every core, each pair in the same run with the same numbers from both.
pub fn simulate(
    initiatives: usize,
    months: u32,
    trials: usize,
    seed: u64,
    keep: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use crate::roadmap_cache::{self, Cache, Source};
    use sextant_roadmap::simulate::{Shape, SimOptions};
    let (plan, text) = generated_text(initiatives, months, seed)?;
    if let Some(path) = keep {
        std::fs::write(path, &text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let opts = SimOptions {
        trials,
        seed,
        shape: Shape::Pert,
    };
    let never = sextant_roadmap::Stop::never();
    // `sextant simulate`'s own search: its defaults.
    let req = sextant_ops::RoadmapRequest::default();
    let dir = std::env::temp_dir().join(format!("sextant-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = Cache::at(dir.clone());
    let end_to_end = || -> anyhow::Result<(f64, Source, sextant_ops::RoadmapReport, String)> {
        let t = Instant::now();
        let (report, from) = roadmap_cache::roadmap(&plan, &req, &cache);
        let sim = sextant_ops::simulate_roadmap(&plan, &report.roadmap, &opts, &never, &|_| {})
            .ok_or_else(|| anyhow::anyhow!("the roadmap is {}", report.roadmap.status.label()))?;
        let secs = t.elapsed().as_secs_f64();
        Ok((secs, from, report, serde_json::to_string(&sim)?))
    };
    let cold = end_to_end();
    let warm = end_to_end();
    let _ = std::fs::remove_dir_all(&dir);
    let (cold, cold_from, report, cold_json) = cold?;
    let (warm, warm_from, _, warm_json) = warm?;
    let r = &report.roadmap;
    let risks = plan
        .doc()
        .risks
        .iter()
        .filter(|r| r.probability.is_some())
        .count();
    println!(
        "plan: {initiatives} initiatives ({} scheduled), {months} months, {risks} quantified risks; {trials} trials",
        r.schedule.len()
    );
    println!(
        "roadmap: {} in {:.3} s (gap {})",
        r.status.label(),
        r.solve_seconds,
        r.gap.map_or("-".into(), |g| format!("{:.3}%", g * 100.0))
    );
    println!(
        "{:<40} {:>10} {:>10}",
        "simulate, end to end", "seconds", "speed-up"
    );
    println!(
        "{:<40} {:>10.3} {:>10.2}",
        "baseline: cold (search + trials)", cold, 1.0
    );
    println!(
        "{:<40} {:>10.3} {:>10.2}",
        "warm (kept roadmap checked + trials)",
        warm,
        cold / warm.max(1e-9)
    );
    println!(
        "cold {}, warm {}; same numbers cold and warm: {}",
        match cold_from {
            Source::Search => "searched",
            Source::Cache => "FROM THE CACHE",
        },
        match warm_from {
            Source::Cache => "from the cache",
            Source::Search => "SEARCHED AGAIN",
        },
        if cold_json == warm_json { "yes" } else { "NO" }
    );
    let run = |threads: usize| -> anyhow::Result<(f64, String)> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let t = Instant::now();
        let sim = pool
            .install(|| sextant_ops::simulate_roadmap(&plan, r, &opts, &never, &|_| {}))
            .ok_or_else(|| anyhow::anyhow!("no schedule"))?;
        Ok((t.elapsed().as_secs_f64(), serde_json::to_string(&sim)?))
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (one, a) = run(1)?;
    let (all, b) = run(cores)?;
    println!(
        "{:<40} {:>10} {:>16} {:>10}",
        "Monte Carlo alone", "seconds", "trials/s", "speed-up"
    );
    println!(
        "{:<40} {:>10.3} {:>16.0} {:>10.2}",
        "baseline: 1 thread",
        one,
        trials as f64 / one,
        1.0
    );
    println!(
        "{:<40} {:>10.3} {:>16.0} {:>10.2}",
        format!("{cores} threads"),
        all,
        trials as f64 / all,
        one / all.max(1e-9)
    );
    println!(
        "same numbers on 1 and {cores} threads: {}",
        if a == b { "yes" } else { "NO" }
    );
    let p = sextant_roadmap::simulate::pert_draw_times(7_000_000, seed);
    println!(
        "{:<40} {:>10} {:>16} {:>10}",
        "PERT draws (7 shapes, 1 thread)", "seconds", "ns a draw", "speed-up"
    );
    let ns = |s: f64| s * 1e9 / p.draws as f64;
    println!(
        "{:<40} {:>10.3} {:>16.1} {:>10.2}",
        "baseline: rand_distr's Pert (Cheng)",
        p.baseline_seconds,
        ns(p.baseline_seconds),
        1.0
    );
    println!(
        "{:<40} {:>10.3} {:>16.1} {:>10.2}",
        "the table a simulation draws from",
        p.table_seconds,
        ns(p.table_seconds),
        p.baseline_seconds / p.table_seconds.max(1e-9)
    );
    println!(
        "means of the two within 4 standard errors: {} (worst {:.2})",
        if p.worst_mean_gap < 4.0 { "yes" } else { "NO" },
        p.worst_mean_gap
    );
    Ok(ExitCode::SUCCESS)
}
