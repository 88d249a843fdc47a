//! Time-value-of-money primitives on `f64` cash flows: rate conversion, discounting, net present
//! value, internal rate of return, payback periods and first-year return on investment.
//!
//! These are the numbers behind every business case and portfolio figure Sextant reports, so the
//! conventions below are contracts (they come from the product specification):
//!
//! - Flows are per period, and flow 0 is at time 0 and is **not** discounted, as in
//!   numpy-financial's `npv` and the spreadsheet `XNPV` (and unlike Excel's `NPV()`, which
//!   discounts the first flow by one period).
//! - An annual rate `r` becomes the rate of a period of `p` months as `(1 + r)^(p/12) - 1`.
//! - The internal rate of return is a rate per period. When the net present value has several
//!   roots, the one closest to zero is returned (numpy-financial's `irr` convention); when it has
//!   none that can be found, or the input is degenerate, the answer is `None`.
//! - Payback counts from the first non-zero flow: zeros before a later start are not "paid back".
//!
//! Everything here is pure and allocation-light; nothing panics on any input.

/// Relative tolerance, in units of machine epsilon times the running sum of absolute flows, under
/// which a cumulative flow still counts as having reached zero. It only absorbs the rounding of
/// the inputs and of discounting (so that, say, `[-1, 1/3, 1/3, 1/3]` pays back in period 3); it
/// is far too small to change any decision that is not an exact break-even.
const PAYBACK_TOLERANCE_ULPS: f64 = 16.0;

/// The IRR search grid is `u = GRID_SCALE * sinh(k * GRID_STEP)` in `u = ln(1 + rate)`: spacing
/// `GRID_SCALE * GRID_STEP` (4e-7) around a zero rate and about `GRID_STEP` (0.4 %) relative
/// spacing further out.
const GRID_SCALE: f64 = 1e-4;
/// See [`GRID_SCALE`].
const GRID_STEP: f64 = 0.004;
/// The search reaches `|ln(1 + rate)| = 28`: rates from about `-1 + 7e-13` up to about `1.4e12`.
const GRID_LIMIT: f64 = 28.0;
/// Absolute tolerance on `ln(1 + rate)` for Brent's method (relative tolerance is machine
/// precision).
const BRENT_XTOL: f64 = 1e-18;
/// Iteration cap for Brent's method; it normally converges in well under 50.
const BRENT_MAX_ITER: usize = 200;

/// The rate for one period of `months_per_period` months equivalent to the annual rate
/// `annual_rate`: `(1 + r)^(p/12) - 1`.
///
/// Computed through `ln_1p`/`exp_m1` so that small rates keep full precision. A period of zero
/// months has a zero rate; an annual rate below -1 gives NaN.
pub fn period_rate(annual_rate: f64, months_per_period: u32) -> f64 {
    (f64::from(months_per_period) / 12.0 * annual_rate.ln_1p()).exp_m1()
}

/// The monthly rate equivalent to the annual rate `annual_rate`: `period_rate(annual_rate, 1)`.
pub fn monthly_rate(annual_rate: f64) -> f64 {
    period_rate(annual_rate, 1)
}

/// The annual rate equivalent to `rate_per_period` on periods of `months_per_period` months:
/// `(1 + i)^(12/p) - 1`. The inverse of [`period_rate`].
///
/// Returns NaN when `months_per_period` is zero (a zero-length period has no annual equivalent)
/// or when the rate is below -1.
pub fn annualise(rate_per_period: f64, months_per_period: u32) -> f64 {
    if months_per_period == 0 {
        return f64::NAN;
    }
    (12.0 / f64::from(months_per_period) * rate_per_period.ln_1p()).exp_m1()
}

/// The discount factor of period `t`, `1 / (1 + i)^t`, with period 0 always exactly 1.
fn discount_factor(rate_per_period: f64, t: usize) -> f64 {
    if t == 0 {
        return 1.0;
    }
    let t = t as f64;
    if rate_per_period > -1.0 {
        // exp(-t * ln(1 + i)) keeps the precision of small rates, which `1.0 + i` would round.
        (-t * rate_per_period.ln_1p()).exp()
    } else {
        // At or below -1 (outside any meaningful domain): +inf at exactly -1, alternating signs
        // below, NaN for a NaN rate.
        (1.0 + rate_per_period).powf(-t)
    }
}

/// The first `n` discount factors at `rate_per_period`: `[1, 1/(1+i), 1/(1+i)^2, ...]`.
///
/// Factor 0 is exactly 1 whatever the rate (flow 0 is never discounted).
pub fn discount_factors(rate_per_period: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|t| discount_factor(rate_per_period, t))
        .collect()
}

/// Each flow multiplied by its discount factor at `rate_per_period` (flow 0 is unchanged).
pub fn discounted(rate_per_period: f64, flows: &[f64]) -> Vec<f64> {
    flows
        .iter()
        .enumerate()
        .map(|(t, &f)| f * discount_factor(rate_per_period, t))
        .collect()
}

