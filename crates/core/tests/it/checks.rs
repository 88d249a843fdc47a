//! Each health check, triggered by the smallest plan that shows it, and quiet on a sound plan.

use sextant_core::checks::{CODES, Finding, Severity};

/// A sound plan: SMART goal, aligned quick win with training, exploration, margin, budget,
/// a security risk for the customer-data initiative, systems that support goals.
const SOUND: &str = "\
version: 1
organization: {name: S, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08, gross_margin: 0.5}
goals:
  - {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2027-12}
systems:
  - {id: till, name: Till, category: pos, vendor: A, annual_cost: 100, supports: {sales: 2}, data: [sales]}
  - {id: books, name: Books, category: accounting, vendor: B, annual_cost: 100, supports: {sales: 1}, data: [invoices]}
integrations:
  - {from: till, to: books, kind: automated}
initiatives:
  - id: quick
    title: Quick win
    vendor: C
    duration_months: 2
    one_time_cost: 100
    effort_hours_per_month: 5
    training: A short course.
    benefits: [{kind: revenue, annual: 1000}]
    contributes: {sales: 2}
    handles_customer_data: true
  - id: new
    title: New channel
    vendor: D
    kind: explore
    duration_months: 3
    one_time_cost: 200
    benefits: [{kind: saving, annual: 500}]
    contributes: {sales: 3}
risks:
  - {id: leak, title: Leak, initiative: quick, category: security, likelihood: 2, impact: 4, mitigation: TLS}
constraints:
  budget: [{period: 2027, amount: 1000}]
";

fn findings(text: &str) -> Vec<Finding> {
    match sextant_core::load_plan("p.yaml", text) {
        Ok(plan) => sextant_core::analyze(&plan).findings,
        Err(p) => panic!("{}", p.render(Some(text))),
    }
}

/// Asserts the plan raises `code` (with this severity, path and message) and the sound plan
/// does not.
fn check(text: &str, code: &str, severity: Severity, path: &str, message: &str) {
    assert!(
        CODES.iter().any(|(c, _)| *c == code),
        "{code} is not documented in CODES"
    );
    let all = findings(text);
    let found: Vec<&Finding> = all.iter().filter(|f| f.code == code).collect();
    assert!(!found.is_empty(), "{code} not raised; got {:#?}", all);
    let f = found[0];
    assert_eq!(
        (f.severity, f.path.as_str(), f.message.as_str()),
        (severity, path, message)
    );
    assert!(!f.hint.is_empty());
}

