//! The analysis as a readable report: aligned text for the terminal (coloured when it is one)
//! and Markdown. Both are drawn from one list of sections, so they always say the same thing.

use anstyle::{AnsiColor, Style};
use sextant_core::Analysis;
use sextant_core::checks::Severity;
use sextant_core::unit;

use crate::table::Table;

enum Block {
    Line(String),
    Table(Table),
    Bullets(Vec<String>),
    Findings,
}

struct Section {
    title: String,
    blocks: Vec<Block>,
}

/// Whole currency units with thousands separators, for tables that name the currency once:
/// `-12,345` ([`unit::whole`]).
pub fn money(x: f64) -> String {
    unit::whole(x)
}

/// A fraction as a whole percentage: `2.3333` -> `233%` ([`unit::percent`]).
pub fn pct(x: f64) -> String {
    unit::percent(x, 0)
}

/// A fraction as a percentage to at most `dp` decimals, or `-`.
fn pct_opt(x: Option<f64>, dp: usize) -> String {
    x.map_or_else(|| "-".to_string(), |v| unit::percent(v, dp))
}

fn month_label(a: &Analysis, index: Option<u32>) -> String {
    let Some(i) = index else {
        return "never".to_string();
    };
    let start = sextant_core::model::Month::parse(&a.organization.start);
    start.map_or_else(|| format!("m{i}"), |m| m.plus(i as i32).to_string())
}

