//! Goal tracking: linear pace with little history, the forecaster's probability with enough,
//! and the edge cases (achieved, missed, no data), each worked out by hand.

use expect_test::expect;
use sextant_core::kpi::{Method, Standing, goal_status, plan_series};
use sextant_core::model::Direction;

fn plan(measurements: &str) -> sextant_core::Plan {
    let text = format!(
        "version: 1
organization: {{name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}}
goals:
  - {{id: sales, title: Revenue 120 by December, kpi: revenue, baseline: 100, target: 120, due: 2027-11}}
  - {{id: fast, title: Fix faster, kpi: mttr, target: 2, due: 2027-12}}
  - {{id: vague, title: Be better}}
measurements:
{measurements}"
    );
    match sextant_core::load_plan("plan.yaml", &text) {
        Ok(p) => p,
        Err(e) => panic!("{}", e.render(Some(&text))),
    }
}

#[test]
fn linear_pace_decides_with_little_history() {
    // Baseline 100 in 2027-01, target 120 by 2027-11 (10 months). In 2027-06, 5/10 of the
    // time is gone. 112 is 60% of the way: pace 1.2 -> on track. 106 is 30%: pace 0.6 -> at
    // risk. 102 is 10%: pace 0.2 -> off track.
    for (v, want) in [
        (112, Standing::OnTrack),
        (106, Standing::AtRisk),
        (102, Standing::OffTrack),
        (121, Standing::Achieved),
    ] {
        let p = plan(&format!("  revenue: {{2027-01: 100, 2027-06: {v}}}\n"));
        let s = goal_status(&p, &plan_series(&p), None);
        assert_eq!(s[0].status, want, "{v}");
        if want != Standing::Achieved {
            assert_eq!(s[0].method, Method::LinearPace);
        }
    }
    let p = plan("  revenue: {2027-01: 100, 2027-06: 112}\n");
    let s = goal_status(&p, &plan_series(&p), None);
    assert_eq!(
        s[0].explanation,
        "2 measurement(s), too few to forecast (needs 8): 60% of the way to 120 with 50% of the time to 2027-11 gone"
    );
    // Down is good for MTTR; with no measurement there is no data; no KPI, not measurable.
    assert_eq!(s[1].direction, Direction::Down);
    assert_eq!(s[1].status, Standing::NoData);
    assert_eq!(s[2].status, Standing::NotMeasurable);
}

#[test]
fn a_forecaster_decides_with_enough_history() {
    let months: Vec<String> = (1..=8)
        .map(|m| format!("2027-{m:02}: {}", 100 + m))
        .collect();
    let p = plan(&format!("  revenue: {{{}}}\n", months.join(", ")));
    let seen = std::cell::Cell::new(0usize);
    let f = |v: &[f64], steps: usize, target: f64, d: Direction| {
        seen.set(v.len());
        // 8 values; from 2027-08 to the due month 2027-11 is 3 steps.
        assert_eq!((steps, target, d), (3, 120.0, Direction::Up));
        Some((0.55, "ETS(A,A,N)".to_string()))
    };
    let s = goal_status(&p, &plan_series(&p), Some(&f));
    assert_eq!(seen.get(), 8);
    assert_eq!(s[0].status, Standing::AtRisk);
    assert_eq!(s[0].method, Method::Forecast);
    assert_eq!(
        s[0].explanation,
        "the ETS(A,A,N) forecast gives a 55% chance of reaching 120 by 2027-11"
    );
}

#[test]
fn missed_after_the_due_month() {
    let p = plan("  revenue: {2027-01: 100, 2027-12: 110}\n");
    let s = goal_status(&p, &plan_series(&p), None);
    assert_eq!(s[0].status, Standing::Missed);
}

