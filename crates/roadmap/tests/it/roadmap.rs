//! Hand-worked roadmaps: small plans whose optimum is worked out in the comments, checked
//! through `report::roadmap` and its JSON; one NPV to the cent from the formula of product.md;
//! the efficient frontier; and a budget-cut scenario.
//!
//! Unless a test says otherwise the plans run from 2027-01 for 6 months with a 12-month
//! evaluation horizon and a discount rate of 0, so that `V_i(s)` is plain arithmetic:
//! `-cost + (12 - s - d) * b` for an initiative of `d` months and `b` a month of net benefit.

use serde_json::{Value, json};
use sextant_core::Plan;
use sextant_roadmap::instance::{Adjust, Instance, Objective};
use sextant_roadmap::report::{self, Roadmap};
use sextant_roadmap::scenario;
use sextant_roadmap::schedule;
use sextant_roadmap::solve::{self, Options, Reason, SolveStatus};

use crate::{cents, load};

/// A plan with the default organisation (rate 0) and the given initiatives and constraints
/// (YAML text of the `initiatives:` list items and, optionally, a `constraints:` section).
fn plan(initiatives: &str, rest: &str) -> Plan {
    let text = format!(
        "version: 1\norganization: {{name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: 0}}\ninitiatives:\n{initiatives}{rest}"
    );
    load(&text)
}

fn roadmap(plan: &Plan) -> Roadmap {
    report::roadmap(
        plan,
        Objective::Npv,
        &Options::default(),
        &Adjust::default(),
    )
}

fn json(r: &Roadmap) -> Value {
    serde_json::to_value(r).unwrap()
}

/// `(id, start_month, end_month)` of each scheduled initiative, by start month.
fn starts(r: &Roadmap) -> Vec<(String, u32, u32)> {
    r.schedule
        .iter()
        .map(|s| (s.id.clone(), s.start_month, s.end_month))
        .collect()
}

fn reason(r: &Roadmap, id: &str) -> Reason {
    r.excluded
        .iter()
        .find(|x| x.id == id)
        .unwrap_or_else(|| panic!("`{id}` is not among the excluded: {:?}", r.excluded))
        .reason
}

fn s(id: &str, start: u32, end: u32) -> (String, u32, u32) {
    (id.to_string(), start, end)
}

