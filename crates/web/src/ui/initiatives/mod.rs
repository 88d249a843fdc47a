//! The initiative pages: the list with each business case's headline figures, and one
//! initiative's business case — first-year ROI, NPV, IRR, payback, its cash flows by fiscal
//! year (chart and table), a Monte Carlo simulation of its NPV (S-curve and tornado), the
//! goals it serves, its dependencies and its risks. Editors add, change and delete
//! initiatives; a change keeps every field the form does not show as it was stored.
//!
//! The simulation is the library's (`sextant_roadmap::simulate`, as `sextant simulate` and
//! the API run it), on a schedule holding this initiative alone at its business-case start,
//! so that the "portfolio" it reports is this initiative; only risks of this initiative are
//! counted. The S-curve is drawn through the NPV at every 2.5% of the trials
//! (`Summary::quantiles`).
//!
//! Routes: `GET /orgs/{org}/initiatives`; `GET|POST /orgs/{org}/initiatives/new`;
//! `GET /orgs/{org}/initiatives/{id}` (the business case);
//! `GET|POST /orgs/{org}/initiatives/{id}/edit`; `POST /orgs/{org}/initiatives/{id}/delete`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value, json};
use sextant_core::analysis::InitiativeAnalysis;
use sextant_core::model::{BenefitKind, BudgetPeriod, Initiative, PlanDoc, Status};
use sextant_core::unit::{self as format, Measure, money};
use sextant_core::{Plan, case::BusinessCase};
use sextant_report::chart::{BarSeries, Bars, SCurve, Tornado, TornadoBar};
use sextant_roadmap::simulate::{self as sim, Simulation};

use sextant_store::Section as Part;

use super::Done;
use super::compute::{self, Analysed};
use super::editor::{self, Editor};
use super::form::{
    Errors, Field, FormData, Kind, check_boxes, estimate_values, goal_strengths, json_number,
    num_value, options, range, read_goal_strengths, text_of,
};
use super::{OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

mod case;
mod editing;
mod list;

use case::*;
use editing::*;
use list::*;

/// The initiative routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/initiatives", get(list))
        .route(
            "/orgs/{org}/initiatives/new",
            get(editor::new_form::<Initiatives>).post(editor::create::<Initiatives>),
        )
        .route("/orgs/{org}/initiatives/{id}", get(case_page))
        .route(
            "/orgs/{org}/initiatives/{id}/edit",
            get(edit_form).post(editor::save::<Initiatives>),
        )
        .route(
            "/orgs/{org}/initiatives/{id}/delete",
            post(editor::delete::<Initiatives>),
        )
}

/// The initiative form's add, change and delete flow.
struct Initiatives;

