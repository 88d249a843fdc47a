//! The goal-by-initiative matrix (`/orgs/{org}/matrix`): how strongly each initiative and
//! each current system serves each goal (0 none to 3 strong), each row's alignment score, which
//! goals nothing serves, and the share of goals technology enables, as `sextant analyze`
//! reports them. An editor changes every cell in one form; the initiatives' `contributes` and
//! the systems' `supports` change together in one checked change of the plan, so nothing is
//! half-saved.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde_json::Value;
use sextant_core::unit as format;
use sextant_store::{Change, Section as Part};

use super::Done;
use super::compute::{self, Analysed};
use super::form::{Errors, FormData, read_goal_strengths};
use super::{OrgPage, PageResult, Section, Viewer, notice, render, render_status, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The matrix's routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/orgs/{org}/matrix", get(page).post(save))
}

/// The strengths in words, as the select shows them.
const STRENGTHS: [&str; 4] = ["none", "weak", "clear", "strong"];

/// The form field of a row's cell: `initiative:pos.online-sales`.
fn key(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a =
        compute::require_analysed(&state, &org, "Goals and initiatives", Section::Goals).await?;
    let body = html! {
        (notice(q.done.as_deref()))
        (matrix(&org, &a, None, &Errors::new()))
    };
    Ok(render(org.page(
        "Goals and initiatives",
        Section::Goals,
        body,
    )))
}

/// The matrix: a form of selects for an editor (with `posted` values after a refusal), a table
/// of figures for a viewer.
fn matrix(org: &OrgPage, a: &Analysed, posted: Option<&FormData>, errors: &Errors) -> Markup {
    let an = &a.analysis;
    let doc = a.plan.doc();
    let covered = an.goals.iter().filter(|g| g.covered).count();
    let name_of = |kind: &str, id: &str| -> String {
        if kind == "system" {
            doc.systems
                .iter()
                .find(|s| s.id.as_str() == id)
                .map_or(id.to_string(), |s| s.name.clone())
        } else {
            doc.initiatives
                .iter()
                .find(|i| i.id.as_str() == id)
                .map_or(id.to_string(), |i| i.title.clone())
        }
    };
    let goal_title = |id: &str| {
        doc.goals
            .iter()
            .find(|g| g.id.as_str() == id)
            .map_or(id.to_string(), |g| g.title.clone())
    };
    let edit = org.can_edit();
    let table = html! {
        div.scroll tabindex="0" { table.matrix {
            caption { "How strongly each initiative and system serves each goal: 0 none, 1 weak, 2 clear, 3 strong" }
            thead { tr {
                th scope="col" { "Initiative or system" }
                @for g in &an.matrix.goals { th scope="col" { (goal_title(g)) } }
                th scope="col" class="num" { "Alignment" }
            } }
            tbody {
                @for r in &an.matrix.rows {
                    @let name = name_of(r.kind, &r.id);
                    tr {
                        th scope="row" {
                            @if r.kind == "system" {
                                a href=(org.url(&format!("systems/{}", r.id))) { (name) } span.muted { " (system)" }
                            } @else {
                                a href=(org.url(&format!("initiatives/{}", r.id))) { (name) }
                            }
                        }
                        @for (g, s) in an.matrix.goals.iter().zip(&r.strengths) {
                            @if edit {
                                @let field = format!("{}.{g}", key(r.kind, &r.id));
                                @let value = posted.map_or_else(|| s.to_string(), |f| f.get(&field).to_string());
                                @let msgs = errors.of(&field);
                                td.invalid[!msgs.is_empty()] {
                                    label.visually-hidden for=(format!("f-{field}")) { (name) ", " (goal_title(g)) }
                                    select id=(format!("f-{field}")) name=(field) aria-invalid=[(!msgs.is_empty()).then_some("true")] {
                                        @for (k, w) in STRENGTHS.iter().enumerate() {
                                            option value=(k) selected[value == k.to_string()] { (k) " " (w) }
                                        }
                                    }
                                    @for m in msgs { p.field-error { (m) } }
                                }
                            } @else {
                                td.num { @if *s == 0 { span.muted { "–" } } @else { (s) " " (STRENGTHS[usize::from(*s).min(3)]) } }
                            }
                        }
                        td.num { (format::percent(r.alignment_score, 0)) }
                    }
                }
            }
            tfoot { tr {
                th scope="row" { "Served?" }
                @for g in &an.matrix.goals {
                    @let c = an.goals.iter().find(|x| x.id == *g);
                    td { @if c.is_some_and(|c| c.covered) { "Yes" } @else { strong { "No" } } }
                }
                td {}
            } }
        } }
    };
    html! {
        p { (covered) " of " (an.goals.len()) " goals have an initiative working toward them ("
            (format::percent(an.goals_enabled_share, 0)) " of the goals' weight). The portfolio's alignment is "
            (format::percent(an.portfolio_alignment, 0)) "." }
        @let unserved: Vec<_> = an.goals.iter().filter(|g| !g.covered).collect();
        @if !unserved.is_empty() {
            p.warning { "Nothing serves "
                @for (k, g) in unserved.iter().enumerate() {
                    @if k > 0 { ", " } "\u{201c}" (g.title) "\u{201d}"
                }
                ": give an initiative a strength of 2 or 3 for it below, or "
                a href=(org.url("initiatives/new")) { "add an initiative" } " that serves it." }
        }
        @if an.matrix.rows.is_empty() || an.matrix.goals.is_empty() {
            p { "The matrix needs goals and initiatives. "
                a href=(org.url("goals/new")) { "Add a goal" } " or "
                a href=(org.url("initiatives/new")) { "an initiative" } "." }
        } @else if edit {
            (errors.summary())
            form method="post" action=(org.url("matrix")) {
                (org.viewer.csrf_field())
                (table)
                button type="submit" { "Save the matrix" }
            }
        } @else {
            (table)
        }
    }
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a =
        compute::require_analysed(&state, &org, "Goals and initiatives", Section::Goals).await?;
    let doc = a.plan.doc();
    let stored = serde_json::to_value(doc).unwrap_or(Value::Null);
    let mut errors = Errors::new();
    let mut lists = Vec::new();
    for (part, kind, field) in [
        (Part::Initiatives, "initiative", "contributes"),
        (Part::Systems, "system", "supports"),
    ] {
        let mut items = stored[part.name()].as_array().cloned().unwrap_or_default();
        for item in &mut items {
            let Some(id) = item["id"].as_str().map(str::to_string) else {
                continue;
            };
            let prefix = key(kind, &id);
            // A row the form did not send (added since the page was drawn) stays as it was.
            if !doc
                .goals
                .iter()
                .any(|g| f.sent(&format!("{prefix}.{}", g.id)))
            {
                continue;
            }
            let before = item.get(field).cloned();
            item[field] =
                read_goal_strengths(&prefix, &doc.goals, &f, before.as_ref(), &mut errors);
        }
        lists.push((part, Value::Array(items)));
    }
    if errors.is_empty() {
        let changed = lists.iter().any(|(p, v)| stored[p.name()] != *v);
        if !changed {
            return Ok(see_other(&format!("{}?done=saved", org.url("matrix"))));
        }
        match state
            .store
            .change_plan(&org.scope, Change::Sections(lists))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("matrix")))),
            Err(e) => errors.from_api(ApiError::from(e), &[], &[]),
        }
    }
    let body = matrix(&org, &a, Some(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Goals and initiatives", Section::Goals, body),
    ))
}
