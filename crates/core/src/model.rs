//! The plan file, version 1: the types a plan is made of, with the names the file uses.
//!
//! These types are the document's shape. They are filled by [`crate::decode`] (which keeps every
//! value's location and reports every shape problem at once) and checked as a whole by
//! [`crate::validate`], which is the only way to obtain a [`crate::Plan`]. The JSON Schema printed
//! by `sextant schema` is generated from these types, so their doc comments are the schema's
//! descriptions.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::calendar::{Period, PeriodError, Unit};

/// A whole plan file.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Sextant plan file, version 1")]
pub struct PlanDoc {
    /// Format version; must be 1.
    pub version: u32,
    /// The business being planned for.
    pub organization: Organization,
    /// Strengths, weaknesses, opportunities and threats.
    #[serde(default)]
    pub swot: Swot,
    /// Value proposition, differentiation and core competencies.
    #[serde(default)]
    pub strategy: Strategy,
    /// SMART business goals.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Custom KPIs; goals may also name a KPI of the standard catalogue.
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    /// The people who run and adopt the technology.
    #[serde(default)]
    pub staff: Vec<Staff>,
    /// The current technology inventory.
    #[serde(default)]
    pub systems: Vec<System>,
    /// Data flows between systems.
    #[serde(default)]
    pub integrations: Vec<Integration>,
    /// Candidate and planned technology changes.
    #[serde(default)]
    pub initiatives: Vec<Initiative>,
    /// Risks, scored and optionally quantified.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Budget and people available.
    #[serde(default)]
    pub constraints: Constraints,
    /// Named groups of initiatives, in order.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// The technology watch list.
    #[serde(default)]
    pub radar: Vec<RadarItem>,
    /// Measured values of KPIs by month: `{revenue: {2026-07: 11800, 2026-08: 12100}}`. Goals
    /// are tracked against them (and against values computed from imported data).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measurements: BTreeMap<Id, BTreeMap<Month, f64>>,
    /// Named variants of the plan compared against it by `sextant compare`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

/// A named variant of the plan: a budget cut, delays, cost overruns, smaller benefits.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Its name, shown in the comparison.
    pub name: String,
    /// Multiplies every budget (0.8 is a 20% cut). Default 1.
    #[serde(default = "one")]
    pub budget_factor: f64,
    /// Multiplies one-time and recurring costs (1.25 is a 25% overrun). Default 1.
    #[serde(default = "one")]
    pub cost_factor: f64,
    /// Multiplies benefits (0.7 is 30% less). Default 1.
    #[serde(default = "one")]
    pub benefit_factor: f64,
    /// Months by which an initiative cannot start before it otherwise could, by id.
    #[serde(default)]
    pub delays: BTreeMap<Id, u32>,
}

/// The business: who it is and the financial conventions of its plan.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The business's name.
    pub name: String,
    /// Industry, e.g. `retail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Where it trades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Number of employees (part-time counted as one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<u32>,
    /// Sales a year (turnover), in the plan's currency: for scale, so that technology spend is
    /// also shown as a share of what the business sells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<Money>,
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency: String,
    /// The plan's first month (month 0), `YYYY-MM`.
    pub start: Month,
    /// Planning horizon in months: every initiative must finish within it.
    pub horizon_months: u32,
    /// How many months benefits and costs count for; at least `horizon_months`. Default: the
    /// larger of `horizon_months` and 36.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_months: Option<u32>,
    /// Annual discount rate as a fraction (0.08 for 8%).
    pub discount_rate: f64,
    /// The calendar month (1-12) the fiscal year starts in. Default 1.
    #[serde(default = "default_fiscal_year_start")]
    pub fiscal_year_start: u32,
    /// Gross margin as a fraction; revenue benefits are multiplied by it to count as profit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_margin: Option<f64>,
    /// How its computers, devices and licences are replaced: warning months, replacement age
    /// and price by type ([`crate::asset::Policy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<crate::asset::Policy>,
    /// Months between review meetings, 1 to 12, counted from the fiscal year's start. Default 3
    /// (quarterly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_every_months: Option<u32>,
}

impl Organization {
    /// Months between review meetings (quarterly when not set).
    pub fn review_every(&self) -> u32 {
        self.review_every_months
            .unwrap_or(crate::health::REVIEW_MONTHS)
            .clamp(1, 12)
    }
}

