//! Monte Carlo business cases: draws every three-point estimate (costs, benefits, durations)
//! from a PERT or triangular distribution and fires each quantified risk with its probability,
//! on a fixed schedule, and reports the spread of portfolio NPV and spend, the chance of losing
//! money or overrunning a budget, when each initiative finishes, and which input moves NPV most.
//!
//! Trials run in chunks of [`CHUNK`]; chunk `c` draws from ChaCha8 seeded with the seed and
//! using stream `c`, so the numbers depend on the seed alone, never on the number of threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Triangular};
use rayon::prelude::*;
use serde::Serialize;
use sextant_core::Plan;
use sextant_core::finance;
use sextant_core::model::{BenefitKind, Estimate, MonthsEstimate};

use crate::instance::Instance;
use crate::schedule::Starts;
use crate::solve::{self, Options, SolveStatus};

/// Which schedule a simulation draws around.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The optimised roadmap.
    #[default]
    Optimised,
    /// The plan's own starts: pinned months, month 0 otherwise.
    Plan,
}

/// The schedule `sextant simulate` and the server's simulation draw around: the optimised
/// roadmap of `inst` (searched within `opts`), or the plan's own schedule (pinned starts,
/// month 0 otherwise, one per group of alternatives, the best by NPV, cancelled and done
/// initiatives left out). The optimised roadmap's status when it has no schedule.
pub fn schedule(
    plan: &Plan,
    inst: &Instance,
    which: Which,
    opts: &Options,
) -> Result<Starts, SolveStatus> {
    match which {
        Which::Optimised => {
            let sol = solve::optimise(inst, opts);
            match sol.status {
                SolveStatus::Optimal | SolveStatus::Feasible => Ok(sol.starts),
                other => Err(other),
            }
        }
        Which::Plan => {
            let doc = plan.doc();
            let cases: Vec<_> = doc
                .initiatives
                .iter()
                .map(|i| sextant_core::case::business_case(plan, i))
                .collect();
            let members = sextant_core::case::portfolio_members(plan, &cases);
            Ok(inst
                .items
                .iter()
                .map(|item| {
                    members.contains(&item.plan_index).then(|| {
                        sextant_core::case::start_of(plan, &doc.initiatives[item.plan_index])
                    })
                })
                .collect())
        }
    }
}

/// Trials per chunk (the unit of parallel work and of random streams).
pub const CHUNK: usize = 1024;

/// Trials of a chunk drawn together, distribution by distribution (a chunk's last block may be
/// shorter): 128 trials' draws of the 50-initiative benchmark plan take about 200 KB, within a
/// core's second-level cache.
const BLOCK: usize = 128;

/// The shape drawn between low and high.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// PERT (a beta distribution weighted towards `likely`).
    #[default]
    Pert,
    /// Triangular.
    Triangular,
}

/// A three-point estimate as numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Three {
    /// Lowest.
    pub low: f64,
    /// Most likely.
    pub likely: f64,
    /// Highest.
    pub high: f64,
}

impl Three {
    fn of(e: &Estimate) -> Three {
        Three {
            low: e.low.to_f64(),
            likely: e.likely.to_f64(),
            high: e.high.to_f64(),
        }
    }

    fn months(e: &MonthsEstimate) -> Three {
        Three {
            low: e.low.max(1) as f64,
            likely: e.months() as f64,
            high: e.high.max(1) as f64,
        }
    }

    fn uncertain(&self) -> bool {
        self.high > self.low
    }
}

/// A three-point estimate ready to draw from: its distribution built once per simulation
/// rather than once per draw (the same numbers: a distribution's construction draws nothing).
#[derive(Debug, Clone)]
enum Dist {
    /// Certain (or with no valid distribution): the likely value, drawing nothing.
    Fixed(f64),
    Pert(PertDraw),
    Triangular(Triangular<f64>),
}

/// The PERT distribution on `low..high` with mode `likely` (shape 4): `low + (high - low) B`
/// with `B ~ Beta(α, β)`, `α = 1 + 4 (likely - low) / (high - low)`, `β = 1 + 4 (high -
/// likely) / (high - low)`, the parameters of `rand_distr::Pert`.
///
/// `B` is drawn by rejection from a table built once per distribution (the method of Ahrens,
/// as in Hörmann, Leydold and Derflinger, *Automatic Nonuniform Random Variate Generation*,
/// 2004): `[0, 1]` is cut into [`BINS`] bins of equal width; over each, a hat (the beta density's
/// largest value on the bin, which is unimodal for `α, β ≥ 1`) and a squeeze (its smallest).
/// A draw picks a bin with probability in proportion to its hat (Walker's alias method), a
/// point uniformly within it, and a height uniformly under the hat: below the squeeze the point
/// is kept at once (nearly every draw), above the density it is refused and drawn again,
/// otherwise kept. Exact, like any rejection method; two 64-bit random numbers and no
/// logarithm on nearly every draw: 6.6 times as fast as `rand_distr::Pert` in `sextant bench
/// simulate` (docs/benchmarks.md).
#[derive(Debug, Clone)]
struct PertDraw {
    low: f64,
    span: f64,
    /// `α - 1` and `β - 1`: the density is proportional to `x^(α-1) (1 - x)^(β-1)`.
    a1: f64,
    b1: f64,
    bins: Box<[Bin]>,
}

/// Bins of a [`PertDraw`]'s table.
const BINS: usize = 256;

/// One bin of a [`PertDraw`]'s table.
#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    /// The chance, out of 2^32, that a draw landing here keeps this bin rather than `alias`.
    keep: u32,
    alias: u32,
    /// The squeeze over the hat, out of 2^32 (rounded down): a height below it is under the
    /// density anywhere in the bin.
    squeeze: u32,
    /// The hat: at least the (unnormalised) density anywhere in the bin.
    hat: f64,
}

