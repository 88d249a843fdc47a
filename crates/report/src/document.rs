//! The plan report: one standalone HTML file for the owner to read on screen or print. It
//! holds the organisation, its goals and their standing, the roadmap and its spend against the
//! budget, each initiative's business case, the systems and their data flows, the risks and
//! the plan's health-check findings.
//!
//! The file needs nothing else: the style sheet is inline (with print rules), charts are
//! inline SVG, there is no script and no link to anything outside. Every piece of text from
//! the plan is escaped. The output depends only on its inputs (no date of writing), so the
//! same plan gives the same file.

use std::fmt::Write as _;

use sextant_core::Analysis;
use sextant_core::Plan;
use sextant_core::checks::Severity;
use sextant_core::kpi::Standing;
use sextant_roadmap::report::{FrontierPoint, Roadmap};
use sextant_roadmap::solve::SolveStatus;

use crate::chart::svg::esc;
use crate::format;
use crate::plan_charts;
use sextant_core::unit::{Measure, Unit};

/// What the plan report is built from: the plan, its analysis and, when the roadmap was
/// optimised, the roadmap and (optionally) its efficient frontier.
#[derive(Debug, Clone, Copy)]
pub struct PlanReport<'a> {
    /// The validated plan.
    pub plan: &'a Plan,
    /// `sextant_core::analyze` (or `analyze_with`) of the plan.
    pub analysis: &'a Analysis,
    /// The optimised roadmap; without it the report shows the plan's own starts.
    pub roadmap: Option<&'a Roadmap>,
    /// The efficient frontier, when computed.
    pub frontier: Option<&'a [FrontierPoint]>,
    /// The executive summary (`sextant_ops::summary`), shown first when given.
    pub summary: Option<&'a sextant_ops::summary::Summary>,
    /// The plan's scenarios beside it, in words (`sextant_ops::what_if`); the section is left
    /// out when empty.
    pub what_if: &'a [sextant_ops::what_if::WhatIf],
}

/// The plan report as a standalone HTML document (see [`PlanReport::html`]).
pub fn plan_html(plan: &Plan, analysis: &Analysis, roadmap: Option<&Roadmap>) -> String {
    PlanReport {
        plan,
        analysis,
        roadmap,
        frontier: None,
        summary: None,
        what_if: &[],
    }
    .html()
}

