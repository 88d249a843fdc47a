//! Exponential smoothing in state-space form (Hyndman, Koehler, Ord & Snyder, "Forecasting
//! with Exponential Smoothing", 2008): ETS models with additive or multiplicative error, no,
//! additive or damped trend, and no, additive or multiplicative seasonality; smoothing
//! parameters by maximum likelihood (Nelder-Mead within the usual bounds) from heuristic
//! initial states; the model chosen by AICc; 80% and 95% prediction intervals (analytic for
//! the linear models, simulated with a fixed seed for the others): the model's own
//! ([`forecast`], as the reference implementations give them) or allowing for the model
//! having been estimated from few values ([`predictive`], what forecasts and goal tracking
//! use).

use serde::Serialize;

use crate::rng::Rng;

/// The error component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ErrorKind {
    /// Additive.
    A,
    /// Multiplicative.
    M,
}

/// The trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrendKind {
    /// None.
    N,
    /// Additive.
    A,
    /// Additive, damped.
    Ad,
}

/// The seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeasonKind {
    /// None.
    N,
    /// Additive.
    A,
    /// Multiplicative.
    M,
}

/// A model of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// Error.
    pub error: ErrorKind,
    /// Trend.
    pub trend: TrendKind,
    /// Season.
    pub season: SeasonKind,
    /// Seasonal period (1 without a season).
    pub period: usize,
}

impl Spec {
    /// Its name in Hyndman's notation, e.g. `ETS(M,Ad,M)`.
    pub fn name(&self) -> String {
        format!("ETS({:?},{:?},{:?})", self.error, self.trend, self.season)
    }
}

/// Smoothing parameters and initial states.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing (error-correction form: `b_t = phi b + beta e`).
    pub beta: f64,
    /// Seasonal smoothing.
    pub gamma: f64,
    /// Damping.
    pub phi: f64,
    /// Initial level.
    pub l0: f64,
    /// Initial trend.
    pub b0: f64,
    /// Initial seasonal states, oldest first (`s_{1-m}` .. `s_0`).
    pub s0: Vec<f64>,
}

/// A fitted model.
#[derive(Debug, Clone, Serialize)]
pub struct Fit {
    /// The model.
    pub spec: Spec,
    /// Its parameters.
    pub params: Params,
    /// Variance of the one-step errors.
    pub sigma2: f64,
    /// Log-likelihood (up to a constant common to all models of a series).
    pub log_likelihood: f64,
    /// Akaike's criterion.
    pub aic: f64,
    /// AIC corrected for small samples.
    pub aicc: f64,
    /// Final states: level, trend, seasonal (oldest first).
    #[serde(skip)]
    state: States,
    /// The number of values fitted.
    #[serde(skip)]
    n: usize,
    /// The number of parameters estimated from them besides the error variance: smoothing
    /// parameters and initial states.
    #[serde(skip)]
    k: usize,
}

impl Fit {
    /// The number of values the model was fitted to.
    pub fn values(&self) -> usize {
        self.n
    }

    /// The parameters estimated from them besides the error variance (smoothing parameters
    /// and initial states); `sigma2` divides the squared errors by `values() - parameters()`.
    pub fn parameters(&self) -> usize {
        self.k
    }

    /// The degrees of freedom left for the error variance, `values() - parameters()` (at
    /// least 1): those of the Student-t quantiles of [`predictive`].
    pub fn dof(&self) -> f64 {
        self.n.saturating_sub(self.k).max(1) as f64
    }
}

/// Forecasts with intervals.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// The model's name.
    pub model: String,
    /// Point forecasts.
    pub mean: Vec<f64>,
    /// Lower 80% bound.
    pub lower_80: Vec<f64>,
    /// Upper 80% bound.
    pub upper_80: Vec<f64>,
    /// Lower 95% bound.
    pub lower_95: Vec<f64>,
    /// Upper 95% bound.
    pub upper_95: Vec<f64>,
    /// AICc of the model.
    pub aicc: f64,
    /// Whether the intervals were simulated.
    pub simulated: bool,
    /// The simulated values at each step, sorted (empty for the linear models): the
    /// distribution probabilities of reaching a target are read from.
    #[serde(skip)]
    pub(crate) draws: Vec<Vec<f64>>,
    /// At each step, a Student-t distribution (scale, degrees of freedom) the probabilities
    /// are read from instead (empty for [`forecast`]; see [`predictive`]).
    #[serde(skip)]
    pub(crate) dist: Vec<Option<(f64, f64)>>,
}

/// Why a series cannot be forecast.
#[derive(Debug, Clone, PartialEq)]
pub enum ForecastError {
    /// Too few values.
    TooShort {
        /// Needed.
        needed: usize,
        /// Found.
        found: usize,
    },
    /// A value that is not a finite number.
    NotFinite {
        /// Its position (0-based).
        index: usize,
    },
}

impl std::fmt::Display for ForecastError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForecastError::TooShort { needed, found } => write!(
                f,
                "expected at least {needed} values to forecast, found {found}"
            ),
            ForecastError::NotFinite { index } => {
                write!(f, "value {} is not a finite number", index + 1)
            }
        }
    }
}

