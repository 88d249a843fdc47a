//! SWOT and strategy: the four quadrants (strengths, weaknesses, opportunities, threats) and
//! the business strategy the technology serves (value proposition, differentiation, core
//! competencies), with a form that writes both single sections of the plan.
//!
//! Routes: `GET/POST /orgs/{org}/swot`, `GET /orgs/{org}/swot/edit`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Map, Value};
use sextant_core::model::{Strategy, Swot};
use sextant_store::{Change, Section as Part};

use super::Done;
use super::form::{Errors, Field, FormData, Kind};
use super::{OrgPage, PageResult, Section, Viewer, notice, render, render_status, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/swot", get(page).post(save))
        .route("/orgs/{org}/swot/edit", get(edit))
}

/// The four quadrants: field name, heading, what belongs there.
const QUADRANTS: [(&str, &str, &str); 4] = [
    (
        "strengths",
        "Strengths",
        "What the business does well, inside it",
    ),
    ("weaknesses", "Weaknesses", "What holds it back, inside it"),
    (
        "opportunities",
        "Opportunities",
        "What outside could help it grow",
    ),
    ("threats", "Threats", "What outside could harm it"),
];

/// The longest item of a list, in characters.
const MAX_ITEM: usize = 300;
/// The longest value proposition or differentiation, in characters.
const MAX_TEXT: usize = 2000;

fn items<'a>(swot: &'a Swot, name: &str) -> &'a [String] {
    match name {
        "strengths" => &swot.strengths,
        "weaknesses" => &swot.weaknesses,
        "opportunities" => &swot.opportunities,
        _ => &swot.threats,
    }
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let plan = org
        .require_plan(&state, "SWOT and strategy", Section::Strategy)
        .await?;
    let doc = plan.doc();
    let (swot, strategy) = (&doc.swot, &doc.strategy);
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p { a.button href=(org.url("swot/edit")) { "Edit the SWOT and strategy" } }
        }
        div.swot {
            @for (name, heading, what) in QUADRANTS {
                section aria-labelledby=(format!("q-{name}")) {
                    h2 id=(format!("q-{name}")) { (heading) }
                    p.muted { (what) }
                    @let list = items(swot, name);
                    @if list.is_empty() {
                        p { "None recorded." }
                    } @else {
                        ul { @for i in list { li { (i) } } }
                    }
                }
            }
        }
        section aria-labelledby="strategy" {
            h2 #strategy { "Strategy" }
            dl {
                dt { "Value proposition" }
                dd { (strategy.value_proposition.as_deref().unwrap_or("Not recorded.")) }
                dt { "Differentiation" }
                dd { (strategy.differentiation.as_deref().unwrap_or("Not recorded.")) }
                dt { "Core competencies" }
                dd {
                    @if strategy.core_competencies.is_empty() {
                        "None recorded."
                    } @else {
                        ul { @for c in &strategy.core_competencies { li { (c) } } }
                    }
                }
            }
        }
    };
    Ok(render(org.page(
        "SWOT and strategy",
        Section::Strategy,
        body,
    )))
}

/// The form's fields.
const FIELDS: [&str; 7] = [
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
    "value_proposition",
    "differentiation",
    "core_competencies",
];

/// The form's values by field: as stored, or as typed.
type Values = BTreeMap<&'static str, String>;

fn stored(swot: &Swot, strategy: &Strategy) -> Values {
    FIELDS
        .iter()
        .map(|&n| {
            let v = match n {
                "value_proposition" => strategy.value_proposition.clone().unwrap_or_default(),
                "differentiation" => strategy.differentiation.clone().unwrap_or_default(),
                "core_competencies" => strategy.core_competencies.join("\n"),
                q => items(swot, q).join("\n"),
            };
            (n, v)
        })
        .collect()
}

fn typed(f: &FormData) -> Values {
    FIELDS.iter().map(|&n| (n, f.get(n).to_string())).collect()
}