fn default_fiscal_year_start() -> u32 {
    1
}

impl Organization {
    /// The evaluation horizon in months, with its default applied.
    pub fn evaluation_months(&self) -> u32 {
        self.evaluation_months
            .unwrap_or_else(|| self.horizon_months.max(36))
    }
}

/// SWOT analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Swot {
    /// Strengths.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// Weaknesses.
    #[serde(default)]
    pub weaknesses: Vec<String>,
    /// Opportunities.
    #[serde(default)]
    pub opportunities: Vec<String>,
    /// Threats.
    #[serde(default)]
    pub threats: Vec<String>,
}

/// The business strategy the technology serves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// Why customers choose this business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_proposition: Option<String>,
    /// How it differentiates itself (e.g. niche, customer experience, innovation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differentiation: Option<String>,
    /// What it does better than others.
    #[serde(default)]
    pub core_competencies: Vec<String>,
}

/// A SMART business objective.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Unique id, referred to by initiatives and systems.
    pub id: Id,
    /// What the business wants to achieve.
    pub title: String,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The KPI it is measured by: the id of a KPI in `kpis` or of the standard catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpi: Option<String>,
    /// The KPI's value when the goal was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// The KPI's value to reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// When the target is due, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Month>,
    /// Relative importance (> 0). Default 1.
    #[serde(default = "one")]
    pub weight: f64,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// A custom KPI.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// Unique id, named by goals.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// Unit, e.g. `USD`, `%`, `customers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether up or down is good. Default `up`.
    #[serde(default)]
    pub direction: Direction,
    /// How it is computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
}

/// Which way a KPI should move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better.
    #[default]
    Up,
    /// Lower is better.
    Down,
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// Name or role label.
    pub name: String,
    /// Role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Hours a month this person can give to technology work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<f64>,
    /// Skills held.
    #[serde(default)]
    pub skills: Vec<String>,
}

/// An item of the current technology inventory.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// Category, e.g. `pos`, `accounting`, `email`; two systems in one category may be redundant.
    pub category: String,
    /// Vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// What it costs a year.
    #[serde(default)]
    pub annual_cost: Money,
    /// Number of users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
    /// Users' satisfaction, 1 (poor) to 5 (excellent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    /// Business value, 1 to 5; derived from goal support when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_value: Option<u8>,
    /// Technical health, 1 to 5; derived from satisfaction and end of life when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_health: Option<u8>,
    /// When it entered service, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed: Option<Month>,
    /// When its vendor stops supporting it, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<Month>,
    /// The data it holds, e.g. `customers`, `inventory`.
    #[serde(default)]
    pub data: Vec<String>,
    /// Goals it supports, with strength 0-3.
    #[serde(default)]
    #[schemars(schema_with = "strengths_schema")]
    pub supports: BTreeMap<Id, u8>,
}

/// A data flow between two systems.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The system the data comes from.
    pub from: Id,
    /// The system the data goes to.
    pub to: Id,
    /// `automated` or `manual` (re-keyed by hand).
    pub kind: IntegrationKind,
    /// What data flows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Staff hours a month a manual flow costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_month: Option<f64>,
}

/// How data moves between two systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationKind {
    /// By software.
    Automated,
    /// Re-keyed or copied by a person.
    Manual,
}

