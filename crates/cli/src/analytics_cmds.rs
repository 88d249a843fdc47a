//! `sextant forecast` and `sextant clv`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use sextant_core::unit::percent;
use sextant_ingest::Options;
use sextant_metrics::bgnbd::Order as ClvOrder;
use sextant_metrics::bgnbd::Unit;
use sextant_metrics::clv::{ClvReport, Params as ClvParams};
use sextant_metrics::forecast::{ForecastReport, Point, Request};
use sextant_metrics::records::Names;

use crate::metrics_cmds::{ImportArgs, MetricsFormat};
use crate::table::Table;

/// `sextant forecast` arguments.
#[derive(Args)]
pub struct ForecastArgs {
    /// A CSV with a header, then a period and a value column (e.g. `month,revenue`). Periods
    /// of one length, in any common spelling: `2027-03`, `Mar 2027`, `03/2027`; `2027Q1`,
    /// `2027-Q1`, `Q1 2027`; `2027-W05`; `2027`; dates `2027-03-01`; or step numbers.
    series: PathBuf,
    /// Periods to forecast.
    #[arg(long, default_value_t = 12)]
    horizon: usize,
    /// Seasonal period (12 for months, 4 for quarters, 52 for weeks); seasonal models are
    /// tried when the data hold two full seasons.
    #[arg(long)]
    season: Option<usize>,
    /// Also give the probability of reaching this value by the last forecast period.
    #[arg(long)]
    target: Option<f64>,
    /// The target is reached by falling to it (down is good).
    #[arg(long)]
    down: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = MetricsFormat::Text)]
    format: MetricsFormat,
}

/// Reads a two-column series, naming the line of any bad value.
fn read_series(path: &PathBuf) -> anyhow::Result<Vec<Point>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let headers = rdr
        .headers()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        .clone();
    if headers.len() < 2 {
        anyhow::bail!(
            "{}: expected a header and two columns (period, value), found {} column(s)",
            path.display(),
            headers.len()
        );
    }
    let mut points = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let raw = rec.get(1).unwrap_or("").trim();
        let v = sextant_ingest::parse::number(raw).map_err(|found| {
            anyhow::anyhow!(
                "{}: line {line}, column 2 ({:?}): expected a number, found {found}",
                path.display(),
                headers.get(1).unwrap_or("")
            )
        })?;
        points.push(Point {
            period: rec.get(0).unwrap_or("").trim().to_string(),
            value: v,
            line: Some(line),
        });
    }
    Ok(points)
}

