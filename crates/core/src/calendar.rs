//! Days and periods: the one place the workspace computes calendar dates and reads period
//! labels. A day is a count of days since 1970-01-01 in the proleptic Gregorian calendar
//! (Hinnant's civil-date algorithms), so no date crate is needed.
//!
//! [`Period::parse`] reads every period label a front door takes (the forecast's series, the
//! data import's date and period columns, budget periods): days `2027-03-15`, ISO weeks
//! `2027-W05`, months `2027-03`, `Mar 2027`, `03/2027`, quarters `2027Q1`, `2027-Q1`,
//! `Q1 2027` and years `2027`, in any case and surrounded by any space. Each period has one
//! canonical label ([`Period`]'s `Display`): `2027-03-15`, `2027-W05`, `2027-03`, `2027-Q1`,
//! `2027`.

use std::fmt;

/// Days since 1970-01-01 of a calendar date (Hinnant's `days_from_civil`).
#[inline]
pub const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date (year, month 1-12, day 1-31) of a day count (Hinnant's
/// `civil_from_days`).
#[inline]
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The calendar date of a count of seconds since 1970-01-01 00:00 UTC, with the seconds into
/// that day.
pub fn civil_from_seconds(t: i64) -> ((i32, u32, u32), u32) {
    let days = t
        .div_euclid(86_400)
        .clamp(i64::from(i32::MIN / 2), i64::from(i32::MAX / 2));
    (civil_from_days(days as i32), t.rem_euclid(86_400) as u32)
}

/// Whether `y` is a leap year.
#[inline]
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The number of days in month `m` (1-12) of year `y` (0 for a month that does not exist).
#[inline]
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => 0,
    }
}

/// Whether a date exists.
#[inline]
pub fn valid_date(y: i32, m: u32, d: u32) -> bool {
    (1..=days_in_month(y, m)).contains(&d)
}

/// The day of the week of a day count: 0 for Monday to 6 for Sunday (1970-01-01 was a
/// Thursday).
pub fn weekday(day: i32) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

/// The Monday that starts ISO week 1 of year `y` (the week holding 4 January).
fn iso_year_start(y: i32) -> i32 {
    let jan4 = days_from_civil(y, 1, 4);
    jan4 - weekday(jan4) as i32
}

/// The number of ISO weeks of year `y`: 52, or 53 in the years whose 1 January is a
/// Thursday (or a Wednesday, in a leap year).
pub fn iso_weeks_in_year(y: i32) -> u32 {
    ((iso_year_start(y + 1) - iso_year_start(y)) / 7) as u32
}

/// The ISO year and week (1-53) of a day.
pub fn iso_week(day: i32) -> (i32, u32) {
    // The week's Thursday is in its ISO year.
    let thursday = day - weekday(day) as i32 + 3;
    let (y, _, _) = civil_from_days(thursday);
    (y, ((thursday - iso_year_start(y)) / 7 + 1) as u32)
}

/// The English names of the months, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month in words, as people write it: `March 2027`.
pub fn month_words(m: crate::model::Month) -> String {
    format!(
        "{} {}",
        MONTH_NAMES[(m.month().clamp(1, 12) - 1) as usize],
        m.year()
    )
}

/// The month (1-12) a month's English name or an abbreviation of it names (three letters or
/// more, in any case, a full stop allowed): `Mar`, `March`, `Sept`, `mar.`.
pub fn month_number(s: &str) -> Option<u32> {
    let l = s.strip_suffix('.').unwrap_or(s);
    if l.len() < 3 || !l.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|n| n.len() >= l.len() && n[..l.len()].eq_ignore_ascii_case(l))
        .map(|i| i as u32 + 1)
}

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A calendar day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
}

impl Unit {
    /// Every unit, shortest first.
    pub const ALL: [Unit; 5] = [
        Unit::Day,
        Unit::Week,
        Unit::Month,
        Unit::Quarter,
        Unit::Year,
    ];

