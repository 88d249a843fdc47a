//! The metric catalogue of the product specification, computed period by period from imported
//! records. Each accumulator takes records one at a time (in any order) and keeps state that
//! grows with the number of periods, channels and customers, never with the number of rows.

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::Serialize;
use sextant_core::unit::Unit;

use crate::calendar::Granularity;
use crate::records::{
    Answer, FxBuild, Incident, Names, Order, Process, Spend, Survey, Traffic, Usage,
};

/// One metric over the periods, with a value (or none) per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The metric's id in the catalogue (`revenue`, `cac`, ...).
    pub metric: &'static str,
    /// The channel, system or survey it is restricted to, if any.
    pub by: Option<String>,
    /// How its values are written (serialised as `currency`, `count`, `fraction`, `ratio`,
    /// `points`, `hours`).
    pub unit: Unit,
    /// Values in the order of [`Table::periods`]; `None` where undefined (e.g. a ratio over 0).
    pub values: Vec<Option<f64>>,
}

/// Every metric computed, over a common list of periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The period length.
    pub granularity: Granularity,
    /// Period labels (`2027-03`, `2027-Q1`, or the Monday of an ISO week).
    pub periods: Vec<String>,
    /// Period indices, as [`Granularity::index`] numbers them.
    #[serde(skip)]
    pub indices: Vec<i32>,
    /// The metrics.
    pub series: Vec<Series>,
    /// Periods the data cover in part: the last when the data's last day is before its last
    /// day (its values are so far, not final), the first when the data (of orders, spend or
    /// sessions) start more than a tenth of its days after its first day. They are not
    /// screened for anomalies, nor are the first or last periods a series' own data (orders,
    /// spend, sessions) cover in part.
    pub partial_periods: Vec<String>,
    /// Unusual periods of any series, with the reason.
    pub anomalies: Vec<Flagged>,
}

/// An unusual period of one series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flagged {
    /// The metric.
    pub metric: &'static str,
    /// Its restriction, if any.
    pub by: Option<String>,
    /// The period's label.
    pub period: String,
    /// The value.
    pub value: f64,
    /// What the same period of other years (or the periods around it) lead one to expect.
    pub expected: f64,
    /// Robust standard deviations from the expectation (signed): the technical figure.
    pub score: f64,
    /// In words: "31458 is about 3 times the usual for a March (10486 expected), and out of
    /// line with the months around it".
    pub reason: String,
}

impl Table {
    /// Whether the period at `k` is partial (see [`Table::partial_periods`]).
    pub fn is_partial(&self, k: usize) -> bool {
        self.periods
            .get(k)
            .is_some_and(|p| self.partial_periods.contains(p))
    }

    /// A period's heading for text output: its label, with ` (partial)` when partial.
    pub fn heading(&self, k: usize) -> String {
        let label = self.periods.get(k).map_or("", String::as_str);
        if self.is_partial(k) {
            format!("{label} (partial)")
        } else {
            label.to_string()
        }
    }

    /// The series of a metric (the first, unrestricted one).
    pub fn get(&self, metric: &str) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.metric == metric && s.by.is_none())
    }
}

/// Whether a channel's name says it sells online.
pub fn is_online(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "online",
        "web",
        "ecommerce",
        "e-commerce",
        "shop",
        "internet",
        "website",
        "app",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn widen(span: Option<(i32, i32)>, a: i32, b: i32) -> (i32, i32) {
    match span {
        Some((x, y)) => (x.min(a), y.max(b)),
        None => (a, b),
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

#[derive(Debug, Clone, Copy, Default)]
struct Customer {
    first: i32,
    orders: u32,
    first_channel: Option<u32>,
}

/// A customer's orders in one period, in one word: the customer (32 bits), the period (24
/// bits, offset by 2^23), the day of the period of one of them (7 bits) and whether another
/// was on another day (1 bit). Two visits are the same, and hash alike, when the customer and
/// the period are: the set holds one per pair, and the rest is its payload.
#[derive(Debug, Clone, Copy)]
struct Visit(u64);

impl Visit {
    const OFFSET: i32 = 1 << 23;

    fn new(customer: u32, period: i32, day: u8, twice: bool) -> Visit {
        let p = (period + Self::OFFSET) as u64 & 0xFF_FFFF;
        Visit(u64::from(customer) << 32 | p << 8 | u64::from(day & 0x7F) << 1 | u64::from(twice))
    }

    fn customer(self) -> u32 {
        (self.0 >> 32) as u32
    }

    fn period(self) -> i32 {
        ((self.0 >> 8) & 0xFF_FFFF) as i32 - Self::OFFSET
    }

    fn day(self) -> u8 {
        ((self.0 >> 1) & 0x7F) as u8
    }

    fn twice(self) -> bool {
        self.0 & 1 == 1
    }

    fn with_twice(self) -> Visit {
        Visit(self.0 | 1)
    }
}

impl PartialEq for Visit {
    fn eq(&self, other: &Visit) -> bool {
        self.0 >> 8 == other.0 >> 8
    }
}

impl Eq for Visit {}

impl Hash for Visit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0 >> 8);
    }
}

/// The visits of an accumulator, one byte per customer and period over a range of periods
/// (customer by customer): 0 for no order, else the day of the period of one order plus one
/// (7 bits) and whether another was on another day (the top bit). A row's visit is then a byte
/// in a table of a few bytes per customer, where a hash set of visits is a cache miss a row.
/// Used while customers x periods stays below [`Dense::MAX_CELLS`].
#[derive(Debug, Clone)]
struct Dense {
    /// The first period of the range.
    base: i32,
    /// The periods in the range.
    span: usize,
    cells: Vec<u8>,
}

impl Dense {
    /// The most cells a table holds (64 MiB); beyond, the visits move to the hash set.
    const MAX_CELLS: usize = 1 << 26;

    /// The visits held, as [`Visit`]s.
    fn visits(&self) -> impl Iterator<Item = Visit> + '_ {
        let span = self.span.max(1);
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(move |(i, &c)| {
                Visit::new(
                    (i / span) as u32,
                    self.base + (i % span) as i32,
                    (c & 0x7F) - 1,
                    c & 0x80 != 0,
                )
            })
    }

    /// The table over the periods `base..base + span` for `customers` customers, with these
    /// visits, or `None` when it would exceed [`Dense::MAX_CELLS`].
    fn relaid(&self, base: i32, span: usize, customers: usize) -> Option<Dense> {
        let old = self.span;
        let customers = customers.max(self.cells.len() / old.max(1));
        if customers.checked_mul(span)? > Dense::MAX_CELLS {
            return None;
        }
        let mut cells = vec![0u8; customers * span];
        if old > 0 {
            let shift = (self.base - base) as usize;
            for (c, row) in self.cells.chunks_exact(old).enumerate() {
                cells[c * span + shift..c * span + shift + old].copy_from_slice(row);
            }
        }
        Some(Dense { base, span, cells })
    }
}

#[derive(Debug, Clone, Default)]
struct PeriodOrders {
    revenue: f64,
    orders: u64,
    by_channel: BTreeMap<u32, (f64, u64)>,
}

/// Adds an order to its period's totals.
#[inline]
fn add_to(e: &mut PeriodOrders, o: &Order) {
    e.revenue += o.amount;
    e.orders += 1;
    if let Some(c) = o.channel {
        let x = e.by_channel.entry(c).or_default();
        x.0 += o.amount;
        x.1 += 1;
    }
}

/// Each day's period and its day in the period, kept for the days seen (up to 2^16 days
/// around them): the calendar's arithmetic once a day rather than once an order.
#[derive(Debug, Clone, Default)]
struct DayPeriods {
    base: i32,
    /// From `base` on; `None` for a day not yet seen.
    cells: Vec<Option<(i32, u8)>>,
}

impl DayPeriods {
    const MAX: i64 = 1 << 16;

