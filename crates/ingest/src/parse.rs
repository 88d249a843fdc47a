//! Cell values: dates in ISO and common local forms (and periods, read by the core's one
//! period parser, as their first day), money with currency symbols and thousands separators,
//! plain numbers, yes/no.

use sextant_core::calendar::{
    MONTH_NAMES, Period, civil_from_days, days_from_civil, month_number, valid_date,
};

/// The order of day and month in dates written `03/04/2027`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Day first (`31/12/2027`), as in most of the world.
    DayMonth,
    /// Month first (`12/31/2027`), as in the United States.
    MonthDay,
}

/// What a numeric date with two small leading numbers tells about the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Not a numeric day/month date (ISO, text month, empty).
    None,
    /// Could be either (both parts 12 or less, and different).
    Ambiguous,
    /// Only day-month fits.
    DayMonth,
    /// Only month-day fits.
    MonthDay,
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn year(s: &str) -> Option<i32> {
    let y = num(s)? as i32;
    match s.len() {
        4 => Some(y),
        // Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999.
        2 => Some(if y < 70 { 2000 + y } else { 1900 + y }),
        _ => None,
    }
}

/// Splits off a time of day (`T12:30`, ` 12:30:00`), returning the date part and minutes.
fn split_time(s: &str) -> (&str, Option<u32>) {
    let cut = s.find('T').or_else(|| {
        s.find(' ')
            .filter(|&i| s[i + 1..].contains(':') && !s[..i].contains(','))
    });
    let Some(i) = cut else { return (s, None) };
    let t = &s[i + 1..];
    let mut parts = t.split([':', '.', 'Z', '+']);
    let h = parts.next().and_then(num);
    let m = parts.next().and_then(num);
    match (h, m) {
        (Some(h), Some(m)) if h < 24 && m < 60 => (&s[..i], Some(h * 60 + m)),
        _ => (s, None),
    }
}

/// How a date string bears on the day/month order.
pub fn evidence(s: &str) -> Evidence {
    let (date, _) = split_time(s.trim());
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    if parts.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 {
        return Evidence::None;
    }
    let (Some(a), Some(b)) = (num(parts[0]), num(parts[1])) else {
        return Evidence::None;
    };
    match (a <= 12, b <= 12) {
        (true, true) if a != b => Evidence::Ambiguous,
        (true, true) => Evidence::None,
        (false, true) => Evidence::DayMonth,
        (true, false) => Evidence::MonthDay,
        (false, false) => Evidence::None,
    }
}

/// The years a date may fall in. A business's records before 1900 or after 2199 are a
/// mistyped year (`0026` for `2026`) or a spreadsheet's empty date (`1899-12-31`), and one such
/// row would otherwise stretch every report over centuries of empty periods.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

const FIRST_DAY: i32 = days_from_civil(*YEARS.start(), 1, 1);
const LAST_DAY: i32 = days_from_civil(*YEARS.end(), 12, 31);

