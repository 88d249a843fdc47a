//! Goals and KPIs: the plan's goals with their standing from the analysis (on track, at risk,
//! off track, achieved, no data, with the forecast's probability of reaching the target when
//! there is one), forms to add, change and delete a goal, and a page per KPI: its monthly
//! values, the goals it measures, a forecast to the goal's due month, unusual months, and its
//! definition from the catalogue.
//!
//! Routes: `GET/POST /orgs/{org}/goals`, `GET /orgs/{org}/goals/new`,
//! `GET/POST /orgs/{org}/goals/{id}`, `POST /orgs/{org}/goals/{id}/delete`,
//! `GET /orgs/{org}/kpis/{kpi}`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value};
use sextant_core::Plan;
use sextant_core::kpi::GoalStatus;
use sextant_core::model::{Direction, Goal, Id, Month};
use sextant_core::unit::{self as format, DecimalMark, Measure, Unit};
use sextant_report::chart::{self, Band, Line, Mark};
use sextant_store::{Change, Section as Part};

use super::compute::{self, Analysed};
use super::form::{Errors, Field, FormData, Kind, num_value};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render, render_status,
    see_other, standing,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/goals", get(list).post(create))
        .route("/orgs/{org}/goals/new", get(new_form))
        .route("/orgs/{org}/goals/{id}", get(edit_form).post(save))
        .route("/orgs/{org}/goals/{id}/delete", post(delete))
        .route("/orgs/{org}/kpis/{kpi}", get(kpi_page))
}

/// `?done=` after a change.
#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// KPIs: names, units, values as people read them
// ---------------------------------------------------------------------------------------------

/// What is known of a KPI: from the plan's `kpis`, else the standard catalogue, else only its
/// id (a series computed from the data that no goal can name, such as `sessions`).
#[derive(Debug, Clone)]
pub struct KpiInfo {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How its values are written.
    pub scale: Measure,
    /// Which way is good.
    pub direction: Direction,
    /// Its definition: the plan's, or the catalogue's formula.
    pub definition: Option<String>,
    /// How the metrics engine computes it from imported data, and what data it needs.
    pub computed: Option<(&'static str, &'static str)>,
    /// Declared in the plan or in the catalogue (a goal may name it).
    pub known: bool,
}

/// What is known of the KPI `id` in `plan`.
pub fn kpi_info(plan: &Plan, id: &str) -> KpiInfo {
    let doc = plan.doc();
    let computed = sextant_metrics::catalogue::DEFINITIONS
        .iter()
        .find(|d| d.id == id)
        .map(|d| (d.formula, d.needs));
    let scale = Measure::of_kpi(doc, id);
    if let Some(k) = doc.kpis.iter().find(|k| k.id.as_str() == id) {
        return KpiInfo {
            id: id.to_string(),
            name: k.name.clone(),
            scale,
            direction: k.direction,
            definition: k.definition.clone(),
            computed,
            known: true,
        };
    }
    if let Some(m) = sextant_core::catalogue::find(id) {
        return KpiInfo {
            id: id.to_string(),
            name: m.name.to_string(),
            scale,
            direction: m.direction,
            definition: Some(m.formula.to_string()),
            computed,
            known: true,
        };
    }
    let mut name = id.replace('_', " ");
    if let Some(first) = name.get(..1) {
        name = first.to_uppercase() + &name[1..];
    }
    KpiInfo {
        id: id.to_string(),
        name,
        scale,
        direction: Direction::Up,
        definition: None,
        computed,
        known: false,
    }
}

/// A value of a KPI as people read it: `$71,300`, `9.5%`, `12 days`, `1,234.5`.
pub fn show(x: f64, scale: &Measure) -> String {
    scale.format(x)
}

/// An optional value of a KPI, or a dash.
pub fn show_opt(x: Option<f64>, scale: &Measure) -> String {
    scale.format_opt(x)
}

/// A probability in words: `72% chance`.
fn chance(p: f64) -> String {
    format!("{} chance of reaching the target", percent(p))
}

/// A probability as a percentage; never a flat 0% or 100%, which a forecast cannot promise.
fn percent(p: f64) -> String {
    if p >= 0.995 {
        "over 99%".into()
    } else if p <= 0.005 {
        "under 1%".into()
    } else {
        format::percent(p, 0)
    }
}

/// A KPI's page.
pub fn kpi_url(org: &OrgPage, kpi: &str) -> String {
    org.url(&format!("kpis/{}", super::form::url_encode(kpi)))
}