#[test]
fn bad_measurements_are_located() {
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
measurements:
  revenu: {2027-01: 1}
  orders: {2027-13: 5, 2027-02: many}
";
    let e = sextant_core::load_plan("plan.yaml", text)
        .err()
        .map(|p| p.render(Some(text)));
    expect![[r#"
        error: plan.yaml:4:3: measurements.revenu: unknown KPI `revenu`
          |
        4 |   revenu: {2027-01: 1}
          |   ^
          = expected: the id of a KPI in `kpis` or of the standard catalogue (see docs/plan-format.md)
          = found: `revenu`
          = hint: did you mean `revenue`?

        error: plan.yaml:5:12: measurements.orders.2027-13: expected a month written `YYYY-MM`
          |
        5 |   orders: {2027-13: 5, 2027-02: many}
          |            ^
          = expected: a month such as 2027-03
          = found: "2027-13"

        error: plan.yaml:5:33: measurements.orders.2027-02: expected a number
          |
        5 |   orders: {2027-13: 5, 2027-02: many}
          |                                 ^
          = expected: a number
          = found: the text "many"

        3 problems found; nothing was analysed.
    "#]].assert_eq(&e.unwrap_or_default());
}

#[test]
fn realised_return_beside_the_projected_one() {
    // E-commerce done: planned 3,000 one-time for 10,000 a year of online revenue (first-year
    // ROI (10000 - 3000) / 3000 = 2.3333). Online revenue went from the baseline 66,667 to
    // 76,667: +10,000, no gross margin set, so 10,000 of realised benefit; it actually cost
    // 3,500: ROTI (10000 - 3500) / 3500 = 1.857143.
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
goals:
  - {id: online, title: Online sales, kpi: online_revenue, baseline: 66667, target: 80000, due: 2027-12}
initiatives:
  - id: shop
    title: Web shop
    status: done
    duration_months: 3
    one_time_cost: 3000
    actual_cost: 3500
    benefits: [{kind: revenue, annual: 10000, goal: online}]
    contributes: {online: 3}
measurements:
  online_revenue: {2027-01: 66667, 2027-06: 76667}
";
    let plan = sextant_core::load_plan("plan.yaml", text)
        .unwrap_or_else(|e| panic!("{}", e.render(Some(text))));
    let r = sextant_core::kpi::realised(&plan, &plan_series(&plan));
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert!((r.projected_roi.unwrap_or(0.0) - 7000.0 / 3000.0).abs() < 1e-12);
    assert_eq!(r.realised_benefit_annual, Some(10000.0));
    assert_eq!(r.cost, 3500.0);
    assert!((r.realised_roi.unwrap_or(0.0) - 6500.0 / 3500.0).abs() < 1e-12);
    assert_eq!(r.kpi_changes[0].change, 10000.0);
}

fn launches(initiatives: &str, measurements: &str) -> Result<sextant_core::Plan, String> {
    let text = format!(
        "version: 1
organization: {{name: Shop, currency: USD, start: 2027-01, horizon_months: 24, discount_rate: 0.08}}
goals:
  - {{id: quick, title: Ship faster, kpi: time_to_market, baseline: 120, target: 60, due: 2028-06}}
initiatives:
{initiatives}{measurements}"
    );
    sextant_core::load_plan("plan.yaml", &text).map_err(|e| e.render(Some(&text)))
}

#[test]
fn time_to_market_is_days_from_start_to_launch() {
    // Worked out on a calendar: 2027-01-15 to 2027-03-15 is 16 (rest of January) + 28
    // (February 2027) + 15 = 59 days; 2027-11-20 to 2028-03-01 crosses the leap day of 2028:
    // 10 + 31 + 31 + 29 + 1 = 102 days; 2027-02-01 to 2027-03-31 is 27 + 31 = 58 days.
    let p = launches(
        "  - {id: web, title: Web shop, duration_months: 2, status: done, started: 2027-01-15, launched: 2027-03-15}
  - {id: crm, title: CRM, duration_months: 3, status: done, started: 2027-11-20, launched: 2028-03-01}
  - {id: pos, title: POS, duration_months: 2, status: done, started: 2027-02-01, launched: 2027-03-31}
  - {id: wip, title: Not launched yet, duration_months: 2, status: in_progress, started: 2028-01-10}
",
        "",
    )
    .expect("a valid plan");
    let ttm = sextant_core::kpi::time_to_market(&p);
    let got: Vec<(&str, i64)> = ttm
        .iter()
        .map(|t| (t.initiative.as_str(), t.days))
        .collect();
    assert_eq!(got, [("web", 59), ("pos", 58), ("crm", 102)]);
    // The KPI series: the mean of the month's launches, by the month of launch.
    let s = plan_series(&p);
    let m = |t: &str| sextant_core::model::Month::parse(t).expect("a month");
    let series = &s["time_to_market"];
    assert_eq!(series.len(), 2);
    assert_eq!(series[&m("2027-03")], 58.5);
    assert_eq!(series[&m("2028-03")], 102.0);
    // It reaches the goal on time to market and the analysis lists it.
    let a = sextant_core::analysis::analyze(&p);
    assert_eq!(a.time_to_market, ttm);
    assert_ne!(a.goal_status[0].status, Standing::NoData);
    assert_eq!(a.goal_status[0].latest, Some(102.0));
}

#[test]
fn measured_time_to_market_wins_over_launch_dates() {
    let p = launches(
        "  - {id: web, title: Web shop, duration_months: 2, started: 2027-01-15, launched: 2027-03-15}\n",
        "measurements:\n  time_to_market: {2027-06: 80}\n",
    )
    .expect("a valid plan");
    let s = plan_series(&p);
    assert_eq!(
        s["time_to_market"].values().copied().collect::<Vec<_>>(),
        [80.0]
    );
}

#[test]
fn launch_dates_are_checked() {
    let e = launches(
        "  - {id: crm, title: CRM, duration_months: 2, launched: 15/03/2027}\n",
        "",
    )
    .err()
    .unwrap_or_default();
    expect![[r#"
        error: plan.yaml:6:57: initiatives[0].launched: expected a date written `YYYY-MM-DD`
          |
        6 |   - {id: crm, title: CRM, duration_months: 2, launched: 15/03/2027}
          |                                                         ^
          = expected: a calendar date written `YYYY-MM-DD`, e.g. `2027-03-15`
          = found: "15/03/2027"

        1 problem found; nothing was analysed.
    "#]]
    .assert_eq(&e);
    let e = launches(
        "  - {id: crm, title: CRM, duration_months: 2, started: 2027-02-29}\n",
        "",
    )
    .err()
    .unwrap_or_default();
    expect![[r#"
        error: plan.yaml:6:56: initiatives[0].started: 2027-02 has no day 29
          |
        6 |   - {id: crm, title: CRM, duration_months: 2, started: 2027-02-29}
          |                                                        ^
          = expected: a day from 01 to 28
          = found: "2027-02-29"

        1 problem found; nothing was analysed.
    "#]]
    .assert_eq(&e);
    let e = launches(
        "  - {id: web, title: Web shop, duration_months: 2, started: 2027-03-15, launched: 2027-03-14}\n",
        "",
    )
    .err()
    .unwrap_or_default();
    expect![[r#"
        error: plan.yaml:6:83: initiatives[0].launched: initiative `web` launched before it started
          |
        6 |   - {id: web, title: Web shop, duration_months: 2, started: 2027-03-15, launched: 2027-03-14}
          |                                                                                   ^
          = expected: 2027-03-15 (`started`) or a later day
          = found: 2027-03-14

        1 problem found; nothing was analysed.
    "#]].assert_eq(&e);
}

#[test]
fn a_saving_on_a_custom_kpi_that_should_fall_is_a_gain() {
    // Inventory cost, a custom KPI with `direction: down`, fell from 20,000 to 18,800 a year:
    // a saving of 1,200 a year, not a loss. First-year cost 2,500 (no recurring cost), so the
    // realised ROI is (1,200 - 2,500) / 2,500 = -0.52 (worked by hand); reading the fall as a
    // loss gave -1,200 and (-1,200 - 2,500) / 2,500 = -1.48.
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
kpis:
  - {id: inventory_cost, name: Inventory cost, unit: USD, direction: down}
goals:
  - {id: stock, title: Cheaper stock, kpi: inventory_cost, baseline: 20000, target: 18000, due: 2027-12}
initiatives:
  - id: counts
    title: Stock counts by scanner
    status: done
    duration_months: 2
    one_time_cost: 2500
    benefits: [{kind: saving, annual: 1000, goal: stock}]
    contributes: {stock: 3}
measurements:
  inventory_cost: {2027-01: 20000, 2027-06: 18800}
";
    let plan = sextant_core::load_plan("plan.yaml", text)
        .unwrap_or_else(|e| panic!("{}", e.render(Some(text))));
    let r = sextant_core::kpi::realised(&plan, &plan_series(&plan));
    assert_eq!(r[0].realised_benefit_annual, Some(1200.0));
    assert!((r[0].realised_roi.unwrap_or(0.0) - (-0.52)).abs() < 1e-12);
}

#[test]
fn a_kpi_change_is_shared_by_the_initiatives_that_claim_it() {
    // Two finished initiatives name the same goal: projected savings of 3,000 and 1,000 a year.
    // The KPI (a catalogue cost, direction down) fell by 2,000: 1,500 and 500 are credited
    // (shares 3/4 and 1/4, worked by hand), not 2,000 to each.
    let text = "version: 1
organization: {name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}
kpis:
  - {id: it_cost, name: IT cost, unit: USD, direction: down}
goals:
  - {id: cost, title: Lower IT cost, kpi: it_cost, baseline: 50000, target: 44000, due: 2027-12}
initiatives:
  - {id: a, title: Cloud move, status: done, duration_months: 2, one_time_cost: 1000, benefits: [{kind: saving, annual: 3000, goal: cost}], contributes: {cost: 3}}
  - {id: b, title: Licence clean-up, status: done, duration_months: 1, one_time_cost: 100, benefits: [{kind: saving, annual: 1000, goal: cost}], contributes: {cost: 2}}
measurements:
  it_cost: {2027-01: 50000, 2027-09: 48000}
";
    let plan = sextant_core::load_plan("plan.yaml", text)
        .unwrap_or_else(|e| panic!("{}", e.render(Some(text))));
    let r = sextant_core::kpi::realised(&plan, &plan_series(&plan));
    let got: Vec<(&str, Option<f64>)> = r
        .iter()
        .map(|r| (r.id.as_str(), r.realised_benefit_annual))
        .collect();
    assert_eq!(got, [("a", Some(1500.0)), ("b", Some(500.0))]);
    // The portfolio: 2,000 realised on 1,100 of cost against 4,000 projected.
    let p = sextant_core::kpi::realised_portfolio(&r).expect("two finished initiatives");
    assert_eq!(p.realised_benefit_annual, Some(2000.0));
    assert_eq!(p.projected_benefit_annual, 4000.0);
    assert_eq!(p.cost, 1100.0);
    assert!((p.realised_roi.unwrap_or(0.0) - 900.0 / 1100.0).abs() < 1e-12);
}

#[test]
fn figures_from_before_the_work_went_live_are_not_its_return() {
    // The owner typed two years of inventory cost before the plan (19,980 in 2026-12 against
    // a baseline of 20,000). Marking the POS done must not credit it with that 20: the work
    // can only show in figures after it went live. With a launch day (2027-03-31) only months
    // from 2027-04 count; without one, months from the plan's first (2027-01).
    let plan_with = |launched: &str, figures: &str| {
        let text = format!(
            "version: 1
organization: {{name: Shop, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}}
kpis:
  - {{id: inventory_cost, name: Inventory cost, unit: USD, direction: down}}
goals:
  - {{id: stock, title: Cheaper stock, kpi: inventory_cost, baseline: 20000, target: 18000, due: 2027-12}}
initiatives:
  - {{id: pos, title: POS, status: done, duration_months: 3, one_time_cost: 1500{launched}, benefits: [{{kind: saving, annual: 1500, goal: stock}}], contributes: {{stock: 3}}}}
measurements:
  inventory_cost: {{{figures}}}
"
        );
        sextant_core::load_plan("plan.yaml", &text)
            .unwrap_or_else(|e| panic!("{}", e.render(Some(&text))))
    };
    let benefit = |plan: &sextant_core::Plan| {
        sextant_core::kpi::realised(plan, &plan_series(plan))[0].realised_benefit_annual
    };
    let before = "2026-11: 20110, 2026-12: 19980";
    assert_eq!(benefit(&plan_with("", before)), None);
    assert_eq!(benefit(&plan_with(", launched: 2027-03-31", before)), None);
    // A figure in the launch month itself is not yet the work's either.
    let launch_month = "2026-12: 19980, 2027-03: 19500";
    assert_eq!(
        benefit(&plan_with(", launched: 2027-03-31", launch_month)),
        None
    );
    assert_eq!(benefit(&plan_with("", launch_month)), Some(500.0));
    // After the launch: 20,000 - 18,900 = 1,100.
    let after = "2026-12: 19980, 2027-03: 19500, 2027-08: 18900";
    assert_eq!(
        benefit(&plan_with(", launched: 2027-03-31", after)),
        Some(1100.0)
    );
}
