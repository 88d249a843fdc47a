//! Importing a set of data files together and computing the metric catalogue over them: what
//! `sextant metrics`, `sextant analyze --data` and the server's analysis endpoints share.
//!
//! Each file is all or nothing (unless bad rows are skipped); a customer or channel named in
//! two files is one customer or channel.

use std::fmt;
use std::path::{Path, PathBuf};

use sextant_metrics::calendar::Granularity;
use sextant_metrics::catalogue::{self, Inputs, OrderMetrics};
use sextant_metrics::records::Names;

use crate::{Data, ImportError, Interners, Kind, Options, Record, Report};

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

/// A file imported: its path, its kind, and what reading it found.
pub type FileReport = (PathBuf, Kind, Report);

/// Where an import of several files stands, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A file is being read; rows read so far.
    Rows(&'a Path, Kind, u64),
    /// A file is done.
    Done(&'a Path),
}

/// Why a set of files could not be imported.
#[derive(Debug)]
pub enum BatchError {
    /// A file could not be imported.
    File(PathBuf, ImportError),
    /// A file's kind cannot be told from its columns.
    UnknownKind {
        /// The file.
        path: PathBuf,
        /// Its headers.
        headers: Vec<String>,
    },
    /// A file's columns fit several kinds alike.
    AmbiguousKind {
        /// The file.
        path: PathBuf,
        /// The kinds it fits.
        kinds: Vec<Kind>,
    },
    /// A column map no file uses.
    UnusedMap(String, String),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::File(path, e) => write!(f, "{}: {e}", path.display()),
            BatchError::UnknownKind { path, headers } => write!(
                f,
                "{}: cannot tell what data this is from its columns ({}); name it, e.g. orders={}",
                path.display(),
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                path.display()
            ),
            BatchError::AmbiguousKind { path, kinds } => write!(
                f,
                "{}: the columns fit {} data alike; name it, e.g. {}={}",
                path.display(),
                kinds
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(" and "),
                kinds.first().map_or("orders", |k| k.name()),
                path.display()
            ),
            BatchError::UnusedMap(field, col) => write!(
                f,
                "--map {field}={col}: no data file has that field and column"
            ),
        }
    }
}

impl std::error::Error for BatchError {}

/// The kind a file's headers fit best.
pub fn guess_kind(path: &Path, opts: &Options) -> Result<Kind, BatchError> {
    let headers =
        crate::headers(path, opts).map_err(|e| BatchError::File(path.to_path_buf(), e))?;
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
            path: path.to_path_buf(),
            headers,
        }),
        _ => Err(BatchError::AmbiguousKind {
            path: path.to_path_buf(),
            kinds: best.iter().map(|b| b.1).collect(),
        }),
    }
}

/// Imports `files` (each with its kind, or `None` to recognise it from its headers): the data,
/// and each file's report (rows read, rows skipped).
pub fn import(
    files: &[(Option<Kind>, PathBuf)],
    base: &Options,
    map: &[(String, String)],
    g: Granularity,
    progress: impl FnMut(Progress),
) -> Result<(Imported, Vec<FileReport>), BatchError> {
    let each: Vec<(Option<Kind>, PathBuf, Options)> = files
        .iter()
        .map(|(k, p)| (*k, p.clone(), base.clone()))
        .collect();
    import_each(&each, map, g, progress)
}

/// Standard input kept in a private file (mode 0600), removed when dropped: a file is read more
/// than once (its headers, its day/month order, its rows), and standard input only once.
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

/// As [`import`], with each file read under options of its own. A path `-` is standard input.
pub fn import_each(
    files: &[(Option<Kind>, PathBuf, Options)],
    map: &[(String, String)],
    g: Granularity,
    mut progress: impl FnMut(Progress),
) -> Result<(Imported, Vec<FileReport>), BatchError> {
    let stdin = if files.iter().any(|(_, p, _)| p.as_os_str() == "-") {
        Some(
            Spooled::new(std::io::stdin().lock())
                .map_err(|e| BatchError::File(PathBuf::from("-"), e))?,
        )
    } else {
        None
    };
    // What each file is read from: standard input's copy, or a workbook's rows, unpacked and
    // read once (within `sheet`'s limits) for the several readings below.
    let mut workbooks = Vec::new();
    let mut sources = Vec::with_capacity(files.len());
    for (_, p, base) in files {
        let src = match &stdin {
            Some(s) if p.as_os_str() == "-" => s.path().to_path_buf(),
            _ => p.clone(),
        };
        if crate::sheet::is_workbook(&src) {
            let rows = crate::sheet::TempRows::of(&src, base.sheet.as_deref(), &base.stop)
                .map_err(|e| BatchError::File(p.clone(), e))?;
            sources.push(rows.path().to_path_buf());
            workbooks.push(rows);
        } else {
            sources.push(src);
        }
    }
    let mut om = OrderMetrics::new(g);
    let mut data = Data::default();
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut systems = Names::default();
    let mut used_maps = vec![false; map.len()];
    let mut kinds = Vec::new();
    for ((kind, path, base), src) in files.iter().zip(&sources) {
        kinds.push(match kind {
            Some(k) => *k,
            None => guess_kind(src, base).map_err(|e| match e {
                BatchError::UnknownKind { headers, .. } => BatchError::UnknownKind {
                    path: path.clone(),
                    headers,
                },
                BatchError::AmbiguousKind { kinds, .. } => BatchError::AmbiguousKind {
                    path: path.clone(),
                    kinds,
                },
                BatchError::File(_, e) => BatchError::File(path.clone(), e),
                other => other,
            })?,
        });
    }
    let orders_files = kinds.iter().filter(|k| **k == Kind::Orders).count();
    let mut reports = Vec::new();
    for (((_, path, base), &kind), src) in files.iter().zip(&kinds).zip(&sources) {
        let fail = |e| BatchError::File(path.clone(), e);
        // The maps whose column this file has.
        let headers = crate::headers(src, base).map_err(fail)?;
        let norm: Vec<String> = headers.iter().map(|h| crate::normalise(h)).collect();
        let mut opts = base.clone();
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
        progress(Progress::Rows(path, kind, 0));
        let tick = |n: u64| progress(Progress::Rows(path, kind, n));
        // One orders file goes through the parallel reader; several share one customer
        // table so that a customer in two files is one customer.
        let report = if kind == Kind::Orders && orders_files == 1 {
            crate::read_orders(src, &opts, g, &mut channels, tick).map(|(om, r)| {
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
                src,
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
        progress(Progress::Done(path));
        let report = report.map_err(fail)?;
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
        reports.push((path.clone(), kind, report));
    }
    if let Some(i) = used_maps.iter().position(|u| !u) {
        return Err(BatchError::UnusedMap(map[i].0.clone(), map[i].1.clone()));
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
    let mut out = plan.map(sextant_core::kpi::plan_series).unwrap_or_default();
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
    }
    out
}

/// The probability of a goal's KPI reaching its target `steps` periods on, from its history,
/// by the automatic exponential-smoothing forecast; what `sextant_core::analyze_with` takes as
/// its forecaster. `None` when the series is too short to forecast.
pub fn goal_forecast(
    values: &[f64],
    steps: usize,
    target: f64,
    direction: sextant_core::model::Direction,
) -> Option<(f64, String)> {
    sextant_metrics::ets::goal_probability(
        values,
        steps,
        target,
        direction == sextant_core::model::Direction::Down,
    )
}
