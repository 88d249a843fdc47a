//! The plan report on the Corner Bookstore: a standalone document (no script, no outside
//! links) holding every section, the charts, and the plan's figures; hostile plan text is
//! escaped.

use std::path::PathBuf;
use std::time::Duration;

use sextant_core::Plan;
use sextant_report::document::{PlanReport, plan_html};
use sextant_roadmap::solve::Options;
use sextant_roadmap::{Adjust, Objective};

fn demo_text() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(text: &str) -> Plan {
    sextant_core::load_plan("plan.yaml", text)
        .unwrap_or_else(|p| panic!("{}", p.render(Some(text))))
}

fn options() -> Options {
    Options {
        time_limit: Duration::from_secs(20),
        gap: 1e-4,
        ..Options::default()
    }
}

/// Parses the document as XML (the report is written so that it parses both ways) and checks
/// it stands alone: no script, no external resource, every chart a well-formed SVG.
fn check(html: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(html, opts).unwrap_or_else(|e| panic!("{e}"));
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        assert!(
            !matches!(name, "script" | "link" | "img" | "iframe" | "object"),
            "{name}"
        );
        for a in n.attributes() {
            assert!(!a.name().starts_with("on"), "event handler {}", a.name());
            if a.name() == "href" {
                assert!(a.value().starts_with('#'), "outside link {}", a.value());
            }
            assert!(!a.value().contains("NaN"), "{}={}", a.name(), a.value());
        }
    }
    doc
}

fn svgs(doc: &roxmltree::Document) -> usize {
    doc.descendants().filter(|n| n.has_tag_name("svg")).count()
}