#[test]
fn a_budget_for_one_of_two_takes_the_higher_npv_and_the_json_names_its_fields() {
    // a: 1,000 in month 0, then 2,400/12 = 200 a month for months 1-11: V_a(0) = -1000 + 11*200
    //    = 1,200. b: 1,000, then 300 a month: V_b(0) = -1000 + 11*300 = 2,300. The 2027 budget
    //    of 1,000 pays for one of them, so the optimum is b alone in month 0 (any later month
    //    loses 300 a month): 2,300. a is left out for the budget.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}], duration_months: 1}\n\
         \x20 - {id: b, title: B, one_time_cost: 1000, benefits: [{kind: saving, annual: 3600}], duration_months: 1}\n",
        "constraints:\n  budget:\n    - {period: 2027, amount: 1000}\n",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 2300.0);
    assert_eq!(starts(&r), vec![s("b", 0, 0)]);
    assert_eq!(reason(&r, "a"), Reason::Budget);

    let v = json(&r);
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 2300.0);
    assert_eq!(v["bound"], 2300.0);
    assert_eq!(v["gap"], 0.0);
    assert_eq!(v["schedule"][0]["id"], "b");
    assert_eq!(v["schedule"][0]["start_month"], 0);
    assert_eq!(v["schedule"][0]["end_month"], 0);
    assert_eq!(v["schedule"][0]["start"], "2027-01");
    assert_eq!(v["schedule"][0]["npv"], 2300.0);
    assert_eq!(v["excluded"][0]["id"], "a");
    assert_eq!(v["excluded"][0]["reason"], "budget");
    assert_eq!(
        v["spend_by_period"],
        json!([{"period": "2027", "spend": 1000.0, "budget": 1000.0}])
    );
    assert_eq!(v["hours_by_month"], json!([0.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
    // The baseline (value per dollar, earliest month) also takes b: 2,300 <= the optimum.
    assert_eq!(v["baseline_objective"], 2300.0);
}

#[test]
fn a_dependency_forces_the_order() {
    // a: 600 over months 0-1, then 200 a month: V_a(0) = -600 + 10*200 = 1,400.
    // b needs a finished: earliest month 2; -300, then 100 a month for months 3-11:
    // V_b(2) = -300 + 9*100 = 600. Both are worth doing at their earliest: 2,000.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 600, benefits: [{kind: saving, annual: 2400}], duration_months: 2}\n\
         \x20 - {id: b, title: B, one_time_cost: 300, benefits: [{kind: saving, annual: 1200}], duration_months: 1, depends_on: [a]}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 2000.0);
    assert_eq!(starts(&r), vec![s("a", 0, 1), s("b", 2, 2)]);
    assert!(r.excluded.is_empty(), "{:?}", r.excluded);
}

#[test]
fn an_alternative_group_picks_one_and_the_other_is_an_alternative() {
    // x: V_x(0) = -1000 + 11*200 = 1,200; y: V_y(0) = -2000 + 11*400 = 2,400. Only one of the
    // group `crm`: y.
    let p = plan(
        "  - {id: x, title: X, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}], duration_months: 1, alternative_group: crm}\n\
         \x20 - {id: y, title: Y, one_time_cost: 2000, benefits: [{kind: saving, annual: 4800}], duration_months: 1, alternative_group: crm}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 2400.0);
    assert_eq!(starts(&r), vec![s("y", 0, 0)]);
    assert_eq!(reason(&r, "x"), Reason::Alternative);
    assert_eq!(json(&r)["excluded"][0]["reason"], "alternative");
}

#[test]
fn a_negative_npv_initiative_is_left_out_for_its_value() {
    // n: V_n(0) = -5000 + 11*100 = -3,900, and later starts are worse. p: -100 + 11*100 =
    // 1,000.
    let p = plan(
        "  - {id: n, title: N, one_time_cost: 5000, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n\
         \x20 - {id: p, title: P, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 1000.0);
    assert_eq!(starts(&r), vec![s("p", 0, 0)]);
    assert_eq!(reason(&r, "n"), Reason::NegativeValue);
    assert_eq!(json(&r)["excluded"][0]["reason"], "negative_value");
}

#[test]
fn a_mandatory_initiative_over_budget_makes_the_plan_infeasible_for_the_budget() {
    // m must be done and costs 5,000; 2027 has 1,000. Dropping the budget, or the mandatory
    // flag, makes the plan feasible; nothing else does.
    let p = plan(
        "  - {id: m, title: M, one_time_cost: 5000, benefits: [{kind: saving, annual: 12000}], duration_months: 1, mandatory: true}\n",
        "constraints:\n  budget:\n    - {period: 2027, amount: 1000}\n",
    );
    let inst = Instance::from_plan(&p, Objective::Npv, &Adjust::default());
    let sol = solve::optimise(&inst, &Options::default());
    assert_eq!(sol.status, SolveStatus::Infeasible);
    assert!(
        sol.infeasible_because.contains(&schedule::Family::Budget),
        "{:?}",
        sol.infeasible_because
    );

    let r = roadmap(&p);
    let v = json(&r);
    assert_eq!(v["status"], "infeasible");
    assert!(r.schedule.is_empty());
    assert!(v["bound"].is_null() && v["gap"].is_null());
    let families: Vec<&str> = v["infeasible_because"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["family"].as_str().unwrap())
        .collect();
    assert_eq!(families, vec!["mandatory", "budget"]);
}

#[test]
fn a_pinned_start_is_kept_even_where_an_earlier_one_is_worth_more() {
    // p: 1,200 over 2 months then 200 a month. Free, it would start in month 0 (-1200 + 10*200
    // = 800); pinned to 2027-03 (month 2) it runs in months 2-3 and earns from month 4:
    // -1200 + 8*200 = 400.
    let p = plan(
        "  - {id: p, title: P, one_time_cost: 1200, benefits: [{kind: saving, annual: 2400}], duration_months: 2, start: 2027-03}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 400.0);
    assert_eq!(starts(&r), vec![s("p", 2, 3)]);
    let v = json(&r);
    assert_eq!(v["schedule"][0]["start"], "2027-03");
    assert_eq!(v["schedule"][0]["end"], "2027-04");
}

#[test]
fn max_concurrent_one_serialises_two_initiatives() {
    // a: 2 months, 1,000, then 500 a month: V_a(0) = -1000 + 10*500 = 4,000, V_a(2) = 3,000.
    // b: 2 months, 1,000, then 200 a month: V_b(0) = 1,000, V_b(2) = -1000 + 8*200 = 600.
    // One at a time: a then b = 4,600; b then a = 4,000; a alone 4,000. So a in 0-1, b in 2-3.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 1000, benefits: [{kind: saving, annual: 6000}], duration_months: 2}\n\
         \x20 - {id: b, title: B, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}], duration_months: 2}\n",
        "constraints:\n  max_concurrent: 1\n",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 4600.0);
    assert_eq!(starts(&r), vec![s("a", 0, 1), s("b", 2, 3)]);
    assert_eq!(r.running_by_month, vec![1, 1, 1, 1, 0, 0]);
    assert_eq!(json(&r)["max_concurrent"], 1);
}

#[test]
fn staff_hours_for_one_leave_the_other_out_for_capacity() {
    // Both take 4 of the 6 months and 20 of the 20 staff hours a month, so they can neither
    // overlap nor follow each other. a: -1000 + 8*500 = 3,000; b: -1000 + 8*200 = 600. a is
    // chosen and b is left out for capacity.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 1000, benefits: [{kind: saving, annual: 6000}], duration_months: 4, effort_hours_per_month: 20}\n\
         \x20 - {id: b, title: B, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}], duration_months: 4, effort_hours_per_month: 20}\n",
        "constraints:\n  staff_hours_per_month: 20\n",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 3000.0);
    assert_eq!(starts(&r), vec![s("a", 0, 3)]);
    assert_eq!(reason(&r, "b"), Reason::Capacity);
    let v = json(&r);
    assert_eq!(v["excluded"][0]["reason"], "capacity");
    assert_eq!(
        v["hours_by_month"],
        json!([20.0, 20.0, 20.0, 20.0, 0.0, 0.0])
    );
    assert_eq!(v["staff_hours_per_month"], 20.0);
}