impl std::error::Error for ForecastError {}

/// Level, trend and seasonal states; the seasons a ring, `s[off]` the current season's.
#[derive(Debug, Clone, PartialEq)]
struct States {
    l: f64,
    b: f64,
    s: Vec<f64>,
    off: usize,
}

impl States {
    fn new(l: f64, b: f64, s: &[f64]) -> States {
        States {
            l,
            b,
            s: s.to_vec(),
            off: 0,
        }
    }

    /// Back to `l`, `b` and the seasons `s`, keeping the allocation.
    fn reset(&mut self, l: f64, b: f64, s: &[f64]) {
        self.l = l;
        self.b = b;
        self.s.clear();
        self.s.extend_from_slice(s);
        self.off = 0;
    }

    /// The current season's state (0 without seasons).
    fn season(&self) -> f64 {
        self.s.get(self.off).copied().unwrap_or(0.0)
    }

    /// The current season's state replaced by `v`, and the next season made current.
    fn next_season(&mut self, v: f64) {
        if let Some(slot) = self.s.get_mut(self.off) {
            *slot = v;
            self.off = (self.off + 1) % self.s.len();
        }
    }

    /// The seasons from the current one on.
    fn seasons(&self) -> Vec<f64> {
        let (a, b) = self.s.split_at(self.off);
        b.iter().chain(a).copied().collect()
    }
}

/// Sum of squared errors, sum of ln|forecast|, final states, one-step errors.
type Run = (f64, f64, States, Vec<f64>);

/// The one-step forecast from the states.
fn one_step(spec: &Spec, p: &Params, st: &States) -> f64 {
    let phib = match spec.trend {
        TrendKind::N => 0.0,
        TrendKind::A => st.b,
        TrendKind::Ad => p.phi * st.b,
    };
    let q = st.l + phib;
    match spec.season {
        SeasonKind::N => q,
        SeasonKind::A => q + st.season(),
        SeasonKind::M => q * st.season(),
    }
}

/// Updates the states with the observation `yt` (identical for both error types; Hyndman et
/// al. 2008, ch. 2).
fn update(spec: &Spec, p: &Params, st: &mut States, yt: f64) {
    let phib = match spec.trend {
        TrendKind::N => 0.0,
        TrendKind::A => st.b,
        TrendKind::Ad => p.phi * st.b,
    };
    let q = st.l + phib;
    let old_s = if spec.season == SeasonKind::N {
        0.0
    } else {
        st.season()
    };
    let target = match spec.season {
        SeasonKind::N => yt,
        SeasonKind::A => yt - old_s,
        SeasonKind::M => yt / old_s,
    };
    let new_l = q + p.alpha * (target - q);
    if spec.trend != TrendKind::N {
        st.b = phib + (p.beta / p.alpha) * (new_l - st.l - phib);
    }
    if spec.season != SeasonKind::N {
        let ns = match spec.season {
            SeasonKind::A => old_s + p.gamma * (yt - q - old_s),
            // Component form with the updated level and gamma* = gamma / (1 - alpha), as
            // statsmodels does (for additive seasons the two forms are the same).
            _ => old_s + p.gamma / (1.0 - p.alpha) * (yt / new_l - old_s),
        };
        st.next_season(ns);
    }
    st.l = new_l;
}

/// One-step forecasts and errors of a model over `y`; returns (sum of squared errors, sum of
/// ln|forecast|, final states), or `None` when a forecast is not usable.
fn run(y: &[f64], spec: &Spec, p: &Params) -> Option<Run> {
    let mut st = States::new(p.l0, p.b0, &p.s0);
    let mut errors = Vec::with_capacity(y.len());
    let (sse, lnf) = walk(y, spec, p, &mut st, Some(&mut errors))?;
    Some((sse, lnf, st, errors))
}

/// [`run`] from the states `st` (left at the end), the errors pushed to `errors` when given:
/// (sum of squared errors, sum of ln|forecast|).
fn walk(
    y: &[f64],
    spec: &Spec,
    p: &Params,
    st: &mut States,
    mut errors: Option<&mut Vec<f64>>,
) -> Option<(f64, f64)> {
    let (mut sse, mut lnf) = (0.0, 0.0);
    // |forecast|s taken 8 at a time into one logarithm.
    let (mut chunk, mut k) = ([0.0; 8], 0);
    for &yt in y {
        let f = one_step(spec, p, st);
        if !f.is_finite() || (spec.error == ErrorKind::M && f.abs() < 1e-10) {
            return None;
        }
        let e = match spec.error {
            ErrorKind::A => yt - f,
            ErrorKind::M => (yt - f) / f,
        };
        sse += e * e;
        if spec.error == ErrorKind::M {
            chunk[k] = f.abs();
            k += 1;
            if k == chunk.len() {
                lnf += ln_product(&chunk);
                k = 0;
            }
        }
        if let Some(v) = errors.as_deref_mut() {
            v.push(e);
        }
        update(spec, p, st, yt);
    }
    lnf += ln_product(&chunk[..k]);
    Some((sse, lnf))
}

