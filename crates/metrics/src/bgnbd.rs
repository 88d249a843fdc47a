//! Predictive customer lifetime value: the BG/NBD model of repeat purchases (Fader, Hardie &
//! Lee 2005, "Counting your customers the easy way") and the Gamma-Gamma model of spend per
//! purchase (Fader, Hardie & Lee 2005, "RFM and CLV"), fitted by maximum likelihood over
//! log-parameters with analytic gradients and BFGS.

use std::collections::HashMap;

use serde::Serialize;

/// One order of one customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order {
    /// The customer (an interned id).
    pub customer: u32,
    /// Day (days since 1970-01-01).
    pub day: i32,
    /// Amount.
    pub amount: f64,
}

/// The time unit of the models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Days.
    Day,
    /// Weeks.
    Week,
}

impl Unit {
    /// Days in one unit.
    pub fn days(self) -> f64 {
        match self {
            Unit::Day => 1.0,
            Unit::Week => 7.0,
        }
    }
}

/// A customer's calibration summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The customer.
    pub customer: u32,
    /// Repeat purchase occasions (same-day orders are one occasion).
    pub frequency: f64,
    /// Time from the first to the last occasion.
    pub recency: f64,
    /// Time from the first occasion to the end of calibration.
    pub t: f64,
    /// Mean amount of the repeat occasions (0 without repeats).
    pub monetary_value: f64,
    /// Purchase occasions after the calibration end.
    pub holdout: u32,
}

/// A function's value and gradient.
type Objective<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);

/// Summarises orders up to `end` (inclusive) per customer, as product.md defines it. Customers
/// whose first order is after `end` are left out.
pub fn summarise(orders: &[Order], end: i32, unit: Unit) -> Vec<Summary> {
    // Orders grouped by customer, by day within a customer; a stable sort keeps the file's
    // order within a day (so same-day amounts add up in the same order).
    let mut sorted: Vec<&Order> = orders.iter().collect();
    sorted.sort_by_key(|o| (o.customer, o.day));
    let mut out = Vec::new();
    let mut occasions: Vec<(i32, f64)> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let customer = sorted[i].customer;
        let mut j = i;
        occasions.clear();
        let mut holdout = 0u32;
        let mut last_holdout_day = None;
        while j < sorted.len() && sorted[j].customer == customer {
            let o = sorted[j];
            if o.day <= end {
                match occasions.last_mut() {
                    Some(last) if last.0 == o.day => last.1 += o.amount,
                    _ => occasions.push((o.day, o.amount)),
                }
            } else if last_holdout_day != Some(o.day) {
                holdout += 1;
                last_holdout_day = Some(o.day);
            }
            j += 1;
        }
        i = j;
        let (Some(&(first, _)), Some(&(last, _))) = (occasions.first(), occasions.last()) else {
            // First order after the end: left out.
            continue;
        };
        let repeats = &occasions[1..];
        out.push(Summary {
            customer,
            frequency: repeats.len() as f64,
            recency: f64::from(last - first) / unit.days(),
            t: f64::from(end - first) / unit.days(),
            monetary_value: if repeats.is_empty() {
                0.0
            } else {
                repeats.iter().map(|x| x.1).sum::<f64>() / repeats.len() as f64
            },
            holdout,
        });
    }
    out
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum ClvError {
    /// Too few customers.
    TooFewCustomers {
        /// How many were found.
        found: usize,
    },
    /// No customer bought twice.
    NoRepeatCustomers,
    /// The optimiser did not converge.
    DidNotConverge {
        /// Which model.
        model: &'static str,
    },
}

impl std::fmt::Display for ClvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClvError::TooFewCustomers { found } => write!(
                f,
                "expected at least 10 customers with orders before the calibration end, found {found}"
            ),
            ClvError::NoRepeatCustomers => write!(
                f,
                "expected some customers with repeat purchases before the calibration end, found none; choose a later --calibration-end"
            ),
            ClvError::DidNotConverge { model } => {
                write!(
                    f,
                    "the {model} fit did not converge; the data may not suit the model"
                )
            }
        }
    }
}