impl PertDraw {
    /// `None` unless `low <= likely <= high` and `low < high`, all finite.
    fn new(t: &Three) -> Option<PertDraw> {
        let span = t.high - t.low;
        let valid = t.low.is_finite()
            && t.high.is_finite()
            && span > 0.0
            && span.is_finite()
            && (t.low..=t.high).contains(&t.likely);
        if !valid {
            return None;
        }
        let a1 = (4.0 * (t.likely - t.low) / span).clamp(0.0, 4.0);
        let b1 = 4.0 - a1;
        let density = |x: f64| beta_density(a1, b1, x);
        // The mode, (α - 1) / (α + β - 2), with α + β = 6.
        let mode = a1 / 4.0;
        let edge: Vec<f64> = (0..=BINS)
            .map(|i| density(i as f64 / BINS as f64))
            .collect();
        let mut bins = vec![Bin::default(); BINS].into_boxed_slice();
        for (i, bin) in bins.iter_mut().enumerate() {
            let (l, r) = (i as f64 / BINS as f64, (i + 1) as f64 / BINS as f64);
            let (left, right) = (edge[i], edge[i + 1]);
            let (top, bottom) = if r <= mode {
                (right, left)
            } else if l >= mode {
                (left, right)
            } else {
                (density(mode), left.min(right))
            };
            // Margins far beyond the rounding of `powf`, so that the hat is above the density
            // and the squeeze below it as computed.
            bin.hat = top * (1.0 + 1e-9);
            bin.squeeze = (bottom * (1.0 - 1e-9) / bin.hat * 4_294_967_296.0) as u32;
        }
        alias(&mut bins);
        Some(PertDraw {
            low: t.low,
            span,
            a1,
            b1,
            bins,
        })
    }

    #[inline]
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        use rand::RngCore;
        const TO_UNIT: f64 = 1.0 / 4_294_967_296.0;
        loop {
            let r = rng.next_u64();
            let i = r as usize % BINS;
            let bin = self.bins[i];
            // Kept or not is a coin toss to the processor: a select, not a branch.
            let j = std::hint::select_unpredictable(
                ((r >> 32) as u32) < bin.keep,
                i,
                bin.alias as usize,
            );
            let bin = self.bins[j];
            let s = rng.next_u64();
            let x = (j as f64 + (s as u32) as f64 * TO_UNIT) / BINS as f64;
            let height = (s >> 32) as u32;
            if height < bin.squeeze
                || (height as f64 + 0.5) * TO_UNIT * bin.hat <= beta_density(self.a1, self.b1, x)
            {
                return self.low + self.span * x;
            }
        }
    }
}

/// The beta density at `x` in `[0, 1]` up to its constant, `x^a1 (1 - x)^b1` with `a1 = α - 1`
/// and `b1 = β - 1` (`0^0 = 1`: the right value at an end where α or β is 1).
#[inline]
fn beta_density(a1: f64, b1: f64, x: f64) -> f64 {
    x.powf(a1) * (1.0 - x).powf(b1)
}

/// What [`pert_draw_times`] measured.
#[derive(Debug, Clone, Copy)]
pub struct PertDrawTimes {
    /// Draws from each method.
    pub draws: usize,
    /// Seconds for `rand_distr::Pert` (its beta by Cheng's rejection): the baseline.
    pub baseline_seconds: f64,
    /// Seconds for the table a simulation draws from.
    pub table_seconds: f64,
    /// The largest distance, in standard errors, between the two methods' sample means over
    /// the shapes drawn.
    pub worst_mean_gap: f64,
}

/// Times `draws` PERT draws by `rand_distr::Pert` against as many from the table a simulation
/// uses, on the same stream, over PERT(0, m, 100) with the mode `m` at 0, 10, 25, 37, 50, 90
/// and 100 (equal shares), for `sextant bench simulate`. The tables are built before the clock
/// starts (as a simulation builds them once).
pub fn pert_draw_times(draws: usize, seed: u64) -> PertDrawTimes {
    use std::time::Instant;
    let modes = [0.0, 10.0, 25.0, 37.0, 50.0, 90.0, 100.0];
    let each = (draws / modes.len()).max(2);
    let mut baseline_seconds = 0.0;
    let mut table_seconds = 0.0;
    let mut worst_mean_gap: f64 = 0.0;
    for (k, &m) in modes.iter().enumerate() {
        let t = Three {
            low: 0.0,
            likely: m,
            high: 100.0,
        };
        let Some(table) = PertDraw::new(&t) else {
            continue;
        };
        let Ok(pert) = rand_distr::Pert::new(0.0, 100.0).with_mode(m) else {
            continue;
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(k as u64);
        let clock = Instant::now();
        let a: f64 = (0..each).map(|_| pert.sample(&mut rng)).sum();
        baseline_seconds += clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let b: f64 = (0..each).map(|_| table.sample(&mut rng)).sum();
        table_seconds += clock.elapsed().as_secs_f64();
        // The beta's standard deviation, scaled by 100: α + β = 6.
        let alpha = 1.0 + 4.0 * m / 100.0;
        let sd = 100.0 * (alpha * (6.0 - alpha) / 252.0).sqrt();
        let se = sd * (2.0 / each as f64).sqrt();
        worst_mean_gap = worst_mean_gap.max((a - b).abs() / each as f64 / se);
    }
    PertDrawTimes {
        draws: each * modes.len(),
        baseline_seconds,
        table_seconds,
        worst_mean_gap,
    }
}

/// Walker's alias table over the bins' hats (Vose's construction, "A linear algorithm for
/// generating random numbers with a given distribution", IEEE Trans. Software Eng. 17, 1991):
/// bin `i` is landed on with probability `1 / BINS` and kept with `keep / 2^32`, or left for
/// its alias, so that each bin is chosen in proportion to its hat.
fn alias(bins: &mut [Bin]) {
    let n = bins.len();
    let total: f64 = bins.iter().map(|b| b.hat).sum();
    let mut share: Vec<f64> = bins.iter().map(|b| b.hat * n as f64 / total).collect();
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| share[i] < 1.0);
    for (i, b) in bins.iter_mut().enumerate() {
        b.alias = i as u32;
        b.keep = u32::MAX;
    }
    while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
        small.pop();
        bins[s].keep = (share[s] * 4_294_967_296.0) as u32;
        bins[s].alias = l as u32;
        share[l] -= 1.0 - share[s];
        if share[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    // What is left has a share of 1 up to rounding: always kept (set above).
}

impl Dist {
    fn of(t: &Three, shape: Shape) -> Dist {
        if !t.uncertain() {
            return Dist::Fixed(t.likely);
        }
        match shape {
            Shape::Pert => PertDraw::new(t).map_or(Dist::Fixed(t.likely), Dist::Pert),
            Shape::Triangular => Triangular::new(t.low, t.high, t.likely)
                .map_or(Dist::Fixed(t.likely), Dist::Triangular),
        }
    }

    #[inline]
    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Pert(d) => d.sample(rng),
            Dist::Triangular(d) => d.sample(rng),
        }
    }

    /// One draw for each trial of `draws`, handed to `put` in order.
    #[inline]
    fn fill(&self, rng: &mut ChaCha8Rng, draws: &mut [Draw], mut put: impl FnMut(&mut Draw, f64)) {
        match self {
            Dist::Fixed(v) => draws.iter_mut().for_each(|d| put(d, *v)),
            Dist::Pert(x) => draws.iter_mut().for_each(|d| put(d, x.sample(rng))),
            Dist::Triangular(x) => draws.iter_mut().for_each(|d| put(d, x.sample(rng))),
        }
    }
}

