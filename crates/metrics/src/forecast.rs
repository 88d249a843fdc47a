//! A forecast report: what `sextant forecast --format json` prints and the server's forecast
//! endpoint returns, built by [`report`] for both.
//!
//! The series' periods are read by the workspace's one period parser
//! ([`sextant_core::calendar::Period::parse`]: `2027-03`, `Mar 2027`, `2027Q1`, `Q1 2027`,
//! `2027-W05`, `2027-03-01`, `2027`, ...) or as step numbers, all of one length (a series
//! mixing months and quarters is refused naming the label that differs), sorted, refused when
//! one repeats, and gaps are filled by linear interpolation with a note. Periods are labelled
//! canonically (`2027-03`, `2027-Q1`, `2027-W05`, `2027-03-01`, `2027`). Exponential
//! smoothing ([`crate::ets`]) chooses its model by AICc; when that model has no season
//! (seasonal ETS needs two full seasons, and on short series AICc often rejects it), a
//! seasonal naive method with drift competes with it on a holdout of the last season, and the
//! one with the smaller mean absolute error forecasts. Forecast steps carry
//! the periods' labels.
//!
//! The intervals and the probability of reaching a target allow for the model being estimated
//! from the history ([`crate::ets::predictive`]: Student-t quantiles, and on a short history a
//! band never narrower than a random walk with drift's; the seasonal naive method's spread
//! counts its drift's estimation); from fewer than [`crate::ets::SHORT_SERIES`] values the
//! probability stays within [`crate::ets::probability_bounds`], and a note says how much data
//! the range rests on.

use serde::Serialize;

use sextant_core::calendar::{Period, PeriodError, Unit, civil_from_days};

use crate::ets::{self, Fit, SeasonKind};

/// One value of the series, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The period's label as given.
    pub period: String,
    /// The value.
    pub value: f64,
    /// Its line in the file, when read from one.
    pub line: Option<u64>,
}

/// What to forecast.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The KPI's name, when forecasting a KPI of the catalogue or the plan.
    pub kpi: Option<String>,
    /// Periods ahead (1 or more).
    pub horizon: usize,
    /// The seasonal period; by default 12 for months, 4 for quarters, 52 for weeks.
    pub season: Option<usize>,
    /// A value to reach by the last forecast period.
    pub target: Option<f64>,
    /// The target is reached by falling to it.
    pub down: bool,
}

/// The probability of reaching a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The target.
    #[serde(rename = "target")]
    pub value: f64,
    /// `up` (reached at or above) or `down` (at or below).
    pub direction: &'static str,
    /// The period it is to be reached by.
    #[serde(rename = "target_period")]
    pub period: String,
    /// The probability, under the chosen model's own distribution.
    pub probability: f64,
}

/// A forecast, as both front doors return it.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastReport {
    /// The KPI, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kpi: Option<String>,
    /// The model: an ETS model's name (`ETS(M,Ad,M)`) or `seasonal naive with drift`.
    pub model: String,
    /// `ets` or `seasonal_naive`.
    pub method: &'static str,
    /// How it was chosen, in words.
    pub chosen_by: String,
    /// The period length: `day`, `week`, `month`, `quarter`, `year` or `step`.
    pub granularity: &'static str,
    /// The seasonal period considered, if any.
    pub season: Option<usize>,
    /// The forecast periods' labels.
    pub forecast_periods: Vec<String>,
    /// Point forecasts.
    pub mean: Vec<f64>,
    /// Lower 80% bound.
    pub lower_80: Vec<f64>,
    /// Upper 80% bound.
    pub upper_80: Vec<f64>,
    /// Lower 95% bound.
    pub lower_95: Vec<f64>,
    /// Upper 95% bound.
    pub upper_95: Vec<f64>,
    /// AICc of the ETS model (null for the seasonal naive method).
    pub aicc: Option<f64>,
    /// Whether the intervals (and the target's probability) come from simulated paths.
    pub simulated: bool,
    /// The ETS fit (null for the seasonal naive method).
    pub fit: Option<Fit>,
    /// The history's periods, sorted, gaps filled.
    pub periods: Vec<String>,
    /// The history's values.
    pub history: Vec<f64>,
    /// Mean absolute errors on the holdout, when methods competed.
    pub holdout: Option<Holdout>,
    /// The target and the probability of reaching it, when asked (as `target, direction,
    /// target_period, probability`).
    #[serde(flatten)]
    pub target: Option<Target>,
    /// What the reader should know: gaps filled, seasonal models not admissible or rejected.
    pub notes: Vec<String>,
    /// Periods after or before the history that its data cover only in part, left out of it
    /// (their figures so far would read as a fall): set by a caller that knows, as the
    /// server's forecast of a KPI computed from imported data; empty for a series given as it
    /// is.
    pub partial_periods: Vec<String>,
}

