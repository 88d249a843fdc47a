//! Units, and numbers as people read them: the one place where a KPI's unit is decided and
//! where money, percentages, multiples, counts and durations are written. The pages, the plan
//! report, the charts and the CLI all call these functions, so a figure reads the same at
//! every front door.
//!
//! Every function here accepts any `f64`: a value that is not finite is written as an en dash
//! ([`MISSING`]) rather than `NaN` or `inf`, so nothing a user or a file supplies can leak
//! those words into a page, a chart or a document.

use serde::{Deserialize, Serialize};

use crate::model::PlanDoc;

/// What a number measures, which decides how it is written.
///
/// Serialised as the metrics engine's JSON has always named units (`currency`, `fraction`,
/// `ratio`, `count`, `points`, `hours`); the units that never reach that JSON have names of
/// their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    /// A plain quantity: thousands separated, at most two decimals.
    #[default]
    #[serde(rename = "number")]
    Number,
    /// An amount of money in the plan's currency: "$12,500".
    #[serde(rename = "currency")]
    Money,
    /// A share (0.125) written as a percentage: "12.5%".
    #[serde(rename = "fraction")]
    Fraction,
    /// One amount over another, such as lifetime value over acquisition cost: "3.0×".
    #[serde(rename = "ratio")]
    Multiple,
    /// Things counted: orders, customers, incidents.
    #[serde(rename = "count")]
    Count,
    /// Points on a scale, such as a Net Promoter Score of -100 to 100.
    #[serde(rename = "points")]
    Score,
    /// Days: "12 days".
    #[serde(rename = "days")]
    Days,
    /// Hours: "4.5 hours".
    #[serde(rename = "hours")]
    Hours,
    /// Months: "3 months".
    #[serde(rename = "months")]
    Months,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 9] = [
        Unit::Number,
        Unit::Money,
        Unit::Fraction,
        Unit::Multiple,
        Unit::Count,
        Unit::Score,
        Unit::Days,
        Unit::Hours,
        Unit::Months,
    ];

    /// The name the JSON gives it (`currency`, `fraction`, `ratio`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Number => "number",
            Unit::Money => "currency",
            Unit::Fraction => "fraction",
            Unit::Multiple => "ratio",
            Unit::Count => "count",
            Unit::Score => "points",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Months => "months",
        }
    }

    /// The unit in words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Number => "number",
            Unit::Money => "money",
            Unit::Fraction => "percentage",
            Unit::Multiple => "multiple",
            Unit::Count => "count",
            Unit::Score => "score",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Months => "months",
        }
    }

    /// `x` in this unit as people write it: `"$12,500"` (money in `currency`), `"12.5%"`,
    /// `"3.0×"`, `"1,234"`, `"12 days"`; not finite as [`MISSING`].
    pub fn format(self, x: f64, currency: &str) -> String {
        if !x.is_finite() {
            return MISSING.to_owned();
        }
        match self {
            Unit::Number | Unit::Count | Unit::Score => number(x),
            Unit::Money => money(x, currency),
            Unit::Fraction => percent(x, 1),
            Unit::Multiple => multiple(x),
            Unit::Days => days(x),
            Unit::Hours => hours(x),
            Unit::Months => months(x),
        }
    }

    /// The unit a plan's own KPI names in its `unit` field (free text: `USD`, `%`, `ratio`,
    /// `days`, `customers`), with the words to write after a value when the unit is the
    /// plan's own (`customers`), given the plan's currency.
    pub fn from_words(words: &str, currency: &str) -> (Unit, Option<String>) {
        let w = words.trim();
        let lower = w.to_ascii_lowercase();
        let unit = match lower.as_str() {
            "" => Unit::Number,
            "money" | "currency" => Unit::Money,
            _ if w.eq_ignore_ascii_case(currency) => Unit::Money,
            "ratio" | "fraction" | "share" => Unit::Fraction,
            "multiple" | "x" | "×" => Unit::Multiple,
            "count" => Unit::Count,
            "score" | "points" => Unit::Score,
            "day" | "days" => Unit::Days,
            "hour" | "hours" => Unit::Hours,
            "month" | "months" => Unit::Months,
            _ => return (Unit::Number, Some(w.to_owned())),
        };
        (unit, None)
    }
}

