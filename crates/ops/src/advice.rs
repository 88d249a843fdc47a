//! The health checks' findings as an owner reads them: the plan file's words (`organization.
//! gross_margin`, `supports:`, ids in backticks) become plain words and names, and every
//! finding says what to do and on which page. The checks themselves
//! ([`sextant_core::checks`]) keep the file's vocabulary for the CLI and the API; the pages
//! and the plan report say them this way.

use serde::Serialize;
use sextant_core::checks::Finding;
use sextant_core::model::PlanDoc;

/// `s` percent-encoded for a path segment (letters, digits and `-_.~` kept).
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A finding in plain words, with the page that fixes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    /// What was found, with names for ids.
    pub message: String,
    /// What to do, in words.
    pub todo: &'static str,
    /// Where to do it: the link's words, and the page's address relative to the
    /// organisation (`matrix`, `initiatives/crm/edit`).
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
pub fn names(doc: &PlanDoc, text: &str) -> String {
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

/// `text` with each `YYYY-MM` month written in words (`2028-01 to 2028-06` becomes
/// `January 2028 to June 2028`); dates (`2028-01-15`) and other figures are left as they are.
fn months_in_words(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    let boundary = |k: Option<&u8>| k.is_none_or(|c| !c.is_ascii_digit() && *c != b'-');
    while i + 7 <= b.len() {
        let w = &b[i..i + 7];
        let shaped = w[..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[5..].iter().all(u8::is_ascii_digit);
        if shaped
            && boundary(i.checked_sub(1).and_then(|k| b.get(k)))
            && boundary(b.get(i + 7))
            && let Some(m) = sextant_core::model::Month::parse(&text[i..i + 7])
        {
            out.push_str(&text[copied..i]);
            out.push_str(&sextant_core::calendar::month_words(m));
            i += 7;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// What a finding asks, and on which page of the organisation.
pub fn advice(doc: &PlanDoc, f: &Finding) -> Advice {
    let at = entry(doc, &f.path);
    let edit = |section: &str, suffix: &str| {
        at.filter(|(s, _)| *s == section)
            .map(|(_, id)| format!("{section}/{}{suffix}", url_encode(id)))
    };
    let (todo, link): (&'static str, Option<(&'static str, String)>) = match f.code {
        "no-goals" => (
            "Add the business's goals first: technology follows from them.",
            Some(("Add a goal", "goals/new".to_string())),
        ),
        "goal-not-smart" => (
            "A goal can be measured when it names a KPI, where it stands today, a target and the month it is due.",
            edit("goals", "").map(|u| ("Complete the goal", u)),
        ),
        "goal-not-covered" => (
            "Give a change a strength of 2 or 3 for this goal in the matrix, or add a change that serves it.",
            Some(("Open the matrix", "matrix".to_string())),
        ),
        "technology-first" => (
            "Say which goal it serves in the matrix, or ask whether it is needed at all.",
            Some(("Open the matrix", "matrix".to_string())),
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
            Some(("Add an initiative", "initiatives/new".to_string())),
        ),
        "no-exploration" => (
            "Keep room for trying something new: add an initiative of the kind \u{201c}Explore: new business\u{201d}.",
            Some(("Add an initiative", "initiatives/new".to_string())),
        ),
        "customer-data-without-security-risk" => (
            "It handles customer data: record the security risk and how you will reduce it.",
            Some(("Add a risk", "risks/new".to_string())),
        ),
        "security-risk-without-mitigation" | "risk-unmitigated" => (
            "Write down how you will reduce this risk, and who looks after it.",
            edit("risks", "").map(|u| ("Edit the risk", u)),
        ),
        "revenue-without-margin" => (
            "Set the gross margin on the business's profile: extra sales then count as the profit they leave, not in full.",
            Some(("Set the gross margin", "business/profile".to_string())),
        ),
        "no-budget" | "budget-period-missing" | "mandatory-over-budget" => (
            "Set what can be spent in every financial year of the plan.",
            Some(("Edit the budget", "business/money".to_string())),
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
            Some(("Open the systems", "systems".to_string())),
        ),
        _ => ("", None),
    };
    Advice {
        message: months_in_words(&names(doc, &f.message)),
        todo,
        link,
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

    #[test]
    fn months_are_written_in_words_and_dates_left_alone() {
        assert_eq!(
            months_in_words(
                "No budget covers 2028-01 to 2028-06 (fiscal year 2028): spend is not limited."
            ),
            "No budget covers January 2028 to June 2028 (fiscal year 2028): spend is not limited."
        );
        assert_eq!(
            months_in_words("due 2027-03-15, £2027-13"),
            "due 2027-03-15, £2027-13"
        );
        assert_eq!(months_in_words("2027-12"), "December 2027");
    }

    #[test]
    fn an_id_is_encoded_in_its_address() {
        assert_eq!(url_encode("crm-2"), "crm-2");
        assert_eq!(url_encode("a b/ü"), "a%20b%2F%C3%BC");
    }
}