impl std::error::Error for ClvError {}

/// A fitted BG/NBD model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbd {
    /// Shape of the purchase-rate gamma.
    pub r: f64,
    /// Scale of the purchase-rate gamma.
    pub alpha: f64,
    /// Dropout beta, a.
    pub a: f64,
    /// Dropout beta, b.
    pub b: f64,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

/// A fitted Gamma-Gamma model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGamma {
    /// Shape of the per-transaction spend gamma.
    pub p: f64,
    /// Shape of the scale's gamma.
    pub q: f64,
    /// Scale of the scale's gamma.
    pub v: f64,
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

/// Minimises `f` (value and gradient) from `x0` by BFGS with a backtracking line search.
fn bfgs(f: Objective, x0: &[f64]) -> Option<(Vec<f64>, f64)> {
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut fx, mut g) = f(&x);
    if !fx.is_finite() {
        return None;
    }
    let mut h = vec![vec![0.0; n]; n];
    for (i, row) in h.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _ in 0..500 {
        let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        if gnorm < 1e-8 * (1.0 + fx.abs()) {
            break;
        }
        let d: Vec<f64> = (0..n)
            .map(|i| -(0..n).map(|j| h[i][j] * g[j]).sum::<f64>())
            .collect();
        let slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        let (d, slope) = if slope < 0.0 {
            (d, slope)
        } else {
            // Not a descent direction: reset to steepest descent.
            for (i, row) in h.iter_mut().enumerate() {
                row.iter_mut().for_each(|v| *v = 0.0);
                row[i] = 1.0;
            }
            (g.iter().map(|v| -v).collect(), -gnorm * gnorm)
        };
        let mut step = 1.0;
        let mut next = None;
        for _ in 0..60 {
            let xn: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + step * b).collect();
            let (fn_, gn) = f(&xn);
            if fn_.is_finite() && fn_ <= fx + 1e-4 * step * slope {
                next = Some((xn, fn_, gn));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fn_, gn)) = next else { break };
        let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy: f64 = s.iter().zip(&yv).map(|(a, b)| a * b).sum();
        let done = (fx - fn_).abs() < 1e-12 * (1.0 + fx.abs());
        x = xn;
        fx = fn_;
        g = gn;
        if sy > 1e-12 {
            // BFGS update of the inverse Hessian.
            let hy: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| h[i][j] * yv[j]).sum())
                .collect();
            let yhy: f64 = yv.iter().zip(&hy).map(|(a, b)| a * b).sum();
            for i in 0..n {
                for j in 0..n {
                    h[i][j] +=
                        (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
        if done {
            break;
        }
    }
    Some((x, fx))
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ψ(x), the derivative of ln Γ, for x > 0: the recurrence up to 10, then the asymptotic
/// series.
pub fn digamma(mut x: f64) -> f64 {
    let mut r = 0.0;
    while x < 10.0 {
        r -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    r + x.ln()
        - 0.5 / x
        - f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))))
}

/// Customers grouped by identical (x, t_x, T), with counts.
fn groups(c: &[Summary]) -> Vec<(f64, f64, f64, f64)> {
    let mut m: HashMap<(u64, u64, u64), f64> = HashMap::new();
    for s in c {
        *m.entry((s.frequency.to_bits(), s.recency.to_bits(), s.t.to_bits()))
            .or_default() += 1.0;
    }
    let mut v: Vec<(f64, f64, f64, f64)> = m
        .into_iter()
        .map(|((x, tx, t), n)| (f64::from_bits(x), f64::from_bits(tx), f64::from_bits(t), n))
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v
}