    /// `day`, `week`, `month`, `quarter` or `year`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Quarter => "quarter",
            Unit::Year => "year",
        }
    }

    /// The unit with its article, as a message names it: `a month`, `an ISO week`.
    pub fn described(self) -> &'static str {
        match self {
            Unit::Day => "a day",
            Unit::Week => "an ISO week",
            Unit::Month => "a month",
            Unit::Quarter => "a quarter",
            Unit::Year => "a year",
        }
    }

    /// How a message tells the user to write a period of this unit.
    fn forms(self) -> &'static str {
        match self {
            Unit::Day => "a day as 2027-03-15",
            Unit::Week => "an ISO week as 2027-W05",
            Unit::Month => "a month as 2027-03, Mar 2027 or 03/2027",
            Unit::Quarter => "a quarter as 2027Q1, 2027-Q1 or Q1 2027",
            Unit::Year => "a year as 2027",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A calendar period. Each holds a count from a fixed origin, so that the periods of one unit
/// are consecutive integers ([`Period::key`], [`Period::plus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// Days since 1970-01-01.
    Day(i32),
    /// ISO weeks since the one starting Monday 1969-12-29.
    Week(i32),
    /// Months since January of year 0 (`year * 12 + month - 1`).
    Month(i32),
    /// Quarters since the first of year 0 (`year * 4 + quarter - 1`).
    Quarter(i32),
    /// The calendar year.
    Year(i32),
}

impl Period {
    /// The month `m` (1-12) of year `y`.
    pub fn month(y: i32, m: u32) -> Period {
        Period::Month(y * 12 + m as i32 - 1)
    }

    /// The quarter `q` (1-4) of year `y`.
    pub fn quarter(y: i32, q: u32) -> Period {
        Period::Quarter(y * 4 + q as i32 - 1)
    }

    /// ISO week `w` of year `y`.
    pub fn week(y: i32, w: u32) -> Period {
        Period::Week((iso_year_start(y) + 7 * (w as i32 - 1) + 3).div_euclid(7))
    }

    /// The period's unit.
    pub fn unit(self) -> Unit {
        match self {
            Period::Day(_) => Unit::Day,
            Period::Week(_) => Unit::Week,
            Period::Month(_) => Unit::Month,
            Period::Quarter(_) => Unit::Quarter,
            Period::Year(_) => Unit::Year,
        }
    }

    /// Its count from its unit's origin: consecutive periods have consecutive keys.
    pub fn key(self) -> i32 {
        match self {
            Period::Day(k)
            | Period::Week(k)
            | Period::Month(k)
            | Period::Quarter(k)
            | Period::Year(k) => k,
        }
    }

    /// The period of `unit` with this key.
    pub fn from_key(unit: Unit, key: i32) -> Period {
        match unit {
            Unit::Day => Period::Day(key),
            Unit::Week => Period::Week(key),
            Unit::Month => Period::Month(key),
            Unit::Quarter => Period::Quarter(key),
            Unit::Year => Period::Year(key),
        }
    }

    /// The period `n` periods later (earlier when `n` is negative).
    pub fn plus(self, n: i32) -> Period {
        Period::from_key(self.unit(), self.key() + n)
    }

    /// Its first day (days since 1970-01-01).
    pub fn first_day(self) -> i32 {
        match self {
            Period::Day(d) => d,
            Period::Week(w) => w * 7 - 3,
            Period::Month(m) => days_from_civil(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1),
            Period::Quarter(q) => Period::Month(q * 3).first_day(),
            Period::Year(y) => days_from_civil(y, 1, 1),
        }
    }

    /// Reads a period label in any of the accepted spellings (see the module's documentation).
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        Period::parse_as(s, &Unit::ALL)
    }

    /// Reads a period label, accepting only periods of `units`; the error names the spellings
    /// of those units only.
    pub fn parse_as(s: &str, units: &[Unit]) -> Result<Period, PeriodError> {
        let error = |reason: String| PeriodError {
            text: s.trim().to_string(),
            reason,
            units: units.to_vec(),
        };
        let p = read(s.trim()).map_err(error)?;
        if units.contains(&p.unit()) {
            Ok(p)
        } else {
            Err(error(format!(
                "{} is not a period taken here",
                p.unit().described()
            )))
        }
    }
}