impl Editor for Initiatives {
    const PART: Part = Part::Initiatives;
    const SECTION: Section = Section::Initiatives;
    const PATH: &'static str = "initiatives";
    const NOUN: &'static str = "an initiative";
    const THING: &'static str = "initiative";
    const LIST: &'static str = "Initiatives";
    const ADD: &'static str = "Add an initiative";
    const DELETE_NOTE: Option<&'static str> = Some(
        "Initiatives that depend on it, its risks and the phases that name it must be changed first.",
    );

    fn taken(doc: &PlanDoc, id: &str) -> bool {
        doc.initiatives.iter().any(|i| i.id.as_str() == id)
    }

    fn form(
        org: &OrgPage,
        doc: &PlanDoc,
        id: Option<&str>,
        stored: Option<&Value>,
        f: &FormData,
        errors: &Errors,
    ) -> Markup {
        form_page(org, doc, id, stored, f, errors)
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
        initiative_json(f, doc, stored, id, errors)
    }

    /// Problems of the benefits go beside their rows: one per stored benefit and one more.
    fn refused(errors: &mut Errors, e: ApiError, stored: Option<&Value>) {
        let rows = stored
            .and_then(|s| s.get("benefits"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
            + 1;
        refused(errors, e, rows);
    }

    fn references(doc: &PlanDoc, id: &str) -> Vec<String> {
        references(doc, id)
    }

    /// Its business case.
    fn shown_at(org: &OrgPage, id: &str) -> String {
        org.url(&format!("initiatives/{id}"))
    }

    fn edit_title(title: &str) -> String {
        format!("Edit: {title}")
    }
}

/// Trials of the business case's simulation.
const TRIALS: usize = 2_000;
/// Its seed (the same figures on every visit).
const SEED: u64 = 1;

/// The fields of the initiative form that a refused change's problems may name.
const FIELDS: [&str; 30] = [
    "vendor",
    "handles_customer_data",
    "affects_staff",
    "training",
    "change_plan",
    "started",
    "launched",
    "actual_cost",
    "cash_flows",
    "cash_flow_period",
    "id",
    "title",
    "description",
    "kind",
    "status",
    "owner",
    "one_time_cost",
    "recurring_cost_annual",
    "duration_months",
    "effort_hours_per_month",
    "depends_on",
    "benefit_kind",
    "benefit_annual",
    "benefit_goal",
    "contributes",
    "mandatory",
    "start",
    "done_by",
    "alternative_group",
    "replaces",
];

/// The initiative's estimates, each with its optional range (`one_time_cost_low`...).
const ESTIMATES: [&str; 3] = ["one_time_cost", "recurring_cost_annual", "duration_months"];

/// A benefit's form field: `benefit_annual` for the first, `benefit_annual_2` for the second...
fn benefit_field(part: &str, i: usize) -> String {
    if i == 0 {
        format!("benefit_{part}")
    } else {
        format!("benefit_{part}_{}", i + 1)
    }
}

/// A refused change's problems with each benefit's path (`initiatives[3].benefits[1].annual`)
/// renamed to its field (`benefit_annual_2`, and `….annual.low` to `benefit_annual_2.low`),
/// and the fields they may name.
fn benefit_problems(
    e: crate::error::ApiError,
    rows: usize,
) -> (crate::error::ApiError, Vec<String>) {
    let fields = (0..rows)
        .flat_map(|i| ["kind", "annual", "goal", "description"].map(|p| benefit_field(p, i)))
        .collect();
    let e = match e {
        crate::error::ApiError::Invalid(detail, problems) => crate::error::ApiError::Invalid(
            detail,
            problems
                .into_iter()
                .map(|mut p| {
                    if let Some(at) = p.path.find("benefits[") {
                        let rest = &p.path[at + "benefits[".len()..];
                        if let Some((n, tail)) = rest.split_once("].")
                            && let Ok(i) = n.parse::<usize>()
                        {
                            // `annual.low`, an end of the amount's range, stays an end.
                            p.path = match tail.split_once('.') {
                                Some((part, end)) => format!("{}.{end}", benefit_field(part, i)),
                                None => benefit_field(super::form::leaf(tail), i),
                            };
                        }
                    }
                    p
                })
                .collect(),
        ),
        other => other,
    };
    (e, fields)
}

/// Puts a refused change's problems beside the initiative form's fields (`rows` benefit rows).
fn refused(errors: &mut Errors, e: crate::error::ApiError, rows: usize) {
    let (e, benefit_fields) = benefit_problems(e, rows);
    let mut fields: Vec<&str> = FIELDS.to_vec();
    fields.extend(benefit_fields.iter().map(String::as_str));
    errors.from_api(e, &fields, &RENAME);
}

/// Where a plan problem's last path part differs from the form's field.
const RENAME: [(&str, &str); 4] = [
    ("annual", "benefit_annual"),
    ("goal", "benefit_goal"),
    // `cash_flows.values` and `cash_flows.period`.
    ("values", "cash_flows"),
    ("period", "cash_flow_period"),
];

/// Each status with its value in the form (the plan file's word); its words are its `label()`.
const STATUSES: [(Status, &str); 5] = [
    (Status::Candidate, "candidate"),
    (Status::Planned, "planned"),
    (Status::InProgress, "in_progress"),
    (Status::Done, "done"),
    (Status::Cancelled, "cancelled"),
];

const STRENGTH: [&str; 4] = ["none", "weak", "clear", "strong"];

fn percent(x: Option<f64>, none: &str) -> String {
    x.map_or_else(|| none.to_string(), |v| format::percent(v, 1))
}
