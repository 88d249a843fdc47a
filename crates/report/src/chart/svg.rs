//! The small SVG writer every chart shares: escaped elements and attributes, coordinates that
//! are never `NaN`, the accessible `<svg>` root, the palette, axes, legends and the "No data"
//! chart.

use std::fmt::Write as _;

use crate::format;
use sextant_core::unit::Measure;

/// The width of every chart, in SVG user units.
pub const WIDTH: f64 = 720.0;

/// The font every chart's text uses.
pub const FONT: &str = "system-ui, sans-serif";

/// Body text: 16.1:1 on white.
pub const TEXT: &str = "#1a1a1a";
/// Axis labels and notes: 7.5:1 on white.
pub const MUTED: &str = "#555555";
/// Grid lines (not text).
pub const GRID: &str = "#dddddd";
/// Axis lines (not text).
pub const AXIS: &str = "#767676";

/// Okabe-Ito blue.
pub const BLUE: &str = "#0072B2";
/// Okabe-Ito orange.
pub const ORANGE: &str = "#E69F00";
/// Okabe-Ito sky blue.
pub const SKY: &str = "#56B4E9";
/// Okabe-Ito bluish green.
pub const GREEN: &str = "#009E73";
/// Okabe-Ito yellow.
pub const YELLOW: &str = "#F0E442";
/// Okabe-Ito vermillion: the warning colour.
pub const VERMILLION: &str = "#D55E00";
/// Okabe-Ito reddish purple.
pub const PURPLE: &str = "#CC79A7";
/// Okabe-Ito black.
pub const BLACK: &str = "#000000";
/// A dark red for critical risks and end-of-life systems: white text on it is 6.9:1.
pub const RED: &str = "#B2182B";

/// Colours for series, in order (Okabe-Ito, the warning vermillion last).
pub const SERIES: [&str; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, BLACK, VERMILLION];

/// Colours for bars, which keep vermillion for "above the limit".
pub const BAR_SERIES: [&str; 5] = [BLUE, SKY, GREEN, PURPLE, BLACK];

/// The colour of the `i`th series, cycling.
pub fn series_colour(i: usize) -> &'static str {
    SERIES[i % SERIES.len()]
}

/// XML-escapes text or an attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than written.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate: one decimal at most, never `NaN` or infinite, kept within a sane range.
pub fn num(x: f64) -> String {
    let x = if x.is_finite() {
        x.clamp(-1e6, 1e6)
    } else {
        0.0
    };
    let r = (x * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Cuts `s` to at most `max` characters, ending with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Roughly how wide `s` is at `size` in the system sans-serif (0.58 em a character).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.58
}

/// One element being written: `el("rect").n("x", 3.0).a("fill", BLUE).close()`.
pub struct El {
    name: &'static str,
    out: String,
    tip: String,
    body: String,
}

/// Starts an element.
pub fn el(name: &'static str) -> El {
    El {
        name,
        out: format!("<{name}"),
        tip: String::new(),
        body: String::new(),
    }
}

impl El {
    /// An attribute, escaped.
    pub fn a(mut self, key: &str, value: &str) -> Self {
        let _ = write!(self.out, " {key}=\"{}\"", esc(value));
        self
    }

    /// A numeric attribute (a coordinate or length).
    pub fn n(mut self, key: &str, value: f64) -> Self {
        let _ = write!(self.out, " {key}=\"{}\"", num(value));
        self
    }

    /// Text content, escaped.
    pub fn text(mut self, t: &str) -> Self {
        self.body.push_str(&esc(t));
        self
    }

    /// A `<title>` child (written first): the tooltip.
    pub fn tip(mut self, t: &str) -> Self {
        self.tip = format!("<title>{}</title>", esc(t));
        self
    }

    /// Already-written children.
    pub fn raw(mut self, children: &str) -> Self {
        self.body.push_str(children);
        self
    }

    /// The finished element.
    pub fn close(mut self) -> String {
        if self.body.is_empty() && self.tip.is_empty() {
            self.out.push_str("/>");
        } else {
            let _ = write!(self.out, ">{}{}</{}>", self.tip, self.body, self.name);
        }
        self.out
    }
}

/// A text element at (x, y) in `size` px, `anchor` start/middle/end, `fill`.
pub fn text(x: f64, y: f64, s: &str, size: f64, anchor: &str, fill: &str) -> El {
    el("text")
        .n("x", x)
        .n("y", y)
        .n("font-size", size)
        .a("text-anchor", anchor)
        .a("fill", fill)
        .text(s)
}

/// A line from (x1, y1) to (x2, y2).
pub fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) -> El {
    el("line")
        .n("x1", x1)
        .n("y1", y1)
        .n("x2", x2)
        .n("y2", y2)
        .a("stroke", stroke)
        .n("stroke-width", width)
}

