//! Reviews: the records of review meetings kept beside the plan (date, title, attendees, the
//! KPIs looked at, the decisions taken, notes), newest first, each KPI with its latest value
//! and a link to its page; forms to record, change and delete a review.
//!
//! Routes: `GET/POST /orgs/{org}/reviews`, `GET /orgs/{org}/reviews/new`,
//! `GET/POST /orgs/{org}/reviews/{id}`, `POST /orgs/{org}/reviews/{id}/delete`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value};
use sextant_core::model::Date;
use sextant_store::{Change, Review, Section as Part, StoreError};

use super::Done;
use super::compute::{self, Analysed};
use super::form::{Errors, Field, FormData, Kind, url_encode};
use super::goals::{kpi_info, kpi_url, show, slug};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, notice, render, render_status, see_other,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/reviews", get(list).post(create))
        .route("/orgs/{org}/reviews/new", get(new_form))
        .route("/orgs/{org}/reviews/{id}", get(edit_form).post(save))
        .route("/orgs/{org}/reviews/{id}/delete", post(delete))
}

/// Every review of the organisation with its key, newest first.
async fn reviews(state: &AppState, org: &OrgPage) -> Result<Vec<(String, Review)>, PageError> {
    let mut out: Vec<(String, Review)> = super::all_entities(state, org, Part::Reviews)
        .await?
        .into_iter()
        .map(|e| (e.key, serde_json::from_value(e.body).unwrap_or_default()))
        .collect();
    out.sort_by(|(ka, a), (kb, b)| b.date.cmp(&a.date).then(kb.cmp(ka)));
    Ok(out)
}

/// The review `key`, or 404.
async fn review(state: &AppState, org: &OrgPage, key: &str) -> Result<Review, PageError> {
    let e = state
        .store
        .entity(&org.scope, Part::Reviews, key)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                PageError::NotFound(format!("review `{key}`: there is no such review"))
            }
            other => other.into(),
        })?;
    Ok(serde_json::from_value(e.body).unwrap_or_default())
}

fn review_url(org: &OrgPage, key: &str) -> String {
    org.url(&format!("reviews/{}", url_encode(key)))
}

/// A KPI's name and latest value with its month, as the analysis knows them.
fn latest(a: Option<&Analysed>, kpi: &str) -> (String, Option<(String, String)>) {
    let Some(a) = a else {
        return (kpi.to_string(), None);
    };
    let info = kpi_info(&a.plan, kpi);
    let last = a
        .series
        .get(kpi)
        .and_then(|s| s.iter().next_back())
        .map(|(m, v)| (show(*v, &info.scale), m.to_string()));
    (info.name, last)
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let all = reviews(&state, &org).await?;
    let a = compute::analysed(&state, &org).await?;
    let body = html! {
        (notice(q.done.as_deref()))
        p { "The records of review meetings: the KPIs looked at and the decisions taken." }
        @if org.can_edit() {
            p { a.button href=(org.url("reviews/new")) { "Record a review" } }
        }
        @if all.is_empty() {
            p { "No review has been recorded yet." }
        }
        @for (key, r) in &all {
            @let anchor = format!("r-{}", slug(key, 80));
            article.card aria-labelledby=(anchor) {
                h2 id=(anchor) { (r.date) " – " (r.title) }
                @if !r.attendees.is_empty() {
                    p { "Attendees: " (r.attendees.join(", ")) }
                }
                @if !r.kpis.is_empty() {
                    div.scroll { table {
                        caption { "KPIs looked at" }
                        thead { tr {
                            th scope="col" { "KPI" }
                            th scope="col" .num { "Latest value" }
                            th scope="col" { "Month" }
                        } }
                        tbody {
                            @for k in &r.kpis {
                                @let (name, last) = latest(a.as_deref(), k);
                                tr {
                                    th scope="row" { a href=(kpi_url(&org, k)) { (name) } }
                                    @if let Some((v, m)) = last {
                                        td.num { (v) } td { (m) }
                                    } @else {
                                        td.num { "no data" } td { "–" }
                                    }
                                }
                            }
                        }
                    } }
                }
                @if !r.decisions.is_empty() {
                    h3 { "Decisions" }
                    ul { @for d in &r.decisions { li { (d) } } }
                }
                @if let Some(n) = r.notes.as_deref().filter(|n| !n.trim().is_empty()) {
                    h3 { "Notes" }
                    @for line in n.lines().filter(|l| !l.trim().is_empty()) { p { (line) } }
                }
                @if org.can_edit() {
                    p { a href=(review_url(&org, key)) { "Change or delete this review" } }
                }
            }
        }
    };
    Ok(render(org.page("Reviews", Section::Reviews, body)))
}

