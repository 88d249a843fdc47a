//! A goal's own page: its standing, what it is measured by, and what names it.

use super::*;

/// The goal `id` of the plan, or 404.
pub(super) fn find_goal<'a>(a: &'a Analysed, id: &str) -> Result<&'a Goal, PageError> {
    a.plan
        .doc()
        .goals
        .iter()
        .find(|g| g.id.as_str() == id)
        .ok_or_else(|| PageError::NotFound(format!("goal `{id}`: the plan has no such goal")))
}

/// What names the goal `id`: initiatives that contribute to it or count a benefit towards it,
/// systems that support it; in words.
pub(super) fn named_by(plan: &Plan, id: &str) -> Vec<String> {
    let doc = plan.doc();
    let mut out = Vec::new();
    for i in &doc.initiatives {
        if i.contributes.keys().any(|g| g.as_str() == id) {
            out.push(format!("the initiative “{}” (contributes)", i.title));
        }
        if i.benefits
            .iter()
            .any(|b| b.goal.as_ref().is_some_and(|g| g.as_str() == id))
        {
            out.push(format!("the initiative “{}” (a benefit)", i.title));
        }
    }
    for s in &doc.systems {
        if s.supports.keys().any(|g| g.as_str() == id) {
            out.push(format!("the system “{}” (supports)", s.name));
        }
    }
    out
}

/// The page of one goal: its form for an editor (with the delete button), its figures for a
/// viewer.
pub(super) fn goal_page(
    org: &OrgPage,
    a: &Analysed,
    goal: &Goal,
    values: &Values,
    errors: &Errors,
    done: Option<&str>,
) -> Markup {
    let st = a
        .analysis
        .goal_status
        .iter()
        .find(|s| s.goal == goal.id.as_str());
    let info = goal.kpi.as_deref().map(|k| kpi_info(&a.plan, k));
    let scale = info
        .as_ref()
        .map_or_else(|| Measure::of(Unit::Number), |i| i.scale.clone());
    html! {
        (notice(done))
        (status_line(org, info.as_ref(), st))
        @if org.can_edit() {
            (goal_form(org, a, Some(goal.id.as_str()), values, errors))
            section aria-labelledby="delete" {
                h2 #delete { "Delete this goal" }
                @let names = named_by(&a.plan, goal.id.as_str());
                @if names.is_empty() {
                    p { "Nothing else in the plan names this goal." }
                } @else {
                    p { "It is named by " (names.join(", ")) ": take the goal out of them first." }
                }
                form method="post" action=(org.url(&format!("goals/{}/delete", crate::ui::form::url_encode(goal.id.as_str())))) {
                    (org.viewer.csrf_field())
                    button.danger type="submit" data-confirm=(format!("Delete the goal “{}”?", goal.title)) { "Delete the goal" }
                }
            }
        } @else {
            dl {
                dt { "Id" } dd { (goal.id) }
                @if let Some(d) = &goal.description { dt { "Description" } dd { (d) } }
                dt { "Baseline" } dd { (show_opt(goal.baseline, &scale)) }
                dt { "Target" } dd { (show_opt(goal.target, &scale)) }
                dt { "Due" } dd { (goal.due.map_or("–".to_string(), sextant_core::calendar::month_words)) }
                dt { "Weight" } dd { (format::number(goal.weight)) }
                dt { "Owner" } dd { (goal.owner.as_deref().unwrap_or("–")) }
            }
            p { a href=(org.url("goals")) { "Back to the goals" } }
        }
    }
}

/// A goal's standing in one paragraph, with its KPI's link.
pub(super) fn status_line(
    org: &OrgPage,
    info: Option<&KpiInfo>,
    st: Option<&GoalStatus>,
) -> Markup {
    html! {
        @if let Some(s) = st {
            p {
                "Status: " (standing(s.status))
                @if let Some(i) = info {
                    " – measured by " a href=(kpi_url(org, &i.id)) { (i.name) }
                    @if let Some(l) = s.latest {
                        ", latest " (show(l, &i.scale))
                        @if let Some(m) = &s.latest_month { " (" (super::super::business::month_words(m)) ")" }
                    }
                }
                @if let Some(i) = info { @let why = explain(s, &i.scale); @if !why.is_empty() { ". " (why) } }
            }
        }
    }
}

/// A goal's standing explained in plain words and figures as people write them (the core's
/// explanation, for the CLI and the API, names the model and prints figures raw).
pub(super) fn explain(s: &GoalStatus, scale: &Measure) -> String {
    sextant_core::kpi::plain_explanation(s, scale)
}

pub(super) fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
