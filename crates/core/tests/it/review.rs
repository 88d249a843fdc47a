//! The review cadence: open actions carried over until done, and the agenda of the next review
//! prepared from what changed since the last one, each against figures worked out by hand; the
//! reviews file's refusals.

#![allow(clippy::unwrap_used)]

use sextant_core::health::Review as Next;
use sextant_core::model::Date;
use sextant_core::review::{
    Action, Inputs, Meeting, Seen, Status, Topic, agenda, load_meetings, open_actions,
};
use sextant_core::standard::{Score, Scored};

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn action(title: &str, due: Option<&str>, status: Status) -> Action {
    Action {
        title: title.into(),
        owner: Some("Sam".into()),
        due: due.map(day),
        status,
    }
}

/// Two reviews: March (A done, B open due 30 April, C in progress without a date) and June (D
/// open due 31 July). On 1 July: B is overdue and was carried over once (June's review came
/// after it); D is due; C has no date so comes last, carried over once; A is done, left out.
fn meetings() -> Vec<Meeting> {
    vec![
        Meeting {
            id: "june".into(),
            date: day("2027-06-12"),
            title: "Second quarter".into(),
            decisions: vec!["Move the till to the cloud".into()],
            actions: vec![action("D", Some("2027-07-31"), Status::Open)],
            seen: vec![],
            answers: vec![],
        },
        Meeting {
            id: "march".into(),
            date: day("2027-03-10"),
            title: "First quarter".into(),
            decisions: vec![],
            actions: vec![
                action("A", Some("2027-03-31"), Status::Done),
                action("B", Some("2027-04-30"), Status::Open),
                action("C", None, Status::InProgress),
            ],
            seen: vec![],
            answers: vec![],
        },
    ]
}

