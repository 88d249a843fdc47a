//! A search whose caller has gone stops: the heuristics' loops and HiGHS (through its
//! interrupt callback) look at the caller's request, so abandoned work gives its core back
//! instead of keeping it until the time limit. (Found by trying the server: a roadmap search
//! whose client left kept a core for its whole time limit.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sextant_roadmap::Stop;
use sextant_roadmap::instance::{Adjust, Instance, Objective};
use sextant_roadmap::milp::{self, Formulation, MipOptions};
use sextant_roadmap::solve::{self, Options, SolveStatus};

use crate::load;

fn synthetic(n: usize) -> Instance {
    let text = sextant_core::synth::plan_yaml(sextant_core::synth::Size::initiatives(n), 3);
    Instance::from_plan(&load(&text), Objective::Npv, &Adjust::default())
}

/// HiGHS asks the caller while it works and stops when told: a stop request that turns true
/// on its third question ends branch and bound, which hands back nothing. Before the
/// interrupt callback HiGHS never asked (0 questions) and ran to its end.
#[test]
fn highs_asks_the_caller_and_stops_when_told() {
    let inst = synthetic(120);
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let stop = Stop::when(move || counted.fetch_add(1, Ordering::SeqCst) >= 2);
    let r = milp::solve(
        &inst,
        Formulation::Tight,
        &MipOptions {
            time_limit: Duration::from_secs(600),
            stop,
            ..MipOptions::default()
        },
        None,
    );
    assert!(
        asked.load(Ordering::SeqCst) >= 3,
        "asked {} times",
        asked.load(Ordering::SeqCst)
    );
    assert!(r.starts.is_none() && !r.optimal && !r.infeasible);
    // The same model, not stopped, finds schedules.
    let r = milp::solve(
        &inst,
        Formulation::Tight,
        &MipOptions {
            time_limit: Duration::from_secs(3),
            ..MipOptions::default()
        },
        None,
    );
    assert!(r.starts.is_some());
}

/// The linear relaxation (simplex) stops too.
#[test]
fn the_relaxation_stops_when_told() {
    let inst = synthetic(120);
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let r = milp::solve(
        &inst,
        Formulation::Step,
        &MipOptions {
            linear: true,
            stop: Stop::when(move || counted.fetch_add(1, Ordering::SeqCst) >= 1),
            ..MipOptions::default()
        },
        None,
    );
    assert!(asked.load(Ordering::SeqCst) >= 2);
    assert!(r.bound.is_none() && r.lp.is_none());
}

/// A search asked to stop part-way returns at once with what it has, whatever its time
/// limit: here a 10-minute search of 1,500 initiatives told to stop after a fifth of a second
/// returns within seconds (it took minutes before in a debug build: neither the heuristics nor
/// HiGHS looked at the request).
#[test]
fn a_search_asked_to_stop_returns_with_what_it_has() {
    let inst = synthetic(1500);
    let flag = Arc::new(AtomicBool::new(false));
    let seen = flag.clone();
    let opts = Options {
        time_limit: Duration::from_secs(600),
        stop: Stop::when(move || seen.load(Ordering::Relaxed)),
        ..Options::default()
    };
    let setter = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            flag.store(true, Ordering::Relaxed);
            Instant::now()
        })
    };
    let sol = solve::optimise(&inst, &opts);
    let returned = Instant::now();
    let asked_at = setter.join().unwrap();
    let after = returned.saturating_duration_since(asked_at);
    // Within a second, as the server promises (measured: about 0.15 s in a test build).
    assert!(
        after < Duration::from_secs(1),
        "returned {after:?} after being asked"
    );
    assert_ne!(
        sol.status,
        SolveStatus::Optimal,
        "it was stopped before any proof"
    );
    // A schedule it returns passes the independent checker.
    if sol.status == SolveStatus::Feasible {
        assert!(sextant_roadmap::schedule::violations(&inst, &sol.starts).is_empty());
    }
}
