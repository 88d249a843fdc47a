//! The forecast report both front doors return (issue 10, item 13).

#![allow(clippy::unwrap_used)]

use sextant_metrics::forecast::{Point, Request, report};

fn points(rows: &[(&str, f64)]) -> Vec<Point> {
    rows.iter()
        .enumerate()
        .map(|(i, (p, v))| Point {
            period: (*p).to_string(),
            value: *v,
            line: Some(i as u64 + 2),
        })
        .collect()
}

fn months(from_year: i32, values: &[f64]) -> Vec<(String, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                format!("{}-{:02}", from_year + i as i32 / 12, i % 12 + 1),
                *v,
            )
        })
        .collect()
}

fn req(horizon: usize) -> Request {
    Request {
        horizon,
        ..Request::default()
    }
}

#[test]
fn rows_are_sorted_by_period_and_steps_carry_labels() {
    let rows = [
        ("2027-03", 12.0),
        ("2027-01", 10.0),
        ("2027-02", 11.0),
        ("2027-05", 14.0),
        ("2027-04", 13.0),
        ("2027-06", 15.0),
    ];
    let r = report(&points(&rows), &req(3)).unwrap();
    assert_eq!(
        r.periods,
        [
            "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"
        ]
    );
    assert_eq!(r.history, [10.0, 11.0, 12.0, 13.0, 14.0, 15.0]);
    assert_eq!(r.forecast_periods, ["2027-07", "2027-08", "2027-09"]);
    assert_eq!(r.granularity, "month");
    assert_eq!(r.mean.len(), 3);
    // Quarters, weeks and years label their steps too.
    let q = [
        ("2026-Q2", 4.0),
        ("2026-Q3", 5.0),
        ("2026-Q4", 6.0),
        ("2027-Q1", 7.0),
        ("2027-Q2", 8.0),
    ];
    let r = report(&points(&q), &req(3)).unwrap();
    assert_eq!(r.forecast_periods, ["2027-Q3", "2027-Q4", "2028-Q1"]);
    let w = [
        ("2027-03-29", 6.0),
        ("2027-03-22", 5.0),
        ("2027-03-01", 2.0),
        ("2027-03-08", 3.0),
        ("2027-03-15", 4.0),
    ];
    let r = report(&points(&w), &req(2)).unwrap();
    assert_eq!(r.granularity, "week");
    assert_eq!(r.forecast_periods, ["2027-04-05", "2027-04-12"]);
    let y = [
        ("2022", 0.0),
        ("2023", 1.0),
        ("2024", 2.0),
        ("2025", 3.0),
        ("2026", 4.0),
    ];
    assert_eq!(
        report(&points(&y), &req(1)).unwrap().forecast_periods,
        ["2027"]
    );
}

