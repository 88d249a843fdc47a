//! The review cadence: the actions agreed at review meetings (an owner, a due date, a status),
//! carried from review to review until done, and the agenda of the next review prepared from
//! what changed since the last one: the actions still open, the decisions to follow up, the KPIs
//! that moved, the goals off track or at risk, the assessments made, and the machines and
//! software going out of warranty or support.
//!
//! The rhythm is the organisation's (`organization.review_every_months`, quarterly by default)
//! counted from its fiscal year ([`crate::health::next_review`]). Both front doors build the
//! agenda here: `sextant review` from files, the server from what it stores.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::asset::{Lifecycle, long_date};
use crate::decode::{Decode, Decoder, enum_value};
use crate::diag::{Problem, Problems};
use crate::health::{self, Review as Next};
use crate::kpi::{Series, Standing};
use crate::model::{Date, Month, PlanDoc};
use crate::source::{self, Node, Value};
use crate::standard::Scored;
use crate::unit::{Measure, percent};

/// Where an action stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Agreed, not started.
    #[default]
    Open,
    /// Being worked on.
    InProgress,
    /// Done: no longer carried over.
    Done,
}

impl Status {
    /// Every status, in order.
    pub const ALL: [Status; 3] = [Status::Open, Status::InProgress, Status::Done];

    /// Its word, as written in files and the API.
    pub fn word(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Done => "done",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "In progress",
            Status::Done => "Done",
        }
    }

    /// The status written `word`.
    pub fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.word() == word)
    }
}

/// An action agreed at a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What is to be done.
    pub title: String,
    /// Who does it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Where it stands (default open).
    #[serde(default)]
    pub status: Status,
}

/// What a client's answer is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum About {
    /// One proposed initiative (named by `initiative`).
    Initiative,
    /// The budget the review put forward.
    Budget,
}

impl About {
    /// Its word, as written in files and the API.
    pub fn word(self) -> &'static str {
        match self {
            About::Initiative => "initiative",
            About::Budget => "budget",
        }
    }
}

/// The client's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Go ahead.
    Approved,
    /// Not now.
    Declined,
}

impl Verdict {
    /// Its word, as written in files and the API.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Declined => "declined",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Approved => "Approved",
            Verdict::Declined => "Declined",
        }
    }

    /// The verdict written `word` (`approve` and `decline` are taken too).
    pub fn parse(word: &str) -> Option<Verdict> {
        match word {
            "approved" | "approve" => Some(Verdict::Approved),
            "declined" | "decline" => Some(Verdict::Declined),
            _ => None,
        }
    }
}

/// A client's answer to what a review proposed: an initiative or the budget approved or
/// declined, by whom, on which day, with an optional comment and the figures they were shown.
/// A review keeps one answer per subject, the latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// What it answers.
    pub about: About,
    /// The initiative's id, when it answers an initiative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiative: Option<String>,
    /// Approved or declined.
    pub verdict: Verdict,
    /// Who answered.
    pub by: String,
    /// The day they answered.
    pub on: Date,
    /// What they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// What they were shown when they answered, in a sentence ("Starts March 2027; $12,000
    /// once, then $1,200 a year"): the record of what was approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

impl Answer {
    /// Whether it answers the same question as `other` (the same initiative, or the budget).
    pub fn same_subject(&self, other: &Answer) -> bool {
        self.about == other.about && self.initiative == other.initiative
    }

    /// Its problem, if it is not a whole answer: the field and what is wrong.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        match (self.about, self.initiative.as_deref().map(str::trim)) {
            (About::Initiative, None | Some("")) => {
                return Some((
                    "initiative",
                    "expected the id of the initiative answered, found none".into(),
                ));
            }
            (About::Budget, Some(i)) => {
                return Some((
                    "initiative",
                    format!("expected no initiative in an answer about the budget, found `{i}`"),
                ));
            }
            _ => {}
        }
        if self.by.trim().is_empty() {
            return Some(("by", "expected who answered, found an empty name".into()));
        }
        None
    }

    /// The answer in a sentence: "Approved by Dana Lee on 4 December 2026: “Go ahead.”".
    pub fn sentence(&self) -> String {
        let mut s = format!(
            "{} by {} on {}",
            self.verdict.label(),
            self.by,
            long_date(self.on)
        );
        if let Some(c) = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            s += &format!(": “{c}”");
        }
        s
    }
}