/// A date (and time, in minutes since 1970-01-01 00:00) from text. `order` settles numeric
/// dates like `03/04/2027`; `None` accepts them only when they are unambiguous. Dates outside
/// [`YEARS`] are refused, saying which year they fell in.
pub fn datetime(s: &str, order: Option<DateOrder>) -> Result<(i32, Option<u32>), String> {
    let (day, minutes) = any_datetime(s, order)?;
    if !(FIRST_DAY..=LAST_DAY).contains(&day) {
        let (year, _, _) = civil_from_days(day);
        return Err(format!(
            "{:?}, in the year {year} (dates from {} to {} are read: a mistyped year?)",
            s.trim(),
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok((day, minutes))
}

/// [`datetime`] without the limit on years.
fn any_datetime(s: &str, order: Option<DateOrder>) -> Result<(i32, Option<u32>), String> {
    let s = s.trim();
    // Fast path: YYYY-MM-DD alone.
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let d = |i: usize| u32::from(b[i].wrapping_sub(b'0'));
        if [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        {
            let y = (d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)) as i32;
            let (m, day) = (d(5) * 10 + d(6), d(8) * 10 + d(9));
            if valid_date(y, m, day) {
                return Ok((days_from_civil(y, m, day), None));
            }
            return Err(format!("{s:?}"));
        }
    }
    if s.is_empty() {
        return Err("an empty cell".into());
    }
    let (date, minutes) = split_time(s);
    let bad = || format!("{s:?}");
    // ISO: 2027-03-17, 2027/03/17, 20270317.
    let b = date.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let (y, m, d) = (year(&date[..4]), num(&date[4..6]), num(&date[6..]));
        if let (Some(y), Some(m), Some(d)) = (y, m, d)
            && valid_date(y, m, d)
        {
            return Ok((days_from_civil(y, m, d), minutes));
        }
        return Err(bad());
    }
    let parts: Vec<&str> = date
        .split(['/', '-', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let ymd = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (year(y), num(m).or_else(|| month_number(m)), num(d)) {
            (Some(y), Some(m), Some(d)) => Some((y, m, d)),
            _ => None,
        },
        [a, b, y] => {
            if let Some(m) = month_number(b) {
                // 17 Mar 2027
                num(a).zip(year(y)).map(|(d, y)| (y, m, d))
            } else if let Some(m) = month_number(a) {
                // Mar 17, 2027
                num(b).zip(year(y)).map(|(d, y)| (y, m, d))
            } else {
                let (Some(x), Some(z), Some(y)) = (num(a), num(b), year(y)) else {
                    return Err(bad());
                };
                let order = match (evidence(date), order) {
                    (Evidence::DayMonth, _) => DateOrder::DayMonth,
                    (Evidence::MonthDay, _) => DateOrder::MonthDay,
                    (_, Some(o)) => o,
                    (Evidence::None, None) => DateOrder::DayMonth, // day == month
                    (Evidence::Ambiguous, None) => {
                        return Err(format!(
                            "{s:?}, which could be {} or {}",
                            describe(y, z, x),
                            describe(y, x, z)
                        ));
                    }
                };
                Some(match order {
                    DateOrder::DayMonth => (y, z, x),
                    DateOrder::MonthDay => (y, x, z),
                })
            }
        }
        // 2027-03 (a month)
        [y, m] if y.len() == 4 => year(y).zip(num(m)).map(|(y, m)| (y, m, 1)),
        _ => None,
    };
    match ymd {
        Some((y, m, d)) if valid_date(y, m, d) => Ok((days_from_civil(y, m, d), minutes)),
        Some(_) => Err(bad()),
        // A period (`Mar 2027`, `2027Q1`, `2027-W05`, `2027`): its first day.
        None => Period::parse(date)
            .map(|p| (p.first_day(), None))
            .map_err(|_| bad()),
    }
}

fn describe(y: i32, m: u32, d: u32) -> String {
    format!(
        "{d} {} {y}",
        MONTH_NAMES.get(m as usize - 1).unwrap_or(&"?")
    )
}

/// An amount of money: a number, digit-grouped (`1,234.50`, `1 234,50`, `1'234`) or in
/// scientific notation (`1.5E+06`); a currency (symbol, code or local abbreviation) at its
/// start or end; a sign at the start (before or after the currency), a minus at the end, or
/// parentheses for a negative. `decimal_comma` reads `1.234,50`. Anything else (a letter or
/// sign among the digits, a separator not between two digits, a result that is not finite) is
/// refused with the cell as found.
pub fn money(s: &str, decimal_comma: bool) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("an empty cell".into());
    }
    if !decimal_comma && let Some(v) = plain_decimal(t.as_bytes()) {
        return Ok(v);
    }
    // Fast path: a plain number.
    if let Ok(v) = t.parse::<f64>()
        && v.is_finite()
        && !decimal_comma
    {
        return Ok(v);
    }
    read_amount(t, decimal_comma).ok_or_else(|| format!("{s:?}"))
}

/// Currency symbols read before or after an amount.
const CURRENCY_SYMBOLS: &str = "$€£¥₹₩₽¢₺₴₪₫₱฿₦₡₲₵₸₼₾₭₮₨¤";

/// Local currency abbreviations read before or after an amount, each before any that it
/// starts or ends with (`kr.` before `kr`), so that the longer is taken.
const CURRENCY_WORDS: [&str; 20] = [
    "SFr.", "kr.", "Kr.", "Fr.", "Rs.", "kr", "Kr", "zł", "zl", "Kč", "Ft", "lei", "Lei", "Fr",
    "Rs", "Rp", "RM", "kn", "円", "元",
];

