//! BG/NBD and Gamma-Gamma against the reference: lifetimes 0.11.3 (`BetaGeoFitter`,
//! `GammaGammaFitter`, penalizer 0) on the CDNOW sample it ships
//! (`load_cdnow_summary_data_with_monetary_value()`, 2,357 customers, weeks), saved in
//! tests/data/cdnow_summary.csv with the reference figures in tests/data/cdnow_reference.json.
//! The published fit (Fader, Hardie & Lee 2005) is r 0.243, alpha 4.414, a 0.793, b 2.426.

#![allow(clippy::unwrap_used)]

use sextant_metrics::bgnbd::{
    self, ClvError, Order, Summary, Unit, clv, digamma, fit_bgnbd, fit_gamma_gamma, ln_gamma,
};

fn cdnow() -> Vec<Summary> {
    let text = include_str!("data/cdnow_summary.csv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            Summary {
                customer: f[0] as u32,
                frequency: f[1],
                recency: f[2],
                t: f[3],
                monetary_value: f[4],
                holdout: 0,
            }
        })
        .collect()
}

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!("data/cdnow_reference.json")).unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

#[test]
fn special_functions() {
    // ln Γ(0.5) = ln √π; ln Γ(10) = ln 362880; ψ(1) = -γ (Euler-Mascheroni); ψ(0.5) = -γ - 2 ln 2.
    assert!(close(
        ln_gamma(0.5),
        std::f64::consts::PI.sqrt().ln(),
        1e-13
    ));
    assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-13));
    assert!(close(digamma(1.0), -0.577_215_664_901_532_9, 1e-12));
    assert!(close(
        digamma(0.5),
        -0.577_215_664_901_532_9 - 2.0 * 2f64.ln(),
        1e-12
    ));
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z.
    assert!(close(
        bgnbd::hyp2f1(1.0, 1.0, 2.0, 0.5),
        2f64.ln() / 0.5,
        1e-12
    ));
}

#[test]
fn cdnow_parameters_match_the_reference() {
    let c = cdnow();
    let r = reference();
    let bg = fit_bgnbd(&c).unwrap();
    for (got, key) in [(bg.r, "r"), (bg.alpha, "alpha"), (bg.a, "a"), (bg.b, "b")] {
        let want = r["bgnbd"][key].as_f64().unwrap();
        assert!(close(got, want, 1e-3), "{key}: {got} vs {want}");
    }
    // Published log-likelihood: -9582.4.
    assert!(
        (bg.log_likelihood + 9582.4).abs() < 0.1,
        "{}",
        bg.log_likelihood
    );
    let gg = fit_gamma_gamma(&c).unwrap();
    for (got, key) in [(gg.p, "p"), (gg.q, "q"), (gg.v, "v")] {
        let want = r["gg"][key].as_f64().unwrap();
        assert!(close(got, want, 1e-3), "{key}: {got} vs {want}");
    }
}

#[test]
fn per_customer_predictions_match_the_reference() {
    let c = cdnow();
    let r = reference();
    // The reference's own parameters, so that only the formulas are compared.
    let bg = bgnbd::BgNbd {
        r: r["bgnbd"]["r"].as_f64().unwrap(),
        alpha: r["bgnbd"]["alpha"].as_f64().unwrap(),
        a: r["bgnbd"]["a"].as_f64().unwrap(),
        b: r["bgnbd"]["b"].as_f64().unwrap(),
        log_likelihood: 0.0,
    };
    let gg = bgnbd::GammaGamma {
        p: r["gg"]["p"].as_f64().unwrap(),
        q: r["gg"]["q"].as_f64().unwrap(),
        v: r["gg"]["v"].as_f64().unwrap(),
        log_likelihood: 0.0,
    };
    for cust in r["customers"].as_array().unwrap() {
        let (x, tx, t, m) = (
            cust["frequency"].as_f64().unwrap(),
            cust["recency"].as_f64().unwrap(),
            cust["T"].as_f64().unwrap(),
            cust["monetary_value"].as_f64().unwrap(),
        );
        let e = bg.expected_purchases(39.0, x, tx, t);
        assert!(
            close(e, cust["expected_39"].as_f64().unwrap(), 1e-6),
            "{cust}: {e}"
        );
        let p = bg.p_alive(x, tx, t);
        assert!(
            close(p, cust["p_alive"].as_f64().unwrap(), 1e-6),
            "{cust}: {p}"
        );
        let s = gg.expected_spend(x, m);
        assert!(
            close(s, cust["expected_spend"].as_f64().unwrap(), 1e-6),
            "{cust}: {s}"
        );
        let id = cust["id"].as_u64().unwrap();
        let summary = c.iter().find(|s| u64::from(s.customer) == id).unwrap();
        let v = clv(&bg, &gg, summary, 12, 1.0, 0.01, Unit::Week);
        let want = r["clv"][id.to_string()].as_f64().unwrap();
        assert!(close(v, want, 1e-6), "clv {id}: {v} vs {want}");
    }
}

