//! What a new user ran into: the frontier without the plan's own budget, scenarios that drop
//! initiatives without saying why, the analysis and the roadmap disagreeing on when an
//! initiative behind a prerequisite starts, and the simulated schedule of both front doors.

use sextant_roadmap::instance::{Adjust, Instance, Objective};
use sextant_roadmap::report;
use sextant_roadmap::scenario;
use sextant_roadmap::simulate;
use sextant_roadmap::solve::{Options, Reason, SolveStatus};

use crate::load;

/// Three initiatives of 1,000 each worth 2,300, 1,200 and 100 alone (rate 0, 6-month horizon,
/// 12-month evaluation), with 2027's budget of `budget`.
fn three(budget: u32, scenarios: &str) -> sextant_core::Plan {
    load(&format!(
        "version: 1\norganization: {{name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: 0}}\n\
         initiatives:\n\
         \x20 - {{id: a, title: A, one_time_cost: 1000, benefits: [{{kind: saving, annual: 3600}}], duration_months: 1}}\n\
         \x20 - {{id: b, title: B, one_time_cost: 1000, benefits: [{{kind: saving, annual: 2400}}], duration_months: 1}}\n\
         \x20 - {{id: c, title: C, one_time_cost: 1000, benefits: [{{kind: saving, annual: 1200}}], duration_months: 1}}\n\
         constraints:\n  budget:\n    - {{period: 2027, amount: {budget}}}\n{scenarios}"
    ))
}

fn quick() -> Options {
    Options {
        time_limit: std::time::Duration::from_secs(5),
        ..Options::default()
    }
}

#[test]
fn the_frontier_includes_the_plans_own_budget() {
    // A budget of 6,000 is twice what buys all three (3,000 at the top level, factor 0.5):
    // factor 1 is added after the top, marked as the plan's, and buys the same 3,600.
    let p = three(6000, "");
    let points = report::frontier(&p, Objective::Npv, 4, &quick());
    let factors: Vec<(f64, bool)> = points
        .iter()
        .map(|x| (x.budget_factor, x.plan_budget))
        .collect();
    assert_eq!(
        factors,
        vec![
            (0.0, false),
            (0.166667, false),
            (0.333333, false),
            (0.5, false),
            (1.0, true)
        ]
    );
    let own = &points[4];
    assert_eq!(
        (own.budget_total, own.objective, own.initiatives),
        (6000.0, 3600.0, 3)
    );
    // A budget of 1,500 buys one (a: 2,300); factor 1 falls between levels.
    let p = three(1500, "");
    let points = report::frontier(&p, Objective::Npv, 3, &quick());
    let own: Vec<_> = points.iter().filter(|x| x.plan_budget).collect();
    assert_eq!(own.len(), 1);
    assert_eq!(
        (own[0].budget_factor, own[0].budget_total, own[0].objective),
        (1.0, 1500.0, 2300.0)
    );
    for w in points.windows(2) {
        assert!(w[0].budget_factor <= w[1].budget_factor, "{points:?}");
    }
}

#[test]
fn the_frontier_and_the_roadmap_come_from_one_call() {
    let p = three(3000, "");
    let opts = quick();
    let (r, f) = report::roadmap_and_frontier(
        &p,
        Objective::Npv,
        &opts,
        &Adjust::default(),
        Some(3),
        &|| true,
    );
    assert_eq!(r.objective, 3600.0);
    assert!(f.is_some_and(|f| f.iter().any(|x| x.plan_budget && x.objective == 3600.0)));
    // A caller that stopped gets the roadmap alone.
    let (_, f) = report::roadmap_and_frontier(
        &p,
        Objective::Npv,
        &opts,
        &Adjust::default(),
        Some(3),
        &|| false,
    );
    assert!(f.is_none());
    // The 3 levels, the unconstrained search, the bisection and the plan's own budget share
    // the 5 s of the time limit: 5/6 s each.
    assert_eq!(
        report::frontier_options(&opts, 3).time_limit,
        std::time::Duration::from_secs(5).div_f64(6.0)
    );
}

