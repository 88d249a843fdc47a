//! Imports a business's data from CSV and XLSX files into typed records: orders, marketing
//! spend, web sessions, incidents, survey answers, system usage and the process inventory.
//!
//! Column headers are recognised whatever their case, spacing or punctuation, with synonyms
//! ("Order Date", "Customer ID", "Total"), and can be mapped by hand (`amount=Grand Total`).
//! Dates are read in ISO and common local forms; a file whose numeric dates could be day-first
//! or month-first is refused with the question rather than guessed. CSV is streamed row by
//! row with one reused buffer. Every bad row is reported with its line and column; an import
//! is all or nothing unless the caller asks to skip bad rows.

pub mod batch;
pub mod clv;
pub mod parse;
pub mod sheet;

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sextant_metrics::records::{
    Answer, Incident, Names, Order, Process, Spend, Survey, Traffic, Usage,
};

pub use parse::DateOrder;

/// The kinds of data Sextant imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Orders from the point of sale or the web shop.
    Orders,
    /// Marketing spend.
    Marketing,
    /// Web analytics: sessions and conversions.
    Sessions,
    /// Incidents: outages and security incidents.
    Incidents,
    /// Survey answers (CSAT, NPS, eNPS).
    Surveys,
    /// Active and licensed users of systems.
    Usage,
    /// The process inventory.
    Processes,
}

/// A field of a kind of data, with the headers that name it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The field's name (used by `--map`).
    pub name: &'static str,
    /// Whether a file must have it.
    pub required: bool,
    /// Headers that mean it, normalised (lower case, letters and digits only).
    pub synonyms: &'static [&'static str],
    /// What it holds, for messages.
    pub expected: &'static str,
}

const fn f(
    name: &'static str,
    required: bool,
    synonyms: &'static [&'static str],
    expected: &'static str,
) -> Field {
    Field {
        name,
        required,
        synonyms,
        expected,
    }
}

const DATE: &str =
    "a date (2027-03-17, 17/03/2027, 17 Mar 2027) or a period (Mar 2027, 2027Q1, 2027-W05)";
const MONEY: &str = "an amount of money (1234.50, $1,234.50)";
const NUMBER: &str = "a number";

const ORDERS: &[Field] = &[
    f(
        "date",
        true,
        &[
            "orderdate",
            "date",
            "createdat",
            "purchasedate",
            "orderedat",
            "saledate",
            "created",
            "day",
            "transactiondate",
        ],
        DATE,
    ),
    f(
        "customer",
        true,
        &[
            "customerid",
            "customer",
            "customeremail",
            "email",
            "clientid",
            "client",
            "buyer",
            "customerno",
            "customernumber",
            "accountid",
        ],
        "a customer id or email",
    ),
    f(
        "amount",
        true,
        &[
            "total",
            "amount",
            "ordertotal",
            "grandtotal",
            "revenue",
            "netsales",
            "sales",
            "totalamount",
            "value",
            "price",
            "subtotal",
        ],
        MONEY,
    ),
    f(
        "channel",
        false,
        &["channel", "saleschannel", "source", "store", "origin"],
        "a channel name",
    ),
];

const MARKETING: &[Field] = &[
    f(
        "date",
        true,
        &["date", "month", "period", "day", "week"],
        DATE,
    ),
    f(
        "amount",
        true,
        &["spend", "cost", "amount", "adspend", "budgetspent", "total"],
        MONEY,
    ),
    f(
        "channel",
        false,
        &["channel", "source", "platform", "campaign", "medium"],
        "a channel name",
    ),
];

const SESSIONS: &[Field] = &[
    f("date", true, &["date", "day", "month", "period"], DATE),
    f(
        "sessions",
        true,
        &["sessions", "visits", "visitors", "users"],
        NUMBER,
    ),
    f(
        "conversions",
        false,
        &[
            "conversions",
            "transactions",
            "orders",
            "goalcompletions",
            "purchases",
            "sales",
        ],
        NUMBER,
    ),
    f(
        "channel",
        false,
        &[
            "channel",
            "source",
            "medium",
            "defaultchannelgroup",
            "sessionsource",
        ],
        "a channel name",
    ),
];

const INCIDENTS: &[Field] = &[
    f(
        "start",
        true,
        &[
            "start",
            "started",
            "startedat",
            "opened",
            "openedat",
            "starttime",
            "created",
            "createdat",
            "date",
        ],
        DATE,
    ),
    f(
        "end",
        false,
        &[
            "end",
            "resolved",
            "resolvedat",
            "closed",
            "closedat",
            "endtime",
            "ended",
        ],
        DATE,
    ),
    f(
        "security",
        false,
        &[
            "security",
            "securityincident",
            "issecurity",
            "type",
            "category",
            "kind",
        ],
        "yes/no, or a type such as `security` or `outage`",
    ),
    f(
        "outage",
        false,
        &[
            "outage",
            "downtime",
            "isoutage",
            "serviceimpact",
            "unavailable",
        ],
        "yes/no",
    ),
    f(
        "system",
        false,
        &["system", "service", "application", "app", "component"],
        "a system name",
    ),
];

const SURVEYS: &[Field] = &[
    f(
        "date",
        true,
        &[
            "date",
            "answeredat",
            "submittedat",
            "timestamp",
            "created",
            "createdat",
        ],
        DATE,
    ),
    f(
        "score",
        true,
        &["score", "rating", "answer", "nps", "csat", "enps", "value"],
        NUMBER,
    ),
    f(
        "survey",
        false,
        &["survey", "type", "kind", "question"],
        "`csat`, `nps` or `enps`",
    ),
];

const USAGE: &[Field] = &[
    f("date", true, &["date", "month", "period", "day"], DATE),
    f(
        "system",
        true,
        &["system", "application", "app", "product", "service"],
        "a system name",
    ),
    f(
        "active",
        true,
        &[
            "activeusers",
            "active",
            "users",
            "monthlyactiveusers",
            "mau",
        ],
        NUMBER,
    ),
    f(
        "licensed",
        true,
        &["licensedusers", "licensed", "licenses", "licences", "seats"],
        NUMBER,
    ),
];

const PROCESSES: &[Field] = &[
    f(
        "process",
        true,
        &["process", "name", "processname", "task", "workflow"],
        "a process name",
    ),
    f(
        "automated",
        true,
        &["automated", "isautomated", "automation", "status"],
        "yes/no",
    ),
    f(
        "baseline_cost",
        false,
        &[
            "baselinecost",
            "costbefore",
            "previouscost",
            "oldcost",
            "annualcostbefore",
        ],
        MONEY,
    ),
    f(
        "cost",
        false,
        &["cost", "currentcost", "costnow", "annualcost", "costafter"],
        MONEY,
    ),
];

