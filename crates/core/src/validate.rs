//! Checks a decoded plan as a whole (ids, references, dependency cycles, dates against the
//! horizon, budgets) and turns it into a [`Plan`], the only form the analysis accepts.

use std::collections::{HashMap, HashSet};

use crate::catalogue;
use crate::decode::{MAX_PROBLEMS, SourceMap};
use crate::diag::{Problem, did_you_mean};
use crate::model::*;

/// A plan that has passed every check: ids are unique, every reference resolves, dependencies
/// form no cycle, dates lie within the horizon. It can only be made by [`crate::load_plan`] or
/// [`Plan::from_doc`].
#[derive(Debug, Clone)]
pub struct Plan {
    doc: PlanDoc,
    source: SourceMap,
    initiatives: HashMap<Id, usize>,
    goals: HashMap<Id, usize>,
    systems: HashMap<Id, usize>,
    /// Each initiative's start month index in its stand-alone business case.
    starts: Vec<u32>,
}

impl Plan {
    /// Checks a decoded document.
    pub fn from_doc(doc: PlanDoc, source: SourceMap) -> Result<Plan, Vec<Problem>> {
        let mut v = Checker {
            source: &source,
            problems: Vec::new(),
            scratch: Problem::new(source.locate(""), "", ""),
        };
        let goals = v.unique("goals", doc.goals.iter().map(|g| &g.id));
        let kpis = v.unique("kpis", doc.kpis.iter().map(|k| &k.id));
        let systems = v.unique("systems", doc.systems.iter().map(|s| &s.id));
        let initiatives = v.unique("initiatives", doc.initiatives.iter().map(|i| &i.id));
        v.unique("risks", doc.risks.iter().map(|r| &r.id));
        v.unique("phases", doc.phases.iter().map(|p| &p.id));
        v.references(&doc, &goals, &kpis, &systems, &initiatives);
        v.cycles(&doc, &initiatives);
        v.dates(&doc);
        v.budgets(&doc);
        if v.problems.is_empty() {
            let starts = earliest_starts(&doc, &initiatives);
            Ok(Plan {
                doc,
                source,
                initiatives,
                goals,
                systems,
                starts,
            })
        } else {
            Err(v.problems)
        }
    }

    /// The plan's content.
    pub fn doc(&self) -> &PlanDoc {
        &self.doc
    }

    /// Where each value was written.
    pub fn source(&self) -> &SourceMap {
        &self.source
    }

    /// The position of an initiative in `doc().initiatives`.
    pub fn initiative_index(&self, id: &Id) -> Option<usize> {
        self.initiatives.get(id).copied()
    }

    /// The position of a goal in `doc().goals`.
    pub fn goal_index(&self, id: &Id) -> Option<usize> {
        self.goals.get(id).copied()
    }

    /// The position of a system in `doc().systems`.
    pub fn system_index(&self, id: &Id) -> Option<usize> {
        self.systems.get(id).copied()
    }

    /// The month index an initiative starts at in its stand-alone business case: its pinned
    /// `start`, or else the first month after everything it depends on (not done) has
    /// finished, each prerequisite at its own such start; month 0 without either. This is the
    /// earliest start the roadmap allows, resources aside.
    pub fn start_index(&self, initiative: usize) -> u32 {
        self.starts.get(initiative).copied().unwrap_or(0)
    }

    /// The month index (0-based from the plan's start) of a calendar month.
    pub fn month_index(&self, m: Month) -> i32 {
        m.since(self.doc.organization.start)
    }

    /// The calendar month of a month index.
    pub fn month_at(&self, index: i32) -> Month {
        self.doc.organization.start.plus(index)
    }
}

