//! Candidate initiatives suggested from a plan's goals and its gaps: for each goal no
//! initiative serves, a common small-business change that moves its KPI; for each system to
//! retire or replace (TIME: eliminate or migrate, or its support ending within the horizon)
//! that no initiative replaces, its replacement; for each flow of data typed by hand and each
//! data silo, the connection that ends it. Each comes as an initiative in the plan file's form,
//! ready to add, with its figures as starting points (three-point costs from typical prices of
//! hosted tools for a small business) for the owner to correct, and why it is suggested in
//! plain words. The guided start, the initiatives page, `sextant suggest` and the API's
//! `suggestions` route all list these.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::Plan;
use crate::alignment::{self, TimeClass};
use crate::model::{Direction, Goal, PlanDoc};

/// What a suggestion answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answers {
    /// Goals nothing served (their ids).
    Goals {
        /// The goals.
        goals: Vec<String>,
    },
    /// A system to retire or replace.
    System {
        /// The system.
        system: String,
    },
    /// Data typed by hand from one system into another.
    ManualFlow {
        /// Where the data comes from.
        from: String,
        /// Where it is typed in.
        to: String,
    },
    /// A system whose data reaches no other.
    Silo {
        /// The system.
        system: String,
    },
}

/// One suggested initiative.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// What it answers.
    pub answers: Answers,
    /// Why it is suggested, in plain words.
    pub why: String,
    /// The initiative as the plan file writes it (an entry of `initiatives`).
    pub initiative: Value,
}

impl Suggestion {
    /// The suggested initiative's id.
    pub fn id(&self) -> &str {
        self.initiative["id"].as_str().unwrap_or_default()
    }

    /// The suggested initiative's title.
    pub fn title(&self) -> &str {
        self.initiative["title"].as_str().unwrap_or_default()
    }
}

/// A common change and the KPIs it moves.
struct Idea {
    /// KPI ids it serves, then words that, found in a KPI's id or name, mean the same.
    kpis: &'static [&'static str],
    words: &'static [&'static str],
    id: &'static str,
    title: &'static str,
    description: &'static str,
    explore: bool,
    months: u32,
    /// One-time cost: low, likely, high.
    cost: (u32, u32, u32),
    recurring: u32,
    hours: u32,
}