/// A rectangle; a negative width or height is turned round.
pub fn rect(x: f64, y: f64, w: f64, h: f64, fill: &str) -> El {
    let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
    let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
    el("rect")
        .n("x", x)
        .n("y", y)
        .n("width", w)
        .n("height", h)
        .a("fill", fill)
}

/// A stable id for a chart's title and description: FNV-1a of its kind and content, so
/// several charts on one page never share ids unless they are the same chart.
pub fn chart_id(kind: &str, title: &str, desc: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind
        .bytes()
        .chain([0u8])
        .chain(title.bytes())
        .chain([0u8])
        .chain(desc.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("sx-{kind}-{:08x}", (h >> 32) ^ (h & 0xffff_ffff))
}

/// A chart being written: the root element, title, description and a white background.
pub struct Svg {
    /// The chart's id, the prefix of every id inside it.
    pub id: String,
    height: f64,
    head: String,
    body: String,
}

impl Svg {
    /// Starts a chart of `kind` ("line", "bars", ...) with its visible title and the
    /// description a screen reader reads.
    pub fn new(kind: &str, title: &str, desc: &str, height: f64) -> Svg {
        let id = chart_id(kind, title, desc);
        let head = format!(
            "<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
            esc(title),
            esc(desc)
        );
        let mut body = String::new();
        if !title.is_empty() {
            body.push_str(
                &text(16.0, 24.0, &truncate(title, 70), 16.0, "start", TEXT)
                    .a("font-weight", "600")
                    .a("class", "chart-title")
                    .close(),
            );
        }
        Svg {
            id,
            height,
            head,
            body,
        }
    }

    /// Adds written elements.
    pub fn push(&mut self, s: &str) {
        self.body.push_str(s);
    }

    /// The finished document.
    pub fn finish(self) -> String {
        let id = &self.id;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
             aria-labelledby=\"{id}-t {id}-d\" class=\"chart\" font-family=\"{FONT}\">{head}{bg}{body}</svg>",
            w = num(WIDTH),
            h = num(self.height),
            head = self.head,
            bg = rect(0.0, 0.0, WIDTH, self.height, "#ffffff").close(),
            body = self.body,
        )
    }
}

/// The small chart shown for empty input: its title and "No data".
pub fn no_data(kind: &str, title: &str) -> String {
    empty(kind, title, "No data")
}

/// The small chart shown for empty input, saying `message` (a sentence without its full stop,
/// e.g. "No data") under the title.
pub fn empty(kind: &str, title: &str, message: &str) -> String {
    let desc = if title.is_empty() {
        format!("{message}.")
    } else {
        let mut m = message.chars();
        let lower: String = m
            .next()
            .map(|c| c.to_lowercase().chain(m).collect())
            .unwrap_or_default();
        format!("{title}: {lower}.")
    };
    let mut svg = Svg::new(kind, title, &desc, 120.0);
    svg.push(
        &text(WIDTH / 2.0, 76.0, message, 14.0, "middle", MUTED)
            .a("class", "no-data")
            .close(),
    );
    svg.finish()
}

/// A linear map from data values `lo..hi` to pixels `a..b` (either direction), safe for
/// ranges as wide as `f64` allows.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// The data value at `a`.
    pub lo: f64,
    /// The data value at `b`.
    pub hi: f64,
    /// The pixel for `lo`.
    pub a: f64,
    /// The pixel for `hi`.
    pub b: f64,
}

impl Scale {
    /// The map from `lo..hi` onto `a..b`.
    pub fn new(lo: f64, hi: f64, a: f64, b: f64) -> Scale {
        Scale { lo, hi, a, b }
    }

    /// The pixel for `v`.
    pub fn map(&self, v: f64) -> f64 {
        let span = self.hi / 2.0 - self.lo / 2.0;
        let t = if span > 0.0 && span.is_finite() {
            (v / 2.0 - self.lo / 2.0) / span
        } else {
            0.5
        };
        self.a + t * (self.b - self.a)
    }
}

/// The ticks for data from `lo` to `hi` and the scale from the first tick to the last onto
/// `a..b`; `None` when there is no finite range.
pub fn axis(lo: f64, hi: f64, n: usize, a: f64, b: f64) -> Option<(Vec<f64>, Scale)> {
    let ticks = format::nice_ticks(lo, hi, n);
    let (&first, &last) = (ticks.first()?, ticks.last()?);
    Some((ticks.clone(), Scale::new(first, last, a, b)))
}