#[test]
fn repeated_and_unreadable_periods_are_refused_gaps_filled_with_a_note() {
    let rows = [
        ("2027-01", 10.0),
        ("2027-02", 11.0),
        ("2027-01", 12.0),
        ("2027-03", 13.0),
    ];
    assert_eq!(
        report(&points(&rows), &req(1)).unwrap_err(),
        "period 2027-01 appears twice: `2027-01` (line 2) and `2027-01` (line 4); expected one value per period"
    );
    let rows = [("2027-01", 10.0), ("Feb", 11.0)];
    assert_eq!(
        report(&points(&rows), &req(1)).unwrap_err(),
        "line 3: `Feb`: not a period; write a day as 2027-03-15, a month as 2027-03, Mar 2027 or 03/2027, a quarter as 2027Q1, 2027-Q1 or Q1 2027, an ISO week as 2027-W05, a year as 2027, or a step number as 17"
    );
    let rows = [("2027-01", 10.0), ("2027-Q2", 11.0)];
    assert_eq!(
        report(&points(&rows), &req(1)).unwrap_err(),
        "line 3: `2027-Q2` is a quarter, but `2027-01` (line 2) is a month; expected periods of one length"
    );
    // April missing: filled between March (13) and May (15) with 14, and said so.
    let rows = [
        ("2027-01", 10.0),
        ("2027-02", 12.0),
        ("2027-03", 13.0),
        ("2027-05", 15.0),
        ("2027-06", 16.0),
    ];
    let r = report(&points(&rows), &req(1)).unwrap();
    assert_eq!(r.periods[3], "2027-04");
    assert_eq!(r.history[3], 14.0);
    // (And 6 months are a short history: the second note says what the range rests on.)
    assert_eq!(
        r.notes,
        [
            "1 period(s) had no value and were filled by linear interpolation between their neighbours: 2027-04",
            "from 6 months of data; a longer history would narrow this: the range allows for the model being estimated from so few values (Student-t quantiles with 4 degrees of freedom, and never narrower than a random walk with drift's range)"
        ]
    );
    // More than a quarter missing: refused.
    let rows = [
        ("2027-01", 10.0),
        ("2027-02", 12.0),
        ("2027-03", 13.0),
        ("2027-09", 15.0),
    ];
    assert_eq!(
        report(&points(&rows), &req(1)).unwrap_err(),
        "5 of 9 periods from 2027-01 to 2027-09 have no value; expected at most a quarter missing to fill them in"
    );
    assert_eq!(
        report(&points(&rows), &req(0)).unwrap_err(),
        "horizon: expected 1 to 1200 periods, found 0"
    );
}

/// Two years of a shop's months: about 100 with a December peak of about 200.
fn december_peak() -> Vec<(String, f64)> {
    let v: Vec<f64> = (0..24)
        .map(|i| {
            let wiggle = [
                3.0, -2.0, 1.0, -4.0, 2.0, 0.0, -1.0, 4.0, -3.0, 1.0, 2.0, 0.0,
            ][i % 12];
            if i % 12 == 11 {
                200.0 + i as f64
            } else {
                100.0 + wiggle + i as f64 * 0.5
            }
        })
        .collect();
    months(2025, &v)
}

#[test]
fn a_december_peak_with_two_seasons_is_not_forecast_flat() {
    let rows = december_peak();
    let rows: Vec<(&str, f64)> = rows.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let r = report(&points(&rows), &req(12)).unwrap();
    assert_eq!(r.forecast_periods[11], "2027-12");
    let december = r.mean[11];
    let others = r.mean[..11].iter().copied().fold(f64::MIN, f64::max);
    assert!(
        december > others + 50.0,
        "{} {}: December {december}, the others at most {others}; {:?} {:?}",
        r.model,
        r.chosen_by,
        r.mean,
        r.notes
    );
    // 2026-12 was 223, 2025-12 was 211: seasonal naive with drift says about 223 + (one
    // season's average change); the chosen model must say the same shape.
    assert!(december > 200.0, "{december}");
}

#[test]
fn short_seasonal_series_say_seasonal_models_are_not_admissible() {
    // 18 months with a December peak: seasonal ETS needs 24.
    let rows = december_peak();
    let rows: Vec<(&str, f64)> = rows[..18].iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let r = report(&points(&rows), &req(12)).unwrap();
    assert!(
        r.notes.iter().any(|n| n
            == "seasonal ETS models need two full seasons (24 values), found 18: not admissible"),
        "{:?}",
        r.notes
    );
    // The holdout compared the methods on the last 6 months (what precedes them holds a
    // season).
    let h = r.holdout.as_ref().unwrap();
    assert_eq!(h.periods, 6);
    // The forecast's December (2026-12, step 6) carries last December's peak (211).
    assert_eq!(r.method, "seasonal_naive", "{}", r.chosen_by);
    assert_eq!(r.forecast_periods[5], "2026-12");
    assert_eq!(r.mean[5], 211.0);
    assert!(
        r.mean.iter().all(|m| *m < 115.0 || *m == 211.0),
        "{:?}",
        r.mean
    );
}

