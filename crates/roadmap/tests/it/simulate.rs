//! The Monte Carlo simulation: with no spread it reproduces the schedule's NPV; its numbers
//! depend on the seed alone, never on the number of threads; a certain risk costs exactly its
//! discounted cost; a plan that cannot lose money never does; percentiles follow numpy.

use sextant_core::Plan;
use sextant_roadmap::instance::{Adjust, Instance, Objective};
use sextant_roadmap::schedule::{self, Starts};
use sextant_roadmap::simulate::{self, Shape, SimOptions, Simulation};
use sextant_roadmap::solve::{self, Options, SolveStatus};

use crate::{cents, load};

/// The plan's instance and its optimised schedule.
fn solved(plan: &Plan) -> (Instance, Starts) {
    let inst = Instance::from_plan(plan, Objective::Npv, &Adjust::default());
    let sol = solve::optimise(&inst, &Options::default());
    assert_eq!(sol.status, SolveStatus::Optimal);
    (inst, sol.starts)
}

fn run(plan: &Plan, inst: &Instance, starts: &Starts, trials: usize, seed: u64) -> Simulation {
    let model = simulate::Model::new(plan, inst, starts);
    simulate::simulate(
        &model,
        &SimOptions {
            trials,
            seed,
            shape: Shape::Pert,
        },
        &|_| {},
    )
}

#[test]
fn with_no_spread_every_percentile_is_the_deterministic_npv() {
    // Point estimates only; revenue through a margin, a recurring cost, a pin, a dependency and
    // a risk without a probability (which the simulation ignores).
    let text = "version: 1
organization: {name: T, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 24, discount_rate: 0.08, gross_margin: 0.4}
initiatives:
  - {id: a, title: A, one_time_cost: 3000, recurring_cost_annual: 600, benefits: [{kind: revenue, annual: 20000}, {kind: saving, annual: 1000}], duration_months: 2, start: 2027-02}
  - {id: b, title: B, one_time_cost: 2000, benefits: [{kind: saving, annual: 6000}], duration_months: 3, depends_on: [a]}
  - {id: c, title: C, one_time_cost: 1500, benefits: [{kind: revenue, annual: 5000}], duration_months: 1}
risks:
  - {id: r, title: R, initiative: a, likelihood: 3, impact: 4}
constraints:
  budget:
    - {period: 2027, amount: 10000}
";
    let plan = load(text);
    let (inst, starts) = solved(&plan);
    assert_eq!(starts.iter().flatten().count(), 3, "{starts:?}");
    let npv = schedule::npv(&inst, &starts);
    let sim = run(&plan, &inst, &starts, 3000, 7);
    // Reports round money to cents, so "equal" is: the same cents as the schedule's NPV.
    assert!(
        (sim.deterministic_npv - cents(npv)).abs() < 1e-6,
        "deterministic {} vs schedule {}",
        sim.deterministic_npv,
        npv
    );
    assert!((sim.deterministic_npv - npv).abs() <= 0.005 + 1e-6);
    let s = &sim.npv;
    for (name, v) in [
        ("p5", s.p5),
        ("p10", s.p10),
        ("p50", s.p50),
        ("p90", s.p90),
        ("p95", s.p95),
        ("min", s.min),
        ("max", s.max),
        ("mean", s.mean),
    ] {
        assert!(
            (v - sim.deterministic_npv).abs() < 1e-6,
            "npv {name} = {v}, deterministic {}",
            sim.deterministic_npv
        );
    }
    assert_eq!(sim.p_npv_negative, 0.0);
    assert_eq!(sim.p_over_budget, 0.0);
    assert_eq!(sim.spend.min, 6500.0);
    assert_eq!(sim.spend.max, 6500.0);
    for c in &sim.completion {
        assert_eq!(
            (c.p10, c.p50, c.p90),
            (
                c.planned_end_month,
                c.planned_end_month,
                c.planned_end_month
            ),
            "{c:?}"
        );
        assert_eq!(c.p_within_horizon, 1.0);
    }
    assert!(sim.tornado.is_empty(), "{:?}", sim.tornado);
}