#[test]
fn an_initiative_behind_a_prerequisite_pushed_late_by_the_concurrency_limit_is_not_negative_value()
{
    // Horizon 4 months, rate 0, one initiative at a time.
    // c: 1 month, -100, then 1,000 a month: V_c(0) = -100 + 11*1000 = 10,900.
    // a: 2 months, -100, then 100 a month: V_a(0) = 900, V_a(1) = 800.
    // b: needs a; 2 months, -100, then 100 a month; it can only run in months 2-3:
    //    V_b(2) = -100 + 8*100 = 700 > 0.
    // c in 0 and a in 1-2 (10,900 + 800 = 11,700) beats a in 0-1 and b in 2-3 (1,600) and
    // a in 0-1 with c in 2 (900 + 8,900 = 9,800). So b is left out: a, which it needs, is
    // scheduled, and b is worth 700 where it could start; what keeps it out is the limit of one
    // initiative at a time (which pushed a to month 1). Its value is not negative.
    let text = "version: 1\norganization: {name: T, currency: USD, start: 2027-01, horizon_months: 4, evaluation_months: 12, discount_rate: 0}\n\
initiatives:\n\
\x20 - {id: c, title: C, one_time_cost: 100, benefits: [{kind: saving, annual: 12000}], duration_months: 1}\n\
\x20 - {id: a, title: A, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 2}\n\
\x20 - {id: b, title: B, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 2, depends_on: [a]}\n\
constraints:\n  max_concurrent: 1\n";
    let r = roadmap(&load(text));
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 11700.0);
    assert_eq!(starts(&r), vec![s("c", 0, 0), s("a", 1, 2)]);
    let b = r.excluded.iter().find(|x| x.id == "b").unwrap();
    assert!(
        matches!(b.reason, Reason::Capacity | Reason::Dependency),
        "b is left out as {:?}: {}",
        b.reason,
        b.detail
    );
    assert!(!b.detail.contains("inf"), "{}", b.detail);
}

