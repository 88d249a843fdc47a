//! TEMPORARY stand-in until the finance module lands.
#![allow(missing_docs)]
pub fn period_rate(r: f64, p: u32) -> f64 {
    (1.0 + r).powf(p as f64 / 12.0) - 1.0
}
pub fn monthly_rate(r: f64) -> f64 {
    period_rate(r, 1)
}
pub fn annualise(i: f64, p: u32) -> f64 {
    (1.0 + i).powf(12.0 / p as f64) - 1.0
}
pub fn npv(i: f64, f: &[f64]) -> f64 {
    f.iter()
        .enumerate()
        .map(|(t, x)| x / (1.0 + i).powi(t as i32))
        .sum()
}
pub fn irr(_f: &[f64]) -> Option<f64> {
    None
}
pub fn payback_period(_f: &[f64]) -> Option<usize> {
    None
}
pub fn discounted_payback_period(_i: f64, _f: &[f64]) -> Option<usize> {
    None
}
pub fn first_year_roi(b: f64, c: f64) -> Option<f64> {
    (c > 0.0).then(|| (b - c) / c)
}