/// A model's estimates ready to draw from in one shape, in the order a trial draws them.
struct Prepared {
    cost: Vec<Dist>,
    recurring: Vec<Dist>,
    /// Per item: (profit per unit, the estimate) per benefit.
    benefits: Vec<Vec<(f64, Dist)>>,
    duration: Vec<Dist>,
    /// Per risk: probability, cost, delay.
    risks: Vec<(f64, Dist, Dist)>,
}

/// A quantified risk.
#[derive(Debug, Clone)]
struct RiskIn {
    id: String,
    /// Index of the scheduled item it hits; `None` for a risk of the whole plan.
    item: Option<usize>,
    probability: f64,
    cost: Three,
    delay: Three,
}

/// One initiative's uncertain inputs.
#[derive(Debug, Clone)]
struct ItemIn {
    id: String,
    start: u32,
    deps: Vec<usize>,
    cost: Three,
    recurring: Three,
    /// (profit per unit of the benefit, the estimate), one per benefit.
    benefits: Vec<(f64, Three)>,
    duration: Three,
    /// Explicit flows from its own start, when given (shifted, not redrawn).
    explicit: Option<Vec<f64>>,
}

/// The model of one trial.
#[derive(Debug, Clone)]
pub struct Model {
    items: Vec<ItemIn>,
    risks: Vec<RiskIn>,
    delta: f64,
    horizon: u32,
    evaluation: u32,
    /// (name, first month, last month, amount)
    budgets: Vec<(String, i32, i32, f64)>,
    /// `delta^t` for `t` up to the evaluation horizon (as `powi` computes it).
    discount: Vec<f64>,
}

/// One trial's drawn values.
#[derive(Debug, Clone, Default)]
struct Draw {
    cost: Vec<f64>,
    recurring: Vec<f64>,
    benefit: Vec<f64>,
    duration: Vec<u32>,
    /// Per risk: fired, cost, delay months.
    risk: Vec<(bool, f64, u32)>,
}

/// One trial's result, with the working space of [`Model::run`] kept from trial to trial.
#[derive(Debug, Clone, Default)]
struct Outcome {
    npv: f64,
    spend: f64,
    over: Vec<bool>,
    finish: Vec<u32>,
    extra: Vec<f64>,
    delay: Vec<u32>,
    budget_use: Vec<f64>,
    start: Vec<u32>,
    done: Vec<bool>,
}

/// A drawn number of months to the nearest whole month, halves up, 0 for a negative draw (and
/// `u32::MAX` beyond it): a truncating cast of `v + 0.5`, which unlike `f64::round` is one
/// instruction on every x86-64. The two differ only for a draw one unit in the last place below
/// a half (`v + 0.5` then rounds up to the whole number above), a chance of about 1e-16.
#[inline]
fn whole_months(v: f64) -> u32 {
    (v + 0.5) as u32
}

/// Empties `v` and fills it with `n` copies of `x`, keeping its allocation.
fn refill<T: Copy>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

