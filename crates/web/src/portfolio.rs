//! The consultant's portfolio: for each organisation the caller is a member of, its health
//! (`sextant_core::health`: security, devices, goals, reviews, roadmap, 0 to 100) and the
//! figures it is made from, each flag with the page that explains it; sorted by what needs
//! attention (the lowest score first), with totals across clients. The pages' `/portfolio` and
//! the API's `GET /api/v1/portfolio` show the same.
//!
//! Each organisation's figures are kept under the fingerprint of its inputs (plan version, which
//! every change beside the plan also moves, and its data sets) and the day: a second view of
//! unchanged clients reads one fingerprint each and nothing else.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sextant_core::asset;
use sextant_core::health::{self, Goals, Health, Review, Roadmap};
use sextant_core::kpi::Standing;
use sextant_core::model::Date;
use sextant_roadmap::solve::SolveStatus;
use sextant_store::{Organization, Paging, Role, Scope, Section, User};
use tokio::task::JoinSet;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Query};

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/portfolio", get(portfolio))
}

/// Organisations worked out at once.
const AT_ONCE: usize = 4;

/// Months ahead in which an end of warranty or support counts.
pub const AHEAD_MONTHS: u32 = 6;

/// A client's latest assessment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentSummary {
    /// Its id (its page is `/orgs/{org}/assessments/{id}`).
    pub id: String,
    /// The standard's title.
    pub standard: String,
    /// Its day.
    pub date: Option<String>,
    /// Overall score, 0 to 1 (over the controls answered).
    pub score: Option<f64>,
    /// The change from the previous assessment of the same standard.
    pub change: Option<f64>,
}

/// A client's devices.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Devices {
    /// Assets in the register.
    pub total: u32,
    /// Out of warranty or without security updates today.
    pub now: u32,
    /// Out of warranty or support within the next 6 months (or already).
    pub within_6_months: u32,
}

/// Something that needs attention, and the page that explains it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Flag {
    /// In words.
    pub what: String,
    /// The page (path) that explains it.
    pub link: String,
}

/// A client's health score on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// 0 to 100.
    pub score: i64,
}

/// Health scores kept for each client's history.
const HISTORY: usize = 12;

/// The client's answers to what its reviews proposed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct Answers {
    /// Changes and budgets approved (the latest answer about each, over every review).
    pub approved: u32,
    /// Declined.
    pub declined: u32,
    /// Changes proposed on the roadmap (candidates or planned) that no answer names yet.
    pub waiting: u32,
}

/// One client's row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Client {
    /// The organisation's slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The caller's role in it.
    pub role: String,
    /// 0 to 100 and its parts.
    #[schema(value_type = Object)]
    pub health: Health,
    /// The latest assessment.
    pub assessment: Option<AssessmentSummary>,
    /// The devices.
    pub devices: Devices,
    /// The goals.
    #[schema(value_type = Object)]
    pub goals: Goals,
    /// The next review (`None` when none was held).
    #[schema(value_type = Object)]
    pub review: Option<Review>,
    /// The last review's day.
    pub last_review: Option<String>,
    /// The client's answers to what its reviews proposed.
    pub answers: Answers,
    /// Actions agreed at reviews, not done, whose due day has passed.
    pub actions_overdue: u32,
    /// The assigned consultant ({id, email, name}), if any.
    #[schema(value_type = Object)]
    pub consultant: Option<sextant_store::Consultant>,
    /// The health scores recorded on the days the portfolio was looked at (the last 12, up
    /// to the day looked from), oldest first: `{day, score}`.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<HealthDay>,
    /// The roadmap: `optimal`, `gap`, `infeasible` or `none`.
    #[schema(value_type = String)]
    pub roadmap: Roadmap,
    /// What technology costs in the next fiscal year on the optimised roadmap (the budget's
    /// total), in `currency`.
    pub budget_next_year: Option<f64>,
    /// The plan's currency.
    pub currency: Option<String>,
    /// What needs attention, most urgent first.
    pub flags: Vec<Flag>,
}