/// `answers` with `new` in place of the earlier answer about the same subject (or added).
pub fn answered(answers: &mut Vec<Answer>, new: Answer) {
    match answers.iter_mut().find(|a| a.same_subject(&new)) {
        Some(a) => *a = new,
        None => answers.push(new),
    }
}

/// The latest answer about `about` (initiative `id`, or the budget with `None`) among every
/// review's, with its review: the one given last, on a tie the later review's.
pub fn latest_answer<'a>(
    meetings: &'a [Meeting],
    about: About,
    id: Option<&str>,
) -> Option<(&'a Meeting, &'a Answer)> {
    meetings
        .iter()
        .flat_map(|m| m.answers.iter().map(move |a| (m, a)))
        .filter(|(_, a)| a.about == about && a.initiative.as_deref() == id)
        .max_by(|(ma, a), (mb, b)| {
            a.on.cmp(&b.on)
                .then(ma.date.cmp(&mb.date))
                .then(ma.id.cmp(&mb.id))
        })
}

/// The answer that stands about each subject (each initiative answered, and the budget) over
/// `meetings`: the [`latest_answer`] of each, with its review, in the order the subjects were
/// first answered. The agenda, the pack and the portfolio read the answers through it.
pub fn standing_answers<'a, I>(meetings: I) -> Vec<(&'a Meeting, &'a Answer)>
where
    I: IntoIterator<Item = &'a Meeting>,
{
    let all: Vec<(&Meeting, &Answer)> = meetings
        .into_iter()
        .flat_map(|m| m.answers.iter().map(move |a| (m, a)))
        .collect();
    let mut out: Vec<(&Meeting, &Answer)> = Vec::new();
    for (m, a) in all {
        match out.iter_mut().find(|(_, b)| b.same_subject(a)) {
            // The one given last stands; on a tie, the later review's.
            Some(kept) => {
                if (a.on, m.date, &m.id) > (kept.1.on, kept.0.date, &kept.0.id) {
                    *kept = (m, a);
                }
            }
            None => out.push((m, a)),
        }
    }
    out
}

/// A review meeting as the agenda needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    /// Its id.
    pub id: String,
    /// Its day.
    pub date: Date,
    /// What it was.
    pub title: String,
    /// What was decided.
    pub decisions: Vec<String>,
    /// The actions agreed.
    pub actions: Vec<Action>,
    /// The KPIs as the review saw them (its `snapshot`): the figures the next agenda says
    /// they moved from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<Seen>,
    /// The client's answers to what it proposed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Answer>,
}

/// A KPI's figure as a review saw it (a stored review's `snapshot`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// The KPI's id.
    pub kpi: String,
    /// The month of the figure.
    pub month: Month,
    /// The figure.
    pub value: f64,
}

/// An action not done yet, with the review it was agreed at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAction {
    /// The review's id.
    pub review: String,
    /// The review's day.
    pub review_date: Date,
    /// Its place in the review's actions, from 0.
    pub index: usize,
    /// The action.
    #[serde(flatten)]
    pub action: Action,
    /// Its due date has passed.
    pub overdue: bool,
    /// Reviews held since it was agreed (it was carried over this many times).
    pub carried_over: usize,
}

/// The actions not done, of every review: overdue first, then by due date (those without one
/// last), then by the review's day and their order in it.
pub fn open_actions(meetings: &[Meeting], today: Date) -> Vec<OpenAction> {
    let mut out: Vec<OpenAction> = Vec::new();
    for m in meetings {
        let later = meetings.iter().filter(|o| o.date > m.date).count();
        for (index, a) in m.actions.iter().enumerate() {
            if a.status == Status::Done {
                continue;
            }
            out.push(OpenAction {
                review: m.id.clone(),
                review_date: m.date,
                index,
                action: a.clone(),
                overdue: a.due.is_some_and(|d| d < today),
                carried_over: later,
            });
        }
    }
    out.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.action.due.is_none().cmp(&b.action.due.is_none()))
            .then(a.action.due.cmp(&b.action.due))
            .then(a.review_date.cmp(&b.review_date))
            .then(a.review.cmp(&b.review))
            .then(a.index.cmp(&b.index))
    });
    out
}

/// What an agenda item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// An action still open.
    Action,
    /// A decision of the last review, to follow up.
    Decision,
    /// A client's answer to follow up: a proposal declined, or a change approved that the
    /// plan still lists as a candidate.
    Answer,
    /// A KPI that moved.
    Kpi,
    /// A goal off track or at risk.
    Goal,
    /// An assessment made since the last review.
    Assessment,
    /// Machines or software out of, or going out of, warranty or support.
    Lifecycle,
}

