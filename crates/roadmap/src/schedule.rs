//! A schedule (a start month or none per item), the resources it uses, and an independent
//! checker of every constraint of the model.

use crate::instance::Instance;

/// A start month (0-based) or none for each item of an instance.
pub type Starts = Vec<Option<u32>>;

/// The objective value of a schedule.
pub fn objective(inst: &Instance, starts: &[Option<u32>]) -> f64 {
    starts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| inst.items[i].value[s as usize]))
        .sum()
}

/// The net present value of a schedule.
pub fn npv(inst: &Instance, starts: &[Option<u32>]) -> f64 {
    starts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| inst.items[i].npv[s as usize]))
        .sum()
}

/// Resource use of a partial schedule, updated as items are placed and removed.
#[derive(Debug, Clone)]
pub struct Usage {
    /// Spend per budget limit.
    pub spend: Vec<f64>,
    /// Staff hours per month.
    pub hours: Vec<f64>,
    /// Initiatives under way per month.
    pub running: Vec<u32>,
    /// Total implementation spend, and the part on exploration.
    pub total: f64,
    /// Implementation spend on exploration.
    pub explore: f64,
}

const EPS: f64 = 1e-6;

impl Usage {
    /// Nothing placed.
    pub fn new(inst: &Instance) -> Usage {
        Usage {
            spend: vec![0.0; inst.budgets.len()],
            hours: vec![0.0; inst.horizon as usize],
            running: vec![0; inst.horizon as usize],
            total: 0.0,
            explore: 0.0,
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) item `i` started in `s`.
    pub fn apply(&mut self, inst: &Instance, i: usize, s: u32, sign: f64) {
        let item = &inst.items[i];
        for b in 0..inst.budgets.len() {
            self.spend[b] += sign * inst.spend_in(i, s, b);
        }
        for t in s..s + item.duration {
            self.hours[t as usize] += sign * item.effort;
            if sign > 0.0 {
                self.running[t as usize] += 1;
            } else {
                self.running[t as usize] -= 1;
            }
        }
        self.total += sign * item.cost;
        if item.explore {
            self.explore += sign * item.cost;
        }
    }

    /// Whether item `i` started in `s` fits the budgets, staff hours and concurrency left.
    pub fn fits(&self, inst: &Instance, i: usize, s: u32) -> bool {
        self.blocker(inst, i, s).is_none()
    }

    /// The first resource that item `i` started in `s` would overrun, if any.
    pub fn blocker(&self, inst: &Instance, i: usize, s: u32) -> Option<Family> {
        let item = &inst.items[i];
        if s + item.duration > inst.horizon {
            return Some(Family::Horizon);
        }
        for (b, lim) in inst.budgets.iter().enumerate() {
            let add = inst.spend_in(i, s, b);
            if add > 0.0 && self.spend[b] + add > lim.amount + EPS * (1.0 + lim.amount) {
                return Some(Family::Budget);
            }
        }
        let range = s as usize..(s + item.duration) as usize;
        if let Some(cap) = inst.staff_hours
            && item.effort > 0.0
            && self.hours[range.clone()]
                .iter()
                .any(|h| h + item.effort > cap + EPS * (1.0 + cap))
        {
            return Some(Family::Staff);
        }
        if let Some(k) = inst.max_concurrent
            && self.running[range].iter().any(|&r| r + 1 > k)
        {
            return Some(Family::Concurrency);
        }
        None
    }

    /// Whether the exploration share is met.
    pub fn explore_ok(&self, inst: &Instance) -> bool {
        inst.min_explore_share
            .is_none_or(|share| self.explore + EPS * (1.0 + self.total) >= share * self.total)
    }
}

/// A family of constraints of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Completion within the planning horizon and by each deadline (`done_by`), with pins and
    /// delays.
    Horizon,
    /// Mandatory initiatives.
    Mandatory,
    /// Dependencies.
    Dependencies,
    /// Budgets by fiscal period.
    Budget,
    /// Staff hours a month.
    Staff,
    /// At most `max_concurrent` under way.
    Concurrency,
    /// Minimum share of spend on exploration.
    ExploreShare,
}