/// Each initiative's start (see [`Plan::start_index`]), in dependency order; the plan has no
/// cycles when this runs.
fn earliest_starts(doc: &PlanDoc, index: &HashMap<Id, usize>) -> Vec<u32> {
    let n = doc.initiatives.len();
    let deps: Vec<Vec<usize>> = doc
        .initiatives
        .iter()
        .map(|i| {
            i.depends_on
                .iter()
                .filter_map(|d| index.get(d).copied())
                .filter(|&d| doc.initiatives[d].status != Status::Done)
                .collect()
        })
        .collect();
    let mut dependants = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependants[d].push(i);
        }
    }
    let start = doc.organization.start;
    let mut starts: Vec<u32> = doc
        .initiatives
        .iter()
        .map(|i| i.start.map_or(0, |m| m.since(start).max(0) as u32))
        .collect();
    let mut ready: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    while let Some(d) = ready.pop() {
        let finish = starts[d].saturating_add(doc.initiatives[d].duration_months.months());
        for &i in &dependants[d] {
            if doc.initiatives[i].start.is_none() {
                starts[i] = starts[i].max(finish);
            }
            waiting[i] -= 1;
            if waiting[i] == 0 {
                ready.push(i);
            }
        }
    }
    starts
}

struct Checker<'a> {
    source: &'a SourceMap,
    /// At most one more than [`MAX_PROBLEMS`]: `load_plan` lists that many and says there were
    /// more.
    problems: Vec<Problem>,
    /// Where problems beyond that are written, to be forgotten.
    scratch: Problem,
}

