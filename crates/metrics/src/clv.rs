//! A CLV report: what `sextant clv --format json` prints and the server's CLV endpoint
//! returns, built by [`report`] for both from the orders already read.
//!
//! Typed rows (no JSON tree per customer), the per-customer predictions computed on every
//! core, and warnings when a fit is degenerate.

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

use crate::bgnbd::{self, BgNbd, GammaGamma, Order, Summary, Unit};
use crate::calendar::day_label;
use crate::catalogue::round_to;
use crate::records::Names;

/// What the report is computed over.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The last day of calibration (days since 1970-01-01); later orders are the holdout.
    pub end: i32,
    /// The models' time unit.
    pub unit: Unit,
    /// Months ahead.
    pub horizon: u32,
    /// Gross margin (a fraction).
    pub margin: f64,
    /// Monthly discount rate.
    pub rate: f64,
}

/// One customer's predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The customer (interned in the report's names).
    pub customer: u32,
    /// Repeat purchase occasions in calibration.
    pub frequency: f64,
    /// Time from the first to the last occasion.
    pub recency: f64,
    /// Time from the first occasion to the calibration end.
    pub t: f64,
    /// Mean amount of the repeat occasions.
    pub monetary_value: f64,
    /// Probability of still being a customer.
    pub p_alive: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Expected spend per purchase.
    pub expected_spend: f64,
    /// Discounted customer lifetime value over the horizon.
    pub clv: f64,
    /// Purchase occasions after the calibration end.
    pub holdout_purchases: u32,
}

/// Predicted against actual purchases after the calibration end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Holdout {
    /// Predicted purchases.
    pub predicted: f64,
    /// Purchases made.
    pub actual: f64,
}

/// A CLV report.
#[derive(Debug, Clone)]
pub struct ClvReport {
    /// The calibration end, `YYYY-MM-DD`.
    pub calibration_end: String,
    /// `day` or `week`.
    pub unit: &'static str,
    /// Months ahead.
    pub horizon_months: u32,
    /// The BG/NBD fit.
    pub bgnbd: BgNbd,
    /// The Gamma-Gamma fit.
    pub gamma_gamma: GammaGamma,
    /// The holdout check, with orders after the calibration end.
    pub holdout: Option<Holdout>,
    /// Degenerate fits, in words.
    pub warnings: Vec<String>,
    /// Every customer's predictions, in the order of the customers' ids.
    pub rows: Vec<Row>,
    /// The customers' names.
    pub names: Names,
}

impl ClvReport {
    /// A customer's name.
    pub fn name(&self, r: &Row) -> &str {
        self.names.name(r.customer)
    }
}

/// Rounds a figure for output: money to the cent, the rest to 6 places.
fn r6(v: f64) -> f64 {
    round_to(v, 6)
}

fn r2(v: f64) -> f64 {
    round_to(v, 2)
}

struct RowOut<'a>(&'a Row, &'a str);

impl Serialize for RowOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut st = s.serialize_struct("Row", 10)?;
        st.serialize_field("customer", self.1)?;
        st.serialize_field("frequency", &r.frequency)?;
        st.serialize_field("recency", &r6(r.recency))?;
        st.serialize_field("T", &r6(r.t))?;
        st.serialize_field("monetary_value", &r2(r.monetary_value))?;
        st.serialize_field("p_alive", &r6(r.p_alive))?;
        st.serialize_field("expected_purchases", &r6(r.expected_purchases))?;
        st.serialize_field("expected_spend", &r2(r.expected_spend))?;
        st.serialize_field("clv", &r2(r.clv))?;
        st.serialize_field("holdout_purchases", &r.holdout_purchases)?;
        st.end()
    }
}

struct RowsOut<'a>(&'a ClvReport);

impl Serialize for RowsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        for r in &self.0.rows {
            seq.serialize_element(&RowOut(r, self.0.name(r)))?;
        }
        seq.end()
    }
}

/// Serialised row by row (no tree of the whole report is built): `calibration_end, unit,
/// horizon_months, bgnbd, gamma_gamma, log_likelihood, holdout, warnings, customers[]`.
impl Serialize for ClvReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ClvReport", 9)?;
        st.serialize_field("calibration_end", &self.calibration_end)?;
        st.serialize_field("unit", self.unit)?;
        st.serialize_field("horizon_months", &self.horizon_months)?;
        st.serialize_field("bgnbd", &self.bgnbd)?;
        st.serialize_field("gamma_gamma", &self.gamma_gamma)?;
        st.serialize_field("log_likelihood", &self.bgnbd.log_likelihood)?;
        st.serialize_field(
            "holdout",
            &self.holdout.map(|h| Holdout {
                predicted: r2(h.predicted),
                actual: h.actual,
            }),
        )?;
        st.serialize_field("warnings", &self.warnings)?;
        st.serialize_field("customers", &RowsOut(self))?;
        st.end()
    }
}

/// The columns of the customers' CSV.
pub const CSV_HEADER: [&str; 10] = [
    "customer",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
    "holdout_purchases",
];

