//! The risk pages: the 5x5 heat map of likelihood by impact (each risk's id in its cell) and
//! the register (score and level from the analysis, mitigation, owner, residual score), with
//! forms to add, change and delete a risk. Every change goes through the store, which checks
//! the whole plan as a plan file is checked.
//!
//! Routes: `GET /orgs/{org}/risks`; `GET|POST /orgs/{org}/risks/new`;
//! `GET|POST /orgs/{org}/risks/{id}` (the form for editors, the details for viewers);
//! `POST /orgs/{org}/risks/{id}/delete`.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::model::{PlanDoc, Risk, RiskCategory};
use sextant_core::unit::{self as format, money};
use sextant_store::Section as Part;

use super::Done;
use super::compute::{self, Analysed};
use super::editor::{self, Editor};
use super::form::{Errors, Field, FormData, Kind, estimate_values, num_value, range, text_of};
use super::{OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The risk routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/risks", get(list))
        .route(
            "/orgs/{org}/risks/new",
            get(editor::new_form::<Risks>).post(editor::create::<Risks>),
        )
        .route(
            "/orgs/{org}/risks/{id}",
            get(edit_form).post(editor::save::<Risks>),
        )
        .route(
            "/orgs/{org}/risks/{id}/delete",
            post(editor::delete::<Risks>),
        )
}

/// The risk form's add, change and delete flow.
struct Risks;

impl Editor for Risks {
    const PART: Part = Part::Risks;
    const SECTION: Section = Section::Risks;
    const PATH: &'static str = "risks";
    const NOUN: &'static str = "a risk";
    const THING: &'static str = "risk";
    const LIST: &'static str = "Risks";
    const ADD: &'static str = "Add a risk";

    fn taken(doc: &PlanDoc, id: &str) -> bool {
        doc.risks.iter().any(|r| r.id.as_str() == id)
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
        _doc: &PlanDoc,
        stored: Option<&Value>,
        id: &str,
        errors: &mut Errors,
    ) -> Value {
        risk_json(f, stored, id, errors)
    }

    fn refused(errors: &mut Errors, e: ApiError, _stored: Option<&Value>) {
        errors.from_api(e, &FIELDS, &[]);
    }
}

/// The fields of the risk form that a refused change's problems may name.
const FIELDS: [&str; 14] = [
    "id",
    "title",
    "category",
    "initiative",
    "system",
    "likelihood",
    "impact",
    "mitigation",
    "owner",
    "residual_likelihood",
    "residual_impact",
    "probability",
    "cost",
    "delay_months",
];

/// Likelihood 1-5 in words.
const LIKELIHOOD: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost certain"];
/// Impact 1-5 in words.
const IMPACT: [&str; 5] = ["minor", "moderate", "significant", "major", "severe"];

const CATEGORIES: [(RiskCategory, &str, &str); 7] = [
    (RiskCategory::Security, "security", "Security"),
    (RiskCategory::Adoption, "adoption", "Adoption"),
    (RiskCategory::Technical, "technical", "Technical"),
    (RiskCategory::Vendor, "vendor", "Vendor"),
    (RiskCategory::Financial, "financial", "Financial"),
    (RiskCategory::Compliance, "compliance", "Compliance"),
    (RiskCategory::Other, "other", "Other"),
];

fn category_name(c: RiskCategory) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(k, _, _)| *k == c)
        .map_or("Other", |(_, _, l)| l)
}