/// A candidate or planned technology change.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// Unique id.
    pub id: Id,
    /// What it is.
    pub title: String,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The vendor it buys from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Where it stands. Default `candidate`.
    #[serde(default)]
    pub status: Status,
    /// One-time implementation cost, spread evenly over the duration.
    #[serde(default)]
    pub one_time_cost: Estimate,
    /// Recurring cost a year, from the month after completion.
    #[serde(default)]
    pub recurring_cost_annual: Estimate,
    /// Run-rate benefits, from the month after completion.
    #[serde(default)]
    pub benefits: Vec<Benefit>,
    /// Explicit net cash flows, replacing those derived from costs and benefits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_flows: Option<CashFlows>,
    /// Months of implementation (at least 1), or a three-point estimate `{low, likely, high}`
    /// of them (analysis and the roadmap use `likely`; simulation draws from the range).
    pub duration_months: MonthsEstimate,
    /// Staff hours a month while being implemented.
    #[serde(default)]
    pub effort_hours_per_month: f64,
    /// Initiatives that must finish before this one starts.
    #[serde(default)]
    pub depends_on: Vec<Id>,
    /// At most one initiative of each group is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_group: Option<String>,
    /// Must be scheduled.
    #[serde(default)]
    pub mandatory: bool,
    /// `exploit` (today's business better) or `explore` (new business). Default `exploit`.
    #[serde(default)]
    pub kind: InitiativeKind,
    /// Goals it supports, with strength 0-3.
    #[serde(default)]
    #[schemars(schema_with = "strengths_schema")]
    pub contributes: BTreeMap<Id, u8>,
    /// Fixes the start month, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Month>,
    /// Systems it replaces.
    #[serde(default)]
    pub replaces: Vec<Id>,
    /// Whether staff have to change how they work. Default: true when it takes staff effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affects_staff: Option<bool>,
    /// The training plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<String>,
    /// The change-management plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_plan: Option<String>,
    /// Whether it stores or processes customers' personal or payment data.
    #[serde(default)]
    pub handles_customer_data: bool,
    /// What it actually cost to implement, once done (for the realised return).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_cost: Option<Money>,
    /// The day work on it began, `YYYY-MM-DD` (for time to market).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Date>,
    /// The day it went live, `YYYY-MM-DD`: time to market is the days from `started` to this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launched: Option<Date>,
    /// The month it must be done by (live at the end of that month), `YYYY-MM`: a deadline
    /// the roadmap meets (such an initiative is scheduled as if mandatory), e.g. the month
    /// before the end of support of what it replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<Month>,
}

impl Initiative {
    /// Whether staff must change how they work, with the default applied.
    pub fn affects_staff(&self) -> bool {
        self.affects_staff
            .unwrap_or(self.effort_hours_per_month > 0.0)
    }
}

/// Where an initiative stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proposed, not decided.
    #[default]
    Candidate,
    /// Decided and scheduled.
    Planned,
    /// Under way.
    InProgress,
    /// Finished.
    Done,
    /// Dropped; left out of the analysis of the portfolio.
    Cancelled,
}

impl Status {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Candidate => "Candidate",
            Status::Planned => "Planned",
            Status::InProgress => "In progress",
            Status::Done => "Done",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// Exploitation or exploration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeKind {
    /// Doing today's business better.
    #[default]
    Exploit,
    /// New business.
    Explore,
}

impl InitiativeKind {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            InitiativeKind::Exploit => "Exploit",
            InitiativeKind::Explore => "Explore",
        }
    }
}

/// A run-rate benefit.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// `revenue` (multiplied by the gross margin when one is set) or `saving`.
    pub kind: BenefitKind,
    /// Amount a year.
    pub annual: Estimate,
    /// The goal it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Id>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The kind of a benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BenefitKind {
    /// Extra sales.
    Revenue,
    /// Lower costs.
    Saving,
}

/// Explicit net cash flows of an initiative, from its start.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashFlows {
    /// The length of each period.
    pub period: FlowPeriod,
    /// Net flow of each period (negative for spend), the first at the initiative's start.
    pub values: Vec<Money>,
}

/// The length of a cash-flow period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowPeriod {
    /// One month.
    Month,
    /// Three months.
    Quarter,
    /// Twelve months.
    Year,
}

impl FlowPeriod {
    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            FlowPeriod::Month => 1,
            FlowPeriod::Quarter => 3,
            FlowPeriod::Year => 12,
        }
    }
}

/// A risk.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Unique id.
    pub id: Id,
    /// What could go wrong.
    pub title: String,
    /// The initiative it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiative: Option<Id>,
    /// The system it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<Id>,
    /// Category. Default `other`.
    #[serde(default)]
    pub category: RiskCategory,
    /// Likelihood, 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// Impact, 1 (minor) to 5 (severe).
    pub impact: u8,
    /// What reduces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    /// Who watches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Likelihood after mitigation, 1-5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_likelihood: Option<u8>,
    /// Impact after mitigation, 1-5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_impact: Option<u8>,
    /// Probability that it happens within the horizon, 0-1 (for simulation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// What it costs if it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Estimate>,
    /// Months of delay if it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_months: Option<Estimate>,
}

