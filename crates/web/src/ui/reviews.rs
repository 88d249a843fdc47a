//! Reviews: when the next review is due and its agenda (prepared from what changed since the
//! last one, `sextant_core::review`), the actions still open with their status, and the records
//! of review meetings kept beside the plan (date, title, attendees, the KPIs looked at, the
//! decisions taken, the actions agreed, notes), newest first, each KPI with its latest value and
//! a link to its page; forms to record, change and delete a review, to set an action's status
//! and the rhythm of reviews. On each review's page, the client's answers: every member (a
//! viewer is the client) approves or declines each change proposed and the budget, with a
//! comment; an editor pins an approved change on the roadmap. The packs handed over are kept
//! with the review, to be downloaded again unchanged.
//!
//! Routes: `GET/POST /orgs/{org}/reviews`, `GET /orgs/{org}/reviews/new`,
//! `GET/POST /orgs/{org}/reviews/{id}`, `POST /orgs/{org}/reviews/{id}/delete`,
//! `POST /orgs/{org}/reviews/{id}/actions/{n}`, `POST /orgs/{org}/reviews/{id}/answers`,
//! `POST /orgs/{org}/reviews/{id}/pin/{initiative}`, `POST /orgs/{org}/reviews/{id}/packs`,
//! `POST /orgs/{org}/reviews/{id}/packs/{n}/delete`, `POST /orgs/{org}/review-rhythm`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value};
use sextant_core::asset::long_date;
use sextant_core::health::Review as Next;
use sextant_core::model::Date;
use sextant_core::review::{About, Action, Agenda, Answer, Status, Topic, Verdict};
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
        .route("/orgs/{org}/reviews/{id}/actions/{n}", post(set_action))
        .route("/orgs/{org}/reviews/{id}/answers", post(post_answer))
        .route("/orgs/{org}/reviews/{id}/pin/{initiative}", post(post_pin))
        .route("/orgs/{org}/reviews/{id}/packs", post(post_pack))
        .route(
            "/orgs/{org}/reviews/{id}/packs/{n}/delete",
            post(delete_pack),
        )
        .route("/orgs/{org}/review-rhythm", post(set_rhythm))
}

/// The rhythms offered, in months.
const RHYTHMS: [(u32, &str); 6] = [
    (1, "Every month"),
    (2, "Every 2 months"),
    (3, "Every quarter (3 months)"),
    (4, "Every 4 months"),
    (6, "Every 6 months"),
    (12, "Once a year"),
];

/// Actions rows offered blank under those a review has.
const BLANK_ACTIONS: usize = 3;

/// Actions a review form reads at most.
const MAX_ACTIONS: usize = 100;

fn topic_label(t: Topic) -> &'static str {
    match t {
        Topic::Action => "Action",
        Topic::Decision => "Decision",
        Topic::Answer => "Client's answer",
        Topic::Kpi => "KPI",
        Topic::Goal => "Goal",
        Topic::Assessment => "Assessment",
        Topic::Lifecycle => "Devices and software",
    }
}

fn status_options() -> Vec<(String, String)> {
    Status::ALL
        .iter()
        .map(|s| (s.word().to_string(), s.label().to_string()))
        .collect()
}