impl ClvReport {
    /// A row's CSV fields, in the order of [`CSV_HEADER`], rounded as in the JSON.
    pub fn csv_fields(&self, r: &Row) -> [String; 10] {
        [
            self.name(r).to_string(),
            r.frequency.to_string(),
            r6(r.recency).to_string(),
            r6(r.t).to_string(),
            r2(r.monetary_value).to_string(),
            r6(r.p_alive).to_string(),
            r6(r.expected_purchases).to_string(),
            r2(r.expected_spend).to_string(),
            r2(r.clv).to_string(),
            r.holdout_purchases.to_string(),
        ]
    }
}

/// Warnings about fits at the edge of what they can say.
pub fn degenerate(bg: &BgNbd, gg: &GammaGamma) -> Vec<String> {
    let mut w = Vec::new();
    let tiny = 1e-4;
    // The Gamma-Gamma search keeps ln(parameter) within +-15.
    let at_bound = |x: f64| !x.is_finite() || x.ln().abs() > 14.5;
    if bg.a < tiny && bg.b < tiny {
        w.push(format!(
            "BG/NBD: a {:.2e} and b {:.2e} are both about 0, a degenerate fit (the data do not tell when customers drop out): P(alive) and CLV are unreliable",
            bg.a, bg.b
        ));
    } else if bg.a < tiny || bg.b < tiny {
        w.push(format!(
            "BG/NBD: {} is about 0 ({:.2e}), at the edge of the model: P(alive) and CLV are unreliable",
            if bg.a < tiny { "a" } else { "b" },
            bg.a.min(bg.b)
        ));
    }
    for (name, v) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
        if !v.is_finite() || v > 1e6 {
            w.push(format!(
                "BG/NBD: {name} is {v:.3e}, a degenerate fit: P(alive) and CLV are unreliable"
            ));
        }
    }
    for (name, v) in [("p", gg.p), ("q", gg.q), ("v", gg.v)] {
        if at_bound(v) {
            w.push(format!(
                "Gamma-Gamma: {name} is {v:.3e}, at the bound of the search (a degenerate fit): expected spend and CLV are unreliable"
            ));
        }
    }
    if gg.q <= 1.0 {
        w.push(format!(
            "Gamma-Gamma: q is {:.4}, at most 1: the spend per purchase has no finite mean, expected spend and CLV are not meaningful",
            gg.q
        ));
    }
    w
}

/// Fits the models to `orders` and predicts every customer (on every core).
pub fn report(orders: &[Order], names: Names, p: Params) -> Result<ClvReport, String> {
    let summary = bgnbd::summarise(orders, p.end, p.unit);
    let bg = bgnbd::fit_bgnbd(&summary).map_err(|e| format!("BG/NBD: {e}"))?;
    let gg = bgnbd::fit_gamma_gamma(&summary).map_err(|e| format!("Gamma-Gamma: {e}"))?;
    let units = f64::from(p.horizon)
        * match p.unit {
            Unit::Day => 30.0,
            Unit::Week => 4.345,
        };
    let predict = |c: &Summary| Row {
        customer: c.customer,
        frequency: c.frequency,
        recency: c.recency,
        t: c.t,
        monetary_value: c.monetary_value,
        p_alive: bg.p_alive(c.frequency, c.recency, c.t),
        expected_purchases: bg.expected_purchases(units, c.frequency, c.recency, c.t),
        expected_spend: gg.expected_spend(c.frequency, c.monetary_value),
        clv: bgnbd::clv(&bg, &gg, c, p.horizon, p.margin, p.rate, p.unit),
        holdout_purchases: c.holdout,
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = summary.len().div_ceil(threads).max(1024);
    let rows: Vec<Row> = if summary.len() <= chunk {
        summary.iter().map(predict).collect()
    } else {
        let parts: Vec<Vec<Row>> = std::thread::scope(|s| {
            let handles: Vec<_> = summary
                .chunks(chunk)
                .map(|part| s.spawn(|| part.iter().map(predict).collect::<Vec<Row>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let rows: Vec<Row> = parts.into_iter().flatten().collect();
        if rows.len() != summary.len() {
            return Err("CLV: a worker thread failed; nothing was computed".into());
        }
        rows
    };
    // The holdout runs from the calibration end to the last order.
    let last_day = orders.iter().map(|o| o.day).max().unwrap_or(p.end);
    let holdout_len = f64::from((last_day - p.end).max(0)) / p.unit.days();
    let holdout = (holdout_len > 0.0).then(|| {
        let (predicted, actual) = summary.iter().fold((0.0, 0.0), |(pr, a), c| {
            (
                pr + bg.expected_purchases(holdout_len, c.frequency, c.recency, c.t),
                a + f64::from(c.holdout),
            )
        });
        Holdout { predicted, actual }
    });
    let warnings = degenerate(&bg, &gg);
    Ok(ClvReport {
        calibration_end: day_label(p.end),
        unit: match p.unit {
            Unit::Day => "day",
            Unit::Week => "week",
        },
        horizon_months: p.horizon,
        bgnbd: bg,
        gamma_gamma: gg,
        holdout,
        warnings,
        rows,
        names,
    })
}