/// The sum of the logarithms of `v` (positive): the logarithm of their product, or the sum of
/// each one's when the product leaves the normal range.
fn ln_product(v: &[f64]) -> f64 {
    let p: f64 = v.iter().product();
    if p.is_normal() {
        p.ln()
    } else {
        v.iter().map(|x| x.ln()).sum()
    }
}

/// Heuristic initial states: with a season, a centred moving average over the first two
/// seasons gives the seasonal indices; a line through the first ten deseasonalised values
/// gives level and trend.
fn initial(y: &[f64], spec: &Spec) -> (f64, f64, Vec<f64>) {
    let m = spec.period.max(1);
    let mut s0 = Vec::new();
    let mut de: Vec<f64> = y.to_vec();
    if spec.season != SeasonKind::N && y.len() >= 2 * m {
        // Centred moving average (2 x m when m is even).
        let n = 2 * m;
        let mut trend = vec![f64::NAN; n];
        for (t, slot) in trend.iter_mut().enumerate() {
            let half = m / 2;
            if t < half || t + half >= n {
                continue;
            }
            *slot = if m.is_multiple_of(2) {
                let w: f64 = (t - half..=t + half)
                    .map(|k| {
                        let v = y[k];
                        if k == t - half || k == t + half {
                            v / 2.0
                        } else {
                            v
                        }
                    })
                    .sum();
                w / m as f64
            } else {
                (t - half..=t + half).map(|k| y[k]).sum::<f64>() / m as f64
            };
        }
        let mut idx = vec![(0.0, 0usize); m];
        for t in 0..n {
            if trend[t].is_finite() {
                let v = match spec.season {
                    SeasonKind::A => y[t] - trend[t],
                    _ => y[t] / trend[t],
                };
                idx[t % m].0 += v;
                idx[t % m].1 += 1;
            }
        }
        let mut si: Vec<f64> = idx
            .iter()
            .map(|(sum, k)| if *k > 0 { sum / *k as f64 } else { 0.0 })
            .collect();
        match spec.season {
            SeasonKind::A => {
                let mean = si.iter().sum::<f64>() / m as f64;
                si.iter_mut().for_each(|v| *v -= mean);
                for (t, d) in de.iter_mut().enumerate() {
                    *d -= si[t % m];
                }
            }
            _ => {
                let mean = si.iter().sum::<f64>() / m as f64;
                si.iter_mut().for_each(|v| *v /= mean);
                for (t, d) in de.iter_mut().enumerate() {
                    *d /= si[t % m];
                }
            }
        }
        // s0 holds s_{1-m} .. s_0: the state for time t is used at t, t + m, ...; the first
        // value y_0 uses s_{1-m}, which is the index of position 0.
        s0 = si;
    }
    let k = de.len().min(10);
    let xs: Vec<f64> = (0..k).map(|i| i as f64 + 1.0).collect();
    let (mx, my) = (
        xs.iter().sum::<f64>() / k as f64,
        de[..k].iter().sum::<f64>() / k as f64,
    );
    let sxy: f64 = xs
        .iter()
        .zip(&de[..k])
        .map(|(x, y)| (x - mx) * (y - my))
        .sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let intercept = my - slope * mx;
    match spec.trend {
        TrendKind::N => (my, 0.0, s0),
        _ => (intercept, slope, s0),
    }
}

/// [`nelder_mead`] stops when the simplex's values are within this share of the best: the
/// square root of the machine epsilon, R's `optim` default relative tolerance, which
/// `forecast::ets` passes to its Nelder-Mead.
const NM_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// The most parameters [`nelder_mead`] minimises over (alpha, beta, gamma, phi).
const MAX_PARAMS: usize = 4;

