//! Exponential smoothing in state-space form (Hyndman, Koehler, Ord & Snyder, "Forecasting
//! with Exponential Smoothing", 2008): ETS models with additive or multiplicative error, no,
//! additive or damped trend, and no, additive or multiplicative seasonality; smoothing
//! parameters by maximum likelihood (Nelder-Mead within the usual bounds) from heuristic
//! initial states; the model chosen by AICc; 80% and 95% prediction intervals (analytic for
//! the linear models, simulated with a fixed seed for the others).

use serde::Serialize;

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

/// Level, trend and seasonal states.
type States = (f64, f64, Vec<f64>);

/// Sum of squared errors, sum of ln|forecast|, final states, one-step errors.
type Run = (f64, f64, States, Vec<f64>);

/// The one-step forecast from the states.
fn one_step(spec: &Spec, p: &Params, l: f64, b: f64, s: &[f64]) -> f64 {
    let phib = match spec.trend {
        TrendKind::N => 0.0,
        TrendKind::A => b,
        TrendKind::Ad => p.phi * b,
    };
    let q = l + phib;
    match spec.season {
        SeasonKind::N => q,
        SeasonKind::A => q + s[0],
        SeasonKind::M => q * s[0],
    }
}

/// Updates the states with the observation `yt` (identical for both error types; Hyndman et
/// al. 2008, ch. 2).
fn update(spec: &Spec, p: &Params, (l, b, s): &mut States, yt: f64) {
    let phib = match spec.trend {
        TrendKind::N => 0.0,
        TrendKind::A => *b,
        TrendKind::Ad => p.phi * *b,
    };
    let q = *l + phib;
    let old_s = if spec.season == SeasonKind::N {
        0.0
    } else {
        s[0]
    };
    let target = match spec.season {
        SeasonKind::N => yt,
        SeasonKind::A => yt - old_s,
        SeasonKind::M => yt / old_s,
    };
    let new_l = q + p.alpha * (target - q);
    if spec.trend != TrendKind::N {
        *b = phib + (p.beta / p.alpha) * (new_l - *l - phib);
    }
    if spec.season != SeasonKind::N {
        let ns = match spec.season {
            SeasonKind::A => old_s + p.gamma * (yt - q - old_s),
            // Component form with the updated level and gamma* = gamma / (1 - alpha), as
            // statsmodels does (for additive seasons the two forms are the same).
            _ => old_s + p.gamma / (1.0 - p.alpha) * (yt / new_l - old_s),
        };
        s.remove(0);
        s.push(ns);
    }
    *l = new_l;
}