/// Horizontal grid lines and labels for a y axis from `left` to `right`.
pub fn y_axis(ticks: &[f64], scale: &Scale, left: f64, right: f64, unit: &Measure) -> String {
    let mut out = String::new();
    for &t in ticks {
        let y = scale.map(t);
        out.push_str(
            &line(left, y, right, y, GRID, 1.0)
                .a("class", "grid")
                .a("data-value", &format!("{t}"))
                .close(),
        );
        out.push_str(&text(left - 6.0, y + 4.0, &unit.format(t), 11.0, "end", MUTED).close());
    }
    out
}

/// Vertical grid lines and labels for an x axis from `top` to `bottom`.
pub fn x_axis(ticks: &[f64], scale: &Scale, top: f64, bottom: f64, unit: &Measure) -> String {
    let mut out = String::new();
    for &t in ticks {
        let x = scale.map(t);
        out.push_str(
            &line(x, top, x, bottom, GRID, 1.0)
                .a("class", "grid-x")
                .a("data-value", &format!("{t}"))
                .close(),
        );
        out.push_str(&text(x, bottom + 16.0, &unit.format(t), 11.0, "middle", MUTED).close());
    }
    out
}

/// Which of `n` labels to show so that at most about 12 appear: every `k`th, from the first.
pub fn label_step(n: usize) -> usize {
    n.div_ceil(12).max(1)
}

/// What a legend entry's swatch looks like.
#[derive(Debug, Clone)]
pub enum Swatch {
    /// A line, dashed or solid.
    Line {
        /// Its colour.
        colour: String,
        /// Whether it is dashed.
        dashed: bool,
    },
    /// A filled square.
    Fill {
        /// Its colour.
        colour: String,
        /// Its opacity.
        opacity: f64,
    },
    /// An outlined square.
    Outline {
        /// Its colour.
        colour: String,
    },
}

/// A legend laid out in rows from `top`, wrapped within the chart's width; returns the
/// elements and the y just below the legend.
pub fn legend(entries: &[(String, Swatch)], top: f64) -> (String, f64) {
    let mut out = String::from("<g class=\"legend\">");
    let (left, right) = (16.0, WIDTH - 16.0);
    let mut x = left;
    let mut y = top;
    for (label, swatch) in entries {
        let label = truncate(label, 40);
        let w = 22.0 + text_width(&label, 12.0) + 18.0;
        if x > left && x + w > right {
            x = left;
            y += 20.0;
        }
        let cy = y + 8.0;
        let sw = match swatch {
            Swatch::Line { colour, dashed } => {
                let l = line(x, cy, x + 16.0, cy, colour, 2.5);
                if *dashed {
                    l.a("stroke-dasharray", "4 3")
                } else {
                    l
                }
                .close()
            }
            Swatch::Fill { colour, opacity } => {
                let r = rect(x + 2.0, cy - 6.0, 12.0, 12.0, colour);
                if *opacity < 1.0 {
                    r.n("fill-opacity", *opacity)
                } else {
                    r
                }
                .close()
            }
            Swatch::Outline { colour } => rect(x + 2.0, cy - 6.0, 12.0, 12.0, "#ffffff")
                .a("stroke", colour)
                .n("stroke-width", 2.5)
                .close(),
        };
        out.push_str(&sw);
        out.push_str(&text(x + 22.0, cy + 4.0, &label, 12.0, "start", TEXT).close());
        x += w;
    }
    out.push_str("</g>");
    (out, y + 20.0)
}

/// Relative luminance of a `#rrggbb` colour (WCAG 2).
pub fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let v = h
            .get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(0);
        let c = f64::from(v) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// The WCAG contrast ratio of two `#rrggbb` colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Black or white, whichever reads better on `fill`.
pub fn text_on(fill: &str) -> &'static str {
    if contrast(fill, "#000000") >= contrast(fill, "#ffffff") {
        "#000000"
    } else {
        "#ffffff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_colours_meet_contrast() {
        for c in [TEXT, MUTED] {
            assert!(contrast(c, "#ffffff") >= 4.5, "{c}");
        }
        for fill in [GREEN, YELLOW, ORANGE, RED, BLUE, VERMILLION, SKY, PURPLE] {
            assert!(contrast(fill, text_on(fill)) >= 4.5, "{fill}");
        }
    }

    #[test]
    fn escapes_and_numbers() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&apos;");
        assert_eq!(esc("a\u{1}b"), "ab");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(1e300), "1000000");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