/// One item of the agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// What it is about.
    pub topic: Topic,
    /// The item in a sentence.
    pub text: String,
    /// The page that explains it, relative to the organisation (`reviews/q3`, `goals`,
    /// `kpis/revenue`, `assessments/nist-2026`, `assets`).
    pub link: String,
}

/// The review before, as the agenda names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Last {
    /// Its id.
    pub id: String,
    /// Its day.
    pub date: Date,
    /// What it was.
    pub title: String,
}

/// The agenda of the next review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agenda {
    /// The day it was prepared on.
    pub today: Date,
    /// Months between reviews.
    pub every_months: u32,
    /// The last review held (on or before today), if any.
    pub last: Option<Last>,
    /// When the next review is due, and whether that has passed.
    pub next: Next,
    /// Changes are counted from this day: the last review's, or one rhythm before today when
    /// none was held.
    pub since: Date,
    /// What to discuss, in order: actions, decisions, KPIs, goals, assessments, lifecycle.
    pub items: Vec<Item>,
    /// Every action not done.
    pub actions: Vec<OpenAction>,
}

/// What an agenda is prepared from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The day.
    pub today: Date,
    /// The plan, for the KPIs' names and units and the fiscal year (none: January, quarterly).
    pub doc: Option<&'a PlanDoc>,
    /// The plan's analysis, for the goals' standing.
    pub analysis: Option<&'a Analysis>,
    /// The KPIs' monthly values.
    pub series: Option<&'a Series>,
    /// The reviews held (any order; those after today are left out).
    pub meetings: &'a [Meeting],
    /// Scored assessments with their ids (any order).
    pub assessments: &'a [(String, Scored)],
    /// The asset register's lifecycle, if there is one.
    pub lifecycle: Option<&'a Lifecycle>,
}

/// Lifecycle warnings listed one by one; the rest are counted.
const LIFECYCLE_SHOWN: usize = 5;

/// The last value of `s` in or before `m`.
fn value_at(s: &std::collections::BTreeMap<Month, f64>, m: Month) -> Option<(Month, f64)> {
    s.range(..=m).next_back().map(|(k, v)| (*k, *v))
}

