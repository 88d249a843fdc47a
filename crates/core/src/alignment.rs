//! Alignment and gaps: how strongly each initiative and system supports the goals, which goals
//! no technology supports, spend that supports no goal, redundant systems, data silos and manual
//! re-keying, and the TIME classification of the current systems.
//!
//! Initiative alignment score = `sum_g w_g * s_ig / (3 * sum_g w_g)` in [0, 1] (product.md). A goal
//! is *covered* when some counted initiative or current system supports it with strength >= 2.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::model::{Goal, Id, IntegrationKind, PlanDoc};

/// The strength at or above which support covers a goal.
pub const COVERS: u8 = 2;

/// Alignment score of a contribution map against the goals, in [0, 1]; 0 when there are no
/// goals or all weights are 0.
pub fn score(goals: &[Goal], contributes: &BTreeMap<Id, u8>) -> f64 {
    let total: f64 = goals.iter().map(|g| g.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let sum: f64 = goals
        .iter()
        .map(|g| g.weight * f64::from(contributes.get(&g.id).copied().unwrap_or(0).min(3)))
        .sum();
    sum / (3.0 * total)
}

/// One goal's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct GoalCoverage {
    /// Goal id.
    pub id: String,
    /// Goal title.
    pub title: String,
    /// Goal weight.
    pub weight: f64,
    /// Whether some counted initiative or current system supports it with strength >= 2.
    pub covered: bool,
    /// Initiatives and systems supporting it with strength >= 2.
    pub covered_by: Vec<String>,
    /// Initiatives and systems supporting it at all (strength >= 1).
    pub supported_by: Vec<String>,
}

/// Coverage of every goal by the given initiatives (indices) and all current systems.
pub fn coverage(doc: &PlanDoc, initiatives: &[usize]) -> Vec<GoalCoverage> {
    doc.goals
        .iter()
        .map(|g| {
            let mut covered_by = Vec::new();
            let mut supported_by = Vec::new();
            let sources = initiatives
                .iter()
                .map(|&i| (&doc.initiatives[i].id, &doc.initiatives[i].contributes))
                .chain(doc.systems.iter().map(|s| (&s.id, &s.supports)));
            for (id, map) in sources {
                let s = map.get(&g.id).copied().unwrap_or(0);
                if s >= 1 {
                    supported_by.push(id.to_string());
                }
                if s >= COVERS {
                    covered_by.push(id.to_string());
                }
            }
            GoalCoverage {
                id: g.id.to_string(),
                title: g.title.clone(),
                weight: g.weight,
                covered: !covered_by.is_empty(),
                covered_by,
                supported_by,
            }
        })
        .collect()
}

/// Spend that supports no goal.
#[derive(Debug, Clone, Serialize)]
pub struct UnalignedSpend {
    /// `initiative` or `system`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// First-year cost (initiative) or annual cost (system).
    pub amount: f64,
}

/// Systems of one category that may duplicate each other.
#[derive(Debug, Clone, Serialize)]
pub struct Redundancy {
    /// The shared category.
    pub category: String,
    /// The systems in it.
    pub systems: Vec<String>,
    /// Their combined annual cost.
    pub annual_cost: f64,
}

/// Two or more systems whose category (compared without case or spacing) is the same.
pub fn redundant_systems(doc: &PlanDoc) -> Vec<Redundancy> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in doc.systems.iter().enumerate() {
        let key: String = s
            .category
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        groups.entry(key).or_default().push(i);
    }
    groups
        .into_values()
        .filter(|v| v.len() > 1)
        .map(|v| Redundancy {
            category: doc.systems[v[0]].category.clone(),
            systems: v.iter().map(|&i| doc.systems[i].id.to_string()).collect(),
            annual_cost: v.iter().map(|&i| doc.systems[i].annual_cost.to_f64()).sum(),
        })
        .collect()
}

/// A data silo: a system holding data that no integration connects to another system, or the
/// same data held by two systems with no automated flow between them.
#[derive(Debug, Clone, Serialize)]
pub struct Silo {
    /// The systems concerned.
    pub systems: Vec<String>,
    /// The data concerned.
    pub data: Vec<String>,
    /// Why it is a silo.
    pub reason: String,
}