/// How a KPI's values are written: its unit, the plan's currency for money, and the plan's own
/// words for a unit the catalogue does not know (`customers`, `%`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measure {
    /// The unit.
    pub unit: Unit,
    /// The currency money is written in (ISO 4217).
    pub currency: String,
    /// Words written after the number (`400 interactions`); `%` is written without a space.
    pub words: Option<String>,
}

impl Measure {
    /// A unit with no currency and no words of its own.
    pub fn of(unit: Unit) -> Measure {
        Measure {
            unit,
            currency: String::new(),
            words: None,
        }
    }

    /// Money in `currency`.
    pub fn money(currency: impl Into<String>) -> Measure {
        Measure {
            unit: Unit::Money,
            currency: currency.into(),
            words: None,
        }
    }

    /// How the KPI `id` of `doc` is written: the plan's `kpis` entry first, else the standard
    /// catalogue, else a plain number (a series of the data no goal names: `*_spend` is money).
    pub fn of_kpi(doc: &PlanDoc, id: &str) -> Measure {
        let currency = doc.organization.currency.clone();
        if let Some(k) = doc.kpis.iter().find(|k| k.id.as_str() == id) {
            let (unit, words) = Unit::from_words(k.unit.as_deref().unwrap_or(""), &currency);
            return Measure {
                unit,
                currency,
                words,
            };
        }
        let unit = match crate::catalogue::find(id) {
            Some(m) => m.unit,
            None if id.ends_with("_spend") => Unit::Money,
            None => Unit::Number,
        };
        Measure {
            unit,
            currency,
            words: None,
        }
    }

    /// `x` as people read it: `"$71,300"`, `"9.5%"`, `"3.0×"`, `"12 days"`, `"400 interactions"`.
    pub fn format(&self, x: f64) -> String {
        match &self.words {
            Some(_) if !x.is_finite() => MISSING.to_owned(),
            Some(w) if w == "%" => format!("{}%", number(x)),
            Some(w) => format!("{} {w}", number(x)),
            None => self.unit.format(x, &self.currency),
        }
    }

    /// An optional value, or [`MISSING`].
    pub fn format_opt(&self, x: Option<f64>) -> String {
        x.map_or_else(|| MISSING.to_owned(), |v| self.format(v))
    }
}

/// What is written for a value that is not a finite number, or that is not there.
pub const MISSING: &str = "–";

/// An amount of money: whole units when `|x| >= 1000`, otherwise two decimals only if the
/// amount has cents (`"$3"`, `"$3.50"`); USD, EUR, GBP and JPY with their sign, other
/// currencies with their code before the amount (`"CAD 1,200"`); negatives as `"-$1,200"`.
pub fn money(x: f64, currency: &str) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    let code = currency.trim();
    let (prefix, spaced) = match code.to_ascii_uppercase().as_str() {
        "USD" => ("$".to_owned(), false),
        "EUR" => ("€".to_owned(), false),
        "GBP" => ("£".to_owned(), false),
        "JPY" => ("¥".to_owned(), false),
        "" => (String::new(), false),
        _ => (code.to_owned(), true),
    };
    let whole = x.abs() >= 1000.0 || ((x.abs() * 100.0).round() % 100.0) == 0.0;
    let digits = fixed(x.abs(), if whole { 0 } else { 2 }, false);
    let negative = x < 0.0 && digits.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "-" } else { "" };
    let space = if spaced { " " } else { "" };
    format!("{sign}{prefix}{space}{digits}")
}

/// An amount of money rounded as people write it in a sentence: three significant figures
/// from 1,000 up (`"£52,600"` for 52,596.23, `"£6,150"`, `"$1,250,000"`), whole units below
/// (`"£480"`, `"£13"` for 12.5); the sign and currency as [`money`] writes them.
pub fn rounded_money(x: f64, currency: &str) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    let a = x.abs();
    let r = if a >= 1000.0 {
        let step = 10f64.powi(a.log10().floor() as i32 - 2);
        (a / step).round() * step
    } else {
        a.round()
    };
    money(if x < 0.0 { -r } else { r }, currency)
}

/// A probability as a percentage, never a flat 0% or 100%, which a forecast cannot promise:
/// "under 1%", "37%", "over 99%" (every page, the pack and the report alike).
pub fn chance_percent(p: f64) -> String {
    if !p.is_finite() {
        MISSING.to_owned()
    } else if p >= 0.995 {
        "over 99%".to_owned()
    } else if p <= 0.005 {
        "under 1%".to_owned()
    } else {
        percent(p, 0)
    }
}