/// Text made into an id: lower-case letters and digits, words joined by `-`, at most `max`
/// characters (empty when the text has no letter or digit).
pub fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if s.len() >= max {
            break;
        }
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}

// ---------------------------------------------------------------------------------------------
// The list of goals
// ---------------------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Goals and KPIs", Section::Goals).await?;
    let doc = a.plan.doc();
    let status: BTreeMap<&str, &GoalStatus> = a
        .analysis
        .goal_status
        .iter()
        .map(|s| (s.goal.as_str(), s))
        .collect();
    let body = html! {
        (notice(q.done.as_deref()))
        p { "Each goal is measured by a KPI against its baseline and target by the month it is due. "
            "The status comes from the KPI's monthly values: with 8 months or more, from a forecast's "
            "chance of reaching the target by the due month; with fewer, from the pace so far." }
        @if org.can_edit() {
            p { a.button href=(org.url("goals/new")) { "Add a goal" } }
        }
        @if doc.goals.is_empty() {
            p { "The plan has no goals yet." }
        } @else {
            div.scroll {
                table {
                    caption { "Goals of " (org.name) }
                    thead { tr {
                        th scope="col" { "Goal" }
                        th scope="col" { "KPI" }
                        th scope="col" .num { "Baseline" }
                        th scope="col" .num { "Latest" }
                        th scope="col" .num { "Target" }
                        th scope="col" { "Due" }
                        th scope="col" .num { "Weight" }
                        th scope="col" { "Owner" }
                        th scope="col" { "Status" }
                    } }
                    tbody {
                        @for g in &doc.goals {
                            @let st = status.get(g.id.as_str()).copied();
                            @let info = g.kpi.as_deref().map(|k| kpi_info(&a.plan, k));
                            @let scale = info.as_ref().map_or_else(|| Measure::of(Unit::Number), |i| i.scale.clone());
                            tr {
                                th scope="row" {
                                    a href=(org.url(&format!("goals/{}", super::form::url_encode(g.id.as_str())))) { (g.title) }
                                }
                                td {
                                    @if let Some(i) = &info {
                                        a href=(kpi_url(&org, &i.id)) { (i.name) }
                                    } @else { "–" }
                                }
                                td.num { (show_opt(g.baseline, &scale)) }
                                td.num {
                                    (show_opt(st.and_then(|s| s.latest), &scale))
                                    @if let Some(m) = st.and_then(|s| s.latest_month.as_deref()) {
                                        br; span.muted { (m) }
                                    }
                                }
                                td.num { (show_opt(g.target, &scale)) }
                                td { (g.due.map_or("–".to_string(), |m| m.to_string())) }
                                td.num { (format::number(g.weight)) }
                                td { (g.owner.as_deref().unwrap_or("–")) }
                                td {
                                    @if let Some(s) = st {
                                        (standing(s.status))
                                        @if let Some(p) = s.probability {
                                            br; span.muted { (chance(p)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (measured_list(&org, &a))
    };
    Ok(render(org.page("Goals and KPIs", Section::Goals, body)))
}

/// The KPIs measured, linking to their pages.
fn measured_list(org: &OrgPage, a: &Analysed) -> Markup {
    html! {
        section aria-labelledby="measured" {
            h2 #measured { "KPIs measured" }
            @if a.series.is_empty() {
                p { "No KPI is measured yet. "
                    a href=(org.url("data")) { "Import your business data on the Data page" }
                    " (orders, marketing, sessions, surveys...) or enter measurements in the plan." }
            } @else {
                ul {
                    @for (k, v) in &a.series {
                        @let info = kpi_info(&a.plan, k);
                        li {
                            a href=(kpi_url(org, k)) { (info.name) }
                            @if let Some((m, x)) = v.iter().next_back() {
                                " – " (show(*x, &info.scale)) " in " (m)
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The goal form
// ---------------------------------------------------------------------------------------------

/// The fields of the goal form that a refused change's problems may go beside.
const FIELDS: [&str; 10] = [
    "id",
    "title",
    "description",
    "kpi",
    "kpi_other",
    "baseline",
    "target",
    "due",
    "weight",
    "owner",
];

/// The form's values, by field name.
type Values = BTreeMap<&'static str, String>;

fn values_of_goal(g: &Goal, plan: &Plan) -> Values {
    let mut v = Values::new();
    v.insert("id", g.id.to_string());
    v.insert("title", g.title.clone());
    v.insert("description", g.description.clone().unwrap_or_default());
    let kpi = g.kpi.clone().unwrap_or_default();
    if kpi.is_empty() || kpi_options(plan, None).iter().any(|(id, _)| *id == kpi) {
        v.insert("kpi", kpi);
    } else {
        v.insert("kpi_other", kpi);
    }
    v.insert("baseline", num_value(g.baseline));
    v.insert("target", num_value(g.target));
    v.insert("due", g.due.map(|m| m.to_string()).unwrap_or_default());
    v.insert("weight", num_value(Some(g.weight)));
    v.insert("owner", g.owner.clone().unwrap_or_default());
    v
}

fn values_of_form(f: &FormData) -> Values {
    FIELDS.iter().map(|n| (*n, f.get(n).to_string())).collect()
}

/// The KPIs a goal may name: the plan's own, then the standard catalogue's; each marked when
/// it has values.
fn kpi_options(plan: &Plan, series: Option<&sextant_core::kpi::Series>) -> Vec<(String, String)> {
    let measured = |id: &str| {
        if series.is_some_and(|s| s.contains_key(id)) {
            " – measured"
        } else {
            ""
        }
    };
    let mut out = vec![(String::new(), "(none)".to_string())];
    for k in &plan.doc().kpis {
        let id = k.id.as_str();
        out.push((
            id.to_string(),
            format!("{} ({id}, this plan's){}", k.name, measured(id)),
        ));
    }
    for m in sextant_core::catalogue::METRICS {
        if out.iter().any(|(id, _)| id == m.id) {
            continue;
        }
        out.push((
            m.id.to_string(),
            format!("{} ({}){}", m.name, m.id, measured(m.id)),
        ));
    }
    out
}

/// The goal form: `editing` is the goal's id when changing one.
fn goal_form(
    org: &OrgPage,
    a: &Analysed,
    editing: Option<&str>,
    values: &Values,
    errors: &Errors,
) -> Markup {
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    let action = match editing {
        Some(id) => org.url(&format!("goals/{}", super::form::url_encode(id))),
        None => org.url("goals"),
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            @if editing.is_none() {
                (Field::text("id", "Id", v("id"))
                    .hint("Letters, digits, -, _ and . – left empty, it is made from the title")
                    .render(errors))
            }
            (Field::text("title", "Title", v("title")).required()
                .hint("What the business wants to achieve, e.g. Increase online sales by 15% in the fiscal year")
                .render(errors))
            (Field::text("description", "Description", v("description")).kind(Kind::Textarea).render(errors))
            div.row {
                (Field::text("kpi", "KPI", v("kpi"))
                    .kind(Kind::Select(kpi_options(&a.plan, Some(&a.series))))
                    .hint("The measure the goal is tracked by")
                    .render(errors))
                (Field::text("kpi_other", "Or another KPI's id", v("kpi_other"))
                    .hint("Used instead of the list when filled in")
                    .render(errors))
            }
            div.row {
                (Field::text("baseline", "Baseline", v("baseline")).kind(Kind::Number("any"))
                    .hint("The KPI's value when the goal was set").render(errors))
                (Field::text("target", "Target", v("target")).kind(Kind::Number("any"))
                    .hint("The value to reach (15% is 0.15)").render(errors))
                (Field::text("due", "Due", v("due")).kind(Kind::Month)
                    .hint("A month, YYYY-MM").render(errors))
                (Field::text("weight", "Weight", v("weight")).kind(Kind::Number("any"))
                    .hint("Relative importance, above 0 (1 when empty)").render(errors))
            }
            (Field::text("owner", "Owner", v("owner")).hint("Who answers for it").render(errors))
            button type="submit" { @if editing.is_some() { "Save the goal" } @else { "Add the goal" } }
            " " a href=(org.url("goals")) { "Cancel" }
        }
    }
}

/// Reads the goal form into a goal in the plan file's shape, its messages beside the fields.
/// `id` is the goal's id (given or derived by the caller).
fn read_goal(f: &FormData, id: &str, mark: DecimalMark, errors: &mut Errors) -> Value {
    let mut g = Map::new();
    g.insert("id".into(), Value::from(id));
    g.insert("title".into(), Value::from(f.required("title", errors)));
    if let Some(d) = f.opt("description") {
        g.insert("description".into(), Value::from(d));
    }
    if let Some(k) = f.opt("kpi_other").or_else(|| f.opt("kpi")) {
        g.insert("kpi".into(), Value::from(k));
    }
    for n in ["baseline", "target", "weight"] {
        if let Some(x) = f.number_in(n, mark, errors) {
            g.insert(n.into(), Value::from(x));
        }
    }
    if let Some(m) = f.month("due", errors) {
        g.insert("due".into(), Value::from(m));
    }
    if let Some(o) = f.opt("owner") {
        g.insert("owner".into(), Value::from(o));
    }
    Value::Object(g)
}

/// A refused change's problems beside the goal form's fields.
fn refused(errors: &mut Errors, e: sextant_store::StoreError, f: &FormData) {
    let kpi_field = if f.opt("kpi_other").is_some() {
        "kpi_other"
    } else {
        "kpi"
    };
    errors.from_api(ApiError::from(e), &FIELDS, &[("kpi", kpi_field)]);
}

async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let a = compute::require_analysed(&state, &org, "Add a goal", Section::Goals).await?;
    let mut values = Values::new();
    values.insert("weight", "1".into());
    let body = goal_form(&org, &a, None, &values, &Errors::new());
    Ok(render(org.page("Add a goal", Section::Goals, body)))
}

async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Add a goal", Section::Goals).await?;
    let mut errors = Errors::new();
    let taken = |id: &str| a.plan.doc().goals.iter().any(|g| g.id.as_str() == id);
    let id = match f.opt("id") {
        Some(id) => {
            if let Err(why) = Id::parse(&id) {
                errors.add("id", format!("{why}, found `{id}`"));
            } else if taken(&id) {
                errors.add("id", format!("a goal `{id}` exists already"));
            } else if id == "new" {
                errors.add("id", "`new` is the address of this form: choose another id");
            }
            id
        }
        None => {
            let base = match slug(f.get("title"), 40) {
                s if s.is_empty() || s == "new" => "goal".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 1;
            while taken(&id) {
                n += 1;
                id = format!("{base}-{n}");
            }
            id
        }
    };
    let mark = DecimalMark::of(&a.plan.doc().organization);
    let goal = read_goal(&f, &id, mark, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Create(Part::Goals, goal))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=created", org.url("goals")))),
            Err(e) => refused(&mut errors, e, &f),
        }
    }
    let body = goal_form(&org, &a, None, &values_of_form(&f), &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page("Add a goal", Section::Goals, body),
    ))
}

/// The goal `id` of the plan, or 404.
fn find_goal<'a>(a: &'a Analysed, id: &str) -> Result<&'a Goal, PageError> {
    a.plan
        .doc()
        .goals
        .iter()
        .find(|g| g.id.as_str() == id)
        .ok_or_else(|| PageError::NotFound(format!("goal `{id}`: the plan has no such goal")))
}

/// What names the goal `id`: initiatives that contribute to it or count a benefit towards it,
/// systems that support it; in words.
fn named_by(plan: &Plan, id: &str) -> Vec<String> {
    let doc = plan.doc();
    let mut out = Vec::new();
    for i in &doc.initiatives {
        if i.contributes.keys().any(|g| g.as_str() == id) {
            out.push(format!("the initiative “{}” (contributes)", i.title));
        }
        if i.benefits
            .iter()
            .any(|b| b.goal.as_ref().is_some_and(|g| g.as_str() == id))
        {
            out.push(format!("the initiative “{}” (a benefit)", i.title));
        }
    }
    for s in &doc.systems {
        if s.supports.keys().any(|g| g.as_str() == id) {
            out.push(format!("the system “{}” (supports)", s.name));
        }
    }
    out
}

/// The page of one goal: its form for an editor (with the delete button), its figures for a
/// viewer.
fn goal_page(
    org: &OrgPage,
    a: &Analysed,
    goal: &Goal,
    values: &Values,
    errors: &Errors,
    done: Option<&str>,
) -> Markup {
    let st = a
        .analysis
        .goal_status
        .iter()
        .find(|s| s.goal == goal.id.as_str());
    let info = goal.kpi.as_deref().map(|k| kpi_info(&a.plan, k));
    let scale = info
        .as_ref()
        .map_or_else(|| Measure::of(Unit::Number), |i| i.scale.clone());
    html! {
        (notice(done))
        (status_line(org, info.as_ref(), st))
        @if org.can_edit() {
            (goal_form(org, a, Some(goal.id.as_str()), values, errors))
            section aria-labelledby="delete" {
                h2 #delete { "Delete this goal" }
                @let names = named_by(&a.plan, goal.id.as_str());
                @if names.is_empty() {
                    p { "Nothing else in the plan names this goal." }
                } @else {
                    p { "It is named by " (names.join(", ")) ": take the goal out of them first." }
                }
                form method="post" action=(org.url(&format!("goals/{}/delete", super::form::url_encode(goal.id.as_str())))) {
                    (org.viewer.csrf_field())
                    button.danger type="submit" data-confirm=(format!("Delete the goal “{}”?", goal.title)) { "Delete the goal" }
                }
            }
        } @else {
            dl {
                dt { "Id" } dd { (goal.id) }
                @if let Some(d) = &goal.description { dt { "Description" } dd { (d) } }
                dt { "Baseline" } dd { (show_opt(goal.baseline, &scale)) }
                dt { "Target" } dd { (show_opt(goal.target, &scale)) }
                dt { "Due" } dd { (goal.due.map_or("–".to_string(), |m| m.to_string())) }
                dt { "Weight" } dd { (format::number(goal.weight)) }
                dt { "Owner" } dd { (goal.owner.as_deref().unwrap_or("–")) }
            }
            p { a href=(org.url("goals")) { "Back to the goals" } }
        }
    }
}

/// A goal's standing in one paragraph, with its KPI's link.
fn status_line(org: &OrgPage, info: Option<&KpiInfo>, st: Option<&GoalStatus>) -> Markup {
    html! {
        @if let Some(s) = st {
            p {
                "Status: " (standing(s.status))
                @if let Some(i) = info {
                    " – measured by " a href=(kpi_url(org, &i.id)) { (i.name) }
                    @if let Some(l) = s.latest {
                        ", latest " (show(l, &i.scale))
                        @if let Some(m) = &s.latest_month { " (" (m) ")" }
                    }
                }
                @if !s.explanation.is_empty() { ". " (first_upper(&s.explanation)) "." }
            }
        }
    }
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let values = values_of_goal(goal, &a.plan);
    let body = goal_page(&org, &a, goal, &values, &Errors::new(), q.done.as_deref());
    Ok(render(org.page(&goal.title, Section::Goals, body)))
}

async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let mut errors = Errors::new();
    let mark = DecimalMark::of(&a.plan.doc().organization);
    let body = read_goal(&f, &id, mark, &mut errors);
    if errors.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Put(Part::Goals, id.clone(), body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=saved", org.url("goals")))),
            Err(e) => refused(&mut errors, e, &f),
        }
    }
    let mut values = values_of_form(&f);
    values.insert("id", id.clone());
    let page = goal_page(&org, &a, goal, &values, &errors, None);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&goal.title, Section::Goals, page),
    ))
}

async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let a = compute::require_analysed(&state, &org, "Goal", Section::Goals).await?;
    let goal = find_goal(&a, &id)?;
    let mut errors = Errors::new();
    let named_by = named_by(&a.plan, goal.id.as_str());
    if named_by.is_empty() {
        match state
            .store
            .change_plan(&org.scope, Change::Delete(Part::Goals, id.clone()))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("{}?done=deleted", org.url("goals")))),
            Err(e) => errors.from_api(ApiError::from(e), &[], &[]),
        }
    } else {
        errors.general(format!(
            "The goal is named by {}. Take the goal out of them first, then delete it.",
            named_by.join(", ")
        ));
    }
    let values = values_of_goal(goal, &a.plan);
    let page = goal_page(&org, &a, goal, &values, &errors, None);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&goal.title, Section::Goals, page),
    ))
}

