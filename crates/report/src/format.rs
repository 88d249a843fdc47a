//! Numbers as people read them: money with its currency sign and thousands separators,
//! fractions as percentages, durations in months, and "nice" axis ticks (1-2-5 x 10^k).
//!
//! Every function here accepts any `f64`: a value that is not finite is written as an en dash
//! ("–") rather than `NaN` or `inf`, so nothing a user or a file supplies can leak those words
//! into a chart or a document.

/// What a number measures, which decides how [`value`] writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Unit {
    /// A plain quantity: thousands separated, at most two decimals.
    #[default]
    Number,
    /// An amount of money in the given ISO 4217 currency (`"USD"`, `"EUR"`, `"CAD"`, ...).
    Money {
        /// The ISO 4217 code; USD, EUR, GBP and JPY are written with their sign, others with
        /// the code before the amount ("CAD 1,200").
        currency: String,
    },
    /// A fraction written as a percentage: `0.125` is "12.5%".
    Percent,
    /// A duration in months: "3 months", "1 month".
    Months,
}

/// What is written for a value that is not a finite number.
pub const MISSING: &str = "–";

/// Writes `x` in `unit` as people read it: `"$12,500"`, `"€1,200"`, `"CAD 1,200"`, `"12.5%"`,
/// `"1,234.5"`, `"3 months"`; non-finite values become [`MISSING`].
pub fn value(x: f64, unit: &Unit) -> String {
    if !x.is_finite() {
        return MISSING.to_owned();
    }
    match unit {
        Unit::Number => number(x),
        Unit::Money { currency } => money(x, currency),
        Unit::Percent => format!("{}%", fixed(x * 100.0, 1, true)),
        Unit::Months => {
            let n = fixed(x, 1, true);
            if n == "1" {
                "1 month".to_owned()
            } else {
                format!("{n} months")
            }
        }
    }
}

/// Writes an amount of money: whole units when `|x| >= 1000`, otherwise two decimals only if
/// the amount has cents (`"$3"`, `"$3.50"`); negatives as `"-$1,200"`; non-finite as
/// [`MISSING`]. The same as [`value`] with [`Unit::Money`].
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

/// A plain number: at most one decimal from 1,000 up, two below, four below one.
fn number(x: f64) -> String {
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

/// `x` rounded to `decimals` places with thousands separators, trailing zeros dropped when
/// `trim`; beyond 10^15 in scientific notation (a grouped 300-digit number helps nobody).
/// Never writes "-0".
fn fixed(x: f64, decimals: usize, trim: bool) -> String {
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

/// Axis ticks for the range `[lo, hi]`: evenly spaced multiples of a 1, 2 or 5 x 10^k step,
/// the first at or below `lo` and the last at or above `hi`, about `n` of them (at least 2,
/// at most `n + 2`). The ends may come in either order; a single value gets a small range
/// around it; non-finite ends give no ticks.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let n = n.clamp(2, 100);
    let range = hi - lo;
    if !range.is_finite() || range <= 0.0 {
        return vec![lo, hi];
    }
    let raw = range / (n - 1) as f64;
    let exp = raw.log10().floor() as i32;
    // Of the 1-2-5 steps near the raw step, the one whose tick count is nearest `n` (fewer
    // ticks on a tie), never more than `n + 2`.
    let count = |step: f64| (hi / step - 1e-9).ceil() - (lo / step + 1e-9).floor() + 1.0;
    let mut best: Option<(f64, i32, f64)> = None;
    for (m, e) in [
        (1.0, exp),
        (2.0, exp),
        (5.0, exp),
        (1.0, exp + 1),
        (2.0, exp + 1),
    ] {
        let step = m * 10f64.powi(e);
        let c = count(step);
        if !c.is_finite() || c > (n + 2) as f64 || c < 2.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bm, be, _)) => {
                let bc = count(bm * 10f64.powi(be));
                let (d, bd) = ((c - n as f64).abs(), (bc - n as f64).abs());
                d < bd || (d == bd && c < bc)
            }
        };
        if better {
            best = Some((m, e, step));
        }
    }
    let Some((mantissa, exp, step)) = best else {
        return vec![lo, hi];
    };
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    if !first.is_finite() || !last.is_finite() || last - first > 1000.0 {
        return vec![lo, hi];
    }
    // Each tick is an integer times the step, computed so that 0.1-steps print cleanly.
    let at = |k: f64| {
        if exp < 0 {
            k * mantissa / 10f64.powi(-exp)
        } else {
            k * step
        }
    };
    let mut ticks: Vec<f64> = Vec::new();
    let mut k = first;
    while k <= last {
        let t = at(k);
        if !t.is_finite() {
            return vec![lo, hi];
        }
        if ticks.last().is_none_or(|&p| t > p) {
            ticks.push(t);
        }
        k += 1.0;
    }
    if ticks.len() < 2 || ticks[0] > lo || ticks[ticks.len() - 1] < hi {
        return vec![lo, hi];
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Unit {
        Unit::Money {
            currency: "USD".into(),
        }
    }

    #[test]
    fn money_cases() {
        // Hand-worked: sign, grouping, whole units from 1,000 up, cents only when present.
        assert_eq!(value(12_500.0, &usd()), "$12,500");
        assert_eq!(money(1_200.0, "EUR"), "€1,200");
        assert_eq!(money(3.0, "GBP"), "£3");
        assert_eq!(money(1_200.0, "CAD"), "CAD 1,200");
        assert_eq!(money(-1_200.0, "USD"), "-$1,200");
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
    }

    #[test]
    fn other_units() {
        assert_eq!(value(0.125, &Unit::Percent), "12.5%");
        assert_eq!(value(0.1, &Unit::Percent), "10%");
        assert_eq!(value(-0.05, &Unit::Percent), "-5%");
        assert_eq!(value(12.5, &Unit::Percent), "1,250%");
        assert_eq!(value(1_234.5, &Unit::Number), "1,234.5");
        assert_eq!(value(1_234.56, &Unit::Number), "1,234.6");
        assert_eq!(value(12.0, &Unit::Number), "12");
        assert_eq!(value(0.25, &Unit::Number), "0.25");
        assert_eq!(value(-0.0, &Unit::Number), "0");
        assert_eq!(value(1e20, &Unit::Number), "1e20");
        assert_eq!(value(-1.25e300, &Unit::Number), "-1.25e300");
        assert_eq!(value(3.0, &Unit::Months), "3 months");
        assert_eq!(value(1.0, &Unit::Months), "1 month");
        assert_eq!(value(1.5, &Unit::Months), "1.5 months");
        assert_eq!(value(f64::NEG_INFINITY, &Unit::Percent), "–");
        assert_eq!(value(f64::NAN, &Unit::Months), "–");
    }

    #[test]
    fn ticks_examples() {
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            nice_ticks(3.0, 97.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 0.3, 4), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(
            nice_ticks(-1200.0, 5000.0, 5),
            vec![-2000.0, 0.0, 2000.0, 4000.0, 6000.0]
        );
        assert_eq!(nice_ticks(5.0, 5.0, 5), vec![4.5, 5.0, 5.5]);
        assert_eq!(nice_ticks(0.0, 0.0, 5), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert_eq!(nice_ticks(-f64::MAX, f64::MAX, 5).len(), 2);
    }
}
