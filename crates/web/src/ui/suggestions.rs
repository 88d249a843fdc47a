//! Suggested changes ([`sextant_core::suggest`]) on the pages: listed with why, each a check
//! box, and added to the plan with one button. Shown on the guided start's last step and on the
//! Initiatives page; `POST /orgs/{org}/suggestions` adds the ones ticked, read again from the
//! plan as it is stored (a posted id names a suggestion, never its content), all in one change.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use maud::{Markup, html};
use serde_json::Value;
use sextant_core::suggest::Suggestion;

use super::form::FormData;
use super::{OrgPage, PageError, PageResult, Viewer, see_other};
use crate::AppState;
use crate::extract::Path;

/// The route that adds suggestions.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/suggestions", post(add))
}

/// Where the form goes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// The guided start's last step.
    Start,
    /// The Initiatives page.
    Initiatives,
}

impl Back {
    fn name(self) -> &'static str {
        match self {
            Back::Start => "start",
            Back::Initiatives => "initiatives",
        }
    }

    fn parse(s: &str) -> Back {
        if s == "start" {
            Back::Start
        } else {
            Back::Initiatives
        }
    }

    fn path(self) -> &'static str {
        match self {
            Back::Start => "start/initiatives",
            Back::Initiatives => "initiatives",
        }
    }
}

/// A suggestion's figures in words: one-time cost (its range), a year's cost, months, hours.
fn figures(s: &Suggestion, currency: &str) -> String {
    let money = |v: &Value| sextant_core::unit::money(v.as_f64().unwrap_or_default(), currency);
    let i = &s.initiative;
    let one_time = match &i["one_time_cost"] {
        Value::Object(o) => format!(
            "{} to set up (from {} to {})",
            money(&o["likely"]),
            money(&o["low"]),
            money(&o["high"])
        ),
        v => format!("{} to set up", money(v)),
    };
    let months = i["duration_months"].as_u64().unwrap_or(1);
    format!(
        "{one_time}, {} a year, {months} month{}, {} hours a month of your people's time",
        money(&i["recurring_cost_annual"]),
        if months == 1 { "" } else { "s" },
        i["effort_hours_per_month"].as_u64().unwrap_or_default()
    )
}

/// The suggestions for the organisation's plan, as a section with its form (nothing for a
/// viewer, or when there is nothing to suggest).
pub fn section(org: &OrgPage, plan: &sextant_core::Plan, back: Back) -> Markup {
    if !org.can_edit() {
        return html! {};
    }
    let list = sextant_core::suggest::suggest(plan);
    if list.is_empty() {
        return html! {};
    }
    let currency = &plan.doc().organization.currency;
    html! {
        section aria-labelledby="suggested-h" {
            h2 #suggested-h { "Suggested changes" }
            p { "From your goals and the gaps in your systems. Tick the ones to add: their figures are starting points, to correct on each change's page." }
            form method="post" action=(org.url("suggestions")) {
                (org.viewer.csrf_field())
                input type="hidden" name="back" value=(back.name());
                @for (k, s) in list.iter().enumerate() {
                    div.field.suggestion {
                        label.check for=(format!("f-suggest-{k}")) {
                            input type="checkbox" id=(format!("f-suggest-{k}")) name="suggest" value=(s.id());
                            " " strong { (s.title()) }
                        }
                        p.hint { (s.why) }
                        p.hint { (figures(s, currency)) }
                    }
                }
                button type="submit" { "Add the ticked changes" }
            }
        }
    }
}

async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let back = Back::parse(f.get("back"));
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let chosen = f.all("suggest");
    let adding: Vec<Value> = sextant_core::suggest::suggest(&plan)
        .into_iter()
        .filter(|s| chosen.iter().any(|c| c == s.id()))
        .map(|s| s.initiative)
        .collect();
    if adding.is_empty() {
        return Ok(see_other(&format!("{}?done=none", org.url(back.path()))));
    }
    crate::assessments::append_initiatives(&state, &org.scope, &plan, adding)
        .await
        .map_err(|e| PageError::Internal(format!("adding suggestions: {}", e.detail())))?;
    Ok(see_other(&format!("{}?done=added", org.url(back.path()))))
}