fn sections(a: &Analysis) -> Vec<Section> {
    let o = &a.organization;
    let mut out = Vec::new();

    let mut t = Table::new(&[
        "initiative",
        "start",
        ">one-time",
        ">recurring/yr",
        ">benefit/yr",
        ">ROI yr 1",
        ">NPV",
        ">IRR/yr",
        "payback",
        ">align",
    ]);
    for i in &a.initiatives {
        let mut id = i.id.clone();
        if !i.in_portfolio {
            id.push_str(" (not counted)");
        }
        t.row(vec![
            id,
            i.start.clone(),
            money(i.case.one_time_cost),
            money(i.case.recurring_cost_annual),
            money(i.case.benefit_annual),
            i.case.first_year_roi.map_or("-".into(), pct),
            money(i.case.npv),
            pct_opt(i.case.irr_annual, 1),
            month_label(a, i.case.payback_month),
            format!("{:.0}", i.alignment_score * 100.0),
        ]);
    }
    let p = &a.portfolio;
    let mut blocks = vec![Block::Table(t)];
    blocks.push(Block::Line(format!(
        "Portfolio of {} initiative(s): one-time {}, recurring {}/yr, benefits {}/yr, first-year ROI {}, NPV {}, IRR {}/yr, payback {} (discounted {}), TCO {} over {} months.",
        p.included.len(),
        money(p.one_time_cost),
        money(p.recurring_cost_annual),
        money(p.benefit_annual),
        p.first_year_roi.map_or("-".into(), pct),
        money(p.npv),
        pct_opt(p.irr_annual, 1),
        month_label(a, p.payback_month),
        month_label(a, p.discounted_payback_month),
        money(p.tco),
        o.evaluation_months,
    )));
    blocks.push(Block::Line(format!(
        "Technology costs {}/yr to run once these are in place (the systems kept and the recurring costs){}.",
        money(p.running_cost_annual),
        p.running_cost_share_of_revenue
            .map_or(String::new(), |s| format!(", {} of sales a year", pct_opt(Some(s), 1))),
    )));
    out.push(Section {
        title: "Business cases".into(),
        blocks,
    });

    let mut t = Table::new(&[
        "fiscal period",
        ">implementation",
        ">recurring",
        ">benefits",
        ">budget",
        "status",
    ]);
    for s in &a.spend_by_period {
        t.row(vec![
            s.period.clone(),
            money(s.implementation),
            money(s.recurring),
            money(s.benefits),
            s.budget.map_or("-".into(), money),
            if s.over_budget {
                "OVER BUDGET".into()
            } else {
                String::new()
            },
        ]);
    }
    let mut blocks = vec![Block::Table(t)];
    if a.initiatives.iter().any(|i| !i.pinned) {
        blocks.push(Block::Line(
            "Initiatives without a pinned `start` are counted from the plan's first month.".into(),
        ));
    }
    out.push(Section {
        title: "Spend by fiscal period".into(),
        blocks,
    });

    let covered = a.goals.iter().filter(|g| g.covered).count();
    let mut t = Table::new(&["goal", ">weight", "covered", "covered by (strength >= 2)"]);
    for g in &a.goals {
        t.row(vec![
            g.id.clone(),
            format!("{}", g.weight),
            if g.covered { "yes".into() } else { "NO".into() },
            g.covered_by.join(", "),
        ]);
    }
    out.push(Section {
        title: "Goals".into(),
        blocks: vec![
            Block::Line(format!(
                "{covered} of {} goals covered: {} of strategic goals enabled by technology. Portfolio alignment {:.0}/100.",
                a.goals.len(),
                pct(a.goals_enabled_share),
                a.portfolio_alignment * 100.0
            )),
            Block::Table(t),
        ],
    });

    if a.goal_status.iter().any(|g| g.measurements > 0) {
        let mut t = Table::new(&[
            "goal",
            "kpi",
            ">baseline",
            ">latest",
            ">target",
            "due",
            "status",
            "how",
        ]);
        let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v}"));
        for g in &a.goal_status {
            t.row(vec![
                g.goal.clone(),
                g.kpi.clone().unwrap_or_else(|| "-".into()),
                num(g.baseline),
                match (&g.latest, &g.latest_month) {
                    (Some(v), Some(m)) => format!("{v} ({m})"),
                    _ => "-".into(),
                },
                num(g.target),
                g.due.clone().unwrap_or_else(|| "-".into()),
                format!("{:?}", g.status)
                    .chars()
                    .flat_map(|c| {
                        if c.is_uppercase() {
                            vec![' ', c.to_ascii_lowercase()]
                        } else {
                            vec![c]
                        }
                    })
                    .collect::<String>()
                    .trim()
                    .to_string(),
                match g.probability {
                    Some(p) => format!("forecast: {} chance", pct(p)),
                    None => match g.method {
                        sextant_core::kpi::Method::LinearPace => "linear pace".into(),
                        _ => String::new(),
                    },
                },
            ]);
        }
        out.push(Section {
            title: "Goal tracking".into(),
            blocks: vec![
                Block::Table(t),
                Block::Bullets(
                    a.goal_status
                        .iter()
                        .filter(|g| !g.explanation.is_empty())
                        .map(|g| format!("{}: {}", g.goal, g.explanation))
                        .collect(),
                ),
            ],
        });
    }

    if !a.realised.is_empty() {
        let mut t = Table::new(&[
            "initiative",
            ">projected ROI",
            ">realised ROI",
            ">projected benefit/yr",
            ">realised benefit/yr",
            "KPI change since baseline",
        ]);
        for r in &a.realised {
            t.row(vec![
                r.id.clone(),
                r.projected_roi.map_or("-".into(), pct),
                r.realised_roi.map_or("-".into(), pct),
                money(r.projected_benefit_annual),
                r.realised_benefit_annual
                    .map_or("not measured".into(), money),
                r.kpi_changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {}{}",
                            c.kpi,
                            if c.change >= 0.0 { "+" } else { "" },
                            c.change_share
                                .map_or_else(|| money(c.change), |x| unit::percent(x, 1))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
        if let Some(total) = a.realised_total.as_ref().filter(|_| a.realised.len() > 1) {
            t.row(vec![
                "all completed".into(),
                total.projected_roi.map_or("-".into(), pct),
                total.realised_roi.map_or("-".into(), pct),
                money(total.projected_benefit_annual),
                total
                    .realised_benefit_annual
                    .map_or("not measured".into(), money),
                format!("{} of {} measured", total.measured, total.initiatives),
            ]);
        }
        out.push(Section {
            title: "Realised against projected (completed initiatives)".into(),
            blocks: vec![Block::Table(t)],
        });
    }

    if a.innovation_pipeline.values().any(|&n| n > 0) {
        out.push(Section {
            title: "Innovation pipeline (explore initiatives by status)".into(),
            blocks: vec![Block::Line(
                ["candidate", "planned", "in_progress", "done", "cancelled"]
                    .iter()
                    .map(|st| {
                        let n = a.innovation_pipeline.get(st).copied().unwrap_or(0);
                        format!("{}: {n}", st.replace('_', " "))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        });
    }

    if !a.time_to_market.is_empty() {
        let mut t = Table::new(&["initiative", "started", "launched", ">days"]);
        for r in &a.time_to_market {
            t.row(vec![
                r.initiative.to_string(),
                r.started.to_string(),
                r.launched.to_string(),
                r.days.to_string(),
            ]);
        }
        out.push(Section {
            title: "Time to market".into(),
            blocks: vec![Block::Table(t)],
        });
    }

    if !a.matrix.goals.is_empty() {
        let mut headers: Vec<String> = vec!["initiative / system".into()];
        headers.extend(a.matrix.goals.iter().map(|g| format!(">{g}")));
        headers.push(">align".into());
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut t = Table::new(&refs);
        for r in &a.matrix.rows {
            let mut row = vec![format!(
                "{}{}",
                r.id,
                if r.kind == "system" { " (system)" } else { "" }
            )];
            row.extend(
                r.strengths
                    .iter()
                    .map(|&s| if s == 0 { "·".into() } else { s.to_string() }),
            );
            row.push(format!("{:.0}", r.alignment_score * 100.0));
            t.row(row);
        }
        out.push(Section {
            title: "Contribution matrix (0-3)".into(),
            blocks: vec![Block::Table(t)],
        });
    }

    let mut gaps = Vec::new();
    for u in &a.unaligned_spend.items {
        gaps.push(format!(
            "{} `{}` supports no goal: {} a year",
            u.kind,
            u.id,
            money(u.amount)
        ));
    }
    for r in &a.redundant_systems {
        gaps.push(format!(
            "redundant: {} share category `{}` ({} a year)",
            r.systems.join(", "),
            r.category,
            money(r.annual_cost)
        ));
    }
    for s in &a.silos {
        gaps.push(format!("silo: {}", s.reason));
    }
    for m in &a.manual_flows {
        let hours = m
            .hours_per_month
            .map_or(String::new(), |h| format!(" ({h} hours a month)"));
        gaps.push(format!(
            "manual re-keying from `{}` to `{}`{hours}: automation candidate",
            m.from, m.to
        ));
    }
    if !gaps.is_empty() {
        out.push(Section {
            title: "Gaps".into(),
            blocks: vec![
                Block::Line(format!(
                    "Spend supporting no goal: {} a year.",
                    money(a.unaligned_spend.total)
                )),
                Block::Bullets(gaps),
            ],
        });
    }

    if !a.systems.is_empty() {
        let mut t = Table::new(&["system", ">cost/yr", "TIME", "why"]);
        for s in &a.systems {
            t.row(vec![
                s.id.clone(),
                money(s.annual_cost),
                format!("{:?}", s.class).to_lowercase(),
                s.reason.clone(),
            ]);
        }
        out.push(Section {
            title: "Current systems (TIME: tolerate, invest, migrate, eliminate)".into(),
            blocks: vec![Block::Table(t)],
        });
    }

    if !a.risks.is_empty() {
        let mut t = Table::new(&["risk", "initiative", ">score", "level", "residual"]);
        for r in &a.risks {
            t.row(vec![
                r.id.clone(),
                r.initiative.clone().unwrap_or_default(),
                r.score.to_string(),
                r.level.to_string(),
                r.residual_score.map_or("-".into(), |s| {
                    format!("{s} {}", r.residual_level.unwrap_or(""))
                }),
            ]);
        }
        out.push(Section {
            title: "Risks".into(),
            blocks: vec![Block::Table(t)],
        });
    }

    out.push(Section {
        title: "Health checks".into(),
        blocks: vec![Block::Findings],
    });
    out
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default(),
        Severity::Info => AnsiColor::Cyan.on_default(),
    }
}

fn styled(text: &str, style: Style, colour: bool) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// The report for a terminal; `colour` adds ANSI styles.
pub fn text(a: &Analysis, colour: bool) -> String {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let o = &a.organization;
    let mut out = format!(
        "{}\nPlan from {} for {} months; benefits counted for {} months; discount rate {}; amounts in {}.\n",
        styled(
            &format!("{}: technology plan analysis", o.name),
            bold,
            colour
        ),
        o.start,
        o.horizon_months,
        o.evaluation_months,
        pct_opt(Some(o.discount_rate), 1),
        o.currency,
    );
    for s in sections(a) {
        out.push_str(&format!(
            "\n{}\n",
            styled(&s.title, bold.underline(), colour)
        ));
        for b in s.blocks {
            match b {
                Block::Line(l) => out.push_str(&format!("{l}\n")),
                Block::Table(t) => {
                    let (h, rows) = t.text();
                    out.push_str(&format!("{}\n", styled(&h, dim, colour)));
                    for r in rows {
                        out.push_str(&format!("{r}\n"));
                    }
                }
                Block::Bullets(items) => {
                    for i in items {
                        out.push_str(&format!("  - {i}\n"));
                    }
                }
                Block::Findings => {
                    if a.findings.is_empty() {
                        out.push_str("No findings.\n");
                    }
                    for f in &a.findings {
                        let sev = format!("{:<7}", f.severity.label().to_ascii_lowercase());
                        out.push_str(&format!(
                            "{} {} {}\n        {} {}\n",
                            styled(&sev, severity_style(f.severity), colour),
                            styled(&format!("[{}]", f.code), dim, colour),
                            f.message,
                            styled("->", dim, colour),
                            f.hint,
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The report as Markdown.
pub fn markdown(a: &Analysis) -> String {
    let o = &a.organization;
    let mut parts = vec![
        format!("# {}: technology plan analysis\n", o.name),
        format!(
            "Plan from {} for {} months; benefits counted for {} months; discount rate {}; amounts in {}.\n",
            o.start,
            o.horizon_months,
            o.evaluation_months,
            pct_opt(Some(o.discount_rate), 1),
            o.currency
        ),
    ];
    for s in sections(a) {
        parts.push(format!("## {}\n", s.title));
        for b in s.blocks {
            parts.push(match b {
                Block::Line(l) => format!("{l}\n"),
                Block::Table(t) => t.markdown(),
                Block::Bullets(items) => items.iter().map(|i| format!("- {i}\n")).collect(),
                Block::Findings if a.findings.is_empty() => "No findings.\n".to_string(),
                Block::Findings => a
                    .findings
                    .iter()
                    .map(|f| {
                        format!(
                            "- **{}** `{}` ({}): {} *{}*\n",
                            f.severity.label().to_ascii_lowercase(),
                            f.code,
                            f.path,
                            f.message,
                            f.hint
                        )
                    })
                    .collect(),
            });
        }
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(0.0), "0");
        assert_eq!(money(999.4), "999");
        assert_eq!(money(1500.0), "1,500");
        assert_eq!(money(-1234567.6), "-1,234,568");
    }

    #[test]
    fn percentages_are_whole() {
        assert_eq!(pct(2.333333), "233%");
        assert_eq!(pct(6.5), "650%");
        assert_eq!(pct(12.5), "1,250%");
        assert_eq!(pct_opt(Some(0.08), 1), "8%");
        assert_eq!(pct_opt(Some(0.085), 1), "8.5%");
    }
}
