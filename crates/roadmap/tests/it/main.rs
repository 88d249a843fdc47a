//! Integration tests of `sextant-roadmap`: the optimiser against brute force on small random
//! plans (`brute`), hand-worked roadmaps, frontier and scenarios (`roadmap`), and the Monte
//! Carlo simulation (`simulate`).

#![allow(clippy::unwrap_used)]

mod brute;
mod hardening;
mod roadmap;
mod simulate;
mod stop;

/// Loads a plan from YAML text, failing the test with the rendered problems when it is refused.
pub fn load(text: &str) -> sextant_core::Plan {
    match sextant_core::load_plan("plan.yaml", text) {
        Ok(plan) => plan,
        Err(e) => panic!("plan refused:\n{}\n---\n{text}", e.render(Some(text))),
    }
}

/// `v` rounded to cents, as the reports round money.
pub fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
