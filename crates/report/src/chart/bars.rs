//! Grouped bar chart: one group per category, one bar per series, negative values below the
//! zero axis (cash flows), and optional limits (a budget per fiscal period) drawn as a short
//! line over each category; a bar above its limit is drawn in the warning colour.

use std::fmt::Write as _;

use super::svg::{
    self, BAR_SERIES, Svg, Swatch, TEXT, VERMILLION, WIDTH, label_step, legend, line, rect, text,
};
use sextant_core::unit::Measure;

/// A grouped bar chart.
#[derive(Debug, Clone, Default)]
pub struct Bars {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// One label per category (x axis), e.g. "FY2026" or "Year 1".
    pub labels: Vec<String>,
    /// The bars: one value per category each.
    pub series: Vec<BarSeries>,
    /// An upper limit per category, e.g. the budget.
    pub limits: Option<Limits>,
    /// How values are written.
    pub unit: Measure,
    /// The series stacked in one bar per category (a total made of parts) instead of side by
    /// side; a limit is then set against the whole bar.
    pub stacked: bool,
}

/// One series of bars.
#[derive(Debug, Clone, Default)]
pub struct BarSeries {
    /// Its name in the legend and description.
    pub name: String,
    /// One value per category; non-finite values draw no bar.
    pub values: Vec<f64>,
}

/// An upper limit per category, drawn as a short line over it.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Its name, e.g. "Budget".
    pub name: String,
    /// The limit per category; `None` for none.
    pub values: Vec<Option<f64>>,
}

const LEFT: f64 = 84.0;
const RIGHT: f64 = WIDTH - 24.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 290.0;

fn bar_colour(i: usize) -> &'static str {
    BAR_SERIES[i % BAR_SERIES.len()]
}

impl Bars {
    fn categories(&self) -> usize {
        let mut n = self.labels.len();
        for s in &self.series {
            n = n.max(s.values.len());
        }
        n
    }