impl Kind {
    /// Every kind, in the order of the CLI's help.
    pub const ALL: [Kind; 7] = [
        Kind::Orders,
        Kind::Marketing,
        Kind::Sessions,
        Kind::Incidents,
        Kind::Surveys,
        Kind::Usage,
        Kind::Processes,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Orders => "orders",
            Kind::Marketing => "marketing",
            Kind::Sessions => "sessions",
            Kind::Incidents => "incidents",
            Kind::Surveys => "surveys",
            Kind::Usage => "usage",
            Kind::Processes => "processes",
        }
    }

    /// Its fields.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Orders => ORDERS,
            Kind::Marketing => MARKETING,
            Kind::Sessions => SESSIONS,
            Kind::Incidents => INCIDENTS,
            Kind::Surveys => SURVEYS,
            Kind::Usage => USAGE,
            Kind::Processes => PROCESSES,
        }
    }

    /// The kind named on the command line.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Normalises a header: lower case, letters and digits only.
pub fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Import settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `field=Header` overrides of the recognised columns.
    pub map: Vec<(String, String)>,
    /// The order of day and month in numeric dates, when the data does not settle it.
    pub date_order: Option<DateOrder>,
    /// Read `1.234,50` as one thousand two hundred and thirty-four and a half.
    pub decimal_comma: bool,
    /// Import the good rows and report the bad ones, instead of refusing the file.
    pub skip_bad_rows: bool,
    /// For surveys without a `survey` column: which survey the answers belong to.
    pub survey: Option<Survey>,
    /// Worksheet of an XLSX file (default: the first).
    pub sheet: Option<String>,
    /// The delimiter of a CSV file: `,`, `;` or a tab (default: recognised from the first
    /// lines).
    pub delimiter: Option<u8>,
    /// The line (CSV) or sheet row (XLSX) of the header, 1-based, for a header below title
    /// rows. Without it, leading rows with at most one filled cell (titles) are passed over.
    pub header_row: Option<u64>,
    /// Whether to stop (the import's client left): checked every few thousand rows, and while
    /// a workbook is unpacked and read.
    pub stop: Stop,
}

/// Whether an import should stop; never, by default.
#[derive(Clone, Default)]
pub struct Stop(Option<std::sync::Arc<dyn Fn() -> bool + Send + Sync>>);

impl Stop {
    /// Stops when `f` says so.
    pub fn new(f: impl Fn() -> bool + Send + Sync + 'static) -> Stop {
        Stop(Some(std::sync::Arc::new(f)))
    }

    /// True once the import should stop.
    pub fn stopped(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f())
    }
}

impl fmt::Debug for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Stop(..)"
        } else {
            "Stop(never)"
        })
    }
}

/// One bad cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    /// Line in the file (1-based; the header is line 1 when it is the first line).
    pub line: u64,
    /// Column (1-based).
    pub column: usize,
    /// The field.
    pub field: &'static str,
    /// The column's header.
    pub header: String,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.header.is_empty() {
            return write!(
                f,
                "line {}, column {}: expected {}, found {}",
                self.line, self.column, self.expected, self.found
            );
        }
        write!(
            f,
            "line {}, column {} ({} from {:?}): expected {}, found {}",
            self.line, self.column, self.field, self.header, self.expected, self.found
        )
    }
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file could not be read.
    Io(String),
    /// The file is not valid CSV or XLSX.
    Format(String),
    /// The file has no header row.
    Empty,
    /// `--header-row` names a line the file has no row on.
    NoHeaderRow {
        /// The line asked for.
        line: u64,
        /// The line the first row after it starts on, if any.
        next: Option<u64>,
    },
    /// Required fields have no column.
    MissingColumns {
        /// The fields missing.
        missing: Vec<&'static str>,
        /// The headers found.
        headers: Vec<String>,
        /// The kind of data.
        kind: Kind,
    },
    /// A `--map` names a field or a header that does not exist.
    BadMap(String),
    /// Numeric dates could be day-first or month-first.
    AmbiguousDates {
        /// The column.
        header: String,
        /// Examples of ambiguous values.
        examples: Vec<String>,
    },
    /// Rows with problems (all of them, when not skipping).
    BadRows(Vec<RowProblem>),
    /// A workbook beyond a limit of [`sheet`] (its size unpacked, its rows, cells or text).
    Limit(String),
    /// The import was stopped ([`Options::stop`]).
    Stopped,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io(e) => write!(f, "cannot read the file: {e}"),
            ImportError::Format(e) => write!(f, "not a readable CSV or XLSX file: {e}"),
            ImportError::Empty => write!(f, "the file is empty: expected a header row"),
            ImportError::NoHeaderRow { line, next } => match next {
                Some(n) => write!(
                    f,
                    "--header-row {line}: expected a header row on line {line}, found none (line {line} is blank or inside a quoted value); the next row is on line {n}"
                ),
                None => write!(
                    f,
                    "--header-row {line}: expected a header row on line {line}, found the end of the file"
                ),
            },
            ImportError::MissingColumns {
                missing,
                headers,
                kind,
            } => {
                let wanted: Vec<String> = missing
                    .iter()
                    .map(|m| {
                        let field = kind.fields().iter().find(|x| x.name == *m);
                        format!("`{m}` ({})", field.map_or("", |x| x.expected))
                    })
                    .collect();
                write!(
                    f,
                    "no column for {} in this {} file; found the columns {}. Map one with --map {}=\"Column name\"",
                    wanted.join(", "),
                    kind.name(),
                    headers
                        .iter()
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    missing.first().unwrap_or(&"field")
                )
            }
            ImportError::BadMap(e) => write!(f, "{e}"),
            ImportError::AmbiguousDates { header, examples } => write!(
                f,
                "the dates in column {header:?} could be day-first or month-first (e.g. {}); which is it? Say --date-order day-month (31/12/2027) or --date-order month-day (12/31/2027)",
                examples.join(", ")
            ),
            ImportError::Limit(m) => write!(f, "{m}"),
            ImportError::Stopped => write!(
                f,
                "the import was stopped before it finished (its client left, or the server is stopping)"
            ),
            ImportError::BadRows(rows) => {
                write!(f, "{} bad row(s); nothing was imported:", rows.len())?;
                for r in rows.iter().take(20) {
                    write!(f, "\n  {r}")?;
                }
                if rows.len() > 20 {
                    write!(f, "\n  ... and {} more", rows.len() - 20)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Everything imported from one or more files.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Orders.
    pub orders: Vec<Order>,
    /// Marketing spend.
    pub spend: Vec<Spend>,
    /// Web traffic.
    pub traffic: Vec<Traffic>,
    /// Incidents.
    pub incidents: Vec<Incident>,
    /// Survey answers.
    pub answers: Vec<Answer>,
    /// System usage.
    pub usage: Vec<Usage>,
    /// The process inventory.
    pub processes: Vec<Process>,
    /// Customer names.
    pub customers: Names,
    /// Channel names.
    pub channels: Names,
    /// System and process names.
    pub systems: Names,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// Rows imported.
    pub rows: u64,
    /// Rows skipped (with `skip_bad_rows`), with their problems.
    pub skipped: Vec<RowProblem>,
    /// The column each field was read from.
    pub columns: Vec<(String, String)>,
    /// Orders rows that repeat an earlier row of the same day cell for cell (a file exported
    /// twice, or pasted into itself?), as `(line, line it repeats)`: the first
    /// [`MAX_REPEATS_LISTED`]. They are imported; the caller warns.
    pub repeated: Vec<(u64, u64)>,
    /// How many such rows there are in all.
    pub repeated_rows: u64,
}

/// The repeated rows a [`Report`] lists at most.
pub const MAX_REPEATS_LISTED: usize = 100;

/// Finds orders rows that repeat an earlier row of the same day, cell for cell. Rows are
/// compared within a run of rows of one day only, so memory stays that of one day's rows
/// (exports are in date order; in a file that is not, repeats further apart go unseen). With
/// an order number column, two different orders never match.
#[derive(Default)]
struct Repeats {
    day: Option<i32>,
    seen: std::collections::HashMap<u64, u64, sextant_metrics::records::FxBuild>,
}

impl Repeats {
    fn see(&mut self, day: i32, row: &Row, line: u64, report: &mut Report) {
        if self.day != Some(day) {
            self.seen.clear();
            self.day = Some(day);
        }
        match self.seen.entry(row.fingerprint()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                report.repeated_rows += 1;
                if report.repeated.len() < MAX_REPEATS_LISTED {
                    report.repeated.push((line, *first.get()));
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
            }
        }
    }
}

/// A typed record of any kind, handed to the sink as each row is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Record {
    /// An order.
    Order(Order),
    /// Marketing spend.
    Spend(Spend),
    /// Web traffic.
    Traffic(Traffic),
    /// An incident.
    Incident(Incident),
    /// A survey answer.
    Answer(Answer),
    /// System usage.
    Usage(Usage),
    /// A process.
    Process(Process),
}

