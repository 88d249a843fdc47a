//! The technology radar: the plan's watch list as four concentric rings (Adopt at the centre,
//! Hold at the edge) cut into four quadrants (practices, software, platforms, devices), each
//! technology a numbered dot, with a legend below listing the numbers by quadrant.
//!
//! Dots are placed without randomness: the technologies of one ring and quadrant (a cell) are
//! set on arcs spread evenly across the ring's band, each arc holding as many dots as fit
//! without touching, and spread evenly by angle along it. Every dot keeps clear of the ring
//! lines and of the axes between quadrants, so dots of different cells never meet either. A
//! cell holds 17 dots or more without overlap (the innermost ring's cells are the smallest);
//! beyond that the dots of a crowded cell still spread evenly but may touch.

use std::f64::consts::{FRAC_PI_2, PI};
use std::fmt::Write as _;

use sextant_core::model::{Quadrant, Ring};

use super::svg::{self, AXIS, GREEN, MUTED, ORANGE, PURPLE, Svg, TEXT, WIDTH, el, line, text};

/// The technology watch list drawn as a radar.
///
/// The quadrants sit software top right, practices top left, platforms bottom left and
/// devices bottom right; the legend lists them in that reading order (practices, software,
/// platforms, devices) and numbers the technologies in it, by quadrant, then ring from Adopt
/// out, then the order given.
#[derive(Debug, Clone, Default)]
pub struct Radar {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// The technologies, in any order.
    pub items: Vec<RadarPoint>,
}

/// One technology on the radar.
#[derive(Debug, Clone)]
pub struct RadarPoint {
    /// The technology, e.g. "Contactless card terminals".
    pub label: String,
    /// Its ring: what the business does about it.
    pub ring: Ring,
    /// Its quadrant: what kind of technology it is.
    pub quadrant: Quadrant,
    /// Why it is in its ring, shown on hover.
    pub note: Option<String>,
}

/// The radar's centre, horizontally.
const CX: f64 = WIDTH / 2.0;
/// The radar's centre, vertically: below the title and the top quadrant labels.
const CY: f64 = 64.0 + OUTER;
/// The outer edges of the rings, Adopt to Hold; the innermost is the widest so that its
/// quarter-disc cells hold as many dots as the bands outside it.
const EDGES: [f64; 4] = [140.0, 210.0, 270.0, OUTER];
/// The radius of the whole radar.
const OUTER: f64 = 320.0;
/// A dot's radius: wide enough for a three-digit number at 11 px.
const DOT: f64 = 10.0;
/// The space left between two dots of one cell.
const GAP: f64 = 3.0;
/// The closest a dot's centre comes to a ring line.
const RING_CLEAR: f64 = DOT + 3.0;
/// The closest a dot's centre comes to an axis: clear of the ring labels written along the
/// horizontal axis.
const AXIS_CLEAR: f64 = 18.0;
/// The legend's columns: where each starts and how wide it is.
const COLUMNS: [f64; 2] = [16.0, WIDTH / 2.0 + 8.0];
const COLUMN_W: f64 = WIDTH / 2.0 - 24.0;
/// Legend text size and line height.
const LEGEND_FONT: f64 = 12.0;
const LEGEND_LINE: f64 = 16.0;

/// The quadrant's colour (Okabe-Ito, none of them the warning colours); the number on a dot
/// is black or white, whichever reads better on it.
fn colour(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Practices => GREEN,
        Quadrant::Software => svg::BLUE,
        Quadrant::Platforms => PURPLE,
        Quadrant::Devices => ORANGE,
    }
}

/// Where the quadrant starts, in radians anticlockwise from the right-hand axis; it spans a
/// quarter turn from there.
fn start_angle(q: Quadrant) -> f64 {
    match q {
        Quadrant::Software => 0.0,
        Quadrant::Practices => FRAC_PI_2,
        Quadrant::Platforms => PI,
        Quadrant::Devices => 3.0 * FRAC_PI_2,
    }
}

fn ring_index(r: Ring) -> usize {
    Ring::ALL.iter().position(|x| *x == r).unwrap_or(0)
}

