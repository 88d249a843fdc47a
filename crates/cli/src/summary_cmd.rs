//! `sextant summary`: the executive summary, one page in the owner's words: what the plan does
//! for each goal, what it costs this year and next, the chance it loses money, the decisions
//! asked of the owner, what changed since the last review and what is at risk. Made from the
//! same inputs as `sextant review` (`sextant_ops::summary`), as `GET
//! /api/v1/orgs/{org}/summary` and the Summary page make it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use sextant_ops::summary::{self, Summary};
use sextant_roadmap::solve::Options;

use crate::review_cmd::{Gathered, ReviewInputs};

/// Output format of `sextant summary`.
#[derive(Clone, Copy, ValueEnum)]
pub enum SummaryFormat {
    /// Readable text.
    Text,
    /// Markdown, to paste into an email or a document.
    Markdown,
    /// JSON for scripts (as the API's): every sentence with the page that explains it, and
    /// the figures the sentences state.
    Json,
}

/// Options of `sextant summary`.
#[derive(Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    inputs: ReviewInputs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
    /// Stop the roadmap's search after this many seconds (above 0, at most 86400).
    #[arg(long, default_value_t = 10.0, value_parser = crate::plan_cmds::positive_seconds)]
    time_limit: f64,
    #[command(flatten)]
    cache: crate::plan_cmds::CacheArgs,
}

/// The executive summary of what `g` holds, on the roadmap searched for at most `time_limit`
/// seconds (or kept in `cache` from such a search), with the budget and the simulation of that
/// roadmap.
pub fn build(
    g: &Gathered,
    time_limit: f64,
    cache: &crate::roadmap_cache::Cache,
) -> (Summary, sextant_ops::RoadmapReport) {
    let req = sextant_ops::RoadmapRequest {
        options: Options {
            time_limit: Duration::from_secs_f64(time_limit),
            ..Options::default()
        },
        ..sextant_ops::RoadmapRequest::default()
    };
    let (planned, _) = crate::roadmap_cache::roadmap(&g.plan, &req, cache);
    let s = of(g, &planned.roadmap);
    (s, planned)
}

/// What the summary is made with besides the plan: `g`'s reviews, assessments and assets.
fn context(g: &Gathered) -> summary::Context<'_> {
    summary::Context {
        today: g.today,
        meetings: &g.meetings,
        assessments: &g.assessments,
        lifecycle: g.lifecycle.as_ref(),
    }
}

/// The budget, the simulation, the agenda and the summary of what `g` holds, on `roadmap`.
pub fn made(g: &Gathered, roadmap: &sextant_roadmap::report::Roadmap) -> summary::Summarised {
    summary::summarise(
        &g.plan,
        &g.analysed.analysis,
        &g.analysed.series,
        roadmap,
        &context(g),
        &sextant_roadmap::Stop::never(),
    )
}

/// The executive summary of what `g` holds, on `roadmap`.
pub fn of(g: &Gathered, roadmap: &sextant_roadmap::report::Roadmap) -> Summary {
    made(g, roadmap).summary
}

/// The review pack of what `g` holds, on `roadmap`, typeset.
pub fn pack(
    g: &Gathered,
    roadmap: &sextant_roadmap::report::Roadmap,
    branding: &sextant_pack::Branding,
    paper: sextant_pack::Paper,
    parts: &[sextant_pack::Part],
    format: sextant_pack::Format,
) -> anyhow::Result<Vec<u8>> {
    let m = made(g, roadmap);
    let data = sextant_pack::data(&sextant_pack::Inputs {
        plan: &g.plan,
        analysis: &g.analysed.analysis,
        series: &g.analysed.series,
        roadmap,
        made: &m,
        context: &context(g),
        branding,
        paper,
        parts,
    });
    Ok(sextant_pack::typeset(&data, format)?)
}

/// `sextant summary`.
pub fn run(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    let g = args.inputs.gather()?;
    let (s, _) = build(&g, args.time_limit, &args.cache.cache());
    let mut out = anstream::stdout();
    match args.format {
        SummaryFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?,
        SummaryFormat::Text => write!(out, "{}", s.text(false))?,
        SummaryFormat::Markdown => write!(out, "{}", s.text(true))?,
    }
    Ok(ExitCode::SUCCESS)
}