/// What kind of risk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    /// Breaches, data leaks, privacy.
    Security,
    /// Staff resistance, low uptake, data-entry errors.
    Adoption,
    /// Integration, complexity, failure.
    Technical,
    /// Vendor lock-in or failure.
    Vendor,
    /// Cost overrun, benefits not realised.
    Financial,
    /// Law and regulation.
    Compliance,
    /// Anything else.
    #[default]
    Other,
}

/// Budget and people available.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Implementation budget per fiscal year or quarter.
    #[serde(default)]
    pub budget: Vec<Budget>,
    /// Staff hours a month available for implementation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_hours_per_month: Option<f64>,
    /// At most this many initiatives under implementation at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<u32>,
    /// At least this share (0-1) of implementation spend goes to exploration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_explore_share: Option<f64>,
}

/// The budget of one fiscal period.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// `2027` (the fiscal year starting in calendar 2027) or `2027-Q3`.
    pub period: BudgetPeriod,
    /// Amount available for implementation spend.
    pub amount: Money,
}

/// A named group of initiatives.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Unique id.
    pub id: Id,
    /// Display name.
    pub name: String,
    /// What the phase achieves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The initiatives in it.
    #[serde(default)]
    pub initiatives: Vec<Id>,
}

/// An entry of the technology watch list.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RadarItem {
    /// The technology.
    pub technology: String,
    /// `adopt`, `trial`, `assess` or `hold`.
    pub ring: Ring,
    /// `practices`, `software`, `platforms` or `devices`; absent, the technology is drawn with
    /// the software (see [`RadarItem::quadrant_or_default`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quadrant: Option<Quadrant>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RadarItem {
    /// The quadrant it is drawn in: its own, or [`Quadrant::Software`] when the plan gives none.
    pub fn quadrant_or_default(&self) -> Quadrant {
        self.quadrant.unwrap_or_default()
    }
}

/// A technology radar ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ring {
    /// Use it.
    Adopt,
    /// Try it on a project.
    Trial,
    /// Find out more.
    Assess,
    /// Do not start with it.
    Hold,
}

impl Ring {
    /// Every ring, from the centre of the radar out.
    pub const ALL: [Ring; 4] = [Ring::Adopt, Ring::Trial, Ring::Assess, Ring::Hold];

    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Ring::Adopt => "Adopt",
            Ring::Trial => "Trial",
            Ring::Assess => "Assess",
            Ring::Hold => "Hold",
        }
    }
}

/// A quarter of the technology radar: what kind of technology an entry is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Ways of working, e.g. a written security policy.
    Practices,
    /// Applications and software as a service; the quadrant of an entry that names none.
    #[default]
    Software,
    /// Cloud, infrastructure and networks.
    Platforms,
    /// Hardware: point-of-sale terminals, phones, printers.
    Devices,
}

impl Quadrant {
    /// Every quadrant, in the order the radar draws them.
    pub const ALL: [Quadrant; 4] = [
        Quadrant::Practices,
        Quadrant::Software,
        Quadrant::Platforms,
        Quadrant::Devices,
    ];

    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Quadrant::Practices => "Practices",
            Quadrant::Software => "Software",
            Quadrant::Platforms => "Platforms",
            Quadrant::Devices => "Devices",
        }
    }
}

fn strengths_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "description": "Goal ids mapped to a strength of support: 0 none, 1 weak, 2 clear, 3 strong.",
        "propertyNames": {"pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$"},
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 3},
        "default": {}
    })
}

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/// An identifier: letters, digits, `-`, `_` and `.`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// Checks and wraps an identifier.
    pub fn parse(s: &str) -> Result<Id, &'static str> {
        let mut chars = s.chars();
        match chars.next() {
            None => Err("an id cannot be empty"),
            Some(c) if !c.is_ascii_alphanumeric() => Err("an id must start with a letter or digit"),
            _ if s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) =>
            {
                Ok(Id(s.to_string()))
            }
            _ => Err("an id may hold only letters, digits, `-`, `_` and `.`"),
        }
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lets maps keyed by id be looked up by text (the derived hash of `Id` is its text's).
impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Id {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
            "description": "An identifier: letters, digits, `-`, `_` and `.`."
        })
    }
}

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0 (`year * 12 + month - 1`).
    ordinal: i32,
}

