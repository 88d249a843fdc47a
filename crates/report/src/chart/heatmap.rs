//! The risk heat map: a 5x5 grid of likelihood (rows, 5 at the top) by impact (columns), each
//! cell coloured by its score (likelihood x impact) and showing the risks in it.

use std::fmt::Write as _;

use super::svg::{
    self, GREEN, MUTED, ORANGE, RED, Svg, Swatch, TEXT, YELLOW, el, legend, rect, text,
};

/// A 5x5 likelihood x impact risk matrix.
#[derive(Debug, Clone, Default)]
pub struct HeatMap {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The risks by cell; several entries for one cell are merged.
    pub cells: Vec<HeatCell>,
}

/// The risks at one likelihood and impact.
#[derive(Debug, Clone, Default)]
pub struct HeatCell {
    /// 1 (rare) to 5 (almost certain); others are not drawn.
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe); others are not drawn.
    pub impact: u8,
    /// The risks' labels (ids).
    pub labels: Vec<String>,
}

/// A risk level from its score (likelihood x impact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskLevel {
    /// Score 1-4.
    Low,
    /// Score 5-9.
    Medium,
    /// Score 10-16.
    High,
    /// Score 20-25 (17-19 cannot occur).
    Critical,
}

impl RiskLevel {
    /// The level of a score as product.md and core's `risk_level` define it: `<= 4` low,
    /// `<= 9` medium, `<= 16` high, else critical.
    pub fn of_score(score: u32) -> RiskLevel {
        match score {
            0..=4 => RiskLevel::Low,
            5..=9 => RiskLevel::Medium,
            10..=16 => RiskLevel::High,
            _ => RiskLevel::Critical,
        }
    }

    /// Its name, e.g. "critical".
    pub fn name(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    /// Its fill colour: green, yellow, orange, red.
    pub fn colour(self) -> &'static str {
        match self {
            RiskLevel::Low => GREEN,
            RiskLevel::Medium => YELLOW,
            RiskLevel::High => ORANGE,
            RiskLevel::Critical => RED,
        }
    }

    /// The colour of text on it (contrast at least 4.5:1).
    pub fn text_colour(self) -> &'static str {
        svg::text_on(self.colour())
    }
}

const LEFT: f64 = 120.0;
const TOP: f64 = 48.0;
const CELL_W: f64 = 110.0;
const CELL_H: f64 = 72.0;

impl HeatMap {
    /// The labels in each valid cell, indexed `[likelihood - 1][impact - 1]`.
    fn grid(&self) -> [[Vec<&str>; 5]; 5] {
        let mut g: [[Vec<&str>; 5]; 5] = Default::default();
        for c in &self.cells {
            if (1..=5).contains(&c.likelihood) && (1..=5).contains(&c.impact) {
                g[usize::from(c.likelihood - 1)][usize::from(c.impact - 1)]
                    .extend(c.labels.iter().map(String::as_str));
            }
        }
        g
    }

