#!/usr/bin/env python3
"""The Monte Carlo of `sextant simulate` against a vectorised numpy version of the same model,
in the same run (issue 20). Run by `scripts/bench-simulate-numpy`, which makes the virtual
environment and writes the plan and its schedule:

    bench_simulate_numpy.py SEXTANT PLAN.yaml ROADMAP.json     the benchmark
    bench_simulate_numpy.py --once PLAN.yaml ROADMAP.json      numpy alone, as one process:
                                                               reads both files, runs the trials
                                                               and prints the figures as JSON

The numpy model is `crates/roadmap/src/simulate.rs` (`Model::new`, `draw_into`, `run`,
`simulate_until`, `tornado`) written over arrays of trials rather than trial by trial: every
scheduled initiative's one-time cost, recurring cost, benefits and duration drawn from the same
PERT (or triangular) distributions, each quantified risk firing with its probability and then
drawing its cost and delay, starts pushed back behind late prerequisites, NPV by the same
closed-form geometric sums over the same discount table (`delta.powi(t)`, computed the same
way), spend, budget use per period, and the same summary figures: mean and percentiles of NPV
and spend (sorted, linear interpolation, rounded to the cent), the chance of a negative NPV and
of overrunning each budget, each initiative's finish-month percentiles from the same capped
histogram, the deterministic NPV and the tornado. Its random numbers are numpy's (PCG64), not
ChaCha8, so its figures agree with sextant's within Monte Carlo error, not to the digit: they are
checked to, and the script fails if they do not (the deterministic NPV and the tornado, which
draw nothing, must agree to the cent).

Timed, alternating in rounds (best of ROUNDS):
- numpy in this process (one thread: OMP/OPENBLAS/MKL/... threads set to 1 before numpy is
  imported): from the parsed plan and schedule to the summary figures, as `sextant bench
  simulate`'s "Monte Carlo alone" times sextant from its parsed plan and roadmap to its
  `Simulation`; YAML and JSON reading is outside the timing. Twice: the trials in blocks of
  BLOCK, and all at once (whose (initiatives x trials) temporaries, some 27 MB each, are
  page-faulted in afresh on most runs); the faster of the two is the baseline;
- `sextant bench simulate` (same plan: initiatives, months, trials, seed): its Monte Carlo alone
  on 1 thread and on every core, in its process;
- `sextant simulate PLAN --roadmap ROADMAP --format json` as a process, end to end (start, read
  the plan, check the roadmap against it, trials, JSON), with RAYON_NUM_THREADS=1 and =cores,
  and once more without --roadmap, the roadmap then kept in SEXTANT_CACHE_DIR (the warm run);
- numpy as a process end to end (`--once`: Python start, imports, reading the YAML and JSON,
  trials, JSON), to set against the end-to-end sextant runs.

Options by environment: TRIALS (100000), SEED (1), ROUNDS (3), INITIATIVES (50), MONTHS (60),
the last two for `sextant bench simulate` and to match the plan the wrapper wrote; BLOCK (8192;
0 for all at once only).
"""

import os

# One thread for everything numpy may call, before numpy is imported (elementwise numpy and
# its random generator are single-threaded anyway; this rules out BLAS threads).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_v] = "1"

import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