    fn label(&self, i: usize) -> String {
        self.labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("#{}", i.saturating_add(1)))
    }

    fn limit(&self, i: usize) -> Option<f64> {
        self.limits
            .as_ref()
            .and_then(|l| l.values.get(i).copied().flatten())
            .filter(|v| v.is_finite())
    }

    fn value(&self, s: usize, i: usize) -> Option<f64> {
        self.series
            .get(s)
            .and_then(|s| s.values.get(i).copied())
            .filter(|v| v.is_finite())
    }

    fn over(&self, s: usize, i: usize) -> bool {
        if self.stacked {
            return false;
        }
        matches!((self.value(s, i), self.limit(i)), (Some(v), Some(l)) if v > l)
    }

    /// The stacked bar's ends of each series in category `i`: positive parts upward from 0,
    /// negative ones downward.
    fn stack(&self, i: usize) -> Vec<Option<(f64, f64)>> {
        let (mut up, mut down) = (0.0, 0.0);
        (0..self.series.len())
            .map(|s| {
                let v = self.value(s, i)?;
                if v >= 0.0 {
                    let r = (up, up + v);
                    up += v;
                    Some(r)
                } else {
                    let r = (down, down + v);
                    down += v;
                    Some(r)
                }
            })
            .collect()
    }

    fn describe(&self, n: usize) -> String {
        let u = &self.unit;
        let mut d = format!("{}. Bar chart of {n} categories.", self.title);
        for i in 0..n {
            let _ = write!(d, " {}:", self.label(i));
            let mut first = true;
            for (k, s) in self.series.iter().enumerate() {
                if let Some(v) = self.value(k, i) {
                    let _ = write!(
                        d,
                        "{} {} {}",
                        if first { "" } else { "," },
                        s.name,
                        u.format(v)
                    );
                    if self.over(k, i) {
                        d.push_str(" (above the limit)");
                    }
                    first = false;
                }
            }
            if first {
                d.push_str(" no value");
            }
            if let (Some(l), Some(ls)) = (self.limit(i), &self.limits) {
                let _ = write!(d, "; {} {}", ls.name, u.format(l));
            }
            d.push('.');
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let n = self.categories();
        let mut values: Vec<f64> = Vec::new();
        for k in 0..self.series.len() {
            values.extend((0..n).filter_map(|i| self.value(k, i)));
        }
        if self.stacked {
            for i in 0..n {
                values.extend(self.stack(i).into_iter().flatten().map(|(_, end)| end));
            }
        }
        if n == 0 || values.is_empty() {
            return svg::no_data("bars", &self.title);
        }
        values.extend((0..n).filter_map(|i| self.limit(i)));
        values.push(0.0);
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let Some((ticks, ys)) = svg::axis(lo, hi, 6, BOTTOM, TOP) else {
            return svg::no_data("bars", &self.title);
        };

        let any_over = (0..self.series.len()).any(|k| (0..n).any(|i| self.over(k, i)));
        let mut entries: Vec<(String, Swatch)> = self
            .series
            .iter()
            .enumerate()
            .map(|(k, s)| {
                (
                    s.name.clone(),
                    Swatch::Fill {
                        colour: bar_colour(k).to_owned(),
                        opacity: 1.0,
                    },
                )
            })
            .collect();
        if let Some(l) = &self.limits {
            entries.push((
                l.name.clone(),
                Swatch::Line {
                    colour: TEXT.to_owned(),
                    dashed: false,
                },
            ));
            if any_over {
                entries.push((
                    format!("Above {}", l.name),
                    Swatch::Fill {
                        colour: VERMILLION.to_owned(),
                        opacity: 1.0,
                    },
                ));
            }
        }
        let show_legend = self.series.len() > 1 || self.limits.is_some();
        let (legend_svg, legend_bottom) = legend(&entries, BOTTOM + 34.0);
        let height = if show_legend {
            legend_bottom + 8.0
        } else {
            BOTTOM + 40.0
        };

        let mut out = Svg::new("bars", &self.title, &self.describe(n), height);
        out.push(&svg::y_axis(&ticks, &ys, LEFT, RIGHT, &self.unit));
        let group = (RIGHT - LEFT) / n as f64;
        let inner = group * 0.75;
        let k = if self.stacked {
            1
        } else {
            self.series.len().max(1)
        };
        let bw = inner / k as f64;
        let zero = ys.map(0.0);
        for i in 0..n {
            let gx = LEFT + group * i as f64 + (group - inner) / 2.0;
            let stack = self.stack(i);
            for (s, series) in self.series.iter().enumerate() {
                let Some(v) = self.value(s, i) else { continue };
                let over = self.over(s, i);
                let (from, to) = if self.stacked {
                    stack[s].unwrap_or((0.0, v))
                } else {
                    (0.0, v)
                };
                let (base, y) = (ys.map(from), ys.map(to));
                let column = if self.stacked { 0.0 } else { bw * s as f64 };
                let mut tip = format!("{} {}: {}", series.name, self.label(i), self.unit.format(v));
                if over && let (Some(l), Some(ls)) = (self.limit(i), &self.limits) {
                    let _ = write!(tip, " (above {} {})", ls.name, self.unit.format(l));
                }
                out.push(
                    &rect(
                        gx + column + 1.0,
                        base,
                        (bw - 2.0).max(1.0),
                        y - base,
                        if over { VERMILLION } else { bar_colour(s) },
                    )
                    .a("class", if over { "bar over" } else { "bar" })
                    .tip(&tip)
                    .close(),
                );
            }
            if let (Some(l), Some(ls)) = (self.limit(i), &self.limits) {
                let y = ys.map(l);
                out.push(
                    &line(gx - 4.0, y, gx + inner + 4.0, y, TEXT, 2.5)
                        .a("class", "limit")
                        .tip(&format!(
                            "{} {}: {}",
                            ls.name,
                            self.label(i),
                            self.unit.format(l)
                        ))
                        .close(),
                );
            }
        }
        out.push(
            &line(LEFT, zero, RIGHT, zero, TEXT, 1.0)
                .a("class", "zero")
                .close(),
        );
        let step = label_step(n);
        let max_chars = ((group * step as f64) / 6.5).max(4.0) as usize;
        for i in (0..n).step_by(step) {
            let cx = LEFT + group * (i as f64 + 0.5);
            out.push(
                &text(
                    cx,
                    BOTTOM + 18.0,
                    &svg::truncate(&self.label(i), max_chars.min(16)),
                    11.0,
                    "middle",
                    svg::MUTED,
                )
                .a("class", "x-label")
                .close(),
            );
        }
        if show_legend {
            out.push(&legend_svg);
        }
        out.finish()
    }
}
