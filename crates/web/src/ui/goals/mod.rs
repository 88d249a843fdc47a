//! Goals and KPIs: the plan's goals with their standing from the analysis (on track, at risk,
//! off track, achieved, no data, with the forecast's probability of reaching the target when
//! there is one), forms to add, change and delete a goal, and a page per KPI: its monthly
//! values, the goals it measures, a forecast to the goal's due month, unusual months, and its
//! definition from the catalogue.
//!
//! Routes: `GET/POST /orgs/{org}/goals`, `GET /orgs/{org}/goals/new`,
//! `GET/POST /orgs/{org}/goals/{id}`, `POST /orgs/{org}/goals/{id}/delete`,
//! `GET /orgs/{org}/kpis/{kpi}`, `POST /orgs/{org}/kpis/{kpi}/values` (a month's figure typed
//! by hand, kept in the plan's measurements).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Map, Value};
use sextant_core::Plan;
use sextant_core::kpi::GoalStatus;
use sextant_core::model::{Direction, Goal, Id, Month};
use sextant_core::unit::{self as format, DecimalMark, Measure, Unit};
use sextant_report::chart::{self, Mark};
use sextant_store::{Change, Section as Part};

use super::Done;
use super::compute::{self, Analysed};
use super::form::{Errors, Field, FormData, Kind, num_value};
use super::{
    OrgPage, PageError, PageResult, Section, Viewer, figure, notice, render, render_status,
    see_other, standing,
};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Path, Query};

mod editing;
mod goal;
mod kpi;
mod list;

pub use editing::kpi_options;
use editing::*;
use goal::*;
use kpi::*;
use list::*;

/// The routes of this area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/goals", get(list).post(create))
        .route("/orgs/{org}/goals/new", get(new_form))
        .route("/orgs/{org}/goals/{id}", get(edit_form).post(save))
        .route("/orgs/{org}/goals/{id}/delete", post(delete))
        .route("/orgs/{org}/kpis/{kpi}", get(kpi_page))
        .route("/orgs/{org}/kpis/{kpi}/values", post(record))
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
    sextant_core::unit::chance_percent(p)
}

/// A KPI's page.
pub fn kpi_url(org: &OrgPage, kpi: &str) -> String {
    org.url(&format!("kpis/{}", crate::ui::form::url_encode(kpi)))
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