#[test]
fn open_actions_are_carried_over_until_done_overdue_first() {
    let open = open_actions(&meetings(), day("2027-07-01"));
    let got: Vec<(&str, bool, usize, &str, usize)> = open
        .iter()
        .map(|a| {
            (
                a.action.title.as_str(),
                a.overdue,
                a.carried_over,
                a.review.as_str(),
                a.index,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("B", true, 1, "march", 1),
            ("D", false, 0, "june", 0),
            ("C", false, 1, "march", 2),
        ]
    );
    // Once B is done it is no longer carried.
    let mut m = meetings();
    m[1].actions[1].status = Status::Done;
    let titles: Vec<String> = open_actions(&m, day("2027-07-01"))
        .into_iter()
        .map(|a| a.action.title)
        .collect();
    assert_eq!(titles, ["D", "C"]);
}

fn plan() -> sextant_core::Plan {
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
goals:
  - {id: sales, title: Sales of 200 a month, kpi: revenue, baseline: 100, target: 200, due: 2027-09}
measurements:
  revenue: {2027-01: 100, 2027-02: 104, 2027-03: 105, 2027-04: 110}
";
    match sextant_core::load_plan("plan.yaml", text) {
        Ok(p) => p,
        Err(e) => panic!("{}", e.render(Some(text))),
    }
}

fn scored(date: &str, score: f64) -> Scored {
    Scored {
        standard: "own".into(),
        title: "Our baseline".into(),
        date: Some(day(date)),
        assessor: None,
        overall: Score {
            id: "overall".into(),
            title: "Overall".into(),
            score: Some(score),
            known: 1.0,
            met: 0,
            partly: 0,
            not_met: 0,
            not_applicable: 0,
            unknown: 0,
            sections: vec![],
        },
        gaps: vec![],
    }
}

/// On 20 April 2027, the last review held on 15 March 2027 (a quarterly rhythm from January):
/// - the next review is due by the end of April, the first month of the second quarter;
/// - revenue moved from 105 (March, the last review's month) to 110 in April: +4.8%, "+5%";
/// - the sales goal (100 to 200 by September) is at 10% of the way with 5 months left: off
///   track or at risk, listed;
/// - the assessment of 1 April 2027 (62%) follows one of 10 January (54%): up 8 points; the
///   January one is before the last review and not listed itself.
#[test]
fn the_agenda_lists_what_changed_since_the_last_review() {
    let plan = plan();
    let analysed = sextant_core::analyze(&plan);
    let series = sextant_core::kpi::plan_series(&plan);
    let meetings = vec![Meeting {
        id: "march".into(),
        date: day("2027-03-15"),
        title: "First quarter".into(),
        decisions: vec!["Try the loyalty app".into()],
        actions: vec![action("Price the app", Some("2027-04-10"), Status::Open)],
        seen: vec![],
        answers: vec![],
    }];
    let assessments = vec![
        ("jan".to_string(), scored("2027-01-10", 0.54)),
        ("apr".to_string(), scored("2027-04-01", 0.62)),
    ];
    let ag = agenda(&Inputs {
        today: day("2027-04-20"),
        doc: Some(plan.doc()),
        analysis: Some(&analysed),
        series: Some(&series),
        meetings: &meetings,
        assessments: &assessments,
        lifecycle: None,
    });
    assert_eq!(ag.every_months, 3);
    assert_eq!(
        ag.next,
        Next::Due {
            by: day("2027-04-30")
        }
    );
    assert_eq!(ag.since, day("2027-03-15"));
    assert_eq!(ag.last.as_ref().unwrap().id, "march");
    let items: Vec<(Topic, &str, &str)> = ag
        .items
        .iter()
        .map(|i| (i.topic, i.text.as_str(), i.link.as_str()))
        .collect();
    assert_eq!(
        items[0],
        (
            Topic::Action,
            "Price the app (Sam): overdue, was due by 10 April 2027",
            "reviews/march"
        )
    );
    assert_eq!(
        items[1],
        (
            Topic::Decision,
            "Decided on 15 March 2027: Try the loyalty app. Has it been done?",
            "reviews/march"
        )
    );
    assert_eq!(items[2].0, Topic::Kpi);
    // 110 / 105 - 1 = 4.76%, written as people round it.
    assert_eq!(
        items[2].1,
        "Revenue: $110 in April 2027, up from $105 (+5%)"
    );
    assert_eq!(items[2].2, "kpis/revenue");
    assert_eq!(items[3].0, Topic::Goal);
    assert!(
        items[3].1.starts_with("Sales of 200 a month is "),
        "{}",
        items[3].1
    );
    assert_eq!(
        items[4],
        (
            Topic::Assessment,
            "Our baseline assessed on 1 April 2027: 62% of the weight met, up 8 points from 54%; 0 controls not met or partly met",
            "assessments/apr"
        )
    );
    assert_eq!(items.len(), 5);

    // When the March review kept what it saw (revenue at 100 then, before a correction put
    // 105 there), the agenda says revenue moved from what was seen: 110 / 100 - 1 = +10%.
    let mut kept = meetings.clone();
    kept[0].seen = vec![Seen {
        kpi: "revenue".into(),
        month: sextant_core::model::Month::parse("2027-03").unwrap(),
        value: 100.0,
    }];
    let ag = agenda(&Inputs {
        today: day("2027-04-20"),
        doc: Some(plan.doc()),
        analysis: Some(&analysed),
        series: Some(&series),
        meetings: &kept,
        assessments: &assessments,
        lifecycle: None,
    });
    assert_eq!(
        ag.items[2].text,
        "Revenue: $110 in April 2027, up from $100 (+10%)"
    );
}

/// With no review held, changes count from one rhythm before today and the next review is due
/// by the end of the current period's first month; a monthly rhythm from the plan.
#[test]
fn without_a_review_the_rhythm_decides() {
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08, fiscal_year_start: 4, review_every_months: 1}
";
    let plan = sextant_core::load_plan("plan.yaml", text).unwrap();
    let ag = agenda(&Inputs {
        today: day("2027-05-20"),
        doc: Some(plan.doc()),
        analysis: None,
        series: None,
        meetings: &[],
        assessments: &[],
        lifecycle: None,
    });
    assert_eq!(ag.every_months, 1);
    assert_eq!(ag.since, day("2027-04-20"));
    assert_eq!(
        ag.next,
        Next::Due {
            by: day("2027-05-31")
        }
    );
    assert!(ag.items.is_empty());
    // A rhythm outside 1 to 12 months is refused where it is written.
    let bad = text.replace("review_every_months: 1", "review_every_months: 13");
    let e = sextant_core::load_plan("plan.yaml", &bad)
        .unwrap_err()
        .render(Some(&bad));
    assert!(e.contains("organization.review_every_months"), "{e}");
    assert!(e.contains("1 to 12"), "{e}");
}