/// The agenda of the next review.
pub fn agenda(i: &Inputs) -> Agenda {
    let org = i.doc.map(|d| &d.organization);
    let fiscal = org.map_or(1, |o| o.fiscal_year_start);
    let every = org.map_or(health::REVIEW_MONTHS, |o| o.review_every());
    let held: Vec<&Meeting> = i.meetings.iter().filter(|m| m.date <= i.today).collect();
    let last = held
        .iter()
        .max_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)))
        .copied();
    let next = health::next_review(last.map(|l| l.date), i.today, fiscal, every);
    let since = last.map_or_else(
        || crate::asset::plus_months(i.today, -(every as i32)),
        |l| l.date,
    );
    let actions = open_actions(i.meetings, i.today);
    let mut items = Vec::new();

    for a in &actions {
        let mut text = a.action.title.clone();
        if let Some(o) = &a.action.owner {
            text += &format!(" ({o})");
        }
        match (a.action.due, a.overdue) {
            (Some(d), true) => text += &format!(": overdue, was due by {}", long_date(d)),
            (Some(d), false) => text += &format!(": due by {}", long_date(d)),
            (None, _) => text += ": no due date",
        }
        if a.action.status == Status::InProgress {
            text += ", in progress";
        }
        if a.carried_over > 0 {
            text += &format!(", agreed on {}", long_date(a.review_date));
        }
        items.push(Item {
            topic: Topic::Action,
            text,
            link: format!("reviews/{}", a.review),
        });
    }

    if let Some(l) = last {
        for d in &l.decisions {
            items.push(Item {
                topic: Topic::Decision,
                text: format!("Decided on {}: {d}. Has it been done?", long_date(l.date)),
                link: format!("reviews/{}", l.id),
            });
        }
    }

    // The client's answers to follow up: the one standing about each subject, of the reviews
    // held.
    let initiative = |id: &str| {
        i.doc
            .and_then(|d| d.initiatives.iter().find(|x| x.id.as_str() == id))
    };
    for (m, a) in standing_answers(held.iter().copied()) {
        let id = a.initiative.as_deref();
        let name = match id {
            Some(id) => initiative(id).map_or_else(|| format!("`{id}`"), |x| x.title.clone()),
            None => "The budget".into(),
        };
        let comment = a
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map_or(String::new(), |c| format!(": “{c}”"));
        let text = match a.verdict {
            Verdict::Declined => format!(
                "{name} was declined by {} on {}{comment}. Change it, or propose something else?",
                a.by,
                long_date(a.on)
            ),
            Verdict::Approved => match id.and_then(initiative) {
                Some(x) if x.status == crate::model::Status::Candidate => format!(
                    "{name} was approved by {} on {}, but the plan still lists it as a candidate: mark it planned.",
                    a.by,
                    long_date(a.on)
                ),
                _ => continue,
            },
        };
        items.push(Item {
            topic: Topic::Answer,
            text,
            link: format!("reviews/{}#answers", m.id),
        });
    }

    if let (Some(series), Some(doc)) = (i.series, i.doc) {
        let from = since.month();
        for (id, s) in series {
            let name = doc
                .kpis
                .iter()
                .find(|k| k.id.as_str() == id)
                .map(|k| k.name.clone())
                .or_else(|| crate::catalogue::find(id).map(|m| m.name.to_string()))
                .unwrap_or_else(|| words_of(id));
            let Some((to_m, to_v)) = s.iter().next_back().map(|(k, v)| (*k, *v)) else {
                continue;
            };
            if to_m <= from {
                continue;
            }
            let unit = Measure::of_kpi(doc, id);
            let now = unit.format(to_v);
            // What the last review saw, when it kept it; else the series' figure then.
            let then = last
                .and_then(|l| l.seen.iter().find(|x| &x.kpi == id))
                .map(|x| (x.month, x.value))
                .or_else(|| value_at(s, from));
            let text = match then {
                Some((_, before)) if before != 0.0 => format!(
                    "{}: {} in {}, {} {} ({})",
                    name,
                    now,
                    crate::calendar::month_words(to_m),
                    if to_v >= before {
                        "up from"
                    } else {
                        "down from"
                    },
                    unit.format(before),
                    change_words(&unit, before, to_v),
                ),
                Some((_, before)) => format!(
                    "{}: {} in {}, from {}",
                    name,
                    now,
                    crate::calendar::month_words(to_m),
                    unit.format(before)
                ),
                None => format!(
                    "{}: first measured, {} in {}",
                    name,
                    now,
                    crate::calendar::month_words(to_m)
                ),
            };
            items.push(Item {
                topic: Topic::Kpi,
                text,
                link: format!("kpis/{id}"),
            });
        }
    }

    if let Some(a) = i.analysis {
        let name = |id: &str| {
            i.doc
                .and_then(|d| d.goals.iter().find(|g| g.id.as_str() == id))
                .map_or_else(|| id.to_string(), |g| g.title.clone())
        };
        for s in &a.goal_status {
            let word = match s.status {
                Standing::OffTrack => "off track",
                Standing::Missed => "missed",
                Standing::AtRisk => "at risk",
                _ => continue,
            };
            let chance = s
                .probability
                .map_or(String::new(), |p| format!(" ({} chance)", percent(p, 0)));
            items.push(Item {
                topic: Topic::Goal,
                text: format!("{} is {word}{chance}", name(&s.goal)),
                link: "goals".into(),
            });
        }
    }

    let mut assessed: Vec<&(String, Scored)> = i.assessments.iter().collect();
    assessed.sort_by(|(ia, a), (ib, b)| a.date.cmp(&b.date).then(ia.cmp(ib)));
    for (k, (id, s)) in assessed.iter().enumerate() {
        let Some(date) = s.date else { continue };
        if date <= since || date > i.today {
            continue;
        }
        let before = assessed[..k]
            .iter()
            .rev()
            .find(|(_, p)| p.standard == s.standard && p.date.is_some_and(|d| d < date))
            .and_then(|(_, p)| p.overall.score);
        let score = s
            .overall
            .score
            .map_or("no control answered yet".to_string(), |x| {
                format!("{} of the weight met", percent(x, 0))
            });
        let change = match (s.overall.score, before) {
            (Some(x), Some(b)) => {
                let pts = ((x - b) * 100.0).round();
                if pts == 0.0 {
                    ", unchanged".to_string()
                } else {
                    format!(
                        ", {} {} points from {}",
                        if pts > 0.0 { "up" } else { "down" },
                        pts.abs(),
                        percent(b, 0)
                    )
                }
            }
            _ => String::new(),
        };
        let gaps = s.gaps.len();
        items.push(Item {
            topic: Topic::Assessment,
            text: format!(
                "{} assessed on {}: {score}{change}; {gaps} {} not met or partly met",
                s.title,
                long_date(date),
                if gaps == 1 { "control" } else { "controls" }
            ),
            link: format!("assessments/{id}"),
        });
    }

    if let Some(lc) = i.lifecycle {
        for w in lc.warnings.iter().take(LIFECYCLE_SHOWN) {
            items.push(Item {
                topic: Topic::Lifecycle,
                text: w.message.clone(),
                link: "assets".into(),
            });
        }
        let rest = lc.warnings.len().saturating_sub(LIFECYCLE_SHOWN);
        if rest > 0 {
            items.push(Item {
                topic: Topic::Lifecycle,
                text: format!(
                    "{rest} more {} on the Assets page",
                    if rest == 1 { "warning" } else { "warnings" }
                ),
                link: "assets".into(),
            });
        }
    }

    Agenda {
        today: i.today,
        every_months: every,
        last: last.map(|l| Last {
            id: l.id.clone(),
            date: l.date,
            title: l.title.clone(),
        }),
        next,
        since,
        items,
        actions,
    }
}

