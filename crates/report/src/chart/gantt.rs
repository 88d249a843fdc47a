//! The roadmap Gantt chart: one column per month, phases as labelled spans across the top,
//! one row per initiative coloured by kind (exploit, explore, or any other), arrows from each
//! initiative to those that wait for it, a line at today when it falls in the chart, and a
//! legend. Row labels get the room their text needs (up to a limit) before they are cut.

use std::fmt::Write as _;

use super::svg::{
    self, BLUE, GREEN, MUTED, ORANGE, PURPLE, SKY, Svg, Swatch, TEXT, WIDTH, el, label_step,
    legend, line, rect, text,
};

/// A Gantt chart by month.
#[derive(Debug, Clone, Default)]
pub struct Gantt {
    /// The heading shown above the chart and read first by screen readers.
    pub title: String,
    /// One label per month column, e.g. "2025-01".
    pub months: Vec<String>,
    /// Phases: labelled spans of months shown across the top.
    pub phases: Vec<Span>,
    /// One bar per row.
    pub rows: Vec<GanttRow>,
    /// Today, as a month index with its fraction (2.5 is halfway through the third month):
    /// a dashed line labelled "Today" when it falls in the chart.
    pub today: Option<f64>,
}

/// A labelled span of months.
#[derive(Debug, Clone, Default)]
pub struct Span {
    /// Its label, e.g. "Quick wins".
    pub label: String,
    /// The first month's index.
    pub start: usize,
    /// The index one past the last month.
    pub end: usize,
}

/// One bar: an initiative scheduled over some months.
#[derive(Debug, Clone, Default)]
pub struct GanttRow {
    /// The row's label, e.g. the initiative's title.
    pub label: String,
    /// The first month's index.
    pub start: usize,
    /// How many months it runs.
    pub months: usize,
    /// "exploit", "explore" or anything else: picks the colour and names it in the legend.
    pub kind: String,
    /// A tooltip.
    pub note: Option<String>,
    /// The rows (by index) that must finish before this one starts: an arrow from each.
    pub after: Vec<usize>,
}

/// The row labels' column: at least this wide...
const LABEL_MIN: f64 = 140.0;
/// ...and at most this wide, past which a label is cut (its whole text stays in its tooltip).
const LABEL_MAX: f64 = 300.0;
const RIGHT: f64 = WIDTH - 16.0;
const ROW_H: f64 = 26.0;

/// Colours for kinds other than exploit and explore, in order of first appearance.
const OTHER: [&str; 4] = [GREEN, PURPLE, SKY, svg::BLACK];

/// A kind's name in the legend: exploit and explore in plain words, another capitalised.
fn capitalised(s: &str) -> String {
    // The two kinds of change in the owner's words, not the model's.
    match s {
        "exploit" => return "Improves today's business".to_owned(),
        "explore" => return "New business".to_owned(),
        _ => {}
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Other".to_owned(),
    }
}

impl Gantt {
    fn columns(&self) -> usize {
        if self.months.is_empty() {
            self.rows
                .iter()
                .map(|r| r.start.saturating_add(r.months))
                .chain(self.phases.iter().map(|p| p.end))
                .max()
                .unwrap_or(0)
                .min(600)
        } else {
            self.months.len()
        }
    }