/// BG/NBD log-likelihood and its gradient with respect to (ln r, ln alpha, ln a, ln b).
/// `r ln(alpha) - (r + x) ln(alpha + T)` is computed as `-r ln1p(T / alpha) - x ln(alpha + T)`,
/// which stays accurate when r and alpha are both large (the naive form cancels to garbage
/// that an optimiser then chases).
fn bgnbd_ll(theta: &[f64], data: &[(f64, f64, f64, f64)]) -> (f64, Vec<f64>) {
    if theta.iter().any(|t| t.abs() > 15.0) {
        return (f64::NEG_INFINITY, vec![0.0; 4]);
    }
    let (r, alpha, a, b) = (
        theta[0].exp(),
        theta[1].exp(),
        theta[2].exp(),
        theta[3].exp(),
    );
    let (lg_r, lg_ab, lg_b) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b));
    let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
    // The data are sorted by x: the gamma-function terms depend on x alone and are computed
    // once per distinct x. The sum is split over two threads.
    let part = |chunk: &[(f64, f64, f64, f64)]| -> (f64, [f64; 4]) {
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        let mut last_x = f64::NAN;
        let (mut cx_ll, mut cx_dr, mut cx_da, mut cx_db, mut ln_bx1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(x, tx, t, n) in chunk {
            if x != last_x {
                last_x = x;
                let lg_abx = ln_gamma(a + b + x);
                cx_ll = ln_gamma(r + x) - lg_r + lg_ab + ln_gamma(b + x) - lg_b - lg_abx;
                let dg_abx = digamma(a + b + x);
                cx_dr = digamma(r + x) - dg_r;
                cx_da = dg_ab - dg_abx;
                cx_db = dg_ab + digamma(b + x) - dg_b - dg_abx;
                ln_bx1 = if x > 0.0 { (b + x - 1.0).ln() } else { 0.0 };
            }
            let l1t = (t / alpha).ln_1p();
            let lat = (alpha + t).ln();
            let b3 = -r * l1t - x * lat;
            let mut dr = cx_dr;
            let dalpha;
            let mut da = cx_da;
            let mut db = cx_db;
            if x > 0.0 {
                let l1tx = (tx / alpha).ln_1p();
                let latx = (alpha + tx).ln();
                let b4 = a.ln() - ln_bx1 - r * l1tx - x * latx;
                let m = b3.max(b4);
                let e3 = (b3 - m).exp();
                let e4 = (b4 - m).exp();
                let l = m + (e3 + e4).ln();
                let w3 = e3 / (e3 + e4);
                let w4 = 1.0 - w3;
                ll += n * (cx_ll + l);
                dr -= w3 * l1t + w4 * l1tx;
                dalpha = w3 * (r * t / (alpha * (alpha + t)) - x / (alpha + t))
                    + w4 * (r * tx / (alpha * (alpha + tx)) - x / (alpha + tx));
                da += w4 / a;
                db -= w4 / (b + x - 1.0);
            } else {
                ll += n * (cx_ll + b3);
                dr -= l1t;
                dalpha = r * t / (alpha * (alpha + t));
            }
            g[0] += n * dr * r;
            g[1] += n * dalpha * alpha;
            g[2] += n * da * a;
            g[3] += n * db * b;
        }
        (ll, g)
    };
    let (ll, g) = if data.len() > 20_000 {
        let (left, right) = data.split_at(data.len() / 2);
        let ((l1, g1), (l2, g2)) = std::thread::scope(|sc| {
            let h = sc.spawn(|| part(left));
            let b = part(right);
            (h.join().unwrap_or((f64::NAN, [f64::NAN; 4])), b)
        });
        (
            l1 + l2,
            [g1[0] + g2[0], g1[1] + g2[1], g1[2] + g2[2], g1[3] + g2[3]],
        )
    } else {
        part(data)
    };
    (ll, g.to_vec())
}

/// The BG/NBD log-likelihood of customers at log-parameters `(ln r, ln alpha, ln a, ln b)`,
/// with its gradient in the same coordinates.
pub fn bgnbd_log_likelihood(theta: &[f64], c: &[Summary]) -> (f64, Vec<f64>) {
    bgnbd_ll(theta, &groups(c))
}

