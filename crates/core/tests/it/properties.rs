//! Property tests on whole plans: invariants of the analysis that must hold for any input.

use proptest::prelude::*;

/// A small plan with one initiative whose figures come from the strategy.
fn plan(
    one_time: u32,
    recurring: u32,
    benefit: u32,
    duration: u32,
    rate: f64,
    strengths: [u8; 3],
    weights: [u8; 3],
) -> String {
    format!(
        "version: 1
organization: {{name: P, currency: USD, start: 2027-01, horizon_months: 12, evaluation_months: 36, discount_rate: {rate}}}
goals:
  - {{id: a, title: A, weight: {}}}
  - {{id: b, title: B, weight: {}}}
  - {{id: c, title: C, weight: {}}}
initiatives:
  - id: x
    title: X
    duration_months: {duration}
    one_time_cost: {one_time}
    recurring_cost_annual: {recurring}
    benefits: [{{kind: saving, annual: {benefit}}}]
    contributes: {{a: {}, b: {}, c: {}}}
",
        weights[0], weights[1], weights[2], strengths[0], strengths[1], strengths[2]
    )
}

fn analyse(text: &str) -> sextant_core::Analysis {
    match sextant_core::load_plan("p.yaml", text) {
        Ok(p) => sextant_core::analyze(&p),
        Err(e) => panic!("{}", e.render(Some(text))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn alignment_is_a_fraction_and_full_support_scores_one(
        s in prop::array::uniform3(0u8..=3),
        w in prop::array::uniform3(1u8..=5),
    ) {
        let a = analyse(&plan(1000, 0, 2000, 2, 0.08, s, w));
        let score = a.initiatives[0].alignment_score;
        prop_assert!((0.0..=1.0).contains(&score));
        let expected = (0..3).map(|g| f64::from(w[g]) * f64::from(s[g])).sum::<f64>()
            / (3.0 * (0..3).map(|g| f64::from(w[g])).sum::<f64>());
        prop_assert!((score - expected).abs() < 1e-6);
        let full = analyse(&plan(1000, 0, 2000, 2, 0.08, [3, 3, 3], w));
        prop_assert!((full.initiatives[0].alignment_score - 1.0).abs() < 1e-12);
    }

    #[test]
    fn scaling_every_amount_scales_npv_and_keeps_roi(
        one in 1u32..50_000, rec in 0u32..10_000, ben in 0u32..80_000, d in 1u32..12, k in 2u32..9,
    ) {
        let base = analyse(&plan(one, rec, ben, d, 0.1, [1, 0, 0], [1, 1, 1]));
        let scaled = analyse(&plan(one * k, rec * k, ben * k, d, 0.1, [1, 0, 0], [1, 1, 1]));
        let (b, s) = (&base.initiatives[0].case, &scaled.initiatives[0].case);
        // Money is rounded to cents after scaling, so allow a cent per unit of k.
        prop_assert!((s.npv - f64::from(k) * b.npv).abs() <= 0.01 * f64::from(k) + 1e-9);
        match (b.first_year_roi, s.first_year_roi) {
            (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-5),
            (x, y) => prop_assert_eq!(x, y),
        }
        prop_assert_eq!(b.payback_month, s.payback_month);
    }

    #[test]
    fn at_zero_discount_npv_is_the_sum_of_flows(
        one in 0u32..50_000, rec in 0u32..10_000, ben in 0u32..80_000, d in 1u32..12,
    ) {
        let a = analyse(&plan(one, rec, ben, d, 0.0, [1, 0, 0], [1, 1, 1]));
        let c = &a.initiatives[0].case;
        // Implementation costs once; net benefit for the 36 - d months after completion.
        let expected = -f64::from(one) + (f64::from(ben) - f64::from(rec)) / 12.0 * f64::from(36 - d);
        prop_assert!((c.npv - expected).abs() < 0.01, "{} vs {}", c.npv, expected);
        prop_assert!((c.cash_flows.iter().sum::<f64>() - expected).abs() < 0.01 * 36.0);
    }

    /// For a conventional investment (outflows in months 0..d, inflows after), every flow's
    /// discount factor is >= delta^d before month d and <= delta^d from it, so
    /// NPV(r) <= delta^d x NPV(0) and a discounted payback is never earlier than the payback.
    #[test]
    fn discounting_a_conventional_investment(
        one in 1u32..50_000, ben in 1u32..80_000, d in 1u32..12, r in 0.0f64..0.5,
    ) {
        let undiscounted = analyse(&plan(one, 0, ben, d, 0.0, [1, 0, 0], [1, 1, 1]));
        let discounted = analyse(&plan(one, 0, ben, d, r, [1, 0, 0], [1, 1, 1]));
        let delta_d = (1.0 + r).powf(-f64::from(d) / 12.0);
        prop_assert!(discounted.initiatives[0].case.npv <= delta_d * undiscounted.initiatives[0].case.npv + 0.01);
        if let (Some(p), Some(q)) = (undiscounted.initiatives[0].case.payback_month, discounted.initiatives[0].case.discounted_payback_month) {
            prop_assert!(q >= p);
        }
    }

    #[test]
    fn loading_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = sextant_core::load_plan("fuzz.yaml", &text);
    }

    #[test]
    fn a_mutated_valid_plan_either_loads_or_reports_located_problems(
        cut in 0usize..400, insert in "[a-z:{}\\[\\], \\n-]{0,8}",
    ) {
        let base = plan(1000, 100, 3000, 3, 0.08, [3, 1, 0], [1, 2, 3]);
        let cut = cut.min(base.len());
        let cut = (0..=cut).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
        let text = format!("{}{insert}{}", &base[..cut], &base[cut..]);
        if let Err(problems) = sextant_core::load_plan("m.yaml", &text) {
            prop_assert!(!problems.0.is_empty());
            let lines = text.lines().count().max(1) + 1;
            for p in &problems.0 {
                prop_assert!(p.location.line >= 1 && p.location.line <= lines, "{p}");
                prop_assert!(!p.message.is_empty());
            }
        }
    }
}

/// A calendar day from a year, a month and a day of the month (clamped to the month's length).
fn day(y: i32, m: u32, d: u32) -> sextant_core::model::Date {
    let month = sextant_core::model::Month::new(y, m).expect("a month 1-12");
    sextant_core::model::Date::new(month, d.min(month.days())).expect("a day of the month")
}

#[test]
fn day_counts_match_known_spans() {
    use sextant_core::model::Date;
    let d = |s: &str| Date::parse(s).expect("a date");
    // The Unix timestamp of 2000-01-01T00:00:00Z is 946,684,800 s = 10,957 days.
    assert_eq!(d("2000-01-01").days_since(d("1970-01-01")), 10_957);
    // 2000 is a leap year (divisible by 400), 1900 and 2100 are not.
    assert_eq!(d("2000-03-01").days_since(d("2000-02-28")), 2);
    assert_eq!(d("1900-03-01").days_since(d("1900-02-28")), 1);
    assert_eq!(d("2100-03-01").days_since(d("2100-02-28")), 1);
    assert!(Date::parse("2028-02-29").is_some());
    assert!(Date::parse("2027-02-29").is_none());
    assert!(Date::parse("2027-04-31").is_none());
    assert!(Date::parse("2027-4-01").is_none());
    assert_eq!(d("2027-03-05").to_string(), "2027-03-05");
}

proptest! {
    #[test]
    fn days_add_up_month_by_month(y in 1600i32..2400, m in 1u32..=12, a in 1u32..=31, b in 1u32..=31) {
        let (x, z) = (day(y, m, a), day(y, m, b));
        // Within a month, the difference is the difference of the day numbers.
        prop_assert_eq!(x.days_since(z), i64::from(a.min(x.month().days())) - i64::from(b.min(x.month().days())));
        prop_assert_eq!(x.days_since(z), -z.days_since(x));
        // From the first of a month to the first of the next is the month's length.
        let first = day(y, m, 1);
        let next = sextant_core::model::Date::new(first.month().plus(1), 1).expect("day 1");
        prop_assert_eq!(next.days_since(first), i64::from(first.month().days()));
        // A year from 1 March is 366 days when the next February has 29.
        let march = day(y, 3, 1);
        let leap = (y + 1) % 4 == 0 && ((y + 1) % 100 != 0 || (y + 1) % 400 == 0);
        prop_assert_eq!(day(y + 1, 3, 1).days_since(march), if leap { 366 } else { 365 });
        // Written and read back, a day is the same day.
        prop_assert_eq!(sextant_core::model::Date::parse(&x.to_string()), Some(x));
    }
}
