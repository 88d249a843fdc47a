//! The operations of Sextant's two front doors: every computation a person can ask for of a
//! plan, called the same way by the CLI (`sextant analyze`, `roadmap`, `simulate`, `compare`,
//! `report`) and by the web server (its API routes, its jobs and its pages), with typed
//! results. The front doors only read their input (files and flags, or the database and query
//! parameters) and render the result (text, JSON, HTML); what is computed, in which order and
//! with which defaults is decided here once, so the two cannot drift apart.
//!
//! Work here is CPU-bound and synchronous: the server runs it on its CPU budget
//! (`sextant_web::work`), the CLI on the calling thread. Long operations take a way to stop
//! (`sextant_roadmap::Stop` in the search options, a `proceed` test between stages) and report
//! progress as running totals.
//!
//! The metrics, forecasts and customer lifetime values have their one implementation in the
//! libraries already (`sextant_ingest::batch::compute`, `sextant_metrics::forecast::report`,
//! `sextant_metrics::clv::report` over `sextant_ingest::clv::orders`), which both doors call.

pub mod advice;
pub mod budget;
pub mod summary;
pub mod what_if;
pub mod workbook;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use sextant_core::{Analysis, Plan};
use sextant_ingest::batch::Imported;
use sextant_roadmap::report::{FrontierPoint, Roadmap};
pub use sextant_roadmap::report::{Kept, Misfit};
use sextant_roadmap::scenario::Comparison;
use sextant_roadmap::simulate::{self as sim, SimOptions, Simulation, Which};
use sextant_roadmap::solve::{self, SolveStatus};
use sextant_roadmap::{Adjust, Instance, Objective};

/// A plan's analysis with the KPI series it was made from.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// The analysis: the JSON of `sextant analyze --format json` and of the API's analysis.
    pub analysis: Analysis,
    /// Each measured KPI's monthly series (the plan's measurements, then the data sets'
    /// metrics for the months they cover).
    pub series: sextant_core::kpi::Series,
    /// The months the imported data cover only in part, left out of the series computed from
    /// them ([`sextant_ingest::batch::kpi_series_and_partial`]).
    pub partial: Vec<sextant_core::model::Month>,
}

/// Analyses a plan with the KPI series of its measurements and of the imported data sets
/// (`data`, when there are any), forecasting each goal's chance of reaching its target from
/// its KPI's series.
pub fn analyse(plan: &Plan, data: Option<&Imported>) -> Analysed {
    let (series, partial) = sextant_ingest::batch::kpi_series_and_partial(Some(plan), data);
    let forecaster = sextant_ingest::batch::goal_forecast;
    let analysis = sextant_core::analyze_with(plan, &series, Some(&forecaster));
    Analysed {
        analysis,
        series,
        partial,
    }
}

/// What roadmap to search for.
#[derive(Debug, Clone)]
pub struct RoadmapRequest {
    /// What the search maximises.
    pub objective: Objective,
    /// The search's limits (time, gap) and its stop request.
    pub options: solve::Options,
    /// Every budget multiplied by this first (a what-if; 1 is the plan's own).
    pub budget_factor: f64,
    /// Also the efficient frontier at this many budget levels.
    pub frontier: Option<usize>,
}

impl Default for RoadmapRequest {
    fn default() -> Self {
        RoadmapRequest {
            objective: Objective::Npv,
            options: solve::Options::default(),
            budget_factor: 1.0,
            frontier: None,
        }
    }
}

/// The optimised roadmap and, when asked for, its efficient frontier: the JSON of
/// `sextant roadmap --format json` and of the API's roadmap (the roadmap's fields, plus
/// `frontier` when there is one).
#[derive(Debug, Clone, Serialize)]
pub struct RoadmapReport {
    /// The roadmap.
    #[serde(flatten)]
    pub roadmap: Roadmap,
    /// The efficient frontier, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontier: Option<Vec<FrontierPoint>>,
}

