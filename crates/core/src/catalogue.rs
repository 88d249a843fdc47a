//! The standard KPI catalogue: ids a goal's `kpi` may name without declaring it, each with its
//! formula as product.md defines it. The metrics themselves are computed from business data by
//! the metrics engine; this list is the vocabulary.

use crate::model::Direction;
use crate::unit::Unit;

/// A standard metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// The id a goal names.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// How its values are written.
    pub unit: Unit,
    /// Which way is good.
    pub direction: Direction,
    /// How it is computed.
    pub formula: &'static str,
}

const fn m(
    id: &'static str,
    name: &'static str,
    unit: Unit,
    direction: Direction,
    formula: &'static str,
) -> Metric {
    Metric {
        id,
        name,
        unit,
        direction,
        formula,
    }
}

use Direction::{Down, Up};
use Unit::{Count, Days, Fraction, Hours, Money, Multiple, Score};

/// Every standard metric.
pub const METRICS: &[Metric] = &[
    m(
        "revenue",
        "Revenue",
        Money,
        Up,
        "sum of order amounts in the period",
    ),
    m(
        "online_revenue",
        "Online revenue",
        Money,
        Up,
        "revenue of orders through online channels",
    ),
    m(
        "orders",
        "Orders",
        Count,
        Up,
        "number of orders in the period",
    ),
    m(
        "average_order_value",
        "Average order value",
        Money,
        Up,
        "revenue / orders",
    ),
    m(
        "new_customers",
        "New customers",
        Count,
        Up,
        "customers whose first order falls in the period",
    ),
    m(
        "active_customers",
        "Active customers",
        Count,
        Up,
        "customers with an order in the period",
    ),
    m(
        "repeat_purchase_rate",
        "Repeat purchase rate",
        Fraction,
        Up,
        "customers with >= 2 orders / customers with >= 1",
    ),
    m(
        "cac",
        "Customer acquisition cost",
        Money,
        Down,
        "marketing spend / new customers",
    ),
    m(
        "ltv_cac",
        "LTV:CAC",
        Multiple,
        Up,
        "customer lifetime value / customer acquisition cost",
    ),
    m(
        "cltv",
        "Customer lifetime value",
        Money,
        Up,
        "average order value x orders per customer per year x gross margin x (1 / yearly churn)",
    ),
    m(
        "conversion_rate",
        "Conversion rate",
        Fraction,
        Up,
        "conversions / sessions",
    ),
    m(
        "csat",
        "Customer satisfaction (CSAT)",
        Fraction,
        Up,
        "share of answers of 4 or 5 on a 1-5 scale",
    ),
    m(
        "nps",
        "Net Promoter Score",
        Score,
        Up,
        "% answering 9-10 minus % answering 0-6",
    ),
    m(
        "enps",
        "Employee Net Promoter Score",
        Score,
        Up,
        "% answering 9-10 minus % answering 0-6, asked of staff",
    ),
    m(
        "uptime",
        "Uptime",
        Fraction,
        Up,
        "1 - downtime / period length",
    ),
    m(
        "mttr",
        "Mean time to repair",
        Hours,
        Down,
        "mean(resolved - started) over incidents",
    ),
    m(
        "mtbf",
        "Mean time between failures",
        Hours,
        Up,
        "(period length - downtime) / number of failures",
    ),
    m(
        "security_incidents",
        "Security incidents",
        Count,
        Down,
        "security incidents per period",
    ),
    m(
        "adoption_rate",
        "Adoption rate",
        Fraction,
        Up,
        "active users / licensed users of a system",
    ),
    m(
        "automation_rate",
        "Process automation rate",
        Fraction,
        Up,
        "automated processes / all processes",
    ),
    m(
        "tech_revenue_growth",
        "Technology-enabled revenue growth",
        Fraction,
        Up,
        "growth of revenue through technology channels against the baseline",
    ),
    m(
        "tech_cost_reduction",
        "Technology-driven cost reduction",
        Money,
        Up,
        "baseline cost - current cost of affected processes",
    ),
    m(
        "time_to_market",
        "Time to market",
        Days,
        Down,
        "days from an initiative's start to its launch",
    ),
    m(
        "innovation_pipeline",
        "Innovation pipeline",
        Count,
        Up,
        "explore initiatives by status",
    ),
];

/// The standard metric with this id.
pub fn find(id: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.id == id)
}

/// The values a standard metric can take, when its definition bounds them: scores of -100 to
/// 100 (NPS, eNPS), shares of 0 to 1 (the rates and satisfaction), and nothing below 0 for
/// counts, money, durations and multiples; `None` for those that may go either way (growth,
/// cost reduction) and for ids not in the catalogue. Forecasts are kept within it.
pub fn natural_range(id: &str) -> Option<(f64, f64)> {
    let m = find(id)?;
    match m.id {
        "nps" | "enps" => Some((-100.0, 100.0)),
        "repeat_purchase_rate"
        | "conversion_rate"
        | "csat"
        | "uptime"
        | "adoption_rate"
        | "automation_rate" => Some((0.0, 1.0)),
        _ => match m.unit {
            Unit::Count
            | Unit::Money
            | Unit::Multiple
            | Unit::Days
            | Unit::Hours
            | Unit::Months => Some((0.0, f64::INFINITY)),
            _ => None,
        },
    }
}
