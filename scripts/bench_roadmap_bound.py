"""Bounds on a tight roadmap plan's optimum, to judge which cuts could prove it (issue 20).

Reads the tight model HiGHS is handed (written by `sextant bench roadmap` with
SEXTANT_SOLVER_WRITE set) and prints, each from the same model:

- the linear relaxation's bound;
- the bound with each family of rows dropped (relaxation and, within TIME seconds, branch and
  bound), which shows which families make the relaxation weak;
- the month-by-month Dantzig-Wolfe bound: the relaxation with each month's staff and
  concurrency rows replaced by the convex hull of the sets of initiatives that fit in a month
  (column generation, priced exactly by a dynamic programme over hours and count). No cut on
  one month's staff and concurrency rows (covers, cliques, lifted knapsack covers) can give a
  better bound than this one.

- with PAIR_ROUNDS set, the same over windows of two consecutive months, where each
  initiative runs in the first month only (ending there), the second only (starting there) or
  through both: that many rounds of column generation, each window priced by a small binary
  programme in HiGHS. The restricted master's value, printed, is a lower bound on that hull's
  bound (it rises to it as the rounds go on), so it shows how little the pairs can add to the
  month-by-month hull;
- with CPSAT_SECONDS set, CP-SAT (OR-Tools) on the same rows plus two cumulative constraints
  (staff hours and concurrency over optional intervals, one per initiative), on 2 workers:
  constraint programming's propagation of a resource profile, against HiGHS's cuts. Coefficients
  are scaled by 100 and rounded (the budget rows' and the objective's cents).

    python bench_roadmap_bound.py MODEL.mps [TIME]
"""

import collections
import os
import sys
from types import SimpleNamespace

import highspy
import numpy as np

INF = highspy.kHighsInf


