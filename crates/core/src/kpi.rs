//! Goal tracking: each goal's KPI measured month by month (from the plan's `measurements` or
//! from imported data) against its baseline, target and due date. The status is predictive:
//! the forecast's probability of reaching the target by the due date gives *on track*
//! (>= 0.7), *at risk* (0.3-0.7) or *off track* (< 0.3); with too little history for a
//! forecast, linear pace against the target decides, and the status says so.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Plan;
use crate::model::{Date, Direction, Id, Month};

/// Monthly values of KPIs by id.
pub type Series = BTreeMap<String, BTreeMap<Month, f64>>;

/// A forecaster: given monthly values, the number of months from the last value to the due
/// month, the target and which way is good, the probability of reaching the target and the
/// model's name. Supplied by the metrics engine; `None` when it cannot forecast.
pub type Forecaster<'a> = &'a dyn Fn(&[f64], usize, f64, Direction) -> Option<(f64, String)>;

/// Measurements needed before a forecast decides instead of linear pace.
pub const MIN_FOR_FORECAST: usize = 8;

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The target is reached.
    Achieved,
    /// Likely to reach the target by the due date.
    OnTrack,
    /// Might reach it.
    AtRisk,
    /// Unlikely to reach it.
    OffTrack,
    /// The due date has passed without the target reached.
    Missed,
    /// No measurement of its KPI.
    NoData,
    /// The goal has no KPI, target or due date.
    NotMeasurable,
}

impl Standing {
    /// In words, as people are shown it.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Achieved => "Achieved",
            Standing::OnTrack => "On track",
            Standing::AtRisk => "At risk",
            Standing::OffTrack => "Off track",
            Standing::Missed => "Missed",
            Standing::NoData => "No data",
            Standing::NotMeasurable => "Not measurable",
        }
    }
}

/// How the standing was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The forecast's probability of reaching the target.
    Forecast,
    /// Progress against a straight line from the baseline to the target.
    LinearPace,
    /// Nothing to decide from.
    None,
}

/// One goal's tracking.
#[derive(Debug, Clone, Serialize)]
pub struct GoalStatus {
    /// The goal.
    pub goal: String,
    /// Its KPI.
    pub kpi: Option<String>,
    /// Which way is good.
    pub direction: Direction,
    /// Baseline (the goal's, or the first measurement).
    pub baseline: Option<f64>,
    /// Target.
    pub target: Option<f64>,
    /// Due month.
    pub due: Option<String>,
    /// Number of measurements.
    pub measurements: usize,
    /// The latest month measured.
    pub latest_month: Option<String>,
    /// The latest value.
    pub latest: Option<f64>,
    /// Share of the way from baseline to target covered (1 = reached).
    pub progress: Option<f64>,
    /// Probability of reaching the target by the due date (forecast method).
    pub probability: Option<f64>,
    /// The forecast model, when a forecast decided.
    pub model: Option<String>,
    /// The standing.
    pub status: Standing,
    /// How it was decided.
    pub method: Method,
    /// In words.
    pub explanation: String,
}

pub(crate) fn direction_of(plan: &Plan, kpi: &str) -> Direction {
    plan.doc()
        .kpis
        .iter()
        .find(|k| k.id.as_str() == kpi)
        .map(|k| k.direction)
        .or_else(|| crate::catalogue::find(kpi).map(|m| m.direction))
        .unwrap_or_default()
}

/// The plan's own measurements as series, and what the plan itself measures: the
/// `time_to_market` KPI (the mean days from start to launch of the initiatives launched in
/// each month), unless the plan enters that KPI's measurements itself.
pub fn plan_series(plan: &Plan) -> Series {
    let mut series: Series = plan
        .doc()
        .measurements
        .iter()
        .map(|(k, v): (&Id, _)| (k.to_string(), v.clone()))
        .collect();
    let mut by_month: BTreeMap<Month, (f64, f64)> = BTreeMap::new();
    for t in time_to_market(plan) {
        let e = by_month.entry(t.launched.month()).or_default();
        e.0 += t.days as f64;
        e.1 += 1.0;
    }
    if !by_month.is_empty() {
        series
            .entry("time_to_market".into())
            .or_insert_with(|| by_month.into_iter().map(|(m, (s, n))| (m, s / n)).collect());
    }
    series
}