/// What grouping separators may stand between digits: `,` `.` space, no-break space, narrow
/// no-break space, `'` and `_`.
const GROUPING: [char; 7] = [',', '.', ' ', '\u{a0}', '\u{202f}', '\'', '_'];

/// The general reading of an amount (the fast paths declined it): an optional sign and
/// currency before the number, or a minus and currency after it, or parentheses for a
/// negative; the number with digit grouping, or in scientific notation. `None` for anything
/// else: letters or signs among the digits, separators not between two digits, a result that
/// is not finite.
fn read_amount(t: &str, decimal_comma: bool) -> Option<f64> {
    let mut body = t;
    let mut parens = false;
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        (parens, body) = (true, inner.trim());
    }
    // Some(true) for a minus, Some(false) for a plus: one at most.
    let mut sign: Option<bool> = None;
    // Before the number: a sign, a currency, a sign.
    if let Some((minus, rest)) = leading_sign(body) {
        (sign, body) = (Some(minus), rest.trim_start());
    }
    if let Some(rest) = currency_prefix(body) {
        body = rest.trim_start();
        if sign.is_none()
            && let Some((minus, rest)) = leading_sign(body)
        {
            (sign, body) = (Some(minus), rest.trim_start());
        }
    }
    // After it: a minus, a currency, a minus.
    if sign.is_none()
        && let Some(rest) = trailing_minus(body)
    {
        (sign, body) = (Some(true), rest.trim_end());
    }
    if let Some(rest) = currency_suffix(body) {
        body = rest.trim_end();
        if sign.is_none()
            && let Some(rest) = trailing_minus(body)
        {
            (sign, body) = (Some(true), rest.trim_end());
        }
    }
    // `$(12.00)`: parentheses inside the currency.
    if !parens
        && sign.is_none()
        && let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')'))
    {
        (parens, body) = (true, inner.trim());
    }
    if parens && sign.is_some() {
        return None;
    }
    let v = unsigned_number(body, decimal_comma)?;
    Some(if parens || sign == Some(true) { -v } else { v })
}

/// A sign at the start: `-`, `−` (U+2212) or `+`, and whether it is a minus.
fn leading_sign(s: &str) -> Option<(bool, &str)> {
    let mut chars = s.chars();
    let minus = match chars.next()? {
        '-' | '\u{2212}' => true,
        '+' => false,
        _ => return None,
    };
    Some((minus, chars.as_str()))
}

/// What is before a minus (`-` or `−`) at the end.
fn trailing_minus(s: &str) -> Option<&str> {
    s.strip_suffix(['-', '\u{2212}'])
}

/// What follows a currency at the start: a symbol, a code of three capitals (`USD`), one to
/// three capitals and `$` (`US$`, `R$`), or a local abbreviation.
fn currency_prefix(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix(|c: char| CURRENCY_SYMBOLS.contains(c)) {
        return Some(rest);
    }
    let b = s.as_bytes();
    let capitals = b
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    if (1..=3).contains(&capitals) && b.get(capitals) == Some(&b'$') {
        return Some(&s[capitals + 1..]);
    }
    if capitals == 3 {
        return Some(&s[3..]);
    }
    CURRENCY_WORDS.iter().find_map(|w| s.strip_prefix(w))
}

/// What precedes a currency at the end, in the forms of [`currency_prefix`].
fn currency_suffix(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_suffix('$') {
        let b = rest.as_bytes();
        let capitals = b
            .iter()
            .rev()
            .take(3)
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        return Some(&rest[..rest.len() - capitals]);
    }
    if let Some(rest) = s.strip_suffix(|c: char| CURRENCY_SYMBOLS.contains(c)) {
        return Some(rest);
    }
    let b = s.as_bytes();
    if b.len() >= 3 && b[b.len() - 3..].iter().all(u8::is_ascii_uppercase) {
        return Some(&s[..s.len() - 3]);
    }
    CURRENCY_WORDS.iter().find_map(|w| s.strip_suffix(w))
}