/// Optimises the plan's roadmap and, when asked and `proceed` still says so after it, the
/// efficient frontier.
pub fn roadmap(plan: &Plan, req: &RoadmapRequest, proceed: &dyn Fn() -> bool) -> RoadmapReport {
    let adjust = Adjust {
        budget_factor: req.budget_factor,
        ..Adjust::default()
    };
    let (roadmap, frontier) = sextant_roadmap::report::roadmap_and_frontier(
        plan,
        req.objective,
        &req.options,
        &adjust,
        req.frontier,
        proceed,
    );
    RoadmapReport { roadmap, frontier }
}

/// The roadmap `req` asks for from one searched before (`kept`: a roadmap's JSON read back),
/// checked against the plan by [`sextant_roadmap::report::reuse`] instead of searched again,
/// and, when asked and `proceed` still says so, the efficient frontier (searched).
pub fn reuse_roadmap(
    plan: &Plan,
    req: &RoadmapRequest,
    kept: &Kept,
    proceed: &dyn Fn() -> bool,
) -> Result<RoadmapReport, Misfit> {
    let adjust = Adjust {
        budget_factor: req.budget_factor,
        ..Adjust::default()
    };
    let roadmap = sextant_roadmap::report::reuse(plan, req.objective, &adjust, kept)?;
    let frontier = req.frontier.filter(|_| proceed()).map(|levels| {
        sextant_roadmap::report::frontier(
            plan,
            req.objective,
            levels,
            &sextant_roadmap::report::frontier_options(&req.options, levels),
        )
    });
    Ok(RoadmapReport { roadmap, frontier })
}

/// Compares the plan's scenarios: each re-optimised, and the base schedule replayed under it.
pub fn compare(plan: &Plan, objective: Objective, options: &solve::Options) -> Comparison {
    sextant_roadmap::scenario::compare(plan, objective, options)
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateRequest {
    /// The objective of the optimised schedule's search.
    pub objective: Objective,
    /// Which schedule the trials draw around.
    pub schedule: Which,
    /// The optimised schedule's search limits and stop request.
    pub options: solve::Options,
    /// Trials, seed and distribution.
    pub trials: SimOptions,
}

impl Default for SimulateRequest {
    fn default() -> Self {
        SimulateRequest {
            objective: Objective::Npv,
            schedule: Which::Optimised,
            options: solve::Options::default(),
            trials: SimOptions {
                trials: 10_000,
                seed: 1,
                shape: sim::Shape::Pert,
            },
        }
    }
}

/// Why a simulation was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSimulated {
    /// The roadmap has no schedule to draw around (its status).
    NoSchedule(SolveStatus),
    /// `proceed` said to stop after the schedule's search.
    Stopped,
}