    fn period_of(&mut self, g: Granularity, day: i32) -> (i32, u8) {
        let compute = || {
            let p = g.index(day);
            (p, (day - g.first_day(p)) as u8)
        };
        let at = i64::from(day) - i64::from(self.base);
        if let Some(Some(c)) = usize::try_from(at).ok().and_then(|i| self.cells.get(i)) {
            return *c;
        }
        let (lo, hi) = if self.cells.is_empty() {
            (i64::from(day), i64::from(day))
        } else {
            let end = i64::from(self.base) + self.cells.len() as i64 - 1;
            (
                i64::from(day).min(i64::from(self.base)),
                i64::from(day).max(end),
            )
        };
        if hi - lo >= DayPeriods::MAX {
            return compute();
        }
        if at < 0 || at >= self.cells.len() as i64 {
            // Room on both sides, as dates come in any order.
            let lo = (lo - 366).max(i64::from(i32::MIN));
            let hi = hi + 366;
            let mut cells = vec![None; (hi - lo + 1) as usize];
            let shift = (i64::from(self.base) - lo) as usize;
            if !self.cells.is_empty() {
                cells[shift..shift + self.cells.len()].copy_from_slice(&self.cells);
            }
            self.base = lo as i32;
            self.cells = cells;
        }
        let c = compute();
        if let Some(cell) = self
            .cells
            .get_mut((i64::from(day) - i64::from(self.base)) as usize)
        {
            *cell = Some(c);
        }
        c
    }
}

/// Accumulates orders.
#[derive(Debug, Clone)]
pub struct OrderMetrics {
    g: Granularity,
    periods: BTreeMap<i32, PeriodOrders>,
    customers: Vec<Customer>,
    /// The periods each customer ordered in, with a day they ordered on in it and whether they
    /// ordered on another day in it too (two purchase occasions): in `dense` while it is kept
    /// (all of them), else in `active`, 8 bytes each (read both through `visits`).
    active: HashSet<Visit, FxBuild>,
    dense: Option<Dense>,
    /// The first and last day with an order.
    days: Option<(i32, i32)>,
    /// Room reused by [`OrderMetrics::add_batch`]: each order's customer and place, and its
    /// period and day.
    batch_keys: Vec<u64>,
    batch_slots: Vec<(i32, u8)>,
    calendar: DayPeriods,
}

impl OrderMetrics {
    /// An empty accumulator.
    pub fn new(g: Granularity) -> OrderMetrics {
        OrderMetrics {
            g,
            periods: BTreeMap::new(),
            customers: Vec::new(),
            active: HashSet::default(),
            dense: Some(Dense {
                base: 0,
                span: 0,
                cells: Vec::new(),
            }),
            days: None,
            batch_keys: Vec::new(),
            batch_slots: Vec::new(),
            calendar: DayPeriods::default(),
        }
    }

    /// An accumulator that keeps its visits in a hash set from the start (as one that outgrew
    /// its table does), for tests comparing the two.
    #[doc(hidden)]
    pub fn new_sparse(g: Granularity) -> OrderMetrics {
        OrderMetrics {
            dense: None,
            ..OrderMetrics::new(g)
        }
    }

    /// Every visit: the customers' periods with orders.
    fn visits(&self) -> impl Iterator<Item = Visit> + '_ {
        self.active
            .iter()
            .copied()
            .chain(self.dense.iter().flat_map(Dense::visits))
    }

    /// Moves the visits from the table to the hash set.
    fn move_to_set(&mut self) {
        if let Some(d) = self.dense.take() {
            self.active.extend(d.visits());
        }
    }

    /// Records that `customer` ordered in `period` on `day` of it (and on another day, when
    /// `twice`).
    fn visit(&mut self, customer: u32, period: i32, day: u8, twice: bool) {
        let customers = self.customers.len().max(customer as usize + 1);
        if let Some(d) = &self.dense {
            let end = d.base + d.span as i32;
            if d.span == 0 || period < d.base || period >= end {
                // A wider range, with room on the side it grew (dates often come in order).
                let room = (d.span / 2).max(2) as i32;
                let (base, last) = if d.span == 0 {
                    (period, period)
                } else if period < d.base {
                    (period - room, end - 1)
                } else {
                    (d.base, period + room)
                };
                let relaid = d.relaid(base, (last - base + 1) as usize, customers);
                match relaid {
                    Some(n) => self.dense = Some(n),
                    None => self.move_to_set(),
                }
            } else if d.cells.len() < customers * d.span {
                if customers * d.span > Dense::MAX_CELLS {
                    self.move_to_set();
                } else if let Some(d) = &mut self.dense {
                    d.cells.resize(customers * d.span, 0);
                }
            }
        }
        if let Some(d) = &mut self.dense {
            let cell = &mut d.cells[customer as usize * d.span + (period - d.base) as usize];
            if *cell == 0 {
                *cell = ((day & 0x7F) + 1) | if twice { 0x80 } else { 0 };
            } else if *cell & 0x80 == 0 && (twice || (*cell & 0x7F) - 1 != day) {
                *cell |= 0x80;
            }
            return;
        }
        let v = Visit::new(customer, period, day, twice);
        match self.active.get(&v) {
            None => {
                self.active.insert(v);
            }
            Some(seen) if !seen.twice() && (twice || seen.day() != day) => {
                self.active.replace(seen.with_twice());
            }
            Some(_) => {}
        }
    }

    /// Adds one order.
    pub fn add(&mut self, o: &Order) {
        let (p, day) = self.calendar.period_of(self.g, o.day);
        self.days = Some(widen(self.days, o.day, o.day));
        add_to(self.periods.entry(p).or_default(), o);
        self.add_customer(o, p, day);
    }

    /// Adds orders, as [`OrderMetrics::add`] on each in turn does: the periods' totals in the
    /// orders' order, then the customers' figures customer by customer (each customer's orders
    /// still in their order). A customer's figures and visits are then read and written once
    /// for all their orders in `orders`, and customers in the order they sit in memory: with a
    /// hundred thousand customers, a cache miss an order saved.
    pub fn add_batch(&mut self, orders: &[Order]) {
        // An order's place in the batch is kept in 32 bits.
        if orders.len() > u32::MAX as usize {
            orders
                .chunks(u32::MAX as usize)
                .for_each(|c| self.add_batch(c));
            return;
        }
        let mut keys = std::mem::take(&mut self.batch_keys);
        let mut slots = std::mem::take(&mut self.batch_slots);
        keys.clear();
        slots.clear();
        let mut range: Option<(i32, i32)> = None;
        for (i, o) in orders.iter().enumerate() {
            let (p, day) = self.calendar.period_of(self.g, o.day);
            range = Some(widen(range, p, p));
            self.days = Some(widen(self.days, o.day, o.day));
            slots.push((p, day));
            keys.push(u64::from(o.customer) << 32 | i as u64);
        }
        let Some((lo, hi)) = range else {
            return;
        };
        // The periods' totals, each taken out of the map for the batch and put back: every
        // total still adds the orders one by one in their order (the same sums to the bit).
        if i64::from(hi) - i64::from(lo) < 4096 {
            let mut span: Vec<(bool, PeriodOrders)> = (lo..=hi)
                .map(|p| match self.periods.remove(&p) {
                    Some(e) => (true, e),
                    None => (false, PeriodOrders::default()),
                })
                .collect();
            for (o, &(p, _)) in orders.iter().zip(&slots) {
                add_to(&mut span[(p - lo) as usize].1, o);
            }
            for (p, (existed, e)) in (lo..).zip(span) {
                if existed || e.orders > 0 {
                    self.periods.insert(p, e);
                }
            }
        } else {
            for (o, &(p, _)) in orders.iter().zip(&slots) {
                add_to(self.periods.entry(p).or_default(), o);
            }
        }
        // The keys are distinct (the order's place is in them): sorted, they are in the
        // customers' order and each customer's orders in theirs.
        keys.sort_unstable();
        for &key in &keys {
            let i = (key & 0xFFFF_FFFF) as usize;
            let (p, day) = slots[i];
            self.add_customer(&orders[i], p, day);
        }
        self.batch_keys = keys;
        self.batch_slots = slots;
    }

    /// The customer's figures of one order in period `p`, on day `day` of it.
    fn add_customer(&mut self, o: &Order, p: i32, day: u8) {
        let k = o.customer as usize;
        if k >= self.customers.len() {
            self.customers.resize(
                k + 1,
                Customer {
                    first: i32::MAX,
                    orders: 0,
                    first_channel: None,
                },
            );
        }
        let c = &mut self.customers[k];
        c.orders += 1;
        if o.day < c.first {
            c.first = o.day;
            c.first_channel = o.channel;
        }
        self.visit(o.customer, p, day, false);
    }

    /// Adds another accumulator's orders (same granularity, same customer ids).
    pub fn merge(&mut self, mut other: OrderMetrics) {
        if let Some((a, b)) = other.days {
            self.days = Some(widen(self.days, a, b));
        }
        for (p, agg) in std::mem::take(&mut other.periods) {
            let e = self.periods.entry(p).or_default();
            e.revenue += agg.revenue;
            e.orders += agg.orders;
            for (c, (r, n)) in agg.by_channel {
                let x = e.by_channel.entry(c).or_default();
                x.0 += r;
                x.1 += n;
            }
        }
        if other.customers.len() > self.customers.len() {
            self.customers.resize(
                other.customers.len(),
                Customer {
                    first: i32::MAX,
                    orders: 0,
                    first_channel: None,
                },
            );
        }
        for (k, o) in std::mem::take(&mut other.customers).into_iter().enumerate() {
            if o.orders == 0 {
                continue;
            }
            let c = &mut self.customers[k];
            if o.first < c.first {
                c.first_channel = o.first_channel;
                c.first = o.first;
            }
            c.orders += o.orders;
        }
        for v in other.visits() {
            self.visit(v.customer(), v.period(), v.day(), v.twice());
        }
    }

    /// Adds an accumulator of other customers (their ids are renumbered after this one's).
    pub fn absorb(&mut self, mut other: OrderMetrics) {
        let offset = self.customers.len() as u64;
        if let Some((a, b)) = other.days {
            self.days = Some(widen(self.days, a, b));
        }
        for (p, agg) in std::mem::take(&mut other.periods) {
            let e = self.periods.entry(p).or_default();
            e.revenue += agg.revenue;
            e.orders += agg.orders;
            for (c, (r, n)) in agg.by_channel {
                let x = e.by_channel.entry(c).or_default();
                x.0 += r;
                x.1 += n;
            }
        }
        let mine = self.customers.len();
        self.customers.extend(std::mem::take(&mut other.customers));
        // Both tables: one table over both ranges, the other's customers after these.
        if let (Some(a), Some(b)) = (&self.dense, &other.dense) {
            let spans = |d: &Dense| (d.span > 0).then(|| (d.base, d.base + d.span as i32 - 1));
            let range = match (spans(a), spans(b)) {
                (Some((x, y)), Some((u, v))) => Some((x.min(u), y.max(v))),
                (r, None) | (None, r) => r,
            };
            if let Some((lo, hi)) = range {
                let span = (hi - lo + 1) as usize;
                let theirs = self.customers.len() - mine;
                if let (Some(mut n), Some(mut m)) =
                    (a.relaid(lo, span, mine), b.relaid(lo, span, theirs))
                    && (mine + theirs).saturating_mul(span) <= Dense::MAX_CELLS
                {
                    n.cells.resize(mine * span, 0);
                    m.cells.resize(theirs * span, 0);
                    n.cells.extend_from_slice(&m.cells);
                    self.dense = Some(n);
                    return;
                }
            } else {
                return;
            }
        }
        self.move_to_set();
        self.active.extend(
            other
                .visits()
                .map(|v| Visit::new(v.customer() + offset as u32, v.period(), v.day(), v.twice())),
        );
    }

    /// The first and last day with an order.
    pub fn days(&self) -> Option<(i32, i32)> {
        self.days
    }

    /// The first and last period with orders.
    pub fn span(&self) -> Option<(i32, i32)> {
        Some((
            *self.periods.keys().next()?,
            *self.periods.keys().next_back()?,
        ))
    }
}