impl Model {
    /// The model of a plan run on the given schedule (items of `inst` with a start).
    pub fn new(plan: &Plan, inst: &Instance, starts: &Starts) -> Model {
        let doc = plan.doc();
        let org = &doc.organization;
        let margin = org.gross_margin.unwrap_or(1.0);
        let mut slot = vec![None; inst.items.len()];
        let mut items = Vec::new();
        for (i, item) in inst.items.iter().enumerate() {
            if let Some(s) = starts[i] {
                slot[i] = Some(items.len());
                let init = &doc.initiatives[item.plan_index];
                items.push(ItemIn {
                    id: item.id.clone(),
                    start: s,
                    deps: Vec::new(),
                    cost: Three::of(&init.one_time_cost),
                    recurring: Three::of(&init.recurring_cost_annual),
                    benefits: init
                        .benefits
                        .iter()
                        .map(|b| {
                            let k = match b.kind {
                                BenefitKind::Revenue => margin,
                                BenefitKind::Saving => 1.0,
                            };
                            (k, Three::of(&b.annual))
                        })
                        .collect(),
                    duration: Three::months(&init.duration_months),
                    explicit: init.cash_flows.as_ref().map(|cf| {
                        let p = cf.period.months() as usize;
                        let mut f = vec![0.0; org.evaluation_months() as usize];
                        for (k, v) in cf.values.iter().enumerate() {
                            if let Some(x) = f.get_mut(k * p) {
                                *x += v.to_f64();
                            }
                        }
                        f
                    }),
                });
            }
        }
        for (i, item) in inst.items.iter().enumerate() {
            if let Some(k) = slot[i] {
                items[k].deps = item.deps.iter().filter_map(|&d| slot[d]).collect();
            }
        }
        let risks = doc
            .risks
            .iter()
            .filter_map(|r| {
                let p = r.probability?;
                let item = match &r.initiative {
                    Some(id) => {
                        // A risk of an initiative that is not scheduled cannot happen.
                        let i = inst.items.iter().position(|x| x.id == id.as_str())?;
                        Some(slot[i]?)
                    }
                    None => None,
                };
                Some(RiskIn {
                    id: r.id.to_string(),
                    item,
                    probability: p,
                    cost: r.cost.as_ref().map_or(
                        Three {
                            low: 0.0,
                            likely: 0.0,
                            high: 0.0,
                        },
                        Three::of,
                    ),
                    delay: r.delay_months.as_ref().map_or(
                        Three {
                            low: 0.0,
                            likely: 0.0,
                            high: 0.0,
                        },
                        Three::of,
                    ),
                })
            })
            .collect();
        let delta = 1.0 / (1.0 + finance::monthly_rate(org.discount_rate));
        Model {
            items,
            risks,
            delta,
            discount: (0..=inst.evaluation as i32)
                .map(|t| delta.powi(t))
                .collect(),
            horizon: inst.horizon,
            evaluation: inst.evaluation,
            budgets: inst
                .budgets
                .iter()
                .map(|b| (b.period.clone(), b.first, b.last, b.amount))
                .collect(),
        }
    }

    /// Keeps only the quantified risks of initiative `id` (a risk of the whole plan or of
    /// another initiative does not belong in that initiative's own business case).
    pub fn keep_risks_of(&mut self, id: &str) {
        let slot = self.items.iter().position(|x| x.id == id);
        self.risks.retain(|r| r.item.is_some() && r.item == slot);
    }

    /// Every input at its most likely value, no risk fired.
    fn likely(&self) -> Draw {
        Draw {
            cost: self.items.iter().map(|x| x.cost.likely).collect(),
            recurring: self.items.iter().map(|x| x.recurring.likely).collect(),
            benefit: self
                .items
                .iter()
                .map(|x| x.benefits.iter().map(|(k, b)| k * b.likely).sum())
                .collect(),
            duration: self
                .items
                .iter()
                .map(|x| x.duration.likely as u32)
                .collect(),
            risk: self.risks.iter().map(|_| (false, 0.0, 0)).collect(),
        }
    }

    /// The model's estimates ready to draw from in `shape`.
    fn prepare(&self, shape: Shape) -> Prepared {
        Prepared {
            cost: self
                .items
                .iter()
                .map(|x| Dist::of(&x.cost, shape))
                .collect(),
            recurring: self
                .items
                .iter()
                .map(|x| Dist::of(&x.recurring, shape))
                .collect(),
            benefits: self
                .items
                .iter()
                .map(|x| {
                    x.benefits
                        .iter()
                        .map(|(k, b)| (*k, Dist::of(b, shape)))
                        .collect()
                })
                .collect(),
            duration: self
                .items
                .iter()
                .map(|x| Dist::of(&x.duration, shape))
                .collect(),
            risks: self
                .risks
                .iter()
                .map(|r| {
                    (
                        r.probability,
                        Dist::of(&r.cost, shape),
                        Dist::of(&r.delay, shape),
                    )
                })
                .collect(),
        }
    }

    /// The draws of a block of trials, one trial per element of `draws` (vectors of the
    /// model's sizes, reused): distribution by distribution, each drawn for every trial of the
    /// block before the next (every cost, every recurring cost, every benefit, every duration,
    /// then each risk: whether it fires, its cost and its delay where it fired), from `rng`.
    /// Drawing one distribution over many trials keeps its constants at hand and decides its
    /// kind once; the numbers depend on the block's size, which is fixed ([`BLOCK`]).
    fn draw_block(&self, p: &Prepared, rng: &mut ChaCha8Rng, draws: &mut [Draw]) {
        use rand::Rng;
        for (k, dist) in p.cost.iter().enumerate() {
            dist.fill(rng, draws, |d, v| d.cost[k] = v);
        }
        for (k, dist) in p.recurring.iter().enumerate() {
            dist.fill(rng, draws, |d, v| d.recurring[k] = v);
        }
        for (k, benefits) in p.benefits.iter().enumerate() {
            for d in draws.iter_mut() {
                d.benefit[k] = 0.0;
            }
            for (per_unit, dist) in benefits {
                dist.fill(rng, draws, |d, v| d.benefit[k] += per_unit * v);
            }
        }
        for (k, dist) in p.duration.iter().enumerate() {
            dist.fill(rng, draws, |d, v| d.duration[k] = whole_months(v).max(1));
        }
        for (r, (probability, cost, delay)) in p.risks.iter().enumerate() {
            for d in draws.iter_mut() {
                let fired = rng.random::<f64>() < *probability;
                d.risk[r] = (fired, 0.0, 0);
            }
            for d in draws.iter_mut() {
                if d.risk[r].0 {
                    d.risk[r].1 = cost.draw(rng);
                }
            }
            for d in draws.iter_mut() {
                if d.risk[r].0 {
                    d.risk[r].2 = whole_months(delay.draw(rng));
                }
            }
        }
    }

