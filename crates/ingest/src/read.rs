//! Rows into typed records of any kind ([`read`](fn@crate::read)): which column holds each field, the
//! day/month order of the dates settled from the whole file, each row's cells parsed, and
//! the report of what was read (rows, bad rows skipped, repeated orders rows).

use sextant_metrics::records::{
    Answer, Incident, Names, Order, Process, Spend, Survey, Traffic, Usage,
};

use crate::kinds::{DATE, incidents, marketing, processes, sessions, surveys, usage};
use crate::orders::{OrderRow, parse_order};
use crate::rows::{Row, check_row, open};
use crate::{DateOrder, ImportError, Kind, Options, RowProblem, Source, normalise, parse};

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
pub(crate) struct Repeats {
    day: Option<i32>,
    seen: std::collections::HashMap<u64, u64, sextant_metrics::records::FxBuild>,
}

impl Repeats {
    pub(crate) fn see(&mut self, day: i32, row: &Row, line: u64, report: &mut Report) {
        self.see_fingerprint(day, row.fingerprint(), line, report);
    }

    /// [`Repeats::see`] for a row already fingerprinted ([`Row::fingerprint`]).
    pub(crate) fn see_fingerprint(&mut self, day: i32, fp: u64, line: u64, report: &mut Report) {
        if self.day != Some(day) {
            self.seen.clear();
            self.day = Some(day);
        }
        match self.seen.entry(fp) {
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

/// Which column holds each field: `None` for an absent optional field.
pub(crate) fn columns(
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
pub(crate) fn date_order(
    source: &Source,
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
    if source.is_stdin() {
        return Ok(None);
    }
    let (_, mut rows) = open(source, opts)?;
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

/// A file opened for reading as one kind: its header and rows, the column of each field, the
/// day/month order of its dates, and the report begun with the columns read.
pub(crate) struct Opened {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: crate::rows::Rows,
    pub(crate) cols: Vec<Option<usize>>,
    pub(crate) order: Option<DateOrder>,
    pub(crate) report: Report,
}

/// Opens `source` as `kind`: what every reader of a kind does before its rows.
pub(crate) fn opened(source: &Source, kind: Kind, opts: &Options) -> Result<Opened, ImportError> {
    let (headers, rows) = open(source, opts)?;
    let cols = columns(kind, &headers, opts)?;
    let order = date_order(source, kind, &cols, &headers, opts)?;
    let report = Report {
        columns: kind
            .fields()
            .iter()
            .zip(&cols)
            .filter_map(|(f, c)| c.map(|c| (f.name.to_string(), headers[c].clone())))
            .collect(),
        ..Report::default()
    };
    Ok(Opened {
        headers,
        rows,
        cols,
        order,
        report,
    })
}

/// Reads one file of the given kind, handing each good record to `sink`. With
/// `skip_bad_rows` off, any bad row makes the whole import fail (the caller must then drop
/// what the sink received); every bad row is reported either way.
pub fn read(
    source: impl Into<Source>,
    kind: Kind,
    opts: &Options,
    names: &mut Interners,
    mut sink: impl FnMut(Record),
    mut progress: impl FnMut(u64),
) -> Result<Report, ImportError> {
    let source = source.into();
    if kind == Kind::Assets {
        return Err(ImportError::BadMap(
            "an asset list is read into the asset register (`sextant assets`), not as business data".into(),
        ));
    }
    let Opened {
        headers,
        mut rows,
        cols,
        order,
        mut report,
    } = opened(&source, kind, opts)?;
    let fields = kind.fields();
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut scratch = Names::default();
    let mut repeats = Repeats::default();
    let mut memo = None;
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
            Kind::Orders => {
                match parse_order(&row, line, &cols, &headers, order, opts, &mut memo) {
                    Ok(OrderRow {
                        day,
                        amount,
                        customer: c,
                        channel,
                    }) => {
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
                }
            }
            Kind::Marketing => {
                let day = get!(marketing::DATE, date);
                let amount = get!(marketing::AMOUNT, money);
                let channel = cell(marketing::CHANNEL)
                    .map(str::trim)
                    .filter(|c| !c.is_empty());
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
                let day = get!(sessions::DATE, date);
                let sessions = get!(sessions::SESSIONS, parse::number);
                let conversions =
                    if cell(sessions::CONVERSIONS).is_some_and(|c| !c.trim().is_empty()) {
                        get!(sessions::CONVERSIONS, parse::number)
                    } else {
                        Some(0.0)
                    };
                let channel = cell(sessions::CHANNEL)
                    .map(str::trim)
                    .filter(|c| !c.is_empty());
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
                let start = get!(incidents::START, date);
                let end = if cell(incidents::END).is_some_and(|c| !c.trim().is_empty()) {
                    get!(incidents::END, date).map(Some)
                } else {
                    Some(None)
                };
                let kind_text = cell(incidents::SECURITY).map(|s| s.trim().to_ascii_lowercase());
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
                let outage = match cell(incidents::OUTAGE) {
                    Some(s) if !s.trim().is_empty() => get!(incidents::OUTAGE, parse::yes_no),
                    // Without an outage column, every incident that is not a security
                    // incident (or is typed as an outage) counts as one.
                    _ => Some(
                        kind_text
                            .as_deref()
                            .is_some_and(|t| t.contains("outage") || t.contains("down"))
                            || security == Some(false),
                    ),
                };
                let system = cell(incidents::SYSTEM)
                    .map(str::trim)
                    .filter(|c| !c.is_empty());
                let minute =
                    |(d, m): (i32, Option<u32>)| i64::from(d) * 1440 + i64::from(m.unwrap_or(0));
                match (start, end, security, outage) {
                    (Some(s), Some(e), Some(security), Some(outage)) => {
                        let (s, e) = (minute(s), e.map(minute));
                        if e.is_some_and(|e| e < s) {
                            bad.get_or_insert(problem(
                                1,
                                format!(
                                    "{:?}, before the start",
                                    cell(incidents::END).unwrap_or("")
                                ),
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
                let day = get!(surveys::DATE, date);
                let score = get!(surveys::SCORE, parse::number);
                let survey = match cell(surveys::SURVEY).map(|s| s.trim().to_ascii_lowercase()) {
                    Some(t) if t.contains("enps") || t.contains("employee") => Some(Survey::Enps),
                    Some(t) if t.contains("nps") || t.contains("recommend") => Some(Survey::Nps),
                    Some(t) if t.contains("csat") || t.contains("satisf") => Some(Survey::Csat),
                    Some(t) if !t.is_empty() => {
                        bad.get_or_insert(problem(surveys::SURVEY, format!("{t:?}")));
                        None
                    }
                    _ => opts.survey.or_else(|| {
                        bad.get_or_insert(RowProblem {
                            expected: "a `survey` column, or --survey csat|nps|enps".into(),
                            ..problem(surveys::SCORE, "answers without a survey".into())
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
                                ..problem(surveys::SCORE, score.to_string())
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
                let day = get!(usage::DATE, date);
                let system = get!(usage::SYSTEM, |s: &str| Some(s.trim())
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| "an empty cell".to_string()));
                let active = get!(usage::ACTIVE, parse::number);
                let licensed = get!(usage::LICENSED, parse::number);
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
                let name = get!(processes::PROCESS, |s: &str| Some(s.trim())
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| "an empty cell".to_string()));
                let automated = get!(processes::AUTOMATED, parse::yes_no);
                let optional_money = |fi: usize| cell(fi).filter(|c| !c.trim().is_empty());
                let baseline_cost = match optional_money(processes::BASELINE_COST) {
                    Some(_) => get!(processes::BASELINE_COST, money).map(Some),
                    None => Some(None),
                };
                let cost = match optional_money(processes::COST) {
                    Some(_) => get!(processes::COST, money).map(Some),
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
            Kind::Assets => None,
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
