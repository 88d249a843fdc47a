//! Importing a set of data files together and computing the metric catalogue over them: what
//! `sextant metrics`, `sextant analyze --data` and the server's analysis endpoints share.
//!
//! Each file is all or nothing (unless bad rows are skipped); a customer or channel named in
//! two files is one customer or channel. Every error names the file by its source's name.

use std::fmt;
use std::path::{Path, PathBuf};

use sextant_metrics::calendar::Granularity;
use sextant_metrics::catalogue::{self, Inputs, OrderMetrics};
use sextant_metrics::records::Names;

use crate::{Data, Format, ImportError, Interners, Kind, Options, Record, Report, Source};

/// Everything imported from a set of files.
pub struct Imported {
    /// Orders, accumulated.
    pub orders: OrderMetrics,
    /// The other records.
    pub data: Data,
    /// Channel names.
    pub channels: Names,
    /// System names.
    pub systems: Names,
}

/// A file to import: where it is, its kind (recognised from its headers when `None`), and
/// the options it is read with.
#[derive(Debug, Clone)]
pub struct ImportFile {
    /// The kind of data, when named.
    pub kind: Option<Kind>,
    /// Its bytes and its name.
    pub source: Source,
    /// How it is read (its column map comes from the batch's, see [`import_each`]).
    pub options: Options,
}

/// A file imported: its name, its kind, and what reading it found.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The source's name.
    pub name: String,
    /// The kind it was read as.
    pub kind: Kind,
    /// What reading it found.
    pub report: Report,
    /// The first and last day its dated records cover (orders, marketing spend, traffic,
    /// incidents, survey answers, usage), as days since 1970-01-01; `None` for a process
    /// inventory or a file without rows. Two files of one kind whose days meet count those
    /// days twice (see [`shared_days`]).
    pub days: Option<(i32, i32)>,
}

/// The days two spans of days (first, last) share, if any.
pub fn shared_days(a: (i32, i32), b: (i32, i32)) -> Option<(i32, i32)> {
    let (first, last) = (a.0.max(b.0), a.1.min(b.1));
    (first <= last).then_some((first, last))
}

/// The first and last day a file's records cover.
fn days_of(orders: &OrderMetrics, d: &Data) -> Option<(i32, i32)> {
    orders
        .days()
        .into_iter()
        // A month's spend (given on its first day) covers the month, as the catalogue reads it.
        .chain(d.spend.iter().map(|x| (x.day, catalogue::spend_end(x.day))))
        .chain(d.traffic.iter().map(|x| (x.day, x.day)))
        .chain(d.answers.iter().map(|x| (x.day, x.day)))
        .chain(d.usage.iter().map(|x| (x.day, x.day)))
        .chain(d.incidents.iter().map(|x| {
            let day = x.start.div_euclid(1440) as i32;
            (day, day)
        }))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// Where an import of several files stands, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A file is being read.
    Rows {
        /// The source's name.
        name: &'a str,
        /// The kind it is read as.
        kind: Kind,
        /// Rows read so far.
        rows: u64,
    },
    /// A file is done.
    Done {
        /// The source's name.
        name: &'a str,
    },
}

/// Why a set of files could not be imported.
#[derive(Debug)]
pub enum BatchError {
    /// A file could not be imported.
    File {
        /// The source's name.
        name: String,
        /// Why.
        error: ImportError,
    },
    /// A file's kind cannot be told from its columns.
    UnknownKind {
        /// The source's name.
        name: String,
        /// Its headers.
        headers: Vec<String>,
    },
    /// A file's columns fit several kinds alike.
    AmbiguousKind {
        /// The source's name.
        name: String,
        /// The kinds it fits.
        kinds: Vec<Kind>,
    },
    /// A column map no file uses.
    UnusedMap {
        /// The field.
        field: String,
        /// The column.
        column: String,
    },
}

