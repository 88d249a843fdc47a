//! Issue 10, items 12-14: missing data, partial periods, false anomalies, rounding.

#![allow(clippy::unwrap_used)]

use sextant_metrics::anomaly::{self, THRESHOLD};
use sextant_metrics::calendar::{Granularity, days_from_civil};
use sextant_metrics::catalogue::{Inputs, OrderMetrics, Table, compute};
use sextant_metrics::records::{Incident, Order, Spend};

fn d(y: i32, m: u32, day: u32) -> i32 {
    days_from_civil(y, m, day)
}

fn values(t: &Table, m: &str) -> Vec<Option<f64>> {
    t.get(m).unwrap_or_else(|| panic!("no {m}")).values.clone()
}

/// One order on each given day, each from a new customer, of `amount`.
fn orders(days: &[(i32, f64)]) -> OrderMetrics {
    let mut om = OrderMetrics::new(Granularity::Month);
    for (c, &(day, amount)) in days.iter().enumerate() {
        om.add(&Order {
            day,
            customer: c as u32,
            amount,
            channel: None,
        });
    }
    om
}

#[test]
fn cac_is_null_where_the_marketing_data_ends() {
    // Orders January to April 2027 (one new customer a month); spend for January and February
    // only. March and April have no marketing data: their spend and CAC are unknown, not 0.
    let om = orders(&[
        (d(2027, 1, 10), 10.0),
        (d(2027, 2, 10), 10.0),
        (d(2027, 3, 10), 10.0),
        (d(2027, 4, 30), 10.0),
    ]);
    let spend = [
        Spend {
            day: d(2027, 1, 1),
            channel: None,
            amount: 300.0,
        },
        Spend {
            day: d(2027, 2, 1),
            channel: None,
            amount: 200.0,
        },
    ];
    let t = compute(
        &Inputs {
            orders: Some(&om),
            spend: &spend,
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(t.periods, ["2027-01", "2027-02", "2027-03", "2027-04"]);
    assert_eq!(
        values(&t, "marketing_spend"),
        [Some(300.0), Some(200.0), None, None]
    );
    // 300 / 1 new customer, 200 / 1.
    assert_eq!(values(&t, "cac"), [Some(300.0), Some(200.0), None, None]);
    // Orders go on: revenue is known for every month.
    assert_eq!(
        values(&t, "revenue"),
        [Some(10.0), Some(10.0), Some(10.0), Some(10.0)]
    );
}

#[test]
fn orders_metrics_are_null_past_the_orders_data() {
    // Orders in January and February only, asked through April.
    let om = orders(&[(d(2027, 1, 10), 10.0), (d(2027, 2, 28), 20.0)]);
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        Some(Granularity::Month.index(d(2027, 4, 1))),
    );
    assert_eq!(values(&t, "revenue"), [Some(10.0), Some(20.0), None, None]);
    assert_eq!(
        values(&t, "new_customers"),
        [Some(1.0), Some(1.0), None, None]
    );
}

#[test]
fn an_unresolved_outage_is_down_to_the_end_of_its_period() {
    // An outage from 2027-03-31 23:00, never resolved: 60 minutes down in March (44,640
    // minutes): uptime 1 - 60 / 44640 = 0.998656 -> 0.9987. Before, it counted as up.
    let start = i64::from(d(2027, 3, 31)) * 1440 + 23 * 60;
    let incidents = [
        Incident {
            start: i64::from(d(2027, 3, 1)) * 1440,
            end: Some(i64::from(d(2027, 3, 1)) * 1440 + 30),
            security: false,
            outage: false,
            system: None,
        },
        Incident {
            start,
            end: None,
            security: false,
            outage: true,
            system: None,
        },
    ];
    let t = compute(
        &Inputs {
            incidents: &incidents,
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(values(&t, "uptime"), [Some(0.9987)]);
    // MTBF: (44640 - 60) / 60 hours over 1 outage = 743 hours.
    assert_eq!(values(&t, "mtbf"), [Some(743.0)]);
    // MTTR counts resolved incidents only: the one of 30 minutes.
    assert_eq!(values(&t, "mttr"), [Some(0.5)]);
}

/// Twelve steady months of revenue (1,000 a month, +-10, on the 1st: the data cover January
/// 2027 from its start), then `last` in 2028-01 on days 1..=`days`.
fn steady_then(last: f64, days: u32) -> OrderMetrics {
    let mut v = Vec::new();
    for m in 1..=12 {
        let wiggle = if m % 2 == 0 { 10.0 } else { -10.0 };
        v.push((d(2027, m, 1), 1000.0 + wiggle));
    }
    let per_day = last / f64::from(days);
    for day in 1..=days {
        v.push((d(2028, 1, day), per_day));
    }
    orders(&v)
}

#[test]
fn the_last_partial_period_is_marked_and_not_flagged() {
    // The data end on 2028-01-10: January 2028 has 10 of 31 days, revenue 330 so far.
    let om = steady_then(330.0, 10);
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(t.periods.len(), 13);
    assert_eq!(t.partial_periods, ["2028-01"]);
    assert!(t.is_partial(12) && !t.is_partial(11));
    assert_eq!(t.heading(12), "2028-01 (partial)");
    assert_eq!(t.heading(11), "2027-12");
    assert!(
        t.anomalies.iter().all(|a| a.period != "2028-01"),
        "{:?}",
        t.anomalies
    );
    // The same month complete (data to the 31st) at the same low revenue is news.
    let om = steady_then(330.0, 31);
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert!(t.partial_periods.is_empty());
    assert!(
        t.anomalies
            .iter()
            .any(|a| a.period == "2028-01" && a.metric == "revenue"),
        "{:?}",
        t.anomalies
    );
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["partial_periods"], serde_json::json!([]));
}

#[test]
fn a_growing_quarterly_series_has_no_false_anomalies() {
    // Revenue growing by 150 a quarter with +-4 of noise: every quarter agrees with its
    // neighbours. The first and last quarters have neighbours on one side only; their median
    // lagged the growth and, over a spread of a few units, scored 5.3 robust standard
    // deviations ("1003 is 5.3 robust standard deviations below the 1305 expected").
    let y: Vec<Option<f64>> = (0..10)
        .map(|i| Some(1000.0 + 150.0 * i as f64 + [3.0, -2.0, 4.0, -1.0][i % 4]))
        .collect();
    assert_eq!(anomaly::detect(&y, Some(4), THRESHOLD), []);
    assert_eq!(anomaly::detect(&y, None, THRESHOLD), []);
    // A real jump in the same series is still flagged, with the trend carried on: the
    // neighbours 1898, 2049, 2353, 2496 carried along the slope of 150 give 2198 or so.
    let mut y = y;
    y[8] = Some(2800.0);
    let a = anomaly::detect(&y, None, THRESHOLD);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].index, 8);
    assert!((a[0].expected - 2200.0).abs() < 10.0, "{a:?}");
}