#[test]
fn the_target_probability_follows_the_models_own_distribution() {
    // A growing series with multiplicative noise: a non-linear model with simulated paths.
    let mut seed = 7u64;
    let v: Vec<f64> = (0..40)
        .map(|i| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let u = (seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5;
            100.0 * 1.03f64.powi(i) * (1.0 + 0.3 * u)
        })
        .collect();
    let rows = months(2024, &v);
    let rows: Vec<(&str, f64)> = rows.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let base = report(&points(&rows), &req(6)).unwrap();
    assert!(base.simulated, "{}", base.model);
    // The probability of reaching the upper 80% bound is the 10% of paths above it, and of
    // falling to the lower 95% bound the 2.5% below it, as the intervals say (within one
    // path in 5,000 and the rounding to 4 places).
    for (target, down, expected) in [
        (base.upper_80[5], false, 0.10),
        (base.lower_95[5], true, 0.025),
        (base.upper_95[5], false, 0.025),
    ] {
        let r = report(
            &points(&rows),
            &Request {
                horizon: 6,
                target: Some(target),
                down,
                ..Request::default()
            },
        )
        .unwrap();
        let t = r.target.unwrap();
        assert_eq!(t.period, "2027-10");
        assert!(
            (t.probability - expected).abs() <= 0.0003,
            "{target} {down}: {} against {expected}",
            t.probability
        );
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any labels (period-like or not) and any values give a report or an error.
        #[test]
        fn on_any_series(
            rows in proptest::collection::vec(
                (
                    prop_oneof![
                        "[0-9]{4}-[0-9]{1,2}",
                        "[0-9]{4}-Q[0-9]",
                        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
                        "[0-9]{1,19}",
                        ".{0,12}",
                    ],
                    prop_oneof![any::<f64>(), -1e6f64..1e6],
                ),
                0..40,
            ),
            horizon in 0usize..2000,
            season in proptest::option::of(0usize..60),
            target in proptest::option::of(any::<f64>()),
        ) {
            let pts: Vec<Point> = rows
                .iter()
                .map(|(p, v)| Point { period: p.clone(), value: *v, line: None })
                .collect();
            let _ = report(&pts, &Request { horizon, season, target, ..Request::default() });
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Monthly series of any length and values, some months missing: the models run.
        #[test]
        fn on_monthly_series(
            values in proptest::collection::vec(-1e9f64..1e9, 0..40),
            skip in proptest::collection::vec(any::<bool>(), 40),
            horizon in 1usize..30,
            season in proptest::option::of(0usize..30),
            target in proptest::option::of(-1e9f64..1e9),
            down in any::<bool>(),
        ) {
            let pts: Vec<Point> = values
                .iter()
                .enumerate()
                .filter(|(i, _)| !(skip[*i] && i % 5 == 3))
                .map(|(i, v)| Point {
                    period: format!("{}-{:02}", 2020 + i / 12, i % 12 + 1),
                    value: *v,
                    line: None,
                })
                .collect();
            if let Ok(r) = report(&pts, &Request { horizon, season, target, down, ..Request::default() }) {
                prop_assert_eq!(r.mean.len(), horizon);
                prop_assert_eq!(r.forecast_periods.len(), horizon);
                prop_assert_eq!(r.periods.len(), r.history.len());
            }
        }
    }
}

#[test]
fn periods_read_in_any_spelling_and_print_canonically() {
    // Quarters as pandas writes them, and other spellings of one length mixed.
    let q = [
        ("1959Q1", 4.0),
        ("Q2 1959", 5.0),
        ("1959-Q3", 6.0),
        ("1959 q4", 7.0),
        ("Q1-1960", 8.0),
    ];
    let r = report(&points(&q), &req(2)).unwrap();
    assert_eq!(r.granularity, "quarter");
    assert_eq!(
        r.periods,
        ["1959-Q1", "1959-Q2", "1959-Q3", "1959-Q4", "1960-Q1"]
    );
    assert_eq!(r.forecast_periods, ["1960-Q2", "1960-Q3"]);
    let m = [
        ("Jan 2027", 1.0),
        ("02/2027", 2.0),
        ("March 2027", 3.0),
        ("2027-4", 4.0),
        ("2027/05", 5.0),
    ];
    let r = report(&points(&m), &req(1)).unwrap();
    assert_eq!(r.granularity, "month");
    assert_eq!(
        r.periods,
        ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
    );
    assert_eq!(r.forecast_periods, ["2027-06"]);
    // ISO weeks across a 53-week year, with a gap filled.
    let w = [
        ("2026-W51", 1.0),
        ("2026-W52", 2.0),
        ("2026W53", 3.0),
        ("2027-W1", 4.0),
        ("2027-W03", 6.0),
    ];
    let r = report(&points(&w), &req(2)).unwrap();
    assert_eq!(r.granularity, "week");
    assert_eq!(
        r.periods,
        [
            "2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02", "2027-W03"
        ]
    );
    assert_eq!(r.history[4], 5.0);
    assert_eq!(r.forecast_periods, ["2027-W04", "2027-W05"]);
    // An impossible period says why.
    let bad = [("2027-W01", 1.0), ("2027-W53", 2.0)];
    assert_eq!(
        report(&points(&bad), &req(1)).unwrap_err(),
        "line 3: `2027-W53`: there is no week 53 in 2027, which has 52 ISO weeks; write a day as 2027-03-15, a month as 2027-03, Mar 2027 or 03/2027, a quarter as 2027Q1, 2027-Q1 or Q1 2027, an ISO week as 2027-W05, a year as 2027, or a step number as 17"
    );
    // Dates and weeks are different lengths.
    let mixed = [("2027-W01", 1.0), ("2027-01-11", 2.0)];
    assert_eq!(
        report(&points(&mixed), &req(1)).unwrap_err(),
        "line 3: `2027-01-11` is a date, but `2027-W01` (line 2) is an ISO week; expected periods of one length"
    );
}

/// Half a unit of noise on a line rising by 2 a month, repeating every 8 months.
const NOISE: [f64; 8] = [0.4, -0.3, 0.5, -0.5, 0.2, -0.4, 0.3, -0.2];

/// The 95% prediction interval's half-width, `h` steps past the last of `y`, of the straight
/// line fitted to `y` by least squares (the model a smoothed trend with no smoothing reduces
/// to), with its own parameter uncertainty: `t(0.975, n - 2) s sqrt(1 + 1/n + (x0 -
/// mean x)^2 / Sxx)` (any regression textbook; e.g. Montgomery & Runger, "Applied
/// Statistics and Probability for Engineers", 11-6). `t975` is read from a t table.
fn line_band(y: &[f64], h: usize, t975: f64) -> f64 {
    let n = y.len() as f64;
    let mx = (n - 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let sxx: f64 = (0..y.len()).map(|x| (x as f64 - mx).powi(2)).sum();
    let sxy: f64 = y
        .iter()
        .enumerate()
        .map(|(x, v)| (x as f64 - mx) * (v - my))
        .sum();
    let b = sxy / sxx;
    let sse: f64 = y
        .iter()
        .enumerate()
        .map(|(x, v)| (v - (my + b * (x as f64 - mx))).powi(2))
        .sum();
    let s = (sse / (n - 2.0)).sqrt();
    let x0 = n - 1.0 + h as f64;
    t975 * s * (1.0 + 1.0 / n + (x0 - mx).powi(2) / sxx).sqrt()
}

#[test]
fn a_short_history_gives_a_wide_band_and_a_chance_short_of_certainty() {
    // Eight months rising by 2 with half a unit of noise; six months on the trend is at 126,
    // the target 128 one month's growth above it.
    let v: Vec<f64> = (0..8).map(|t| 100.0 + 2.0 * t as f64 + NOISE[t]).collect();
    let rows = months(2026, &v);
    let rows: Vec<(&str, f64)> = rows.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let ask = Request {
        horizon: 6,
        target: Some(128.0),
        ..Request::default()
    };
    let r = report(&points(&rows), &ask).unwrap();
    let half = (r.upper_95[5] - r.lower_95[5]) / 2.0;
    // The least-squares line through the 8 values gives, six months on, a 95% half-width of
    // 2.447 (t with 6 degrees of freedom) x s x sqrt(1 + 1/8 + 9.5^2 / 42): about 1.8 x the
    // noise. Before, the band was the model's one-step spread alone, +-0.99 (and the
    // chance 0.0000).
    let bound = line_band(&v, 6, 2.446_912);
    assert!(
        half >= bound,
        "{half} narrower than {bound}: {} {:?}",
        r.model,
        r.notes
    );
    let p = r.target.as_ref().unwrap().probability;
    assert!(p > 0.01 && p < 0.99, "{p}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("from 8 months of data; a longer history would narrow this")),
        "{:?}",
        r.notes
    );
    // Three years of the same shape: a narrower band, and no such note.
    let long: Vec<f64> = (0..36)
        .map(|t| 100.0 + 2.0 * t as f64 + NOISE[t % 8])
        .collect();
    let rows = months(2024, &long);
    let rows: Vec<(&str, f64)> = rows.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let l = report(&points(&rows), &ask).unwrap();
    let long_half = (l.upper_95[5] - l.lower_95[5]) / 2.0;
    assert!(
        long_half < half / 2.0,
        "36 months: +-{long_half}, 8 months: +-{half} ({})",
        l.model
    );
    assert!(
        l.notes.iter().all(|n| !n.contains("months of data")),
        "{:?}",
        l.notes
    );
}

/// A goal's chance (`goal_probability`, what goal tracking reads) is the chance the report gives
/// for the same months, to the digit: the same model choice (seasonal naive with drift
/// included, when the holdout picks it) and the same step, worked out alone. Series: a December
/// peak over two years (seasonal), a steady rise over 30 months, 10 months of noise (short, its
/// chance bounded), the demo's stockout rate (seasonal naive), each toward targets above and
/// below, rising and falling.
#[test]
fn a_goals_chance_is_the_reports_chance() {
    let rise: Vec<f64> = (0..30)
        .map(|i| 50.0 + 1.5 * i as f64 + [2.0, -1.0, 0.5, -2.0][i % 4])
        .collect();
    let noise: Vec<f64> = (0..10).map(|i| 20.0 + [3.0, -2.0, 1.0][i % 3]).collect();
    let peak: Vec<f64> = december_peak().into_iter().map(|(_, v)| v).collect();
    // The demo's stockout rate (examples/corner-bookstore.yaml): the holdout picks seasonal
    // naive with drift.
    let stockouts = vec![
        0.11, 0.1, 0.092, 0.098, 0.095, 0.091, 0.098, 0.101, 0.105, 0.112, 0.119, 0.127, 0.094,
        0.09, 0.092, 0.104, 0.088, 0.108, 0.092, 0.095, 0.091, 0.101, 0.118, 0.126,
    ];
    let mut compared = 0;
    let mut models = std::collections::BTreeSet::new();
    for values in [&peak, &rise, &noise, &stockouts] {
        let last = *values.last().unwrap();
        for steps in [1, 6, 12] {
            for (target, down) in [
                (last * 1.1, false),
                (last * 0.9, false),
                (last * 0.9, true),
                (last * 1.3, true),
            ] {
                let rows = months(2025, values);
                let rows: Vec<(&str, f64)> = rows.iter().map(|(p, v)| (p.as_str(), *v)).collect();
                let r = report(
                    &points(&rows),
                    &Request {
                        horizon: steps,
                        target: Some(target),
                        down,
                        ..Request::default()
                    },
                )
                .unwrap();
                let (p, model) =
                    sextant_metrics::forecast::goal_probability(values, steps, target, down)
                        .unwrap();
                assert_eq!(
                    p,
                    r.target.as_ref().unwrap().probability,
                    "{} values, {steps} ahead, target {target} {down}",
                    values.len()
                );
                assert!(model.starts_with(&r.model), "{model} against {}", r.model);
                models.insert(r.model.clone());
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 48);
    // Both kinds of model were compared.
    assert!(models.contains("seasonal naive with drift"), "{models:?}");
    assert!(models.iter().any(|m| m.starts_with("ETS(")), "{models:?}");
}