/// Everything that feeds the catalogue.
#[derive(Debug, Clone, Default)]
pub struct Inputs<'a> {
    /// Orders, accumulated.
    pub orders: Option<&'a OrderMetrics>,
    /// Marketing spend.
    pub spend: &'a [Spend],
    /// Web traffic.
    pub traffic: &'a [Traffic],
    /// Incidents.
    pub incidents: &'a [Incident],
    /// Survey answers.
    pub answers: &'a [Answer],
    /// System usage.
    pub usage: &'a [Usage],
    /// The process inventory.
    pub processes: &'a [Process],
    /// Channel names.
    pub channels: Option<&'a Names>,
    /// System names.
    pub systems: Option<&'a Names>,
    /// Gross margin for the simple CLTV (1 when not known).
    pub gross_margin: Option<f64>,
    /// Employees, for security incidents per 100 employees.
    pub employees: Option<u32>,
}

/// Computes the catalogue over periods `from..=to` (default: every period with data).
///
/// Unusual periods are looked for over all the data (and the requested range), then the table
/// is cut to the requested range, so that an edge of the range is not mistaken for news.
pub fn compute(inputs: &Inputs, g: Granularity, from: Option<i32>, to: Option<i32>) -> Table {
    let (lo, hi) = data_span(inputs, g);
    let full_from = match (from, lo) {
        (Some(f), Some(l)) => Some(f.min(l)),
        (f, l) => f.or(l),
    };
    let full_to = match (to, hi) {
        (Some(t), Some(h)) => Some(t.max(h)),
        (t, h) => t.or(h),
    };
    let mut t = compute_range(inputs, g, full_from, full_to);
    let keep: Vec<bool> = t
        .indices
        .iter()
        .map(|&p| from.is_none_or(|f| p >= f) && to.is_none_or(|x| p <= x))
        .collect();
    let cut = |v: &[Option<f64>]| -> Vec<Option<f64>> {
        v.iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect()
    };
    for s in &mut t.series {
        s.values = cut(&s.values);
    }
    let kept_labels: Vec<String> = t
        .periods
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| p.clone())
        .collect();
    t.anomalies.retain(|a| kept_labels.contains(&a.period));
    t.partial_periods.retain(|p| kept_labels.contains(p));
    t.indices = t
        .indices
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect();
    t.periods = kept_labels;
    t
}

/// The first and last period holding any data.
fn data_span(inputs: &Inputs, g: Granularity) -> (Option<i32>, Option<i32>) {
    let mut seen: Vec<i32> = Vec::new();
    if let Some(o) = inputs.orders
        && let Some((a, b)) = o.span()
    {
        seen.extend([a, b]);
    }
    let days = inputs
        .spend
        .iter()
        .map(|x| x.day)
        .chain(inputs.traffic.iter().map(|x| x.day))
        .chain(inputs.answers.iter().map(|x| x.day))
        .chain(inputs.usage.iter().map(|x| x.day))
        .chain(
            inputs
                .incidents
                .iter()
                .map(|x| (x.start.div_euclid(1440)) as i32),
        );
    for d in days {
        seen.push(g.index(d));
    }
    (seen.iter().min().copied(), seen.iter().max().copied())
}

