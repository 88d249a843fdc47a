"""Where the time goes in proving the loose 50 x 60 roadmap optimal (issue 20).

Reads the step model's linear relaxation (`milp::Formulation::Step`, the model the optimiser
solves first), written by `sextant bench roadmap --no-plain` with SEXTANT_SOLVER_WRITE set, and
prints, each from the same model:

- the relaxation: its bound, how many columns are fractional, the rows of many entries that
  bind (budgets, staff hours, concurrency) with their duals;
- HiGHS's branch and bound on the same model made integer (one thread, gap 1e-4), from no
  starting schedule and then started from the optimum it found, with its defaults and with
  its sub-MIP heuristics (RINS, RENS) off, or all its heuristics off: what remains once the
  best schedule is known is the time to prove it;
- with BB_SECONDS set, a plain best-first branch and bound on the relaxation alone (no cuts, no
  presolve; dual simplex hot-started from node to node; branching on an initiative's first
  fractional "started by" column), given the optimum from the start, for at most that long:
  how many nodes the relaxation's bound needs to prove it.

    python bench_roadmap_proof.py STEP_LP.mps
"""

import heapq
import os
import sys
import time

import highspy
import numpy as np

GAP = 1e-4


def quiet(path):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # Before any run: HiGHS keeps one scheduler per process, made by the first run.
    h.setOptionValue("threads", 1)
    h.readModel(path)
    return h


def entries_by_row(lp):
    a = lp.a_matrix_
    rows = {}
    for c in range(lp.num_col_):
        for k in range(a.start_[c], a.start_[c + 1]):
            rows.setdefault(a.index_[k], []).append((c, a.value_[k]))
    return rows


def chains(lp, rows):
    """The columns of each initiative, in month order, from its rows y[s-1] - y[s] <= 0."""
    n = lp.num_col_
    nxt = [None] * n
    for r, ents in rows.items():
        if len(ents) == 2:
            (a, va), (b, vb) = sorted(ents)
            if b == a + 1 and va == 1 and vb == -1 and lp.row_upper_[r] == 0:
                nxt[a] = b
    has_prev = {b for b in nxt if b is not None}
    out = []
    for c in range(n):
        if c not in has_prev:
            ch = [c]
            while nxt[ch[-1]] is not None:
                ch.append(nxt[ch[-1]])
            out.append(ch)
    return out


def relaxation(path):
    h = quiet(path)
    t = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t
    lp, sol = h.getLp(), h.getSolution()
    rows = entries_by_row(lp)
    x = np.array(sol.col_value)
    frac = int(np.sum((x > 1e-6) & (x < 1 - 1e-6)))
    print(f"relaxation: bound {h.getInfo().objective_function_value:,.0f} in {secs:.3f} s; "
          f"{lp.num_col_} columns, {frac} fractional")
    for r in range(lp.num_row_):
        ents = rows.get(r, [])
        if len(ents) > 4 and abs(sol.row_dual[r]) > 1e-6:
            print(f"  binding row {r}: {len(ents)} entries, at most {lp.row_upper_[r]:,.0f}, "
                  f"dual {sol.row_dual[r]:,.3f}")


def mip(path, options, start=None):
    h = quiet(path)
    n = h.getLp().num_col_
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    h.setOptionValue("mip_rel_gap", GAP)
    h.setOptionValue("time_limit", 120.0)
    for k, v in options.items():
        h.setOptionValue(k, v)
    if start is not None:
        s = highspy.HighsSolution()
        s.col_value = list(start)
        h.setSolution(s)
    t = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t
    info = h.getInfo()
    return secs, info.objective_function_value, info.mip_node_count, h.getSolution().col_value


def branch_and_bound(path, best, seconds):
    h = quiet(path)
    lp = h.getLp()
    n = lp.num_col_
    items = chains(lp, entries_by_row(lp))
    lo0, hi0 = np.array(lp.col_lower_), np.array(lp.col_upper_)
    every = np.arange(n, dtype=np.int32)
    h.run()
    root = h.getInfo().objective_function_value
    t = time.perf_counter()
    heap, count, nodes, lps = [(-root, 0, [])], 1, 0, 0
    while heap and time.perf_counter() - t < seconds:
        bound, _, fixed = heapq.heappop(heap)
        if -bound <= best * (1 + GAP):
            continue
        lo, hi = lo0.copy(), hi0.copy()
        for c, v in fixed:
            lo[c] = hi[c] = v
        h.changeColsBounds(n, every, lo, hi)
        h.run()
        lps += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            continue
        obj = h.getInfo().objective_function_value
        if obj <= best * (1 + GAP):
            continue
        nodes += 1
        x = h.getSolution().col_value
        pick = None
        for ch in items:
            for c in ch:
                if 1e-6 < x[c] < 1 - 1e-6:
                    score = min(x[c], 1 - x[c])
                    if pick is None or score > pick[0]:
                        pick = (score, c)
                    break
        if pick is None:
            best = obj
            continue
        for v in (1.0, 0.0):
            heapq.heappush(heap, (-obj, count, fixed + [(pick[1], v)]))
            count += 1
    secs = time.perf_counter() - t
    left = f", {len(heap)} nodes still open, best bound {-heap[0][0]:,.0f}" if heap else ", proven"
    print(f"plain branch and bound given the optimum: {nodes} nodes ({lps} relaxations) in "
          f"{secs:.1f} s{left}")


def main():
    path = sys.argv[1]
    relaxation(path)
    secs, best, nodes, x = mip(path, {})
    print(f"HiGHS, no start, defaults: {secs:.2f} s, {nodes} nodes, optimum {best:,.0f}")
    for name, options in [
        ("defaults", {}),
        ("RINS and RENS off", {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False}),
        ("heuristics off", {"mip_heuristic_effort": 0.0}),
    ]:
        secs, obj, nodes, _ = mip(path, options, start=x)
        print(f"HiGHS, started from the optimum, {name}: {secs:.2f} s, {nodes} nodes ({obj:,.0f})")
    if os.environ.get("BB_SECONDS"):
        branch_and_bound(path, best, float(os.environ["BB_SECONDS"]))


if __name__ == "__main__":
    main()
