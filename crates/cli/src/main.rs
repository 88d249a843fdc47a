//! The `sextant` command: a thin front door to `sextant-core`. It parses arguments, reads files,
//! calls the core and prints what it returns. Exit codes: 0 ok, 1 invalid input, 2 usage.

mod analytics_cmds;
mod assess_cmds;
mod asset_cmds;
mod bench;
mod bench_metrics;
mod bench_pack;
mod bench_portfolio;
mod bench_roadmap;
mod init;
mod metrics_cmds;
mod plan_cmds;
mod render;
mod report_cmd;
mod review_cmd;
mod roadmap_cache;
mod server_cmds;
mod summary_cmd;
mod table;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sextant_core::checks::Severity;

/// Strategic technology planning for small businesses: from goals and current systems to a
/// costed, aligned technology plan.
#[derive(Parser)]
#[command(name = "sextant", version, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 ok, 1 invalid input, 2 usage error.\nStart with `sextant init --industry retail -o plan.yaml`, then `sextant analyze plan.yaml`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a commented starter plan, from an industry template or by answering questions.
    Init(InitArgs),
    /// Check plan files and report every problem with its line and column.
    Validate(ValidateArgs),
    /// Analyse a plan: business cases, alignment, gaps, TIME, risks and health checks.
    Analyze(AnalyzeArgs),
    /// Optimise the roadmap: which initiatives, in what order and when, within the budgets,
    /// staff hours and limits; with the bound, the baseline and why each one left out is.
    Roadmap(plan_cmds::RoadmapArgs),
    /// Monte Carlo business cases: the spread of NPV and spend, the chance of losing money or
    /// overrunning a budget, completion months, and which input matters most.
    Simulate(plan_cmds::SimulateArgs),
    /// Re-optimise the plan under each of its scenarios, side by side with the base case.
    Compare(plan_cmds::CompareArgs),
    /// Suggest initiatives for the goals nothing serves and for the plan's gaps (systems to
    /// replace, data typed by hand, silos), as a list, JSON or plan entries to paste.
    Suggest(plan_cmds::SuggestArgs),
    /// What technology costs by fiscal year and quarter on the optimised roadmap: the current
    /// systems until retired, the initiatives' one-time and recurring costs, capital and
    /// operating, against the plan's budgets.
    Budget(plan_cmds::BudgetArgs),
    /// List the standards a business can be assessed against: shipped (NIST CSF 2.0, CISA
    /// CPGs, Essential Eight) and your own.
    Standards(assess_cmds::StandardsArgs),
    /// Assess a business against a standard: a blank answers file to start from (`--start`),
    /// the answers scored by section and overall, and the remedies as initiatives.
    Assess(assess_cmds::AssessArgs),
    /// Read an asset list (CSV or XLSX from an RMM or PSA tool, Intune or a spreadsheet): what
    /// is out of warranty or support or soon, the replacement forecast by fiscal quarter and
    /// year, and the hardware refresh initiative (`--refresh`).
    Assets(asset_cmds::AssetsArgs),
    /// The agenda of the next review: when it is due, the actions still open (carried over
    /// until done), the last decisions, the KPIs that moved, the goals off track, new
    /// assessments and the devices going out of support.
    Review(review_cmd::ReviewArgs),
    /// The executive summary in the owner's words: what the plan does for each goal, what it
    /// costs this year and next, the chance it loses money, the decisions asked of the owner,
    /// what changed since the last review and what is at risk.
    Summary(summary_cmd::SummaryArgs),
    /// Write the plan report: one standalone, printable HTML file with the executive summary,
    /// goals, roadmap, business cases, systems, risks and health checks, with charts; or the
    /// budget workbook (XLSX).
    Report(report_cmd::ReportArgs),
    /// Import business data (orders, marketing spend, web sessions, incidents, surveys, usage,
    /// processes) from CSV or XLSX and print the metric catalogue by period.
    Metrics(metrics_cmds::MetricsArgs),
    /// Forecast a KPI series (CSV: period, value) by automatic exponential smoothing, with 80%
    /// and 95% intervals and the probability of reaching a target.
    Forecast(analytics_cmds::ForecastArgs),
    /// Predictive customer lifetime value from orders: BG/NBD and Gamma-Gamma fitted on a
    /// calibration period, per customer the chance of still being a customer, expected
    /// purchases, spend and CLV, and predicted against actual purchases after it.
    Clv(analytics_cmds::ClvArgs),
    /// Print the JSON Schema of the plan file (for editor completion and checks).
    Schema,
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Measure Sextant on generated plans; prints ratios against a baseline from the same run.
    Bench(bench::BenchArgs),
    /// Run the server: the REST API for many organisations, on SQLite (default) or
    /// PostgreSQL. The first start prints a link to create the administrator.
    Serve(server_cmds::ServeArgs),
    /// Write a backup of an installation (every organisation, user and history) to a file.
    Backup(server_cmds::BackupArgs),
    /// Restore a backup into a new, empty database (SQLite or PostgreSQL).
    Restore(server_cmds::RestoreArgs),
    /// Change an account from the server's machine: turn its second factor off (a lost phone),
    /// or make it a firm administrator who sees every organisation.
    Account(server_cmds::AccountArgs),
}