fn compute_range(inputs: &Inputs, g: Granularity, from: Option<i32>, to: Option<i32>) -> Table {
    let (lo, hi) = data_span(inputs, g);
    let lo = from.or(lo);
    let hi = to.or(hi);
    let indices: Vec<i32> = match (lo, hi) {
        (Some(a), Some(b)) if a <= b => (a..=b).collect(),
        _ => Vec::new(),
    };
    let f = Frame { inputs, g, indices };
    let mut series: Vec<Series> = Vec::new();
    // The days each series' own data cover, where that source has a record every day or
    // month (orders, spend, sessions); the others are judged by all the data's days.
    let mut covers: Vec<Option<(i32, i32)>> = Vec::new();
    let orders_days = inputs.orders.and_then(OrderMetrics::days);
    let spend_days = spend_days(inputs);
    let mut new = NewCustomers::new(f.n());
    if let Some(om) = inputs.orders {
        series.extend(orders_metrics(&f, om, &mut new));
        covers.resize(series.len(), orders_days);
    }
    if !inputs.spend.is_empty() {
        let spend = spend_metrics(&f, &series, &new);
        let both = match (spend_days, orders_days) {
            (Some((a, b)), Some((c, d))) => Some((a.max(c), b.min(d))),
            _ => spend_days,
        };
        for s in &spend {
            covers.push(if s.metric == "marketing_spend" {
                spend_days
            } else {
                both
            });
        }
        series.extend(spend);
    }
    if !inputs.traffic.is_empty() {
        series.extend(traffic_metrics(&f));
        let days = inputs.traffic.iter().map(|x| x.day);
        covers.resize(series.len(), days.clone().min().zip(days.max()));
    }
    covers.resize(series.len(), None);
    if !inputs.answers.is_empty() {
        series.extend(survey_metrics(&f));
    }
    if !inputs.incidents.is_empty() {
        series.extend(incident_metrics(&f));
    }
    if !inputs.usage.is_empty() {
        series.extend(usage_metrics(&f));
    }
    if !inputs.processes.is_empty() {
        series.extend(process_metrics(&f));
    }
    // The first period is partial when the data (of a source with a record every day or
    // month) start more than a tenth of it after its first day; the last when the data's last
    // day is before its last.
    let partial = partial_by(g, &f.indices, first_data_day(inputs), last_data_day(inputs));
    let season = match g {
        Granularity::Week => 52,
        Granularity::Month => 12,
        Granularity::Quarter => 4,
    };
    let Frame { indices, .. } = f;
    let periods: Vec<String> = indices.iter().map(|&p| g.label(p)).collect();
    let month_of = |k: usize| -> String {
        let p = indices.get(k).copied().unwrap_or(0);
        let (_, m, _) = crate::calendar::civil_from_days(g.first_day(p));
        match g {
            Granularity::Quarter => format!("Q{}", (m - 1) / 3 + 1),
            _ => sextant_core::calendar::MONTH_NAMES[(m as usize + 11) % 12].to_string(),
        }
    };
    let words = crate::anomaly::Wording {
        season_of: (g != Granularity::Week).then_some(&month_of as &dyn Fn(usize) -> String),
        ..crate::anomaly::Wording::of_season(Some(season))
    };
    // Trailing-year metrics (and the process inventory's constant ones) move smoothly by
    // construction: not screened.
    let smooth = ["repeat_purchase_rate", "cltv", "ltv_cac", "automation_rate"];
    let anomalies = series
        .iter()
        .zip(&covers)
        .filter(|(s, _)| !smooth.contains(&s.metric))
        .flat_map(|(s, cover)| {
            // A partial period's values are so far, not final: not screened (nor are periods
            // the series' own data cover in part). Judged whole, a short first month made the
            // same month a year on look unusual.
            let own = partial_by(g, &indices, cover.map(|c| c.0), cover.map(|c| c.1));
            let screened: Vec<Option<f64>> = s
                .values
                .iter()
                .enumerate()
                .map(|(k, v)| if partial[k] || own[k] { None } else { *v })
                .collect();
            crate::anomaly::detect_named(&screened, Some(season), crate::anomaly::THRESHOLD, &words)
                .into_iter()
                .map(|a| Flagged {
                    metric: s.metric,
                    by: s.by.clone(),
                    period: periods[a.index].clone(),
                    value: round_to_unit(a.value, s.unit),
                    expected: round_to_unit(a.expected, s.unit),
                    score: (a.score * 100.0).round() / 100.0,
                    reason: a.reason,
                })
        })
        .collect();
    for s in &mut series {
        for v in s.values.iter_mut().flatten() {
            *v = round_to_unit(*v, s.unit);
        }
    }
    let partial_periods = periods
        .iter()
        .zip(&partial)
        .filter(|(_, p)| **p)
        .map(|(l, _)| l.clone())
        .collect();
    Table {
        granularity: g,
        periods,
        indices,
        series,
        partial_periods,
        anomalies,
    }
}

/// For each period of `indices`, whether data running from `first` to `last` (days) cover it
/// in part: the period of `last` when `last` is before its last day (a period still running
/// when the data were exported), the period of `first` when `first` leaves out more than a
/// tenth of its days (data starting on 2025-01-20; not a shop closed on New Year's Day).
fn partial_by(g: Granularity, indices: &[i32], first: Option<i32>, last: Option<i32>) -> Vec<bool> {
    indices
        .iter()
        .map(|&p| {
            first.is_some_and(|d| {
                g.index(d) == p && f64::from(d - g.first_day(p)) > 0.1 * f64::from(g.days(p))
            }) || last.is_some_and(|d| g.index(d) == p && d < g.first_day(p + 1) - 1)
        })
        .collect()
}

/// The periods a table covers, and the position of each: what every source's metrics are laid
/// out on.
struct Frame<'a> {
    inputs: &'a Inputs<'a>,
    g: Granularity,
    indices: Vec<i32>,
}

impl Frame<'_> {
    fn n(&self) -> usize {
        self.indices.len()
    }

    /// The position of period `p` in the table.
    fn pos(&self, p: i32) -> Option<usize> {
        let first = *self.indices.first()?;
        let k = p - first;
        (k >= 0 && (k as usize) < self.n()).then_some(k as usize)
    }

    fn channel_name(&self, c: u32) -> String {
        self.inputs
            .channels
            .map_or_else(|| format!("channel {c}"), |n| n.name(c).to_string())
    }

    /// The periods from a source's first record to its last.
    fn span(&self, days: impl Iterator<Item = i32>) -> Option<(i32, i32)> {
        days.fold(None, |acc, d| {
            Some(widen(acc, self.g.index(d), self.g.index(d)))
        })
    }

    /// Each source covers the periods from its first record to its last: outside them its
    /// metrics are unknown (null), not 0.
    fn mask(&self, series: &mut [Series], spans: &[Option<(i32, i32)>]) {
        for s in series {
            for (k, v) in s.values.iter_mut().enumerate() {
                let p = self.indices[k];
                if !spans
                    .iter()
                    .all(|sp| sp.is_some_and(|(a, b)| a <= p && p <= b))
                {
                    *v = None;
                }
            }
        }
    }
}

/// New customers per period, in all and by the channel of their first order: what the orders
/// give the acquisition cost.
struct NewCustomers {
    all: Vec<f64>,
    by_channel: BTreeMap<u32, Vec<f64>>,
}

impl NewCustomers {
    fn new(n: usize) -> NewCustomers {
        NewCustomers {
            all: vec![0.0; n],
            by_channel: BTreeMap::new(),
        }
    }
}

