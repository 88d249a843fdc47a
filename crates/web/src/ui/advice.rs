//! The health checks' findings on the pages: [`sextant_ops::advice`] in plain words, each
//! with its link to the page of the organisation that fixes it.

use maud::{Markup, html};
use sextant_core::checks::Finding;
use sextant_core::model::PlanDoc;

use super::OrgPage;

/// A finding as a list item's content: its severity, the finding, what to do and the link.
pub fn item(org: &OrgPage, doc: &PlanDoc, f: &Finding) -> Markup {
    let a = sextant_ops::advice::advice(doc, f);
    html! {
        (super::severity(f.severity)) " " (a.message)
        @if !a.todo.is_empty() { " " (a.todo) }
        @if let Some((words, rel)) = &a.link { " " (org.fix_link(rel, words)) }
    }
}