def load(path):
    """The model and its structure, recovered from the rows' shapes (see milp.rs)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    lp = h.getLp()
    a = lp.a_matrix_
    start, index, value = np.array(a.start_), np.array(a.index_), np.array(a.value_)
    rows, cols = collections.defaultdict(list), collections.defaultdict(list)
    for c in range(lp.num_col_):
        for k in range(start[c], start[c + 1]):
            rows[index[k]].append((c, value[k]))
            cols[c].append((index[k], value[k]))
    up = np.array(lp.row_upper_)
    kind = {}
    for r in range(lp.num_row_):
        vs = {v for _, v in rows[r]}
        if vs == {1.0} and up[r] == 1:
            kind[r] = "select"
        elif vs <= {1.0, -1.0} and up[r] == 0:
            kind[r] = "dependency"
        elif vs == {1.0}:
            kind[r] = "concurrency"
        elif up[r] > 2000:
            kind[r] = "budget"
        else:
            kind[r] = "staff"
    # The first "select" row holding a column is its initiative's; later ones are groups.
    item_of = [-1] * lp.num_col_
    items = []
    for r in range(lp.num_row_):
        if kind[r] != "select":
            continue
        cs = [c for c, _ in rows[r]]
        if any(item_of[c] >= 0 for c in cs):
            kind[r] = "group"
            continue
        for c in cs:
            item_of[c] = len(items)
        # (The staff rows come after the select rows, but their kinds are all known here.)
        eff = [v for rr, v in cols[cs[0]] if kind[rr] == "staff"]
        items.append({"effort": eff[0] if eff else 0.0})
    return h, lp, rows, cols, kind, items, item_of, up


def relaxation(path, drop=(), mip_time=None):
    h, lp, rows, cols, kind, items, item_of, up = load(path)
    for r in range(lp.num_row_):
        if kind[r] in drop:
            h.changeRowBounds(r, -INF, INF)
    h.setOptionValue("threads", 1)
    if mip_time is None:
        h.setOptionValue("solve_relaxation", True)
    else:
        h.setOptionValue("time_limit", float(mip_time))
    h.run()
    i = h.getInfo()
    return i.objective_function_value, i.mip_dual_bound, h.getModelStatus()


def resources(lp, cols, kind, items, item_of, up):
    """The monthly staff and concurrency rows (in month order), their limits, each initiative's
    hours, each column's first and last month running, and each initiative's columns."""
    staff = sorted(r for r in range(lp.num_row_) if kind[r] == "staff")
    conc = sorted(r for r in range(lp.num_row_) if kind[r] == "concurrency")
    assert len(staff) == len(conc), "expected one staff and one concurrency row a month"
    month = {r: t for t, r in enumerate(conc)}
    span, by_item = {}, collections.defaultdict(list)
    for c in range(lp.num_col_):
        ms = sorted(month[r] for r, _ in cols[c] if r in month)
        span[c] = (ms[0], ms[-1])
        by_item[item_of[c]].append(c)
    return SimpleNamespace(
        staff=staff, conc=conc, hours=int(up[staff[0]]), count=int(up[conc[0]]),
        effort=[int(round(x["effort"])) for x in items], span=span, by_item=by_item)


def without_resources(h, res):
    """Drops the staff and concurrency rows, to be replaced by patterns; relaxation only."""
    for r in res.staff + res.conc:
        h.changeRowBounds(r, -INF, INF)
    h.setOptionValue("solve_relaxation", True)


def month_hull_bound(path):
    h, lp, rows, cols, kind, items, item_of, up = load(path)
    res = resources(lp, cols, kind, items, item_of, up)
    conc, hours, count, effort = res.conc, res.hours, res.count, res.effort
    without_resources(h, res)
    # Per month t and initiative i: (running in t) - (sum of the patterns holding i) <= 0.
    link, conv = {}, []
    for t, r in enumerate(conc):
        by_item = collections.defaultdict(list)
        for c, _ in rows[r]:
            by_item[item_of[c]].append(c)
        for i, cs in by_item.items():
            link[i, t] = h.getNumRow()
            h.addRow(-INF, 0, len(cs), np.array(cs, dtype=np.int32), np.ones(len(cs)))
    for t in range(len(conc)):
        conv.append(h.getNumRow())
        h.addRow(-INF, 1, 0, np.array([], dtype=np.int32), np.array([]))

    def add(t, pattern):
        idx = [conv[t]] + [link[i, t] for i in pattern]
        vals = [1.0] + [-1.0] * len(pattern)
        h.addCol(0.0, 0.0, INF, len(idx), np.array(idx, dtype=np.int32), np.array(vals))

    for t in range(len(conc)):
        for i in range(len(items)):
            if (i, t) in link and effort[i] <= hours:
                add(t, [i])
    rounds = 0
    while True:
        h.run()
        bound = h.getInfo().objective_function_value
        dual = h.getSolution().row_dual
        added = 0
        for t in range(len(conc)):
            # The most valuable set of initiatives fitting in month t, by its duals.
            best = {(0, 0): (0.0, ())}
            for i in range(len(items)):
                mu = abs(dual[link[i, t]]) if (i, t) in link else 0.0
                if mu <= 1e-9:
                    continue
                nxt = dict(best)
                for (k, hh), (v, p) in best.items():
                    key = (k + 1, hh + effort[i])
                    if k < count and key[1] <= hours and (key not in nxt or nxt[key][0] < v + mu):
                        nxt[key] = (v + mu, p + (i,))
                best = nxt
            v, p = max(best.values())
            if v > abs(dual[conv[t]]) + 1e-6:
                add(t, list(p))
                added += 1
        rounds += 1
        if added == 0:
            return bound, rounds


def pair_hull_lower(path, rounds):
    """The restricted master's value after `rounds` of column generation over two-month windows."""
    h, lp, rows, cols, kind, items, item_of, up = load(path)
    res = resources(lp, cols, kind, items, item_of, up)
    hours, count, months = res.hours, res.count, len(res.conc)
    effort, span, by_item = res.effort, res.span, res.by_item
    without_resources(h, res)

    def add_row(cs):
        r = h.getNumRow()
        h.addRow(-INF, 0, len(cs), np.array(cs, dtype=np.int32), np.ones(len(cs)))
        return r

    # Per window t (months t and t + 1) and initiative: "runs in t" (A), "runs in t + 1" (B),
    # "runs through both" (C), each at most the patterns' share; the states a pattern may give it.
    link, states, conv = {}, {}, []
    for t in range(months - 1):
        for i, cs in by_item.items():
            a = [c for c in cs if span[c][0] <= t <= span[c][1]]
            b = [c for c in cs if span[c][0] <= t + 1 <= span[c][1]]
            both = [c for c in a if span[c][1] >= t + 1]
            states[t, i] = [st for st, ok in (("a", any(span[c][1] == t for c in a)),
                                              ("b", any(span[c][0] == t + 1 for c in b)),
                                              ("ab", bool(both))) if ok]
            for key, cs_ in (("A", a), ("B", b), ("C", both)):
                if cs_:
                    link[t, i, key] = add_row(cs_)
        conv.append(h.getNumRow())
        h.addRow(-INF, 1, 0, np.array([], dtype=np.int32), np.array([]))

    def keys(st):
        return [k for k, on in (("A", "a" in st), ("B", "b" in st), ("C", st == "ab")) if on]

    def add(t, pattern):
        idx = [conv[t]] + [link[t, i, k] for i, st in pattern.items() for k in keys(st)]
        vals = [1.0] + [-1.0] * (len(idx) - 1)
        h.addCol(0.0, 0.0, INF, len(idx), np.array(idx, dtype=np.int32), np.array(vals))

    for t in range(months - 1):
        for i in by_item:
            for st in states[t, i]:
                if effort[i] <= hours:
                    add(t, {i: st})

    def price(t, dual):
        cand = []
        for i in by_item:
            for st in states[t, i]:
                v = sum(abs(dual[link[t, i, k]]) for k in keys(st))
                if v > 1e-9:
                    cand.append((i, st, v))
        if not cand:
            return 0.0, {}
        p = highspy.Highs()
        p.setOptionValue("output_flag", False)
        n = len(cand)
        p.addVars(n, np.zeros(n), np.ones(n))
        every = np.arange(n, dtype=np.int32)
        p.changeColsCost(n, every, np.array([-v for _, _, v in cand]))
        p.changeColsIntegrality(n, every, np.array([highspy.HighsVarType.kInteger] * n))
        for m in ("a", "b"):
            ks = [k for k, (_, st, _) in enumerate(cand) if m in st]
            if ks:
                idx = np.array(ks, dtype=np.int32)
                p.addRow(-INF, hours, len(ks), idx, np.array([float(effort[cand[k][0]]) for k in ks]))
                p.addRow(-INF, count, len(ks), idx, np.ones(len(ks)))
        per = collections.defaultdict(list)
        for k, (i, _, _) in enumerate(cand):
            per[i].append(k)
        for ks in per.values():
            if len(ks) > 1:
                p.addRow(-INF, 1, len(ks), np.array(ks, dtype=np.int32), np.ones(len(ks)))
        p.run()
        x = p.getSolution().col_value
        return -p.getInfo().objective_function_value, {
            cand[k][0]: cand[k][1] for k in range(n) if x[k] > 0.5}

    value = None
    for _ in range(rounds):
        h.run()
        value = h.getInfo().objective_function_value
        dual = h.getSolution().row_dual
        added = 0
        for t in range(months - 1):
            v, pattern = price(t, dual)
            if v > abs(dual[conv[t]]) + 1e-6:
                add(t, pattern)
                added += 1
        if added == 0:
            return value, True
    return value, False


