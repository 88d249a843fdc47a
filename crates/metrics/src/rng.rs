//! The crate's one source of random draws for simulation: SplitMix64 (Steele, Lea & Flood,
//! "Fast splittable pseudorandom number generators", OOPSLA 2014) with uniform, normal and
//! gamma draws. Seeded, so every simulation gives the same answer for the same input.

/// SplitMix64 with uniform, normal (the ziggurat) and gamma (Marsaglia and Tsang) draws.
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw in (0, 1].
    pub(crate) fn u(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 + 1e-18
    }

    /// A standard normal draw: the ziggurat of Marsaglia and Tsang ("The ziggurat method for
    /// generating random variables", J. Stat. Softw. 5(8), 2000) in Doornik's form ("An
    /// improved ziggurat method to generate normal random samples", 2005: 128 layers, the
    /// layer and the uniform from one draw each); about 99% of draws take one multiplication.
    pub(crate) fn normal(&mut self) -> f64 {
        let z = zig();
        loop {
            let bits = self.next_u64();
            let i = (bits & 0x7F) as usize;
            let u = 2.0 * ((bits >> 11) as f64 / (1u64 << 53) as f64) - 1.0;
            if u.abs() < z.ratio[i] {
                return u * z.x[i];
            }
            if i == 0 {
                // The tail beyond R (Marsaglia, 1964).
                loop {
                    let x = self.u().ln() / ZIG_R;
                    let y = self.u().ln();
                    if -2.0 * y >= x * x {
                        return if u < 0.0 { x - ZIG_R } else { ZIG_R - x };
                    }
                }
            }
            let x = u * z.x[i];
            let f0 = (-0.5 * (z.x[i] * z.x[i] - x * x)).exp();
            let f1 = (-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x)).exp();
            if f1 + self.u() * (f0 - f1) < 1.0 {
                return x;
            }
        }
    }

    /// Gamma(shape `k`, scale 1) by Marsaglia and Tsang, "A simple method for generating gamma
    /// variables", ACM TOMS 26(3), 2000 (boosted for `k` < 1).
    pub(crate) fn gamma(&mut self, k: f64) -> f64 {
        if k < 1.0 {
            return self.gamma(k + 1.0) * self.u().powf(1.0 / k);
        }
        let d = k - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && self.u().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// A chi-squared draw with `nu` degrees of freedom: twice a Gamma(`nu` / 2).
    pub(crate) fn chi2(&mut self, nu: f64) -> f64 {
        2.0 * self.gamma(nu / 2.0)
    }
}

/// The ziggurat's start of the tail, `R`, and the area of each of its 128 layers, `V`
/// (Marsaglia and Tsang, 2000).
const ZIG_R: f64 = 3.442_619_855_899;
const ZIG_V: f64 = 9.912_563_035_262_17e-3;

/// The ziggurat's layers: their right edges `x` (`x[0]` the base's width, as if a rectangle
/// of area `V`) and `ratio[i] = x[i + 1] / x[i]`, under which a draw is inside at once.
struct Zig {
    x: [f64; 129],
    ratio: [f64; 128],
}

fn zig() -> &'static Zig {
    static ZIG: std::sync::OnceLock<Zig> = std::sync::OnceLock::new();
    ZIG.get_or_init(|| {
        let mut x = [0.0; 129];
        let mut f = (-0.5 * ZIG_R * ZIG_R).exp();
        x[0] = ZIG_V / f;
        x[1] = ZIG_R;
        for i in 2..128 {
            x[i] = (-2.0 * (ZIG_V / x[i - 1] + f).ln()).sqrt();
            f = (-0.5 * x[i] * x[i]).exp();
        }
        let mut ratio = [0.0; 128];
        for i in 0..128 {
            ratio[i] = x[i + 1] / x[i];
        }
        Zig { x, ratio }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Rng;

    /// Moments against their textbook values: N(0, 1) has mean 0 and variance 1;
    /// chi2(nu) has mean nu and variance 2 nu; Gamma(k) mean k and variance k.
    #[test]
    fn draws_have_their_distributions_moments() {
        let mut g = Rng::new(7);
        let n = 200_000;
        let moments = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
            (m, var)
        };
        let z: Vec<f64> = (0..n).map(|_| g.normal()).collect();
        let (m, var) = moments(&z);
        assert!(m.abs() < 0.01 && (var - 1.0).abs() < 0.01, "{m} {var}");
        for nu in [1.0, 3.0, 21.0, 150.0] {
            let c: Vec<f64> = (0..n).map(|_| g.chi2(nu)).collect();
            let (m, var) = moments(&c);
            assert!((m / nu - 1.0).abs() < 0.01, "chi2({nu}) mean {m}");
            assert!(
                (var / (2.0 * nu) - 1.0).abs() < 0.03,
                "chi2({nu}) variance {var}"
            );
        }
        let k: Vec<f64> = (0..n).map(|_| g.gamma(0.4)).collect();
        let (m, var) = moments(&k);
        assert!(
            (m / 0.4 - 1.0).abs() < 0.02 && (var / 0.4 - 1.0).abs() < 0.04,
            "{m} {var}"
        );
    }

    /// The normal's tails, through the ziggurat's layers and past its base: P(Z > 1),
    /// P(Z > 2), P(|Z| > 3) and P(Z > 3.5) against the normal table (0.158655, 0.022750,
    /// 0.002700, 0.000233), within four standard errors of 2 million draws.
    #[test]
    fn normal_tails_match_the_table() {
        let mut g = Rng::new(11);
        let n = 2_000_000;
        let (mut a, mut b, mut c, mut d) = (0u32, 0u32, 0u32, 0u32);
        for _ in 0..n {
            let z = g.normal();
            a += u32::from(z > 1.0);
            b += u32::from(z > 2.0);
            c += u32::from(z.abs() > 3.0);
            d += u32::from(z > 3.5);
        }
        for (count, p) in [
            (a, 0.158_655),
            (b, 0.022_750),
            (c, 0.002_700),
            (d, 0.000_233),
        ] {
            let se = (p * (1.0 - p) / f64::from(n)).sqrt();
            let got = f64::from(count) / f64::from(n);
            assert!((got - p).abs() < 4.0 * se, "{got} against {p}");
        }
    }
}
