//! The executive summary: one page an owner who is not technical reads before a review, made
//! from the plan's analysis, its optimised roadmap, the budget on that roadmap, the Monte Carlo
//! simulation of it, and the agenda of the next review (the reviews held, their actions and
//! snapshots, the KPIs that moved, the assessments and the asset register's warnings).
//!
//! What the plan does for each goal, what it costs this year and next, the chance it loses
//! money, at most three decisions the owner is asked to take, what changed since the last
//! review and what is at risk: plain sentences, money rounded as people write it
//! ([`rounded_money`]), months in words, and a term such as net present value only with its
//! meaning beside it. Deterministic: the same inputs give the same text, and each figure is
//! kept in [`Figures`] exactly as the analysis, the roadmap, the budget and the simulation
//! give it, so that the pages, the pack and the tests can check one against the other.

use serde::Serialize;
use sextant_core::Analysis;
use sextant_core::Plan;
use sextant_core::calendar::month_words;
use sextant_core::kpi::Standing;
use sextant_core::model::{BudgetPeriod, Date, Status};
use sextant_core::review::{About, Agenda, Answer, Meeting, Topic, Verdict, latest_answer};
use sextant_core::unit::{Measure, chance, percent, rounded_money};
use sextant_roadmap::report::Roadmap;
use sextant_roadmap::simulate::Simulation;
use sextant_roadmap::solve::{Reason, SolveStatus};

use crate::budget::{Budget, BudgetRow};

/// The most decisions the summary asks for.
pub const DECISIONS: usize = 3;
/// The most KPIs listed under what changed.
const KPIS_SHOWN: usize = 4;
/// The most risks of the register listed.
const RISKS_SHOWN: usize = 3;
/// A chance of overrunning a budget the summary mentions from.
const OVERRUN_MENTIONED: f64 = 0.05;

/// One sentence, with the page that explains it (relative to the organisation: `goals`,
/// `roadmap`, `initiatives/crm`, `goals/reach`, `budget`, `reviews/q3`, `kpis/revenue`, `risks`, `assets`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The sentence.
    pub text: String,
    /// The page to open for it.
    pub link: String,
}

impl Line {
    /// The page its link opens, as a button names it: `the roadmap`, `this goal`.
    pub fn opens(&self) -> &'static str {
        let (head, rest) = self.link.split_once('/').unwrap_or((&self.link, ""));
        match (head, rest.is_empty()) {
            ("roadmap", _) => "the roadmap",
            ("initiatives", true) => "the changes",
            ("initiatives", false) => "this change",
            ("goals", true) => "the goals",
            ("goals", false) => "this goal",
            ("kpis", _) => "this measure",
            ("budget", _) => "the budget",
            ("reviews", true) => "the reviews",
            ("reviews", false) => "this review",
            ("risks", _) => "the risks",
            ("assets", _) => "the assets",
            ("assessments", _) => "this assessment",
            ("suggestions", _) => "the suggestions",
            ("scenarios", _) => "the scenarios",
            _ => "the page",
        }
    }

    fn new(text: impl Into<String>, link: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            link: link.into(),
        }
    }
}

/// One fiscal year's money, as the budget gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearFigures {
    /// The fiscal year (`2027`).
    pub period: String,
    /// Everything technology costs in it.
    pub total: f64,
    /// One-time costs and replacements.
    pub capital: f64,
    /// Running costs.
    pub operating: f64,
    /// The changes' one-time costs.
    pub one_time: f64,
    /// The plan's budget for the changes, if it sets one.
    pub budget: Option<f64>,
}

/// One goal's figures, as the analysis gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalFigures {
    /// The goal's id.
    pub goal: String,
    /// Its standing.
    pub standing: Standing,
    /// The chance of reaching its target by its date.
    pub chance: Option<f64>,
    /// The scheduled changes that serve it (ids).
    pub served_by: Vec<String>,
}