/// One-step forecasts and errors of a model over `y`; returns (sum of squared errors, sum of
/// ln|forecast|, final states), or `None` when a forecast is not usable.
fn run(y: &[f64], spec: &Spec, p: &Params) -> Option<Run> {
    let mut st: States = (p.l0, p.b0, p.s0.clone());
    let (mut sse, mut lnf) = (0.0, 0.0);
    let mut errors = Vec::with_capacity(y.len());
    for &yt in y {
        let f = one_step(spec, p, st.0, st.1, &st.2);
        if !f.is_finite() || (spec.error == ErrorKind::M && f.abs() < 1e-10) {
            return None;
        }
        let e = match spec.error {
            ErrorKind::A => yt - f,
            ErrorKind::M => (yt - f) / f,
        };
        sse += e * e;
        lnf += f.abs().ln();
        errors.push(e);
        update(spec, p, &mut st, yt);
    }
    Some((sse, lnf, st, errors))
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

/// Nelder-Mead minimisation.
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64, iters: usize) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut pts: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += step;
        pts.push(p);
    }
    let mut vals: Vec<f64> = pts.iter().map(|p| f(p)).collect();
    for _ in 0..iters {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        pts = order.iter().map(|&i| pts[i].clone()).collect();
        vals = order.iter().map(|&i| vals[i]).collect();
        if (vals[n] - vals[0]).abs() < 1e-10 * (1.0 + vals[0].abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| pts[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (pts[n][j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = f(&xr);
        if fr < vals[0] {
            let xe = along(-2.0);
            let fe = f(&xe);
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
            let fc = f(&xc);
            if fc < vals[n].min(fr) {
                pts[n] = xc;
                vals[n] = fc;
            } else {
                for i in 1..=n {
                    pts[i] = (0..n)
                        .map(|j| pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]))
                        .collect();
                    vals[i] = f(&pts[i]);
                }
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .unwrap_or(0);
    (pts[best].clone(), vals[best])
}

/// The concentrated likelihood criterion `n ln(SSE) (+ 2 sum ln|f|)`, as R's `ets`.
fn criterion(y: &[f64], spec: &Spec, p: &Params) -> Option<f64> {
    let (sse, lnf, _, _) = run(y, spec, p)?;
    let n = y.len() as f64;
    let c = n * (sse.max(1e-300)).ln()
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
        ok.then(|| Params {
            alpha,
            beta,
            gamma,
            phi,
            l0,
            b0,
            s0: s0.clone(),
        })
    };
    let f = |x: &[f64]| {
        build(x)
            .and_then(|p| criterion(y, spec, &p))
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
    // A restart from the answer.
    let (x2, v2) = nelder_mead(&f, &x, 0.02, 2000);
    if v2 < v {
        x = x2;
        v = v2;
    }
    let params = build(&x).ok_or(ForecastError::TooShort {
        needed: y.len() + 1,
        found: y.len(),
    })?;
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
        run(y, spec, &params).unwrap_or((f64::NAN, 0.0, (0.0, 0.0, vec![]), vec![]));
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

/// Forecasts `horizon` steps ahead with 80% and 95% intervals.
pub fn forecast(fit: &Fit, horizon: usize) -> Forecast {
    let spec = &fit.spec;
    let p = &fit.params;
    let (l, b, s) = fit.state.clone();
    let m = spec.period.max(1);
    let point = |h: usize, l: f64, b: f64, s: &[f64]| -> f64 {
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
    let mean: Vec<f64> = (1..=horizon).map(|h| point(h, l, b, &s)).collect();
    let linear = spec.error == ErrorKind::A && spec.season != SeasonKind::M;
    let (mut lo80, mut hi80, mut lo95, mut hi95) = (vec![], vec![], vec![], vec![]);
    let mut draws: Vec<Vec<f64>> = Vec::new();
    if linear {
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
            lo80.push(mu - Z80 * sd);
            hi80.push(mu + Z80 * sd);
            lo95.push(mu - Z95 * sd);
            hi95.push(mu + Z95 * sd);
        }
    } else {
        // Simulated sample paths, with a fixed seed.
        let paths = 5000;
        draws = vec![Vec::with_capacity(paths); horizon];
        let mut rng = 0x5EED_u64;
        let mut normal = || {
            let mut u = || {
                rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = rng;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 + 1e-18
            };
            let (a, c) = (u(), u());
            (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * c).cos()
        };
        let sd = fit.sigma2.sqrt();
        for _ in 0..paths {
            let mut st: States = (l, b, s.clone());
            for d in draws.iter_mut() {
                let f = one_step(spec, p, st.0, st.1, &st.2);
                let e = sd * normal();
                let yt = match spec.error {
                    ErrorKind::A => f + e,
                    ErrorKind::M => f * (1.0 + e),
                };
                d.push(yt);
                update(spec, p, &mut st, yt);
            }
        }
        let q = |v: &[f64], p: f64| {
            let pos = p * (v.len() - 1) as f64;
            let (a, c) = (pos.floor() as usize, pos.ceil() as usize);
            v[a] + (v[c] - v[a]) * (pos - a as f64)
        };
        for d in draws.iter_mut() {
            d.sort_by(f64::total_cmp);
            lo80.push(q(d, 0.10));
            hi80.push(q(d, 0.90));
            lo95.push(q(d, 0.025));
            hi95.push(q(d, 0.975));
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

/// P(value at step `h` >= target) under the model's own distribution: the share of the
/// simulated paths at or above the target for the non-linear models, the normal distribution
/// of the analytic intervals for the linear ones.
pub fn probability_at_least(fc: &Forecast, h: usize, target: f64) -> f64 {
    let k = h.clamp(1, fc.mean.len()) - 1;
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
    if let Some(d) = fc.draws.get(k).filter(|d| !d.is_empty()) {
        let at_most = d.partition_point(|v| *v <= target);
        return at_most as f64 / d.len() as f64;
    }
    1.0 - probability_at_least(fc, h, target)
}

/// For goal tracking: the probability of reaching `target` `steps` months after the last of
/// `values` (falling to it when `down`), and the model chosen; `None` when the series cannot
/// be forecast.
pub fn goal_probability(
    values: &[f64],
    steps: usize,
    target: f64,
    down: bool,
) -> Option<(f64, String)> {
    let period = (values.len() >= 24).then_some(12);
    let fit = auto(values, period).ok()?;
    let fc = forecast(&fit, steps.max(1));
    let p = if down {
        probability_at_most(&fc, steps, target)
    } else {
        probability_at_least(&fc, steps, target)
    };
    Some((p, fc.model))
}