#[test]
fn a_reviews_file_is_read_and_its_mistakes_located() {
    let text = "reviews:
  - id: march
    date: 2027-03-10
    title: First quarter
    attendees: [Ann]
    actions:
      - {title: Price the app, owner: Sam, due: 2027-04-10, status: in_progress}
";
    let m = load_meetings("reviews.yaml", text).unwrap();
    assert_eq!(m[0].actions[0].status, Status::InProgress);
    assert_eq!(m[0].actions[0].due, Some(day("2027-04-10")));
    // A bare list reads the same.
    let list = "- id: march
  date: 2027-03-10
  title: First quarter
  attendees: [Ann]
  actions:
    - {title: Price the app, owner: Sam, due: 2027-04-10, status: in_progress}
";
    assert_eq!(load_meetings("reviews.yaml", list).unwrap(), m);
    // The reviews as the API gives them, with the figures the server kept, read as they are.
    let exported = r#"{"reviews": [{"id": "march", "date": "2027-03-10", "title": "First quarter",
        "kpis": ["revenue"], "snapshot": [{"kpi": "revenue", "month": "2027-02", "value": 105.5}]}]}"#;
    let m = load_meetings("reviews.json", exported).unwrap();
    assert_eq!(
        m[0].seen,
        [Seen {
            kpi: "revenue".into(),
            month: sextant_core::model::Month::parse("2027-02").unwrap(),
            value: 105.5
        }]
    );

    let bad = "- {id: a, date: 2027-13-01, title: A}
- {id: a, date: 2027-03-01, title: B, actions: [{title: X, status: finished}]}
- {id: b, date: 2027-03-01, title: C}
- {id: b, date: 2027-03-02, title: D}
";
    let e = load_meetings("reviews.yaml", bad).unwrap_err().0;
    let lines: Vec<String> = e
        .iter()
        .map(|p| format!("{}:{} {}", p.location.line, p.path, p.message))
        .collect();
    assert!(lines[0].starts_with("1:[0].date"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2:[1].actions[0].status") && l.contains("`in_progress`")),
        "{lines:?}"
    );
    // The duplicate of `b` is found once every entry is read.
    let dup = "- {id: b, date: 2027-03-01, title: C}\n- {id: b, date: 2027-03-02, title: D}\n";
    let e = load_meetings("reviews.yaml", dup).unwrap_err().0;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].location.line, 2);
    assert_eq!(e[0].message, "the review id `b` is used twice");
}