/// Every figure the sentences state, unrounded, from the analysis, the roadmap, the budget and
/// the simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The plan's currency.
    pub currency: String,
    /// The roadmap's status.
    pub status: SolveStatus,
    /// Changes on the roadmap.
    pub changes: usize,
    /// Their one-time costs (the roadmap's implementation costs).
    pub one_time_cost: f64,
    /// Their running costs a year once live.
    pub recurring_cost_annual: f64,
    /// What they bring or save a year once live.
    pub benefit_annual: f64,
    /// The roadmap's net present value.
    pub npv: f64,
    /// Years the value is counted over.
    pub evaluation_years: f64,
    /// The discount rate a year.
    pub discount_rate: f64,
    /// This fiscal year and the next, from the budget.
    pub years: Vec<YearFigures>,
    /// The chance the roadmap loses money (its simulated NPV below 0).
    pub chance_of_loss: Option<f64>,
    /// The simulation's trials.
    pub trials: Option<usize>,
    /// The simulated NPV's 10th and 90th percentiles.
    pub npv_range: Option<(f64, f64)>,
    /// The chance some period's spend on changes overruns its budget.
    pub chance_over_budget: Option<f64>,
    /// Each goal's standing.
    pub goals: Vec<GoalFigures>,
    /// The scenario that costs the plan the most value, if one loses any.
    pub worst_scenario: Option<WorstFigures>,
}

/// The scenario that costs the plan the most value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstFigures {
    /// Its name.
    pub name: String,
    /// The value of the best roadmap under it.
    pub npv: f64,
    /// That value less the plan's own.
    pub against_plan: f64,
}

/// The executive summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The business.
    pub organisation: String,
    /// The day it was prepared on.
    pub prepared: Date,
    /// What the plan does, in two or three sentences.
    pub overview: Vec<Line>,
    /// What the plan does for each goal, in the plan's order.
    pub goals: Vec<Line>,
    /// What technology costs this fiscal year and next.
    pub costs: Vec<Line>,
    /// The chance the plan loses money, when simulated.
    pub loss: Option<Line>,
    /// The decisions the owner is asked to take (at most three).
    pub decisions: Vec<Line>,
    /// What changed since the last review.
    pub changes: Vec<Line>,
    /// What is at risk.
    pub risks: Vec<Line>,
    /// The figures the sentences state.
    pub figures: Figures,
}

/// What the summary is made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Its analysis (with the goals' forecasts).
    pub analysis: &'a Analysis,
    /// Its optimised roadmap.
    pub roadmap: &'a Roadmap,
    /// The budget on that roadmap.
    pub budget: &'a Budget,
    /// The simulation of that roadmap, if run.
    pub simulation: Option<&'a Simulation>,
    /// The agenda of the next review, prepared on the same day.
    pub agenda: &'a Agenda,
    /// The reviews held.
    pub meetings: &'a [Meeting],
    /// The plan's scenarios in words (empty when it has none).
    pub what_if: &'a [crate::what_if::WhatIf],
}

/// What a summary (and a review pack) is made from besides the plan's analysis and roadmap:
/// the organisation's reviews, assessments and asset register, on a day.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The day.
    pub today: Date,
    /// The reviews held.
    pub meetings: &'a [Meeting],
    /// Scored assessments, by id.
    pub assessments: &'a [(String, sextant_core::standard::Scored)],
    /// The asset register's lifecycle, when there are assets.
    pub lifecycle: Option<&'a sextant_core::asset::Lifecycle>,
}

/// A summary with what it was made from: the budget (3 fiscal years, with the register's
/// replacements), the simulation of the roadmap and the agenda of the next review.
#[derive(Debug, Clone)]
pub struct Summarised {
    /// The budget on the roadmap.
    pub budget: Budget,
    /// The simulation of the roadmap ([`crate::PACK_TRIALS`]), when it has a schedule and
    /// `stop` was not requested.
    pub simulation: Option<Simulation>,
    /// The agenda of the next review.
    pub agenda: Agenda,
    /// The plan's scenarios beside it ([`crate::what_if::comparison`]), when it has any and
    /// `stop` was not requested.
    pub comparison: Option<sextant_roadmap::scenario::Comparison>,
    /// The scenarios in words, from `comparison`.
    pub what_if: Vec<crate::what_if::WhatIf>,
    /// The summary.
    pub summary: Summary,
}

/// The budget a summary states: 3 fiscal years of `roadmap`, with the asset register's
/// replacements when there is one.
pub fn budget_of(
    plan: &Plan,
    roadmap: &Roadmap,
    lifecycle: Option<&sextant_core::asset::Lifecycle>,
) -> Budget {
    let due = lifecycle
        .map(|lc| crate::budget::replacements(plan, roadmap, lc))
        .unwrap_or_default();
    crate::budget::budget(plan, roadmap, 3, &due)
}