/// The holdout comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    /// Periods held out (the last ones).
    pub periods: usize,
    /// ETS's mean absolute error on them.
    pub ets_mae: f64,
    /// The seasonal naive method's.
    pub seasonal_naive_mae: f64,
}

/// How periods are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Step,
}

impl Grain {
    fn name(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
            Grain::Step => "step",
        }
    }

    fn season(self) -> Option<usize> {
        match self {
            Grain::Week => Some(52),
            Grain::Month => Some(12),
            Grain::Quarter => Some(4),
            Grain::Day => Some(7),
            Grain::Year | Grain::Step => None,
        }
    }
}

/// A label's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A calendar period; its key counts periods of its unit ([`Period::key`]).
    Period(Unit),
    /// `17`.
    Step,
}

impl Form {
    /// As a message names it: `a month`, `a step number`.
    fn described(self) -> &'static str {
        match self {
            Form::Period(Unit::Day) => "a date",
            Form::Period(u) => u.described(),
            Form::Step => "a step number",
        }
    }

    /// The label of the period with this key.
    fn label(self, key: i64) -> String {
        match self {
            Form::Period(u) => match i32::try_from(key) {
                Ok(k) => Period::from_key(u, k).to_string(),
                Err(_) => key.to_string(),
            },
            Form::Step => key.to_string(),
        }
    }
}

/// Reads a label: a period in any spelling the period parser takes, or a step number (digits,
/// other than four, which are a year).
fn parse_label(s: &str) -> Result<(Form, i64), PeriodError> {
    let t = s.trim();
    if !t.is_empty()
        && t.len() != 4
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = t.parse::<i64>()
    {
        return Ok((Form::Step, n));
    }
    let p = Period::parse(t)?;
    Ok((Form::Period(p.unit()), i64::from(p.key())))
}

fn origin(p: &Point) -> String {
    match p.line {
        Some(l) => format!("line {l}: "),
        None => String::new(),
    }
}

/// The series sorted by period on one grain, gaps filled; labels, values, grain, notes.
type Prepared = (
    Vec<String>,
    Vec<f64>,
    Grain,
    Vec<String>,
    Box<dyn Fn(i64) -> String>,
);

