//! Unusual periods in a KPI series, said in words an owner reads ("31458 is about 3 times the
//! usual for a March"), with the figure in robust standard deviations kept beside them.
//!
//! Each value is compared with what one would expect of it:
//!
//! - **With a season** (12 for months), a series of two seasons or more and at least a season
//!   of its values seen in another season too, the same period of
//!   the other seasons: the value's level (the median of a season of values around it, each
//!   carried to it along the trend, itself the median change from one season to the next, per
//!   period) times the median of the same period's other values over their own levels
//!   (differences instead of ratios when a value is 0 or below). A December that peaks every
//!   year is the usual for a December, and the January after it is judged against the other
//!   Januaries, not against the peak. With only one or two other seasons to compare with, a
//!   value and a twin that disagree do not say which of them is odd: the value must also stand
//!   out from the periods around it, in the same direction.
//!   A value whose period no other season holds (the other left out as partial) is compared
//!   with its level alone, a usual period: the periods right around it would mislead, a
//!   December peak among them.
//! - **Otherwise** (no season, or a shorter series), the periods around it: the median of its
//!   four nearest neighbours, each carried to it along the local slope.
//!
//! The residuals are scaled by a robust spread (1.4826 x the median absolute deviation of all
//! residuals, Hampel's filter), but at least 3% of the series' median size: the calendar alone
//! moves a month by that much (a 28-day February, a fifth weekend), so a near-constant series
//! does not make such moves tens of spreads. A period is flagged when its residual is more than
//! `threshold` such spreads away and at least 10% of the expected value.
//!
//! A partial period (data covering part of it) is the caller's to leave out (`None`), as the
//! catalogue does: judged whole it would look like a fall, and as a twin it would make its
//! period of the other seasons look like a rise.

use serde::Serialize;

/// An unusual period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// Index of the period in the series.
    pub index: usize,
    /// The value.
    pub value: f64,
    /// What the same period of other seasons (or the periods around it) lead one to expect.
    pub expected: f64,
    /// Residual in robust standard deviations (signed): the technical figure.
    pub score: f64,
    /// In words.
    pub reason: String,
}

/// How a series' periods are called in the reasons.
#[derive(Clone, Copy)]
pub struct Wording<'a> {
    /// A period: `month`.
    pub period: &'a str,
    /// Periods: `months`.
    pub periods: &'a str,
    /// What a season is: `year`.
    pub cycle: &'a str,
    /// The name of the period of the season at an index of the series, as in "the usual for a
    /// March": `March` (without, "the usual for this month of the year").
    pub season_of: Option<&'a dyn Fn(usize) -> String>,
}

impl Wording<'_> {
    /// The wording of a season's length: months for 12, quarters for 4, weeks for 52, days
    /// (of the week) for 7, else periods; no names.
    pub fn of_season(season: Option<usize>) -> Wording<'static> {
        let (period, periods, cycle) = match season {
            Some(12) => ("month", "months", "year"),
            Some(4) => ("quarter", "quarters", "year"),
            Some(52 | 53) => ("week", "weeks", "year"),
            Some(7) => ("day", "days", "week"),
            _ => ("period", "periods", "season"),
        };
        Wording {
            period,
            periods,
            cycle,
            season_of: None,
        }
    }

    /// "the usual for a March", "the usual for this month of the year".
    fn usual_for(&self, index: usize) -> String {
        match self.season_of.map(|f| f(index)) {
            Some(name) => {
                let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                    "an"
                } else {
                    "a"
                };
                format!("the usual for {article} {name}")
            }
            None => format!("the usual for this {} of the {}", self.period, self.cycle),
        }
    }

    /// "there is no other March to compare it with", "no other year has this month to compare
    /// it with".
    fn none_other(&self, index: usize) -> String {
        match self.season_of.map(|f| f(index)) {
            Some(name) => format!("there is no other {name} to compare it with"),
            None => format!(
                "no other {} has this {} to compare it with",
                self.cycle, self.period
            ),
        }
    }
}