impl Family {
    /// Its name in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Family::Horizon => {
                "completion within the planning horizon and by each deadline (done_by)"
            }
            Family::Mandatory => "mandatory initiatives",
            Family::Dependencies => "dependencies",
            Family::Budget => "budget by period",
            Family::Staff => "staff hours per month",
            Family::Concurrency => "at most max_concurrent under way",
            Family::ExploreShare => "minimum share of spend on exploration",
        }
    }

    /// In the owner's words, for the pages and the reports: "the budget of each year".
    pub fn plain(self) -> &'static str {
        match self {
            Family::Horizon => "the plan's months and the initiatives' deadlines",
            Family::Mandatory => "the initiatives that must be done",
            Family::Dependencies => "what each initiative needs done first",
            Family::Budget => "the budget of each year",
            Family::Staff => "the staff hours a month for changes",
            Family::Concurrency => "how many changes may run at once",
            Family::ExploreShare => "the least share of spend on new business",
        }
    }

    /// Where it is changed in the pages, for a report read away from them: "the Business page,
    /// under Money and limits".
    pub fn changed_on(self) -> &'static str {
        match self {
            Family::Horizon => "the Business page, under the profile",
            Family::Mandatory | Family::Dependencies => "the Initiatives page",
            Family::Budget | Family::Staff | Family::Concurrency | Family::ExploreShare => {
                "the Business page, under money and limits"
            }
        }
    }
}

/// Every constraint a schedule breaks, described; empty when it is feasible. This recomputes
/// everything from the model's definitions and shares no state with the optimiser.
pub fn violations(inst: &Instance, starts: &[Option<u32>]) -> Vec<String> {
    let mut out = Vec::new();
    if starts.len() != inst.items.len() {
        out.push(format!(
            "schedule has {} entries for {} initiatives",
            starts.len(),
            inst.items.len()
        ));
        return out;
    }
    let t_max = inst.horizon as usize;
    let mut spend = vec![0.0; t_max];
    let mut hours = vec![0.0; t_max];
    let mut running = vec![0u32; t_max];
    let mut groups = vec![0u32; inst.groups];
    let (mut total, mut explore) = (0.0, 0.0);
    for (i, item) in inst.items.iter().enumerate() {
        let Some(s) = starts[i] else {
            if item.mandatory {
                out.push(format!("mandatory `{}` is not scheduled", item.id));
            }
            continue;
        };
        if s < item.earliest || item.latest.is_none_or(|l| s > l) {
            out.push(format!(
                "`{}` starts in month {s}, outside its allowed starts",
                item.id
            ));
        }
        let end = s + item.duration;
        if end > inst.horizon {
            out.push(format!("`{}` finishes after the horizon", item.id));
            continue;
        }
        for &d in &item.deps {
            match starts[d] {
                None => out.push(format!(
                    "`{}` is scheduled but `{}`, which it depends on, is not",
                    item.id, inst.items[d].id
                )),
                Some(sd) if sd + inst.items[d].duration > s => out.push(format!(
                    "`{}` starts in month {s} before `{}` finishes",
                    item.id, inst.items[d].id
                )),
                _ => {}
            }
        }
        if let Some(g) = item.group {
            groups[g] += 1;
        }
        for t in s..end {
            spend[t as usize] += item.cost / item.duration as f64;
            hours[t as usize] += item.effort;
            running[t as usize] += 1;
        }
        total += item.cost;
        if item.explore {
            explore += item.cost;
        }
    }
    for (g, n) in groups.iter().enumerate() {
        if *n > 1 {
            out.push(format!("{n} alternatives of group {g} are scheduled"));
        }
    }
    for lim in &inst.budgets {
        let used: f64 = (lim.first.max(0)..=lim.last.min(t_max as i32 - 1))
            .map(|t| spend[t as usize])
            .sum();
        if used > lim.amount * (1.0 + 1e-9) + 1e-6 {
            out.push(format!(
                "spend {used:.2} in {} exceeds its budget {:.2}",
                lim.period, lim.amount
            ));
        }
    }
    for t in 0..t_max {
        if let Some(cap) = inst.staff_hours
            && hours[t] > cap * (1.0 + 1e-9) + 1e-6
        {
            out.push(format!(
                "month {t} needs {} staff hours, {cap} available",
                hours[t]
            ));
        }
        if let Some(k) = inst.max_concurrent
            && running[t] > k
        {
            out.push(format!(
                "month {t} has {} initiatives under way, at most {k}",
                running[t]
            ));
        }
    }
    if let Some(share) = inst.min_explore_share
        && explore < share * total - 1e-6 * (1.0 + total)
    {
        out.push(format!(
            "exploration is {explore:.2} of {total:.2} spend, below the share {share}"
        ));
    }
    out
}