fn prepare(points: &[Point]) -> Result<Prepared, String> {
    let mut parsed: Vec<(Form, i64, &Point)> = Vec::with_capacity(points.len());
    for p in points {
        let (form, key) = parse_label(&p.period).map_err(|e| {
            format!(
                "{}{}",
                origin(p),
                e.message_with(Some("a step number as 17"))
            )
        })?;
        if let Some((f0, _, p0)) = parsed.first()
            && *f0 != form
        {
            let at = |p: &Point| p.line.map_or(String::new(), |l| format!(" (line {l})"));
            return Err(format!(
                "{}`{}` is {}, but `{}`{} is {}; expected periods of one length",
                origin(p),
                p.period.trim(),
                form.described(),
                p0.period.trim(),
                at(p0),
                f0.described()
            ));
        }
        if !p.value.is_finite() {
            return Err(format!(
                "{}period {}: expected a finite number, found {}",
                origin(p),
                p.period,
                p.value
            ));
        }
        parsed.push((form, key, p));
    }
    parsed.sort_by_key(|(_, k, _)| *k);
    let Some(&(form, first, _)) = parsed.first() else {
        return Err("expected at least 4 values to forecast, found 0".into());
    };
    // Dates: months when a month or more apart, else weeks or days by the smallest gap.
    let firsts = parsed
        .iter()
        .all(|(_, d, _)| civil_from_days(*d as i32).2 == 1);
    let gap = parsed
        .windows(2)
        .map(|w| w[1].1 - w[0].1)
        .filter(|g| *g > 0)
        .min()
        .unwrap_or(1);
    let date = form == Form::Period(Unit::Day);
    let (grain, step): (Grain, i64) = match form {
        Form::Period(Unit::Week) => (Grain::Week, 1),
        Form::Period(Unit::Month) => (Grain::Month, 1),
        Form::Period(Unit::Quarter) => (Grain::Quarter, 1),
        Form::Period(Unit::Year) => (Grain::Year, 1),
        Form::Step => (Grain::Step, 1),
        Form::Period(Unit::Day) if gap >= 28 => (Grain::Month, 0),
        Form::Period(Unit::Day) if gap % 7 == 0 => (Grain::Week, 7),
        Form::Period(Unit::Day) => (Grain::Day, 1),
    };
    // Positions on the grain.
    let month_of = |d: i64| {
        let (y, m, _) = civil_from_days(d as i32);
        i64::from(y) * 12 + i64::from(m) - 1
    };
    let position = |key: i64| -> i64 {
        if date && grain == Grain::Month {
            month_of(key)
        } else {
            key.div_euclid(step.max(1))
        }
    };
    for w in parsed.windows(2) {
        if position(w[0].1) == position(w[1].1) {
            let at = |p: &Point| p.line.map_or(String::new(), |l| format!(" (line {l})"));
            return Err(format!(
                "period {} appears twice: `{}`{} and `{}`{}; expected one value per period",
                w[0].2.period,
                w[0].2.period,
                at(w[0].2),
                w[1].2.period,
                at(w[1].2)
            ));
        }
    }
    let base = position(first);
    let label: Box<dyn Fn(i64) -> String> = match (date, grain) {
        (false, _) => Box::new(move |k: i64| form.label(k)),
        (true, Grain::Month) => Box::new(move |k: i64| {
            let (y, m) = (k.div_euclid(12), k.rem_euclid(12) + 1);
            if firsts {
                format!("{y:04}-{m:02}-01")
            } else {
                format!("{y:04}-{m:02}")
            }
        }),
        (true, _) => {
            let phase = first.rem_euclid(step.max(1));
            let step = step.max(1);
            Box::new(move |k: i64| form.label(k * step + phase))
        }
    };
    if date && grain != Grain::Month {
        // Every date on the same weekday (weeks).
        if let Some((_, _, p)) = parsed
            .iter()
            .find(|(_, d, _)| (d - first).rem_euclid(step.max(1)) != 0)
        {
            return Err(format!(
                "{}expected a date {} days after the others (weekly periods), found `{}`",
                origin(p),
                step,
                p.period
            ));
        }
    }
    let last = position(parsed[parsed.len() - 1].1);
    let span = usize::try_from((last - base).saturating_add(1)).unwrap_or(usize::MAX);
    let missing = span - parsed.len();
    if missing > 0 && missing > span / 4 {
        return Err(format!(
            "{missing} of {span} periods from {} to {} have no value; expected at most a quarter missing to fill them in",
            parsed[0].2.period,
            parsed[parsed.len() - 1].2.period
        ));
    }
    let mut labels = Vec::with_capacity(span);
    let mut values = Vec::with_capacity(span);
    let mut filled = Vec::new();
    for w in 0..parsed.len() {
        let (_, key, p) = parsed[w];
        let at = position(key);
        if w > 0 {
            let prev_at = position(parsed[w - 1].1);
            let prev_v = parsed[w - 1].2.value;
            for q in prev_at + 1..at {
                let t = (q - prev_at) as f64 / (at - prev_at) as f64;
                labels.push(label(q));
                values.push(prev_v + t * (p.value - prev_v));
                filled.push(label(q));
            }
        }
        labels.push(form.label(key));
        values.push(p.value);
    }
    let mut notes = Vec::new();
    if !filled.is_empty() {
        notes.push(format!(
            "{} period(s) had no value and were filled by linear interpolation between their neighbours: {}",
            filled.len(),
            filled.join(", ")
        ));
    }
    let next = Box::new(move |h: i64| label(last + h));
    Ok((labels, values, grain, notes, next))
}