/// A number without sign or currency: digits grouped by [`GROUPING`] separators (one between
/// two digits), `.` or `,` as the decimal mark by the rules of [`money`]; or scientific
/// notation (`1.5E+06`, `1,5E+06`), whose mantissa has no grouping, so that its one `.` or
/// `,` is the decimal mark. `None` for anything else or a result that is not finite.
fn unsigned_number(s: &str, decimal_comma: bool) -> Option<f64> {
    let normal = if let Some(e) = s.find(['e', 'E']) {
        let (mantissa, exponent) = (&s[..e], &s[e + 1..]);
        let (int, frac) = match mantissa.split_once(['.', ',']) {
            Some((int, frac)) if !frac.is_empty() => (int, frac),
            Some(_) => return None,
            None => (mantissa, "0"),
        };
        let power = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || !digits(frac) || !digits(power) {
            return None;
        }
        format!("{int}.{frac}e{exponent}")
    } else {
        // Digits, and `.` and `,` of the separators; each separator between two digits.
        let mut cleaned = String::with_capacity(s.len());
        let mut after_digit = false;
        for c in s.chars() {
            if c.is_ascii_digit() {
                cleaned.push(c);
                after_digit = true;
            } else if after_digit && GROUPING.contains(&c) {
                if matches!(c, '.' | ',') {
                    cleaned.push(c);
                }
                after_digit = false;
            } else {
                return None;
            }
        }
        if !after_digit {
            return None;
        }
        if decimal_comma {
            cleaned.replace('.', "").replace(',', ".")
        } else {
            match (cleaned.rfind('.'), cleaned.rfind(',')) {
                // 1.234,50: the comma is the decimal point.
                (Some(d), Some(c)) if c > d => cleaned.replace('.', "").replace(',', "."),
                (Some(_), Some(_)) => cleaned.replace(',', ""),
                // 12,50 (two decimals after the only comma): a decimal comma.
                (None, Some(c))
                    if cleaned.len() - c - 1 != 3 && cleaned.matches(',').count() == 1 =>
                {
                    cleaned.replace(',', ".")
                }
                _ => cleaned.replace(',', ""),
            }
        }
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A number written `-123.45`: an optional minus, digits, and a point with 1 to 3 digits after
/// it, 15 digits at most in all, read exactly as `str::parse` reads it (the digits as a whole number, exact
/// below 2^53, divided by a power of ten, also exact: one correctly rounded division), with
/// none of its costs. `None` for anything else, which the general reading takes.
pub(crate) fn plain_decimal(b: &[u8]) -> Option<f64> {
    let (neg, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (int, frac) = match memchr_point(digits) {
        Some(i) => (&digits[..i], &digits[i + 1..]),
        None => (digits, &digits[digits.len()..]),
    };
    let point = int.len() < digits.len();
    if int.is_empty() || int.len() + frac.len() > 15 || (point && !(1..=3).contains(&frac.len())) {
        return None;
    }
    let mut m: u64 = 0;
    for &c in int.iter().chain(frac) {
        if !c.is_ascii_digit() {
            return None;
        }
        m = m * 10 + u64::from(c - b'0');
    }
    let v = m as f64 / [1.0, 10.0, 100.0, 1000.0][frac.len()];
    Some(if neg { -v } else { v })
}

fn memchr_point(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'.')
}

/// A plain number (counts, scores, users).
pub fn number(s: &str) -> Result<f64, String> {
    money(s, false).map_err(|_| format!("{:?}", s.trim()))
}

/// Yes or no.
pub fn yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "automated" | "auto" => Ok(true),
        "no" | "n" | "false" | "0" | "" | "manual" => Ok(false),
        _ => Err(format!("{:?}", s.trim())),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> i32 {
        days_from_civil(y, m, d)
    }

    #[test]
    fn dates_in_common_forms() {
        let d = day(2027, 3, 17);
        for s in [
            "2027-03-17",
            "2027/03/17",
            "20270317",
            "17/03/2027",
            "03/17/2027",
            "17.03.2027",
            "17 Mar 2027",
            "17 March 2027",
            "Mar 17, 2027",
            "2027-03-17T10:30:00Z",
            "2027-03-17 10:30",
            "17/03/27",
        ] {
            assert_eq!(datetime(s, None).map(|x| x.0), Ok(d), "{s}");
        }
        assert_eq!(datetime("2027-03-17T10:30:00", None), Ok((d, Some(630))));
        assert_eq!(datetime("2027-03", None).map(|x| x.0), Ok(day(2027, 3, 1)));
    }

    #[test]
    fn ambiguous_dates_need_an_order() {
        let e = datetime("03/04/2027", None).expect_err("ambiguous");
        assert_eq!(
            e,
            "\"03/04/2027\", which could be 3 April 2027 or 4 March 2027"
        );
        assert_eq!(
            datetime("03/04/2027", Some(DateOrder::DayMonth)).map(|x| x.0),
            Ok(day(2027, 4, 3))
        );
        assert_eq!(
            datetime("03/04/2027", Some(DateOrder::MonthDay)).map(|x| x.0),
            Ok(day(2027, 3, 4))
        );
        assert_eq!(evidence("13/04/2027"), Evidence::DayMonth);
        assert_eq!(evidence("04/13/2027"), Evidence::MonthDay);
        assert_eq!(evidence("2027-04-13"), Evidence::None);
        assert!(datetime("31/02/2027", None).is_err());
        assert!(datetime("soon", None).is_err());
    }

    /// 1900-01-01 is day -25,567 and 2199-12-31 day 84,005 (Python's `datetime.date`
    /// subtraction from 1970-01-01).
    #[test]
    fn dates_outside_the_years_read_are_refused_with_their_year() {
        assert_eq!(FIRST_DAY, -25_567);
        assert_eq!(LAST_DAY, 84_005);
        assert_eq!(datetime("1900-01-01", None), Ok((-25_567, None)));
        assert_eq!(datetime("31/12/2199", None), Ok((84_005, None)));
        assert_eq!(
            datetime("0026-01-06", None),
            Err(
                "\"0026-01-06\", in the year 26 (dates from 1900 to 2199 are read: a mistyped \
                 year?)"
                    .into()
            )
        );
        // Every path: the fast one, the slow ones, a spreadsheet's empty date, a period.
        for (s, year) in [
            ("1899-12-31", 1899),
            ("2200-01-01", 2200),
            ("20260106 ", 2026),
            ("06/01/0026", 26),
            ("17 Mar 9999", 9999),
            ("Mar 0027", 27),
            ("0027Q1", 27),
            ("3027-W05", 3027),
            ("2026-01-06T10:00:00Z", 2026),
        ] {
            match datetime(s, Some(DateOrder::DayMonth)) {
                Ok(_) => assert!(YEARS.contains(&year), "{s} read"),
                Err(e) => {
                    assert!(!YEARS.contains(&year), "{s}: {e}");
                    assert!(e.contains(&format!("in the year {year} ")), "{s}: {e}");
                }
            }
        }
    }

    #[test]
    fn periods_read_as_their_first_day() {
        for (s, d) in [
            ("Mar 2027", day(2027, 3, 1)),
            ("March 2027", day(2027, 3, 1)),
            ("03/2027", day(2027, 3, 1)),
            ("2027-03", day(2027, 3, 1)),
            ("2027Q2", day(2027, 4, 1)),
            ("Q2 2027", day(2027, 4, 1)),
            ("2027-Q2", day(2027, 4, 1)),
            // ISO week 5 of 2027 starts Monday 1 February.
            ("2027-W05", day(2027, 2, 1)),
            ("2027", day(2027, 1, 1)),
        ] {
            assert_eq!(datetime(s, None), Ok((d, None)), "{s}");
        }
        for s in ["2027-13", "2027Q5", "2027-W53", "Mar 27x", "13/2027"] {
            assert_eq!(datetime(s, None), Err(format!("{s:?}")), "{s}");
        }
    }

    proptest::proptest! {
        /// The plain-decimal fast path reads what the general reading reads, to the bit, and
        /// declines what it would not read the same way.
        #[test]
        fn plain_decimals_read_as_the_standard_parser_does(
            s in "-?[0-9]{0,17}(\\.[0-9]{0,4})?",
            junk in "[-+0-9., eE]{0,12}",
        ) {
            for t in [s.as_str(), junk.as_str()] {
                if let Some(v) = plain_decimal(t.as_bytes()) {
                    let want: f64 = t.parse().map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{t:?}: {e}")))?;
                    proptest::prop_assert_eq!(v.to_bits(), want.to_bits(), "{:?}", t);
                }
                let general = t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
                if let (Ok(v), Some(w)) = (money(t, false), general) {
                    proptest::prop_assert_eq!(v.to_bits(), w.to_bits(), "{:?}", t);
                }
            }
        }
    }

    #[test]
    fn money_in_common_forms() {
        for (s, v) in [
            ("1234.5", 1234.5),
            ("$1,234.50", 1234.5),
            ("USD 1,234.50", 1234.5),
            ("1 234,50 €", 1234.5),
            ("€1.234,50", 1234.5),
            ("(12.00)", -12.0),
            ("-12", -12.0),
            ("12,50", 12.5),
            ("1,234", 1234.0),
            ("CHF 1'234.00", 1234.0),
        ] {
            assert_eq!(money(s, false), Ok(v), "{s}");
        }
        assert_eq!(money("1.234", true), Ok(1234.0));
        assert!(money("12..5", false).is_err());
        assert!(money("", false).is_err());
        assert!(money("n/a", false).is_err());
    }

    /// Every form real exports write, with its value.
    #[test]
    fn money_in_the_forms_exports_write() {
        for (s, v) in [
            // Plain and scientific, a leading plus.
            ("1234.5", 1234.5),
            ("-12", -12.0),
            ("+12", 12.0),
            ("+$12.50", 12.5),
            ("1.5E+06", 1.5e6),
            ("1.5e-3", 0.0015),
            ("-1.5E+06", -1.5e6),
            ("$1.5E+06", 1.5e6),
            ("1.5E+06 USD", 1.5e6),
            ("(12.00)", -12.0),
            ("($12.00)", -12.0),
            ("$(12.00)", -12.0),
            ("(12.00) €", -12.0),
            // A minus at the start, before or after a currency, or at the end.
            ("-$12.50", -12.5),
            ("$-12.50", -12.5),
            ("$ -12.50", -12.5),
            ("- $12.50", -12.5),
            ("USD -12", -12.0),
            ("-USD 12", -12.0),
            ("\u{2212}12", -12.0),
            ("\u{2212}$12.50", -12.5),
            ("12.50-", -12.5),
            ("12.50 -", -12.5),
            ("12,50 €-", -12.5),
            ("12,50- €", -12.5),
            ("12.50\u{2212}", -12.5),
            // Symbols, codes and local abbreviations, before or after, spaced or not.
            ("$12", 12.0),
            ("12$", 12.0),
            ("€12", 12.0),
            ("12 €", 12.0),
            ("£12.50", 12.5),
            ("¥1,234", 1234.0),
            ("₹1,23,456.78", 123_456.78),
            ("₩12,000", 12_000.0),
            ("12 ₽", 12.0),
            ("50¢", 50.0),
            ("USD12", 12.0),
            ("USD 12", 12.0),
            ("12 EUR", 12.0),
            ("12EUR", 12.0),
            ("CHF 1'234.00", 1234.0),
            ("SEK 1 234,50", 1234.5),
            ("1 234,50 kr", 1234.5),
            ("1 234,50 kr.", 1234.5),
            ("kr 12", 12.0),
            ("12 zł", 12.0),
            ("12 Kč", 12.0),
            ("1 200 Ft", 1200.0),
            ("12 lei", 12.0),
            ("Fr. 12.50", 12.5),
            ("Rs 1,234", 1234.0),
            ("Rs.1,234", 1234.0),
            ("US$12", 12.0),
            ("US$ 12", 12.0),
            ("R$ 12,50", 12.5),
            ("A$12", 12.0),
            ("C$ 12", 12.0),
            ("12 US$", 12.0),
            ("$12.00 USD", 12.0),
            // Grouping between digits.
            ("1,234,567.89", 1_234_567.89),
            ("1.234.567,89", 1_234_567.89),
            ("1 234 567", 1_234_567.0),
            ("1\u{a0}234,50", 1234.5),
            ("1\u{202f}234,50", 1234.5),
            ("1'234'567", 1_234_567.0),
            ("1_234_567", 1_234_567.0),
            ("  $1,234.50  ", 1234.5),
        ] {
            assert_eq!(money(s, false), Ok(v), "{s:?}");
        }
        for (s, v) in [
            ("1.234,50", 1234.5),
            ("1.234", 1234.0),
            ("-1.234,50 €", -1234.5),
            ("€ 1.234,50-", -1234.5),
            ("1 234,50 kr", 1234.5),
            ("1,5E+06", 1.5e6),
            ("12", 12.0),
        ] {
            assert_eq!(money(s, true), Ok(v), "{s:?}");
        }
        assert_eq!(number("1.5E+06"), Ok(1.5e6));
        assert_eq!(number(" 1,200 "), Ok(1200.0));
    }

    /// Letters among the digits, a sign in the middle, separators not between two digits,
    /// and results that are not finite are refused, naming the cell.
    #[test]
    fn money_refuses_what_is_not_an_amount() {
        for s in [
            "1e400",
            "-1e400",
            "$1e400",
            "1E+400",
            "inf",
            "-inf",
            "infinity",
            "NaN",
            "nan",
            "INF",
            "1.5k",
            "1x5",
            "12abc",
            "abc12",
            "abc 12",
            "12 abc",
            "2027-01-05",
            "1-2",
            "-12-",
            "--12",
            "+-12",
            "(-12)",
            "-(12)",
            "12+",
            "0x10",
            "1x00",
            "12..5",
            "1,,000",
            ",5,",
            ",5",
            "5,",
            "1, 000",
            "1 .5",
            "$,5",
            "12.50$-$",
            "$ $12",
            "USDX 12",
            "12 USDX",
            "US$$12",
            "1,234.567,8",
            "1.5E",
            "1.5E+",
            "E5",
            "1.2.3e5",
            "1,234.5e3",
            "12%",
            "n/a",
            "$",
            "-",
            "()",
            "1 2x",
            "١٢",
        ] {
            assert_eq!(money(s, false), Err(format!("{s:?}")), "{s:?}");
            assert_eq!(
                money(s, true),
                Err(format!("{s:?}")),
                "{s:?} with a decimal comma"
            );
            assert_eq!(number(s), Err(format!("{s:?}")), "{s:?} as a number");
        }
        // With a decimal point, `.` is not grouping unless a decimal comma follows.
        for s in ["1.2.3", "1.234.5", "1.234.567"] {
            assert_eq!(money(s, false), Err(format!("{s:?}")), "{s:?}");
        }
        assert_eq!(number(" 1x00 "), Err("\"1x00\"".into()));
        assert_eq!(money(" 1x5 ", false), Err("\" 1x5 \"".into()));
        assert_eq!(money(" ", false), Err("an empty cell".into()));
    }

    proptest::proptest! {
        /// Any finite number as Rust writes it, plainly or in scientific notation, alone or
        /// after a currency, reads back to itself.
        #[test]
        fn finite_numbers_read_back(
            v in proptest::num::f64::POSITIVE
                | proptest::num::f64::NEGATIVE
                | proptest::num::f64::NORMAL
                | proptest::num::f64::SUBNORMAL
                | proptest::num::f64::ZERO
        ) {
            proptest::prop_assume!(v.is_finite());
            for s in [format!("{v}"), format!("{v:e}"), format!("{v:E}"), format!("USD {v}"), format!("{v:e} €")] {
                proptest::prop_assert_eq!(money(&s, false).map(f64::to_bits), Ok(v.to_bits()), "{}", s);
            }
            for s in [format!("{v}"), format!("{v:e}")] {
                proptest::prop_assert_eq!(number(&s).map(f64::to_bits), Ok(v.to_bits()), "{}", s);
            }
        }

        /// Digits with a letter strictly inside (other than the `e` of scientific notation)
        /// are refused, in either decimal mark.
        #[test]
        fn a_letter_among_digits_is_refused(
            before in "[0-9]{1,8}",
            letter in "[a-df-zA-DF-Zµßéłčя]",
            after in "[0-9]{1,8}",
        ) {
            let s = format!("{before}{letter}{after}");
            proptest::prop_assert_eq!(money(&s, false), Err(format!("{s:?}")));
            proptest::prop_assert_eq!(money(&s, true), Err(format!("{s:?}")));
            proptest::prop_assert_eq!(number(&s), Err(format!("{s:?}")));
        }
    }
}
