//! What the pages compute, through the same library calls as the API's analysis routes (and
//! the CLI): the plan's analysis with its KPI series from the uploaded data, and the roadmap.
//! The work runs on the analysis pool ([`crate::work::Work`]) like the API's. An analysis is
//! kept per organisation under the database's fingerprint of its inputs (plan version, data
//! sets), as the API's cache does, so that moving between pages and the portfolio of many
//! clients do not analyse an unchanged plan again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sextant_core::{Analysis, Plan};
use sextant_roadmap::solve;

use super::{OrgPage, PageError};
use crate::AppState;
use crate::error::ApiError;

/// A plan with its analysis and the KPI series it was made with.
pub struct Analysed {
    /// The plan.
    pub plan: Arc<Plan>,
    /// Its analysis (as `sextant analyze`).
    pub analysis: Analysis,
    /// Each measured KPI's monthly series (from the plan's measurements and the data sets).
    pub series: sextant_core::kpi::Series,
    /// The months the imported data cover only in part, left out of the series computed from
    /// them (a KPI's page says so).
    pub partial: Vec<sextant_core::model::Month>,
}

impl Analysed {
    fn new(plan: Arc<Plan>, done: sextant_ops::Analysed) -> Analysed {
        Analysed {
            plan,
            analysis: done.analysis,
            series: done.series,
            partial: done.partial,
        }
    }
}

/// The analyses made for pages, by organisation, with the fingerprint of their inputs: safely
/// recomputed, so another instance never needs them (the fingerprint is read from the
/// database on every request, and a change on any instance changes it).
#[derive(Default)]
pub struct Cache(Mutex<HashMap<i64, (sextant_store::Fingerprint, Arc<Analysed>)>>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("compute::Cache")
    }
}

/// [`analysed`], or the page `title` of `section` saying the organisation has no plan yet
/// (as [`OrgPage::require_plan`] answers).
pub async fn require_analysed(
    state: &AppState,
    org: &OrgPage,
    title: &str,
    section: super::Section,
) -> Result<Arc<Analysed>, PageError> {
    analysed(state, org)
        .await?
        .ok_or_else(|| org.no_plan_page(title, section))
}

/// The organisation's plan and its analysis, or `None` when no plan is stored.
pub async fn analysed(state: &AppState, org: &OrgPage) -> Result<Option<Arc<Analysed>>, PageError> {
    Ok(analysed_in(state, &org.scope).await?)
}

/// [`analysed`] for a caller's scope (the pages' and the API's portfolio).
pub async fn analysed_in(
    state: &AppState,
    scope: &sextant_store::Scope,
) -> Result<Option<Arc<Analysed>>, ApiError> {
    let fp = state.store.fingerprint(scope).await?;
    if let Ok(map) = state.analysed.0.lock()
        && let Some((f, a)) = map.get(&fp.org)
        && *f == fp
    {
        return Ok(Some(a.clone()));
    }
    let Some(plan) = state.store.plan(scope).await? else {
        return Ok(None);
    };
    let data = crate::analysis::imported(state, scope, fp).await?;
    let p = plan.clone();
    let done = state
        .work
        .run(scope.org_id(), 1, move |_| -> Result<_, ApiError> {
            Ok(sextant_ops::analyse(&p, data.as_deref()))
        })
        .await?;
    let a = Arc::new(Analysed::new(plan, done));
    if let Ok(mut map) = state.analysed.0.lock() {
        map.insert(fp.org, (fp, a.clone()));
    }
    Ok(Some(a))
}

/// The longest a page waits for the roadmap's search, in seconds.
pub const PAGE_TIME_LIMIT: f64 = 10.0;

/// A roadmap and, when asked for, its efficient frontier.
pub type Planned = sextant_ops::RoadmapReport;

/// The roadmaps made for pages, by organisation, budget factor and frontier levels, with the
/// fingerprint of their inputs; an organisation's older ones go when its inputs change.
#[derive(Default)]
pub struct Roadmaps(Mutex<HashMap<RoadmapKey, (sextant_store::Fingerprint, Arc<Planned>)>>);