#[test]
fn the_npv_of_a_pinned_initiative_to_the_cent() {
    // Rate 10% a year: delta = 1.1^(-1/12) = 0.99208894... Cost 1,200 over 3 months (400 a
    // month) from month 1 (pinned 2027-02), then (6,000 - 1,200)/12 = 400 a month in months
    // 4-11 of the 12-month evaluation horizon:
    //   V(1) = -400 (d^1 + d^2 + d^3) + 400 (d^4 + ... + d^11)
    //        = -400 * 2.97652... + 400 * 7.56235... = 1,834.33
    // (the same as numpy: sum(f * d**t) over flows [0, -400, -400, -400, 400 x 8]).
    let text = "version: 1\norganization: {name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: 0.1}\n\
initiatives:\n\
\x20 - {id: c, title: C, one_time_cost: 1200, recurring_cost_annual: 1200, benefits: [{kind: saving, annual: 6000}], duration_months: 3, start: 2027-02}\n";
    let p = load(text);
    let d: f64 = 1.1f64.powf(-1.0 / 12.0);
    let by_formula: f64 = (1..4).map(|t| -400.0 * d.powi(t)).sum::<f64>()
        + (4..12).map(|t| 400.0 * d.powi(t)).sum::<f64>();
    assert_eq!(cents(by_formula), 1834.33);
    let inst = Instance::from_plan(&p, Objective::Npv, &Adjust::default());
    assert!((inst.items[0].npv[1] - by_formula).abs() < 1e-9);

    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(starts(&r), vec![s("c", 1, 3)]);
    assert_eq!(r.objective, 1834.33);
    assert_eq!(r.npv, 1834.33);
    assert_eq!(r.schedule[0].npv, 1834.33);
}

/// Three initiatives of 1,000 each worth 2,300, 1,200 and 100 alone (rate 0), with 2027's
/// budget of 3,000 paying for all of them.
fn three(scenarios: &str) -> Plan {
    plan(
        "  - {id: a, title: A, one_time_cost: 1000, benefits: [{kind: saving, annual: 3600}], duration_months: 1}\n\
         \x20 - {id: b, title: B, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}], duration_months: 1}\n\
         \x20 - {id: c, title: C, one_time_cost: 1000, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n",
        &format!("constraints:\n  budget:\n    - {{period: 2027, amount: 3000}}\n{scenarios}"),
    )
}

#[test]
fn the_frontier_rises_with_the_budget() {
    let p = three("");
    let points = report::frontier(&p, Objective::Npv, 10, &Options::default());
    assert!(points.len() >= 10, "{} points", points.len());
    for w in points.windows(2) {
        assert!(
            w[1].budget_factor >= w[0].budget_factor,
            "budget levels out of order: {:?}",
            points
        );
        assert!(
            w[1].objective >= w[0].objective - 1e-6,
            "objective falls from {} to {} as the budget rises from {} to {}",
            w[0].objective,
            w[1].objective,
            w[0].budget_factor,
            w[1].budget_factor
        );
    }
    // No budget buys nothing; the top level buys all three: 2,300 + 1,200 + 100.
    assert_eq!(points[0].objective, 0.0);
    let top = points.last().unwrap();
    assert_eq!(top.objective, 3600.0);
    assert_eq!(top.initiatives, 3);
    assert!(
        points
            .iter()
            .all(|x| matches!(x.status, SolveStatus::Optimal)),
        "{points:?}"
    );
}

/// Today's schedule "still fits" a scenario only whole: delays that push an initiative past the
/// horizon (6 months here) drop it from the replayed schedule, and that schedule, though it
/// breaks no budget, no longer fits; a delay of a month that it absorbs still fits.
#[test]
fn a_schedule_that_loses_an_initiative_to_a_delay_no_longer_fits() {
    let p = three(
        "scenarios:\n  - {name: a very late, delays: {a: 6}}\n  - {name: a a month late, delays: {a: 1}}\n",
    );
    let c = scenario::compare(&p, Objective::Npv, &Options::default());
    let (base, late, bit) = (&c.cases[0], &c.cases[1], &c.cases[2]);
    assert_eq!(base.initiatives, 3);
    assert_eq!(late.dropped, vec!["a".to_string()]);
    assert!(!late.base_schedule_feasible, "{late:?}");
    assert!(bit.base_schedule_feasible, "{bit:?}");
    assert!(bit.dropped.is_empty(), "{bit:?}");
}