/// `8 months`, `5 quarters`, `6 values` (steps).
fn counted(n: usize, grain: Grain) -> String {
    match (grain, n) {
        (Grain::Step, 1) => "1 value".into(),
        (Grain::Step, _) => format!("{n} values"),
        (g, 1) => format!("1 {}", g.name()),
        (g, _) => format!("{n} {}s", g.name()),
    }
}

/// Seasonal naive with drift: each period as the same period of the last season, plus the
/// average change from one season to the next (when there are two seasons) per season ahead.
struct Snaive {
    m: usize,
    last_season: Vec<f64>,
    drift: f64,
    sigma: f64,
    /// Season-on-season changes the drift is the mean of (0 without a drift).
    changes: f64,
    /// Degrees of freedom of `sigma`.
    dof: f64,
}

fn snaive(y: &[f64], m: usize) -> Option<Snaive> {
    let n = y.len();
    if m < 2 || n < m {
        return None;
    }
    // Season-on-season changes.
    let changes: Vec<f64> = (m..n).map(|t| y[t] - y[t - m]).collect();
    let drift = if n >= 2 * m {
        changes.iter().sum::<f64>() / changes.len() as f64
    } else {
        0.0
    };
    let resid: Vec<f64> = changes.iter().map(|c| c - drift).collect();
    let dof = (resid.len() as f64 - if n >= 2 * m { 1.0 } else { 0.0 }).max(1.0);
    // One season only: no change seen, no spread (used for the holdout's point forecasts).
    let sigma = (resid.iter().map(|r| r * r).sum::<f64>() / dof).sqrt();
    Some(Snaive {
        m,
        last_season: y[n - m..].to_vec(),
        drift,
        sigma,
        changes: if n >= 2 * m {
            changes.len() as f64
        } else {
            0.0
        },
        dof,
    })
}

impl Snaive {
    fn mean(&self, h: usize) -> f64 {
        let k = (h - 1) / self.m + 1;
        self.last_season[(h - 1) % self.m] + k as f64 * self.drift
    }

    /// The spread `k` seasons ahead: `sigma sqrt(k)`, and with a drift estimated from `T`
    /// changes `sigma sqrt(k (1 + k/T))` (the drift's own uncertainty; Hyndman &
    /// Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., 5.5).
    fn sd(&self, h: usize) -> f64 {
        let k = ((h - 1) / self.m + 1) as f64;
        let drift = if self.changes > 0.0 {
            1.0 + k / self.changes
        } else {
            1.0
        };
        self.sigma * (k * drift).sqrt()
    }

    /// The probability of reaching `t` `h` periods ahead (falling to it when `down`), under
    /// the t distribution of its spread.
    fn chance(&self, h: usize, t: f64, down: bool) -> f64 {
        let (mu, sd) = (self.mean(h), self.sd(h));
        let up = if sd > 0.0 {
            1.0 - ets::t_cdf((t - mu) / sd, self.dof)
        } else if mu >= t {
            1.0
        } else {
            0.0
        };
        if down { 1.0 - up } else { up }
    }
}

/// The longest horizon, in periods.
pub const MAX_HORIZON: usize = 1200;

fn mae(actual: &[f64], predicted: &[f64]) -> f64 {
    actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).abs())
        .sum::<f64>()
        / actual.len().max(1) as f64
}

/// The model a series is forecast with, as [`report`] chooses it: the ETS model of least AICc
/// (seasonal with `m`), then, on a short series (under three seasons) that took no season, a
/// holdout of its last season against seasonal naive with drift, which replaces the ETS model
/// when it forecasts that season better.
struct Choice {
    fit: Fit,
    use_snaive: Option<Snaive>,
    holdout: Option<Holdout>,
    chosen_by: String,
    notes: Vec<String>,
}

