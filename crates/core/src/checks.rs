//! Plan health checks: the pitfalls that sink small-business technology plans (seed
//! 001_b948efde0322d3bb.txt, "Common Pitfalls to Avoid"), and the gaps of the alignment
//! analysis, each as a [`Finding`] with a stable code, a severity, a message and the path of the
//! plan element it concerns.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::alignment::{GoalCoverage, ManualFlow, Redundancy, Silo, TimeClass, TimeRating};
use crate::case::BusinessCase;
use crate::model::{BenefitKind, InitiativeKind, RiskCategory, Status};
use crate::validate::Plan;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The plan cannot work as written.
    Error,
    /// Likely to hurt the plan.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
            Severity::Info => "Info",
        }
    }
}

/// One thing the analysis noticed.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `goal-not-smart`; scripts may rely on it.
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What was found.
    pub message: String,
    /// The plan element it concerns, e.g. `goals[2]`.
    pub path: String,
    /// What to do about it.
    pub hint: String,
}

/// Every finding code with its meaning, for documentation and `--help`.
pub const CODES: &[(&str, &str)] = &[
    (
        "no-goals",
        "the plan has no goals, so nothing can be aligned",
    ),
    (
        "goal-not-smart",
        "a goal lacks a KPI, baseline, target or due date",
    ),
    (
        "goal-not-covered",
        "no initiative or system supports a goal with strength 2 or more",
    ),
    ("technology-first", "an initiative supports no goal"),
    (
        "unaligned-system-spend",
        "a system costs money but supports no goal",
    ),
    (
        "revenue-without-margin",
        "revenue benefits are counted as profit because no gross margin is set",
    ),
    (
        "no-change-plan",
        "an initiative changes how staff work but has no training or change plan",
    ),
    (
        "no-quick-win",
        "no initiative delivers value within the first three months",
    ),
    (
        "no-exploration",
        "every initiative improves today's business; none explores new business",
    ),
    (
        "vendor-concentration",
        "one vendor carries most of the technology spend",
    ),
    (
        "customer-data-without-security-risk",
        "an initiative handles customer data but no security risk is recorded for it",
    ),
    (
        "security-risk-without-mitigation",
        "a security risk has no mitigation",
    ),
    (
        "risk-unmitigated",
        "a high or critical risk has no mitigation",
    ),
    (
        "mandatory-over-budget",
        "mandatory implementation spend exceeds the budget",
    ),
    (
        "negative-npv",
        "an initiative costs more than it returns over the evaluation horizon",
    ),
    (
        "redundant-systems",
        "two or more systems serve the same category",
    ),
    (
        "data-silo",
        "data is held where no automated flow connects it",
    ),
    (
        "manual-data-flow",
        "data is re-keyed by hand between systems: an automation candidate",
    ),
    (
        "end-of-life",
        "a system reaches end of life within the horizon and nothing replaces it",
    ),
    (
        "system-eliminate",
        "a system has low business value and poor technical health",
    ),
    ("no-budget", "the plan sets no budget"),
    (
        "budget-period-missing",
        "a budget is set, but some months of the horizon fall in no budgeted period, so spend there is unlimited",
    ),
];

struct Out(Vec<Finding>);

impl Out {
    fn add(
        &mut self,
        code: &'static str,
        severity: Severity,
        path: impl Into<String>,
        message: String,
        hint: impl Into<String>,
    ) {
        debug_assert!(
            CODES.iter().any(|(c, _)| *c == code),
            "undocumented code {code}"
        );
        self.0.push(Finding {
            code,
            severity,
            message,
            path: path.into(),
            hint: hint.into(),
        });
    }
}

/// What the checks look at, computed once by the analysis.
pub struct Inputs<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Business case of every initiative, in plan order.
    pub cases: &'a [BusinessCase],
    /// Indices of the initiatives the portfolio counts.
    pub members: &'a [usize],
    /// Goal coverage.
    pub coverage: &'a [GoalCoverage],
    /// Redundant systems.
    pub redundant: &'a [Redundancy],
    /// Data silos.
    pub silos: &'a [Silo],
    /// Manual data flows.
    pub manual: &'a [ManualFlow],
    /// TIME classification.
    pub time: &'a [TimeRating],
}

/// Runs every check; findings are ordered by severity, then as found.
pub fn run(x: &Inputs<'_>) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    goals(x, &mut out);
    initiatives(x, &mut out);
    money(x, &mut out);
    risks(x, &mut out);
    systems(x, &mut out);
    out.0.sort_by_key(|f| f.severity);
    out.0
}

