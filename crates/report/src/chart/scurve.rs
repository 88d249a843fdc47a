//! The S-curve: the cumulative probability (0-100%) of a simulated outcome, e.g. a business
//! case's NPV over Monte Carlo runs, with vertical marks such as P10, P50 and P90.

use std::fmt::Write as _;

use super::svg::{self, BLUE, Svg, TEXT, VERMILLION, WIDTH, el, line, text};
use crate::format;
use sextant_core::unit::{Measure, Unit};

/// A cumulative distribution chart of simulated outcomes.
#[derive(Debug, Clone, Default)]
pub struct SCurve {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The simulated outcomes in any order; non-finite ones are left out.
    pub values: Vec<f64>,
    /// How outcomes are written.
    pub unit: Measure,
    /// Vertical lines, e.g. `(p50, "P50")`.
    pub marks: Vec<(f64, String)>,
    /// `Some(trials)` when `values` are not the outcomes but evenly spaced quantiles of that
    /// many outcomes (the values at probability 0, 1/(n-1), ..., 1): the curve then runs from
    /// 0% to 100% through them, and the description counts the trials.
    pub quantiles_of: Option<usize>,
}

const LEFT: f64 = 84.0;
const RIGHT: f64 = WIDTH - 32.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 300.0;
const HEIGHT: f64 = 340.0;

/// The `p` quantile (0..=1) of sorted values, interpolated linearly.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = p.clamp(0.0, 1.0) * (n - 1) as f64;
            let i = h.floor() as usize;
            let j = (i + 1).min(n - 1);
            sorted[i] + (h - i as f64) * (sorted[j] - sorted[i])
        }
    }
}

impl SCurve {
    /// The cumulative probability at the `i`th of `n` sorted values.
    fn position(&self, i: usize, n: usize) -> f64 {
        match self.quantiles_of {
            Some(_) if n > 1 => i as f64 / (n - 1) as f64,
            _ => (i + 1) as f64 / n as f64,
        }
    }

    /// The share of outcomes at or below `v`.
    fn share_below(&self, sorted: &[f64], v: f64) -> f64 {
        let n = sorted.len();
        let at_or_below = sorted.partition_point(|x| *x <= v);
        if self.quantiles_of.is_none() || n < 2 {
            return at_or_below as f64 / n as f64;
        }
        // Between quantiles the curve is straight: interpolate along it.
        match at_or_below {
            0 => 0.0,
            k if k == n => 1.0,
            k => {
                let (a, b) = (sorted[k - 1], sorted[k]);
                let t = if b > a { (v - a) / (b - a) } else { 0.0 };
                (k - 1) as f64 / (n - 1) as f64 + t / (n - 1) as f64
            }
        }
    }

    fn describe(&self, sorted: &[f64]) -> String {
        let u = &self.unit;
        let mut d = format!(
            "{}. Cumulative probability of {} simulated outcomes from {} to {}: 10% at or below {}, \
             half at or below {}, 90% at or below {}.",
            self.title,
            self.quantiles_of.unwrap_or(sorted.len()),
            u.format(quantile(sorted, 0.0)),
            u.format(quantile(sorted, 1.0)),
            u.format(quantile(sorted, 0.1)),
            u.format(quantile(sorted, 0.5)),
            u.format(quantile(sorted, 0.9)),
        );
        for (v, label) in self.marks.iter().filter(|(v, _)| v.is_finite()) {
            let below = self.share_below(sorted, *v);
            let _ = write!(
                d,
                " {label}: {} ({} of outcomes at or below).",
                u.format(*v),
                format::percent(below, 1)
            );
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let mut sorted: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if sorted.is_empty() {
            return svg::no_data("scurve", &self.title);
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let marks: Vec<&(f64, String)> = self.marks.iter().filter(|(v, _)| v.is_finite()).collect();
        let lo = marks.iter().map(|m| m.0).fold(sorted[0], f64::min);
        let hi = marks.iter().map(|m| m.0).fold(sorted[n - 1], f64::max);
        let Some((xt, xs)) = svg::axis(lo, hi, 6, LEFT, RIGHT) else {
            return svg::no_data("scurve", &self.title);
        };
        let ys = svg::Scale::new(0.0, 1.0, BOTTOM, TOP);
        let mut out = Svg::new("scurve", &self.title, &self.describe(&sorted), HEIGHT);
        out.push(&svg::y_axis(
            &[0.0, 0.25, 0.5, 0.75, 1.0],
            &ys,
            LEFT,
            RIGHT,
            &Measure::of(Unit::Fraction),
        ));
        out.push(&svg::x_axis(&xt, &xs, TOP, BOTTOM, &self.unit));
        out.push(&line(LEFT, BOTTOM, RIGHT, BOTTOM, svg::AXIS, 1.0).close());

        // At most ~400 points: the empirical CDF sampled evenly by rank.
        let samples = n.min(400);
        let mut d = String::new();
        for k in 0..samples {
            let i = if samples == 1 {
                n - 1
            } else {
                k * (n - 1) / (samples - 1)
            };
            let p = self.position(i, n);
            let _ = write!(
                d,
                "{}{},{} ",
                if k == 0 { "M" } else { "L" },
                svg::num(xs.map(sorted[i])),
                svg::num(ys.map(p))
            );
        }
        out.push(
            &el("path")
                .a("d", d.trim_end())
                .a("fill", "none")
                .a("stroke", BLUE)
                .n("stroke-width", 2.5)
                .a("class", "cdf")
                .close(),
        );
        for (k, (v, label)) in marks.iter().enumerate() {
            let x = xs.map(*v);
            out.push(
                &line(x, TOP, x, BOTTOM, VERMILLION, 1.5)
                    .a("stroke-dasharray", "5 3")
                    .a("class", "mark")
                    .tip(&format!("{label}: {}", self.unit.format(*v)))
                    .close(),
            );
            // Alternate label heights so close marks don't overwrite each other.
            let y = TOP - 6.0 - if k % 2 == 1 { 0.0 } else { 12.0 } + 12.0;
            out.push(
                &text(
                    x,
                    y - 12.0,
                    &svg::truncate(&format!("{label} {}", self.unit.format(*v)), 24),
                    11.0,
                    "middle",
                    TEXT,
                )
                .close(),
            );
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        // h = 0.1 * 4 = 0.4: 1 + 0.4 * (2 - 1)
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
    }
}
