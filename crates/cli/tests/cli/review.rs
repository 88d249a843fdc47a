//! `sextant review`: the agenda of the bookstore's next review from its autumn review (the
//! demo's), worked out by hand; Markdown for the invitation; a reviews file's mistakes with their
//! line and column.

#![allow(clippy::unwrap_used)]

use super::{demo, sextant, stderr, stdout, temp_dir};

const REVIEWS: &str = "reviews:
  - id: autumn
    date: 2026-10-20
    title: Autumn review
    decisions: [Replace the till before Windows 10 support runs out]
    actions:
      - {title: Test restoring last week's backup, owner: Sam, due: 2026-10-31, status: done}
      - {title: Get two quotes for a new till, owner: Sarah, due: 2026-11-30}
      - {title: Write down who to call when the card reader fails, owner: Sam, due: 2027-01-31, status: in_progress}
";

/// On 4 December 2026 (the bookstore's fiscal year from January, quarterly reviews): the
/// autumn review of 20 October was in the fourth quarter, so the next is due by the end of the
/// first month of the next quarter, 31 January 2027. Of its actions the backup test is done;
/// the quotes (due 30 November) are overdue and come first; the card reader's is due.
#[test]
fn the_agenda_worked_out_by_hand() {
    let dir = temp_dir("review");
    let file = dir.join("reviews.yaml");
    std::fs::write(&file, REVIEWS).unwrap();
    let plan = demo();
    let args = |format: &'static str| {
        vec![
            "review".to_string(),
            plan.to_str().unwrap().to_string(),
            "--reviews".into(),
            file.to_str().unwrap().to_string(),
            "--today".into(),
            "2026-12-04".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let run = |format: &'static str| {
        let a = args(format);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = sextant(&a);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        v["next"],
        serde_json::json!({"state": "due", "by": "2027-01-31"})
    );
    assert_eq!(v["since"], "2026-10-20");
    assert_eq!(v["every_months"], 3);
    let items: Vec<(&str, &str)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["topic"].as_str().unwrap(), i["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        items[..3],
        [
            (
                "action",
                "Get two quotes for a new till (Sarah): overdue, was due by 30 November 2026"
            ),
            (
                "action",
                "Write down who to call when the card reader fails (Sam): due by 31 January 2027, in progress"
            ),
            (
                "decision",
                "Decided on 20 October 2026: Replace the till before Windows 10 support runs out. Has it been done?"
            ),
        ]
    );
    assert_eq!(v["actions"][0]["overdue"], true);
    assert_eq!(v["actions"][0]["index"], 1);

    let text = run("text");
    assert!(
        text.starts_with("Agenda for the next review of The Corner Bookstore\n"),
        "{text}"
    );
    assert!(text.contains("Due by 31 January 2027.\nLast review: 20 October 2026 (Autumn review).\nReviews every 3 months; changes since 20 October 2026."), "{text}");
    assert!(
        text.contains("Open actions\n------------\n- Get two quotes"),
        "{text}"
    );
    let md = run("markdown");
    assert!(
        md.contains("## Decisions to follow up\n\n- Decided on 20 October 2026"),
        "{md}"
    );
}

#[test]
fn a_reviews_file_with_mistakes_is_refused_with_line_and_column() {
    let dir = temp_dir("review-bad");
    let file = dir.join("reviews.yaml");
    std::fs::write(
        &file,
        "reviews:\n  - id: autumn\n    date: 2026-10-20\n    title: Autumn\n    actions:\n      - {title: Quotes, due: next week, status: open}\n",
    )
    .unwrap();
    let plan = demo();
    let out = sextant(&[
        "review",
        plan.to_str().unwrap(),
        "--reviews",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let e = stderr(&out);
    assert!(e.contains("reviews.yaml:6:"), "{e}");
    assert!(e.contains("reviews[0].actions[0].due"), "{e}");
    assert!(e.contains("next week"), "{e}");
}

/// The client's answers kept in the reviews file: `sextant review` follows up the declined
/// budget and the approved CRM the plan still lists as a candidate (the file's answer does not
/// change the plan file: the agenda asks for it), `sextant summary` quotes them and no longer
/// asks for the approved till, and a mistake in an answer is refused with its line.
#[test]
fn the_clients_answers_from_the_reviews_file() {
    let dir = temp_dir("review-answers");
    let file = dir.join("reviews.yaml");
    std::fs::write(
        &file,
        format!(
            "{REVIEWS}    answers:
      - {{about: initiative, initiative: crm, verdict: approved, by: Sarah, on: 2026-10-22}}
      - {{about: budget, verdict: declined, by: Sarah, on: 2026-10-22, comment: Too much}}
"
        ),
    )
    .unwrap();
    let plan = demo();
    let (p, f) = (plan.to_str().unwrap(), file.to_str().unwrap());
    let out = sextant(&["review", p, "--reviews", f, "--today", "2026-12-04"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("The client's answers\n--------------------\n- Cloud CRM integrated with POS and e-commerce was approved by Sarah on 22 October 2026, but the plan still lists it as a candidate: mark it planned.\n- The budget was declined by Sarah on 22 October 2026: “Too much”. Change it, or propose something else?"),
        "{text}"
    );
    let out = sextant(&["summary", p, "--reviews", f, "--today", "2026-12-04"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Approved: Cloud CRM integrated with POS and e-commerce. Declined: the budget (“Too much”)."),
        "{text}"
    );

    std::fs::write(
        &file,
        format!(
            "{REVIEWS}    answers:
      - {{about: initiative, verdict: approved, by: Sarah, on: 2026-10-22}}
"
        ),
    )
    .unwrap();
    let out = sextant(&["review", p, "--reviews", f, "--today", "2026-12-04"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("reviews.yaml:11"), "{err}");
    assert!(
        err.contains("expected the id of the initiative answered, found none"),
        "{err}"
    );
}
