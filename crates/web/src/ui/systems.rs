//! The systems pages: the technology inventory with each system's TIME class (tolerate,
//! invest, migrate, eliminate) and end-of-life warnings, the analysis's redundant systems,
//! data silos and manual flows, and the integration map (drawn, with a table of the flows as
//! its accessible alternative). Editors add, change and delete systems and integrations; every
//! change goes through the store, which checks the whole plan as a plan file is checked.
//!
//! Routes: `GET /orgs/{org}/systems`; `GET|POST /orgs/{org}/systems/new`;
//! `GET|POST /orgs/{org}/systems/{id}` (the form for editors, the details for viewers);
//! `POST /orgs/{org}/systems/{id}/delete`; `POST /orgs/{org}/integrations/new`;
//! `POST /orgs/{org}/integrations/delete` (the integration's key in the form).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::alignment::TimeClass;
use sextant_core::lifecycle::EndOfLife as Eol;
use sextant_core::model::{Date, IntegrationKind, Month, PlanDoc, System};
use sextant_core::unit::money;
use sextant_store::{Change, Paging, Section as Part};

use super::Done;
use super::compute::{self, Analysed};
use super::editor::{self, Editor};
use super::form::{
    Errors, Field, FormData, Kind, goal_strengths, json_number, num_value, read_goal_strengths,
    text_of,
};
use super::{
    OrgPage, PageResult, Section, Viewer, figure, notice, render, render_status, see_other,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The systems routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/systems", get(list))
        .route(
            "/orgs/{org}/systems/new",
            get(editor::new_form::<Systems>).post(editor::create::<Systems>),
        )
        .route(
            "/orgs/{org}/systems/{id}",
            get(edit_form).post(editor::save::<Systems>),
        )
        .route(
            "/orgs/{org}/systems/{id}/delete",
            post(editor::delete::<Systems>),
        )
        .route("/orgs/{org}/integrations/new", post(add_integration))
        .route("/orgs/{org}/integrations/delete", post(delete_integration))
}

/// The system form's add, change and delete flow.
struct Systems;

impl Editor for Systems {
    const PART: Part = Part::Systems;
    const SECTION: Section = Section::Systems;
    const PATH: &'static str = "systems";
    const NOUN: &'static str = "a system";
    const THING: &'static str = "system";
    const LIST: &'static str = "Systems";
    const ADD: &'static str = "Add a system";
    const NAME: &'static str = "name";
    const DELETE_NOTE: Option<&'static str> =
        Some("Flows, risks and initiatives that name it must be changed first.");

    fn taken(doc: &PlanDoc, id: &str) -> bool {
        doc.systems.iter().any(|s| s.id.as_str() == id)
    }

    fn form(
        org: &OrgPage,
        doc: &PlanDoc,
        id: Option<&str>,
        _stored: Option<&Value>,
        f: &FormData,
        errors: &Errors,
    ) -> Markup {
        form_page(org, doc, id, f, errors)
    }

    fn form_of(stored: &Value) -> FormData {
        form_of(stored)
    }

    fn read(
        f: &FormData,
        doc: &PlanDoc,
        stored: Option<&Value>,
        id: &str,
        errors: &mut Errors,
    ) -> Value {
        system_json(f, doc, stored, id, errors)
    }

    fn refused(errors: &mut Errors, e: ApiError, _stored: Option<&Value>) {
        errors.from_api(e, &FIELDS, &[]);
    }

    fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
        references(doc, id)
    }
}

/// The fields of the system form that a refused change's problems may name.
const FIELDS: [&str; 13] = [
    "id",
    "name",
    "category",
    "vendor",
    "annual_cost",
    "users",
    "satisfaction",
    "business_value",
    "technical_health",
    "installed",
    "end_of_life",
    "data",
    "supports",
];

/// The fields of the integration form.
const FLOW_FIELDS: [&str; 5] = ["from", "to", "kind", "data", "hours_per_month"];

// ---------------------------------------------------------------------------------------------
// End of life
// ---------------------------------------------------------------------------------------------

use super::today_date as today;

