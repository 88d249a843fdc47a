//! Sextant's reports: charts as hand-written SVG and the standalone HTML plan report.
//!
//! - [`chart`]: plain typed data (labels, values, a [`format::Unit`]) to SVG, so the same chart
//!   serves a web page, the printable plan and any later format. Every chart is a
//!   self-contained `<svg>`: inline presentation attributes, no CSS, no script, a `<title>` and
//!   a `<desc>` that says the data in words for screen readers, and no `NaN` or infinity ever
//!   written whatever the input.
//! - [`plan_charts`]: those charts built from a plan and core's and the roadmap's results.
//! - [`document`]: the plan report, one printable HTML file.
//! - [`format`](mod@format): money, percentages, months and axis ticks as people read them.

pub mod chart;
pub mod document;
pub mod format;
pub mod plan_charts;