/// Totals across clients.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Totals {
    /// Clients.
    pub clients: u32,
    /// The mean health score.
    pub mean_score: f64,
    /// Clients under 50.
    pub under_50: u32,
    /// Goals off track or missed.
    pub goals_off_track: u32,
    /// Devices out of warranty or support within 6 months (or already).
    pub devices_attention: u32,
    /// Reviews overdue or never held.
    pub reviews_due: u32,
    /// Actions agreed at reviews and overdue.
    pub actions_overdue: u32,
    /// Roadmaps that meet no schedule.
    pub roadmaps_infeasible: u32,
    /// The next fiscal year's budgets, by currency.
    pub budget_next_year: BTreeMap<String, f64>,
}

/// The portfolio.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Portfolio {
    /// The day it was worked out for.
    pub as_of: String,
    /// Clients, what needs attention first (lowest score, then name).
    pub clients: Vec<Client>,
    /// Totals.
    pub totals: Totals,
}

/// An organisation's row with the fingerprint of its inputs and the day it was made for.
type Kept = (sextant_store::Fingerprint, Date, Arc<Client>);

/// Each organisation's row under the fingerprint of its inputs and the day.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<i64, Kept>>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("portfolio::Cache")
    }
}

fn goals_of(a: &sextant_core::Analysis) -> Goals {
    let mut g = Goals {
        total: a.goal_status.len() as u32,
        ..Goals::default()
    };
    for s in &a.goal_status {
        match s.status {
            Standing::Achieved | Standing::OnTrack => g.on_track += 1,
            Standing::AtRisk => g.at_risk += 1,
            Standing::OffTrack | Standing::Missed => g.off_track += 1,
            _ => g.not_measured += 1,
        }
    }
    g
}