/// An initiative's time to market.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeToMarket {
    /// The initiative.
    pub initiative: Id,
    /// The day work began.
    pub started: Date,
    /// The day it went live.
    pub launched: Date,
    /// Days from `started` to `launched`.
    pub days: i64,
}

/// Time to market of every initiative with both a `started` and a `launched` day, in order of
/// launch.
pub fn time_to_market(plan: &Plan) -> Vec<TimeToMarket> {
    let mut out: Vec<TimeToMarket> = plan
        .doc()
        .initiatives
        .iter()
        .filter_map(|i| {
            let (started, launched) = (i.started?, i.launched?);
            Some(TimeToMarket {
                initiative: i.id.clone(),
                started,
                launched,
                days: launched.days_since(started),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.launched, &a.initiative).cmp(&(b.launched, &b.initiative)));
    out
}

/// Adds a KPI's series computed from imported data (`(period label YYYY-MM, value)`), unless
/// the plan measures that KPI itself: the plan's values win (they may be on another scale,
/// such as a trailing year).
pub fn add_data_series<'a>(
    series: &mut Series,
    kpi: &str,
    points: impl IntoIterator<Item = (&'a str, f64)>,
) {
    if series.contains_key(kpi) {
        return;
    }
    let entry = series.entry(kpi.to_string()).or_default();
    for (label, v) in points {
        if let Some(m) = Month::parse(label) {
            entry.insert(m, v);
        }
    }
}

/// The standing of every goal, from `series` (the plan's measurements merged with imported
/// data by the caller), forecasting with `forecaster` when there is enough history.
pub fn goal_status(
    plan: &Plan,
    series: &Series,
    forecaster: Option<Forecaster>,
) -> Vec<GoalStatus> {
    plan.doc()
        .goals
        .iter()
        .map(|g| {
            let kpi = g.kpi.clone();
            let direction = kpi
                .as_deref()
                .map_or(Direction::Up, |k| direction_of(plan, k));
            let values = kpi.as_deref().and_then(|k| series.get(k));
            let n = values.map_or(0, BTreeMap::len);
            let latest = values
                .and_then(|v| v.iter().next_back())
                .map(|(m, v)| (*m, *v));
            let first = values.and_then(|v| v.iter().next()).map(|(m, v)| (*m, *v));
            let baseline = g.baseline.or(first.map(|x| x.1));
            let mut st = GoalStatus {
                goal: g.id.to_string(),
                kpi: kpi.clone(),
                direction,
                baseline,
                target: g.target,
                due: g.due.map(|m| m.to_string()),
                measurements: n,
                latest_month: latest.map(|x| x.0.to_string()),
                latest: latest.map(|x| x.1),
                progress: None,
                probability: None,
                model: None,
                status: Standing::NoData,
                method: Method::None,
                explanation: String::new(),
            };
            let (Some(target), Some(due)) = (g.target, g.due) else {
                st.status = Standing::NotMeasurable;
                st.explanation =
                    "the goal needs a KPI, a target and a due date to be tracked".into();
                return st;
            };
            if kpi.is_none() {
                st.status = Standing::NotMeasurable;
                st.explanation = "the goal names no KPI".into();
                return st;
            }
            let Some((last_month, last)) = latest else {
                st.explanation = format!(
                    "no measurement of `{}`: add `measurements` to the plan or import data",
                    kpi.as_deref().unwrap_or("")
                );
                return st;
            };
            let up = direction != Direction::Down;
            let reached = |v: f64| if up { v >= target } else { v <= target };
            if let Some(b) = baseline
                && (target - b).abs() > f64::EPSILON
            {
                st.progress = Some((last - b) / (target - b));
            }
            if reached(last) {
                st.status = Standing::Achieved;
                st.method = Method::None;
                st.explanation = format!("{last} in {last_month} reaches the target {target}");
                return st;
            }
            let steps = due.since(last_month);
            if steps <= 0 {
                st.status = Standing::Missed;
                st.explanation = format!(
                    "due {due}; the latest value {last} ({last_month}) misses the target {target}"
                );
                return st;
            }
            let values: Vec<f64> = values
                .map(|v| v.values().copied().collect())
                .unwrap_or_default();
            if n >= MIN_FOR_FORECAST
                && let Some(f) = forecaster
                && let Some((p, model)) = f(&values, steps as usize, target, direction)
            {
                st.probability = Some(p);
                st.model = Some(model.clone());
                st.method = Method::Forecast;
                st.status = if p >= 0.7 {
                    Standing::OnTrack
                } else if p >= 0.3 {
                    Standing::AtRisk
                } else {
                    Standing::OffTrack
                };
                st.explanation = format!(
                    "the {model} forecast gives a {:.0}% chance of reaching {target} by {due}",
                    p * 100.0
                );
                return st;
            }
            // Linear pace: the share of the way covered against the share of time elapsed.
            st.method = Method::LinearPace;
            let start = first.map_or(last_month, |x| x.0);
            let span = due.since(start).max(1) as f64;
            let elapsed = last_month.since(start).max(0) as f64 / span;
            let progress = st.progress.unwrap_or(0.0);
            let pace = if elapsed > 0.0 {
                progress / elapsed
            } else {
                0.0
            };
            st.status = if elapsed == 0.0 {
                Standing::AtRisk
            } else if pace >= 1.0 {
                Standing::OnTrack
            } else if pace >= 0.5 {
                Standing::AtRisk
            } else {
                Standing::OffTrack
            };
            let why = if n < MIN_FOR_FORECAST {
                format!("{n} measurement(s), too few to forecast (needs {MIN_FOR_FORECAST})")
            } else {
                format!("{n} measurements, no forecast")
            };
            st.explanation = format!(
                "{why}: {:.0}% of the way to {target} with {:.0}% of the time to {due} gone",
                progress * 100.0,
                elapsed * 100.0
            );
            st
        })
        .collect()
}

/// The change of a goal's KPI since its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct KpiChange {
    /// The goal.
    pub goal: String,
    /// Its KPI.
    pub kpi: String,
    /// The baseline.
    pub baseline: f64,
    /// The latest value.
    pub latest: f64,
    /// `latest - baseline`.
    pub change: f64,
    /// The change as a share of the baseline.
    pub change_share: Option<f64>,
}

/// A completed initiative's realised return beside the projected one.
#[derive(Debug, Clone, Serialize)]
pub struct Realised {
    /// The initiative.
    pub id: String,
    /// First-year ROI as projected.
    pub projected_roi: Option<f64>,
    /// Annual benefit as projected (profit).
    pub projected_benefit_annual: f64,
    /// Annual benefit realised: the change of the money KPIs of the goals its benefits name,
    /// from the goal's baseline to the latest figure after the month it went live (`launched`;
    /// from the plan's first month when it has none) (revenue through the gross margin; a fall of a KPI whose direction is `down` is a
    /// gain), each change shared with the other finished initiatives that name the same goal
    /// in proportion to the benefit each projected; `None` when not measured.
    pub realised_benefit_annual: Option<f64>,
    /// First-year cost as projected: the planned one-time cost plus a year of recurring cost.
    pub projected_cost: f64,
    /// First-year cost counted: `actual_cost` (or the planned one-time cost) plus a year of
    /// recurring cost.
    pub cost: f64,
    /// ROI over realised figures (return on technology investment).
    pub realised_roi: Option<f64>,
    /// The change of every goal's KPI it contributes to.
    pub kpi_changes: Vec<KpiChange>,
}

/// Realised against projected, for every initiative with status `done`.
pub fn realised(plan: &Plan, series: &Series) -> Vec<Realised> {
    use crate::model::{BenefitKind, Status};
    let doc = plan.doc();
    let org = &doc.organization;
    // A goal's change as the initiative can have made it: its latest figure from after the
    // month the initiative went live (from the plan's first month when no launch day is
    // recorded; figures from before the plan are the baseline's, not the work's).
    let change_of = |goal: &crate::model::Goal, since: Month| -> Option<KpiChange> {
        let kpi = goal.kpi.as_deref()?;
        let values = series.get(kpi)?;
        let latest = *values.range(since..).next_back()?.1;
        let baseline = goal.baseline.or_else(|| values.values().next().copied())?;
        Some(KpiChange {
            goal: goal.id.to_string(),
            kpi: kpi.to_string(),
            baseline,
            latest,
            change: latest - baseline,
            change_share: (baseline != 0.0).then(|| (latest - baseline) / baseline.abs()),
        })
    };
    let is_money =
        |kpi: &str| crate::unit::Measure::of_kpi(doc, kpi).unit == crate::unit::Unit::Money;
    let done = || doc.initiatives.iter().filter(|i| i.status == Status::Done);
    // A goal's KPI change is shared by the finished initiatives whose benefits name that goal,
    // in proportion to the benefit each projected (equally when none projected an amount): two
    // initiatives that both claim a fall of 2,000 do not each get 2,000.
    let claimed = |goal: &crate::model::Id| -> f64 {
        done()
            .flat_map(|i| &i.benefits)
            .filter(|b| b.goal.as_ref() == Some(goal))
            .map(|b| b.annual.likely().max(0.0))
            .sum()
    };
    let claimants = |goal: &crate::model::Id| -> usize {
        done()
            .flat_map(|i| &i.benefits)
            .filter(|b| b.goal.as_ref() == Some(goal))
            .count()
    };
    done()
        .map(|init| {
            let since = init.launched.map_or(org.start, |d| d.month().plus(1));
            let kpi_changes: Vec<KpiChange> = doc
                .goals
                .iter()
                .filter(|g| init.contributes.get(&g.id).is_some_and(|s| *s > 0))
                .filter_map(|g| change_of(g, since))
                .collect();
            let mut realised_benefit: Option<f64> = None;
            for b in &init.benefits {
                let Some(goal) = b
                    .goal
                    .as_ref()
                    .and_then(|g| doc.goals.iter().find(|x| x.id == *g))
                else {
                    continue;
                };
                let Some(ch) = change_of(goal, since).filter(|c| is_money(&c.kpi)) else {
                    continue;
                };
                let k = match b.kind {
                    BenefitKind::Revenue => org.gross_margin.unwrap_or(1.0),
                    BenefitKind::Saving => 1.0,
                };
                // A saving is a fall of a KPI that should fall (the plan's own KPI's direction,
                // else the catalogue's); a revenue benefit a rise.
                let gain = if direction_of(plan, &ch.kpi) == Direction::Down {
                    -ch.change
                } else {
                    ch.change
                };
                let total = claimed(&goal.id);
                let share = if total > 0.0 {
                    b.annual.likely().max(0.0) / total
                } else {
                    1.0 / claimants(&goal.id).max(1) as f64
                };
                *realised_benefit.get_or_insert(0.0) += gain * share * k;
            }
            let one_time = init
                .actual_cost
                .map_or(init.one_time_cost.likely(), |m| m.to_f64());
            let cost = one_time + init.recurring_cost_annual.likely();
            let projected = crate::case::annual_benefit(init, org);
            let projected_cost = init.one_time_cost.likely() + init.recurring_cost_annual.likely();
            Realised {
                id: init.id.to_string(),
                projected_roi: crate::finance::first_year_roi(projected, projected_cost),
                projected_cost,
                projected_benefit_annual: projected,
                realised_benefit_annual: realised_benefit,
                cost,
                realised_roi: realised_benefit
                    .and_then(|b| crate::finance::first_year_roi(b, cost)),
                kpi_changes,
            }
        })
        .collect()
}

/// Realised against projected for the finished initiatives together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealisedTotal {
    /// How many initiatives are finished.
    pub initiatives: usize,
    /// How many of them have a measured benefit.
    pub measured: usize,
    /// The projected annual benefit of all of them.
    pub projected_benefit_annual: f64,
    /// Their projected first-year cost.
    pub projected_cost: f64,
    /// First-year ROI as projected, over all of them.
    pub projected_roi: Option<f64>,
    /// The realised annual benefit of the measured ones.
    pub realised_benefit_annual: Option<f64>,
    /// The first-year cost counted for the measured ones.
    pub cost: f64,
    /// ROI over the measured ones' realised figures.
    pub realised_roi: Option<f64>,
}

