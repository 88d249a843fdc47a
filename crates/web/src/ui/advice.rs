//! The health checks' findings on the pages: [`sextant_ops::advice`] in plain words, each
//! with its link to the page of the organisation that fixes it.

use maud::{Markup, html};
use sextant_core::checks::Finding;
use sextant_core::model::PlanDoc;
pub use sextant_ops::advice::Advice;

use super::OrgPage;

/// What a finding asks, and where, for the organisation `org` (the link's address made
/// absolute).
pub fn advice(org: &OrgPage, doc: &PlanDoc, f: &Finding) -> Advice {
    let mut a = sextant_ops::advice::advice(doc, f);
    a.link = a.link.map(|(words, rel)| (words, org.url(&rel)));
    a
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