def cp_sat(path, seconds, workers=2):
    """CP-SAT on the model's rows with cumulative constraints added: (status, schedule, bound)."""
    from ortools.sat.python import cp_model

    h, lp, rows, cols, kind, items, item_of, up = load(path)
    lower, cost = np.array(lp.row_lower_), np.array(lp.col_cost_)
    scale = 100
    m = cp_model.CpModel()
    x = [m.NewBoolVar(f"x{c}") for c in range(lp.num_col_)]
    for r in range(lp.num_row_):
        if not rows[r]:
            continue
        expr = sum(int(round(v * scale)) * x[c] for c, v in rows[r])
        if up[r] < 1e20:
            m.Add(expr <= int(np.floor(up[r] * scale + 1e-6)))
        if lower[r] > -1e20:
            m.Add(expr >= int(np.ceil(lower[r] * scale - 1e-6)))
    res = resources(lp, cols, kind, items, item_of, up)
    intervals, demand = [], []
    for i, cs in res.by_item.items():
        first, last = res.span[cs[0]]
        present = m.NewBoolVar(f"p{i}")
        m.Add(sum(x[c] for c in cs) == present)
        start = m.NewIntVar(0, len(res.conc), f"s{i}")
        m.Add(start == sum(res.span[c][0] * x[c] for c in cs)).OnlyEnforceIf(present)
        intervals.append(m.NewOptionalFixedSizeIntervalVar(start, last - first + 1, present, f"i{i}"))
        demand.append(res.effort[i])
    m.AddCumulative(intervals, demand, res.hours)
    m.AddCumulative(intervals, [1] * len(intervals), res.count)
    m.Maximize(sum(int(round(cost[c] * scale)) * x[c] for c in range(lp.num_col_)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.Solve(m)
    return (solver.StatusName(status), solver.ObjectiveValue() / scale,
            solver.BestObjectiveBound() / scale)


def main():
    path = sys.argv[1]
    mip_time = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    lp, _, _ = relaxation(path)
    print(f"linear relaxation: {lp:,.0f}")
    for drop in ((), ("budget",), ("staff",), ("concurrency",), ("dependency",)):
        lpd, _, _ = relaxation(path, drop)
        obj, bound, status = relaxation(path, drop, mip_time)
        name = "nothing" if not drop else drop[0]
        print(f"without {name:<11}: relaxation {lpd:,.0f}; branch and bound in {mip_time:g} s: "
              f"schedule {obj:,.0f}, bound {bound:,.0f} ({status})", flush=True)
    dw, rounds = month_hull_bound(path)
    print(f"month-by-month hull of staff and concurrency (Dantzig-Wolfe, {rounds} rounds): "
          f"{dw:,.0f}")
    rounds = os.environ.get("PAIR_ROUNDS")
    if rounds:
        value, done = pair_hull_lower(path, int(rounds))
        print(f"two-month windows, {rounds} rounds: at least {value:,.0f}"
              f"{' (converged: the bound)' if done else ' (not converged)'}")
    seconds = os.environ.get("CPSAT_SECONDS")
    if seconds:
        status, obj, bound = cp_sat(path, float(seconds))
        print(f"CP-SAT with cumulative constraints, 2 workers, {seconds} s: schedule {obj:,.0f}, "
              f"bound {bound:,.0f} ({status})")


if __name__ == "__main__":
    main()