/// A chance in words with its article, as a sentence says it: `"a 47% chance"`, and at the
/// ends, where a whole percentage would say 0% or 100%, `"less than a 1% chance"` and
/// `"more than a 99% chance"`.
pub fn chance(p: f64) -> String {
    if !p.is_finite() {
        return MISSING.to_owned();
    }
    if p < 0.005 {
        "less than a 1% chance".to_owned()
    } else if p > 0.995 {
        "more than a 99% chance".to_owned()
    } else {
        let n = percent(p, 0);
        // "an 8% chance", "an 80% chance", "an 11% chance", "an 18% chance"
        let article = if n.starts_with('8') || n == "11%" || n == "18%" {
            "an"
        } else {
            "a"
        };
        format!("{article} {n} chance")
    }
}

/// A yearly return (an internal rate of return, as a fraction) from which the figure is
/// explained rather than shown: 1,000%.
pub const RETURN_EXPLAINED: f64 = 10.0;

/// A yearly return as people are shown it: `"46%"` to one decimal at most, `"above 1,000%"`
/// past [`RETURN_EXPLAINED`] (a change that costs little against what it brings: the rate
/// says nothing more; see [`return_note`]), [`MISSING`] when there is none.
pub fn yearly_return(irr: Option<f64>) -> String {
    match irr {
        Some(r) if r > RETURN_EXPLAINED => "above 1,000%".to_owned(),
        other => percent_opt(other, 1),
    }
}

/// Why a yearly return above 1,000% is not shown as a figure, for a note beside it; `None`
/// below that.
pub fn return_note(irr: Option<f64>) -> Option<&'static str> {
    irr.filter(|r| *r > RETURN_EXPLAINED).map(|_| {
        "The yearly return is above 1,000% because the change costs little against what it brings and pays for itself within months; past that point the rate says nothing more, so it is not shown as a figure."
    })
}

/// An amount in whole units with thousands separators and no currency, for a table whose
/// heading names the currency: `-12,345`.
pub fn whole(x: f64) -> String {
    fixed(x.round(), 0, false)
}

/// A fraction as a percentage rounded to at most `decimals` places, trailing zeros dropped:
/// `percent(0.125, 1)` is "12.5%", `percent(2.3333, 0)` "233%", `percent(12.5, 1)` "1,250%".
pub fn percent(fraction: f64, decimals: usize) -> String {
    if !fraction.is_finite() {
        return MISSING.to_owned();
    }
    format!("{}%", fixed(fraction * 100.0, decimals, true))
}

/// An optional fraction as a percentage, or [`MISSING`].
pub fn percent_opt(fraction: Option<f64>, decimals: usize) -> String {
    fraction.map_or_else(|| MISSING.to_owned(), |f| percent(f, decimals))
}

/// A multiple with one decimal: `3.0×`, `0.8×`.
pub fn multiple(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    format!("{}×", fixed(x, 1, false))
}

/// A plain number: at most one decimal from 1,000 up, two below, four below one.
pub fn number(x: f64) -> String {
    let a = x.abs();
    let decimals = if a >= 1000.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        4
    };
    fixed(x, decimals, true)
}

/// A count: whole, with thousands separators: `12,500`.
pub fn count(x: f64) -> String {
    fixed(x.round(), 0, false)
}

/// Days: `"12 days"`, `"1 day"`, `"2.5 days"`.
pub fn days(x: f64) -> String {
    with_noun(x, "day", "days")
}

/// Hours: `"4.5 hours"`, `"1 hour"`.
pub fn hours(x: f64) -> String {
    with_noun(x, "hour", "hours")
}

/// Months to one decimal: `"3 months"`, `"1 month"`, `"1.5 months"`.
pub fn months(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    let n = fixed(x, 1, true);
    if n == "1" {
        "1 month".to_owned()
    } else {
        format!("{n} months")
    }
}