fn choose(y: &[f64], m: Option<usize>) -> Result<Choice, String> {
    let n = y.len();
    let mut notes = Vec::new();
    let fit = ets::auto(y, m).map_err(|e| e.to_string())?;
    let mut chosen_by = "AICc among the admissible ETS models".to_string();
    let mut use_snaive: Option<Snaive> = None;
    let mut holdout = None;
    // On short series (under three seasons) a season ETS did not take is put to a test.
    if let Some(m) = m
        && fit.spec.season == SeasonKind::N
        && n < 3 * m
    {
        if n < 2 * m {
            notes.push(format!(
                "seasonal ETS models need two full seasons ({} values), found {n}: not admissible",
                2 * m
            ));
        } else {
            notes.push(format!(
                "seasonal ETS models were fitted but rejected by AICc in favour of {}",
                fit.spec.name()
            ));
        }
        // The last season held out, when what precedes it holds a season (and 4 values).
        let h0 = m.min(n.saturating_sub(m));
        if h0 >= 1 && n - h0 >= m.max(4) {
            let train = &y[..n - h0];
            let test = &y[n - h0..];
            // The means only: the intervals (simulated, for some models) are not compared.
            let ets_pred = ets::auto(train, Some(m)).map(|f| ets::point_forecast(&f, h0));
            let sn_pred = snaive(train, m).map(|s| (1..=h0).map(|h| s.mean(h)).collect::<Vec<_>>());
            if let (Ok(e), Some(s)) = (ets_pred, sn_pred) {
                let (e_mae, s_mae) = (mae(test, &e), mae(test, &s));
                holdout = Some(Holdout {
                    periods: h0,
                    ets_mae: crate::catalogue::round_to(e_mae, 4),
                    seasonal_naive_mae: crate::catalogue::round_to(s_mae, 4),
                });
                if s_mae < e_mae {
                    use_snaive = snaive(y, m);
                    chosen_by = format!(
                        "holdout of the last {h0} periods: seasonal naive with drift, mean absolute error {s_mae:.2} against {e_mae:.2} for ETS"
                    );
                } else {
                    chosen_by = format!(
                        "AICc among the ETS models, then a holdout of the last {h0} periods: mean absolute error {e_mae:.2} against {s_mae:.2} for seasonal naive with drift"
                    );
                }
            }
        } else {
            notes.push(format!(
                "too few values ({n}) to compare a seasonal naive method on a held-out season of {m}"
            ));
        }
    }
    Ok(Choice {
        fit,
        use_snaive,
        holdout,
        chosen_by,
        notes,
    })
}

/// For goal tracking: the probability that a monthly series (`values`, one a month, the last
/// the latest) reaches `target` `steps` months after its last value (falls to it when `down`),
/// and the model's name: [`report`]'s forecast of the same months, so that a goal's chance is
/// the one its KPI's page and the forecast route give (the same model choice, seasonal naive
/// included). From a short history the name says how much data it had. `None` when the series
/// cannot be forecast.
pub fn goal_probability(
    values: &[f64],
    steps: usize,
    target: f64,
    down: bool,
) -> Option<(f64, String)> {
    let n = values.len();
    if n == 0 || values.iter().any(|v| !v.is_finite()) || !target.is_finite() {
        return None;
    }
    // As `report` takes a monthly series: its season once it holds a season and 4 values more.
    let m = Some(12).filter(|&m| n >= m + 4);
    let c = choose(values, m).ok()?;
    let h = steps.clamp(1, MAX_HORIZON);
    // The step read only, as `report` works it out for every step.
    let (p, model) = match &c.use_snaive {
        Some(s) => (
            s.chance(h, target, down),
            "seasonal naive with drift".to_string(),
        ),
        None => ets::chance_at(&c.fit, values, h, target, down),
    };
    let (p, words) = ets::goal_words(p, model, n);
    // As the report writes a probability.
    Some((crate::catalogue::round_to(p, 4), words))
}