fn quadrant_index(q: Quadrant) -> usize {
    Quadrant::ALL.iter().position(|x| *x == q).unwrap_or(0)
}

fn ring_name(r: Ring) -> &'static str {
    match r {
        Ring::Adopt => "adopt",
        Ring::Trial => "trial",
        Ring::Assess => "assess",
        Ring::Hold => "hold",
    }
}

fn quadrant_name(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Practices => "practices",
        Quadrant::Software => "software",
        Quadrant::Platforms => "platforms",
        Quadrant::Devices => "devices",
    }
}

/// The band of a ring: its inner and outer radius.
fn band(r: Ring) -> (f64, f64) {
    let i = ring_index(r);
    (if i == 0 { 0.0 } else { EDGES[i - 1] }, EDGES[i])
}

/// The angle kept clear at each end of a quadrant's arc of radius `rho`, so that a dot on it
/// stays `AXIS_CLEAR` from both axes.
fn axis_margin(rho: f64) -> f64 {
    (AXIS_CLEAR / rho).clamp(0.0, 1.0).asin()
}

/// How many dots an arc of radius `rho` across one quadrant holds with their centres at least
/// a dot's width and the gap apart (measured straight, not along the arc).
fn arc_slots(rho: f64) -> usize {
    let span = FRAC_PI_2 - 2.0 * axis_margin(rho);
    if span <= 0.0 {
        return 0;
    }
    let apart = 2.0 * DOT + GAP;
    let mut n = 1;
    while n < 1000 && 2.0 * rho * (span / (2.0 * (n + 1) as f64)).sin() >= apart {
        n += 1;
    }
    n
}

/// The radii of `k` arcs spread evenly across a ring's band, inside to outside, or `None` when
/// `k` arcs do not fit.
fn arcs(r: Ring, k: usize) -> Option<Vec<f64>> {
    let (inner, outer) = band(r);
    // The innermost arcs start where a dot half way round the quadrant clears both axes.
    let lo = (inner + RING_CLEAR).max(AXIS_CLEAR * std::f64::consts::SQRT_2 + 0.5);
    let hi = outer - RING_CLEAR;
    match k {
        0 => None,
        1 => Some(vec![(lo + hi) / 2.0]),
        _ => {
            let step = (hi - lo) / (k - 1) as f64;
            (step >= 2.0 * DOT + GAP).then(|| (0..k).map(|j| lo + step * j as f64).collect())
        }
    }
}

/// The centres of `n` dots in the cell of ring `r` and quadrant `q`: on the fewest arcs that
/// hold them all (or on as many as fit, when none do), shared among the arcs by their room,
/// and spread evenly by angle along each.
fn place(r: Ring, q: Quadrant, n: usize) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut chosen: Option<(Vec<f64>, Vec<usize>)> = None;
    for k in 1.. {
        let Some(radii) = arcs(r, k) else { break };
        let slots: Vec<usize> = radii.iter().map(|&rho| arc_slots(rho)).collect();
        let fits = slots.iter().sum::<usize>() >= n;
        chosen = Some((radii, slots));
        if fits {
            break;
        }
    }
    let Some((radii, slots)) = chosen else {
        return Vec::new();
    };
    let counts = share(n, &slots);
    let mut out = Vec::with_capacity(n);
    let a0 = start_angle(q);
    for (&rho, &c) in radii.iter().zip(&counts) {
        let m = axis_margin(rho);
        let span = FRAC_PI_2 - 2.0 * m;
        for i in 0..c {
            let a = a0 + m + span * (i as f64 + 0.5) / c as f64;
            out.push((CX + rho * a.cos(), CY - rho * a.sin()));
        }
    }
    out
}

/// Shares `n` among arcs in proportion to their room (largest remainders first), never giving
/// an arc more than its room unless all are full.
fn share(n: usize, room: &[usize]) -> Vec<usize> {
    let total: usize = room.iter().sum();
    if room.is_empty() {
        return Vec::new();
    }
    if total == 0 {
        let mut c = vec![0; room.len()];
        c[room.len() - 1] = n;
        return c;
    }
    let exact: Vec<f64> = room
        .iter()
        .map(|&r| n as f64 * r as f64 / total as f64)
        .collect();
    let mut counts: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..room.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a].fract(), exact[b].fract());
        fb.total_cmp(&fa).then(b.cmp(&a))
    });
    while left > 0 {
        let before = left;
        for &j in &order {
            if left > 0 && (counts[j] < room[j] || n > total) {
                counts[j] += 1;
                left -= 1;
            }
        }
        if left == before {
            break;
        }
    }
    counts
}