/// Revenue (in all, online, by channel), its growth, orders, order value, new, active and
/// repeat customers and the trailing-year CLTV; counts the new customers into `new`.
fn orders_metrics(f: &Frame, om: &OrderMetrics, new: &mut NewCustomers) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    let mut revenue = vec![Some(0.0); n];
    let mut orders = vec![Some(0.0); n];
    let mut by_channel: BTreeMap<u32, Vec<Option<f64>>> = BTreeMap::new();
    for (&p, agg) in &om.periods {
        let Some(k) = f.pos(p) else { continue };
        revenue[k] = Some(agg.revenue);
        orders[k] = Some(agg.orders as f64);
        for (&c, &(r, _)) in &agg.by_channel {
            by_channel.entry(c).or_insert_with(|| vec![Some(0.0); n])[k] = Some(r);
        }
    }
    let aov: Vec<Option<f64>> = (0..n)
        .map(|k| ratio(revenue[k].unwrap_or(0.0), orders[k].unwrap_or(0.0)))
        .collect();
    let mut active = vec![0.0; n];
    for v in om.visits() {
        if let Some(k) = f.pos(v.period()) {
            active[k] += 1.0;
        }
    }
    for c in om.customers.iter().filter(|c| c.orders > 0) {
        if let Some(k) = f.pos(om.g.index(c.first)) {
            new.all[k] += 1.0;
            if let Some(ch) = c.first_channel {
                new.by_channel.entry(ch).or_insert_with(|| vec![0.0; n])[k] += 1.0;
            }
        }
    }
    let year = match g {
        Granularity::Week => 52,
        Granularity::Month => 12,
        Granularity::Quarter => 4,
    };
    // The first period the orders cover in full: windows of past periods start there at the
    // earliest.
    let first_full = om.days.map(|(a, b)| {
        let p = g.index(a);
        p + i32::from(partial_by(g, &[p], Some(a), Some(b))[0])
    });
    let repeat = repeat_rate(f, om, year, first_full);
    series.push(Series {
        metric: "revenue",
        by: None,
        unit: Unit::Money,
        values: revenue.clone(),
    });
    // Online revenue: the channels whose name says online.
    let online: Vec<&Vec<Option<f64>>> = by_channel
        .iter()
        .filter(|(c, _)| is_online(&f.channel_name(**c)))
        .map(|(_, v)| v)
        .collect();
    if !online.is_empty() {
        let values: Vec<Option<f64>> = (0..n)
            .map(|k| Some(online.iter().map(|v| v[k].unwrap_or(0.0)).sum()))
            .collect();
        // Technology-enabled revenue growth: online revenue against the same period a
        // year before, not against a period the orders cover in part: a short first month
        // made the same month a year on grow by 169%. (A partial period's own growth is so
        // far, as its revenue is, and marked so.)
        let (first, last) = (om.days.map(|d| d.0), om.days.map(|d| d.1));
        let part = partial_by(g, &f.indices, first, last);
        let growth = (0..n)
            .map(|k| {
                let b = k.checked_sub(year as usize)?;
                if part[b] {
                    return None;
                }
                let before = values.get(b)?.filter(|b| *b != 0.0)?;
                Some(values[k]? / before - 1.0)
            })
            .collect();
        series.push(Series {
            metric: "online_revenue",
            by: None,
            unit: Unit::Money,
            values,
        });
        series.push(Series {
            metric: "tech_revenue_growth",
            by: None,
            unit: Unit::Fraction,
            values: growth,
        });
    }
    for (c, v) in &by_channel {
        series.push(Series {
            metric: "revenue",
            by: Some(f.channel_name(*c)),
            unit: Unit::Money,
            values: v.clone(),
        });
    }
    series.push(Series {
        metric: "orders",
        by: None,
        unit: Unit::Count,
        values: orders.clone(),
    });
    series.push(Series {
        metric: "average_order_value",
        by: None,
        unit: Unit::Money,
        values: aov.clone(),
    });
    series.push(Series {
        metric: "new_customers",
        by: None,
        unit: Unit::Count,
        values: new.all.iter().map(|&x| Some(x)).collect(),
    });
    series.push(Series {
        metric: "active_customers",
        by: None,
        unit: Unit::Count,
        values: active.iter().map(|&x| Some(x)).collect(),
    });
    series.push(Series {
        metric: "repeat_purchase_rate",
        by: None,
        unit: Unit::Fraction,
        values: repeat,
    });
    // Simple CLTV over the trailing year (months only): AOV x orders per customer per year
    // x gross margin x expected lifetime in years (1 / yearly churn), from the first month
    // with 24 months of orders behind it: the churn compares the customers of the year before
    // with the last year's, and a year before cut short by the start of the data (counting
    // from it) sees fewer, more frequent customers than a whole year would.
    if g == Granularity::Month {
        let margin = inputs.gross_margin.unwrap_or(1.0);
        // Each customer's active months as bits, from 23 months before the first period.
        let origin = f.indices.first().copied().unwrap_or(0) - 23;
        let words = (n + 23).div_ceil(64).max(1);
        let mut bits: Vec<u64> = vec![0; om.customers.len() * words];
        for v in om.visits() {
            let q = v.period() - origin;
            let c = v.customer() as usize;
            if q >= 0 && (q as usize) < n + 23 {
                bits[c * words + q as usize / 64] |= 1 << (q as usize % 64);
            }
        }
        let any = |c: usize, lo: i32, hi: i32| -> bool {
            (lo.max(0)..=hi)
                .any(|q| bits[c * words + q as usize / 64] >> (q as usize % 64) & 1 == 1)
        };
        let cltv: Vec<Option<f64>> = (0..n)
            .map(|k| {
                let p = f.indices[k];
                if first_full.is_none_or(|a| p - 23 < a) {
                    return None;
                }
                let (mut rev, mut ord) = (0.0, 0.0);
                for q in p - 11..=p {
                    if let Some(a) = om.periods.get(&q) {
                        rev += a.revenue;
                        ord += a.orders as f64;
                    }
                }
                let q = p - origin;
                let (mut last, mut prev, mut churned) = (0u64, 0u64, 0u64);
                for c in 0..om.customers.len() {
                    let l = any(c, q - 11, q);
                    let b = any(c, q - 23, q - 12);
                    last += u64::from(l);
                    prev += u64::from(b);
                    churned += u64::from(b && !l);
                }
                if prev == 0 || last == 0 {
                    return None;
                }
                let churn = churned as f64 / prev as f64;
                let aov = ratio(rev, ord)?;
                let per_customer = ord / last as f64;
                (churn > 0.0).then(|| aov * per_customer * margin / churn)
            })
            .collect();
        series.push(Series {
            metric: "cltv",
            by: None,
            unit: Unit::Money,
            values: cltv,
        });
    }
    f.mask(&mut series, &[om.span()]);
    series
}

/// The repeat purchase rate over the trailing `year` periods: of the customers who ordered in
/// the `year` periods ending with each one, the share with two purchase occasions or more
/// in them (orders on one day are one occasion, as product.md counts them for the predictive
/// CLV). Only where the window lies within the orders, from `first_full` (the first period
/// they cover in full): over a window cut short by the start of the data the rate would count
/// from the start, and rise as the data grow whatever the customers do.
fn repeat_rate(
    f: &Frame,
    om: &OrderMetrics,
    year: i32,
    first_full: Option<i32>,
) -> Vec<Option<f64>> {
    let n = f.n();
    let Some(first) = f.indices.first().copied() else {
        return Vec::new();
    };
    // The windows to count: those lying within the orders.
    let from = first_full.map_or(n, |a| {
        usize::try_from(a + year - 1 - first).unwrap_or(0).min(n)
    });
    if from >= n {
        return vec![None; n];
    }
    // Each customer's periods as bits of the table's positions: ordered in it, and ordered on
    // two days or more in it.
    let words = n.div_ceil(64);
    let mut active = vec![0u64; om.customers.len() * words];
    let mut twice = vec![0u64; om.customers.len() * words];
    for v in om.visits() {
        let c = v.customer() as usize;
        if let Some(k) = f.pos(v.period())
            && c < om.customers.len()
        {
            active[c * words + k / 64] |= 1 << (k % 64);
            if v.twice() {
                twice[c * words + k / 64] |= 1 << (k % 64);
            }
        }
    }
    // The bits set in positions lo..=hi.
    let count = |bits: &[u64], lo: usize, hi: usize| -> u32 {
        (lo / 64..=hi / 64)
            .map(|w| {
                let mut m = u64::MAX;
                if w == lo / 64 {
                    m &= u64::MAX << (lo % 64);
                }
                if w == hi / 64 && hi % 64 < 63 {
                    m &= (1u64 << (hi % 64 + 1)) - 1;
                }
                (bits[w] & m).count_ones()
            })
            .sum()
    };
    let span = year as usize;
    let mut ones = vec![0u32; n];
    let mut twos = vec![0u32; n];
    for c in 0..om.customers.len() {
        let (a, t) = (
            &active[c * words..(c + 1) * words],
            &twice[c * words..(c + 1) * words],
        );
        if a.iter().all(|w| *w == 0) {
            continue;
        }
        for k in from..n {
            let lo = (k + 1).saturating_sub(span);
            let seen = count(a, lo, k);
            if seen >= 1 {
                ones[k] += 1;
                if seen >= 2 || count(t, lo, k) >= 1 {
                    twos[k] += 1;
                }
            }
        }
    }
    (0..n)
        .map(|k| {
            if k < from {
                None
            } else {
                ratio(f64::from(twos[k]), f64::from(ones[k]))
            }
        })
        .collect()
}

