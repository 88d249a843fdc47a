//! `sextant roadmap`, `sextant simulate` and `sextant compare`: argument handling and the text
//! reports (a Gantt by month, tables); JSON is the library's structures as they are.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use sextant_core::Plan;
use sextant_roadmap::Objective;
use sextant_roadmap::report::{FrontierPoint, Roadmap};
use sextant_roadmap::scenario::{self, Comparison};
use sextant_roadmap::simulate::{self, Shape, SimOptions, Simulation};
use sextant_roadmap::solve::{Options, SolveStatus};

use sextant_core::unit::percent;

use crate::render::{money, pct};
use crate::table::Table;

/// Output format of the planning commands.
#[derive(Clone, Copy, ValueEnum)]
pub enum OutFormat {
    /// A readable report.
    Text,
    /// JSON for scripts.
    Json,
}

/// What the optimiser maximises.
#[derive(Clone, Copy, ValueEnum)]
pub enum ObjectiveArg {
    /// Net present value of the portfolio.
    Npv,
    /// Alignment with the goals, weighted by time in use.
    Alignment,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Npv => Objective::Npv,
            ObjectiveArg::Alignment => Objective::Alignment,
        }
    }
}

/// Settings shared by the commands that optimise.
#[derive(Args)]
pub struct SolveArgs {
    /// What to maximise.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Npv)]
    objective: ObjectiveArg,
    /// Stop searching after this many seconds (above 0, at most 86400) and report how far
    /// from the best possible the schedule may be.
    #[arg(long, default_value_t = 10.0, value_parser = positive_seconds)]
    time_limit: f64,
    /// Relative gap (0 to 1) at which a schedule counts as optimal.
    #[arg(long, default_value_t = 1e-4, value_parser = gap_fraction)]
    gap: f64,
}

/// The longest search `--time-limit` allows: a day.
pub const MAX_TIME_LIMIT: f64 = 86_400.0;

/// Reads an option's number, refusing one outside what `ok` accepts with `expected` and what
/// was found (a usage error naming the bound).
fn bounded<T: std::str::FromStr>(
    s: &str,
    ok: impl Fn(&T) -> bool,
    expected: String,
) -> Result<T, String> {
    match s.trim().parse::<T>() {
        Ok(v) if ok(&v) => Ok(v),
        _ => Err(format!("{expected}, found `{s}`")),
    }
}

/// Reads `--time-limit`: seconds above 0 and at most [`MAX_TIME_LIMIT`].
pub(crate) fn positive_seconds(s: &str) -> Result<f64, String> {
    bounded(
        s,
        |v: &f64| *v > 0.0 && *v <= MAX_TIME_LIMIT,
        format!("expected a number of seconds above 0 and at most {MAX_TIME_LIMIT} (a day)"),
    )
}

/// Reads `--gap`: a fraction from 0 to 1.
fn gap_fraction(s: &str) -> Result<f64, String> {
    bounded(
        s,
        |v: &f64| (0.0..=1.0).contains(v),
        "expected a fraction from 0 to 1".into(),
    )
}

/// The most budget levels `--frontier` computes.
pub const MAX_FRONTIER_LEVELS: usize = 50;

/// Reads `--frontier`: 2 to [`MAX_FRONTIER_LEVELS`] budget levels.
fn frontier_levels(s: &str) -> Result<usize, String> {
    bounded(
        s,
        |v: &usize| (2..=MAX_FRONTIER_LEVELS).contains(v),
        format!("expected 2 to {MAX_FRONTIER_LEVELS} budget levels"),
    )
}

/// The most trials `sextant simulate` runs (each keeps two figures in memory).
pub const MAX_TRIALS: usize = 10_000_000;

/// Reads `--trials`: 1 to [`MAX_TRIALS`].
fn trial_count(s: &str) -> Result<usize, String> {
    bounded(
        s,
        |v: &usize| (1..=MAX_TRIALS).contains(v),
        format!("expected 1 to {MAX_TRIALS} trials"),
    )
}

/// Reads `--budget-factor`: a finite number, 0 or more, at most 100.
pub(crate) fn budget_factor(s: &str) -> Result<f64, String> {
    bounded(
        s,
        |v: &f64| (0.0..=100.0).contains(v),
        "expected a number from 0 to 100".into(),
    )
}

/// The roadmap cache's switch, for the commands that search the plan's roadmap.
#[derive(Args)]
pub struct CacheArgs {
    /// Search the roadmap again rather than reuse the one kept for the same plan and options
    /// (in `$SEXTANT_CACHE_DIR`, else `$XDG_CACHE_HOME/sextant`, else `~/.cache/sextant`),
    /// and keep nothing.
    #[arg(long)]
    no_cache: bool,
}