/// One organisation's row, worked out (or read from the cache) for `day`.
async fn client(
    state: &AppState,
    scope: &Scope,
    org: &Organization,
    role: Role,
    day: Date,
) -> ApiResult<Arc<Client>> {
    let fp = state.store.fingerprint(scope).await?;
    if let Ok(map) = state.clients.0.lock()
        && let Some((f, d, c)) = map.get(&fp.org)
        && *f == fp
        && *d == day
    {
        let mut c = (**c).clone();
        c.role = role.as_str().to_string();
        return Ok(Arc::new(c));
    }
    let slug = &org.slug;
    let link = |rest: &str| format!("/orgs/{slug}/{rest}");
    let mut flags: Vec<Flag> = Vec::new();

    // Assessments: the latest scored, and the change from the one before of its standard.
    let mut scored: Vec<(String, String, String, Option<f64>)> = Vec::new();
    let mut started = None;
    for e in state
        .store
        .all_entities(scope, Section::Assessments)
        .await?
    {
        let Ok(a) = serde_json::from_value::<sextant_store::Assessment>(e.body) else {
            continue;
        };
        let Ok((standard, answers)) = a.read() else {
            continue;
        };
        let s = sextant_core::standard::score(standard, &answers);
        if s.overall.score.is_none() {
            // Started, nothing answered yet: the last scored one still stands.
            started = Some(a.id.clone());
            continue;
        }
        scored.push((
            a.id.clone(),
            standard.id.clone(),
            a.date.clone().unwrap_or_default(),
            s.overall.score,
        ));
    }
    scored.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
    let assessment = scored.last().map(|(id, std, date, score)| {
        let before = scored
            .iter()
            .rev()
            .skip(1)
            .find(|x| &x.1 == std)
            .and_then(|x| x.3);
        AssessmentSummary {
            id: id.clone(),
            standard: sextant_core::standard::shipped()
                .iter()
                .find(|s| &s.id == std)
                .map_or(std.clone(), |s| s.title.clone()),
            date: (!date.is_empty()).then(|| date.clone()),
            score: *score,
            change: score.zip(before).map(|(a, b)| a - b),
        }
    });
    match (&assessment, started) {
        (None, Some(id)) => flags.push(Flag {
            what: "An assessment is started, nothing answered yet".into(),
            link: link(&format!("assessments/{id}")),
        }),
        (None, None) => flags.push(Flag {
            what: "Never assessed against a standard".into(),
            link: link("assessments"),
        }),
        (Some(a), _) if a.change.is_some_and(|c| c < -0.005) => flags.push(Flag {
            what: format!(
                "Assessment score fell {} points",
                (a.change.unwrap_or(0.0) * -100.0).round()
            ),
            link: link(&format!("assessments/{}", a.id)),
        }),
        _ => {}
    }

    // Devices: out of warranty or support today, and by the same day 6 months on (whatever
    // the policy's warning months, so that every client is measured alike).
    let (list, lc, _) = crate::assets::worked_out(state, scope, day, 1).await?;
    let horizon = asset::plus_months(day, AHEAD_MONTHS as i32);
    let by = |a: &sextant_core::asset::Asset, s: &sextant_core::asset::Standing, on: Date| {
        a.warranty_end.is_some_and(|w| w < on) || s.support.as_ref().is_some_and(|x| x.ends < on)
    };
    let pairs = || list.iter().zip(&lc.assets);
    let devices = Devices {
        total: lc.totals.assets,
        now: pairs().filter(|(a, s)| by(a, s, day)).count() as u32,
        within_6_months: pairs().filter(|(a, s)| by(a, s, horizon)).count() as u32,
    };
    if devices.total == 0 {
        flags.push(Flag {
            what: "No asset list".into(),
            link: link("assets"),
        });
    } else if devices.within_6_months > 0 {
        flags.push(Flag {
            what: format!(
                "{} of {} devices out of warranty or support within 6 months",
                devices.within_6_months, devices.total
            ),
            link: link("assets"),
        });
    }

    // Reviews: the last held on or before the day, and the actions overdue.
    let meetings: Vec<sextant_core::review::Meeting> = crate::reviews::all_reviews(state, scope)
        .await?
        .iter()
        .filter_map(|(_, r)| r.meeting())
        .collect();
    let last_held = meetings
        .iter()
        .filter(|m| m.date <= day)
        .max_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let last_review = last_held.map(|m| m.date);
    let actions_overdue = sextant_core::review::open_actions(&meetings, day)
        .iter()
        .filter(|a| a.overdue)
        .count() as u32;

    // The plan: goals, the roadmap, the budget.
    let analysed = crate::ui::compute::analysed_in(state, scope).await?;
    let mut answers = Answers::default();
    for (_, a) in sextant_core::review::standing_answers(&meetings) {
        match a.verdict {
            sextant_core::review::Verdict::Approved => answers.approved += 1,
            sextant_core::review::Verdict::Declined => answers.declined += 1,
        }
    }
    let answers_link = last_held.map_or_else(
        || link("reviews"),
        |m| link(&format!("reviews/{}#answers", m.id)),
    );
    let (goals, roadmap, budget_next_year, currency, review) = match &analysed {
        None => {
            flags.push(Flag {
                what: "No plan yet".into(),
                link: link("start"),
            });
            (Goals::default(), Roadmap::None, None, None, None)
        }
        Some(a) => {
            let org_doc = &a.plan.doc().organization;
            let review = last_review.map(|l| {
                health::next_review(
                    Some(l),
                    day,
                    org_doc.fiscal_year_start,
                    org_doc.review_every(),
                )
            });
            let planned =
                crate::ui::compute::roadmap_in(state, scope, a.plan.clone(), 1.0, None).await?;
            let roadmap = match planned.roadmap.status {
                SolveStatus::Optimal => Roadmap::Optimal,
                SolveStatus::Feasible => Roadmap::Gap,
                SolveStatus::Infeasible => Roadmap::Infeasible,
                SolveStatus::Unknown => Roadmap::Unknown,
            };
            answers.waiting = planned
                .roadmap
                .schedule
                .iter()
                .filter(|e| {
                    a.plan.doc().initiatives.iter().any(|x| {
                        x.id.as_str() == e.id
                            && matches!(
                                x.status,
                                sextant_core::model::Status::Candidate
                                    | sextant_core::model::Status::Planned
                            )
                    }) && !meetings
                        .iter()
                        .flat_map(|m| &m.answers)
                        .any(|x| x.initiative.as_deref() == Some(e.id.as_str()))
                })
                .count() as u32;
            let due = sextant_ops::budget::replacements(&a.plan, &planned.roadmap, &lc);
            let b = sextant_ops::budget::budget(&a.plan, &planned.roadmap, 3, &due);
            let next_fy = sextant_core::model::BudgetPeriod::year_of(
                day.month().plus(12),
                org_doc.fiscal_year_start,
            )
            .to_string();
            let budget = b
                .years
                .iter()
                .find(|y| y.period == next_fy)
                .map(|y| y.total);
            (
                goals_of(&a.analysis),
                roadmap,
                budget,
                Some(org_doc.currency.clone()),
                review,
            )
        }
    };
    if goals.off_track > 0 {
        flags.push(Flag {
            what: format!(
                "{} {} off track",
                goals.off_track,
                if goals.off_track == 1 {
                    "goal"
                } else {
                    "goals"
                }
            ),
            link: link("goals"),
        });
    }
    match review {
        None if analysed.is_some() => flags.push(Flag {
            what: "No review held yet".into(),
            link: link("reviews"),
        }),
        Some(Review::Overdue { by }) => flags.push(Flag {
            what: format!("Review overdue since {}", asset::long_date(by)),
            link: link("reviews"),
        }),
        _ => {}
    }
    if actions_overdue > 0 {
        flags.push(Flag {
            what: if actions_overdue == 1 {
                "1 action agreed at a review is overdue".to_string()
            } else {
                format!("{actions_overdue} actions agreed at reviews are overdue")
            },
            link: link("reviews#open-actions"),
        });
    }
    if answers.declined > 0 {
        flags.push(Flag {
            what: if answers.declined == 1 {
                "The client declined 1 proposal".to_string()
            } else {
                format!("The client declined {} proposals", answers.declined)
            },
            link: answers_link.clone(),
        });
    }
    if answers.waiting > 0 && last_review.is_some() {
        flags.push(Flag {
            what: if answers.waiting == 1 {
                "1 change waits for the client's answer".to_string()
            } else {
                format!("{} changes wait for the client's answer", answers.waiting)
            },
            link: answers_link,
        });
    }
    if roadmap == Roadmap::Infeasible {
        flags.push(Flag {
            what: "No roadmap meets the plan's budget and limits".into(),
            link: link("roadmap"),
        });
    }
    let health = health::health(&health::Inputs {
        assessment: assessment.as_ref().and_then(|a| a.score),
        assets: (devices.total, devices.within_6_months),
        goals,
        review,
        roadmap,
    });
    let c = Arc::new(Client {
        slug: slug.clone(),
        name: org.name.clone(),
        role: role.as_str().to_string(),
        health,
        assessment,
        devices,
        goals,
        review,
        last_review: last_review.map(|d| d.to_string()),
        answers,
        actions_overdue,
        consultant: None,
        history: Vec::new(),
        roadmap,
        budget_next_year,
        currency,
        flags,
    });
    if let Ok(mut map) = state.clients.0.lock() {
        map.insert(fp.org, (fp, day, c.clone()));
    }
    Ok(c)
}