#[test]
fn the_analytic_gradient_matches_finite_differences() {
    let c = cdnow();
    let theta = [(-1.2f64), 1.3, (-0.3), 0.8];
    let (_, g) = bgnbd::bgnbd_log_likelihood(&theta, &c);
    for k in 0..4 {
        let h = 1e-6;
        let mut up = theta;
        let mut down = theta;
        up[k] += h;
        down[k] -= h;
        let fd = (bgnbd::bgnbd_log_likelihood(&up, &c).0
            - bgnbd::bgnbd_log_likelihood(&down, &c).0)
            / (2.0 * h);
        assert!(
            close(g[k], fd, 1e-5),
            "component {k}: analytic {} finite difference {fd}",
            g[k]
        );
    }
}

#[test]
fn parameters_are_recovered_from_simulated_customers() {
    // 20,000 customers from BG/NBD(r 0.5, alpha 5, a 0.8, b 2.5) over 52 weeks, spending from
    // Gamma-Gamma(p 6, q 4, v 15). Recovered within 15%.
    let (r, alpha, a, b) = (0.5, 5.0, 0.8, 2.5);
    let (p, q, v) = (6.0, 4.0, 15.0);
    let orders = bgnbd::simulate_orders(20_000, 52.0, (r, alpha, a, b), (p, q, v), 42);
    let s = bgnbd::summarise(&orders, 52 * 7, Unit::Week);
    let bg = fit_bgnbd(&s).unwrap();

    for (got, want, name) in [
        (bg.r, r, "r"),
        (bg.alpha, alpha, "alpha"),
        (bg.a, a, "a"),
        (bg.b, b, "b"),
    ] {
        assert!(close(got, want, 0.15), "{name}: {got} vs {want}");
    }
    let gg = fit_gamma_gamma(&s).unwrap();
    for (got, want, name) in [(gg.p, p, "p"), (gg.q, q, "q"), (gg.v, v, "v")] {
        assert!(close(got, want, 0.15), "{name}: {got} vs {want}");
    }
}

#[test]
fn summaries_merge_same_day_orders_and_count_the_holdout() {
    let o = |c: u32, day: i32, amount: f64| Order {
        customer: c,
        day,
        amount,
    };
    let orders = [
        o(1, 0, 10.0),
        o(1, 0, 5.0),
        o(1, 14, 20.0),
        o(1, 21, 30.0),
        o(1, 40, 1.0),
        o(2, 35, 9.0),
    ];
    let s = bgnbd::summarise(&orders, 28, Unit::Week);
    // Customer 2 first bought after the calibration end: left out.
    assert_eq!(s.len(), 1);
    // Occasions on days 0 (15), 14 (20), 21 (30): 2 repeats, recency 3 weeks, T 4 weeks,
    // mean repeat 25; one holdout occasion.
    assert_eq!(
        (
            s[0].frequency,
            s[0].recency,
            s[0].t,
            s[0].monetary_value,
            s[0].holdout
        ),
        (2.0, 3.0, 4.0, 25.0, 1)
    );
}

#[test]
fn errors_say_what_is_missing() {
    assert_eq!(
        fit_bgnbd(&[]).unwrap_err().to_string(),
        "expected at least 10 customers with orders before the calibration end, found 0"
    );
    let once: Vec<Summary> = (0..20)
        .map(|c| Summary {
            customer: c,
            frequency: 0.0,
            recency: 0.0,
            t: 5.0,
            monetary_value: 0.0,
            holdout: 0,
        })
        .collect();
    assert_eq!(fit_bgnbd(&once).unwrap_err(), ClvError::NoRepeatCustomers);
    assert_eq!(
        fit_gamma_gamma(&once).unwrap_err(),
        ClvError::NoRepeatCustomers
    );
}
