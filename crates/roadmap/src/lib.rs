//! Sextant's roadmap: which initiatives to do, in what order and when, under the plan's
//! budgets, staff hours and limits; how uncertain that plan's money is (Monte Carlo); and how
//! it fares under the plan's scenarios.
//!
//! The flow is [`Instance::from_plan`] (the model of product.md with every number computed
//! once), then [`solve::optimise`] (rules for a starting schedule, HiGHS on a tight
//! formulation for the proof), [`schedule::violations`] as an independent check, and
//! [`report`] to turn a schedule into what users read.

pub mod heuristic;
pub mod instance;
pub mod milp;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod simulate;
pub mod solve;
pub mod stop;

pub use instance::{Adjust, Instance, Objective};
pub use stop::Stop;
