//! A source as a table: its header and its rows, each with its line number. CSV is streamed
//! with one reused record (its delimiter recognised from the first lines, its header found
//! below title rows); a worksheet, or its rows as read, is read on a thread of its own and
//! handed over row by row through a bounded channel. A CSV row is checked before its cells are
//! read (`check_row`).

use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::{Field, Format, ImportError, Options, RowProblem, Source, Stop, sheet};

/// Rows of a table, from CSV or a worksheet.
pub(crate) enum Rows {
    /// CSV.
    Csv {
        /// The reader.
        reader: Box<csv::Reader<Box<dyn Read + Send>>>,
        /// Its record, reused.
        record: csv::ByteRecord,
        /// The delimiter.
        delimiter: u8,
        /// Whether to stop.
        stop: Stop,
        /// Rows read since `stop` was last looked at.
        unchecked: u32,
    },
    /// A worksheet.
    Sheet {
        /// The rows from the thread reading the sheet.
        rx: Receiver<SheetRow>,
        /// The current row.
        cells: Vec<String>,
        /// Its line number.
        line: u64,
    },
}

/// One row's cells (of CSV, with the delimiter).
pub(crate) enum Row<'a> {
    /// A CSV record, its delimiter, and the record's bytes as text when they are UTF-8 (checked
    /// once a record rather than once a value).
    Csv(&'a csv::ByteRecord, u8, Option<&'a str>),
    Cells(&'a [String]),
}

impl<'a> Row<'a> {
    /// A CSV record read with `delimiter`.
    pub(crate) fn csv(record: &'a csv::ByteRecord, delimiter: u8) -> Row<'a> {
        Row::Csv(
            record,
            delimiter,
            std::str::from_utf8(record.as_slice()).ok(),
        )
    }

    /// A 64-bit hash of every cell, trimmed (what two identical rows share).
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = sextant_metrics::records::FxBuild::default().build_hasher();
        let mut cell = |b: &[u8]| {
            h.write(b.trim_ascii());
            h.write_u8(0xff);
        };
        match self {
            Row::Csv(r, ..) => r.iter().for_each(&mut cell),
            Row::Cells(c) => c.iter().for_each(|s| cell(s.as_bytes())),
        }
        h.finish()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            // The ASCII spaces trimmed as bytes first; `str::trim` then only where a value
            // begins or ends with another character (a no-break space, say).
            Row::Csv(r, _, text) => r.get(i).map(|b| {
                // The value's own bytes of the record's text (values are cut at ASCII bytes, so
                // the text of a UTF-8 record cuts into UTF-8 values).
                let s = match text.and_then(|t| t.get(r.range(i)?)) {
                    Some(t) => t.trim_ascii(),
                    None => {
                        std::str::from_utf8(b.trim_ascii()).unwrap_or("(text that is not UTF-8)")
                    }
                };
                match (s.as_bytes().first(), s.as_bytes().last()) {
                    (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
                    _ => s.trim(),
                }
            }),
            Row::Cells(c) => c.get(i).map(|s| s.trim()),
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        match self {
            // The values' bytes side by side: all spaces when each value is.
            Row::Csv(r, ..) => r.as_slice().trim_ascii().is_empty(),
            Row::Cells(c) => c.iter().all(|c| c.trim().is_empty()),
        }
    }
}

impl Rows {
    /// The rows a sheet's reading thread sends on `rx`, the header having been read on `line`.
    pub(crate) fn sheet(rx: Receiver<SheetRow>, line: u64) -> Rows {
        Rows::Sheet {
            rx,
            cells: Vec::new(),
            line,
        }
    }

    /// Where the rows of CSV text begin: the byte offset after the header, the line there,
    /// and the delimiter. `None` for a worksheet.
    pub(crate) fn csv_body(&self) -> Option<(u64, u64, u8)> {
        match self {
            Rows::Csv {
                reader, delimiter, ..
            } => Some((
                reader.position().byte(),
                reader.position().line(),
                *delimiter,
            )),
            Rows::Sheet { .. } => None,
        }
    }

