//! Predictive customer lifetime value over orders files: the customer summary, BG/NBD and
//! Gamma-Gamma fitted, each customer's predictions, and the holdout check. What `sextant clv`
//! prints and the server's CLV endpoint returns.

use std::path::Path;

use serde_json::{Value, json};
use sextant_metrics::bgnbd::{self as clv, Unit};
use sextant_metrics::calendar::day_label;
use sextant_metrics::records::Names;

use crate::{Interners, Kind, Options, Record};

/// A CLV report as JSON: `calibration_end, unit, horizon_months, bgnbd, gamma_gamma,
/// log_likelihood, holdout {predicted, actual}, customers[]` (each customer's `customer,
/// frequency, recency, T, monetary_value, p_alive, expected_purchases, expected_spend, clv,
/// holdout_purchases`).
///
/// `rate` is the monthly discount rate; orders after `end` (a day number) are the holdout.
pub fn report(
    files: &[(&Path, &Options)],
    end: i32,
    unit: Unit,
    horizon: u32,
    margin: f64,
    rate: f64,
) -> Result<Value, String> {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut orders = Vec::new();
    for (path, opts) in files {
        let mut names = Interners {
            customers: Some(&mut customers),
            channels: Some(&mut channels),
            systems: None,
        };
        crate::read(
            path,
            Kind::Orders,
            opts,
            &mut names,
            |r| {
                if let Record::Order(o) = r {
                    orders.push(clv::Order {
                        customer: o.customer,
                        day: o.day,
                        amount: o.amount,
                    });
                }
            },
            |_| {},
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let summary = clv::summarise(&orders, end, unit);
    let bg = clv::fit_bgnbd(&summary).map_err(|e| format!("BG/NBD: {e}"))?;
    let gg = clv::fit_gamma_gamma(&summary).map_err(|e| format!("Gamma-Gamma: {e}"))?;
    let units = f64::from(horizon)
        * match unit {
            Unit::Day => 30.0,
            Unit::Week => 4.345,
        };
    let rows: Vec<Value> = summary
        .iter()
        .map(|c| {
            let expected = bg.expected_purchases(units, c.frequency, c.recency, c.t);
            json!({
                "customer": customers.name(c.customer),
                "frequency": c.frequency,
                "recency": c.recency,
                "T": c.t,
                "monetary_value": c.monetary_value,
                "p_alive": bg.p_alive(c.frequency, c.recency, c.t),
                "expected_purchases": expected,
                "expected_spend": gg.expected_spend(c.frequency, c.monetary_value),
                "clv": clv::clv(&bg, &gg, c, horizon, margin, rate, unit),
                "holdout_purchases": c.holdout,
            })
        })
        .collect();
    // The holdout runs from the calibration end to the last order.
    let last_day = orders.iter().map(|o| o.day).max().unwrap_or(end);
    let per = match unit {
        Unit::Day => 1.0,
        Unit::Week => 7.0,
    };
    let holdout_len = f64::from((last_day - end).max(0)) / per;
    let holdout: Option<(f64, f64)> = (holdout_len > 0.0).then(|| {
        summary.iter().fold((0.0, 0.0), |(p, a), c| {
            (
                p + bg.expected_purchases(holdout_len, c.frequency, c.recency, c.t),
                a + f64::from(c.holdout),
            )
        })
    });
    Ok(json!({
        "calibration_end": day_label(end),
        "unit": match unit { Unit::Day => "day", Unit::Week => "week" },
        "horizon_months": horizon,
        "bgnbd": bg,
        "gamma_gamma": gg,
        "log_likelihood": bg.log_likelihood,
        "holdout": holdout.map(|(p, a)| json!({"predicted": p, "actual": a})),
        "customers": rows,
    }))
}
