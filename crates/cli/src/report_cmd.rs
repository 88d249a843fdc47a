//! `sextant report`: the plan report as one standalone, printable HTML file — the plan's
//! analysis, its optimised roadmap and (on request) the efficient frontier, written by
//! `sextant_report::document`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use sextant_report::document::PlanReport;
use sextant_roadmap::solve::Options;

/// `sextant report` arguments.
#[derive(Args)]
pub struct ReportArgs {
    /// The plan file (YAML or JSON); `-` reads standard input.
    file: PathBuf,
    /// Where to write the HTML (default: standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Also chart the efficient frontier at this many budget levels (2 to 50).
    #[arg(long, value_name = "LEVELS", value_parser = clap::value_parser!(u64).range(2..=crate::plan_cmds::MAX_FRONTIER_LEVELS as u64))]
    frontier: Option<u64>,
    /// Stop the roadmap's search after this many seconds (above 0, at most 86400).
    #[arg(long, default_value_t = 10.0, value_parser = crate::plan_cmds::positive_seconds)]
    time_limit: f64,
}

/// Runs `sextant report`.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let plan = crate::load(&args.file)?;
    // The analysis and the roadmap the other commands and the server give for the same plan.
    let analysis = sextant_ops::analyse(&plan, None).analysis;
    let req = sextant_ops::RoadmapRequest {
        options: Options {
            time_limit: Duration::from_secs_f64(args.time_limit),
            ..Options::default()
        },
        frontier: args.frontier.map(|l| l as usize),
        ..sextant_ops::RoadmapRequest::default()
    };
    let planned = sextant_ops::roadmap(&plan, &req, &|| true);
    let html = PlanReport {
        plan: &plan,
        analysis: &analysis,
        roadmap: Some(&planned.roadmap),
        frontier: planned.frontier.as_deref(),
    }
    .html();
    match &args.out {
        Some(path) => std::fs::write(path, html)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(html.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