impl Data {
    /// Stores a record.
    pub fn push(&mut self, r: Record) {
        match r {
            Record::Order(x) => self.orders.push(x),
            Record::Spend(x) => self.spend.push(x),
            Record::Traffic(x) => self.traffic.push(x),
            Record::Incident(x) => self.incidents.push(x),
            Record::Answer(x) => self.answers.push(x),
            Record::Usage(x) => self.usage.push(x),
            Record::Process(x) => self.processes.push(x),
        }
    }
}

/// Names interned while importing.
#[derive(Debug, Default)]
pub struct Interners<'a> {
    /// Customers.
    pub customers: Option<&'a mut Names>,
    /// Channels.
    pub channels: Option<&'a mut Names>,
    /// Systems and processes.
    pub systems: Option<&'a mut Names>,
}

/// Rows of a table, from CSV or XLSX.
enum Rows {
    /// A CSV reader, its record, its delimiter, the stop flag and the rows read since it was
    /// last checked.
    Csv(
        Box<csv::Reader<Box<dyn Read + Send>>>,
        csv::ByteRecord,
        u8,
        Stop,
        u32,
    ),
    /// The rows from the thread reading the sheet, the current row and its line number.
    Sheet(Receiver<SheetRow>, Vec<String>, u64),
}

/// One row's cells (of CSV, with the delimiter).
enum Row<'a> {
    Csv(&'a csv::ByteRecord, u8),
    Cells(&'a [String]),
}

impl<'a> Row<'a> {
    /// A 64-bit hash of every cell, trimmed (what two identical rows share).
    fn fingerprint(&self) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = sextant_metrics::records::FxBuild::default().build_hasher();
        let mut cell = |b: &[u8]| {
            h.write(b.trim_ascii());
            h.write_u8(0xff);
        };
        match self {
            Row::Csv(r, _) => r.iter().for_each(&mut cell),
            Row::Cells(c) => c.iter().for_each(|s| cell(s.as_bytes())),
        }
        h.finish()
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Row::Csv(r, _) => r.get(i).map(|b| {
                std::str::from_utf8(b)
                    .unwrap_or("(text that is not UTF-8)")
                    .trim()
            }),
            Row::Cells(c) => c.get(i).map(|s| s.trim()),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Row::Csv(r, _) => r.iter().all(|c| c.trim_ascii().is_empty()),
            Row::Cells(c) => c.iter().all(|c| c.trim().is_empty()),
        }
    }
}

impl Rows {
    /// The next row, with its line number.
    fn next(&mut self) -> Result<Option<(u64, Row<'_>)>, ImportError> {
        match self {
            Rows::Csv(r, rec, d, stop, n) => {
                *n += 1;
                if *n >= 4096 {
                    *n = 0;
                    if stop.stopped() {
                        return Err(ImportError::Stopped);
                    }
                }
                match r.read_byte_record(rec) {
                    Ok(true) => Ok(Some((record_line(r.position(), rec), Row::Csv(rec, *d)))),
                    Ok(false) => Ok(None),
                    Err(e) => Err(ImportError::Format(e.to_string())),
                }
            }
            Rows::Sheet(rx, cur, line) => match rx.recv() {
                Ok(Ok((0, _))) => Ok(None),
                Ok(Ok((l, row))) => {
                    *line = l;
                    *cur = row;
                    Ok(Some((*line, Row::Cells(cur))))
                }
                Ok(Err(e)) => Err(e),
                Err(_) => Err(ImportError::Format(
                    "the sheet's reading stopped half-way; nothing was imported".into(),
                )),
            },
        }
    }
}

fn open(path: &Path, opts: &Options) -> Result<(Vec<String>, Rows), ImportError> {
    if sheet::is_workbook(path) || sheet::is_rows_file(path) {
        return sheet_rows(path, opts);
    }
    let mut file: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| ImportError::Io(e.to_string()))?)
    };
    // The first bytes, to recognise the delimiter; read again from the start.
    let mut prefix = Vec::new();
    if opts.delimiter.is_none() {
        (&mut file)
            .take(SNIFF as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| ImportError::Io(e.to_string()))?;
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff(&prefix));
    let file: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(prefix).chain(file));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(file);
    let mut rec = csv::ByteRecord::new();
    let mut first: Option<csv::ByteRecord> = None;
    let mut pick = HeaderPick::new(opts.header_row);
    let header = loop {
        if !reader
            .read_byte_record(&mut rec)
            .map_err(|e| ImportError::Format(e.to_string()))?
        {
            pick.end()?;
            break first.ok_or(ImportError::Empty)?;
        }
        let line = record_line(reader.position(), &rec);
        let filled = rec.iter().filter(|c| !c.trim_ascii().is_empty()).count();
        match pick.offer(line, filled)? {
            Offer::Header => break rec.clone(),
            Offer::Title => {
                first.get_or_insert_with(|| rec.clone());
            }
            Offer::Before => {}
        }
    };
    let headers = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect::<Vec<_>>();
    if headers.iter().all(String::is_empty) {
        return Err(ImportError::Empty);
    }
    Ok((
        headers,
        Rows::Csv(
            Box::new(reader),
            csv::ByteRecord::new(),
            delimiter,
            opts.stop.clone(),
            0,
        ),
    ))
}

