//! `sextant metrics`: imports business data files and prints the metric catalogue by period.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sextant_ingest::{DateOrder, Interners, Kind, Options, Record};
use sextant_metrics::calendar::Granularity;
use sextant_metrics::catalogue::{self, Inputs, OrderMetrics};
use sextant_metrics::records::{Names, Survey};

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
    /// First period to report (`YYYY-MM`, or `YYYY-MM-DD`).
    #[arg(long)]
    from: Option<String>,
    /// Last period to report.
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
}

/// Everything imported.
pub struct Imported {
    /// Orders, accumulated.
    pub orders: OrderMetrics,
    /// The other records.
    pub data: sextant_ingest::Data,
    /// Channel names.
    pub channels: Names,
    /// System names.
    pub systems: Names,
}

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

/// The kind a file's headers fit best, or an error naming the candidates.
fn guess_kind(path: &Path, opts: &Options) -> anyhow::Result<Kind> {
    let headers = sextant_ingest::headers(path, opts)?;
    let norm: Vec<String> = headers
        .iter()
        .map(|h| sextant_ingest::normalise(h))
        .collect();
    let mut best: Vec<(usize, Kind)> = Kind::ALL
        .iter()
        .filter_map(|&k| {
            let fields = k.fields();
            let found = |f: &sextant_ingest::Field| {
                f.synonyms.iter().any(|s| norm.contains(&s.to_string()))
            };
            fields
                .iter()
                .filter(|f| f.required)
                .all(found)
                .then(|| (fields.iter().filter(|f| found(f)).count(), k))
        })
        .collect();
    best.sort_by_key(|b| std::cmp::Reverse(b.0));
    match best.as_slice() {
        [(n, k), rest @ ..] if rest.first().is_none_or(|r| r.0 < *n) => Ok(*k),
        [] => anyhow::bail!(
            "{}: cannot tell what data this is from its columns ({}); name it, e.g. orders={}",
            path.display(),
            headers
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            path.display()
        ),
        _ => anyhow::bail!(
            "{}: the columns fit {} data alike; name it, e.g. {}={}",
            path.display(),
            best.iter()
                .map(|(_, k)| k.name())
                .collect::<Vec<_>>()
                .join(" and "),
            best[0].1.name(),
            path.display()
        ),
    }
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

fn period_bound(s: &str, g: Granularity, what: &str) -> anyhow::Result<i32> {
    let (day, _) = sextant_ingest::parse::datetime(s, None)
        .map_err(|e| anyhow::anyhow!("--{what}: expected a month YYYY-MM or a date, found {e}"))?;
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
            w.write_record(["period", "metric", "by", "unit", "value"])?;
            for s in &table.series {
                for (k, v) in s.values.iter().enumerate() {
                    w.write_record([
                        table.periods[k].as_str(),
                        s.metric,
                        s.by.as_deref().unwrap_or(""),
                        s.unit,
                        &v.map_or(String::new(), |v| format!("{v}")),
                    ])?;
                }
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        MetricsFormat::Text => write!(out, "{}", text(&table))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The catalogue over what was imported.
pub fn compute(
    imp: &Imported,
    g: Granularity,
    from: Option<i32>,
    to: Option<i32>,
    gross_margin: Option<f64>,
    employees: Option<u32>,
) -> catalogue::Table {
    let inputs = Inputs {
        orders: imp.orders.span().is_some().then_some(&imp.orders),
        spend: &imp.data.spend,
        traffic: &imp.data.traffic,
        incidents: &imp.data.incidents,
        answers: &imp.data.answers,
        usage: &imp.data.usage,
        processes: &imp.data.processes,
        channels: Some(&imp.channels),
        systems: Some(&imp.systems),
        gross_margin,
        employees,
    };
    catalogue::compute(&inputs, g, from, to)
}

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
    };
    let mut om = OrderMetrics::new(g);
    let mut data = sextant_ingest::Data::default();
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut systems = Names::default();
    let mut used_maps = vec![false; map.len()];
    let show = std::io::stderr().is_terminal();
    let mut kinds = Vec::new();
    for spec in specs {
        let (kind, path) = split_spec(spec)?;
        kinds.push(match kind {
            Some(k) => k,
            None => guess_kind(&path, &base)?,
        });
    }
    let orders_files = kinds.iter().filter(|k| **k == Kind::Orders).count();
    for (spec, &kind) in specs.iter().zip(&kinds) {
        let (_, path) = split_spec(spec)?;
        // The maps whose column this file has.
        let headers = sextant_ingest::headers(&path, &base)?;
        let norm: Vec<String> = headers
            .iter()
            .map(|h| sextant_ingest::normalise(h))
            .collect();
        let mut opts = base.clone();
        for (i, (field, col)) in map.iter().enumerate() {
            if norm.contains(&sextant_ingest::normalise(col))
                && kind.fields().iter().any(|f| f.name == field)
            {
                used_maps[i] = true;
                opts.map.push((field.clone(), col.clone()));
            }
        }
        let bar = show.then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(format!("{}: reading {}", path.display(), kind.name()));
            b
        });
        let mut staged = sextant_ingest::Data::default();
        let mut staged_orders = OrderMetrics::new(g);
        let tick = |n: u64| {
            if let Some(b) = &bar {
                b.set_message(format!("{}: {n} rows", path.display()));
                b.tick();
            }
        };
        // One orders file goes through the parallel reader; several share one customer
        // table so that a customer in two files is one customer.
        let report = if kind == Kind::Orders && orders_files == 1 {
            sextant_ingest::read_orders(&path, &opts, g, &mut channels, tick).map(|(om, r)| {
                staged_orders = om;
                r
            })
        } else {
            let mut names = Interners {
                customers: Some(&mut customers),
                channels: Some(&mut channels),
                systems: Some(&mut systems),
            };
            sextant_ingest::read(
                &path,
                kind,
                &opts,
                &mut names,
                |r| match r {
                    Record::Order(o) => staged_orders.add(&o),
                    other => staged.push(other),
                },
                tick,
            )
        };
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let report = report.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        // All or nothing per file: only a file that read cleanly (or with --skip-bad-rows)
        // joins the data.
        if kind == Kind::Orders {
            if om.span().is_none() {
                om = staged_orders;
            } else {
                om.merge(staged_orders);
            }
        }
        data.spend.extend(staged.spend);
        data.traffic.extend(staged.traffic);
        data.incidents.extend(staged.incidents);
        data.answers.extend(staged.answers);
        data.usage.extend(staged.usage);
        data.processes.extend(staged.processes);
        if !report.skipped.is_empty() {
            let mut err = anstream::stderr();
            let _ = writeln!(
                err,
                "{}: skipped {} bad row(s):",
                path.display(),
                report.skipped.len()
            );
            for p in report.skipped.iter().take(20) {
                let _ = writeln!(err, "  {p}");
            }
        }
    }
    if let Some(i) = used_maps.iter().position(|u| !u) {
        anyhow::bail!(
            "--map {}={}: no data file has that field and column",
            map[i].0,
            map[i].1
        );
    }
    Ok(Imported {
        orders: om,
        data,
        channels,
        systems,
    })
}

fn fmt_value(v: Option<f64>, unit: &str) -> String {
    match v {
        None => "-".into(),
        Some(v) => match unit {
            "fraction" => format!("{:.1}%", v * 100.0),
            "currency" if v.abs() < 1000.0 => format!("{v:.2}"),
            "currency" => crate::render::money(v),
            "points" | "hours" | "ratio" => format!("{v:.1}"),
            _ => format!("{v:.0}"),
        },
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
    headers.extend(t.periods[first..].iter().map(|p| format!(">{p}")));
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