#[derive(Args)]
struct InitArgs {
    /// The industry template to start from.
    #[arg(long, value_enum, default_value_t = init::Industry::Retail)]
    industry: init::Industry,
    /// The business's name.
    #[arg(long)]
    name: Option<String>,
    /// The plan's first month, `YYYY-MM` (default: next month).
    #[arg(long)]
    start: Option<String>,
    /// ISO 4217 currency code.
    #[arg(long)]
    currency: Option<String>,
    /// Ask for the details on the terminal instead of using the template's.
    #[arg(long, short)]
    interactive: bool,
    /// Where to write the plan (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct ValidateArgs {
    /// Plan files (YAML or JSON); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProblemFormat::Text)]
    format: ProblemFormat,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when a finding of this severity or worse is reported.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Business data to track the goals' KPIs with (as for `sextant metrics`:
    /// `orders=pos.csv`, ...), one or more after `--data`; a KPI the plan's `measurements`
    /// give keeps the plan's values.
    #[arg(long = "data", value_name = "DATA", num_args = 1..)]
    data: Vec<String>,
    #[command(flatten)]
    import: metrics_cmds::ImportArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A readable report, coloured on a terminal.
    Text,
    /// The full analysis as JSON, for scripts.
    Json,
    /// A Markdown report.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProblemFormat {
    /// Readable messages with the offending line.
    Text,
    /// A JSON array of problems per file.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    /// Fail on errors.
    Error,
    /// Fail on errors and warnings.
    Warning,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`sextant analyze plan.yaml | head`): what it read was all it
        // wanted, as for any command in a pipe.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut err = anstream::stderr();
            match e.downcast::<InvalidInput>() {
                Ok(InvalidInput(msg)) => {
                    let _ = write!(err, "{msg}");
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e:#}");
                }
            }
            ExitCode::from(1)
        }
    }
}

/// An error whose message is already fully rendered.
#[derive(Debug)]
pub(crate) struct InvalidInput(pub(crate) String);

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInput {}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Validate(args) => validate(args),
        Command::Analyze(args) => analyze(args),
        Command::Roadmap(args) => plan_cmds::roadmap(args),
        Command::Simulate(args) => plan_cmds::simulate(args),
        Command::Compare(args) => plan_cmds::compare(args),
        Command::Suggest(args) => plan_cmds::suggest(args),
        Command::Budget(args) => plan_cmds::budget(args),
        Command::Standards(args) => assess_cmds::standards(args),
        Command::Assess(args) => assess_cmds::assess(args),
        Command::Assets(args) => asset_cmds::assets(args),
        Command::Review(args) => review_cmd::review(args),
        Command::Summary(args) => summary_cmd::run(args),
        Command::Report(args) => report_cmd::report(args),
        Command::Metrics(args) => metrics_cmds::metrics(args),
        Command::Clv(args) => analytics_cmds::clv(args),
        Command::Forecast(args) => analytics_cmds::forecast(args),
        Command::Schema => {
            let schema = sextant_core::plan_schema();
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "sextant",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => bench::run(args),
        Command::Serve(args) => server_cmds::serve(args),
        Command::Backup(args) => server_cmds::backup(args),
        Command::Restore(args) => server_cmds::restore(args),
        Command::Account(args) => server_cmds::account(args),
    }
}