#[test]
fn the_spread_has_a_floor() {
    // A series steady to 0.01 but for one period 12% up: the residuals' MAD is about 0.01
    // and scored the jump some 8,000 spreads; floored at 3% of the median size (30: what the
    // calendar alone moves a month by), the score is 120 / 30 = 4.
    let mut y: Vec<Option<f64>> = (0..12)
        .map(|i| Some(1000.0 + if i % 2 == 0 { 0.01 } else { -0.01 }))
        .collect();
    y[6] = Some(1120.0);
    let a = anomaly::detect(&y, None, THRESHOLD);
    assert_eq!(a.len(), 1);
    assert!((a[0].score - 4.0).abs() < 0.01, "{a:?}");
}

#[test]
fn output_is_rounded_to_the_unit() {
    // 0.1 + 0.2 + ... in floating point leaves digits like 10929.770000000008.
    let mut v = vec![(d(2027, 3, 1), 10929.67)];
    v.push((d(2027, 3, 2), 0.1));
    v.push((d(2027, 3, 3), 0.1 - 1e-12));
    v.push((d(2027, 3, 31), 1.0 / 3.0));
    let om = orders(&v);
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    // 10929.67 + 0.1 + 0.1 + 0.333 = 10930.203...: 10930.2 to the cent.
    assert_eq!(values(&t, "revenue"), [Some(10930.2)]);
    // 10930.2033 / 4 orders = 2732.5508 -> 2732.55.
    assert_eq!(values(&t, "average_order_value"), [Some(2732.55)]);
    let json = serde_json::to_string(&t.get("revenue").unwrap().values).unwrap();
    assert_eq!(json, "[10930.2]");
}

