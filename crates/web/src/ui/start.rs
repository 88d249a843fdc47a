//! The guided start (`/orgs/{org}/start`): a plan from nothing in five short pages an owner can
//! stop and resume, each saved as it is left. 1. the business (name, industry, where, currency,
//! fiscal year, employees, gross margin, discount rate): the industry's starter plan
//! ([`sextant_core::starter`]) is stored with these details, so every later page starts from
//! suggestions; 2. the goals, each with its KPI, baseline, target and due month; 3. the systems
//! in use; 4. what can be spent and the hours people can give; 5. the candidate initiatives,
//! with the goals nothing serves named. Then the dashboard: the goals, the first optimised
//! roadmap and the health checks.
//!
//! Each table page replaces its section whole (`Change::Sections`), with the references to
//! entries it removed taken out of the other sections in the same change, so a goal removed
//! here never leaves an initiative pointing at nothing; a refusal goes beside its cell and
//! nothing is saved.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::model::{Month, PlanDoc};
use sextant_core::starter::{self, Industry};
use sextant_core::unit::DecimalMark;
use sextant_store::{Change, Section as Part};

use super::business::read_profile;
use super::form::{Errors, Field, FormData, Kind, json_number, options};
use super::rows::{self, Cell, Column};
use super::{OrgPage, PageError, PageResult, Section, Viewer, render, render_status, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

/// The routes of the guided start.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/start", get(business_form).post(business_save))
        .route("/orgs/{org}/start/{step}", get(step_form).post(step_save))
}

/// The table steps, after the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Goals,
    Systems,
    Money,
    Initiatives,
}

impl Step {
    const ALL: [Step; 4] = [Step::Goals, Step::Systems, Step::Money, Step::Initiatives];

    fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.path() == s)
    }

    fn path(self) -> &'static str {
        match self {
            Step::Goals => "goals",
            Step::Systems => "systems",
            Step::Money => "money",
            Step::Initiatives => "initiatives",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Step::Goals => "What the business wants to achieve",
            Step::Systems => "The systems you use today",
            Step::Money => "What you can spend, and the hours you can give",
            Step::Initiatives => "Changes that could get you there",
        }
    }

    /// Its number among the five pages (the business is 1).
    fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 2
    }

    fn next(self) -> Option<Step> {
        Step::ALL.get(self.number() - 1).copied()
    }

    fn part(self) -> Part {
        match self {
            Step::Goals => Part::Goals,
            Step::Systems => Part::Systems,
            Step::Money => Part::Constraints,
            Step::Initiatives => Part::Initiatives,
        }
    }

    fn columns(self, doc: &PlanDoc, kpis: Vec<(String, String)>) -> Vec<Column> {
        let mut goals = vec![(String::new(), "No goal".to_string())];
        goals.extend(
            doc.goals
                .iter()
                .map(|g| (g.id.to_string(), g.title.clone())),
        );
        match self {
            Step::Goals => vec![
                Column::new("id", "Id", Cell::Hidden),
                Column::new("title", "Goal", Cell::Text),
                Column::new("kpi", "Measured by", Cell::Select(kpis)),
                Column::new("baseline", "Today", Cell::Number),
                Column::new("target", "Target", Cell::Number),
                Column::new("due", "By (month)", Cell::Month),
            ],
            Step::Systems => vec![
                Column::new("id", "Id", Cell::Hidden),
                Column::new("name", "System", Cell::Text),
                Column::new("category", "What it does", Cell::Text),
                Column::new("annual_cost", "Cost a year", Cell::Number),
                Column::new("users", "Users", Cell::Number),
                Column::new("end_of_life", "Support ends (month)", Cell::Month),
            ],
            Step::Money => Vec::new(),
            Step::Initiatives => vec![
                Column::new("id", "Id", Cell::Hidden),
                Column::new("title", "Change", Cell::Text),
                Column::new("one_time_cost", "One-time cost", Cell::Number),
                Column::new("recurring_cost_annual", "Cost a year after", Cell::Number),
                Column::new("duration_months", "Months to do", Cell::Number),
                Column::new(
                    "effort_hours_per_month",
                    "Staff hours a month",
                    Cell::Number,
                ),
                Column::new("benefit", "Gain a year", Cell::Number),
                Column::new("goal", "Goal it serves", Cell::Select(goals)),
            ],
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Step::Goals => {
                "Suggested goals for your kind of business: change the figures to yours, empty a row's goal to drop it, or add your own in the empty rows. Each goal is measured by a KPI, from where it is today to a target by a month."
            }
            Step::Systems => {
                "What you use today, suggested for your kind of business: correct it, drop what you do not use, add what is missing (accounting, e-mail, the website...). The cost a year and the month support ends tell the plan what to replace first."
            }
            Step::Money => "",
            Step::Initiatives => {
                "Suggested changes, each with what it costs, how long it takes and the gain a year it should bring toward a goal. Keep the likely ones, drop the others, add your own: the roadmap then picks the best set and order within your budget and hours."
            }
        }
    }
}