    fn month(&self, i: usize) -> String {
        self.months
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("Month {}", i.saturating_add(1)))
    }

    /// The kinds in order of first appearance, each with its colour.
    fn kinds(&self) -> Vec<(String, &'static str)> {
        let mut kinds: Vec<(String, &'static str)> = Vec::new();
        let mut others = 0;
        for r in &self.rows {
            if kinds.iter().any(|(k, _)| *k == r.kind) {
                continue;
            }
            let colour = match r.kind.as_str() {
                "exploit" => BLUE,
                "explore" => ORANGE,
                _ => {
                    others += 1;
                    OTHER[(others - 1) % OTHER.len()]
                }
            };
            kinds.push((r.kind.clone(), colour));
        }
        kinds
    }

    fn describe(&self, m: usize) -> String {
        let mut d = format!(
            "{}. Roadmap over {m} months from {} to {}.",
            self.title,
            self.month(0),
            self.month(m.saturating_sub(1))
        );
        for p in &self.phases {
            let _ = write!(
                d,
                " Phase {}: {} to {}.",
                p.label,
                self.month(p.start),
                self.month(p.end.saturating_sub(1).max(p.start))
            );
        }
        for r in &self.rows {
            let _ = write!(
                d,
                " {} ({}): starts {}, {} {}.",
                r.label,
                r.kind,
                self.month(r.start),
                r.months,
                if r.months == 1 { "month" } else { "months" }
            );
        }
        d
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> String {
        let m = self.columns();
        if m == 0 || self.rows.is_empty() {
            return svg::no_data("gantt", &self.title);
        }
        let label_w = self
            .rows
            .iter()
            .map(|r| svg::text_width(&r.label, 12.0) + 28.0)
            .fold(LABEL_MIN, f64::max)
            .min(LABEL_MAX);
        let col = (RIGHT - label_w) / m as f64;
        let x = |i: usize| label_w + col * i.min(m) as f64;
        let xf = |t: f64| label_w + col * t.clamp(0.0, m as f64);
        let header_y = 44.0;
        let phase_y = header_y + 22.0;
        let rows_y = if self.phases.is_empty() {
            phase_y
        } else {
            phase_y + 26.0
        };
        let rows_bottom = rows_y + ROW_H * self.rows.len() as f64;

        let kinds = self.kinds();
        let entries: Vec<(String, Swatch)> = kinds
            .iter()
            .map(|(k, c)| {
                (
                    capitalised(k),
                    Swatch::Fill {
                        colour: (*c).to_owned(),
                        opacity: 1.0,
                    },
                )
            })
            .collect();
        let (legend_svg, legend_bottom) = legend(&entries, rows_bottom + 14.0);

        let mut out = Svg::new("gantt", &self.title, &self.describe(m), legend_bottom + 8.0);
        // Month columns: alternate shading, a boundary line each, labels thinned.
        for i in 0..m {
            if i % 2 == 1 {
                out.push(&rect(x(i), header_y, col, rows_bottom - header_y, "#f4f4f4").close());
            }
        }
        for i in 0..=m {
            out.push(
                &line(x(i), header_y, x(i), rows_bottom, svg::GRID, 1.0)
                    .a("class", "month-grid")
                    .a("data-month", &i.to_string())
                    .close(),
            );
        }
        // Every kth month labelled, k enough for the longest label to fit its columns.
        let longest = (0..m)
            .map(|i| svg::text_width(&self.month(i), 11.0))
            .fold(0.0, f64::max)
            .min(120.0);
        let fit = ((longest + 6.0) / col).ceil().max(1.0) as usize;
        let step = label_step(m).max(fit);
        for i in (0..m).step_by(step) {
            let max_chars = ((col * step as f64) / 6.5).max(3.0) as usize;
            out.push(
                &text(
                    x(i) + 3.0,
                    header_y + 14.0,
                    &svg::truncate(&self.month(i), max_chars),
                    11.0,
                    "start",
                    MUTED,
                )
                .a("class", "month")
                .close(),
            );
        }
        for (k, p) in self.phases.iter().enumerate() {
            let (s, e) = (p.start.min(m), p.end.min(m));
            if e <= s {
                continue;
            }
            let fill = if k % 2 == 0 { "#e3e3e3" } else { "#cfcfcf" };
            let w = x(e) - x(s);
            out.push(
                &el("g")
                    .a("class", "phase")
                    .raw(
                        &rect(x(s) + 1.0, phase_y, w - 2.0, 20.0, fill)
                            .n("rx", 3.0)
                            .close(),
                    )
                    .raw(
                        &text(
                            x(s) + 6.0,
                            phase_y + 14.0,
                            &svg::truncate(&p.label, ((w - 10.0) / 6.5).max(1.0) as usize),
                            11.0,
                            "start",
                            TEXT,
                        )
                        .close(),
                    )
                    .tip(&format!(
                        "{}: {} to {}",
                        p.label,
                        self.month(s),
                        self.month(e - 1)
                    ))
                    .close(),
            );
        }
        for (r, row) in self.rows.iter().enumerate() {
            let y = rows_y + ROW_H * r as f64;
            let label = match two_lines(&row.label, label_w - 24.0) {
                // A long name on two smaller lines, whole where it fits.
                Some((first, second)) => el("text")
                    .n("x", 16.0)
                    .n("y", y + 11.5)
                    .n("font-size", 10.5)
                    .a("text-anchor", "start")
                    .a("fill", TEXT)
                    .raw(
                        &el("tspan")
                            .n("x", 16.0)
                            .n("y", y + 11.5)
                            .text(&first)
                            .close(),
                    )
                    .raw(
                        &el("tspan")
                            .n("x", 16.0)
                            .n("y", y + 23.0)
                            .text(&second)
                            .close(),
                    ),
                None => text(16.0, y + 17.0, &row.label, 12.0, "start", TEXT),
            };
            out.push(&label.a("class", "row-label").tip(&row.label).close());
            let colour = kinds
                .iter()
                .find(|(k, _)| *k == row.kind)
                .map_or(BLUE, |(_, c)| *c);
            let mut tip = format!(
                "{} ({}): {} for {} {}",
                row.label,
                row.kind,
                self.month(row.start),
                row.months,
                if row.months == 1 { "month" } else { "months" }
            );
            if let Some(note) = &row.note {
                let _ = write!(tip, ". {note}");
            }
            if row.start >= m {
                continue;
            }
            let end = row.start.saturating_add(row.months).min(m);
            if end <= row.start {
                // A milestone: a diamond at the month's start.
                let (cx, cy) = (x(row.start), y + 13.0);
                out.push(
                    &el("path")
                        .a(
                            "d",
                            &format!(
                                "M{},{} L{},{} L{},{} L{},{} Z",
                                svg::num(cx),
                                svg::num(cy - 7.0),
                                svg::num(cx + 7.0),
                                svg::num(cy),
                                svg::num(cx),
                                svg::num(cy + 7.0),
                                svg::num(cx - 7.0),
                                svg::num(cy)
                            ),
                        )
                        .a("fill", colour)
                        .a("class", "milestone")
                        .tip(&tip)
                        .close(),
                );
                continue;
            }
            out.push(
                &rect(
                    x(row.start),
                    y + 5.0,
                    x(end) - x(row.start),
                    ROW_H - 10.0,
                    colour,
                )
                .n("rx", 3.0)
                .a("class", "gantt-bar")
                .a("data-start", &row.start.to_string())
                .tip(&tip)
                .close(),
            );
        }
        // Dependencies: from the end of the row waited for to the start of the one waiting.
        let arrow = format!("{}-arrow", out.id);
        if self.rows.iter().any(|r| !r.after.is_empty()) {
            out.push(&format!(
                "<defs>{}</defs>",
                el("marker")
                    .a("id", &arrow)
                    .a("viewBox", "0 0 10 10")
                    .n("refX", 9.0)
                    .n("refY", 5.0)
                    .n("markerWidth", 7.0)
                    .n("markerHeight", 7.0)
                    .a("markerUnits", "userSpaceOnUse")
                    .a("orient", "auto-start-reverse")
                    .raw(
                        &el("path")
                            .a("d", "M0,0 L10,5 L0,10 Z")
                            .a("fill", MUTED)
                            .close()
                    )
                    .close()
            ));
        }
        for (r, row) in self.rows.iter().enumerate() {
            for &before in &row.after {
                let Some(b) = self.rows.get(before) else {
                    continue;
                };
                if b.start >= m || row.start >= m {
                    continue;
                }
                let (x0, y0) = (
                    x(b.start.saturating_add(b.months)),
                    rows_y + ROW_H * before as f64 + 13.0,
                );
                let (x1, y1) = (x(row.start), rows_y + ROW_H * r as f64 + 13.0);
                // Out of the bar's end, down (or up) to the row, into the bar's start.
                let bend = x0.max(x1 - 6.0) + 4.0;
                out.push(
                    &el("path")
                        .a(
                            "d",
                            &format!(
                                "M{},{} L{},{} L{},{} L{},{}",
                                svg::num(x0),
                                svg::num(y0),
                                svg::num(bend),
                                svg::num(y0),
                                svg::num(bend.min(x1 + 4.0).max(x1 - 8.0)),
                                svg::num(y1),
                                svg::num(x1),
                                svg::num(y1)
                            ),
                        )
                        .a("fill", "none")
                        .a("stroke", MUTED)
                        .a("stroke-width", "1.2")
                        .a("marker-end", &format!("url(#{arrow})"))
                        .a("class", "dependency")
                        .tip(&format!("{} waits for {}", row.label, b.label))
                        .close(),
                );
            }
        }
        if let Some(t) = self.today.filter(|t| *t >= 0.0 && *t <= m as f64) {
            let tx = xf(t);
            out.push(
                &el("g")
                    .a("class", "today")
                    .raw(
                        &line(tx, header_y, tx, rows_bottom, svg::BLACK, 1.5)
                            .a("stroke-dasharray", "4 3")
                            .close(),
                    )
                    .raw(&text(tx + 3.0, rows_bottom - 4.0, "Today", 11.0, "start", TEXT).close())
                    .close(),
            );
        }
        out.push(&line(label_w, rows_bottom, RIGHT, rows_bottom, svg::AXIS, 1.0).close());
        out.push(&legend_svg);
        out.finish()
    }
}

/// `label` on two lines of at most `width` pixels at the smaller size, broken between words,
/// the second cut with an ellipsis only when even two lines are too short; `None` when it fits
/// on one line at the row labels' size.
fn two_lines(label: &str, width: f64) -> Option<(String, String)> {
    if svg::text_width(label, 12.0) <= width {
        return None;
    }
    let mut first = String::new();
    let mut rest = label;
    for (i, w) in label.split_inclusive(' ').enumerate() {
        let next = format!("{first}{w}");
        if i > 0 && svg::text_width(next.trim_end(), 10.5) > width {
            break;
        }
        first = next;
        rest = &label[first.len()..];
    }
    let per_char = svg::text_width("abcdefghijklmnopqrstuvwxyz", 10.5) / 26.0;
    let fit = |s: &str| {
        if svg::text_width(s, 10.5) <= width {
            s.to_owned()
        } else {
            svg::truncate(s, (width / per_char).max(4.0) as usize)
        }
    };
    Some((fit(first.trim_end()), fit(rest.trim())))
}
