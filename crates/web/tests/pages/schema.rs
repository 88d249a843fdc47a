//! What the plan file can say, the pages can say: every field of the plan's JSON Schema is
//! walked, and each must be set by a form field that a page shows the demo's owner (or be named
//! here as file-only, with the reason). A field added to the model without a form fails here.

use std::collections::BTreeSet;

use serde_json::Value;

use super::demo;

/// Where each field of the plan is set: (schema path, page under the organisation, the form
/// field's name as the page writes it). The page must contain `name="{field}` (a prefix: the
/// tables' rows are `name.0`, the goal strengths `contributes.online-sales`).
const FORMS: &[(&str, &str, &str)] = &[
    ("organization.name", "business/profile", "name"),
    ("organization.industry", "business/profile", "industry"),
    ("organization.location", "business/profile", "location"),
    ("organization.employees", "business/profile", "employees"),
    (
        "organization.annual_revenue",
        "business/profile",
        "annual_revenue",
    ),
    ("organization.currency", "business/profile", "currency"),
    ("organization.start", "business/profile", "start"),
    (
        "organization.horizon_months",
        "business/profile",
        "horizon_months",
    ),
    (
        "organization.evaluation_months",
        "business/profile",
        "evaluation_months",
    ),
    (
        "organization.discount_rate",
        "business/profile",
        "discount_rate",
    ),
    (
        "organization.fiscal_year_start",
        "business/profile",
        "fiscal_year_start",
    ),
    (
        "organization.gross_margin",
        "business/profile",
        "gross_margin",
    ),
    ("constraints.budget[].period", "business/money", "period.0"),
    ("constraints.budget[].amount", "business/money", "amount.0"),
    (
        "constraints.staff_hours_per_month",
        "business/money",
        "staff_hours_per_month",
    ),
    (
        "constraints.max_concurrent",
        "business/money",
        "max_concurrent",
    ),
    (
        "constraints.min_explore_share",
        "business/money",
        "min_explore_share",
    ),
    ("staff[].name", "business/staff", "name.0"),
    ("staff[].role", "business/staff", "role.0"),
    (
        "staff[].hours_per_month",
        "business/staff",
        "hours_per_month.0",
    ),
    ("staff[].skills", "business/staff", "skills.0"),
    ("phases[].id", "business/phases", "id.0"),
    ("phases[].name", "business/phases", "name.0"),
    ("phases[].description", "business/phases", "description.0"),
    ("phases[].initiatives", "business/phases", "initiatives.0"),
    ("radar[].technology", "business/radar", "technology.0"),
    ("radar[].ring", "business/radar", "ring.0"),
    ("radar[].quadrant", "business/radar", "quadrant.0"),
    ("radar[].note", "business/radar", "note.0"),
    ("kpis[].id", "business/kpis", "id.0"),
    ("kpis[].name", "business/kpis", "name.0"),
    ("kpis[].unit", "business/kpis", "unit.0"),
    ("kpis[].direction", "business/kpis", "direction.0"),
    ("kpis[].definition", "business/kpis", "definition.0"),
    ("measurements", "kpis/online_revenue", "value"),
    ("swot.strengths", "swot/edit", "strengths"),
    ("swot.weaknesses", "swot/edit", "weaknesses"),
    ("swot.opportunities", "swot/edit", "opportunities"),
    ("swot.threats", "swot/edit", "threats"),
    (
        "strategy.value_proposition",
        "swot/edit",
        "value_proposition",
    ),
    ("strategy.differentiation", "swot/edit", "differentiation"),
    (
        "strategy.core_competencies",
        "swot/edit",
        "core_competencies",
    ),
    ("goals[].id", "goals/new", "id"),
    ("goals[].title", "goals/new", "title"),
    ("goals[].description", "goals/new", "description"),
    ("goals[].kpi", "goals/new", "kpi"),
    ("goals[].baseline", "goals/new", "baseline"),
    ("goals[].target", "goals/new", "target"),
    ("goals[].due", "goals/new", "due"),
    ("goals[].weight", "goals/new", "weight"),
    ("goals[].owner", "goals/new", "owner"),
    ("systems[].id", "systems/new", "id"),
    ("systems[].name", "systems/new", "name"),
    ("systems[].category", "systems/new", "category"),
    ("systems[].vendor", "systems/new", "vendor"),
    ("systems[].annual_cost", "systems/new", "annual_cost"),
    ("systems[].users", "systems/new", "users"),
    ("systems[].installed", "systems/new", "installed"),
    ("systems[].end_of_life", "systems/new", "end_of_life"),
    ("systems[].satisfaction", "systems/new", "satisfaction"),
    (
        "systems[].technical_health",
        "systems/new",
        "technical_health",
    ),
    ("systems[].business_value", "systems/new", "business_value"),
    ("systems[].data", "systems/new", "data"),
    ("systems[].supports", "systems/new", "supports."),
    ("integrations[].from", "systems", "from"),
    ("integrations[].to", "systems", "to"),
    ("integrations[].data", "systems", "data"),
    ("integrations[].kind", "systems", "kind"),
    (
        "integrations[].hours_per_month",
        "systems",
        "hours_per_month",
    ),
    ("initiatives[].id", "initiatives/new", "id"),
    ("initiatives[].title", "initiatives/new", "title"),
    (
        "initiatives[].description",
        "initiatives/new",
        "description",
    ),
    ("initiatives[].owner", "initiatives/new", "owner"),
    ("initiatives[].vendor", "initiatives/new", "vendor"),
    ("initiatives[].status", "initiatives/new", "status"),
    ("initiatives[].kind", "initiatives/new", "kind"),
    (
        "initiatives[].one_time_cost.low",
        "initiatives/new",
        "one_time_cost_low",
    ),
    (
        "initiatives[].one_time_cost.likely",
        "initiatives/new",
        "one_time_cost",
    ),
    (
        "initiatives[].one_time_cost.high",
        "initiatives/new",
        "one_time_cost_high",
    ),
    (
        "initiatives[].recurring_cost_annual.low",
        "initiatives/new",
        "recurring_cost_annual_low",
    ),
    (
        "initiatives[].recurring_cost_annual.likely",
        "initiatives/new",
        "recurring_cost_annual",
    ),
    (
        "initiatives[].recurring_cost_annual.high",
        "initiatives/new",
        "recurring_cost_annual_high",
    ),
    (
        "initiatives[].duration_months.low",
        "initiatives/new",
        "duration_months_low",
    ),
    (
        "initiatives[].duration_months.likely",
        "initiatives/new",
        "duration_months",
    ),
    (
        "initiatives[].duration_months.high",
        "initiatives/new",
        "duration_months_high",
    ),
    (
        "initiatives[].effort_hours_per_month",
        "initiatives/new",
        "effort_hours_per_month",
    ),
    (
        "initiatives[].benefits[].kind",
        "initiatives/new",
        "benefit_kind",
    ),
    (
        "initiatives[].benefits[].annual.low",
        "initiatives/new",
        "benefit_annual_low",
    ),
    (
        "initiatives[].benefits[].annual.likely",
        "initiatives/new",
        "benefit_annual",
    ),
    (
        "initiatives[].benefits[].annual.high",
        "initiatives/new",
        "benefit_annual_high",
    ),
    (
        "initiatives[].benefits[].goal",
        "initiatives/new",
        "benefit_goal",
    ),
    (
        "initiatives[].benefits[].description",
        "initiatives/new",
        "benefit_description",
    ),
    (
        "initiatives[].cash_flows.period",
        "initiatives/new",
        "cash_flow_period",
    ),
    (
        "initiatives[].cash_flows.values",
        "initiatives/new",
        "cash_flows",
    ),
    ("initiatives[].depends_on", "initiatives/new", "depends_on"),
    (
        "initiatives[].alternative_group",
        "initiatives/new",
        "alternative_group",
    ),
    ("initiatives[].mandatory", "initiatives/new", "mandatory"),
    (
        "initiatives[].contributes",
        "initiatives/new",
        "contributes.",
    ),
    ("initiatives[].start", "initiatives/new", "start"),
    ("initiatives[].done_by", "initiatives/new", "done_by"),
    (
        "organization.review_every_months",
        "reviews",
        "review_every_months",
    ),
    (
        "organization.lifecycle.warn_months",
        "assets",
        "warn_months",
    ),
    (
        "organization.lifecycle.replace_after_years",
        "assets",
        "years_laptop",
    ),
    (
        "organization.lifecycle.replacement_price",
        "assets",
        "price_laptop",
    ),
    (
        "organization.lifecycle.unsupported_cost_annual",
        "assets",
        "unsupported_cost_annual",
    ),
    ("initiatives[].replaces", "initiatives/new", "replaces"),
    (
        "initiatives[].affects_staff",
        "initiatives/new",
        "affects_staff",
    ),
    ("initiatives[].training", "initiatives/new", "training"),
    (
        "initiatives[].change_plan",
        "initiatives/new",
        "change_plan",
    ),
    (
        "initiatives[].handles_customer_data",
        "initiatives/new",
        "handles_customer_data",
    ),
    // Known once the work is under way: on an existing initiative's form.
    ("initiatives[].started", "initiatives/pos/edit", "started"),
    ("initiatives[].launched", "initiatives/pos/edit", "launched"),
    (
        "initiatives[].actual_cost",
        "initiatives/pos/edit",
        "actual_cost",
    ),
    ("risks[].id", "risks/new", "id"),
    ("risks[].title", "risks/new", "title"),
    ("risks[].category", "risks/new", "category"),
    ("risks[].initiative", "risks/new", "initiative"),
    ("risks[].system", "risks/new", "system"),
    ("risks[].likelihood", "risks/new", "likelihood"),
    ("risks[].impact", "risks/new", "impact"),
    ("risks[].mitigation", "risks/new", "mitigation"),
    ("risks[].owner", "risks/new", "owner"),
    (
        "risks[].residual_likelihood",
        "risks/new",
        "residual_likelihood",
    ),
    ("risks[].residual_impact", "risks/new", "residual_impact"),
    ("risks[].probability", "risks/new", "probability"),
    ("risks[].cost.low", "risks/new", "cost_low"),
    ("risks[].cost.likely", "risks/new", "cost"),
    ("risks[].cost.high", "risks/new", "cost_high"),
    ("risks[].delay_months.low", "risks/new", "delay_months_low"),
    ("risks[].delay_months.likely", "risks/new", "delay_months"),
    (
        "risks[].delay_months.high",
        "risks/new",
        "delay_months_high",
    ),
    ("scenarios[].name", "scenarios", "name"),
    ("scenarios[].budget_factor", "scenarios", "budget_factor"),
    ("scenarios[].cost_factor", "scenarios", "cost_factor"),
    ("scenarios[].benefit_factor", "scenarios", "benefit_factor"),
    ("scenarios[].delays", "scenarios", "delay-"),
];