impl std::fmt::Debug for Wording<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wording")
            .field("period", &self.period)
            .field("periods", &self.periods)
            .field("cycle", &self.cycle)
            .finish_non_exhaustive()
    }
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

/// The median of `sorted` (sorted by `f64::total_cmp`) without one of its values equal to `x`,
/// as [`median`] of the others would give it.
fn median_without(sorted: &[f64], x: f64) -> f64 {
    let Ok(skip) = sorted.binary_search_by(|y| y.total_cmp(&x)) else {
        let mut all = sorted.to_vec();
        return median(&mut all);
    };
    let n = sorted.len() - 1;
    let at = |t: usize| sorted[if t < skip { t } else { t + 1 }];
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        at(n / 2)
    } else {
        (at(n / 2 - 1) + at(n / 2)) / 2.0
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

/// The expectation of each value from the same period of the other seasons, with how many
/// other seasons it rests on (0 for a value whose period no other season holds: its level
/// alone, a usual period); `None` when the series (of `len` periods, some perhaps left out)
/// spans fewer than two seasons of `p` periods, or fewer than a season of its values have a
/// twin in another season.
fn same_period(known: &[(usize, f64)], len: usize, p: usize) -> Option<Vec<(f64, usize)>> {
    let (first, last) = (known.first()?.0, known.last()?.0);
    if p < 2 || len < 2 * p {
        return None;
    }
    let at: std::collections::HashMap<usize, f64> = known.iter().copied().collect();
    let twinned = known
        .iter()
        .filter(|(i, _)| {
            (1..=(last - first) / p).any(|c| {
                at.contains_key(&(i + c * p))
                    || i.checked_sub(c * p).is_some_and(|j| at.contains_key(&j))
            })
        })
        .count();
    if twinned < p {
        return None;
    }
    // The trend: the median change from one season to the next, per period.
    let mut changes: Vec<f64> = known
        .iter()
        .filter_map(|(i, v)| at.get(&(i + p)).map(|w| (w - v) / p as f64))
        .collect();
    let slope = if changes.is_empty() {
        0.0
    } else {
        median(&mut changes)
    };
    // The level at each value: a season of values around it, carried to it along the trend.
    let level = |i: usize| -> f64 {
        let start = i
            .saturating_sub(p / 2)
            .min((last + 1).saturating_sub(p))
            .max(first);
        let mut around: Vec<f64> = (start..start + p)
            .filter_map(|j| at.get(&j).map(|v| v + slope * (i as f64 - j as f64)))
            .collect();
        median(&mut around)
    };
    let levels: Vec<f64> = known.iter().map(|(i, _)| level(*i)).collect();
    let ratios = known.iter().all(|(_, v)| *v > 0.0) && levels.iter().all(|l| *l > 0.0);
    let relative: Vec<f64> = known
        .iter()
        .zip(&levels)
        .map(|((_, v), l)| if ratios { v / l } else { v - l })
        .collect();
    // The values of each period of the season, sorted: a value's "others" are its period's
    // values but itself, and their median is read off the sorted list (the series of a file
    // spanning centuries of weeks would otherwise compare every value with every other).
    let mut seasons: Vec<Vec<f64>> = vec![Vec::new(); p];
    for ((i, _), r) in known.iter().zip(&relative) {
        seasons[i % p].push(*r);
    }
    for v in &mut seasons {
        v.sort_by(f64::total_cmp);
    }
    Some(
        known
            .iter()
            .enumerate()
            .map(|(k, (i, _))| {
                let same = &seasons[i % p];
                let count = same.len().saturating_sub(1);
                let usual = match count {
                    0 if ratios => 1.0,
                    0 => 0.0,
                    _ => median_without(same, relative[k]),
                };
                let e = if ratios {
                    levels[k] * usual
                } else {
                    levels[k] + usual
                };
                (e, count)
            })
            .collect(),
    )
}

/// Residuals from `expected` (where there is one) in robust standard deviations: centred on
/// their median and scaled by 1.4826 x their median absolute deviation (the mean absolute
/// deviation x 1.2533 when more than half are equal), at least `floor`. `None` when no spread
/// can be had.
fn scores(known: &[(usize, f64)], expected: &[Option<f64>], floor: f64) -> Option<Vec<f64>> {
    let residuals: Vec<Option<f64>> = known
        .iter()
        .zip(expected)
        .map(|((_, v), e)| e.map(|e| v - e))
        .collect();
    let mut r: Vec<f64> = residuals.iter().flatten().copied().collect();
    if r.is_empty() {
        return None;
    }
    let med = median(&mut r);
    let mut dev: Vec<f64> = r.iter().map(|x| (x - med).abs()).collect();
    let mut mad = median(&mut dev) * 1.4826;
    if mad <= 0.0 {
        mad = dev.iter().sum::<f64>() / dev.len() as f64 * 1.2533;
    }
    if floor.is_finite() {
        mad = mad.max(floor);
    }
    if mad.is_nan() || mad <= 0.0 {
        return None;
    }
    Some(
        residuals
            .iter()
            .map(|x| x.map_or(0.0, |x| (x - med) / mad))
            .collect(),
    )
}

/// The default threshold, in robust standard deviations.
pub const THRESHOLD: f64 = 3.5;

/// The least spread, as a share of the series' median size.
const FLOOR: f64 = 0.03;

/// Flags unusual values of a series (`None` values are skipped). `season` is the seasonal
/// period (12 for months) when known. The reasons name the periods by the season's length
/// (12: "the usual for this month of the year", "the months around it"); see [`detect_named`]
/// to name them.
pub fn detect(values: &[Option<f64>], season: Option<usize>, threshold: f64) -> Vec<Anomaly> {
    detect_named(values, season, threshold, &Wording::of_season(season))
}

/// As [`detect`], the reasons in `words` ("about 3 times the usual for a March").
pub fn detect_named(
    values: &[Option<f64>],
    season: Option<usize>,
    threshold: f64,
    words: &Wording,
) -> Vec<Anomaly> {
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    if known.len() < 6 {
        return Vec::new();
    }
    let n = known.len();
    let mut sizes: Vec<f64> = known.iter().map(|(_, v)| v.abs()).collect();
    let floor = FLOOR * median(&mut sizes);
    let near: Vec<Option<f64>> = (0..n).map(|k| Some(local(&known, k))).collect();
    let near_scores = scores(&known, &near, floor);
    let seasonal = season.and_then(|p| same_period(&known, values.len(), p));
    let seasonal_scores = seasonal.as_ref().and_then(|s| {
        let e: Vec<Option<f64>> = s
            .iter()
            .map(|x| Some(x.0).filter(|e| e.is_finite()))
            .collect();
        scores(&known, &e, floor)
    });
    // Practically significant too: at least 10% away from the expected value.
    let material = |v: f64, e: f64| (v - e).abs() >= 0.10 * e.abs();
    (0..n)
        .filter_map(|k| {
            let (index, value) = known[k];
            let near_score = near_scores.as_ref().map(|s| s[k]);
            if let (Some((expected, others)), Some(s)) = (
                seasonal.as_ref().map(|x| x[k]),
                seasonal_scores.as_ref().map(|s| s[k]),
            ) {
                let unusual =
                    expected.is_finite() && s.abs() > threshold && material(value, expected);
                // One or two other seasons: a value and its twin that disagree are told apart
                // by the periods around them.
                let nearby =
                    near_score.is_some_and(|m| m.abs() > threshold && m.signum() == s.signum());
                let (against, also) = match others {
                    0 => (
                        format!("a usual {}", words.period),
                        format!("; {}", words.none_other(index)),
                    ),
                    1 | 2 if nearby => (
                        words.usual_for(index),
                        format!(", and out of line with the {} around it", words.periods),
                    ),
                    _ => (words.usual_for(index), String::new()),
                };
                return (unusual && (others == 0 || others >= 3 || nearby)).then(|| Anomaly {
                    index,
                    value,
                    expected,
                    score: s,
                    reason: format!(
                        "{} is {} {against} ({} expected){also}",
                        fmt(value),
                        compared(value, expected),
                        fmt(expected),
                    ),
                });
            }
            let score = near_score?;
            let expected = near[k]?;
            (score.abs() > threshold && material(value, expected)).then(|| Anomaly {
                index,
                value,
                expected,
                score,
                reason: format!(
                    "{} is {} what the {} around it lead one to expect ({})",
                    fmt(value),
                    compared(value, expected),
                    words.periods,
                    fmt(expected)
                ),
            })
        })
        .collect()
}

/// `value` against `expected` in words: "about 3 times", "about twice", "45% above", "about
/// half", "30% below" (as ratios when both are above 0, else "12.5 above").
fn compared(value: f64, expected: f64) -> String {
    if value <= 0.0 || expected <= 0.0 {
        let d = value - expected;
        return format!(
            "{} {}",
            fmt(d.abs()),
            if d >= 0.0 { "above" } else { "below" }
        );
    }
    let q = value / expected;
    let halves = (q * 2.0).round() / 2.0;
    if q >= 1.95 {
        if halves == 2.0 {
            "about twice".into()
        } else if halves.fract() == 0.0 {
            format!("about {halves:.0} times")
        } else {
            format!("about {halves:.1} times")
        }
    } else if q >= 1.0 {
        format!("{:.0}% above", (q - 1.0) * 100.0)
    } else if (0.45..=0.55).contains(&q) {
        "about half".into()
    } else {
        format!("{:.0}% below", (1.0 - q) * 100.0)
    }
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
    use proptest::prelude::*;

    proptest! {
        /// The median of a season's other values, read off the sorted list, is the median of
        /// those values sorted afresh (as it was computed before: every value against every
        /// other).
        #[test]
        fn a_seasons_others_have_the_median_of_their_own_sort(
            known in proptest::collection::btree_map(0usize..200, prop_oneof![Just(0.0), Just(-0.0), -50.0f64..50.0, Just(7.0)], 0..120),
            p in 2usize..14,
        ) {
            let known: Vec<(usize, f64)> = known.into_iter().collect();
            let mut seasons: std::collections::HashMap<usize, Vec<f64>> = Default::default();
            for (i, v) in &known {
                seasons.entry(i % p).or_default().push(*v);
            }
            for v in seasons.values_mut() {
                v.sort_by(f64::total_cmp);
            }
            for (i, v) in &known {
                let mut others: Vec<f64> = known
                    .iter()
                    .filter(|(j, _)| j != i && j.abs_diff(*i) % p == 0)
                    .map(|(_, w)| *w)
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let want = median(&mut others);
                let got = median_without(&seasons[&(i % p)], *v);
                prop_assert_eq!(got.to_bits(), want.to_bits(), "{} {:?}", i, others);
            }
        }
    }

    #[test]
    fn a_spike_is_flagged_with_its_reason() {
        let mut v: Vec<Option<f64>> = (0..24).map(|i| Some(100.0 + i as f64)).collect();
        v[10] = Some(190.0);
        let a = detect(&v, None, THRESHOLD);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].index, 10);
        // Neighbours 108, 109, 111, 112: median 110.
        assert_eq!(a[0].expected, 110.0);
        // 190 / 110 = 1.727.
        assert_eq!(
            a[0].reason,
            "190 is 73% above what the periods around it lead one to expect (110)"
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
    fn comparisons_in_words() {
        for (v, e, words) in [
            (300.0, 100.0, "about 3 times"),
            (200.0, 100.0, "about twice"),
            (250.0, 100.0, "about 2.5 times"),
            (173.0, 100.0, "73% above"),
            (50.0, 100.0, "about half"),
            (70.0, 100.0, "30% below"),
            (-5.0, 10.0, "15 below"),
        ] {
            assert_eq!(compared(v, e), words, "{v} {e}");
        }
    }

    #[test]
    fn short_or_flat_series_give_nothing() {
        assert!(detect(&[Some(1.0); 5], None, THRESHOLD).is_empty());
        assert!(detect(&[Some(1.0); 20], None, THRESHOLD).is_empty());
    }
}