/// Reads a file (or standard input for `-`), naming it in the error. A plan file is at most
/// `MAX_PLAN_BYTES`: a larger one is refused with the core's message before it is read whole.
pub(crate) fn read_input(path: &Path) -> anyhow::Result<(String, String)> {
    use sextant_core::source::{MAX_PLAN_BYTES, too_large};
    let refuse = |name: &str, bytes: Option<u64>| {
        anyhow::Error::new(InvalidInput(
            sextant_core::Problems(vec![too_large(name, bytes)]).render(None),
        ))
    };
    let limit = MAX_PLAN_BYTES as u64;
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(limit + 1)
            .read_to_string(&mut text)
            .context("cannot read the plan from standard input")?;
        if text.len() as u64 > limit {
            return Err(refuse("<stdin>", None));
        }
        return Ok(("<stdin>".to_string(), text));
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
    if let Ok(m) = file.metadata()
        && m.is_file()
        && m.len() > limit
    {
        return Err(refuse(&name, Some(m.len())));
    }
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {name}"))?;
    if text.len() as u64 > limit {
        return Err(refuse(&name, None));
    }
    Ok((name, text))
}

fn load(path: &Path) -> anyhow::Result<sextant_core::Plan> {
    let (name, text) = read_input(path)?;
    sextant_core::load_plan(&name, &text)
        .map_err(|problems| InvalidInput(problems.render(Some(&text))).into())
}

fn validate(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let mut json = Vec::new();
    for path in &args.files {
        // A file that cannot be read is one more failure, reported in its place: the others
        // are still checked and reported.
        let (name, text) = match read_input(path) {
            Ok(read) => read,
            Err(e) => {
                failed = true;
                match args.format {
                    // As `main` writes an error: a rendered problem as it is.
                    ProblemFormat::Text => match e.downcast_ref::<InvalidInput>() {
                        Some(InvalidInput(msg)) => eprint!("{msg}"),
                        None => eprintln!("error: {e:#}"),
                    },
                    ProblemFormat::Json => json.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "valid": false,
                        "problems": [{"message": format!("{e:#}")}],
                    })),
                }
                continue;
            }
        };
        let result = sextant_core::load_plan(&name, &text);
        match args.format {
            ProblemFormat::Text => match &result {
                Ok(plan) => println!(
                    "{name}: ok ({} goals, {} initiatives, {} systems)",
                    plan.doc().goals.len(),
                    plan.doc().initiatives.len(),
                    plan.doc().systems.len()
                ),
                Err(problems) => eprint!("{}", problems.render(Some(&text))),
            },
            ProblemFormat::Json => json.push(serde_json::json!({
                "file": name,
                "valid": result.is_ok(),
                "problems": result.as_ref().err().map(|p| &p.0).cloned().unwrap_or_default(),
            })),
        }
        failed |= result.is_err();
    }
    if let ProblemFormat::Json = args.format {
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn analyze(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let plan = load(&args.file)?;
    let data = if args.data.is_empty() {
        None
    } else {
        use sextant_metrics::calendar::Granularity;
        Some(metrics_cmds::import_all(
            &args.data,
            &args.import,
            Granularity::Month,
        )?)
    };
    let analysed = sextant_ops::analyse(&plan, data.as_ref());
    // A month the data cover in part is left out of the KPIs computed from them: said, so that
    // a month just exported is not missed in silence (on stderr: the output stays the report).
    for m in &analysed.partial {
        eprintln!(
            "note: {} ({m}) is left out of the KPIs computed from the data: the data cover only part of it",
            sextant_core::calendar::month_words(*m)
        );
    }
    let analysis = analysed.analysis;
    let mut out = anstream::stdout();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&analysis)?)?,
        Format::Markdown => write!(out, "{}", render::markdown(&analysis))?,
        Format::Text => {
            let colour = std::io::stdout().is_terminal();
            write!(out, "{}", render::text(&analysis, colour))?
        }
    }
    let worst = analysis.findings.iter().map(|f| f.severity).min();
    let fail = matches!(
        (args.fail_on, worst),
        (Some(FailOn::Error), Some(Severity::Error))
            | (
                Some(FailOn::Warning),
                Some(Severity::Error | Severity::Warning)
            )
    );
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