#[test]
fn a_budget_cut_scenario_does_no_better_than_the_base() {
    // The base case schedules all three (3,600). Half the budget (1,500) pays for one: a
    // (2,300).
    let p = three("scenarios:\n  - {name: budget cut, budget_factor: 0.5}\n");
    let c = scenario::compare(&p, Objective::Npv, &Options::default());
    assert_eq!(c.cases.len(), 2);
    let (base, cut) = (&c.cases[0], &c.cases[1]);
    assert_eq!(base.name, "base");
    assert_eq!(cut.name, "budget cut");
    assert_eq!(cut.budget_factor, 0.5);
    assert!(cut.initiatives <= base.initiatives);
    assert!(cut.npv <= base.npv + 1e-6, "{} > {}", cut.npv, base.npv);
    assert_eq!((base.initiatives, base.npv), (3, 3600.0));
    assert_eq!((cut.initiatives, cut.npv), (1, 2300.0));
    assert_eq!(cut.dropped, vec!["b".to_string(), "c".to_string()]);
    assert!(!cut.base_schedule_feasible);
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["cases"][1]["status"], "optimal");
}

#[test]
fn done_and_cancelled_initiatives_are_left_out_as_such() {
    // d is done and c cancelled: neither is scheduled. e depends on d (met) and is worth
    // -100 + 11*100 = 1,000 in month 0.
    let p = plan(
        "  - {id: d, title: D, status: done, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n\
         \x20 - {id: c, title: C, status: cancelled, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n\
         \x20 - {id: e, title: E, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 1, depends_on: [d]}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert_eq!(r.objective, 1000.0);
    assert_eq!(starts(&r), vec![s("e", 0, 0)]);
    assert_eq!(reason(&r, "d"), Reason::Done);
    assert_eq!(reason(&r, "c"), Reason::Cancelled);
}

#[test]
fn a_dependant_of_a_cancelled_initiative_is_left_out_for_the_dependency() {
    // b needs c, which is cancelled, so b can never be scheduled: the reason is the
    // dependency. It takes 1 month of a 6-month horizon, so "cannot finish within the
    // horizon" is not why.
    let p = plan(
        "  - {id: c, title: C, status: cancelled, one_time_cost: 100, duration_months: 1}\n\
         \x20 - {id: b, title: B, one_time_cost: 100, benefits: [{kind: saving, annual: 1200}], duration_months: 1, depends_on: [c]}\n",
        "",
    );
    let r = roadmap(&p);
    assert_eq!(r.status, SolveStatus::Optimal);
    assert!(r.schedule.is_empty());
    let b = r.excluded.iter().find(|x| x.id == "b").unwrap();
    assert_eq!(b.reason, Reason::Dependency, "{}", b.detail);
    assert_eq!(b.reason.label(), "needs another first");
}

/// The reasons say months in words, as owners read them: b needs a, whose 5 months of the 6
/// leave b's 2 no room; c brings nothing, from January 2027 (month 0) on.
#[test]
fn a_reason_names_titles_and_months_in_words() {
    let p = plan(
        "  - {id: a, title: Till, one_time_cost: 600, benefits: [{kind: saving, annual: 2400}], duration_months: 5}\n\
         \x20 - {id: b, title: Web shop, one_time_cost: 300, benefits: [{kind: saving, annual: 1200}], duration_months: 2, depends_on: [a]}\n\
         \x20 - {id: c, title: Sign, one_time_cost: 100, duration_months: 1}\n",
        "",
    );
    let r = roadmap(&p);
    let b = r.excluded.iter().find(|x| x.id == "b").unwrap();
    assert_eq!(b.reason, Reason::Horizon);
    assert_eq!(
        b.detail,
        "what it needs first leaves no time to finish it within the plan's months"
    );
    let c = r.excluded.iter().find(|x| x.id == "c").unwrap();
    assert_eq!(c.reason, Reason::NegativeValue);
    assert!(
        c.detail
            .ends_with("at best over the plan's years (started in January 2027 or later)"),
        "{}",
        c.detail
    );
}

#[test]
fn the_plans_own_order_takes_its_phases_one_after_another() {
    // a: 600 over months 0-1, then 200 a month; b: 300 in one month, then 100 a month; both
    // free of each other. Optimum: both in month 0, V_a(0) = -600 + 10*200 = 1,400 and
    // V_b(0) = -300 + 11*100 = 800: 2,200. The owner's phases put b after a: a in months
    // 0-1, b in month 2, V_b(2) = -300 + 9*100 = 600: 2,000, so the optimum earns 200 more.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 600, benefits: [{kind: saving, annual: 2400}], duration_months: 2}\n\
         \x20 - {id: b, title: B, one_time_cost: 300, benefits: [{kind: saving, annual: 1200}], duration_months: 1}\n",
        "phases:\n  - {id: one, name: One, initiatives: [a]}\n  - {id: two, name: Two, initiatives: [b]}\n",
    );
    let r = roadmap(&p);
    assert_eq!(r.npv, 2200.0);
    assert_eq!(starts(&r), vec![s("a", 0, 1), s("b", 0, 0)]);
    let v = json(&r);
    assert_eq!(v["own_order_objective"], 2000.0);
    assert_eq!(v["own_order_npv"], 2000.0);
    assert_eq!(
        v["own_order_schedule"],
        json!([{"id": "a", "start_month": 0}, {"id": "b", "start_month": 2}])
    );

    // Without phases there is no order of the owner's to compare with.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 600, benefits: [{kind: saving, annual: 2400}], duration_months: 2}\n",
        "",
    );
    let v = json(&roadmap(&p));
    assert_eq!(v["own_order_npv"], Value::Null);
    assert_eq!(v["own_order_schedule"], json!([]));

    // An order that does not fit the horizon: b's phase comes after a's 5 months, and b
    // (2 months) cannot finish by month 5 of the 6; no own order.
    let p = plan(
        "  - {id: a, title: A, one_time_cost: 600, benefits: [{kind: saving, annual: 2400}], duration_months: 5}\n\
         \x20 - {id: b, title: B, one_time_cost: 300, benefits: [{kind: saving, annual: 1200}], duration_months: 2}\n",
        "phases:\n  - {id: one, name: One, initiatives: [a]}\n  - {id: two, name: Two, initiatives: [b]}\n",
    );
    let r = roadmap(&p);
    assert_eq!(r.own_order_npv, None);
    assert!(r.own_order_schedule.is_empty());
}

