//! Sextant's reports: charts as hand-written SVG and the standalone HTML plan report.
//!
//! - [`chart`]: plain typed data (labels, values, a [`sextant_core::unit::Measure`]) to SVG, so
//!   the same chart serves a web page, the printable plan and any later format. Every chart is a
//!   self-contained `<svg>`: inline presentation attributes, no CSS, no script, a `<title>` and
//!   a `<desc>` that says the data in words for screen readers, and no `NaN` or infinity ever
//!   written whatever the input.
//! - [`plan_charts`]: those charts built from a plan and core's and the roadmap's results.
//! - [`document`]: the plan report, one printable HTML file.
//! - [`format`](mod@format): axis ticks, and the core's [`sextant_core::unit`] functions that
//!   write money, percentages and months as people read them.

pub mod chart;
pub mod document;
pub mod format;
pub mod plan_charts;