/// The steps as a list of links, the current one marked.
fn progress(org: &OrgPage, at: usize) -> Markup {
    let steps: Vec<(usize, String, &str)> = std::iter::once((1, org.url("start"), "The business"))
        .chain(Step::ALL.iter().map(|s| {
            (
                s.number(),
                org.url(&format!("start/{}", s.path())),
                match s {
                    Step::Goals => "Goals",
                    Step::Systems => "Systems",
                    Step::Money => "Money and hours",
                    Step::Initiatives => "Changes",
                },
            )
        }))
        .collect();
    html! {
        nav.steps aria-label="Steps of the guided start" {
            ol {
                @for (n, url, name) in steps {
                    li {
                        @if n == at { strong aria-current="step" { (n) ". " (name) } }
                        @else { a href=(url) { (n) ". " (name) } }
                    }
                }
            }
        }
        p.muted { "Step " (at) " of 5. Each page is saved when you continue: you can stop and come back to any step." }
    }
}

fn title(at: usize, what: &str) -> String {
    format!("Start your plan: {what} ({at} of 5)")
}

/// The business page: the profile, with the industry whose starter plan is stored.
async fn business_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
) -> PageResult {
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let plan = org.plan(&state).await?;
    let f = match &plan {
        Some(p) => super::business::profile_values(&p.doc().organization),
        None => FormData(vec![
            ("name".into(), org.name.clone()),
            ("industry".into(), "retail".into()),
            ("currency".into(), "USD".into()),
            ("fiscal_year_start".into(), "1".into()),
            ("start".into(), next_month().to_string()),
            ("discount_rate".into(), "8".into()),
        ]),
    };
    let body = business_body(&org, plan.is_some(), &f, &Errors::new());
    Ok(render(org.page(
        &title(1, "the business"),
        Section::Dashboard,
        body,
    )))
}

fn business_body(org: &OrgPage, started: bool, f: &FormData, errors: &Errors) -> Markup {
    let get = |n: &str| f.get(n).to_string();
    let mut industries: Vec<(String, String)> = Industry::ALL
        .iter()
        .map(|i| (i.name().to_string(), i.label().to_string()))
        .collect();
    // An industry typed elsewhere stays a choice.
    let typed = get("industry");
    if !typed.is_empty() && Industry::parse(&typed).is_none() {
        industries.push((typed.clone(), typed.clone()));
    }
    html! {
        (progress(org, 1))
        @if started {
            p { "Your plan is started: changing these details keeps everything else." }
        } @else {
            p { "Tell us about the business. The next pages then suggest goals, systems and changes that suit your kind of business, for you to correct; nothing is fixed until you say so." }
        }
        (errors.summary())
        form method="post" action=(org.url("start")) {
            (org.viewer.csrf_field())
            (super::business::profile_fields(f, errors, html! {
                (Field::text("industry", "Kind of business", get("industry")).kind(Kind::Select(industries))
                    .hint("The suggestions on the next pages come from it").render(errors))
            }))
            button type="submit" { "Save and continue" }
        }
    }
}