// ---------------------------------------------------------------------------------------------
// The KPI page
// ---------------------------------------------------------------------------------------------

/// Metrics that move smoothly by construction (cumulative or trailing-year): the metrics
/// engine does not screen them for unusual periods, nor does this page.
const SMOOTH: [&str; 4] = ["repeat_purchase_rate", "cltv", "ltv_cac", "automation_rate"];

/// An unusual month of a KPI's series.
struct Unusual {
    month: Month,
    index: usize,
    value: f64,
    expected: f64,
    reason: String,
}

/// What the KPI page computes from the series: the forecast and the unusual months.
struct Computed {
    forecast: Result<sextant_metrics::forecast::ForecastReport, String>,
    /// `None` when the series is too short to screen.
    unusual: Option<Vec<Unusual>>,
    /// The months from the first value to the last, gaps included.
    months: Vec<Month>,
}

/// The forecast (as the API's forecast route makes it) and the unusual months of a monthly
/// series; `horizon` months ahead, towards `target`.
fn compute_kpi(
    kpi: &str,
    values: &BTreeMap<Month, f64>,
    horizon: usize,
    target: Option<f64>,
    down: bool,
) -> Computed {
    let forecast = crate::analysis::forecast_series(kpi, values, horizon, None, target, down);
    let months: Vec<Month> = match (values.keys().next(), values.keys().next_back()) {
        (Some(first), Some(last)) => (0..=last.since(*first)).map(|k| first.plus(k)).collect(),
        _ => Vec::new(),
    };
    let on_axis: Vec<Option<f64>> = months.iter().map(|m| values.get(m).copied()).collect();
    let unusual = if SMOOTH.contains(&kpi) {
        Some(Vec::new())
    } else if values.len() < 6 {
        None
    } else {
        Some(
            sextant_metrics::anomaly::detect(
                &on_axis,
                Some(12),
                sextant_metrics::anomaly::THRESHOLD,
            )
            .into_iter()
            .filter_map(|x| {
                Some(Unusual {
                    month: *months.get(x.index)?,
                    index: x.index,
                    value: x.value,
                    expected: x.expected,
                    reason: x.reason,
                })
            })
            .collect(),
        )
    };
    Computed {
        forecast,
        unusual,
        months,
    }
}