fn goals(x: &Inputs<'_>, out: &mut Out) {
    let doc = x.plan.doc();
    if doc.goals.is_empty() {
        out.add(
            "no-goals",
            Severity::Warning,
            "goals",
            "The plan has no goals, so no technology can be aligned with the business.".into(),
            "add the business's SMART goals under `goals:` first; technology follows from them",
        );
    }
    for (g, goal) in doc.goals.iter().enumerate() {
        let mut missing = Vec::new();
        if goal.kpi.is_none() {
            missing.push("a KPI (measurable)");
        }
        if goal.baseline.is_none() {
            missing.push("a baseline");
        }
        if goal.target.is_none() {
            missing.push("a target (specific)");
        }
        if goal.due.is_none() {
            missing.push("a due date (time-bound)");
        }
        if !missing.is_empty() {
            out.add("goal-not-smart", Severity::Warning, format!("goals[{g}]"), format!("Goal `{}` is not SMART: it lacks {}.", goal.id, and_list(&missing)), "a goal is measurable and time-bound when it names a KPI, its baseline, a target and a due date");
        }
    }
    for (g, c) in x.coverage.iter().enumerate() {
        if !c.covered {
            let detail = if c.supported_by.is_empty() {
                "nothing supports it".to_string()
            } else {
                format!("only weak support from {}", c.supported_by.join(", "))
            };
            out.add(
                "goal-not-covered",
                Severity::Warning,
                format!("goals[{g}]"),
                format!(
                    "No technology supports goal `{}` ({}) with strength 2 or more: {detail}.",
                    c.id, c.title
                ),
                "add or strengthen an initiative that serves this goal, or reconsider the goal",
            );
        }
    }
}

fn initiatives(x: &Inputs<'_>, out: &mut Out) {
    let doc = x.plan.doc();
    let active: Vec<usize> = (0..doc.initiatives.len())
        .filter(|&i| doc.initiatives[i].status != Status::Cancelled)
        .collect();
    for &i in &active {
        let init = &doc.initiatives[i];
        if !doc.goals.is_empty() && !init.contributes.values().any(|&s| s >= 1) {
            out.add(
                "technology-first",
                Severity::Warning,
                format!("initiatives[{i}]"),
                format!(
                    "Initiative `{}` supports no goal: technology chosen before the business need.",
                    init.id
                ),
                "name the goals it serves under `contributes:` (strength 1-3), or drop it",
            );
        }
        if init.affects_staff()
            && init.training.is_none()
            && init.change_plan.is_none()
            && init.status != Status::Done
        {
            out.add("no-change-plan", Severity::Warning, format!("initiatives[{i}]"), format!("Initiative `{}` changes how staff work but has no training or change plan.", init.id), "add `training:` or `change_plan:`; involving staff early is what makes adoption stick");
        }
        if x.cases[i].npv < 0.0 {
            out.add("negative-npv", Severity::Info, format!("initiatives[{i}]"), format!("Initiative `{}` has a negative NPV ({:.0}) over the evaluation horizon.", init.id, x.cases[i].npv), "check its benefits, or keep it only if it is needed for other reasons (compliance, security, a dependency)");
        }
    }
    if !active.is_empty() {
        let quick = active.iter().any(|&i| {
            let c = &x.cases[i];
            c.end_month < 3 && c.npv > 0.0
        });
        if !quick {
            out.add("no-quick-win", Severity::Warning, "initiatives", "No initiative finishes within the first three months with a positive NPV.".into(), "start with a small, cheap change that shows results quickly; it builds confidence for the rest");
        }
        if !active
            .iter()
            .any(|&i| doc.initiatives[i].kind == InitiativeKind::Explore)
        {
            out.add("no-exploration", Severity::Info, "initiatives", "Every initiative improves today's business; none explores new business.".into(), "consider a small `kind: explore` initiative: a pilot of a new channel, product or market");
        }
    }
    for (i, init) in doc.initiatives.iter().enumerate() {
        if !init.handles_customer_data || init.status == Status::Cancelled {
            continue;
        }
        let security: Vec<_> = doc
            .risks
            .iter()
            .filter(|r| {
                r.category == RiskCategory::Security && r.initiative.as_ref() == Some(&init.id)
            })
            .collect();
        if security.is_empty() {
            out.add("customer-data-without-security-risk", Severity::Warning, format!("initiatives[{i}]"), format!("Initiative `{}` handles customer data but no security risk is recorded for it.", init.id), "add a risk with `category: security`, `initiative: <id>` and its mitigation (reputable platform, TLS, updates, privacy compliance)");
        }
    }
}

