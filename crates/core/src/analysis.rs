//! `analyze`: everything Sextant can say about a plan without scheduling it — business cases,
//! the portfolio, spend by fiscal period, alignment and gaps, TIME, risks and health checks —
//! as one serialisable [`Analysis`]. This is the JSON contract of `sextant analyze --format json`;
//! money is in currency units rounded to the currency's minor unit, ratios are fractions.

use serde::Serialize;

use crate::alignment::{
    self, GoalCoverage, ManualFlow, Redundancy, Silo, TimeRating, UnalignedSpend,
};
use crate::case::{self, BusinessCase, PeriodSpend, Portfolio};
use crate::checks::{self, Finding, risk_level};
use crate::model::{InitiativeKind, Status};
use crate::validate::Plan;

/// The organisation's conventions, echoed for readers of the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSummary {
    /// Name.
    pub name: String,
    /// Currency code.
    pub currency: String,
    /// Decimal places of the currency's minor unit.
    pub currency_decimals: u32,
    /// First month, `YYYY-MM`.
    pub start: String,
    /// Planning horizon, months.
    pub horizon_months: u32,
    /// Evaluation horizon, months.
    pub evaluation_months: u32,
    /// Annual discount rate.
    pub discount_rate: f64,
    /// Gross margin, when set.
    pub gross_margin: Option<f64>,
    /// First calendar month of the fiscal year.
    pub fiscal_year_start: u32,
}

/// One initiative's analysis.
#[derive(Debug, Clone, Serialize)]
pub struct InitiativeAnalysis {
    /// Id (written once, by the business case flattened below: JSON gives a key once).
    #[serde(skip_serializing)]
    pub id: String,
    /// Title.
    pub title: String,
    /// `exploit` or `explore`.
    pub kind: InitiativeKind,
    /// Status.
    pub status: Status,
    /// Whether it must be done.
    pub mandatory: bool,
    /// Whether the portfolio counts it.
    pub in_portfolio: bool,
    /// Alignment score, 0-1.
    pub alignment_score: f64,
    /// Start month as `YYYY-MM` (the pinned start, or the plan's start).
    pub start: String,
    /// Whether the plan pins the start.
    pub pinned: bool,
    /// The business case.
    #[serde(flatten)]
    pub case: BusinessCase,
}

/// The goal-by-initiative (and system) contribution matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// Goal ids, the columns.
    pub goals: Vec<String>,
    /// One row per initiative, then per system.
    pub rows: Vec<MatrixRow>,
}

/// A row of the contribution matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// `initiative` or `system`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Strength 0-3 per goal, in the order of `goals`.
    pub strengths: Vec<u8>,
    /// Alignment score, 0-1.
    pub alignment_score: f64,
}

/// A risk with its scores.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSummary {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Initiative it belongs to.
    pub initiative: Option<String>,
    /// Likelihood x impact, 1-25.
    pub score: u32,
    /// low, medium, high or critical.
    pub level: &'static str,
    /// Score after mitigation, when residual figures are given.
    pub residual_score: Option<u32>,
    /// Level after mitigation.
    pub residual_level: Option<&'static str>,
    /// Mitigation.
    pub mitigation: Option<String>,
}

/// Unaligned spend with its total.
#[derive(Debug, Clone, Serialize)]
pub struct Unaligned {
    /// Sum of the items.
    pub total: f64,
    /// Initiatives (first-year cost) and systems (annual cost) that support no goal.
    pub items: Vec<UnalignedSpend>,
}

/// The whole analysis of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The organisation's conventions.
    pub organization: OrgSummary,
    /// Every initiative, in plan order.
    pub initiatives: Vec<InitiativeAnalysis>,
    /// The portfolio's totals.
    pub portfolio: Portfolio,
    /// Spend by fiscal period, with budgets.
    pub spend_by_period: Vec<PeriodSpend>,
    /// Goal coverage.
    pub goals: Vec<GoalCoverage>,
    /// Share of goals covered ("% of strategic goals enabled by technology"), 0-1.
    pub goals_enabled_share: f64,
    /// Spend-weighted mean alignment score of the portfolio, 0-1.
    pub portfolio_alignment: f64,
    /// Contribution matrix.
    pub matrix: Matrix,
    /// Spend supporting no goal.
    pub unaligned_spend: Unaligned,
    /// Systems that may duplicate each other.
    pub redundant_systems: Vec<Redundancy>,
    /// Data silos.
    pub silos: Vec<Silo>,
    /// Manual data flows (automation candidates).
    pub manual_flows: Vec<ManualFlow>,
    /// TIME classification of the current systems.
    pub systems: Vec<TimeRating>,
    /// Risks by score, highest first.
    pub risks: Vec<RiskSummary>,
    /// Health-check findings, errors first.
    pub findings: Vec<Finding>,
    /// Each goal's KPI against its target: the standing and how it was decided.
    pub goal_status: Vec<crate::kpi::GoalStatus>,
    /// Completed initiatives: realised return beside the projected one.
    pub realised: Vec<crate::kpi::Realised>,
    /// The finished initiatives together (absent when none is finished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realised_total: Option<crate::kpi::RealisedTotal>,
    /// Innovation pipeline: exploration initiatives by status.
    pub innovation_pipeline: std::collections::BTreeMap<&'static str, usize>,
    /// Time to market of the initiatives with `started` and `launched` days, in order of launch.
    pub time_to_market: Vec<crate::kpi::TimeToMarket>,
}

