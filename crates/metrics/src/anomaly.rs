//! Unusual periods in a KPI series. Each value is compared with what its neighbours lead one
//! to expect (the median of the values around it, carried along the local trend; with at
//! least two full seasons, the same period of the other seasons is part of the expectation),
//! and the residual is scaled by a robust spread (1.4826 x the median absolute deviation of
//! all residuals, Hampel's filter, but at least 1% of the series' median size).
//! A period is flagged when its residual is more than `threshold` such spreads away and at
//! least 10% of the expected value (so that tiny wiggles in a very steady series are not news).

use serde::Serialize;

/// An unusual period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// Index of the period in the series.
    pub index: usize,
    /// The value.
    pub value: f64,
    /// What the neighbouring periods lead one to expect.
    pub expected: f64,
    /// Residual in robust standard deviations (signed).
    pub score: f64,
    /// In words.
    pub reason: String,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// What the neighbours of `known[k]` (two on each side, the four nearest on one side at the
/// ends; not the value itself) lead one to expect: the median of their values, each carried to `k` along the local
/// slope (the median change per period between nearby values that are not `k`). Without the
/// slope, an end of a growing series (neighbours on one side only) stands out by the growth.
fn local(known: &[(usize, f64)], k: usize) -> f64 {
    let n = known.len();
    let mut slopes: Vec<f64> = (k.saturating_sub(4)..(k + 4).min(n).saturating_sub(1))
        .filter(|&j| j != k && j + 1 != k)
        .map(|j| (known[j + 1].1 - known[j].1) / (known[j + 1].0 - known[j].0) as f64)
        .collect();
    let slope = if slopes.is_empty() {
        0.0
    } else {
        median(&mut slopes)
    };
    // The four nearest: two on each side, more on one side at an end.
    let lo = k.saturating_sub(2).min(n.saturating_sub(5));
    let hi = (lo + 5).min(n);
    let i = known[k].0 as f64;
    let mut around: Vec<f64> = (lo..hi)
        .filter(|&j| j != k)
        .map(|j| known[j].1 + slope * (i - known[j].0 as f64))
        .collect();
    median(&mut around)
}

/// The default threshold, in robust standard deviations.
pub const THRESHOLD: f64 = 3.5;

/// Flags unusual values of a series (`None` values are skipped). `season` is the seasonal
/// period (12 for months) when known.
pub fn detect(values: &[Option<f64>], season: Option<usize>, threshold: f64) -> Vec<Anomaly> {
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    if known.len() < 6 {
        return Vec::new();
    }
    let n = known.len();
    let expected: Vec<f64> = (0..n)
        .map(|k| {
            let level = local(&known, k);
            if let Some(p) = season.filter(|&p| p >= 2 && n >= 2 * p) {
                // The same period in other seasons: how far each stood from its own
                // neighbours, added to this period's level.
                let i = known[k].0;
                let mut same: Vec<f64> = known
                    .iter()
                    .enumerate()
                    .filter(|(_, (j, _))| *j != i && j.abs_diff(i) % p == 0)
                    .map(|(pos, &(_, v))| v - local(&known, pos))
                    .collect();
                if !same.is_empty() {
                    return level + median(&mut same);
                }
            }
            level
        })
        .collect();
    let residuals: Vec<f64> = (0..n).map(|k| known[k].1 - expected[k]).collect();
    let mut r = residuals.clone();
    let med = median(&mut r);
    let mut dev: Vec<f64> = residuals.iter().map(|x| (x - med).abs()).collect();
    let mut mad = median(&mut dev) * 1.4826;
    if mad <= 0.0 {
        // More than half the residuals are equal: fall back on the mean absolute deviation
        // (x 1.2533, its normal-consistency factor).
        mad = dev.iter().sum::<f64>() / n as f64 * 1.2533;
    }
    // A floor on the spread: when the expectation fits most periods almost exactly, the
    // median absolute deviation is close to 0 and any ordinary wiggle would score tens of
    // spreads. Variation below 1% of the series' typical size is not taken as its spread.
    let mut sizes: Vec<f64> = known.iter().map(|(_, v)| v.abs()).collect();
    let floor = 0.01 * median(&mut sizes);
    if floor.is_finite() {
        mad = mad.max(floor);
    }
    if mad.is_nan() || mad <= 0.0 {
        return Vec::new();
    }
    (0..n)
        .filter_map(|k| {
            let score = (residuals[k] - med) / mad;
            // Practically significant too: at least 10% away from the expected value.
            let material = residuals[k].abs() >= 0.10 * expected[k].abs();
            (score.abs() > threshold && material).then(|| Anomaly {
                index: known[k].0,
                value: known[k].1,
                expected: expected[k],
                score,
                reason: format!(
                    "{} is {:.1} robust standard deviations {} the {} expected from the periods around it",
                    fmt(known[k].1),
                    score.abs(),
                    if score > 0.0 { "above" } else { "below" },
                    fmt(expected[k])
                ),
            })
        })
        .collect()
}

fn fmt(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spike_is_flagged_with_its_reason() {
        let mut v: Vec<Option<f64>> = (0..24).map(|i| Some(100.0 + i as f64)).collect();
        v[10] = Some(190.0);
        let a = detect(&v, None, THRESHOLD);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].index, 10);
        // Neighbours 108, 109, 111, 112: median 110.
        assert_eq!(a[0].expected, 110.0);
        assert!(a[0].reason.starts_with("190 is "), "{}", a[0].reason);
        assert!(
            a[0].reason
                .ends_with("above the 110 expected from the periods around it")
        );
    }

    #[test]
    fn a_steady_seasonal_pattern_is_not_flagged() {
        let v: Vec<Option<f64>> = (0..36)
            .map(|i| Some(100.0 + if i % 12 == 11 { 60.0 } else { (i % 3) as f64 }))
            .collect();
        assert!(detect(&v, Some(12), THRESHOLD).is_empty());
        // Without the season, every December stands out.
        assert!(!detect(&v, None, THRESHOLD).is_empty());
    }

    #[test]
    fn short_or_flat_series_give_nothing() {
        assert!(detect(&[Some(1.0); 5], None, THRESHOLD).is_empty());
        assert!(detect(&[Some(1.0); 20], None, THRESHOLD).is_empty());
    }
}