/// The library, most specific first: a KPI takes the first idea whose ids or words it matches.
const IDEAS: &[Idea] = &[
    Idea {
        kpis: &["inventory_holding_cost", "stockout_rate"],
        words: &["inventory", "stock"],
        id: "stock-control",
        title: "Point of sale with stock control",
        description: "A hosted point of sale that counts stock as it sells and says what to reorder.",
        explore: false,
        months: 2,
        cost: (1000, 1500, 2500),
        recurring: 720,
        hours: 15,
    },
    Idea {
        kpis: &["email_list_size"],
        words: &["email", "e-mail", "newsletter", "subscriber"],
        id: "email-marketing",
        title: "E-mail marketing with sign-up in the shop and online",
        description: "An e-mail tool, a sign-up form on the website and at the till, and a monthly newsletter.",
        explore: false,
        months: 1,
        cost: (100, 300, 600),
        recurring: 300,
        hours: 8,
    },
    Idea {
        kpis: &["social_engagement"],
        words: &["social", "followers", "engagement"],
        id: "social-media-plan",
        title: "Planned social media posts",
        description: "A month of posts planned ahead in a scheduling tool, answered within a day.",
        explore: false,
        months: 1,
        cost: (0, 200, 500),
        recurring: 240,
        hours: 10,
    },
    Idea {
        kpis: &["repeat_purchase_rate", "cltv", "active_customers"],
        words: &["loyal", "repeat", "retention", "returning", "churn"],
        id: "customer-records",
        title: "Customer records and a loyalty scheme",
        description: "A simple CRM joined to the point of sale: who buys what, and a reason to come back.",
        explore: false,
        months: 2,
        cost: (500, 1000, 2000),
        recurring: 600,
        hours: 10,
    },
    Idea {
        kpis: &["new_customers", "cac", "marketing_spend"],
        words: &["customer", "reach", "visitor", "footfall", "lead", "enquir"],
        id: "local-listings",
        title: "Local search listings and reviews",
        description: "The business's maps and directory listings claimed and kept current, and customers asked for reviews.",
        explore: false,
        months: 1,
        cost: (0, 300, 800),
        recurring: 0,
        hours: 6,
    },
    Idea {
        kpis: &["conversion_rate", "sessions"],
        words: &["website", "conversion", "traffic"],
        id: "website-refresh",
        title: "A faster, clearer website",
        description: "The website rebuilt on a hosted platform: quick on a phone, clear prices, one click to buy or book.",
        explore: false,
        months: 2,
        cost: (1500, 3000, 6000),
        recurring: 300,
        hours: 10,
    },
    Idea {
        kpis: &["csat", "nps"],
        words: &["satisf", "promoter", "complaint", "review"],
        id: "customer-feedback",
        title: "Ask every customer for feedback",
        description: "A short survey after each sale or visit, read weekly, and every complaint answered.",
        explore: false,
        months: 1,
        cost: (0, 200, 500),
        recurring: 240,
        hours: 5,
    },
    Idea {
        kpis: &["uptime", "incidents"],
        words: &[
            "security", "outage", "downtime", "incident", "backup", "breach",
        ],
        id: "backups-and-security",
        title: "Backups, two-factor sign-in and updates",
        description: "Managed backups tested each quarter, two-factor sign-in on every account, updates applied automatically.",
        explore: false,
        months: 1,
        cost: (300, 800, 1500),
        recurring: 600,
        hours: 6,
    },
    Idea {
        kpis: &["enps"],
        words: &["staff", "employee", "team", "morale"],
        id: "shared-workspace",
        title: "Shared calendar, files and messages for the staff",
        description: "One place for the rota, the shared files and messages, on every phone.",
        explore: false,
        months: 1,
        cost: (200, 500, 1000),
        recurring: 600,
        hours: 6,
    },
    Idea {
        kpis: &[],
        words: &["booking", "reservation", "appointment", "table"],
        id: "online-booking",
        title: "Online booking",
        description: "Customers book and pay a deposit online; reminders cut no-shows.",
        explore: false,
        months: 1,
        cost: (200, 500, 1200),
        recurring: 400,
        hours: 6,
    },
    Idea {
        kpis: &[],
        words: &["invoice", "billing", "debtor", "paid", "payment", "cash"],
        id: "online-invoicing",
        title: "Online invoicing and card payments",
        description: "Invoices sent from the accounts with a pay-by-card link; reminders go by themselves.",
        explore: false,
        months: 1,
        cost: (200, 500, 1000),
        recurring: 360,
        hours: 6,
    },
    Idea {
        kpis: &[
            "online_revenue",
            "revenue",
            "orders",
            "average_order_value",
            "tech_revenue_growth",
        ],
        words: &["online", "revenue", "sales", "order"],
        id: "online-shop",
        title: "An online shop",
        description: "A hosted online shop with the catalogue, card payments and delivery or collection.",
        explore: true,
        months: 3,
        cost: (1500, 3000, 6000),
        recurring: 600,
        hours: 15,
    },
    Idea {
        kpis: &["time_to_market"],
        words: &["time", "hours", "admin", "manual", "cost", "process"],
        id: "automate-a-task",
        title: "Automate a repeated task",
        description: "The task that takes the most hours each month done by the systems themselves.",
        explore: false,
        months: 1,
        cost: (300, 800, 2000),
        recurring: 240,
        hours: 8,
    },
];

/// The idea that moves a goal's KPI, if any.
fn idea_for(doc: &PlanDoc, goal: &Goal) -> Option<&'static Idea> {
    let kpi = goal.kpi.as_deref()?;
    if let Some(i) = IDEAS.iter().find(|i| i.kpis.contains(&kpi)) {
        return Some(i);
    }
    let name = doc
        .kpis
        .iter()
        .find(|k| k.id.as_str() == kpi)
        .map_or(String::new(), |k| k.name.to_lowercase());
    let text = format!(
        "{} {name} {}",
        kpi.to_lowercase(),
        goal.title.to_lowercase()
    );
    IDEAS
        .iter()
        .find(|i| i.words.iter().any(|w| text.contains(w)))
}