async fn business_save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(org): Path<String>,
    f: FormData,
) -> PageResult {
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let plan = org.plan(&state).await?;
    let mut errors = Errors::new();
    // The starter plan of the industry chosen, or the stored plan.
    let doc: Value = match &plan {
        Some(p) => serde_json::to_value(p.doc()).unwrap_or(Value::Null),
        None => {
            let industry = Industry::parse(f.get("industry")).unwrap_or(Industry::Retail);
            let start = f
                .month("start", &mut Errors::new())
                .and_then(|m| Month::parse(&m))
                .unwrap_or_else(next_month);
            let text = starter::render(
                industry,
                &starter::Details {
                    name: "Starter".into(),
                    currency: "USD".into(),
                    start,
                },
            );
            let p = sextant_core::load_plan("starter.yaml", &text).map_err(|e| {
                PageError::Internal(format!(
                    "the {} starter plan is not valid: {e:?}",
                    industry.name()
                ))
            })?;
            serde_json::to_value(p.doc()).unwrap_or(Value::Null)
        }
    };
    let before = doc["organization"].clone();
    // What this page does not ask (the months planned and counted) stays as stored.
    let mut asked = f.clone();
    for key in ["horizon_months", "evaluation_months"] {
        if !asked.sent(key)
            && let Some(n) = before.get(key).and_then(Value::as_u64)
        {
            asked.0.push((key.to_string(), n.to_string()));
        }
    }
    let mut profile = read_profile(&asked, &before, DecimalMark::Point, &mut errors);
    if errors.is_empty() {
        let change = if plan.is_some() {
            Change::Sections(vec![(Part::Organization, profile)])
        } else {
            // The suggestions are in the business's currency: the starter's own KPIs in money
            // name its currency too.
            let currency = profile["currency"].clone();
            let mut kpis = doc["kpis"].clone();
            if let Some(list) = kpis.as_array_mut() {
                for k in list {
                    if k["unit"] == json!("USD") {
                        k["unit"] = currency.clone();
                    }
                }
            }
            if profile.get("industry").is_none() {
                profile["industry"] = json!(f.get("industry"));
            }
            let mut parts = vec![(Part::Organization, profile)];
            for (key, v) in doc.as_object().into_iter().flatten() {
                let Some(part) = Part::parse(key) else {
                    continue;
                };
                if part == Part::Organization || !part.in_plan() {
                    continue;
                }
                parts.push((
                    part,
                    if part == Part::Kpis {
                        kpis.clone()
                    } else {
                        v.clone()
                    },
                ));
            }
            Change::Sections(parts)
        };
        match state.store.change_plan(&org.scope, change).await {
            Ok(_) => return Ok(see_other(&org.url("start/goals"))),
            Err(e) => errors.from_api(
                ApiError::from(e),
                &[
                    "name",
                    "industry",
                    "location",
                    "employees",
                    "annual_revenue",
                    "currency",
                    "start",
                    "discount_rate",
                    "fiscal_year_start",
                    "gross_margin",
                ],
                &[],
            ),
        }
    }
    let body = business_body(&org, plan.is_some(), &f, &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(&title(1, "the business"), Section::Dashboard, body),
    ))
}

/// Next calendar month (UTC): where a new plan starts unless told.
fn next_month() -> Month {
    let (y, m, _) = super::today();
    Month::new(y, m)
        .unwrap_or_else(|| Month::new(2027, 1).expect("a month"))
        .plus(1)
}

fn step_of(s: &str) -> Result<Step, PageError> {
    Step::parse(s)
        .ok_or_else(|| PageError::NotFound(format!("there is no step `{s}` of the guided start")))
}

async fn step_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, step)): Path<(String, String)>,
    Query(q): Query<super::Done>,
) -> PageResult {
    let step = step_of(&step)?;
    let org = OrgPage::open(&state, viewer, &org).await?;
    org.require_edit()?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let doc = plan.doc();
    let stored = serde_json::to_value(doc).unwrap_or(Value::Null);
    let kpis = super::goals::kpi_options(&plan, None);
    let values = stored_rows(step, doc, &stored, &kpis);
    let mut body = html! {
        (super::notice(q.done.as_deref()))
        (step_body(&org, step, doc, kpis, &values, &Errors::new()))
    };
    if step == Step::Initiatives {
        // The suggestions' own form, after the table's.
        body = html! {
            (body)
            (super::suggestions::section(&org, &plan, super::suggestions::Back::Start))
        };
    }
    Ok(render(org.page(
        &title(step.number(), &step.title().to_lowercase()),
        Section::Dashboard,
        body,
    )))
}