#[test]
fn a_scenario_says_why_it_drops_each_initiative() {
    // Half the budget (1,500) pays for a alone: b and c no longer fit.
    let p = three(
        3000,
        "scenarios:\n  - {name: budget cut, budget_factor: 0.5}\n",
    );
    let c = scenario::compare(&p, Objective::Npv, &quick());
    let cut = &c.cases[1];
    assert_eq!(cut.dropped, vec!["b".to_string(), "c".to_string()]);
    let why: Vec<(&str, Reason, &str)> = cut
        .dropped_because
        .iter()
        .map(|e| (e.id.as_str(), e.reason, e.detail.as_str()))
        .collect();
    assert_eq!(
        why,
        vec![
            (
                "b",
                Reason::Budget,
                "its implementation cost of $1,000 does not fit the budget left by the initiatives chosen (2027 has $500 left)"
            ),
            (
                "c",
                Reason::Budget,
                "its implementation cost of $1,000 does not fit the budget left by the initiatives chosen (2027 has $500 left)"
            ),
        ]
    );
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["cases"][1]["dropped_because"][0]["reason"], "budget");
    assert_eq!(v["cases"][0]["dropped_because"], serde_json::json!([]));
}

#[test]
fn an_infeasible_base_case_is_reported_as_such() {
    // A mandatory initiative of 1,000 against a budget of 500.
    let p = load(
        "version: 1\norganization: {name: T, currency: USD, start: 2027-01, horizon_months: 6, discount_rate: 0}\n\
         initiatives:\n  - {id: a, title: A, one_time_cost: 1000, duration_months: 1, mandatory: true}\n\
         constraints:\n  budget: [{period: 2027, amount: 500}]\n",
    );
    let c = scenario::compare(&p, Objective::Npv, &quick());
    assert_eq!(c.cases[0].status, SolveStatus::Infeasible);
}

#[test]
fn the_analysis_and_the_roadmap_agree_on_a_start_behind_a_prerequisite() {
    // b (3 months) must finish before a (2 months) starts; nothing else limits them. The
    // roadmap starts a in month 3, and so does a's business case in the analysis, with the
    // same NPV (10% a year).
    let p = load(
        "version: 1\norganization: {name: T, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 36, discount_rate: 0.1}\n\
         initiatives:\n\
         \x20 - {id: a, title: A, one_time_cost: 2000, benefits: [{kind: saving, annual: 12000}], duration_months: 2, depends_on: [b]}\n\
         \x20 - {id: b, title: B, one_time_cost: 3000, benefits: [{kind: saving, annual: 6000}], duration_months: 3}\n",
    );
    let r = report::roadmap(&p, Objective::Npv, &quick(), &Adjust::default());
    let a = sextant_core::analyze(&p);
    for id in ["a", "b"] {
        let scheduled = r.schedule.iter().find(|x| x.id == id).unwrap();
        let case = &a.initiatives.iter().find(|x| x.case.id == id).unwrap().case;
        assert_eq!(scheduled.start_month, case.start_month, "{id}");
        assert!(
            (scheduled.npv - case.npv).abs() < 0.01,
            "{id}: roadmap {} analysis {}",
            scheduled.npv,
            case.npv
        );
    }
    assert_eq!(
        r.schedule.iter().find(|x| x.id == "a").unwrap().start_month,
        3
    );
    // The plan's own schedule that `simulate --schedule plan` draws around starts a there too.
    let inst = Instance::from_plan(&p, Objective::Npv, &Adjust::default());
    let own = simulate::schedule(&p, &inst, simulate::Which::Plan, &quick()).unwrap();
    let ia = inst.items.iter().position(|x| x.id == "a").unwrap();
    assert_eq!(own[ia], Some(3));
}