impl BatchError {
    /// An import error in the source named `name`.
    pub fn file(name: &str, error: ImportError) -> BatchError {
        BatchError::File {
            name: name.to_string(),
            error,
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::File { name, error } => write!(f, "{name}: {error}"),
            BatchError::UnknownKind { name, headers } => write!(
                f,
                "{name}: cannot tell what data this is from its columns ({}); name it, e.g. orders={name}",
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            BatchError::AmbiguousKind { name, kinds } => write!(
                f,
                "{name}: the columns fit {} data alike; name it, e.g. {}={name}",
                kinds
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(" and "),
                kinds.first().map_or("orders", |k| k.name()),
            ),
            BatchError::UnusedMap { field, column } => write!(
                f,
                "--map {field}={column}: no data file has that field and column"
            ),
        }
    }
}

impl std::error::Error for BatchError {}

/// The kind a source's headers fit best (a path, or a [`Source`]).
pub fn guess_kind(source: impl Into<Source>, opts: &Options) -> Result<Kind, BatchError> {
    let source = source.into();
    let headers = crate::headers(&source, opts).map_err(|e| BatchError::file(source.name(), e))?;
    let norm: Vec<String> = headers.iter().map(|h| crate::normalise(h)).collect();
    let mut best: Vec<(usize, Kind)> = Kind::ALL
        .iter()
        .filter_map(|&k| {
            let fields = k.fields();
            let found = |f: &crate::Field| f.synonyms.iter().any(|s| norm.contains(&s.to_string()));
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
        [] => Err(BatchError::UnknownKind {
            name: source.name().to_string(),
            headers,
        }),
        _ => Err(BatchError::AmbiguousKind {
            name: source.name().to_string(),
            kinds: best.iter().map(|b| b.1).collect(),
        }),
    }
}

/// Imports files by path (each with its kind, or `None` to recognise it from its headers; `-`
/// is standard input): the data, and each file's report (rows read, rows skipped).
pub fn import(
    files: &[(Option<Kind>, PathBuf)],
    base: &Options,
    map: &[(String, String)],
    g: Granularity,
    progress: impl FnMut(Progress),
) -> Result<(Imported, Vec<FileReport>), BatchError> {
    let each: Vec<ImportFile> = files
        .iter()
        .map(|(kind, path)| ImportFile {
            kind: *kind,
            source: Source::path(path.as_path()),
            options: base.clone(),
        })
        .collect();
    import_each(&each, map, g, progress)
}

/// Standard input kept in a private file (mode 0600), removed when dropped: a file is read more
/// than once (its headers, its day/month order, its rows), and standard input only once. It is
/// kept on disk rather than in memory because what is piped in has no size limit.
pub struct Spooled(PathBuf);

impl Spooled {
    /// Copies `from` into a new private file.
    pub fn new(mut from: impl std::io::Read) -> Result<Spooled, ImportError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "sextant-stdin-{}-{}.csv",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let io = |e: std::io::Error| ImportError::Io(format!("standard input: {e}"));
        let mut file = open.open(&path).map_err(io)?;
        let spooled = Spooled(path);
        std::io::copy(&mut from, &mut file).map_err(io)?;
        Ok(spooled)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Imports `files`, each read from its source under its own options; `map` (`field=Column`)
/// applies to every file that has the column, and must be used by one. Standard input is
/// spooled to a private file ([`Spooled`]); a workbook is unpacked and read once, into its rows
/// in memory ([`crate::sheet::rows`], within the sheet's limits), for the several readings
/// below. Nothing else is written anywhere: bytes in memory are read where they are.
pub fn import_each(
    files: &[ImportFile],
    map: &[(String, String)],
    g: Granularity,
    mut progress: impl FnMut(Progress),
) -> Result<(Imported, Vec<FileReport>), BatchError> {
    let stdin = match files.iter().find(|f| f.source.is_stdin()) {
        Some(f) => Some(
            Spooled::new(std::io::stdin().lock())
                .map_err(|e| BatchError::file(f.source.name(), e))?,
        ),
        None => None,
    };
    let mut sources = Vec::with_capacity(files.len());
    for f in files {
        let source = match &stdin {
            Some(s) if f.source.is_stdin() => Source::path(s.path()).named(f.source.name()),
            _ => f.source.clone(),
        };
        sources.push(readable(source, &f.options)?);
    }
    let mut om = OrderMetrics::new(g);
    let mut data = Data::default();
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut systems = Names::default();
    let mut used_maps = vec![false; map.len()];
    let mut kinds = Vec::new();
    for (f, source) in files.iter().zip(&sources) {
        kinds.push(match f.kind {
            Some(k) => k,
            None => guess_kind(source, &f.options)?,
        });
    }
    let orders_files = kinds.iter().filter(|k| **k == Kind::Orders).count();
    let mut reports = Vec::new();
    for ((f, &kind), source) in files.iter().zip(&kinds).zip(&sources) {
        let name = source.name();
        let fail = |e| BatchError::file(name, e);
        // The maps whose column this file has.
        let headers = crate::headers(source, &f.options).map_err(fail)?;
        let norm: Vec<String> = headers.iter().map(|h| crate::normalise(h)).collect();
        let mut opts = f.options.clone();
        for (i, (field, col)) in map.iter().enumerate() {
            if norm.contains(&crate::normalise(col))
                && kind.fields().iter().any(|f| f.name == field)
            {
                used_maps[i] = true;
                opts.map.push((field.clone(), col.clone()));
            }
        }
        let mut staged = Data::default();
        let mut staged_orders = OrderMetrics::new(g);
        progress(Progress::Rows {
            name,
            kind,
            rows: 0,
        });
        let tick = |rows: u64| progress(Progress::Rows { name, kind, rows });
        // One orders file goes through the parallel reader; several share one customer
        // table so that a customer in two files is one customer.
        let report = if kind == Kind::Orders && orders_files == 1 {
            crate::read_orders(source, &opts, g, &mut channels, tick).map(|(om, r)| {
                staged_orders = om;
                r
            })
        } else {
            let mut names = Interners {
                customers: Some(&mut customers),
                channels: Some(&mut channels),
                systems: Some(&mut systems),
            };
            crate::read(
                source,
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
        progress(Progress::Done { name });
        let report = report.map_err(fail)?;
        let days = days_of(&staged_orders, &staged);
        // All or nothing per file: only a file that read cleanly (or with skipped rows, when
        // asked) joins the data.
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
        reports.push(FileReport {
            name: name.to_string(),
            kind,
            report,
            days,
        });
    }
    if let Some(i) = used_maps.iter().position(|u| !u) {
        return Err(BatchError::UnusedMap {
            field: map[i].0.clone(),
            column: map[i].1.clone(),
        });
    }
    Ok((
        Imported {
            orders: om,
            data,
            channels,
            systems,
        },
        reports,
    ))
}

/// What a source is read from several times: a workbook's rows as read (unpacked once, in
/// memory, under the workbook's name), anything else as it is.
pub fn readable(source: Source, opts: &Options) -> Result<Source, BatchError> {
    if source.format() != Format::Workbook {
        return Ok(source);
    }
    let rows = crate::sheet::rows(&source, opts.sheet.as_deref(), &opts.stop)
        .map_err(|e| BatchError::file(source.name(), e))?;
    Ok(Source::rows(source.name(), rows))
}

/// The metric catalogue over what was imported.
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

/// The whole-business monthly series of a catalogue table (not those by channel), as
/// `(metric, [(period label, value)])`: what goals are tracked against. A partial last period
/// is left out.
pub fn series(table: &catalogue::Table) -> Vec<(&'static str, Vec<(&str, f64)>)> {
    table
        .series
        .iter()
        .filter(|s| s.by.is_none())
        .map(|s| {
            // A partial period's value is so far, not the period's: forecasts and goal
            // tracking would read it as a fall.
            let points = table
                .periods
                .iter()
                .zip(&s.values)
                .enumerate()
                .filter(|(k, _)| !table.is_partial(*k))
                .filter_map(|(_, (label, v))| v.map(|v| (label.as_str(), v)))
                .collect();
            (s.metric, points)
        })
        .collect()
}

/// The monthly series goals are tracked against: the plan's own `measurements` (when there is a
/// plan), and for every other KPI the catalogue's whole-business series over the imported data.
/// The plan's values win for a KPI it measures (they may be on another scale, such as a
/// trailing year).
pub fn kpi_series(
    plan: Option<&sextant_core::Plan>,
    data: Option<&Imported>,
) -> sextant_core::kpi::Series {
    kpi_series_and_partial(plan, data).0
}

/// [`kpi_series`], with the months the imported data cover only in part (the last when the
/// data stop before its end, the first when they start well into it): left out of every series
/// computed from the data, as their figures so far would read as a fall. Empty without data.
pub fn kpi_series_and_partial(
    plan: Option<&sextant_core::Plan>,
    data: Option<&Imported>,
) -> (sextant_core::kpi::Series, Vec<sextant_core::model::Month>) {
    let mut out = plan.map(sextant_core::kpi::plan_series).unwrap_or_default();
    let mut partial = Vec::new();
    if let Some(imp) = data {
        let org = plan.map(|p| &p.doc().organization);
        let table = compute(
            imp,
            Granularity::Month,
            None,
            None,
            org.and_then(|o| o.gross_margin),
            org.and_then(|o| o.employees),
        );
        for (kpi, points) in series(&table) {
            sextant_core::kpi::add_data_series(&mut out, kpi, points);
        }
        partial = table
            .partial_periods
            .iter()
            .filter_map(|p| sextant_core::model::Month::parse(p))
            .collect();
    }
    (out, partial)
}

/// The probability of a goal's KPI reaching its target `steps` periods on, from its history,
/// by the forecast its KPI's page and the forecast route give
/// ([`sextant_metrics::forecast::goal_probability`]); what `sextant_core::analyze_with` takes
/// as its forecaster. `None` when the series is too short to forecast.
pub fn goal_forecast(
    values: &[f64],
    steps: usize,
    target: f64,
    direction: sextant_core::model::Direction,
) -> Option<(f64, String)> {
    sextant_metrics::forecast::goal_probability(
        values,
        steps,
        target,
        direction == sextant_core::model::Direction::Down,
    )
}