TRIALS = int(os.environ.get("TRIALS", "100000"))
SEED = int(os.environ.get("SEED", "1"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
INITIATIVES = int(os.environ.get("INITIATIVES", "50"))
MONTHS = int(os.environ.get("MONTHS", "60"))
# numpy runs the trials in blocks of this many (its temporaries then stay small: all 100,000
# at once allocates and page-faults hundreds of MB a run), and also all at once; the faster is
# the baseline. 0: all at once only.
BLOCK = int(os.environ.get("BLOCK", "8192"))
CHUNK_CAP_EXTRA = 120  # simulate.rs: finish months are counted up to evaluation + 120


# ---------------------------------------------------------------------------------------------
# The model, built from the parsed plan and schedule as `Model::new` builds it.


def number(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        sys.exit(f"{what}: expected a number, got {v!r} (this script reads plain numbers only)")
    return float(v)


def three(e, what):
    """`Three::of`: an amount or `{low, likely, high}`."""
    if isinstance(e, dict):
        return tuple(number(e[k], f"{what}.{k}") for k in ("low", "likely", "high"))
    x = number(e, what)
    return (x, x, x)


def three_months(e, what):
    """`Three::months`: each of low, likely, high at least 1."""
    t = three(e, what)
    if any(x != int(x) for x in t):
        sys.exit(f"{what}: months must be whole")
    return tuple(float(max(int(x), 1)) for x in t)


def month_ordinal(s, what):
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(s))
    if not m:
        sys.exit(f"{what}: expected YYYY-MM, got {s!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def budget_months(period, fys, start):
    """`BudgetPeriod::months`: (first, last) month index of a fiscal year or quarter."""
    s = str(period).strip()
    fy = lambda y: y * 12 + fys - 1  # noqa: E731
    if re.fullmatch(r"\d{4}", s):
        first, months = fy(int(s)), 12
    else:
        m = (re.fullmatch(r"(\d{4})-?Q([1-4])", s, re.I)
             or re.fullmatch(r"Q([1-4]) (\d{4})", s, re.I))
        if not m:
            sys.exit(f"budget period {s!r}: not a year or quarter this script reads")
        y, q = (int(m.group(1)), int(m.group(2))) if s[0].isdigit() else \
            (int(m.group(2)), int(m.group(1)))
        first, months = fy(y) + 3 * (q - 1), 3
    first -= start
    return first, first + months - 1


def powi(a, n):
    """`f64::powi` as compiled (compiler-builtins' `__powidf2`): square and multiply."""
    r = 1.0
    while True:
        if n & 1:
            r *= a
        n >>= 1
        if n == 0:
            return r
        a *= a


class Model:
    pass


def build_model(plan, roadmap, shape="pert"):
    org = plan["organization"]
    margin = org.get("gross_margin")
    margin = 1.0 if margin is None else float(margin)
    horizon = int(org["horizon_months"])
    evaluation = org.get("evaluation_months")
    evaluation = int(evaluation) if evaluation is not None else max(horizon, 36)
    start = month_ordinal(org["start"], "organization.start")
    fys = min(max(int(org.get("fiscal_year_start", 1)), 1), 12)
    if roadmap["status"] not in ("optimal", "feasible"):
        sys.exit(f"the roadmap is {roadmap['status']}")
    starts = {s["id"]: int(s["start_month"]) for s in roadmap["schedule"]}
    # `Instance::from_plan` leaves out cancelled and done initiatives; the schedule picks.
    inst = [i for i in plan["initiatives"] if i.get("status") not in ("cancelled", "done")]
    items = [i for i in inst if str(i["id"]) in starts]
    if len(items) != len(starts):
        sys.exit("the schedule names initiatives the plan does not have")
    slot = {str(i["id"]): k for k, i in enumerate(items)}
    m = Model()
    m.shape = shape
    m.ids = [str(i["id"]) for i in items]
    m.n = len(items)
    m.horizon, m.evaluation = horizon, evaluation
    m.start = np.array([starts[x] for x in m.ids], dtype=np.int64)
    m.deps = [[slot[str(d)] for d in (i.get("depends_on") or []) if str(d) in slot]
              for i in items]
    m.cost = [three(i.get("one_time_cost", 0), f"{i['id']}.one_time_cost") for i in items]
    m.recurring = [three(i.get("recurring_cost_annual", 0), f"{i['id']}.recurring_cost_annual")
                   for i in items]
    m.benefits = [[(margin if b["kind"] == "revenue" else 1.0,
                    three(b["annual"], f"{i['id']}.benefits"))
                   for b in (i.get("benefits") or [])] for i in items]
    for i in items:
        for b in i.get("benefits") or []:
            if b["kind"] not in ("revenue", "saving"):
                sys.exit(f"{i['id']}: benefit kind {b['kind']!r}")
    m.duration = [three_months(i["duration_months"], f"{i['id']}.duration_months")
                  for i in items]
    m.explicit = []
    for i in items:
        cf = i.get("cash_flows")
        if cf is None:
            m.explicit.append(None)
            continue
        p = {"month": 1, "quarter": 3, "year": 12}[cf["period"]]
        f = [0.0] * evaluation
        for k, v in enumerate(cf["values"]):
            if k * p < evaluation:
                f[k * p] += number(v, f"{i['id']}.cash_flows")
        m.explicit.append(f)
    m.risks = []  # (id, item slot or None, probability, cost Three, delay Three)
    ids_inst = {str(i["id"]) for i in inst}
    for r in plan.get("risks") or []:
        p = r.get("probability")
        if p is None:
            continue
        item = None
        if r.get("initiative") is not None:
            x = str(r["initiative"])
            # A risk of an initiative that is not scheduled cannot happen.
            if x not in ids_inst or x not in slot:
                continue
            item = slot[x]
        zero = (0.0, 0.0, 0.0)
        m.risks.append((str(r["id"]), item, float(p),
                        three(r["cost"], f"{r['id']}.cost") if r.get("cost") is not None
                        else zero,
                        three(r["delay_months"], f"{r['id']}.delay_months")
                        if r.get("delay_months") is not None else zero))
    m.budgets = []  # (period, first, last, amount)
    for b in (plan.get("constraints") or {}).get("budget") or []:
        first, last = budget_months(b["period"], fys, start)
        m.budgets.append((str(b["period"]), first, last, number(b["amount"], "budget")))
    rate = math.expm1(math.log1p(float(org["discount_rate"])) / 12.0)
    m.delta = 1.0 / (1.0 + rate)
    # The discount table of `Model::new` (its `disc` beyond it is `powi` too).
    m.disc_max = evaluation + CHUNK_CAP_EXTRA + 64
    m.disc = np.array([powi(m.delta, t) for t in range(m.disc_max + 1)])
    # Settle starts in an order where prerequisites come first (the passes of `run` settle each
    # item once all its prerequisites are settled, which gives the same starts in any order).
    order, done = [], set()
    while len(order) < m.n:
        before = len(order)
        for k in range(m.n):
            if k not in done and all(d in done for d in m.deps[k]):
                order.append(k)
                done.add(k)
        if len(order) == before:
            sys.exit("the schedule's initiatives depend on each other in a cycle")
    m.order = order
    # Explicit flows: their discounted value for each start month (`run` sums them per trial).
    m.explicit_value = {}
    for k, f in enumerate(m.explicit):
        if f is not None:
            m.explicit_value[k] = np.array([
                sum(f[t] * m.disc[s + t] for t in range(len(f)) if s + t < evaluation)
                for s in range(m.disc_max + 1)])
    return m


# ---------------------------------------------------------------------------------------------
# Draws (`Dist`, `prepare`, `draw_into`), vectorised: each row an estimate, each column a trial.


def dist(t, shape):
    """`Dist::of`: None when certain (or with no valid distribution: the likely value)."""
    low, likely, high = t
    if not high > low or not (low <= likely <= high):
        return None
    if shape == "pert":
        rng = high - low
        return ("pert", low, rng, 1.0 + 4.0 * (likely - low) / rng,
                1.0 + 4.0 * (high - likely) / rng)
    return ("triangular", low, likely, high)


def draw_rows(threes, shape, rng, size):
    """Draws of each estimate over `size` trials, as rows: a column (rows x 1) of likely values
    when no estimate is uncertain (broadcast over the trials, drawing nothing as sextant's
    fixed values draw nothing), else a rows x size matrix."""
    ds = [dist(t, shape) for t in threes]
    likely = np.array([t[1] for t in threes], dtype=float)
    unc = [k for k, d in enumerate(ds) if d is not None]
    if not unc:
        return likely[:, None]
    out = np.empty((len(threes), size))
    fixed = [k for k, d in enumerate(ds) if d is None]
    if fixed:
        out[fixed] = likely[fixed, None]
    out[unc] = draw_dists([ds[k] for k in unc], rng, size)
    return out


def draw_dists(ds, rng, size):
    """`size` draws of each uncertain distribution, one row each."""
    if ds[0][0] == "pert":
        lo, rg, a, b = (np.array([d[i] for d in ds])[:, None] for i in (1, 2, 3, 4))
        return lo + rng.beta(a, b, size=(len(ds), size)) * rg
    lo, mo, hi = (np.array([d[i] for d in ds])[:, None] for i in (1, 2, 3))
    return rng.triangular(lo, mo, hi, size=(len(ds), size))


def draw_flat(threes, which, shape, rng):
    """One value for each entry of `which` (indices into `threes`): a draw from that estimate,
    or its likely value when it is certain (drawing nothing)."""
    likely = np.array([t[1] for t in threes], dtype=float)
    out = likely[which]
    ds = [dist(t, shape) for t in threes]
    unc = np.array([d is not None for d in ds], dtype=bool)
    if len(which) == 0 or not unc.any():
        return out
    sel = unc[which]
    w = which[sel]
    if shape == "pert":
        par = np.array([d[1:] if d is not None else (0.0, 1.0, 1.0, 1.0) for d in ds])
        out[sel] = par[w, 0] + rng.beta(par[w, 2], par[w, 3]) * par[w, 1]
    else:
        par = np.array([d[1:] if d is not None else (0.0, 0.5, 1.0) for d in ds])
        out[sel] = rng.triangular(par[w, 0], par[w, 1], par[w, 2])
    return out


def round_half_away(x):
    """`f64::round` for values >= 0 (half away from zero; numpy's own rounds half to even)."""
    f = np.floor(x)
    return f + (x - f >= 0.5)


def draw(m, rng, size):
    cost = draw_rows(m.cost, m.shape, rng, size)
    recurring = draw_rows(m.recurring, m.shape, rng, size)
    # Benefits: per item the sum of profit-per-unit x drawn annual amount.
    flat = [(k, kk, t) for k, bs in enumerate(m.benefits) for kk, t in bs]
    benefit = np.zeros((m.n, 1))
    if flat:
        rows = draw_rows([t for _, _, t in flat], m.shape, rng, size)
        benefit = np.zeros((m.n, rows.shape[1]))
        for j, (k, kk, _) in enumerate(flat):
            benefit[k] += kk * rows[j]
    dur = draw_rows(m.duration, m.shape, rng, size)
    dur = np.maximum(round_half_away(dur), 1).astype(np.int64)
    if dur.shape[1] == 1:
        dur = np.broadcast_to(dur, (m.n, size))
    # Risks: each fires with its probability; only a fired risk draws its cost and delay.
    nr = len(m.risks)
    rcost = np.zeros((nr, size))
    rdelay = np.zeros((nr, size), dtype=np.int64)
    if nr:
        p = np.array([r[2] for r in m.risks])[:, None]
        fired = rng.random((nr, size)) < p
        ri, ti = np.nonzero(fired)
        rcost[ri, ti] = draw_flat([r[3] for r in m.risks], ri, m.shape, rng)
        d = draw_flat([r[4] for r in m.risks], ri, m.shape, rng)
        rdelay[ri, ti] = np.maximum(round_half_away(d), 0).astype(np.int64)
    return cost, recurring, benefit, dur, rcost, rdelay


# ---------------------------------------------------------------------------------------------
# One trial per column (`Model::run`).


def geo(m, a, b):
    """Sum of delta^t for t in a..b, clipped to the evaluation horizon (`Model::geo`)."""
    b = np.minimum(b, m.evaluation)
    if abs(m.delta - 1.0) < 1e-15:
        return np.where(a < b, b - a, 0).astype(float)
    ok = a < b
    return np.where(ok, (m.disc[np.minimum(a, b)] - m.disc[b]) / (1.0 - m.delta), 0.0)


def run(m, cost, recurring, benefit, dur, rcost, rdelay, size):
    n = m.n
    extra = np.zeros((n, size))
    delay = np.zeros((n, size), dtype=np.int64)
    gcost = np.zeros(size)  # risks of the whole plan
    for r, risk in enumerate(m.risks):
        if risk[1] is None:
            gcost += rcost[r]
        else:
            extra[risk[1]] += rcost[r]
            delay[risk[1]] += rdelay[r]
    length = dur + delay
    start = np.empty((n, size), dtype=np.int64)
    finish = np.empty((n, size), dtype=np.int64)
    for k in m.order:
        s = np.full(size, m.start[k], dtype=np.int64)
        for d in m.deps[k]:
            np.maximum(s, finish[d] + 1, out=s)
        start[k] = s
        finish[k] = s + length[k] - 1
    outlay = cost + extra
    build = outlay / length
    runs = (benefit - recurring) / 12.0
    end = start + length
    value = -build * geo(m, start, end) + runs * geo(m, end, m.evaluation)
    for k, ev in m.explicit_value.items():
        value[k] = ev[start[k]] - extra[k] * m.disc[start[k]]
    npv = -gcost + value.sum(axis=0)
    spend = gcost + outlay.sum(axis=0)
    over = np.zeros((len(m.budgets), size), dtype=bool)
    for b, (_, first, last, amount) in enumerate(m.budgets):
        months = np.minimum(finish, last) - np.maximum(start, first) + 1
        np.maximum(months, 0, out=months)
        use = (months * build).sum(axis=0)
        if first <= 0 <= last:
            use += gcost
        over[b] = use > amount * (1.0 + 1e-9) + 1e-6
    return npv, spend, over, finish


# ---------------------------------------------------------------------------------------------
# The figures (`summary`, `simulate_until`, `tornado`).


def r2(x):
    """Rounded to the cent, half away from zero, as sextant rounds."""
    y = abs(x) * 100.0
    f = math.floor(y)
    return math.copysign(f + (y - f >= 0.5), x) / 100.0


def r4(x):
    y = abs(x) * 1e4
    f = math.floor(y)
    return math.copysign(f + (y - f >= 0.5), x) / 1e4


def quantile(v, q):
    pos = q * (len(v) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - lo))


def summary(v):
    mean = float(v.sum()) / len(v)
    v = np.sort(v)
    s = {"mean": r2(mean)}
    for name, q in (("p5", 0.05), ("p10", 0.10), ("p50", 0.5), ("p90", 0.9), ("p95", 0.95)):
        s[name] = r2(quantile(v, q))
    s["min"], s["max"] = r2(float(v[0])), r2(float(v[-1]))
    s["quantiles"] = [r2(quantile(v, k / 40)) for k in range(41)]
    s["sorted"] = v  # for the checks, not a figure
    return s


def deterministic(m):
    """Every input likely, no risk fired: the base run, then the tornado's one-at-a-time runs,
    all as columns of one batch."""
    n, nr = m.n, len(m.risks)
    cost = np.array([t[1] for t in m.cost])
    rec = np.array([t[1] for t in m.recurring])
    ben = np.array([sum(kk * t[1] for kk, t in bs) for bs in m.benefits])
    dur = np.array([int(t[1]) for t in m.duration], dtype=np.int64)
    cols = [(None, {})]  # (input name, changes)
    for k in range(n):
        i = m.ids[k]
        t = m.cost[k]
        if t[2] > t[0]:
            cols += [(f"{i}: one_time_cost", {"cost": (k, t[0])}), (None, {"cost": (k, t[2])})]
        t = m.recurring[k]
        if t[2] > t[0]:
            cols += [(f"{i}: recurring_cost_annual", {"rec": (k, t[0])}),
                     (None, {"rec": (k, t[2])})]
        for j, (kk, t) in enumerate(m.benefits[k]):
            if t[2] > t[0]:
                cols += [(f"{i}: benefits[{j}]", {"ben": (k, ben[k] + kk * (t[0] - t[1]))}),
                         (None, {"ben": (k, ben[k] + kk * (t[2] - t[1]))})]
        t = m.duration[k]
        if t[2] > t[0]:
            cols += [(f"{i}: duration_months", {"dur": (k, int(t[0]))}),
                     (None, {"dur": (k, int(t[2]))})]
    for r, risk in enumerate(m.risks):
        cols += [(f"{risk[0]}: occurs", {}),
                 (None, {"risk": (r, risk[3][1], max(int(round_half_away(risk[4][1])), 0))})]
    size = len(cols)
    C, R, B, D = (np.repeat(x[:, None], size, axis=1) for x in (cost, rec, ben, dur))
    rc = np.zeros((nr, size))
    rd = np.zeros((nr, size), dtype=np.int64)
    for c, (_, ch) in enumerate(cols):
        for key, val in ch.items():
            if key == "risk":
                rc[val[0], c], rd[val[0], c] = val[1], val[2]
            else:
                {"cost": C, "rec": R, "ben": B, "dur": D}[key][val[0], c] = val[1]
    npv, _, _, finish = run(m, C, R, B, D, rc, rd, size)
    bars = []
    for c in range(1, size, 2):
        a, b = float(npv[c]), float(npv[c + 1])
        bars.append({"input": cols[c][0], "npv_low": r2(a), "npv_high": r2(b),
                     "swing": r2(abs(b - a))})
    bars.sort(key=lambda x: (-x["swing"], x["input"].encode()))
    return float(npv[0]), finish[:, 0], bars[:15]


def simulate(m, trials, seed, stamps=None, block=None):
    """The figures of `sextant simulate --format json` for model `m`, the trials drawn and run
    `block` at a time (all at once by default)."""
    rng = np.random.default_rng(seed)
    block = block or trials
    cap = m.evaluation + CHUNK_CAP_EXTRA
    npv = np.empty(trials)
    spend = np.empty(trials)
    over = np.zeros((len(m.budgets), trials), dtype=bool)
    hist = np.zeros(m.n * (cap + 1), dtype=np.int64)
    offsets = (np.arange(m.n) * (cap + 1))[:, None]
    t_draw = t_run = 0.0
    t0 = time.perf_counter()
    for lo in range(0, trials, block):
        size = min(block, trials - lo)
        t1 = time.perf_counter()
        draws = draw(m, rng, size)
        t2 = time.perf_counter()
        npv[lo:lo + size], spend[lo:lo + size], over[:, lo:lo + size], finish = \
            run(m, *draws, size)
        hist += np.bincount((np.minimum(finish, cap) + offsets).ravel(),
                            minlength=m.n * (cap + 1))
        t_draw += t2 - t1
        t_run += time.perf_counter() - t2
    hist = hist.reshape(m.n, cap + 1)
    cum = hist.cumsum(axis=1)
    t2 = time.perf_counter()
    base_npv, base_finish, tornado = deterministic(m)
    pct = {}
    for q in (0.10, 0.50, 0.90):
        target = max(math.ceil(q * trials), 1)
        pct[q] = (cum < target).sum(axis=1)
    within = hist[:, :m.horizon].sum(axis=1)
    sim = {
        "trials": trials,
        "seed": seed,
        "distribution": m.shape,
        "deterministic_npv": r2(base_npv),
        "npv": summary(npv),
        "spend": summary(spend),
        "p_npv_negative": r4(int((npv < 0.0).sum()) / trials),
        "p_over_budget": r4(int(over.any(axis=0).sum()) / trials),
        "over_budget_by_period": [
            {"period": b[0], "budget": b[3], "probability": r4(int(over[j].sum()) / trials)}
            for j, b in enumerate(m.budgets)],
        "completion": [
            {"id": m.ids[k], "planned_end_month": int(base_finish[k]),
             "p10": int(pct[0.10][k]), "p50": int(pct[0.50][k]), "p90": int(pct[0.90][k]),
             "p_within_horizon": r4(int(within[k]) / trials)}
            for k in range(m.n)],
        "tornado": tornado,
        "_finish_cdf": cum / trials,  # for the checks, not a figure
    }
    t3 = time.perf_counter()
    if stamps is not None:
        stamps.update(draw=t_draw, run=t_run, figures=t3 - t2)
    return sim


def public(sim):
    """The figures alone, as sextant's JSON has them."""
    out = {k: v for k, v in sim.items() if not k.startswith("_")}
    for key in ("npv", "spend"):
        out[key] = {k: v for k, v in sim[key].items() if k not in ("sorted", "quantiles")}
    return out


def load(plan_path, roadmap_path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(plan_path) as f:
        plan = yaml.load(f, Loader=loader)
    with open(roadmap_path) as f:
        roadmap = json.load(f)
    return plan, roadmap


# ---------------------------------------------------------------------------------------------
# The checks: numpy's figures against sextant's, within Monte Carlo error.


def check(np_sim, sx, trials):
    """Lines saying what was compared; exits if anything disagrees."""
    bad, lines = [], []
    z = 4.0  # standard errors allowed on the tests in probability space (several dozen tests)

    def p_ok(name, a, b):
        # Two independent estimates of one probability, each rounded to 1e-4.
        p = (a + b) / 2
        tol = z * math.sqrt(2 * p * (1 - p) / trials) + 1e-4
        if abs(a - b) > tol:
            bad.append(f"{name}: numpy {a} sextant {b} (allowed {tol:.4f})")

    for key in ("npv", "spend"):
        mine, theirs = np_sim[key], sx[key]
        v = mine["sorted"]
        sd = float(v.std(ddof=1))
        se = sd * math.sqrt(2.0 / trials)  # of the difference of two independent means
        d = mine["mean"] - theirs["mean"]
        lines.append(f"{key}: mean numpy {mine['mean']:.2f}, sextant {theirs['mean']:.2f}, "
                     f"difference {d:+.2f} = {d / se:+.2f} standard errors (sd {sd:.0f})")
        # z, as for the other tests: at 3 standard errors one mean of two in a few hundred
        # independent runs is flagged by chance alone (it was, once, on seed 1).
        if abs(d) > z * se:
            bad.append(f"{key} mean: {d / se:+.2f} standard errors apart")
        for name, q in (("p5", .05), ("p10", .10), ("p50", .50), ("p90", .90), ("p95", .95)):
            a, b = mine[name], theirs[name]
            rel = abs(a - b) / max(abs(b), 1e-9)
            # Where sextant's percentile falls in numpy's sample, against q: the percentile's
            # Monte Carlo error in probability, no density estimate needed.
            f = np.searchsorted(v, b, side="right") / trials
            zq = (f - q) / math.sqrt(2 * q * (1 - q) / trials)
            lines.append(f"  {key} {name}: numpy {a:.2f}, sextant {b:.2f}, {rel * 100:.3f}% apart, "
                         f"sextant's at numpy's {f * 100:.2f}th percentile ({zq:+.2f} s.e.)")
            if rel > 0.01:
                bad.append(f"{key} {name}: {rel * 100:.2f}% apart (over 1%)")
            if abs(zq) > z:
                bad.append(f"{key} {name}: {zq:+.2f} standard errors apart")
    p_ok("p_npv_negative", np_sim["p_npv_negative"], sx["p_npv_negative"])
    p_ok("p_over_budget", np_sim["p_over_budget"], sx["p_over_budget"])
    lines.append(f"p_npv_negative numpy {np_sim['p_npv_negative']}, sextant "
                 f"{sx['p_npv_negative']}; p_over_budget numpy {np_sim['p_over_budget']}, "
                 f"sextant {sx['p_over_budget']}")
    periods = [(a["period"], a["budget"]) for a in np_sim["over_budget_by_period"]]
    if periods != [(b["period"], b["budget"]) for b in sx["over_budget_by_period"]]:
        bad.append("budget periods differ")
    else:
        for a, b in zip(np_sim["over_budget_by_period"], sx["over_budget_by_period"]):
            p_ok(f"over budget {a['period']}", a["probability"], b["probability"])
        lines.append("over budget by period, numpy/sextant: " + ", ".join(
            f"{a['period']} {a['probability']}/{b['probability']}"
            for a, b in zip(np_sim["over_budget_by_period"], sx["over_budget_by_period"])))
    ids = [c["id"] for c in np_sim["completion"]]
    if ids != [c["id"] for c in sx["completion"]]:
        bad.append("the scheduled initiatives differ")
    else:
        cdf = np_sim["_finish_cdf"]
        moved = 0
        for k, (a, b) in enumerate(zip(np_sim["completion"], sx["completion"])):
            if a["planned_end_month"] != b["planned_end_month"]:
                bad.append(f"{a['id']}: planned end {a['planned_end_month']} against "
                           f"{b['planned_end_month']}")
            p_ok(f"{a['id']} within horizon", a["p_within_horizon"], b["p_within_horizon"])
            for q, name in ((0.1, "p10"), (0.5, "p50"), (0.9, "p90")):
                if a[name] == b[name]:
                    continue
                moved += 1
                # sextant's month must be a q-quantile of numpy's sample within the error:
                # F(m) >= q and F(m - 1) < q, each to z standard errors.
                m_ = b[name]
                tol = z * math.sqrt(2 * q * (1 - q) / trials)
                above = cdf[k, m_] if m_ < cdf.shape[1] else 1.0
                below = cdf[k, m_ - 1] if m_ >= 1 else 0.0
                if above < q - tol or below > q + tol:
                    bad.append(f"{a['id']} {name}: numpy {a[name]}, sextant {b[name]}")
        lines.append(f"completion: {len(ids)} initiatives, planned end months equal; "
                     f"finish percentiles (p10, p50, p90) equal but {moved} of {3 * len(ids)} "
                     "(each of those within Monte Carlo error)")
    if abs(np_sim["deterministic_npv"] - sx["deterministic_npv"]) > 0.0101:
        bad.append(f"deterministic NPV {np_sim['deterministic_npv']} against "
                   f"{sx['deterministic_npv']}")
    lines.append(f"deterministic NPV numpy {np_sim['deterministic_npv']:.2f}, sextant "
                 f"{sx['deterministic_npv']:.2f}")
    ta, tb = np_sim["tornado"], sx["tornado"]
    if [x["input"] for x in ta] != [x["input"] for x in tb] or any(
            abs(x[f] - y[f]) > 0.0101 for x, y in zip(ta, tb)
            for f in ("npv_low", "npv_high", "swing")):
        bad.append("the tornado differs")
    lines.append(f"tornado: {len(ta)} bars, same inputs in the same order, same NPVs to the cent: "
                 f"{'yes' if 'the tornado differs' not in bad else 'NO'}")
    if bad:
        print("\n".join(lines), file=sys.stderr)
        sys.exit("THE NUMPY MODEL AND SEXTANT DISAGREE:\n  " + "\n  ".join(bad))
    return lines


# ---------------------------------------------------------------------------------------------
# The benchmark.


def run_process(cmd, env=None):
    """Runs `cmd`: its output; exits if it fails."""
    p = subprocess.run(cmd, capture_output=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
    return p.stdout.decode()


def timed_process(cmd, env=None):
    """Runs `cmd`: its output, wall seconds, CPU seconds (user + system)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed ({status})")
    return out.decode(), wall, usage.ru_utime + usage.ru_stime


def once(plan_path, roadmap_path):
    plan, roadmap = load(plan_path, roadmap_path)
    m = build_model(plan, roadmap)
    sim = simulate(m, TRIALS, SEED, block=BLOCK or None)
    print(json.dumps(public(sim)))


def numpy_run(plan, roadmap, block):
    """numpy in this process, from the parsed plan and schedule to the figures: the figures,
    and (wall s, CPU s, draws s, trials s, figures s)."""
    stamps = {}
    t, c = time.perf_counter(), time.process_time()
    m = build_model(plan, roadmap)
    sim = simulate(m, TRIALS, SEED, stamps, block)
    return sim, (time.perf_counter() - t, time.process_time() - c, stamps["draw"],
                 stamps["run"], stamps["figures"])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--once":
        return once(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sextant, plan_path, roadmap_path = sys.argv[1:]
    cores = os.cpu_count() or 1
    plan, roadmap = load(plan_path, roadmap_path)
    base_env = dict(os.environ)
    base_env.pop("RAYON_NUM_THREADS", None)
    env = {t: dict(base_env, RAYON_NUM_THREADS=str(t)) for t in sorted({1, cores})}
    sim_cmd = [sextant, "simulate", plan_path, "--roadmap", roadmap_path,
               "--trials", str(TRIALS), "--seed", str(SEED), "--format", "json"]
    warm_cmd = [sextant, "simulate", plan_path, "--trials", str(TRIALS), "--seed", str(SEED),
                "--format", "json"]
    bench_cmd = [sextant, "bench", "simulate", "--initiatives", str(INITIATIVES),
                 "--months", str(MONTHS), "--trials", str(TRIALS), "--seed", str(SEED)]
    once_cmd = [sys.executable, os.path.abspath(__file__), "--once", plan_path, roadmap_path]
    # The two ways numpy runs the trials: in blocks of BLOCK trials, and all at once.
    variants = {"blocks": BLOCK or None, "all": None}
    if not BLOCK or BLOCK >= TRIALS:
        del variants["blocks"]
    runs = {k: [] for k in ("np_e2e", "mc1", "mcN", "sx1", "sxN", "warm", *variants)}
    first_json, sims, agree, bench_text = None, {}, {}, None
    for r in range(ROUNDS):
        for name, block in variants.items():
            sims[name], times = numpy_run(plan, roadmap, block)
            runs[name].append(times)
        # sextant simulate, end to end, on the kept roadmap: 1 thread, every core; then the
        # roadmap kept in the cache (written by `sextant roadmap` in the wrapper).
        out1, w1, c1 = timed_process(sim_cmd, env[1])
        runs["sx1"].append((w1, c1))
        outN, wN, cN = timed_process(sim_cmd, env[cores])
        runs["sxN"].append((wN, cN))
        outW, wW, cW = timed_process(warm_cmd, base_env)
        runs["warm"].append((wW, cW))
        if first_json is None:
            first_json = out1
            for name in variants:
                agree[name] = check(sims[name], json.loads(out1), TRIALS)
        for o, what in ((out1, "1 thread"), (outN, f"{cores} threads"), (outW, "cache")):
            if o != first_json:
                sys.exit(f"sextant simulate gave other numbers ({what}, round {r + 1})")
        # numpy as a process, end to end.
        outP, wP, cP = timed_process(once_cmd, base_env)
        runs["np_e2e"].append((wP, cP))
        if r == 0:
            mine = json.loads(outP)
            same = sims["blocks" if "blocks" in variants else "all"]
            if mine != json.loads(json.dumps(public(same))):
                sys.exit("numpy as a process gave other figures than in this process")
        # sextant bench simulate: the Monte Carlo alone, in its process.
        text = run_process(bench_cmd, base_env)
        one = re.search(r"baseline: 1 thread\s+([0-9.]+)", text)
        many = re.search(r"(\d+) threads\s+([0-9.]+)", text)
        same = re.search(r"same numbers on 1 and \d+ threads: (\w+)", text)
        if not (one and many and same) or same.group(1) != "yes":
            sys.exit(f"unexpected output of sextant bench simulate:\n{text}")
        runs["mc1"].append(float(one.group(1)))
        runs["mcN"].append(float(many.group(2)))
        bench_text = text
        print(f"round {r + 1}: numpy " + ", ".join(
            f"{name} {runs[name][-1][0]:.3f} s (draws {runs[name][-1][2]:.3f}, trials "
            f"{runs[name][-1][3]:.3f}, figures {runs[name][-1][4]:.3f})" for name in variants)
            + f"; bench Monte Carlo 1 thread {runs['mc1'][-1]:.3f} s, {cores} threads "
            f"{runs['mcN'][-1]:.3f} s; simulate --roadmap 1 thread {w1:.3f} s, {cores} threads "
            f"{wN:.3f} s, cache {wW:.3f} s; numpy process {wP:.3f} s", file=sys.stderr)
    best = lambda k: min(runs[k])  # for tuples (wall, ...), the fastest's  # noqa: E731
    label = {"blocks": f"numpy, blocks of {BLOCK} trials", "all": f"numpy, all {TRIALS} at once"}
    base = min(variants, key=lambda k: best(k)[0])
    npy = best(base)[0]
    npe = best("np_e2e")
    lines = bench_text.splitlines()
    plan_line = next(l for l in lines if l.startswith("plan:"))
    road_line = next(l for l in lines if l.startswith("roadmap:"))
    if roadmap["status"] != "optimal" or not road_line.startswith("roadmap: optimal"):
        print("WARNING: a roadmap is not proven optimal (the machine may be loaded); the "
              "schedule of `sextant bench simulate` may then differ from the kept one",
              file=sys.stderr)
    print(f"numpy {np.__version__} (Python {sys.version.split()[0]}, 1 thread: "
          "OMP/OPENBLAS/MKL/VECLIB/NUMEXPR/BLIS_NUM_THREADS=1); "
          f"{TRIALS} trials, seed {SEED}, best of {ROUNDS}; {cores} cores")
    print(f"{plan_line}; {road_line}, the same schedule as the kept roadmap's "
          f"(objective {roadmap['objective']})")
    for name in variants:
        print(f"agreement, {label[name]} (numpy's draws against sextant's, independent "
              "samples):")
        for l in agree[name]:
            print("  " + l)
    print("the figures agree within Monte Carlo error; sextant gave the same JSON on 1 and "
          f"{cores} threads, with --roadmap and from the cache")
    print()
    head = f"{'':<60} {'seconds':>8} {'CPU s':>7} {'x numpy':>8}"
    print("Monte Carlo alone, in process (from the parsed plan and schedule to the figures); "
          "x numpy = numpy's seconds / these")
    print(head)
    for name in sorted(variants, key=lambda k: k != base):
        w, c, d, t, f = best(name)
        tag = "baseline: " if name == base else ""
        print(f"{tag + label[name] + ', 1 thread':<60} {w:>8.3f} {c:>7.3f} {npy / w:>8.2f}")
        print(f"{'  draws / trials / figures + tornado (fastest round)':<60} "
              f"{d:.3f} / {t:.3f} / {f:.3f}")
    print(f"{'sextant, 1 thread (bench simulate)':<60} {best('mc1'):>8.3f} {'':>7} "
          f"{npy / best('mc1'):>8.2f}")
    print(f"{f'sextant, {cores} threads (bench simulate)':<60} {best('mcN'):>8.3f} {'':>7} "
          f"{npy / best('mcN'):>8.2f}")
    print()
    print("End to end, one process each (start, read the plan and schedule, trials, JSON out); "
          "x numpy = numpy's seconds / these")
    print(head)
    print(f"{'baseline: numpy (python --once: imports, YAML + JSON, trials)':<60} "
          f"{npe[0]:>8.3f} {npe[1]:>7.3f} {1.0:>8.2f}")
    for key, text in (("sx1", "sextant simulate --roadmap, RAYON_NUM_THREADS=1"),
                      ("sxN", f"sextant simulate --roadmap, RAYON_NUM_THREADS={cores}"),
                      ("warm", "sextant simulate, roadmap from the cache, all cores")):
        w, c = best(key)
        print(f"{text:<60} {w:>8.3f} {c:>7.3f} {npe[0] / w:>8.2f}")
    print()
    print(f"sextant Monte Carlo alone: {cores} threads {best('mc1') / best('mcN'):.2f}x "
          "as fast as 1 thread")


if __name__ == "__main__":
    main()