impl Month {
    /// The month `month` (1-12) of `year`.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then(|| Month {
            ordinal: year * 12 + month as i32 - 1,
        })
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.ordinal.div_euclid(12)
    }

    /// The calendar month, 1-12.
    pub fn month(self) -> u32 {
        self.ordinal.rem_euclid(12) as u32 + 1
    }

    /// This month plus `n` months (n may be negative).
    pub fn plus(self, n: i32) -> Month {
        Month {
            ordinal: self.ordinal + n,
        }
    }

    /// Months from `earlier` to `self` (negative when `self` is earlier).
    pub fn since(self, earlier: Month) -> i32 {
        self.ordinal - earlier.ordinal
    }

    /// The number of days in the month.
    pub fn days(self) -> u32 {
        crate::calendar::days_in_month(self.year(), self.month())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for Month {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Month".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "description": "A calendar month, `YYYY-MM`."
        })
    }
}

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    month: Month,
    day: u32,
}

impl Date {
    /// Day `day` of `month`, if the month has it.
    pub fn new(month: Month, day: u32) -> Option<Date> {
        (1..=month.days())
            .contains(&day)
            .then_some(Date { month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let (m, d) = (s.get(..7)?, s.get(7..)?);
        let d = d.strip_prefix('-')?;
        if d.len() != 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(Month::parse(m)?, d.parse().ok()?)
    }

    /// The month it falls in.
    pub fn month(self) -> Month {
        self.month
    }

    /// Days from `earlier` to `self` (negative when `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.days()) - i64::from(earlier.days())
    }

    /// Days since 1970-01-01 ([`crate::calendar`]).
    pub fn days(self) -> i32 {
        crate::calendar::days_from_civil(self.month.year(), self.month.month(), self.day)
    }

    /// The date of a count of days since 1970-01-01.
    pub fn from_days(days: i32) -> Date {
        let (y, m, d) = crate::calendar::civil_from_days(days);
        Date {
            month: Month {
                ordinal: y * 12 + m as i32 - 1,
            },
            day: d,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Month::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a month YYYY-MM, found {s:?}"))
        })
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found {s:?}"))
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "description": "A calendar day, `YYYY-MM-DD`."
        })
    }
}

/// A fiscal period a budget applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BudgetPeriod {
    /// The fiscal year that starts in this calendar year.
    Year(i32),
    /// Quarter 1-4 of the fiscal year that starts in this calendar year.
    Quarter(i32, u32),
}

impl BudgetPeriod {
    /// Reads a fiscal year `2027` or a fiscal quarter in any spelling
    /// [`crate::calendar::Period::parse`] reads (`2027-Q3`, `2027Q3`, `Q3 2027`).
    pub fn parse(s: &str) -> Option<BudgetPeriod> {
        BudgetPeriod::read(s).ok()
    }

    /// [`BudgetPeriod::parse`], saying why a label is not a budget period.
    pub fn read(s: &str) -> Result<BudgetPeriod, PeriodError> {
        let p = Period::parse_as(s, &[Unit::Year, Unit::Quarter])?;
        match p {
            Period::Year(y) => Ok(BudgetPeriod::Year(y)),
            Period::Quarter(k) => Ok(BudgetPeriod::Quarter(
                k.div_euclid(4),
                k.rem_euclid(4) as u32 + 1,
            )),
            _ => Err(PeriodError {
                text: s.trim().to_string(),
                reason: format!("{} is not a budget period", p.unit().described()),
                units: vec![Unit::Year, Unit::Quarter],
            }),
        }
    }

    /// The first month and the number of months of the period, given the month (1-12) the
    /// fiscal year starts in.
    pub fn months(self, fiscal_year_start: u32) -> (Month, u32) {
        let fy = |y: i32| {
            Month::new(y, fiscal_year_start.clamp(1, 12)).unwrap_or(Month { ordinal: y * 12 })
        };
        match self {
            BudgetPeriod::Year(y) => (fy(y), 12),
            BudgetPeriod::Quarter(y, q) => (fy(y).plus(3 * (q as i32 - 1)), 3),
        }
    }