/// The row of a client that could not be worked out: scored 0, with why.
fn failed(org: &Organization, role: Role, e: ApiError) -> Client {
    let why = match e {
        ApiError::Internal(m) => {
            tracing::error!(org = %org.slug, error = %m, "portfolio: a client could not be worked out");
            "it could not be worked out; the server's log has the details".to_string()
        }
        other => other.detail(),
    };
    Client {
        slug: org.slug.clone(),
        name: org.name.clone(),
        role: role.as_str().to_string(),
        health: health::health(&health::Inputs {
            assessment: None,
            assets: (0, 0),
            goals: Goals::default(),
            review: None,
            roadmap: Roadmap::None,
        }),
        assessment: None,
        devices: Devices::default(),
        goals: Goals::default(),
        review: None,
        last_review: None,
        answers: Answers::default(),
        actions_overdue: 0,
        consultant: None,
        history: Vec::new(),
        roadmap: Roadmap::None,
        budget_next_year: None,
        currency: None,
        flags: vec![Flag {
            what: format!("Not worked out: {why}"),
            link: format!("/orgs/{}", org.slug),
        }],
    }
}

/// The portfolio of `user` on `day`: every organisation they are a member of.
pub async fn portfolio_of(state: &AppState, user: &User, day: Date) -> ApiResult<Portfolio> {
    portfolio_for(state, user, day, None).await
}

