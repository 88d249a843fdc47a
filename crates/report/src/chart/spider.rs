//! The spider (radar) chart of an assessment: one spoke per section of a standard, its score
//! from the centre (0%) to the rim (100%), the scores joined into a shape; an earlier
//! assessment's shape beside it, dashed, to show the trend. A section with no answer has no
//! point: its spoke says "not known" (near the rim) rather than drawing it at 0.

use std::fmt::Write as _;

use super::svg::{self, AXIS, BLUE, GRID, MUTED, ORANGE, Svg, Swatch, TEXT, legend, line, text};

/// A spider chart of section scores.
#[derive(Debug, Clone, Default)]
pub struct Spider {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The spokes' labels (the sections), clockwise from the top.
    pub axes: Vec<String>,
    /// The shapes: a name and one score per spoke (0-1; `None` when not known). The first is
    /// drawn solid, the others dashed behind it.
    pub shapes: Vec<(String, Vec<Option<f64>>)>,
}

const CX: f64 = 360.0;
const CY: f64 = 250.0;
const R: f64 = 170.0;

impl Spider {
    fn point(&self, k: usize, v: f64) -> (f64, f64) {
        let n = self.axes.len().max(1) as f64;
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n;
        let r = R * v.clamp(0.0, 1.0);
        (CX + r * angle.cos(), CY + r * angle.sin())
    }

    fn describe(&self) -> String {
        let mut d = format!(
            "{}. Spider chart of {} sections, each scored from 0% at the centre to 100% at the rim.",
            self.title,
            self.axes.len()
        );
        for (name, values) in &self.shapes {
            let _ = write!(d, " {name}:");
            for (label, v) in self.axes.iter().zip(values) {
                let _ = write!(
                    d,
                    " {label} {};",
                    v.map_or("not known".to_string(), |v| sextant_core::unit::percent(
                        v, 0
                    ))
                );
            }
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        if self.axes.len() < 3 || self.shapes.is_empty() {
            return svg::no_data("spider", &self.title);
        }
        let colours = [BLUE, ORANGE];
        let entries: Vec<(String, Swatch)> = self
            .shapes
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                (
                    name.clone(),
                    Swatch::Line {
                        colour: colours[i.min(1)].to_owned(),
                        dashed: i > 0,
                    },
                )
            })
            .collect();
        let (legend_svg, bottom) = legend(&entries, CY + R + 50.0);
        let mut out = Svg::new("spider", &self.title, &self.describe(), bottom + 8.0);
        // Rings at a quarter, half, three quarters and the whole.
        for q in [0.25, 0.5, 0.75, 1.0] {
            let pts: Vec<String> = (0..self.axes.len())
                .map(|k| {
                    let (x, y) = self.point(k, q);
                    format!("{},{}", svg::num(x), svg::num(y))
                })
                .collect();
            out.push(
                &svg::el("polygon")
                    .a("points", &pts.join(" "))
                    .a("fill", "none")
                    .a("stroke", GRID)
                    .a("class", "ring")
                    .close(),
            );
            let (_, y) = self.point(0, q);
            out.push(
                &text(
                    CX + 4.0,
                    y + 12.0,
                    &sextant_core::unit::percent(q, 0),
                    10.0,
                    "start",
                    MUTED,
                )
                .close(),
            );
        }
        // Spokes and their labels.
        for (k, label) in self.axes.iter().enumerate() {
            let (x, y) = self.point(k, 1.0);
            out.push(&line(CX, CY, x, y, AXIS, 1.0).a("class", "spoke").close());
            let (lx, ly) = self.point(k, 1.12);
            let anchor = if (lx - CX).abs() < 8.0 {
                "middle"
            } else if lx > CX {
                "start"
            } else {
                "end"
            };
            out.push(
                &text(lx, ly + 4.0, &svg::truncate(label, 24), 12.0, anchor, TEXT)
                    .tip(label)
                    .close(),
            );
        }
        // The shapes, the first on top.
        for (i, (name, values)) in self.shapes.iter().enumerate().rev() {
            let colour = colours[i.min(1)];
            let known: Vec<(usize, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            let pts: Vec<String> = known
                .iter()
                .map(|&(k, v)| {
                    let (x, y) = self.point(k, v);
                    format!("{},{}", svg::num(x), svg::num(y))
                })
                .collect();
            let mut shape = svg::el("polygon")
                .a("points", &pts.join(" "))
                .a("fill", colour)
                .a("fill-opacity", if i == 0 { "0.18" } else { "0" })
                .a("stroke", colour)
                .a("stroke-width", "2")
                .a("class", if i == 0 { "shape" } else { "shape earlier" });
            if i > 0 {
                shape = shape.a("stroke-dasharray", "6 4");
            }
            out.push(&shape.tip(name).close());
            for &(k, v) in &known {
                let (x, y) = self.point(k, v);
                out.push(
                    &svg::el("circle")
                        .n("cx", x)
                        .n("cy", y)
                        .n("r", 3.5)
                        .a("fill", colour)
                        .a("class", "score")
                        .tip(&format!(
                            "{name}, {}: {}",
                            self.axes[k],
                            sextant_core::unit::percent(v, 0)
                        ))
                        .close(),
                );
            }
            if i == 0 {
                for (k, v) in values.iter().enumerate() {
                    if v.is_none() {
                        // Near the rim, where neighbouring spokes are far apart.
                        let (x, y) = self.point(k, 0.85);
                        out.push(
                            &text(x, y, "not known", 10.0, "middle", MUTED)
                                .a("class", "unknown")
                                .close(),
                        );
                    }
                }
            }
        }
        out.push(&legend_svg);
        out.finish()
    }
}