/// A client's answers in a reviews file: read with the review, each problem with its line
/// (an initiative answer without its id, a budget answer naming one, a verdict not known, a
/// subject answered twice in one review, a name missing); the latest answer about a subject
/// wins over every review; the agenda follows up a declined proposal and an approved change
/// the plan still lists as a candidate, not one approved and planned.
#[test]
fn a_clients_answers_are_read_and_followed_up() {
    use sextant_core::review::{About, Verdict, latest_answer};
    let text = "- id: march
  date: 2027-03-10
  title: First quarter
  answers:
    - {about: initiative, initiative: app, verdict: approved, by: Ann, on: 2027-03-12, comment: Go ahead}
    - {about: budget, verdict: declined, by: Ann, on: 2027-03-12, shown: '2027: $4,000'}
- id: june
  date: 2027-06-12
  title: Second quarter
  answers:
    - {about: initiative, initiative: app, verdict: declined, by: Ann, on: 2027-06-13}
";
    let m = load_meetings("reviews.yaml", text).unwrap();
    assert_eq!(m[0].answers.len(), 2);
    assert_eq!(m[0].answers[1].shown.as_deref(), Some("2027: $4,000"));
    assert_eq!(
        m[0].answers[0].sentence(),
        "Approved by Ann on 12 March 2027: “Go ahead”"
    );
    let (r, a) = latest_answer(&m, About::Initiative, Some("app")).unwrap();
    assert_eq!((r.id.as_str(), a.verdict), ("june", Verdict::Declined));
    let (r, _) = latest_answer(&m, About::Budget, None).unwrap();
    assert_eq!(r.id, "march");
    assert!(latest_answer(&m, About::Initiative, Some("other")).is_none());

    let bad = "- id: a
  date: 2027-03-01
  title: A
  answers:
    - {about: initiative, verdict: approved, by: Ann, on: 2027-03-02}
    - {about: budget, initiative: app, verdict: approved, by: Ann, on: 2027-03-02}
    - {about: budget, verdict: maybe, by: Ann, on: 2027-03-02}
    - {about: initiative, initiative: x, verdict: approved, by: ' ', on: 2027-03-02}
- id: b
  date: 2027-03-01
  title: B
  answers:
    - {about: budget, verdict: approved, by: Ann, on: 2027-03-02}
    - {about: budget, verdict: declined, by: Ann, on: 2027-03-03}
";
    let e = load_meetings("reviews.yaml", bad).unwrap_err().0;
    let lines: Vec<String> = e
        .iter()
        .map(|p| format!("{}:{} {}", p.location.line, p.path, p.message))
        .collect();
    assert_eq!(
        lines,
        [
            "5:[0].answers[0].initiative expected the id of the initiative answered, found none",
            "6:[0].answers[1].initiative expected no initiative in an answer about the budget, found `app`",
            "7:[0].answers[2].verdict expected one of `approved`, `declined`",
            "8:[0].answers[3].by expected who answered, found an empty name",
            "14:[1].answers[1] the budget is answered twice in this review",
        ],
        "{lines:?}"
    );

    // The agenda on 1 July: the app declined in June (its latest answer) and the budget
    // declined in March are followed up; an approval of a planned change is not.
    let plan = sextant_core::load_plan(
        "plan.yaml",
        "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
initiatives:
  - {id: app, title: Loyalty app, one_time_cost: 1000, duration_months: 2}
  - {id: till, title: New till, status: planned, one_time_cost: 1000, duration_months: 1}
",
    )
    .unwrap();
    let mut m = m;
    m[1].answers.push(sextant_core::review::Answer {
        about: About::Initiative,
        initiative: Some("till".into()),
        verdict: Verdict::Approved,
        by: "Ann".into(),
        on: day("2027-06-13"),
        comment: None,
        shown: None,
    });
    let ag = agenda(&Inputs {
        today: day("2027-07-01"),
        doc: Some(plan.doc()),
        analysis: None,
        series: None,
        meetings: &m,
        assessments: &[],
        lifecycle: None,
    });
    let answers: Vec<(&str, &str)> = ag
        .items
        .iter()
        .filter(|i| i.topic == Topic::Answer)
        .map(|i| (i.text.as_str(), i.link.as_str()))
        .collect();
    assert_eq!(
        answers,
        [
            (
                "Loyalty app was declined by Ann on 13 June 2027. Change it, or propose something else?",
                "reviews/june#answers"
            ),
            (
                "The budget was declined by Ann on 12 March 2027. Change it, or propose something else?",
                "reviews/march#answers"
            ),
        ]
    );
    // Approved in June while still a candidate: the agenda asks for it to be marked planned.
    m[1].answers[0].verdict = Verdict::Approved;
    let ag = agenda(&Inputs {
        today: day("2027-07-01"),
        doc: Some(plan.doc()),
        analysis: None,
        series: None,
        meetings: &m,
        assessments: &[],
        lifecycle: None,
    });
    assert!(ag.items.iter().any(|i| i.text
        == "Loyalty app was approved by Ann on 13 June 2027, but the plan still lists it as a candidate: mark it planned."));
}

/// A KPI's move in words: a score (NPS from -50 to 100) and a share (conversion from 10% to
/// 12.5%) by the points they moved, not by a percentage of a negative or small base; a metric
/// nothing names by its id in words.
#[test]
fn the_agenda_says_scores_and_shares_moved_by_points() {
    let plan = plan();
    let mut series = sextant_core::kpi::plan_series(&plan);
    let month = |m: &str| sextant_core::model::Month::parse(m).unwrap();
    for (id, before, after) in [
        ("nps", -50.0, 100.0),
        ("conversion_rate", 0.10, 0.125),
        ("marketing_spend", 0.0, 350.0),
    ] {
        series.insert(
            id.to_string(),
            [(month("2027-03"), before), (month("2027-04"), after)]
                .into_iter()
                .collect(),
        );
    }
    let meetings = vec![Meeting {
        id: "march".into(),
        date: day("2027-03-15"),
        title: "First quarter".into(),
        decisions: vec![],
        actions: vec![],
        seen: vec![],
        answers: vec![],
    }];
    let ag = agenda(&Inputs {
        today: day("2027-04-20"),
        doc: Some(plan.doc()),
        analysis: None,
        series: Some(&series),
        meetings: &meetings,
        assessments: &[],
        lifecycle: None,
    });
    let texts: Vec<&str> = ag
        .items
        .iter()
        .filter(|i| i.topic == Topic::Kpi)
        .map(|i| i.text.as_str())
        .collect();
    assert!(
        texts.contains(&"Net Promoter Score: 100 in April 2027, up from -50 (+150 points)"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Conversion rate: 12.5% in April 2027, up from 10% (+2.5 points)"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Marketing spend: $350 in April 2027, from $0"),
        "{texts:?}"
    );
}
