//! Worksheets (XLSX, XLSM, XLS, ODS) read within limits, stoppable, and kept as read.
//!
//! A workbook is a zip of XML: 2.8 MB of XLSX unpacked to 840 MB of sheet XML took a minute of
//! CPU, and ODS's repeat attributes (`number-rows-repeated`) make a few bytes stand for a
//! billion cells. So before a workbook is opened:
//!
//! - the sizes its parts declare are added up and refused past [`MAX_UNPACKED`], then every part
//!   is unpacked and counted (declared sizes can lie: a part that unpacks to more than it
//!   declares is refused at once), checking the stop flag as it goes;
//! - an ODS file's `content.xml` is scanned for what its repeats expand to, as the reader would
//!   expand them, and refused past [`MAX_ROWS`] rows or [`MAX_CELLS`] cells.
//!
//! While a sheet is read, its rows, cells (each row from column A to its last cell) and the
//! text of its cells are counted and refused past [`MAX_ROWS`], [`MAX_CELLS`] and [`MAX_TEXT`],
//! and the stop flag is checked every 1,024 cells; the file is read through a reader that
//! checks it too, inside the spreadsheet library.
//!
//! A sheet's rows as read can be kept ([`rows`] in memory, [`to_rows`] in a file): small CSV
//! text (a file's extension [`ROWS_EXTENSION`]) of each row's line number and cells, which the
//! importer reads exactly as it reads the sheet (the same rows, line numbers and header), at
//! the speed of CSV ([`crate::Source::rows`]). An import reads a file several times (its
//! headers, its dates' order, its rows); a workbook is unpacked once and its rows read from
//! there, and the server keeps them so that it never unpacks a stored workbook again.
//!
//! A workbook is read from any [`Source`]: a file, or bytes in memory (a stored data set).

use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::mpsc::SyncSender;

use bytes::Bytes;

use crate::{Format, ImportError, SheetRow, Source, Stop};

const MIB: u64 = 1024 * 1024;

/// The most a workbook's parts (its XML: worksheets, shared strings, styles) may unpack to, all
/// together: 256 MiB, as much as a CSV upload may be. A sheet of a million orders rows of five
/// columns is about 230 MiB of XML.
pub const MAX_UNPACKED: u64 = 256 * MIB;

/// The most rows a worksheet is read with: 1,048,576, Excel's own limit.
pub const MAX_ROWS: u64 = 1_048_576;

/// The most cells a worksheet is read with, counting each row from column A to its last cell:
/// 20,000,000 (a million rows of twenty columns).
pub const MAX_CELLS: u64 = 20_000_000;

/// The most text a worksheet's cells may hold, all together: 256 MiB (a shared string is
/// counted in every cell that shows it), as much as a CSV upload may be.
pub const MAX_TEXT: u64 = 256 * MIB;

/// The extension of a file of a sheet's rows as read ([`to_rows`]).
pub const ROWS_EXTENSION: &str = "sheetrows";

/// The first record of a rows file, and its version.
const MAGIC: &str = "sextant-sheet-rows";

/// Limits of one reading (the constants above; smaller in tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub unpacked: u64,
    pub rows: u64,
    pub cells: u64,
    pub text: u64,
}

impl Limits {
    pub(crate) const DEFAULT: Limits = Limits {
        unpacked: MAX_UNPACKED,
        rows: MAX_ROWS,
        cells: MAX_CELLS,
        text: MAX_TEXT,
    };
}

/// Whether a path names a workbook, by its extension.
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xls" | "ods"
        )
    })
}

/// Whether a path names a rows file ([`ROWS_EXTENSION`]).
pub fn is_rows_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()) == Some(ROWS_EXTENSION)
}

fn mib(n: u64) -> String {
    if n >= MIB {
        format!("{} MiB", n.div_ceil(MIB))
    } else {
        format!("{n} bytes")
    }
}

fn unpacked_message(limits: &Limits, what: String) -> ImportError {
    ImportError::Limit(format!(
        "the workbook unpacks to {what}, more than the {} a workbook may unpack to; save the sheet as CSV (up to 256 MiB) or split it",
        mib(limits.unpacked)
    ))
}

