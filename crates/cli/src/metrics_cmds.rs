//! `sextant metrics`: imports business data files and prints the metric catalogue by period.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sextant_core::calendar::Period;
use sextant_core::unit::{self, Unit};
use sextant_ingest::batch::{FileReport, Progress};
use sextant_ingest::{DateOrder, Kind, Options};
use sextant_metrics::calendar::Granularity;
use sextant_metrics::catalogue;
use sextant_metrics::records::Survey;

use crate::table::Table;

/// `sextant metrics` arguments.
#[derive(Args)]
pub struct MetricsArgs {
    /// Data files (CSV or XLSX). The kind of data is recognised from the headers; name it to be
    /// sure: `orders=pos.csv`, `marketing=spend.xlsx`, `sessions=`, `incidents=`, `surveys=`,
    /// `usage=`, `processes=`.
    #[arg(required = true, value_name = "DATA")]
    data: Vec<String>,
    #[command(flatten)]
    import: ImportArgs,
    /// First period to report: a month (`2027-03`, `Mar 2027`), a quarter (`2027Q1`), an ISO
    /// week (`2027-W05`), a year or a date.
    #[arg(long)]
    from: Option<String>,
    /// Last period to report (the period holding the last day of the one given).
    #[arg(long)]
    to: Option<String>,
    /// Period length.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    period: PeriodArg,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = MetricsFormat::Text)]
    format: MetricsFormat,
    /// Gross margin for the simple CLTV (a fraction, e.g. 0.4).
    #[arg(long)]
    gross_margin: Option<f64>,
    /// Employees, for security incidents per 100 employees.
    #[arg(long)]
    employees: Option<u32>,
}

/// How data files are read (shared by `metrics` and `analyze --data`).
#[derive(Args, Clone, Default)]
pub struct ImportArgs {
    /// Read a field from a named column: `--map amount="Grand Total"` (repeatable).
    #[arg(long, value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Day/month order of numeric dates such as 03/04/2027, when the data does not settle it.
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// Numbers use a decimal comma (1.234,50).
    #[arg(long)]
    pub decimal_comma: bool,
    /// Import the good rows and report the bad ones instead of refusing the file.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// For survey files without a survey column: which survey the answers are.
    #[arg(long, value_enum)]
    pub survey: Option<SurveyArg>,
    /// The delimiter of CSV files: `,`, `;` or `tab` (default: recognised from the first lines).
    #[arg(long, value_name = "DELIMITER", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The line of the header (1-based), when title rows are above it (default: rows with at
    /// most one filled cell before the first other row are passed over).
    #[arg(long, value_name = "LINE", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
}

/// `--delimiter`: a comma, a semicolon or a tab.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        _ => Err(format!("expected `,`, `;` or `tab`, found `{s}`")),
    }
}

pub use sextant_ingest::batch::Imported;

/// Period length.
#[derive(Clone, Copy, ValueEnum)]
pub enum PeriodArg {
    /// ISO weeks.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum MetricsFormat {
    /// A table of metrics by period.
    Text,
    /// JSON.
    Json,
    /// CSV in long form: period, metric, by, unit, value.
    Csv,
}

/// Date order.
#[derive(Clone, Copy, ValueEnum)]
pub enum DateOrderArg {
    /// 31/12/2027.
    DayMonth,
    /// 12/31/2027.
    MonthDay,
}

/// Survey.
#[derive(Clone, Copy, ValueEnum)]
pub enum SurveyArg {
    /// Customer satisfaction (1-5).
    Csat,
    /// Net promoter score (0-10).
    Nps,
    /// Employee net promoter score (0-10).
    Enps,
}

