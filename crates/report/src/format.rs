//! "Nice" axis ticks (1-2-5 x 10^k), and the core's way of writing numbers
//! ([`sextant_core::unit`]: money, percentages, multiples, durations) under the names the
//! charts and pages have always called them.

pub use sextant_core::unit::{
    MISSING, count, days, hours, money, months, multiple, number, percent, percent_opt,
    return_note, whole, yearly_return,
};

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