fn with_noun(x: f64, one: &str, many: &str) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    let n = number(x);
    if n == "1" {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `x` rounded to `decimals` places with thousands separators, trailing zeros dropped when
/// `trim`; beyond 10^15 in scientific notation (a grouped 300-digit number helps nobody).
/// Never writes "-0".
pub fn fixed(x: f64, decimals: usize, trim: bool) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    if x.abs() >= 1e15 {
        let s = format!("{:.2e}", x);
        // "1.20e20" -> "1.2e20"
        return match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        };
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    let frac = if trim {
        frac.trim_end_matches('0')
    } else {
        frac
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let zero = int.chars().all(|c| c == '0') && frac.chars().all(|c| c == '0');
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// The mark a business writes decimals with: `12.5` or `12,5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// `12.5` (and `12,500` for twelve thousand five hundred).
    Point,
    /// `12,5` (and `12.500` for twelve thousand five hundred).
    Comma,
}

/// Currencies of countries that write decimals with a comma (the euro apart: see
/// [`DecimalMark::of`]).
const COMMA_CURRENCIES: &[&str] = &[
    "ARS", "BGN", "BRL", "CLP", "COP", "CZK", "DKK", "HUF", "IDR", "ISK", "NOK", "PLN", "RON",
    "RSD", "RUB", "SEK", "TRY", "UAH", "UYU", "VND",
];

impl DecimalMark {
    /// The mark of the organisation, from its currency (a plan stores no locale): a comma for
    /// the euro (except where the location names Ireland or Malta, which write a point) and the
    /// currencies of `COMMA_CURRENCIES`; a point otherwise.
    pub fn of(org: &crate::model::Organization) -> DecimalMark {
        let code = org.currency.trim().to_ascii_uppercase();
        let place = org.location.as_deref().unwrap_or("").to_ascii_lowercase();
        if code == "EUR" {
            if place.contains("ireland") || place.contains("malta") {
                DecimalMark::Point
            } else {
                DecimalMark::Comma
            }
        } else if COMMA_CURRENCIES.contains(&code.as_str()) {
            DecimalMark::Comma
        } else {
            DecimalMark::Point
        }
    }
}

/// Why a number someone typed was refused, in words for the message beside the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all.
    NotANumber,
    /// A decimal comma where decimals are written with a point (`12,5`): the number to type
    /// instead (`12.5`).
    DecimalComma(String),
    /// A mark that could be a decimal or a thousands separator (`12,500` or `1.234` where
    /// decimals take a comma): the two readings.
    Ambiguous(String, String),
}

/// Reads a number as people type it: a sign, a currency sign (`$`, `€`, `£`), thousands
/// separators (a comma, or a point where decimals take a comma, each followed by exactly three
/// digits; spaces), and a decimal mark. A comma that is not a thousands separator is a decimal
/// comma only under [`DecimalMark::Comma`] and refused otherwise, never dropped: `12,5` is never
/// 125. Where decimals take a comma, a lone `12,500` or `1.234` could be read either way and is
/// refused. Both marks at once (`1.234,5`, `1,234.5`): the last is the decimal mark.
pub fn parse_number(text: &str, mark: DecimalMark) -> Result<f64, NumberError> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | '€' | '£' | '¥' | ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let (sign, body) = match cleaned.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    // Scientific notation ("3e12"), as a number field may send it: no thousands separators.
    if body.contains(['e', 'E']) && !body.contains(',') {
        let digits = body
            .chars()
            .all(|c| c.is_ascii_digit() || "eE.+-".contains(c));
        return match format!("{sign}{body}").parse::<f64>() {
            Ok(x) if digits && x.is_finite() => Ok(x),
            _ => Err(NumberError::NotANumber),
        };
    }
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return Err(NumberError::NotANumber);
    }
    // Groups of three after the first of one to three digits: "1,234,567".
    let grouped = |s: &str, sep: char| {
        let mut parts = s.split(sep);
        let first = parts.next().unwrap_or("");
        (1..=3).contains(&first.len()) && parts.clone().count() > 0 && parts.all(|p| p.len() == 3)
    };
    let commas = body.matches(',').count();
    let points = body.matches('.').count();
    let (int, frac) = match (commas, points) {
        (0, 0) => (body.to_owned(), String::new()),
        (_, _) if commas > 0 && points > 0 => {
            let last_comma = body.rfind(',').unwrap_or(0);
            let last_point = body.rfind('.').unwrap_or(0);
            let (dec, thousands) = if last_comma > last_point {
                (',', '.')
            } else {
                ('.', ',')
            };
            let (int, frac) = body.rsplit_once(dec).unwrap_or((body, ""));
            if body.matches(dec).count() != 1 || !grouped(int, thousands) {
                return Err(NumberError::NotANumber);
            }
            let int = int.replace(thousands, "");
            if dec == ',' && mark == DecimalMark::Point {
                return Err(NumberError::DecimalComma(format!("{sign}{int}.{frac}")));
            }
            (int, frac.to_owned())
        }
        (_, 0) => split_one(
            body,
            ',',
            mark == DecimalMark::Comma,
            sign,
            grouped(body, ','),
        )?,
        (0, _) => split_one(
            body,
            '.',
            mark == DecimalMark::Point,
            sign,
            grouped(body, '.'),
        )?,
        _ => return Err(NumberError::NotANumber),
    };
    let text = if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    };
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && (!int.is_empty() || !frac.is_empty()) => Ok(x),
        _ => Err(NumberError::NotANumber),
    }
}