impl Checker<'_> {
    fn full(&self) -> bool {
        self.problems.len() > MAX_PROBLEMS
    }

    fn at(&mut self, path: String, message: impl Into<String>) -> &mut Problem {
        let path = self.source.original_path(&path);
        let loc = self.source.locate(&path);
        let p = Problem::new(loc, path, message);
        if self.full() {
            self.scratch = p;
            return &mut self.scratch;
        }
        self.problems.push(p);
        let last = self.problems.len() - 1;
        &mut self.problems[last]
    }

    fn unique<'i>(&mut self, list: &str, ids: impl Iterator<Item = &'i Id>) -> HashMap<Id, usize> {
        let mut seen: HashMap<Id, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            if let Some(&first) = seen.get(id) {
                let first_path = self.source.original_path(&format!("{list}[{first}].id"));
                let first_line = self.source.locate(&first_path).line;
                let p = self.at(
                    format!("{list}[{i}].id"),
                    format!("duplicate id `{id}` in `{list}`"),
                );
                p.expected = Some(format!("an id not used by another entry of `{list}`"));
                p.found = Some(format!(
                    "`{id}`, already the id of {} on line {first_line}",
                    first_path.trim_end_matches(".id")
                ));
                p.hint = Some("give each entry its own id".into());
            } else {
                seen.insert(id.clone(), i);
            }
        }
        seen
    }

    fn reference(
        &mut self,
        path: String,
        id: &str,
        what: &str,
        list: &str,
        known: &HashMap<Id, usize>,
    ) {
        if known.contains_key(id) || self.source.is_broken(list, id) || self.full() {
            return;
        }
        let suggestion = did_you_mean(id, known.keys().map(Id::as_str)).map(str::to_string);
        let p = self.at(path, format!("unknown {what} `{id}`"));
        p.expected = Some(format!("the id of one of the plan's `{list}`"));
        p.found = Some(format!("`{id}`"));
        p.hint = Some(match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("the plan has no `{list}` yet"),
            None => {
                let mut ids: Vec<&str> = known.keys().map(Id::as_str).collect();
                ids.sort_unstable();
                ids.truncate(8);
                format!("known ids: {}", ids.join(", "))
            }
        });
    }

    fn references(
        &mut self,
        doc: &PlanDoc,
        goals: &HashMap<Id, usize>,
        kpis: &HashMap<Id, usize>,
        systems: &HashMap<Id, usize>,
        initiatives: &HashMap<Id, usize>,
    ) {
        for (g, goal) in doc.goals.iter().enumerate() {
            if let Some(kpi) = &goal.kpi
                && !kpis.contains_key(kpi.as_str())
                && catalogue::find(kpi).is_none()
            {
                let candidates: Vec<&str> = kpis
                    .keys()
                    .map(Id::as_str)
                    .chain(catalogue::METRICS.iter().map(|m| m.id))
                    .collect();
                let suggestion = did_you_mean(kpi, candidates.iter().copied()).map(str::to_string);
                let p = self.at(format!("goals[{g}].kpi"), format!("unknown KPI `{kpi}`"));
                p.expected = Some("the id of a KPI in `kpis` or of the standard catalogue (see docs/plan-format.md)".into());
                p.found = Some(format!("`{kpi}`"));
                p.hint = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("declare it under `kpis:` with `id: {kpi}` and a name"),
                });
            }
        }
        for (s, system) in doc.systems.iter().enumerate() {
            for goal in system.supports.keys() {
                self.reference(
                    format!("systems[{s}].supports.{goal}"),
                    goal.as_str(),
                    "goal",
                    "goals",
                    goals,
                );
            }
        }
        for (n, integ) in doc.integrations.iter().enumerate() {
            self.reference(
                format!("integrations[{n}].from"),
                integ.from.as_str(),
                "system",
                "systems",
                systems,
            );
            self.reference(
                format!("integrations[{n}].to"),
                integ.to.as_str(),
                "system",
                "systems",
                systems,
            );
            if integ.from == integ.to {
                let p = self.at(
                    format!("integrations[{n}].to"),
                    "an integration joins two different systems",
                );
                p.expected = Some(format!("a system other than `{}`", integ.from));
                p.found = Some(format!("`{}`", integ.to));
            }
        }
        for kpi in doc.measurements.keys() {
            let known = kpis.contains_key(kpi.as_str()) || catalogue::find(kpi.as_str()).is_some();
            if !known {
                let p = self.at(
                    format!("measurements.{kpi}"),
                    format!("unknown KPI `{kpi}`"),
                );
                p.expected = Some(
                    "the id of a KPI in `kpis` or of the standard catalogue (see docs/plan-format.md)"
                        .into(),
                );
                p.found = Some(format!("`{kpi}`"));
                let candidates: Vec<&str> = doc
                    .kpis
                    .iter()
                    .map(|k| k.id.as_str())
                    .chain(catalogue::METRICS.iter().map(|m| m.id))
                    .collect();
                p.hint = did_you_mean(kpi.as_str(), candidates.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"));
            }
        }
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (n, sc) in doc.scenarios.iter().enumerate() {
            for id in sc.delays.keys() {
                self.reference(
                    format!("scenarios[{n}].delays.{id}"),
                    id.as_str(),
                    "initiative",
                    "initiatives",
                    initiatives,
                );
            }
            if let Some(first) = names.insert(sc.name.as_str(), n) {
                let p = self.at(
                    format!("scenarios[{n}].name"),
                    format!("scenario name `{}` is used twice", sc.name),
                );
                p.expected = Some("a name not used by another scenario".into());
                p.found = Some(format!(
                    "`{}`, already the name of scenarios[{first}]",
                    sc.name
                ));
            }
        }
        for (i, init) in doc.initiatives.iter().enumerate() {
            for (k, dep) in init.depends_on.iter().enumerate() {
                let path = format!("initiatives[{i}].depends_on[{k}]");
                if dep == &init.id {
                    let p = self.at(path, format!("initiative `{dep}` depends on itself"));
                    p.expected = Some("the id of another initiative".into());
                    p.found = Some(format!("`{dep}`"));
                } else {
                    self.reference(path, dep.as_str(), "initiative", "initiatives", initiatives);
                }
            }
            for goal in init.contributes.keys() {
                self.reference(
                    format!("initiatives[{i}].contributes.{goal}"),
                    goal.as_str(),
                    "goal",
                    "goals",
                    goals,
                );
            }
            for (b, benefit) in init.benefits.iter().enumerate() {
                if let Some(goal) = &benefit.goal {
                    self.reference(
                        format!("initiatives[{i}].benefits[{b}].goal"),
                        goal.as_str(),
                        "goal",
                        "goals",
                        goals,
                    );
                }
            }
            for (k, sys) in init.replaces.iter().enumerate() {
                self.reference(
                    format!("initiatives[{i}].replaces[{k}]"),
                    sys.as_str(),
                    "system",
                    "systems",
                    systems,
                );
            }
            if init.mandatory && init.status == Status::Cancelled {
                let p = self.at(
                    format!("initiatives[{i}].mandatory"),
                    format!("initiative `{}` is both mandatory and cancelled", init.id),
                );
                p.expected = Some("a mandatory initiative that is not cancelled".into());
                p.found = Some("mandatory: true with status: cancelled".into());
                p.hint = Some("drop `mandatory: true` or change the status".into());
            }
        }
        for (r, risk) in doc.risks.iter().enumerate() {
            if let Some(id) = &risk.initiative {
                self.reference(
                    format!("risks[{r}].initiative"),
                    id.as_str(),
                    "initiative",
                    "initiatives",
                    initiatives,
                );
            }
            if let Some(id) = &risk.system {
                self.reference(
                    format!("risks[{r}].system"),
                    id.as_str(),
                    "system",
                    "systems",
                    systems,
                );
            }
        }
        for (p, phase) in doc.phases.iter().enumerate() {
            for (k, id) in phase.initiatives.iter().enumerate() {
                self.reference(
                    format!("phases[{p}].initiatives[{k}]"),
                    id.as_str(),
                    "initiative",
                    "initiatives",
                    initiatives,
                );
            }
        }
        let mut mandatory_groups: HashMap<&str, &Id> = HashMap::new();
        for (i, init) in doc.initiatives.iter().enumerate() {
            if let (true, Some(group)) = (init.mandatory, &init.alternative_group) {
                if let Some(first) = mandatory_groups.get(group.as_str()) {
                    let p = self.at(format!("initiatives[{i}].mandatory"), format!("two mandatory initiatives, `{first}` and `{}`, are alternatives in group `{group}`", init.id));
                    p.expected =
                        Some("at most one mandatory initiative per alternative group".into());
                    p.found = Some("a second one".into());
                    p.hint = Some(
                        "only one initiative of a group can be done; make one of them optional"
                            .into(),
                    );
                } else {
                    mandatory_groups.insert(group, &init.id);
                }
            }
        }
    }

    /// Reports each dependency cycle once, naming it.
    fn cycles(&mut self, doc: &PlanDoc, index: &HashMap<Id, usize>) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let n = doc.initiatives.len();
        let edges: Vec<Vec<usize>> = doc
            .initiatives
            .iter()
            .map(|i| {
                // A self-dependency is reported on its own by `references`.
                i.depends_on
                    .iter()
                    .filter(|d| **d != i.id)
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let mut mark = vec![Mark::New; n];
        let mut reported: HashSet<Vec<usize>> = HashSet::new();
        // Iterative depth-first search: (node, next edge to follow).
        for root in 0..n {
            if mark[root] != Mark::New {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            mark[root] = Mark::Open;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = edges[node].get(*next) {
                    *next += 1;
                    match mark[dep] {
                        Mark::New => {
                            mark[dep] = Mark::Open;
                            stack.push((dep, 0));
                        }
                        Mark::Open => {
                            let from = stack.iter().position(|&(x, _)| x == dep).unwrap_or(0);
                            let cycle: Vec<usize> = stack[from..].iter().map(|&(x, _)| x).collect();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if reported.insert(key) {
                                self.report_cycle(doc, &cycle);
                            }
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }

    fn report_cycle(&mut self, doc: &PlanDoc, cycle: &[usize]) {
        let names: Vec<&str> = cycle
            .iter()
            .map(|&i| doc.initiatives[i].id.as_str())
            .collect();
        let first = cycle[0];
        let next = doc.initiatives[*cycle.get(1).unwrap_or(&first)].id.clone();
        let k = doc.initiatives[first]
            .depends_on
            .iter()
            .position(|d| *d == next)
            .unwrap_or(0);
        let shown = format!("{} -> {}", names.join(" -> "), names[0]);
        let p = self.at(
            format!("initiatives[{first}].depends_on[{k}]"),
            format!("dependency cycle: {shown}"),
        );
        p.expected = Some("dependencies that lead back to no initiative".into());
        p.found = Some(format!(
            "{shown} (each must finish before the next can start)"
        ));
        p.hint = Some("remove one of these dependencies".into());
    }

    fn dates(&mut self, doc: &PlanDoc) {
        let org = &doc.organization;
        let start = org.start;
        let horizon = org.horizon_months as i32;
        let eval = org.evaluation_months() as i32;
        let last = start.plus(horizon - 1);
        let eval_last = start.plus(eval - 1);
        for (g, goal) in doc.goals.iter().enumerate() {
            if let Some(due) = goal.due
                && (due.since(start) < 0 || due.since(start) >= eval)
            {
                let p = self.at(
                    format!("goals[{g}].due"),
                    format!("goal `{}` is due outside the plan", goal.id),
                );
                p.expected = Some(format!(
                    "a month from {start} to {eval_last} (the plan's start to the end of its evaluation horizon)"
                ));
                p.found = Some(due.to_string());
            }
        }
        for (i, init) in doc.initiatives.iter().enumerate() {
            let dur = init.duration_months.months() as i32;
            if dur > horizon {
                let p = self.at(
                    format!("initiatives[{i}].duration_months"),
                    format!(
                        "initiative `{}` takes longer than the planning horizon",
                        init.id
                    ),
                );
                p.expected = Some(format!(
                    "at most {horizon} months (organization.horizon_months)"
                ));
                p.found = Some(format!("{dur} months"));
                p.hint = Some("lengthen the horizon or split the initiative".into());
            }
            if let Some(pin) = init.start {
                let s = pin.since(start);
                if s < 0 || s >= horizon {
                    let p = self.at(
                        format!("initiatives[{i}].start"),
                        format!(
                            "initiative `{}` starts outside the planning horizon",
                            init.id
                        ),
                    );
                    p.expected = Some(format!("a month from {start} to {last}"));
                    p.found = Some(pin.to_string());
                } else if s + dur > horizon && dur <= horizon {
                    let p = self.at(
                        format!("initiatives[{i}].start"),
                        format!(
                            "initiative `{}` would finish after the planning horizon",
                            init.id
                        ),
                    );
                    p.expected = Some(format!(
                        "a start no later than {} so that its {dur} months end by {last}",
                        start.plus(horizon - dur)
                    ));
                    p.found = Some(format!("{pin}, finishing {}", pin.plus(dur - 1)));
                }
            }
            if let Some(by) = init.done_by
                && !matches!(init.status, Status::Done | Status::Cancelled)
            {
                // Its last month of work must be in the plan, and leave room for its months.
                let first_end = init.start.unwrap_or(start).max(start).plus(dur - 1);
                if by > last || by < first_end {
                    let p = self.at(
                        format!("initiatives[{i}].done_by"),
                        format!("initiative `{}` cannot be done by {by}", init.id),
                    );
                    p.expected = Some(format!(
                        "a month from {first_end} (its {dur} months from {}) to {last} (the end of the planning horizon)",
                        init.start.unwrap_or(start).max(start)
                    ));
                    p.found = Some(by.to_string());
                    p.hint = Some(if by > last {
                        "lengthen the horizon, or remove `done_by` when it need not be done within the plan".into()
                    } else {
                        "a deadline already missed is met as soon as possible: set `done_by` to the first month it can be done by".into()
                    });
                }
            }
            if let (Some(started), Some(launched)) = (init.started, init.launched)
                && launched < started
            {
                let p = self.at(
                    format!("initiatives[{i}].launched"),
                    format!("initiative `{}` launched before it started", init.id),
                );
                p.expected = Some(format!("{started} (`started`) or a later day"));
                p.found = Some(launched.to_string());
            }
            if let Some(cf) = &init.cash_flows {
                let months = cf.values.len() as i32 * cf.period.months() as i32;
                let offset = init.start.map_or(0, |p| p.since(start).max(0));
                if offset + months > eval {
                    let p = self.at(
                        format!("initiatives[{i}].cash_flows.values"),
                        format!(
                            "the cash flows of `{}` run past the evaluation horizon",
                            init.id
                        ),
                    );
                    p.expected = Some(format!(
                        "flows ending by {eval_last} (organization.evaluation_months = {eval})"
                    ));
                    p.found = Some(format!(
                        "{} periods of {} month(s) from month {offset}",
                        cf.values.len(),
                        cf.period.months()
                    ));
                    p.hint = Some("drop the later periods or lengthen evaluation_months".into());
                }
                if cf.values.is_empty() {
                    let p = self.at(
                        format!("initiatives[{i}].cash_flows.values"),
                        "explicit cash flows need at least one value",
                    );
                    p.expected = Some("a list of numbers".into());
                    p.found = Some("an empty list".into());
                }
            }
        }
        for (s, sys) in doc.systems.iter().enumerate() {
            if let (Some(installed), Some(eol)) = (sys.installed, sys.end_of_life)
                && eol < installed
            {
                let p = self.at(
                    format!("systems[{s}].end_of_life"),
                    format!(
                        "the system “{}” reaches end of life before it was installed",
                        sys.name
                    ),
                );
                p.expected = Some(format!("{installed} or a later month"));
                p.found = Some(eol.to_string());
            }
        }
    }

    fn budgets(&mut self, doc: &PlanDoc) {
        let org = &doc.organization;
        let fys = org.fiscal_year_start;
        let first = org.start;
        let last = org.start.plus(org.horizon_months as i32 - 1);
        let mut seen: HashMap<BudgetPeriod, usize> = HashMap::new();
        let years: HashSet<i32> = doc
            .constraints
            .budget
            .iter()
            .filter_map(|b| match b.period {
                BudgetPeriod::Year(y) => Some(y),
                BudgetPeriod::Quarter(..) => None,
            })
            .collect();
        for (b, budget) in doc.constraints.budget.iter().enumerate() {
            let path = format!("constraints.budget[{b}].period");
            if let Some(prev) = seen.insert(budget.period, b) {
                let first = self
                    .source
                    .original_path(&format!("constraints.budget[{prev}]"));
                let p = self.at(
                    path.clone(),
                    format!("budget period {} is given twice", budget.period),
                );
                p.expected = Some("each period once".into());
                p.found = Some(format!("a second entry (the first is {first})"));
            }
            let (p_first, n) = budget.period.months(fys);
            let p_last = p_first.plus(n as i32 - 1);
            if p_last < first || p_first > last {
                let p = self.at(
                    path.clone(),
                    format!("budget period {} lies outside the plan", budget.period),
                );
                p.expected = Some(format!("a fiscal period overlapping {first} to {last}"));
                p.found = Some(format!("{} ({p_first} to {p_last})", budget.period));
            }
            if let BudgetPeriod::Quarter(y, _) = budget.period
                && years.contains(&y)
            {
                let p = self.at(
                    path,
                    format!(
                        "budget is given both for fiscal year {y} and for its quarter {}",
                        budget.period
                    ),
                );
                p.expected =
                    Some("budgets by year or by quarter within one fiscal year, not both".into());
                p.found = Some(format!("{y} and {}", budget.period));
            }
        }
    }
}