/// Marketing spend, and with the orders the acquisition cost (in all and by channel) and
/// LTV:CAC.
fn spend_metrics(f: &Frame, orders: &[Series], new: &NewCustomers) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    let mut spend = vec![0.0; n];
    let mut by: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for s in inputs.spend {
        if let Some(k) = f.pos(g.index(s.day)) {
            spend[k] += s.amount;
            if let Some(c) = s.channel {
                by.entry(c).or_insert_with(|| vec![0.0; n])[k] += s.amount;
            }
        }
    }
    series.push(Series {
        metric: "marketing_spend",
        by: None,
        unit: Unit::Money,
        values: spend.iter().map(|&x| Some(x)).collect(),
    });
    if inputs.orders.is_some() {
        let cac: Vec<Option<f64>> = (0..n).map(|k| ratio(spend[k], new.all[k])).collect();
        if let Some(cltv) = orders.iter().find(|s| s.metric == "cltv") {
            let ltv_cac = (0..n)
                .map(|k| match (cltv.values[k], cac[k]) {
                    (Some(l), Some(c)) => ratio(l, c),
                    _ => None,
                })
                .collect();
            series.push(Series {
                metric: "ltv_cac",
                by: None,
                unit: Unit::Multiple,
                values: ltv_cac,
            });
        }
        series.push(Series {
            metric: "cac",
            by: None,
            unit: Unit::Money,
            values: cac,
        });
        // By channel where the spend's channels are also the orders' channels.
        for (c, v) in &by {
            let new = new.by_channel.get(c);
            let values: Vec<Option<f64>> = (0..n)
                .map(|k| ratio(v[k], new.map_or(0.0, |x| x[k])))
                .collect();
            if values.iter().any(Option::is_some) {
                series.push(Series {
                    metric: "cac",
                    by: Some(f.channel_name(*c)),
                    unit: Unit::Money,
                    values,
                });
            }
        }
    }
    let spend_span = f.span(inputs.spend.iter().map(|x| x.day));
    let orders_span = inputs.orders.and_then(OrderMetrics::span);
    f.mask(&mut series[..1], &[spend_span]);
    f.mask(&mut series[1..], &[spend_span, orders_span]);
    series
}

/// Sessions and the conversion rate (in all and by channel).
fn traffic_metrics(f: &Frame) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    let mut s = vec![0.0; n];
    let mut c = vec![0.0; n];
    let mut by: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for t in inputs.traffic {
        if let Some(k) = f.pos(g.index(t.day)) {
            s[k] += t.sessions;
            c[k] += t.conversions;
            if let Some(ch) = t.channel {
                let e = by.entry(ch).or_insert_with(|| (vec![0.0; n], vec![0.0; n]));
                e.0[k] += t.sessions;
                e.1[k] += t.conversions;
            }
        }
    }
    series.push(Series {
        metric: "sessions",
        by: None,
        unit: Unit::Count,
        values: s.iter().map(|&x| Some(x)).collect(),
    });
    series.push(Series {
        metric: "conversion_rate",
        by: None,
        unit: Unit::Fraction,
        values: (0..n).map(|k| ratio(c[k], s[k])).collect(),
    });
    for (ch, (s, c)) in &by {
        series.push(Series {
            metric: "conversion_rate",
            by: Some(f.channel_name(*ch)),
            unit: Unit::Fraction,
            values: (0..n).map(|k| ratio(c[k], s[k])).collect(),
        });
    }
    f.mask(&mut series, &[f.span(inputs.traffic.iter().map(|x| x.day))]);
    series
}

/// CSAT, NPS and eNPS from the survey answers.
fn survey_metrics(f: &Frame) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    for (survey, metric) in [
        (Survey::Csat, "csat"),
        (Survey::Nps, "nps"),
        (Survey::Enps, "enps"),
    ] {
        let mut total = vec![0.0; n];
        let mut good = vec![0.0; n];
        let mut bad = vec![0.0; n];
        let mut any = false;
        for a in inputs.answers.iter().filter(|a| a.survey == survey) {
            any = true;
            if let Some(k) = f.pos(g.index(a.day)) {
                total[k] += 1.0;
                match survey {
                    Survey::Csat => good[k] += f64::from(u8::from(a.score >= 4.0)),
                    Survey::Nps | Survey::Enps => {
                        good[k] += f64::from(u8::from(a.score >= 9.0));
                        bad[k] += f64::from(u8::from(a.score <= 6.0));
                    }
                }
            }
        }
        if !any {
            continue;
        }
        let values = (0..n)
            .map(|k| match survey {
                Survey::Csat => ratio(good[k], total[k]),
                _ => ratio(100.0 * (good[k] - bad[k]), total[k]),
            })
            .collect();
        series.push(Series {
            metric,
            by: None,
            unit: if survey == Survey::Csat {
                Unit::Fraction
            } else {
                Unit::Score
            },
            values,
        });
    }
    series
}

/// Uptime, MTTR, MTBF and security incidents (per 100 employees when known).
fn incident_metrics(f: &Frame) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    let mut downtime = vec![0.0; n];
    let mut failures = vec![0.0; n];
    let mut repair = vec![(0.0, 0.0); n];
    let mut security = vec![0.0; n];
    for inc in inputs.incidents {
        let start_day = inc.start.div_euclid(1440) as i32;
        if let Some(k) = f.pos(g.index(start_day)) {
            if inc.security {
                security[k] += 1.0;
            }
            if inc.outage {
                failures[k] += 1.0;
            }
            if let Some(end) = inc.end {
                repair[k].0 += (end - inc.start) as f64 / 60.0;
                repair[k].1 += 1.0;
            }
        }
        // Downtime split over the periods the outage spans. An outage without a resolution
        // time counts as down to the end of the period it started in.
        let end = inc
            .end
            .unwrap_or_else(|| i64::from(g.first_day(g.index(start_day) + 1)) * 1440);
        if inc.outage {
            for (k, &p) in f.indices.iter().enumerate() {
                let a = i64::from(g.first_day(p)) * 1440;
                let b = i64::from(g.first_day(p + 1)) * 1440;
                let overlap = (end.min(b) - inc.start.max(a)).max(0);
                downtime[k] += overlap as f64;
            }
        }
    }
    let minutes = |k: usize| f64::from(g.days(f.indices[k])) * 1440.0;
    series.push(Series {
        metric: "uptime",
        by: None,
        unit: Unit::Fraction,
        values: (0..n)
            .map(|k| Some(1.0 - downtime[k] / minutes(k)))
            .collect(),
    });
    series.push(Series {
        metric: "mttr",
        by: None,
        unit: Unit::Hours,
        values: (0..n).map(|k| ratio(repair[k].0, repair[k].1)).collect(),
    });
    series.push(Series {
        metric: "mtbf",
        by: None,
        unit: Unit::Hours,
        values: (0..n)
            .map(|k| ratio((minutes(k) - downtime[k]) / 60.0, failures[k]))
            .collect(),
    });
    series.push(Series {
        metric: "security_incidents",
        by: None,
        unit: Unit::Count,
        values: security.iter().map(|&x| Some(x)).collect(),
    });
    if let Some(e) = inputs.employees.filter(|&e| e > 0) {
        series.push(Series {
            metric: "security_incidents_per_100_employees",
            by: None,
            unit: Unit::Count,
            values: security
                .iter()
                .map(|&x| Some(x * 100.0 / f64::from(e)))
                .collect(),
        });
    }
    series
}