/// Fits BG/NBD by maximum likelihood.
pub fn fit_bgnbd(c: &[Summary]) -> Result<BgNbd, ClvError> {
    if c.len() < 10 {
        return Err(ClvError::TooFewCustomers { found: c.len() });
    }
    if c.iter().all(|s| s.frequency == 0.0) {
        return Err(ClvError::NoRepeatCustomers);
    }
    let data = groups(c);
    let mean_t = c.iter().map(|s| s.t).sum::<f64>() / c.len() as f64;
    let neg = |th: &[f64]| {
        let (ll, g) = bgnbd_ll(th, &data);
        (-ll, g.iter().map(|v| -v).collect())
    };
    // Start values: r 1, alpha the mean T, a 1, b 1; others only if that fails.
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in [
        [0.0, mean_t.max(1e-3).ln(), 0.0, 0.0],
        [
            (0.5f64).ln(),
            (mean_t / 4.0).max(1e-3).ln(),
            (0.5f64).ln(),
            (2.0f64).ln(),
        ],
        [(0.1f64).ln(), 1.0, 1.0, 1.0],
    ] {
        if let Some((x, f)) = bfgs(&neg, &start)
            && f.is_finite()
        {
            best = Some((x, f));
            break;
        }
    }
    let (x, f) = best.ok_or(ClvError::DidNotConverge { model: "BG/NBD" })?;
    Ok(BgNbd {
        r: x[0].exp(),
        alpha: x[1].exp(),
        a: x[2].exp(),
        b: x[3].exp(),
        log_likelihood: -f,
    })
}

/// Gauss's hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, by its series.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 0..100_000 {
        let k = f64::from(k);
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        sum += term;
        if term.abs() < 1e-15 * sum.abs() {
            break;
        }
    }
    sum
}

impl BgNbd {
    /// Probability that a customer with history (x, t_x, T) is still a customer.
    pub fn p_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        let d =
            self.a / (self.b + x - 1.0) * ((self.alpha + t) / (self.alpha + tx)).powf(self.r + x);
        1.0 / (1.0 + d)
    }

    /// Expected purchases in the next `horizon` units of a customer with history (x, t_x, T)
    /// (Fader, Hardie & Lee 2005, eq. 10).
    pub fn expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let z = horizon / (alpha + t + horizon);
        let hyp = hyp2f1(r + x, b + x, a + b + x - 1.0, z);
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second = 1.0 - ((alpha + t) / (alpha + t + horizon)).powf(r + x) * hyp;
        let denom = if x > 0.0 {
            1.0 + a / (b + x - 1.0) * ((alpha + t) / (alpha + tx)).powf(r + x)
        } else {
            1.0
        };
        first * second / denom
    }
}

/// Fits Gamma-Gamma on the customers with repeat purchases.
pub fn fit_gamma_gamma(c: &[Summary]) -> Result<GammaGamma, ClvError> {
    let mut data: Vec<(f64, f64)> = c
        .iter()
        .filter(|s| s.frequency > 0.0 && s.monetary_value > 0.0)
        .map(|s| (s.frequency, s.monetary_value))
        .collect();
    // Sorted by x, so that the gamma-function terms are computed once per distinct x.
    data.sort_by(|a, b| a.0.total_cmp(&b.0));
    let logs: Vec<(f64, f64)> = data.iter().map(|&(x, m)| (x.ln(), m.ln())).collect();
    if data.is_empty() {
        return Err(ClvError::NoRepeatCustomers);
    }
    let neg = |th: &[f64]| {
        if th.iter().any(|t| t.abs() > 15.0) {
            return (f64::INFINITY, vec![0.0; 3]);
        }
        let (p, q, v) = (th[0].exp(), th[1].exp(), th[2].exp());
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        let mut last_x = f64::NAN;
        let (mut cx_ll, mut dpq, mut dpx) = (0.0, 0.0, 0.0);
        for (&(x, m), &(lnx, lnm)) in data.iter().zip(&logs) {
            let px = p * x;
            if x != last_x {
                last_x = x;
                cx_ll = ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v;
                dpq = digamma(px + q);
                dpx = digamma(px);
            }
            let lxmv = (x * m + v).ln();
            ll += cx_ll + (px - 1.0) * lnm + px * lnx - (px + q) * lxmv;
            g[0] += x * (dpq - dpx + lnm + lnx - lxmv) * p;
            g[1] += (dpq - dg_q + ln_v - lxmv) * q;
            g[2] += (q / v - (px + q) / (x * m + v)) * v;
        }
        (-ll, g.iter().map(|v| -v).collect::<Vec<f64>>())
    };
    let mean = data.iter().map(|d| d.1).sum::<f64>() / data.len() as f64;
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in [
        [0.0, 0.0, mean.max(1e-3).ln()],
        [1.0, 1.0, 1.0],
        [2.0, 1.5, 2.5],
    ] {
        if let Some((x, f)) = bfgs(&neg, &start)
            && f.is_finite()
        {
            best = Some((x, f));
            break;
        }
    }
    let (x, f) = best.ok_or(ClvError::DidNotConverge {
        model: "Gamma-Gamma",
    })?;
    Ok(GammaGamma {
        p: x[0].exp(),
        q: x[1].exp(),
        v: x[2].exp(),
        log_likelihood: -f,
    })
}

