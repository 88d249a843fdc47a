//! `sextant bench pack`: the time to write each format of the review pack (the HTML report,
//! the XLSX workbook, the PDF document and the PDF slides) for the demo plan and for a
//! generated plan, each beside the HTML report of the same plan in the same run.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::bench::median;

use sextant_core::model::Date;
use sextant_core::synth::{Size, plan_yaml};

fn one(name: &str, text: &str, repeat: usize) -> anyhow::Result<()> {
    let plan = sextant_core::load_plan("bench.yaml", text)
        .map_err(|p| anyhow::anyhow!("the plan is invalid: {p}"))?;
    let t = Instant::now();
    let analysed = sextant_ops::analyse(&plan, None);
    let roadmap =
        sextant_ops::roadmap(&plan, &sextant_ops::RoadmapRequest::default(), &|| true).roadmap;
    let today = Date::parse("2026-12-04").unwrap_or_else(|| Date::from_days(0));
    let context = sextant_ops::summary::Context {
        today,
        meetings: &[],
        assessments: &[],
        lifecycle: None,
    };
    let m = sextant_ops::summary::summarise(
        &plan,
        &analysed.analysis,
        &analysed.series,
        &roadmap,
        &context,
        &sextant_roadmap::Stop::never(),
    );
    let shared = t.elapsed();
    let branding = sextant_pack::Branding::default();
    let data = || {
        sextant_pack::data(&sextant_pack::Inputs {
            plan: &plan,
            analysis: &analysed.analysis,
            series: &analysed.series,
            roadmap: &roadmap,
            made: &m,
            context: &context,
            branding: &branding,
            paper: sextant_pack::Paper::A4,
            parts: &sextant_pack::Part::ALL,
        })
    };
    let html = median(
        || {
            black_box(
                sextant_report::document::PlanReport {
                    plan: &plan,
                    analysis: &analysed.analysis,
                    roadmap: Some(&roadmap),
                    frontier: None,
                    summary: Some(&m.summary),
                    what_if: &m.what_if,
                }
                .html(),
            );
        },
        repeat,
    );
    let xlsx = median(
        || {
            let _ = black_box(sextant_ops::workbook::workbook(
                &plan,
                &analysed.analysis,
                &roadmap,
                &m.budget,
            ));
        },
        repeat,
    );
    let mut pages = (0, 0);
    let mut sizes = (0, 0);
    let pdf = median(
        || {
            if let Ok(b) = sextant_pack::typeset(&data(), sextant_pack::Format::Pdf) {
                sizes.0 = b.len();
                pages.0 = String::from_utf8_lossy(&b).matches("/Type/Page/").count();
            }
        },
        repeat,
    );
    let slides = median(
        || {
            if let Ok(b) = sextant_pack::typeset(&data(), sextant_pack::Format::Slides) {
                sizes.1 = b.len();
                pages.1 = String::from_utf8_lossy(&b).matches("/Type/Page/").count();
            }
        },
        repeat,
    );
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let ratio = |d: Duration| d.as_secs_f64() / html.as_secs_f64().max(1e-9);
    println!(
        "{name}: {} initiatives; analysis, roadmap ({:?}), budget, 10,000 trials and summary once: {}; median of {repeat}",
        plan.doc().initiatives.len(),
        roadmap.status,
        ms(shared)
    );
    println!("{:<36} {:>12} {:>10}", "format", "time", "x html");
    println!(
        "{:<36} {:>12} {:>10.2}",
        "baseline: HTML report",
        ms(html),
        1.0
    );
    println!(
        "{:<36} {:>12} {:>10.2}",
        "XLSX workbook",
        ms(xlsx),
        ratio(xlsx)
    );
    println!(
        "{:<36} {:>12} {:>10.2}",
        format!("PDF document ({} pages, {} KiB)", pages.0, sizes.0 / 1024),
        ms(pdf),
        ratio(pdf)
    );
    println!(
        "{:<36} {:>12} {:>10.2}",
        format!("PDF slides ({} pages, {} KiB)", pages.1, sizes.1 / 1024),
        ms(slides),
        ratio(slides)
    );
    println!();
    Ok(())
}

/// Runs the benchmark on the demo and on a generated plan of `initiatives`.
pub fn pack(initiatives: usize, seed: u64, repeat: usize) -> anyhow::Result<ExitCode> {
    one("the Corner Bookstore", sextant_web::demo::PLAN, repeat)?;
    let text = plan_yaml(Size::initiatives(initiatives), seed);
    one(&format!("generated plan (seed {seed})"), &text, repeat)?;
    Ok(ExitCode::SUCCESS)
}
