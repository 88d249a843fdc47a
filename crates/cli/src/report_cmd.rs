//! `sextant report`: the plan report as one standalone, printable HTML file (the plan's
//! analysis, its optimised roadmap and, on request, the efficient frontier, written by
//! `sextant_report::document`), or the budget workbook (XLSX, `sextant_ops::workbook`) for the
//! client's bookkeeper.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use sextant_report::document::PlanReport;
use sextant_roadmap::solve::Options;

/// What `sextant report` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One standalone, printable HTML page.
    Html,
    /// The budget workbook: budget by fiscal year and quarter, roadmap, business cases with
    /// their monthly cash flows, KPIs by month; totals and net present values as live formulas.
    Xlsx,
    /// The review pack as a PDF document: cover, contents, page numbers, the executive
    /// summary, goals, roadmap, budget, business cases, risks, assessments, devices, decisions
    /// and actions, assumptions.
    Pdf,
    /// The review pack as 16:9 slides (PDF), one message a slide, for the meeting.
    Slides,
}

/// `sextant report` arguments.
#[derive(Args)]
pub struct ReportArgs {
    /// The plan, and what the executive summary and the budget are made from besides it: its
    /// reviews, assessments, asset list and business data, as `sextant review` reads them.
    #[command(flatten)]
    inputs: crate::review_cmd::ReviewInputs,
    /// Where to write it (default: standard output; a workbook is not written to a terminal).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// What to write.
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// With `--format xlsx`: fiscal years of budget, from the one the plan starts in (1 to 10).
    #[arg(long, default_value_t = 3, value_parser = crate::plan_cmds::budget_years)]
    years: u32,
    /// Also chart the efficient frontier at this many budget levels (2 to 50).
    #[arg(long, value_name = "LEVELS", value_parser = clap::value_parser!(u64).range(2..=crate::plan_cmds::MAX_FRONTIER_LEVELS as u64))]
    frontier: Option<u64>,
    /// Stop the roadmap's search after this many seconds (above 0, at most 86400).
    #[arg(long, default_value_t = 10.0, value_parser = crate::plan_cmds::positive_seconds)]
    time_limit: f64,
    #[command(flatten)]
    cache: crate::plan_cmds::CacheArgs,
    /// With `--format pdf`: the paper, `a4` or `letter`.
    #[arg(long, default_value = "a4", value_parser = paper)]
    paper: sextant_pack::Paper,
    /// With `--format pdf|slides`: the parts, separated by commas (default: all): summary,
    /// goals, roadmap, budget, cases, scenarios, risks, assessments, lifecycle, reviews, appendix.
    #[arg(long, default_value = "", value_parser = parts)]
    parts: PartList,
    /// With `--format pdf|slides`: who prepared it (your firm's name).
    #[arg(long, value_name = "NAME")]
    brand_name: Option<String>,
    /// With `--format pdf|slides`: the brand colour, `#RRGGBB`.
    #[arg(long, value_name = "#RRGGBB", value_parser = sextant_pack::colour)]
    brand_colour: Option<String>,
    /// With `--format pdf|slides`: a logo (PNG, JPEG or SVG) for the cover.
    #[arg(long, value_name = "FILE")]
    logo: Option<PathBuf>,
}

/// The parts of a pack, as `--parts` reads them.
#[derive(Clone, Debug)]
pub struct PartList(Vec<sextant_pack::Part>);

fn parts(s: &str) -> Result<PartList, String> {
    sextant_pack::Part::list(s).map(PartList)
}

fn paper(s: &str) -> Result<sextant_pack::Paper, String> {
    sextant_pack::Paper::parse(s).ok_or_else(|| {
        format!(
            "expected a4 or letter, found `{}`",
            s.chars().take(40).collect::<String>()
        )
    })
}

/// Runs `sextant report`.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let out = args.out.as_deref();
    if matches!(
        args.format,
        ReportFormat::Xlsx | ReportFormat::Pdf | ReportFormat::Slides
    ) && out.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(crate::InvalidInput(
            "--format xlsx, pdf and slides write a file: name it with --out (or redirect the output)"
                .into(),
        )
        .into());
    }
    // Never over one of its own inputs (`-o plan.yaml` would replace the plan with the report).
    if let Some(out) = out
        && let Ok(target) = std::fs::canonicalize(out)
        && let Some(input) = args
            .inputs
            .files()
            .into_iter()
            .find(|f| std::fs::canonicalize(f).is_ok_and(|f| f == target))
    {
        return Err(crate::InvalidInput(format!(
            "--out {} is {}, one of the report's inputs: name another file to write the report to",
            out.display(),
            input.display()
        ))
        .into());
    }
    // The plan analysed with its data, and the roadmap the other commands and the server give
    // for the same plan.
    let g = args.inputs.gather()?;
    let plan = &g.plan;
    let analysis = &g.analysed.analysis;
    let req = sextant_ops::RoadmapRequest {
        options: Options {
            time_limit: Duration::from_secs_f64(args.time_limit),
            ..Options::default()
        },
        frontier: args.frontier.map(|l| l as usize),
        ..sextant_ops::RoadmapRequest::default()
    };
    let (planned, _) = crate::roadmap_cache::roadmap(plan, &req, &args.cache.cache());
    if args.format == ReportFormat::Xlsx {
        let due = g
            .lifecycle
            .as_ref()
            .map(|lc| sextant_ops::budget::replacements(plan, &planned.roadmap, lc))
            .unwrap_or_default();
        let b = sextant_ops::budget::budget(plan, &planned.roadmap, args.years, &due);
        let bytes = sextant_ops::workbook::workbook(plan, analysis, &planned.roadmap, &b)
            .map_err(anyhow::Error::msg)?;
        write_out(out, &bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    if matches!(args.format, ReportFormat::Pdf | ReportFormat::Slides) {
        let mut branding = sextant_pack::Branding::default();
        if let Some(n) = args
            .brand_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            branding.name = n.to_string();
        }
        if let Some(c) = &args.brand_colour {
            branding.colour = c.clone();
        }
        if let Some(path) = &args.logo {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            branding.logo = Some(
                sextant_pack::Logo::checked(bytes)
                    .map_err(|e| crate::InvalidInput(format!("{}: {e}", path.display())))?,
            );
        }
        let bytes = crate::summary_cmd::pack(
            &g,
            &planned.roadmap,
            &branding,
            args.paper,
            &args.parts.0,
            if args.format == ReportFormat::Pdf {
                sextant_pack::Format::Pdf
            } else {
                sextant_pack::Format::Slides
            },
        )?;
        write_out(out, &bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    let made = crate::summary_cmd::made(&g, &planned.roadmap);
    let html = PlanReport {
        plan,
        analysis,
        roadmap: Some(&planned.roadmap),
        frontier: planned.frontier.as_deref(),
        summary: Some(&made.summary),
        what_if: &made.what_if,
    }
    .html();
    write_out(out, html.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path`, or to standard output.
fn write_out(path: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}