/// A plan with spread everywhere: three-point costs, benefits and durations, risks of
/// initiatives and of the whole plan, a budget that is sometimes overrun.
fn uncertain() -> Plan {
    load(
        "version: 1
organization: {name: T, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 36, discount_rate: 0.1}
initiatives:
  - id: a
    title: A
    one_time_cost: {low: 2000, likely: 3000, high: 6000}
    recurring_cost_annual: {low: 300, likely: 600, high: 900}
    benefits: [{kind: saving, annual: {low: 2000, likely: 6000, high: 9000}}]
    duration_months: {low: 1, likely: 2, high: 4}
  - id: b
    title: B
    one_time_cost: {low: 1000, likely: 1500, high: 4000}
    benefits: [{kind: revenue, annual: {low: 0, likely: 4000, high: 12000}}]
    duration_months: {low: 2, likely: 3, high: 5}
    depends_on: [a]
risks:
  - {id: r1, title: R1, initiative: a, likelihood: 3, impact: 3, probability: 0.3, cost: {low: 100, likely: 500, high: 2000}, delay_months: {low: 0, likely: 1, high: 3}}
  - {id: r2, title: R2, likelihood: 2, impact: 2, probability: 0.1, cost: 1000}
constraints:
  budget:
    - {period: 2027, amount: 5000}
",
    )
}

#[test]
fn the_same_seed_gives_the_same_numbers_on_one_thread_or_four() {
    let plan = uncertain();
    let (inst, starts) = solved(&plan);
    assert_eq!(starts.iter().flatten().count(), 2, "{starts:?}");
    let in_pool = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run(&plan, &inst, &starts, 5000, seed))
    };
    let one = in_pool(1, 42);
    let four = in_pool(4, 42);
    let (j1, j4) = (
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&four).unwrap(),
    );
    assert_eq!(j1, j4);
    // The simulation did draw: the spread is real and the budget is sometimes overrun.
    assert!(one.npv.p5 < one.npv.p95, "{:?}", one.npv);
    // The curve's quantiles (not in the JSON) are the same on any thread count, rise from the
    // minimum to the maximum, and pass through the reported percentiles: every 2.5%, so
    // P5 is the 2nd step, P10 the 4th, the median the 20th, P90 the 36th, P95 the 38th.
    assert_eq!(one.npv.quantiles, four.npv.quantiles);
    let q = &one.npv.quantiles;
    assert_eq!(q.len(), 41);
    assert!(q.windows(2).all(|w| w[0] <= w[1]), "{q:?}");
    assert_eq!(
        [q[0], q[2], q[4], q[20], q[36], q[38], q[40]],
        [
            one.npv.min,
            one.npv.p5,
            one.npv.p10,
            one.npv.p50,
            one.npv.p90,
            one.npv.p95,
            one.npv.max
        ]
    );
    assert!(one.p_over_budget > 0.0 && one.p_over_budget < 1.0);

    let other = in_pool(4, 43);
    assert_ne!(one.npv.mean, other.npv.mean);
    assert_ne!(one.npv.p50, other.npv.p50);
    assert_ne!(j1, serde_json::to_string(&other).unwrap());
}

/// One initiative pinned to month 2 with a certain risk of cost 500; returns the simulation's
/// NPV minimum and maximum and the schedule's NPV (no risk).
fn certain_risk(duration: u32) -> (f64, f64, f64, f64) {
    let plan = load(&format!(
        "version: 1
organization: {{name: T, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 24, discount_rate: 0.1}}
initiatives:
  - {{id: x, title: X, one_time_cost: 1200, benefits: [{{kind: saving, annual: 6000}}], duration_months: {duration}, start: 2027-03}}
risks:
  - {{id: r, title: R, initiative: x, likelihood: 5, impact: 2, probability: 1.0, cost: 500}}
"
    ));
    let (inst, starts) = solved(&plan);
    assert_eq!(starts, vec![Some(2)]);
    let sim = run(&plan, &inst, &starts, 2000, 1);
    let npv = schedule::npv(&inst, &starts);
    assert!((sim.deterministic_npv - cents(npv)).abs() < 1e-6);
    assert_eq!(sim.spend.min, 1700.0);
    assert_eq!(sim.spend.max, 1700.0);
    (sim.npv.min, sim.npv.max, sim.npv.p50, npv)
}

#[test]
fn a_certain_risk_costs_every_trial_its_cost_discounted_at_the_start() {
    let d: f64 = 1.1f64.powf(-1.0 / 12.0);
    // A one-month initiative: the 500 falls in its only month of implementation, month 2.
    let (min, max, p50, npv) = certain_risk(1);
    let want = npv - 500.0 * d.powi(2);
    for v in [min, max, p50] {
        assert!(
            (v - want).abs() <= 0.005 + 1e-9,
            "trial NPV {v}, want {want} (= {npv} - 500 d^2)"
        );
    }
    // Over three months the risk's cost joins the implementation cost, spread evenly over
    // months 2-4 (plan-format.md: "adds its cost to its initiative's implementation cost").
    let (min, max, _, npv) = certain_risk(3);
    let want = npv - 500.0 / 3.0 * (d.powi(2) + d.powi(3) + d.powi(4));
    assert_eq!(min, max);
    assert!((min - want).abs() <= 0.005 + 1e-9, "{min} vs {want}");
}

