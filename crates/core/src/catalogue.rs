//! The standard KPI catalogue: ids a goal's `kpi` may name without declaring it, each with its
//! formula as product.md defines it. The metrics themselves are computed from business data by
//! the metrics engine; this list is the vocabulary.

use crate::model::Direction;

/// A standard metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// The id a goal names.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Unit: `money`, `ratio`, `count`, `days`, `hours`, `score`.
    pub unit: &'static str,
    /// Which way is good.
    pub direction: Direction,
    /// How it is computed.
    pub formula: &'static str,
}

const fn m(
    id: &'static str,
    name: &'static str,
    unit: &'static str,
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

/// Every standard metric.
pub const METRICS: &[Metric] = &[
    m(
        "revenue",
        "Revenue",
        "money",
        Up,
        "sum of order amounts in the period",
    ),
    m(
        "online_revenue",
        "Online revenue",
        "money",
        Up,
        "revenue of orders through online channels",
    ),
    m(
        "orders",
        "Orders",
        "count",
        Up,
        "number of orders in the period",
    ),
    m(
        "average_order_value",
        "Average order value",
        "money",
        Up,
        "revenue / orders",
    ),
    m(
        "new_customers",
        "New customers",
        "count",
        Up,
        "customers whose first order falls in the period",
    ),
    m(
        "active_customers",
        "Active customers",
        "count",
        Up,
        "customers with an order in the period",
    ),
    m(
        "repeat_purchase_rate",
        "Repeat purchase rate",
        "ratio",
        Up,
        "customers with >= 2 orders / customers with >= 1",
    ),
    m(
        "cac",
        "Customer acquisition cost",
        "money",
        Down,
        "marketing spend / new customers",
    ),
    m(
        "ltv_cac",
        "LTV:CAC",
        "ratio",
        Up,
        "customer lifetime value / customer acquisition cost",
    ),
    m(
        "cltv",
        "Customer lifetime value",
        "money",
        Up,
        "average order value x orders per customer per year x gross margin x (1 / yearly churn)",
    ),
    m(
        "conversion_rate",
        "Conversion rate",
        "ratio",
        Up,
        "conversions / sessions",
    ),
    m(
        "csat",
        "Customer satisfaction (CSAT)",
        "ratio",
        Up,
        "share of answers of 4 or 5 on a 1-5 scale",
    ),
    m(
        "nps",
        "Net Promoter Score",
        "score",
        Up,
        "% answering 9-10 minus % answering 0-6",
    ),
    m(
        "enps",
        "Employee Net Promoter Score",
        "score",
        Up,
        "% answering 9-10 minus % answering 0-6, asked of staff",
    ),
    m(
        "uptime",
        "Uptime",
        "ratio",
        Up,
        "1 - downtime / period length",
    ),
    m(
        "mttr",
        "Mean time to repair",
        "hours",
        Down,
        "mean(resolved - started) over incidents",
    ),
    m(
        "mtbf",
        "Mean time between failures",
        "hours",
        Up,
        "(period length - downtime) / number of failures",
    ),
    m(
        "security_incidents",
        "Security incidents",
        "count",
        Down,
        "security incidents per period",
    ),
    m(
        "adoption_rate",
        "Adoption rate",
        "ratio",
        Up,
        "active users / licensed users of a system",
    ),
    m(
        "automation_rate",
        "Process automation rate",
        "ratio",
        Up,
        "automated processes / all processes",
    ),
    m(
        "tech_revenue_growth",
        "Technology-enabled revenue growth",
        "ratio",
        Up,
        "growth of revenue through technology channels against the baseline",
    ),
    m(
        "tech_cost_reduction",
        "Technology-driven cost reduction",
        "money",
        Up,
        "baseline cost - current cost of affected processes",
    ),
    m(
        "time_to_market",
        "Time to market",
        "days",
        Down,
        "days from an initiative's start to its launch",
    ),
    m(
        "innovation_pipeline",
        "Innovation pipeline",
        "count",
        Up,
        "explore initiatives by status",
    ),
];

/// The standard metric with this id.
pub fn find(id: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.id == id)
}
