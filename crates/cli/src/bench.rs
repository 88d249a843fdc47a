//! `sextant bench`: measures Sextant on generated plans. Machines here are shared and noisy, so
//! every figure is printed beside a baseline measured in the same run: for `analyze`, the time
//! to merely parse the same YAML text into a tree, the least any plan reader must do.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use sextant_core::synth::{Size, plan_yaml};

/// Benchmark arguments.
#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Read, check and analyse a generated plan.
    Analyze {
        /// Number of initiatives.
        #[arg(long, default_value_t = 1000)]
        initiatives: usize,
        /// Seed of the generated plan.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Repetitions; the median is reported.
        #[arg(long, default_value_t = 7)]
        repeat: usize,
    },
    /// Optimise the roadmap of a generated plan, beside HiGHS on the plain time-indexed model
    /// and the rank-and-schedule baseline; with `--profile tight`, over many seeds of the tight
    /// family, beside HiGHS on the plain and on the tight model, with a summary.
    Roadmap {
        /// Which generated plans: `loose` (`synth::plan_yaml`) or `tight` (the family of
        /// `synth::tight_plan_yaml`: 24 months, scarce staff, budget and concurrency).
        #[arg(long, value_enum, default_value_t = Profile::Loose)]
        profile: Profile,
        /// Number of initiatives.
        #[arg(long, default_value_t = 50)]
        initiatives: usize,
        /// Planning horizon in months (loose profile; the tight family has 24).
        #[arg(long, default_value_t = 24)]
        months: u32,
        /// Seed of the generated plan (the first one with `--seeds`).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many seeds, from `--seed` on, one plan each.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        seeds: u64,
        /// Time limit in seconds for the optimiser and for each HiGHS model [default: 60 for the
        /// loose profile, 10 (that of `sextant roadmap`) for the tight one].
        #[arg(long, value_parser = crate::plan_cmds::positive_seconds)]
        time_limit: Option<f64>,
        /// Skip the plain HiGHS model (it can take the whole time limit).
        #[arg(long)]
        no_plain: bool,
        /// Multiply the generated budgets (below 1 makes the instance tighter).
        #[arg(long, default_value_t = 1.0, value_parser = crate::plan_cmds::budget_factor)]
        budget_factor: f64,
    },
    /// Import generated orders and compute monthly KPIs; reading the CSV untyped is the baseline.
    Metrics {
        /// Number of order rows.
        #[arg(long, default_value_t = 1_000_000)]
        orders: u64,
        /// Number of distinct customers.
        #[arg(long, default_value_t = 100_000)]
        customers: u64,
        /// Seed of the generated data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep the generated file here instead of a temporary one.
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
    },
    /// Fit BG/NBD and Gamma-Gamma to simulated customers; one log-likelihood evaluation is the
    /// baseline.
    Clv {
        /// Number of customers.
        #[arg(long, default_value_t = 1_000_000)]
        customers: u32,
        /// Seed of the simulation.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The consultant's portfolio over many clients (the demo plan, generated assets and three
    /// assessments each), first view and cached, beside the portfolio of one client.
    Portfolio {
        /// Number of client organisations.
        #[arg(long, default_value_t = 200)]
        orgs: usize,
        /// Assets per client.
        #[arg(long, default_value_t = 500)]
        assets: usize,
    },
    /// The time to write each format of the review pack (HTML, XLSX, PDF, slides) for the demo
    /// and for a generated plan, beside the HTML report of the same plan.
    Pack {
        /// Initiatives of the generated plan.
        #[arg(long, default_value_t = 300)]
        initiatives: usize,
        /// Seed of the generated plan.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Runs of each format; the median is shown.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// `sextant simulate` on a generated plan, its roadmap searched against kept; then the
    /// Monte Carlo alone on every core against one.
    Simulate {
        /// Number of initiatives.
        #[arg(long, default_value_t = 50)]
        initiatives: usize,
        /// Planning horizon in months.
        #[arg(long, default_value_t = 60)]
        months: u32,
        /// Number of trials.
        #[arg(long, default_value_t = 100_000)]
        trials: usize,
        /// Seed of the generated plan and of the simulation.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the generated plan to this file (to time `sextant simulate` on it).
        #[arg(long, value_name = "FILE")]
        keep: Option<std::path::PathBuf>,
    },
}

/// The family of generated plans a roadmap benchmark runs on.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Profile {
    /// `synth::plan_yaml`: ample staff and concurrency, a nearly integral relaxation.
    Loose,
    /// `synth::tight_plan_yaml`: staff, budget and concurrency binding together.
    Tight,
}