/// Nelder-Mead minimisation over at most [`MAX_PARAMS`] parameters, without allocating.
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64, iters: usize) -> (Vec<f64>, f64) {
    let n = x0.len().min(MAX_PARAMS);
    let mut pts = [[0.0; MAX_PARAMS]; MAX_PARAMS + 1];
    for (i, p) in pts.iter_mut().enumerate().take(n + 1) {
        p[..n].copy_from_slice(&x0[..n]);
        if i > 0 {
            p[i - 1] += step;
        }
    }
    let mut vals = [0.0; MAX_PARAMS + 1];
    for i in 0..=n {
        vals[i] = f(&pts[i][..n]);
    }
    for _ in 0..iters {
        // Best first; a stable order, so ties keep their places.
        let mut order = [0, 1, 2, 3, 4];
        order[..=n].sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        let (p0, v0) = (pts, vals);
        for (k, &i) in order[..=n].iter().enumerate() {
            pts[k] = p0[i];
            vals[k] = v0[i];
        }
        if (vals[n] - vals[0]).abs() < NM_TOLERANCE * (1.0 + vals[0].abs()) {
            break;
        }
        let mut centroid = [0.0; MAX_PARAMS];
        for (j, c) in centroid.iter_mut().enumerate().take(n) {
            *c = pts[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64;
        }
        let worst = pts[n];
        let along = |t: f64| -> [f64; MAX_PARAMS] {
            let mut x = [0.0; MAX_PARAMS];
            for j in 0..n {
                x[j] = centroid[j] + t * (worst[j] - centroid[j]);
            }
            x
        };
        let xr = along(-1.0);
        let fr = f(&xr[..n]);
        if fr < vals[0] {
            let xe = along(-2.0);
            let fe = f(&xe[..n]);
            if fe < fr {
                pts[n] = xe;
                vals[n] = fe;
            } else {
                pts[n] = xr;
                vals[n] = fr;
            }
        } else if fr < vals[n - 1] {
            pts[n] = xr;
            vals[n] = fr;
        } else {
            let xc = if fr < vals[n] {
                along(-0.5)
            } else {
                along(0.5)
            };
            let fc = f(&xc[..n]);
            if fc < vals[n].min(fr) {
                pts[n] = xc;
                vals[n] = fc;
            } else {
                let best = pts[0];
                for i in 1..=n {
                    for j in 0..n {
                        pts[i][j] = best[j] + 0.5 * (pts[i][j] - best[j]);
                    }
                    vals[i] = f(&pts[i][..n]);
                }
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .unwrap_or(0);
    (pts[best][..n].to_vec(), vals[best])
}

/// The concentrated likelihood criterion `n ln(SSE) (+ 2 sum ln|f|)`, as R's `ets`.
fn criterion(y: &[f64], spec: &Spec, p: &Params) -> Option<f64> {
    let (sse, lnf, _, _) = run(y, spec, p)?;
    concentrated(y.len(), spec, sse, lnf)
}

/// The criterion of [`criterion`] from a run's sums over `n` values.
fn concentrated(n: usize, spec: &Spec, sse: f64, lnf: f64) -> Option<f64> {
    let c = n as f64 * (sse.max(1e-300)).ln()
        + if spec.error == ErrorKind::M {
            2.0 * lnf
        } else {
            0.0
        };
    c.is_finite().then_some(c)
}

/// Fits one model with the given spec.
pub fn fit(y: &[f64], spec: &Spec) -> Result<Fit, ForecastError> {
    check(y, spec)?;
    let (l0, b0, s0) = initial(y, spec);
    let trend = spec.trend != TrendKind::N;
    let season = spec.season != SeasonKind::N;
    let damped = spec.trend == TrendKind::Ad;
    // Parameter vector: alpha, [beta], [gamma], [phi]; outside the usual region, infinite.
    let build = |x: &[f64]| -> Option<Params> {
        let mut k = 0;
        let mut next = || {
            let v = x[k];
            k += 1;
            v
        };
        let alpha = next();
        let beta = if trend { next() } else { 0.0 };
        let gamma = if season { next() } else { 0.0 };
        let phi = if damped { next() } else { 1.0 };
        let ok = alpha > 1e-4
            && alpha < 0.9999
            && (!trend || (beta > 1e-4 && beta < alpha))
            && (!season || (gamma > 1e-4 && gamma < 1.0 - alpha))
            && (!damped || (0.8..=0.98).contains(&phi));
        // The seasonal states are set apart (the search does not copy them at every step).
        ok.then_some(Params {
            alpha,
            beta,
            gamma,
            phi,
            l0,
            b0,
            s0: Vec::new(),
        })
    };
    let states = std::cell::RefCell::new(States::new(l0, b0, &s0));
    let f = |x: &[f64]| {
        let Some(p) = build(x) else { return 1e300 };
        let mut st = states.borrow_mut();
        st.reset(l0, b0, &s0);
        walk(y, spec, &p, &mut st, None)
            .and_then(|(sse, lnf)| concentrated(y.len(), spec, sse, lnf))
            .unwrap_or(1e300)
    };
    let mut x0 = vec![0.3];
    if trend {
        x0.push(0.05);
    }
    if season {
        x0.push(0.1);
    }
    if damped {
        x0.push(0.9);
    }
    let (mut x, mut v) = nelder_mead(&f, &x0, 0.05, 2000);
    // Nelder-Mead can stall short of a minimum: a restart from the answer, unless no step of
    // the restart's size along any parameter does better (then it is a minimum at that scale).
    let stalled = (0..x.len()).any(|i| {
        [-0.02, 0.02].iter().any(|d| {
            let mut t = x.clone();
            t[i] += d;
            f(&t) < v
        })
    });
    if stalled {
        let (x2, v2) = nelder_mead(&f, &x, 0.02, 2000);
        if v2 < v {
            x = x2;
            v = v2;
        }
    }
    let mut params = build(&x).ok_or(ForecastError::TooShort {
        needed: y.len() + 1,
        found: y.len(),
    })?;
    params.s0 = s0;
    Ok(finish(y, spec, params, v))
}

/// A model with its parameters given (no estimation).
pub fn fixed(y: &[f64], spec: &Spec, params: Params) -> Result<Fit, ForecastError> {
    check(y, spec)?;
    let v = criterion(y, spec, &params).unwrap_or(f64::INFINITY);
    Ok(finish(y, spec, params, v))
}

fn finish(y: &[f64], spec: &Spec, params: Params, crit: f64) -> Fit {
    let n = y.len() as f64;
    let (sse, _, state, _) =
        run(y, spec, &params).unwrap_or((f64::NAN, 0.0, States::new(0.0, 0.0, &[]), vec![]));
    // Parameters: smoothing ones, initial states, and sigma.
    let k = 1
        + usize::from(spec.trend != TrendKind::N)
        + usize::from(spec.season != SeasonKind::N)
        + usize::from(spec.trend == TrendKind::Ad)
        + 1
        + usize::from(spec.trend != TrendKind::N)
        + if spec.season != SeasonKind::N {
            spec.period - 1
        } else {
            0
        }
        + 1;
    let kf = k as f64;
    let log_likelihood = -0.5 * crit;
    let aic = crit + 2.0 * kf;
    let aicc = if n - kf - 1.0 > 0.0 {
        aic + 2.0 * kf * (kf + 1.0) / (n - kf - 1.0)
    } else {
        f64::INFINITY
    };
    Fit {
        spec: *spec,
        params,
        sigma2: sse / (n - kf + 1.0).max(1.0),
        log_likelihood,
        aic,
        aicc,
        state,
        n: y.len(),
        k: k - 1,
    }
}

fn check(y: &[f64], spec: &Spec) -> Result<(), ForecastError> {
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NotFinite { index: i });
    }
    let needed = if spec.season != SeasonKind::N {
        2 * spec.period.max(1)
    } else {
        4
    };
    if y.len() < needed {
        return Err(ForecastError::TooShort {
            needed,
            found: y.len(),
        });
    }
    Ok(())
}

/// Fits every admissible model and keeps the one with the lowest AICc: multiplicative
/// components only for positive data, seasonal ones only with a period of 2 or more and two
/// full seasons, and no additive error with multiplicative season (unstable, as R excludes).
pub fn auto(y: &[f64], period: Option<usize>) -> Result<Fit, ForecastError> {
    if y.len() < 4 {
        return Err(ForecastError::TooShort {
            needed: 4,
            found: y.len(),
        });
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NotFinite { index: i });
    }
    let positive = y.iter().all(|v| *v > 0.0);
    let m = period.unwrap_or(1);
    let seasonal = m >= 2 && y.len() >= 2 * m;
    let mut best: Option<Fit> = None;
    for error in [ErrorKind::A, ErrorKind::M] {
        for trend in [TrendKind::N, TrendKind::A, TrendKind::Ad] {
            for season in [SeasonKind::N, SeasonKind::A, SeasonKind::M] {
                if (error == ErrorKind::M || season == SeasonKind::M) && !positive {
                    continue;
                }
                if season != SeasonKind::N && !seasonal {
                    continue;
                }
                if error == ErrorKind::A && season == SeasonKind::M {
                    continue;
                }
                let spec = Spec {
                    error,
                    trend,
                    season,
                    period: if season == SeasonKind::N { 1 } else { m },
                };
                if let Ok(f) = fit(y, &spec)
                    && f.aicc.is_finite()
                    && best.as_ref().is_none_or(|b| f.aicc < b.aicc)
                {
                    best = Some(f);
                }
            }
        }
    }
    best.ok_or(ForecastError::TooShort {
        needed: y.len() + 1,
        found: y.len(),
    })
}

/// The standard normal quantiles for 80% and 95% two-sided intervals.
const Z80: f64 = 1.281_551_565_544_600_5;
const Z95: f64 = 1.959_963_984_540_054;

/// Series with fewer values than this (two years of months) are short: [`predictive`] never
/// gives them a band narrower than a random walk with drift's, and [`probability_bounds`]
/// keeps their probabilities of reaching a target within 1% and 99%.
pub const SHORT_SERIES: usize = 24;

/// Forecasts `horizon` steps ahead with 80% and 95% intervals, conditional on the fitted
/// parameters: the model's own intervals, as statsmodels and R's `forecast` give them (normal
/// quantiles, the variance of the one-step errors taken as known). For a forecast someone is
/// to act on, see [`predictive`].
pub fn forecast(fit: &Fit, horizon: usize) -> Forecast {
    project(fit, horizon, None, None)
}

/// Forecasts `horizon` steps ahead from the values `y` the model was fitted to, with
/// intervals that allow for the model having been estimated from them, so that a short
/// history does not give a band (and a probability of reaching a target) surer than it can be:
///
/// - the quantiles are Student-t with `n - k` degrees of freedom ([`Fit::dof`]: `n` values,
///   `k` smoothing parameters and initial states estimated; the variance of the one-step
///   errors already divides by `n - k`), not normal: the variance is estimated, not known.
///   For the simulated models each path draws its own error scale, `sigma x sqrt(nu /
///   chi2(nu))`, so that each step's spread is the t's;
/// - a series of 12 values or fewer never gets a band narrower than a random walk with
///   drift's (its variance `s^2 h (1 + h/T)` over `T` differences counts the drift's
///   estimation; Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed.,
///   5.5), centred on the model's own forecast: a few values cannot show that the series
///   returns to a trend or level instead of wandering from it, and a smoothed trend with no
///   smoothing fitted to 8 values would otherwise project its line with the spread of one
///   step at every horizon. From 12 values to [`SHORT_SERIES`] that floor shrinks in
///   proportion (to `(24 - n) / 12` of the random walk's spread), so that the band narrows
///   as the history grows instead of all at once.
///
/// The means are the model's.
pub fn predictive(fit: &Fit, y: &[f64], horizon: usize) -> Forecast {
    predictive_at(fit, y, horizon, None)
}

/// [`predictive`], with `only` as in [`project`]: the one step a caller reads.
fn predictive_at(fit: &Fit, y: &[f64], horizon: usize, only: Option<usize>) -> Forecast {
    let mut fc = project(fit, horizon, Some(fit.dof()), only);
    let n = y.len();
    if n < SHORT_SERIES
        && let Some((s, t)) = drift_spread(y)
    {
        let weight = floor_weight(n);
        let df = (t - 1.0).max(1.0);
        let (q80, q95) = (t_quantile(0.9, df), t_quantile(0.975, df));
        for k in 0..fc.mean.len() {
            if only.is_some_and(|o| o != k) {
                continue;
            }
            let h = (k + 1) as f64;
            let sd = weight * s * (h * (1.0 + h / t)).sqrt();
            let own = (fc.upper_95[k] - fc.lower_95[k]) / 2.0;
            if q95 * sd <= own {
                continue;
            }
            let mu = fc.mean[k];
            match fc.draws.get_mut(k).filter(|_| own > 0.0) {
                Some(d) => {
                    // Widened about the point forecast, the simulated shape kept.
                    let f = q95 * sd / own;
                    d.iter_mut().for_each(|v| *v = mu + f * (*v - mu));
                    fc.lower_80[k] = quantile(d, 0.10);
                    fc.upper_80[k] = quantile(d, 0.90);
                    fc.lower_95[k] = quantile(d, 0.025);
                    fc.upper_95[k] = quantile(d, 0.975);
                }
                None => {
                    fc.lower_80[k] = mu - q80 * sd;
                    fc.upper_80[k] = mu + q80 * sd;
                    fc.lower_95[k] = mu - q95 * sd;
                    fc.upper_95[k] = mu + q95 * sd;
                    fc.dist[k] = Some((sd, df));
                }
            }
        }
    }
    fc
}

/// The share of a random walk with drift's spread [`predictive`] gives at least a series of
/// `n` values: 1 up to 12 values, falling in proportion to 0 at [`SHORT_SERIES`].
pub fn floor_weight(n: usize) -> f64 {
    (SHORT_SERIES.saturating_sub(n) as f64 / (SHORT_SERIES - 12) as f64).min(1.0)
}

/// A random walk with drift on `y`: the spread of its one-step errors (the differences less
/// their mean, over `T - 1` degrees of freedom) and the number of differences `T`; `None` with
/// fewer than 3 values.
fn drift_spread(y: &[f64]) -> Option<(f64, f64)> {
    let n = y.len();
    if n < 3 {
        return None;
    }
    let t = (n - 1) as f64;
    let drift = (y[n - 1] - y[0]) / t;
    let ss: f64 = y.windows(2).map(|w| (w[1] - w[0] - drift).powi(2)).sum();
    Some(((ss / (t - 1.0)).sqrt(), t))
}

/// The `p` quantile of sorted values, interpolated.
fn quantile(v: &[f64], p: f64) -> f64 {
    let pos = p * (v.len() - 1) as f64;
    let (a, c) = (pos.floor() as usize, pos.ceil() as usize);
    v[a] + (v[c] - v[a]) * (pos - a as f64)
}

/// Forecasts with the model's own intervals (`dof` none: normal quantiles) or with Student-t
/// ones of `dof` degrees of freedom. With `only` (a step's index), a simulated model keeps the
/// paths of that step alone, and the other steps' intervals are NaN: for a caller that reads
/// one step.
/// The model's point forecasts `1..=horizon` steps ahead (the means of [`forecast`], without
/// its intervals: nothing simulated).
pub fn point_forecast(fit: &Fit, horizon: usize) -> Vec<f64> {
    means(fit, horizon)
}

fn means(fit: &Fit, horizon: usize) -> Vec<f64> {
    let spec = &fit.spec;
    let p = &fit.params;
    let (l, b, s) = (fit.state.l, fit.state.b, fit.state.seasons());
    let m = spec.period.max(1);
    let point = |h: usize| -> f64 {
        let damp: f64 = match spec.trend {
            TrendKind::N => 0.0,
            TrendKind::A => h as f64,
            TrendKind::Ad => (1..=h).map(|j| p.phi.powi(j as i32)).sum(),
        };
        let q = l + damp * b;
        match spec.season {
            SeasonKind::N => q,
            SeasonKind::A => q + s[(h - 1) % m],
            SeasonKind::M => q * s[(h - 1) % m],
        }
    };
    (1..=horizon).map(point).collect()
}

fn project(fit: &Fit, horizon: usize, dof: Option<f64>, only: Option<usize>) -> Forecast {
    let spec = &fit.spec;
    let p = &fit.params;
    let (l, b, s) = (fit.state.l, fit.state.b, fit.state.seasons());
    let m = spec.period.max(1);
    let mean = means(fit, horizon);
    let linear = spec.error == ErrorKind::A && spec.season != SeasonKind::M;
    let (mut lo80, mut hi80, mut lo95, mut hi95) = (vec![], vec![], vec![], vec![]);
    let mut draws: Vec<Vec<f64>> = Vec::new();
    let mut dist: Vec<Option<(f64, f64)>> = vec![None; if dof.is_some() { horizon } else { 0 }];
    if linear {
        let (q80, q95) = dof.map_or((Z80, Z95), |v| (t_quantile(0.9, v), t_quantile(0.975, v)));
        // Var(h) = sigma2 (1 + sum_{j<h} c_j^2), Hyndman et al. 2008, table 6.1 (class 1).
        for h in 1..=horizon {
            let mut v = 1.0;
            for j in 1..h {
                let jf = j as f64;
                let trend = match spec.trend {
                    TrendKind::N => 0.0,
                    TrendKind::A => p.beta * jf,
                    TrendKind::Ad => p.beta * p.phi * (1.0 - p.phi.powi(j as i32)) / (1.0 - p.phi),
                };
                let season = if spec.season != SeasonKind::N && j % m == 0 {
                    p.gamma
                } else {
                    0.0
                };
                let c = p.alpha + trend + season;
                v += c * c;
            }
            let sd = (fit.sigma2 * v).sqrt();
            let mu = mean[h - 1];
            lo80.push(mu - q80 * sd);
            hi80.push(mu + q80 * sd);
            lo95.push(mu - q95 * sd);
            hi95.push(mu + q95 * sd);
            if let (Some(slot), Some(v)) = (dist.get_mut(h - 1), dof) {
                *slot = Some((sd, v));
            }
        }
    } else {
        // Simulated sample paths, with a fixed seed; only the steps asked for are kept.
        let paths = 5000;
        let keep = |k: usize| only.is_none_or(|o| o == k);
        draws = (0..horizon)
            .map(|k| Vec::with_capacity(if keep(k) { paths } else { 0 }))
            .collect();
        let mut g = Rng::new(0x5EED);
        let sd = fit.sigma2.sqrt();
        let mut st = States::new(l, b, &s);
        for _ in 0..paths {
            // The path's own error scale when the variance counts as estimated: sigma x
            // sqrt(nu / chi2(nu)).
            let scale = match dof {
                None => 1.0,
                Some(v) => (v / g.chi2(v).max(1e-12)).sqrt(),
            };
            st.reset(l, b, &s);
            for (k, d) in draws.iter_mut().enumerate() {
                let f = one_step(spec, p, &st);
                let e = sd * scale * g.normal();
                let yt = match spec.error {
                    ErrorKind::A => f + e,
                    ErrorKind::M => f * (1.0 + e),
                };
                if keep(k) {
                    d.push(yt);
                }
                update(spec, p, &mut st, yt);
            }
        }
        for d in draws.iter_mut() {
            if d.is_empty() {
                // A step not asked for: no interval.
                for v in [&mut lo80, &mut hi80, &mut lo95, &mut hi95] {
                    v.push(f64::NAN);
                }
                continue;
            }
            d.sort_unstable_by(f64::total_cmp);
            lo80.push(quantile(d, 0.10));
            hi80.push(quantile(d, 0.90));
            lo95.push(quantile(d, 0.025));
            hi95.push(quantile(d, 0.975));
        }
    }
    Forecast {
        model: spec.name(),
        mean,
        lower_80: lo80,
        upper_80: hi80,
        lower_95: lo95,
        upper_95: hi95,
        aicc: fit.aicc,
        simulated: !linear,
        draws,
        dist,
    }
}

/// Φ(x), the standard normal distribution function (via erfc, Numerical Recipes' Chebyshev
/// fit, relative error below 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    let z = -x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z.abs());
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    let erfc = if z >= 0.0 { r } else { 2.0 - r };
    0.5 * erfc
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
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
    let t = x + 7.5;
    let sum = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |a, (i, c)| a + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularised incomplete beta function I_x(a, b) (Numerical Recipes' continued fraction,
/// by the modified Lentz method).
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise by symmetry.
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - incomplete_beta(1.0 - x, b, a);
    }
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..300 {
        let m = f64::from(m);
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            f *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    front * f / a
}

/// The Student-t distribution function with `nu` degrees of freedom.
pub fn t_cdf(x: f64, nu: f64) -> f64 {
    if nu > 1e7 {
        return normal_cdf(x);
    }
    let tail = 0.5 * incomplete_beta(nu / (nu + x * x), nu / 2.0, 0.5);
    if x >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile of the Student-t distribution with `nu` degrees of freedom (by bisection of
/// [`t_cdf`]).
pub fn t_quantile(p: f64, nu: f64) -> f64 {
    let (mut lo, mut hi) = (-1.0, 1.0);
    while t_cdf(lo, nu) > p && lo > -1e12 {
        lo *= 2.0;
    }
    while t_cdf(hi, nu) < p && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, nu) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * (1.0 + mid.abs()) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// P(value at step `h` >= target) under the forecast's distribution: the share of the
/// simulated paths at or above the target for the non-linear models, the Student-t of
/// [`predictive`] where it gives one, else the normal distribution of the analytic intervals.
pub fn probability_at_least(fc: &Forecast, h: usize, target: f64) -> f64 {
    let k = h.clamp(1, fc.mean.len()) - 1;
    if let Some(Some((sd, nu))) = fc.dist.get(k) {
        if *sd <= 0.0 {
            return if fc.mean[k] >= target { 1.0 } else { 0.0 };
        }
        return 1.0 - t_cdf((target - fc.mean[k]) / sd, *nu);
    }
    if let Some(d) = fc.draws.get(k).filter(|d| !d.is_empty()) {
        // Sorted: the paths below the target come first.
        let below = d.partition_point(|v| *v < target);
        return (d.len() - below) as f64 / d.len() as f64;
    }
    let sd = (fc.upper_95[k] - fc.lower_95[k]) / (2.0 * Z95);
    if sd <= 0.0 {
        return if fc.mean[k] >= target { 1.0 } else { 0.0 };
    }
    1.0 - normal_cdf((target - fc.mean[k]) / sd)
}

/// P(value at step `h` <= target).
pub fn probability_at_most(fc: &Forecast, h: usize, target: f64) -> f64 {
    let k = h.clamp(1, fc.mean.len()) - 1;
    let t = matches!(fc.dist.get(k), Some(Some(_)));
    if !t && let Some(d) = fc.draws.get(k).filter(|d| !d.is_empty()) {
        let at_most = d.partition_point(|v| *v <= target);
        return at_most as f64 / d.len() as f64;
    }
    1.0 - probability_at_least(fc, h, target)
}

/// How sure a forecast from `n` values may say a target is reached (or missed): within
/// `(low, high)` = (1%, 99%) below [`SHORT_SERIES`] values, `None` (no bound) from there. The
/// intervals of [`predictive`] allow for the parameters' estimation but not for the model
/// itself being wrong, which a short history cannot rule out.
pub fn probability_bounds(n: usize) -> Option<(f64, f64)> {
    (n < SHORT_SERIES).then_some((0.01, 0.99))
}

/// A probability kept within [`probability_bounds`] of `n` values, and in words how sure `n`
/// values can make it when that bound was reached: `", which can make it no surer than 99%"`
/// (or `", which can put it no lower than 1%"`), else empty.
pub fn bounded(p: f64, n: usize) -> (f64, String) {
    match probability_bounds(n) {
        Some((_, hi)) if p > hi => (
            hi,
            format!(", which can make it no surer than {:.0}%", hi * 100.0),
        ),
        Some((lo, _)) if p < lo => (
            lo,
            format!(", which can put it no lower than {:.0}%", lo * 100.0),
        ),
        _ => (p, String::new()),
    }
}

/// The probability that `y`, forecast by `fit`, reaches `target` `steps` ahead (falls to it
/// when `down`), and the model's name: what [`probability_at_least`] (or
/// [`probability_at_most`]) of [`predictive`] gives at that step, with that step's paths only
/// worked out.
pub fn chance_at(fit: &Fit, y: &[f64], steps: usize, target: f64, down: bool) -> (f64, String) {
    let steps = steps.max(1);
    let fc = predictive_at(fit, y, steps, Some(steps - 1));
    let p = if down {
        probability_at_most(&fc, steps, target)
    } else {
        probability_at_least(&fc, steps, target)
    };
    (p, fc.model)
}

/// For goal tracking: the probability of reaching `target` `steps` months after the last of
/// `values` (falling to it when `down`), and the model chosen, from [`predictive`]'s
/// distribution. From a short history (fewer than [`SHORT_SERIES`] months) the probability
/// is kept within [`probability_bounds`] and the model's name is followed by how much data it
/// had, e.g. `ETS(A,A,N) (from 8 months of data; a longer history would narrow this)`.
/// `None` when the series cannot be forecast.
pub fn goal_probability(
    values: &[f64],
    steps: usize,
    target: f64,
    down: bool,
) -> Option<(f64, String)> {
    let n = values.len();
    let period = (n >= 24).then_some(12);
    let fit = auto(values, period).ok()?;
    let (p, model) = chance_at(&fit, values, steps, target, down);
    Some(goal_words(p, model, n))
}

/// A goal's chance from `n` values kept within [`probability_bounds`], and the model's name,
/// followed below [`SHORT_SERIES`] values by how much data it had and how sure it could be.
pub(crate) fn goal_words(p: f64, model: String, n: usize) -> (f64, String) {
    if n >= SHORT_SERIES {
        return (p, model);
    }
    let (p, how) = bounded(p, n);
    (
        p,
        format!("{model} (from {n} months of data{how}; a longer history would narrow this)"),
    )
}