impl fmt::Display for Period {
    /// The canonical label: `2027-03-15`, `2027-W05`, `2027-03`, `2027-Q1`, `2027`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Day(d) => {
                let (y, m, d) = civil_from_days(d);
                write!(f, "{y:04}-{m:02}-{d:02}")
            }
            Period::Week(_) => {
                let (y, w) = iso_week(self.first_day());
                write!(f, "{y:04}-W{w:02}")
            }
            Period::Month(m) => write!(f, "{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
            Period::Quarter(q) => write!(f, "{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1),
            Period::Year(y) => write!(f, "{y:04}"),
        }
    }
}

/// A label that is not a period (of the units asked for), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    /// The label, trimmed.
    pub text: String,
    /// Why it is not a period: `there is no month 13`.
    pub reason: String,
    /// The units that were accepted.
    pub units: Vec<Unit>,
}

impl PeriodError {
    /// How to write the accepted periods: `a month as 2027-03, Mar 2027 or 03/2027, ..., or a
    /// year as 2027`, with `also` (e.g. `a step number as 17`) last when given.
    pub fn forms(&self, also: Option<&str>) -> String {
        let mut forms: Vec<&str> = [
            Unit::Day,
            Unit::Month,
            Unit::Quarter,
            Unit::Week,
            Unit::Year,
        ]
        .into_iter()
        .filter(|u| self.units.contains(u))
        .map(Unit::forms)
        .collect();
        forms.extend(also);
        match forms.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{}, or {last}", rest.join(", ")),
        }
    }

    /// The message with `also` among the accepted forms.
    pub fn message_with(&self, also: Option<&str>) -> String {
        format!(
            "`{}`: {}; write {}",
            self.text,
            self.reason,
            self.forms(also)
        )
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_with(None))
    }
}

impl std::error::Error for PeriodError {}

/// A piece of a label: a run of digits or of letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Num(&'a str),
    Word(&'a str),
}

/// The longest label read; anything longer is not a period.
const MAX_LABEL: usize = 40;

/// Splits a label into digit and letter runs, dropping the separators `-`, `/`, `.`, `,`,
/// `_` and spaces; `None` for any other character or more than four pieces.
fn tokens(s: &str) -> Option<Vec<Token<'_>>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b'-' | b'/' | b'.' | b',' | b'_' | b' ' | b'\t') {
            i += 1;
            continue;
        }
        let digit = c.is_ascii_digit();
        if !digit && !c.is_ascii_alphabetic() {
            return None;
        }
        let start = i;
        while i < b.len()
            && (if digit {
                b[i].is_ascii_digit()
            } else {
                b[i].is_ascii_alphabetic()
            })
        {
            i += 1;
        }
        // Only ASCII bytes were taken, so these are character boundaries.
        let t = &s[start..i];
        out.push(if digit { Token::Num(t) } else { Token::Word(t) });
        if out.len() > 4 {
            return None;
        }
    }
    Some(out)
}

fn four_digit_year(t: &str) -> Option<i32> {
    (t.len() == 4).then(|| t.parse().ok()).flatten()
}

fn small(t: &str) -> Option<u32> {
    (t.len() <= 2).then(|| t.parse().ok()).flatten()
}

fn quarter(y: i32, q: &str) -> Result<Period, String> {
    match small(q) {
        Some(q @ 1..=4) => Ok(Period::quarter(y, q)),
        _ => Err(format!("there is no quarter {q}; a quarter is Q1 to Q4")),
    }
}

fn week(y: i32, w: &str) -> Result<Period, String> {
    let n = iso_weeks_in_year(y);
    match small(w) {
        Some(w) if (1..=n).contains(&w) => Ok(Period::week(y, w)),
        _ => Err(format!(
            "there is no week {w} in {y:04}, which has {n} ISO weeks"
        )),
    }
}

fn month(y: i32, m: &str) -> Result<Period, String> {
    match small(m) {
        Some(m @ 1..=12) => Ok(Period::month(y, m)),
        _ => Err(format!("there is no month {m}")),
    }
}