/// The line a CSV record starts on. The csv crate gives the line where it began to look for
/// the record, before any blank lines it passed over; the line it stopped on, less the record's
/// own lines, is the record's.
fn record_line(after: &csv::Position, rec: &csv::ByteRecord) -> u64 {
    let from = rec.position().map_or(0, |p| p.line());
    // The usual case: one line, no blank lines before it.
    if after.line() <= from + 1 {
        return from;
    }
    let bytes = rec.as_slice();
    let inner = if bytes.contains(&b'\n') {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        0
    };
    after.line().saturating_sub(inner + 1).max(from)
}

/// How many leading rows with at most one filled cell are passed over as titles.
const TITLE_ROWS: u32 = 20;

/// How many bytes of a CSV file are looked at to recognise its delimiter.
const SNIFF: usize = 64 * 1024;

/// The delimiter of CSV text, from its first lines: of `,`, `;` and tab (outside quotes), the
/// one that appears the same positive number of times on the most lines; a comma when none
/// does better.
fn sniff(prefix: &[u8]) -> u8 {
    let mut lines: Vec<&[u8]> = prefix
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .take(21)
        .collect();
    // A line cut off by the end of the sample does not count.
    if prefix.len() >= SNIFF && lines.len() > 1 {
        lines.pop();
    }
    lines.truncate(20);
    let mut best = ((0usize, 0usize), b',');
    for d in [b',', b';', b'\t'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| {
                let mut quoted = false;
                l.iter()
                    .filter(|&&b| {
                        if b == b'"' {
                            quoted = !quoted;
                        }
                        b == d && !quoted
                    })
                    .count()
            })
            .collect();
        for &c in counts.iter().filter(|&&c| c > 0) {
            let lines_with = counts.iter().filter(|&&x| x == c).count();
            if (lines_with, c) > best.0 {
                best = ((lines_with, c), d);
            }
        }
    }
    best.1
}

/// The delimiter's name in messages.
fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "a tab".into(),
        d => format!("`{}`", char::from(d)),
    }
}