fn eol_of(end: Option<Month>, today: Option<Date>, doc: &PlanDoc) -> Eol {
    sextant_core::lifecycle::end_of_life(end, today, &doc.organization)
}

fn eol_badge(e: Eol) -> Markup {
    match e {
        Eol::Past | Eol::Soon => html! { span class="badge bad" { (e.label()) } },
        Eol::InPlan => html! { span class="badge warn" { (e.label()) } },
        Eol::Later => html! {},
    }
}

fn time_badge(c: TimeClass) -> Markup {
    let class = match c {
        TimeClass::Tolerate => "tolerate",
        TimeClass::Invest => "invest",
        TimeClass::Migrate => "migrate",
        TimeClass::Eliminate => "eliminate",
    };
    html! { span class=(format!("badge {class}")) { (c.label()) } }
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    list_page(&state, &org, q.done.as_deref(), &Errors::new(), None).await
}

/// The integrations' store keys, in plan order.
async fn flow_keys(state: &AppState, org: &OrgPage) -> Result<Vec<String>, super::PageError> {
    let mut keys = Vec::new();
    loop {
        let page = state
            .store
            .entities(
                &org.scope,
                Part::Integrations,
                Paging::new(Some(keys.len() as i64), Some(500)),
            )
            .await?;
        let n = page.items.len();
        keys.extend(page.items.into_iter().map(|e| e.key));
        if n == 0 || keys.len() as i64 >= page.total {
            return Ok(keys);
        }
    }
}

async fn list_page(
    state: &AppState,
    org: &OrgPage,
    done: Option<&str>,
    errors: &Errors,
    flow_form: Option<&FormData>,
) -> PageResult {
    let Some(a) = compute::analysed(state, org).await? else {
        return Ok(render(org.page(
            "Systems",
            Section::Systems,
            super::no_plan(org, "to see and edit its systems"),
        )));
    };
    let keys = flow_keys(state, org).await?;
    let body = html! {
        (notice(done))
        (inventory(org, &a))
        (findings(&a))
        (integrations(org, &a, &keys, errors, flow_form))
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        org.page("Systems", Section::Systems, body),
    ))
}

fn system_name<'a>(doc: &'a PlanDoc, id: &'a str) -> &'a str {
    doc.systems
        .iter()
        .find(|s| s.id.as_str() == id)
        .map_or(id, |s| s.name.as_str())
}

