//! The line chart: a KPI or any measure over labelled periods, with gaps where a value is
//! missing, an optional shaded forecast interval, a dashed target and anomaly marks.

use std::fmt::Write as _;

use super::svg::{self, Svg, Swatch, TEXT, VERMILLION, WIDTH, el, label_step, legend, line, text};
use sextant_core::unit::Measure;

/// A line chart over labelled periods.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// One label per period (x axis), e.g. "2025-01".
    pub labels: Vec<String>,
    /// The lines; the first is the one marks sit on.
    pub series: Vec<Series>,
    /// A shaded interval, e.g. a forecast's 80% band.
    pub band: Option<Band>,
    /// A horizontal dashed target line.
    pub target: Option<Target>,
    /// Anomaly markers on the first series.
    pub marks: Vec<Mark>,
    /// How values are written on the axis and in the description.
    pub unit: Measure,
}

/// One line: a value (or a gap) per period.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Its name in the legend and description.
    pub name: String,
    /// One value per period; `None` (or a non-finite value) leaves a gap.
    pub values: Vec<Option<f64>>,
    /// Drawn dashed, e.g. a forecast after the actuals.
    pub dashed: bool,
}

/// A shaded interval between two bounds, e.g. a forecast's prediction interval.
#[derive(Debug, Clone, Default)]
pub struct Band {
    /// Its name in the legend, e.g. "80% interval".
    pub name: String,
    /// The lower bound per period.
    pub lower: Vec<Option<f64>>,
    /// The upper bound per period.
    pub upper: Vec<Option<f64>>,
}

/// A horizontal dashed line at a target value.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// What the target is, e.g. "Target 2026".
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// An anomaly marker on the first series at one period.
#[derive(Debug, Clone, Default)]
pub struct Mark {
    /// The period's index in `labels`.
    pub index: usize,
    /// What is marked, e.g. "unusually low".
    pub label: String,
}

const HEIGHT: f64 = 360.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = WIDTH - 24.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 300.0;

fn finite(v: Option<&Option<f64>>) -> Option<f64> {
    v.copied().flatten().filter(|x| x.is_finite())
}

impl Line {
    /// The number of periods: the longest of the labels and the value lists.
    fn periods(&self) -> usize {
        let mut n = self.labels.len();
        for s in &self.series {
            n = n.max(s.values.len());
        }
        if let Some(b) = &self.band {
            n = n.max(b.lower.len()).max(b.upper.len());
        }
        n
    }