/// What kind of workbook a file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Book {
    Xlsx,
    Xls,
    Ods,
}

/// A reader that fails once the import is stopped: checked on every read the spreadsheet
/// library makes, so that a stopped import stops inside it too.
struct Watched<R> {
    inner: R,
    stop: Stop,
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.stopped() {
            return Err(std::io::Error::other("the import was stopped"));
        }
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for Watched<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn io(e: std::io::Error) -> ImportError {
    ImportError::Io(e.to_string())
}

/// Checks a workbook before it is opened (see the module's comment): its format.
fn check(source: &Source, limits: &Limits, stop: &Stop) -> Result<Book, ImportError> {
    let mut file = source.seekable()?;
    let mut magic = [0u8; 4];
    let n = file.read(&mut magic).map_err(io)?;
    if n == 4 && magic == [0xD0, 0xCF, 0x11, 0xE0] {
        // An XLS file is not compressed: it is no larger than the upload.
        return Ok(Book::Xls);
    }
    if n < 4 || magic != *b"PK\x03\x04" {
        return Err(ImportError::Format(
            "not an XLSX, XLS or ODS workbook (its first bytes are neither a zip archive's nor an XLS file's)"
                .into(),
        ));
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| ImportError::Format(format!("the workbook cannot be opened: {e}")))?;
    let mut declared: u64 = 0;
    let mut ods = false;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Format(format!("the workbook cannot be opened: {e}")))?;
        declared = declared.saturating_add(part.size());
        ods |= part.name() == "content.xml";
    }
    if declared > limits.unpacked {
        return Err(unpacked_message(
            limits,
            format!("{} (the sizes its parts declare)", mib(declared)),
        ));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| ImportError::Format(format!("the workbook cannot be opened: {e}")))?;
        let (name, size) = (part.name().to_string(), part.size());
        let mut read: u64 = 0;
        loop {
            if stop.stopped() {
                return Err(ImportError::Stopped);
            }
            let n = part
                .read(&mut buf)
                .map_err(|e| ImportError::Format(format!("the workbook's part {name}: {e}")))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            total += n as u64;
            if read > size {
                return Err(ImportError::Limit(format!(
                    "the workbook's part {name} unpacks to more than the {size} bytes it declares: the file is damaged; save it again from the spreadsheet program"
                )));
            }
            if total > limits.unpacked {
                return Err(unpacked_message(limits, "more".into()));
            }
        }
    }
    if ods {
        scan_ods(&mut zip, limits, stop)?;
        return Ok(Book::Ods);
    }
    Ok(Book::Xlsx)
}