/// The adoption rate of the systems (in all and by system).
fn usage_metrics(f: &Frame) -> Vec<Series> {
    let (inputs, g, n) = (f.inputs, f.g, f.n());
    let mut series: Vec<Series> = Vec::new();
    let mut by: BTreeMap<u32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut all = (vec![0.0; n], vec![0.0; n]);
    for u in inputs.usage {
        if let Some(k) = f.pos(g.index(u.day)) {
            let e = by
                .entry(u.system)
                .or_insert_with(|| (vec![0.0; n], vec![0.0; n]));
            e.0[k] += u.active;
            e.1[k] += u.licensed;
            all.0[k] += u.active;
            all.1[k] += u.licensed;
        }
    }
    series.push(Series {
        metric: "adoption_rate",
        by: None,
        unit: Unit::Fraction,
        values: (0..n).map(|k| ratio(all.0[k], all.1[k])).collect(),
    });
    for (sys, (a, l)) in &by {
        series.push(Series {
            metric: "adoption_rate",
            by: Some(
                inputs
                    .systems
                    .map_or_else(|| format!("system {sys}"), |s| s.name(*sys).to_string()),
            ),
            unit: Unit::Fraction,
            values: (0..n).map(|k| ratio(a[k], l[k])).collect(),
        });
    }
    series
}

/// The automation rate and the cost saved by automation, from the process inventory.
fn process_metrics(f: &Frame) -> Vec<Series> {
    let (inputs, n) = (f.inputs, f.n());
    let mut series: Vec<Series> = Vec::new();
    let automated = inputs.processes.iter().filter(|p| p.automated).count() as f64;
    let rate = automated / inputs.processes.len() as f64;
    series.push(Series {
        metric: "automation_rate",
        by: None,
        unit: Unit::Fraction,
        values: vec![Some(rate); n.max(1)],
    });
    let both: Vec<(f64, f64)> = inputs
        .processes
        .iter()
        .filter_map(|p| p.baseline_cost.zip(p.cost))
        .collect();
    if !both.is_empty() {
        let saved: f64 = both.iter().map(|(b, c)| b - c).sum();
        series.push(Series {
            metric: "tech_cost_reduction",
            by: None,
            unit: Unit::Money,
            values: vec![Some(saved); n.max(1)],
        });
    }
    series
}

/// A value rounded as its unit is read: money to the cent, fractions to 4 places (0.01 of a
/// percent), everything else to 2 places.
pub fn round_to_unit(v: f64, unit: Unit) -> f64 {
    let places = match unit {
        Unit::Fraction => 4,
        _ => 2,
    };
    round_to(v, places)
}

/// `v` rounded to `places` decimal places (half away from zero); not finite values unchanged.
pub fn round_to(v: f64, places: i32) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    // Very large values have no fractional digits to round.
    if r.is_finite() { r } else { v }
}

/// The first day of the data with a record every day or month (orders, marketing spend,
/// sessions): sparse records (incidents, survey answers, usage counts) say nothing of where the
/// data start.
fn first_data_day(inputs: &Inputs) -> Option<i32> {
    inputs
        .orders
        .and_then(OrderMetrics::days)
        .map(|(a, _)| a)
        .into_iter()
        .chain(inputs.spend.iter().map(|x| x.day))
        .chain(inputs.traffic.iter().map(|x| x.day))
        .min()
}

/// The first and last day the marketing spend covers (spend given for a month, on its first
/// day, covers the month).
fn spend_days(inputs: &Inputs) -> Option<(i32, i32)> {
    let first = inputs.spend.iter().map(|x| x.day).min()?;
    let last = inputs.spend.iter().map(|x| spend_end(x.day)).max()?;
    Some((first, last))
}

/// The last day a marketing spend row covers: its day, or for spend given on the first of a
/// month (a month's spend), the month's last day.
pub fn spend_end(day: i32) -> i32 {
    let (_, _, d) = crate::calendar::civil_from_days(day);
    if d == 1 {
        let m = Granularity::Month;
        m.first_day(m.index(day) + 1) - 1
    } else {
        day
    }
}

/// The last day of data of any kind. Spend given for a month (on its first day) covers the
/// month.
fn last_data_day(inputs: &Inputs) -> Option<i32> {
    let spend = inputs.spend.iter().map(|x| spend_end(x.day));
    inputs
        .orders
        .and_then(OrderMetrics::days)
        .map(|(_, b)| b)
        .into_iter()
        .chain(spend)
        .chain(inputs.traffic.iter().map(|x| x.day))
        .chain(inputs.answers.iter().map(|x| x.day))
        .chain(inputs.usage.iter().map(|x| x.day))
        .chain(
            inputs
                .incidents
                .iter()
                .map(|x| x.end.unwrap_or(x.start).div_euclid(1440) as i32),
        )
        .max()
}

/// A metric of the catalogue, for `sextant metrics --list` and the docs.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    /// Its id.
    pub id: &'static str,
    /// Its formula in words.
    pub formula: &'static str,
    /// The data it needs.
    pub needs: &'static str,
}

/// The catalogue.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        id: "revenue",
        formula: "sum of order totals (also by channel)",
        needs: "orders",
    },
    Definition {
        id: "orders",
        formula: "number of orders",
        needs: "orders",
    },
    Definition {
        id: "average_order_value",
        formula: "revenue / orders",
        needs: "orders",
    },
    Definition {
        id: "new_customers",
        formula: "customers whose first order falls in the period",
        needs: "orders",
    },
    Definition {
        id: "active_customers",
        formula: "customers with an order in the period",
        needs: "orders",
    },
    Definition {
        id: "repeat_purchase_rate",
        formula: "of the customers who ordered in the trailing 12 months (52 weeks, 4 quarters) ending with the period, the share with >= 2 purchase occasions in them (orders on one day are one occasion); from the first period with a full year of orders behind it",
        needs: "orders, a year",
    },
    Definition {
        id: "cltv",
        formula: "trailing-year AOV x orders per active customer x gross margin / yearly churn (customers active in the year before, not in the last year); from the first month with 24 months of orders behind it",
        needs: "orders, 24 months",
    },
    Definition {
        id: "marketing_spend",
        formula: "sum of marketing spend (also by channel)",
        needs: "marketing",
    },
    Definition {
        id: "cac",
        formula: "marketing spend / new customers (by channel: of the channel's first orders)",
        needs: "orders, marketing",
    },
    Definition {
        id: "ltv_cac",
        formula: "cltv / cac",
        needs: "orders, marketing",
    },
    Definition {
        id: "sessions",
        formula: "sum of sessions",
        needs: "sessions",
    },
    Definition {
        id: "conversion_rate",
        formula: "conversions / sessions (also by channel)",
        needs: "sessions",
    },
    Definition {
        id: "csat",
        formula: "share of answers of 4 or 5 on a 1-5 scale",
        needs: "surveys",
    },
    Definition {
        id: "nps",
        formula: "% answering 9-10 minus % answering 0-6, in points (-100 to 100)",
        needs: "surveys",
    },
    Definition {
        id: "enps",
        formula: "as nps, for employees",
        needs: "surveys",
    },
    Definition {
        id: "uptime",
        formula: "1 - outage downtime / period length (an outage never resolved counts as down to the end of the period it started in)",
        needs: "incidents",
    },
    Definition {
        id: "mttr",
        formula: "mean hours from start to resolution of incidents started in the period",
        needs: "incidents",
    },
    Definition {
        id: "mtbf",
        formula: "(period length - downtime) / outages, in hours",
        needs: "incidents",
    },
    Definition {
        id: "security_incidents",
        formula: "security incidents started in the period (and per 100 employees)",
        needs: "incidents",
    },
    Definition {
        id: "adoption_rate",
        formula: "active users / licensed users (also by system)",
        needs: "usage",
    },
    Definition {
        id: "tech_revenue_growth",
        formula: "online revenue against the same period a year before, minus 1",
        needs: "orders with a channel, a year",
    },
    Definition {
        id: "tech_cost_reduction",
        formula: "sum over processes of baseline cost - current cost",
        needs: "processes with costs",
    },
    Definition {
        id: "automation_rate",
        formula: "automated processes / all processes",
        needs: "processes",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON of a series names its unit as it always has: `currency`, `fraction`, `ratio`
    /// (a multiple such as LTV:CAC), `points`.
    #[test]
    fn series_units_keep_their_json_names() {
        let json = |metric: &'static str, unit: Unit| {
            let s = Series {
                metric,
                by: None,
                unit,
                values: vec![Some(1.5), None],
            };
            serde_json::to_string(&s).unwrap_or_default()
        };
        assert_eq!(
            json("revenue", Unit::Money),
            r#"{"metric":"revenue","by":null,"unit":"currency","values":[1.5,null]}"#
        );
        assert_eq!(
            json("ltv_cac", Unit::Multiple),
            r#"{"metric":"ltv_cac","by":null,"unit":"ratio","values":[1.5,null]}"#
        );
        assert_eq!(
            json("conversion_rate", Unit::Fraction),
            r#"{"metric":"conversion_rate","by":null,"unit":"fraction","values":[1.5,null]}"#
        );
        assert_eq!(
            json("nps", Unit::Score),
            r#"{"metric":"nps","by":null,"unit":"points","values":[1.5,null]}"#
        );
    }
}