fn inventory(org: &OrgPage, a: &Analysed) -> Markup {
    let doc = a.plan.doc();
    let cur = &doc.organization.currency;
    let today = today();
    html! {
        section aria-labelledby="inventory" {
            h2 #inventory { "Inventory" }
            @if org.can_edit() {
                p { a.button href=(org.url("systems/new")) { "Add a system" } }
            }
            @if doc.systems.is_empty() {
                p { "The plan lists no systems yet." }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Current systems with their TIME class (tolerate, invest, migrate, eliminate) and end of life" }
                        thead { tr {
                            th scope="col" { "Name" }
                            th scope="col" { "Category" }
                            th scope="col" { "Vendor" }
                            th scope="col" .num { "Annual cost" }
                            th scope="col" .num { "Users" }
                            th scope="col" .num { "Satisfaction" }
                            th scope="col" { "Installed" }
                            th scope="col" { "End of life" }
                            th scope="col" { "TIME" }
                        } }
                        tbody {
                            @for s in &doc.systems {
                                @let rating = a.analysis.systems.iter().find(|r| r.id == s.id.as_str());
                                tr {
                                    th scope="row" { a href=(org.url(&format!("systems/{}", s.id))) { (s.name) } }
                                    td { (s.category) }
                                    td { (s.vendor.as_deref().unwrap_or("")) }
                                    td.num { (money(s.annual_cost.to_f64(), cur)) }
                                    td.num { @if let Some(u) = s.users { (u) } }
                                    td.num { @if let Some(v) = s.satisfaction { (v) "/5" } }
                                    td { @if let Some(m) = s.installed { (m) } }
                                    td {
                                        @if let Some(m) = s.end_of_life { (m) " " }
                                        (eol_badge(eol_of(s.end_of_life, today, doc)))
                                    }
                                    td {
                                        @if let Some(r) = rating {
                                            (time_badge(r.class)) " " span.muted { (r.reason) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn findings(a: &Analysed) -> Markup {
    let doc = a.plan.doc();
    let cur = &doc.organization.currency;
    let an = &a.analysis;
    let hours: f64 = an
        .manual_flows
        .iter()
        .filter_map(|m| m.hours_per_month)
        .sum();
    html! {
        section aria-labelledby="findings" {
            h2 #findings { "What the analysis finds" }
            h3 { "Redundant systems" }
            @if an.redundant_systems.is_empty() {
                p { "No two systems share a category." }
            } @else {
                ul {
                    @for r in &an.redundant_systems {
                        li {
                            "Category " strong { (r.category) } ": "
                            (r.systems.iter().map(|id| system_name(doc, id)).collect::<Vec<_>>().join(", "))
                            " (" (money(r.annual_cost, cur)) " a year together)"
                        }
                    }
                }
            }
            h3 { "Data silos" }
            @if an.silos.is_empty() {
                p { "No data silos." }
            } @else {
                ul {
                    @for s in &an.silos {
                        li {
                            (s.systems.iter().map(|id| system_name(doc, id)).collect::<Vec<_>>().join(", "))
                            " (" (s.data.join(", ")) "): " (sextant_ops::advice::names(doc, &s.reason))
                        }
                    }
                }
            }
            h3 { "Manual data flows" }
            @if an.manual_flows.is_empty() {
                p { "No data is re-keyed by hand." }
            } @else {
                ul {
                    @for m in &an.manual_flows {
                        li {
                            (system_name(doc, &m.from)) " to " (system_name(doc, &m.to))
                            @if let Some(d) = &m.data { ": " (d) }
                            @if let Some(h) = m.hours_per_month { " (" (num_value(Some(h))) " hours a month)" }
                        }
                    }
                }
                @if hours > 0.0 {
                    p { "Re-keying costs " (num_value(Some(hours))) " staff hours a month: candidates for automation." }
                }
            }
        }
    }
}

fn integrations(
    org: &OrgPage,
    a: &Analysed,
    keys: &[String],
    errors: &Errors,
    f: Option<&FormData>,
) -> Markup {
    let doc = a.plan.doc();
    let today = today();
    let graph = sextant_report::plan_charts::integration_graph(&a.plan, today);
    let get = |n: &str| f.map_or(String::new(), |f| f.get(n).to_string());
    let systems: Vec<(String, String)> = doc
        .systems
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let with_blank = |label: &str| {
        let mut v = vec![(String::new(), label.to_string())];
        v.extend(systems.iter().cloned());
        v
    };
    html! {
        section aria-labelledby="map" {
            h2 #map { "Integration map" }
            @if !doc.systems.is_empty() {
                (figure(graph.svg(), "Systems as boxes and data flows as arrows; manual flows (re-keyed by hand) are dashed, and systems at or near end of life are outlined in red. The table below lists the same flows."))
            }
            @if doc.integrations.is_empty() {
                p { "The plan records no data flows between systems." }
            } @else {
                div.scroll tabindex="0" {
                    table.list {
                        caption { "Data flows between systems" }
                        thead { tr {
                            th scope="col" { "From" }
                            th scope="col" { "To" }
                            th scope="col" { "Kind" }
                            th scope="col" { "Data" }
                            th scope="col" .num { "Hours a month" }
                            @if org.can_edit() { th scope="col" { span.muted { "Delete" } } }
                        } }
                        tbody {
                            @for (k, i) in doc.integrations.iter().enumerate() {
                                tr {
                                    td { (system_name(doc, i.from.as_str())) }
                                    td { (system_name(doc, i.to.as_str())) }
                                    td {
                                        @match i.kind {
                                            IntegrationKind::Manual => span class="badge warn" { "Manual" },
                                            IntegrationKind::Automated => span class="badge ok" { "Automated" },
                                        }
                                    }
                                    td { (i.data.as_deref().unwrap_or("")) }
                                    td.num { @if let Some(h) = i.hours_per_month { (num_value(Some(h))) } }
                                    @if org.can_edit() {
                                        td {
                                            @if let Some(key) = keys.get(k) {
                                                form.inline method="post" action=(org.url("integrations/delete")) {
                                                    (org.viewer.csrf_field())
                                                    input type="hidden" name="key" value=(key);
                                                    button.danger type="submit"
                                                        data-confirm=(format!("Delete the flow from {} to {}?", system_name(doc, i.from.as_str()), system_name(doc, i.to.as_str())))
                                                        aria-label=(format!("Delete the flow from {} to {}", system_name(doc, i.from.as_str()), system_name(doc, i.to.as_str()))) { "Delete" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if org.can_edit() && doc.systems.len() >= 2 {
                h3 #add-flow { "Add a data flow" }
                (errors.summary())
                form method="post" action=(org.url("integrations/new")) {
                    (org.viewer.csrf_field())
                    div.row {
                        (Field::text("from", "From", get("from")).kind(Kind::Select(with_blank("Choose a system"))).required().render(errors))
                        (Field::text("to", "To", get("to")).kind(Kind::Select(with_blank("Choose a system"))).required().render(errors))
                        (Field::text("kind", "Kind", get("kind")).kind(Kind::Select(vec![
                            ("automated".into(), "Automated".into()),
                            ("manual".into(), "Manual (re-keyed by hand)".into()),
                        ])).render(errors))
                    }
                    (Field::text("data", "Data that flows", get("data")).hint("e.g. Daily sales").render(errors))
                    (Field::text("hours_per_month", "Staff hours a month", get("hours_per_month")).kind(Kind::Number("any"))
                        .hint("For a manual flow: the time re-keying takes").render(errors))
                    button type="submit" { "Add the flow" }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Integrations
// ---------------------------------------------------------------------------------------------

async fn add_integration(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let mut errors = Errors::new();
    let from = f.required("from", &mut errors);
    let to = f.required("to", &mut errors);
    let kind = match f.get("kind") {
        "manual" => "manual",
        "automated" | "" => "automated",
        other => {
            errors.add(
                "kind",
                format!("expected automated or manual, found `{other}`"),
            );
            "automated"
        }
    };
    let hours = f.number("hours_per_month", &mut errors);
    if errors.is_empty()
        && let Some(plan) = org.plan(&state).await?
        && plan
            .doc()
            .integrations
            .iter()
            .any(|i| i.from.as_str() == from && i.to.as_str() == to)
    {
        errors.add(
            "to",
            "there is a flow between these two systems already: delete it first to change it",
        );
    }
    if errors.is_empty() {
        let mut body = Map::new();
        body.insert("from".into(), json!(from));
        body.insert("to".into(), json!(to));
        body.insert("kind".into(), json!(kind));
        if let Some(d) = f.opt("data") {
            body.insert("data".into(), json!(d));
        }
        if let Some(h) = hours {
            body.insert("hours_per_month".into(), json_number(h));
        }
        match state
            .store
            .change_plan(
                &org.scope,
                Change::Create(Part::Integrations, Value::Object(body)),
            )
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=added", org.url("systems")))),
            Err(e) => errors.from_api(e.into(), &FLOW_FIELDS, &[]),
        }
    }
    list_page(&state, &org, None, &errors, Some(&f)).await
}

async fn delete_integration(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let mut errors = Errors::new();
    match state
        .store
        .change_plan(
            &org.scope,
            Change::Delete(Part::Integrations, f.get("key").to_string()),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}?done=removed", org.url("systems")))),
        Err(e) => {
            let e: crate::error::ApiError = e.into();
            if let crate::error::ApiError::NotFound(_) = e {
                return Err(e.into());
            }
            errors.from_api(e, &[], &[]);
            list_page(&state, &org, None, &errors, None).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The system form
// ---------------------------------------------------------------------------------------------

/// The form's values from a stored system.
fn form_of(v: &Value) -> FormData {
    let mut out = Vec::new();
    for name in FIELDS {
        match (name, v.get(name)) {
            ("data", Some(Value::Array(items))) => {
                let list: Vec<String> = items.iter().map(|x| text_of(Some(x))).collect();
                out.push(("data".to_string(), list.join(", ")));
            }
            ("supports", Some(Value::Object(m))) => {
                for (goal, s) in m {
                    out.push((format!("supports.{goal}"), text_of(Some(s))));
                }
            }
            (name, v) => out.push((name.to_string(), text_of(v))),
        }
    }
    FormData(out)
}

fn one_to_five(blank: &str) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), blank.to_string())];
    for (n, w) in [
        (1, "poor"),
        (2, "fair"),
        (3, "good"),
        (4, "very good"),
        (5, "excellent"),
    ] {
        v.push((n.to_string(), format!("{n} – {w}")));
    }
    v
}

/// The system form: `id` is the system being edited (`None` for a new one).
fn form_page(
    org: &OrgPage,
    doc: &PlanDoc,
    id: Option<&str>,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let action = match id {
        Some(id) => org.url(&format!("systems/{id}")),
        None => org.url("systems/new"),
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            (Field::text("name", "Name", get("name")).required().render(errors))
            @if id.is_none() { (super::form::id_field(&get("id"), "pos", errors)) }
            div.row {
                (Field::text("category", "Category", get("category")).required()
                    .hint("e.g. point of sale, accounting, email: two systems in one category may be redundant").render(errors))
                (Field::text("vendor", "Vendor", get("vendor")).render(errors))
            }
            div.row {
                (Field::text("annual_cost", "Annual cost", get("annual_cost")).kind(Kind::Number("any"))
                    .hint(currency_hint(&doc.organization.currency)).render(errors))
                (Field::text("users", "Users", get("users")).kind(Kind::Number("1")).render(errors))
            }
            div.row {
                (Field::text("satisfaction", "Users' satisfaction", get("satisfaction"))
                    .kind(Kind::Select(one_to_five("Not known"))).render(errors))
                (Field::text("business_value", "Business value", get("business_value"))
                    .kind(Kind::Select(one_to_five("From the goals it supports"))).render(errors))
                (Field::text("technical_health", "Technical health", get("technical_health"))
                    .kind(Kind::Select(one_to_five("From satisfaction and end of life"))).render(errors))
            }
            div.row {
                (Field::text("installed", "Installed", get("installed")).kind(Kind::Month)
                    .hint("Month, YYYY-MM").render(errors))
                (Field::text("end_of_life", "End of life", get("end_of_life")).kind(Kind::Month)
                    .hint("When its vendor stops supporting it, YYYY-MM").render(errors))
            }
            (Field::text("data", "Data it holds", get("data"))
                .hint("Separated by commas, e.g. customers, inventory").render(errors))
            (goal_strengths("supports", "Goals it supports", &doc.goals, f, errors))
            button type="submit" { @if id.is_some() { "Save" } @else { "Add the system" } }
            " " a href=(org.url("systems")) { "Cancel" }
        }
    }
}

fn currency_hint(currency: &str) -> &'static str {
    match currency {
        "USD" => "In US dollars a year",
        "EUR" => "In euros a year",
        "GBP" => "In pounds a year",
        _ => "In the organisation's currency, a year",
    }
}

/// The system as JSON from the form, on top of the stored one (fields the form does not show
/// stay as they are).
fn system_json(
    f: &FormData,
    doc: &PlanDoc,
    stored: Option<&Value>,
    id: &str,
    errors: &mut Errors,
) -> Value {
    let mut body = match stored {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    body.insert("id".into(), json!(id));
    let name = f.required("name", errors);
    body.insert("name".into(), json!(name));
    let category = f.required("category", errors);
    body.insert("category".into(), json!(category));
    let mut opt = |key: &str, v: Option<Value>| match v {
        Some(v) => {
            body.insert(key.into(), v);
        }
        None => {
            body.remove(key);
        }
    };
    opt("vendor", f.opt("vendor").map(Value::from));
    opt(
        "annual_cost",
        Some(json_number(f.number("annual_cost", errors).unwrap_or(0.0))),
    );
    opt(
        "users",
        f.whole("users", 0, i64::from(u32::MAX), errors)
            .map(Value::from),
    );
    for k in ["satisfaction", "business_value", "technical_health"] {
        opt(k, f.whole(k, 1, 5, errors).map(Value::from));
    }
    for k in ["installed", "end_of_life"] {
        // As `YYYY-MM` when read; as typed (with the message beside it) when not.
        opt(k, f.month(k, errors).or_else(|| f.opt(k)).map(Value::from));
    }
    let data: Vec<Value> = f
        .get("data")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Value::from)
        .collect();
    body.insert("data".into(), Value::Array(data));
    let supports = read_goal_strengths("supports", &doc.goals, f, body.get("supports"), errors);
    body.insert("supports".into(), supports);
    Value::Object(body)
}

fn details(org: &OrgPage, a: &Analysed, s: &System) -> Markup {
    let doc = a.plan.doc();
    let cur = &doc.organization.currency;
    let rating = a.analysis.systems.iter().find(|r| r.id == s.id.as_str());
    html! {
        dl {
            dt { "Category" } dd { (s.category) }
            @if let Some(v) = &s.vendor { dt { "Vendor" } dd { (v) } }
            dt { "Annual cost" } dd { (money(s.annual_cost.to_f64(), cur)) }
            @if let Some(u) = s.users { dt { "Users" } dd { (u) } }
            @if let Some(v) = s.satisfaction { dt { "Users' satisfaction" } dd { (v) "/5" } }
            @if let Some(v) = s.business_value { dt { "Business value" } dd { (v) "/5" } }
            @if let Some(v) = s.technical_health { dt { "Technical health" } dd { (v) "/5" } }
            @if let Some(m) = s.installed { dt { "Installed" } dd { (m) } }
            @if let Some(m) = s.end_of_life {
                dt { "End of life" } dd { (m) " " (eol_badge(eol_of(Some(m), today(), doc))) }
            }
            @if !s.data.is_empty() { dt { "Data it holds" } dd { (s.data.join(", ")) } }
            @if let Some(r) = rating {
                dt { "TIME" } dd { (time_badge(r.class)) " " (r.reason) }
            }
            @if !s.supports.is_empty() {
                dt { "Goals it supports" }
                dd {
                    ul {
                        @for (g, st) in &s.supports {
                            li {
                                (doc.goals.iter().find(|x| &x.id == g).map_or(g.as_str(), |x| x.title.as_str()))
                                ": " (st) "/3"
                            }
                        }
                    }
                }
            }
        }
        p { a href=(org.url("systems")) { "Back to the systems" } }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let stored = state.store.entity(&org.scope, Part::Systems, &id).await?;
    let a = compute::require_analysed(&state, &org, "Systems", Section::Systems).await?;
    let doc = a.plan.doc();
    let Some(s) = doc.systems.iter().find(|s| s.id.as_str() == id) else {
        return Err(super::PageError::NotFound(format!("system {id} not found")));
    };
    let title = s.name.clone();
    let body = if org.can_edit() {
        editor::edit_body::<Systems>(
            &org,
            doc,
            &id,
            &stored.body,
            &form_of(&stored.body),
            &Errors::new(),
        )
    } else {
        details(&org, &a, s)
    };
    Ok(render(org.page(&title, Section::Systems, body)))
}

/// What names the system `id`: flows, initiatives that replace it, risks of it.
fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in &doc.integrations {
        if i.from.as_str() == id || i.to.as_str() == id {
            out.push(format!(
                "the flow from {} to {}",
                system_name(doc, i.from.as_str()),
                system_name(doc, i.to.as_str())
            ));
        }
    }
    for i in &doc.initiatives {
        if i.replaces.iter().any(|r| r.as_str() == id) {
            out.push(format!("the initiative {} (it replaces it)", i.title));
        }
    }
    for r in &doc.risks {
        if r.system.as_ref().is_some_and(|s| s.as_str() == id) {
            out.push(format!("the risk {}", r.title));
        }
    }
    out
}