/// A deadline. `refresh` costs 600 and brings nothing (V = -600 wherever it starts), so alone it
/// is left out as losing value; with `done_by: 2027-03` it is scheduled and its 2 months end
/// by March (start month 0 or 1). `shop` (V(s) = -1000 + (12 - s - 2) * 200: 1000 at s = 0) and
/// the budget of 1,300 for 2027 make the two compete for the budget only when both fit: 600 +
/// 1000 > 1300, so the deadline takes the budget and `shop` waits for nothing (left out).
#[test]
fn a_deadline_makes_an_initiative_scheduled_in_time() {
    let refresh = "  - {id: refresh, title: Refresh, duration_months: 2, one_time_cost: 600}\n";
    let shop = "  - {id: shop, title: Shop, duration_months: 2, one_time_cost: 1000, benefits: [{kind: saving, annual: 2400}]}\n";
    let budget = "constraints:\n  budget:\n    - {period: 2027, amount: 1300}\n";
    let r = roadmap(&plan(&format!("{refresh}{shop}"), budget));
    assert_eq!(starts(&r), vec![s("shop", 0, 1)]);
    assert_eq!(reason(&r, "refresh"), Reason::NegativeValue);

    let due = refresh.replace(
        "one_time_cost: 600}",
        "one_time_cost: 600, done_by: 2027-03}",
    );
    let r = roadmap(&plan(&format!("{due}{shop}"), budget));
    assert_eq!(r.status, SolveStatus::Optimal);
    let sched = starts(&r);
    assert_eq!(sched.len(), 1, "{sched:?}");
    assert_eq!(sched[0].0, "refresh");
    assert!(sched[0].2 <= 2, "ends by March: {sched:?}");
    let x = &r.schedule[0];
    assert!(x.mandatory);
    assert_eq!(x.done_by.as_deref(), Some("2027-03"));
    assert_eq!(json(&r)["schedule"][0]["done_by"], "2027-03");

    // A deadline the budget cannot meet: no roadmap, and the deadline's family is named.
    let tight = "constraints:\n  budget:\n    - {period: 2027, amount: 500}\n";
    let r = roadmap(&plan(&due, tight));
    assert_eq!(r.status, SolveStatus::Infeasible);

    // A deadline its prerequisite leaves no time for: `prep` takes months 0 and 1, so
    // `refresh` (2 months, live by the end of 2027-03, so started by month 1) cannot start
    // before month 2. The roadmap names the deadline, not the horizon.
    let prep = "  - {id: prep, title: Prep, duration_months: 2, one_time_cost: 100}\n";
    let late = due.replace("done_by: 2027-03}", "done_by: 2027-03, depends_on: [prep]}");
    let r = roadmap(&plan(&format!("{prep}{late}"), ""));
    assert_eq!(r.status, SolveStatus::Infeasible);
    let why: Vec<&str> = r.infeasible_because.iter().map(|c| c.description).collect();
    assert!(
        why.contains(&"completion within the planning horizon and by each deadline (done_by)"),
        "{why:?}"
    );
    let x = r.excluded.iter().find(|e| e.id == "refresh").unwrap();
    assert_eq!(
        x.detail,
        "what it needs first leaves no time to have it live by the end of March 2027 (its deadline)"
    );
}