    /// `delta^t`.
    #[inline]
    fn disc(&self, t: u32) -> f64 {
        match self.discount.get(t as usize) {
            Some(v) => *v,
            None => self.delta.powi(t as i32),
        }
    }

    /// Sum of `delta^t` for `t` in `a..b`, clipped to the evaluation horizon.
    fn geo(&self, a: u32, b: u32) -> f64 {
        let b = b.min(self.evaluation);
        if a >= b {
            return 0.0;
        }
        if (self.delta - 1.0).abs() < 1e-15 {
            return (b - a) as f64;
        }
        (self.disc(a) - self.disc(b)) / (1.0 - self.delta)
    }

    fn run(&self, draw: &Draw, out: &mut Outcome) {
        let n = self.items.len();
        refill(&mut out.finish, n, 0);
        refill(&mut out.over, self.budgets.len(), false);
        refill(&mut out.extra, n, 0.0);
        refill(&mut out.delay, n, 0);
        refill(&mut out.budget_use, self.budgets.len(), 0.0);
        refill(&mut out.start, n, 0);
        refill(&mut out.done, n, false);
        let Outcome {
            finish,
            over,
            extra,
            delay,
            budget_use,
            start,
            done,
            ..
        } = out;
        let mut npv = 0.0;
        let mut spend = 0.0;
        for (r, risk) in self.risks.iter().enumerate() {
            let (fired, cost, d) = draw.risk[r];
            if !fired {
                continue;
            }
            match risk.item {
                Some(k) => {
                    extra[k] += cost;
                    delay[k] += d;
                }
                None => {
                    npv -= cost;
                    spend += cost;
                    for (b, (_, first, last, _)) in self.budgets.iter().enumerate() {
                        if *first <= 0 && 0 <= *last {
                            budget_use[b] += cost;
                        }
                    }
                }
            }
        }
        // Items are in plan order; dependencies may point forward, so settle starts in passes.
        let mut left = n;
        while left > 0 {
            let before = left;
            for k in 0..n {
                if done[k] || self.items[k].deps.iter().any(|&d| !done[d]) {
                    continue;
                }
                let item = &self.items[k];
                let mut s = item.start;
                for &d in &item.deps {
                    s = s.max(finish[d] + 1);
                }
                start[k] = s;
                let len = draw.duration[k] + delay[k];
                finish[k] = s + len - 1;
                done[k] = true;
                left -= 1;
            }
            if left == before {
                break;
            }
        }
        for (k, item) in self.items.iter().enumerate() {
            let s = start[k];
            let len = draw.duration[k] + delay[k];
            let build = (draw.cost[k] + extra[k]) / len as f64;
            match &item.explicit {
                Some(flows) => {
                    for (t, f) in flows.iter().enumerate() {
                        let at = s as usize + t;
                        if at < self.evaluation as usize {
                            npv += f * self.disc(at as u32);
                        }
                    }
                    npv -= extra[k] * self.disc(s);
                }
                None => {
                    let run = (draw.benefit[k] - draw.recurring[k]) / 12.0;
                    npv += -build * self.geo(s, s + len) + run * self.geo(s + len, u32::MAX);
                }
            }
            spend += draw.cost[k] + extra[k];
            for (b, (_, first, last, _)) in self.budgets.iter().enumerate() {
                let from = (s as i32).max(*first);
                let to = (s as i32 + len as i32 - 1).min(*last);
                if to >= from {
                    budget_use[b] += (to - from + 1) as f64 * build;
                }
            }
        }
        for (b, (_, _, _, amount)) in self.budgets.iter().enumerate() {
            over[b] = budget_use[b] > amount * (1.0 + 1e-9) + 1e-6;
        }
        out.npv = npv;
        out.spend = spend;
    }
}

/// Percentiles and mean of a sample.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// The value at every 2.5% of probability, from the smallest (0) to the largest (1): 41
    /// quantiles, enough to draw the cumulative distribution as a curve (the S-curve). Left
    /// out of the JSON, which gives the percentiles above.
    #[serde(skip)]
    pub quantiles: Vec<f64>,
}

/// How many steps [`Summary::quantiles`] divides probability into.
pub const QUANTILE_STEPS: usize = 40;

/// The `q` quantile of sorted values, interpolated linearly between ranks (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn summary(mut v: Vec<f64>) -> Summary {
    let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
    v.sort_by(f64::total_cmp);
    let r = |x: f64| (x * 100.0).round() / 100.0;
    Summary {
        mean: r(mean),
        p5: r(quantile(&v, 0.05)),
        p10: r(quantile(&v, 0.10)),
        p50: r(quantile(&v, 0.50)),
        p90: r(quantile(&v, 0.90)),
        p95: r(quantile(&v, 0.95)),
        min: r(*v.first().unwrap_or(&f64::NAN)),
        max: r(*v.last().unwrap_or(&f64::NAN)),
        quantiles: (0..=QUANTILE_STEPS)
            .map(|k| r(quantile(&v, k as f64 / QUANTILE_STEPS as f64)))
            .collect(),
    }
}

/// When one initiative finishes.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    /// Its id.
    pub id: String,
    /// The last month of implementation as scheduled with likely durations.
    pub planned_end_month: u32,
    /// 10th percentile of the last month of implementation.
    pub p10: u32,
    /// Median.
    pub p50: u32,
    /// 90th percentile.
    pub p90: u32,
    /// Probability of finishing within the planning horizon.
    pub p_within_horizon: f64,
}

/// The chance of overrunning one period's budget.
#[derive(Debug, Clone, Serialize)]
pub struct Overrun {
    /// The period.
    pub period: String,
    /// Its budget.
    pub budget: f64,
    /// Probability that implementation spend in it exceeds the budget.
    pub probability: f64,
}