/// [`portfolio_of`], only the clients assigned to the consultant `consultant` (an e-mail
/// address, or `me` for `user`) when it is given.
pub async fn portfolio_for(
    state: &AppState,
    user: &User,
    day: Date,
    consultant: Option<&str>,
) -> ApiResult<Portfolio> {
    let orgs = state
        .store
        .orgs_of(user, Paging::new(None, Some(500)))
        .await?
        .items;
    let mut out: Vec<Option<Arc<Client>>> = (0..orgs.len()).map(|_| None).collect();
    let mut scopes: Vec<Option<sextant_store::Scope>> = (0..orgs.len()).map(|_| None).collect();
    let mut set = JoinSet::new();
    let mut next = 0;
    while next < orgs.len() || !set.is_empty() {
        while next < orgs.len() && set.len() < AT_ONCE {
            let (o, role) = orgs[next].clone();
            let (state, user, i) = (state.clone(), user.clone(), next);
            set.spawn(async move {
                let scope = state.store.scope(&user, &o.slug).await?;
                // One client that cannot be worked out is shown as such; the rest still are.
                let c = match client(&state, &scope, &o, role, day).await {
                    Ok(c) => c,
                    Err(e) => Arc::new(failed(&o, role, e)),
                };
                ApiResult::Ok((i, c, scope))
            });
            next += 1;
        }
        match set.join_next().await {
            Some(Ok(Ok((i, c, scope)))) => {
                out[i] = Some(c);
                scopes[i] = Some(scope);
            }
            Some(Ok(Err(e))) => return Err(e),
            Some(Err(e)) => return Err(ApiError::Internal(format!("portfolio task: {e}"))),
            None => {}
        }
    }
    // Who looks after a client, its name and its score's history change without changing its
    // figures: read for the whole portfolio at once, each time.
    let consultants = state.store.consultants_for(user).await?;
    let mut histories = state
        .store
        .health_histories_for(user, i64::from(day.days()), HISTORY)
        .await?;
    // The day's scores are kept for the history, in one write for those not yet kept as they
    // are (a look from today only: a look from another day uses today's figures).
    if crate::ui::today_date().is_some_and(|t| t == day) {
        let today = i64::from(day.days());
        let mut fresh: Vec<(&sextant_store::Scope, i64)> = Vec::new();
        for (c, s) in out.iter().zip(&scopes) {
            let (Some(c), Some(s)) = (c, s) else { continue };
            if c.flags.iter().any(|f| f.what.starts_with("Not worked out")) {
                continue;
            }
            let score = i64::from(c.health.score);
            let kept = histories
                .get(&s.org_id())
                .and_then(|h| h.last())
                .is_some_and(|p| p.day == today && p.score == score);
            if !kept {
                fresh.push((s, score));
            }
        }
        state.store.record_health_many(&fresh, today).await?;
        for (s, score) in fresh {
            let h = histories.entry(s.org_id()).or_default();
            if h.last().is_some_and(|p| p.day == today) {
                h.pop();
            }
            h.push(sextant_store::HealthPoint { day: today, score });
            let cut = h.len().saturating_sub(HISTORY);
            h.drain(..cut);
        }
    }
    let ids: HashMap<&str, (i64, &str)> = orgs
        .iter()
        .map(|(o, _)| (o.slug.as_str(), (o.id, o.name.as_str())))
        .collect();
    let clients: Vec<Client> = out
        .into_iter()
        .flatten()
        .map(|c| {
            let mut c = (*c).clone();
            if let Some((id, name)) = ids.get(c.slug.as_str()) {
                c.name = (*name).to_string();
                c.consultant = consultants.get(id).cloned();
                c.history = histories
                    .remove(id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| HealthDay {
                        day: Date::from_days(p.day as i32).to_string(),
                        score: p.score,
                    })
                    .collect();
            }
            c
        })
        .collect();
    Ok(Portfolio::of(day.to_string(), clients).of_consultant(user, consultant))
}

