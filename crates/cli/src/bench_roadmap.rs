//! `sextant bench roadmap` and `sextant bench simulate`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use sextant_core::synth::{Size, plan_yaml};
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
    Ok(ExitCode::SUCCESS)
}
