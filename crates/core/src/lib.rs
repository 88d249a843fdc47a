//! Sextant's core: the plan model and the analysis engine.
//!
//! A plan file is read once by [`load_plan`] into a checked [`Plan`]; everything else is pure
//! functions of it. This crate does no IO beyond what a caller hands it: no files, no network,
//! no database.

pub mod alignment;
pub mod analysis;
pub mod asset;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod checks;
pub mod decode;
pub mod diag;
pub mod finance;
pub mod health;
pub mod kpi;
pub mod lifecycle;
pub mod model;
pub mod review;
pub mod source;
pub mod standard;
pub mod starter;
pub mod suggest;
pub mod synth;
pub mod unit;
pub mod validate;

pub use analysis::{Analysis, analyze, analyze_with};
pub use diag::{Location, Problem, Problems};
pub use model::PlanDoc;
pub use validate::Plan;

/// Reads a plan from YAML or JSON text. `file` names it in error locations.
///
/// Every problem is reported at once: syntax, then shape (unknown or missing fields, wrong
/// types, values out of range), then meaning (ids, references, cycles, dates, budgets).
pub fn load_plan(file: &str, text: &str) -> Result<Plan, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let (doc, map, mut problems, mut more) = decode::decode_plan(file, &root);
    drop(root);
    // The whole-plan checks run even when some entries had problems of their own (those
    // entries are left out), so that every problem is reported at once.
    let plan = match doc {
        Some(doc) => match Plan::from_doc(doc, map) {
            Ok(plan) if problems.is_empty() => Some(plan),
            Ok(_) => None,
            Err(p) => {
                problems.extend(p);
                None
            }
        },
        None => None,
    };
    match plan {
        Some(plan) => Ok(plan),
        None => {
            problems.sort_by(|a, b| {
                (a.location.line, a.location.column).cmp(&(b.location.line, b.location.column))
            });
            if problems.len() > decode::MAX_PROBLEMS {
                problems.truncate(decode::MAX_PROBLEMS);
                more = true;
            }
            if more {
                problems.push(
                    Problem::new(
                        Location::new(file, 1, 1),
                        "",
                        format!(
                            "more problems were found than are listed here (at most {} are listed)",
                            decode::MAX_PROBLEMS
                        ),
                    )
                    .hint("fix these and check the file again"),
                );
            }
            Err(Problems(problems))
        }
    }
}

/// The JSON Schema of the plan file, generated from the model's types.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(PlanDoc)).unwrap_or(serde_json::Value::Null)
}
