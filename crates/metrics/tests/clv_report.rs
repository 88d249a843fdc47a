//! The CLV report both front doors return (issue 10, item 14): typed rows computed on every
//! core, the same as one by one; warnings on degenerate fits; rounded output.

#![allow(clippy::unwrap_used)]

use sextant_metrics::bgnbd::{self, BgNbd, GammaGamma, Unit};
use sextant_metrics::clv::{self, Params};
use sextant_metrics::records::Names;

fn names(n: u32) -> Names {
    let mut names = Names::default();
    for c in 0..n {
        names.intern(&format!("C{c}"));
    }
    names
}

#[test]
fn rows_computed_in_parallel_match_one_by_one() {
    // 20,000 simulated customers over a year (several chunks of rows on any machine).
    let orders = bgnbd::simulate_orders(20_000, 52.0, (0.25, 4.0, 0.8, 2.4), (6.0, 4.0, 15.0), 7);
    let end = 39 * 7;
    let p = Params {
        end,
        unit: Unit::Week,
        horizon: 12,
        margin: 0.3,
        rate: 0.01,
    };
    let r = clv::report(&orders, names(20_000), p).unwrap();
    let summary = bgnbd::summarise(&orders, end, Unit::Week);
    assert_eq!(r.rows.len(), summary.len());
    for (row, c) in r.rows.iter().zip(&summary).step_by(997) {
        assert_eq!(row.customer, c.customer);
        assert_eq!(
            row.clv,
            bgnbd::clv(&r.bgnbd, &r.gamma_gamma, c, 12, 0.3, 0.01, Unit::Week)
        );
        assert_eq!(row.p_alive, r.bgnbd.p_alive(c.frequency, c.recency, c.t));
        assert_eq!(r.name(row), format!("C{}", c.customer));
    }
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // The JSON: rounded figures, names, the keys of the contract.
    let v = serde_json::to_value(&r).unwrap();
    let c0 = &v["customers"][0];
    assert_eq!(c0["customer"], "C0");
    for key in [
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        "holdout_purchases",
    ] {
        assert!(c0[key].is_number(), "{key}: {c0}");
    }
    let clv0 = c0["clv"].as_f64().unwrap();
    assert_eq!(clv0, (r.rows[0].clv * 100.0).round() / 100.0);
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(v["log_likelihood"], v["bgnbd"]["log_likelihood"]);
}

#[test]
fn degenerate_fits_are_warned_about() {
    let bg = BgNbd {
        r: 0.5,
        alpha: 3.0,
        a: 1e-9,
        b: 2e-9,
        log_likelihood: -10.0,
    };
    let gg = GammaGamma {
        p: 2.0,
        q: 3.0,
        v: (15.0f64).exp(),
        log_likelihood: -5.0,
    };
    assert_eq!(
        clv::degenerate(&bg, &gg),
        [
            "BG/NBD: a 1.00e-9 and b 2.00e-9 are both about 0, a degenerate fit (the data do not tell when customers drop out): P(alive) and CLV are unreliable",
            "Gamma-Gamma: v is 3.269e6, at the bound of the search (a degenerate fit): expected spend and CLV are unreliable"
        ]
    );
    let fine = BgNbd {
        a: 0.8,
        b: 2.4,
        ..bg
    };
    let gg_q = GammaGamma {
        q: 0.9,
        v: 15.0,
        ..gg
    };
    assert_eq!(
        clv::degenerate(&fine, &gg_q),
        [
            "Gamma-Gamma: q is 0.9000, at most 1: the spend per purchase has no finite mean, expected spend and CLV are not meaningful"
        ]
    );
}

/// The report path on a million customers (`cargo test --release -p sextant-metrics --test
/// clv_report -- --ignored --nocapture`): times the predictions and the JSON, written to a
/// sink row by row.
#[test]
#[ignore = "a measurement: a million customers"]
fn a_million_customers() {
    let orders =
        bgnbd::simulate_orders(1_000_000, 52.0, (0.25, 4.0, 0.8, 2.4), (6.0, 4.0, 15.0), 11);
    let t = std::time::Instant::now();
    let summary = bgnbd::summarise(&orders, 39 * 7, Unit::Week);
    let ts = t.elapsed();
    let bg = bgnbd::fit_bgnbd(&summary).unwrap();
    let tb = t.elapsed();
    let _ = bgnbd::fit_gamma_gamma(&summary).unwrap();
    let tg = t.elapsed();
    println!(
        "summary {ts:.2?}, BG/NBD fit {:.2?}, Gamma-Gamma fit {:.2?} (a {})",
        tb - ts,
        tg - tb,
        bg.a
    );
    let t0 = std::time::Instant::now();
    let p = Params {
        end: 39 * 7,
        unit: Unit::Week,
        horizon: 12,
        margin: 0.3,
        rate: 0.01,
    };
    let r = clv::report(&orders, names(1_000_000), p).unwrap();
    let t1 = t0.elapsed();
    let mut sink = std::io::sink();
    serde_json::to_writer(&mut sink, &r).unwrap();
    let t2 = t0.elapsed();
    println!(
        "{} orders, {} customers: fits and predictions {:.2?}, JSON {:.2?}",
        orders.len(),
        r.rows.len(),
        t1,
        t2 - t1
    );
}