/// The form's fields (`kpis` is a group of check boxes).
const FIELDS: [&str; 6] = ["date", "title", "attendees", "kpis", "decisions", "notes"];

/// The form's values: the text fields, and the KPIs ticked.
struct Values {
    text: BTreeMap<&'static str, String>,
    kpis: Vec<String>,
}

impl Values {
    fn of(r: &Review) -> Values {
        let mut text = BTreeMap::new();
        text.insert("date", r.date.clone());
        text.insert("title", r.title.clone());
        text.insert("attendees", r.attendees.join("\n"));
        text.insert("decisions", r.decisions.join("\n"));
        text.insert("notes", r.notes.clone().unwrap_or_default());
        Values {
            text,
            kpis: r.kpis.clone(),
        }
    }

    fn typed(f: &FormData) -> Values {
        Values {
            text: FIELDS.iter().map(|&n| (n, f.get(n).to_string())).collect(),
            kpis: f.all("kpis"),
        }
    }
}

/// The KPIs that can be ticked: those measured, and those the review names already.
fn kpi_choices(a: Option<&Analysed>, named: &[String]) -> Vec<String> {
    let mut out: Vec<String> = a
        .map(|a| a.series.keys().cloned().collect())
        .unwrap_or_default();
    for k in named {
        if !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

fn form(
    org: &OrgPage,
    a: Option<&Analysed>,
    editing: Option<(&str, &Review)>,
    v: &Values,
    errors: &Errors,
) -> Markup {
    let t = |n: &str| v.text.get(n).cloned().unwrap_or_default();
    let action = match editing {
        Some((key, _)) => review_url(org, key),
        None => org.url("reviews"),
    };
    let named = editing.map_or(&[][..], |(_, r)| r.kpis.as_slice());
    let choices = kpi_choices(a, named);
    let kpi_errors = errors.of("kpis");
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            div.row {
                (Field::text("date", "Date", t("date")).kind(Kind::Date).required()
                    .hint("YYYY-MM-DD").render(errors))
                (Field::text("title", "Title", t("title")).required()
                    .hint("e.g. Quarterly review").render(errors))
            }
            (Field::text("attendees", "Attendees", t("attendees")).kind(Kind::Textarea)
                .hint("One per line").render(errors))
            fieldset class=[(!kpi_errors.is_empty()).then_some("invalid")]
                aria-describedby=[(!kpi_errors.is_empty()).then_some("f-kpis-error")] {
                legend { "KPIs looked at" }
                @if choices.is_empty() {
                    p { "No KPI is measured yet. "
                        a href=(org.url("data")) { "Import data on the Data page" } " to look at KPIs here." }
                }
                @for (i, k) in choices.iter().enumerate() {
                    @let (name, last) = latest(a, k);
                    @let id = format!("f-kpis-{i}");
                    div.field {
                        label.check for=(id) {
                            input type="checkbox" id=(id) name="kpis" value=(k) checked[v.kpis.contains(k)];
                            " " (name)
                            @if let Some((value, month)) = last { span.muted { " – " (value) " in " (month) } }
                        }
                    }
                }
                @if !kpi_errors.is_empty() {
                    p.field-error id="f-kpis-error" { @for m in kpi_errors { (m) " " } }
                }
            }
            (Field::text("decisions", "Decisions", t("decisions")).kind(Kind::Textarea)
                .hint("One per line").render(errors))
            (Field::text("notes", "Notes", t("notes")).kind(Kind::Textarea).render(errors))
            button type="submit" { @if editing.is_some() { "Save the review" } @else { "Record the review" } }
            " " a href=(org.url("reviews")) { "Cancel" }
        }
    }
}