/// Neumaier's compensated running sum: each element is the sum so far, accurate to about one
/// rounding of the exact sum of the (already rounded) inputs.
#[derive(Default)]
struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    fn add(&mut self, x: f64) -> f64 {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
        self.value()
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Net present value of `flows` at `rate_per_period`: `sum(flows[t] / (1 + i)^t)`, with flow 0
/// at time 0 and not discounted (numpy-financial `npv`, spreadsheet `XNPV`; not Excel `NPV()`).
///
/// The sum is compensated, so large flows that nearly cancel keep their small net value. An empty
/// slice is worth 0. NaN in the flows or rate gives NaN.
pub fn npv(rate_per_period: f64, flows: &[f64]) -> f64 {
    let mut acc = CompensatedSum::default();
    for (t, &f) in flows.iter().enumerate() {
        acc.add(f * discount_factor(rate_per_period, t));
    }
    acc.value()
}

/// Running totals of `flows`: element `t` is `flows[0] + ... + flows[t]` (compensated summation).
pub fn cumulative(flows: &[f64]) -> Vec<f64> {
    let mut acc = CompensatedSum::default();
    flows.iter().map(|&f| acc.add(f)).collect()
}

/// The first period index `t` at which the running total of `flows`, counted from the first
/// non-zero flow, is `>= 0`; `None` when it never is, when all flows are zero (or there are none),
/// or when a flow is not finite.
///
/// The index is into `flows` itself, so `[0, 0, -100, 50, 50]` pays back in period 4. A first
/// non-zero flow that is positive pays back at once. A running total within a rounding tolerance
/// (16 machine epsilons of the sum of absolute flows so far) below zero counts as zero, so that a
/// break-even that is exact on paper, like `[-1, 1/3, 1/3, 1/3]`, is not pushed a period later by
/// the rounding of its inputs.
pub fn payback_period(flows: &[f64]) -> Option<usize> {
    if flows.iter().any(|f| !f.is_finite()) {
        return None;
    }
    let start = flows.iter().position(|&f| f != 0.0)?;
    let mut total = CompensatedSum::default();
    let mut magnitude = 0.0;
    for (t, &f) in flows.iter().enumerate().skip(start) {
        let running = total.add(f);
        magnitude += f.abs();
        if running >= -PAYBACK_TOLERANCE_ULPS * f64::EPSILON * magnitude {
            return Some(t);
        }
    }
    None
}

/// [`payback_period`] applied to the flows discounted at `rate_per_period` (see [`discounted`]):
/// the first period at which the discounted running total, from the first non-zero flow, is
/// `>= 0`. For a positive rate it is never earlier than the undiscounted payback.
pub fn discounted_payback_period(rate_per_period: f64, flows: &[f64]) -> Option<usize> {
    payback_period(&discounted(rate_per_period, flows))
}

/// First-year return on investment: `(B - C) / C` for one year of benefits `B` and the one-year
/// cost `C`.
///
/// `None` when `C <= 0` (the ratio means nothing without a cost) or when either figure is not
/// finite.
pub fn first_year_roi(annual_benefit: f64, first_year_cost: f64) -> Option<f64> {
    if !annual_benefit.is_finite() || !first_year_cost.is_finite() || first_year_cost <= 0.0 {
        return None;
    }
    Some((annual_benefit - first_year_cost) / first_year_cost)
}

/// A function with the same sign and roots as the NPV of `c` (trimmed, normalised flows, non-empty)
/// at the rate `e^u - 1`, evaluated without overflow for any `u`.
///
/// For rates `>= 0` it is the NPV itself, by Horner's rule in the discount factor `d = e^-u <= 1`.
/// For rates in `(-1, 0)` the discount factor exceeds 1 and the NPV would overflow near -1, so it
/// is the NPV times `(1 + rate)^(n-1)`, a positive factor: `sum(c[t] * x^(n-1-t))` with
/// `x = e^u < 1`, by Horner's rule forwards. Both branches are `sum(c)` at `u = 0`, so the function
/// is continuous. With `|c[t]| <= 1` neither branch can exceed `n` in magnitude.
fn npv_sign_function(c: &[f64], u: f64) -> f64 {
    if u >= 0.0 {
        let d = (-u).exp();
        c.iter().rev().fold(0.0, |acc, &f| acc * d + f)
    } else {
        let x = u.exp();
        c.iter().fold(0.0, |acc, &f| acc * x + f)
    }
}

/// Brent's method for a root of `f` in `[a, b]`, where `fa = f(a)` and `fb = f(b)` have opposite
/// signs (Brent 1973, in the formulation of Numerical Recipes' `zbrent`).
fn brent(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64, mut fa: f64, mut fb: f64) -> f64 {
    let mut c = b;
    let mut fc = fb;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..BRENT_MAX_ITER {
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * BRENT_XTOL;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            // Inverse quadratic interpolation, or the secant step when only two points differ.
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let limit = (3.0 * m * q - (tol * q).abs()).min((e * q).abs());
            if 2.0 * p < limit {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = d;
            }
        } else {
            d = m;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
    }
    b
}

/// The root of `g` closest to `u = 0` on one side (`side` is +1 or -1), scanning the grid outwards
/// from `u = 0` (where `g` is `g0`) and refining the first sign change with Brent's method.
fn nearest_root_on_side(g: &impl Fn(f64) -> f64, g0: f64, side: f64) -> Option<f64> {
    let (mut u_prev, mut g_prev) = (0.0_f64, g0);
    let mut k = 1.0_f64;
    loop {
        let u = side * GRID_SCALE * (k * GRID_STEP).sinh();
        if u.abs() > GRID_LIMIT {
            return None;
        }
        let gu = g(u);
        if !gu.is_finite() {
            // Cannot happen for finite normalised flows; treat as "no root from here on".
            return None;
        }
        if gu == 0.0 {
            return Some(u);
        }
        if (gu > 0.0) != (g_prev > 0.0) {
            return Some(brent(g, u_prev, u, g_prev, gu));
        }
        u_prev = u;
        g_prev = gu;
        k += 1.0;
    }
}

/// How many times the sign changes along the flows, zeros skipped.
fn sign_changes(c: &[f64]) -> usize {
    let mut signs = c.iter().filter(|&&f| f != 0.0).map(|&f| f > 0.0);
    let Some(mut prev) = signs.next() else {
        return 0;
    };
    signs
        .filter(|&s| {
            let changed = s != prev;
            prev = s;
            changed
        })
        .count()
}

/// The root of `g` when the flows change sign exactly once. By Descartes' rule of signs the NPV,
/// a polynomial in the discount factor, then has exactly one positive root, so `g` has exactly
/// one root in `u`: it is bracketed by doubling steps away from `u = 0` on both sides at once and
/// refined with Brent's method. This is the common case (spend first, returns after) and takes a
/// few dozen evaluations instead of a grid scan.
fn single_root(g: &impl Fn(f64) -> f64, g0: f64) -> Option<f64> {
    let mut step = 1e-3;
    let (mut lo, mut hi) = (0.0, 0.0);
    while step <= 2.0 * GRID_LIMIT {
        let (a, b) = ((-step).max(-GRID_LIMIT), step.min(GRID_LIMIT));
        let (ga, gb) = (g(a), g(b));
        if !(ga.is_finite() && gb.is_finite()) {
            return None;
        }
        if gb == 0.0 {
            return Some(b);
        }
        if ga == 0.0 {
            return Some(a);
        }
        if (gb > 0.0) != (g0 > 0.0) {
            return Some(brent(g, hi, b, g(hi), gb));
        }
        if (ga > 0.0) != (g0 > 0.0) {
            return Some(brent(g, a, lo, ga, g(lo)));
        }
        (lo, hi) = (a, b);
        step *= 2.0;
    }
    None
}

/// Internal rate of return per period: the rate `i > -1` at which `npv(i, flows)` is zero.
///
/// When there are several such rates, returns the one closest to zero (numpy-financial's `irr`
/// convention). Returns `None` when the flows never change sign (all positive, all negative, all
/// zero, empty, a single flow), when a flow is not finite, or when no root is found.
///
/// Method: zeros before the first and after the last non-zero flow are dropped (they do not move
/// the roots), the flows are scaled to a largest magnitude of 1, and a continuous function with
/// the sign and roots of the NPV (see the source) is scanned outwards from rate 0 on a grid in
/// `ln(1 + i)` that is 4e-7 apart near zero and 0.4 % apart further out, up to about `1.4e12`
/// and down to about `-1 + 7e-13`. The first sign change on each side is refined with Brent's
/// method to about machine precision, and the nearer of the two to zero is returned. Roots beyond
/// the grid, and pairs of roots closer together than the grid spacing (including double roots,
/// where the NPV touches zero without crossing), are not found.
pub fn irr(flows: &[f64]) -> Option<f64> {
    if flows.iter().any(|f| !f.is_finite()) {
        return None;
    }
    let first = flows.iter().position(|&f| f != 0.0)?;
    let last = flows.iter().rposition(|&f| f != 0.0)?;
    let core = &flows[first..=last];
    if !(core.iter().any(|&f| f > 0.0) && core.iter().any(|&f| f < 0.0)) {
        return None;
    }
    let scale = core.iter().fold(0.0_f64, |m, f| m.max(f.abs()));
    let c: Vec<f64> = core.iter().map(|f| f / scale).collect();
    let g = |u: f64| npv_sign_function(&c, u);

    let g0 = g(0.0);
    if g0 == 0.0 {
        return Some(0.0);
    }
    if sign_changes(&c) == 1 {
        return single_root(&g, g0).map(f64::exp_m1);
    }
    scan(&g, g0)
}

/// The grid scan on both sides of rate 0, for flows that change sign more than once.
fn scan(g: &impl Fn(f64) -> f64, g0: f64) -> Option<f64> {
    let up = nearest_root_on_side(g, g0, 1.0).map(f64::exp_m1);
    let down = nearest_root_on_side(g, g0, -1.0).map(f64::exp_m1);
    match (up, down) {
        (Some(a), Some(b)) => Some(if b.abs() < a.abs() { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `|actual - expected| <= tol * max(1, |expected|)`.
    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol * expected.abs().max(1.0)
    }

    macro_rules! assert_close {
        ($actual:expr, $expected:expr, $tol:expr) => {{
            let (a, e): (f64, f64) = ($actual, $expected);
            assert!(close(a, e, $tol), "{a:e} is not within {:e} of {e:e}", $tol);
        }};
    }

    macro_rules! assert_some_close {
        ($actual:expr, $expected:expr, $tol:expr) => {{
            let (a, e): (Option<f64>, f64) = ($actual, $expected);
            match a {
                Some(a) => assert_close!(a, e, $tol),
                None => panic!("expected Some(~{e:e}), got None"),
            }
        }};
    }

    /// The numpy-financial documentation's example flows.
    const DOCS_FLOWS: [f64; 5] = [-100.0, 39.0, 59.0, 55.0, 20.0];

    /// `[-3000]` then 24 months of 10000/12 (a 10 000 yearly benefit paid monthly).
    fn monthly_flows() -> Vec<f64> {
        let mut f = vec![-3000.0];
        f.extend(std::iter::repeat_n(10000.0 / 12.0, 24));
        f
    }

    /// 6 idle months, 6 months of -10 000 build cost, then 48 months of +3 000.
    fn offset_flows() -> Vec<f64> {
        let mut f = vec![0.0; 6];
        f.extend(std::iter::repeat_n(-10000.0, 6));
        f.extend(std::iter::repeat_n(3000.0, 48));
        f
    }

    /// Sum of `|flows[t]| / (1 + i)^t`: the scale against which an NPV near zero is judged.
    fn npv_scale(rate: f64, flows: &[f64]) -> f64 {
        discounted(rate, flows).iter().map(|f| f.abs()).sum()
    }

    // ---- rates ----

    #[test]
    fn period_rate_figures() {
        // Python: 1.1**(3/12) - 1 == 0.02411368908444511
        assert_close!(period_rate(0.1, 3), 0.024_113_689_084_445_11, 1e-14);
        // By hand: a 12-month period at 10 % a year is 10 %.
        assert_close!(period_rate(0.1, 12), 0.1, 1e-15);
        // By hand: a 24-month period at 10 % a year is 1.1^2 - 1 = 0.21.
        assert_close!(period_rate(0.1, 24), 0.21, 1e-15);
        // By hand: a zero rate stays zero; a zero-length period has a zero rate.
        assert_eq!(period_rate(0.0, 7), 0.0);
        assert_eq!(period_rate(0.25, 0), 0.0);
        assert!(period_rate(-1.5, 1).is_nan());
    }

    #[test]
    fn monthly_rate_figures() {
        // Python: 1.1**(1/12) - 1 == 0.007974140428903764
        assert_close!(monthly_rate(0.1), 0.007_974_140_428_903_764, 1e-14);
        // By hand: 1.12682503013196977^(1/12) = 1.01 (see annualise_figures).
        assert_close!(monthly_rate(0.126_825_030_131_969_77), 0.01, 1e-14);
        assert_eq!(monthly_rate(0.1), period_rate(0.1, 1));
    }

    #[test]
    fn annualise_figures() {
        // Python: 1.01**12 - 1 == 0.12682503013196977
        assert_close!(annualise(0.01, 1), 0.126_825_030_131_969_77, 1e-14);
        // Python: (1 + 0.02411368908444511)**4 - 1 == 0.09999999999999987 (i.e. 10 %)
        assert_close!(annualise(0.024_113_689_084_445_11, 3), 0.1, 1e-14);
        // By hand: a 12-month period rate is already annual.
        assert_close!(annualise(0.07, 12), 0.07, 1e-15);
        assert!(annualise(0.01, 0).is_nan());
    }

    // ---- discounting ----

    #[test]
    fn discount_factors_figures() {
        // Python: [1/1.1**t for t in range(4)]
        //   == [1.0, 0.9090909090909091, 0.8264462809917354, 0.7513148009015775]
        let expected = [
            1.0,
            0.909_090_909_090_909_1,
            0.826_446_280_991_735_4,
            0.751_314_800_901_577_5,
        ];
        let got = discount_factors(0.1, 4);
        assert_eq!(got.len(), 4);
        for (g, e) in got.iter().zip(expected) {
            assert_close!(*g, e, 1e-15);
        }
        assert!(discount_factors(0.1, 0).is_empty());
        // By hand: factor 0 is 1 whatever the rate; at rate 0 all are 1.
        assert_eq!(discount_factors(5.0, 1), vec![1.0]);
        assert_eq!(discount_factors(0.0, 3), vec![1.0, 1.0, 1.0]);
        // By hand: at -50 % each period doubles: 1, 2, 4.
        let half = discount_factors(-0.5, 3);
        assert_close!(half[2], 4.0, 1e-15);
    }

    #[test]
    fn discounted_figures() {
        // Python: [v/1.1**t for t, v in enumerate([-100, 60, 60])]
        //   == [-100.0, 54.54545454545454, 49.58677685950413]
        let got = discounted(0.1, &[-100.0, 60.0, 60.0]);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], -100.0);
        assert_close!(got[1], 54.545_454_545_454_54, 1e-15);
        assert_close!(got[2], 49.586_776_859_504_13, 1e-15);
        assert!(discounted(0.1, &[]).is_empty());
    }

    #[test]
    fn npv_docs_example() {
        // numpy-financial docs example; Python:
        // numpy_financial.npv(0.281, [-100, 39, 59, 55, 20]) == -0.00847859163845488
        assert_close!(npv(0.281, &DOCS_FLOWS), -0.008_478_591_638_454_88, 1e-12);
    }

    #[test]
    fn npv_first_flow_not_discounted() {
        // Python: numpy_financial.npv(0.1, [-100, 60, 60]) == 4.132231404958667
        assert_close!(
            npv(0.1, &[-100.0, 60.0, 60.0]),
            4.132_231_404_958_667,
            1e-13
        );
        // By hand: a single flow at time 0 is worth itself at any rate.
        assert_eq!(npv(0.37, &[42.0]), 42.0);
        // By hand: at rate 0 the NPV is the plain sum, -100+39+59+55+20 = 73.
        assert_eq!(npv(0.0, &DOCS_FLOWS), 73.0);
        assert_eq!(npv(0.1, &[]), 0.0);
        assert!(npv(0.1, &[1.0, f64::NAN]).is_nan());
    }

    #[test]
    fn npv_monthly_flows_at_ten_percent_annual() {
        // Python: i = 1.1**(1/12) - 1
        //   numpy_financial.npv(i, [-3000] + [10000/12]*24) == 15137.139728480639
        let i = monthly_rate(0.1);
        assert_close!(npv(i, &monthly_flows()), 15_137.139_728_480_639, 1e-13);
        // Python: numpy_financial.npv(i, [0.0]*6 + [-10000.0]*6 + [3000.0]*48) == 53190.36132896517
        assert_close!(npv(i, &offset_flows()), 53_190.361_328_965_17, 1e-13);
    }

    #[test]
    fn cumulative_figures() {
        // By hand: -100, -100+39 = -61, -61+59 = -2, -2+55 = 53, 53+20 = 73.
        assert_eq!(
            cumulative(&DOCS_FLOWS),
            vec![-100.0, -61.0, -2.0, 53.0, 73.0]
        );
        assert!(cumulative(&[]).is_empty());
        // By hand: 1e16 + 1 - 1e16 = 1. A plain running sum gives 0 here (1e16 + 1 rounds to
        // 1e16); the compensated one keeps the 1.
        assert_eq!(cumulative(&[1e16, 1.0, -1e16]), vec![1e16, 1e16 + 1.0, 1.0]);
    }

    // ---- IRR ----

    #[test]
    fn irr_docs_example() {
        // Python: numpy_financial.irr([-100, 39, 59, 55, 20]) == 0.28094842115996066
        let Some(i) = irr(&DOCS_FLOWS) else {
            panic!("no IRR found")
        };
        assert_close!(i, 0.280_948_421_159_960_66, 1e-12);
        assert!(npv(i, &DOCS_FLOWS).abs() < 1e-12);
    }

    #[test]
    fn irr_negative_rate() {
        // Python: numpy_financial.irr([-100, 0, 0, 74]) == -0.0954958303489728
        // (by hand: 0.74^(1/3) - 1)
        assert_some_close!(
            irr(&[-100.0, 0.0, 0.0, 74.0]),
            -0.095_495_830_348_972_8,
            1e-12
        );
        // Python: numpy_financial.irr([-100, 100, 0, -7]) == -0.08329966618493256
        assert_some_close!(
            irr(&[-100.0, 100.0, 0.0, -7.0]),
            -0.083_299_666_184_932_56,
            1e-12
        );
        // Python: numpy_financial.irr([-100, 100, 0, 7]) == 0.06205848562992955
        assert_some_close!(
            irr(&[-100.0, 100.0, 0.0, 7.0]),
            0.062_058_485_629_929_55,
            1e-12
        );
    }

    #[test]
    fn irr_multiple_roots_closest_to_zero() {
        let flows = [-5.0, 10.5, 1.0, -8.0, 1.0];
        // Python: numpy_financial.irr([-5, 10.5, 1, -8, 1]) == 0.08859833852775534
        assert_some_close!(irr(&flows), 0.088_598_338_527_755_34, 1e-12);
        // The other roots above -1, from Python:
        //   r = numpy.roots([-5, 10.5, 1, -8, 1][::-1]); 1/r[r.imag == 0].real - 1
        //   -> -0.8702012474847411, 0.7095595276861841 (and -1.8279566187291971, below -1)
        // They are roots too, and farther from zero.
        for other in [-0.870_201_247_484_741_1, 0.709_559_527_686_184_1] {
            assert!(npv(other, &flows).abs() < 1e-9 * npv_scale(other, &flows));
        }
    }

    #[test]
    fn irr_monthly_flows() {
        // Python: numpy_financial.irr([-3000] + [10000/12]*24) == 0.2769922175513728
        let Some(i) = irr(&monthly_flows()) else {
            panic!("no IRR found")
        };
        assert_close!(i, 0.276_992_217_551_372_8, 1e-12);
        // Python: (1 + 0.2769922175513728)**12 - 1 == 17.804379456540794
        assert_close!(annualise(i, 1), 17.804_379_456_540_794, 1e-11);
        // Python: numpy_financial.irr([0.0]*6 + [-10000.0]*6 + [3000.0]*48) == 0.037823043305186266
        assert_some_close!(irr(&offset_flows()), 0.037_823_043_305_186_266, 1e-12);
    }

    #[test]
    fn irr_long_mostly_zero_flows() {
        // 600 periods: -1000 now, 5000 in period 599, zeros between.
        // By hand: (1+i)^599 = 5, i = 5^(1/599) - 1; Python: 5**(1/599) - 1 == 0.0026904875278743745
        // (numpy_financial.irr gives 0.0026904875278630502, within 5e-12 relative).
        let mut flows = vec![0.0; 600];
        flows[0] = -1000.0;
        flows[599] = 5000.0;
        assert_some_close!(irr(&flows), 0.002_690_487_527_874_374_5, 1e-12);

        // Leading zeros do not move the rate: start in period 100, 5000 in period 599.
        // By hand: (1+i)^499 = 5; Python: 5**(1/499) - 1 == 0.003230533439813943
        // (numpy_financial.irr([-1000] + [0]*498 + [5000]) == 0.003230533439808614).
        let mut late = vec![0.0; 600];
        late[100] = -1000.0;
        late[599] = 5000.0;
        assert_some_close!(irr(&late), 0.003_230_533_439_813_943, 1e-12);
    }

    #[test]
    fn irr_exact_and_extreme_roots() {
        // By hand: -100 + 100/(1+i) = 0 at i = 0.
        assert_eq!(irr(&[-100.0, 100.0]), Some(0.0));
        // Python: numpy_financial.irr([-100, 1]) == -0.99 (by hand: 1/100 - 1)
        assert_some_close!(irr(&[-100.0, 1.0]), -0.99, 1e-12);
        // Python: numpy_financial.irr([-1e6, 1]) == -0.999999 (by hand: 1e-6 - 1); no overflow.
        assert_some_close!(irr(&[-1e6, 1.0]), -0.999_999, 1e-12);
        // By hand: -1 + 1001/(1+i) = 0 at i = 1000.
        assert_some_close!(irr(&[-1.0, 1001.0]), 1000.0, 1e-12);
        // By hand: the root 1e-15 - 1 lies beyond the search grid (1 + i >= 7e-13): no root.
        assert_eq!(irr(&[-1e15, 1.0]), None);
    }

    #[test]
    fn irr_none_cases() {
        assert_eq!(irr(&[10.0, 20.0, 30.0]), None, "all positive");
        assert_eq!(irr(&[-10.0, -20.0, -30.0]), None, "all negative");
        assert_eq!(irr(&[0.0, 0.0, 0.0]), None, "all zero");
        assert_eq!(irr(&[]), None, "empty");
        assert_eq!(irr(&[-100.0]), None, "single flow");
        assert_eq!(irr(&[-100.0, f64::NAN, 120.0]), None, "NaN inside");
        assert_eq!(irr(&[-100.0, f64::INFINITY]), None, "infinite");
        assert_eq!(
            irr(&[0.0, -5.0, 0.0, 0.0]),
            None,
            "one non-zero flow among zeros"
        );
        // By hand: -1 + 2d - 1.5d^2 (d = 1/(1+i)) has discriminant 4 - 6 < 0: no real root,
        // although the flows change sign. Python: numpy_financial.irr([-1, 2, -1.5]) -> nan
        assert_eq!(irr(&[-1.0, 2.0, -1.5]), None, "NPV always negative");
    }

    #[test]
    fn irr_double_roots() {
        // By hand: -1 + 2d - d^2 = -(1 - d)^2 touches 0 at d = 1, i = 0, which is on the grid.
        // Python: numpy_financial.irr([-1, 2, -1]) == 0.0
        assert_eq!(irr(&[-1.0, 2.0, -1.0]), Some(0.0));
        // By hand: -1 + 2.1d - 1.1025d^2 = -(1 - 1.05d)^2 touches 0 at i = 0.05 without crossing:
        // a documented limitation, the answer is None or (if rounding makes it cross) ~0.05.
        // Python: numpy_financial.irr([-1, 2.1, -1.1025]) == 0.04999998395785599
        let flows = [-1.0, 2.1, -1.1025];
        if let Some(i) = irr(&flows) {
            assert!((i - 0.05).abs() < 1e-6, "{i}");
        }
    }

    // ---- payback ----

    #[test]
    fn payback_figures() {
        // By hand: cumulative -100, -70, -40, 0 -> period 3.
        assert_eq!(payback_period(&[-100.0, 30.0, 30.0, 40.0, 10.0]), Some(3));
        // By hand: counted from period 2: -100, -50, 0 -> period 4 (not period 0).
        assert_eq!(payback_period(&[0.0, 0.0, -100.0, 50.0, 50.0]), Some(4));
        // By hand: -100, -90, -80: never.
        assert_eq!(payback_period(&[-100.0, 10.0, 10.0]), None);
        assert_eq!(payback_period(&[0.0, 0.0]), None, "all zero");
        assert_eq!(payback_period(&[]), None, "empty");
        // By hand: a positive first non-zero flow is paid back at once.
        assert_eq!(payback_period(&[0.0, 5.0, -3.0]), Some(1));
        // By hand: -100, 50 -> paid back in period 1, even though it dips again later.
        assert_eq!(payback_period(&[-100.0, 150.0, -100.0]), Some(1));
        // By hand: -3000 + 4 * 833.33 = 333.33 >= 0 first in period 4 (period 3: -500).
        assert_eq!(payback_period(&monthly_flows()), Some(4));
        // By hand: -60 000 by period 11, +3 000 a month from 12: 0 in period 12 + 20 - 1 = 31.
        assert_eq!(payback_period(&offset_flows()), Some(31));
        // By hand: exactly even on paper; 3 * (1/3 rounded) = 1 - 5.6e-17, within the tolerance.
        assert_eq!(
            payback_period(&[-1.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]),
            Some(3)
        );
        assert_eq!(payback_period(&[-1.0, f64::NAN, 2.0]), None);
    }

    #[test]
    fn discounted_payback_figures() {
        // Python: numpy.cumsum([v/1.1**t for t, v in enumerate([-100, 60, 60])])
        //   -> -100, -45.45..., 4.13... -> period 2
        assert_eq!(
            discounted_payback_period(0.1, &[-100.0, 60.0, 60.0]),
            Some(2)
        );
        // Python: numpy.cumsum([v/1.1**t for t, v in enumerate([-100, 50, 50, 10])])
        //   -> -100, -54.55, -13.22, -5.71: never (undiscounted it pays back in period 2)
        assert_eq!(payback_period(&[-100.0, 50.0, 50.0, 10.0]), Some(2));
        assert_eq!(
            discounted_payback_period(0.1, &[-100.0, 50.0, 50.0, 10.0]),
            None
        );
        // Python: numpy.cumsum([v/1.05**t for t, v in enumerate([-100, 50, 50, 10])])
        //   -> -100, -52.38, -7.03, 1.61 -> period 3
        assert_eq!(
            discounted_payback_period(0.05, &[-100.0, 50.0, 50.0, 10.0]),
            Some(3)
        );
        // Python: i = 1.1**(1/12) - 1;
        //   numpy.cumsum([v/(1+i)**t for t, v in enumerate([-3000] + [10000/12]*24)])[:5]
        //   -> -3000, -2173.26, -1353.06, -539.35, 267.93 -> period 4
        assert_eq!(
            discounted_payback_period(monthly_rate(0.1), &monthly_flows()),
            Some(4)
        );
        // Python: same on [0.0]*6 + [-10000.0]*6 + [3000.0]*48 -> first >= 0 at period 34
        assert_eq!(
            discounted_payback_period(monthly_rate(0.1), &offset_flows()),
            Some(34)
        );
        // By hand: at rate 0 it is the plain payback.
        assert_eq!(
            discounted_payback_period(0.0, &[0.0, 0.0, -100.0, 50.0, 50.0]),
            Some(4)
        );
        assert_eq!(discounted_payback_period(0.1, &[0.0, 0.0]), None);
    }

    // ---- ROI ----

    #[test]
    fn first_year_roi_corner_bookstore() {
        // The Corner Bookstore example, by hand:
        // (10000 - 3000) / 3000 = 7/3 = 2.333...
        assert_some_close!(first_year_roi(10000.0, 3000.0), 7.0 / 3.0, 1e-15);
        // (15000 - 2000) / 2000 = 6.5
        assert_eq!(first_year_roi(15000.0, 2000.0), Some(6.5));
        // (5000 - 1500) / 1500 = 7/3 = 2.333...
        assert_some_close!(first_year_roi(5000.0, 1500.0), 7.0 / 3.0, 1e-15);
        // By hand: a loss: (500 - 1000) / 1000 = -0.5.
        assert_eq!(first_year_roi(500.0, 1000.0), Some(-0.5));
    }

    #[test]
    fn first_year_roi_none_without_cost() {
        assert_eq!(first_year_roi(1000.0, 0.0), None);
        assert_eq!(first_year_roi(1000.0, -5.0), None);
        assert_eq!(first_year_roi(1000.0, f64::NAN), None);
        assert_eq!(first_year_roi(f64::NAN, 100.0), None);
        assert_eq!(first_year_roi(1000.0, f64::INFINITY), None);
    }

    // ---- properties ----

    fn flows_strategy(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(-1e6..1e6_f64, 0..max_len)
    }

    /// Whole-currency flows (exact sums), with plenty of zeros.
    fn integer_flows_strategy(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(
            prop_oneof![Just(0.0), (-1000_i32..1000).prop_map(f64::from)],
            0..max_len,
        )
    }

    proptest! {
        #[test]
        fn prop_npv_is_homogeneous(
            rate in -0.5..1.0_f64,
            flows in flows_strategy(60),
            k in -1e3..1e3_f64,
        ) {
            let scaled: Vec<f64> = flows.iter().map(|f| k * f).collect();
            let tol = 1e-12 * k.abs() * npv_scale(rate, &flows) + 1e-300;
            prop_assert!((npv(rate, &scaled) - k * npv(rate, &flows)).abs() <= tol);
        }

        #[test]
        fn prop_npv_at_zero_is_sum(flows in flows_strategy(60)) {
            let sum: f64 = flows.iter().sum();
            let scale: f64 = flows.iter().map(|f| f.abs()).sum();
            prop_assert!((npv(0.0, &flows) - sum).abs() <= 1e-12 * scale);
        }

        #[test]
        fn prop_irr_is_a_root(flows in flows_strategy(60)) {
            if let Some(i) = irr(&flows) {
                prop_assert!(i > -1.0);
                prop_assert!(npv(i, &flows).abs() <= 1e-9 * npv_scale(i, &flows));
            }
        }

        #[test]
        fn prop_irr_is_a_root_of_integer_flows(flows in integer_flows_strategy(80)) {
            if let Some(i) = irr(&flows) {
                prop_assert!(npv(i, &flows).abs() <= 1e-9 * npv_scale(i, &flows));
            }
        }

        #[test]
        fn prop_conventional_investment_has_positive_irr(
            benefits in prop::collection::vec(prop_oneof![Just(0.0), 1.0..1e5_f64], 1..120),
            fraction in 0.01..0.99_f64,
        ) {
            let total: f64 = benefits.iter().sum();
            prop_assume!(total > 0.0);
            let mut flows = vec![-fraction * total];
            flows.extend(&benefits);
            let i = irr(&flows);
            prop_assert!(i.is_some_and(|i| i > 0.0), "irr {i:?} of {flows:?}");
            if let Some(i) = i {
                prop_assert!(npv(i, &flows).abs() <= 1e-9 * npv_scale(i, &flows));
            }
        }

        #[test]
        fn prop_single_sign_change_fast_path_agrees_with_the_scan(
            cost in 1.0..1e6_f64, d in 1_usize..12, gain in 0.0..1e5_f64, n in 1_usize..120,
        ) {
            // Spend for d periods, then a constant return: exactly one sign change.
            let flows: Vec<f64> = (0..d + n).map(|t| if t < d { -cost } else { gain }).collect();
            let scale = cost.max(gain);
            let c: Vec<f64> = flows.iter().map(|f| f / scale).collect();
            let g = |u: f64| npv_sign_function(&c, u);
            let slow = scan(&g, g(0.0));
            match (irr(&flows), slow) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} vs {b}"),
                (a, b) => prop_assert_eq!(a.is_some(), b.is_some() && gain > 0.0, "{:?} vs {:?}", a, b),
            }
        }

        #[test]
        fn prop_annualise_inverts_period_rate(r in -0.5..5.0_f64, p in 1_u32..=120) {
            let back = annualise(period_rate(r, p), p);
            prop_assert!((back - r).abs() <= 1e-12 * (1.0 + r.abs()), "{r} -> {back}");
        }

        #[test]
        fn prop_discounted_payback_not_earlier(
            rate in 1e-4..2.0_f64,
            flows in integer_flows_strategy(40),
        ) {
            let plain = payback_period(&flows);
            let disc = discounted_payback_period(rate, &flows);
            match (plain, disc) {
                (Some(p), Some(d)) => prop_assert!(d >= p, "{d} < {p}"),
                (None, Some(d)) => prop_assert!(false, "discounted {d} but never plain"),
                _ => {}
            }
        }

        #[test]
        fn prop_payback_running_total(flows in integer_flows_strategy(40)) {
            let cum = cumulative(&flows);
            let start = flows.iter().position(|&f| f != 0.0);
            let expected = start.and_then(|s| (s..flows.len()).find(|&t| cum[t] >= 0.0));
            prop_assert_eq!(payback_period(&flows), expected);
        }
    }
}