/// What an ODS table's rows and cells expand to when the spreadsheet library reads it: the
/// rows from the first with a value to the last (repeats included) times the widest row (up to
/// its last value, repeats included). Every table of the file counts: the library reads them
/// all when it opens the file.
fn scan_ods<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
    stop: &Stop,
) -> Result<(), ImportError> {
    use quick_xml::events::{BytesStart, Event};
    let part = zip
        .by_name("content.xml")
        .map_err(|e| ImportError::Format(format!("the workbook's content.xml: {e}")))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let repeat = |e: &BytesStart<'_>, name: &[u8]| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
            .unwrap_or(1u64)
            .max(1)
    };
    let has_value = |e: &BytesStart<'_>| {
        e.attributes().flatten().any(|a| {
            matches!(
                a.key.as_ref(),
                b"office:value-type" | b"office:value" | b"table:formula"
            )
        })
    };
    let too_many = |rows: u64, cells: u64| -> Result<(), ImportError> {
        if rows > limits.rows {
            return Err(ImportError::Limit(format!(
                "the workbook's tables have more than {} rows (repeated rows counted), the most a sheet is read with; split it, or save it as CSV",
                limits.rows
            )));
        }
        if cells > limits.cells {
            return Err(ImportError::Limit(format!(
                "the workbook's tables have more than {} cells (repeated rows and cells counted, each row from column A to its last cell), the most a sheet is read with; split it, or save it as CSV",
                limits.cells
            )));
        }
        Ok(())
    };
    // Of the tables before: rows and cells; of the table being read: rows so far (repeats
    // expanded), where rows with values start and end, the widest such row; of the row being
    // read: its repeats, its width up to its last value, empty cells not yet followed by a
    // value, and a cell whose content decides whether it has one.
    let (mut rows_before, mut cells_before) = (0u64, 0u64);
    let (mut at, mut first, mut last, mut widest) = (0u64, None::<u64>, 0u64, 0u64);
    let (mut row_repeat, mut width, mut pending) = (1u64, 0u64, 0u64);
    let mut open_cell: Option<u64> = None;
    let mut events = 0u64;
    let mut buf = Vec::new();
    loop {
        events += 1;
        if events.is_multiple_of(4096) && stop.stopped() {
            return Err(ImportError::Stopped);
        }
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Format(format!("the workbook's content.xml: {e}")))?;
        // A row ended (`Some(repeats, width)`).
        let mut ended: Option<(u64, u64)> = None;
        match &event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"table:table" => {
                let span = first.map_or(0, |f| last.saturating_sub(f));
                rows_before = rows_before.saturating_add(span);
                cells_before = cells_before.saturating_add(span.saturating_mul(widest));
                (at, first, last, widest) = (0, None, 0, 0);
            }
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                (row_repeat, width, pending) = (repeat(e, b"table:number-rows-repeated"), 0, 0);
            }
            Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                ended = Some((repeat(e, b"table:number-rows-repeated"), 0));
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                ended = Some((row_repeat, width));
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                let n = repeat(e, b"table:number-columns-repeated");
                if has_value(e) {
                    width = width.saturating_add(pending).saturating_add(n);
                    pending = 0;
                } else if matches!(event, Event::Empty(_)) {
                    pending = pending.saturating_add(n);
                } else {
                    // A cell with content (text): counted as a value at its end.
                    open_cell = Some(n);
                }
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                if let Some(n) = open_cell.take() {
                    width = width.saturating_add(pending).saturating_add(n);
                    pending = 0;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        too_many(0, width)?;
        if let Some((repeats, width)) = ended {
            if width > 0 {
                first.get_or_insert(at);
                last = at.saturating_add(repeats);
                widest = widest.max(width);
            }
            at = at.saturating_add(repeats);
            let span = first.map_or(0, |f| last.saturating_sub(f));
            too_many(
                rows_before.saturating_add(span),
                cells_before.saturating_add(span.saturating_mul(widest)),
            )?;
        }
        buf.clear();
    }
    Ok(())
}