    /// The fiscal year a month falls in.
    pub fn year_of(month: Month, fiscal_year_start: u32) -> BudgetPeriod {
        let offset = month.month() as i32 - fiscal_year_start as i32;
        BudgetPeriod::Year(if offset >= 0 {
            month.year()
        } else {
            month.year() - 1
        })
    }

    /// The fiscal quarter a month falls in.
    pub fn quarter_of(month: Month, fiscal_year_start: u32) -> BudgetPeriod {
        let offset = (month.month() as i32 - fiscal_year_start as i32).rem_euclid(12);
        let BudgetPeriod::Year(y) = Self::year_of(month, fiscal_year_start) else {
            unreachable!("year_of returns a year")
        };
        BudgetPeriod::Quarter(y, offset as u32 / 3 + 1)
    }

    /// Whether a month falls in this period.
    pub fn contains(self, month: Month, fiscal_year_start: u32) -> bool {
        let (first, n) = self.months(fiscal_year_start);
        (0..n as i32).contains(&month.since(first))
    }
}

impl fmt::Display for BudgetPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetPeriod::Year(y) => write!(f, "{y}"),
            BudgetPeriod::Quarter(y, q) => write!(f, "{y}-Q{q}"),
        }
    }
}

impl Serialize for BudgetPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for BudgetPeriod {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BudgetPeriod".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "integer"],
            "pattern": "^([0-9]{4}|[0-9]{4}[- ]?[Qq][1-4]|[Qq][1-4][- ][0-9]{4})$",
            "description": "A fiscal year named by the calendar year it starts in (`2027`), or a fiscal quarter of it (`2027-Q3`, also written `2027Q3` or `Q3 2027`)."
        })
    }
}

/// An amount of money, held exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

impl Money {
    /// The amount as a float, for analysis.
    pub fn to_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        match d.to_i64() {
            Some(i) if d.scale() == 0 => s.serialize_i64(i),
            _ => {
                // More decimals than an f64 carries can round to a whole number
                // (`1000.000000000000000000001`): written as one, so that the JSON form read
                // back gives the same JSON (`1000`, not `1000.0` and then `1000`).
                let x = self.to_f64();
                if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    s.serialize_i64(x as i64)
                } else {
                    s.serialize_f64(x)
                }
            }
        }
    }
}

impl JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": -1_000_000_000_000_i64,
            "maximum": 1_000_000_000_000_i64,
            "description": "An amount in the organisation's currency, without symbols or separators; at most 10^12 in absolute value."
        })
    }
}

/// A whole number of months, or a three-point estimate `{low, likely, high}` of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthsEstimate {
    /// The fewest plausible months.
    pub low: u32,
    /// The most likely number of months.
    pub likely: u32,
    /// The most plausible months.
    pub high: u32,
}

impl MonthsEstimate {
    /// A number of months known exactly.
    pub fn point(m: u32) -> MonthsEstimate {
        MonthsEstimate {
            low: m,
            likely: m,
            high: m,
        }
    }

    /// The most likely number of months, at least 1.
    pub fn months(&self) -> u32 {
        self.likely.max(1)
    }
}

/// A three-point estimate as its plain value when all three are equal, else `{low, likely, high}`.
fn serialize_three<S: Serializer, T: Serialize + PartialEq>(
    s: S,
    low: &T,
    likely: &T,
    high: &T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    if low == likely && likely == high {
        return likely.serialize(s);
    }
    let mut m = s.serialize_map(Some(3))?;
    m.serialize_entry("low", low)?;
    m.serialize_entry("likely", likely)?;
    m.serialize_entry("high", high)?;
    m.end()
}

impl Serialize for MonthsEstimate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_three(s, &self.low, &self.likely, &self.high)
    }
}