/// The rows (or, for the money, the fields) a step shows from the stored plan.
fn stored_rows(step: Step, doc: &PlanDoc, stored: &Value, kpis: &[(String, String)]) -> Shown {
    let columns = step.columns(doc, kpis.to_vec());
    match step {
        Step::Money => {
            let c = &doc.constraints;
            let (this, next) = fiscal_years(doc);
            let amount = |y: i32| {
                c.budget
                    .iter()
                    .find(|b| b.period.to_string() == y.to_string())
                    .map_or(String::new(), |b| {
                        super::form::num_value(Some(b.amount.to_f64()))
                    })
            };
            Shown::Fields(FormData(vec![
                ("this_year".into(), amount(this)),
                ("next_year".into(), amount(next)),
                (
                    "staff_hours_per_month".into(),
                    super::form::num_value(c.staff_hours_per_month),
                ),
                (
                    "max_concurrent".into(),
                    c.max_concurrent.map_or(String::new(), |n| n.to_string()),
                ),
            ]))
        }
        Step::Initiatives => Shown::Rows(
            stored[step.part().name()]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|e| {
                            let mut flat = e.clone();
                            // A three-point figure shows its likely value; the first benefit
                            // is the row's gain.
                            for k in ["one_time_cost", "recurring_cost_annual", "duration_months"] {
                                if let Some(l) = e[k].get("likely") {
                                    flat[k] = l.clone();
                                }
                            }
                            let b = &e["benefits"][0];
                            flat["benefit"] = b["annual"]
                                .get("likely")
                                .cloned()
                                .unwrap_or_else(|| b["annual"].clone());
                            flat["goal"] = b["goal"].clone();
                            rows::cells(&flat, &columns)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => Shown::Rows(
            stored[step.part().name()]
                .as_array()
                .map(|items| items.iter().map(|e| rows::cells(e, &columns)).collect())
                .unwrap_or_default(),
        ),
    }
}

enum Shown {
    Rows(Vec<Vec<String>>),
    Fields(FormData),
}

/// The choices of changes at once: none to four, and the stored figure when it is another (a
/// limit of 6 set on the Business page is not lost by saving this page).
fn at_once(current: &str) -> Vec<(String, String)> {
    let mut o = options(&[
        ("", "No limit"),
        ("1", "One"),
        ("2", "Two"),
        ("3", "Three"),
        ("4", "Four"),
    ]);
    if !current.is_empty() && !o.iter().any(|(v, _)| v == current) {
        o.push((current.to_string(), current.to_string()));
    }
    o
}

/// The fiscal year the plan starts in, and the next.
fn fiscal_years(doc: &PlanDoc) -> (i32, i32) {
    let o = &doc.organization;
    let fy = if o.start.month() >= o.fiscal_year_start.clamp(1, 12) {
        o.start.year()
    } else {
        o.start.year() - 1
    };
    (fy, fy + 1)
}

fn step_body(
    org: &OrgPage,
    step: Step,
    doc: &PlanDoc,
    kpis: Vec<(String, String)>,
    shown: &Shown,
    errors: &Errors,
) -> Markup {
    let action = org.url(&format!("start/{}", step.path()));
    let columns = step.columns(doc, kpis);
    let unserved: Vec<&str> = doc
        .goals
        .iter()
        .filter(|g| {
            !doc.initiatives.iter().any(|i| {
                i.contributes.get(&g.id).is_some_and(|s| *s > 0)
                    || i.benefits.iter().any(|b| b.goal.as_ref() == Some(&g.id))
            })
        })
        .map(|g| g.title.as_str())
        .collect();
    html! {
        (progress(org, step.number()))
        @if !step.hint().is_empty() { p { (step.hint()) } }
        @if step == Step::Initiatives && !unserved.is_empty() {
            p.warning { "No change below serves "
                @for (k, t) in unserved.iter().enumerate() { @if k > 0 { ", " } "\u{201c}" (t) "\u{201d}" }
                ": add one in an empty row and choose that goal." }
        }
        (errors.summary())
        form method="post" action=(action) {
            (org.viewer.csrf_field())
            @match shown {
                Shown::Rows(values) => {
                    (rows::table(step.title(), &columns, values, 3, errors))
                }
                Shown::Fields(f) => {
                    @let (this, next) = fiscal_years(doc);
                    @let get = |n: &str| f.get(n).to_string();
                    (money_scale(org, doc, f))
                    @if doc.constraints.budget.iter().any(|b| b.period.to_string().contains('Q')) {
                        p { "Your budget is set by quarter: change it on the "
                            a href=(org.url("business/money")) { "Business page" } "." }
                    } @else {
                        div.row {
                            (Field::text("this_year", &format!("How much can you spend on technology changes in the financial year {this}?"), get("this_year"))
                                .kind(Kind::Number("any")).hint(&format!("In {}; beside what your systems already cost", doc.organization.currency)).render(errors))
                            (Field::text("next_year", &format!("And in {next}?"), get("next_year")).kind(Kind::Number("any"))
                                .hint("Later years get the same unless you change them on the Business page").render(errors))
                        }
                    }
                    div.row {
                        (Field::text("staff_hours_per_month", "How many hours a month can your people give to changes?", get("staff_hours_per_month"))
                            .kind(Kind::Number("any")).hint("Beside their usual work, all of them together").render(errors))
                        (Field::text("max_concurrent", "How many changes at once can you cope with?", get("max_concurrent"))
                            .kind(Kind::Select(at_once(&get("max_concurrent")))).render(errors))
                    }
                }
            }
            button type="submit" { @if step.next().is_some() { "Save and continue" } @else { "Save and see the plan" } }
            " "
            a href=(step.next().map_or_else(|| org.url(""), |n| org.url(&format!("start/{}", n.path())))) { "Skip this step" }
        }
    }
}

async fn step_save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, step)): Path<(String, String)>,
    f: FormData,
) -> PageResult {
    let step = step_of(&step)?;
    let org = OrgPage::for_change(&state, viewer, &org, &f).await?;
    let Some(plan) = org.plan(&state).await? else {
        return Ok(see_other(&org.url("start")));
    };
    let doc = plan.doc();
    let kpis = super::goals::kpi_options(&plan, None);
    let columns = step.columns(doc, kpis.clone());
    let mark = DecimalMark::of(&doc.organization);
    let mut stored = serde_json::to_value(doc).unwrap_or(Value::Null);
    let mut errors = Errors::new();
    let mut kept = Vec::new();
    match step {
        Step::Money => {
            let (this, next) = fiscal_years(doc);
            let mut c = stored["constraints"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let mut budget: Vec<Value> = c
                .get("budget")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let this_amount = f.number_in("this_year", mark, &mut errors);
            let next_amount = f.number_in("next_year", mark, &mut errors);
            let year_of = |b: &Value| {
                b["period"]
                    .as_str()
                    .and_then(|p| p.parse::<i32>().ok())
                    .or_else(|| b["period"].as_i64().and_then(|y| i32::try_from(y).ok()))
            };
            let old_next = budget
                .iter()
                .find(|b| year_of(b) == Some(next))
                .and_then(|b| b["amount"].as_f64());
            // A year left empty keeps what it had; a budget set by quarter is left alone.
            for (year, amount) in [(this, this_amount), (next, next_amount)] {
                let Some(amount) = amount else { continue };
                budget.retain(|b| {
                    b["period"].as_str() != Some(&year.to_string())
                        && b["period"].as_i64() != Some(i64::from(year))
                });
                budget.push(json!({"period": year.to_string(), "amount": json_number(amount)}));
            }
            // Later fiscal years the plan had budgeted at next year's old amount (as a starter
            // plan does) follow the new one; a later year set otherwise stays as it is.
            if let Some(a) = next_amount {
                for b in &mut budget {
                    if year_of(b).is_some_and(|y| y > next)
                        && old_next.is_some_and(|o| b["amount"].as_f64() == Some(o))
                    {
                        b["amount"] = json_number(a);
                    }
                }
            }
            budget.sort_by_key(|b| b["period"].to_string());
            c.insert("budget".into(), Value::Array(budget));
            for (name, v) in [
                (
                    "staff_hours_per_month",
                    f.number_in("staff_hours_per_month", mark, &mut errors)
                        .map(json_number),
                ),
                (
                    "max_concurrent",
                    f.whole("max_concurrent", 1, 100, &mut errors)
                        .map(|n| json!(n)),
                ),
            ] {
                match v {
                    Some(v) => c.insert(name.into(), v),
                    None => c.remove(name),
                };
            }
            stored["constraints"] = Value::Object(c);
        }
        _ => {
            let part = step.part().name();
            let before: Vec<Value> = stored[part].as_array().cloned().unwrap_or_default();
            let mut taken: Vec<String> = before
                .iter()
                .filter_map(|e| e["id"].as_str().map(str::to_string))
                .collect();
            let mut items = Vec::new();
            for (row, _) in rows::posted(&f, &columns) {
                let cells = rows::entry(&f, &columns, row, mark, &mut errors);
                let id = cells.get("id").and_then(Value::as_str).map(str::to_string);
                let old = id
                    .as_ref()
                    .and_then(|id| before.iter().find(|e| e["id"].as_str() == Some(id)));
                let mut e: Map<String, Value> =
                    old.and_then(Value::as_object).cloned().unwrap_or_default();
                let name_field = if step == Step::Systems {
                    "name"
                } else {
                    "title"
                };
                let id = match id.filter(|_| old.is_some()) {
                    Some(id) => id,
                    None => {
                        let name = cells.get(name_field).and_then(Value::as_str).unwrap_or("");
                        let id = rows::id_from(name, &taken);
                        taken.push(id.clone());
                        id
                    }
                };
                e.insert("id".into(), json!(id));
                for c in &columns {
                    if matches!(c.cell, Cell::Hidden) || matches!(c.name, "benefit" | "goal") {
                        continue;
                    }
                    match cells.get(c.name) {
                        Some(v) => {
                            let v = keep_range(e.get(c.name), v);
                            e.insert(c.name.into(), v);
                        }
                        None => {
                            e.remove(c.name);
                        }
                    }
                }
                if step == Step::Initiatives {
                    set_benefit(&mut e, cells.get("benefit"), cells.get("goal"));
                    e.entry("duration_months").or_insert(json!(1));
                }
                if step == Step::Systems {
                    e.entry("category").or_insert(json!("other"));
                    e.entry("annual_cost").or_insert(json!(0));
                }
                items.push(Value::Object(e));
                kept.push(row);
            }
            stored[part] = Value::Array(items);
            prune(&mut stored);
        }
    }
    if errors.is_empty() {
        let parts: Vec<(Part, Value)> = [
            Part::Goals,
            Part::Systems,
            Part::Integrations,
            Part::Initiatives,
            Part::Risks,
            Part::Phases,
            Part::Scenarios,
            Part::Constraints,
        ]
        .into_iter()
        .filter_map(|p| stored.get(p.name()).map(|v| (p, v.clone())))
        .collect();
        match state
            .store
            .change_plan(&org.scope, Change::Sections(parts))
            .await
        {
            Ok(_) => {
                return Ok(see_other(&match step.next() {
                    Some(n) => org.url(&format!("start/{}", n.path())),
                    None => format!("{}?done=started", org.url("")),
                }));
            }
            Err(e) => {
                let e = ApiError::from(e);
                match step {
                    Step::Money => {
                        errors.from_api(e, &["staff_hours_per_month", "max_concurrent"], &[])
                    }
                    _ => rows::refused(&mut errors, e, step.part().name(), &columns, &kept),
                }
            }
        }
    }
    let shown = match step {
        Step::Money => Shown::Fields(f.clone()),
        _ => Shown::Rows(rows::typed(&f, &columns)),
    };
    let body = step_body(&org, step, doc, kpis, &shown, &errors);
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        org.page(
            &title(step.number(), &step.title().to_lowercase()),
            Section::Dashboard,
            body,
        ),
    ))
}