fn word(words: &[&'static str; 5], n: u8) -> &'static str {
    words
        .get(usize::from(n).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

fn level_badge(level: &str) -> Markup {
    let class = match level {
        "low" | "medium" | "high" | "critical" => level,
        _ => "none",
    };
    html! { span class=(format!("badge {class}")) { (level) } }
}

// ---------------------------------------------------------------------------------------------
// The register
// ---------------------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let a = compute::require_analysed(&state, &org, "Risks", Section::Risks).await?;
    let body = html! {
        (notice(q.done.as_deref()))
        @if org.can_edit() {
            p { a.button href=(org.url("risks/new")) { "Add a risk" } }
        }
        @if a.plan.doc().risks.is_empty() {
            p { "The plan lists no risks yet." }
        } @else {
            (heat_map(&a))
            (register(&org, &a))
        }
    };
    Ok(render(org.page("Risks", Section::Risks, body)))
}

fn heat_map(a: &Analysed) -> Markup {
    let chart = sextant_report::plan_charts::risk_heat_map(&a.plan);
    figure(
        chart.svg(),
        "Each risk's id in its cell: likelihood from 1 (rare) at the bottom to 5 (almost \
         certain) at the top, impact from 1 (minor) on the left to 5 (severe) on the right. The \
         register below lists the same risks with their scores.",
    )
}

fn register(org: &OrgPage, a: &Analysed) -> Markup {
    let doc = a.plan.doc();
    html! {
        div.scroll tabindex="0" {
            table.list {
                caption { "Risk register, highest score first" }
                thead { tr {
                    th scope="col" { "Id" }
                    th scope="col" { "Risk" }
                    th scope="col" { "Category" }
                    th scope="col" { "Initiative or system" }
                    th scope="col" { "Likelihood" }
                    th scope="col" { "Impact" }
                    th scope="col" { "Score" }
                    th scope="col" { "Mitigation" }
                    th scope="col" { "Owner" }
                    th scope="col" { "Residual score" }
                } }
                tbody {
                    @for s in &a.analysis.risks {
                        @if let Some(r) = doc.risks.iter().find(|r| r.id.as_str() == s.id) {
                            tr {
                                td { (r.id) }
                                th scope="row" { a href=(org.url(&format!("risks/{}", r.id))) { (r.title) } }
                                td { (category_name(r.category)) }
                                td { (belongs_to(org, doc, r)) }
                                td { (r.likelihood) " " span.muted { (word(&LIKELIHOOD, r.likelihood)) } }
                                td { (r.impact) " " span.muted { (word(&IMPACT, r.impact)) } }
                                td { (s.score) " " (level_badge(s.level)) }
                                td { (r.mitigation.as_deref().unwrap_or("")) }
                                td { (r.owner.as_deref().unwrap_or("")) }
                                td {
                                    @if let (Some(rs), Some(rl)) = (s.residual_score, s.residual_level) {
                                        (rs) " " (level_badge(rl))
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

fn belongs_to(org: &OrgPage, doc: &PlanDoc, r: &Risk) -> Markup {
    let init = r.initiative.as_ref().map(|id| {
        let title = doc
            .initiatives
            .iter()
            .find(|i| &i.id == id)
            .map_or(id.as_str(), |i| i.title.as_str());
        (id.to_string(), title.to_string())
    });
    let sys = r.system.as_ref().map(|id| {
        doc.systems
            .iter()
            .find(|s| &s.id == id)
            .map_or(id.to_string(), |s| s.name.clone())
    });
    html! {
        @if let Some((id, title)) = init {
            a href=(org.url(&format!("initiatives/{id}"))) { (title) }
        }
        @if let Some(name) = sys {
            @if r.initiative.is_some() { "; " }
            (name)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

/// The form's values from a stored risk.
fn form_of(v: &Value) -> FormData {
    let mut out: Vec<(String, String)> = FIELDS
        .iter()
        .map(|n| match *n {
            // A chance as people write it (15%), which the form reads back as 0.15.
            "probability" => (
                n.to_string(),
                super::form::percent_text(
                    v.get(*n).and_then(Value::as_f64),
                    sextant_core::unit::DecimalMark::Point,
                ),
            ),
            _ => (n.to_string(), text_of(v.get(*n))),
        })
        .collect();
    for n in ["cost", "delay_months"] {
        out.extend(estimate_values(n, v.get(n)).into_iter().skip(1));
    }
    FormData(out)
}

fn scale(words: &[&str; 5], blank: Option<&str>) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if let Some(b) = blank {
        v.push((String::new(), b.to_string()));
    }
    for (i, w) in words.iter().enumerate() {
        v.push(((i + 1).to_string(), format!("{} – {w}", i + 1)));
    }
    v
}

/// The risk form: `id` is the risk being edited (`None` for a new one).
fn form_page(
    org: &OrgPage,
    doc: &PlanDoc,
    id: Option<&str>,
    f: &FormData,
    errors: &Errors,
) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let action = match id {
        Some(id) => org.url(&format!("risks/{id}")),
        None => org.url("risks/new"),
    };
    let mut inits = vec![(String::new(), "None".to_string())];
    inits.extend(
        doc.initiatives
            .iter()
            .map(|i| (i.id.to_string(), i.title.clone())),
    );
    let mut systems = vec![(String::new(), "None".to_string())];
    systems.extend(
        doc.systems
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone())),
    );
    let categories: Vec<(String, String)> = CATEGORIES
        .iter()
        .map(|(_, v, l)| (v.to_string(), l.to_string()))
        .collect();
    let category = if get("category").is_empty() {
        "other".to_string()
    } else {
        get("category")
    };
    html! {
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            (Field::text("title", "What could go wrong", get("title")).required().render(errors))
            @if id.is_none() { (super::form::id_field(&get("id"), "r1", errors)) }
            div.row {
                (Field::text("category", "Category", category).kind(Kind::Select(categories)).render(errors))
                (Field::text("initiative", "Initiative", get("initiative")).kind(Kind::Select(inits)).render(errors))
                (Field::text("system", "System", get("system")).kind(Kind::Select(systems)).render(errors))
            }
            div.row {
                (Field::text("likelihood", "Likelihood", get("likelihood")).kind(Kind::Select(scale(&LIKELIHOOD, None))).required().render(errors))
                (Field::text("impact", "Impact", get("impact")).kind(Kind::Select(scale(&IMPACT, None))).required().render(errors))
            }
            (Field::text("mitigation", "Mitigation", get("mitigation")).kind(Kind::Textarea)
                .hint("What reduces the risk").render(errors))
            (Field::text("owner", "Owner", get("owner")).hint("Who watches it").render(errors))
            fieldset {
                legend { "After mitigation" }
                div.row {
                    (Field::text("residual_likelihood", "Residual likelihood", get("residual_likelihood"))
                        .kind(Kind::Select(scale(&LIKELIHOOD, Some("Not assessed")))).render(errors))
                    (Field::text("residual_impact", "Residual impact", get("residual_impact"))
                        .kind(Kind::Select(scale(&IMPACT, Some("Not assessed")))).render(errors))
                }
            }
            fieldset {
                legend { "For the simulation (optional)" }
                div.row {
                    (Field::text("probability", "Probability within the horizon", get("probability")).kind(Kind::Number("any"))
                        .hint("A percentage such as 15%, or a fraction from 0 to 1").render(errors))
                    @for (name, label) in [("cost", "Cost if it happens"), ("delay_months", "Delay if it happens, months")] {
                        div.estimate {
                            (Field::text(name, label, get(name)).kind(Kind::Number("any")).render(errors))
                            (range(f, name, label, "any", errors))
                        }
                    }
                }
            }
            button type="submit" { @if id.is_some() { "Save" } @else { "Add the risk" } }
            " " a href=(org.url("risks")) { "Cancel" }
        }
    }
}

/// The risk as JSON from the form, on top of the stored one.
fn risk_json(f: &FormData, stored: Option<&Value>, id: &str, errors: &mut Errors) -> Value {
    let mut body = match stored {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    body.insert("id".into(), json!(id));
    let title = f.required("title", errors);
    body.insert("title".into(), json!(title));
    let category = match f.get("category") {
        "" => "other",
        c => match CATEGORIES.iter().find(|(_, v, _)| *v == c) {
            Some((_, v, _)) => v,
            None => {
                errors.add(
                    "category",
                    format!(
                        "expected one of {}, found `{c}`",
                        CATEGORIES.map(|(_, v, _)| v).join(", ")
                    ),
                );
                "other"
            }
        },
    };
    body.insert("category".into(), json!(category));
    for k in ["likelihood", "impact"] {
        if f.opt(k).is_none() {
            errors.add(k, "this field is required");
        }
        if let Some(v) = f.whole(k, 1, 5, errors) {
            body.insert(k.into(), json!(v));
        }
    }
    let stored_of = |k: &str| stored.and_then(|s| s.get(k)).cloned();
    let probability = f.number("probability", errors);
    let cost = f.estimate("cost", stored_of("cost").as_ref(), errors);
    let delay = f.estimate("delay_months", stored_of("delay_months").as_ref(), errors);
    let mut opt = |key: &str, v: Option<Value>| match v {
        Some(v) => {
            body.insert(key.into(), v);
        }
        None => {
            body.remove(key);
        }
    };
    for k in ["initiative", "system", "mitigation", "owner"] {
        opt(k, f.opt(k).map(Value::from));
    }
    for k in ["residual_likelihood", "residual_impact"] {
        opt(k, f.whole(k, 1, 5, errors).map(Value::from));
    }
    opt("probability", probability.map(Value::from));
    opt("cost", cost);
    opt("delay_months", delay);
    Value::Object(body)
}

fn details(org: &OrgPage, a: &Analysed, r: &Risk) -> Markup {
    let doc = a.plan.doc();
    let cur = &doc.organization.currency;
    let s = a.analysis.risks.iter().find(|s| s.id == r.id.as_str());
    html! {
        dl {
            dt { "Category" } dd { (category_name(r.category)) }
            @if r.initiative.is_some() || r.system.is_some() {
                dt { "Initiative or system" } dd { (belongs_to(org, doc, r)) }
            }
            dt { "Likelihood" } dd { (r.likelihood) " – " (word(&LIKELIHOOD, r.likelihood)) }
            dt { "Impact" } dd { (r.impact) " – " (word(&IMPACT, r.impact)) }
            @if let Some(s) = s {
                dt { "Score" } dd { (s.score) " " (level_badge(s.level)) }
                @if let (Some(rs), Some(rl)) = (s.residual_score, s.residual_level) {
                    dt { "Residual score" } dd { (rs) " " (level_badge(rl)) }
                }
            }
            @if let Some(m) = &r.mitigation { dt { "Mitigation" } dd { (m) } }
            @if let Some(o) = &r.owner { dt { "Owner" } dd { (o) } }
            @if let Some(p) = r.probability {
                dt { "Probability within the horizon" } dd { (format::percent(p, 1)) }
            }
            @if let Some(c) = &r.cost { dt { "Cost if it happens" } dd { (money(c.likely(), cur)) } }
            @if let Some(d) = &r.delay_months { dt { "Delay if it happens" } dd { (num_value(Some(d.likely()))) " months" } }
        }
        p { a href=(org.url("risks")) { "Back to the risks" } }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, id)): Path<(String, String)>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    let stored = state.store.entity(&org.scope, Part::Risks, &id).await?;
    let a = compute::require_analysed(&state, &org, "Risks", Section::Risks).await?;
    let doc = a.plan.doc();
    let Some(r) = doc.risks.iter().find(|r| r.id.as_str() == id) else {
        return Err(PageError::NotFound(format!("risk {id} not found")));
    };
    let title = r.title.clone();
    let body = if org.can_edit() {
        editor::edit_body::<Risks>(
            &org,
            doc,
            &id,
            &stored.body,
            &form_of(&stored.body),
            &Errors::new(),
        )
    } else {
        details(&org, &a, r)
    };
    Ok(render(org.page(&title, Section::Risks, body)))
}