    fn label(&self, i: usize) -> String {
        self.labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("#{}", i.saturating_add(1)))
    }

    /// The data in words, for the `<desc>`.
    fn describe(&self, n: usize) -> String {
        let u = &self.unit;
        let mut d = format!(
            "{}. Line chart over {n} periods from {} to {}.",
            self.title,
            self.label(0),
            self.label(n.saturating_sub(1))
        );
        for s in &self.series {
            let pts: Vec<(usize, f64)> = (0..n)
                .filter_map(|i| finite(s.values.get(i)).map(|v| (i, v)))
                .collect();
            let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
                let _ = write!(d, " {}: no values.", s.name);
                continue;
            };
            let lo = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let hi = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            let _ = write!(
                d,
                " {}: {} at {}, {} at {}; lowest {}, highest {}",
                s.name,
                u.format(first.1),
                self.label(first.0),
                u.format(last.1),
                self.label(last.0),
                u.format(lo),
                u.format(hi),
            );
            let gaps = n - pts.len();
            if gaps > 0 {
                let _ = write!(d, "; {gaps} periods without a value");
            }
            d.push('.');
        }
        if let Some(b) = &self.band
            && let Some(i) = (0..n)
                .rev()
                .find(|&i| finite(b.lower.get(i)).is_some() && finite(b.upper.get(i)).is_some())
        {
            let _ = write!(
                d,
                " {}: from {} to {} at {}.",
                b.name,
                u.format(finite(b.lower.get(i)).unwrap_or(f64::NAN)),
                u.format(finite(b.upper.get(i)).unwrap_or(f64::NAN)),
                self.label(i)
            );
        }
        if let Some(t) = &self.target
            && t.value.is_finite()
        {
            let _ = write!(d, " Target {}: {}.", t.label, u.format(t.value));
        }
        for m in &self.marks {
            if m.index < n {
                let _ = write!(d, " Marked at {}: {}.", self.label(m.index), m.label);
            }
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let n = self.periods();
        let mut values: Vec<f64> = Vec::new();
        for s in &self.series {
            values.extend(s.values.iter().flatten().filter(|v| v.is_finite()));
        }
        if let Some(b) = &self.band {
            values.extend(
                b.lower
                    .iter()
                    .chain(&b.upper)
                    .flatten()
                    .filter(|v| v.is_finite()),
            );
        }
        let target = self.target.as_ref().filter(|t| t.value.is_finite());
        let has_data = !values.is_empty();
        if let Some(t) = target {
            values.push(t.value);
        }
        if n == 0 || !has_data {
            return svg::no_data("line", &self.title);
        }
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let Some((ticks, ys)) = svg::axis(lo, hi, 6, BOTTOM, TOP) else {
            return svg::no_data("line", &self.title);
        };
        let x = |i: usize| {
            if n == 1 {
                (LEFT + RIGHT) / 2.0
            } else {
                LEFT + (RIGHT - LEFT) * i as f64 / (n - 1) as f64
            }
        };

        let mut entries: Vec<(String, Swatch)> = Vec::new();
        for (k, s) in self.series.iter().enumerate() {
            entries.push((
                s.name.clone(),
                Swatch::Line {
                    colour: svg::series_colour(k).to_owned(),
                    dashed: s.dashed,
                },
            ));
        }
        if let Some(b) = &self.band {
            entries.push((
                b.name.clone(),
                Swatch::Fill {
                    colour: svg::SKY.to_owned(),
                    opacity: 0.35,
                },
            ));
        }
        let show_legend = self.series.len() > 1 || self.band.is_some();
        let (legend_svg, legend_bottom) = legend(&entries, BOTTOM + 34.0);
        let height = if show_legend {
            legend_bottom.max(HEIGHT)
        } else {
            HEIGHT - 20.0
        };

        let mut out = Svg::new("line", &self.title, &self.describe(n), height);
        out.push(&svg::y_axis(&ticks, &ys, LEFT, RIGHT, &self.unit));
        out.push(&line(LEFT, BOTTOM, RIGHT, BOTTOM, svg::AXIS, 1.0).close());
        let step = label_step(n);
        for i in (0..n).step_by(step) {
            out.push(&line(x(i), BOTTOM, x(i), BOTTOM + 4.0, svg::AXIS, 1.0).close());
            out.push(
                &text(
                    x(i),
                    BOTTOM + 18.0,
                    &svg::truncate(&self.label(i), 12),
                    11.0,
                    "middle",
                    svg::MUTED,
                )
                .a("class", "x-label")
                .close(),
            );
        }

        if let Some(b) = &self.band {
            // One polygon per run of periods with both bounds.
            let mut run: Vec<(usize, f64, f64)> = Vec::new();
            let flush = |run: &mut Vec<(usize, f64, f64)>, out: &mut Svg| {
                if run.len() >= 2 {
                    let mut d = String::new();
                    for (k, &(i, _, u)) in run.iter().enumerate() {
                        let _ = write!(
                            d,
                            "{}{},{} ",
                            if k == 0 { "M" } else { "L" },
                            svg::num(x(i)),
                            svg::num(ys.map(u))
                        );
                    }
                    for &(i, l, _) in run.iter().rev() {
                        let _ = write!(d, "L{},{} ", svg::num(x(i)), svg::num(ys.map(l)));
                    }
                    d.push('Z');
                    out.push(
                        &el("path")
                            .a("d", &d)
                            .a("fill", svg::SKY)
                            .n("fill-opacity", 0.35)
                            .a("class", "band")
                            .tip(&b.name)
                            .close(),
                    );
                }
                run.clear();
            };
            for i in 0..n {
                match (finite(b.lower.get(i)), finite(b.upper.get(i))) {
                    (Some(l), Some(u)) => run.push((i, l.min(u), l.max(u))),
                    _ => flush(&mut run, &mut out),
                }
            }
            flush(&mut run, &mut out);
        }

        if let Some(t) = target {
            let y = ys.map(t.value);
            out.push(
                &line(LEFT, y, RIGHT, y, TEXT, 1.5)
                    .a("stroke-dasharray", "6 4")
                    .a("class", "target")
                    .tip(&format!("{}: {}", t.label, self.unit.format(t.value)))
                    .close(),
            );
            out.push(
                &text(
                    RIGHT,
                    y - 5.0,
                    &svg::truncate(&format!("{} {}", t.label, self.unit.format(t.value)), 40),
                    11.0,
                    "end",
                    TEXT,
                )
                .a("class", "target-label")
                .close(),
            );
        }

        for (k, s) in self.series.iter().enumerate() {
            let colour = svg::series_colour(k);
            let mut d = String::new();
            let mut pen = false;
            let mut dots = String::new();
            for i in 0..n {
                match finite(s.values.get(i)) {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{},{} ",
                            if pen { "L" } else { "M" },
                            svg::num(x(i)),
                            svg::num(ys.map(v))
                        );
                        let alone = !pen && finite(s.values.get(i + 1)).is_none();
                        if n <= 36 || alone {
                            dots.push_str(
                                &el("circle")
                                    .n("cx", x(i))
                                    .n("cy", ys.map(v))
                                    .n("r", 3.0)
                                    .a("fill", colour)
                                    .tip(&format!(
                                        "{} {}: {}",
                                        s.name,
                                        self.label(i),
                                        self.unit.format(v)
                                    ))
                                    .close(),
                            );
                        }
                        pen = true;
                    }
                    None => pen = false,
                }
            }
            let mut path = el("path")
                .a("d", d.trim_end())
                .a("fill", "none")
                .a("stroke", colour)
                .n("stroke-width", 2.5)
                .a("stroke-linejoin", "round")
                .a("class", "series");
            if s.dashed {
                path = path.a("stroke-dasharray", "6 4");
            }
            if !d.is_empty() {
                out.push(&path.tip(&s.name).close());
            }
            out.push(&dots);
        }

        if let Some(first) = self.series.first() {
            for m in self.marks.iter().filter(|m| m.index < n) {
                let cx = x(m.index);
                let cy = finite(first.values.get(m.index)).map_or(BOTTOM, |v| ys.map(v));
                out.push(
                    &el("circle")
                        .n("cx", cx)
                        .n("cy", cy)
                        .n("r", 7.0)
                        .a("fill", "none")
                        .a("stroke", VERMILLION)
                        .n("stroke-width", 2.5)
                        .a("class", "mark")
                        .tip(&format!("{}: {}", self.label(m.index), m.label))
                        .close(),
                );
                if !m.label.is_empty() {
                    out.push(
                        &text(
                            cx,
                            cy - 12.0,
                            &svg::truncate(&m.label, 24),
                            11.0,
                            "middle",
                            TEXT,
                        )
                        .close(),
                    );
                }
            }
        }
        if show_legend {
            out.push(&legend_svg);
        }
        out.finish()
    }
}