#[cfg(test)]
mod dense_tests {
    use super::*;
    use proptest::prelude::*;

    /// The catalogue over orders accumulated by `make`, in two accumulators of their own
    /// customers absorbed into one (as the import's shards are), or merged (as files are).
    fn table(orders: &[Order], g: Granularity, sparse: bool, absorb: bool) -> Table {
        let make = || {
            if sparse {
                OrderMetrics::new_sparse(g)
            } else {
                OrderMetrics::new(g)
            }
        };
        let (mut a, mut b) = (make(), make());
        for o in orders {
            if absorb && o.customer % 2 == 1 {
                b.add(&Order {
                    customer: o.customer / 2,
                    ..*o
                });
            } else if absorb {
                a.add(&Order {
                    customer: o.customer / 2,
                    ..*o
                });
            } else if o.day % 2 == 0 {
                a.add(o);
            } else {
                b.add(o);
            }
        }
        if absorb {
            a.absorb(b);
        } else {
            a.merge(b);
        }
        let mut channels = Names::default();
        channels.intern("store");
        channels.intern("online");
        compute(
            &Inputs {
                orders: a.span().is_some().then_some(&a),
                channels: Some(&channels),
                ..Inputs::default()
            },
            g,
            None,
            None,
        )
    }

    /// What an accumulator holds after orders added one by one, or in batches of `chunk`
    /// ([`OrderMetrics::add_batch`]): each period's totals (revenue to the bit), each
    /// customer's figures, the visits and the first and last day.
    #[allow(clippy::type_complexity)]
    fn added(
        orders: &[Order],
        g: Granularity,
        chunk: Option<usize>,
    ) -> (
        Vec<(i32, u64, u64, Vec<(u32, u64, u64)>)>,
        Vec<(i32, u32, Option<u32>)>,
        Vec<u64>,
        Option<(i32, i32)>,
    ) {
        let mut om = OrderMetrics::new(g);
        match chunk {
            None => orders.iter().for_each(|o| om.add(o)),
            Some(n) => orders.chunks(n.max(1)).for_each(|c| om.add_batch(c)),
        }
        let periods = om
            .periods
            .iter()
            .map(|(p, e)| {
                let channels = e
                    .by_channel
                    .iter()
                    .map(|(c, (r, n))| (*c, r.to_bits(), *n))
                    .collect();
                (*p, e.revenue.to_bits(), e.orders, channels)
            })
            .collect();
        let customers = om
            .customers
            .iter()
            .map(|c| (c.first, c.orders, c.first_channel))
            .collect();
        let mut visits: Vec<u64> = om.visits().map(|v| v.0).collect();
        visits.sort_unstable();
        (periods, customers, visits, om.days)
    }

    #[test]
    fn a_batch_over_centuries_of_weeks_adds_as_one_by_one() {
        // 9,000 weeks apart and 60,000 days apart: past the batch's span of periods and the
        // day table's, the plain reading of each order.
        let orders: Vec<Order> = (0..300)
            .map(|k| Order {
                day: (k * 7_919) % 120_000 - 60_000,
                customer: (k % 37) as u32,
                amount: 0.1 * f64::from(k),
                channel: Some((k % 2) as u32),
            })
            .collect();
        for g in [Granularity::Week, Granularity::Month] {
            assert_eq!(added(&orders, g, Some(64)), added(&orders, g, None));
        }
    }

    #[test]
    fn visits_too_many_for_a_table_move_to_the_set() {
        // 200 customers over 8,000 years of weeks: 83 million cells, beyond the table's limit.
        let orders: Vec<Order> = (0..400)
            .map(|k| Order {
                day: if k % 2 == 0 { 0 } else { 2_900_000 },
                customer: k / 2,
                amount: 1.0,
                channel: None,
            })
            .collect();
        let (mut om, mut set) = (
            OrderMetrics::new(Granularity::Week),
            OrderMetrics::new_sparse(Granularity::Week),
        );
        for o in &orders {
            om.add(o);
            set.add(o);
        }
        assert!(om.dense.is_none());
        let visits = |om: &OrderMetrics| {
            let mut v: Vec<u64> = om.visits().map(|v| v.0).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(visits(&om).len(), 400);
        assert_eq!(visits(&om), visits(&set));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Visits kept in a table of customers by periods give the figures a hash set of
        /// visits gives, for any orders, periods, ranges and ways of putting accumulators
        /// together.
        #[test]
        fn a_table_of_visits_counts_as_a_set_does(
            orders in proptest::collection::vec(
                (prop_oneof![20_000i32..20_800, 19_800i32..21_000, Just(19_700)],
                 0u32..300, 1u32..500, proptest::option::of(0u32..2)),
                0..200),
            g in prop_oneof![Just(Granularity::Week), Just(Granularity::Month), Just(Granularity::Quarter)],
            absorb in any::<bool>(),
        ) {
            let orders: Vec<Order> = orders
                .into_iter()
                .map(|(day, customer, cents, channel)| Order {
                    day,
                    customer,
                    amount: f64::from(cents) / 4.0,
                    channel,
                })
                .collect();
            // With the orders in date order too (the range then grows at one end).
            let mut sorted = orders.clone();
            sorted.sort_by_key(|o| o.day);
            for os in [&orders, &sorted] {
                prop_assert_eq!(table(os, g, false, absorb), table(os, g, true, absorb));
            }
        }

        /// Orders added in batches give, to the bit, the figures of adding them one by one:
        /// the periods' totals sum in the same order, each customer's orders come in theirs.
        #[test]
        fn orders_added_in_batches_count_as_one_by_one(
            orders in proptest::collection::vec(
                (prop_oneof![20_000i32..20_800, 19_800i32..21_000, Just(19_700), -60_000i32..60_000],
                 0u32..300, 1u32..50_000, proptest::option::of(0u32..2)),
                0..300),
            g in prop_oneof![Just(Granularity::Week), Just(Granularity::Month), Just(Granularity::Quarter)],
            chunk in 1usize..120,
        ) {
            let orders: Vec<Order> = orders
                .into_iter()
                .map(|(day, customer, cents, channel)| Order {
                    day,
                    customer,
                    amount: f64::from(cents) / 100.0,
                    channel,
                })
                .collect();
            prop_assert_eq!(added(&orders, g, Some(chunk)), added(&orders, g, None));
        }
    }
}
