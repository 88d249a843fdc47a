//! `sextant report`: the plan report as standalone HTML, to standard output or a file.

use super::{demo, sextant, stderr, stdout, temp_dir};

#[test]
fn report_of_the_demo_plan_holds_the_initiatives_and_charts() {
    let plan = demo();
    let o = sextant(&["report", plan.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..html.len().min(200)]
    );
    assert!(html.contains("<svg"));
    assert!(!html.contains("<script"));
    for title in [
        "Point-of-sale system with inventory management",
        "Social media presence and email marketing",
        "E-commerce platform, expansion and optimisation",
        "Cloud CRM integrated with POS and e-commerce",
        "Data analytics and inventory optimisation",
    ] {
        assert!(html.contains(title), "{title}");
    }
    // The plan's scenarios, with the figures `sextant compare` gives (examples/corner-bookstore.yaml:
    // the late e-commerce platform 38,366.68 against the base 52,596.23), in the contents,
    // a table and sentences.
    assert!(
        html.contains("<a href=\"#what-if\">What if</a>"),
        "no contents entry"
    );
    assert!(html.contains("<section id=\"what-if\"><h2>What if</h2>"));
    let at = html.find("id=\"what-if\"").unwrap_or_default();
    let part = &html[at..];
    let part = &part[..part.find("</section>").unwrap_or(part.len())];
    for figure in [
        "$38,367",
        "−$14,230",
        "Data analytics and inventory optimisation",
    ] {
        assert!(part.contains(figure), "{figure} in {part}");
    }
    // The health check in the owner's words: no file paths, check codes or file keys.
    let at = html.find("id=\"findings\"").unwrap_or_default();
    let findings = &html[at..];
    let findings = &findings[..findings.find("</section>").unwrap_or(findings.len())];
    assert!(findings.contains("In Sextant: "), "{findings}");
    for word in [
        "systems[",
        "initiatives[",
        "<code>",
        "`",
        "supports:",
        "data-silo",
    ] {
        assert!(!findings.contains(word), "{word} in {findings}");
    }
    assert!(part.contains(
        "“E-commerce late” (E-commerce platform, expansion and optimisation starts 9 months later): the best roadmap would be worth about $38,400, $14,200 less than the plan now"
    ));
}

#[test]
fn report_writes_a_file_with_the_frontier() {
    let dir = temp_dir("report");
    let out = dir.join("plan.html");
    let plan = demo();
    let o = sextant(&[
        "report",
        plan.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
        "--frontier",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let html = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(html.contains("<svg"));
    assert!(html.contains("efficient frontier"));
}

#[test]
fn report_refuses_an_invalid_plan_and_bad_options() {
    let dir = temp_dir("report-bad");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "version: 1\norganization: {}\n").expect("write the plan");
    let o = sextant(&["report", bad.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let plan = demo();
    let o = sextant(&[
        "report",
        plan.to_str().unwrap_or_default(),
        "--frontier",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// `--out` naming one of the report's own inputs (the plan, here by another spelling of its
/// path) is refused before anything is written: the plan is left as it was.
#[test]
fn report_does_not_write_over_its_own_plan() {
    let dir = temp_dir("report-over-input");
    let plan = dir.join("plan.yaml");
    std::fs::copy(demo(), &plan).expect("copy");
    let before = std::fs::read(&plan).expect("read");
    let other = dir.join(".").join("plan.yaml");
    for fmt in ["html", "xlsx"] {
        let o = sextant(&[
            "report",
            plan.to_str().unwrap_or_default(),
            "--format",
            fmt,
            "-o",
            other.to_str().unwrap_or_default(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{fmt}: {}", stderr(&o));
        assert!(
            stderr(&o)
                .contains("one of the report's inputs: name another file to write the report to"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&plan).expect("read"), before);
    }
}