/// Reads the form into a review in its stored shape, its messages beside the fields.
fn read(f: &FormData, id: &str, choices: &[String], errors: &mut Errors) -> Value {
    let mut r = Map::new();
    r.insert("id".into(), Value::from(id));
    let date = f.required("date", errors);
    if !date.is_empty() && Date::parse(&date).is_none() {
        errors.add(
            "date",
            format!("expected a calendar date YYYY-MM-DD, found `{date}`"),
        );
    }
    r.insert("date".into(), Value::from(date));
    r.insert("title".into(), Value::from(f.required("title", errors)));
    r.insert("attendees".into(), Value::from(f.lines("attendees")));
    let mut kpis: Vec<String> = Vec::new();
    for k in f.all("kpis") {
        if !choices.contains(&k) {
            errors.add("kpis", format!("`{k}` is not a KPI measured here"));
        } else if !kpis.contains(&k) {
            kpis.push(k);
        }
    }
    r.insert("kpis".into(), Value::from(kpis));
    r.insert("decisions".into(), Value::from(f.lines("decisions")));
    if let Some(n) = f.opt("notes") {
        r.insert("notes".into(), Value::from(n));
    }
    Value::Object(r)
}

async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let a = compute::analysed(&state, &org).await?;
    let values = Values::of(&Review::default());
    let body = form(&org, a.as_deref(), None, &values, &Errors::new());
    Ok(render(org.page("Record a review", Section::Reviews, body)))
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::analysed(&state, &org).await?;
    let existing = reviews(&state, &org).await?;
    // The id: the date and the title's words, numbered when taken.
    let base = match slug(&format!("{} {}", f.get("date"), f.get("title")), 60) {
        s if s.is_empty() => "review".to_string(),
        s => s,
    };
    let mut id = base.clone();
    let mut n = 1;
    while existing.iter().any(|(k, _)| *k == id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    let mut errors = Errors::new();
    let body = read(&f, &id, &kpi_choices(a.as_deref(), &[]), &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Create(Part::Reviews, body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=created", org.url("reviews")))),
            Err(e) => errors.from_api(ApiError::from(e), &FIELDS, &[]),
        }
    }
    let page = form(&org, a.as_deref(), None, &Values::typed(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Record a review", Section::Reviews, page),
    ))
}

/// A review's page: its form and delete button for an editor, its record for a viewer.
fn review_page(
    org: &OrgPage,
    a: Option<&Analysed>,
    key: &str,
    r: &Review,
    v: &Values,
    errors: &Errors,
) -> Markup {
    html! {
        @if org.can_edit() {
            (form(org, a, Some((key, r)), v, errors))
            section aria-labelledby="delete" {
                h2 #delete { "Delete this review" }
                form method="post" action=(format!("{}/delete", review_url(org, key))) {
                    (org.viewer.csrf_field())
                    button.danger type="submit" data-confirm=(format!("Delete the review “{}” of {}?", r.title, r.date)) { "Delete the review" }
                }
            }
        } @else {
            dl {
                dt { "Date" } dd { (r.date) }
                dt { "Attendees" } dd { (if r.attendees.is_empty() { "–".to_string() } else { r.attendees.join(", ") }) }
                dt { "KPIs looked at" }
                dd {
                    @if r.kpis.is_empty() { "–" }
                    ul { @for k in &r.kpis { li { a href=(kpi_url(org, k)) { (latest(a, k).0) } } } }
                }
                dt { "Decisions" }
                dd { ul { @for d in &r.decisions { li { (d) } } } }
                @if let Some(n) = &r.notes { dt { "Notes" } dd { (n) } }
            }
        }
        p { a href=(org.url("reviews")) { "Back to the reviews" } }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let r = review(&state, &org, &key).await?;
    let a = compute::analysed(&state, &org).await?;
    let body = review_page(
        &org,
        a.as_deref(),
        &key,
        &r,
        &Values::of(&r),
        &Errors::new(),
    );
    Ok(render(org.page(
        &format!("Review: {}", r.title),
        Section::Reviews,
        body,
    )))
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let r = review(&state, &org, &key).await?;
    let a = compute::analysed(&state, &org).await?;
    let mut errors = Errors::new();
    let body = read(&f, &key, &kpi_choices(a.as_deref(), &r.kpis), &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Put(Part::Reviews, key.clone(), body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("reviews")))),
            Err(e) => errors.from_api(ApiError::from(e), &FIELDS, &[]),
        }
    }
    let page = review_page(&org, a.as_deref(), &key, &r, &Values::typed(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&format!("Review: {}", r.title), Section::Reviews, page),
    ))
}

async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    review(&state, &org, &key).await?;
    state
        .store
        .change_plan(&org.scope, Change::Delete(Part::Reviews, key))
        .await?;
    Ok(see_other(&format!("{}?done=deleted", org.url("reviews"))))
}
