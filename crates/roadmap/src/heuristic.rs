//! Schedules built by rules: the baseline users know (rank by value per dollar, each at its
//! earliest feasible month) and the optimiser's starting schedules (greedy placement at the
//! best feasible month, then local improvement).

use std::time::Instant;

use crate::instance::Instance;
use crate::schedule::{Starts, Usage, objective};
use crate::stop::Stop;

/// Where a greedy pass puts an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The earliest month that fits (the baseline's rule).
    Earliest,
    /// The feasible month of highest value.
    Best,
}

/// Items that must be scheduled: mandatory ones and everything they depend on.
pub fn required(inst: &Instance) -> Vec<bool> {
    let mut req: Vec<bool> = inst.items.iter().map(|x| x.mandatory).collect();
    let mut stack: Vec<usize> = (0..req.len()).filter(|&i| req[i]).collect();
    while let Some(i) = stack.pop() {
        for &d in &inst.items[i].deps {
            if !req[d] {
                req[d] = true;
                stack.push(d);
            }
        }
    }
    req
}

/// State of a schedule under construction.
#[derive(Debug, Clone)]
pub struct Builder<'a> {
    inst: &'a Instance,
    /// The schedule so far.
    pub starts: Starts,
    /// Resources used so far.
    pub usage: Usage,
    group_used: Vec<bool>,
}

