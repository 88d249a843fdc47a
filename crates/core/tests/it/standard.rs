//! Standards and assessments: reading, scoring against figures worked out by hand, refusals with
//! their line and column, and the shipped standards.

#![allow(clippy::unwrap_used)]

use sextant_core::standard::{Answer, load_answers, load_standard, remedy_initiative, score};

const MINI: &str = r#"format: 1
id: mini
title: Mini standard
licence: CC0
sections:
  - id: A
    title: Access
    controls:
      - id: A-1
        question: Is two-factor sign-in on?
        weight: 3
        remedy: {title: Two-factor sign-in, one_time_cost: {low: 100, likely: 300, high: 600}, recurring_cost_annual: 120, effort_hours_per_month: 4, duration_months: 1}
      - {id: A-2, question: Are passwords unique?}
      - {id: A-3, question: Are admin rights limited?, weight: 2}
  - id: B
    title: Backups
    controls:
      - {id: B-3, question: Is a copy kept off site?}
    sections:
      - id: B.1
        title: Copies
        controls:
          - {id: B-1, question: Are backups taken daily?, weight: 2}
          - {id: B-2, question: Are restores tested?, weight: 2}
"#;

const ANSWERS: &str = "format: 1
standard: mini
organization: Shop
date: 2026-11-20
assessor: Sam
answers:
  A-1: met
  A-2: {answer: partly, note: Two shared logins left, evidence: https://example.com/pw}
  B-1: not_met
  B-2: not_applicable
  B-3: partly
";

/// Worked by hand (met 1, partly 0.5, not met 0; weights as written, 1 when omitted):
/// Access: A-1 3 x 1 + A-2 1 x 0.5 = 3.5 over the answered weight 4 = 0.875; A-3 (weight 2)
/// is unknown, so 4 of the 6 that apply are known (0.6667).
/// Backups (its own B-3 and its section B.1): B-3 1 x 0.5 + B-1 2 x 0 = 0.5 over 3 = 0.1667;
/// B-2 does not apply; all 3 known. Copies (B.1): 0 over 2 = 0.
/// Overall: (3.5 + 0.5) / (4 + 3) = 0.5714; known 7 of 9 = 0.7778.
/// Not met or partly, heaviest first: B-1 (2, not met), then A-2 and B-3 (1, partly) by id.
#[test]
fn an_assessment_is_scored_as_worked_by_hand() {
    let s = load_standard("mini.yaml", MINI).unwrap_or_else(|e| panic!("{}", e.render(Some(MINI))));
    let a = load_answers("answers.yaml", ANSWERS, &s)
        .unwrap_or_else(|e| panic!("{}", e.render(Some(ANSWERS))));
    assert_eq!(
        a.answers["A-2"].note.as_deref(),
        Some("Two shared logins left")
    );
    let r = score(&s, &a);
    let close = |x: Option<f64>, y: f64| {
        let x = x.unwrap_or(f64::NAN);
        assert!((x - y).abs() < 1e-9, "{x} != {y}");
    };
    close(r.overall.score, 4.0 / 7.0);
    close(Some(r.overall.known), 7.0 / 9.0);
    let access = &r.overall.sections[0];
    close(access.score, 0.875);
    close(Some(access.known), 4.0 / 6.0);
    assert_eq!((access.met, access.partly, access.unknown), (1, 1, 1));
    let backups = &r.overall.sections[1];
    close(backups.score, 0.5 / 3.0);
    close(Some(backups.known), 1.0);
    assert_eq!(backups.not_applicable, 1);
    close(backups.sections[0].score, 0.0);
    let gaps: Vec<(&str, Answer)> = r
        .gaps
        .iter()
        .map(|g| (g.control.as_str(), g.answer))
        .collect();
    assert_eq!(
        gaps,
        [
            ("B-1", Answer::NotMet),
            ("A-2", Answer::Partly),
            ("B-3", Answer::Partly)
        ]
    );
    // Nothing answered: no score at all, never 0.
    let none = load_answers("a.yaml", "format: 1\nstandard: mini\nanswers: {}\n", &s).unwrap();
    let r = score(&s, &none);
    assert_eq!(r.overall.score, None);
    assert_eq!(r.overall.known, 0.0);
    assert_eq!(r.overall.unknown, 6);
}

#[test]
fn a_remedy_becomes_an_initiative_of_the_plan() {
    let s = load_standard("mini.yaml", MINI).unwrap();
    let init = remedy_initiative(&s, "A-1", Some("safe")).expect("A-1 has a remedy");
    assert_eq!(init["id"], "fix-mini-a-1");
    assert_eq!(init["title"], "Two-factor sign-in");
    assert_eq!(init["contributes"], serde_json::json!({"safe": 2}));
    assert_eq!(
        init["one_time_cost"],
        serde_json::json!({"low": 100, "likely": 300, "high": 600})
    );
    assert!(remedy_initiative(&s, "A-2", None).is_none(), "no remedy");
    // It makes a valid plan.
    let plan = format!(
        "version: 1\norganization: {{name: S, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}}\ngoals:\n  - {{id: safe, title: Safe}}\ninitiatives:\n  - {init}\n"
    );
    sextant_core::load_plan("plan.yaml", &plan)
        .unwrap_or_else(|e| panic!("{}", e.render(Some(&plan))));
}

#[test]
fn a_bad_standard_is_refused_with_line_and_column() {
    let dup = MINI.replace("id: A-3,", "id: A-2,");
    let e = load_standard("mini.yaml", &dup)
        .unwrap_err()
        .render(Some(&dup));
    assert!(e.contains("mini.yaml:14:14"), "{e}");
    assert!(e.contains("the id `A-2` is used twice"), "{e}");
    assert!(e.contains("(first at line 13, column 14)"), "{e}");
    let neg = MINI.replace("weight: 3", "weight: -1");
    let e = load_standard("mini.yaml", &neg)
        .unwrap_err()
        .render(Some(&neg));
    assert!(e.contains("mini.yaml:11:17"), "{e}");
    assert!(e.contains("a weight must be 0 or more"), "{e}");
    assert!(e.contains("found: -1"), "{e}");
    let bad = MINI.replace("question: Is a copy kept off site?", "questin: x");
    let e = load_standard("mini.yaml", &bad)
        .unwrap_err()
        .render(Some(&bad));
    assert!(e.contains("unknown field `questin`"), "{e}");
    assert!(e.contains("did you mean `question`?"), "{e}");
}

#[test]
fn bad_answers_are_refused_with_line_and_column() {
    let s = load_standard("mini.yaml", MINI).unwrap();
    let unknown = ANSWERS.replace("B-3: partly", "B-4: partly");
    let e = load_answers("answers.yaml", &unknown, &s)
        .unwrap_err()
        .render(Some(&unknown));
    assert!(e.contains("answers.yaml:11:3"), "{e}");
    assert!(e.contains("`B-4` is not a control of mini"), "{e}");
    assert!(e.contains("did you mean `B-"), "{e}");
    let word = ANSWERS.replace("A-1: met", "A-1: yes");
    let e = load_answers("answers.yaml", &word, &s)
        .unwrap_err()
        .render(Some(&word));
    assert!(e.contains("answers.yaml:7:8"), "{e}");
    assert!(
        e.contains("`met`, `partly`, `not_met`, `not_applicable`, `unknown`"),
        "{e}"
    );
    let other = ANSWERS.replace("standard: mini", "standard: nist-csf-2.0");
    let e = load_answers("answers.yaml", &other, &s)
        .unwrap_err()
        .render(Some(&other));
    assert!(e.contains("the answers are for another standard"), "{e}");
}

/// The shipped standards read without a problem, with the published counts: NIST CSF 2.0's 6
/// functions, 22 categories and 106 subcategories.
#[test]
fn the_shipped_standards_read_with_their_published_counts() {
    for (file, text) in sextant_core::standard::SHIPPED {
        if let Err(e) = load_standard(file, text) {
            panic!("{}", e.render(Some(text)));
        }
    }
    let all = sextant_core::standard::shipped();
    let csf = all
        .iter()
        .find(|s| s.id == "nist-csf-2.0")
        .expect("CSF 2.0");
    assert_eq!(csf.sections.len(), 6);
    assert_eq!(
        csf.sections.iter().map(|s| s.sections.len()).sum::<usize>(),
        22
    );
    assert_eq!(csf.controls().len(), 106);
    let ids: Vec<&str> = csf.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["GV", "ID", "PR", "DE", "RS", "RC"]);
    assert!(csf.control("PR.AA-03").is_some());
    for s in all {
        assert!(!s.licence.is_empty(), "{}", s.id);
        assert!(s.source.is_some(), "{}", s.id);
    }
    let e8 = all
        .iter()
        .find(|s| s.id == "essential-eight")
        .expect("Essential Eight");
    assert_eq!(e8.sections.len(), 8);
    assert!(
        e8.attribution
            .as_deref()
            .is_some_and(|a| a.contains("CC BY 4.0"))
    );
    assert!(all.iter().any(|s| s.id == "cisa-cpg"));
}