fn served(doc: &PlanDoc, goal: &Goal) -> bool {
    doc.initiatives.iter().any(|i| {
        i.contributes.get(&goal.id).is_some_and(|s| *s > 0)
            || i.benefits.iter().any(|b| b.goal.as_ref() == Some(&goal.id))
    })
}

fn estimate((low, likely, high): (u32, u32, u32)) -> Value {
    if low == likely && likely == high {
        json!(likely)
    } else {
        json!({"low": low, "likely": likely, "high": high})
    }
}

/// An id not taken by an initiative of the plan nor by an earlier suggestion.
fn free_id(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// A system's name, or its id when the plan has no such system.
fn system_name(doc: &PlanDoc, id: &str) -> String {
    doc.systems
        .iter()
        .find(|s| s.id.as_str() == id)
        .map_or(id.to_string(), |s| s.name.clone())
}

/// Whether some initiative replaces system `id`.
fn replaced(doc: &PlanDoc, id: &str) -> bool {
    doc.initiatives
        .iter()
        .any(|i| i.replaces.iter().any(|r| r.as_str() == id))
}

/// Whether the plan has an initiative with this id (one added from an earlier suggestion: a
/// connection changes no system, so only its id says the gap is in hand).
fn has_initiative(doc: &PlanDoc, id: &str) -> bool {
    doc.initiatives.iter().any(|i| i.id.as_str() == id)
}

/// The suggestions for `plan`: the goals' first, in the plan's order, then the gaps'.
pub fn suggest(plan: &Plan) -> Vec<Suggestion> {
    let doc = plan.doc();
    let money = |x: f64| crate::unit::money(x, &doc.organization.currency);
    let mut taken: BTreeSet<String> = doc.initiatives.iter().map(|i| i.id.to_string()).collect();
    let mut out: Vec<Suggestion> = Vec::new();

    // Goals nothing serves, grouped by the idea that moves their KPIs.
    let mut by_idea: Vec<(&Idea, Vec<&Goal>)> = Vec::new();
    for goal in doc.goals.iter().filter(|g| !served(doc, g)) {
        if let Some(idea) = idea_for(doc, goal) {
            match by_idea.iter_mut().find(|(i, _)| i.id == idea.id) {
                Some((_, goals)) => goals.push(goal),
                None => by_idea.push((idea, vec![goal])),
            }
        }
    }
    for (idea, goals) in by_idea {
        let id = free_id(idea.id, &mut taken);
        let mut contributes = Map::new();
        for g in &goals {
            contributes.insert(g.id.to_string(), json!(3));
        }
        // A goal on money with a baseline and a target: its gap as the gain a year, a revenue
        // when the KPI should rise and a saving when it should fall.
        let mut benefits = Vec::new();
        let mut gain_words = String::new();
        for g in &goals {
            let Some(kpi) = g.kpi.as_deref() else {
                continue;
            };
            let measure = crate::unit::Measure::of_kpi(doc, kpi);
            if measure.unit != crate::unit::Unit::Money {
                continue;
            }
            if let (Some(b), Some(t)) = (g.baseline, g.target) {
                let gap = (t - b).abs();
                if gap > 0.0 {
                    let down = crate::kpi::direction_of(plan, kpi) == Direction::Down;
                    benefits.push(json!({
                        "kind": if down { "saving" } else { "revenue" },
                        "annual": (gap * 100.0).round() / 100.0,
                        "goal": g.id.to_string(),
                    }));
                    gain_words = format!(
                        " Its gain a year is set to the goal's whole gap, {}: correct it to what this change alone would bring.",
                        money(gap)
                    );
                }
            }
        }
        let titles: Vec<String> = goals
            .iter()
            .map(|g| format!("\u{201c}{}\u{201d}", g.title))
            .collect();
        let why = format!(
            "Nothing in the plan serves {} yet; this is a common first change for it.{gain_words}",
            titles.join(" and ")
        );
        let mut init = json!({
            "id": id,
            "title": idea.title,
            "description": idea.description,
            "duration_months": idea.months,
            "one_time_cost": estimate(idea.cost),
            "recurring_cost_annual": idea.recurring,
            "effort_hours_per_month": idea.hours,
            "contributes": contributes,
        });
        if idea.explore {
            init["kind"] = json!("explore");
        }
        if !benefits.is_empty() {
            init["benefits"] = Value::Array(benefits);
        }
        out.push(Suggestion {
            answers: Answers::Goals {
                goals: goals.iter().map(|g| g.id.to_string()).collect(),
            },
            why,
            initiative: init,
        });
    }

    // Systems to retire or replace that nothing replaces.
    let org = &doc.organization;
    let horizon_end = org.start.plus(org.horizon_months as i32);
    for rating in alignment::time_classification(doc) {
        let Some(system) = doc.systems.iter().find(|s| s.id.as_str() == rating.id) else {
            continue;
        };
        if replaced(doc, &rating.id) {
            continue;
        }
        let ending = system.end_of_life.filter(|e| *e < horizon_end);
        let why = match (ending, rating.class) {
            (Some(e), _) => format!(
                "Support for {} ends in {}; nothing in the plan replaces it.",
                system.name,
                crate::calendar::month_words(e)
            ),
            (None, TimeClass::Migrate) => format!(
                "{} matters to the goals but is in poor shape ({}): move it to something better.",
                system.name, rating.reason
            ),
            (None, TimeClass::Eliminate) => format!(
                "{} serves no goal strongly and is in poor shape ({}): replace it, or retire it.",
                system.name, rating.reason
            ),
            _ => continue,
        };
        let id = free_id(&format!("replace-{}", system.id), &mut taken);
        let supports: Map<String, Value> = system
            .supports
            .iter()
            .filter(|(_, s)| **s > 0)
            .map(|(g, s)| (g.to_string(), json!(s)))
            .collect();
        let recurring = system.annual_cost.to_f64();
        out.push(Suggestion {
            answers: Answers::System {
                system: system.id.to_string(),
            },
            why,
            initiative: json!({
                "id": id,
                "title": format!("Replace {}", system.name),
                "description": format!("A current, supported tool in place of {}, its data moved across.", system.name),
                "duration_months": 2,
                "one_time_cost": estimate((500, 1500, 4000)),
                "recurring_cost_annual": (recurring * 100.0).round() / 100.0,
                "effort_hours_per_month": 10,
                "replaces": [system.id.to_string()],
                "contributes": supports,
            }),
        });
    }

    // Data typed by hand, then silos.
    for flow in alignment::manual_flows(doc) {
        let base = format!("connect-{}-{}", flow.from, flow.to);
        if replaced(doc, &flow.from) || replaced(doc, &flow.to) || has_initiative(doc, &base) {
            continue;
        }
        let (from, to) = (system_name(doc, &flow.from), system_name(doc, &flow.to));
        let hours = flow.hours_per_month.map_or(String::new(), |h| {
            format!(" ({} hours a month)", crate::unit::number(h))
        });
        let what = flow.data.clone().unwrap_or_else(|| "data".into());
        let id = free_id(&base, &mut taken);
        out.push(Suggestion {
            answers: Answers::ManualFlow {
                from: flow.from.clone(),
                to: flow.to.clone(),
            },
            why: format!(
                "{what} is typed by hand from {from} into {to}{hours}: connecting them gives those hours back and ends the typing mistakes."
            ),
            initiative: json!({
                "id": id,
                "title": format!("Connect {from} and {to}"),
                "description": format!("{what} moves from {from} to {to} by itself, through a built-in connection or an automation tool."),
                "duration_months": 1,
                "one_time_cost": estimate((200, 600, 1500)),
                "recurring_cost_annual": 120,
                "effort_hours_per_month": 8,
            }),
        });
    }
    for silo in alignment::silos(doc) {
        for system in &silo.systems {
            let base = format!("connect-{system}");
            if replaced(doc, system) || has_initiative(doc, &base) {
                continue;
            }
            let name = system_name(doc, system);
            let id = free_id(&base, &mut taken);
            out.push(Suggestion {
                answers: Answers::Silo {
                    system: system.clone(),
                },
                why: format!(
                    "{name} holds data that reaches none of your other systems: connected, what it knows serves the rest of the business."
                ),
                initiative: json!({
                    "id": id,
                    "title": format!("Connect {name} to the other systems"),
                    "description": format!("What {name} holds shared with the systems that can use it."),
                    "duration_months": 1,
                    "one_time_cost": estimate((200, 500, 1500)),
                    "recurring_cost_annual": 120,
                    "effort_hours_per_month": 6,
                }),
            });
        }
    }
    out
}