/// A page roadmap's organisation, budget factor (its bits) and frontier levels.
type RoadmapKey = (i64, u64, Option<usize>);

impl std::fmt::Debug for Roadmaps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("compute::Roadmaps")
    }
}

/// Budget factors kept per organisation (a slider's positions).
const ROADMAPS_PER_ORG: usize = 8;

/// The organisation's optimised roadmap with every budget multiplied by `budget_factor`, and
/// its efficient frontier at `frontier` budget levels: the same call as the API's roadmap,
/// kept while the plan does not change.
pub async fn roadmap(
    state: &AppState,
    org: &OrgPage,
    plan: Arc<Plan>,
    budget_factor: f64,
    frontier: Option<usize>,
) -> Result<Arc<Planned>, PageError> {
    Ok(roadmap_in(state, &org.scope, plan, budget_factor, frontier).await?)
}

/// What the kept roadmaps are searched for: the roadmap's defaults (NPV), a page's time limit,
/// every budget multiplied by `budget_factor`, and the frontier at `frontier` levels.
pub fn kept_request(budget_factor: f64, frontier: Option<usize>) -> sextant_ops::RoadmapRequest {
    sextant_ops::RoadmapRequest {
        options: solve::Options {
            time_limit: std::time::Duration::from_secs_f64(PAGE_TIME_LIMIT),
            ..solve::Options::default()
        },
        budget_factor,
        frontier,
        ..sextant_ops::RoadmapRequest::default()
    }
}

/// The roadmap kept for the organisation's current inputs with every budget multiplied by
/// `budget_factor` and its frontier at `frontier` levels, if there is one, with the
/// fingerprint of those inputs (under which to [`keep`] one searched now).
pub async fn kept(
    state: &AppState,
    scope: &sextant_store::Scope,
    budget_factor: f64,
    frontier: Option<usize>,
) -> Result<(sextant_store::Fingerprint, Option<Arc<Planned>>), ApiError> {
    let fp = state.store.fingerprint(scope).await?;
    let key = (fp.org, budget_factor.to_bits(), frontier);
    let found = state.roadmaps.0.lock().ok().and_then(|map| {
        map.get(&key)
            .filter(|(f, _)| *f == fp)
            .map(|(_, r)| r.clone())
    });
    Ok((fp, found))
}

/// Keeps `planned`, searched for [`kept_request`]`(budget_factor, frontier)` on the inputs of
/// fingerprint `fp`; the organisation's roadmaps of older inputs go.
pub fn keep(
    state: &AppState,
    fp: sextant_store::Fingerprint,
    budget_factor: f64,
    frontier: Option<usize>,
    planned: Arc<Planned>,
) {
    let key = (fp.org, budget_factor.to_bits(), frontier);
    if let Ok(mut map) = state.roadmaps.0.lock() {
        map.retain(|k, (f, _)| k.0 != fp.org || *f == fp);
        if map.keys().filter(|k| k.0 == fp.org).count() >= ROADMAPS_PER_ORG {
            map.retain(|k, _| k.0 != fp.org);
        }
        map.insert(key, (fp, planned));
    }
}

/// [`roadmap`] for a caller's scope (the pages' and the API's portfolio).
pub async fn roadmap_in(
    state: &AppState,
    scope: &sextant_store::Scope,
    plan: Arc<Plan>,
    budget_factor: f64,
    frontier: Option<usize>,
) -> Result<Arc<Planned>, ApiError> {
    let (fp, found) = kept(state, scope, budget_factor, frontier).await?;
    if let Some(r) = found {
        return Ok(r);
    }
    let req = kept_request(budget_factor, frontier);
    let planned = state
        .work
        .run(scope.org_id(), 1, move |cancel| -> Result<_, ApiError> {
            let req = sextant_ops::RoadmapRequest {
                options: solve::Options {
                    stop: cancel.stop(),
                    ..req.options.clone()
                },
                ..req.clone()
            };
            Ok(sextant_ops::roadmap(&plan, &req, &|| {
                !cancel.is_cancelled()
            }))
        })
        .await?;
    let planned = Arc::new(planned);
    keep(state, fp, budget_factor, frontier, planned.clone());
    Ok(planned)
}