/// When the next review is due, the rhythm's form, the agenda and the open actions.
fn agenda_part(org: &OrgPage, ag: &Agenda, errors: &Errors) -> Markup {
    let rhythm: Vec<(String, String)> = RHYTHMS
        .iter()
        .map(|(n, l)| (n.to_string(), l.to_string()))
        .collect();
    html! {
        section.card aria-labelledby="next-review" {
            h2 #next-review { "The next review" }
            p { a href=(org.url("summary")) { "The summary for the owner" } " to hand out at it: the plan in plain words, with the decisions to take." }
            (super::summary::downloads(org))
            @match ag.next {
                Next::Overdue { by } => p { span.badge.bad { "Overdue" } " A review was due by " (long_date(by)) ". Record it below once it is held." },
                Next::Due { by } => p { "The next review is due by " strong { (long_date(by)) } "." },
            }
            p.muted {
                @match &ag.last {
                    Some(l) => { "The last one was on " (long_date(l.date)) ": " (l.title) ". " }
                    None => { "No review has been held yet. " }
                }
                "Reviews are held " (RHYTHMS.iter().find(|(n, _)| *n == ag.every_months).map_or("every few months".to_string(), |(_, l)| l.to_lowercase()))
                ", counted from the start of your financial year."
            }
            @if org.can_edit() {
                form method="post" action=(org.url("review-rhythm")) {
                    (org.viewer.csrf_field())
                    div.row {
                        (Field::text("review_every_months", "How often reviews are held", ag.every_months.to_string()).kind(Kind::Select(rhythm)).render(errors))
                    }
                    button type="submit" { "Save the rhythm" }
                }
            }
        }
        section.card aria-labelledby="agenda" {
            h2 #agenda { "Agenda for the next review" }
            p.muted { "Prepared from what changed since " (long_date(ag.since)) ": open actions, the last decisions, KPIs that moved, goals off track, new assessments and devices going out of support." }
            @if ag.items.is_empty() {
                p { "Nothing has changed since then. Import this month's figures on the Data page to see how the KPIs moved." }
            } @else {
                ul.agenda {
                    @for it in &ag.items {
                        li { span.badge { (topic_label(it.topic)) } " " a href=(org.url(&it.link)) { (it.text) } }
                    }
                }
            }
        }
        section.card aria-labelledby="open-actions" {
            h2 #open-actions { "Open actions" }
            @if ag.actions.is_empty() {
                p { "No action is open. Actions agreed at a review appear here until they are done." }
            } @else {
                div.scroll tabindex="0" { table {
                    caption { "Actions not done yet, overdue first" }
                    thead { tr {
                        th scope="col" { "Action" }
                        th scope="col" { "Who" }
                        th scope="col" { "Due" }
                        th scope="col" { "Agreed at" }
                        th scope="col" { "Status" }
                    } }
                    tbody {
                        @for (k, a) in ag.actions.iter().enumerate() {
                            tr {
                                th scope="row" { (a.action.title) }
                                td { (a.action.owner.clone().unwrap_or_else(|| "–".into())) }
                                td {
                                    (a.action.due.map_or("–".to_string(), long_date))
                                    @if a.overdue { " " span.badge.bad { "Overdue" } }
                                }
                                td {
                                    a href=(review_url(org, &a.review)) { (long_date(a.review_date)) }
                                    @if a.carried_over > 0 { span.muted { " (carried over " (a.carried_over) (if a.carried_over == 1 { " time" } else { " times" }) ")" } }
                                }
                                td {
                                    @if org.can_edit() {
                                        form.inline method="post" action=(format!("{}/actions/{}", review_url(org, &a.review), a.index)) {
                                            (org.viewer.csrf_field())
                                            label.visually-hidden for=(format!("status-{k}")) { "Status of “" (a.action.title) "”" }
                                            select id=(format!("status-{k}")) name="status" {
                                                @for s in Status::ALL {
                                                    option value=(s.word()) selected[s == a.action.status] { (s.label()) }
                                                }
                                            }
                                            " " button type="submit" { "Save" }
                                        }
                                    } @else {
                                        (a.action.status.label())
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

async fn set_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key, n)): Path<(String, String, usize)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let status = crate::reviews::status_of(f.get("status")).map_err(PageError::from)?;
    crate::reviews::set_status(&state, &org.scope, &key, n, status)
        .await
        .map_err(PageError::from)?;
    Ok(see_other(&format!(
        "{}?done=saved#open-actions",
        org.url("reviews")
    )))
}

async fn set_rhythm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let mut errors = Errors::new();
    let every = f.get("review_every_months").trim().to_string();
    match every.parse::<u32>() {
        Ok(n) if RHYTHMS.iter().any(|(m, _)| *m == n) => {
            let mut o = serde_json::to_value(&plan.doc().organization)
                .map_err(|e| PageError::Internal(e.to_string()))?;
            o["review_every_months"] = Value::from(n);
            state
                .store
                .change_plan(
                    &org.scope,
                    Change::Put(Part::Organization, String::new(), o),
                )
                .await?;
            return Ok(see_other(&format!("{}?done=saved", org.url("reviews"))));
        }
        _ => errors.add(
            "review_every_months",
            format!("expected 1, 2, 3, 4, 6 or 12 months, found “{every}”"),
        ),
    }
    let page = list_body(&state, &org, None, &errors).await?;
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Reviews", Section::Reviews, page),
    ))
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
        .map(|(m, v)| {
            (
                show(*v, &info.scale),
                sextant_core::calendar::month_words(*m),
            )
        });
    (info.name, last)
}

/// `value` of the KPI `kpi` written as its pages write it.
fn figure(a: Option<&Analysed>, kpi: &str, value: f64) -> String {
    match a {
        Some(a) => show(value, &kpi_info(&a.plan, kpi).scale),
        None => value.to_string(),
    }
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let body = list_body(&state, &org, q.done.as_deref(), &Errors::new()).await?;
    Ok(render(org.page("Reviews", Section::Reviews, body)))
}

async fn list_body(
    state: &AppState,
    org: &OrgPage,
    done: Option<&str>,
    errors: &Errors,
) -> Result<Markup, PageError> {
    let all = reviews(state, org).await?;
    let a = compute::analysed(state, org).await?;
    let today = super::today_date().unwrap_or_else(|| Date::from_days(0));
    let ag = crate::reviews::agenda_of(state, &org.scope, today).await?;
    Ok(html! {
        (notice(done))
        (errors.summary())
        (agenda_part(org, &ag, errors))
        h2 { "Reviews held" }
        p { "The records of review meetings: the KPIs looked at, the decisions taken and the actions agreed." }
        @if org.can_edit() {
            p { a.button href=(org.url("reviews/new")) { "Record a review" } }
        }
        @if all.is_empty() {
            p { "No review has been recorded yet." }
        }
        @for (key, r) in &all {
            @let anchor = format!("r-{}", slug(key, 80));
            article.card aria-labelledby=(anchor) {
                h2 id=(anchor) { (Date::parse(&r.date).map_or_else(|| r.date.clone(), long_date)) " – " (r.title) }
                @if !r.attendees.is_empty() {
                    p { "Attendees: " (r.attendees.join(", ")) }
                }
                @if !r.kpis.is_empty() {
                    div.scroll tabindex="0" { table {
                        caption { "KPIs looked at: as they stood at the review, and now" }
                        thead { tr {
                            th scope="col" { "KPI" }
                            th scope="col" .num { "At the review" }
                            th scope="col" { "Month" }
                            th scope="col" .num { "Latest" }
                            th scope="col" { "Month" }
                        } }
                        tbody {
                            @for k in &r.kpis {
                                @let (name, last) = latest(a.as_deref(), k);
                                @let then = r.snapshot.iter().find(|f| &f.kpi == k);
                                tr {
                                    th scope="row" { a href=(kpi_url(org, k)) { (name) } }
                                    @if let Some(f) = then {
                                        td.num { (figure(a.as_deref(), k, f.value)) } td { (sextant_core::calendar::month_words(f.month)) }
                                    } @else {
                                        td.num { "not recorded" } td { "–" }
                                    }
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
                @if !r.actions.is_empty() {
                    h3 { "Actions agreed" }
                    ul { @for x in &r.actions { li { (action_line(x)) } } }
                }
                @if let Some(n) = r.notes.as_deref().filter(|n| !n.trim().is_empty()) {
                    h3 { "Notes" }
                    @for line in n.lines().filter(|l| !l.trim().is_empty()) { p { (line) } }
                }
                @let approved = r.answers.iter().filter(|x| x.verdict == Verdict::Approved).count();
                p {
                    @if r.answers.is_empty() {
                        a href=(format!("{}#answers", review_url(org, key))) { "Answer what this review proposes" }
                    } @else {
                        "Answers: " (approved) " approved, " (r.answers.len() - approved) " declined. "
                        a href=(format!("{}#answers", review_url(org, key))) { "See or change the answers" }
                    }
                }
                @if org.can_edit() {
                    p { a href=(review_url(org, key)) { "Change or delete this review" } }
                }
            }
        }
    })
}

/// An action in a sentence: what, who, by when, its status.
fn action_line(a: &Action) -> String {
    let mut s = a.title.clone();
    if let Some(o) = &a.owner {
        s += &format!(" ({o})");
    }
    if let Some(d) = a.due {
        s += &format!(", due by {}", long_date(d));
    }
    s + &format!(": {}", a.status.label().to_lowercase())
}

/// The parts of an action's row, as its fields are named: `action_title_0`...
const ACTION_PARTS: [&str; 4] = ["title", "owner", "due", "status"];

/// The form's fields (`kpis` is a group of check boxes).
const FIELDS: [&str; 6] = ["date", "title", "attendees", "kpis", "decisions", "notes"];

/// The form's values: the text fields, and the KPIs ticked.
struct Values {
    text: BTreeMap<&'static str, String>,
    kpis: Vec<String>,
    /// Each action row: title, owner, due, status (as typed).
    actions: Vec<[String; 4]>,
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
            actions: r
                .actions
                .iter()
                .map(|a| {
                    [
                        a.title.clone(),
                        a.owner.clone().unwrap_or_default(),
                        a.due.map_or(String::new(), |d| d.to_string()),
                        a.status.word().to_string(),
                    ]
                })
                .collect(),
        }
    }

    fn typed(f: &FormData) -> Values {
        let mut actions: Vec<[String; 4]> = (0..MAX_ACTIONS)
            .map(|i| ACTION_PARTS.map(|p| f.get(&format!("action_{p}_{i}")).to_string()))
            .collect();
        while actions
            .last()
            .is_some_and(|r| r[..3].iter().all(|x| x.trim().is_empty()))
        {
            actions.pop();
        }
        Values {
            text: FIELDS.iter().map(|&n| (n, f.get(n).to_string())).collect(),
            kpis: f.all("kpis"),
            actions,
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
            fieldset {
                legend { "Actions agreed" }
                p.muted { "Who does what by when. An action stays on the agenda of every review until it is done." }
                @for (i, row) in v.actions.iter().cloned().chain(std::iter::repeat_n([String::new(), String::new(), String::new(), "open".to_string()], BLANK_ACTIONS)).enumerate() {
                    @let [title, owner, due, status] = row;
                    div.row {
                        (Field::text(&format!("action_title_{i}"), &format!("Action {}", i + 1), title).render(errors))
                        (Field::text(&format!("action_owner_{i}"), "Who", owner).render(errors))
                        (Field::text(&format!("action_due_{i}"), "Due by", due).kind(Kind::Date).render(errors))
                        (Field::text(&format!("action_status_{i}"), "Status", if status.is_empty() { "open".to_string() } else { status }).kind(Kind::Select(status_options())).render(errors))
                    }
                }
            }
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
    let mut actions = Vec::new();
    for i in 0..MAX_ACTIONS {
        let [title, owner, due, status] =
            ACTION_PARTS.map(|p| f.get(&format!("action_{p}_{i}")).trim().to_string());
        if title.is_empty() {
            if !owner.is_empty() || !due.is_empty() {
                errors.add(
                    &format!("action_title_{i}"),
                    "expected what is to be done: an action needs its title",
                );
            }
            continue;
        }
        let mut a = Map::new();
        a.insert("title".into(), Value::from(title));
        if !owner.is_empty() {
            a.insert("owner".into(), Value::from(owner));
        }
        if !due.is_empty() {
            if Date::parse(&due).is_none() {
                errors.add(
                    &format!("action_due_{i}"),
                    format!("expected a calendar date YYYY-MM-DD, found `{due}`"),
                );
            }
            a.insert("due".into(), Value::from(due));
        }
        match Status::parse(if status.is_empty() { "open" } else { &status }) {
            Some(s) => {
                a.insert("status".into(), Value::from(s.word()));
            }
            None => errors.add(
                &format!("action_status_{i}"),
                format!("expected open, in progress or done, found `{status}`"),
            ),
        }
        actions.push(Value::Object(a));
    }
    if !actions.is_empty() {
        r.insert("actions".into(), Value::from(actions));
    }
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
    let mut body = read(&f, &id, &kpi_choices(a.as_deref(), &[]), &mut errors);
    if errors.is_empty() {
        crate::reviews::with_snapshot(&mut body, a.as_deref().map(|a| &a.series), &[]);
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

/// A change the client is asked to answer: proposed (a candidate or planned) and on the
/// roadmap, or answered in this review already.
struct Proposal {
    id: String,
    title: String,
    /// Its start and costs, as the answer records them.
    shown: Option<String>,
    /// Its start is fixed and it is kept on the roadmap.
    pinned: bool,
    /// The month it would be pinned at (its start on the roadmap).
    start: Option<String>,
}

/// What a review asks the client to answer: the changes proposed, in the roadmap's order, and
/// the budget's next two years.
struct Proposals {
    changes: Vec<Proposal>,
    budget: Option<String>,
    /// The packs kept with the review.
    packs: Vec<sextant_store::KeptPack>,
}

async fn proposals(
    state: &AppState,
    org: &OrgPage,
    a: Option<&Analysed>,
    r: &Review,
) -> Result<Proposals, PageError> {
    let packs = state.store.kept_packs(&org.scope, &r.id).await?;
    let Some(a) = a else {
        return Ok(Proposals {
            changes: Vec::new(),
            budget: None,
            packs,
        });
    };
    let planned = compute::roadmap(state, org, a.plan.clone(), 1.0, None).await?;
    let doc = a.plan.doc();
    let open = |id: &str| {
        doc.initiatives
            .iter()
            .find(|x| x.id.as_str() == id)
            .is_some_and(|x| {
                matches!(
                    x.status,
                    sextant_core::model::Status::Candidate | sextant_core::model::Status::Planned
                )
            })
    };
    let mut ids: Vec<&str> = planned
        .roadmap
        .schedule
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| open(id))
        .collect();
    for x in &r.answers {
        if let Some(i) = x.initiative.as_deref()
            && !ids.contains(&i)
        {
            ids.push(i);
        }
    }
    let changes = ids
        .into_iter()
        .map(|id| {
            let x = doc.initiatives.iter().find(|x| x.id.as_str() == id);
            Proposal {
                id: id.to_string(),
                title: x.map_or_else(|| id.to_string(), |x| x.title.clone()),
                shown: sextant_ops::summary::shown_initiative(&a.plan, &planned.roadmap, id),
                pinned: x.is_some_and(|x| x.start.is_some() && x.mandatory),
                start: planned
                    .roadmap
                    .schedule
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| {
                        sextant_core::calendar::month_words(a.plan.month_at(e.start_month as i32))
                    }),
            }
        })
        .collect();
    let today = super::today_date().unwrap_or_else(|| Date::from_days(0));
    let budget = Some(
        crate::reviews::budget_shown(state, &org.scope, &a.plan, &planned.roadmap, today)
            .await
            .map_err(PageError::from)?,
    );
    Ok(Proposals {
        changes,
        budget,
        packs,
    })
}

/// The answer buttons for one subject: a comment and Approve / Decline.
fn answer_form(org: &OrgPage, key: &str, about: About, id: Option<&str>, name: &str) -> Markup {
    let field = format!(
        "comment-{}",
        id.map_or_else(|| "budget".to_string(), |i| slug(i, 60))
    );
    html! {
        form.answer method="post" action=(format!("{}/answers", review_url(org, key))) {
            (org.viewer.csrf_field())
            input type="hidden" name="about" value=(about.word());
            @if let Some(i) = id { input type="hidden" name="initiative" value=(i); }
            label for=(field) { "Comment on " (name) " (optional)" }
            textarea id=(field) name="comment" rows="2" maxlength=(crate::reviews::COMMENT_CHARS) {}
            p.buttons {
                button type="submit" name="verdict" value="approved" { "Approve " (name) }
                " "
                button.secondary type="submit" name="verdict" value="declined" { "Decline " (name) }
            }
        }
    }
}

/// The client's answers on a review's page: each change proposed and the budget, what was
/// answered (by whom, when, what they were shown) and the buttons to answer or change it.
fn answers_part(org: &OrgPage, key: &str, r: &Review, p: &Proposals) -> Markup {
    let answer_of = |about: About, id: Option<&str>| {
        r.answers
            .iter()
            .find(|x| x.about == about && x.initiative.as_deref() == id)
    };
    let said = |x: &Answer| {
        html! {
            p.answer {
                strong { (x.verdict.label()) } " by " (x.by) " on " (long_date(x.on))
                @if let Some(c) = x.comment.as_deref() { ": “" (c) "”" }
            }
            @if let Some(sh) = x.shown.as_deref() { p.muted { "What was shown then: " (sh) } }
        }
    };
    let approved = r
        .answers
        .iter()
        .filter(|x| x.verdict == Verdict::Approved)
        .count();
    let declined = r.answers.len() - approved;
    html! {
        section #answers aria-labelledby="answers-h" {
            h2 #answers-h { "Your answers to what this review proposes" }
            p { "Approve or decline each change proposed and the budget. Your name and today's date are kept with your answer, and what you were shown; you can change your answer later." }
            @if !r.answers.is_empty() {
                p role="status" { (approved) " approved, " (declined) " declined so far." }
            }
            @if p.changes.is_empty() && p.budget.is_none() {
                p { "Nothing is proposed: the roadmap has no change waiting for a decision." }
            }
            @for c in &p.changes {
                @let anchor = format!("answer-{}", slug(&c.id, 60));
                article.card aria-labelledby=(anchor) {
                    h3 id=(anchor) { a href=(org.url(&format!("initiatives/{}", url_encode(&c.id)))) { (c.title) } }
                    @if let Some(sh) = &c.shown { p { (sh) } }
                    @let x = answer_of(About::Initiative, Some(&c.id));
                    @if let Some(x) = x { (said(x)) } @else { p { "Not answered yet." } }
                    (answer_form(org, key, About::Initiative, Some(&c.id), &c.title))
                    @if org.can_edit() && x.is_some_and(|x| x.verdict == Verdict::Approved) {
                        @if c.pinned {
                            p { "Kept on the roadmap: its start is fixed." }
                        } @else if let Some(m) = &c.start {
                            form method="post" action=(format!("{}/pin/{}", review_url(org, key), url_encode(&c.id))) {
                                (org.viewer.csrf_field())
                                button.secondary type="submit" { "Keep it on the roadmap from " (m) }
                            }
                        }
                    }
                }
            }
            @if let Some(b) = &p.budget {
                article.card aria-labelledby="answer-budget" {
                    h3 #answer-budget { a href=(org.url("budget")) { "The budget" } }
                    p { (b) }
                    @if let Some(x) = answer_of(About::Budget, None) { (said(x)) } @else { p { "Not answered yet." } }
                    (answer_form(org, key, About::Budget, None, "the budget"))
                }
            }
        }
    }
}

/// The packs kept with a review: each to download as it was handed over, and (for an editor)
/// the form to keep one of today's figures and the buttons to delete.
fn packs_part(org: &OrgPage, key: &str, packs: &[sextant_store::KeptPack]) -> Markup {
    let api = format!(
        "/api/v1/orgs/{}/reviews/{}/packs",
        org.slug(),
        url_encode(key)
    );
    html! {
        section #packs aria-labelledby="packs-h" {
            h2 #packs-h { "Packs handed over" }
            p { "The review pack as it was given to the client, kept with this review: download it again unchanged, whatever has changed in the plan since." }
            @if packs.is_empty() {
                p { "No pack is kept with this review yet." }
            } @else {
                ul {
                    @for k in packs {
                        li {
                            a href=(format!("{api}/{}", k.id)) download { (k.name) }
                            " – " (if k.format == "slides" { "slides" } else { "document" })
                            ", " (format!("{:.0} KB", k.bytes as f64 / 1024.0))
                            ", made " (k.created_at.get(..10).unwrap_or(&k.created_at))
                            @if let Some(by) = &k.created_by { " by " (by) }
                            @if org.can_edit() {
                                " "
                                form.inline method="post" action=(format!("{}/packs/{}/delete", review_url(org, key), k.id)) {
                                    (org.viewer.csrf_field())
                                    button.secondary type="submit" data-confirm=(format!("Delete the kept pack {}?", k.name)) { "Delete" }
                                }
                            }
                        }
                    }
                }
            }
            @if org.can_edit() {
                form method="post" action=(format!("{}/packs", review_url(org, key))) {
                    (org.viewer.csrf_field())
                    label for="pack-format" { "Keep a pack of today's figures with this review" }
                    select #pack-format name="format" {
                        option value="pdf" { "Document (PDF)" }
                        option value="slides" { "Slides (PDF)" }
                    }
                    " "
                    button type="submit" { "Make and keep the pack" }
                }
            }
        }
    }
}

async fn post_pack(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let q = crate::summary::PackQuery {
        format: Some(f.get("format").to_string()),
        paper: None,
        parts: None,
        today: None,
    };
    let req = q.check().map_err(PageError::from)?;
    let today = super::today_date().unwrap_or_else(|| Date::from_days(0));
    crate::summary::keep(&state, &org.scope, &key, req, today)
        .await
        .map_err(PageError::from)?;
    Ok(see_other(&format!(
        "{}?done=kept#packs",
        review_url(&org, &key)
    )))
}

async fn delete_pack(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key, n)): Path<(String, String, i64)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    state.store.delete_kept_pack(&org.scope, &key, n).await?;
    Ok(see_other(&format!(
        "{}?done=deleted#packs",
        review_url(&org, &key)
    )))
}

async fn post_answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.viewer.check(f.csrf())?;
    let body = crate::reviews::AnswerBody {
        about: f.get("about").to_string(),
        initiative: Some(f.get("initiative").to_string()).filter(|i| !i.trim().is_empty()),
        verdict: f.get("verdict").to_string(),
        comment: Some(f.get("comment").to_string()),
        by: None,
    };
    crate::reviews::answer(&state, &org.scope, &org.viewer.user, &key, &body)
        .await
        .map_err(PageError::from)?;
    Ok(see_other(&format!(
        "{}?done=answered#answers",
        review_url(&org, &key)
    )))
}

async fn post_pin(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, key, initiative)): Path<(String, String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    crate::reviews::pin(&state, &org.scope, &initiative)
        .await
        .map_err(PageError::from)?;
    Ok(see_other(&format!(
        "{}?done=pinned#answers",
        review_url(&org, &key)
    )))
}

/// A review's page: its form and delete button for an editor, its record for a viewer.
fn review_page(
    org: &OrgPage,
    a: Option<&Analysed>,
    (key, r): (&str, &Review),
    v: &Values,
    errors: &Errors,
    p: &Proposals,
    done: Option<&str>,
) -> Markup {
    html! {
        (notice(done))
        (answers_part(org, key, r, p))
        (packs_part(org, key, &p.packs))
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
                dt { "Actions agreed" }
                dd { ul { @for x in &r.actions { li { (action_line(x)) } } } }
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
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let r = review(&state, &org, &key).await?;
    let a = compute::analysed(&state, &org).await?;
    let p = proposals(&state, &org, a.as_deref(), &r).await?;
    let body = review_page(
        &org,
        a.as_deref(),
        (&key, &r),
        &Values::of(&r),
        &Errors::new(),
        &p,
        q.done.as_deref(),
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
    let mut body = read(&f, &key, &kpi_choices(a.as_deref(), &r.kpis), &mut errors);
    if errors.is_empty() {
        crate::reviews::with_snapshot(&mut body, a.as_deref().map(|a| &a.series), &r.snapshot);
        match state
            .store
            .change_plan(&org.scope, Change::Put(Part::Reviews, key.clone(), body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("reviews")))),
            Err(e) => errors.from_api(ApiError::from(e), &FIELDS, &[]),
        }
    }
    let p = proposals(&state, &org, a.as_deref(), &r).await?;
    let page = review_page(
        &org,
        a.as_deref(),
        (&key, &r),
        &Values::typed(&f),
        &errors,
        &p,
        None,
    );
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
