//! `sextant clv`: predictive customer lifetime value from an orders file.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use sextant_ingest::{Interners, Kind, Options, Record};
use sextant_metrics::bgnbd::{self as clv, Unit};
use sextant_metrics::calendar::day_label;
use sextant_metrics::records::Names;

use crate::metrics_cmds::{ImportArgs, MetricsFormat};
use crate::table::Table;

/// `sextant clv` arguments.
#[derive(Args)]
pub struct ClvArgs {
    /// The orders file (CSV or XLSX).
    orders: PathBuf,
    /// The last day of the calibration period (`YYYY-MM-DD`); later orders are the holdout.
    #[arg(long)]
    calibration_end: String,
    /// Time unit of the models.
    #[arg(long, value_enum, default_value_t = UnitArg::Week)]
    period: UnitArg,
    /// Months ahead to predict purchases and value over.
    #[arg(long, default_value_t = 12)]
    horizon: u32,
    /// Gross margin: the share of spend that is profit (a fraction).
    #[arg(long, default_value_t = 1.0)]
    margin: f64,
    /// Monthly discount rate for CLV.
    #[arg(long, default_value_t = 0.01)]
    discount_rate: f64,
    /// Write every customer's prediction to this CSV.
    #[arg(long)]
    customers: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = MetricsFormat::Text)]
    format: MetricsFormat,
    #[command(flatten)]
    import: ImportArgs,
}

/// Time unit.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum UnitArg {
    /// Days.
    Day,
    /// Weeks.
    Week,
}

/// Runs `sextant clv`.
pub fn clv(args: ClvArgs) -> anyhow::Result<ExitCode> {
    let (end, _) = sextant_ingest::parse::datetime(&args.calibration_end, None)
        .map_err(|e| anyhow::anyhow!("--calibration-end: expected a date YYYY-MM-DD, found {e}"))?;
    if !(args.margin > 0.0 && args.margin <= 1.0) {
        anyhow::bail!(
            "--margin: expected a fraction above 0 and at most 1, found {}",
            args.margin
        );
    }
    let opts = Options {
        skip_bad_rows: args.import.skip_bad_rows,
        decimal_comma: args.import.decimal_comma,
        ..Options::default()
    };
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: None,
    };
    let mut orders = Vec::new();
    sextant_ingest::read(
        &args.orders,
        Kind::Orders,
        &opts,
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
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.orders.display()))?;
    let unit = match args.period {
        UnitArg::Day => Unit::Day,
        UnitArg::Week => Unit::Week,
    };
    let summary = clv::summarise(&orders, end, unit);
    let bg = clv::fit_bgnbd(&summary).map_err(|e| anyhow::anyhow!("BG/NBD: {e}"))?;
    let gg = clv::fit_gamma_gamma(&summary).map_err(|e| anyhow::anyhow!("Gamma-Gamma: {e}"))?;
    let units = f64::from(args.horizon)
        * match unit {
            Unit::Day => 30.0,
            Unit::Week => 4.345,
        };
    let rows: Vec<serde_json::Value> = summary
        .iter()
        .map(|c| {
            let expected = bg.expected_purchases(units, c.frequency, c.recency, c.t);
            serde_json::json!({
                "customer": customers.name(c.customer),
                "frequency": c.frequency,
                "recency": c.recency,
                "T": c.t,
                "monetary_value": c.monetary_value,
                "p_alive": bg.p_alive(c.frequency, c.recency, c.t),
                "expected_purchases": expected,
                "expected_spend": gg.expected_spend(c.frequency, c.monetary_value),
                "clv": clv::clv(&bg, &gg, c, args.horizon, args.margin, args.discount_rate, unit),
                "holdout_purchases": c.holdout,
            })
        })
        .collect();
    if let Some(path) = &args.customers {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record([
            "customer",
            "frequency",
            "recency",
            "T",
            "p_alive",
            "expected_purchases",
            "expected_spend",
            "clv",
        ])?;
        for r in &rows {
            let f = |k: &str| r[k].as_f64().map_or(String::new(), |v| format!("{v:.6}"));
            w.write_record([
                r["customer"].as_str().unwrap_or("").to_string(),
                f("frequency"),
                f("recency"),
                f("T"),
                f("p_alive"),
                f("expected_purchases"),
                f("expected_spend"),
                f("clv"),
            ])?;
        }
        w.flush()?;
    }
    // The holdout runs from the calibration end to the last order in the file.
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
    let report = serde_json::json!({
        "calibration_end": day_label(end),
        "unit": match unit { Unit::Day => "day", Unit::Week => "week" },
        "horizon_months": args.horizon,
        "bgnbd": bg,
        "gamma_gamma": gg,
        "log_likelihood": bg.log_likelihood,
        "holdout": holdout.map(|(p, a)| serde_json::json!({"predicted": p, "actual": a})),
        "customers": rows,
    });
    let mut out = anstream::stdout();
    match args.format {
        MetricsFormat::Json | MetricsFormat::Csv => {
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?
        }
        MetricsFormat::Text => {
            let mut s = format!(
                "{} customers in calibration to {}.\nBG/NBD: r {:.4}, alpha {:.4}, a {:.4}, b {:.4} (log-likelihood {:.2})\nGamma-Gamma: p {:.4}, q {:.4}, v {:.4}\n",
                summary.len(),
                day_label(end),
                bg.r,
                bg.alpha,
                bg.a,
                bg.b,
                bg.log_likelihood,
                gg.p,
                gg.q,
                gg.v
            );
            if let Some((p, a)) = holdout {
                let _ = writeln!(s, "Holdout: {p:.0} purchases predicted, {a:.0} made.");
            }
            let mut top: Vec<&serde_json::Value> = rows.iter().collect();
            top.sort_by(|x, y| {
                y["clv"]
                    .as_f64()
                    .unwrap_or(0.0)
                    .total_cmp(&x["clv"].as_f64().unwrap_or(0.0))
            });
            let mut t = Table::new(&["customer", ">P(alive)", ">purchases", ">spend each", ">CLV"]);
            for r in top.iter().take(15) {
                t.row(vec![
                    r["customer"].as_str().unwrap_or("").to_string(),
                    format!("{:.0}%", r["p_alive"].as_f64().unwrap_or(0.0) * 100.0),
                    format!("{:.2}", r["expected_purchases"].as_f64().unwrap_or(0.0)),
                    format!("{:.2}", r["expected_spend"].as_f64().unwrap_or(0.0)),
                    format!("{:.2}", r["clv"].as_f64().unwrap_or(0.0)),
                ]);
            }
            let (h, body) = t.text();
            let _ = writeln!(
                s,
                "\nMost valuable customers over the next {} months:\n{h}",
                args.horizon
            );
            for r in body {
                let _ = writeln!(s, "{r}");
            }
            write!(out, "{s}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