/// The median time of `repeat` runs of `f` (at least one).
pub(crate) fn median(mut f: impl FnMut(), repeat: usize) -> Duration {
    let mut times: Vec<Duration> = (0..repeat.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs a benchmark.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        BenchWhat::Roadmap {
            profile: Profile::Loose,
            initiatives,
            months,
            seed,
            seeds,
            time_limit,
            no_plain,
            budget_factor,
        } => {
            let mut code = ExitCode::SUCCESS;
            for k in 0..seeds {
                if k > 0 {
                    println!();
                }
                code = crate::bench_roadmap::roadmap(
                    initiatives,
                    months,
                    seed + k,
                    time_limit.unwrap_or(60.0),
                    no_plain,
                    budget_factor,
                )?;
            }
            Ok(code)
        }
        BenchWhat::Roadmap {
            profile: Profile::Tight,
            initiatives,
            seed,
            seeds,
            time_limit,
            no_plain,
            budget_factor,
            ..
        } => crate::bench_roadmap::tight(
            initiatives,
            seed,
            seeds,
            time_limit.unwrap_or(10.0),
            no_plain,
            budget_factor,
        ),
        BenchWhat::Metrics {
            orders,
            customers,
            seed,
            keep,
        } => crate::bench_metrics::metrics(orders, customers, seed, keep),
        BenchWhat::Clv { customers, seed } => crate::bench_metrics::clv(customers, seed),
        BenchWhat::Pack {
            initiatives,
            seed,
            repeat,
        } => crate::bench_pack::pack(initiatives, seed, repeat),
        BenchWhat::Portfolio { orgs, assets } => crate::bench_portfolio::portfolio(orgs, assets),
        BenchWhat::Simulate {
            initiatives,
            months,
            trials,
            seed,
            keep,
        } => crate::bench_roadmap::simulate(initiatives, months, trials, seed, keep.as_deref()),
        BenchWhat::Analyze {
            initiatives,
            seed,
            repeat,
        } => {
            let size = Size::initiatives(initiatives);
            let text = plan_yaml(size, seed);
            let plan = sextant_core::load_plan("bench.yaml", &text)
                .map_err(|p| anyhow::anyhow!("generated plan is invalid: {p}"))?;
            let parse = median(
                || drop(black_box(sextant_core::source::parse("bench.yaml", &text))),
                repeat,
            );
            let load = median(
                || drop(black_box(sextant_core::load_plan("bench.yaml", &text))),
                repeat,
            );
            let analyze = median(|| drop(black_box(sextant_core::analyze(&plan))), repeat);
            let total = load + analyze;
            let ratio = |d: Duration| d.as_secs_f64() / parse.as_secs_f64().max(1e-9);
            println!(
                "plan: {} initiatives, {} goals, {} systems, {} months; {} KiB of YAML; median of {repeat}",
                size.initiatives,
                size.goals,
                size.systems,
                size.months,
                text.len() / 1024
            );
            println!("{:<34} {:>12} {:>10}", "stage", "time", "x parse");
            println!(
                "{:<34} {:>12} {:>10.2}",
                "baseline: parse YAML to a tree",
                ms(parse),
                1.0
            );
            println!(
                "{:<34} {:>12} {:>10.2}",
                "load (parse, decode, validate)",
                ms(load),
                ratio(load)
            );
            println!(
                "{:<34} {:>12} {:>10.2}",
                "analyze",
                ms(analyze),
                ratio(analyze)
            );
            println!(
                "{:<34} {:>12} {:>10.2}",
                "load + analyze",
                ms(total),
                ratio(total)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