fn money(x: &Inputs<'_>, out: &mut Out) {
    let doc = x.plan.doc();
    let org = &doc.organization;
    let revenue_counted = x
        .members
        .iter()
        .filter(|&&i| {
            doc.initiatives[i]
                .benefits
                .iter()
                .any(|b| b.kind == BenefitKind::Revenue)
        })
        .count();
    if org.gross_margin.is_none() && revenue_counted > 0 {
        out.add("revenue-without-margin", Severity::Warning, "organization.gross_margin", format!("Revenue benefits of {revenue_counted} initiative(s) are counted in full as profit because no gross margin is set."), "set `organization.gross_margin` (e.g. 0.4) so that extra sales count as the profit they bring");
    }
    if doc.constraints.budget.is_empty() {
        out.add("no-budget", Severity::Info, "constraints.budget", "The plan sets no budget.".into(), "add `constraints.budget` per fiscal year so the plan can be checked against what the business can spend");
    } else {
        let total_budget: f64 = doc
            .constraints
            .budget
            .iter()
            .map(|b| b.amount.to_f64())
            .sum();
        let mandatory: f64 = doc
            .initiatives
            .iter()
            .filter(|i| i.mandatory)
            .map(|i| i.one_time_cost.likely())
            .sum();
        if mandatory > total_budget + 1e-6 {
            out.add("mandatory-over-budget", Severity::Error, "constraints.budget", format!("Mandatory initiatives need {mandatory:.2} of implementation spend but the whole budget is {total_budget:.2}."), "raise the budget, or make some initiatives optional");
        }
        let fys = org.fiscal_year_start;
        // Months of the horizon no budget covers, by fiscal year: spend there is unlimited.
        let mut uncovered: BTreeMap<i32, Vec<crate::model::Month>> = BTreeMap::new();
        for t in 0..org.horizon_months as i32 {
            let m = x.plan.month_at(t);
            if !doc
                .constraints
                .budget
                .iter()
                .any(|b| b.period.contains(m, fys))
            {
                let crate::model::BudgetPeriod::Year(fy) =
                    crate::model::BudgetPeriod::year_of(m, fys)
                else {
                    continue;
                };
                uncovered.entry(fy).or_default().push(m);
            }
        }
        for (fy, months) in &uncovered {
            let (first, last) = (months[0], months[months.len() - 1]);
            let span = if first == last {
                first.to_string()
            } else {
                format!("{first} to {last}")
            };
            out.add("budget-period-missing", Severity::Warning, "constraints.budget", format!("No budget covers {span} (fiscal year {fy}): implementation spend there is not limited."), format!("add `{{period: {fy}, amount: ...}}` to `constraints.budget`, or a budget per quarter of {fy}"));
        }
        for (b, budget) in doc.constraints.budget.iter().enumerate() {
            let mut pinned = 0.0;
            for init in doc
                .initiatives
                .iter()
                .filter(|i| i.mandatory && i.start.is_some())
            {
                let start = crate::case::start_of(x.plan, init) as i32;
                let d = init.duration_months.months() as i32;
                let monthly = init.one_time_cost.likely() / f64::from(d);
                pinned += (start..start + d)
                    .filter(|&t| budget.period.contains(x.plan.month_at(t), fys))
                    .count() as f64
                    * monthly;
            }
            if pinned > budget.amount.to_f64() + 1e-6 {
                let period = budget.period;
                out.add("mandatory-over-budget", Severity::Error, format!("constraints.budget[{b}]"), format!("Mandatory initiatives pinned to fiscal period {period} need {} there, above its budget of {}.", crate::unit::money(pinned, &doc.organization.currency), crate::unit::money(budget.amount.to_f64(), &doc.organization.currency)), "raise this period's budget or move a pinned mandatory initiative");
            }
        }
    }
    // Vendor concentration over current systems' annual cost and counted initiatives' first-year cost.
    let mut by_vendor: BTreeMap<String, f64> = BTreeMap::new();
    let mut total = 0.0;
    for s in &doc.systems {
        let c = s.annual_cost.to_f64();
        total += c;
        if let Some(v) = &s.vendor {
            *by_vendor.entry(v.trim().to_lowercase()).or_default() += c;
        }
    }
    for &i in x.members {
        let c = x.cases[i].first_year_cost;
        total += c;
        if let Some(v) = &doc.initiatives[i].vendor {
            *by_vendor.entry(v.trim().to_lowercase()).or_default() += c;
        }
    }
    let items = doc.systems.len() + x.members.len();
    if let Some((vendor, amount)) = by_vendor.iter().max_by(|a, b| a.1.total_cmp(b.1))
        && total > 0.0
        && items >= 2
        && amount / total > 0.5
    {
        out.add("vendor-concentration", Severity::Warning, "systems", format!("Vendor `{vendor}` carries {:.0}% of technology spend.", 100.0 * amount / total), "a dependence this large is a risk: check exit terms and data export, and keep an alternative in view");
    }
}