#[test]
fn the_sound_plan_raises_nothing() {
    let all = findings(SOUND);
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn goal_not_smart() {
    check(
        &SOUND.replace(
            "kpi: revenue, baseline: 100, target: 120, due: 2027-12",
            "kpi: revenue",
        ),
        "goal-not-smart",
        Severity::Warning,
        "goals[0]",
        "Goal `sales` is not SMART: it lacks a baseline, a target (specific) and a due date (time-bound).",
    );
}

#[test]
fn no_goals() {
    let text = SOUND
        .replace("goals:\n  - {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2027-12}\n", "")
        .replace(", supports: {sales: 2}", "")
        .replace(", supports: {sales: 1}", "")
        .replace("contributes: {sales: 2}", "")
        .replace("contributes: {sales: 3}", "");
    check(
        &text,
        "no-goals",
        Severity::Warning,
        "goals",
        "The plan has no goals, so no technology can be aligned with the business.",
    );
}

#[test]
fn goal_not_covered() {
    let text = SOUND
        .replace("supports: {sales: 2}", "supports: {sales: 1}")
        .replace("contributes: {sales: 2}", "contributes: {sales: 1}")
        .replace("contributes: {sales: 3}", "contributes: {sales: 1}");
    check(
        &text,
        "goal-not-covered",
        Severity::Warning,
        "goals[0]",
        "No technology supports goal `sales` (More sales) with strength 2 or more: only weak support from quick, new, till, books.",
    );
}

#[test]
fn technology_first() {
    check(
        &SOUND.replace("contributes: {sales: 3}", "contributes: {sales: 0}"),
        "technology-first",
        Severity::Warning,
        "initiatives[1]",
        "Initiative `new` supports no goal: technology chosen before the business need.",
    );
}

#[test]
fn unaligned_system_spend() {
    check(
        &SOUND.replace("supports: {sales: 1}", "supports: {}"),
        "unaligned-system-spend",
        Severity::Info,
        "systems[1]",
        "System `books` costs $100 a year but supports no goal.",
    );
}

#[test]
fn revenue_without_margin() {
    check(
        &SOUND.replace(", gross_margin: 0.5", ""),
        "revenue-without-margin",
        Severity::Warning,
        "organization.gross_margin",
        "Revenue benefits of 1 initiative(s) are counted in full as profit because no gross margin is set.",
    );
}

#[test]
fn no_change_plan() {
    check(
        &SOUND.replace("    training: A short course.\n", ""),
        "no-change-plan",
        Severity::Warning,
        "initiatives[0]",
        "Initiative `quick` changes how staff work but has no training or change plan.",
    );
}

#[test]
fn no_quick_win() {
    check(
        &SOUND
            .replace("duration_months: 2", "duration_months: 4")
            .replace("duration_months: 3", "duration_months: 4"),
        "no-quick-win",
        Severity::Warning,
        "initiatives",
        "No initiative finishes within the first three months with a positive NPV.",
    );
}

#[test]
fn no_exploration() {
    check(
        &SOUND.replace("kind: explore", "kind: exploit"),
        "no-exploration",
        Severity::Info,
        "initiatives",
        "Every initiative improves today's business; none explores new business.",
    );
}

#[test]
fn vendor_concentration() {
    // Vendor A: till 100 + quick 100 + new 200 of 500 in all = 80%.
    check(
        &SOUND
            .replace("vendor: C", "vendor: A")
            .replace("vendor: D", "vendor: a "),
        "vendor-concentration",
        Severity::Warning,
        "systems",
        "Vendor `a` carries 80% of technology spend.",
    );
}

#[test]
fn customer_data_without_security_risk() {
    check(
        &SOUND.replace(
            "initiative: quick, category: security",
            "initiative: new, category: security",
        ),
        "customer-data-without-security-risk",
        Severity::Warning,
        "initiatives[0]",
        "Initiative `quick` handles customer data but no security risk is recorded for it.",
    );
}

#[test]
fn security_risk_without_mitigation() {
    check(
        &SOUND.replace(", mitigation: TLS", ""),
        "security-risk-without-mitigation",
        Severity::Warning,
        "risks[0]",
        "Security risk `leak` has no mitigation.",
    );
}

#[test]
fn risk_unmitigated() {
    check(
        &SOUND.replace("category: security, likelihood: 2, impact: 4, mitigation: TLS", "category: security, likelihood: 2, impact: 4, mitigation: TLS}\n  - {id: big, title: Big, category: vendor, likelihood: 4, impact: 5"),
        "risk-unmitigated",
        Severity::Warning,
        "risks[1]",
        "Risk `big` is critical (score 20) and has no mitigation.",
    );
}

#[test]
fn mandatory_over_budget_in_total_and_in_a_pinned_period() {
    let text = SOUND.replace(
        "    one_time_cost: 200\n",
        "    one_time_cost: 2000\n    mandatory: true\n",
    );
    check(
        &text,
        "mandatory-over-budget",
        Severity::Error,
        "constraints.budget",
        "Mandatory initiatives need 2000.00 of implementation spend but the whole budget is 1000.00.",
    );
    // 1,200 pinned to 2027-10..12 falls wholly in the fiscal quarter 2027-Q4, budgeted at 500.
    let pinned = SOUND
        .replace("    one_time_cost: 200\n", "    one_time_cost: 1200\n    mandatory: true\n    start: 2027-10\n")
        .replace(
            "budget: [{period: 2027, amount: 1000}]",
            "budget: [{period: 2027-Q1, amount: 1000}, {period: 2027-Q2, amount: 1000}, {period: 2027-Q3, amount: 1000}, {period: 2027-Q4, amount: 500}]",
        );
    check(
        &pinned,
        "mandatory-over-budget",
        Severity::Error,
        "constraints.budget[3]",
        "Mandatory initiatives pinned to fiscal period 2027-Q4 need $1,200 there, above its budget of $500.",
    );
}

#[test]
fn negative_npv() {
    check(
        &SOUND.replace(
            "benefits: [{kind: saving, annual: 500}]",
            "benefits: [{kind: saving, annual: 1}]",
        ),
        "negative-npv",
        Severity::Info,
        "initiatives[1]",
        // By hand: -200/3 x (1 + d + d^2) + 1/12 x (d^3 + ... + d^35) with d = 1.08^(-1/12)
        // = -198.72 + 2.53 = -196.2.
        "Initiative `new` has a negative NPV (-196) over the evaluation horizon.",
    );
}

#[test]
fn redundant_systems() {
    check(
        &SOUND.replace("category: accounting", "category: POS "),
        "redundant-systems",
        Severity::Info,
        "systems[0]",
        "Systems till, books all serve category `pos` (200.00 a year together).",
    );
}

#[test]
fn data_silos() {
    check(
        &SOUND.replace(
            "integrations:\n  - {from: till, to: books, kind: automated}\n",
            "",
        ),
        "data-silo",
        Severity::Warning,
        "systems[0]",
        "Data silo: `till` holds data but exchanges it with no other system.",
    );
    check(
        &SOUND
            .replace("kind: automated", "kind: manual")
            .replace("data: [invoices]", "data: [invoices, Sales]"),
        "data-silo",
        Severity::Warning,
        "systems[0]",
        "Data silo: `till` and `books` both hold sales with no automated flow between them.",
    );
}

#[test]
fn manual_data_flow() {
    check(
        &SOUND.replace(
            "kind: automated}",
            "kind: manual, data: Sales totals, hours_per_month: 4}",
        ),
        "manual-data-flow",
        Severity::Info,
        "integrations[0]",
        "Data moves by hand from `till` to `books`: Sales totals (4 hours a month).",
    );
}

#[test]
fn end_of_life_unless_replaced() {
    let text = SOUND.replace(
        "annual_cost: 100, supports: {sales: 2}",
        "annual_cost: 100, end_of_life: 2027-06, supports: {sales: 2}",
    );
    check(
        &text,
        "end-of-life",
        Severity::Warning,
        "systems[0]",
        "System `till` reaches end of life in 2027-06 and no initiative replaces it.",
    );
    let replaced = text.replace(
        "    title: New channel\n",
        "    title: New channel\n    replaces: [till]\n",
    );
    assert!(!findings(&replaced).iter().any(|f| f.code == "end-of-life"));
}

#[test]
fn system_to_eliminate_unless_replaced() {
    let text = SOUND.replace(
        "supports: {sales: 1}",
        "supports: {sales: 1}, technical_health: 2",
    );
    check(
        &text,
        "system-eliminate",
        Severity::Info,
        "systems[1]",
        "System `books` is a candidate to eliminate: supports no goal strongly; technical health 2/5.",
    );
    let replaced = text.replace(
        "    title: New channel\n",
        "    title: New channel\n    replaces: [books]\n",
    );
    assert!(
        !findings(&replaced)
            .iter()
            .any(|f| f.code == "system-eliminate")
    );
}

#[test]
fn no_budget() {
    check(
        &SOUND.replace(
            "constraints:\n  budget: [{period: 2027, amount: 1000}]\n",
            "",
        ),
        "no-budget",
        Severity::Info,
        "constraints.budget",
        "The plan sets no budget.",
    );
}

#[test]
fn budget_period_missing() {
    // 18 months from 2027-01 with a budget for fiscal year 2027 only: 2028-01 to 2028-06 are
    // unlimited.
    check(
        &SOUND.replace("horizon_months: 12", "horizon_months: 18"),
        "budget-period-missing",
        Severity::Warning,
        "constraints.budget",
        "No budget covers 2028-01 to 2028-06 (fiscal year 2028): implementation spend there is not limited.",
    );
    // A budget for the first quarter alone leaves the rest of the year open.
    check(
        &SOUND.replace(
            "{period: 2027, amount: 1000}",
            "{period: 2027-Q1, amount: 1000}",
        ),
        "budget-period-missing",
        Severity::Warning,
        "constraints.budget",
        "No budget covers 2027-04 to 2027-12 (fiscal year 2027): implementation spend there is not limited.",
    );
}

#[test]
fn every_documented_code_is_tested_here() {
    let source = include_str!("checks.rs");
    for (code, _) in CODES {
        assert!(
            source.contains(&format!("\"{code}\"")),
            "no test for {code}"
        );
    }
}

#[test]
fn findings_are_ordered_by_severity() {
    let text = SOUND
        .replace(", gross_margin: 0.5", "")
        .replace("kind: explore", "kind: exploit")
        .replace(
            "    one_time_cost: 200\n",
            "    one_time_cost: 2000\n    mandatory: true\n",
        );
    let all = findings(&text);
    assert!(
        all.windows(2).all(|w| w[0].severity <= w[1].severity),
        "{all:#?}"
    );
    assert_eq!(all[0].severity, Severity::Error);
}