/// Roughly how wide a character is, in ems, erring wide: the legend wraps by it so that no
/// line runs past its column whatever the script.
fn char_em(c: char) -> f64 {
    match c {
        'M' | 'W' | 'm' | 'w' | '@' | '%' => 0.95,
        c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.7,
        c if c.is_ascii() => 0.6,
        // Hangul, CJK, full-width forms, emoji and the like take a full em.
        c if u32::from(c) >= 0x1100 => 1.0,
        _ => 0.75,
    }
}

/// Splits text into lines at most `width` wide at `size` px, at spaces where it can and inside
/// a word where the word alone is wider; nothing is cut.
fn wrap(s: &str, width: f64, size: f64) -> Vec<String> {
    let w = |t: &[char]| t.iter().map(|&c| char_em(c) * size).sum::<f64>();
    let space = char_em(' ') * size;
    let mut lines: Vec<String> = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    for word in s.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        if !cur.is_empty() && w(&cur) + space + w(&word) <= width {
            cur.push(' ');
            cur.append(&mut word);
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur).into_iter().collect());
        }
        while w(&word) > width {
            // As many characters as fit, and always at least one.
            let mut take = 1;
            while take < word.len() && w(&word[..=take]) <= width {
                take += 1;
            }
            lines.push(word.drain(..take).collect());
        }
        cur = word;
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur.into_iter().collect());
    }
    lines
}

/// "1 technology", "3 technologies".
fn technologies(n: usize) -> String {
    if n == 1 {
        "1 technology".to_owned()
    } else {
        format!("{n} technologies")
    }
}

impl Radar {
    /// The items in legend order (quadrant, ring, given order), each with its number from 1.
    fn numbered(&self) -> Vec<(usize, &RadarPoint)> {
        let mut items: Vec<(usize, &RadarPoint)> = self.items.iter().enumerate().collect();
        items.sort_by_key(|(i, p)| (quadrant_index(p.quadrant), ring_index(p.ring), *i));
        items
            .into_iter()
            .enumerate()
            .map(|(k, (_, p))| (k + 1, p))
            .collect()
    }

    fn describe(&self, items: &[(usize, &RadarPoint)]) -> String {
        let mut d = format!(
            "{}. Technology radar of {}: rings from Adopt at the centre to Hold at the edge, \
             quadrants for practices, software, platforms and devices.",
            self.title,
            technologies(items.len())
        );
        for ring in Ring::ALL {
            let here: Vec<String> = items
                .iter()
                .filter(|(_, p)| p.ring == ring)
                .map(|(n, p)| format!("{n}. {} ({})", p.label, p.quadrant.label()))
                .collect();
            if here.is_empty() {
                let _ = write!(d, " {} ring: none.", ring.label());
            } else {
                let _ = write!(
                    d,
                    " {} ring, {}: {}.",
                    ring.label(),
                    technologies(here.len()),
                    here.join("; ")
                );
            }
        }
        d
    }

