//! Integration tests of the core's public API: one binary, one module per area.

mod bookstore_data;
mod cases;
mod checks;
mod demo;
mod errors;
mod hardening;
mod kpi;
mod lifecycle;
mod periods;
mod properties;
mod radar;
mod review;
mod standard;
mod suggest;