/// The text of a cell, as the importer reads it (dates as ISO).
fn text(c: &calamine::Data) -> String {
    use calamine::Data as Cell;
    match c {
        Cell::Empty => String::new(),
        Cell::String(s) | Cell::DateTimeIso(s) | Cell::DurationIso(s) => s.clone(),
        Cell::Float(f) => format!("{f}"),
        Cell::Int(i) => i.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::DateTime(d) => {
            let (y, m, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if h == 0 && mi == 0 && s == 0 {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Cell::Error(e) => format!("#{e:?}"),
    }
}

/// Counts what a sheet's reading produces against the limits.
struct Counter<'a> {
    sheet: &'a str,
    limits: &'a Limits,
    stop: &'a Stop,
    rows: u64,
    cells: u64,
    text: u64,
    seen: u64,
}

impl Counter<'_> {
    fn over(&self, what: &str, limit: String) -> ImportError {
        ImportError::Limit(format!(
            "worksheet {:?} has more than {limit} {what}, the most a sheet is read with; split it, or save it as CSV",
            self.sheet
        ))
    }

    fn row(&mut self) -> Result<(), ImportError> {
        self.rows += 1;
        if self.rows > self.limits.rows {
            return Err(self.over("rows", self.limits.rows.to_string()));
        }
        Ok(())
    }

    /// `n` more cells (the row grew from column A), holding `text` more bytes.
    fn cells(&mut self, n: u64, text: u64) -> Result<(), ImportError> {
        self.cells = self.cells.saturating_add(n);
        self.text = self.text.saturating_add(text);
        self.seen += 1;
        if self.cells > self.limits.cells {
            return Err(self.over(
                "cells (each row counted from column A to its last cell)",
                self.limits.cells.to_string(),
            ));
        }
        if self.text > self.limits.text {
            return Err(self.over("text in its cells", mib(self.limits.text)));
        }
        if self.seen.is_multiple_of(1024) && self.stop.stopped() {
            return Err(ImportError::Stopped);
        }
        Ok(())
    }
}

/// Reads the rows of a worksheet (`sheet`, or the first) that have any cell, handing each with
/// its line number (the sheet's row number) to `sink`, which returns false to stop early.
pub(crate) fn read_sheet(
    source: &Source,
    sheet: Option<&str>,
    limits: &Limits,
    stop: &Stop,
    sink: &mut dyn FnMut(u64, Vec<String>) -> bool,
) -> Result<(), ImportError> {
    use calamine::{Ods, Reader, Sheets, Xls, Xlsx};
    let format = check(source, limits, stop)?;
    let file = Watched {
        inner: source.seekable()?,
        stop: stop.clone(),
    };
    let failed = |e: &dyn std::fmt::Display| {
        if stop.stopped() {
            ImportError::Stopped
        } else {
            ImportError::Format(e.to_string())
        }
    };
    let mut wb: Sheets<_> = match format {
        Book::Xlsx => Sheets::Xlsx(Xlsx::new(file).map_err(|e| failed(&e))?),
        Book::Xls => Sheets::Xls(Xls::new(file).map_err(|e| failed(&e))?),
        Book::Ods => Sheets::Ods(Ods::new(file).map_err(|e| failed(&e))?),
    };
    let name = match sheet {
        Some(s) => s.to_string(),
        None => wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or(ImportError::Empty)?,
    };
    let bad = |e: &dyn std::fmt::Display| {
        if stop.stopped() {
            ImportError::Stopped
        } else {
            ImportError::Format(format!("worksheet {name:?}: {e}"))
        }
    };
    let mut count = Counter {
        sheet: &name,
        limits,
        stop,
        rows: 0,
        cells: 0,
        text: 0,
        seen: 0,
    };
    match &mut wb {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| bad(&e))?;
            let (mut at, mut row): (Option<u32>, Vec<String>) = (None, Vec::new());
            while let Some(c) = cells.next_cell().map_err(|e| bad(&e))? {
                let (r, col) = c.get_position();
                if at != Some(r) {
                    if let Some(prev) = at
                        && !sink(u64::from(prev) + 1, std::mem::take(&mut row))
                    {
                        return Ok(());
                    }
                    count.row()?;
                    at = Some(r);
                }
                let col = col as usize;
                let t = text(&calamine::Data::from(c.get_value().clone()));
                let grown = (col + 1).saturating_sub(row.len()) as u64;
                count.cells(grown, t.len() as u64)?;
                if row.len() <= col {
                    row.resize(col + 1, String::new());
                }
                row[col] = t;
            }
            if let Some(prev) = at {
                sink(u64::from(prev) + 1, row);
            }
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| bad(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (i, r) in range.rows().enumerate() {
                count.row()?;
                let mut cells = vec![String::new(); c0 as usize];
                for c in r {
                    let t = text(c);
                    count.cells(1, t.len() as u64)?;
                    cells.push(t);
                }
                count.cells(u64::from(c0), 0)?;
                if !sink(u64::from(r0) + i as u64 + 1, cells) {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Sends a worksheet's rows, or its rows as read, to the importer's reading thread (see
/// `crate::rows::sheet_rows`).
pub(crate) fn send_sheet(
    source: &Source,
    sheet: Option<&str>,
    stop: &Stop,
    tx: &SyncSender<SheetRow>,
) -> Result<(), ImportError> {
    if source.format() == Format::Rows {
        return send_rows(source, stop, tx);
    }
    read_sheet(source, sheet, &Limits::DEFAULT, stop, &mut |line, cells| {
        tx.send(Ok((line, cells))).is_ok()
    })
}

/// Writes the rows of a worksheet (`sheet`, or the first) as read to `out`, a rows file
/// ([`ROWS_EXTENSION`]): the sheet is unpacked and read once, within the limits, and the
/// importer reads the rows file exactly as it would have read the sheet. The rows written.
pub fn to_rows(
    path: &Path,
    sheet: Option<&str>,
    out: &Path,
    stop: &Stop,
) -> Result<u64, ImportError> {
    to_rows_within(path, sheet, out, stop, &Limits::DEFAULT)
}

pub(crate) fn to_rows_within(
    source: impl Into<Source>,
    sheet: Option<&str>,
    out: &Path,
    stop: &Stop,
    limits: &Limits,
) -> Result<u64, ImportError> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(out)
        .map_err(io)?;
    let mut w = std::io::BufWriter::new(file);
    let rows = write_rows(&source.into(), sheet, &mut w, stop, limits)?;
    w.flush().map_err(io)?;
    Ok(rows)
}

/// The rows of a workbook's worksheet (`sheet`, or the first) as read, in memory: unpacked and
/// read once, within the limits (its text at most [`MAX_TEXT`]), for
/// [`crate::Source::rows`], which reads them exactly as it would have read the sheet.
pub fn rows(source: &Source, sheet: Option<&str>, stop: &Stop) -> Result<Bytes, ImportError> {
    let mut out = Vec::new();
    write_rows(source, sheet, &mut out, stop, &Limits::DEFAULT)?;
    Ok(Bytes::from(out))
}

/// Writes the rows of a worksheet as read to `out` (see [`to_rows`]); the rows written.
fn write_rows(
    source: &Source,
    sheet: Option<&str>,
    out: impl Write,
    stop: &Stop,
    limits: &Limits,
) -> Result<u64, ImportError> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    w.write_record([MAGIC, "1"]).map_err(|e| io(e.into()))?;
    let mut rows = 0u64;
    let mut failed = None;
    read_sheet(source, sheet, limits, stop, &mut |line, cells| {
        let line = line.to_string();
        let record = std::iter::once(line.as_str()).chain(cells.iter().map(String::as_str));
        match w.write_record(record) {
            Ok(()) => {
                rows += 1;
                true
            }
            Err(e) => {
                failed = Some(io(e.into()));
                false
            }
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    w.flush().map_err(io)?;
    Ok(rows)
}

/// Sends a sheet's rows as read, as [`send_sheet`] sends a sheet's.
fn send_rows(source: &Source, stop: &Stop, tx: &SyncSender<SheetRow>) -> Result<(), ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(source.reader()?);
    let mut rec = csv::StringRecord::new();
    let damaged = || ImportError::Format("the sheet's stored rows are damaged".into());
    if !r.read_record(&mut rec).map_err(|_| damaged())? || rec.get(0) != Some(MAGIC) {
        return Err(damaged());
    }
    let mut n = 0u64;
    while r.read_record(&mut rec).map_err(|_| damaged())? {
        n += 1;
        if n.is_multiple_of(4096) && stop.stopped() {
            return Err(ImportError::Stopped);
        }
        let line: u64 = rec
            .get(0)
            .and_then(|l| l.parse().ok())
            .ok_or_else(damaged)?;
        let cells = rec.iter().skip(1).map(str::to_string).collect();
        if tx.send(Ok((line, cells))).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::PathBuf;

    use super::*;
    use crate::{Interners, Kind, Options};

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("sextant-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// An XLSX file of `rows` (strings) on its first sheet.
    fn xlsx(name: &str, rows: &[Vec<String>]) -> PathBuf {
        let path = dir().join(name);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(x) => ws.write_number(r as u32, c as u16, x).unwrap(),
                    Err(_) => ws.write_string(r as u32, c as u16, v).unwrap(),
                };
            }
        }
        wb.save(&path).unwrap();
        path
    }

    fn orders(n: usize) -> Vec<Vec<String>> {
        let mut rows = vec![
            vec!["Sales".to_string()],
            vec![],
            vec!["date".into(), "customer".into(), "total".into()],
        ];
        for i in 0..n {
            rows.push(vec![
                format!("2027-03-{:02}", i % 28 + 1),
                format!("C{}", i % 7),
                format!("{}.5", i + 1),
            ]);
        }
        rows
    }

    /// Sets the size the central directory declares for `part` (what a crafted file lies about).
    fn declare(path: &Path, part: &str, size: u32) {
        let mut b = std::fs::read(path).unwrap();
        let mut i = 0;
        while let Some(at) = b[i..].windows(4).position(|w| w == b"PK\x01\x02") {
            let h = i + at;
            let n = u16::from_le_bytes([b[h + 28], b[h + 29]]) as usize;
            if &b[h + 46..h + 46 + n] == part.as_bytes() {
                b[h + 24..h + 28].copy_from_slice(&size.to_le_bytes());
            }
            i = h + 4;
        }
        std::fs::write(path, b).unwrap();
    }

    fn refusal(path: &Path, limits: &Limits, stop: &Stop) -> String {
        let out = dir().join("out.sheetrows");
        to_rows_within(path, None, &out, stop, limits)
            .unwrap_err()
            .to_string()
    }

    /// 2.8 MB of XLSX unpacked to 840 MB of XML and took a minute of CPU: the sizes the parts
    /// declare are added up before anything is unpacked.
    #[test]
    fn a_workbook_that_declares_more_than_it_may_unpack_to_is_refused_before_it_is_read() {
        let p = xlsx("declares.xlsx", &orders(3));
        declare(&p, "xl/worksheets/sheet1.xml", 300 * 1024 * 1024);
        let m = refusal(&p, &Limits::DEFAULT, &Stop::default());
        assert!(m.starts_with("the workbook unpacks to 301 MiB (the sizes its parts declare), more than the 256 MiB a workbook may unpack to; save the sheet as CSV (up to 256 MiB) or split it"), "{m}");
    }

    /// Declared sizes can lie: a part that unpacks to more than it declares is refused as soon
    /// as it does, and so is a workbook that unpacks past the limit whatever it declares.
    #[test]
    fn a_part_that_unpacks_to_more_than_it_declares_is_refused() {
        let p = xlsx("lies.xlsx", &orders(3));
        declare(&p, "xl/worksheets/sheet1.xml", 10);
        assert_eq!(
            refusal(&p, &Limits::DEFAULT, &Stop::default()),
            "the workbook's part xl/worksheets/sheet1.xml unpacks to more than the 10 bytes it declares: the file is damaged; save it again from the spreadsheet program"
        );
        let p = xlsx("small.xlsx", &orders(3));
        let limits = Limits {
            unpacked: 1000,
            ..Limits::DEFAULT
        };
        assert!(
            refusal(&p, &limits, &Stop::default())
                .contains("more than the 1000 bytes a workbook may unpack to"),
            "{}",
            refusal(&p, &limits, &Stop::default())
        );
    }

    #[test]
    fn a_sheet_past_the_row_cell_and_text_limits_is_refused_naming_them() {
        let p = xlsx("ten.xlsx", &orders(10));
        let none = Stop::default();
        for (limits, message) in [
            (
                Limits {
                    rows: 5,
                    ..Limits::DEFAULT
                },
                "worksheet \"Sheet1\" has more than 5 rows, the most a sheet is read with; split it, or save it as CSV",
            ),
            (
                Limits {
                    cells: 20,
                    ..Limits::DEFAULT
                },
                "worksheet \"Sheet1\" has more than 20 cells (each row counted from column A to its last cell), the most a sheet is read with; split it, or save it as CSV",
            ),
            (
                Limits {
                    text: 50,
                    ..Limits::DEFAULT
                },
                "worksheet \"Sheet1\" has more than 50 bytes text in its cells, the most a sheet is read with; split it, or save it as CSV",
            ),
        ] {
            assert_eq!(refusal(&p, &limits, &none), message);
        }
        // Within them, the rows are kept.
        let out = dir().join("ten.sheetrows");
        assert_eq!(to_rows(&p, None, &out, &none).unwrap(), 12);
    }

    /// An ODS file's repeats stand for cells the spreadsheet library makes one by one: a few
    /// bytes for a billion. They are counted before it opens the file.
    #[test]
    fn an_ods_file_whose_repeats_expand_past_the_limits_is_refused_before_it_is_opened() {
        let ods = |name: &str, rows: &str| -> PathBuf {
            let path = dir().join(name);
            let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            let o = zip::write::SimpleFileOptions::default();
            z.start_file(
                "mimetype",
                o.compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
                .unwrap();
            z.start_file("META-INF/manifest.xml", o).unwrap();
            z.write_all(b"<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/></manifest:manifest>").unwrap();
            z.start_file("content.xml", o).unwrap();
            write!(
                z,
                "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"S\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
            )
            .unwrap();
            z.finish().unwrap();
            path
        };
        let value = "<table:table-cell office:value-type=\"float\" office:value=\"1\"";
        let wide = ods(
            "wide.ods",
            &format!(
                "<table:table-row>{value} table:number-columns-repeated=\"1000000000\"/></table:table-row>"
            ),
        );
        assert_eq!(
            refusal(&wide, &Limits::DEFAULT, &Stop::default()),
            "the workbook's tables have more than 20000000 cells (repeated rows and cells counted, each row from column A to its last cell), the most a sheet is read with; split it, or save it as CSV"
        );
        let tall = ods(
            "tall.ods",
            &format!(
                "<table:table-row table:number-rows-repeated=\"100000000\">{value}/></table:table-row>"
            ),
        );
        assert_eq!(
            refusal(&tall, &Limits::DEFAULT, &Stop::default()),
            "the workbook's tables have more than 1048576 rows (repeated rows counted), the most a sheet is read with; split it, or save it as CSV"
        );
        // What a spreadsheet program writes after the last row (empty rows and cells repeated
        // to the sheet's end) expands to nothing, and is read.
        let filler = ods(
            "filler.ods",
            &format!(
                "<table:table-row>{value}/>{value}/><table:table-cell table:number-columns-repeated=\"16382\"/></table:table-row><table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
            ),
        );
        let out = dir().join("filler.sheetrows");
        assert_eq!(to_rows(&filler, None, &out, &Stop::default()).unwrap(), 1);
    }

    /// A client that leaves stops the reading: of a workbook, while unpacking or reading it;
    /// of CSV, within a few thousand rows.
    #[test]
    fn a_stopped_import_stops() {
        let p = xlsx("stop.xlsx", &orders(3));
        let stop = Stop::new(|| true);
        assert_eq!(
            refusal(&p, &Limits::DEFAULT, &stop),
            "the import was stopped before it finished (its client left, or the server is stopping)"
        );
        let mut csv = String::from("date,customer,total\n");
        for i in 0..10_000 {
            csv.push_str(&format!("2027-03-01,C{i},1\n"));
        }
        let path = dir().join("stop.csv");
        std::fs::write(&path, csv).unwrap();
        let opts = Options {
            stop: stop.clone(),
            date_order: Some(crate::DateOrder::DayMonth),
            ..Options::default()
        };
        let e = crate::read(
            &path,
            Kind::Orders,
            &opts,
            &mut Interners::default(),
            |_| {},
            |_| {},
        );
        assert_eq!(e.unwrap_err(), ImportError::Stopped);
    }

    /// The rows file reads exactly as the sheet: the same records, the same line numbers in
    /// problems, the same header below its title rows.
    #[test]
    fn a_sheet_reads_the_same_from_its_rows() {
        let mut rows = orders(40);
        rows[10][2] = "lots".into();
        let p = xlsx("same.xlsx", &rows);
        let out = dir().join("same.sheetrows");
        to_rows(&p, None, &out, &Stop::default()).unwrap();
        let read = |path: &Path, skip: bool| {
            let mut records = Vec::new();
            let opts = Options {
                skip_bad_rows: skip,
                ..Options::default()
            };
            let r = crate::read(
                path,
                Kind::Orders,
                &opts,
                &mut Interners::default(),
                |r| records.push(format!("{r:?}")),
                |_| {},
            );
            (format!("{r:?}"), records)
        };
        for skip in [false, true] {
            let (a, b) = (read(&p, skip), read(&out, skip));
            assert_eq!(a, b);
            assert!(a.0.contains("line: 11"), "{}", a.0);
        }
    }
}
