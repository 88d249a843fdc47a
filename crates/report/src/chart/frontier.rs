//! The efficient frontier: the best value reachable at each budget, as points joined in x
//! order, with the current plan's point highlighted.

use std::fmt::Write as _;

use super::svg::{self, BLUE, Svg, TEXT, VERMILLION, WIDTH, el, line, text};
use sextant_core::unit::Measure;

/// An efficient-frontier chart.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The points; joined by a line in x order.
    pub points: Vec<FrontierPoint>,
    /// What x measures, e.g. "Budget".
    pub x_name: String,
    /// What y measures, e.g. "Value (NPV)".
    pub y_name: String,
    /// How x is written.
    pub x_unit: Measure,
    /// How y is written.
    pub y_unit: Measure,
}

/// One point of the frontier.
#[derive(Debug, Clone, Default)]
pub struct FrontierPoint {
    /// Its x value.
    pub x: f64,
    /// Its y value.
    pub y: f64,
    /// Its label, e.g. the budget scenario's name.
    pub label: String,
    /// Whether this is the current plan (highlighted).
    pub current: bool,
}

const LEFT: f64 = 96.0;
const RIGHT: f64 = WIDTH - 32.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 300.0;
const HEIGHT: f64 = 360.0;

impl Frontier {
    fn points(&self) -> Vec<&FrontierPoint> {
        let mut pts: Vec<&FrontierPoint> = self
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.y.is_finite())
            .collect();
        pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        pts
    }

    fn describe(&self, pts: &[&FrontierPoint]) -> String {
        let mut d = format!(
            "{}. Efficient frontier of {} points, {} against {}.",
            self.title,
            pts.len(),
            self.y_name,
            self.x_name
        );
        for p in pts {
            let _ = write!(
                d,
                " {}{} {}, {} {}.",
                name_of(p),
                self.x_name,
                self.x_unit.format(p.x),
                self.y_name,
                self.y_unit.format(p.y)
            );
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let pts = self.points();
        if pts.is_empty() {
            return svg::no_data("frontier", &self.title);
        }
        let fold = |f: fn(&FrontierPoint) -> f64| {
            let lo = pts.iter().map(|p| f(p)).fold(f64::INFINITY, f64::min);
            let hi = pts.iter().map(|p| f(p)).fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        };
        let (x_lo, x_hi) = fold(|p| p.x);
        let (y_lo, y_hi) = fold(|p| p.y);
        let (Some((xt, xs)), Some((yt, ys))) = (
            svg::axis(x_lo, x_hi, 6, LEFT, RIGHT),
            svg::axis(y_lo, y_hi, 6, BOTTOM, TOP),
        ) else {
            return svg::no_data("frontier", &self.title);
        };
        let mut out = Svg::new("frontier", &self.title, &self.describe(&pts), HEIGHT);
        out.push(&svg::y_axis(&yt, &ys, LEFT, RIGHT, &self.y_unit));
        out.push(&svg::x_axis(&xt, &xs, TOP, BOTTOM, &self.x_unit));
        out.push(&line(LEFT, BOTTOM, RIGHT, BOTTOM, svg::AXIS, 1.0).close());
        out.push(&line(LEFT, TOP, LEFT, BOTTOM, svg::AXIS, 1.0).close());
        out.push(
            &text(
                (LEFT + RIGHT) / 2.0,
                BOTTOM + 40.0,
                &svg::truncate(&self.x_name, 60),
                12.0,
                "middle",
                TEXT,
            )
            .a("class", "x-name")
            .close(),
        );
        let (yx, yy) = (18.0, (TOP + BOTTOM) / 2.0);
        out.push(
            &text(
                yx,
                yy,
                &svg::truncate(&self.y_name, 40),
                12.0,
                "middle",
                TEXT,
            )
            .a(
                "transform",
                &format!("rotate(-90 {} {})", svg::num(yx), svg::num(yy)),
            )
            .a("class", "y-name")
            .close(),
        );
        let mut d = String::new();
        for (i, p) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                svg::num(xs.map(p.x)),
                svg::num(ys.map(p.y))
            );
        }
        out.push(
            &el("path")
                .a("d", d.trim_end())
                .a("fill", "none")
                .a("stroke", BLUE)
                .n("stroke-width", 2.0)
                .a("class", "frontier")
                .close(),
        );
        let label_all = pts.len() <= 12;
        for p in &pts {
            let (cx, cy) = (xs.map(p.x), ys.map(p.y));
            let tip = format!(
                "{}{} {}, {} {}",
                name_of(p),
                self.x_name,
                self.x_unit.format(p.x),
                self.y_name,
                self.y_unit.format(p.y)
            );
            let dot = el("circle")
                .n("cx", cx)
                .n("cy", cy)
                .n("r", if p.current { 7.0 } else { 4.0 })
                .a("fill", if p.current { VERMILLION } else { BLUE })
                .a("stroke", "#ffffff")
                .n("stroke-width", 1.5)
                .a("class", if p.current { "point current" } else { "point" })
                .tip(&tip);
            out.push(&dot.close());
            if (label_all && !p.label.is_empty()) || p.current {
                let label = if p.current && p.label.is_empty() {
                    "Current".to_owned()
                } else {
                    svg::truncate(&p.label, 22)
                };
                // Labels go left of points in the right third, so they stay inside the chart.
                let (lx, anchor) = if cx > RIGHT - (RIGHT - LEFT) / 3.0 {
                    (cx - 9.0, "end")
                } else {
                    (cx + 9.0, "start")
                };
                let t = text(lx, cy - 8.0, &label, 11.0, anchor, TEXT);
                out.push(
                    &if p.current {
                        t.a("font-weight", "600")
                    } else {
                        t
                    }
                    .close(),
                );
            }
        }
        out.finish()
    }
}

/// A point's name as its description and tooltip begin: `"Plan's budget (current): "`,
/// `"(current): "` without a label, nothing for an unlabelled point.
fn name_of(p: &FrontierPoint) -> String {
    match (p.label.is_empty(), p.current) {
        (true, false) => String::new(),
        (true, true) => "Current: ".to_string(),
        (false, false) => format!("{}: ", p.label),
        (false, true) => format!("{} (current): ", p.label),
    }
}