/// `KIND=FILE` or `FILE`.
fn split_spec(spec: &str) -> anyhow::Result<(Option<Kind>, PathBuf)> {
    Ok(match spec.split_once('=') {
        Some((k, p)) if Kind::parse(k).is_some() => (Kind::parse(k), PathBuf::from(p)),
        Some((k, _)) if !Path::new(spec).exists() => anyhow::bail!(
            "{spec}: `{k}` is not a kind of data; say one of {}",
            Kind::ALL
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => (None, PathBuf::from(spec)),
    })
}

/// The period of `g` holding the first day (`--from`) or the last day (`--to`) of a period
/// or date in any spelling the period parser reads, or a date in a local form (`17/03/2027`).
fn period_bound(s: &str, g: Granularity, what: &str) -> anyhow::Result<i32> {
    let day = match Period::parse(s) {
        Ok(p) if what == "to" => p.plus(1).first_day() - 1,
        Ok(p) => p.first_day(),
        Err(e) => sextant_ingest::parse::datetime(s, None)
            .map(|(day, _)| day)
            .map_err(|_| anyhow::anyhow!("--{what}: {e}"))?,
    };
    Ok(g.index(day))
}

/// Runs `sextant metrics`.
pub fn metrics(args: MetricsArgs) -> anyhow::Result<ExitCode> {
    let g = match args.period {
        PeriodArg::Week => Granularity::Week,
        PeriodArg::Month => Granularity::Month,
        PeriodArg::Quarter => Granularity::Quarter,
    };
    if let Some(m) = args.gross_margin
        && !(m > 0.0 && m <= 1.0)
    {
        anyhow::bail!("--gross-margin: expected a fraction above 0 and at most 1, found {m}");
    }
    // Both bounds checked before the data are read: an empty range is a mistake, said at once.
    let bounds = (
        args.from
            .as_deref()
            .map(|s| period_bound(s, g, "from"))
            .transpose()?,
        args.to
            .as_deref()
            .map(|s| period_bound(s, g, "to"))
            .transpose()?,
    );
    if let (Some(a), Some(b)) = bounds
        && a > b
    {
        anyhow::bail!(
            "--from {} is after --to {}: expected a first period no later than the last",
            args.from.as_deref().unwrap_or_default(),
            args.to.as_deref().unwrap_or_default()
        );
    }
    let imp = import_all(&args.data, &args.import, g)?;
    let from = args
        .from
        .as_deref()
        .map(|s| period_bound(s, g, "from"))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|s| period_bound(s, g, "to"))
        .transpose()?;
    let table = compute(&imp, g, from, to, args.gross_margin, args.employees);
    let mut out = anstream::stdout();
    match args.format {
        MetricsFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&table)?)?,
        MetricsFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["period", "metric", "by", "unit", "value", "partial"])?;
            for s in &table.series {
                for (k, v) in s.values.iter().enumerate() {
                    w.write_record([
                        table.periods[k].as_str(),
                        s.metric,
                        s.by.as_deref().unwrap_or(""),
                        s.unit.as_str(),
                        &v.map_or(String::new(), |v| format!("{v}")),
                        if table.is_partial(k) { "true" } else { "false" },
                    ])?;
                }
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        MetricsFormat::Text => write!(out, "{}", text(&table))?,
    }
    Ok(ExitCode::SUCCESS)
}

pub use sextant_ingest::batch::compute;

/// Imports data files named `KIND=FILE` or `FILE`: each file all or nothing (unless skipping
/// bad rows), bad rows reported on standard error.
pub fn import_all(specs: &[String], args: &ImportArgs, g: Granularity) -> anyhow::Result<Imported> {
    let mut map = Vec::new();
    for m in &args.map {
        let Some((field, col)) = m.split_once('=') else {
            anyhow::bail!("--map {m}: expected FIELD=COLUMN, e.g. --map amount=\"Grand Total\"");
        };
        map.push((field.trim().to_string(), col.trim().to_string()));
    }
    let base = Options {
        map: Vec::new(),
        date_order: args.date_order.map(|d| match d {
            DateOrderArg::DayMonth => DateOrder::DayMonth,
            DateOrderArg::MonthDay => DateOrder::MonthDay,
        }),
        decimal_comma: args.decimal_comma,
        skip_bad_rows: args.skip_bad_rows,
        survey: args.survey.map(|s| match s {
            SurveyArg::Csat => Survey::Csat,
            SurveyArg::Nps => Survey::Nps,
            SurveyArg::Enps => Survey::Enps,
        }),
        sheet: None,
        delimiter: args.delimiter,
        header_row: args.header_row,
        ..Options::default()
    };
    let mut files = Vec::new();
    for spec in specs {
        files.push(split_spec(spec)?);
    }
    let show = std::io::stderr().is_terminal();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let progress = |p: Progress| {
        if !show {
            return;
        }
        match p {
            Progress::Rows { name, kind, rows } => {
                let b = bar.get_or_insert_with(indicatif::ProgressBar::new_spinner);
                if rows == 0 {
                    b.set_message(format!("{name}: reading {}", kind.name()));
                } else {
                    b.set_message(format!("{name}: {rows} rows"));
                }
                b.tick();
            }
            Progress::Done { .. } => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
        }
    };
    let (imported, reports) = sextant_ingest::batch::import(&files, &base, &map, g, progress)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for FileReport { name, report, .. } in &reports {
        if !report.skipped.is_empty() {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "{name}: skipped {} bad row(s):", report.skipped.len());
            for p in report.skipped.iter().take(20) {
                let _ = writeln!(err, "  {p}");
            }
        }
        if report.repeated_rows > 0 {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "{}", repeated_warning(name, report));
        }
    }
    for w in overlap_warnings(&reports) {
        let _ = writeln!(anstream::stderr(), "{w}");
    }
    Ok(imported)
}