/// The portfolio's realised return: sums of [`realised`]'s rows (`None` when none finished).
/// The realised side counts only initiatives with a measured benefit, so an unmeasured one
/// neither adds cost nor hides a gain.
pub fn realised_portfolio(rows: &[Realised]) -> Option<RealisedTotal> {
    if rows.is_empty() {
        return None;
    }
    let projected_benefit_annual: f64 = rows.iter().map(|r| r.projected_benefit_annual).sum();
    let projected_cost: f64 = rows.iter().map(|r| r.projected_cost).sum();
    let measured: Vec<&Realised> = rows
        .iter()
        .filter(|r| r.realised_benefit_annual.is_some())
        .collect();
    let realised: Option<f64> = (!measured.is_empty()).then(|| {
        measured
            .iter()
            .filter_map(|r| r.realised_benefit_annual)
            .sum()
    });
    let cost: f64 = measured.iter().map(|r| r.cost).sum();
    Some(RealisedTotal {
        initiatives: rows.len(),
        measured: measured.len(),
        projected_benefit_annual,
        projected_cost,
        projected_roi: crate::finance::first_year_roi(projected_benefit_annual, projected_cost),
        realised_benefit_annual: realised,
        cost,
        realised_roi: realised.and_then(|b| crate::finance::first_year_roi(b, cost)),
    })
}