const CSS: &str = "\
:root{color-scheme:light}\
body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:60rem;margin:0 auto;padding:1.5rem;line-height:1.45}\
h1{font-size:1.8rem;margin:0 0 .25rem}\
h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid #1a1a1a}\
h3{font-size:1.1rem;margin:1.4rem 0 .4rem}\
.sub{color:#555;margin:0 0 1rem}\
nav ol{columns:2;padding-left:1.2rem}\
a{color:#0057a3}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}\
th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid #ccc;vertical-align:top}\
th{background:#f2f2f2}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
td.d{white-space:nowrap}\
.swot{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.6rem;margin:.5rem 0 1rem}\
.swot h3{margin:.2rem 0;font-size:1rem}.swot ul{margin:0;padding-left:1.1rem}\
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.6rem;margin:.5rem 0 1rem}\
dl.figures div{border:1px solid #ccc;border-radius:4px;padding:.45rem .6rem}\
dl.figures dt{font-size:.8rem;color:#555}\
dl.figures dd{margin:0;font-size:1.15rem;font-weight:600}\
figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}\
figure svg{width:100%;height:auto;display:block}\
figcaption{font-size:.85rem;color:#555}\
.tag{display:inline-block;padding:0 .35rem;border-radius:3px;font-size:.8rem;font-weight:600;border:1px solid currentColor}\
.error{color:#b2182b}.warning{color:#8a4b00}.info{color:#555}\
.good{color:#00693e}.bad{color:#b2182b}\
.note{color:#555;font-size:.9rem}\
ul.findings{padding-left:1.1rem}\
ul.findings li{margin:.4rem 0}\
.case{break-inside:avoid;page-break-inside:avoid}\
.case figure{max-width:36rem}\
@media print{\
@page{margin:15mm}\
body{max-width:none;padding:0;font-size:10.5pt}\
nav{display:none}\
h2{break-after:avoid;page-break-after:avoid}\
h3{break-after:avoid;page-break-after:avoid}\
tr{break-inside:avoid;page-break-inside:avoid}\
a{color:inherit;text-decoration:none}\
section.major{break-before:page;page-break-before:always}\
}";

/// A standing in words, with the class that colours it.
fn standing_word(s: Standing) -> (&'static str, &'static str) {
    let class = match s {
        Standing::Achieved | Standing::OnTrack => "good",
        Standing::AtRisk => "warning",
        Standing::OffTrack | Standing::Missed => "bad",
        Standing::NoData | Standing::NotMeasurable => "info",
    };
    (s.label(), class)
}

/// The search's outcome in words, with what it means where the word alone does not say.
fn solve_word(s: SolveStatus) -> String {
    match s {
        SolveStatus::Feasible => format!("{} (not proven optimal)", s.label()),
        SolveStatus::Infeasible => format!("{}: no schedule meets every constraint", s.label()),
        SolveStatus::Optimal | SolveStatus::Unknown => s.label().to_owned(),
    }
}

/// A figure: a chart with a caption.
fn figure(svg: &str, caption: &str) -> String {
    if caption.is_empty() {
        format!("<figure>{svg}</figure>")
    } else {
        format!(
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            esc(caption)
        )
    }
}

/// A key figure for the grid.
fn key(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        esc(label),
        esc(value)
    );
}

/// A table from a header row and body rows of already-escaped cells; a header starting with
/// '#' is numeric (right-aligned), one starting with '~' never wraps (dates); the mark is
/// dropped.
fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let classes: Vec<&str> = head
        .iter()
        .map(|h| {
            if h.starts_with('#') {
                " class=\"n\""
            } else if h.starts_with('~') {
                " class=\"d\""
            } else {
                ""
            }
        })
        .collect();
    let mut out = String::from("<table><thead><tr>");
    for (h, class) in head.iter().zip(&classes) {
        let text = h.trim_start_matches(['#', '~']);
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(text));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = classes.get(i).copied().unwrap_or("");
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// A `YYYY-MM` month in words (`March 2027`), or as given.
fn words_of_month(s: &str) -> String {
    sextant_core::model::Month::parse(s)
        .map_or_else(|| s.to_owned(), sextant_core::calendar::month_words)
}

/// The executive summary as a section: each part a heading and its sentences.
fn executive(out: &mut String, s: &sextant_ops::summary::Summary) {
    let _ = write!(
        out,
        "<section id=\"executive\"><h2>Executive summary</h2><p class=\"sub\">Prepared on {}.</p>",
        esc(&sextant_core::asset::long_date(s.prepared))
    );
    for (heading, lines) in s.sections() {
        let _ = write!(out, "<h3>{}</h3><ul>", esc(heading));
        for l in lines {
            let _ = write!(out, "<li>{}</li>", esc(&l.text));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

impl PlanReport<'_> {
    fn currency(&self) -> &str {
        &self.analysis.organization.currency
    }

    fn money(&self, x: f64) -> String {
        format::money(x, self.currency())
    }

    fn title_of(&self, id: &str) -> String {
        self.analysis
            .initiatives
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| id.to_owned(), |i| i.title.clone())
    }

    /// How a KPI's values are written (the same rule as the pages': [`Measure::of_kpi`]).
    fn kpi_unit(&self, kpi: Option<&str>) -> Measure {
        kpi.map_or_else(
            || Measure::of(Unit::Number),
            |k| Measure::of_kpi(self.plan.doc(), k),
        )
    }

    fn payback(&self, month: Option<u32>) -> String {
        match month {
            None => "not within the horizon".to_owned(),
            Some(m) => format!(
                "{} (month {})",
                sextant_core::calendar::month_words(self.plan.month_at(m as i32)),
                m.saturating_add(1)
            ),
        }
    }

    /// The report as a standalone HTML document.
    pub fn html(&self) -> String {
        let doc = self.plan.doc();
        let org = &doc.organization;
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{}: technology plan</title><style>{CSS}</style></head><body>",
            esc(&org.name)
        );
        let _ = write!(out, "<header><h1>{}: technology plan</h1>", esc(&org.name));
        let mut facts: Vec<String> = Vec::new();
        if let Some(i) = &org.industry {
            facts.push(i.clone());
        }
        if let Some(l) = &org.location {
            facts.push(l.clone());
        }
        if let Some(e) = org.employees {
            facts.push(format!(
                "{e} {}",
                if e == 1 { "employee" } else { "employees" }
            ));
        }
        facts.push(format!(
            "plan from {} for {} months",
            sextant_core::calendar::month_words(org.start),
            org.horizon_months
        ));
        let _ = write!(
            out,
            "<p class=\"sub\">{}</p></header>",
            esc(&facts.join(" · "))
        );
        out.push_str("<nav aria-label=\"Contents\"><ol>");
        if self.summary.is_some() {
            out.push_str("<li><a href=\"#executive\">Executive summary</a></li>");
        }
        out.push_str(
            "<li><a href=\"#summary\">Summary</a></li>\
             <li><a href=\"#goals\">Goals</a></li>\
             <li><a href=\"#roadmap\">Roadmap</a></li>\
             <li><a href=\"#cases\">Business cases</a></li>",
        );
        if !self.what_if.is_empty() {
            out.push_str("<li><a href=\"#what-if\">What if</a></li>");
        }
        out.push_str(
            "<li><a href=\"#systems\">Systems</a></li>\
             <li><a href=\"#risks\">Risks</a></li>\
             <li><a href=\"#findings\">Health check</a></li>\
             </ol></nav>",
        );
        if let Some(s) = self.summary {
            executive(&mut out, s);
        }
        self.summary(&mut out);
        self.goals(&mut out);
        self.roadmap(&mut out);
        self.cases(&mut out);
        self.what_if(&mut out);
        self.systems(&mut out);
        self.risks(&mut out);
        self.findings(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    fn summary(&self, out: &mut String) {
        let doc = self.plan.doc();
        let org = &doc.organization;
        let a = self.analysis;
        let p = &a.portfolio;
        out.push_str("<section id=\"summary\"><h2>Summary</h2>");
        if let Some(v) = &doc.strategy.value_proposition {
            let _ = write!(out, "<p><strong>Value proposition:</strong> {}</p>", esc(v));
        }
        let swot = &doc.swot;
        let quadrants = [
            ("Strengths", &swot.strengths),
            ("Weaknesses", &swot.weaknesses),
            ("Opportunities", &swot.opportunities),
            ("Threats", &swot.threats),
        ];
        if quadrants.iter().any(|(_, items)| !items.is_empty()) {
            out.push_str("<div class=\"swot\">");
            for (name, items) in quadrants {
                let _ = write!(out, "<div><h3>{name}</h3>");
                if items.is_empty() {
                    out.push_str("<p>None recorded.</p>");
                } else {
                    out.push_str("<ul>");
                    for i in items.iter() {
                        let _ = write!(out, "<li>{}</li>", esc(i));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</div>");
            }
            out.push_str("</div>");
        }
        out.push_str("<dl class=\"figures\">");
        key(out, "One-time cost", &self.money(p.one_time_cost));
        key(
            out,
            "Recurring cost a year",
            &self.money(p.recurring_cost_annual),
        );
        key(out, "Benefits a year", &self.money(p.benefit_annual));
        key(
            out,
            "Technology's running cost a year",
            &match p.running_cost_share_of_revenue {
                Some(s) => format!(
                    "{} ({} of sales)",
                    self.money(p.running_cost_annual),
                    format::percent(s, 1)
                ),
                None => self.money(p.running_cost_annual),
            },
        );
        key(
            out,
            "First-year ROI",
            &format::percent_opt(p.first_year_roi, 1),
        );
        key(out, "Net present value", &self.money(p.npv));
        key(out, "IRR (annual)", &format::yearly_return(p.irr_annual));
        key(out, "Payback", &self.payback(p.payback_month));
        key(
            out,
            "Goals enabled by technology",
            &format::percent(a.goals_enabled_share, 1),
        );
        if let Some(r) = self.roadmap {
            key(out, "Roadmap NPV", &self.money(r.npv));
        }
        out.push_str("</dl>");
        let _ = write!(
            out,
            "<p class=\"note\">Money in {}; discount rate {} a year; benefits and costs counted over \
             {} months{}. {} of {} initiatives are in the portfolio.</p>",
            esc(&org.currency),
            format::percent(org.discount_rate, 1),
            a.organization.evaluation_months,
            match org.gross_margin {
                Some(m) => format!(
                    "; revenue counted at a gross margin of {}",
                    format::percent(m, 1)
                ),
                None => String::new(),
            },
            p.included.len(),
            a.initiatives.len()
        );
        if !p.cash_flows.is_empty() {
            let bars = plan_charts::cash_flow_bars(
                "Portfolio: net cash flow by year",
                &p.cash_flows,
                &Measure::money(self.currency()),
            );
            out.push_str(&figure(&bars.svg(), ""));
        }
        out.push_str("</section>");
    }

    fn goals(&self, out: &mut String) {
        let a = self.analysis;
        out.push_str("<section id=\"goals\" class=\"major\"><h2>Goals</h2>");
        if a.goals.is_empty() {
            out.push_str("<p>The plan has no goals.</p></section>");
            return;
        }
        let rows: Vec<Vec<String>> = a
            .goals
            .iter()
            .map(|g| {
                let status = a.goal_status.iter().find(|s| s.goal == g.id);
                let unit = self.kpi_unit(status.and_then(|s| s.kpi.as_deref()));
                let (word, class) = status.map_or(("–", "info"), |s| standing_word(s.status));
                let mut standing = format!("<span class=\"{class}\">{}</span>", esc(word));
                // In plain words, as the pages say it (the status's own explanation names the
                // forecasting model and prints figures raw).
                if let Some(s) = status {
                    let words = sextant_core::kpi::plain_explanation(s, &unit);
                    if !words.is_empty() {
                        let _ =
                            write!(standing, "<br/><span class=\"note\">{}</span>", esc(&words));
                    }
                }
                let covered = if g.covered {
                    esc(&g
                        .covered_by
                        .iter()
                        .map(|id| self.title_of(id))
                        .collect::<Vec<_>>()
                        .join(", "))
                } else {
                    "<span class=\"bad\">not covered</span>".to_owned()
                };
                vec![
                    esc(&g.title),
                    esc(&unit.format_opt(status.and_then(|s| s.baseline))),
                    esc(&unit.format_opt(status.and_then(|s| s.target))),
                    esc(status.and_then(|s| s.due.as_deref()).unwrap_or("–")),
                    esc(&unit.format_opt(status.and_then(|s| s.latest))),
                    standing,
                    covered,
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "Goal",
                "#Baseline",
                "#Target",
                "~Due",
                "#Latest",
                "Standing",
                "Supported by",
            ],
            &rows,
        ));
        let _ = write!(
            out,
            "<p class=\"note\">{} of goals are supported (strength 2 or more) by an initiative in \
             the portfolio or a current system.</p></section>",
            format::percent(a.goals_enabled_share, 1)
        );
    }

    fn roadmap(&self, out: &mut String) {
        out.push_str("<section id=\"roadmap\" class=\"major\"><h2>Roadmap</h2>");
        match self.roadmap {
            Some(r) => {
                let _ = write!(
                    out,
                    "<p>Optimised schedule: {}. {} initiatives scheduled, net present value {}.</p>",
                    esc(&solve_word(r.status)),
                    r.schedule.len(),
                    esc(&self.money(r.npv))
                );
                if !r.infeasible_because.is_empty() {
                    out.push_str(
                        "<p>Relaxing any one of these alone would make a schedule possible:</p><ul>",
                    );
                    for c in &r.infeasible_because {
                        let _ = write!(
                            out,
                            "<li>{} (changed on {})</li>",
                            esc(c.family.plain()),
                            esc(c.family.changed_on())
                        );
                    }
                    out.push_str("</ul>");
                }
                if r.schedule.is_empty() {
                    let g = plan_charts::plan_gantt(self.plan, self.analysis);
                    out.push_str(&figure(&g.svg(), "The plan's own starts."));
                } else {
                    let g = plan_charts::roadmap_gantt(self.plan, r);
                    out.push_str(&figure(
                        &g.svg(),
                        "Each bar runs over the initiative's months of implementation.",
                    ));
                }
                if !r.excluded.is_empty() {
                    out.push_str("<h3>Left out</h3>");
                    let rows: Vec<Vec<String>> = r
                        .excluded
                        .iter()
                        .map(|e| vec![esc(&self.title_of(&e.id)), esc(&e.detail)])
                        .collect();
                    out.push_str(&table(&["Initiative", "Why"], &rows));
                }
                let bars = plan_charts::spend_bars(self.plan, r);
                out.push_str("<h3>Spend against the budget</h3>");
                out.push_str(&figure(&bars.svg(), ""));
                let rows: Vec<Vec<String>> = r
                    .spend_by_period
                    .iter()
                    .map(|p| {
                        let over = p.budget.is_some_and(|b| p.spend > b + 0.005);
                        vec![
                            esc(&p.period),
                            esc(&self.money(p.spend)),
                            esc(&p.budget.map_or_else(|| "–".to_owned(), |b| self.money(b))),
                            if over {
                                "<span class=\"bad\">over budget</span>".to_owned()
                            } else {
                                String::new()
                            },
                        ]
                    })
                    .collect();
                out.push_str(&table(&["Period", "#Spend", "#Budget", ""], &rows));
                if let Some(f) = self.frontier.filter(|f| !f.is_empty()) {
                    let chart = plan_charts::frontier_chart(self.plan, f, None);
                    out.push_str("<h3>Value by budget</h3>");
                    out.push_str(&figure(
                        &chart.svg(),
                        "The best net present value the optimiser finds at each budget level.",
                    ));
                }
            }
            None => {
                out.push_str(
                    "<p>The roadmap was not optimised for this report; the chart shows each \
                     initiative at the plan's own start.</p>",
                );
                let g = plan_charts::plan_gantt(self.plan, self.analysis);
                out.push_str(&figure(&g.svg(), ""));
                let bars = plan_charts::analysis_spend_bars(self.plan, self.analysis);
                out.push_str("<h3>Spend against the budget</h3>");
                out.push_str(&figure(&bars.svg(), ""));
            }
        }
        out.push_str("</section>");
    }

    /// The plan's scenarios: a table of their figures, then each in a sentence.
    fn what_if(&self, out: &mut String) {
        if self.what_if.is_empty() {
            return;
        }
        out.push_str(
            "<section id=\"what-if\"><h2>What if</h2><p class=\"note\">Each of the plan's \
             what-ifs, with the roadmap searched again under it and set beside the plan as it \
             is.</p>",
        );
        let rows: Vec<Vec<String>> = sextant_ops::what_if::cells(self.what_if, self.currency())
            .iter()
            .map(|r| r.iter().map(|c| esc(c)).collect())
            .collect();
        let mut header = sextant_ops::what_if::HEADER.map(String::from);
        for h in &mut header[1..3] {
            h.insert(0, '#');
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&table(&header, &rows));
        out.push_str("<ul>");
        for w in self.what_if {
            let _ = write!(out, "<li>{}</li>", esc(&w.sentence()));
        }
        out.push_str("</ul></section>");
    }

    fn cases(&self, out: &mut String) {
        let a = self.analysis;
        out.push_str("<section id=\"cases\" class=\"major\"><h2>Business cases</h2>");
        if a.initiatives.is_empty() {
            out.push_str("<p>The plan has no initiatives.</p></section>");
            return;
        }
        let rows: Vec<Vec<String>> = a
            .initiatives
            .iter()
            .map(|i| {
                let c = &i.case;
                vec![
                    format!("<a href=\"#case-{}\">{}</a>", esc(&i.id), esc(&i.title)),
                    esc(i.kind.label()),
                    esc(&self.money(c.one_time_cost)),
                    esc(&self.money(c.benefit_annual)),
                    esc(&format::percent_opt(c.first_year_roi, 1)),
                    esc(&self.money(c.npv)),
                    esc(&format::yearly_return(c.irr_annual)),
                    esc(&c.payback_month.map_or_else(
                        || "–".to_owned(),
                        |m| format!("month {}", m.saturating_add(1)),
                    )),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "Initiative",
                "Kind",
                "#One-time cost",
                "#Benefits a year",
                "#First-year ROI",
                "#NPV",
                "#IRR",
                "#Payback",
            ],
            &rows,
        ));
        let unit = Measure::money(self.currency());
        for i in &a.initiatives {
            let c = &i.case;
            let _ = write!(
                out,
                "<div class=\"case\" id=\"case-{}\"><h3>{}</h3><p class=\"note\">{} · {}{}{} · \
                 starts {}</p><dl class=\"figures\">",
                esc(&i.id),
                esc(&i.title),
                esc(i.kind.label()),
                esc(i.status.label()),
                if i.mandatory { " · mandatory" } else { "" },
                if i.in_portfolio {
                    ""
                } else {
                    " · not in the portfolio"
                },
                esc(&words_of_month(&i.start))
            );
            key(out, "One-time cost", &self.money(c.one_time_cost));
            key(
                out,
                "Recurring cost a year",
                &self.money(c.recurring_cost_annual),
            );
            key(out, "Benefits a year", &self.money(c.benefit_annual));
            key(
                out,
                "First-year ROI",
                &format::percent_opt(c.first_year_roi, 1),
            );
            key(out, "Net present value", &self.money(c.npv));
            key(out, "IRR (annual)", &format::yearly_return(c.irr_annual));
            if let Some(note) = format::return_note(c.irr_annual) {
                let _ = write!(
                    out,
                    "<div><dt>About the IRR</dt><dd>{}</dd></div>",
                    esc(note)
                );
            }
            key(out, "Payback", &self.payback(c.payback_month));
            key(out, "Total cost of ownership", &self.money(c.tco));
            key(
                out,
                "Alignment with the goals",
                &format::percent(i.alignment_score, 1),
            );
            out.push_str("</dl>");
            if !c.cash_flows.is_empty() {
                let bars = plan_charts::case_cash_flow_bars(&i.title, c, &unit);
                out.push_str(&figure(&bars.svg(), ""));
            }
            out.push_str("</div>");
        }
        out.push_str("</section>");
    }

    fn systems(&self, out: &mut String) {
        let doc = self.plan.doc();
        let a = self.analysis;
        out.push_str("<section id=\"systems\" class=\"major\"><h2>Systems</h2>");
        if doc.systems.is_empty() {
            out.push_str("<p>The plan lists no current systems.</p></section>");
            return;
        }
        let graph = plan_charts::integration_graph(self.plan, None);
        out.push_str(&figure(
            &graph.svg(),
            "Dashed arrows are data re-keyed by hand: candidates for automation.",
        ));
        let rows: Vec<Vec<String>> = a
            .systems
            .iter()
            .map(|s| {
                vec![
                    esc(&s.name),
                    esc(&self.money(s.annual_cost)),
                    esc(s.class.label()),
                    esc(&s.reason),
                ]
            })
            .collect();
        out.push_str(&table(&["System", "#Annual cost", "TIME", "Why"], &rows));
        if !a.manual_flows.is_empty() {
            out.push_str("<h3>Manual data flows</h3><ul>");
            for f in &a.manual_flows {
                let _ = write!(out, "<li>{} to {}", esc(&f.from), esc(&f.to));
                if let Some(d) = &f.data {
                    let _ = write!(out, ": {}", esc(d));
                }
                if let Some(h) = f.hours_per_month {
                    let _ = write!(out, " ({} hours a month)", esc(&format::number(h)));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        if !doc.radar.is_empty() {
            out.push_str("<h3>Technology watch list</h3>");
            out.push_str(&figure(
                &plan_charts::technology_radar(self.plan).svg(),
                "Where the business stands on each technology it watches: adopt at the centre, hold at the edge.",
            ));
        }
        out.push_str("</section>");
    }

    fn risks(&self, out: &mut String) {
        let doc = self.plan.doc();
        out.push_str("<section id=\"risks\" class=\"major\"><h2>Risks</h2>");
        if doc.risks.is_empty() {
            out.push_str("<p>The plan records no risks.</p></section>");
            return;
        }
        out.push_str(&figure(
            &plan_charts::risk_heat_map(self.plan).svg(),
            "Each risk by its id; score = likelihood x impact.",
        ));
        let rows: Vec<Vec<String>> = self
            .analysis
            .risks
            .iter()
            .map(|r| {
                let risk = doc.risks.iter().find(|x| x.id.as_str() == r.id);
                let li =
                    risk.map_or_else(String::new, |x| format!("{} x {}", x.likelihood, x.impact));
                let residual = match (r.residual_score, r.residual_level) {
                    (Some(s), Some(l)) => format!("{s} ({l})"),
                    (Some(s), None) => s.to_string(),
                    _ => "–".to_owned(),
                };
                vec![
                    esc(&r.id),
                    esc(&r.title),
                    esc(&r
                        .initiative
                        .as_deref()
                        .map_or_else(String::new, |i| self.title_of(i))),
                    esc(&li),
                    format!("{} <span class=\"tag\">{}</span>", r.score, esc(r.level)),
                    esc(&residual),
                    esc(r.mitigation.as_deref().unwrap_or("–")),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "Id",
                "Risk",
                "Initiative",
                "Likelihood x impact",
                "#Score",
                "#After mitigation",
                "Mitigation",
            ],
            &rows,
        ));
        out.push_str("</section>");
    }

    fn findings(&self, out: &mut String) {
        let f = &self.analysis.findings;
        out.push_str("<section id=\"findings\" class=\"major\"><h2>Health check</h2>");
        if f.is_empty() {
            out.push_str("<p>The plan passes every health check.</p></section>");
            return;
        }
        let count = |s: Severity| f.iter().filter(|x| x.severity == s).count();
        let _ = write!(
            out,
            "<p>{} errors, {} warnings, {} notes.</p><ul class=\"findings\">",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
        for x in f {
            let word = x.severity.label();
            let class = word.to_ascii_lowercase();
            // In the owner's words, with what to do and where in Sextant; the file's paths
            // and the checks' codes stay with `sextant analyze`.
            let advice = sextant_ops::advice::advice(self.plan.doc(), x);
            let _ = write!(
                out,
                "<li><span class=\"tag {class}\">{word}</span> {}",
                esc(&advice.message)
            );
            if !advice.todo.is_empty() {
                let _ = write!(out, "<br/><span class=\"note\">{}", esc(advice.todo));
                if let Some((words, _)) = &advice.link {
                    let _ = write!(out, " In Sextant: {}.", esc(words));
                }
                out.push_str("</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></section>");
    }
}