    /// The rings, the axes and the ring and quadrant labels.
    fn frame(&self) -> String {
        const FILLS: [&str; 4] = ["#e9eef2", "#f1f4f7", "#f7f9fa", "#fcfcfd"];
        let mut out = String::from("<g class=\"radar-frame\">");
        for (i, ring) in Ring::ALL.iter().enumerate().rev() {
            let (inner, outer) = band(*ring);
            out.push_str(
                &el("circle")
                    .n("cx", CX)
                    .n("cy", CY)
                    .n("r", outer)
                    .a("fill", FILLS[i])
                    .a("stroke", AXIS)
                    .n("stroke-width", 1.0)
                    .a("class", "ring")
                    .a("data-ring", ring_name(*ring))
                    .a("data-inner", &svg::num(inner))
                    .close(),
            );
        }
        out.push_str(
            &line(CX - OUTER, CY, CX + OUTER, CY, AXIS, 1.0)
                .a("class", "axis")
                .close(),
        );
        out.push_str(
            &line(CX, CY - OUTER, CX, CY + OUTER, AXIS, 1.0)
                .a("class", "axis")
                .close(),
        );
        for ring in Ring::ALL {
            let (inner, outer) = band(ring);
            let mid = (inner + outer) / 2.0;
            for x in [CX - mid, CX + mid] {
                out.push_str(
                    &text(x, CY + 4.0, ring.label(), 12.0, "middle", TEXT)
                        .a("font-weight", "600")
                        .a("stroke", "#ffffff")
                        .n("stroke-width", 3.0)
                        .a("paint-order", "stroke")
                        .a("class", "ring-label")
                        .close(),
                );
            }
        }
        for q in Quadrant::ALL {
            let (a, b) = (start_angle(q), start_angle(q) + FRAC_PI_2);
            let right = a.cos() + b.cos() > 0.0;
            let y = if a.sin() + b.sin() > 0.0 {
                56.0
            } else {
                CY + OUTER
            };
            let (swatch, x, anchor) = if right {
                (WIDTH - 22.0, WIDTH - 34.0, "end")
            } else {
                (22.0, 34.0, "start")
            };
            out.push_str(
                &el("circle")
                    .n("cx", swatch)
                    .n("cy", y - 5.0)
                    .n("r", 6.0)
                    .a("fill", colour(q))
                    .close(),
            );
            out.push_str(
                &text(x, y, q.label(), 14.0, anchor, TEXT)
                    .a("font-weight", "600")
                    .a("class", "quadrant-label")
                    .a("data-quadrant", quadrant_name(q))
                    .close(),
            );
        }
        out.push_str("</g>");
        out
    }

    /// The numbered dots, each with its tooltip.
    fn dots(&self, items: &[(usize, &RadarPoint)]) -> String {
        let mut out = String::new();
        for q in Quadrant::ALL {
            for ring in Ring::ALL {
                let cell: Vec<&(usize, &RadarPoint)> = items
                    .iter()
                    .filter(|(_, p)| p.quadrant == q && p.ring == ring)
                    .collect();
                let fill = colour(q);
                for (&(x, y), (n, p)) in place(ring, q, cell.len()).iter().zip(cell) {
                    let mut tip = format!("{n}. {} ({}): {}", p.label, q.label(), ring.label());
                    if let Some(note) = p.note.as_deref().filter(|s| !s.trim().is_empty()) {
                        let _ = write!(tip, ". {note}");
                    }
                    out.push_str(
                        &el("g")
                            .a("class", "blip")
                            .a("data-number", &n.to_string())
                            .a("data-ring", ring_name(ring))
                            .a("data-quadrant", quadrant_name(q))
                            .raw(
                                &el("circle")
                                    .n("cx", x)
                                    .n("cy", y)
                                    .n("r", DOT)
                                    .a("fill", fill)
                                    .a("stroke", "#ffffff")
                                    .n("stroke-width", 1.0)
                                    .a("class", "dot")
                                    .close(),
                            )
                            .raw(
                                &text(
                                    x,
                                    y + 4.0,
                                    &n.to_string(),
                                    11.0,
                                    "middle",
                                    svg::text_on(fill),
                                )
                                .a("font-weight", "600")
                                .close(),
                            )
                            .tip(&tip)
                            .close(),
                    );
                }
            }
        }
        out
    }