async fn kpi_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, kpi)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "KPI", Section::Goals).await?;
    let info = kpi_info(&a.plan, &kpi);
    let series = a.series.get(&kpi);
    if !info.known && series.is_none() && info.computed.is_none() {
        return Err(PageError::NotFound(format!(
            "KPI `{kpi}`: neither the plan nor the catalogue has it"
        )));
    }
    let doc = a.plan.doc();
    let goals: Vec<(&Goal, Option<&GoalStatus>)> = doc
        .goals
        .iter()
        .filter(|g| g.kpi.as_deref() == Some(kpi.as_str()))
        .map(|g| {
            (
                g,
                a.analysis
                    .goal_status
                    .iter()
                    .find(|s| s.goal == g.id.as_str()),
            )
        })
        .collect();
    // The goal the forecast aims at: the first with a target.
    let aim = goals.iter().find(|(g, _)| g.target.is_some()).map(|x| x.0);
    let computed = match series {
        Some(values) if !values.is_empty() => {
            let last = values.keys().next_back().copied();
            let horizon = match (aim.and_then(|g| g.due), last) {
                (Some(due), Some(last)) if due.since(last) >= 1 => due.since(last) as usize,
                _ => 12,
            }
            .min(120);
            let values = values.clone();
            let id = kpi.clone();
            let target = aim.and_then(|g| g.target);
            let down = info.direction == Direction::Down;
            Some(
                state
                    .work
                    .run(org.scope.org_id(), 1, move |_| {
                        Ok(compute_kpi(&id, &values, horizon, target, down))
                    })
                    .await?,
            )
        }
        _ => None,
    };
    let source = if doc.measurements.keys().any(|k| k.as_str() == kpi) {
        "entered in the plan's measurements"
    } else if kpi == "time_to_market" {
        "computed from the initiatives' start and launch days"
    } else {
        "computed from the imported data"
    };
    let body = html! {
        p.muted { "KPI " code { (info.id) } " – "
            @if info.direction == Direction::Down { "lower is better" } @else { "higher is better" } }
        (definition(&info))
        (goals_of_kpi(&org, &info, &goals))
        @match (series, &computed) {
            (Some(values), Some(c)) => {
                p { (values.len()) " monthly values from " (values.keys().next().map(Month::to_string).unwrap_or_default())
                    " to " (values.keys().next_back().map(Month::to_string).unwrap_or_default()) ", " (source) "." }
                (kpi_chart(&info, values, c, aim))
                (forecast_section(&info, c, aim))
                (unusual_section(&info, c))
                (values_table(&info, values))
            }
            _ => {
                p { "There is no data for this KPI yet. "
                    a href=(org.url("data")) { "Import your business data on the Data page" }
                    @if let Some((_, needs)) = info.computed { " (it needs: " (needs) ")" }
                    ", or enter its measurements in the plan." }
            }
        }
        p { a href=(org.url("goals")) { "Back to the goals" } }
    };
    Ok(render(org.page(&info.name, Section::Goals, body)))
}