impl CacheArgs {
    /// The cache these arguments ask for.
    pub fn cache(&self) -> crate::roadmap_cache::Cache {
        crate::roadmap_cache::Cache::new(self.no_cache)
    }
}

impl SolveArgs {
    fn options(&self) -> Options {
        Options {
            time_limit: Duration::from_secs_f64(self.time_limit),
            gap: self.gap.max(0.0),
            ..Options::default()
        }
    }
}

/// `sextant roadmap` arguments.
#[derive(Args)]
pub struct RoadmapArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    #[command(flatten)]
    solve: SolveArgs,
    /// Multiply every budget by this factor first (0.8 is a 20% cut; 0 to 100).
    #[arg(long, default_value_t = 1.0, value_parser = budget_factor)]
    budget_factor: f64,
    /// Also compute the efficient frontier at this many budget levels (2 to 50; 10 or more is
    /// usual), plus the plan's own budget.
    #[arg(long, value_name = "LEVELS", value_parser = frontier_levels)]
    frontier: Option<usize>,
    #[command(flatten)]
    cache: CacheArgs,
}

/// `sextant simulate` arguments.
#[derive(Args)]
pub struct SimulateArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    /// Number of trials (1 to 10,000,000).
    #[arg(long, default_value_t = 10_000, value_parser = trial_count)]
    trials: usize,
    /// Seed; the same seed gives the same numbers on any machine and thread count.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Distribution of three-point estimates.
    #[arg(long, value_enum, default_value_t = ShapeArg::Pert)]
    distribution: ShapeArg,
    /// Which schedule to simulate: the optimised roadmap, or the plan's own starts (pinned
    /// months, month 0 otherwise).
    #[arg(long, value_enum, default_value_t = ScheduleArg::Optimised)]
    schedule: ScheduleArg,
    /// Simulate this roadmap (the JSON of `sextant roadmap --format json`) rather than the
    /// one searched for or kept for the plan; it must fit the plan (its initiatives, durations
    /// and constraints, checked).
    #[arg(long, value_name = "FILE", conflicts_with = "schedule")]
    roadmap: Option<PathBuf>,
    #[command(flatten)]
    solve: SolveArgs,
    #[command(flatten)]
    cache: CacheArgs,
}

/// `sextant compare` arguments.
#[derive(Args)]
pub struct CompareArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    #[command(flatten)]
    solve: SolveArgs,
}

/// Distribution of three-point estimates.
#[derive(Clone, Copy, ValueEnum)]
pub enum ShapeArg {
    /// PERT (beta), weighted towards the likely value.
    Pert,
    /// Triangular.
    Triangular,
}

/// Which schedule a simulation uses.
#[derive(Clone, Copy, ValueEnum)]
pub enum ScheduleArg {
    /// The optimised roadmap.
    Optimised,
    /// The plan's own starts.
    Plan,
}

fn bold(s: &str, colour: bool) -> String {
    if colour {
        let st = anstyle::Style::new().bold();
        format!("{st}{s}{st:#}")
    } else {
        s.to_string()
    }
}