#[test]
fn large_certain_benefits_never_lose_money() {
    let plan = load(
        "version: 1
organization: {name: T, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 36, discount_rate: 0.1}
initiatives:
  - id: x
    title: X
    one_time_cost: {low: 1000, likely: 2000, high: 5000}
    duration_months: {low: 1, likely: 2, high: 6}
    benefits: [{kind: saving, annual: 50000}]
risks:
  - {id: r, title: R, initiative: x, likelihood: 3, impact: 3, probability: 0.5, cost: {low: 0, likely: 1000, high: 3000}, delay_months: {low: 0, likely: 2, high: 6}}
",
    );
    let (inst, starts) = solved(&plan);
    let sim = run(&plan, &inst, &starts, 4000, 5);
    assert_eq!(sim.p_npv_negative, 0.0);
    assert!(sim.npv.min > 0.0, "{:?}", sim.npv);
    assert!(sim.npv.min < sim.npv.max, "no spread: {:?}", sim.npv);
}

#[test]
fn quantiles_interpolate_linearly_like_numpy() {
    // numpy.percentile([1, 2, 3, 4], [0, 10, 50, 90, 100]) = [1, 1.3, 2.5, 3.7, 4]
    let v = [1.0, 2.0, 3.0, 4.0];
    for (q, want) in [(0.0, 1.0), (0.1, 1.3), (0.5, 2.5), (0.9, 3.7), (1.0, 4.0)] {
        let got = simulate::quantile(&v, q);
        assert!((got - want).abs() < 1e-12, "q {q}: {got}, numpy {want}");
    }
    // numpy.percentile([10, 20, 30, 40, 50], [5, 95]) = [12, 48]
    let w = [10.0, 20.0, 30.0, 40.0, 50.0];
    assert!((simulate::quantile(&w, 0.05) - 12.0).abs() < 1e-12);
    assert!((simulate::quantile(&w, 0.95) - 48.0).abs() < 1e-12);
    assert_eq!(simulate::quantile(&[7.0], 0.3), 7.0);
    assert!(simulate::quantile(&[], 0.5).is_nan());
}

/// A simulation asked to stop runs no chunk it has not begun: the server's stop (a client gone,
/// the server shutting down) used to wait while every remaining chunk of a million trials ran
/// (2.4 s in a test build) before the cancellation, looked at only after each chunk, took hold.
#[test]
fn a_simulation_asked_to_stop_begins_no_more_chunks() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let plan = uncertain();
    let (inst, starts) = solved(&plan);
    let model = simulate::Model::new(&plan, &inst, &starts);
    let opts = SimOptions {
        trials: 1_000_000,
        seed: 1,
        shape: Shape::Pert,
    };
    // Stopped before it starts: nothing runs.
    let ran = AtomicUsize::new(0);
    let stop = sextant_roadmap::Stop::when(|| true);
    let sim = simulate::simulate_until(&model, &opts, &stop, &|n| {
        ran.fetch_add(n, Ordering::Relaxed);
    });
    assert!(sim.is_none());
    assert_eq!(ran.load(Ordering::Relaxed), 0);
    // Stopped once three chunks have finished: at most the chunks then under way (one a
    // thread) finish after it, far from the 977 chunks of a million trials.
    let done = Arc::new(AtomicUsize::new(0));
    let stop = sextant_roadmap::Stop::when({
        let done = done.clone();
        move || done.load(Ordering::Relaxed) >= 3 * simulate::CHUNK
    });
    let sim = simulate::simulate_until(&model, &opts, &stop, &|n| {
        done.fetch_add(n, Ordering::Relaxed);
    });
    assert!(sim.is_none());
    let chunks = done.load(Ordering::Relaxed).div_ceil(simulate::CHUNK);
    let threads = rayon::current_num_threads();
    assert!(
        chunks <= 3 + threads,
        "{chunks} chunks ran on {threads} threads"
    );
    // Never asked: the same numbers as `simulate`.
    let small = SimOptions {
        trials: 5000,
        ..opts
    };
    let a = simulate::simulate_until(&model, &small, &sextant_roadmap::Stop::never(), &|_| {});
    let b = simulate::simulate(&model, &small, &|_| {});
    assert_eq!(
        a.map(|s| serde_json::to_string(&s).unwrap()),
        Some(serde_json::to_string(&b).unwrap())
    );
}