impl<'a> Builder<'a> {
    /// An empty schedule.
    pub fn new(inst: &'a Instance) -> Builder<'a> {
        Builder {
            inst,
            starts: vec![None; inst.items.len()],
            usage: Usage::new(inst),
            group_used: vec![false; inst.groups],
        }
    }

    /// A builder holding the given schedule (assumed feasible).
    pub fn from_starts(inst: &'a Instance, starts: &[Option<u32>]) -> Builder<'a> {
        let mut b = Builder::new(inst);
        for (i, s) in starts.iter().enumerate() {
            if let Some(s) = *s {
                b.place(i, s);
            }
        }
        b
    }

    /// The first month `i` may start given what is placed, or `None` if a prerequisite is not.
    pub fn ready_from(&self, i: usize) -> Option<u32> {
        let item = &self.inst.items[i];
        let mut lo = item.earliest;
        for &d in &item.deps {
            lo = lo.max(self.starts[d]? + self.inst.items[d].duration);
        }
        Some(lo)
    }

    /// The month to start `i` in under the rule, if any fits.
    pub fn slot(&self, i: usize, rule: Placement) -> Option<u32> {
        let item = &self.inst.items[i];
        if item.group.is_some_and(|g| self.group_used[g]) {
            return None;
        }
        let lo = self.ready_from(i)?;
        let hi = item.latest?;
        if !self.explore_allows(i) {
            return None;
        }
        // Dependents already placed bound the latest finish.
        let mut hi = hi;
        for (j, other) in self.inst.items.iter().enumerate() {
            if let Some(sj) = self.starts[j]
                && other.deps.contains(&i)
            {
                hi = hi.min(sj.checked_sub(item.duration)?);
            }
        }
        let mut best: Option<u32> = None;
        for s in lo..=hi {
            if !self.usage.fits(self.inst, i, s) {
                continue;
            }
            match rule {
                Placement::Earliest => return Some(s),
                Placement::Best => {
                    if best.is_none_or(|b| item.value[s as usize] > item.value[b as usize]) {
                        best = Some(s);
                    }
                }
            }
        }
        best
    }

    /// The first feasible month at or after `from`, if any.
    pub fn slot_from(&self, i: usize, from: u32) -> Option<u32> {
        let item = &self.inst.items[i];
        if item.group.is_some_and(|g| self.group_used[g]) || !self.explore_allows(i) {
            return None;
        }
        let lo = self.ready_from(i)?.max(from);
        let hi = item.latest?;
        (lo..=hi).find(|&s| self.usage.fits(self.inst, i, s) && !self.blocks_dependants(i, s))
    }

    fn explore_allows(&self, i: usize) -> bool {
        let item = &self.inst.items[i];
        match self.inst.min_explore_share {
            Some(share) if !item.explore => {
                self.usage.explore + 1e-6 >= share * (self.usage.total + item.cost)
            }
            _ => true,
        }
    }

    /// Puts `i` at `s`.
    pub fn place(&mut self, i: usize, s: u32) {
        self.starts[i] = Some(s);
        self.usage.apply(self.inst, i, s, 1.0);
        if let Some(g) = self.inst.items[i].group {
            self.group_used[g] = true;
        }
    }

    /// Takes `i` out.
    pub fn remove(&mut self, i: usize) {
        if let Some(s) = self.starts[i].take() {
            self.usage.apply(self.inst, i, s, -1.0);
            if let Some(g) = self.inst.items[i].group {
                self.group_used[g] = false;
            }
        }
    }

    /// Places the items of `order` that fit, in passes until nothing more can be placed.
    /// With `only_gain`, an item is placed only where its value is positive.
    pub fn fill(&mut self, order: &[usize], rule: Placement, only_gain: bool) {
        loop {
            let mut changed = false;
            for &i in order {
                if self.starts[i].is_some() {
                    continue;
                }
                if let Some(s) = self.slot(i, rule)
                    && (!only_gain || self.inst.items[i].value[s as usize] > 0.0)
                {
                    self.place(i, s);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Whether starting `i` in `s` would finish after a placed dependant starts.
    fn blocks_dependants(&self, i: usize, s: u32) -> bool {
        let end = s + self.inst.items[i].duration;
        self.inst
            .items
            .iter()
            .enumerate()
            .any(|(j, x)| x.deps.contains(&i) && self.starts[j].is_some_and(|sj| sj < end))
    }

    /// Items placed that depend on `i`.
    fn has_dependents(&self, i: usize) -> bool {
        self.inst
            .items
            .iter()
            .enumerate()
            .any(|(j, x)| self.starts[j].is_some() && x.deps.contains(&i))
    }
}

/// Mandatory items (and their prerequisites) first, in dependency order, each at its best
/// feasible month. Returns the builder and whether all of them fit.
fn with_required<'a>(inst: &'a Instance, rule: Placement) -> (Builder<'a>, bool) {
    let req = required(inst);
    let mut b = Builder::new(inst);
    let mut ok = true;
    for i in inst.topological_order() {
        if req[i] {
            match b.slot(i, rule) {
                Some(s) => b.place(i, s),
                None => ok = false,
            }
        }
    }
    (b, ok)
}

/// The baseline: rank by value per dollar, schedule each at its earliest feasible month.
pub fn baseline(inst: &Instance) -> Option<Starts> {
    let (mut b, ok) = with_required(inst, Placement::Earliest);
    if !ok {
        return None;
    }
    let es = inst.earliest_starts();
    let mut order: Vec<(usize, f64)> = (0..inst.items.len())
        .filter_map(|i| {
            let s = es[i]?;
            let v = inst.items[i].value[s as usize];
            let c = inst.items[i].cost;
            Some((i, if c > 0.0 { v / c } else { v * 1e12 }))
        })
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let order: Vec<usize> = order.into_iter().map(|(i, _)| i).collect();
    b.fill(&order, Placement::Earliest, true);
    b.usage.explore_ok(inst).then_some(b.starts)
}

/// The plan's own order: its phases one after another. Each initiative of a phase starts at
/// the first month that fits once every earlier phase has finished; initiatives no phase lists
/// come after the last. `rank[i]` is the position of item `i`'s phase (`None`: in no phase).
/// `None` when some initiative does not fit in that order.
pub fn phase_order(inst: &Instance, rank: &[Option<usize>]) -> Option<Starts> {
    let last = rank.iter().flatten().max().map_or(0, |r| r + 1);
    let topo = inst.topological_order();
    let mut b = Builder::new(inst);
    let mut from = 0;
    for r in 0..=last {
        let mut end = from;
        for &i in topo.iter().filter(|&&i| rank[i].unwrap_or(last) == r) {
            let s = b.slot_from(i, from)?;
            b.place(i, s);
            end = end.max(s + inst.items[i].duration);
        }
        from = end;
    }
    b.usage.explore_ok(inst).then_some(b.starts)
}

/// The schedule suggested by the linear relaxation: initiatives in order of how much the
/// relaxation selects them, each at the relaxation's start when that fits, else at its best
/// feasible month; then local improvement. `None` when mandatory initiatives do not fit.
pub fn lp_guided(
    inst: &Instance,
    lp: &[Option<crate::milp::LpItem>],
    deadline: Instant,
    stop: &Stop,
) -> Option<Starts> {
    let req = required(inst);
    let mut b = Builder::new(inst);
    let place = |b: &mut Builder, i: usize| -> bool {
        let Some(target) = lp[i].map(|x| x.start) else {
            return false;
        };
        let item = &inst.items[i];
        let fits = b.ready_from(i).is_some_and(|lo| lo <= target)
            && item.latest.is_some_and(|hi| target <= hi)
            && !item.group.is_some_and(|g| b.group_used[g])
            && b.explore_allows(i)
            && b.usage.fits(inst, i, target)
            && !b.blocks_dependants(i, target);
        // The relaxation's month, else the first feasible month after it, else the best.
        let s = if fits {
            Some(target)
        } else {
            b.slot_from(i, target)
                .or_else(|| b.slot(i, Placement::Best))
        };
        // Placed whatever its own value: the relaxation may select an initiative for what it
        // enables; `prune` takes it out again if nothing it enables is placed.
        match s {
            Some(s) => {
                b.place(i, s);
                true
            }
            None => false,
        }
    };
    for i in inst.topological_order() {
        if req[i] && !place(&mut b, i) {
            return None;
        }
    }
    let mut order: Vec<usize> = (0..inst.items.len())
        .filter(|&i| lp[i].is_some_and(|x| x.selected > 1e-6))
        .collect();
    // Whole selections first, in the relaxation's chronological order; then fractional ones by
    // how much they are selected.
    let key = |i: usize| {
        let x = lp[i].unwrap_or(crate::milp::LpItem {
            selected: 0.0,
            start: 0,
        });
        let whole = x.selected > 0.999;
        (!whole, if whole { 0.0 } else { -x.selected }, x.start)
    };
    order.sort_by(|&a, &c| {
        let (ka, kc) = (key(a), key(c));
        ka.0.cmp(&kc.0)
            .then(ka.1.total_cmp(&kc.1))
            .then(ka.2.cmp(&kc.2))
            .then(a.cmp(&c))
    });
    loop {
        let mut changed = false;
        for &i in &order {
            if b.starts[i].is_none() && b.ready_from(i).is_some() && place(&mut b, i) {
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    prune(inst, &mut b, &req);
    let mut rest = order.clone();
    rest.extend(orders(inst).into_iter().next().unwrap_or_default());
    b.fill(&rest, Placement::Best, true);
    if !b.usage.explore_ok(inst) {
        return None;
    }
    improve(inst, &mut b, &rest, deadline, stop);
    Some(b.starts)
}

/// Takes out, until none is left, placed initiatives that are not required, lower the
/// objective and enable nothing placed.
fn prune(inst: &Instance, b: &mut Builder, req: &[bool]) {
    loop {
        let drop: Vec<usize> = (0..inst.items.len())
            .filter(|&i| {
                !req[i]
                    && b.starts[i].is_some_and(|s| inst.items[i].value[s as usize] <= 0.0)
                    && !b.has_dependents(i)
            })
            .collect();
        if drop.is_empty() {
            return;
        }
        for i in drop {
            b.remove(i);
        }
    }
}

/// Priority keys tried by the greedy starts.
fn orders(inst: &Instance) -> Vec<Vec<usize>> {
    let es = inst.earliest_starts();
    let best: Vec<f64> = inst
        .items
        .iter()
        .enumerate()
        .map(|(i, x)| match (es[i], x.latest) {
            (Some(e), Some(l)) => (e..=l)
                .map(|s| x.value[s as usize])
                .fold(f64::MIN, f64::max),
            _ => f64::MIN,
        })
        .collect();
    let keys: [&dyn Fn(usize) -> f64; 4] = [
        &|i| best[i],
        &|i| best[i] / (inst.items[i].cost + 1.0),
        &|i| best[i] / (inst.items[i].cost * inst.items[i].duration as f64 + 1.0),
        &|i| best[i] / (inst.items[i].effort * inst.items[i].duration as f64 + 1.0),
    ];
    keys.iter()
        .map(|k| {
            let mut o: Vec<usize> = (0..inst.items.len()).filter(|&i| best[i] > 0.0).collect();
            o.sort_by(|&a, &b| k(b).total_cmp(&k(a)).then(a.cmp(&b)));
            o
        })
        .collect()
}

/// The best schedule found by greedy passes and local improvement before `deadline` (or the
/// caller's `stop`), or `None` when the mandatory initiatives could not all be placed this way.
pub fn incumbent(inst: &Instance, deadline: Instant, stop: &Stop) -> Option<Starts> {
    let mut best: Option<(f64, Starts)> = None;
    for order in orders(inst) {
        let (mut b, ok) = with_required(inst, Placement::Best);
        if !ok {
            return None;
        }
        b.fill(&order, Placement::Best, true);
        if !b.usage.explore_ok(inst) {
            continue;
        }
        improve(inst, &mut b, &order, deadline, stop);
        let v = objective(inst, &b.starts);
        if best.as_ref().is_none_or(|(bv, _)| v > *bv) {
            best = Some((v, b.starts));
        }
        if stop.over(deadline) {
            break;
        }
    }
    if let Some(base) = baseline(inst) {
        let v = objective(inst, &base);
        if best.as_ref().is_none_or(|(bv, _)| v > *bv) {
            best = Some((v, base));
        }
    }
    best.map(|(_, s)| s)
}

/// Local search: move each placed item to its best month; swap one placed item out for one
/// left out when that gains. Stops at `deadline` or when the caller asks.
fn improve(inst: &Instance, b: &mut Builder, order: &[usize], deadline: Instant, stop: &Stop) {
    let req = required(inst);
    for _round in 0..20 {
        let mut gained = false;
        // Moves.
        for i in 0..inst.items.len() {
            // Each move searches every month of an item: on thousands of items a pass takes
            // long enough that the caller's request to stop is looked at here too.
            if i % 64 == 0 && stop.requested() {
                return;
            }
            let Some(s) = b.starts[i] else { continue };
            b.remove(i);
            let t = b.slot(i, Placement::Best).unwrap_or(s);
            let t = if inst.items[i].value[t as usize] > inst.items[i].value[s as usize] + 1e-9 {
                gained = true;
                t
            } else {
                s
            };
            b.place(i, t);
        }
        // Swaps: drop one, add others.
        for (k, &needed) in req.iter().enumerate() {
            if stop.over(deadline) {
                return;
            }
            if b.starts[k].is_none() || needed || b.has_dependents(k) {
                continue;
            }
            let before = objective(inst, &b.starts);
            let saved = b.clone();
            b.remove(k);
            let rest: Vec<usize> = order.iter().copied().filter(|&i| i != k).collect();
            b.fill(&rest, Placement::Best, true);
            // k may go back elsewhere.
            if b.starts[k].is_none()
                && let Some(s) = b.slot(k, Placement::Best)
                && inst.items[k].value[s as usize] > 0.0
            {
                b.place(k, s);
            }
            let after = objective(inst, &b.starts);
            if after > before + 1e-6 && b.usage.explore_ok(inst) {
                gained = true;
            } else {
                *b = saved;
            }
        }
        if !gained {
            break;
        }
    }
}
