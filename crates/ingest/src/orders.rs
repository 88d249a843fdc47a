//! The fast path for orders: a CSV file read on one thread while two others intern customers
//! and accumulate, each owning the customers whose name hashes to it; `parse_order` reads an
//! orders row for both this path and [`read`](fn@crate::read).

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::mpsc::{channel, sync_channel};

use sextant_metrics::calendar::Granularity;
use sextant_metrics::catalogue::OrderMetrics;
use sextant_metrics::records::{Names, Order};

use crate::blocks::{Block, Blocks, ends_inside_quotes};
use crate::kinds::orders as field;
use crate::read::{Repeats, columns, date_order};
use crate::rows::{Row, Rows, check_row, csv_reader, open, panic_text, record_line};
use crate::{
    DateOrder, ImportError, Interners, Kind, MAX_REPEATS_LISTED, Options, Record, Report,
    RowProblem, Source, parse, read,
};

/// An orders row, read.
pub(crate) struct OrderRow<'r> {
    /// The day (days since 1970-01-01).
    pub day: i32,
    /// The amount.
    pub amount: f64,
    /// The customer, as written.
    pub customer: &'r str,
    /// The channel, when the file has one and the cell is filled.
    pub channel: Option<&'r str>,
}

/// The last date read as `YYYY-MM-DD` and its day: orders come in runs of one day, whose
/// date is then read once (the same text always reads as the same day).
pub(crate) type DayMemo = Option<([u8; 10], i32)>;

/// One order row, or the row's first problem.
pub(crate) fn parse_order<'r>(
    row: &Row<'r>,
    line: u64,
    cols: &[Option<usize>],
    headers: &[String],
    order: Option<DateOrder>,
    opts: &Options,
    memo: &mut DayMemo,
) -> Result<OrderRow<'r>, RowProblem> {
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
    let date = cell(field::DATE);
    let day = match memo {
        Some((text, day)) if text.as_slice() == date.as_bytes() => *day,
        _ => {
            let (day, _) = parse::datetime(date, order).map_err(|f| problem(field::DATE, f))?;
            if let Ok(text) = date.as_bytes().try_into() {
                *memo = Some((text, day));
            }
            day
        }
    };
    let customer = cell(field::CUSTOMER);
    if customer.is_empty() {
        return Err(problem(field::CUSTOMER, "an empty cell".into()));
    }
    let amount = parse::money(cell(field::AMOUNT), opts.decimal_comma)
        .map_err(|f| problem(field::AMOUNT, f))?;
    let channel =
        Some(cell(field::CHANNEL)).filter(|c| cols[field::CHANNEL].is_some() && !c.is_empty());
    Ok(OrderRow {
        day,
        amount,
        customer,
        channel,
    })
}

/// Orders parsed by the reading thread, for the accumulating threads.
#[derive(Default)]
struct Batch {
    days: Vec<i32>,
    amounts: Vec<f64>,
    channels: Vec<Option<u32>>,
    /// Each customer's [`Names::hash`]: the shard that owns the customer is the hash modulo
    /// [`SHARDS`], and that shard's table is probed with it.
    hashes: Vec<u64>,
    names: Vec<u8>,
    ends: Vec<u32>,
    /// The channel id of each of `channels`' values, when they are a block's own
    /// ([`Parsed::channels`]); empty when they are already the import's.
    channel_ids: Vec<u32>,
}

impl Batch {
    /// Adds this batch's orders of customers `shard` owns to `om`, interning them in
    /// `customers` (`mine` is room for the orders). Names are interned first, in file order, so
    /// that the ids are those of adding order by order; then the orders go in together
    /// ([`OrderMetrics::add_batch`]).
    fn accumulate(
        &self,
        shard: usize,
        om: &mut OrderMetrics,
        customers: &mut Names,
        mine: &mut Vec<Order>,
    ) {
        mine.clear();
        let mut start = 0usize;
        for k in 0..self.days.len() {
            let end = self.ends[k] as usize;
            let hash = self.hashes[k];
            if (hash % SHARDS as u64) as usize == shard {
                let name = std::str::from_utf8(&self.names[start..end]).unwrap_or("");
                let channel = match self.channels[k] {
                    Some(c) if !self.channel_ids.is_empty() => {
                        self.channel_ids.get(c as usize).copied()
                    }
                    c => c,
                };
                mine.push(Order {
                    day: self.days[k],
                    customer: customers.intern_hashed(name, hash),
                    amount: self.amounts[k],
                    channel,
                });
            }
            start = end;
        }
        om.add_batch(mine);
    }

