//! The health checks' findings as an owner reads them: the plan file's words (`organization.
//! gross_margin`, `supports:`, ids in backticks) become plain words and names, and every
//! finding says what to click to fix it, with the link. The checks themselves
//! ([`sextant_core::checks`]) keep the file's vocabulary for the CLI and the API.

use maud::{Markup, html};
use sextant_core::checks::Finding;
use sextant_core::model::PlanDoc;

use super::OrgPage;

/// A finding in plain words, with the page that fixes it.
pub struct Advice {
    /// What was found, with names for ids.
    pub message: String,
    /// What to do, in words.
    pub todo: &'static str,
    /// Where to do it: (the link's words, the address).
    pub link: Option<(&'static str, String)>,
}

/// The entry a finding's path names (`initiatives[3]` is the fourth initiative): its section
/// and id.
fn entry<'a>(doc: &'a PlanDoc, path: &'a str) -> Option<(&'a str, &'a str)> {
    let (section, rest) = path.split_once('[')?;
    let k: usize = rest.split(']').next()?.parse().ok()?;
    let id = match section {
        "goals" => doc.goals.get(k)?.id.as_str(),
        "initiatives" => doc.initiatives.get(k)?.id.as_str(),
        "systems" => doc.systems.get(k)?.id.as_str(),
        "risks" => doc.risks.get(k)?.id.as_str(),
        _ => return None,
    };
    Some((section, id))
}

/// The name people know an id by: a goal's or an initiative's title, a system's name.
fn name_of(doc: &PlanDoc, id: &str) -> Option<String> {
    doc.goals
        .iter()
        .find(|g| g.id.as_str() == id)
        .map(|g| g.title.clone())
        .or_else(|| {
            doc.initiatives
                .iter()
                .find(|i| i.id.as_str() == id)
                .map(|i| i.title.clone())
        })
        .or_else(|| {
            doc.systems
                .iter()
                .find(|s| s.id.as_str() == id)
                .map(|s| s.name.clone())
        })
        .or_else(|| {
            doc.risks
                .iter()
                .find(|r| r.id.as_str() == id)
                .map(|r| r.title.clone())
        })
}

/// `text` with each `` `id` `` replaced by the name of what it names, in quotes (or the bare
/// word when it names nothing of the plan).
fn names(doc: &PlanDoc, text: &str) -> String {
    let mut out = String::new();
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (k, part) in parts.enumerate() {
        if k % 2 == 0 {
            match name_of(doc, part) {
                Some(n) if !n.is_empty() => {
                    out.push('\u{201c}');
                    out.push_str(&n);
                    out.push('\u{201d}');
                }
                _ => out.push_str(part),
            }
        } else {
            out.push_str(part);
        }
    }
    out
}

/// What a finding asks, and where, for the organisation `org`.
pub fn advice(org: &OrgPage, doc: &PlanDoc, f: &Finding) -> Advice {
    let at = entry(doc, &f.path);
    let edit = |section: &str, suffix: &str| {
        at.filter(|(s, _)| *s == section).map(|(_, id)| {
            org.url(&format!(
                "{section}/{}{suffix}",
                super::form::url_encode(id)
            ))
        })
    };
    let (todo, link): (&'static str, Option<(&'static str, String)>) = match f.code {
        "no-goals" => (
            "Add the business's goals first: technology follows from them.",
            Some(("Add a goal", org.url("goals/new"))),
        ),
        "goal-not-smart" => (
            "A goal can be measured when it names a KPI, where it stands today, a target and the month it is due.",
            edit("goals", "").map(|u| ("Complete the goal", u)),
        ),
        "goal-not-covered" => (
            "Give a change a strength of 2 or 3 for this goal in the matrix, or add a change that serves it.",
            Some(("Open the matrix", org.url("matrix"))),
        ),
        "technology-first" => (
            "Say which goal it serves in the matrix, or ask whether it is needed at all.",
            Some(("Open the matrix", org.url("matrix"))),
        ),
        "no-change-plan" => (
            "Write who learns what, and how the change is introduced, on the initiative's form (People, vendor and customer data).",
            edit("initiatives", "/edit").map(|u| ("Edit the initiative", u)),
        ),
        "negative-npv" => (
            "Over the months counted it costs more than it brings: check its costs and gains, or drop it.",
            edit("initiatives", "").map(|u| ("See its business case", u)),
        ),
        "no-quick-win" => (
            "A small change that pays within three months keeps people on board: add one, or let one start earlier.",
            Some(("Add an initiative", org.url("initiatives/new"))),
        ),
        "no-exploration" => (
            "Keep room for trying something new: add an initiative of the kind \u{201c}Explore: new business\u{201d}.",
            Some(("Add an initiative", org.url("initiatives/new"))),
        ),
        "customer-data-without-security-risk" => (
            "It handles customer data: record the security risk and how you will reduce it.",
            Some(("Add a risk", org.url("risks/new"))),
        ),
        "security-risk-without-mitigation" | "risk-unmitigated" => (
            "Write down how you will reduce this risk, and who looks after it.",
            edit("risks", "").map(|u| ("Edit the risk", u)),
        ),
        "revenue-without-margin" => (
            "Set the gross margin on the business's profile: extra sales then count as the profit they leave, not in full.",
            Some(("Set the gross margin", org.url("business/profile"))),
        ),
        "no-budget" | "budget-period-missing" | "mandatory-over-budget" => (
            "Set what can be spent in every financial year of the plan.",
            Some(("Edit the budget", org.url("business/money"))),
        ),
        "unaligned-system-spend" => (
            "Say which goals it supports on its page, or ask whether it is still needed.",
            edit("systems", "").map(|u| ("Edit the system", u)),
        ),
        "end-of-life" | "system-eliminate" => (
            "Plan its replacement: add an initiative that replaces it, or record a later end of support.",
            edit("systems", "").map(|u| ("Edit the system", u)),
        ),
        "redundant-systems" | "data-silo" | "manual-data-flow" | "vendor-concentration" => (
            "See the systems and how data moves between them.",
            Some(("Open the systems", org.url("systems"))),
        ),
        _ => ("", None),
    };
    Advice {
        message: names(doc, &f.message),
        todo,
        link,
    }
}

/// A finding as a list item's content: its severity, the finding, what to do and the link.
pub fn item(org: &OrgPage, doc: &PlanDoc, f: &Finding) -> Markup {
    let a = advice(org, doc, f);
    html! {
        (super::severity(f.severity)) " " (a.message)
        @if !a.todo.is_empty() { " " (a.todo) }
        @if let Some((words, url)) = &a.link { " " a href=(url) { (words) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_backticks_become_the_names_people_know() {
        let plan = sextant_core::load_plan(
            "t.yaml",
            "version: 1\norganization: {name: A, currency: USD, start: 2027-01, horizon_months: 12, discount_rate: 0.08}\n\
             goals: [{id: g, title: Sell more, kpi: revenue, baseline: 1, target: 2, due: 2027-12}]\n",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            names(plan.doc(), "Goal `g` is not SMART; `other` stays."),
            "Goal \u{201c}Sell more\u{201d} is not SMART; other stays."
        );
    }
}