    fn describe(&self, g: &[[Vec<&str>; 5]; 5]) -> String {
        let total: usize = g.iter().flatten().map(Vec::len).sum();
        let mut d = format!(
            "{}. Risk matrix of likelihood by impact, 1 to 5 each; {total} risks.",
            self.title
        );
        for l in (1..=5u8).rev() {
            for i in (1..=5u8).rev() {
                let labels = &g[usize::from(l - 1)][usize::from(i - 1)];
                if labels.is_empty() {
                    continue;
                }
                let score = u32::from(l) * u32::from(i);
                let _ = write!(
                    d,
                    " Likelihood {l}, impact {i} (score {score}, {}): {}.",
                    RiskLevel::of_score(score).name(),
                    labels.join(", ")
                );
            }
        }
        let outside = self
            .cells
            .iter()
            .filter(|c| !(1..=5).contains(&c.likelihood) || !(1..=5).contains(&c.impact))
            .count();
        if outside > 0 {
            let _ = write!(
                d,
                " {outside} entries outside the 1-5 scales are not shown."
            );
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        if self.cells.is_empty() {
            return svg::no_data("heatmap", &self.title);
        }
        let g = self.grid();
        let grid_bottom = TOP + 5.0 * CELL_H;
        let entries: Vec<(String, Swatch)> = [
            ("Low (1-4)", RiskLevel::Low),
            ("Medium (5-9)", RiskLevel::Medium),
            ("High (10-16)", RiskLevel::High),
            ("Critical (20-25)", RiskLevel::Critical),
        ]
        .into_iter()
        .map(|(name, level)| {
            (
                name.to_owned(),
                Swatch::Fill {
                    colour: level.colour().to_owned(),
                    opacity: 1.0,
                },
            )
        })
        .collect();
        let (legend_svg, legend_bottom) = legend(&entries, grid_bottom + 48.0);
        let mut out = Svg::new(
            "heatmap",
            &self.title,
            &self.describe(&g),
            legend_bottom + 8.0,
        );
        for l in 1..=5u8 {
            let y = TOP + CELL_H * f64::from(5 - l);
            out.push(
                &text(
                    LEFT - 10.0,
                    y + CELL_H / 2.0 + 4.0,
                    &l.to_string(),
                    12.0,
                    "end",
                    MUTED,
                )
                .close(),
            );
            for i in 1..=5u8 {
                let x = LEFT + CELL_W * f64::from(i - 1);
                let labels = &g[usize::from(l - 1)][usize::from(i - 1)];
                let score = u32::from(l) * u32::from(i);
                let level = RiskLevel::of_score(score);
                let mut tip = format!(
                    "Likelihood {l}, impact {i}: score {score}, {}",
                    level.name()
                );
                if !labels.is_empty() {
                    let _ = write!(tip, ". {}", labels.join(", "));
                }
                let mut cell = el("g").raw(
                    &rect(x + 1.0, y + 1.0, CELL_W - 2.0, CELL_H - 2.0, level.colour())
                        .a("class", &format!("cell {}", level.name()))
                        .a("data-likelihood", &l.to_string())
                        .a("data-impact", &i.to_string())
                        .close(),
                );
                let ink = level.text_colour();
                let lines: Vec<String> = if labels.len() <= 3 {
                    labels.iter().map(|s| svg::truncate(s, 13)).collect()
                } else {
                    vec![format!("{} risks", labels.len())]
                };
                let top = y + CELL_H / 2.0 - 7.0 * (lines.len() as f64 - 1.0) + 4.0;
                for (k, s) in lines.iter().enumerate() {
                    cell = cell.raw(
                        &text(
                            x + CELL_W / 2.0,
                            top + 14.0 * k as f64,
                            s,
                            12.0,
                            "middle",
                            ink,
                        )
                        .a("font-weight", "600")
                        .close(),
                    );
                }
                out.push(&cell.tip(&tip).close());
            }
        }
        for i in 1..=5u8 {
            let x = LEFT + CELL_W * (f64::from(i) - 0.5);
            out.push(&text(x, grid_bottom + 18.0, &i.to_string(), 12.0, "middle", MUTED).close());
        }
        out.push(
            &text(
                LEFT + CELL_W * 2.5,
                grid_bottom + 36.0,
                "Impact",
                12.0,
                "middle",
                TEXT,
            )
            .a("font-weight", "600")
            .close(),
        );
        let (yx, yy) = (LEFT - 40.0, TOP + CELL_H * 2.5);
        out.push(
            &text(yx, yy, "Likelihood", 12.0, "middle", TEXT)
                .a("font-weight", "600")
                .a(
                    "transform",
                    &format!("rotate(-90 {} {})", svg::num(yx), svg::num(yy)),
                )
                .close(),
        );
        out.push(&legend_svg);
        out.finish()
    }
}