    /// Adds a good row, its customer given to the shard its name hashes to.
    fn push(&mut self, day: i32, amount: f64, channel: Option<u32>, customer: &str) {
        self.days.push(day);
        self.amounts.push(amount);
        self.channels.push(channel);
        self.hashes.push(Names::hash(customer));
        self.names.extend_from_slice(customer.as_bytes());
        self.ends.push(self.names.len() as u32);
    }
}

/// How many threads accumulate orders, each owning the customers whose name hashes to it.
const SHARDS: usize = 2;

/// Rows a batch holds at most (on the path that reads a file on one thread).
const BATCH: usize = 8192;

/// The bytes of CSV text a block holds (on the path that reads a file in blocks).
pub const BLOCK: usize = 1 << 20;

/// Imports an orders file straight into monthly (weekly, quarterly) accumulators. A CSV file is
/// read on one thread while two others intern customers and accumulate, each owning the
/// customers whose name hashes to it; a worksheet goes through [`read`](fn@crate::read). All or nothing
/// unless skipping bad rows, as [`read`](fn@crate::read). The source is a path or a [`Source`].
pub fn read_orders(
    source: impl Into<Source>,
    opts: &Options,
    g: Granularity,
    channels: &mut Names,
    progress: impl FnMut(u64),
) -> Result<(OrderMetrics, Report), ImportError> {
    read_orders_in(source, opts, g, channels, progress, BLOCK)
}

