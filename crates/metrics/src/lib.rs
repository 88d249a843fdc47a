//! Sextant's metrics: KPIs computed from a business's own data (orders, marketing spend, web
//! sessions, incidents, survey answers, system usage, the process inventory), forecasts of KPI
//! series against their targets, and predictive customer lifetime value.
//!
//! Pure computation: callers hand in typed records ([`records`]) and series; reading files is
//! `sextant-ingest`'s job.

pub mod anomaly;
pub mod bgnbd;
pub mod calendar;
pub mod catalogue;
pub mod clv;
pub mod ets;
pub mod forecast;
pub mod records;
mod rng;
