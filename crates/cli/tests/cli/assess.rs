//! `sextant standards` and `sextant assess`: the shipped standards listed, a blank answers file,
//! an assessment scored as worked by hand, the remedies as plan entries, a standard of one's
//! own, and refusals with their line and column.

use super::{sextant, stderr, stdout, temp_dir};

const OWN: &str = "format: 1
id: our-baseline
title: Our baseline
licence: Internal use
sections:
  - id: ACC
    title: Accounts
    controls:
      - id: ACC-1
        question: Does every account ask for a second factor?
        weight: 3
        remedy: {title: Two-factor sign-in everywhere, one_time_cost: {low: 100, likely: 300, high: 800}, effort_hours_per_month: 4, duration_months: 1}
      - {id: ACC-2, question: Are leavers' accounts closed the same day?}
  - id: BAK
    title: Backups
    controls:
      - {id: BAK-1, question: Is there a daily backup?, weight: 2}
      - {id: BAK-2, question: Was a restore tested this year?}
";

#[test]
fn standards_lists_the_shipped_ones_and_your_own() {
    let out = sextant(&["standards", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let csf = v
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == "nist-csf-2.0"))
        .expect("CSF 2.0");
    assert_eq!(csf["controls"], 106);
    assert_eq!(csf["sections"], 6);
    assert!(
        csf["licence"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Public domain")
    );
    let ids: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"cisa-cpg") && ids.contains(&"essential-eight"),
        "{ids:?}"
    );

    let dir = temp_dir("standards-own");
    std::fs::write(dir.join("our.yaml"), OWN).expect("write");
    let d = dir.to_string_lossy().into_owned();
    let out = sextant(&["standards", "--standards", &d]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("our-baseline"), "{}", stdout(&out));
    // An id used twice is refused with where it was first written.
    std::fs::write(dir.join("our.yaml"), OWN.replace("id: ACC-2", "id: ACC-1")).expect("write");
    let out = sextant(&["standards", "--standards", &d]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("our.yaml:13:"), "{e}");
    assert!(e.contains("the id `ACC-1` is used twice"), "{e}");
}