/// Runs `sextant forecast`: the report [`sextant_metrics::forecast::report`] builds, as the
/// server's forecast endpoint returns it.
pub fn forecast(args: ForecastArgs) -> anyhow::Result<ExitCode> {
    let points = read_series(&args.series)?;
    let req = Request {
        kpi: None,
        horizon: args.horizon,
        season: args.season,
        target: args.target,
        down: args.down,
    };
    let r = sextant_metrics::forecast::report(&points, &req).map_err(|e| {
        if e.starts_with("horizon:") || e.starts_with("target:") {
            anyhow::anyhow!("--{e}")
        } else {
            anyhow::anyhow!("{}: {e}", args.series.display())
        }
    })?;
    let mut out = anstream::stdout();
    match args.format {
        MetricsFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?,
        MetricsFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "period", "mean", "lower_80", "upper_80", "lower_95", "upper_95",
            ])?;
            for h in 0..r.mean.len() {
                w.write_record([
                    r.forecast_periods[h].clone(),
                    r.mean[h].to_string(),
                    r.lower_80[h].to_string(),
                    r.upper_80[h].to_string(),
                    r.lower_95[h].to_string(),
                    r.upper_95[h].to_string(),
                ])?;
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        MetricsFormat::Text => write!(out, "{}", forecast_text(&r))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The forecast report as text.
fn forecast_text(r: &ForecastReport) -> String {
    let mut s = format!(
        "{} ({}) on {} values to {}:\n",
        r.model,
        r.chosen_by,
        r.history.len(),
        r.periods.last().map_or("the last period", String::as_str)
    );
    for n in &r.notes {
        let _ = writeln!(s, "Note: {n}.");
    }
    let mut t = Table::new(&[
        "period",
        ">forecast",
        ">80% from",
        ">to",
        ">95% from",
        ">to",
    ]);
    for h in 0..r.mean.len() {
        t.row(vec![
            r.forecast_periods[h].clone(),
            format!("{:.2}", r.mean[h]),
            format!("{:.2}", r.lower_80[h]),
            format!("{:.2}", r.upper_80[h]),
            format!("{:.2}", r.lower_95[h]),
            format!("{:.2}", r.upper_95[h]),
        ]);
    }
    let (h, rows) = t.text();
    let _ = writeln!(s, "{h}");
    for row in rows {
        let _ = writeln!(s, "{row}");
    }
    if let Some(t) = &r.target {
        let _ = writeln!(
            s,
            "\nProbability of {} {} by {}: {}",
            if t.direction == "down" {
                "falling to"
            } else {
                "reaching"
            },
            t.value,
            t.period,
            percent(t.probability, 0)
        );
    }
    s
}

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
    /// Months ahead to predict purchases and value over (1 to 120).
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
    /// Output format (csv: every customer's predictions, as `--customers` writes them).
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
    if !(1..=120).contains(&args.horizon) {
        anyhow::bail!(
            "--horizon: expected 1 to 120 months, found {}",
            args.horizon
        );
    }
    if !(args.discount_rate.is_finite() && args.discount_rate >= 0.0) {
        anyhow::bail!(
            "--discount-rate: expected a monthly rate, 0 or more, found {}",
            args.discount_rate
        );
    }
    let opts = Options {
        skip_bad_rows: args.import.skip_bad_rows,
        decimal_comma: args.import.decimal_comma,
        delimiter: args.import.delimiter,
        header_row: args.import.header_row,
        ..Options::default()
    };
    let unit = match args.period {
        UnitArg::Day => Unit::Day,
        UnitArg::Week => Unit::Week,
    };
    let (orders, names) = read_orders(&[sextant_ingest::batch::ImportFile {
        kind: Some(sextant_ingest::Kind::Orders),
        source: sextant_ingest::Source::path(args.orders.as_path()),
        options: opts,
    }])?;
    let report = sextant_metrics::clv::report(
        &orders,
        names,
        ClvParams {
            end,
            unit,
            horizon: args.horizon,
            margin: args.margin,
            rate: args.discount_rate,
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(path) = &args.customers {
        let file = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("--customers {}: {e}", path.display()))?;
        write_customers_csv(&report, std::io::BufWriter::new(file))
            .map_err(|e| anyhow::anyhow!("--customers {}: {e}", path.display()))?;
    }
    let stdout = std::io::stdout();
    match args.format {
        MetricsFormat::Json => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            let mut out = std::io::BufWriter::new(stdout.lock());
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
            out.flush()?;
        }
        MetricsFormat::Csv => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            write_customers_csv(&report, std::io::BufWriter::new(stdout.lock()))?;
        }
        MetricsFormat::Text => {
            let mut out = anstream::stdout();
            write!(out, "{}", clv_text(&report))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads orders files into the models' orders and the customers' names; an error names the
/// file.
pub fn read_orders(
    files: &[sextant_ingest::batch::ImportFile],
) -> anyhow::Result<(Vec<ClvOrder>, Names)> {
    sextant_ingest::clv::orders(files).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Every customer's predictions as CSV, row by row.
fn write_customers_csv(report: &ClvReport, out: impl Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(sextant_metrics::clv::CSV_HEADER)?;
    for r in &report.rows {
        w.write_record(report.csv_fields(r))?;
    }
    w.flush()?;
    Ok(())
}

/// The CLV report as text: the fits, any warnings, the holdout and the 15 most valuable.
fn clv_text(report: &ClvReport) -> String {
    let (bg, gg) = (&report.bgnbd, &report.gamma_gamma);
    let mut s = format!(
        "{} customers in calibration to {}.\nBG/NBD: r {:.4}, alpha {:.4}, a {:.4}, b {:.4} (log-likelihood {:.2})\nGamma-Gamma: p {:.4}, q {:.4}, v {:.4}\n",
        report.rows.len(),
        report.calibration_end,
        bg.r,
        bg.alpha,
        bg.a,
        bg.b,
        bg.log_likelihood,
        gg.p,
        gg.q,
        gg.v
    );
    for w in &report.warnings {
        let _ = writeln!(s, "Warning: {w}.");
    }
    if let Some(h) = report.holdout {
        let _ = writeln!(
            s,
            "Holdout: {:.0} purchases predicted, {:.0} made.",
            h.predicted, h.actual
        );
    }
    let mut top: Vec<&sextant_metrics::clv::Row> = report.rows.iter().collect();
    let by_clv =
        |x: &&sextant_metrics::clv::Row, y: &&sextant_metrics::clv::Row| y.clv.total_cmp(&x.clv);
    if top.len() > 15 {
        top.select_nth_unstable_by(14, by_clv);
        top.truncate(15);
    }
    top.sort_by(by_clv);
    let mut t = Table::new(&["customer", ">P(alive)", ">purchases", ">spend each", ">CLV"]);
    for r in top {
        t.row(vec![
            report.name(r).to_string(),
            percent(r.p_alive, 0),
            format!("{:.2}", r.expected_purchases),
            format!("{:.2}", r.expected_spend),
            format!("{:.2}", r.clv),
        ]);
    }
    let (h, body) = t.text();
    let _ = writeln!(
        s,
        "\nMost valuable customers over the next {} months:\n{h}",
        report.horizon_months
    );
    for r in body {
        let _ = writeln!(s, "{r}");
    }
    s
}