fn definition(info: &KpiInfo) -> Markup {
    html! {
        @if info.definition.is_some() || info.computed.is_some() {
            dl {
                @if let Some(d) = &info.definition { dt { "Definition" } dd { (d) } }
                @if let Some((formula, needs)) = info.computed {
                    dt { "Computed from imported data as" } dd { (formula) " (needs: " (needs) ")" }
                }
            }
        }
    }
}

fn goals_of_kpi(org: &OrgPage, info: &KpiInfo, goals: &[(&Goal, Option<&GoalStatus>)]) -> Markup {
    html! {
        section aria-labelledby="goals" {
            h2 #goals { "Goals measured by it" }
            @if goals.is_empty() {
                p { "No goal is measured by this KPI." }
            } @else {
                div.scroll { table {
                    thead { tr {
                        th scope="col" { "Goal" }
                        th scope="col" .num { "Baseline" }
                        th scope="col" .num { "Target" }
                        th scope="col" { "Due" }
                        th scope="col" { "Status" }
                    } }
                    tbody {
                        @for (g, st) in goals {
                            tr {
                                th scope="row" { a href=(org.url(&format!("goals/{}", super::form::url_encode(g.id.as_str())))) { (g.title) } }
                                td.num { (show_opt(g.baseline, &info.scale)) }
                                td.num { (show_opt(g.target, &info.scale)) }
                                td { (g.due.map_or("–".to_string(), |m| m.to_string())) }
                                td {
                                    @if let Some(s) = st {
                                        (standing(s.status))
                                        @if let Some(p) = s.probability { " " (chance(p)) }
                                        @if !s.explanation.is_empty() { br; span.muted { (first_upper(&s.explanation)) } }
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

/// The KPI's history as a line chart, with the forecast, its 80% band, the target and the
/// unusual months marked.
fn kpi_chart(
    info: &KpiInfo,
    values: &BTreeMap<Month, f64>,
    c: &Computed,
    aim: Option<&Goal>,
) -> Markup {
    let n = c.months.len();
    let mut labels: Vec<String> = c.months.iter().map(Month::to_string).collect();
    let mut actual: Vec<Option<f64>> = c.months.iter().map(|m| values.get(m).copied()).collect();
    let mut series = Vec::new();
    let mut band = None;
    if let Ok(r) = &c.forecast {
        labels.extend(r.forecast_periods.iter().cloned());
        let ahead = r.forecast_periods.len();
        // The forecast's line starts at the last value, so that the two lines meet.
        let mut mean: Vec<Option<f64>> = vec![None; n + ahead];
        let mut lower: Vec<Option<f64>> = vec![None; n + ahead];
        let mut upper: Vec<Option<f64>> = vec![None; n + ahead];
        if let Some(last) = actual.last().copied().flatten() {
            mean[n - 1] = Some(last);
            lower[n - 1] = Some(last);
            upper[n - 1] = Some(last);
        }
        for k in 0..ahead {
            mean[n + k] = r.mean.get(k).copied();
            lower[n + k] = r.lower_80.get(k).copied();
            upper[n + k] = r.upper_80.get(k).copied();
        }
        actual.resize(n + ahead, None);
        series.push(chart::Series {
            name: "Actual".into(),
            values: actual,
            dashed: false,
        });
        series.push(chart::Series {
            name: "Forecast".into(),
            values: mean,
            dashed: true,
        });
        band = Some(Band {
            name: "80% interval".into(),
            lower,
            upper,
        });
    } else {
        series.push(chart::Series {
            name: "Actual".into(),
            values: actual,
            dashed: false,
        });
    }
    let target = aim.and_then(|g| {
        Some(chart::Target {
            label: match g.due {
                Some(d) => format!("Target by {d}"),
                None => "Target".into(),
            },
            value: g.target?,
        })
    });
    let marks: Vec<Mark> = c
        .unusual
        .iter()
        .flatten()
        .map(|u| Mark {
            index: u.index,
            label: if u.value > u.expected {
                "unusually high".into()
            } else {
                "unusually low".into()
            },
        })
        .collect();
    let mut caption = format!("{} by month", info.name);
    if c.forecast.is_ok() {
        caption.push_str(", with the forecast (dashed) and its 80% interval (shaded)");
    }
    if let Some(t) = &target {
        caption.push_str(&format!(
            "; the dashed level line is the target, {}",
            show(t.value, &info.scale)
        ));
    }
    if !marks.is_empty() {
        caption.push_str("; unusual months are marked");
    }
    caption.push_str(". The tables below give the same figures.");
    let line = Line {
        title: format!("{} by month", info.name),
        labels,
        series,
        band,
        target,
        marks,
        unit: info.scale.clone(),
    };
    figure(line.svg(), &caption)
}

fn forecast_section(info: &KpiInfo, c: &Computed, aim: Option<&Goal>) -> Markup {
    html! {
        section aria-labelledby="forecast" {
            h2 #forecast { "Forecast" }
            @match &c.forecast {
                Err(e) => { p { "No forecast: " (e) "." } }
                Ok(r) => {
                    p { "Model " (r.model) ", chosen by " (r.chosen_by) "."
                        @if let (Some(t), Some(g)) = (&r.target, aim) {
                            " By this forecast, the chance of "
                            @if t.direction == "down" { "falling to " } @else { "reaching " }
                            (show(t.value, &info.scale)) " by " (t.period) " (goal “" (g.title) "”) is "
                            (percent(t.probability)) "."
                        }
                    }
                    @for n in &r.notes { p.muted { (first_upper(n)) "." } }
                    div.scroll { table {
                        caption { "Forecast of " (info.name) " with its 80% and 95% intervals" }
                        thead { tr {
                            th scope="col" { "Month" }
                            th scope="col" .num { "Forecast" }
                            th scope="col" .num { "80% interval" }
                            th scope="col" .num { "95% interval" }
                        } }
                        tbody {
                            @for (k, p) in r.forecast_periods.iter().enumerate() {
                                tr {
                                    th scope="row" { (p) }
                                    td.num { (show_opt(r.mean.get(k).copied(), &info.scale)) }
                                    td.num { (show_opt(r.lower_80.get(k).copied(), &info.scale)) " to " (show_opt(r.upper_80.get(k).copied(), &info.scale)) }
                                    td.num { (show_opt(r.lower_95.get(k).copied(), &info.scale)) " to " (show_opt(r.upper_95.get(k).copied(), &info.scale)) }
                                }
                            }
                        }
                    } }
                }
            }
        }
    }
}

fn unusual_section(info: &KpiInfo, c: &Computed) -> Markup {
    html! {
        section aria-labelledby="unusual" {
            h2 #unusual { "Unusual months" }
            @match &c.unusual {
                None => { p { "Too few months (fewer than 6) to look for unusual ones." } }
                Some(u) if u.is_empty() => {
                    @if SMOOTH.contains(&info.id.as_str()) {
                        p { "This KPI moves smoothly by construction (it is cumulative or over a trailing year): it is not screened for unusual months." }
                    } @else {
                        p { "No month stands out from what the months around it lead one to expect." }
                    }
                }
                Some(u) => {
                    div.scroll { table {
                        caption { "Months of " (info.name) " that stand out" }
                        thead { tr {
                            th scope="col" { "Month" }
                            th scope="col" .num { "Value" }
                            th scope="col" .num { "Expected" }
                            th scope="col" { "Why" }
                        } }
                        tbody {
                            @for x in u {
                                tr {
                                    th scope="row" { (x.month) }
                                    td.num { (show(x.value, &info.scale)) }
                                    td.num { (show(x.expected, &info.scale)) }
                                    td { (x.reason) }
                                }
                            }
                        }
                    } }
                }
            }
        }
    }
}

fn values_table(info: &KpiInfo, values: &BTreeMap<Month, f64>) -> Markup {
    html! {
        section aria-labelledby="values" {
            h2 #values { "Monthly values" }
            div.scroll { table {
                caption { (info.name) " by month" }
                thead { tr { th scope="col" { "Month" } th scope="col" .num { "Value" } } }
                tbody {
                    @for (m, v) in values.iter().rev() {
                        tr { th scope="row" { (m) } td.num { (show(*v, &info.scale)) } }
                    }
                }
            } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_by_their_scale() {
        assert_eq!(show(71300.0, &Measure::money("USD")), "$71,300");
        assert_eq!(show(23.5, &Measure::money("USD")), "$23.50");
        assert_eq!(show(-1200.0, &Measure::money("CAD")), "-CAD 1,200");
        assert_eq!(show(0.095, &Measure::of(Unit::Fraction)), "9.5%");
        assert_eq!(show(3.0, &Measure::of(Unit::Multiple)), "3.0×");
        let words = Measure {
            words: Some("interactions".into()),
            ..Measure::default()
        };
        assert_eq!(show(400.0, &words), "400 interactions");
        assert_eq!(show(1234.56, &Measure::of(Unit::Number)), "1,234.6");
        assert_eq!(show(f64::NAN, &Measure::of(Unit::Number)), "–");
    }

    #[test]
    fn a_title_makes_an_id() {
        assert_eq!(
            slug("Grow the e-mail list by 50%!", 40),
            "grow-the-e-mail-list-by-50"
        );
        assert_eq!(slug("  ***  ", 40), "");
        assert_eq!(slug("abcdef", 3), "abc");
    }
}