/// Finds data silos.
pub fn silos(doc: &PlanDoc) -> Vec<Silo> {
    let mut out = Vec::new();
    if doc.systems.len() < 2 {
        return out;
    }
    let connected: HashSet<&Id> = doc
        .integrations
        .iter()
        .flat_map(|i| [&i.from, &i.to])
        .collect();
    for s in &doc.systems {
        if !s.data.is_empty() && !connected.contains(&s.id) {
            out.push(Silo {
                systems: vec![s.id.to_string()],
                data: s.data.clone(),
                reason: format!(
                    "`{}` holds data but exchanges it with no other system",
                    s.id
                ),
            });
        }
    }
    let automated = |a: &Id, b: &Id| {
        doc.integrations.iter().any(|i| {
            i.kind == IntegrationKind::Automated
                && ((&i.from == a && &i.to == b) || (&i.from == b && &i.to == a))
        })
    };
    for (x, a) in doc.systems.iter().enumerate() {
        for b in &doc.systems[x + 1..] {
            let shared: Vec<String> = a
                .data
                .iter()
                .filter(|d| b.data.iter().any(|e| e.eq_ignore_ascii_case(d)))
                .cloned()
                .collect();
            if !shared.is_empty() && !automated(&a.id, &b.id) {
                out.push(Silo {
                    systems: vec![a.id.to_string(), b.id.to_string()],
                    reason: format!(
                        "`{}` and `{}` both hold {} with no automated flow between them",
                        a.id,
                        b.id,
                        shared.join(", ")
                    ),
                    data: shared,
                });
            }
        }
    }
    out
}

/// A manual data flow: an automation candidate.
#[derive(Debug, Clone, Serialize)]
pub struct ManualFlow {
    /// Source system.
    pub from: String,
    /// Destination system.
    pub to: String,
    /// What is re-keyed.
    pub data: Option<String>,
    /// Staff hours a month it costs, when known.
    pub hours_per_month: Option<f64>,
}

/// Every manual integration.
pub fn manual_flows(doc: &PlanDoc) -> Vec<ManualFlow> {
    doc.integrations
        .iter()
        .filter(|i| i.kind == IntegrationKind::Manual)
        .map(|i| ManualFlow {
            from: i.from.to_string(),
            to: i.to.to_string(),
            data: i.data.clone(),
            hours_per_month: i.hours_per_month,
        })
        .collect()
}

/// Gartner's TIME classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeClass {
    /// Low business value, sound technically: keep as is.
    Tolerate,
    /// High business value, sound technically: invest.
    Invest,
    /// High business value, poor technically: move to something better.
    Migrate,
    /// Low business value, poor technically: retire.
    Eliminate,
}

impl TimeClass {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            TimeClass::Tolerate => "Tolerate",
            TimeClass::Invest => "Invest",
            TimeClass::Migrate => "Migrate",
            TimeClass::Eliminate => "Eliminate",
        }
    }
}

/// A system's TIME classification with its reasons.
#[derive(Debug, Clone, Serialize)]
pub struct TimeRating {
    /// System id.
    pub id: String,
    /// System name.
    pub name: String,
    /// Annual cost.
    pub annual_cost: f64,
    /// Whether its business value is high.
    pub business_value_high: bool,
    /// Whether it is technically sound.
    pub technically_sound: bool,
    /// The class.
    pub class: TimeClass,
    /// Why.
    pub reason: String,
}

/// Classifies each system. Business value is high when `business_value >= 3`, or, when absent,
/// when the system supports some goal with strength >= 2. It is technically sound when
/// `technical_health >= 3`, or, when absent, when it reaches no end of life within the planning
/// horizon and its satisfaction (when given) is at least 3.
pub fn time_classification(doc: &PlanDoc) -> Vec<TimeRating> {
    let org = &doc.organization;
    let horizon_end = org.start.plus(org.horizon_months as i32);
    doc.systems
        .iter()
        .map(|s| {
            let (value, value_why) = match s.business_value {
                Some(v) => (v >= 3, format!("business value {v}/5")),
                None => {
                    let covers = s.supports.values().any(|&v| v >= COVERS);
                    let why = if covers {
                        "supports a goal strongly"
                    } else {
                        "supports no goal strongly"
                    };
                    (covers, why.to_string())
                }
            };
            let (sound, sound_why) = match s.technical_health {
                Some(h) => (h >= 3, format!("technical health {h}/5")),
                None => {
                    let eol = s.end_of_life.filter(|e| *e < horizon_end);
                    let unhappy = s.satisfaction.filter(|&v| v < 3);
                    match (eol, unhappy) {
                        (Some(e), _) => (false, format!("reaches end of life in {e}")),
                        (None, Some(v)) => (false, format!("satisfaction {v}/5")),
                        (None, None) => (true, "no end of life within the horizon".to_string()),
                    }
                }
            };
            let class = match (value, sound) {
                (true, true) => TimeClass::Invest,
                (true, false) => TimeClass::Migrate,
                (false, true) => TimeClass::Tolerate,
                (false, false) => TimeClass::Eliminate,
            };
            TimeRating {
                id: s.id.to_string(),
                name: s.name.clone(),
                annual_cost: s.annual_cost.to_f64(),
                business_value_high: value,
                technically_sound: sound,
                class,
                reason: format!("{value_why}; {sound_why}"),
            }
        })
        .collect()
}