#[test]
fn bookstore_report_with_the_optimised_roadmap() {
    let plan = load(&demo_text());
    let analysis = sextant_core::analyze(&plan);
    let (roadmap, frontier) = sextant_roadmap::report::roadmap_and_frontier(
        &plan,
        Objective::Npv,
        &options(),
        &Adjust::default(),
        Some(3),
        &|| true,
    );
    let html = PlanReport {
        plan: &plan,
        analysis: &analysis,
        roadmap: Some(&roadmap),
        frontier: frontier.as_deref(),
        summary: None,
        what_if: &[],
    }
    .html();
    // The social media and email work costs 300 against 6,000 a year: its IRR (in the
    // thousands of percent) is not shown as a figure but explained.
    assert!(html.contains("above 1,000%"));
    assert!(html.contains("<dt>About the IRR</dt><dd>The yearly return is above 1,000% because"));
    // With `SEXTANT_CHART_DUMP=DIR`, the report is written to `DIR/report.html` for a look.
    if let Some(dir) = std::env::var_os("SEXTANT_CHART_DUMP") {
        std::fs::write(PathBuf::from(dir).join("report.html"), &html)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let doc = check(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));
    for id in [
        "summary", "goals", "roadmap", "cases", "systems", "risks", "findings",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    for i in &plan.doc().initiatives {
        assert!(html.contains(&i.title), "{}", i.title);
    }
    for g in &plan.doc().goals {
        assert!(html.contains(&g.title), "{}", g.title);
    }
    // The organisation's name, the seed's first-year ROI of the e-commerce site (233%).
    assert!(html.contains("The Corner Bookstore: technology plan"));
    assert!(html.contains("233.3%"), "the seed's ROI");
    // Gantt, spend, frontier, portfolio and one cash-flow chart per initiative, graph, heat map.
    let charts = svgs(&doc);
    assert!(
        charts >= 6 + plan.doc().initiatives.len(),
        "{charts} charts"
    );
    assert!(html.contains("class=\"gantt-bar\""));
    assert!(html.contains("data-likelihood"));
    // The SWOT beside the value proposition, and the watch list drawn (examples/corner-bookstore.yaml).
    assert!(html.contains("<h3>Strengths</h3><ul><li>Strong local reputation</li>"));
    assert!(html.contains("<h3>Technology watch list</h3>"));
    assert!(html.contains(&sextant_report::plan_charts::technology_radar(&plan).svg()));
    // Chart ids never clash within the page.
    let mut ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
    // Same inputs, same file.
    let again = PlanReport {
        plan: &plan,
        analysis: &analysis,
        roadmap: Some(&roadmap),
        frontier: frontier.as_deref(),
        summary: None,
        what_if: &[],
    }
    .html();
    assert_eq!(html, again);
}

#[test]
fn bookstore_report_without_a_roadmap_uses_the_plans_starts() {
    let plan = load(&demo_text());
    let analysis = sextant_core::analyze(&plan);
    let html = plan_html(&plan, &analysis, None);
    let doc = check(&html);
    assert!(html.contains("the plan&apos;s own start") || html.contains("the plan's own start"));
    assert!(svgs(&doc) >= 5);
    for i in &plan.doc().initiatives {
        assert!(html.contains(&i.title), "{}", i.title);
    }
}

#[test]
fn hostile_plan_text_is_escaped() {
    let text = demo_text()
        .replace(
            "name: The Corner Bookstore",
            "name: \"<script>alert(1)</script> & 'Co'\"",
        )
        .replace(
            "title: Point-of-sale system with inventory management",
            "title: \"<img src=x onerror=alert(1)> POS\"",
        );
    let plan = load(&text);
    let analysis = sextant_core::analyze(&plan);
    let html = plan_html(&plan, &analysis, None);
    check(&html);
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &apos;Co&apos;"));
}

/// The goals table of a plan whose goal is an LTV:CAC of 3 (from 2): a multiple, written as
/// the pages write it, never as a percentage ("300%").
#[test]
fn a_multiple_goal_is_written_as_a_multiple() {
    let text = demo_text().replace(
        "title: Grow the email list by 50% in 6 months\n    kpi: email_list_size\n    baseline: 300\n    target: 450",
        "title: LTV to CAC of 3\n    kpi: ltv_cac\n    baseline: 2\n    target: 3",
    );
    assert!(text.contains("kpi: ltv_cac"));
    let plan = load(&text);
    let analysis = sextant_core::analyze(&plan);
    let html = plan_html(&plan, &analysis, None);
    let start = html
        .find("<tr><td>LTV to CAC of 3</td>")
        .unwrap_or_else(|| panic!("no goal row in {html}"));
    let row = &html[start..];
    let row = &row[..row.find("</tr>").unwrap_or(row.len())];
    assert!(
        row.starts_with(
            "<tr><td>LTV to CAC of 3</td><td class=\"n\">2.0×</td><td class=\"n\">3.0×</td>"
        ),
        "{row}"
    );
    assert!(!html.contains("300%"));
}

/// A plan no schedule can meet (the point of sale must be done, and no year's budget pays
/// for it): the report (read by a client, away from the pages) names what
/// to relax in the owner's words and where it is changed, not the model's family names.
#[test]
fn an_impossible_roadmap_names_its_causes_in_plain_words() {
    let text = demo_text()
        .replace(
            "{period: 2027, amount: 6000}",
            "{period: 2027, amount: 100}",
        )
        .replace(
            "{period: 2028, amount: 4000}",
            "{period: 2028, amount: 100}",
        );
    let plan = load(&text);
    let analysis = sextant_core::analyze(&plan);
    let roadmap =
        sextant_roadmap::report::roadmap(&plan, Objective::Npv, &options(), &Adjust::default());
    assert_eq!(
        roadmap.status,
        sextant_roadmap::solve::SolveStatus::Infeasible
    );
    let html = PlanReport {
        plan: &plan,
        analysis: &analysis,
        roadmap: Some(&roadmap),
        frontier: None,
        summary: None,
        what_if: &[],
    }
    .html();
    check(&html);
    assert!(
        html.contains("<p>Relaxing any one of these alone would make a schedule possible:</p><ul>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<li>the budget of each year (changed on the Business page, under money and limits)</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<li>the initiatives that must be done (changed on the Initiatives page)</li>"
        ),
        "{html}"
    );
    assert!(!html.contains("budget by period"), "{html}");
}