/// One bar of the tornado: NPV with one input at its low and at its high end, the rest at
/// their likely values.
#[derive(Debug, Clone, Serialize)]
pub struct TornadoBar {
    /// What varies (e.g. `crm: one_time_cost`, `r3: occurs`).
    pub input: String,
    /// Portfolio NPV with the input at its low end (or the risk not occurring).
    pub npv_low: f64,
    /// Portfolio NPV with the input at its high end (or the risk occurring).
    pub npv_high: f64,
    /// `|npv_high - npv_low|`.
    pub swing: f64,
}

/// Simulation settings.
#[derive(Debug, Clone, Copy)]
pub struct SimOptions {
    /// Number of trials.
    pub trials: usize,
    /// Seed of the random streams.
    pub seed: u64,
    /// Distribution of three-point estimates.
    pub shape: Shape,
}

/// What a simulation found.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// Trials run.
    pub trials: usize,
    /// Seed.
    pub seed: u64,
    /// Distribution of three-point estimates.
    pub distribution: Shape,
    /// Portfolio NPV with every input at its likely value and no risk occurring.
    pub deterministic_npv: f64,
    /// Portfolio NPV.
    pub npv: Summary,
    /// Implementation spend, plus the cost of risks that occur.
    pub spend: Summary,
    /// Probability that portfolio NPV is below 0.
    pub p_npv_negative: f64,
    /// Probability that some period's budget is overrun.
    pub p_over_budget: f64,
    /// Probability of overrun, period by period.
    pub over_budget_by_period: Vec<Overrun>,
    /// When each scheduled initiative finishes.
    pub completion: Vec<Completion>,
    /// Inputs by how much they move NPV, largest first (at most 15).
    pub tornado: Vec<TornadoBar>,
}

struct ChunkResult {
    npv: Vec<f64>,
    spend: Vec<f64>,
    over_any: usize,
    over: Vec<usize>,
    /// Per item, a histogram of finish months (index capped at `cap`).
    finish: Vec<Vec<u32>>,
}

/// Runs the simulation. `progress` is told how many trials have finished, chunk by chunk.
pub fn simulate(model: &Model, opts: &SimOptions, progress: &(dyn Fn(usize) + Sync)) -> Simulation {
    simulate_until(model, opts, &crate::Stop::never(), progress)
        .expect("a simulation never asked to stop runs to its end")
}

/// [`simulate`], stopping when `stop` is requested: each chunk of trials looks at it before it
/// starts, so the chunks not yet begun cost nothing once it is (the chunks under way finish,
/// a few milliseconds each). `None` when stopped.
pub fn simulate_until(
    model: &Model,
    opts: &SimOptions,
    stop: &crate::Stop,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Simulation> {
    let trials = opts.trials.max(1);
    let chunks = trials.div_ceil(CHUNK);
    let cap = (model.evaluation + 120) as usize;
    let prepared = model.prepare(opts.shape);
    let results: Option<Vec<ChunkResult>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            if stop.requested() {
                return None;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            rng.set_stream(c as u64);
            let n = CHUNK.min(trials - c * CHUNK);
            let mut res = ChunkResult {
                npv: Vec::with_capacity(n),
                spend: Vec::with_capacity(n),
                over_any: 0,
                over: vec![0; model.budgets.len()],
                finish: vec![vec![0; cap + 1]; model.items.len()],
            };
            let mut out = Outcome::default();
            let mut draws = vec![model.likely(); BLOCK.min(n)];
            for first in (0..n).step_by(BLOCK) {
                let block = &mut draws[..BLOCK.min(n - first)];
                model.draw_block(&prepared, &mut rng, block);
                for draw in block.iter() {
                    model.run(draw, &mut out);
                    res.npv.push(out.npv);
                    res.spend.push(out.spend);
                    if out.over.iter().any(|&o| o) {
                        res.over_any += 1;
                    }
                    for (b, &o) in out.over.iter().enumerate() {
                        res.over[b] += o as usize;
                    }
                    for (k, &f) in out.finish.iter().enumerate() {
                        res.finish[k][(f as usize).min(cap)] += 1;
                    }
                }
            }
            progress(n);
            Some(res)
        })
        .collect();
    let results = results?;
    let mut npv = Vec::with_capacity(trials);
    let mut spend = Vec::with_capacity(trials);
    let mut over_any = 0;
    let mut over = vec![0usize; model.budgets.len()];
    let mut finish = vec![vec![0u64; cap + 1]; model.items.len()];
    for r in results {
        npv.extend(r.npv);
        spend.extend(r.spend);
        over_any += r.over_any;
        for (b, o) in r.over.iter().enumerate() {
            over[b] += o;
        }
        for (k, h) in r.finish.iter().enumerate() {
            for (m, c) in h.iter().enumerate() {
                finish[k][m] += *c as u64;
            }
        }
    }
    let negative = npv.iter().filter(|&&v| v < 0.0).count();
    let likely = model.likely();
    let mut base = Outcome::default();
    model.run(&likely, &mut base);
    let hist_quantile = |h: &[u64], q: f64| -> u32 {
        let target = (q * trials as f64).ceil().max(1.0) as u64;
        let mut acc = 0;
        for (m, c) in h.iter().enumerate() {
            acc += c;
            if acc >= target {
                return m as u32;
            }
        }
        cap as u32
    };
    let round4 = |x: f64| (x * 1e4).round() / 1e4;
    Some(Simulation {
        trials,
        seed: opts.seed,
        distribution: opts.shape,
        deterministic_npv: (base.npv * 100.0).round() / 100.0,
        p_npv_negative: round4(negative as f64 / trials as f64),
        p_over_budget: round4(over_any as f64 / trials as f64),
        over_budget_by_period: model
            .budgets
            .iter()
            .zip(&over)
            .map(|((name, _, _, amount), &o)| Overrun {
                period: name.clone(),
                budget: *amount,
                probability: round4(o as f64 / trials as f64),
            })
            .collect(),
        completion: model
            .items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let within: u64 = finish[k][..model.horizon as usize].iter().sum();
                Completion {
                    id: item.id.clone(),
                    planned_end_month: base.finish[k],
                    p10: hist_quantile(&finish[k], 0.10),
                    p50: hist_quantile(&finish[k], 0.50),
                    p90: hist_quantile(&finish[k], 0.90),
                    p_within_horizon: round4(within as f64 / trials as f64),
                }
            })
            .collect(),
        tornado: tornado(model, &likely),
        npv: summary(npv),
        spend: summary(spend),
    })
}