/// Monte Carlo on the plan's schedule (the optimised roadmap, searched first, or the plan's
/// own starts); the trials start only if `proceed` still says so after the search. `progress`
/// is told the running total of trials done as each chunk of trials ends (not each chunk's own
/// count).
pub fn simulate(
    plan: &Plan,
    req: &SimulateRequest,
    proceed: &dyn Fn() -> bool,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Simulation, NotSimulated> {
    let inst = Instance::from_plan(plan, req.objective, &Adjust::default());
    let scheduled = sim::schedule(plan, &inst, req.schedule, &req.options);
    if !proceed() {
        return Err(NotSimulated::Stopped);
    }
    let starts = scheduled.map_err(NotSimulated::NoSchedule)?;
    let model = sim::Model::new(plan, &inst, &starts);
    run_trials(&model, &req.trials, &req.options.stop, progress).ok_or(NotSimulated::Stopped)
}

/// The trials a summary or a pack draws: 10,000, seed 1, PERT, as `sextant simulate`'s
/// defaults, so that the chance of losing money they state is the one `simulate` gives.
pub const PACK_TRIALS: SimOptions = SimOptions {
    trials: 10_000,
    seed: 1,
    shape: sim::Shape::Pert,
};

/// Monte Carlo on a roadmap already searched, its schedule as it stands: what [`simulate`]
/// does after its search, for a page or a pack that has the roadmap and need not search
/// again. `None` when `stop` was requested before the trials all ran, or when the roadmap has
/// no schedule.
pub fn simulate_roadmap(
    plan: &Plan,
    roadmap: &Roadmap,
    trials: &SimOptions,
    stop: &sextant_roadmap::Stop,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Simulation> {
    if !matches!(roadmap.status, SolveStatus::Optimal | SolveStatus::Feasible) {
        return None;
    }
    let inst = Instance::from_plan(plan, roadmap.objective_kind, &Adjust::default());
    let starts: Vec<Option<u32>> = inst
        .items
        .iter()
        .map(|item| {
            roadmap
                .schedule
                .iter()
                .find(|s| s.id == item.id)
                .map(|s| s.start_month)
        })
        .collect();
    let model = sim::Model::new(plan, &inst, &starts);
    run_trials(&model, trials, stop, progress)
}

/// One initiative's own simulation: the initiative alone, starting at month `start`, with only
/// its own quantified risks (the plan's other risks do not belong in its business case).
/// `None` when the plan has no initiative `id`.
pub fn simulate_initiative(
    plan: &Plan,
    id: &str,
    start: u32,
    trials: &SimOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Simulation> {
    let inst = Instance::from_plan(plan, Objective::Npv, &Adjust::default());
    let k = inst.items.iter().position(|x| x.id == id)?;
    let mut starts = vec![None; inst.items.len()];
    starts[k] = Some(start);
    let mut model = sim::Model::new(plan, &inst, &starts);
    model.keep_risks_of(id);
    run_trials(&model, trials, &sextant_roadmap::Stop::never(), progress)
}

/// The trials, with the chunks' counts turned into a running total; `None` when `stop` was
/// requested before they all ran.
fn run_trials(
    model: &sim::Model,
    trials: &SimOptions,
    stop: &sextant_roadmap::Stop,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Simulation> {
    let done = AtomicUsize::new(0);
    sim::simulate_until(model, trials, stop, &|chunk| {
        let d = done.fetch_add(chunk, Ordering::Relaxed) + chunk;
        progress(d);
    })
}

/// A KPI's monthly values forecast `horizon` months ahead (with an optional season length and
/// target), as the forecast route answers; the KPI page draws the same.
pub fn forecast_series(
    kpi: &str,
    values: &std::collections::BTreeMap<sextant_core::model::Month, f64>,
    horizon: usize,
    season: Option<usize>,
    target: Option<f64>,
    down: bool,
) -> Result<sextant_metrics::forecast::ForecastReport, String> {
    use sextant_metrics::forecast::{Point, Request};
    let points: Vec<Point> = values
        .iter()
        .map(|(m, v)| Point {
            period: m.to_string(),
            value: *v,
            line: None,
        })
        .collect();
    let req = Request {
        kpi: Some(kpi.to_string()),
        horizon,
        season,
        target,
        down,
    };
    let mut r = sextant_metrics::forecast::report(&points, &req)?;
    // A standard metric's forecast stays within the values it can take (no satisfaction of
    // 110%, no negative orders), the mean and both intervals alike.
    if let Some((lo, hi)) = sextant_core::catalogue::natural_range(kpi) {
        for v in [
            &mut r.mean,
            &mut r.lower_80,
            &mut r.upper_80,
            &mut r.lower_95,
            &mut r.upper_95,
        ] {
            for x in v.iter_mut() {
                *x = x.clamp(lo, hi);
            }
        }
    }
    Ok(r)
}

/// How far ahead a goal's KPI is forecast: to the goal's due month from the last figure, or a
/// year when it has none (or it has passed), at most ten years; the KPI page and the pack alike.
pub fn forecast_horizon(
    due: Option<sextant_core::model::Month>,
    last: Option<sextant_core::model::Month>,
) -> usize {
    match (due, last) {
        (Some(due), Some(last)) if due.since(last) >= 1 => due.since(last) as usize,
        _ => 12,
    }
    .min(120)
}
