//! Charts as standalone SVG, each a plain struct with `svg()`.
//!
//! | chart | for |
//! | --- | --- |
//! | [`Line`] | a KPI over time: series with gaps, a forecast band, a target, anomaly marks |
//! | [`Bars`] | grouped bars that may go below zero (cash flows), with limits (budget) |
//! | [`Gantt`] | the roadmap by month: phases and initiatives coloured by kind |
//! | [`Frontier`] | the budget/value efficient frontier with the current plan highlighted |
//! | [`HeatMap`] | the 5x5 likelihood x impact risk matrix |
//! | [`SCurve`] | the cumulative probability of a simulated outcome |
//! | [`Tornado`] | the sensitivity of an outcome to each input |
//! | [`Graph`] | the integration map between systems |
//! | [`Radar`] | the technology watch list: rings Adopt to Hold, quadrants by kind |
//! | [`Spider`] | an assessment's scores by section, with an earlier one's for the trend |
//!
//! All charts are 720 units wide, use the Okabe-Ito palette (safe for colour-blind readers),
//! keep text at a contrast of at least 4.5:1, and draw a small "No data" chart for empty input
//! (the radar says there are no technologies on the watch list yet).

mod bars;
mod frontier;
mod gantt;
mod graph;
mod heatmap;
mod line;
mod radar;
mod scurve;
mod spider;
pub(crate) mod svg;
mod tornado;

pub use bars::{BarSeries, Bars, Limits};
pub use frontier::{Frontier, FrontierPoint};
pub use gantt::{Gantt, GanttRow, Span};
pub use graph::{Edge, Graph, Node};
pub use heatmap::{HeatCell, HeatMap, RiskLevel};
pub use line::{Band, Line, Mark, Series, Target};
pub use radar::{Radar, RadarPoint};
pub use scurve::SCurve;
pub use spider::Spider;
/// The font every chart's text is set in.
pub use svg::FONT;
pub use tornado::{Tornado, TornadoBar};