impl GammaGamma {
    /// Expected spend per purchase of a customer with `x` repeat purchases of mean `m`
    /// (the population mean when `x` is 0).
    pub fn expected_spend(&self, x: f64, m: f64) -> f64 {
        (self.p * (self.v + x * m)) / (self.p * x + self.q - 1.0)
    }
}

/// Customer lifetime value over `months` months: the expected purchases in each month (30
/// days, or 4.345 weeks) times the expected spend per purchase and the margin, discounted
/// monthly at `monthly_rate` (as lifetimes' `customer_lifetime_value`).
pub fn clv(
    bg: &BgNbd,
    gg: &GammaGamma,
    s: &Summary,
    months: u32,
    margin: f64,
    monthly_rate: f64,
    unit: Unit,
) -> f64 {
    let per_month = match unit {
        Unit::Day => 30.0,
        Unit::Week => 4.345,
    };
    let spend = gg.expected_spend(s.frequency, s.monetary_value) * margin;
    // Each month's purchases are the difference of the cumulative expectation at its end and
    // at its start; the start's is the month before's end (computed once).
    let mut before = bg.expected_purchases(0.0, s.frequency, s.recency, s.t);
    (1..=months)
        .map(|m| {
            let t1 = f64::from(m) * per_month;
            let after = bg.expected_purchases(t1, s.frequency, s.recency, s.t);
            let n = after - before;
            before = after;
            spend * n / (1.0 + monthly_rate).powf(f64::from(m))
        })
        .sum()
}

/// Orders of `customers` customers drawn from the models' generative processes over `weeks`
/// weeks: every customer buys on day 0, then at exponential intervals (rate from
/// Gamma(r, alpha)), dropping out after each repeat purchase with a probability from
/// Beta(a, b); each purchase's amount is Gamma(p, nu) with nu from Gamma(q, v).
pub fn simulate_orders(
    customers: u32,
    weeks: f64,
    bg: (f64, f64, f64, f64),
    gg: (f64, f64, f64),
    seed: u64,
) -> Vec<Order> {
    let (r, alpha, a, b) = bg;
    let (p, q, v) = gg;
    let mut g = crate::rng::Rng::new(seed);
    let mut orders = Vec::new();
    for customer in 0..customers {
        let lambda = (g.gamma(r) / alpha).max(1e-12);
        let x1 = g.gamma(a);
        let drop = x1 / (x1 + g.gamma(b));
        let nu = g.gamma(q) / v;
        orders.push(Order {
            customer,
            day: 0,
            amount: g.gamma(p) / nu,
        });
        let mut t = 0.0;
        loop {
            t += -g.u().ln() / lambda;
            if t > weeks {
                break;
            }
            orders.push(Order {
                customer,
                day: (t * 7.0) as i32 + 1,
                amount: g.gamma(p) / nu,
            });
            if g.u() < drop {
                break;
            }
        }
    }
    orders
}
