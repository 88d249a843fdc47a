//! The executive summary: every figure it states is the one the analysis, the roadmap, the
//! budget and the simulation give, written as people write it; the same inputs give the same
//! text; the decisions and the changes since the last review follow what the inputs hold.
#![allow(clippy::unwrap_used)]

use sextant_core::model::Date;
use sextant_core::review::{self, Action, Meeting, Status};
use sextant_core::unit::{chance, rounded_money};
use sextant_ops::summary::{self, Summary};

fn demo() -> sextant_core::Plan {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore.yaml"),
    )
    .unwrap();
    sextant_core::load_plan("corner-bookstore.yaml", &text).unwrap()
}

struct Made {
    analysed: sextant_ops::Analysed,
    roadmap: sextant_roadmap::report::Roadmap,
    budget: sextant_ops::budget::Budget,
    sim: sextant_roadmap::simulate::Simulation,
    what_if: Vec<sextant_ops::what_if::WhatIf>,
}

fn made(plan: &sextant_core::Plan) -> Made {
    let analysed = sextant_ops::analyse(plan, None);
    let roadmap =
        sextant_ops::roadmap(plan, &sextant_ops::RoadmapRequest::default(), &|| true).roadmap;
    let budget = sextant_ops::budget::budget(plan, &roadmap, 3, &[]);
    let sim = sextant_ops::simulate_roadmap(
        plan,
        &roadmap,
        &sextant_ops::PACK_TRIALS,
        &sextant_roadmap::Stop::never(),
        &|_| {},
    )
    .unwrap();
    let what_if = sextant_ops::what_if::comparison(plan, &sextant_roadmap::Stop::never())
        .map(|c| sextant_ops::what_if::what_if(plan, &c))
        .unwrap_or_default();
    Made {
        analysed,
        roadmap,
        budget,
        sim,
        what_if,
    }
}

fn summarise(plan: &sextant_core::Plan, m: &Made, meetings: &[Meeting], today: Date) -> Summary {
    let agenda = review::agenda(&review::Inputs {
        today,
        doc: Some(plan.doc()),
        analysis: Some(&m.analysed.analysis),
        series: Some(&m.analysed.series),
        meetings,
        assessments: &[],
        lifecycle: None,
    });
    summary::summary(&summary::Inputs {
        plan,
        analysis: &m.analysed.analysis,
        roadmap: &m.roadmap,
        budget: &m.budget,
        simulation: Some(&m.sim),
        agenda: &agenda,
        meetings,
        what_if: &m.what_if,
    })
}