/// Checks a CSV row before its cells are read: no value beyond the header's columns (an
/// unquoted `$1,234.56` is two values), no value running over several lines in a column that
/// is read or over what looks like further rows (a quote not closed), and text in UTF-8 in the
/// columns that are read.
#[inline]
fn check_row(
    row: &Row<'_>,
    line: u64,
    headers: &[String],
    cols: &[Option<usize>],
    fields: &[Field],
) -> Result<(), RowProblem> {
    let Row::Csv(rec, delimiter) = *row else {
        return Ok(());
    };
    let bytes = rec.as_slice();
    let field_of = |i: usize| -> (&'static str, String) {
        match cols.iter().position(|c| *c == Some(i)) {
            Some(fi) => (fields[fi].name, headers.get(i).cloned().unwrap_or_default()),
            None => ("row", String::new()),
        }
    };
    if bytes.contains(&b'\n') {
        let last_read = cols.iter().flatten().max().copied().unwrap_or(0);
        let mut at = line;
        for (i, v) in rec.iter().enumerate() {
            let inner = v.trim_ascii_end();
            let breaks = inner.iter().filter(|&&b| b == b'\n').count() as u64;
            let swallowed = inner.split(|&b| b == b'\n').skip(1).any(|l| {
                last_read > 0 && l.iter().filter(|&&b| b == delimiter).count() >= last_read
            });
            let read = cols.contains(&Some(i));
            if breaks > 0 && (read || swallowed) {
                let (field, header) = field_of(i);
                return Err(RowProblem {
                    line: at,
                    column: i + 1,
                    field,
                    header,
                    expected: "a value on one line".into(),
                    found: format!(
                        "a quoted value running from line {at} to line {}: is a quote not closed?",
                        at + breaks.max(1)
                    ),
                });
            }
            at += v.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    if rec.len() > headers.len()
        && let Some(extra) = (headers.len()..rec.len())
            .find(|&i| rec.get(i).is_some_and(|v| !v.trim_ascii().is_empty()))
    {
        let values = (0..rec.len())
            .rev()
            .find(|&i| rec.get(i).is_some_and(|v| !v.trim_ascii().is_empty()))
            .map_or(0, |i| i + 1);
        return Err(RowProblem {
            line,
            column: extra + 1,
            field: "row",
            header: String::new(),
            expected: format!(
                "at most {} values, one for each column of the header (a value containing {} must be quoted, e.g. \"$1,234.56\")",
                headers.len(),
                delimiter_name(delimiter)
            ),
            found: format!(
                "{values} values; column {} holds \"{}\"",
                extra + 1,
                rec.get(extra)
                    .unwrap_or_default()
                    .trim_ascii()
                    .escape_ascii()
            ),
        });
    }
    if !bytes.is_ascii() {
        for (fi, c) in cols.iter().enumerate() {
            let Some(v) = c.and_then(|c| rec.get(c)) else {
                continue;
            };
            if std::str::from_utf8(v).is_err() {
                let c = c.unwrap_or(0);
                return Err(RowProblem {
                    line,
                    column: c + 1,
                    field: fields[fi].name,
                    header: headers.get(c).cloned().unwrap_or_default(),
                    expected: "text in UTF-8 (save the file as \"CSV UTF-8\")".into(),
                    found: format!("\"{}\"", v.trim_ascii().escape_ascii()),
                });
            }
        }
    }
    Ok(())
}

/// A worksheet's header and rows as text (dates as ISO), or a rows file's ([`sheet::to_rows`]).
/// A thread of its own reads the sheet ([`sheet::send_sheet`], within its limits) and hands the
/// rows over a bounded channel, so that a large sheet is never held whole: XLSX is read cell by
/// cell (calamine keeps only the shared strings), XLS and ODS a sheet at a time. Line numbers
/// are the sheet's own row numbers.
fn sheet_rows(path: &Path, opts: &Options) -> Result<(Vec<String>, Rows), ImportError> {
    // Rows in flight: a row is at most 16,384 cells, so this bounds what waits in the channel.
    let (tx, rx) = sync_channel::<SheetRow>(256);
    let (path, sheet, stop) = (path.to_path_buf(), opts.sheet.clone(), opts.stop.clone());
    std::thread::spawn(move || {
        reading_thread(&tx, || {
            sheet::send_sheet(&path, sheet.as_deref(), &stop, &tx)
        })
    });
    let mut first = None;
    let mut pick = HeaderPick::new(opts.header_row);
    loop {
        let (line, cells) = match rx.recv() {
            Ok(Ok((0, _))) | Err(_) => {
                pick.end()?;
                // Only title rows: the first is the header (and has too few columns).
                let (line, headers) = first.ok_or(ImportError::Empty)?;
                let (tx, done) = sync_channel::<SheetRow>(1);
                let _ = tx.send(Ok((0, Vec::new())));
                return Ok((headers, Rows::Sheet(done, Vec::new(), line)));
            }
            Ok(Ok(row)) => row,
            Ok(Err(e)) => return Err(e),
        };
        let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
        match pick.offer(line, filled)? {
            Offer::Header => return Ok((cells, Rows::Sheet(rx, Vec::new(), line))),
            Offer::Title => {
                first.get_or_insert((line, cells));
            }
            Offer::Before => {}
        }
    }
}

/// Which row is the header, for CSV and sheets alike: the line `--header-row` names, or else
/// the first row with two filled cells after at most [`TITLE_ROWS`] title rows.
struct HeaderPick {
    want: Option<u64>,
    seen: u32,
}

/// What a row is to [`HeaderPick`].
enum Offer {
    /// Before the line asked for.
    Before,
    /// A title row (the header if only titles follow).
    Title,
    /// The header.
    Header,
}

impl HeaderPick {
    fn new(want: Option<u64>) -> HeaderPick {
        HeaderPick { want, seen: 0 }
    }

    /// A row on `line` with `filled` non-empty cells.
    fn offer(&mut self, line: u64, filled: usize) -> Result<Offer, ImportError> {
        match self.want {
            Some(want) if line < want => Ok(Offer::Before),
            Some(want) if line > want => Err(ImportError::NoHeaderRow {
                line: want,
                next: Some(line),
            }),
            Some(_) => Ok(Offer::Header),
            None => {
                self.seen += 1;
                Ok(if filled >= 2 || self.seen > TITLE_ROWS {
                    Offer::Header
                } else {
                    Offer::Title
                })
            }
        }
    }

    /// The rows ended before a header: an error when a line was asked for.
    fn end(&self) -> Result<(), ImportError> {
        match self.want {
            Some(line) => Err(ImportError::NoHeaderRow { line, next: None }),
            None => Ok(()),
        }
    }
}

/// A worksheet row with its line number, or why the sheet cannot be read. The reading thread
/// ends with `Ok((0, []))` (line 0 is no line): a channel closed without it is a thread that
/// stopped half-way, an error, never the end of the rows.
pub(crate) type SheetRow = Result<(u64, Vec<String>), ImportError>;

/// Runs the reading of a sheet, sending its error, or the end of the rows, or the panic it
/// stopped on as an error.
fn reading_thread(tx: &SyncSender<SheetRow>, read: impl FnOnce() -> Result<(), ImportError>) {
    let end = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(Ok(())) => Ok((0, Vec::new())),
        Ok(Err(e)) => Err(e),
        Err(p) => Err(ImportError::Format(format!(
            "the sheet could not be read ({}); nothing was imported",
            panic_text(p.as_ref())
        ))),
    };
    let _ = tx.send(end);
}

/// The header row of a file.
pub fn headers(path: &Path, opts: &Options) -> Result<Vec<String>, ImportError> {
    open(path, opts).map(|(h, _)| h)
}

/// A file's header and first rows, each with its line number.
pub type Sample = (Vec<String>, Vec<(u64, Vec<String>)>);

/// The header row of a file and its first `n` rows as read (line number and cells, trimmed),
/// for a preview: the same reading of delimiter, title rows and sheet as an import.
pub fn sample(path: &Path, opts: &Options, n: usize) -> Result<Sample, ImportError> {
    let (headers, mut rows) = open(path, opts)?;
    let mut out = Vec::new();
    while out.len() < n {
        let Some((line, row)) = rows.next()? else {
            break;
        };
        if row.is_blank() {
            continue;
        }
        let width = match &row {
            Row::Csv(r, _) => r.len(),
            Row::Cells(c) => c.len(),
        };
        let cells = (0..width)
            .map(|i| row.get(i).unwrap_or("").to_string())
            .collect();
        out.push((line, cells));
    }
    Ok((headers, out))
}

/// Which column holds each field: `None` for an absent optional field.
fn columns(
    kind: Kind,
    headers: &[String],
    opts: &Options,
) -> Result<Vec<Option<usize>>, ImportError> {
    let fields = kind.fields();
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut out: Vec<Option<usize>> = vec![None; fields.len()];
    for (field, header) in &opts.map {
        let Some(fi) = fields.iter().position(|x| x.name == field) else {
            return Err(ImportError::BadMap(format!(
                "--map {field}=...: {} data has no field `{field}`; its fields are {}",
                kind.name(),
                fields
                    .iter()
                    .map(|x| format!("`{}`", x.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let want = normalise(header);
        let Some(col) = norm.iter().position(|h| *h == want) else {
            return Err(ImportError::BadMap(format!(
                "--map {field}={header}: no column {header:?}; the columns are {}",
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        out[fi] = Some(col);
    }
    // Synonyms in order of preference; a column is used once.
    for (fi, field) in fields.iter().enumerate() {
        if out[fi].is_some() {
            continue;
        }
        for syn in field.synonyms {
            if let Some(col) = norm
                .iter()
                .position(|h| h == syn)
                .filter(|c| !out.contains(&Some(*c)))
            {
                out[fi] = Some(col);
                break;
            }
        }
    }
    let missing: Vec<&'static str> = fields
        .iter()
        .zip(&out)
        .filter(|(f, c)| f.required && c.is_none())
        .map(|(f, _)| f.name)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns {
            missing,
            headers: headers.to_vec(),
            kind,
        });
    }
    Ok(out)
}

/// Settles the day/month order of each date column from the whole file, when the options
/// do not; refuses when the file cannot tell.
fn date_order(
    path: &Path,
    kind: Kind,
    cols: &[Option<usize>],
    headers: &[String],
    opts: &Options,
) -> Result<Option<DateOrder>, ImportError> {
    if opts.date_order.is_some() {
        return Ok(opts.date_order);
    }
    let date_cols: Vec<usize> = kind
        .fields()
        .iter()
        .zip(cols)
        .filter(|(f, _)| f.expected == DATE)
        .filter_map(|(_, c)| *c)
        .collect();
    if path.as_os_str() == "-" {
        return Ok(None);
    }
    let (_, mut rows) = open(path, opts)?;
    let (mut dm, mut md) = (false, false);
    let mut ambiguous: Vec<String> = Vec::new();
    let mut column = None;
    // Scan until a date settles the order; stop early when the first 10,000 rows hold no
    // numeric day/month date at all (ISO files cost one short look).
    let mut plain = 0u32;
    while let Some((_, row)) = rows.next()? {
        let mut any = false;
        for &c in &date_cols {
            let Some(v) = row.get(c) else { continue };
            match parse::evidence(v) {
                parse::Evidence::None => {}
                parse::Evidence::DayMonth => dm = true,
                parse::Evidence::MonthDay => md = true,
                parse::Evidence::Ambiguous => {
                    any = true;
                    if ambiguous.len() < 3 {
                        ambiguous.push(v.to_string());
                        column = Some(c);
                    }
                }
            }
        }
        if dm || md {
            break;
        }
        if !any && ambiguous.is_empty() {
            plain += 1;
            if plain >= 10_000 {
                break;
            }
        }
    }
    match (dm, md) {
        (true, false) => Ok(Some(DateOrder::DayMonth)),
        (false, true) => Ok(Some(DateOrder::MonthDay)),
        _ if ambiguous.is_empty() => Ok(None),
        _ => Err(ImportError::AmbiguousDates {
            header: column
                .and_then(|c| headers.get(c))
                .cloned()
                .unwrap_or_default(),
            examples: ambiguous,
        }),
    }
}

/// One order row: day, amount, customer and channel, or the row's first problem.
fn parse_order<'r>(
    row: &Row<'r>,
    line: u64,
    cols: &[Option<usize>],
    headers: &[String],
    order: Option<DateOrder>,
    opts: &Options,
) -> Result<(i32, f64, &'r str, Option<&'r str>), RowProblem> {
    let fields = Kind::Orders.fields();
    let cell = |fi: usize| -> &'r str { cols[fi].and_then(|c| row.get(c)).unwrap_or("") };
    let problem = |fi: usize, found: String| RowProblem {
        line,
        column: cols[fi].map_or(0, |c| c + 1),
        field: fields[fi].name,
        header: cols[fi].map_or(String::new(), |c| headers[c].clone()),
        expected: fields[fi].expected.to_string(),
        found,
    };
    let (day, _) = parse::datetime(cell(0), order).map_err(|f| problem(0, f))?;
    let customer = cell(1);
    if customer.is_empty() {
        return Err(problem(1, "an empty cell".into()));
    }
    let amount = parse::money(cell(2), opts.decimal_comma).map_err(|f| problem(2, f))?;
    let channel = Some(cell(3)).filter(|c| cols[3].is_some() && !c.is_empty());
    Ok((day, amount, customer, channel))
}

/// Orders parsed by the reading thread, for the accumulating threads.
#[derive(Default)]
struct Batch {
    days: Vec<i32>,
    amounts: Vec<f64>,
    channels: Vec<Option<u32>>,
    shard: Vec<u8>,
    names: Vec<u8>,
    ends: Vec<u32>,
}

/// Imports an orders file straight into monthly (weekly, quarterly) accumulators. A CSV file is
/// read on one thread while two others intern customers and accumulate, each owning the
/// customers whose name hashes to it; an XLSX file goes through [`read`]. All or nothing
/// unless skipping bad rows, as [`read`].
pub fn read_orders(
    path: &Path,
    opts: &Options,
    g: sextant_metrics::calendar::Granularity,
    channels: &mut Names,
    mut progress: impl FnMut(u64),
) -> Result<(sextant_metrics::catalogue::OrderMetrics, Report), ImportError> {
    use std::hash::BuildHasher;

    use sextant_metrics::catalogue::OrderMetrics;
    use sextant_metrics::records::FxBuild;

    let (headers, mut rows) = open(path, opts)?;
    let cols = columns(Kind::Orders, &headers, opts)?;
    let order = date_order(path, Kind::Orders, &cols, &headers, opts)?;
    let mut report = Report {
        columns: Kind::Orders
            .fields()
            .iter()
            .zip(&cols)
            .filter_map(|(f, c)| c.map(|c| (f.name.to_string(), headers[c].clone())))
            .collect(),
        ..Report::default()
    };
    if matches!(rows, Rows::Sheet(..)) {
        let mut om = OrderMetrics::new(g);
        let mut customers = Names::default();
        let mut names = Interners {
            customers: Some(&mut customers),
            channels: Some(channels),
            systems: None,
        };
        let r = read(
            path,
            Kind::Orders,
            opts,
            &mut names,
            |r| {
                if let Record::Order(o) = r {
                    om.add(&o);
                }
            },
            progress,
        )?;
        return Ok((om, r));
    }
    const SHARDS: usize = 2;
    const BATCH: usize = 8192;
    let hasher = FxBuild::default();
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut repeats = Repeats::default();
    let results = std::thread::scope(|scope| -> Result<Vec<OrderMetrics>, ImportError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for shard in 0..SHARDS {
            let (tx, rx) = sync_channel::<std::sync::Arc<Batch>>(16);
            senders.push(tx);
            handles.push(scope.spawn(move || {
                let mut om = OrderMetrics::new(g);
                let mut customers = Names::default();
                for b in rx {
                    let mut start = 0usize;
                    for k in 0..b.days.len() {
                        let end = b.ends[k] as usize;
                        if usize::from(b.shard[k]) == shard {
                            let name = std::str::from_utf8(&b.names[start..end]).unwrap_or("");
                            om.add(&Order {
                                day: b.days[k],
                                customer: customers.intern(name),
                                amount: b.amounts[k],
                                channel: b.channels[k],
                            });
                        }
                        start = end;
                    }
                }
                om
            }));
        }
        let mut batch = Batch::default();
        let send = |batch: &mut Batch| {
            let full = std::sync::Arc::new(std::mem::take(batch));
            for tx in &senders {
                let _ = tx.send(full.clone());
            }
        };
        while let Some((line, row)) = rows.next()? {
            if row.is_blank() {
                continue;
            }
            if let Err(p) = check_row(&row, line, &headers, &cols, Kind::Orders.fields()) {
                problems.push(p);
                continue;
            }
            match parse_order(&row, line, &cols, &headers, order, opts) {
                Ok((day, amount, customer, channel)) => {
                    repeats.see(day, &row, line, &mut report);
                    batch.days.push(day);
                    batch.amounts.push(amount);
                    batch.channels.push(channel.map(|c| channels.intern(c)));
                    batch
                        .shard
                        .push((hasher.hash_one(customer) % SHARDS as u64) as u8);
                    batch.names.extend_from_slice(customer.as_bytes());
                    batch.ends.push(batch.names.len() as u32);
                    report.rows += 1;
                    if batch.days.len() == BATCH {
                        send(&mut batch);
                        progress(report.rows);
                    }
                }
                Err(p) => problems.push(p),
            }
        }
        send(&mut batch);
        drop(senders);
        join_all(handles)
    })?;
    progress(report.rows);
    if !problems.is_empty() {
        if opts.skip_bad_rows {
            report.skipped = problems;
        } else {
            return Err(ImportError::BadRows(problems));
        }
    }
    let mut shards = results.into_iter();
    let mut om = shards.next().unwrap_or_else(|| OrderMetrics::new(g));
    for other in shards {
        om.absorb(other);
    }
    Ok((om, report))
}

/// The results of the accumulating threads, all of them or an error: a thread that panicked
/// would otherwise leave out the customers it owned.
fn join_all<T>(handles: Vec<std::thread::ScopedJoinHandle<'_, T>>) -> Result<Vec<T>, ImportError> {
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.join().map_err(|e| {
            ImportError::Format(format!(
                "the import failed inside ({}); nothing was imported",
                panic_text(e.as_ref())
            ))
        })?);
    }
    Ok(out)
}

/// The message of a panic.
fn panic_text(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a thread stopped".into())
}

/// Reads one file of the given kind, handing each good record to `sink`. With
/// `skip_bad_rows` off, any bad row makes the whole import fail (the caller must then drop
/// what the sink received); every bad row is reported either way.
pub fn read(
    path: &Path,
    kind: Kind,
    opts: &Options,
    names: &mut Interners,
    mut sink: impl FnMut(Record),
    mut progress: impl FnMut(u64),
) -> Result<Report, ImportError> {
    let (headers, mut rows) = open(path, opts)?;
    let cols = columns(kind, &headers, opts)?;
    let order = date_order(path, kind, &cols, &headers, opts)?;
    let fields = kind.fields();
    let mut report = Report {
        columns: fields
            .iter()
            .zip(&cols)
            .filter_map(|(f, c)| c.map(|c| (f.name.to_string(), headers[c].clone())))
            .collect(),
        ..Report::default()
    };
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut scratch = Names::default();
    let mut repeats = Repeats::default();
    while let Some((line, row)) = rows.next()? {
        if row.is_blank() {
            continue;
        }
        if let Err(p) = check_row(&row, line, &headers, &cols, fields) {
            problems.push(p);
            continue;
        }
        let mut bad: Option<RowProblem> = None;
        let cell = |fi: usize| -> Option<&str> { cols[fi].map(|c| row.get(c).unwrap_or("")) };
        let problem = |fi: usize, found: String| RowProblem {
            line,
            column: cols[fi].map_or(0, |c| c + 1),
            field: fields[fi].name,
            header: cols[fi].map_or(String::new(), |c| headers[c].clone()),
            expected: fields[fi].expected.to_string(),
            found,
        };
        macro_rules! get {
            ($fi:expr, $parse:expr) => {
                match cell($fi).map($parse) {
                    Some(Ok(v)) => Some(v),
                    Some(Err(found)) => {
                        bad.get_or_insert(problem($fi, found));
                        None
                    }
                    None => None,
                }
            };
        }
        let date = |s: &str| parse::datetime(s, order);
        let money = |s: &str| parse::money(s, opts.decimal_comma);
        let record = match kind {
            Kind::Orders => match parse_order(&row, line, &cols, &headers, order, opts) {
                Ok((day, amount, c, channel)) => {
                    repeats.see(day, &row, line, &mut report);
                    Some(Record::Order(Order {
                        day,
                        customer: names
                            .customers
                            .as_deref_mut()
                            .unwrap_or(&mut scratch)
                            .intern(c),
                        amount,
                        channel: channel.map(|ch| {
                            names
                                .channels
                                .as_deref_mut()
                                .unwrap_or(&mut scratch)
                                .intern(ch)
                        }),
                    }))
                }
                Err(p) => {
                    bad = Some(p);
                    None
                }
            },
            Kind::Marketing => {
                let day = get!(0, date);
                let amount = get!(1, money);
                let channel = cell(2).map(str::trim).filter(|c| !c.is_empty());
                match (day, amount) {
                    (Some((day, _)), Some(amount)) => Some(Record::Spend(Spend {
                        day,
                        amount,
                        channel: channel.map(|ch| {
                            names
                                .channels
                                .as_deref_mut()
                                .unwrap_or(&mut scratch)
                                .intern(ch)
                        }),
                    })),
                    _ => None,
                }
            }
            Kind::Sessions => {
                let day = get!(0, date);
                let sessions = get!(1, parse::number);
                let conversions = if cell(2).is_some_and(|c| !c.trim().is_empty()) {
                    get!(2, parse::number)
                } else {
                    Some(0.0)
                };
                let channel = cell(3).map(str::trim).filter(|c| !c.is_empty());
                match (day, sessions, conversions) {
                    (Some((day, _)), Some(sessions), Some(conversions)) => {
                        Some(Record::Traffic(Traffic {
                            day,
                            sessions,
                            conversions,
                            channel: channel.map(|ch| {
                                names
                                    .channels
                                    .as_deref_mut()
                                    .unwrap_or(&mut scratch)
                                    .intern(ch)
                            }),
                        }))
                    }
                    _ => None,
                }
            }
            Kind::Incidents => {
                let start = get!(0, date);
                let end = if cell(1).is_some_and(|c| !c.trim().is_empty()) {
                    get!(1, date).map(Some)
                } else {
                    Some(None)
                };
                let kind_text = cell(2).map(|s| s.trim().to_ascii_lowercase());
                let security = match kind_text.as_deref() {
                    None | Some("") => Some(false),
                    Some(t)
                        if t.contains("secur")
                            || t.contains("breach")
                            || t.contains("phish")
                            || t.contains("malware") =>
                    {
                        Some(true)
                    }
                    Some(t) => match parse::yes_no(t) {
                        Ok(b) => Some(b),
                        Err(_) => Some(false),
                    },
                };
                let outage = match cell(3) {
                    Some(s) if !s.trim().is_empty() => get!(3, parse::yes_no),
                    // Without an outage column, every incident that is not a security
                    // incident (or is typed as an outage) counts as one.
                    _ => Some(
                        kind_text
                            .as_deref()
                            .is_some_and(|t| t.contains("outage") || t.contains("down"))
                            || security == Some(false),
                    ),
                };
                let system = cell(4).map(str::trim).filter(|c| !c.is_empty());
                let minute =
                    |(d, m): (i32, Option<u32>)| i64::from(d) * 1440 + i64::from(m.unwrap_or(0));
                match (start, end, security, outage) {
                    (Some(s), Some(e), Some(security), Some(outage)) => {
                        let (s, e) = (minute(s), e.map(minute));
                        if e.is_some_and(|e| e < s) {
                            bad.get_or_insert(problem(
                                1,
                                format!("{:?}, before the start", cell(1).unwrap_or("")),
                            ));
                            None
                        } else {
                            Some(Record::Incident(Incident {
                                start: s,
                                end: e,
                                security,
                                outage,
                                system: system.map(|x| {
                                    names
                                        .systems
                                        .as_deref_mut()
                                        .unwrap_or(&mut scratch)
                                        .intern(x)
                                }),
                            }))
                        }
                    }
                    _ => None,
                }
            }
            Kind::Surveys => {
                let day = get!(0, date);
                let score = get!(1, parse::number);
                let survey = match cell(2).map(|s| s.trim().to_ascii_lowercase()) {
                    Some(t) if t.contains("enps") || t.contains("employee") => Some(Survey::Enps),
                    Some(t) if t.contains("nps") || t.contains("recommend") => Some(Survey::Nps),
                    Some(t) if t.contains("csat") || t.contains("satisf") => Some(Survey::Csat),
                    Some(t) if !t.is_empty() => {
                        bad.get_or_insert(problem(2, format!("{t:?}")));
                        None
                    }
                    _ => opts.survey.or_else(|| {
                        bad.get_or_insert(RowProblem {
                            expected: "a `survey` column, or --survey csat|nps|enps".into(),
                            ..problem(1, "answers without a survey".into())
                        });
                        None
                    }),
                };
                match (day, score, survey) {
                    (Some((day, _)), Some(score), Some(survey)) => {
                        let max = if survey == Survey::Csat { 5.0 } else { 10.0 };
                        let min = if survey == Survey::Csat { 1.0 } else { 0.0 };
                        if score < min || score > max {
                            bad.get_or_insert(RowProblem {
                                expected: format!("a score from {min} to {max}"),
                                ..problem(1, score.to_string())
                            });
                            None
                        } else {
                            Some(Record::Answer(Answer { day, survey, score }))
                        }
                    }
                    _ => None,
                }
            }
            Kind::Usage => {
                let day = get!(0, date);
                let system = get!(1, |s: &str| Some(s.trim())
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| "an empty cell".to_string()));
                let active = get!(2, parse::number);
                let licensed = get!(3, parse::number);
                match (day, system, active, licensed) {
                    (Some((day, _)), Some(sys), Some(active), Some(licensed)) => {
                        Some(Record::Usage(Usage {
                            day,
                            system: names
                                .systems
                                .as_deref_mut()
                                .unwrap_or(&mut scratch)
                                .intern(sys),
                            active,
                            licensed,
                        }))
                    }
                    _ => None,
                }
            }
            Kind::Processes => {
                let name = get!(0, |s: &str| Some(s.trim())
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| "an empty cell".to_string()));
                let automated = get!(1, parse::yes_no);
                let optional_money = |fi: usize| cell(fi).filter(|c| !c.trim().is_empty());
                let baseline_cost = match optional_money(2) {
                    Some(_) => get!(2, money).map(Some),
                    None => Some(None),
                };
                let cost = match optional_money(3) {
                    Some(_) => get!(3, money).map(Some),
                    None => Some(None),
                };
                match (name, automated, baseline_cost, cost) {
                    (Some(n), Some(automated), Some(baseline_cost), Some(cost)) => {
                        Some(Record::Process(Process {
                            name: names
                                .systems
                                .as_deref_mut()
                                .unwrap_or(&mut scratch)
                                .intern(n),
                            automated,
                            baseline_cost,
                            cost,
                        }))
                    }
                    _ => None,
                }
            }
        };
        match (bad, record) {
            (None, Some(r)) => {
                report.rows += 1;
                sink(r);
            }
            (Some(p), _) => problems.push(p),
            (None, None) => {}
        }
        if report.rows.is_multiple_of(65_536) {
            progress(report.rows);
        }
    }
    progress(report.rows);
    if !problems.is_empty() {
        if opts.skip_bad_rows {
            report.skipped = problems;
        } else {
            return Err(ImportError::BadRows(problems));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_accumulator_is_an_error_not_half_the_customers() {
        let r = std::thread::scope(|s| {
            let handles = vec![
                s.spawn(|| 1),
                s.spawn(|| -> i32 { panic!("shard 2 broke") }),
            ];
            join_all(handles)
        });
        assert_eq!(
            r,
            Err(ImportError::Format(
                "the import failed inside (shard 2 broke); nothing was imported".into()
            ))
        );
    }

    #[test]
    fn a_sheet_reader_that_panics_is_an_error_not_the_end_of_the_rows() {
        let (tx, rx) = sync_channel::<SheetRow>(8);
        std::thread::spawn(move || {
            reading_thread(&tx, || {
                let _ = tx.send(Ok((1, vec!["date".into(), "customer".into()])));
                let _ = tx.send(Ok((2, vec!["2027-03-01".into(), "C1".into()])));
                panic!("cell 3 broke")
            })
        });
        let Ok(Ok((_, headers))) = rx.recv() else {
            panic!("no header")
        };
        assert_eq!(headers, ["date", "customer"]);
        let mut rows = Rows::Sheet(rx, Vec::new(), 1);
        assert!(matches!(rows.next(), Ok(Some((2, _)))));
        assert_eq!(
            rows.next().err(),
            Some(ImportError::Format(
                "the sheet could not be read (cell 3 broke); nothing was imported".into()
            ))
        );
        // A thread gone without a word is no end either.
        let (tx, rx) = sync_channel::<SheetRow>(8);
        drop(tx);
        let mut rows = Rows::Sheet(rx, Vec::new(), 1);
        assert_eq!(
            rows.next().err(),
            Some(ImportError::Format(
                "the sheet's reading stopped half-way; nothing was imported".into()
            ))
        );
    }

    #[test]
    fn the_delimiter_is_the_one_every_line_agrees_on() {
        assert_eq!(sniff(b"date,customer,total\n2027-03-01,C1,10\n"), b',');
        assert_eq!(
            sniff(b"date;customer;total\n01.03.2027;C1;1.234,50\n"),
            b';'
        );
        assert_eq!(
            sniff(b"date\tcustomer\ttotal\n2027-03-01\tC1\t\"1,234.50\"\n"),
            b'\t'
        );
        // A title line with a comma above semicolon rows.
        assert_eq!(
            sniff(b"Sales, March\ndate;customer;total\n2027-03-01;C1;10\n2027-03-02;C2;1,5\n"),
            b';'
        );
        // Commas inside quotes do not count; nothing at all is a comma.
        assert_eq!(sniff(b"a;\"x,y,z\"\nb;\"1,2,3\"\n"), b';');
        assert_eq!(sniff(b""), b',');
    }
}