/// A goal's standing explained in plain words, with figures as people write them in `scale`
/// and months by name: what the pages, the pack and the report show (the status's own
/// `explanation`, for the CLI and the API, names the model and prints figures raw).
pub fn plain_explanation(s: &GoalStatus, scale: &crate::unit::Measure) -> String {
    let fig = |x: Option<f64>| scale.format_opt(x);
    let month = |m: &str| {
        crate::model::Month::parse(m).map_or_else(|| m.to_string(), crate::calendar::month_words)
    };
    let due = s.due.as_deref().map(month).unwrap_or_default();
    let reach = if s.direction == crate::model::Direction::Down {
        "falling to"
    } else {
        "reaching"
    };
    match (s.status, s.method) {
        (Standing::NotMeasurable, _) => {
            "It needs a KPI, a target and a month it is due to be followed.".into()
        }
        (Standing::NoData, _) => "There are no figures for its KPI yet: import data, or type a month's figure on the KPI's page.".into(),
        (Standing::Achieved, _) => format!(
            "{} in {} reaches the target of {}.",
            fig(s.latest),
            s.latest_month.as_deref().map(month).unwrap_or_default(),
            fig(s.target)
        ),
        (Standing::Missed, _) => format!(
            "It was due in {due}; the latest figure, {}, misses the target of {}.",
            fig(s.latest),
            fig(s.target)
        ),
        (_, Method::Forecast) => format!(
            "The forecast from {} months of figures gives {} chance of {reach} {} by {due}{}.",
            s.measurements,
            s.probability.map_or_else(
                || "no".to_string(),
                |p| format!("a {}", crate::unit::chance_percent(p))
            ),
            fig(s.target),
            if s.measurements < 24 {
                " (from so few months, it cannot be surer than that)"
            } else {
                ""
            }
        ),
        (_, Method::LinearPace) => format!(
            "{} months of figures, too few to forecast: {} of the way to {} so far.",
            s.measurements,
            s.progress.map_or_else(
                || "none".to_string(),
                |p| crate::unit::percent(p.clamp(-9.99, 9.99), 0)
            ),
            fig(s.target)
        ),
        _ => String::new(),
    }
}