/// The budget, the simulation, the agenda and the summary of `analysed` on `roadmap`, the one
/// computation the CLI, the server and the pack share.
pub fn summarise(
    plan: &Plan,
    analysis: &Analysis,
    series: &sextant_core::kpi::Series,
    roadmap: &Roadmap,
    c: &Context,
    stop: &sextant_roadmap::Stop,
) -> Summarised {
    let budget = budget_of(plan, roadmap, c.lifecycle);
    let simulation = crate::simulate_roadmap(plan, roadmap, &crate::PACK_TRIALS, stop, &|_| {});
    let agenda = sextant_core::review::agenda(&sextant_core::review::Inputs {
        today: c.today,
        doc: Some(plan.doc()),
        analysis: Some(analysis),
        series: Some(series),
        meetings: c.meetings,
        assessments: c.assessments,
        lifecycle: c.lifecycle,
    });
    let comparison = crate::what_if::comparison(plan, stop).filter(|_| !stop.requested());
    let what_if = comparison
        .as_ref()
        .map(|c| crate::what_if::what_if(plan, c))
        .unwrap_or_default();
    let summary = summary(&Inputs {
        plan,
        analysis,
        roadmap,
        budget: &budget,
        simulation: simulation.as_ref(),
        agenda: &agenda,
        meetings: c.meetings,
        what_if: &what_if,
    });
    Summarised {
        budget,
        simulation,
        agenda,
        comparison,
        what_if,
        summary,
    }
}

/// `items` joined as a sentence says them: `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The client's answers of a review in a sentence, with a space before it (empty when none):
/// " Approved: the till and the budget. Declined: the website (“not this year”)."
pub fn answers_sentence(plan: &Plan, answers: &[Answer]) -> String {
    let name = |a: &Answer| match (a.about, a.initiative.as_deref()) {
        (About::Budget, _) | (_, None) => "the budget".to_string(),
        (About::Initiative, Some(id)) => plan
            .doc()
            .initiatives
            .iter()
            .find(|x| x.id.as_str() == id)
            .map_or_else(|| id.to_string(), |x| x.title.clone()),
    };
    let mut out = String::new();
    for (v, word) in [
        (Verdict::Approved, "Approved"),
        (Verdict::Declined, "Declined"),
    ] {
        let names: Vec<String> = answers
            .iter()
            .filter(|a| a.verdict == v)
            .map(|a| {
                match a
                    .comment
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                {
                    Some(c) => format!("{} (“{}”)", name(a), c.trim_end_matches('.')),
                    None => name(a),
                }
            })
            .collect();
        if !names.is_empty() {
            out += &format!(" {word}: {}.", and_list(&names));
        }
    }
    out
}

/// What a client is shown when answering about initiative `id`, in a sentence, recorded with
/// the answer: its start on the roadmap and its costs ("Starts March 2027; $12,000 to set up,
/// then $1,200 a year."). `None` when the plan has no such initiative.
pub fn shown_initiative(plan: &Plan, roadmap: &Roadmap, id: &str) -> Option<String> {
    let x = plan
        .doc()
        .initiatives
        .iter()
        .find(|x| x.id.as_str() == id)?;
    let m = |v: f64| rounded_money(v, &plan.doc().organization.currency);
    let start = match roadmap.schedule.iter().find(|s| s.id == id) {
        Some(s) => format!(
            "Starts {}",
            month_words(plan.month_at(s.start_month as i32))
        ),
        None => "Not on the roadmap".to_string(),
    };
    let once = x.one_time_cost.likely();
    let yearly = x.recurring_cost_annual.likely();
    let mut text = if once > 0.0 {
        format!("{start}; {} to set up", m(once))
    } else {
        format!("{start}; no set-up cost")
    };
    if yearly > 0.0 {
        text += &format!(", then {} a year", m(yearly));
    }
    Some(text + ".")
}

