//! A KPI's forecast, as the forecast route, the KPI page and the pack make it: kept within
//! the values a standard metric can take.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use sextant_core::model::Month;

/// 24 months from January 2025 of `f(k)`.
fn series(f: impl Fn(usize) -> f64) -> BTreeMap<Month, f64> {
    let start = Month::parse("2025-01").unwrap();
    (0..24).map(|k| (start.plus(k as i32), f(k))).collect()
}

fn every(r: &sextant_metrics::forecast::ForecastReport) -> Vec<f64> {
    [&r.mean, &r.lower_80, &r.upper_80, &r.lower_95, &r.upper_95]
        .into_iter()
        .flatten()
        .copied()
        .collect()
}

#[test]
fn a_standard_metrics_forecast_stays_within_what_it_can_take() {
    // Satisfaction climbing toward 100%, noisy: unclamped, the upper intervals pass 1.
    let csat = series(|k| (0.80 + 0.008 * k as f64 + 0.03 * ((k * 7 % 5) as f64 - 2.0)).min(0.99));
    let unclamped =
        sextant_ops::forecast_series("my_satisfaction", &csat, 18, None, None, false).unwrap();
    assert!(every(&unclamped).iter().any(|&x| x > 1.0), "{unclamped:?}");
    let r = sextant_ops::forecast_series("csat", &csat, 18, None, None, false).unwrap();
    assert!(every(&r).iter().all(|&x| (0.0..=1.0).contains(&x)), "{r:?}");
    // The mean where it was within bounds is unchanged.
    for (a, b) in r.mean.iter().zip(&unclamped.mean) {
        assert_eq!(*a, b.clamp(0.0, 1.0));
    }

    // Orders falling toward zero: never below it.
    let orders = series(|k| (300.0 - 14.0 * k as f64).max(5.0) + ((k * 3 % 4) as f64) * 6.0);
    let r = sextant_ops::forecast_series("orders", &orders, 12, None, None, false).unwrap();
    assert!(every(&r).iter().all(|&x| x >= 0.0), "{r:?}");

    // NPS near its top: within -100 to 100.
    let nps = series(|k| 60.0 + 1.8 * k as f64 + 8.0 * ((k * 5 % 3) as f64 - 1.0));
    let r = sextant_ops::forecast_series("nps", &nps, 24, None, None, false).unwrap();
    assert!(
        every(&r).iter().all(|&x| (-100.0..=100.0).contains(&x)),
        "{r:?}"
    );

    // Growth may go either way: not bounded.
    assert_eq!(
        sextant_core::catalogue::natural_range("tech_revenue_growth"),
        None
    );
    assert_eq!(sextant_core::catalogue::natural_range("my_own"), None);
}