/// One-at-a-time sensitivity of portfolio NPV.
fn tornado(model: &Model, likely: &Draw) -> Vec<TornadoBar> {
    let mut bars = Vec::new();
    let eval = |d: &Draw| {
        let mut o = Outcome::default();
        model.run(d, &mut o);
        o.npv
    };
    let mut push = |input: String, lo: Draw, hi: Draw| {
        let (a, b) = (eval(&lo), eval(&hi));
        bars.push(TornadoBar {
            input,
            npv_low: (a * 100.0).round() / 100.0,
            npv_high: (b * 100.0).round() / 100.0,
            swing: ((b - a).abs() * 100.0).round() / 100.0,
        });
    };
    for (k, item) in model.items.iter().enumerate() {
        if item.cost.uncertain() {
            let (mut lo, mut hi) = (likely.clone(), likely.clone());
            lo.cost[k] = item.cost.low;
            hi.cost[k] = item.cost.high;
            push(format!("{}: one_time_cost", item.id), lo, hi);
        }
        if item.recurring.uncertain() {
            let (mut lo, mut hi) = (likely.clone(), likely.clone());
            lo.recurring[k] = item.recurring.low;
            hi.recurring[k] = item.recurring.high;
            push(format!("{}: recurring_cost_annual", item.id), lo, hi);
        }
        for (b, (kk, est)) in item.benefits.iter().enumerate() {
            if est.uncertain() {
                let (mut lo, mut hi) = (likely.clone(), likely.clone());
                lo.benefit[k] += kk * (est.low - est.likely);
                hi.benefit[k] += kk * (est.high - est.likely);
                push(format!("{}: benefits[{b}]", item.id), lo, hi);
            }
        }
        if item.duration.uncertain() {
            let (mut lo, mut hi) = (likely.clone(), likely.clone());
            lo.duration[k] = item.duration.low as u32;
            hi.duration[k] = item.duration.high as u32;
            push(format!("{}: duration_months", item.id), lo, hi);
        }
    }
    for (r, risk) in model.risks.iter().enumerate() {
        let lo = likely.clone();
        let mut hi = likely.clone();
        hi.risk[r] = (true, risk.cost.likely, risk.delay.likely.round() as u32);
        push(format!("{}: occurs", risk.id), lo, hi);
    }
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing).then(a.input.cmp(&b.input)));
    bars.truncate(15);
    bars
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rand::SeedableRng;

    use super::*;

    fn three(low: f64, likely: f64, high: f64) -> Three {
        Three { low, likely, high }
    }

    /// The largest distance between the empirical distribution of `v` (sorted here) and `cdf`.
    fn ks(mut v: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        v.iter()
            .enumerate()
            .map(|(k, &x)| {
                let f = cdf(x);
                (f - k as f64 / n).abs().max(((k + 1) as f64 / n - f).abs())
            })
            .fold(0.0, f64::max)
    }

    fn draws(t: &Three, n: usize, seed: u64) -> Vec<f64> {
        let d = PertDraw::new(t).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    /// PERT(0, 25, 100) is 100 Beta(2, 4): mean (low + 4 likely + high) / 6 = 33.33 (the PERT
    /// mean of Malcolm et al., 1959) and variance 100² αβ / ((α + β)² (α + β + 1)) = 317.46;
    /// for integer α and β the beta CDF is the binomial tail I_x(2, 4) = Σ_{j=2..5} C(5, j)
    /// x^j (1 - x)^(5 - j) (Abramowitz and Stegun 26.5.4).
    #[test]
    fn pert_draws_follow_the_beta_distribution() {
        let n = 400_000;
        let v = draws(&three(0.0, 25.0, 100.0), n, 7);
        assert!(v.iter().all(|x| (0.0..=100.0).contains(x)));
        let mean = v.iter().sum::<f64>() / n as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd_mean = (317.46f64 / n as f64).sqrt();
        assert!((mean - 100.0 / 3.0).abs() < 4.0 * sd_mean, "mean {mean}");
        // The sample variance's standard error: sqrt((μ4 - σ⁴) / n), μ4 < 3σ⁴ here.
        assert!(
            (var - 317.46).abs() < 4.0 * (2.0 * 317.46f64.powi(2) / n as f64).sqrt(),
            "{var}"
        );
        let choose = [1.0, 5.0, 10.0, 10.0, 5.0, 1.0];
        let cdf = |x: f64| {
            let x = x / 100.0;
            (2..=5)
                .map(|j| choose[j] * x.powi(j as i32) * (1.0 - x).powi(5 - j as i32))
                .sum::<f64>()
        };
        // Kolmogorov's 0.1% critical value, 1.95 / sqrt(n).
        let d = ks(v, cdf);
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    /// With the mode at the low end α = 1 (the density is largest at the end of the range):
    /// PERT(10, 10, 30) is 10 + 20 Beta(1, 5), whose CDF is 1 - (1 - x)^5.
    #[test]
    fn pert_draws_with_the_mode_at_an_end() {
        let n = 200_000;
        let v = draws(&three(10.0, 10.0, 30.0), n, 11);
        assert!(v.iter().all(|x| (10.0..=30.0).contains(x)));
        let d = ks(v, |x| 1.0 - (1.0 - (x - 10.0) / 20.0).powi(5));
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
        // And at the high end, mirrored: 30 - 20 Beta(1, 5).
        let v = draws(&three(10.0, 30.0, 30.0), n, 12);
        let d = ks(v, |x| (1.0 - (30.0 - x) / 20.0).powi(5));
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    /// For modes all along the range: the hat of every bin is above the density and the squeeze
    /// below it at 64 points of the bin and at the mode, which is what makes the rejection
    /// exact; and the alias table chooses each bin in proportion to its hat (its chance worked
    /// out from the table: kept where landed on, plus left to it by the bins it is the alias of).
    #[test]
    fn the_table_covers_the_density_and_chooses_bins_by_their_hats() {
        for step in 0..=40 {
            let d = PertDraw::new(&three(0.0, step as f64 / 40.0, 1.0)).unwrap();
            let mode = d.a1 / 4.0;
            for (i, bin) in d.bins.iter().enumerate() {
                let (l, r) = (i as f64 / BINS as f64, (i + 1) as f64 / BINS as f64);
                let mut xs: Vec<f64> = (0..=64).map(|k| l + (r - l) * k as f64 / 64.0).collect();
                if (l..=r).contains(&mode) {
                    xs.push(mode);
                }
                for x in xs {
                    let f = beta_density(d.a1, d.b1, x);
                    assert!(
                        f <= bin.hat,
                        "step {step} bin {i} x {x}: {f} > hat {}",
                        bin.hat
                    );
                    let floor = bin.squeeze as f64 / 4_294_967_296.0 * bin.hat;
                    assert!(
                        f >= floor,
                        "step {step} bin {i} x {x}: {f} < squeeze {floor}"
                    );
                }
            }
            let total: f64 = d.bins.iter().map(|b| b.hat).sum();
            let mut chance = vec![0.0; BINS];
            for (i, bin) in d.bins.iter().enumerate() {
                let keep = bin.keep as f64 / 4_294_967_296.0;
                chance[i] += keep / BINS as f64;
                chance[bin.alias as usize] += (1.0 - keep) / BINS as f64;
            }
            for (i, bin) in d.bins.iter().enumerate() {
                let want = bin.hat / total;
                assert!(
                    (chance[i] - want).abs() < 1e-9,
                    "step {step} bin {i}: chosen with {} for a hat's share of {want}",
                    chance[i]
                );
            }
        }
    }

    /// A mode that gives no whole α: PERT(0, 37, 100) is 100 Beta(2.48, 3.52). Its CDF is worked
    /// out here by Simpson's rule on the density over 20,000 steps, independently of the draws.
    #[test]
    fn pert_draws_with_a_fractional_shape_follow_the_beta_distribution() {
        let (a, b) = (2.48f64, 3.52f64);
        let f = |x: f64| x.powf(a - 1.0) * (1.0 - x).powf(b - 1.0);
        let steps = 20_000;
        let h = 1.0 / steps as f64;
        // cumulative[k]: the integral over [0, k / steps * 2] by Simpson's rule on pairs of steps.
        let mut cumulative = vec![0.0];
        for k in (0..steps).step_by(2) {
            let (x0, x1, x2) = (k as f64 * h, (k + 1) as f64 * h, (k + 2) as f64 * h);
            let last = *cumulative.last().unwrap();
            cumulative.push(last + h / 3.0 * (f(x0) + 4.0 * f(x1) + f(x2)));
        }
        let whole = *cumulative.last().unwrap();
        let cdf = |x: f64| {
            let at = (x / 100.0 / (2.0 * h)).clamp(0.0, (steps / 2) as f64);
            let k = (at.floor() as usize).min(steps / 2 - 1);
            let t = at - k as f64;
            (cumulative[k] * (1.0 - t) + cumulative[k + 1] * t) / whole
        };
        let n = 300_000;
        let v = draws(&three(0.0, 37.0, 100.0), n, 13);
        assert!(v.iter().all(|x| (0.0..=100.0).contains(x)));
        let mean = v.iter().sum::<f64>() / n as f64;
        // The PERT mean (0 + 4 x 37 + 100) / 6 = 41.33, the beta's a / (a + b) = 0.4133.
        let sd = 100.0 * (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
        assert!(
            (mean - 248.0 / 6.0).abs() < 4.0 * sd / (n as f64).sqrt(),
            "mean {mean}"
        );
        let d = ks(v, cdf);
        assert!(d < 1.95 / (n as f64).sqrt(), "KS distance {d}");
    }

    /// The benchmark's two methods draw the same distributions: their means agree on every
    /// shape (seeded, so this is one fixed sample).
    #[test]
    fn the_benchmark_compares_like_with_like() {
        let t = pert_draw_times(140_000, 3);
        assert_eq!(t.draws, 140_000);
        assert!(t.worst_mean_gap < 4.0, "{t:?}");
        assert!(t.baseline_seconds > 0.0 && t.table_seconds > 0.0);
    }

    #[test]
    fn a_pert_without_a_range_draws_the_likely_value() {
        assert!(PertDraw::new(&three(5.0, 5.0, 5.0)).is_none());
        assert!(PertDraw::new(&three(5.0, 7.0, 6.0)).is_none());
        assert!(PertDraw::new(&three(f64::NEG_INFINITY, 0.0, 1.0)).is_none());
        assert!(matches!(
            Dist::of(&three(5.0, 9.0, 6.0), Shape::Pert),
            Dist::Fixed(v) if v == 9.0
        ));
    }
}