impl Portfolio {
    /// The portfolio of `clients` on `as_of`: the lowest score first, with totals.
    fn of(as_of: String, mut clients: Vec<Client>) -> Portfolio {
        clients.sort_by(|a, b| {
            a.health
                .score
                .cmp(&b.health.score)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        let mut t = Totals {
            clients: clients.len() as u32,
            ..Totals::default()
        };
        for c in &clients {
            t.mean_score += f64::from(c.health.score);
            t.under_50 += u32::from(c.health.score < 50);
            t.goals_off_track += c.goals.off_track;
            t.actions_overdue += c.actions_overdue;
            t.devices_attention += c.devices.within_6_months;
            t.reviews_due +=
                u32::from(c.review.is_none_or(Review::overdue) && c.currency.is_some());
            t.roadmaps_infeasible += u32::from(c.roadmap == Roadmap::Infeasible);
            if let (Some(b), Some(cur)) = (c.budget_next_year, &c.currency) {
                *t.budget_next_year.entry(cur.clone()).or_default() += b;
            }
        }
        if !clients.is_empty() {
            t.mean_score = (t.mean_score / clients.len() as f64 * 10.0).round() / 10.0;
        }
        Portfolio {
            as_of,
            clients,
            totals: t,
        }
    }

    /// Only the clients assigned to `consultant` (an e-mail address, or `me` for `user`), with
    /// their totals; all of them when it is `None` or empty.
    pub fn of_consultant(self, user: &User, consultant: Option<&str>) -> Portfolio {
        let Some(wanted) = consultant
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| if c == "me" { user.email.as_str() } else { c }.to_lowercase())
        else {
            return self;
        };
        let clients = self
            .clients
            .into_iter()
            .filter(|c| {
                c.consultant
                    .as_ref()
                    .is_some_and(|k| k.email.to_lowercase() == wanted)
            })
            .collect();
        Portfolio::of(self.as_of, clients)
    }
}

/// The day to look from.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
// Read by `crate::extract::Query`, which the OpenAPI generator does not know for a query.
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// `YYYY-MM-DD` (default: today).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Only the clients assigned to this consultant: an e-mail address, or `me`.
    #[serde(default)]
    pub consultant: Option<String>,
}

/// The day `as_of` names, or today.
pub fn day_of(as_of: Option<&str>) -> ApiResult<Date> {
    match as_of.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(crate::ui::today_date().unwrap_or_else(|| Date::from_days(0))),
        Some(s) => Date::parse(s).ok_or_else(|| {
            ApiError::field(
                "as_of",
                format!(
                    "expected a date as YYYY-MM-DD, found `{}`",
                    s.chars().take(40).collect::<String>()
                ),
            )
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/portfolio", tag = "organisations",
    params(AsOf),
    responses((status = 200, description = "Every organisation the caller is a member of, what needs attention first: its health score (0 to 100: security 25, devices 20, goals 25, reviews 15, roadmap 15, each with its reason), latest assessment and its change, devices out of warranty or support within 6 months, goals by standing, the next or overdue review, the roadmap's status, next fiscal year's budget, and each flag with the page that explains it; with totals", body = Portfolio),
              (status = 422, body = crate::error::Problem)))]
async fn portfolio(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AsOf>,
) -> ApiResult<axum::Json<Portfolio>> {
    let day = day_of(q.as_of.as_deref())?;
    Ok(axum::Json(
        portfolio_for(&state, &caller.user, day, q.consultant.as_deref()).await?,
    ))
}