/// Runs `sextant roadmap`.
pub fn roadmap(args: RoadmapArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    let req = sextant_ops::RoadmapRequest {
        objective: args.solve.objective.into(),
        options: args.solve.options(),
        budget_factor: args.budget_factor,
        frontier: args.frontier,
    };
    let (report, _) = crate::roadmap_cache::roadmap(&plan, &req, &args.cache.cache());
    let r = &report.roadmap;
    let mut out = anstream::stdout();
    match args.format {
        OutFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        OutFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", roadmap_text(&plan, r, colour))?;
            if let Some(f) = &report.frontier {
                write!(out, "{}", frontier_text(&r.currency, f, colour))?;
            }
        }
    }
    Ok(match r.status {
        SolveStatus::Infeasible | SolveStatus::Unknown => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// How the baseline compares with the optimum, where the optimum is known: proven optimal,
/// or bounded from above (the baseline is then at least its share of the bound). Nothing for a
/// schedule whose quality is unproven or an objective of 0 or less.
fn baseline_share(
    status: SolveStatus,
    objective: f64,
    bound: Option<f64>,
    baseline: f64,
) -> String {
    match (status, bound) {
        (SolveStatus::Optimal, _) if objective > 1e-9 && baseline >= 0.0 => {
            format!(" ({} of the optimum)", pct(baseline / objective))
        }
        (SolveStatus::Feasible, Some(bound)) if bound > 1e-9 && baseline >= 0.0 => {
            format!(" (at least {} of the optimum)", pct(baseline / bound))
        }
        _ => String::new(),
    }
}

fn roadmap_text(plan: &Plan, r: &Roadmap, colour: bool) -> String {
    let mut s = String::new();
    let org = &plan.doc().organization;
    let what = match r.objective_kind {
        Objective::Npv => "NPV",
        Objective::Alignment => "alignment",
    };
    let _ = writeln!(
        s,
        "{}",
        bold(
            &format!(
                "Roadmap for {}: {} ({what} objective, {:.2} s)",
                org.name,
                r.status.label(),
                r.solve_seconds
            ),
            colour
        )
    );
    if r.status == SolveStatus::Infeasible {
        let _ = writeln!(s, "\nNo schedule meets every constraint.");
        if r.infeasible_because.is_empty() {
            let _ = writeln!(
                s,
                "Relaxing any one family of constraints alone does not help: several conflict."
            );
        } else {
            let _ = writeln!(s, "It becomes feasible by relaxing any one of:");
            for c in &r.infeasible_because {
                let _ = writeln!(s, "  - {}", c.description);
            }
        }
        return s;
    }
    let val = |v: f64| match r.objective_kind {
        Objective::Npv => format!("{} {}", r.currency, money(v)),
        Objective::Alignment => format!("{v:.1} points"),
    };
    let _ = writeln!(
        s,
        "Objective: {}   bound: {}   gap: {}",
        val(r.objective),
        r.bound.map_or("-".into(), val),
        r.gap.map_or("-".into(), |g| percent(g, 2))
    );
    let _ = writeln!(
        s,
        "NPV at {}: {} {}",
        r.months.first().map_or("", String::as_str),
        r.currency,
        money(r.npv)
    );
    if let Some(b) = r.baseline_objective {
        let share = baseline_share(r.status, r.objective, r.bound, b);
        let _ = writeln!(
            s,
            "Rank by value per dollar, each at its earliest month: {}{share}",
            val(b)
        );
    }
    if let (Some(own), Some(own_npv)) = (r.own_order_objective, r.own_order_npv) {
        let gain = r.npv - own_npv;
        let words = if gain.abs() < 0.005 {
            "the same as this roadmap".to_string()
        } else if gain > 0.0 {
            format!("this roadmap earns {} {} more", r.currency, money(gain))
        } else {
            format!(
                "it earns {} {} more than this roadmap",
                r.currency,
                money(-gain)
            )
        };
        let value = match r.objective_kind {
            Objective::Npv => val(own),
            Objective::Alignment => format!("{}, NPV {} {}", val(own), r.currency, money(own_npv)),
        };
        let _ = writeln!(
            s,
            "Your own order (the phases one after another): {value}; {words}"
        );
    }
    // Gantt.
    let t = r.months.len();
    let wide = t <= 36;
    let cell = if wide { 2 } else { 1 };
    let idw = r
        .schedule
        .iter()
        .map(|x| x.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(10);
    let lead = idw + 2 + 7 + 2;
    let mut years = " ".repeat(lead);
    let mut months = " ".repeat(lead);
    for (k, m) in r.months.iter().enumerate() {
        let (y, mm) = m.split_once('-').unwrap_or((m.as_str(), ""));
        if k == 0 || mm == "01" {
            let target = lead + k * cell;
            while years.chars().count() < target {
                years.push(' ');
            }
            years.push_str(y);
        }
        let letter = match mm {
            "01" => 'J',
            "02" => 'F',
            "03" => 'M',
            "04" => 'A',
            "05" => 'M',
            "06" => 'J',
            "07" => 'J',
            "08" => 'A',
            "09" => 'S',
            "10" => 'O',
            "11" => 'N',
            _ => 'D',
        };
        months.push(letter);
        if wide {
            months.push(' ');
        }
    }
    let _ = writeln!(s, "\n{}", bold("Schedule", colour));
    let _ = writeln!(s, "{}", years.trim_end());
    let _ = writeln!(s, "{}", months.trim_end());
    let mut phases: Vec<Option<String>> = Vec::new();
    for x in &r.schedule {
        if !phases.contains(&x.phase) {
            phases.push(x.phase.clone());
        }
    }
    phases.sort_by_key(|p| p.is_none());
    for phase in &phases {
        if phases.len() > 1 || phase.is_some() {
            let _ = writeln!(s, "{}", phase.as_deref().unwrap_or("(no phase)"));
        }
        for x in r.schedule.iter().filter(|x| &x.phase == phase) {
            let mut bar = String::new();
            for k in 0..t as u32 {
                let on = k >= x.start_month && k <= x.end_month;
                let c = if on { '█' } else { '·' };
                bar.push(c);
                if wide {
                    bar.push(if on && k < x.end_month { '█' } else { ' ' });
                }
            }
            let _ = writeln!(s, "{:<idw$}  {}  {}", x.id, x.start, bar.trim_end());
        }
    }
    let mut tbl = Table::new(&[
        "initiative",
        "start",
        "end",
        ">months",
        ">cost",
        ">NPV",
        ">alignment",
        "kind",
    ]);
    for x in &r.schedule {
        tbl.row(vec![
            match &x.done_by {
                Some(by) => format!("{} * (done by {by})", x.id),
                None => format!("{}{}", x.id, if x.mandatory { " *" } else { "" }),
            },
            x.start.clone(),
            x.end.clone(),
            x.duration_months.to_string(),
            money(x.cost),
            money(x.npv),
            format!("{:.0}", x.alignment_score),
            x.kind.to_string(),
        ]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "\n{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    if r.schedule.iter().any(|x| x.mandatory) {
        let _ = writeln!(s, "* mandatory");
        if r.schedule.iter().any(|x| x.done_by.is_some()) {
            let _ = writeln!(
                s,
                "  (a deadline, \"done by\", makes an initiative mandatory: it finishes by the end of that month)"
            );
        }
    }
    // Spend by period.
    let _ = writeln!(s, "\n{}", bold("Implementation spend by period", colour));
    let mut tbl = Table::new(&["period", ">spend", ">budget", ">left"]);
    for p in &r.spend_by_period {
        tbl.row(vec![
            p.period.clone(),
            money(p.spend),
            p.budget.map_or("-".into(), money),
            p.budget.map_or("-".into(), |b| money(b - p.spend)),
        ]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    // Load.
    s.push('\n');
    let peak_hours = r.hours_by_month.iter().copied().fold(0.0, f64::max);
    if let Some(k) = r.hours_by_month.iter().position(|&h| h == peak_hours)
        && peak_hours > 0.0
    {
        let peak = peak_hours;
        let _ = writeln!(
            s,
            "Staff hours: peak {:.0} a month in {}{}",
            peak,
            r.months[k],
            r.staff_hours_per_month
                .map_or(String::new(), |c| format!(" ({c:.0} available)"))
        );
    }
    let peak_running = r.running_by_month.iter().copied().max().unwrap_or(0);
    if let Some(k) = r.running_by_month.iter().position(|&n| n == peak_running) {
        let peak = peak_running;
        let _ = writeln!(
            s,
            "Under way at once: at most {peak}, first in {}{}",
            r.months[k],
            r.max_concurrent
                .map_or(String::new(), |c| format!(" (limit {c})"))
        );
    }
    if !r.excluded.is_empty() {
        let _ = writeln!(s, "\n{}", bold("Left out", colour));
        let mut tbl = Table::new(&["initiative", "reason", "why"]);
        for e in &r.excluded {
            tbl.row(vec![
                e.id.clone(),
                e.reason.label().to_string(),
                e.detail.clone(),
            ]);
        }
        let (h, rows) = tbl.text();
        let _ = writeln!(s, "{h}");
        for row in rows {
            let _ = writeln!(s, "{row}");
        }
    }
    s
}

fn frontier_text(currency: &str, f: &[FrontierPoint], colour: bool) -> String {
    let mut s = format!(
        "\n{}\n",
        bold(
            "Efficient frontier (best schedule at each budget level)",
            colour
        )
    );
    let mut tbl = Table::new(&[
        ">budget factor",
        ">budget",
        ">objective",
        ">NPV",
        ">spend",
        ">initiatives",
        "status",
    ]);
    for p in f {
        tbl.row(vec![
            format!(
                "{:.2}{}",
                p.budget_factor,
                if p.plan_budget { " (plan)" } else { "" }
            ),
            format!("{currency} {}", money(p.budget_total)),
            money(p.objective),
            money(p.npv),
            money(p.spend),
            p.initiatives.to_string(),
            p.status.label().to_string(),
        ]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    s
}

/// Runs `sextant simulate`.
pub fn simulate(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    let req = sextant_ops::SimulateRequest {
        objective: args.solve.objective.into(),
        schedule: match args.schedule {
            ScheduleArg::Optimised => simulate::Which::Optimised,
            ScheduleArg::Plan => simulate::Which::Plan,
        },
        options: args.solve.options(),
        trials: SimOptions {
            trials: args.trials,
            seed: args.seed,
            shape: match args.distribution {
                ShapeArg::Pert => Shape::Pert,
                ShapeArg::Triangular => Shape::Triangular,
            },
        },
    };
    let show = std::io::stderr().is_terminal() && args.trials >= 50_000;
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::new(args.trials as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} trials, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |done: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let simulated = match args.schedule {
        ScheduleArg::Plan => sextant_ops::simulate(&plan, &req, &|| true, &progress),
        ScheduleArg::Optimised => {
            // The roadmap `sextant roadmap` gives for the same plan and options (kept, or
            // searched), or the one named.
            let rreq = sextant_ops::RoadmapRequest {
                objective: req.objective,
                options: req.options.clone(),
                ..Default::default()
            };
            let report = match &args.roadmap {
                Some(file) => roadmap_from_file(&plan, &rreq, file, &args.file)?,
                None => crate::roadmap_cache::roadmap(&plan, &rreq, &args.cache.cache()).0,
            };
            match report.roadmap.status {
                SolveStatus::Optimal | SolveStatus::Feasible => sextant_ops::simulate_roadmap(
                    &plan,
                    &report.roadmap,
                    &req.trials,
                    &req.options.stop,
                    &progress,
                )
                .ok_or(sextant_ops::NotSimulated::Stopped),
                status => Err(sextant_ops::NotSimulated::NoSchedule(status)),
            }
        }
    };
    let sim = match simulated {
        Ok(sim) => sim,
        Err(sextant_ops::NotSimulated::NoSchedule(status)) => anyhow::bail!(
            "the roadmap is {}; simulate the plan's own schedule with --schedule plan, or see `sextant roadmap`",
            status.label()
        ),
        Err(sextant_ops::NotSimulated::Stopped) => anyhow::bail!("the simulation was stopped"),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut out = anstream::stdout();
    match args.format {
        OutFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&sim)?)?,
        OutFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", simulation_text(&plan, &sim, colour))?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The roadmap in `file` (the JSON of `sextant roadmap --format json`), refused with what was
/// expected and what was found when it cannot be read or does not fit the plan `plan_file`.
fn roadmap_from_file(
    plan: &Plan,
    req: &sextant_ops::RoadmapRequest,
    file: &std::path::Path,
    plan_file: &std::path::Path,
) -> anyhow::Result<sextant_ops::RoadmapReport> {
    let f = file.display();
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read the roadmap {f}: {e}"))?;
    let kept: sextant_ops::Kept = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{f}: expected the JSON of `sextant roadmap --format json`, found something else ({e})"
        )
    })?;
    sextant_ops::reuse_roadmap(plan, req, &kept, &|| true).map_err(|m| {
        anyhow::anyhow!(
            "{f} is not a roadmap of the plan {}: {m}",
            plan_file.display()
        )
    })
}

fn simulation_text(plan: &Plan, sim: &Simulation, colour: bool) -> String {
    let cur = &plan.doc().organization.currency;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        bold(
            &format!(
                "Monte Carlo: {} trials, seed {}, {} estimates",
                sim.trials,
                sim.seed,
                match sim.distribution {
                    Shape::Pert => "PERT",
                    Shape::Triangular => "triangular",
                }
            ),
            colour
        )
    );
    let _ = writeln!(
        s,
        "Portfolio NPV with every estimate at its likely value and no risk occurring: {cur} {}",
        money(sim.deterministic_npv)
    );
    let mut tbl = Table::new(&["", ">mean", ">P5", ">P10", ">P50", ">P90", ">P95"]);
    for (name, x) in [("NPV", &sim.npv), ("spend", &sim.spend)] {
        tbl.row(vec![
            name.to_string(),
            money(x.mean),
            money(x.p5),
            money(x.p10),
            money(x.p50),
            money(x.p90),
            money(x.p95),
        ]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "\n{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    let _ = writeln!(
        s,
        "\nChance of losing money (NPV < 0): {}",
        percent(sim.p_npv_negative, 1)
    );
    let _ = writeln!(
        s,
        "Chance of overrunning some period's budget: {}",
        percent(sim.p_over_budget, 1)
    );
    for o in sim
        .over_budget_by_period
        .iter()
        .filter(|o| o.probability > 0.0)
    {
        let _ = writeln!(s, "  {}: {}", o.period, percent(o.probability, 1));
    }
    let month = |k: u32| plan.month_at(k as i32).to_string();
    let _ = writeln!(s, "\n{}", bold("When each initiative finishes", colour));
    let mut tbl = Table::new(&["initiative", "planned", "P10", "P50", "P90", ">in horizon"]);
    for c in &sim.completion {
        tbl.row(vec![
            c.id.clone(),
            month(c.planned_end_month),
            month(c.p10),
            month(c.p50),
            month(c.p90),
            pct(c.p_within_horizon),
        ]);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    if !sim.tornado.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            bold(
                "What moves NPV most (one input at a time, low to high)",
                colour
            )
        );
        let mut tbl = Table::new(&["input", ">NPV at low", ">NPV at high", ">swing"]);
        for b in &sim.tornado {
            tbl.row(vec![
                b.input.clone(),
                money(b.npv_low),
                money(b.npv_high),
                money(b.swing),
            ]);
        }
        let (h, rows) = tbl.text();
        let _ = writeln!(s, "{h}");
        for row in rows {
            let _ = writeln!(s, "{row}");
        }
    }
    s
}

/// Runs `sextant compare`.
pub fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    let c = sextant_ops::compare(&plan, args.solve.objective.into(), &args.solve.options());
    let mut out = anstream::stdout();
    match args.format {
        OutFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&c)?)?,
        OutFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", comparison_text(&plan, &c, colour))?
        }
    }
    // Like `sextant roadmap`: no base schedule, no answer to compare against.
    Ok(match c.cases.first().map(|b| b.status) {
        Some(SolveStatus::Infeasible | SolveStatus::Unknown) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

fn comparison_text(plan: &Plan, c: &Comparison, colour: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        bold(
            &format!(
                "Scenarios of {} beside the base case",
                plan.doc().organization.name
            ),
            colour
        )
    );
    if c.cases.len() == 1 {
        let _ = writeln!(
            s,
            "The plan has no `scenarios`; add for example\n  scenarios:\n    - {{name: budget cut, budget_factor: 0.8}}\n    - {{name: overrun, cost_factor: 1.25}}"
        );
    }
    let mut headers = vec!["".to_string()];
    headers.extend(c.cases.iter().map(|x| format!(">{}", x.name)));
    let hdr: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut tbl = Table::new(&hdr);
    let row = |label: &str, f: &dyn Fn(&scenario::Case) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(c.cases.iter().map(f));
        r
    };
    tbl.row(row("budget x", &|x| format!("{:.2}", x.budget_factor)));
    tbl.row(row("costs x", &|x| format!("{:.2}", x.cost_factor)));
    tbl.row(row("benefits x", &|x| format!("{:.2}", x.benefit_factor)));
    tbl.row(row("delays", &|x| {
        if x.delays.is_empty() {
            "-".into()
        } else {
            x.delays
                .iter()
                .map(|(k, v)| format!("{k} +{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }));
    tbl.row(row("status", &|x| x.status.label().to_string()));
    tbl.row(row(&format!("NPV ({})", c.currency), &|x| money(x.npv)));
    tbl.row(row("spend", &|x| money(x.spend)));
    tbl.row(row("initiatives", &|x| x.initiatives.to_string()));
    tbl.row(row("base schedule NPV", &|x| money(x.base_schedule_npv)));
    tbl.row(row("base schedule fits", &|x| {
        if x.base_schedule_feasible {
            "yes"
        } else {
            "no"
        }
        .to_string()
    }));
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "\n{h}");
    for r in rows {
        let _ = writeln!(s, "{r}");
    }
    if let Some(base) = c.cases.first()
        && matches!(base.status, SolveStatus::Infeasible | SolveStatus::Unknown)
    {
        let _ = writeln!(
            s,
            "\nThe base case has no schedule ({}): see `sextant roadmap` for why.",
            base.status.label()
        );
    }
    for x in c.cases.iter().skip(1) {
        if !x.dropped.is_empty() || !x.added.is_empty() {
            let _ = writeln!(
                s,
                "\n{}: drops {}; adds {}",
                x.name,
                if x.dropped.is_empty() {
                    "nothing".into()
                } else {
                    x.dropped.join(", ")
                },
                if x.added.is_empty() {
                    "nothing".into()
                } else {
                    x.added.join(", ")
                }
            );
            for e in &x.dropped_because {
                let _ = writeln!(s, "  {} dropped ({}): {}", e.id, e.reason.label(), e.detail);
            }
            if x.dropped_because.is_empty() && !x.dropped.is_empty() {
                let _ = writeln!(
                    s,
                    "  every initiative is dropped: the scenario has no schedule ({})",
                    x.status.label()
                );
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_of_the_optimum_needs_a_proven_bound() {
        assert_eq!(
            baseline_share(SolveStatus::Optimal, 3000.0, Some(3000.0), 2010.0),
            " (67% of the optimum)"
        );
        // Stopped by the time limit: the share of the bound is proven, the share of the
        // schedule found is not.
        assert_eq!(
            baseline_share(SolveStatus::Feasible, 3000.0, Some(4000.0), 2000.0),
            " (at least 50% of the optimum)"
        );
        assert_eq!(
            baseline_share(SolveStatus::Feasible, 3000.0, None, 2000.0),
            ""
        );
        assert_eq!(baseline_share(SolveStatus::Unknown, 0.0, None, 2000.0), "");
        assert_eq!(
            baseline_share(SolveStatus::Optimal, -10.0, Some(-10.0), -20.0),
            ""
        );
    }
}

/// Output format of `sextant suggest`.
#[derive(Clone, Copy, ValueEnum)]
pub enum SuggestFormat {
    /// A readable list.
    Text,
    /// JSON for scripts: `[{answers, why, initiative}]`.
    Json,
    /// The initiatives as plan-file entries, each with why as a comment, to paste under
    /// `initiatives:`.
    Yaml,
}

/// Options of `sextant suggest`.
#[derive(Args)]
pub struct SuggestArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SuggestFormat::Text)]
    format: SuggestFormat,
}

/// `sextant suggest`: initiatives for the goals nothing serves and for the plan's gaps.
pub fn suggest(args: SuggestArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    let s = sextant_core::suggest::suggest(&plan);
    let mut out = anstream::stdout();
    match args.format {
        SuggestFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?,
        SuggestFormat::Yaml => write!(out, "{}", suggestions_yaml(&s))?,
        SuggestFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", suggestions_text(&plan, &s, colour))?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The suggestions as entries of `initiatives:` (JSON objects are YAML flow mappings).
fn suggestions_yaml(s: &[sextant_core::suggest::Suggestion]) -> String {
    let mut y = String::from(
        "# Suggested by `sextant suggest`: paste the ones you want under `initiatives:` and correct\n# their figures (starting points, not quotes).\n",
    );
    for x in s {
        for line in wrap(&x.why, 96) {
            let _ = writeln!(y, "  # {line}");
        }
        let _ = writeln!(y, "  - {}", flow(&x.initiative));
    }
    y
}

/// A JSON value as a YAML flow node, an initiative's fields in the order the plan format
/// documents them (JSON text is YAML; only the order is chosen here).
pub(crate) fn flow(v: &serde_json::Value) -> String {
    const ORDER: [&str; 16] = [
        "id",
        "title",
        "description",
        "kind",
        "duration_months",
        "one_time_cost",
        "recurring_cost_annual",
        "effort_hours_per_month",
        "replaces",
        "benefits",
        "contributes",
        "low",
        "likely",
        "high",
        "annual",
        "goal",
    ];
    match v {
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort_by_key(|k| ORDER.iter().position(|x| x == k).unwrap_or(ORDER.len()));
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}: {}", flow_key(k), flow(&o[k])))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        serde_json::Value::Array(a) => {
            format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", "))
        }
        v => v.to_string(),
    }
}

/// A mapping key as YAML reads it back: plain when it is made of letters, digits, `_`, `-`
/// and `.` only (and does not start with `-`), quoted otherwise (a goal id typed on the
/// command line may hold anything, `}` and `,` included).
fn flow_key(k: &str) -> String {
    let plain = !k.is_empty()
        && !k.starts_with(['-', '.'])
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        k.to_string()
    } else {
        serde_json::Value::from(k).to_string()
    }
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("a line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn suggestions_text(plan: &Plan, s: &[sextant_core::suggest::Suggestion], colour: bool) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}",
        bold(
            &format!(
                "Changes suggested for {} from its goals and gaps",
                plan.doc().organization.name
            ),
            colour
        )
    );
    if s.is_empty() {
        let _ = writeln!(
            t,
            "Nothing to suggest: every goal has a change serving it, and no system, hand-typed flow or silo waits for one."
        );
        return t;
    }
    let amount = |v: &serde_json::Value| -> String {
        match v {
            serde_json::Value::Object(o) => format!(
                "{} (from {} to {})",
                money(o["likely"].as_f64().unwrap_or_default()),
                money(o["low"].as_f64().unwrap_or_default()),
                money(o["high"].as_f64().unwrap_or_default())
            ),
            v => money(v.as_f64().unwrap_or_default()),
        }
    };
    for x in s {
        let i = &x.initiative;
        let _ = writeln!(t, "\n{}  {}", bold(x.id(), colour), x.title());
        for line in wrap(&x.why, 92) {
            let _ = writeln!(t, "    {line}");
        }
        let months = i["duration_months"].as_u64().unwrap_or(1);
        let _ = writeln!(
            t,
            "    one-time {}, {} a year, {} month{}, {} staff hours a month",
            amount(&i["one_time_cost"]),
            money(i["recurring_cost_annual"].as_f64().unwrap_or_default()),
            months,
            if months == 1 { "" } else { "s" },
            i["effort_hours_per_month"].as_u64().unwrap_or_default()
        );
    }
    let _ = writeln!(
        t,
        "\nThe figures are starting points. `sextant suggest FILE --format yaml` writes these as plan entries to paste under `initiatives:`."
    );
    t
}

/// Output format of `sextant budget`.
#[derive(Clone, Copy, ValueEnum)]
pub enum BudgetFormat {
    /// Readable tables.
    Text,
    /// JSON for scripts.
    Json,
    /// CSV, one row per period (years, then quarters), for a spreadsheet.
    Csv,
}

/// Options of `sextant budget`.
#[derive(Args)]
pub struct BudgetArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Fiscal years to cover, from the one the plan starts in (1 to 10).
    #[arg(long, default_value_t = 3, value_parser = budget_years)]
    years: u32,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = BudgetFormat::Text)]
    format: BudgetFormat,
    /// An asset list (CSV or XLSX, as `sextant assets` reads): its replacements falling due
    /// are counted, those the scheduled hardware refresh pays for left out.
    #[arg(long)]
    assets: Option<PathBuf>,
    /// With `--assets`: the day to judge them on, `YYYY-MM-DD` (default: today).
    #[arg(long, requires = "assets", value_parser = crate::asset_cmds::day)]
    today: Option<sextant_core::model::Date>,
    #[command(flatten)]
    solve: SolveArgs,
    #[command(flatten)]
    cache: CacheArgs,
}

pub(crate) fn budget_years(s: &str) -> Result<u32, String> {
    bounded(
        s,
        |y: &u32| (1..=10).contains(y),
        "expected 1 to 10 years".into(),
    )
}

/// The replacements falling due of the asset list at `assets` (none without one), judged on
/// `today` (default: today), those the `roadmap`'s hardware refresh pays for left out: what
/// `sextant budget` and `sextant report --format xlsx` count.
pub(crate) fn replacements_from(
    plan: &sextant_core::Plan,
    roadmap: &sextant_roadmap::report::Roadmap,
    assets: Option<&std::path::Path>,
    today: Option<sextant_core::model::Date>,
    years: u32,
) -> anyhow::Result<Vec<(sextant_core::model::Month, f64)>> {
    let Some(path) = assets else {
        return Ok(Vec::new());
    };
    let (list, _) = sextant_ingest::assets::read_assets(
        sextant_ingest::Source::path(path),
        &sextant_ingest::Options::default(),
    )
    .map_err(|e| crate::InvalidInput(format!("{}: {e}", path.display())))?;
    let org = &plan.doc().organization;
    let lc = sextant_core::asset::lifecycle(
        &list,
        &crate::asset_cmds::table(None)?,
        &org.lifecycle.clone().unwrap_or_default(),
        today.unwrap_or_else(crate::asset_cmds::today),
        org.fiscal_year_start,
        years,
    );
    Ok(sextant_ops::budget::replacements(plan, roadmap, &lc))
}

/// `sextant budget`: what technology costs by fiscal year and quarter on the optimised roadmap.
pub fn budget(args: BudgetArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    let req = sextant_ops::RoadmapRequest {
        objective: args.solve.objective.into(),
        options: args.solve.options(),
        ..Default::default()
    };
    let (report, _) = crate::roadmap_cache::roadmap(&plan, &req, &args.cache.cache());
    let due = replacements_from(
        &plan,
        &report.roadmap,
        args.assets.as_deref(),
        args.today,
        args.years,
    )?;
    let b = sextant_ops::budget::budget(&plan, &report.roadmap, args.years, &due);
    let mut out = anstream::stdout();
    match args.format {
        BudgetFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&b)?)?,
        BudgetFormat::Csv => write!(out, "{}", sextant_ops::budget::csv(&b))?,
        BudgetFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", budget_text(&plan, &b, colour))?
        }
    }
    Ok(match report.roadmap.status {
        SolveStatus::Infeasible | SolveStatus::Unknown => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

fn budget_text(plan: &Plan, b: &sextant_ops::budget::Budget, colour: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        bold(
            &format!(
                "Technology budget of {} by fiscal year ({}; roadmap {})",
                plan.doc().organization.name,
                b.currency,
                b.status.label()
            ),
            colour
        )
    );
    let table = |rows: &[sextant_ops::budget::BudgetRow]| {
        let mut t = Table::new(&[
            "period",
            ">systems",
            ">one-time",
            ">recurring",
            ">replacements",
            ">capital",
            ">operating",
            ">total",
            ">budget",
            "status",
        ]);
        for r in rows {
            t.row(vec![
                r.period.clone(),
                money(r.systems),
                money(r.one_time),
                money(r.recurring),
                money(r.replacements),
                money(r.capital),
                money(r.operating),
                money(r.total),
                r.budget.map_or("-".into(), money),
                if r.over_budget { "over budget" } else { "" }.to_string(),
            ]);
        }
        let (h, lines) = t.text();
        let mut o = format!("{h}\n");
        for l in lines {
            o.push_str(&l);
            o.push('\n');
        }
        o
    };
    s.push_str(&table(&b.years));
    let _ = writeln!(s, "\nBy quarter");
    s.push_str(&table(&b.quarters));
    if !b.retired.is_empty() {
        let _ = writeln!(s, "\nSystems retired by the roadmap");
        for r in &b.retired {
            let _ = writeln!(
                s,
                "  {} from {} (replaced by {})",
                r.system, r.from, r.initiative
            );
        }
    }
    let _ = writeln!(
        s,
        "\nSystems and recurring costs are operating spend; one-time costs are capital. The budget covers one-time spend."
    );
    s
}