/// What the systems cost today and, when the sales a year are known, each amount as a share of
/// them: the scale an owner weighs a technology budget against.
fn money_scale(org: &OrgPage, doc: &PlanDoc, f: &FormData) -> Markup {
    let cur = &doc.organization.currency;
    let money = |x: f64| sextant_core::unit::money(x, cur);
    let systems: f64 = doc.systems.iter().map(|s| s.annual_cost.to_f64()).sum();
    let sales = doc
        .organization
        .annual_revenue
        .map(|r| r.to_f64())
        .filter(|r| *r > 0.0);
    let share = |x: f64| sales.map(|s| sextant_core::unit::percent(x / s, 1));
    let mark = DecimalMark::of(&doc.organization);
    let this = f.number_in("this_year", mark, &mut Errors::new());
    html! {
        p {
            "The systems you listed cost " (money(systems)) " a year to run today"
            @if let Some(s) = share(systems) { " (" (s) " of your sales of " (money(sales.unwrap_or_default())) " a year)" }
            ". The amounts below are for changes, on top of that."
            @if let (Some(x), Some(s)) = (this, this.and_then(share)) { " " (money(x)) " this year would be " (s) " of your sales." }
            @if sales.is_none() {
                " " a href=(org.url("start")) { "Give your sales a year" } " to see these as a share of them."
            }
        }
    }
}