/// [`read_orders`] with CSV text cut into blocks of `block` bytes (tests cut it small).
#[doc(hidden)]
pub fn read_orders_in(
    source: impl Into<Source>,
    opts: &Options,
    g: Granularity,
    channels: &mut Names,
    mut progress: impl FnMut(u64),
    block: usize,
) -> Result<(OrderMetrics, Report), ImportError> {
    let source = source.into();
    let (headers, mut rows) = open(&source, opts)?;
    let cols = columns(Kind::Orders, &headers, opts)?;
    let order = date_order(&source, Kind::Orders, &cols, &headers, opts)?;
    let mut report = Report {
        columns: Kind::Orders
            .fields()
            .iter()
            .zip(&cols)
            .filter_map(|(f, c)| c.map(|c| (f.name.to_string(), headers[c].clone())))
            .collect(),
        ..Report::default()
    };
    if matches!(rows, Rows::Sheet { .. }) {
        let mut om = OrderMetrics::new(g);
        let mut customers = Names::default();
        let mut names = Interners {
            customers: Some(&mut customers),
            channels: Some(channels),
            systems: None,
        };
        let r = read(
            &source,
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
    let Some((body, line, delimiter)) = rows.csv_body() else {
        return Err(ImportError::Format("not CSV text".into()));
    };
    if block > 0 && !source.is_stdin() {
        let before = channels.clone();
        let ctx = Context {
            headers: &headers,
            cols: &cols,
            order,
            opts,
            delimiter,
        };
        let mut from = source.reader()?;
        std::io::copy(&mut (&mut from).take(body), &mut std::io::sink())
            .map_err(|e| ImportError::Io(e.to_string()))?;
        let blocks = Blocks::new(from, line, block);
        match in_blocks(blocks, &ctx, g, channels, &mut progress, report.clone())? {
            Some(done) => return Ok(done),
            // A block did not end on a record boundary: read the file whole.
            None => *channels = before,
        }
    }
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut repeats = Repeats::default();
    let mut memo = None;
    let results = std::thread::scope(|scope| -> Result<Vec<OrderMetrics>, ImportError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for shard in 0..SHARDS {
            let (tx, rx) = sync_channel::<std::sync::Arc<Batch>>(16);
            senders.push(tx);
            handles.push(scope.spawn(move || {
                let mut om = OrderMetrics::new(g);
                let mut customers = Names::default();
                let mut mine = Vec::new();
                for b in rx {
                    b.accumulate(shard, &mut om, &mut customers, &mut mine);
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
            match parse_order(&row, line, &cols, &headers, order, opts, &mut memo) {
                Ok(OrderRow {
                    day,
                    amount,
                    customer,
                    channel,
                }) => {
                    repeats.see(day, &row, line, &mut report);
                    batch.push(day, amount, channel.map(|c| channels.intern(c)), customer);
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
    finish(results, problems, report, opts, g)
}

/// The import's answer from the shards' accumulators and the bad rows: all or nothing unless
/// skipping bad rows.
fn finish(
    shards: Vec<OrderMetrics>,
    problems: Vec<RowProblem>,
    mut report: Report,
    opts: &Options,
    g: Granularity,
) -> Result<(OrderMetrics, Report), ImportError> {
    if !problems.is_empty() {
        if opts.skip_bad_rows {
            report.skipped = problems;
        } else {
            return Err(ImportError::BadRows(problems));
        }
    }
    let mut shards = shards.into_iter();
    let mut om = shards.next().unwrap_or_else(|| OrderMetrics::new(g));
    for other in shards {
        om.absorb(other);
    }
    Ok((om, report))
}

/// What reading a block's rows needs to know of the file.
struct Context<'a> {
    headers: &'a [String],
    cols: &'a [Option<usize>],
    order: Option<DateOrder>,
    opts: &'a Options,
    delimiter: u8,
}

/// A block's rows, read.
#[derive(Default)]
struct Parsed {
    seq: u64,
    /// The thread that read it.
    worker: usize,
    /// The good rows, their channels numbered in the block (`channels`).
    batch: Batch,
    /// The block's channel names, in the order they first appear in it.
    channels: Vec<String>,
    /// The bad rows.
    problems: Vec<RowProblem>,
    /// Good rows.
    rows: u64,
    /// The good rows of the block's first day, until another day (day, fingerprint, line):
    /// whether they repeat a row depends on the blocks before.
    leading: Vec<(i32, u64, u64)>,
    /// Whether a good row of another day followed them; the repeats found from it on
    /// (`found`), and the rows of the block's last day (`repeats`), for the next block.
    changed: bool,
    repeats: Repeats,
    found: Report,
    /// Whether the block did not end on a record boundary ([`ends_inside_quotes`]).
    misaligned: bool,
}

/// Work for a thread of [`in_blocks`].
enum Job {
    /// Read a block's rows.
    Read(Block),
    /// Accumulate a block's orders of the thread's customers (blocks in file order).
    Add(Arc<Batch>),
}

/// Reads a block's rows: each row checked and parsed as on one thread ([`check_row`],
/// [`parse_order`]), repeated rows found within the block.
fn read_block(b: &Block, ctx: &Context, worker: usize) -> Result<Parsed, ImportError> {
    let mut reader = csv_reader(b.bytes.as_slice(), ctx.delimiter);
    let mut rec = csv::ByteRecord::new();
    let mut out = Parsed {
        seq: b.seq,
        worker,
        ..Parsed::default()
    };
    let fields = Kind::Orders.fields();
    let mut first_day = None;
    let mut ended_inside = false;
    let mut memo = None;
    while reader
        .read_byte_record(&mut rec)
        .map_err(|e| ImportError::Format(e.to_string()))?
    {
        ended_inside = ends_inside_quotes(Some(&rec));
        let line = b.line + record_line(reader.position(), &rec) - 1;
        let row = Row::csv(&rec, ctx.delimiter);
        if row.is_blank() {
            continue;
        }
        if let Err(p) = check_row(&row, line, ctx.headers, ctx.cols, fields) {
            out.problems.push(p);
            continue;
        }
        match parse_order(
            &row,
            line,
            ctx.cols,
            ctx.headers,
            ctx.order,
            ctx.opts,
            &mut memo,
        ) {
            Ok(OrderRow {
                day,
                amount,
                customer,
                channel,
            }) => {
                let fp = row.fingerprint();
                if !out.changed && first_day.is_none_or(|d| d == day) {
                    first_day = Some(day);
                    out.leading.push((day, fp, line));
                } else {
                    out.changed = true;
                    out.repeats.see_fingerprint(day, fp, line, &mut out.found);
                }
                let channel = channel.map(|c| {
                    match out.channels.iter().position(|x| x == c) {
                        Some(i) => i,
                        None => {
                            out.channels.push(c.to_string());
                            out.channels.len() - 1
                        }
                    }
                } as u32);
                out.batch.push(day, amount, channel, customer);
                out.rows += 1;
            }
            Err(p) => out.problems.push(p),
        }
    }
    out.misaligned = !b.last && ended_inside;
    Ok(out)
}

/// Imports CSV text cut into blocks: the calling thread reads the blocks and puts what the
/// other two read back in file order (bad rows, repeated rows, channels), while those two each
/// read blocks and accumulate the customers whose name hashes to them, in file order, as on
/// the one-thread path. `None` when a block did not end on a record boundary.
fn in_blocks(
    mut blocks: Blocks,
    ctx: &Context,
    g: Granularity,
    channels: &mut Names,
    progress: &mut impl FnMut(u64),
    mut report: Report,
) -> Result<Option<(OrderMetrics, Report)>, ImportError> {
    // Blocks being read at most.
    const AHEAD: usize = 2 * SHARDS;
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut repeats = Repeats::default();
    let (done_tx, done) = channel::<Result<Parsed, ImportError>>();
    let outcome = std::thread::scope(|scope| -> Result<Option<Vec<OrderMetrics>>, ImportError> {
        let mut jobs = Vec::new();
        let mut handles = Vec::new();
        for shard in 0..SHARDS {
            let (tx, rx) = channel::<Job>();
            jobs.push(tx);
            let done_tx = done_tx.clone();
            handles.push(scope.spawn(move || {
                let mut om = OrderMetrics::new(g);
                let mut customers = Names::default();
                let mut mine = Vec::new();
                for job in rx {
                    let ran =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
                            Job::Read(b) => {
                                let _ = done_tx.send(read_block(&b, ctx, shard));
                            }
                            Job::Add(b) => b.accumulate(shard, &mut om, &mut customers, &mut mine),
                        }));
                    if let Err(e) = ran {
                        let _ = done_tx.send(Err(ImportError::Format(format!(
                            "the import failed inside ({}); nothing was imported",
                            panic_text(e.as_ref())
                        ))));
                        break;
                    }
                }
                om
            }));
        }
        drop(done_tx);
        let mut reading = [0usize; SHARDS];
        let mut waiting: BTreeMap<u64, Parsed> = BTreeMap::new();
        let mut next = 0u64;
        let mut end = false;
        loop {
            while !end && reading.iter().sum::<usize>() < AHEAD {
                if ctx.opts.stop.stopped() {
                    return Err(ImportError::Stopped);
                }
                match blocks.next_block()? {
                    Some(b) => {
                        let w = (0..SHARDS).min_by_key(|&w| reading[w]).unwrap_or(0);
                        reading[w] += 1;
                        if jobs[w].send(Job::Read(b)).is_err() {
                            return Err(stopped_inside());
                        }
                    }
                    None => end = true,
                }
            }
            if reading.iter().sum::<usize>() == 0 {
                break;
            }
            let p = done.recv().map_err(|_| stopped_inside())??;
            reading[p.worker] -= 1;
            waiting.insert(p.seq, p);
            while let Some(mut p) = waiting.remove(&next) {
                next += 1;
                if p.misaligned {
                    return Ok(None);
                }
                for &(day, fp, line) in &p.leading {
                    repeats.see_fingerprint(day, fp, line, &mut report);
                }
                if p.changed {
                    repeats = std::mem::take(&mut p.repeats);
                    report.repeated_rows += p.found.repeated_rows;
                    let room = MAX_REPEATS_LISTED.saturating_sub(report.repeated.len());
                    report
                        .repeated
                        .extend(p.found.repeated.iter().take(room).copied());
                }
                problems.append(&mut p.problems);
                report.rows += p.rows;
                p.batch.channel_ids = p.channels.iter().map(|c| channels.intern(c)).collect();
                let batch = Arc::new(p.batch);
                for tx in &jobs {
                    if tx.send(Job::Add(batch.clone())).is_err() {
                        return Err(stopped_inside());
                    }
                }
                progress(report.rows);
            }
        }
        drop(jobs);
        join_all(handles).map(Some)
    })?;
    let Some(shards) = outcome else {
        return Ok(None);
    };
    progress(report.rows);
    finish(shards, problems, report, ctx.opts, g).map(Some)
}

/// A thread of the import gone without a word.
fn stopped_inside() -> ImportError {
    ImportError::Format("the import failed inside (a thread stopped); nothing was imported".into())
}

/// The results of the accumulating threads, all of them or an error: a thread that panicked
/// would otherwise leave out the customers it owned.
pub(crate) fn join_all<T>(
    handles: Vec<std::thread::ScopedJoinHandle<'_, T>>,
) -> Result<Vec<T>, ImportError> {
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
}