/// Decimal places of an ISO 4217 currency's minor unit.
pub fn currency_decimals(code: &str) -> u32 {
    match code {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

fn round(x: f64, dp: u32) -> f64 {
    let f = 10f64.powi(dp as i32);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

fn round_opt(x: Option<f64>, dp: u32) -> Option<f64> {
    x.map(|v| round(v, dp))
}

/// Ratios are reported to 6 decimal places.
const RATIO_DP: u32 = 6;

fn round_case(c: &mut BusinessCase, dp: u32) {
    for v in [
        &mut c.one_time_cost,
        &mut c.recurring_cost_annual,
        &mut c.revenue_annual,
        &mut c.savings_annual,
        &mut c.benefit_annual,
        &mut c.first_year_cost,
        &mut c.npv,
        &mut c.tco,
        &mut c.tco_discounted,
    ] {
        *v = round(*v, dp);
    }
    c.first_year_roi = round_opt(c.first_year_roi, RATIO_DP);
    c.irr_monthly = round_opt(c.irr_monthly, 8);
    c.irr_annual = round_opt(c.irr_annual, RATIO_DP);
    c.cash_flows.iter_mut().for_each(|v| *v = round(*v, dp));
}

fn round_portfolio(p: &mut Portfolio, dp: u32) {
    for v in [
        &mut p.one_time_cost,
        &mut p.recurring_cost_annual,
        &mut p.running_cost_annual,
        &mut p.benefit_annual,
        &mut p.npv,
        &mut p.tco,
        &mut p.tco_discounted,
    ] {
        *v = round(*v, dp);
    }
    p.first_year_roi = round_opt(p.first_year_roi, RATIO_DP);
    p.irr_annual = round_opt(p.irr_annual, RATIO_DP);
    p.running_cost_share_of_revenue = round_opt(p.running_cost_share_of_revenue, RATIO_DP);
    p.cash_flows.iter_mut().for_each(|v| *v = round(*v, dp));
}

/// Analyses a plan.
pub fn analyze(plan: &Plan) -> Analysis {
    analyze_with(plan, &crate::kpi::plan_series(plan), None)
}

/// The analysis, tracking goals against `series` (the plan's measurements merged with
/// imported data) and forecasting with `forecaster` when given.
pub fn analyze_with(
    plan: &Plan,
    series: &crate::kpi::Series,
    forecaster: Option<crate::kpi::Forecaster>,
) -> Analysis {
    let doc = plan.doc();
    let org = &doc.organization;
    let dp = currency_decimals(&org.currency);

    let cases: Vec<BusinessCase> = doc
        .initiatives
        .iter()
        .map(|i| case::business_case(plan, i))
        .collect();
    let members = case::portfolio_members(plan, &cases);
    let mut portfolio = case::portfolio(plan, &cases, &members);
    let mut spend = case::spend_by_period(plan, &members);

    let scores: Vec<f64> = doc
        .initiatives
        .iter()
        .map(|i| alignment::score(&doc.goals, &i.contributes))
        .collect();
    let coverage = alignment::coverage(doc, &members);
    let covered = coverage.iter().filter(|g| g.covered).count();
    let goals_enabled_share = if coverage.is_empty() {
        0.0
    } else {
        covered as f64 / coverage.len() as f64
    };
    let weight: f64 = members.iter().map(|&i| cases[i].first_year_cost).sum();
    let portfolio_alignment = if members.is_empty() {
        0.0
    } else if weight > 0.0 {
        members
            .iter()
            .map(|&i| scores[i] * cases[i].first_year_cost)
            .sum::<f64>()
            / weight
    } else {
        members.iter().map(|&i| scores[i]).sum::<f64>() / members.len() as f64
    };

    let matrix = Matrix {
        goals: doc.goals.iter().map(|g| g.id.to_string()).collect(),
        rows: doc
            .initiatives
            .iter()
            .map(|i| ("initiative", &i.id, &i.contributes))
            .chain(doc.systems.iter().map(|s| ("system", &s.id, &s.supports)))
            .map(|(kind, id, map)| MatrixRow {
                kind,
                id: id.to_string(),
                strengths: doc
                    .goals
                    .iter()
                    .map(|g| map.get(&g.id).copied().unwrap_or(0))
                    .collect(),
                alignment_score: round(alignment::score(&doc.goals, map), RATIO_DP),
            })
            .collect(),
    };

    let mut items = Vec::new();
    if !doc.goals.is_empty() {
        for &i in &members {
            if !doc.initiatives[i].contributes.values().any(|&s| s >= 1) {
                items.push(alignment::UnalignedSpend {
                    kind: "initiative",
                    id: cases[i].id.clone(),
                    amount: round(cases[i].first_year_cost, dp),
                });
            }
        }
        for s in &doc.systems {
            if !s.supports.values().any(|&v| v >= 1) && s.annual_cost.to_f64() > 0.0 {
                items.push(alignment::UnalignedSpend {
                    kind: "system",
                    id: s.id.to_string(),
                    amount: round(s.annual_cost.to_f64(), dp),
                });
            }
        }
    }
    let unaligned_spend = Unaligned {
        total: round(items.iter().map(|u| u.amount).sum(), dp),
        items,
    };

    let redundant = alignment::redundant_systems(doc);
    let silos = alignment::silos(doc);
    let manual = alignment::manual_flows(doc);
    let time = alignment::time_classification(doc);

    let findings = checks::run(&checks::Inputs {
        plan,
        cases: &cases,
        members: &members,
        coverage: &coverage,
        redundant: &redundant,
        silos: &silos,
        manual: &manual,
        time: &time,
    });

    let mut risks: Vec<RiskSummary> = doc
        .risks
        .iter()
        .map(|r| {
            let score = u32::from(r.likelihood) * u32::from(r.impact);
            let residual = match (r.residual_likelihood, r.residual_impact) {
                (None, None) => None,
                (l, i) => {
                    Some(u32::from(l.unwrap_or(r.likelihood)) * u32::from(i.unwrap_or(r.impact)))
                }
            };
            RiskSummary {
                id: r.id.to_string(),
                title: r.title.clone(),
                initiative: r.initiative.as_ref().map(ToString::to_string),
                score,
                level: risk_level(score),
                residual_score: residual,
                residual_level: residual.map(risk_level),
                mitigation: r.mitigation.clone(),
            }
        })
        .collect();
    risks.sort_by_key(|r| std::cmp::Reverse(r.score));

    let initiatives = doc
        .initiatives
        .iter()
        .zip(cases)
        .enumerate()
        .map(|(i, (init, mut case))| {
            round_case(&mut case, dp);
            InitiativeAnalysis {
                id: init.id.to_string(),
                title: init.title.clone(),
                kind: init.kind,
                status: init.status,
                mandatory: init.mandatory,
                in_portfolio: members.contains(&i),
                alignment_score: round(scores[i], RATIO_DP),
                start: plan.month_at(case.start_month as i32).to_string(),
                pinned: init.start.is_some(),
                case,
            }
        })
        .collect();
    round_portfolio(&mut portfolio, dp);
    for s in &mut spend {
        s.implementation = round(s.implementation, dp);
        s.recurring = round(s.recurring, dp);
        s.benefits = round(s.benefits, dp);
    }
    let realised = crate::kpi::realised(plan, series);

    Analysis {
        organization: OrgSummary {
            name: org.name.clone(),
            currency: org.currency.clone(),
            currency_decimals: dp,
            start: org.start.to_string(),
            horizon_months: org.horizon_months,
            evaluation_months: org.evaluation_months(),
            discount_rate: org.discount_rate,
            gross_margin: org.gross_margin,
            fiscal_year_start: org.fiscal_year_start,
        },
        initiatives,
        portfolio,
        spend_by_period: spend,
        goals: coverage,
        goals_enabled_share: round(goals_enabled_share, RATIO_DP),
        portfolio_alignment: round(portfolio_alignment, RATIO_DP),
        matrix,
        unaligned_spend,
        redundant_systems: redundant,
        silos,
        manual_flows: manual,
        systems: time,
        risks,
        findings,
        goal_status: crate::kpi::goal_status(plan, series, forecaster),
        realised_total: crate::kpi::realised_portfolio(&realised),
        realised,
        time_to_market: crate::kpi::time_to_market(plan),
        innovation_pipeline: {
            use crate::model::{InitiativeKind, Status};
            let mut m = std::collections::BTreeMap::new();
            for st in ["candidate", "planned", "in_progress", "done", "cancelled"] {
                m.insert(st, 0);
            }
            for i in doc
                .initiatives
                .iter()
                .filter(|i| i.kind == InitiativeKind::Explore)
            {
                let key = match i.status {
                    Status::Candidate => "candidate",
                    Status::Planned => "planned",
                    Status::InProgress => "in_progress",
                    Status::Done => "done",
                    Status::Cancelled => "cancelled",
                };
                *m.entry(key).or_insert(0) += 1;
            }
            m
        },
    }
}