fn risks(x: &Inputs<'_>, out: &mut Out) {
    for (r, risk) in x.plan.doc().risks.iter().enumerate() {
        let score = u32::from(risk.likelihood) * u32::from(risk.impact);
        if risk.mitigation.is_some() {
            continue;
        }
        if risk.category == RiskCategory::Security {
            out.add(
                "security-risk-without-mitigation",
                Severity::Warning,
                format!("risks[{r}]"),
                format!("Security risk `{}` has no mitigation.", risk.id),
                "record how it is reduced: `mitigation:`",
            );
        } else if score >= 10 {
            out.add(
                "risk-unmitigated",
                Severity::Warning,
                format!("risks[{r}]"),
                format!(
                    "Risk `{}` is {} (score {score}) and has no mitigation.",
                    risk.id,
                    risk_level(score)
                ),
                "record how it is reduced: `mitigation:` and an `owner:`",
            );
        }
    }
}

fn systems(x: &Inputs<'_>, out: &mut Out) {
    let doc = x.plan.doc();
    for (s, sys) in doc.systems.iter().enumerate() {
        if sys.annual_cost.to_f64() > 0.0
            && !doc.goals.is_empty()
            && !sys.supports.values().any(|&v| v >= 1)
        {
            out.add(
                "unaligned-system-spend",
                Severity::Info,
                format!("systems[{s}]"),
                format!(
                    "System `{}` costs {} a year but supports no goal.",
                    sys.id,
                    crate::unit::money(sys.annual_cost.to_f64(), &doc.organization.currency)
                ),
                "record which goals it supports under `supports:`, or consider retiring it",
            );
        }
    }
    for r in x.redundant {
        let first = doc
            .systems
            .iter()
            .position(|s| s.id.as_str() == r.systems[0])
            .unwrap_or(0);
        out.add(
            "redundant-systems",
            Severity::Info,
            format!("systems[{first}]"),
            format!(
                "Systems {} all serve category `{}` ({:.2} a year together).",
                r.systems.join(", "),
                r.category,
                r.annual_cost
            ),
            "check whether one of them could go",
        );
    }
    for silo in x.silos {
        let first = doc
            .systems
            .iter()
            .position(|s| s.id.as_str() == silo.systems[0])
            .unwrap_or(0);
        out.add(
            "data-silo",
            Severity::Warning,
            format!("systems[{first}]"),
            format!("Data silo: {}.", silo.reason),
            "connect the systems with an automated integration, or plan an initiative that does",
        );
    }
    for (n, flow) in x.manual.iter().enumerate() {
        let path = doc
            .integrations
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == crate::model::IntegrationKind::Manual)
            .nth(n)
            .map_or("integrations".to_string(), |(k, _)| {
                format!("integrations[{k}]")
            });
        let hours = flow
            .hours_per_month
            .map_or(String::new(), |h| format!(" ({h} hours a month)"));
        let what = flow
            .data
            .as_deref()
            .map_or(String::new(), |d| format!(": {d}"));
        out.add(
            "manual-data-flow",
            Severity::Info,
            path,
            format!(
                "Data moves by hand from `{}` to `{}`{what}{hours}.",
                flow.from, flow.to
            ),
            "an automation candidate: integrate the two systems",
        );
    }
    let org = &doc.organization;
    let end = org.start.plus(org.horizon_months as i32);
    for (s, sys) in doc.systems.iter().enumerate() {
        if let Some(eol) = sys.end_of_life
            && eol < end
            && !doc
                .initiatives
                .iter()
                .any(|i| i.status != Status::Cancelled && i.replaces.contains(&sys.id))
        {
            out.add(
                "end-of-life",
                Severity::Warning,
                format!("systems[{s}]"),
                format!(
                    "System `{}` reaches end of life in {eol} and no initiative replaces it.",
                    sys.id
                ),
                "plan its replacement (an initiative with `replaces: [<id>]`) before support ends",
            );
        }
    }
    let replaced = |id: &str| {
        doc.initiatives
            .iter()
            .any(|i| i.status != Status::Cancelled && i.replaces.iter().any(|r| r.as_str() == id))
    };
    for (s, t) in x.time.iter().enumerate() {
        if t.class == TimeClass::Eliminate && !replaced(&t.id) {
            out.add(
                "system-eliminate",
                Severity::Info,
                format!("systems[{s}]"),
                format!(
                    "System `{}` is a candidate to eliminate: {}.",
                    t.id, t.reason
                ),
                "retire it or replace it with something that serves a goal",
            );
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The level of a risk score (likelihood x impact): low 1-4, medium 5-9, high 10-16,
/// critical 20-25.
pub fn risk_level(score: u32) -> &'static str {
    match score {
        0..=4 => "low",
        5..=9 => "medium",
        10..=16 => "high",
        _ => "critical",
    }
}