/// Fields only a plan file sets, and why.
const FILE_ONLY: &[(&str, &str)] = &[(
    "version",
    "the file format's version: the server and the export write it, nobody types it",
)];

/// Every path of the schema that has no fields under it (`goals[].title`), `$ref`s followed.
fn leaves(schema: &Value) -> BTreeSet<String> {
    fn walk(defs: &Value, node: &Value, path: &str, depth: usize, out: &mut BTreeSet<String>) {
        if depth > 12 {
            return;
        }
        let mut node = node;
        while let Some(r) = node.get("$ref").and_then(Value::as_str) {
            node = &defs[r.rsplit('/').next().unwrap_or_default()];
        }
        for k in ["anyOf", "oneOf", "allOf"] {
            for x in node.get(k).and_then(Value::as_array).into_iter().flatten() {
                walk(defs, x, path, depth + 1, out);
            }
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (name, v) in props {
                let p = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                out.insert(p.clone());
                walk(defs, v, &p, depth + 1, out);
            }
        }
        if let Some(items) = node.get("items").filter(|i| i.is_object()) {
            walk(defs, items, &format!("{path}[]"), depth + 1, out);
        }
    }
    let mut all = BTreeSet::new();
    walk(&schema["$defs"], schema, "", 0, &mut all);
    // A path with fields under it is set through them.
    all.iter()
        .filter(|p| {
            !all.iter().any(|q| {
                q.len() > p.len()
                    && q.starts_with(p.as_str())
                    && matches!(q.as_bytes()[p.len()], b'.' | b'[')
            })
        })
        .cloned()
        .collect()
}

