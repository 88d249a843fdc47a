//! The fast path for orders: a CSV file read on one thread while two others intern customers
//! and accumulate, each owning the customers whose name hashes to it; `parse_order` reads an
//! orders row for both this path and [`read`](fn@crate::read).

use std::sync::mpsc::sync_channel;

use sextant_metrics::records::{Names, Order};

use crate::kinds::orders as field;
use crate::read::{Repeats, columns, date_order};
use crate::rows::{Row, Rows, check_row, open, panic_text};
use crate::{
    DateOrder, ImportError, Interners, Kind, Options, Record, Report, RowProblem, Source, parse,
    read,
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

/// One order row, or the row's first problem.
pub(crate) fn parse_order<'r>(
    row: &Row<'r>,
    line: u64,
    cols: &[Option<usize>],
    headers: &[String],
    order: Option<DateOrder>,
    opts: &Options,
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
    let (day, _) =
        parse::datetime(cell(field::DATE), order).map_err(|f| problem(field::DATE, f))?;
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
    shard: Vec<u8>,
    names: Vec<u8>,
    ends: Vec<u32>,
}

/// Imports an orders file straight into monthly (weekly, quarterly) accumulators. A CSV file is
/// read on one thread while two others intern customers and accumulate, each owning the
/// customers whose name hashes to it; a worksheet goes through [`read`](fn@crate::read). All or nothing
/// unless skipping bad rows, as [`read`](fn@crate::read). The source is a path or a [`Source`].
pub fn read_orders(
    source: impl Into<Source>,
    opts: &Options,
    g: sextant_metrics::calendar::Granularity,
    channels: &mut Names,
    mut progress: impl FnMut(u64),
) -> Result<(sextant_metrics::catalogue::OrderMetrics, Report), ImportError> {
    use std::hash::BuildHasher;

    use sextant_metrics::catalogue::OrderMetrics;
    use sextant_metrics::records::FxBuild;

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
                Ok(OrderRow {
                    day,
                    amount,
                    customer,
                    channel,
                }) => {
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