    /// The legend from `top`: a block per quadrant, two to a row, each listing its
    /// technologies by ring, wrapped to the column; returns it and the y below it.
    fn legend(&self, items: &[(usize, &RadarPoint)], top: f64) -> (String, f64) {
        let mut out = String::from("<g class=\"legend\">");
        let mut row_top = top;
        for pair in Quadrant::ALL.chunks(2) {
            let mut row_bottom = row_top;
            for (&q, &x) in pair.iter().zip(&COLUMNS) {
                let mut y = row_top + 14.0;
                out.push_str(
                    &el("circle")
                        .n("cx", x + 6.0)
                        .n("cy", y - 5.0)
                        .n("r", 6.0)
                        .a("fill", colour(q))
                        .close(),
                );
                out.push_str(
                    &text(x + 18.0, y, q.label(), 14.0, "start", TEXT)
                        .a("font-weight", "600")
                        .a("class", "legend-quadrant")
                        .close(),
                );
                let mine: Vec<&(usize, &RadarPoint)> =
                    items.iter().filter(|(_, p)| p.quadrant == q).collect();
                if mine.is_empty() {
                    y += LEGEND_LINE + 2.0;
                    out.push_str(&text(x, y, "None yet", 12.0, "start", MUTED).close());
                }
                for ring in Ring::ALL {
                    let here: Vec<&&(usize, &RadarPoint)> =
                        mine.iter().filter(|(_, p)| p.ring == ring).collect();
                    if here.is_empty() {
                        continue;
                    }
                    y += LEGEND_LINE + 4.0;
                    out.push_str(
                        &text(x, y, ring.label(), 11.0, "start", MUTED)
                            .a("font-weight", "600")
                            .a("class", "legend-ring")
                            .close(),
                    );
                    for (n, p) in here {
                        y += LEGEND_LINE;
                        let lines = wrap(&format!("{n}. {}", p.label), COLUMN_W, LEGEND_FONT);
                        let mut t = el("text")
                            .n("x", x)
                            .n("y", y)
                            .n("font-size", LEGEND_FONT)
                            .a("fill", TEXT)
                            .a("class", "legend-item")
                            .a("data-number", &n.to_string());
                        for (k, l) in lines.iter().enumerate() {
                            let span = el("tspan").n("x", x).text(l);
                            t = t.raw(
                                &if k == 0 {
                                    span
                                } else {
                                    span.n("dy", LEGEND_LINE)
                                }
                                .close(),
                            );
                        }
                        y += LEGEND_LINE * (lines.len() as f64 - 1.0);
                        out.push_str(&t.close());
                    }
                }
                row_bottom = row_bottom.max(y);
            }
            row_top = row_bottom + 24.0;
        }
        out.push_str("</g>");
        (out, row_top)
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        if self.items.is_empty() {
            return svg::empty(
                "radar",
                &self.title,
                "No technologies on the watch list yet",
            );
        }
        let items = self.numbered();
        let (legend, bottom) = self.legend(&items, CY + OUTER + 28.0);
        let mut out = Svg::new("radar", &self.title, &self.describe(&items), bottom);
        out.push(&self.frame());
        out.push(&self.dots(&items));
        out.push(&legend);
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_holds_seventeen_without_overlap() {
        for ring in Ring::ALL {
            let most = (1..)
                .map_while(|k| arcs(ring, k))
                .map(|radii| radii.iter().map(|&r| arc_slots(r)).sum::<usize>())
                .max()
                .unwrap_or(0);
            assert!(most >= 17, "{ring:?} holds {most}");
        }
    }

    #[test]
    fn shares_follow_the_room() {
        assert_eq!(share(1, &[1, 5]), vec![0, 1]);
        assert_eq!(share(6, &[1, 5]), vec![1, 5]);
        assert_eq!(share(9, &[1, 5]), vec![1, 8]);
        assert_eq!(share(3, &[0, 0]), vec![0, 3]);
        let s = share(15, &[1, 1, 3, 5, 7]);
        assert_eq!(s.iter().sum::<usize>(), 15);
        assert!(s.iter().zip([1, 1, 3, 5, 7]).all(|(c, r)| *c <= r), "{s:?}");
    }

    #[test]
    fn wrapping_keeps_every_character() {
        // At 10 px an ASCII lower-case letter is 6 px wide and a space 6 px.
        assert_eq!(wrap("a bb ccc", 24.0, 10.0), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 24.0, 10.0), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 24.0, 10.0), vec![""]);
        assert_eq!(wrap("x abcdefgh", 24.0, 10.0), vec!["x", "abcd", "efgh"]);
        assert_eq!(wrap("書店書店書", 20.0, 10.0), vec!["書店", "書店", "書"]);
        // A character wider than the line still goes on one of its own.
        assert_eq!(wrap("WW", 5.0, 10.0), vec!["W", "W"]);
    }
}
