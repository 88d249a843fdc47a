//! Exponential smoothing against the reference: statsmodels 0.15.0 `ETSModel` with the same
//! fixed smoothing parameters and known initial states (so that the recursions and intervals
//! are compared, not two optimisers), on two published series it ships: the Nile's annual flow
//! (1871-1970) and the first ten years of the El Nino sea-surface temperatures (monthly). The
//! figures and the code that made them are in tests/data/ets_reference.json.

#![allow(clippy::unwrap_used)]

use sextant_metrics::ets::{
    self, ErrorKind, ForecastError, Params, SeasonKind, Spec, TrendKind, auto, fixed, forecast,
};

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!("data/ets_reference.json")).unwrap()
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-9)
}

#[test]
fn point_forecasts_and_intervals_match_statsmodels() {
    let r = reference();
    for case in r["cases"].as_array().unwrap() {
        let y = nums(&r[case["series"].as_str().unwrap()]);
        let p = &case["params"];
        let init = &case["init"];
        let season = match case["seasonal"].as_str() {
            None => SeasonKind::N,
            Some("add") => SeasonKind::A,
            Some(_) => SeasonKind::M,
        };
        let trend = match (case["trend"].as_str(), case["damped"].as_bool().unwrap()) {
            (None, _) => TrendKind::N,
            (Some(_), false) => TrendKind::A,
            (Some(_), true) => TrendKind::Ad,
        };
        let spec = Spec {
            error: if case["error"] == "add" {
                ErrorKind::A
            } else {
                ErrorKind::M
            },
            trend,
            season,
            period: case["period"].as_u64().unwrap_or(1) as usize,
        };
        let params = Params {
            alpha: p["smoothing_level"].as_f64().unwrap(),
            beta: p["smoothing_trend"].as_f64().unwrap_or(0.0),
            gamma: p["smoothing_seasonal"].as_f64().unwrap_or(0.0),
            phi: p["damping_trend"].as_f64().unwrap_or(1.0),
            l0: init["initial_level"].as_f64().unwrap(),
            b0: init["initial_trend"].as_f64().unwrap_or(0.0),
            s0: init.get("initial_seasonal").map(nums).unwrap_or_default(),
        };
        let mut fit = fixed(&y, &spec, params).unwrap();
        // statsmodels scales its intervals by the mean squared one-step error (SSE / n).
        fit.sigma2 = case["mse"].as_f64().unwrap();
        let fc = forecast(&fit, 12);
        let name = case["name"].as_str().unwrap();
        for (got, key) in [
            (&fc.mean, "mean"),
            (&fc.lower_80, "lower_80"),
            (&fc.upper_80, "upper_80"),
            (&fc.lower_95, "lower_95"),
            (&fc.upper_95, "upper_95"),
        ] {
            let want = nums(&case[key]);
            // Points and analytic intervals to 1e-6; simulated intervals within 3%.
            let tol = if key == "mean" || !fc.simulated {
                1e-6
            } else {
                0.03
            };
            for (h, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    close(*g, *w, tol),
                    "{name} {key} step {}: {g} vs {w}",
                    h + 1
                );
            }
        }
    }
}

#[test]
fn auto_picks_a_seasonal_model_for_a_seasonal_series() {
    let r = reference();
    let y = nums(&r["elnino"]);
    let fit = auto(&y, Some(12)).unwrap();
    assert_ne!(fit.spec.season, SeasonKind::N, "{}", fit.spec.name());
    let fc = forecast(&fit, 24);
    // Intervals nest and the 95% band widens with the horizon for additive errors.
    for h in 0..24 {
        assert!(fc.lower_95[h] <= fc.lower_80[h] && fc.lower_80[h] <= fc.mean[h]);
        assert!(fc.mean[h] <= fc.upper_80[h] && fc.upper_80[h] <= fc.upper_95[h]);
    }
    // Without a period the same data get a non-seasonal model.
    assert_eq!(auto(&y, None).unwrap().spec.season, SeasonKind::N);
}

#[test]
fn trends_flat_series_and_errors() {
    let trend: Vec<f64> = (0..30).map(|i| 100.0 + 3.0 * i as f64).collect();
    let fit = auto(&trend, None).unwrap();
    let fc = forecast(&fit, 3);
    assert!(
        (fc.mean[0] - 190.0).abs() < 2.0,
        "{:?} {}",
        fc.mean,
        fit.spec.name()
    );
    let flat = vec![5.0; 20];
    let fc = forecast(&auto(&flat, None).unwrap(), 2);
    assert!((fc.mean[1] - 5.0).abs() < 1e-6);
    assert_eq!(
        auto(&[1.0, 2.0], None).unwrap_err().to_string(),
        "expected at least 4 values to forecast, found 2"
    );
    assert_eq!(
        auto(&[1.0, 2.0, f64::NAN, 4.0, 5.0], None).unwrap_err(),
        ForecastError::NotFinite { index: 2 }
    );
}