/// The row's gain a year and goal as the initiative's first benefit (a saving when it serves a
/// goal whose KPI should fall, else revenue); the other benefits are kept.
fn set_benefit(e: &mut Map<String, Value>, amount: Option<&Value>, goal: Option<&Value>) {
    let mut benefits: Vec<Value> = e
        .get("benefits")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    match amount {
        None => {
            if !benefits.is_empty() {
                benefits.remove(0);
            }
        }
        Some(a) => {
            let mut b = benefits
                .first()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            b.entry("kind").or_insert(json!("revenue"));
            let a = keep_range(b.get("annual"), a);
            b.insert("annual".into(), a);
            match goal {
                Some(g) => b.insert("goal".into(), g.clone()),
                None => b.remove("goal"),
            };
            if benefits.is_empty() {
                benefits.push(Value::Object(b));
            } else {
                benefits[0] = Value::Object(b);
            }
        }
    }
    if let Some(Value::String(g)) = goal {
        let c = e.entry("contributes").or_insert(json!({}));
        if let Some(m) = c.as_object_mut() {
            m.entry(g.clone()).or_insert(json!(2));
        }
    }
    e.insert("benefits".into(), Value::Array(benefits));
}

/// A figure typed as its likely value keeps the stored range around it (`{low, likely, high}`)
/// while the range still holds it; otherwise the typed figure stands alone.
fn keep_range(old: Option<&Value>, typed: &Value) -> Value {
    let (Some(old), Some(x)) = (old.filter(|o| o.is_object()), typed.as_f64()) else {
        return typed.clone();
    };
    let end = |k: &str| old.get(k).and_then(Value::as_f64);
    match (end("low"), end("high")) {
        (Some(lo), Some(hi)) if lo <= x && x <= hi => {
            let mut o = old.clone();
            o["likely"] = typed.clone();
            o
        }
        _ => typed.clone(),
    }
}