#[test]
fn the_walk_finds_the_plans_fields() {
    let found = leaves(&sextant_core::plan_schema());
    // A sample, so that a walk that finds nothing cannot pass the test below.
    for p in [
        "organization.gross_margin",
        "initiatives[].benefits[].annual.low",
        "constraints.budget[].amount",
        "radar[].quadrant",
        "version",
    ] {
        assert!(found.contains(p), "{p} in {found:?}");
    }
    assert!(!found.contains("initiatives"), "containers are not leaves");
}

#[tokio::test]
async fn every_field_of_the_plan_has_a_form() {
    let schema = leaves(&sextant_core::plan_schema());
    let named: BTreeSet<&str> = FORMS
        .iter()
        .map(|(p, _, _)| *p)
        .chain(FILE_ONLY.iter().map(|(p, _)| *p))
        .collect();
    let missing: Vec<&String> = schema
        .iter()
        .filter(|p| !named.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "plan fields no form sets (add a form field, or name why it is file-only): {missing:?}"
    );
    let stale: Vec<&&str> = named.iter().filter(|p| !schema.contains(**p)).collect();
    assert!(
        stale.is_empty(),
        "named here but not in the plan: {stale:?}"
    );

    let (_srv, b) = demo().await;
    let mut pages = std::collections::BTreeMap::new();
    for (path, page, field) in FORMS {
        if !pages.contains_key(page) {
            let p = b.ok(&format!("/orgs/corner-bookstore/{page}")).await;
            pages.insert(*page, p.html);
        }
        let html = &pages[page];
        assert!(
            html.contains(&format!("name=\"{field}")),
            "{path}: no field `{field}` on /orgs/corner-bookstore/{page}"
        );
    }
}
