//! The integration map: systems as boxes, data flows as arrows. Few systems are laid out in
//! layers left to right along the flows; more go round an ellipse. Manual flows (re-keying)
//! are dashed in the warning colour; a system at end of life is outlined in red.

use std::fmt::Write as _;

use super::svg::{
    self, MUTED, RED, Svg, Swatch, TEXT, VERMILLION, WIDTH, el, legend, line, rect, text,
};

/// An integration map of systems and the data flowing between them.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The systems.
    pub nodes: Vec<Node>,
    /// The flows between them; flows naming an unknown system are left out.
    pub edges: Vec<Edge>,
}

/// A system.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Its id, which edges refer to.
    pub id: String,
    /// Its label in the box.
    pub label: String,
    /// Its group (e.g. category), which picks the outline colour.
    pub group: String,
    /// Whether to warn about it (end of life): outlined in red.
    pub warn: bool,
}

/// A flow of data from one system to another.
#[derive(Debug, Clone, Default)]
pub struct Edge {
    /// The source system's id.
    pub from: String,
    /// The target system's id.
    pub to: String,
    /// What flows, e.g. "orders".
    pub label: Option<String>,
    /// Whether it is re-keyed by hand rather than automated.
    pub manual: bool,
}

/// Outline colours by group, in order of first appearance (no red or vermillion: those warn).
const GROUPS: [&str; 6] = [
    svg::BLUE,
    svg::GREEN,
    svg::PURPLE,
    svg::ORANGE,
    svg::SKY,
    svg::BLACK,
];
const TOP: f64 = 48.0;

impl Graph {
    fn index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The edges with both ends known and distinct, as index pairs.
    fn links(&self) -> Vec<(usize, usize, &Edge)> {
        self.edges
            .iter()
            .filter_map(|e| match (self.index(&e.from), self.index(&e.to)) {
                (Some(a), Some(b)) if a != b => Some((a, b, e)),
                _ => None,
            })
            .collect()
    }

    fn groups(&self) -> Vec<&str> {
        let mut g: Vec<&str> = Vec::new();
        for n in &self.nodes {
            if !g.contains(&n.group.as_str()) {
                g.push(&n.group);
            }
        }
        g
    }

    fn label(&self, i: usize) -> &str {
        self.nodes.get(i).map_or("", |n| n.label.as_str())
    }