/// A change as a percentage with its sign, whole: `+10%`, `-3%`.
/// A metric's id in words when nothing names it (`marketing_spend`: "Marketing spend").
fn words_of(id: &str) -> String {
    let spaced = id.replace(['_', '-'], " ");
    let mut c = spaced.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// How a figure moved from `before` to `now`, as people say it: a share or a score by the
/// points it moved (a change of 300% in a score that went from -50 to 100 says nothing), any
/// other figure by the percentage it moved when it was above zero, else by the amount.
fn change_words(unit: &Measure, before: f64, now: f64) -> String {
    let signed = |x: String, up: bool| {
        if up {
            format!("+{x}")
        } else {
            format!("−{x}")
        }
    };
    let d = now - before;
    // A share's points are percentage points; a score's, its own.
    let scale = match unit.unit {
        crate::unit::Unit::Fraction => Some(100.0),
        crate::unit::Unit::Score => Some(1.0),
        _ => None,
    };
    match scale {
        Some(k) => {
            let points = (d * k * 10.0).round() / 10.0;
            if points == 0.0 {
                "no change".into()
            } else {
                signed(format!("{} points", points.abs()), points > 0.0)
            }
        }
        None if before > 0.0 => signed_percent(d / before),
        None => signed(unit.format(d.abs()), d >= 0.0),
    }
}

fn signed_percent(x: f64) -> String {
    let p = (x * 100.0).round();
    if p > 0.0 {
        format!("+{p}%")
    } else if p == 0.0 {
        "0%".into()
    } else {
        format!("−{}%", p.abs())
    }
}

impl Decode for Status {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        enum_value(
            node,
            path,
            d,
            &[
                ("open", Status::Open),
                ("in_progress", Status::InProgress),
                ("done", Status::Done),
            ],
        )
    }
}

impl Decode for Action {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "an action: {title, owner, due, status}")?;
        let title: Option<String> = f.req(d, "title");
        let owner: Option<String> = f.opt(d, "owner");
        let due: Option<Date> = f.opt(d, "due");
        let status: Option<Status> = f.opt(d, "status");
        f.finish(d);
        Some(Action {
            title: title?,
            owner,
            due,
            status: status.unwrap_or_default(),
        })
    }
}

impl Decode for Seen {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a KPI's figure: {kpi, month, value}")?;
        let kpi: Option<String> = f.req(d, "kpi");
        let month: Option<Month> = f.req(d, "month");
        let value: Option<f64> = f.req(d, "value");
        f.finish(d);
        Some(Seen {
            kpi: kpi?,
            month: month?,
            value: value?,
        })
    }
}

impl Decode for About {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        enum_value(
            node,
            path,
            d,
            &[("initiative", About::Initiative), ("budget", About::Budget)],
        )
    }
}

impl Decode for Verdict {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        enum_value(
            node,
            path,
            d,
            &[
                ("approved", Verdict::Approved),
                ("declined", Verdict::Declined),
            ],
        )
    }
}