/// A number holding one kind of mark, `sep`, which is the organisation's decimal mark when
/// `decimal`: its integer and fractional digits.
fn split_one(
    body: &str,
    sep: char,
    decimal: bool,
    sign: &str,
    grouped: bool,
) -> Result<(String, String), NumberError> {
    let count = body.matches(sep).count();
    let (int, frac) = body.rsplit_once(sep).unwrap_or((body, ""));
    let as_thousands = body.replace(sep, "");
    let as_decimal = format!("{sign}{}.{frac}", int);
    if count > 1 {
        // Only thousands separators repeat.
        return if grouped {
            Ok((as_thousands, String::new()))
        } else {
            Err(NumberError::NotANumber)
        };
    }
    match (sep, decimal, grouped) {
        // Where the mark is the decimal mark, "12,500" (decimals take a comma) or "1.234"
        // (likewise) could as well be thousands.
        (',', true, true) | ('.', false, true) => Err(NumberError::Ambiguous(
            format!("{sign}{as_thousands}"),
            as_decimal,
        )),
        // "12,5" where decimals take a comma; "12.5" anywhere.
        (',', true, false) | ('.', _, _) => Ok((int.to_owned(), frac.to_owned())),
        // "12,500" where decimals take a point: thousands.
        (_, false, true) => Ok((as_thousands, String::new())),
        // "12,5" where decimals take a point: refused, never 125.
        _ => Err(NumberError::DecimalComma(as_decimal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_money_as_people_write_it() {
        // Hand-worked: three significant figures from 1,000 up, whole units below.
        assert_eq!(rounded_money(52_596.23, "GBP"), "£52,600");
        assert_eq!(rounded_money(6_150.0, "GBP"), "£6,150");
        assert_eq!(rounded_money(6_155.0, "GBP"), "£6,160");
        assert_eq!(rounded_money(1_249_000.0, "USD"), "$1,250,000");
        assert_eq!(rounded_money(999.6, "USD"), "$1,000");
        assert_eq!(rounded_money(480.0, "EUR"), "€480");
        assert_eq!(rounded_money(12.5, "GBP"), "£13");
        assert_eq!(rounded_money(-52_596.23, "CAD"), "-CAD 52,600");
        assert_eq!(rounded_money(0.2, "USD"), "$0");
        assert_eq!(rounded_money(f64::NAN, "USD"), MISSING);
    }

    #[test]
    fn returns_past_a_thousand_percent_are_explained() {
        // The figure: an IRR of 10,385.5% a year.
        assert_eq!(yearly_return(Some(103.855)), "above 1,000%");
        assert!(return_note(Some(103.855)).is_some());
        assert_eq!(yearly_return(Some(9.86)), "986%");
        assert_eq!(return_note(Some(9.86)), None);
        assert_eq!(yearly_return(Some(0.4653)), "46.5%");
        assert_eq!(yearly_return(None), MISSING);
    }

    #[test]
    fn chance_in_words() {
        assert_eq!(chance(0.4703), "a 47% chance");
        assert_eq!(chance(0.08), "an 8% chance");
        assert_eq!(chance(0.83), "an 83% chance");
        assert_eq!(chance(0.11), "an 11% chance");
        assert_eq!(chance(0.01), "a 1% chance");
        assert_eq!(chance(0.0), "less than a 1% chance");
        assert_eq!(chance(0.004), "less than a 1% chance");
        assert_eq!(chance(0.996), "more than a 99% chance");
        assert_eq!(chance(f64::INFINITY), MISSING);
    }

    #[test]
    fn money_cases() {
        // Hand-worked: sign, grouping, whole units from 1,000 up, cents only when present.
        assert_eq!(Unit::Money.format(12_500.0, "USD"), "$12,500");
        assert_eq!(money(1_200.0, "EUR"), "€1,200");
        assert_eq!(money(3.0, "GBP"), "£3");
        assert_eq!(money(1_200.0, "CAD"), "CAD 1,200");
        assert_eq!(money(-1_200.0, "USD"), "-$1,200");
        assert_eq!(money(-1_200.0, "CAD"), "-CAD 1,200");
        assert_eq!(money(3.5, "USD"), "$3.50");
        assert_eq!(money(999.99, "USD"), "$999.99");
        assert_eq!(money(1_234.56, "USD"), "$1,235");
        assert_eq!(money(2.999, "USD"), "$3");
        assert_eq!(money(-0.001, "USD"), "$0");
        assert_eq!(money(0.0, "USD"), "$0");
        assert_eq!(money(1_000_000.0, "usd"), "$1,000,000");
        assert_eq!(money(-0.4, "USD"), "-$0.40");
        assert_eq!(money(f64::NAN, "USD"), "–");
        assert_eq!(money(f64::INFINITY, "USD"), "–");
        assert_eq!(money(5.0, ""), "5");
        assert_eq!(whole(-1_234_567.6), "-1,234,568");
        assert_eq!(whole(999.4), "999");
        assert_eq!(whole(-0.4), "0");
        assert_eq!(whole(2.5), "3");
    }

    #[test]
    fn other_units() {
        assert_eq!(Unit::Fraction.format(0.125, ""), "12.5%");
        assert_eq!(Unit::Fraction.format(0.1, ""), "10%");
        assert_eq!(Unit::Fraction.format(-0.05, ""), "-5%");
        assert_eq!(Unit::Fraction.format(12.5, ""), "1,250%");
        assert_eq!(percent(2.333333, 0), "233%");
        assert_eq!(percent(0.084, 1), "8.4%");
        assert_eq!(percent(0.5, 0), "50%");
        assert_eq!(percent_opt(None, 1), "–");
        assert_eq!(Unit::Multiple.format(3.0, ""), "3.0×");
        assert_eq!(Unit::Multiple.format(2.75, ""), "2.8×");
        assert_eq!(Unit::Number.format(1_234.5, ""), "1,234.5");
        assert_eq!(Unit::Number.format(1_234.56, ""), "1,234.6");
        assert_eq!(Unit::Count.format(12.0, ""), "12");
        assert_eq!(count(12_499.6), "12,500");
        assert_eq!(Unit::Number.format(0.25, ""), "0.25");
        assert_eq!(Unit::Number.format(-0.0, ""), "0");
        assert_eq!(Unit::Number.format(1e20, ""), "1e20");
        assert_eq!(Unit::Number.format(-1.25e300, ""), "-1.25e300");
        assert_eq!(Unit::Days.format(12.0, ""), "12 days");
        assert_eq!(Unit::Days.format(1.0, ""), "1 day");
        assert_eq!(Unit::Hours.format(4.5, ""), "4.5 hours");
        assert_eq!(Unit::Months.format(3.0, ""), "3 months");
        assert_eq!(Unit::Months.format(1.0, ""), "1 month");
        assert_eq!(Unit::Months.format(1.5, ""), "1.5 months");
        assert_eq!(Unit::Fraction.format(f64::NEG_INFINITY, ""), "–");
        assert_eq!(Unit::Months.format(f64::NAN, ""), "–");
        assert_eq!(Unit::Multiple.format(f64::NAN, ""), "–");
    }

    #[test]
    fn serialised_as_the_metrics_json_names_them() {
        for u in Unit::ALL {
            let json = serde_json::to_string(&u).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", u.as_str()));
            assert_eq!(serde_json::from_str::<Unit>(&json).ok(), Some(u));
        }
        let names: Vec<String> = [Unit::Money, Unit::Fraction, Unit::Multiple, Unit::Score]
            .iter()
            .map(|u| serde_json::to_string(u).unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            ["\"currency\"", "\"fraction\"", "\"ratio\"", "\"points\""]
        );
    }

    #[test]
    fn numbers_as_people_type_them() {
        use DecimalMark::{Comma, Point};
        let ok = |t: &str, m| parse_number(t, m);
        assert_eq!(ok("12,500", Point), Ok(12_500.0));
        assert_eq!(ok("1,234,567.5", Point), Ok(1_234_567.5));
        assert_eq!(ok("$12,500", Point), Ok(12_500.0));
        assert_eq!(ok("-1,200", Point), Ok(-1_200.0));
        assert_eq!(ok("12.5", Point), Ok(12.5));
        assert_eq!(ok("12 500", Point), Ok(12_500.0));
        assert_eq!(ok(".5", Point), Ok(0.5));
        // Never 125.
        assert_eq!(
            ok("12,5", Point),
            Err(NumberError::DecimalComma("12.5".into()))
        );
        assert_eq!(
            ok("1,25", Point),
            Err(NumberError::DecimalComma("1.25".into()))
        );
        assert_eq!(
            ok("-1.234,5", Point),
            Err(NumberError::DecimalComma("-1234.5".into()))
        );
        assert_eq!(ok("12,5", Comma), Ok(12.5));
        assert_eq!(ok("1,25", Comma), Ok(1.25));
        assert_eq!(ok("1.234,5", Comma), Ok(1_234.5));
        assert_eq!(ok("€1.234.567,25", Comma), Ok(1_234_567.25));
        assert_eq!(ok("1.234.567", Comma), Ok(1_234_567.0));
        assert_eq!(ok("12.5", Comma), Ok(12.5));
        assert_eq!(ok("1,234.5", Comma), Ok(1_234.5));
        assert_eq!(
            ok("12,500", Comma),
            Err(NumberError::Ambiguous("12500".into(), "12.500".into()))
        );
        assert_eq!(
            ok("1.234", Comma),
            Err(NumberError::Ambiguous("1234".into(), "1.234".into()))
        );
        assert_eq!(ok("3e12", Point), Ok(3e12));
        assert_eq!(ok("1.5E3", Comma), Ok(1500.0));
        for bad in [
            "",
            "abc",
            "1,2,3",
            "12,34,567",
            "1.2.3",
            "1,234,5.6",
            "--1",
            "1,5e3",
            "1e999",
            "inf",
            "e",
            ".",
        ] {
            assert_eq!(ok(bad, Point), Err(NumberError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn the_decimal_mark_follows_the_currency() {
        let Some(start) = crate::model::Month::new(2027, 1) else {
            panic!("a month")
        };
        let mut org = crate::model::Organization {
            name: "A".into(),
            industry: None,
            location: None,
            employees: None,
            annual_revenue: None,
            currency: "EUR".into(),
            start,
            horizon_months: 12,
            evaluation_months: None,
            discount_rate: 0.08,
            fiscal_year_start: 1,
            gross_margin: None,
            lifecycle: None,
            review_every_months: None,
        };
        assert_eq!(DecimalMark::of(&org), DecimalMark::Comma);
        org.location = Some("Cork, Ireland".into());
        assert_eq!(DecimalMark::of(&org), DecimalMark::Point);
        org.currency = "USD".into();
        assert_eq!(DecimalMark::of(&org), DecimalMark::Point);
        org.currency = "brl".into();
        assert_eq!(DecimalMark::of(&org), DecimalMark::Comma);
    }

    #[test]
    fn plan_words() {
        assert_eq!(Unit::from_words("EUR", "eur"), (Unit::Money, None));
        assert_eq!(Unit::from_words("money", "USD"), (Unit::Money, None));
        assert_eq!(Unit::from_words("ratio", "USD"), (Unit::Fraction, None));
        assert_eq!(Unit::from_words(" days ", "USD"), (Unit::Days, None));
        assert_eq!(
            Unit::from_words("customers", "USD"),
            (Unit::Number, Some("customers".into()))
        );
        let m = |w: &str| Measure {
            unit: Unit::Number,
            currency: String::new(),
            words: Some(w.into()),
        };
        assert_eq!(m("interactions").format(400.0), "400 interactions");
        assert_eq!(m("%").format(12.5), "12.5%");
        assert_eq!(m("%").format(f64::NAN), "–");
    }
}