/// A warning for each two files of one kind whose records cover some of the same days: both
/// are imported, so those days count twice (a new export given beside the earlier one?).
pub fn overlap_warnings(reports: &[FileReport]) -> Vec<String> {
    let day = sextant_metrics::calendar::day_label;
    let mut out = Vec::new();
    for (i, a) in reports.iter().enumerate() {
        for b in &reports[i + 1..] {
            if a.kind != b.kind {
                continue;
            }
            if let (Some(x), Some(y)) = (a.days, b.days)
                && let Some((from, to)) = sextant_ingest::batch::shared_days(x, y)
            {
                out.push(format!(
                    "warning: {} and {} are both {} data for {} to {}: those days are counted twice; give only the newer export if it holds the earlier one's records",
                    a.name,
                    b.name,
                    a.kind.name(),
                    day(from),
                    day(to)
                ));
            }
        }
    }
    out
}

/// The warning for orders rows that repeat an earlier row of the same day.
pub fn repeated_warning(name: &str, report: &sextant_ingest::Report) -> String {
    let listed: Vec<String> = report
        .repeated
        .iter()
        .take(5)
        .map(|(line, first)| format!("line {line} repeats line {first}"))
        .collect();
    let more = report.repeated_rows as usize - listed.len().min(report.repeated_rows as usize);
    format!(
        "warning: {}: {} row(s) repeat an earlier row of the same day cell for cell, a duplicated order? ({}{}); they were imported: remove them from the file if they are duplicates",
        name,
        report.repeated_rows,
        listed.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// A value in the table as its unit writes it (money without a currency, which the data do
/// not name; durations without their noun, which the metric's name carries), or `-`.
fn fmt_value(v: Option<f64>, u: Unit) -> String {
    match (v, u) {
        (None, _) => "-".into(),
        (Some(v), Unit::Hours | Unit::Days) => unit::number(v),
        (Some(v), u) => u.format(v, ""),
    }
}

fn text(t: &catalogue::Table) -> String {
    let mut s = String::new();
    let n = t.periods.len();
    let shown = n.min(12);
    let first = n - shown;
    if n > shown {
        let _ = writeln!(
            s,
            "The last {shown} of {n} periods; --format csv or json gives them all, --from and --to choose.\n"
        );
    }
    let mut headers: Vec<String> = vec!["metric".into()];
    headers.extend((first..n).map(|k| format!(">{}", t.heading(k))));
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut tbl = Table::new(&h);
    for se in &t.series {
        let mut row = vec![match &se.by {
            Some(b) => format!("{} ({b})", se.metric),
            None => se.metric.to_string(),
        }];
        row.extend(se.values[first..].iter().map(|v| fmt_value(*v, se.unit)));
        tbl.row(row);
    }
    let (h, rows) = tbl.text();
    let _ = writeln!(s, "{h}");
    for r in rows {
        let _ = writeln!(s, "{r}");
    }
    if !t.anomalies.is_empty() {
        let _ = writeln!(s, "\nUnusual periods");
        for a in &t.anomalies {
            let name = match &a.by {
                Some(b) => format!("{} ({b})", a.metric),
                None => a.metric.to_string(),
            };
            let _ = writeln!(s, "  - {} {}: {}", name, a.period, a.reason);
        }
    }
    s
}