impl JsonSchema for MonthsEstimate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MonthsEstimate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Whole months (1 or more), or a three-point estimate {low, likely, high} with 1 <= low <= likely <= high.",
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {
                    "type": "object",
                    "properties": {
                        "low": {"type": "integer", "minimum": 1},
                        "likely": {"type": "integer", "minimum": 1},
                        "high": {"type": "integer", "minimum": 1}
                    },
                    "required": ["low", "likely", "high"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// An amount known exactly, or a three-point estimate `{low, likely, high}`. Analysis uses
/// `likely`; simulation draws from the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Estimate {
    /// The lowest plausible amount.
    pub low: Money,
    /// The most likely amount.
    pub likely: Money,
    /// The highest plausible amount.
    pub high: Money,
}

impl Estimate {
    /// An amount known exactly.
    pub fn point(m: Money) -> Estimate {
        Estimate {
            low: m,
            likely: m,
            high: m,
        }
    }

    /// Whether low, likely and high are all equal.
    pub fn is_point(&self) -> bool {
        self.low == self.likely && self.likely == self.high
    }

    /// The most likely amount as a float.
    pub fn likely(&self) -> f64 {
        self.likely.to_f64()
    }
}

impl Serialize for Estimate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_three(s, &self.low, &self.likely, &self.high)
    }
}

impl JsonSchema for Estimate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Estimate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An amount, or a three-point estimate {low, likely, high} with low <= likely <= high.",
            "anyOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "object",
                    "properties": {
                        "low": {"type": "number", "minimum": 0},
                        "likely": {"type": "number", "minimum": 0},
                        "high": {"type": "number", "minimum": 0}
                    },
                    "required": ["low", "likely", "high"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_json_reads_back_as_the_same_json() {
        use std::str::FromStr;
        let json = |s: &str| {
            let m = Money(Decimal::from_str(s).expect("a decimal"));
            serde_json::to_string(&m).expect("serialises")
        };
        assert_eq!(json("1000"), "1000");
        assert_eq!(json("1000.50"), "1000.5");
        // Found by the fuzz target `plan`: more decimals than an f64 carries rounded to a whole
        // number, written `1000.0`, read back as 1000 and written `1000`.
        assert_eq!(json("1000.000000000000000000001"), "1000");
        assert_eq!(json("-2.0000000000000000000001"), "-2");
    }

    #[test]
    fn months_parse_and_count() {
        let m = Month::parse("2027-03").expect("valid");
        assert_eq!((m.year(), m.month()), (2027, 3));
        assert_eq!(m.plus(10).to_string(), "2028-01");
        assert_eq!(m.plus(-3).to_string(), "2026-12");
        assert_eq!(Month::parse("2028-01").expect("valid").since(m), 10);
        for bad in ["2027-13", "2027-00", "27-03", "2027/03", "2027-3", "march"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn fiscal_periods() {
        // A fiscal year starting in July: FY 2027 runs 2027-07 to 2028-06.
        let m = |s| Month::parse(s).expect("valid");
        assert_eq!(
            BudgetPeriod::year_of(m("2028-06"), 7),
            BudgetPeriod::Year(2027)
        );
        assert_eq!(
            BudgetPeriod::year_of(m("2027-07"), 7),
            BudgetPeriod::Year(2027)
        );
        assert_eq!(
            BudgetPeriod::year_of(m("2027-06"), 7),
            BudgetPeriod::Year(2026)
        );
        assert_eq!(
            BudgetPeriod::quarter_of(m("2027-09"), 7),
            BudgetPeriod::Quarter(2027, 1)
        );
        assert_eq!(
            BudgetPeriod::quarter_of(m("2028-01"), 7),
            BudgetPeriod::Quarter(2027, 3)
        );
        assert_eq!(
            BudgetPeriod::quarter_of(m("2027-12"), 1),
            BudgetPeriod::Quarter(2027, 4)
        );
        let q3 = BudgetPeriod::parse("2027-Q3").expect("valid");
        assert_eq!(q3.months(7), (m("2028-01"), 3));
        assert!(q3.contains(m("2028-03"), 7));
        assert!(!q3.contains(m("2028-04"), 7));
        assert_eq!(BudgetPeriod::parse("2027"), Some(BudgetPeriod::Year(2027)));
        for bad in ["27", "2027-Q5", "2027-Q0", "FY27", "2027-03"] {
            assert_eq!(BudgetPeriod::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids() {
        assert!(Id::parse("pos-system_2.0").is_ok());
        assert_eq!(Id::parse(""), Err("an id cannot be empty"));
        assert_eq!(
            Id::parse("-x"),
            Err("an id must start with a letter or digit")
        );
        assert_eq!(
            Id::parse("a b"),
            Err("an id may hold only letters, digits, `-`, `_` and `.`")
        );
    }
}