/// Reads a trimmed label; the error is the reason.
fn read(s: &str) -> Result<Period, String> {
    use Token::{Num, Word};
    let not = || "not a period".to_string();
    if s.len() > MAX_LABEL {
        return Err(not());
    }
    let Some(t) = tokens(s) else {
        return Err(not());
    };
    let is = |w: &str, letter: &str| w.eq_ignore_ascii_case(letter);
    let year = four_digit_year;
    match t.as_slice() {
        // 2027
        [Num(y)] if y.len() == 4 => year(y).map(Period::Year).ok_or_else(not),
        // 2027Q1, 2027-Q1, 2027 Q1; Q1 2027, Q1-2027
        [Num(y), Word(q), Num(n)] | [Word(q), Num(n), Num(y)] if is(q, "q") && y.len() == 4 => {
            quarter(year(y).ok_or_else(not)?, n)
        }
        // 2027-W05, 2027W05, 2027-W5; W05 2027
        [Num(y), Word(w), Num(n)] | [Word(w), Num(n), Num(y)] if is(w, "w") && y.len() == 4 => {
            week(year(y).ok_or_else(not)?, n)
        }
        // 2027-03, 2027/03, 2027-3
        [Num(y), Num(m)] if y.len() == 4 && m.len() <= 2 => month(year(y).ok_or_else(not)?, m),
        // 03/2027, 3/2027
        [Num(m), Num(y)] if y.len() == 4 && m.len() <= 2 => month(year(y).ok_or_else(not)?, m),
        // Mar 2027, March 2027, Mar-2027; 2027 Mar
        [Word(m), Num(y)] | [Num(y), Word(m)] if month_number(m).is_some() => {
            match (year(y), month_number(m)) {
                (Some(y), Some(m)) => Ok(Period::month(y, m)),
                _ => Err(format!(
                    "`{y}` is not a year; write the year with four digits"
                )),
            }
        }
        // 2027-03-15, 2027/03/15
        [Num(y), Num(m), Num(d)] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            let y = year(y).ok_or_else(not)?;
            let Period::Month(k) = month(y, m)? else {
                return Err(not());
            };
            let m = k.rem_euclid(12) as u32 + 1;
            match small(d) {
                Some(d) if valid_date(y, m, d) => Ok(Period::Day(days_from_civil(y, m, d))),
                _ => Err(format!(
                    "{} {y:04} has no day {d}; its days are 1 to {}",
                    MONTH_NAMES[m as usize - 1],
                    days_in_month(y, m)
                )),
            }
        }
        _ => Err(not()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_and_known_days() {
        // 2000-03-01 is day 11017 (Python: (date(2000,3,1) - date(1970,1,1)).days).
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in [-800_000, -1, 0, 1, 59, 365, 11_016, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert!(valid_date(y, m, d));
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert!(!valid_date(2027, 2, 29));
        assert!(valid_date(2028, 2, 29));
        assert!(!valid_date(2027, 13, 1));
    }

    #[test]
    fn iso_weeks() {
        // Python: date(2027, 1, 1).isocalendar() == (2026, 53, 5); date(2027, 3, 17) is
        // (2027, 11, 3); 2026 has 53 ISO weeks and 2027 52.
        assert_eq!(iso_week(days_from_civil(2027, 1, 1)), (2026, 53));
        assert_eq!(iso_week(days_from_civil(2027, 3, 17)), (2027, 11));
        assert_eq!(iso_weeks_in_year(2026), 53);
        assert_eq!(iso_weeks_in_year(2027), 52);
        // ISO week 1 of 2027 starts Monday 2027-01-04.
        assert_eq!(
            Period::week(2027, 1).first_day(),
            days_from_civil(2027, 1, 4)
        );
        assert_eq!(weekday(days_from_civil(2027, 1, 4)), 0);
    }

    #[test]
    fn month_names() {
        for (s, m) in [
            ("Mar", 3),
            ("march", 3),
            ("MAR.", 3),
            ("Sept", 9),
            ("sep", 9),
            ("December", 12),
        ] {
            assert_eq!(month_number(s), Some(m), "{s}");
        }
        for s in ["Ma", "Marchh", "Juen", "M.r", "Mär"] {
            assert_eq!(month_number(s), None, "{s}");
        }
    }
}