fn form(org: &OrgPage, v: &Values, errors: &Errors) -> Markup {
    let v = |n: &str| v.get(n).cloned().unwrap_or_default();
    html! {
        (errors.summary())
        form method="post" action=(org.url("swot")) {
            (org.viewer.csrf_field())
            fieldset {
                legend { "SWOT" }
                div.grid2 {
                    @for (name, heading, what) in QUADRANTS {
                        (Field::text(name, heading, v(name)).kind(Kind::Textarea)
                            .hint(what).render(errors))
                    }
                }
                p.hint { "One item per line." }
            }
            fieldset {
                legend { "Strategy" }
                (Field::text("value_proposition", "Value proposition", v("value_proposition"))
                    .kind(Kind::Textarea).hint("Why customers choose this business").render(errors))
                (Field::text("differentiation", "Differentiation", v("differentiation"))
                    .kind(Kind::Textarea)
                    .hint("How it stands apart, e.g. niche specialisation, customer experience, innovation")
                    .render(errors))
                (Field::text("core_competencies", "Core competencies", v("core_competencies"))
                    .kind(Kind::Textarea).hint("What it does better than others; one per line").render(errors))
            }
            button type="submit" { "Save" }
            " " a href=(org.url("swot")) { "Cancel" }
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let plan = org
        .require_plan(&state, "Edit the SWOT and strategy", Section::Strategy)
        .await?;
    let doc = plan.doc();
    let body = form(&org, &stored(&doc.swot, &doc.strategy), &Errors::new());
    Ok(render(org.page(
        "Edit the SWOT and strategy",
        Section::Strategy,
        body,
    )))
}

/// A list typed one item per line, each checked: not too long, not twice.
fn list(f: &FormData, name: &str, errors: &mut Errors) -> Vec<String> {
    let lines = f.lines(name);
    for (k, l) in lines.iter().enumerate() {
        if l.chars().count() > MAX_ITEM {
            errors.add(
                name,
                format!(
                    "line {}: at most {MAX_ITEM} characters an item, found {}",
                    k + 1,
                    l.chars().count()
                ),
            );
        } else if lines[..k].iter().any(|e| e.eq_ignore_ascii_case(l)) {
            errors.add(name, format!("line {}: `{l}` is listed twice", k + 1));
        }
    }
    lines
}

/// A text field, trimmed, checked for length.
fn text(f: &FormData, name: &str, errors: &mut Errors) -> Option<String> {
    let t = f.opt(name)?;
    if t.chars().count() > MAX_TEXT {
        errors.add(
            name,
            format!("at most {MAX_TEXT} characters, found {}", t.chars().count()),
        );
    }
    Some(t)
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(render_status(
            StatusCode::NOT_FOUND,
            org.page(
                "Edit the SWOT and strategy",
                Section::Strategy,
                super::no_plan(&org, ""),
            ),
        ));
    };
    let mut errors = Errors::new();
    let mut swot = Map::new();
    for (name, _, _) in QUADRANTS {
        swot.insert(name.into(), Value::from(list(&f, name, &mut errors)));
    }
    let mut strategy = Map::new();
    for name in ["value_proposition", "differentiation"] {
        if let Some(t) = text(&f, name, &mut errors) {
            strategy.insert(name.into(), Value::from(t));
        }
    }
    strategy.insert(
        "core_competencies".into(),
        Value::from(list(&f, "core_competencies", &mut errors)),
    );
    if errors.is_empty() {
        let doc = plan.doc();
        let changes = [
            (
                Part::Swot,
                Value::Object(swot),
                serde_json::to_value(&doc.swot),
            ),
            (
                Part::Strategy,
                Value::Object(strategy),
                serde_json::to_value(&doc.strategy),
            ),
        ];
        let mut saved = None;
        for (part, body, before) in changes {
            // Only what changed is written (and kept in the history).
            if before.ok().as_ref() == Some(&body) {
                continue;
            }
            match state
                .store
                .change_plan(&org.scope, Change::Put(part, String::new(), body))
                .await
            {
                Ok(_) => saved = Some(part),
                Err(e) => {
                    errors.from_api(ApiError::from(e), &FIELDS, &[]);
                    if saved == Some(Part::Swot) {
                        errors.general("The SWOT was saved; the strategy was not.");
                    }
                    break;
                }
            }
        }
        if errors.is_empty() {
            return Ok(see_other(&format!("{}?done=saved", org.url("swot"))));
        }
    }
    let body = form(&org, &typed(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Edit the SWOT and strategy", Section::Strategy, body),
    ))
}