/// Two years of a shop's monthly revenue from January 2025: about 10,000 a month growing 0.5%
/// a month, November +15%, December +60%, summer -10%, and up to 2% of noise (a pattern of
/// 11, so that the two years differ).
fn two_years() -> Vec<f64> {
    let noise = [
        0.02, -0.015, 0.01, -0.02, 0.005, 0.015, -0.01, 0.02, -0.005, 0.01, -0.02,
    ];
    (0..24)
        .map(|k| {
            let season = match k % 12 {
                11 => 1.6,
                10 => 1.15,
                5..=7 => 0.9,
                _ => 1.0,
            };
            10_000.0 * (1.0 + 0.005 * k as f64) * season * (1.0 + noise[k % 11])
        })
        .collect()
}

#[test]
fn a_december_peak_every_year_and_an_ordinary_january_are_not_unusual() {
    let y: Vec<Option<f64>> = two_years().into_iter().map(Some).collect();
    assert_eq!(anomaly::detect(&y, Some(12), THRESHOLD), []);
}

#[test]
fn one_month_three_times_the_usual_is_flagged_and_only_it() {
    // March 2026 (index 14) tripled: 3 x 10,700 or so. Its twin, March 2025, is as ordinary
    // as ever: two Marches disagreeing do not say which is odd, the months around them do.
    for k in [14, 2, 11, 0, 23] {
        let mut v = two_years();
        v[k] *= 3.0;
        let y: Vec<Option<f64>> = v.into_iter().map(Some).collect();
        let a = anomaly::detect(&y, Some(12), THRESHOLD);
        assert_eq!(
            a.iter().map(|x| x.index).collect::<Vec<_>>(),
            [k],
            "month {k} tripled: {a:?}"
        );
        assert!(a[0].score > THRESHOLD, "{a:?}");
        assert!(
            a[0].reason
                .contains("about 3 times the usual for this month of the year"),
            "{}",
            a[0].reason
        );
    }
}

/// Orders giving the revenue of [`two_years`], one order a day (each from a new customer),
/// from `first` (a day of January 2025) to 2026-12-31.
fn shop(revenue: &[f64], first: u32) -> OrderMetrics {
    let mut days = Vec::new();
    for (k, r) in revenue.iter().enumerate() {
        let (y, m) = (2025 + k as i32 / 12, k as u32 % 12 + 1);
        let n = Granularity::Month.days(Granularity::Month.index(d(y, m, 1)));
        for day in 1..=n as u32 {
            if k == 0 && day < first {
                continue;
            }
            days.push((d(y, m, day), r / f64::from(n)));
        }
    }
    orders(&days)
}

#[test]
fn a_short_first_month_is_partial_and_upsets_no_other_month() {
    // The data start on 2025-01-20: January 2025 holds 12 of its 31 days. Judged as a whole
    // month it made January 2026 look unusual against it, and with it the year-on-year
    // growth of January 2026.
    let om = shop(&two_years(), 20);
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(t.partial_periods, ["2025-01"]);
    assert_eq!(t.anomalies, [], "{:#?}", t.anomalies);
    // The same shop with March 2026 tripled: March 2026 and only it, in plain words.
    let mut revenue = two_years();
    revenue[14] *= 3.0;
    let t = compute(
        &Inputs {
            orders: Some(&shop(&revenue, 20)),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert!(
        t.anomalies.iter().all(|a| a.period == "2026-03"),
        "{:#?}",
        t.anomalies
    );
    let a = t.anomalies.iter().find(|a| a.metric == "revenue").unwrap();
    assert!(
        a.reason.contains("about 3 times the usual for a March"),
        "{}",
        a.reason
    );
    assert!(a.score > THRESHOLD);
}