/// Builds the forecast report of a series (in any order) for both front doors.
pub fn report(points: &[Point], req: &Request) -> Result<ForecastReport, String> {
    if !(1..=MAX_HORIZON).contains(&req.horizon) {
        return Err(format!(
            "horizon: expected 1 to {MAX_HORIZON} periods, found {}",
            req.horizon
        ));
    }
    if let Some(t) = req.target.filter(|t| !t.is_finite()) {
        return Err(format!("target: expected a number, found {t}"));
    }
    let (periods, y, grain, mut notes, next) = prepare(points)?;
    let n = y.len();
    // The grain's season by default, once the data hold a season and a few values more.
    let m = req
        .season
        .or(grain.season().filter(|&m| n >= m + 4))
        .filter(|&m| m >= 2);
    let Choice {
        fit,
        use_snaive,
        holdout,
        chosen_by,
        notes: chosen,
    } = choose(&y, m)?;
    notes.extend(chosen);
    let h = req.horizon;
    let forecast_periods: Vec<String> = (1..=h as i64).map(&next).collect();
    let target_period = forecast_periods.last().cloned().unwrap_or_default();
    let r = |v: f64| crate::catalogue::round_to(v, 4);
    let rv = |v: Vec<f64>| v.into_iter().map(r).collect::<Vec<f64>>();
    // A short history: how much data the range rests on, and how sure a probability can be.
    let short = |notes: &mut Vec<String>, dof: f64, floor: &str| {
        if n < ets::SHORT_SERIES {
            notes.push(format!(
                "from {} of data; a longer history would narrow this: the range allows for the model being estimated from so few values (Student-t quantiles with {dof} degrees of freedom{floor})",
                counted(n, grain)
            ));
        }
    };
    let bounded = |notes: &mut Vec<String>, p: f64| -> f64 {
        let (q, how) = ets::bounded(p, n);
        if !how.is_empty() {
            notes.push(format!(
                "the probability of reaching the target is from {} of data{how}",
                counted(n, grain)
            ));
        }
        q
    };
    let report = match use_snaive {
        Some(s) => {
            let mean: Vec<f64> = (1..=h).map(|k| s.mean(k)).collect();
            let (q80, q95) = (ets::t_quantile(0.9, s.dof), ets::t_quantile(0.975, s.dof));
            let band = |z: f64, sign: f64| -> Vec<f64> {
                (1..=h).map(|k| s.mean(k) + sign * z * s.sd(k)).collect()
            };
            short(&mut notes, s.dof, "");
            let target = req.target.map(|t| {
                let p = bounded(&mut notes, s.chance(h, t, req.down));
                Target {
                    value: t,
                    direction: if req.down { "down" } else { "up" },
                    period: target_period.clone(),
                    probability: r(p),
                }
            });
            ForecastReport {
                kpi: req.kpi.clone(),
                model: "seasonal naive with drift".into(),
                method: "seasonal_naive",
                chosen_by,
                granularity: grain.name(),
                season: m,
                forecast_periods,
                mean: rv(mean),
                lower_80: rv(band(q80, -1.0)),
                upper_80: rv(band(q80, 1.0)),
                lower_95: rv(band(q95, -1.0)),
                upper_95: rv(band(q95, 1.0)),
                aicc: None,
                simulated: false,
                fit: None,
                periods,
                history: y,
                holdout,
                target,
                notes,
                partial_periods: Vec::new(),
            }
        }
        None => {
            let fc = ets::predictive(&fit, &y, h);
            let floor = match ets::floor_weight(n) {
                w if w >= 1.0 => {
                    ", and never narrower than a random walk with drift's range".into()
                }
                w => format!(
                    ", and never narrower than {:.0}% of a random walk with drift's range",
                    w * 100.0
                ),
            };
            short(&mut notes, fit.dof(), &floor);
            let target = req.target.map(|t| {
                let p = if req.down {
                    ets::probability_at_most(&fc, h, t)
                } else {
                    ets::probability_at_least(&fc, h, t)
                };
                Target {
                    value: t,
                    direction: if req.down { "down" } else { "up" },
                    period: target_period.clone(),
                    probability: r(bounded(&mut notes, p)),
                }
            });
            ForecastReport {
                kpi: req.kpi.clone(),
                model: fc.model.clone(),
                method: "ets",
                chosen_by,
                granularity: grain.name(),
                season: m,
                forecast_periods,
                mean: rv(fc.mean),
                lower_80: rv(fc.lower_80),
                upper_80: rv(fc.upper_80),
                lower_95: rv(fc.lower_95),
                upper_95: rv(fc.upper_95),
                aicc: Some(r(fc.aicc)),
                simulated: fc.simulated,
                fit: Some(fit),
                periods,
                history: y,
                holdout,
                target,
                notes,
                partial_periods: Vec::new(),
            }
        }
    };
    Ok(report)
}