    /// The next row, with its line number.
    pub(crate) fn next(&mut self) -> Result<Option<(u64, Row<'_>)>, ImportError> {
        match self {
            Rows::Csv {
                reader,
                record,
                delimiter,
                stop,
                unchecked,
            } => {
                *unchecked += 1;
                if *unchecked >= 4096 {
                    *unchecked = 0;
                    if stop.stopped() {
                        return Err(ImportError::Stopped);
                    }
                }
                match reader.read_byte_record(record) {
                    Ok(true) => Ok(Some((
                        record_line(reader.position(), record),
                        Row::csv(record, *delimiter),
                    ))),
                    Ok(false) => Ok(None),
                    Err(e) => Err(ImportError::Format(e.to_string())),
                }
            }
            Rows::Sheet { rx, cells, line } => match rx.recv() {
                Ok(Ok((0, _))) => Ok(None),
                Ok(Ok((l, row))) => {
                    *line = l;
                    *cells = row;
                    Ok(Some((*line, Row::Cells(cells))))
                }
                Ok(Err(e)) => Err(e),
                Err(_) => Err(ImportError::Format(
                    "the sheet's reading stopped half-way; nothing was imported".into(),
                )),
            },
        }
    }
}

/// A source's header and its rows after it.
pub(crate) fn open(source: &Source, opts: &Options) -> Result<(Vec<String>, Rows), ImportError> {
    if source.format() != Format::Csv {
        return sheet_rows(source, opts);
    }
    let mut file = source.reader()?;
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
    let mut reader = csv_reader(file, delimiter);
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
        Rows::Csv {
            reader: Box::new(reader),
            record: csv::ByteRecord::new(),
            delimiter,
            stop: opts.stop.clone(),
            unchecked: 0,
        },
    ))
}

/// A CSV reader of records as the import reads them: any number of fields, no header (the
/// header is found by [`open`]), the given delimiter. The rows after the header are read the
/// same way whether the file is read whole or cut into blocks ([`crate::blocks`]).
pub(crate) fn csv_reader<R: Read>(from: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(from)
}

/// The line a CSV record starts on. The csv crate gives the line where it began to look for
/// the record, before any blank lines it passed over; the line it stopped on, less the record's
/// own lines, is the record's.
pub(crate) fn record_line(after: &csv::Position, rec: &csv::ByteRecord) -> u64 {
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
pub(crate) fn check_row(
    row: &Row<'_>,
    line: u64,
    headers: &[String],
    cols: &[Option<usize>],
    fields: &[Field],
) -> Result<(), RowProblem> {
    let Row::Csv(rec, delimiter, text) = *row else {
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
    // A record whose bytes are UTF-8 has values in UTF-8 (they are cut at ASCII bytes).
    if text.is_none() {
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

/// A worksheet's header and rows as text (dates as ISO), or its rows as read ([`sheet::rows`]).
/// A thread of its own reads the sheet ([`sheet::send_sheet`], within its limits) and hands the
/// rows over a bounded channel, so that a large sheet is never held whole: XLSX is read cell by
/// cell (calamine keeps only the shared strings), XLS and ODS a sheet at a time. Line numbers
/// are the sheet's own row numbers.
fn sheet_rows(source: &Source, opts: &Options) -> Result<(Vec<String>, Rows), ImportError> {
    // Rows in flight: a row is at most 16,384 cells, so this bounds what waits in the channel.
    let (tx, rx) = sync_channel::<SheetRow>(256);
    let (source, sheet, stop) = (source.clone(), opts.sheet.clone(), opts.stop.clone());
    std::thread::spawn(move || {
        reading_thread(&tx, || {
            sheet::send_sheet(&source, sheet.as_deref(), &stop, &tx)
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
                return Ok((headers, Rows::sheet(done, line)));
            }
            Ok(Ok(row)) => row,
            Ok(Err(e)) => return Err(e),
        };
        let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
        match pick.offer(line, filled)? {
            Offer::Header => return Ok((cells, Rows::sheet(rx, line))),
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
pub(crate) fn reading_thread(
    tx: &SyncSender<SheetRow>,
    read: impl FnOnce() -> Result<(), ImportError>,
) {
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

/// The header row of a source (a path, or [`Source`]).
pub fn headers(source: impl Into<Source>, opts: &Options) -> Result<Vec<String>, ImportError> {
    open(&source.into(), opts).map(|(h, _)| h)
}

/// A file's header and first rows, each with its line number.
pub type Sample = (Vec<String>, Vec<(u64, Vec<String>)>);

/// The header row of a source and its first `n` rows as read (line number and cells, trimmed),
/// for a preview: the same reading of delimiter, title rows and sheet as an import.
pub fn sample(source: impl Into<Source>, opts: &Options, n: usize) -> Result<Sample, ImportError> {
    let (headers, mut rows) = open(&source.into(), opts)?;
    let mut out = Vec::new();
    while out.len() < n {
        let Some((line, row)) = rows.next()? else {
            break;
        };
        if row.is_blank() {
            continue;
        }
        let width = match &row {
            Row::Csv(r, ..) => r.len(),
            Row::Cells(c) => c.len(),
        };
        let cells = (0..width)
            .map(|i| row.get(i).unwrap_or("").to_string())
            .collect();
        out.push((line, cells));
    }
    Ok((headers, out))
}

/// The message of a panic.
pub(crate) fn panic_text(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a thread stopped".into())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut rows = Rows::sheet(rx, 1);
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
        let mut rows = Rows::sheet(rx, 1);
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