/// Worked by hand: ACC-1 met (3 x 1), ACC-2 not met (1 x 0), BAK-1 partly (2 x 0.5), BAK-2 not
/// answered (unknown). Accounts 3 / 4 = 75%, Backups 1 / 2 = 50% (known 2 of 3 = 67%), overall
/// 4 / 6 = 66.7% with 6 of 7 of the weight known (86%).
#[test]
fn an_assessment_is_started_answered_and_scored() {
    // The standards' directory, and the answers beside it (not in it: every file there is
    // read as a standard).
    let standards = temp_dir("assess-standards");
    std::fs::write(standards.join("our.yaml"), OWN).expect("write");
    let d = standards.to_string_lossy().into_owned();
    let dir = temp_dir("assess");
    let out = sextant(&["assess", "--start", "our-baseline", "--standards", &d]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let blank = stdout(&out);
    assert!(blank.contains("standard: our-baseline"), "{blank}");
    assert!(
        blank.contains("  # Does every account ask for a second factor?\n  ACC-1: unknown"),
        "{blank}"
    );
    // The blank file scores as nothing known.
    let blank_path = dir.join("blank.yaml");
    std::fs::write(&blank_path, &blank).expect("write");
    let out = sextant(&[
        "assess",
        &blank_path.to_string_lossy(),
        "--standards",
        &d,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["overall"]["score"], serde_json::Value::Null);
    assert_eq!(v["overall"]["unknown"], 4);

    let answers = "format: 1\nstandard: our-baseline\norganization: Shop\ndate: 2026-11-20\nassessor: Sam\nanswers:\n  ACC-1: met\n  ACC-2: not_met\n  BAK-1: {answer: partly, note: Weekly only}\n";
    let a = dir.join("answers.yaml");
    std::fs::write(&a, answers).expect("write");
    let a = a.to_string_lossy().into_owned();
    let out = sextant(&["assess", &a, "--standards", &d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let close = |x: &serde_json::Value, y: f64| {
        assert!(
            (x.as_f64().unwrap_or(f64::NAN) - y).abs() < 1e-9,
            "{x} != {y}"
        );
    };
    close(&v["overall"]["score"], 4.0 / 6.0);
    close(&v["overall"]["known"], 6.0 / 7.0);
    close(&v["overall"]["sections"][0]["score"], 0.75);
    close(&v["overall"]["sections"][1]["score"], 0.5);
    close(&v["overall"]["sections"][1]["known"], 2.0 / 3.0);
    assert_eq!(v["gaps"][0]["control"], "BAK-1");
    assert_eq!(v["gaps"][1]["control"], "ACC-2");

    let text = stdout(&sextant(&["assess", &a, "--standards", &d]));
    assert!(
        text.contains("Our baseline: Shop, 2026-11-20, assessed by Sam"),
        "{text}"
    );
    assert!(
        text.contains(
            "Overall score 67%, from 86% of the weight answered (1 control not known yet"
        ),
        "{text}"
    );
    let md = stdout(&sextant(&[
        "assess",
        &a,
        "--standards",
        &d,
        "--format",
        "markdown",
    ]));
    assert!(md.starts_with("# Our baseline: Shop"), "{md}");
    assert!(md.contains("| ACC Accounts"), "{md}");

    // ACC-1 is met; ACC-2 has no remedy: nothing to write. With ACC-1 not met, its remedy.
    let out = sextant(&["assess", &a, "--standards", &d, "--initiatives"]);
    assert!(
        stdout(&out).contains("No control answered not met or partly has a remedy"),
        "{}",
        stdout(&out)
    );
    std::fs::write(
        dir.join("answers.yaml"),
        answers.replace("ACC-1: met", "ACC-1: not_met"),
    )
    .expect("write");
    let out = sextant(&[
        "assess",
        &a,
        "--standards",
        &d,
        "--initiatives",
        "--goal",
        "safe",
    ]);
    let y = stdout(&out);
    assert!(
        y.contains("  - {id: \"fix-our-baseline-acc-1\", title: \"Two-factor sign-in everywhere\""),
        "{y}"
    );
    assert!(y.contains("contributes: {safe: 2}"), "{y}");
    // A goal id that would close the braces is written quoted: the entry read back holds
    // that goal and nothing more (no `mandatory: true` smuggled in).
    let out = sextant(&[
        "assess",
        &a,
        "--standards",
        &d,
        "--initiatives",
        "--goal",
        "x}, mandatory: true, z: {a",
    ]);
    let y = stdout(&out);
    assert!(
        y.contains(r#"contributes: {"x}, mandatory: true, z: {a": 2}"#),
        "{y}"
    );

    // An answer for a control the standard lacks: its line and column, the closest id.
    std::fs::write(
        dir.join("answers.yaml"),
        answers.replace("BAK-1:", "BAK-9:"),
    )
    .expect("write");
    let out = sextant(&["assess", &a, "--standards", &d]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("answers.yaml:9:3"), "{e}");
    assert!(
        e.contains("`BAK-9` is not a control of our-baseline"),
        "{e}"
    );
    // The same answers in JSON (YAML's superset the API speaks) score the same: the standard
    // is read from the document, not from a line that starts with `standard:`.
    let json = dir.join("answers.json");
    std::fs::write(
        &json,
        r#"{"format": 1, "standard": "our-baseline", "organization": "Shop", "date": "2026-11-20",
 "assessor": "Sam", "answers": {"ACC-1": "met", "ACC-2": "not_met",
 "BAK-1": {"answer": "partly", "note": "Weekly only"}}}"#,
    )
    .expect("write");
    let j = json.to_string_lossy().into_owned();
    let out = sextant(&["assess", &j, "--standards", &d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    close(&v["overall"]["score"], 4.0 / 6.0);
    assert_eq!(v["gaps"][0]["control"], "BAK-1");
    // A file naming no standard is told so (the word in a note is not a standard).
    std::fs::write(
        &json,
        r#"{"format": 1, "answers": {"ACC-1": {"answer": "met", "note": "x\nstandard: our-baseline"}}}"#,
    )
    .expect("write");
    let out = sextant(&["assess", &j, "--standards", &d]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("answers.json: the answers name no standard: expected a key `standard: ID`"),
        "{}",
        stderr(&out)
    );
    // A standard nobody knows.
    std::fs::write(
        dir.join("answers.yaml"),
        answers.replace("standard: our-baseline", "standard: iso-27001"),
    )
    .expect("write");
    let out = sextant(&["assess", &a, "--standards", &d]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no standard `iso-27001`"),
        "{}",
        stderr(&out)
    );
}

/// A shipped standard's blank answers file scores (as nothing known) without a problem.
#[test]
fn every_shipped_standard_starts_a_valid_answers_file() {
    for id in ["nist-csf-2.0", "cisa-cpg", "essential-eight"] {
        let out = sextant(&["assess", "--start", id]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let dir = temp_dir(&format!("blank-{id}"));
        let f = dir.join("a.yaml");
        std::fs::write(&f, stdout(&out)).expect("write");
        let out = sextant(&["assess", &f.to_string_lossy(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
    }
}
