//! The tornado chart: how far an outcome moves when each input goes from its low to its high
//! value, bars sorted by swing with the widest at the top, centred on the base outcome.

use std::fmt::Write as _;

use super::svg::{self, BLUE, ORANGE, Svg, Swatch, TEXT, WIDTH, legend, line, rect, text};
use sextant_core::unit::Measure;

/// A tornado (sensitivity) chart.
#[derive(Debug, Clone, Default)]
pub struct Tornado {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The outcome with every input at its base value.
    pub base: f64,
    /// One bar per input, in any order.
    pub bars: Vec<TornadoBar>,
    /// How outcomes are written.
    pub unit: Measure,
}

/// The outcome at an input's low and high values.
#[derive(Debug, Clone, Default)]
pub struct TornadoBar {
    /// The input, e.g. "Benefit per year".
    pub label: String,
    /// The outcome with the input at its low value.
    pub low: f64,
    /// The outcome with the input at its high value.
    pub high: f64,
}

const LABEL_W: f64 = 180.0;
const LEFT: f64 = LABEL_W + 70.0;
const RIGHT: f64 = WIDTH - 80.0;
const TOP: f64 = 48.0;
const ROW_H: f64 = 28.0;

impl Tornado {
    /// The bars with finite ends, widest swing first (ties keep their order).
    fn sorted(&self) -> Vec<&TornadoBar> {
        let mut bars: Vec<&TornadoBar> = self
            .bars
            .iter()
            .filter(|b| b.low.is_finite() && b.high.is_finite())
            .collect();
        bars.sort_by(|a, b| {
            let (sa, sb) = ((a.high - a.low).abs(), (b.high - b.low).abs());
            sb.total_cmp(&sa)
        });
        bars
    }

    fn describe(&self, bars: &[&TornadoBar]) -> String {
        let u = &self.unit;
        let mut d = format!(
            "{}. Sensitivity of an outcome of {} to {} inputs, widest swing first.",
            self.title,
            u.format(self.base),
            bars.len()
        );
        for b in bars {
            let _ = write!(
                d,
                " {}: {} at its low value, {} at its high value.",
                b.label,
                u.format(b.low),
                u.format(b.high)
            );
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let bars = self.sorted();
        if bars.is_empty() || !self.base.is_finite() {
            return svg::no_data("tornado", &self.title);
        }
        let lo = bars
            .iter()
            .map(|b| b.low.min(b.high))
            .fold(self.base, f64::min);
        let hi = bars
            .iter()
            .map(|b| b.low.max(b.high))
            .fold(self.base, f64::max);
        let bottom = TOP + ROW_H * bars.len() as f64;
        let Some((xt, xs)) = svg::axis(lo, hi, 6, LEFT, RIGHT) else {
            return svg::no_data("tornado", &self.title);
        };
        let entries = vec![
            (
                "Input at its low value".to_owned(),
                Swatch::Fill {
                    colour: BLUE.to_owned(),
                    opacity: 1.0,
                },
            ),
            (
                "Input at its high value".to_owned(),
                Swatch::Fill {
                    colour: ORANGE.to_owned(),
                    opacity: 1.0,
                },
            ),
        ];
        let (legend_svg, legend_bottom) = legend(&entries, bottom + 30.0);
        let mut out = Svg::new(
            "tornado",
            &self.title,
            &self.describe(&bars),
            legend_bottom + 8.0,
        );
        out.push(&svg::x_axis(&xt, &xs, TOP, bottom, &self.unit));
        let base_x = xs.map(self.base);
        for (r, b) in bars.iter().enumerate() {
            let y = TOP + ROW_H * r as f64;
            out.push(
                &text(
                    16.0,
                    y + 18.0,
                    &short_label(&b.label, 28),
                    12.0,
                    "start",
                    TEXT,
                )
                .tip(&b.label)
                .close(),
            );
            for (v, colour, class, which) in [
                (b.low, BLUE, "low", "low"),
                (b.high, ORANGE, "high", "high"),
            ] {
                let x = xs.map(v);
                out.push(
                    &rect(base_x, y + 5.0, x - base_x, ROW_H - 10.0, colour)
                        .a("class", class)
                        .tip(&format!(
                            "{} at its {which} value: {}",
                            b.label,
                            self.unit.format(v)
                        ))
                        .close(),
                );
            }
            let (left, right) = (b.low.min(b.high), b.low.max(b.high));
            out.push(
                &text(
                    xs.map(left) - 4.0,
                    y + 18.0,
                    &self.unit.format(left),
                    11.0,
                    "end",
                    TEXT,
                )
                .close(),
            );
            out.push(
                &text(
                    xs.map(right) + 4.0,
                    y + 18.0,
                    &self.unit.format(right),
                    11.0,
                    "start",
                    TEXT,
                )
                .close(),
            );
        }
        out.push(
            &line(base_x, TOP - 6.0, base_x, bottom, TEXT, 1.5)
                .a("class", "base")
                .tip(&format!("Base: {}", self.unit.format(self.base)))
                .close(),
        );
        out.push(
            &text(
                base_x,
                TOP - 10.0,
                &format!("Base {}", self.unit.format(self.base)),
                11.0,
                "middle",
                TEXT,
            )
            .close(),
        );
        out.push(&legend_svg);
        out.finish()
    }
}

/// A bar's label in at most `max` characters: a label "what: which part" keeps its part whole
/// and shortens what it is about ("Point-of-sal…: one-time cost"), so that the bars of
/// one initiative stay told apart; any other label is cut at its end.
fn short_label(label: &str, max: usize) -> String {
    match label.rsplit_once(": ") {
        Some((name, part)) if label.chars().count() > max && part.chars().count() + 4 <= max => {
            format!(
                "{}: {part}",
                svg::truncate(name, max - part.chars().count() - 2)
            )
        }
        _ => svg::truncate(label, max),
    }
}

#[cfg(test)]
mod label_tests {
    use super::short_label;

    #[test]
    fn a_long_label_keeps_the_part_it_names() {
        let cost = short_label(
            "Point-of-sale system with inventory management: one-time cost",
            28,
        );
        let brings = short_label(
            "Point-of-sale system with inventory management: what it brings",
            28,
        );
        assert_eq!(cost, "Point-of-sal…: one-time cost");
        assert_ne!(cost, brings);
        assert_eq!(brings, "Point-of-sa…: what it brings");
        assert_eq!(cost.chars().count(), 28);
        assert_eq!(
            short_label("Risk: Card data: happens", 28),
            "Risk: Card data: happens"
        );
        assert_eq!(
            short_label("a very long label with no part at all", 10),
            "a very lo…"
        );
    }
}
