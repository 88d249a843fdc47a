//! How near a system's end of life is: the one rule the pages, the charts and the report flag
//! a system by.

use crate::model::{Date, Month, Organization};

/// How near a system's end of life is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EndOfLife {
    /// Its end-of-life month has begun or passed (by today's date).
    Past,
    /// It begins within [`SOON_DAYS`] days of today.
    Soon,
    /// It falls before the planning horizon ends (or has passed, when today is not known).
    InPlan,
    /// Later, or not known.
    Later,
}

/// How many days ahead an end of life counts as soon.
pub const SOON_DAYS: i64 = 90;

impl EndOfLife {
    /// The standing in words, as a badge shows it; empty for [`EndOfLife::Later`].
    pub fn label(self) -> &'static str {
        match self {
            EndOfLife::Past => "End of life passed",
            EndOfLife::Soon => "End of life within 90 days",
            EndOfLife::InPlan => "End of life within the plan",
            EndOfLife::Later => "",
        }
    }

    /// Whether a chart or a list flags the system.
    pub fn flagged(self) -> bool {
        self != EndOfLife::Later
    }
}

/// The standing of an end of life in month `end` for an organisation's plan, on `today` when
/// it is known (a page, a dated report), by the plan's horizon alone when not.
pub fn end_of_life(end: Option<Month>, today: Option<Date>, org: &Organization) -> EndOfLife {
    let Some(end) = end else {
        return EndOfLife::Later;
    };
    if let Some(t) = today
        && let Some(first) = Date::new(end, 1)
    {
        let days = first.days_since(t);
        if days <= 0 {
            return EndOfLife::Past;
        }
        if days <= SOON_DAYS {
            return EndOfLife::Soon;
        }
    }
    if end < org.start.plus(org.horizon_months as i32) {
        EndOfLife::InPlan
    } else {
        EndOfLife::Later
    }
}