fn all_text(s: &Summary) -> String {
    s.sections()
        .iter()
        .flat_map(|(_, l)| l.iter().map(|l| l.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn every_figure_is_the_one_the_analysis_roadmap_budget_and_simulation_give() {
    let plan = demo();
    let m = made(&plan);
    let s = summarise(&plan, &m, &[], day("2026-12-04"));
    let f = &s.figures;
    let text = all_text(&s);
    let cur = "USD";

    // The roadmap: its changes, their costs and its value.
    assert_eq!(f.changes, m.roadmap.schedule.len());
    assert_eq!(f.npv, m.roadmap.npv);
    let one_time: f64 = m.roadmap.schedule.iter().map(|x| x.cost).sum();
    assert_eq!(f.one_time_cost, one_time);
    // The analysis' business cases of the scheduled changes: the demo schedules all five of
    // its portfolio, so the sums are the portfolio's.
    let p = &m.analysed.analysis.portfolio;
    assert_eq!(p.included.len(), f.changes);
    assert!((f.recurring_cost_annual - p.recurring_cost_annual).abs() < 1e-9);
    assert!((f.benefit_annual - p.benefit_annual).abs() < 1e-9);
    for x in [
        f.npv,
        f.one_time_cost,
        f.recurring_cost_annual,
        f.benefit_annual,
    ] {
        assert!(text.contains(&rounded_money(x, cur)), "{x} in {text}");
    }

    // The budget: this year (2026 is before the plan, so 2027) and the next.
    assert_eq!(f.years.len(), 2);
    for (y, row) in f.years.iter().zip(&m.budget.years) {
        assert_eq!(y.period, row.period);
        assert_eq!(
            (y.total, y.capital, y.operating),
            (row.total, row.capital, row.operating)
        );
        for x in [y.total, y.capital, y.operating] {
            assert!(text.contains(&rounded_money(x, cur)), "{x} in {text}");
        }
    }
    assert_eq!(f.years[0].period, "2027");

    // The simulation.
    assert_eq!(f.chance_of_loss, Some(m.sim.p_npv_negative));
    assert_eq!(f.npv_range, Some((m.sim.npv.p10, m.sim.npv.p90)));
    assert!(text.contains(&chance(m.sim.p_npv_negative)), "{text}");

    // Each goal's chance, as the analysis forecasts it.
    let goals = &m.analysed.analysis.goal_status;
    assert_eq!(f.goals.len(), goals.len());
    for (g, st) in f.goals.iter().zip(goals) {
        assert_eq!(g.goal, st.goal);
        assert_eq!(g.chance, st.probability);
        assert_eq!(g.standing, st.status);
        if let Some(p) = st.probability {
            assert!(text.contains(&chance(p)), "{} in {text}", st.goal);
        }
    }

    // At most three decisions; the first approves the first changes of the roadmap.
    assert!(s.decisions.len() <= summary::DECISIONS);
    assert!(
        s.decisions[0].text.starts_with(
            "Approve Point-of-sale system with inventory management and Social media presence and email marketing, due to start in January 2027: $1,800 to set up."
        ),
        "{:?}",
        s.decisions
    );
    // No jargon without its meaning.
    for word in ["NPV", "IRR", "TIME", "alignment"] {
        assert!(!text.contains(word), "{word} in {text}");
    }

    // The same inputs, the same summary; and the one computation the doors call gives it.
    let again = summarise(&plan, &made(&plan), &[], day("2026-12-04"));
    assert_eq!(again, s);
    let shared = summary::summarise(
        &plan,
        &m.analysed.analysis,
        &m.analysed.series,
        &m.roadmap,
        &summary::Context {
            today: day("2026-12-04"),
            meetings: &[],
            assessments: &[],
            lifecycle: None,
        },
        &sextant_roadmap::Stop::never(),
    );
    assert_eq!(shared.summary, s);
    assert_eq!(shared.budget, m.budget);
}

/// The simulation of a roadmap already searched is the one `simulate` runs after its own
/// search: same schedule, same seed, same figures.
#[test]
fn simulating_the_kept_roadmap_is_simulating_after_the_search() {
    let plan = demo();
    let m = made(&plan);
    let searched = sextant_ops::simulate(
        &plan,
        &sextant_ops::SimulateRequest {
            trials: sextant_ops::PACK_TRIALS,
            ..sextant_ops::SimulateRequest::default()
        },
        &|| true,
        &|_| {},
    )
    .unwrap();
    assert_eq!(searched.p_npv_negative, m.sim.p_npv_negative);
    assert_eq!(searched.npv.mean, m.sim.npv.mean);
    assert_eq!(searched.npv.p10, m.sim.npv.p10);
    assert_eq!(searched.p_over_budget, m.sim.p_over_budget);
}

#[test]
fn a_year_over_budget_asks_for_the_money_and_says_by_how_much() {
    let plan = demo();
    let mut m = made(&plan);
    // By hand: a one-time spend of 7,250 against the 6,000 set aside is 1,250 over.
    m.budget.years[0].one_time = 7_250.0;
    m.budget.years[0].over_budget = true;
    let s = summarise(&plan, &m, &[], day("2026-12-04"));
    assert!(
        s.costs[0].text.ends_with(
            "The changes' set-up costs of $7,250 are $1,250 over the $6,000 set aside for them."
        ),
        "{:?}",
        s.costs
    );
    assert_eq!(
        s.decisions[1].text,
        "Find $1,250 more for changes in 2027, or let the roadmap move some later."
    );
    assert_eq!(s.decisions[1].link, "budget");
}

#[test]
fn since_the_last_review_counts_its_actions_and_quotes_its_decisions() {
    let plan = demo();
    let m = made(&plan);
    let action = |title: &str, status| Action {
        title: title.into(),
        owner: Some("Sam".into()),
        due: Some(day("2026-11-01")),
        status,
    };
    let meetings = vec![Meeting {
        id: "autumn".into(),
        date: day("2026-10-01"),
        title: "Autumn review".into(),
        decisions: vec!["Open the online shop in spring.".into()],
        actions: vec![
            action("Get three quotes", Status::Done),
            action("Clean the customer list", Status::Done),
            action("Book the training", Status::Open),
        ],
        seen: Vec::new(),
        answers: Vec::new(),
    }];
    let s = summarise(&plan, &m, &meetings, day("2026-12-04"));
    assert_eq!(
        s.changes[0].text,
        "The last review was on 1 October 2026 (Autumn review). 2 of the 3 actions agreed there are done. Decided there: “Open the online shop in spring”."
    );
    assert_eq!(s.changes[0].link, "reviews/autumn");
    assert!(
        s.decisions.iter().all(|d| !d.text.starts_with("Settle")),
        "three decisions come before the overdue action: {:?}",
        s.decisions
    );
    let none = summarise(&plan, &m, &[], day("2026-12-04"));
    assert_eq!(
        none.changes[0].text,
        "No review has been held yet: this is the first."
    );
}

#[test]
fn a_plan_with_nothing_scheduled_says_so_and_claims_no_chance() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/corner-bookstore.yaml"),
    )
    .unwrap();
    // Every budget cut to 1: the mandatory changes no longer fit.
    let tight = text
        .replace("amount: 6000", "amount: 1")
        .replace("amount: 4000", "amount: 1");
    let plan = sextant_core::load_plan("tight.yaml", &tight).unwrap();
    let analysed = sextant_ops::analyse(&plan, None);
    let roadmap =
        sextant_ops::roadmap(&plan, &sextant_ops::RoadmapRequest::default(), &|| true).roadmap;
    let budget = sextant_ops::budget::budget(&plan, &roadmap, 3, &[]);
    let sim = sextant_ops::simulate_roadmap(
        &plan,
        &roadmap,
        &sextant_ops::PACK_TRIALS,
        &sextant_roadmap::Stop::never(),
        &|_| {},
    );
    let agenda = review::agenda(&review::Inputs {
        today: day("2026-12-04"),
        doc: Some(plan.doc()),
        analysis: Some(&analysed.analysis),
        series: Some(&analysed.series),
        meetings: &[],
        assessments: &[],
        lifecycle: None,
    });
    let s = summary::summary(&summary::Inputs {
        plan: &plan,
        analysis: &analysed.analysis,
        roadmap: &roadmap,
        budget: &budget,
        simulation: sim.as_ref(),
        agenda: &agenda,
        meetings: &[],
        what_if: &[],
    });
    // With 1 a year nothing fits: no change, no chance of losing money claimed.
    assert!(roadmap.schedule.is_empty(), "{:?}", roadmap.schedule);
    assert!(s.loss.is_none());
    assert_eq!(s.figures.changes, 0);
    assert_eq!(s.figures.chance_of_loss, None);
    assert!(
        s.overview[0]
            .text
            .starts_with("The roadmap schedules no change")
            || s.overview[0].text.starts_with("No roadmap fits"),
        "{:?}",
        s.overview
    );
    assert_eq!(s.overview[0].link, "roadmap");
    assert!(s.decisions.iter().all(|d| !d.text.starts_with("Approve")));
}

#[test]
fn lines_name_the_page_they_open() {
    let l = |link: &str| summary::Line {
        text: String::new(),
        link: link.into(),
    };
    assert_eq!(l("roadmap").opens(), "the roadmap");
    assert_eq!(l("initiatives/crm").opens(), "this change");
    assert_eq!(l("goals/reach").opens(), "this goal");
    assert_eq!(l("reviews").opens(), "the reviews");
    assert_eq!(l("reviews/q3").opens(), "this review");
    assert_eq!(l("kpis/revenue").opens(), "this measure");
    assert_eq!(
        summary::and_list(&["a".into(), "b".into(), "c".into()]),
        "a, b and c"
    );
}

/// The client's answers: the changes approved are no longer asked for (the next ones to start
/// are, on the review's page where the owner answers), the last review's answers are quoted
/// under what changed, and what a client is shown when answering is worked out from the plan
/// (examples/corner-bookstore.yaml: the till, $1,500 likely to set up and $720 a year,
/// starting January 2027 on the roadmap) and from the budget's own rows.
#[test]
fn answers_move_the_decisions_and_are_quoted() {
    use sextant_core::review::{About, Answer, Verdict};
    let plan = demo();
    let m = made(&plan);
    let answer = |id: Option<&str>, verdict, comment: Option<&str>| Answer {
        about: if id.is_some() {
            About::Initiative
        } else {
            About::Budget
        },
        initiative: id.map(str::to_string),
        verdict,
        by: "Sarah".into(),
        on: day("2026-10-22"),
        comment: comment.map(str::to_string),
        shown: None,
    };
    let meetings = vec![Meeting {
        id: "autumn".into(),
        date: day("2026-10-20"),
        title: "Autumn review".into(),
        decisions: Vec::new(),
        actions: Vec::new(),
        seen: Vec::new(),
        answers: vec![
            answer(Some("pos"), Verdict::Approved, Some("Go ahead.")),
            answer(Some("social-email"), Verdict::Approved, None),
            answer(None, Verdict::Declined, Some("Too much in 2027")),
        ],
    }];
    let s = summarise(&plan, &m, &meetings, day("2026-12-04"));
    assert_eq!(
        s.changes[0].text,
        "The last review was on 20 October 2026 (Autumn review). Approved: Point-of-sale system with inventory management (“Go ahead”) and Social media presence and email marketing. Declined: the budget (“Too much in 2027”)."
    );
    // The two approved are not asked for again: the next changes to start are, where the
    // owner answers.
    let first = &s.decisions[0];
    assert!(first.text.starts_with("Approve "), "{first:?}");
    assert!(!first.text.contains("Point-of-sale"), "{first:?}");
    assert!(!first.text.contains("Social media"), "{first:?}");
    assert_eq!(first.link, "reviews/autumn#answers");
    let next = m
        .roadmap
        .schedule
        .iter()
        .filter(|e| e.id != "pos" && e.id != "social-email")
        .map(|e| e.start_month)
        .min()
        .unwrap();
    let due = sextant_core::calendar::month_words(plan.month_at(next as i32));
    assert!(
        first.text.contains(&format!("due to start in {due}")),
        "{first:?}"
    );

    let pos = m.roadmap.schedule.iter().find(|e| e.id == "pos").unwrap();
    assert_eq!(pos.start, "2027-01");
    assert_eq!(
        summary::shown_initiative(&plan, &m.roadmap, "pos").unwrap(),
        "Starts January 2027; $1,500 to set up, then $720 a year."
    );
    assert!(summary::shown_initiative(&plan, &m.roadmap, "nope").is_none());

    // Declined instead: not asked for again, but raised, since the roadmap still starts it
    // (the answer and the plan disagree until one of them changes).
    let mut declined = meetings.clone();
    declined[0].answers[1] = answer(Some("social-email"), Verdict::Declined, None);
    let s = summarise(&plan, &m, &declined, day("2026-12-04"));
    assert!(
        s.decisions
            .iter()
            .all(|d| !(d.text.starts_with("Approve") && d.text.contains("Social media"))),
        "{:?}",
        s.decisions
    );
    let social = m
        .roadmap
        .schedule
        .iter()
        .find(|e| e.id == "social-email")
        .unwrap();
    let raised = s
        .decisions
        .iter()
        .find(|d| {
            d.text
                .starts_with("Social media presence and email marketing was declined")
        })
        .unwrap_or_else(|| panic!("{:?}", s.decisions));
    assert_eq!(
        raised.text,
        format!(
            "Social media presence and email marketing was declined by Sarah on 22 October 2026, but the roadmap still starts it in {}: take it out of the plan, or change it and propose it again.",
            sextant_core::calendar::month_words(plan.month_at(social.start_month as i32))
        )
    );
    assert_eq!(raised.link, "reviews/autumn#answers");
    let shown = summary::shown_budget(&plan, &m.budget, day("2026-12-04"));
    let y = &m.budget.years[0];
    assert_eq!(y.period, "2027");
    assert!(
        shown.starts_with(&format!(
            "2027: {} ({} one-time, {} running); 2028: ",
            rounded_money(y.total, "USD"),
            rounded_money(y.capital, "USD"),
            rounded_money(y.operating, "USD")
        )),
        "{shown}"
    );
}

/// The plan's scenarios in words: each figure is the comparison's (`sextant compare`), the
/// hardest one is named under what is at risk, and the words say what each changes.
#[test]
fn the_scenarios_are_said_in_words_with_the_comparisons_figures() {
    let plan = demo();
    let m = made(&plan);
    let c = sextant_ops::compare(
        &plan,
        sextant_roadmap::Objective::Npv,
        &sextant_roadmap::solve::Options::default(),
    );
    assert_eq!(m.what_if.len(), c.cases.len() - 1);
    for (w, case) in m.what_if.iter().zip(&c.cases[1..]) {
        assert_eq!(w.name, case.name);
        assert_eq!(w.npv, case.npv);
        assert_eq!(w.against_plan, case.npv - c.cases[0].npv);
        assert_eq!(w.schedule_holds, case.base_schedule_feasible);
    }
    // examples/corner-bookstore.yaml's scenarios, as the scenarios page's test works them out:
    // base 52,596.23, cost overrun 49,685.36, e-commerce late 38,366.68 (analytics dropped),
    // weak benefits 26,900.35.
    let heads: Vec<&str> = m.what_if.iter().map(|w| w.head.as_str()).collect();
    assert_eq!(
        heads,
        [
            "“Budget cut” (budgets 20% lower)",
            "“Cost overrun” (costs 25% higher)",
            "“E-commerce late” (E-commerce platform, expansion and optimisation starts 9 months later)",
            "“Weak benefits” (benefits 40% lower)",
        ]
    );
    assert!((m.what_if[3].npv - 26_900.35).abs() < 0.01);
    assert_eq!(
        m.what_if[2].left_out,
        ["Data analytics and inventory optimisation"]
    );
    let s = summarise(&plan, &m, &[], day("2026-12-04"));
    let worst = s.figures.worst_scenario.as_ref().unwrap();
    assert_eq!(worst.name, "weak benefits");
    assert!((worst.against_plan - (26_900.35 - 52_596.23)).abs() < 0.01);
    let line = s.risks.last().unwrap();
    assert_eq!(line.link, "scenarios");
    assert_eq!(line.opens(), "the scenarios");
    assert!(
        line.text.starts_with(
            "The hardest of the plan's what-ifs is “Weak benefits” (benefits 40% lower): the best roadmap would be worth about $26,900, $25,700 less than the plan now."
        ),
        "{}",
        line.text
    );
    // No scenario, nothing said.
    let mut doc = plan.doc().clone();
    doc.scenarios.clear();
    let bare = sextant_core::Plan::from_doc(doc, plan.source().clone()).unwrap();
    assert!(sextant_ops::what_if::comparison(&bare, &sextant_roadmap::Stop::never()).is_none());
}