    fn describe(&self, links: &[(usize, usize, &Edge)]) -> String {
        let mut d = format!(
            "{}. Integration map of {} systems and {} data flows.",
            self.title,
            self.nodes.len(),
            links.len()
        );
        let eol: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| n.warn)
            .map(|n| n.label.as_str())
            .collect();
        if !eol.is_empty() {
            let _ = write!(d, " At end of life: {}.", eol.join(", "));
        }
        for (a, b, e) in links {
            let _ = write!(d, " {} to {}", self.label(*a), self.label(*b));
            if let Some(l) = &e.label {
                let _ = write!(d, " ({l})");
            }
            d.push_str(if e.manual { ", manual." } else { "." });
        }
        let dropped = self.edges.len() - links.len();
        if dropped > 0 {
            let _ = write!(
                d,
                " {dropped} flows naming an unknown system or looping to itself are not shown."
            );
        }
        d
    }

    /// Layers left to right: each system one layer after the furthest system flowing into
    /// it. Systems are taken in topological order; where a cycle leaves none free, the
    /// earliest remaining system is taken next and the flows into it from the cycle ignored.
    fn layers(&self, links: &[(usize, usize, &Edge)]) -> Vec<usize> {
        let n = self.nodes.len();
        let mut layer = vec![0usize; n];
        let mut done = vec![false; n];
        for _ in 0..n {
            let free =
                (0..n).find(|&v| !done[v] && links.iter().all(|&(a, b, _)| b != v || done[a]));
            let Some(v) = free.or_else(|| (0..n).find(|&v| !done[v])) else {
                break;
            };
            layer[v] = links
                .iter()
                .filter(|&&(a, b, _)| b == v && done[a])
                .map(|&(a, _, _)| layer[a] + 1)
                .max()
                .unwrap_or(0);
            done[v] = true;
        }
        layer
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let n = self.nodes.len();
        if n == 0 {
            return svg::no_data("graph", &self.title);
        }
        let links = self.links();
        let (bw, bh, font, chars) = if n > 12 {
            (104.0, 30.0, 10.0, 16)
        } else {
            (136.0, 36.0, 12.0, 18)
        };
        let layered = n <= 6;
        let mut pos: Vec<(f64, f64)> = Vec::with_capacity(n);
        let area_bottom;
        if layered {
            let layer = self.layers(&links);
            let columns = layer.iter().max().map_or(1, |m| m + 1);
            let mut in_column = vec![0usize; columns];
            let mut row = vec![0usize; n];
            for i in 0..n {
                row[i] = in_column[layer[i]];
                in_column[layer[i]] += 1;
            }
            let tallest = in_column.iter().copied().max().unwrap_or(1);
            let height = tallest as f64 * 80.0;
            for i in 0..n {
                let x = (WIDTH / columns as f64) * (layer[i] as f64 + 0.5);
                let k = in_column[layer[i]] as f64;
                let y = TOP + 20.0 + height * (row[i] as f64 + 0.5) / k;
                pos.push((x, y));
            }
            area_bottom = TOP + 20.0 + height + 10.0;
        } else {
            let rx = WIDTH / 2.0 - 16.0 - bw / 2.0;
            let ry = (n as f64 * 16.0).clamp(150.0, 400.0);
            let (cx, cy) = (WIDTH / 2.0, TOP + 16.0 + bh / 2.0 + ry);
            for i in 0..n {
                let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
                pos.push((cx + rx * a.cos(), cy + ry * a.sin()));
            }
            area_bottom = cy + ry + bh / 2.0 + 16.0;
        }

        let groups = self.groups();
        let group_colour = |g: &str| {
            groups
                .iter()
                .position(|x| *x == g)
                .map_or(svg::BLUE, |i| GROUPS[i % GROUPS.len()])
        };
        let mut entries: Vec<(String, Swatch)> = Vec::new();
        if groups.len() > 1 {
            for g in &groups {
                entries.push((
                    if g.is_empty() {
                        "Other".to_owned()
                    } else {
                        (*g).to_owned()
                    },
                    Swatch::Outline {
                        colour: group_colour(g).to_owned(),
                    },
                ));
            }
        }
        if links.iter().any(|l| !l.2.manual) {
            entries.push((
                "Automated flow".to_owned(),
                Swatch::Line {
                    colour: MUTED.to_owned(),
                    dashed: false,
                },
            ));
        }
        if links.iter().any(|l| l.2.manual) {
            entries.push((
                "Manual (re-keyed)".to_owned(),
                Swatch::Line {
                    colour: VERMILLION.to_owned(),
                    dashed: true,
                },
            ));
        }
        if self.nodes.iter().any(|n| n.warn) {
            entries.push((
                "End of life".to_owned(),
                Swatch::Outline {
                    colour: RED.to_owned(),
                },
            ));
        }
        let (legend_svg, legend_bottom) = legend(&entries, area_bottom);

        let mut out = Svg::new(
            "graph",
            &self.title,
            &self.describe(&links),
            legend_bottom + 8.0,
        );
        let id = out.id.clone();
        let marker = |name: &str, colour: &str| {
            el("marker")
                .a("id", &format!("{id}-{name}"))
                .a("viewBox", "0 0 10 10")
                .n("refX", 9.0)
                .n("refY", 5.0)
                .n("markerWidth", 9.0)
                .n("markerHeight", 9.0)
                .a("markerUnits", "userSpaceOnUse")
                .a("orient", "auto-start-reverse")
                .raw(
                    &el("path")
                        .a("d", "M0,0 L10,5 L0,10 Z")
                        .a("fill", colour)
                        .close(),
                )
                .close()
        };
        out.push(&format!(
            "<defs>{}{}</defs>",
            marker("arrow", MUTED),
            marker("manual", VERMILLION)
        ));

        let (hw, hh) = (bw / 2.0 + 3.0, bh / 2.0 + 3.0);
        for &(a, b, e) in &links {
            let ((x1, y1), (x2, y2)) = (pos[a], pos[b]);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = dx.hypot(dy);
            if len < 1.0 {
                continue;
            }
            // Leave and enter at the boxes' edges; a flow with one back the other way is
            // shifted sideways so the two don't overlap.
            let t = (hw / dx.abs().max(1e-9)).min(hh / dy.abs().max(1e-9));
            let (ox, oy) = if links.iter().any(|&(c, d, _)| c == b && d == a) {
                (-dy / len * 5.0, dx / len * 5.0)
            } else {
                (0.0, 0.0)
            };
            let (sx, sy) = (x1 + dx * t + ox, y1 + dy * t + oy);
            let (ex, ey) = (x2 - dx * t + ox, y2 - dy * t + oy);
            let mut tip = format!("{} to {}", self.label(a), self.label(b));
            if let Some(l) = &e.label {
                let _ = write!(tip, ": {l}");
            }
            if e.manual {
                tip.push_str(" (manual)");
            }
            let (colour, mark) = if e.manual {
                (VERMILLION, "manual")
            } else {
                (MUTED, "arrow")
            };
            let mut l = line(sx, sy, ex, ey, colour, if e.manual { 2.0 } else { 1.5 })
                .a("marker-end", &format!("url(#{id}-{mark})"))
                .a("class", if e.manual { "edge manual" } else { "edge" });
            if e.manual {
                l = l.a("stroke-dasharray", "6 4");
            }
            out.push(&l.tip(&tip).close());
            if let Some(label) = e.label.as_deref().filter(|s| !s.is_empty() && n <= 12) {
                out.push(
                    &text(
                        (sx + ex) / 2.0,
                        (sy + ey) / 2.0 - 4.0,
                        &svg::truncate(label, 20),
                        10.0,
                        "middle",
                        TEXT,
                    )
                    .a("stroke", "#ffffff")
                    .n("stroke-width", 3.0)
                    .a("paint-order", "stroke")
                    .a("class", "edge-label")
                    .close(),
                );
            }
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let (x, y) = pos[i];
            let (stroke, width) = if node.warn {
                (RED, 3.0)
            } else {
                (group_colour(&node.group), 2.0)
            };
            let mut tip = node.label.clone();
            if !node.group.is_empty() {
                let _ = write!(tip, " ({})", node.group);
            }
            if node.warn {
                tip.push_str(": end of life");
            }
            out.push(
                &el("g")
                    .a("class", if node.warn { "node warn" } else { "node" })
                    .raw(
                        &rect(x - bw / 2.0, y - bh / 2.0, bw, bh, "#ffffff")
                            .n("rx", 6.0)
                            .a("stroke", stroke)
                            .n("stroke-width", width)
                            .close(),
                    )
                    .raw(
                        &text(
                            x,
                            y + font / 3.0 + 1.0,
                            &svg::truncate(&node.label, chars),
                            font,
                            "middle",
                            TEXT,
                        )
                        .close(),
                    )
                    .tip(&tip)
                    .close(),
            );
        }
        out.push(&legend_svg);
        out.finish()
    }
}
