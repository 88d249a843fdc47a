//! Unusual periods in a KPI series. Each value is compared with what its neighbours lead one
//! to expect (the median of the values around it; with at least two full seasons, the same
//! period of the other seasons is part of the expectation), and the residual is scaled by a
//! robust spread (1.4826 x the median absolute deviation of all residuals, Hampel's filter).
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
            // Two neighbours on each side (fewer at the ends), not the value itself.
            let mut around: Vec<f64> = (k.saturating_sub(2)..(k + 3).min(n))
                .filter(|&j| j != k)
                .map(|j| known[j].1)
                .collect();
            if let Some(p) = season.filter(|&p| p >= 2 && n >= 2 * p) {
                // The same period in other seasons, shifted to this season's level.
                let i = known[k].0;
                let level: f64 = {
                    let mut a = around.clone();
                    median(&mut a)
                };
                let mut same: Vec<f64> = known
                    .iter()
                    .filter(|(j, _)| *j != i && j.abs_diff(i) % p == 0)
                    .map(|&(j, v)| {
                        // Deviation of that period from its own neighbours.
                        let pos = known.iter().position(|(x, _)| *x == j).unwrap_or(0);
                        let mut nb: Vec<f64> = (pos.saturating_sub(2)..(pos + 3).min(n))
                            .filter(|&q| q != pos)
                            .map(|q| known[q].1)
                            .collect();
                        v - median(&mut nb)
                    })
                    .collect();
                if !same.is_empty() {
                    return level + median(&mut same);
                }
            }
            median(&mut around)
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