/// A roadmap read back (its JSON) is the roadmap searched when it fits the plan, and is
/// refused with what was expected and what was found when it does not: another objective,
/// another duration, a broken constraint, a changed figure.
#[test]
fn a_roadmap_read_back_is_reused_only_when_it_fits_the_plan() {
    let items = "  - {id: a, title: A, duration_months: 2, one_time_cost: 1000, benefits: [{kind: saving, annual: 12000}]}\n  - {id: b, title: B, duration_months: 1, one_time_cost: 800, benefits: [{kind: saving, annual: 6000}]}\n";
    let budget = "constraints:\n  budget: [{period: 2027, amount: 1000}]\n";
    let p = plan(items, budget);
    let searched = roadmap(&p);
    assert_eq!(searched.status, SolveStatus::Optimal);
    let text = serde_json::to_string(&searched).unwrap();
    let kept: report::Kept = serde_json::from_str(&text).unwrap();
    let again = report::reuse(&p, Objective::Npv, &Adjust::default(), &kept).unwrap();
    assert_eq!(json(&again), json(&searched));

    let misfit = |plan: &Plan, text: &str, objective: Objective| {
        let kept: report::Kept = serde_json::from_str(text).unwrap();
        report::reuse(plan, objective, &Adjust::default(), &kept)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        misfit(&p, &text, Objective::Alignment),
        "expected a roadmap maximising alignment, found one maximising npv"
    );
    // `a` takes 3 months in this version of the plan.
    let longer = plan(
        &items.replace("duration_months: 2", "duration_months: 3"),
        budget,
    );
    assert_eq!(
        misfit(&longer, &text, Objective::Npv),
        "expected `a` to take 3 months as this plan says, found 2"
    );
    // A smaller budget: the schedule breaks it.
    let cut = plan(items, &budget.replace("1000", "900"));
    assert_eq!(
        misfit(&cut, &text, Objective::Npv),
        "expected a schedule that meets this plan's constraints, found one that breaks them: spend 1000.00 in 2027 exceeds its budget 900.00"
    );
    // A larger benefit: the same schedule is worth more than the roadmap says.
    let more = plan(&items.replace("annual: 12000", "annual: 13200"), budget);
    let found = searched.objective;
    assert_eq!(
        misfit(&more, &text, Objective::Npv),
        format!(
            "expected the objective this plan gives its schedule, {:.2}, found {found:.2} (a roadmap of another version of the plan)",
            found + 1000.0
        )
    );
    let none = text.replacen("\"optimal\"", "\"infeasible\"", 1);
    assert_eq!(
        misfit(&p, &none, Objective::Npv),
        "expected an optimal or feasible roadmap, found one that is infeasible"
    );
}

/// A plan with no initiative has an empty roadmap worth 0 (written `0.0`, not `-0.0`).
#[test]
fn an_empty_roadmap_is_worth_zero_not_minus_zero() {
    let text = "version: 1\norganization: {name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: 0}\ninitiatives: []\n";
    let r = roadmap(&load(text));
    assert!(r.schedule.is_empty());
    let v = json(&r);
    assert_eq!(v["objective"].to_string(), "0.0");
    assert_eq!(v["npv"].to_string(), "0.0");
}