/// Amounts from nothing to the largest a plan may hold.
fn amount() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just("0".to_string()),
        Just("0.01".to_string()),
        Just("1000000000000".to_string()),
        Just("999999999999.99".to_string()),
        (0u64..=1_000_000_000_000).prop_map(|n| n.to_string()),
        (0u32..=11, 1u32..=9).prop_map(|(e, m)| format!("{m}e{e}")),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Money anywhere within its bound never panics the optimiser, the simulation or the
    /// comparison, and every figure they report is finite.
    #[test]
    fn amounts_up_to_the_bound_never_panic_the_solvers(
        cost in amount(), benefit in amount(), recurring in amount(), budget in amount(),
        low in amount(), duration in 1u32..=6, rate in proptest::sample::select(vec!["0", "0.08", "0.99"]),
    ) {
        let text = format!(
            "version: 1\norganization: {{name: T, currency: USD, start: 2027-01, horizon_months: 6, evaluation_months: 12, discount_rate: {rate}}}\n\
             initiatives:\n\
             \x20 - {{id: a, title: A, one_time_cost: {cost}, recurring_cost_annual: {recurring}, benefits: [{{kind: saving, annual: {benefit}}}], duration_months: {duration}}}\n\
             \x20 - {{id: b, title: B, one_time_cost: {{low: 0, likely: {low}, high: 1000000000000}}, benefits: [{{kind: revenue, annual: {cost}}}], duration_months: 1, depends_on: [a]}}\n\
             constraints:\n  budget: [{{period: 2027, amount: {budget}}}]\n\
             scenarios:\n  - {{name: cut, budget_factor: 0.5, cost_factor: 2}}\n"
        );
        let plan = match sextant_core::load_plan("p.yaml", &text) {
            Ok(p) => p,
            Err(e) => return Err(proptest::test_runner::TestCaseError::fail(e.render(Some(&text)))),
        };
        let opts = Options { time_limit: std::time::Duration::from_millis(500), ..Options::default() };
        let r = report::roadmap(&plan, Objective::Npv, &opts, &Adjust::default());
        proptest::prop_assert!(r.objective.is_finite() && r.npv.is_finite());
        let c = scenario::compare(&plan, Objective::Npv, &opts);
        proptest::prop_assert!(c.cases.iter().all(|x| x.npv.is_finite() && x.spend.is_finite()));
        let inst = Instance::from_plan(&plan, Objective::Npv, &Adjust::default());
        let starts = simulate::schedule(&plan, &inst, simulate::Which::Plan, &opts).unwrap();
        let model = simulate::Model::new(&plan, &inst, &starts);
        let s = simulate::simulate(
            &model,
            &simulate::SimOptions { trials: 64, seed: 1, shape: simulate::Shape::Pert },
            &|_| {},
        );
        proptest::prop_assert!(s.npv.mean.is_finite() && s.spend.p95.is_finite());
    }
}

/// The roadmap of 3,000 initiatives over 60 months, everything `sextant roadmap` computes
/// included, stays within its time limit (and a quarter of a second). Run in a
/// release build: `cargo test --release -p sextant-roadmap --test it -- --ignored`.
#[test]
#[ignore = "minutes in a debug build; run with --release"]
fn the_roadmap_of_3000_initiatives_keeps_its_time_limit() {
    let size = sextant_core::synth::Size::initiatives(3000);
    let text = sextant_core::synth::plan_yaml(size, 1);
    let plan = load(&text);
    for limit in [5.0, 10.0] {
        let opts = Options {
            time_limit: std::time::Duration::from_secs_f64(limit),
            ..Options::default()
        };
        let started = std::time::Instant::now();
        let r = report::roadmap(&plan, Objective::Npv, &opts, &Adjust::default());
        let took = started.elapsed().as_secs_f64();
        eprintln!(
            "limit {limit} s: {took:.2} s in all, {:.2} s solving, status {:?}",
            r.solve_seconds, r.status
        );
        // Measured before the fix: 5.65 s and 10.94 s (HiGHS's presolve of branch and bound
        // ran past the limit); after: 4.85 s and 9.61 s. The bound is the contract a person
        // relies on (asked for 5 s, an answer soon after), wide enough for a loaded machine;
        // CI runs this in its release step.
        assert!(
            took <= limit * 1.1 + 0.5,
            "limit {limit} s, took {took:.2} s"
        );
    }
}