/// What a client is shown when answering about the budget, in a sentence: this fiscal year's
/// and next year's costs as the summary states them ("2027: $4,040 ($3,000 one-time, $1,040
/// running); 2028: …"), from [`budget_of`] on `today`.
pub fn shown_budget(plan: &Plan, budget: &Budget, today: Date) -> String {
    let m = |v: f64| rounded_money(v, &plan.doc().organization.currency);
    let fiscal = plan.doc().organization.fiscal_year_start;
    let years: Vec<String> = two_years(&budget.years, today, fiscal)
        .iter()
        .map(|y| {
            format!(
                "{}: {} ({} one-time, {} running)",
                y.period,
                m(y.total),
                m(y.capital),
                m(y.operating)
            )
        })
        .collect();
    if years.is_empty() {
        "No cost in the years ahead.".into()
    } else {
        years.join("; ") + "."
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The fiscal year's name in a sentence: `2027`, or `the financial year 2027` when the year
/// does not start in January.
fn year_name(period: &str, fiscal_start: u32) -> String {
    if fiscal_start == 1 {
        period.to_string()
    } else {
        format!("the financial year {period}")
    }
}

/// This fiscal year and the next, from the budget: the first year not before `today`'s and
/// the one after (the first two when the plan ends before it).
fn two_years(rows: &[BudgetRow], today: Date, fiscal_start: u32) -> Vec<&BudgetRow> {
    let now = BudgetPeriod::year_of(today.month(), fiscal_start)
        .to_string()
        .parse::<i32>()
        .ok();
    let from = rows
        .iter()
        .position(|r| {
            r.period
                .parse::<i32>()
                .is_ok_and(|y| now.is_none_or(|n| y >= n))
        })
        .unwrap_or(0);
    rows.iter().skip(from).take(2).collect()
}

/// The executive summary of `i`, prepared on the agenda's day.
pub fn summary(i: &Inputs) -> Summary {
    let doc = i.plan.doc();
    let an = i.analysis;
    let cur = &an.organization.currency;
    let m = |x: f64| rounded_money(x, cur);
    let today = i.agenda.today;
    let title_of = |id: &str| {
        doc.initiatives
            .iter()
            .find(|x| x.id.as_str() == id)
            .map_or_else(|| id.to_string(), |x| x.title.clone())
    };
    let case_of = |id: &str| an.initiatives.iter().find(|x| x.id == id);
    let goal_title = |id: &str| {
        doc.goals
            .iter()
            .find(|g| g.id.as_str() == id)
            .map_or_else(|| id.to_string(), |g| g.title.clone())
    };
    let rm = i.roadmap;
    let scheduled = matches!(rm.status, SolveStatus::Optimal | SolveStatus::Feasible);
    let schedule: &[_] = if scheduled { &rm.schedule } else { &[] };

    // What the plan does.
    let one_time: f64 = schedule.iter().map(|s| s.cost).sum();
    let recurring: f64 = schedule
        .iter()
        .filter_map(|s| case_of(&s.id))
        .map(|c| c.case.recurring_cost_annual)
        .sum();
    let benefit: f64 = schedule
        .iter()
        .filter_map(|s| case_of(&s.id))
        .map(|c| c.case.benefit_annual)
        .sum();
    let evaluation_years = f64::from(an.organization.evaluation_months) / 12.0;
    let npv = if scheduled { rm.npv } else { 0.0 };
    let mut overview = Vec::new();
    if schedule.is_empty() {
        overview.push(Line::new(
            if scheduled {
                "The roadmap schedules no change: the roadmap page says why each one was left out.".to_string()
            } else {
                "No roadmap fits the plan's budgets and limits, so no change is scheduled yet. The roadmap page says which limit to loosen.".to_string()
            },
            "roadmap",
        ));
    } else {
        let first = schedule.iter().map(|s| s.start_month).min().unwrap_or(0);
        let last = schedule.iter().map(|s| s.end_month).max().unwrap_or(0);
        let first = month_words(i.plan.month_at(first as i32));
        let last = month_words(i.plan.month_at(last as i32));
        let mut text = format!(
            "The roadmap makes {} between {first} and {last}.",
            plural(schedule.len(), "change", "changes")
        );
        if rm.status == SolveStatus::Feasible
            && let Some(g) = rm.gap
        {
            text += &format!(
                " It is the best order found in the time allowed, within {} of the best possible.",
                percent(g, 1)
            );
        }
        overview.push(Line::new(text, "roadmap"));
        overview.push(Line::new(
            format!(
                "Together they cost {} to set up and {} a year to run, and are expected to bring in or save {} a year once live.",
                m(one_time),
                m(recurring),
                m(benefit)
            ),
            "initiatives",
        ));
        let years = sextant_core::unit::fixed(evaluation_years, 1, true);
        let meaning = format!(
            "counting money that comes later as worth less than money now, at {} a year (the net present value)",
            percent(an.organization.discount_rate, 1)
        );
        overview.push(Line::new(
            if npv >= 0.0 {
                format!(
                    "Over {years} years they are worth about {} more than they cost, {meaning}.",
                    m(npv)
                )
            } else {
                format!(
                    "Over {years} years they cost about {} more than they bring, {meaning}.",
                    m(-npv)
                )
            },
            "initiatives",
        ));
    }

    // What the plan does for each goal.
    let mut goals = Vec::new();
    let mut goal_figures = Vec::new();
    for g in &doc.goals {
        let served: Vec<&str> = schedule
            .iter()
            .filter(|s| {
                doc.initiatives
                    .iter()
                    .find(|x| x.id.as_str() == s.id)
                    .is_some_and(|x| x.contributes.iter().any(|(k, v)| k == &g.id && *v >= 1))
            })
            .map(|s| s.id.as_str())
            .collect();
        let status = an.goal_status.iter().find(|s| s.goal == g.id.as_str());
        let standing = status.map_or(Standing::NotMeasurable, |s| s.status);
        let probability = status.and_then(|s| s.probability);
        let helped = if served.is_empty() {
            "nothing on the roadmap helps it yet".to_string()
        } else {
            let names: Vec<String> = served.iter().map(|id| title_of(id)).collect();
            format!("helped by {}", and_list(&names))
        };
        let unit = g.kpi.as_deref().map_or_else(
            || Measure::of(sextant_core::unit::Unit::Number),
            |k| Measure::of_kpi(doc, k),
        );
        let target = g.target.map(|t| unit.format(t));
        let due = g.due.map(month_words);
        let course = match (standing, status) {
            (Standing::Achieved, Some(s)) => format!(
                "it is reached: {} against a target of {}",
                unit.format_opt(s.latest),
                target.clone().unwrap_or_default()
            ),
            (Standing::Missed, _) => format!(
                "its target of {} was due by {} and was not reached",
                target.clone().unwrap_or_default(),
                due.clone().unwrap_or_default()
            ),
            (Standing::NoData, _) => {
                "no figures are recorded for it yet, so its progress cannot be judged".to_string()
            }
            (Standing::NotMeasurable, _) => {
                "it has no measure, target or date, so its progress cannot be judged".to_string()
            }
            (s, _) => {
                let word = match s {
                    Standing::OnTrack => "on track",
                    Standing::AtRisk => "at risk",
                    _ => "off track",
                };
                match probability {
                    Some(p) => format!(
                        "it is {word}: on its present course it has {} of reaching {} by {}",
                        chance(p),
                        target.clone().unwrap_or_default(),
                        due.clone().unwrap_or_default()
                    ),
                    None => format!("it is {word}"),
                }
            }
        };
        let link = match standing {
            Standing::NoData | Standing::NotMeasurable => g
                .kpi
                .as_deref()
                .map_or_else(|| format!("goals/{}", g.id), |k| format!("kpis/{k}")),
            _ => format!("goals/{}", g.id),
        };
        goals.push(Line::new(format!("{}: {helped}; {course}.", g.title), link));
        goal_figures.push(GoalFigures {
            goal: g.id.to_string(),
            standing,
            chance: probability,
            served_by: served.iter().map(|s| s.to_string()).collect(),
        });
    }

    // What it costs this year and next.
    let fiscal = doc.organization.fiscal_year_start;
    let years = two_years(&i.budget.years, today, fiscal);
    let mut costs = Vec::new();
    for r in &years {
        let mut text = format!(
            "In {}, technology costs {}: {} to buy and set up (capital) and {} to run (operating).",
            year_name(&r.period, fiscal),
            m(r.total),
            m(r.capital),
            m(r.operating)
        );
        if let Some(b) = r.budget {
            if r.over_budget {
                text += &format!(
                    " The changes' set-up costs of {} are {} over the {} set aside for them.",
                    m(r.one_time),
                    m(r.one_time - b),
                    m(b)
                );
            } else {
                text += &format!(
                    " The changes' set-up costs of {} are within the {} set aside for them.",
                    m(r.one_time),
                    m(b)
                );
            }
        }
        costs.push(Line::new(text, "budget"));
    }

    // The chance it loses money.
    let sim = i.simulation.filter(|_| !schedule.is_empty());
    let loss = sim.map(|s| {
        Line::new(
            format!(
                "In {} simulated futures, where costs, benefits and timings vary within their estimates and the plan's risks may happen, the plan has {} of losing money. In 8 futures out of 10 it is worth between {} and {}.",
                sextant_core::unit::count(s.trials as f64),
                chance(s.p_npv_negative),
                m(s.npv.p10),
                m(s.npv.p90)
            ),
            "roadmap",
        )
    });

    // The decisions asked for, most pressing first.
    let mut decisions = Vec::new();
    // The last review held (the agenda's), where the owner answers what it proposed.
    let answer_at = i.agenda.last.as_ref();
    // The owner's standing answer about an initiative: approved or declined, either is
    // answered (a declined one is not asked again; it is raised below).
    let answered = |id: &str| latest_answer(i.meetings, About::Initiative, Some(id)).is_some();
    let open = |id: &str| {
        case_of(id).is_some_and(|c| matches!(c.status, Status::Candidate | Status::Planned))
            && !answered(id)
    };
    if let Some(first) = schedule
        .iter()
        .filter(|s| open(&s.id))
        .map(|s| s.start_month)
        .min()
    {
        let next: Vec<_> = schedule
            .iter()
            .filter(|s| open(&s.id) && s.start_month == first)
            .collect();
        let names: Vec<String> = next.iter().map(|s| s.title.clone()).collect();
        let cost: f64 = next.iter().map(|s| s.cost).sum();
        let link = match (answer_at, next.len()) {
            (Some(r), _) => format!("reviews/{}#answers", r.id),
            (None, 1) => format!("initiatives/{}", next[0].id),
            (None, _) => "roadmap".to_string(),
        };
        decisions.push(Line::new(
            format!(
                "Approve {}, due to start in {}: {} to set up.",
                and_list(&names),
                month_words(i.plan.month_at(first as i32)),
                m(cost)
            ),
            link,
        ));
    }
    // Declined, yet still on the roadmap: the owner's answer and the plan disagree.
    for s in schedule.iter().filter(|s| {
        case_of(&s.id).is_some_and(|c| matches!(c.status, Status::Candidate | Status::Planned))
    }) {
        if let Some((r, a)) = latest_answer(i.meetings, About::Initiative, Some(&s.id))
            && a.verdict == Verdict::Declined
        {
            decisions.push(Line::new(
                format!(
                    "{} was declined by {} on {}, but the roadmap still starts it in {}: take it out of the plan, or change it and propose it again.",
                    s.title,
                    a.by,
                    sextant_core::asset::long_date(a.on),
                    month_words(i.plan.month_at(s.start_month as i32)),
                ),
                format!("reviews/{}#answers", r.id),
            ));
        }
    }
    for r in years.iter().filter(|r| r.over_budget) {
        if let Some(b) = r.budget {
            decisions.push(Line::new(
                format!(
                    "Find {} more for changes in {}, or let the roadmap move some later.",
                    m(r.one_time - b),
                    year_name(&r.period, fiscal)
                ),
                "budget",
            ));
        }
    }
    for s in &an.goal_status {
        if matches!(s.status, Standing::OffTrack) && s.probability.is_some_and(|p| p < 0.1) {
            let g = doc.goals.iter().find(|g| g.id.as_str() == s.goal);
            let unit = s.kpi.as_deref().map_or_else(
                || Measure::of(sextant_core::unit::Unit::Number),
                |k| Measure::of_kpi(doc, k),
            );
            decisions.push(Line::new(
                format!(
                    "Decide whether the target of “{}” ({} by {}) still holds, or what more to do for it: on its present course it has {}.",
                    goal_title(&s.goal),
                    unit.format_opt(s.target),
                    g.and_then(|g| g.due).map_or_else(String::new, month_words),
                    chance(s.probability.unwrap_or(0.0))
                ),
                format!("goals/{}", s.goal),
            ));
        }
    }
    for x in rm
        .excluded
        .iter()
        .filter(|x| matches!(x.reason, Reason::Budget))
    {
        decisions.push(Line::new(
            format!(
                "Decide whether to fund {}: it was left out because the budget does not stretch to it ({}).",
                title_of(&x.id),
                x.detail
            ),
            format!("initiatives/{}", x.id),
        ));
    }
    let overdue: Vec<_> = i.agenda.actions.iter().filter(|a| a.overdue).collect();
    if let Some(o) = overdue.first() {
        decisions.push(Line::new(
            format!(
                "Settle {} from past reviews, the oldest “{}”.",
                plural(overdue.len(), "overdue action", "overdue actions"),
                o.action.title
            ),
            format!("reviews/{}", o.review),
        ));
    }
    for (g, f) in doc.goals.iter().zip(&goal_figures) {
        if f.served_by.is_empty() && scheduled {
            decisions.push(Line::new(
                format!(
                    "Choose a change for “{}”: nothing on the roadmap helps it.",
                    g.title
                ),
                "suggestions",
            ));
        }
    }
    decisions.truncate(DECISIONS);

    // What changed since the last review.
    let mut changes = Vec::new();
    let last = i.agenda.last.as_ref();
    match last {
        None => changes.push(Line::new(
            "No review has been held yet: this is the first.",
            "reviews",
        )),
        Some(l) => {
            let link = format!("reviews/{}", l.id);
            let mut text = format!(
                "The last review was on {} ({}).",
                sextant_core::asset::long_date(l.date),
                l.title
            );
            if let Some(meeting) = i.meetings.iter().find(|x| x.id == l.id) {
                let agreed = meeting.actions.len();
                if agreed > 0 {
                    let done = meeting
                        .actions
                        .iter()
                        .filter(|a| a.status == sextant_core::review::Status::Done)
                        .count();
                    text += &format!(
                        " {done} of the {} agreed there {} done.",
                        plural(agreed, "action", "actions"),
                        if done == 1 { "is" } else { "are" }
                    );
                }
                if !meeting.decisions.is_empty() {
                    let quoted: Vec<String> = meeting
                        .decisions
                        .iter()
                        .map(|d| format!("“{}”", d.trim_end_matches('.')))
                        .collect();
                    text += &format!(" Decided there: {}.", and_list(&quoted));
                }
                text += &answers_sentence(i.plan, &meeting.answers);
            }
            changes.push(Line::new(text, link));
        }
    }
    let by_status = |st: Status| -> Vec<String> {
        an.initiatives
            .iter()
            .filter(|x| x.status == st)
            .map(|x| x.title.clone())
            .collect()
    };
    let done = by_status(Status::Done);
    let going = by_status(Status::InProgress);
    if !done.is_empty() {
        changes.push(Line::new(
            format!("Done: {}.", and_list(&done)),
            "initiatives",
        ));
    }
    if !going.is_empty() {
        changes.push(Line::new(
            format!("Under way: {}.", and_list(&going)),
            "initiatives",
        ));
    }
    for it in i
        .agenda
        .items
        .iter()
        .filter(|x| x.topic == Topic::Kpi)
        .take(KPIS_SHOWN)
    {
        changes.push(Line::new(format!("{}.", it.text), it.link.clone()));
    }
    let kpis = i
        .agenda
        .items
        .iter()
        .filter(|x| x.topic == Topic::Kpi)
        .count();
    if kpis > KPIS_SHOWN {
        changes.push(Line::new(
            format!(
                "{} more measures moved: the review page lists them.",
                kpis - KPIS_SHOWN
            ),
            "reviews",
        ));
    }
    for it in i
        .agenda
        .items
        .iter()
        .filter(|x| x.topic == Topic::Assessment)
    {
        changes.push(Line::new(format!("{}.", it.text), it.link.clone()));
    }

    // What is at risk.
    let mut risks = Vec::new();
    let mut register: Vec<_> = an.risks.iter().collect();
    register.sort_by(|a, b| {
        b.residual_score
            .unwrap_or(b.score)
            .cmp(&a.residual_score.unwrap_or(a.score))
            .then(b.score.cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    for r in register
        .iter()
        .filter(|r| r.level == "high" || r.residual_level == Some("high"))
        .chain(register.iter().filter(|r| r.level == "medium"))
        .take(RISKS_SHOWN)
    {
        let mut text = format!("{} ({} risk", r.title, r.level);
        if let Some(after) = r.residual_level
            && after != r.level
        {
            text += &format!(", {after} once handled");
        }
        text += ")";
        if let Some(how) = &r.mitigation {
            text += &format!(
                ". What reduces it: {}",
                lower_first(how.trim_end_matches('.'))
            );
        }
        text += ".";
        risks.push(Line::new(text, "risks"));
    }
    if let Some(s) = sim
        && s.p_over_budget >= OVERRUN_MENTIONED
    {
        risks.push(Line::new(
            format!(
                "Costs may run over: there is {} that a year's spending on changes goes over its budget.",
                chance(s.p_over_budget)
            ),
            "budget",
        ));
    }
    let lifecycle: Vec<_> = i
        .agenda
        .items
        .iter()
        .filter(|x| x.topic == Topic::Lifecycle)
        .collect();
    if let Some(first) = lifecycle.first() {
        let mut text = format!("{}.", first.text.trim_end_matches('.'));
        if lifecycle.len() > 1 {
            text += &format!(
                " The assets page lists {}.",
                plural(lifecycle.len() - 1, "more warning", "more warnings")
            );
        }
        risks.push(Line::new(text, "assets"));
    }
    if let Some(w) = crate::what_if::worst(i.what_if) {
        risks.push(Line::new(
            format!(
                "The hardest of the plan's what-ifs is {}: {}",
                w.head, w.outcome
            ),
            "scenarios",
        ));
    }

    Summary {
        organisation: doc.organization.name.clone(),
        prepared: today,
        overview,
        goals,
        costs,
        loss,
        decisions,
        changes,
        risks,
        figures: Figures {
            currency: cur.clone(),
            status: rm.status,
            changes: schedule.len(),
            one_time_cost: one_time,
            recurring_cost_annual: recurring,
            benefit_annual: benefit,
            npv,
            evaluation_years,
            discount_rate: an.organization.discount_rate,
            years: years
                .iter()
                .map(|r| YearFigures {
                    period: r.period.clone(),
                    total: r.total,
                    capital: r.capital,
                    operating: r.operating,
                    one_time: r.one_time,
                    budget: r.budget,
                })
                .collect(),
            chance_of_loss: sim.map(|s| s.p_npv_negative),
            trials: sim.map(|s| s.trials),
            npv_range: sim.map(|s| (s.npv.p10, s.npv.p90)),
            chance_over_budget: sim.map(|s| s.p_over_budget),
            goals: goal_figures,
            worst_scenario: crate::what_if::worst(i.what_if).map(|w| WorstFigures {
                name: w.name.clone(),
                npv: w.npv,
                against_plan: w.against_plan,
            }),
        },
    }
}

/// `s` with its first letter in lower case, unless it starts an acronym (`PCI-compliant`).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(c)
            .collect(),
        _ => s.to_string(),
    }
}

impl Summary {
    /// The sections in order, with their headings, the empty ones left out.
    pub fn sections(&self) -> Vec<(&'static str, Vec<&Line>)> {
        let all: [(&'static str, Vec<&Line>); 7] = [
            ("What the plan does", self.overview.iter().collect()),
            ("Your goals", self.goals.iter().collect()),
            ("What it costs", self.costs.iter().collect()),
            ("The chance it loses money", self.loss.iter().collect()),
            ("Decisions for you", self.decisions.iter().collect()),
            ("Since the last review", self.changes.iter().collect()),
            ("What is at risk", self.risks.iter().collect()),
        ];
        all.into_iter().filter(|(_, l)| !l.is_empty()).collect()
    }

    /// The summary as plain text (Markdown when `markdown`), for a terminal or an email.
    pub fn text(&self, markdown: bool) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let title = format!(
            "{}: summary for the owner, {}",
            self.organisation,
            sextant_core::asset::long_date(self.prepared)
        );
        if markdown {
            let _ = writeln!(s, "# {title}\n");
        } else {
            let _ = writeln!(s, "{title}\n{}\n", "=".repeat(title.chars().count()));
        }
        for (heading, lines) in self.sections() {
            if markdown {
                let _ = writeln!(s, "## {heading}\n");
            } else {
                let _ = writeln!(s, "{heading}\n{}", "-".repeat(heading.chars().count()));
            }
            for l in lines {
                let _ = writeln!(s, "- {}", l.text);
            }
            s.push('\n');
        }
        s
    }
}