#[test]
fn probabilities_follow_the_target() {
    let y: Vec<f64> = (0..24)
        .map(|i| 50.0 + i as f64 + if i % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let fc = forecast(&auto(&y, None).unwrap(), 6);
    let mut last = 1.0;
    for target in [40.0, 60.0, 75.0, 80.0, 90.0, 120.0] {
        let p = ets::probability_at_least(&fc, 6, target);
        assert!(p <= last + 1e-12, "{target}: {p} after {last}");
        last = p;
    }
    assert!(ets::probability_at_least(&fc, 6, 40.0) > 0.99);
    assert!(ets::probability_at_most(&fc, 6, 40.0) < 0.01);
    // Phi(0) = 0.5, Phi(1.96) = 0.975.
    assert!((ets::normal_cdf(0.0) - 0.5).abs() < 1e-7);
    assert!((ets::normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
}

/// Half a unit of noise on a line rising by 2 a period, repeating every 8 periods.
const NOISE: [f64; 8] = [0.4, -0.3, 0.5, -0.5, 0.2, -0.4, 0.3, -0.2];

/// `n` values of a series rising gently (100, 102, 104, ...) with small noise.
fn gently_rising(n: usize) -> Vec<f64> {
    (0..n)
        .map(|t| 100.0 + 2.0 * t as f64 + NOISE[t % 8])
        .collect()
}

#[test]
fn a_short_history_gives_an_honest_chance_and_says_so() {
    // Eight months; six months on, the trend is at 100 + 2 x 13 = 126, and 128 is one
    // month's growth above it. Fitted to 8 values, the model's own band (sd 0.5, nothing
    // for its level and slope being estimated from 8 values) gave a chance of 0.0000014:
    // reported as 0%.
    let y = gently_rising(8);
    let (p, words) = ets::goal_probability(&y, 6, 128.0, false).unwrap();
    assert!(p > 0.01 && p < 0.99, "{p} {words}");
    assert!(p < 0.5, "the target is above the trend: {p}");
    assert!(
        words.contains("from 8 months of data") && words.contains("a longer history"),
        "{words}"
    );
    // Far below the trend the target is all but sure, but 8 values cannot make it surer than
    // 99%, nor falling to it less likely than 1%; the words say so.
    let (p, words) = ets::goal_probability(&y, 6, 100.0, false).unwrap();
    assert_eq!(p, 0.99, "{words}");
    assert!(words.contains("no surer than 99%"), "{words}");
    let (p, _) = ets::goal_probability(&y, 6, 100.0, true).unwrap();
    assert_eq!(p, 0.01);
    // Two years and more: the model's own words, no cap needed.
    let (_, words) = ets::goal_probability(&gently_rising(36), 6, 180.0, false).unwrap();
    assert!(
        words.starts_with("ETS(") && !words.contains("months of data"),
        "{words}"
    );
}

#[test]
fn student_t_matches_the_tables() {
    // Quantiles from any t table; with 1 degree of freedom the t is Cauchy, whose distribution
    // function is 1/2 + atan(x) / pi.
    for (p, nu, q) in [
        (0.975, 6.0, 2.446_912),
        (0.9, 4.0, 1.533_206),
        (0.975, 1.0, 12.706_205),
        (0.975, 30.0, 2.042_272),
    ] {
        assert!((ets::t_quantile(p, nu) - q).abs() < 1e-6, "{p} {nu}");
        assert!((ets::t_cdf(q, nu) - p).abs() < 1e-7, "{p} {nu}");
    }
    for x in [-3.0, -0.5, 0.0, 2.0] {
        let cauchy = 0.5 + f64::atan(x) / std::f64::consts::PI;
        assert!((ets::t_cdf(x, 1.0) - cauchy).abs() < 1e-9, "{x}");
    }
    // Many degrees of freedom: the normal.
    assert!((ets::t_quantile(0.975, 1e8) - 1.959_964).abs() < 1e-5);
}

#[test]
fn a_goals_chance_reads_the_same_paths_as_the_whole_forecast() {
    // goal_probability keeps the simulated paths of the one step it reads; the chance must be
    // the one the whole predictive forecast gives at that step (the same paths, the same seed).
    // A series with multiplicative noise (a simulated model) and one with additive noise.
    let growing: Vec<f64> = (0..30)
        .map(|t| 100.0 * 1.03f64.powi(t) * (1.0 + NOISE[t as usize % 8] / 50.0))
        .collect();
    let mut simulated = 0;
    for (y, steps, target) in [
        (growing, 9, 260.0),
        (gently_rising(30), 5, 172.0),
        (gently_rising(14), 4, 131.0),
    ] {
        let fit = ets::auto(&y, (y.len() >= 24).then_some(12)).unwrap();
        let fc = ets::predictive(&fit, &y, steps);
        simulated += usize::from(fc.simulated);
        for down in [false, true] {
            let whole = if down {
                ets::probability_at_most(&fc, steps, target)
            } else {
                ets::probability_at_least(&fc, steps, target)
            };
            let (whole, _) = ets::bounded(whole, y.len());
            let (p, words) = ets::goal_probability(&y, steps, target, down).unwrap();
            assert_eq!(p, whole, "{words}, {} values, down {down}", y.len());
            assert!(p > 0.0 && p < 1.0, "{p}: the target is near the forecast");
        }
    }
    assert!(simulated > 0, "no series had a simulated model");
}