impl Decode for Answer {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(
            node,
            path,
            "an answer: {about: initiative | budget, initiative, verdict: approved | declined, by, on, comment, shown}",
        )?;
        let about: Option<About> = f.req(d, "about");
        let initiative: Option<String> = f.opt(d, "initiative");
        let verdict: Option<Verdict> = f.req(d, "verdict");
        let by: Option<String> = f.req(d, "by");
        let on: Option<Date> = f.req(d, "on");
        let comment: Option<String> = f.opt(d, "comment");
        let shown: Option<String> = f.opt(d, "shown");
        f.finish(d);
        let a = Answer {
            about: about?,
            initiative,
            verdict: verdict?,
            by: by?,
            on: on?,
            comment,
            shown,
        };
        if let Some((field, message)) = a.problem() {
            let p = d.problem(node, &format!("{path}.{field}"), &message);
            p.expected = Some(match field {
                "by" => "the name of who answered".into(),
                _ if a.about == About::Budget => "no `initiative` with `about: budget`".into(),
                _ => "`initiative: ID` with `about: initiative`".into(),
            });
            return None;
        }
        Some(a)
    }
}

impl Decode for Meeting {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(
            node,
            path,
            "a review: {id, date, title, attendees, kpis, decisions, notes, actions, snapshot, answers}",
        )?;
        let id: Option<String> = f.req(d, "id");
        let date: Option<Date> = f.req(d, "date");
        let title: Option<String> = f.req(d, "title");
        let _attendees: Vec<String> = f.many(d, "attendees");
        let _kpis: Vec<String> = f.many(d, "kpis");
        let decisions: Vec<String> = f.many(d, "decisions");
        let _notes: Option<String> = f.opt(d, "notes");
        let actions: Vec<Action> = f.many(d, "actions");
        let seen: Vec<Seen> = f.many(d, "snapshot");
        let answers: Vec<Answer> = f.many(d, "answers");
        f.finish(d);
        for (k, a) in answers.iter().enumerate() {
            if answers[..k].iter().any(|b| b.same_subject(a)) {
                let what = match &a.initiative {
                    Some(i) => format!("the initiative `{i}`"),
                    None => "the budget".into(),
                };
                let at = format!("{path}.answers[{k}]");
                let here = match &node.value {
                    Value::Map(entries) => entries
                        .iter()
                        .find(|(key, _)| &*key.name == "answers")
                        .and_then(|(_, v)| match &v.value {
                            Value::Seq(items) => items.get(k),
                            _ => None,
                        })
                        .unwrap_or(node),
                    _ => node,
                };
                let p = d.problem(
                    here,
                    &at,
                    format!("{what} is answered twice in this review"),
                );
                p.expected =
                    Some("one answer per initiative and one for the budget (the latest)".into());
                p.found = Some("a second answer".into());
            }
        }
        Some(Meeting {
            id: id?,
            date: date?,
            title: title?,
            decisions,
            actions,
            seen,
            answers,
        })
    }
}

/// Reads a reviews file: a list of reviews, or `reviews:` with the list (the shape the API
/// gives), every problem with its line and column; ids unique.
pub fn load_meetings(file: &str, text: &str) -> Result<Vec<Meeting>, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let mut d = Decoder::new(file, &root);
    let (list, path) = match &root.value {
        Value::Map(entries) => match entries.iter().find(|(k, _)| &*k.name == "reviews") {
            Some((_, v)) => (v, "reviews"),
            None => {
                let p = d.problem(&root, "", "expected a list of reviews");
                p.expected = Some("a list of reviews, or `reviews:` with the list".into());
                p.found = Some("a mapping without `reviews`".into());
                return Err(Problems(d.problems));
            }
        },
        Value::Null => return Ok(Vec::new()),
        _ => (&root, ""),
    };
    let meetings = Vec::<Meeting>::decode(list, path, &mut d).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    if let Value::Seq(nodes) = &list.value
        && nodes.len() == meetings.len()
    {
        for (m, n) in meetings.iter().zip(nodes) {
            if !seen.insert(m.id.clone()) {
                let at = format!("{path}[].id");
                let mut p = Problem::new(
                    d.loc(n.pos),
                    at,
                    format!("the review id `{}` is used twice", m.id),
                );
                p.expected = Some("a different id for each review".into());
                p.found = Some(format!("`{}` again", m.id));
                d.push(p);
            }
        }
    }
    if d.problems.is_empty() {
        Ok(meetings)
    } else {
        let mut problems = d.problems;
        problems.sort_by_key(|p| (p.location.line, p.location.column));
        Err(Problems(problems))
    }
}