/// Takes out of the plan every reference to a goal, system or initiative it no longer has: the
/// guided start removes rows, and the plan must stay whole.
fn prune(doc: &mut Value) {
    let ids = |doc: &Value, key: &str| -> Vec<String> {
        doc.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (goals, systems, initiatives) = (
        ids(doc, "goals"),
        ids(doc, "systems"),
        ids(doc, "initiatives"),
    );
    let has = |list: &[String], v: &Value| v.as_str().is_some_and(|s| list.iter().any(|x| x == s));
    // Fields are changed only where present: indexing a JSON object by a missing key would add it.
    let keep_keys = |e: &mut Value, field: &str, list: &[String]| {
        if let Some(o) = e.get_mut(field).and_then(Value::as_object_mut) {
            o.retain(|k, _| list.iter().any(|x| x == k));
        }
    };
    let keep_items = |e: &mut Value, field: &str, list: &[String]| {
        if let Some(a) = e.get_mut(field).and_then(Value::as_array_mut) {
            a.retain(|v| has(list, v));
        }
    };
    let drop_dangling = |e: &mut Value, field: &str, list: &[String]| {
        if e.get(field).is_some_and(|x| !x.is_null() && !has(list, x)) {
            e.as_object_mut().map(|o| o.remove(field));
        }
    };
    let each = |doc: &mut Value, key: &str, f: &mut dyn FnMut(&mut Value)| {
        if let Some(a) = doc.get_mut(key).and_then(Value::as_array_mut) {
            a.iter_mut().for_each(&mut *f);
        }
    };
    each(doc, "initiatives", &mut |i| {
        keep_keys(i, "contributes", &goals);
        keep_items(i, "depends_on", &initiatives);
        keep_items(i, "replaces", &systems);
        if let Some(bs) = i.get_mut("benefits").and_then(Value::as_array_mut) {
            for b in bs {
                drop_dangling(b, "goal", &goals);
            }
        }
    });
    each(doc, "systems", &mut |s| keep_keys(s, "supports", &goals));
    if let Some(a) = doc.get_mut("integrations").and_then(Value::as_array_mut) {
        a.retain(|x| has(&systems, &x["from"]) && has(&systems, &x["to"]));
    }
    each(doc, "risks", &mut |r| {
        drop_dangling(r, "initiative", &initiatives);
        drop_dangling(r, "system", &systems);
    });
    each(doc, "phases", &mut |p| {
        keep_items(p, "initiatives", &initiatives)
    });
    each(doc, "scenarios", &mut |s| {
        keep_keys(s, "delays", &initiatives)
    });
}
